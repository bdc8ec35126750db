//! Domain API wire formats: the list item (boolean `autorenew`), the detail
//! (object `autorenew`), the LiveDNS status of a domain, and the settings
//! routes' shapes (contacts, glue hosts, DNSSEC keys and state, web
//! redirections).

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
    /// Whether the registry takes DNSSEC keys for the domain.
    #[serde(default)]
    pub dnssec_available: Option<bool>,
    /// Whether LiveDNS can sign the zone (`POST .../livedns/dnssec`).
    #[serde(default)]
    pub livednssec_available: Option<bool>,
}

/// A string Gandi sends as a string or a number (a contact's `type`, a key id).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum StringOrNumber {
    String(String),
    Number(i64),
}

impl StringOrNumber {
    pub fn text(&self) -> String {
        match self {
            StringOrNumber::String(s) => s.clone(),
            StringOrNumber::Number(n) => n.to_string(),
        }
    }
}

/// `GET /domain/domains/{domain}/contacts`: the four roles, `bill` (Gandi's
/// word) not `billing`.
#[derive(Debug, Default, Deserialize)]
pub struct Contacts {
    #[serde(default)]
    pub owner: Option<ContactWire>,
    #[serde(default)]
    pub admin: Option<ContactWire>,
    #[serde(default)]
    pub bill: Option<ContactWire>,
    #[serde(default)]
    pub tech: Option<ContactWire>,
}

/// One contact. `type` is a string in Gandi's examples (`individual`,
/// `company`...) and an integer (0 to 4) in go-gandi: both are read.
#[derive(Debug, Default, Deserialize)]
pub struct ContactWire {
    #[serde(default, rename = "type")]
    pub contact_type: Option<StringOrNumber>,
    #[serde(default)]
    pub given: Option<String>,
    #[serde(default)]
    pub family: Option<String>,
    #[serde(default)]
    pub orgname: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub fax: Option<String>,
    #[serde(default)]
    pub streetaddr: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub zip: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub same_as_owner: Option<bool>,
    #[serde(default)]
    pub data_obfuscated: Option<bool>,
    #[serde(default)]
    pub mail_obfuscated: Option<bool>,
}

/// One glue record of `GET /domain/domains/{domain}/hosts` (`name` is the
/// label inside the domain, `@` for the domain itself).
#[derive(Debug, Deserialize)]
pub struct GlueHost {
    pub name: String,
    #[serde(default)]
    pub ips: Vec<String>,
    #[serde(default)]
    pub fqdn: Option<String>,
    #[serde(default)]
    pub fqdn_unicode: Option<String>,
}

/// One DNSSEC key the registry publishes for the domain (`GET .../dnskeys`).
#[derive(Debug, Deserialize)]
pub struct DnsKey {
    #[serde(default)]
    pub id: Option<StringOrNumber>,
    #[serde(default)]
    pub algorithm: Option<u32>,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub digest_type: Option<u32>,
    #[serde(default)]
    pub keytag: Option<u32>,
    /// `none`, `zsk` or `ksk`.
    #[serde(default, rename = "type")]
    pub key_type: Option<String>,
    #[serde(default)]
    pub public_key: Option<String>,
}

/// `GET /domain/domains/{domain}/livedns/dnssec`, and Gandi's answer to a
/// POST or DELETE there (`state`, with `cause`/`error` when not started).
#[derive(Debug, Default, Deserialize)]
pub struct LiveDnssec {
    /// `activation_error`, `activating`, `active`, `deactivation_error`,
    /// `deactivating` or `inactive`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// One web redirection (`GET /domain/domains/{domain}/webredirs`).
#[derive(Clone, Debug, Deserialize)]
pub struct WebRedir {
    /// The full host name, domain included.
    pub host: String,
    /// `http301`, `http302` or `cloak`.
    #[serde(default, rename = "type")]
    pub redirect_type: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// `http`, `https` or `httpsonly`.
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub cert_status: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}
