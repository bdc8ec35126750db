//! Billing API wire formats: the account's balance and prepaid funds, and
//! the price lists of `/billing/price/{type}`.

use serde::Deserialize;

/// `GET /billing/info`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BillingInfo {
    #[serde(default)]
    pub annual_balance: Option<f64>,
    /// The price grid (`A`, `B`, ...).
    #[serde(default)]
    pub grid: Option<String>,
    #[serde(default)]
    pub outstanding_amount: Option<f64>,
    #[serde(default)]
    pub prepaid: Option<Prepaid>,
}

/// The prepaid account of `billing/info`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Prepaid {
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub warning_threshold: Option<f64>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `GET /billing/price/{type}`: one page of a price list.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PriceList {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub grid: Option<String>,
    #[serde(default)]
    pub products: Vec<Product>,
}

/// One product of a price list: a name (`.com`, a package, a mailbox
/// type) under one process (`create`, `renew`, `transfer`, `restore`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Product {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub process: Option<String>,
    #[serde(default)]
    pub prices: Vec<ProductPrice>,
}

/// One price of a product, valid for durations `min_duration..=max_duration`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProductPrice {
    #[serde(default)]
    pub min_duration: Option<u32>,
    #[serde(default)]
    pub max_duration: Option<u32>,
    /// `y` (years) or `m` (months).
    #[serde(default)]
    pub duration_unit: Option<String>,
    /// The price of one duration unit.
    #[serde(default)]
    pub price_before_taxes: Option<f64>,
    #[serde(default)]
    pub price_after_taxes: Option<f64>,
}

impl Product {
    /// The price that applies to `duration` units, if any.
    pub fn price_for(&self, duration: u32) -> Option<&ProductPrice> {
        self.prices.iter().find(|p| {
            p.min_duration.unwrap_or(1) <= duration
                && duration <= p.max_duration.unwrap_or(u32::MAX)
        })
    }
}
