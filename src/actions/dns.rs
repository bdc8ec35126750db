//! LiveDNS actions: zones, rrsets (read, add, set, remove), zone plans,
//! zone files, snapshots and undo. Every write is previewed as an exact
//! before/after, snapshotted first, and sent as one request.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{paging, Ctx};
use crate::client::{encode, Paging};
use crate::dns::{self, Rrset};
use crate::error::{ErrorCode, SkillResult};
use crate::safety::Done;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZonesListParams {
    /// Only this page (from 1); without it every page is read.
    #[serde(default)]
    pub page: Option<u32>,
    /// Items per page (1-500) when `page` is given.
    #[serde(default)]
    pub per_page: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
pub struct ZoneList {
    pub zones: Vec<Zone>,
}

#[derive(Serialize, JsonSchema)]
pub struct Zone {
    pub fqdn: String,
    pub fqdn_unicode: String,
}

/// The Unicode form of an ASCII name, for display.
fn unicode(fqdn: &str) -> String {
    let (u, result) = idna::domain_to_unicode(fqdn);
    if result.is_ok() {
        u
    } else {
        fqdn.to_string()
    }
}

pub fn zones_list(ctx: &mut Ctx, p: ZonesListParams) -> SkillResult<Done<ZoneList>> {
    let paging = paging(p.page, p.per_page)?;
    let listing = ctx.client()?.list("livedns/domains", &[], paging)?;
    let zones = listing
        .items
        .iter()
        .filter_map(|z| z.get("fqdn").and_then(Value::as_str))
        .map(|f| Zone {
            fqdn: f.to_string(),
            fqdn_unicode: unicode(f),
        })
        .collect();
    ctx.listed(listing.total_count, listing.pages_fetched, listing.warnings);
    Ok(Done::Result(ZoneList { zones }))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordsListParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// Only rrsets with this name, relative to the zone (`@` = apex).
    #[serde(default)]
    pub name: Option<String>,
    /// Only rrsets of this type, e.g. `MX`.
    #[serde(default, rename = "type")]
    pub rtype: Option<String>,
    /// Only this page (from 1); without it every page is read.
    #[serde(default)]
    pub page: Option<u32>,
    /// Items per page (1-500) when `page` is given.
    #[serde(default)]
    pub per_page: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
pub struct RecordList {
    /// The zone, ASCII form.
    pub domain: String,
    pub records: Vec<Rrset>,
}

/// `livedns/domains/{zone}/records[/{name}[/{type}]]`.
pub(crate) fn records_path(zone: &str, name: Option<&str>, rtype: Option<&str>) -> String {
    let mut path = format!("livedns/domains/{}/records", encode(zone));
    if let Some(n) = name {
        path.push('/');
        path.push_str(&encode(n));
        if let Some(t) = rtype {
            path.push('/');
            path.push_str(&encode(t));
        }
    }
    path
}

pub(crate) fn rrsets_from(items: &[Value]) -> SkillResult<Vec<Rrset>> {
    items.iter().map(dns::rrset_from_gandi).collect()
}

pub fn records_list(ctx: &mut Ctx, p: RecordsListParams) -> SkillResult<Done<RecordList>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    let name = match &p.name {
        Some(n) => Some(dns::relative_name(n, &zone, &mut ctx.warnings)?),
        None => None,
    };
    let rtype = p.rtype.as_deref().map(dns::check_type).transpose()?;
    let paging = paging(p.page, p.per_page)?;
    let client = ctx.client()?;
    let records = match (&name, &rtype) {
        (Some(n), Some(t)) => match client.get(&records_path(&zone, Some(n), Some(t)), &[]) {
            Ok(v) => vec![dns::rrset_from_gandi(&v)?],
            Err(e) if e.code == ErrorCode::NotFound && is_missing_rrset(&e) => Vec::new(),
            Err(e) => return Err(e),
        },
        (Some(n), None) => {
            let v = client.get(&records_path(&zone, Some(n), None), &[])?;
            rrsets_from(v.as_array().map(Vec::as_slice).unwrap_or_default())?
        }
        (None, t) => {
            let query: Vec<(&str, String)> = t.iter().map(|t| ("rrset_type", t.clone())).collect();
            let listing = client.list(&records_path(&zone, None, None), &query, paging)?;
            let records = rrsets_from(&listing.items)?;
            ctx.listed(listing.total_count, listing.pages_fetched, listing.warnings);
            return Ok(Done::Result(RecordList { domain: zone, records }));
        }
    };
    if matches!(paging, Paging::All) {
        ctx.listed(Some(records.len() as u64), 1, Vec::new());
    }
    Ok(Done::Result(RecordList { domain: zone, records }))
}

/// A 404 about a missing rrset (as opposed to a missing zone).
pub(crate) fn is_missing_rrset(e: &crate::error::SkillError) -> bool {
    e.details.get("object").and_then(Value::as_str) == Some("dns-record")
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RrsetKeyParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The rrset name relative to the zone (`@` = apex).
    pub name: String,
    /// The rrset type, e.g. `TXT`.
    #[serde(rename = "type")]
    pub rtype: String,
}

#[derive(Serialize, JsonSchema)]
pub struct RecordOne {
    pub domain: String,
    pub record: Rrset,
}

pub fn records_get(ctx: &mut Ctx, p: RrsetKeyParams) -> SkillResult<Done<RecordOne>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    let name = dns::relative_name(&p.name, &zone, &mut ctx.warnings)?;
    let rtype = dns::check_type(&p.rtype)?;
    let v = ctx.client()?.get(&records_path(&zone, Some(&name), Some(&rtype)), &[])?;
    Ok(Done::Result(RecordOne {
        domain: zone,
        record: dns::rrset_from_gandi(&v)?,
    }))
}
