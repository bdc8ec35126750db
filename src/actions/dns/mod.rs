//! LiveDNS actions, one file per resource: `zones` (the zone list),
//! `records` (rrsets: read, add, set, remove), `zone` (export, apply,
//! import), `snapshots` (list, get, create, restore, delete), and `write`,
//! the shared write path (preview, digest, snapshot, one request). This file
//! owns what they share: paths, the checked target of a change, the reads a
//! change depends on, and the refusals that stop a broken zone.

pub mod records;
pub mod snapshots;
pub mod write;
pub mod zone;
pub mod zones;

use serde_json::Value;

use crate::catalog::Reads;
use crate::client::{encode, Paging};
use crate::dns::diff::Plan;
use crate::dns::{self, Rrset};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::livedns::RrsetWire;

/// Records per page when a whole zone is read for a diff.
pub(crate) const ZONE_PAGE: u32 = 500;

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

/// `livedns/domains/{zone}/snapshots[/{id}]`.
pub(crate) fn snapshot_path(zone: &str, id: Option<&str>) -> String {
    let mut p = format!("livedns/domains/{}/snapshots", encode(zone));
    if let Some(id) = id {
        p.push('/');
        p.push_str(&encode(id));
    }
    p
}

/// A 404 about a missing rrset (as opposed to a missing zone).
pub(crate) fn is_missing_rrset(e: &SkillError) -> bool {
    e.code == ErrorCode::NotFound
        && e.details.get("object").and_then(Value::as_str) == Some("dns-record")
}

pub(crate) fn rrsets(items: Vec<RrsetWire>) -> Vec<Rrset> {
    items.into_iter().map(Rrset::from).collect()
}

/// The checked target of an rrset change.
pub(crate) struct Target {
    pub zone: String,
    pub name: String,
    pub rtype: String,
}

pub(crate) fn target(cx: &mut Reads, domain: &str, name: &str, rtype: &str) -> SkillResult<Target> {
    let zone = dns::zone_ascii(domain, "domain")?;
    let name = dns::relative_name(name, &zone, cx.warnings_mut())?;
    let rtype = dns::check_type(rtype)?;
    dns::check_alias_at_apex(&name, &rtype)?;
    if let Some(clash) = dns::cname_clash(&name, &rtype, &[]) {
        return Err(SkillError::new(ErrorCode::InvalidParams, clash)
            .with_detail("field", "type")
            .with_detail("value", rtype.as_str())
            .with_detail("expected", "ALIAS at the apex (a CNAME only below it)")
            .with_hint("nothing was sent to Gandi; use type ALIAS for the apex"));
    }
    Ok(Target { zone, name, rtype })
}

/// Every rrset at one name (all types); an unknown name is an empty list.
pub(crate) fn rrsets_at(cx: &mut Reads, t: &Target) -> SkillResult<Vec<Rrset>> {
    match cx.get::<Vec<RrsetWire>>(&records_path(&t.zone, Some(&t.name), None), &[]) {
        Ok(items) => Ok(rrsets(items)),
        Err(e) if is_missing_rrset(&e) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Every rrset of a zone, all pages, each page turned into rrsets as it arrives.
pub(crate) fn live_zone(cx: &mut Reads, zone: &str) -> SkillResult<Vec<Rrset>> {
    let listing = cx.list_map(
        &records_path(zone, None, None),
        &[],
        Paging::AllBy(ZONE_PAGE),
        <Rrset as From<RrsetWire>>::from,
    )?;
    Ok(listing.items)
}

/// Refuses a change that would put a CNAME beside other data at one name.
pub(crate) fn refuse_cname_clash(name: &str, rtype: &str, others: &[&str]) -> SkillResult<()> {
    match dns::cname_clash(name, rtype, others) {
        Some(clash) => Err(SkillError::new(
            ErrorCode::Refused,
            format!("refused: {clash}; nothing was written"),
        )
        .with_detail("name", name)
        .with_detail("type", rtype)
        .with_detail(
            "existing_types",
            others.iter().map(|s| Value::from(*s)).collect::<Vec<_>>(),
        )
        .with_hint("dns.records.set replaces what is at that name in one previewed step (or use another name)")),
        None => Ok(()),
    }
}

/// Refuses a plan that gives a name a second SPF or DMARC value.
pub(crate) fn refuse_second_mail_policy(plan: &Plan) -> SkillResult<()> {
    for change in &plan.changes {
        if let Some(why) = dns::second_mail_policy(change.before.as_ref(), change.after.as_ref()) {
            return Err(SkillError::new(
                ErrorCode::Refused,
                format!("refused: {why}; nothing was written"),
            )
            .with_detail("name", change.name.as_str())
            .with_hint("merge the policies into one value and write it with dns.records.set (it previews the change)"));
        }
    }
    Ok(())
}

/// Refuses a value the caller adds whose target surely lacks its final dot.
/// Values the live rrset already holds pass, so what Gandi has (even a
/// broken value) can be sent back unchanged; zone files and snapshots are
/// not checked at all.
pub(crate) fn refuse_new_dotless_targets(
    rtype: &str,
    values: &[String],
    live: Option<&Rrset>,
    zone: &str,
) -> SkillResult<()> {
    for v in values.iter().filter(|v| !live.is_some_and(|l| l.holds(v))) {
        dns::refuse_missing_final_dot(rtype, v, zone)?;
    }
    Ok(())
}

/// The types at the name other than the target's, for the CNAME rule.
pub(crate) fn other_types<'a>(at_name: &'a [Rrset], t: &Target) -> Vec<&'a str> {
    at_name
        .iter()
        .filter(|r| r.rtype != t.rtype)
        .map(|r| r.rtype.as_str())
        .collect()
}

/// Points an error at a field inside a list (`rrsets[2].values`).
pub(crate) fn rename_field(mut e: SkillError, field: &str) -> SkillError {
    if let Some(old) = e
        .details
        .get("field")
        .and_then(Value::as_str)
        .map(str::to_string)
    {
        e.message = e
            .message
            .replacen(&format!("`{old}`"), &format!("`{field}`"), 1);
    }
    e.details.insert("field".into(), Value::from(field));
    e
}
