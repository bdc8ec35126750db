//! What the domain-settings actions share: the checked domain (ASCII for
//! Gandi, Unicode for people) and its Domain API paths, host names checked
//! before any request (nameservers, glue hosts), and the reads several previews depend on (where the DNS is served, the
//! LiveDNS zone, the DNSSEC keys the registry publishes).

use schemars::JsonSchema;
use serde::Serialize;

use crate::actions::common::unicode_if_different;
use crate::catalog::{Permission, Reads, Route};
use crate::client::{encode, Paging};
use crate::dns::Rrset;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::domain::{DnsKey, LiveDnsStatus};

pub(crate) const DETAIL_ROUTE: Route =
    Route::get("/v5/domain/domains/{domain}", Permission::DomainRead);
pub(crate) const NAMESERVERS_ROUTE: Route = Route::get(
    "/v5/domain/domains/{domain}/nameservers",
    Permission::DomainRead,
);
pub(crate) const LIVEDNS_ROUTE: Route = Route::get(
    "/v5/domain/domains/{domain}/livedns",
    Permission::DomainRead,
);
pub(crate) const HOSTS_ROUTE: Route =
    Route::get("/v5/domain/domains/{domain}/hosts", Permission::DomainRead);
pub(crate) const DNSKEYS_ROUTE: Route = Route::get(
    "/v5/domain/domains/{domain}/dnskeys",
    Permission::DomainRead,
);
pub(crate) const ZONE_ROUTE: Route =
    Route::get("/v5/livedns/domains/{domain}/records", Permission::DnsRead);

/// A domain named by a request: its ASCII form (what Gandi is sent) and its
/// Unicode form when that differs (what people read).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DomainName {
    /// ASCII form (`xn--caf-dma.fr`).
    pub domain: String,
    /// Unicode form (`café.fr`), when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_unicode: Option<String>,
}

impl DomainName {
    /// Checks the `domain` parameter (Unicode or ASCII form).
    pub fn parse(domain: &str) -> SkillResult<DomainName> {
        let ascii = crate::dns::zone_ascii(domain, "domain")?;
        Ok(DomainName {
            domain_unicode: unicode_if_different(&ascii),
            domain: ascii,
        })
    }

    /// `domain/domains/{domain}{rest}` (`rest` empty or starting with `/`).
    pub fn path(&self, rest: &str) -> String {
        format!("domain/domains/{}{rest}", encode(&self.domain))
    }

    /// The name to show in sentences: `café.fr (xn--caf-dma.fr)` or `example.com`.
    pub fn shown(&self) -> String {
        match &self.domain_unicode {
            Some(u) => format!("{u} ({})", self.domain),
            None => self.domain.clone(),
        }
    }
}

/// Checks a list of nameserver host names (field `field`): 1 to 13 names,
/// each a host name (IDN converted to ASCII, lower case, no final dot), no
/// name twice. The order is kept.
pub(crate) fn host_names(field: &str, given: &[String]) -> SkillResult<Vec<String>> {
    const EXPECTED: &str =
        "1 to 13 nameserver host names, such as [\"ns1.example-dns.net\", \"ns2.example-dns.net\"]";
    if given.is_empty() || given.len() > 13 {
        return Err(SkillError::invalid_param(field, None, EXPECTED));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, name) in given.iter().enumerate() {
        let item = format!("{field}[{i}]");
        let ascii = crate::dns::zone_ascii(name, &item)?;
        if out.contains(&ascii) {
            return Err(SkillError::invalid_param(
                &item,
                Some(name),
                &format!("each nameserver once ({ascii} is listed twice)"),
            ));
        }
        out.push(ascii);
    }
    Ok(out)
}

/// The same set of host names, whatever the order and case.
pub(crate) fn same_hosts(a: &[String], b: &[String]) -> bool {
    let norm = |v: &[String]| {
        let mut v: Vec<String> = v
            .iter()
            .map(|s| s.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    norm(a) == norm(b)
}

/// Where the domain's DNS is served (`GET .../livedns`).
pub(crate) fn dns_status(cx: &mut Reads, d: &DomainName) -> SkillResult<LiveDnsStatus> {
    cx.get(&d.path("/livedns"), &[])
}

/// Gandi's `current` in plain words for the reply: `livedns`, `classic`
/// (Gandi's former DNS), `premium_dns` or `other`.
pub(crate) fn served_by(status: &LiveDnsStatus) -> String {
    status
        .current
        .clone()
        .unwrap_or_else(|| "other".to_string())
}

/// The LiveDNS zone of the domain, every rrset; `None` when LiveDNS has no
/// zone for it (Gandi answers 404).
pub(crate) fn livedns_zone(cx: &mut Reads, d: &DomainName) -> SkillResult<Option<Vec<Rrset>>> {
    match crate::actions::dns::live_zone(cx, &d.domain) {
        Ok(rrsets) => Ok(Some(rrsets)),
        Err(e) if e.code == ErrorCode::NotFound && e.http_status == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// One DNSSEC key the registry publishes for the domain (the parent's DS
/// records are made from these).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DsKey {
    /// Gandi's id of the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keytag: Option<u32>,
    /// DNSSEC algorithm number (13 = ECDSA P-256 SHA-256, 8 = RSA SHA-256...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<u32>,
    /// `ksk`, `zsk` or `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// Digest type of `digest` (2 = SHA-256).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest_type: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

impl From<DnsKey> for DsKey {
    fn from(k: DnsKey) -> DsKey {
        DsKey {
            id: k.id.map(|i| i.text()),
            keytag: k.keytag,
            algorithm: k.algorithm,
            key_type: k.key_type,
            digest_type: k.digest_type,
            digest: k.digest,
            public_key: k.public_key,
        }
    }
}

/// The DNSSEC keys the registry publishes for the domain: every page, or
/// the one asked for. Also what `cx.listed` needs.
pub(crate) fn ds_keys(
    cx: &mut Reads,
    d: &DomainName,
    paging: Paging,
) -> SkillResult<(Vec<DsKey>, Option<u64>, u32)> {
    let listing = cx.list::<DnsKey>(&d.path("/dnskeys"), &[], paging)?;
    let keys = listing.items.into_iter().map(DsKey::from).collect();
    Ok((keys, listing.total_count, listing.pages_fetched))
}

/// `keytag 12345, keytag 23456` for sentences.
pub(crate) fn keytags(keys: &[DsKey]) -> String {
    keys.iter()
        .map(|k| match k.keytag {
            Some(t) => format!("keytag {t}"),
            None => "a key without keytag".to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
