//! LiveDNS record model: the `Rrset` wire shape, Gandi's type list and TTL
//! bounds; the submodules own names, value validation, zone files and diffs.
//!
//! Everything the rest of the skill needs is re-exported here, so callers
//! write `crate::dns::normalize_values` and never reach into a submodule
//! (except `zonefile::parse`/`render` and the `diff` types).

// `SkillError` (with its details map) is larger than clippy's 128-byte
// threshold; every fallible function here returns it by design.

pub mod diff;
pub mod impact;
pub mod name;
pub mod record;
pub mod validate;
pub mod zonefile;

pub use name::{relative_name, zone_ascii};
pub use record::{
    check_alias_at_apex, check_ttl, check_type, cname_clash, rrset_from_gandi, rrset_to_gandi,
    second_mail_policy,
};
pub use validate::{normalize_values, refuse_missing_final_dot, value_key};

/// One rrset as the skill shows it: `{name, type, ttl, values}`.
///
/// `name` is relative to the zone (`@` for the apex), `type` is upper case,
/// `values` are in the form Gandi stores and returns them.
#[derive(
    Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Rrset {
    /// Name relative to the zone; `@` is the apex.
    pub name: String,
    /// Record type, upper case (`A`, `MX`, `TXT`, ...).
    #[serde(rename = "type")]
    pub rtype: String,
    /// Time to live in seconds (300..=2592000).
    pub ttl: u32,
    /// The values, as Gandi stores them (TXT quoted, targets as given).
    pub values: Vec<String>,
}

/// Gandi's TTL when none is given (a PUT without `rrset_ttl` resets to it).
impl Rrset {
    /// An rrset from string slices (tests, benchmarks, fixtures).
    pub fn new(name: &str, rtype: &str, ttl: u32, values: &[&str]) -> Rrset {
        Rrset {
            name: name.to_string(),
            rtype: rtype.to_string(),
            ttl,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// Whether it already holds `value`, compared by meaning (`value_key`).
    pub fn holds(&self, value: &str) -> bool {
        let key = value_key(&self.rtype, value);
        self.values.iter().any(|v| value_key(&self.rtype, v) == key)
    }
}

pub const DEFAULT_TTL: u32 = 10800;

/// Lowest TTL Gandi accepts.
pub const MIN_TTL: u32 = 300;

/// Highest TTL Gandi accepts (30 days).
pub const MAX_TTL: u32 = 2_592_000;

/// Gandi's rrtype enum (`GET /livedns/dns/rrtypes`). SOA is listed because
/// Gandi returns it, but `check_type` refuses it: Gandi manages the SOA.
pub const RRTYPES: &[&str] = &[
    "A",
    "AAAA",
    "ALIAS",
    "CAA",
    "CDS",
    "CNAME",
    "DNAME",
    "DS",
    "HTTPS",
    "KEY",
    "LOC",
    "MX",
    "NAPTR",
    "NS",
    "OPENPGPKEY",
    "PTR",
    "RP",
    "SOA",
    "SPF",
    "SRV",
    "SSHFP",
    "SVCB",
    "TLSA",
    "TXT",
    "WKS",
];

/// The order rrsets are listed in everywhere (zone files, diffs, parse
/// output): apex first, then names in byte order, then type.
pub(crate) fn rrset_order(a: (&str, &str), b: (&str, &str)) -> std::cmp::Ordering {
    (a.0 != "@", a.0, a.1).cmp(&(b.0 != "@", b.0, b.1))
}
