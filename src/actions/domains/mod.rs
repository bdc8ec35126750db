//! Domain actions (the registrar side), one file per resource: `list`
//! (domains.list, domains.get); the settings: `contacts`, `nameservers`
//! (and the move to LiveDNS), `lock`, `autorenew`, `glue`, `dnssec`,
//! `tags`, `webredirs`, with what they share in `settings`. This file owns
//! what every domain action shares: the `domain` parameter and expiry
//! arithmetic.

pub mod availability;
pub mod contact;
pub mod expiring;
pub mod list;
pub mod orders;
pub mod pricing;
pub mod renewal;

pub mod autorenew;
pub mod contacts;
pub mod dnssec;
pub mod glue;
pub mod lock;
pub mod nameservers;
pub mod settings;
pub mod tags;
pub mod webredirs;

use schemars::JsonSchema;
use serde::Deserialize;

pub use list::{Get, List};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainParams {
    /// The domain, Unicode or ASCII form (`café.fr` or `xn--caf-dma.fr`).
    pub domain: String,
}

/// The registry end date and the whole days left until it.
pub(crate) fn expiry(now: i64, registry_ends_at: Option<String>) -> (Option<String>, Option<i64>) {
    let days_left = registry_ends_at
        .as_deref()
        .and_then(crate::time::parse_rfc3339)
        .map(|t| crate::time::days_until(now, t));
    (registry_ends_at, days_left)
}
