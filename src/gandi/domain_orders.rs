//! Domain API wire formats for availability, prices and orders: the
//! `/domain/check` price answer, the TLD list, a domain's renewal facts and
//! the transfer-in availability check.

use serde::{Deserialize, Deserializer};

/// `GET /domain/check`: the price grid of one name for the processes asked.
#[derive(Debug, Default, Deserialize)]
pub struct Check {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub grid: Option<String>,
    #[serde(default)]
    pub products: Vec<Product>,
    #[serde(default)]
    pub taxes: Vec<Tax>,
}

/// One process (`create`, `renew`, `transfer`, ...) of a checked name.
#[derive(Debug, Default, Deserialize)]
pub struct Product {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub process: Option<String>,
    /// `available`, `unavailable`, `unavailable_premium`, `error_invalid`, ...
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub prices: Vec<PriceEntry>,
    #[serde(default)]
    pub taxes: Vec<Tax>,
}

/// One line of a price grid: the price of one duration unit for durations
/// from `min_duration` to `max_duration`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PriceEntry {
    #[serde(default)]
    pub min_duration: Option<u32>,
    #[serde(default)]
    pub max_duration: Option<u32>,
    /// `y` (years) for domains.
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

/// A tax of a price answer (`rate` in percent).
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

/// One TLD of `GET /domain/tlds`.
#[derive(Debug, Deserialize)]
pub struct Tld {
    pub name: String,
}

/// `GET /domain/domains/{domain}/renew`: whether and how long it can be renewed.
#[derive(Debug, Default, Deserialize)]
pub struct RenewInfo {
    #[serde(default)]
    pub begins_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    /// The durations (years) Gandi accepts now.
    #[serde(default)]
    pub durations: Vec<u32>,
    #[serde(default)]
    pub minimum: Option<u32>,
    #[serde(default)]
    pub maximum: Option<u32>,
    #[serde(default)]
    pub prohibited: Option<bool>,
    #[serde(default)]
    pub in_renew_period: Option<bool>,
}

/// `POST /domain/transferin/{domain}/available` (also shown in a transfer's
/// preview, as Gandi's data).
#[derive(Debug, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
pub struct TransferAvailability {
    #[serde(default)]
    pub available: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fqdn_ulabel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corporate: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub durations: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_duration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_duration: Option<u32>,
    /// Gandi's explanation when it is not transferable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
}
