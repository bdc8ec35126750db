//! Domain API wire formats: the list item (boolean `autorenew`), the detail
//! (object `autorenew`), and the LiveDNS status of a domain.

use serde::Deserialize;
use serde_json::Value;

/// The dates both shapes carry (the detail has more; kept as `Value` there).
#[derive(Debug, Default, Deserialize)]
pub struct Dates {
    #[serde(default)]
    pub registry_ends_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `nameserver` of a list item.
#[derive(Debug, Default, Deserialize)]
pub struct NameserverInfo {
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default)]
    pub hosts: Option<Vec<String>>,
}

/// One domain of `GET /domain/domains`.
#[derive(Debug, Deserialize)]
pub struct DomainItem {
    pub fqdn: String,
    #[serde(default)]
    pub fqdn_unicode: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Vec<String>,
    #[serde(default)]
    pub dates: Dates,
    /// A boolean in lists.
    #[serde(default)]
    pub autorenew: Option<bool>,
    #[serde(default)]
    pub nameserver: NameserverInfo,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub sharing_id: Option<String>,
    #[serde(default)]
    pub orga_owner: Option<String>,
}

/// `autorenew` of a domain's details.
#[derive(Debug, Default, Deserialize)]
pub struct Autorenew {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub duration: Option<u64>,
}

/// `GET /domain/domains/{domain}`.
#[derive(Debug, Deserialize)]
pub struct DomainDetail {
    #[serde(default)]
    pub fqdn: Option<String>,
    #[serde(default)]
    pub fqdn_unicode: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Vec<String>,
    /// Every date Gandi gives, kept whole for the reply.
    #[serde(default)]
    pub dates: Value,
    #[serde(default)]
    pub autorenew: Autorenew,
    #[serde(default)]
    pub can_tld_lock: Option<bool>,
    #[serde(default)]
    pub contacts: Value,
    #[serde(default)]
    pub nameservers: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub sharing_space: Value,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl DomainDetail {
    /// The registry's end date, from the kept `dates` object.
    pub fn registry_ends_at(&self) -> Option<String> {
        self.dates
            .get("registry_ends_at")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    pub fn created_at(&self) -> Option<String> {
        self.dates
            .get("created_at")
            .and_then(Value::as_str)
            .map(str::to_string)
    }
}

/// `GET /domain/domains/{domain}/livedns`.
#[derive(Debug, Default, Deserialize)]
pub struct LiveDnsStatus {
    /// `livedns`, `classic`, `premium_dns` or `other`.
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default)]
    pub nameservers: Vec<String>,
}
