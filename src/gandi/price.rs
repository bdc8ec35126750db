//! Gandi's price list: the one shape `GET /domain/check` (a name's grid for
//! the processes asked) and `GET /billing/price/{type}` (a product type's
//! prices, paged) both answer with.

use serde::{Deserialize, Deserializer};

/// A price list: its currency and grid, the products priced, the taxes.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PriceList {
    #[serde(default)]
    pub currency: Option<String>,
    /// The price grid (`A`, `B`, ...).
    #[serde(default)]
    pub grid: Option<String>,
    #[serde(default)]
    pub products: Vec<Product>,
    #[serde(default)]
    pub taxes: Vec<Tax>,
}

/// One product of a price list: a name (`.com`, `example.com`, a package, a
/// mailbox type) under one process (`create`, `renew`, `transfer`, ...).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Product {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub process: Option<String>,
    /// `available`, `unavailable`, `unavailable_premium`, `error_invalid`, ...
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub prices: Vec<PriceLine>,
    #[serde(default)]
    pub taxes: Vec<Tax>,
}

impl Product {
    /// The line that applies to `duration` units, if any (whatever its unit).
    pub fn price_for(&self, duration: u32) -> Option<&PriceLine> {
        self.prices.iter().find(|p| {
            p.min_duration.unwrap_or(1) <= duration
                && duration <= p.max_duration.unwrap_or(u32::MAX)
        })
    }
}

/// One line of a price list: the price of one duration unit for durations
/// from `min_duration` to `max_duration`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PriceLine {
    #[serde(default)]
    pub min_duration: Option<u32>,
    #[serde(default)]
    pub max_duration: Option<u32>,
    /// `y` (years) or `m` (months).
    #[serde(default)]
    pub duration_unit: Option<String>,
    #[serde(default, deserialize_with = "amount")]
    pub price_before_taxes: Option<f64>,
    #[serde(default, deserialize_with = "amount")]
    pub price_after_taxes: Option<f64>,
    #[serde(default)]
    pub discount: Option<bool>,
    /// `premium` for a premium name's price.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// A tax of a price list (`rate` in percent).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Tax {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "amount")]
    pub rate: Option<f64>,
}

/// A price as a number or a numeric string (both are seen in the wild).
fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        Some(Raw::Number(n)) => Some(n),
        Some(Raw::Text(t)) => t.trim().parse::<f64>().ok(),
        None => None,
    })
}
