//! LiveDNS wire formats: zones, rrsets (`rrset_*`), snapshots.

use serde::Deserialize;

use crate::dns::{Rrset, DEFAULT_TTL};

/// One zone of `GET /livedns/domains`.
#[derive(Debug, Deserialize)]
pub struct ZoneItem {
    pub fqdn: String,
}

/// One rrset as Gandi sends it (`rrset_href` and other extras ignored).
#[derive(Debug, Deserialize)]
pub struct RrsetWire {
    pub rrset_name: String,
    pub rrset_type: String,
    /// Absent means Gandi's default TTL.
    #[serde(default)]
    pub rrset_ttl: Option<u32>,
    pub rrset_values: Vec<String>,
}

impl From<RrsetWire> for Rrset {
    fn from(w: RrsetWire) -> Rrset {
        let mut rtype = w.rrset_type;
        rtype.make_ascii_uppercase();
        Rrset {
            name: w.rrset_name,
            rtype,
            ttl: w.rrset_ttl.unwrap_or(DEFAULT_TTL),
            values: w.rrset_values,
        }
    }
}

/// One snapshot of a list (`zone_data` only on the detail route).
#[derive(Debug, Deserialize)]
pub struct Snapshot {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub automatic: Option<bool>,
    #[serde(default)]
    pub zone_data: Vec<RrsetWire>,
}

/// The answer to `POST .../snapshots`: the new id (also in `Location`).
#[derive(Debug, Default, Deserialize)]
pub struct SnapshotCreated {
    #[serde(default)]
    pub id: Option<String>,
}
