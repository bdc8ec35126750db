//! Domain API wire formats for availability and orders: the TLD list, a
//! domain's renewal facts and the transfer-in availability check (the
//! `/domain/check` price answer is a `gandi::price::PriceList`).

use serde::Deserialize;

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
