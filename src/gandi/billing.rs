//! Billing API wire formats: the account's balance and prepaid funds (the
//! price lists of `/billing/price/{type}` are `gandi::price`'s).

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
