//! The shared write path of every LiveDNS change: the exact diff as the
//! preview, the digest of the live rrsets it depends on (those at the name
//! for a per-name change, the whole zone for a whole-zone one), then in
//! `apply` the undo snapshot and exactly one write request.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use ureq::http::Method;

use super::{records_path, refuse_second_mail_policy, snapshot_path};
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::Body;
use crate::dns::diff::{Change, Mode, Plan, Summary};
use crate::dns::{self, Rrset};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::livedns::SnapshotCreated;
use crate::safety::plan::StateDigest;

/// Every request of a whole-zone change (dns.zone.apply and import,
/// dns.snapshots.restore): the zone read, the undo snapshot, and the one
/// write (the whole zone, or one name's rrsets put or deleted).
pub(super) const ZONE_ROUTES: &[Route] = &[
    Route::get("/v5/livedns/domains/{domain}/records", Permission::DnsRead),
    Route::write(
        "POST",
        "/v5/livedns/domains/{domain}/snapshots",
        Permission::DnsWrite,
    ),
    Route::write(
        "PUT",
        "/v5/livedns/domains/{domain}/records",
        Permission::DnsWrite,
    ),
    Route::write(
        "PUT",
        "/v5/livedns/domains/{domain}/records/{name}",
        Permission::DnsWrite,
    ),
    Route::write(
        "DELETE",
        "/v5/livedns/domains/{domain}/records/{name}",
        Permission::DnsWrite,
    ),
];

/// A DNS change as previewed.
#[derive(Serialize, JsonSchema)]
pub struct DnsPreview {
    /// The zone, ASCII form.
    pub domain: String,
    pub changes: Vec<Change>,
    pub summary: Summary,
}

/// What a DNS write did.
#[derive(Serialize, JsonSchema)]
pub struct DnsChangeResult {
    pub domain: String,
    /// Whether anything was written (false when the zone already matched).
    pub applied: bool,
    pub changes: Vec<Change>,
    pub summary: Summary,
}

/// A planned DNS write, for `apply`.
pub struct DnsWrite {
    zone: String,
    plan: Plan,
    request: WriteRequest,
    snapshot: Option<bool>,
    /// What the undo snapshot's name says was changed.
    label: String,
}

/// The one request that makes the change.
enum WriteRequest {
    /// One rrset: POST to create, PUT to replace, DELETE to remove.
    Rrset {
        name: String,
        rtype: String,
        exists: bool,
        after: Option<Rrset>,
    },
    /// Every rrset at one name (PUT), or none (DELETE).
    Name { name: String, items: Vec<Rrset> },
    /// The whole zone (PUT).
    Zone { items: Vec<Rrset> },
}

/// An action whose change is a `DnsWrite`.
pub trait DnsAction:
    Action<Output = DnsChangeResult, Preview = DnsPreview, Pending = DnsWrite>
{
}

impl<A> DnsAction for A where
    A: Action<Output = DnsChangeResult, Preview = DnsPreview, Pending = DnsWrite>
{
}

fn result(zone: &str, plan: Plan, applied: bool) -> DnsChangeResult {
    DnsChangeResult {
        domain: zone.to_string(),
        applied,
        changes: plan.changes,
        summary: plan.summary,
    }
}

/// One sentence that says what a plan does.
fn describe_plan(zone: &str, plan: &Plan) -> String {
    let s = &plan.summary;
    format!(
        "This changes zone {zone}: {} rrset(s) added, {} changed, {} removed ({} unchanged).",
        s.added, s.changed, s.removed, s.unchanged
    )
}

/// The digest of the live rrsets a change depends on, in a stable order.
fn digest_of(zone: &str, live: &[Rrset]) -> StateDigest {
    let mut sorted: Vec<&Rrset> = live.iter().collect();
    sorted.sort_by(|a, b| (&a.name, &a.rtype).cmp(&(&b.name, &b.rtype)));
    StateDigest::of(&(zone, sorted))
}

/// Plans a change of one rrset. `at_name` is every rrset the name holds
/// now: the preview's warnings judge it, and the plan binds it.
pub fn rrset_change<A: DnsAction>(
    cx: &mut Reads,
    zone: &str,
    at_name: &[Rrset],
    before: Option<Rrset>,
    after: Option<Rrset>,
    snapshot: Option<bool>,
) -> SkillResult<Step<A>> {
    let Some(key) = after.as_ref().or(before.as_ref()) else {
        return Err(SkillError::internal("an rrset change without an rrset"));
    };
    let (name, rtype) = (key.name.clone(), key.rtype.clone());
    let plan = dns::diff::single_change(before.clone(), after.clone());
    if plan.is_empty() {
        cx.warn(format!(
            "{name} {rtype} already holds exactly this: nothing was written"
        ));
        return Ok(Step::Done(result(zone, plan, false)));
    }
    refuse_second_mail_policy(&plan)?;
    let name_after: Vec<Rrset> = at_name
        .iter()
        .filter(|r| r.rtype != rtype)
        .cloned()
        .chain(after.clone())
        .collect();
    let warnings = dns::impact::warnings(zone, &plan, &name_after);
    cx.warnings_mut().extend(warnings);
    let preview = DnsPreview {
        domain: zone.to_string(),
        changes: plan.changes.clone(),
        summary: plan.summary.clone(),
    };
    let write = DnsWrite {
        zone: zone.to_string(),
        label: format!("{rtype} {name}"),
        request: WriteRequest::Rrset {
            name,
            rtype,
            exists: before.is_some(),
            after,
        },
        plan,
        snapshot,
    };
    let message = describe_plan(zone, &write.plan);
    Ok(Step::Change(
        Planned::new(message, preview, digest_of(zone, at_name), write).touching(zone),
    ))
}

/// Refuses a resulting zone where a CNAME shares its name with other data.
fn check_zone_cnames(zone: &[Rrset]) -> SkillResult<()> {
    let mut by_name: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for r in zone {
        by_name
            .entry(r.name.as_str())
            .or_default()
            .push(r.rtype.as_str());
    }
    for (name, types) in by_name {
        if !types.contains(&"CNAME") {
            continue;
        }
        let others: Vec<&str> = types.iter().copied().filter(|t| *t != "CNAME").collect();
        if others.is_empty() && name != "@" {
            continue;
        }
        return Err(SkillError::new(
            ErrorCode::Refused,
            format!(
                "refused: the zone would hold a CNAME at `{name}` beside {} record(s); a CNAME must be alone at its name (and never at the apex); nothing was written",
                if others.is_empty() { "the apex's".to_string() } else { others.join(", ") }
            ),
        )
        .with_detail("name", name)
        .with_hint("merge mode keeps the rrsets it is not given: use mode replace, or dns.records.set on that name, which replaces what is there in one previewed step"));
    }
    Ok(())
}

/// Gandi manages the apex NS of a LiveDNS zone (it cannot be changed), and
/// its records list may not show it while a zone file does. When the live
/// zone lists no apex NS, a desired one is left out, with a warning, rather
/// than planned as an addition Gandi would refuse.
fn without_unmanaged_apex_ns(cx: &mut Reads, live: &[Rrset], desired: Vec<Rrset>) -> Vec<Rrset> {
    let apex_ns = |r: &Rrset| r.name == "@" && r.rtype == "NS";
    if live.iter().any(apex_ns) || !desired.iter().any(apex_ns) {
        return desired;
    }
    cx.warn(
        "the apex NS records were left out: Gandi manages the zone's own nameservers (to move the domain to other nameservers, change the domain's nameservers instead)",
    );
    desired.into_iter().filter(|r| !apex_ns(r)).collect()
}

/// How much of the zone a desired-state change may judge.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `live` is the whole zone: the policy's zone-change ceiling applies.
    WholeZone,
    /// `live` is the rrsets at one name.
    OneName,
}

/// Plans making the zone (or one name of it) match `desired`: the diff is
/// the preview, and the write is ONE request.
pub fn desired_change<A: DnsAction>(
    cx: &mut Reads,
    zone: &str,
    live: &[Rrset],
    desired: Vec<Rrset>,
    mode: Mode,
    snapshot: Option<bool>,
    scope: Scope,
) -> SkillResult<Step<A>> {
    let desired = without_unmanaged_apex_ns(cx, live, desired);
    let plan = dns::diff::plan(live, &desired, mode);
    let resulting = plan.resulting_zone(live, mode);
    check_zone_cnames(&resulting)?;
    refuse_second_mail_policy(&plan)?;
    if plan.is_empty() {
        cx.warn(format!("zone {zone} already matches: nothing was written"));
        return Ok(Step::Done(result(zone, plan, false)));
    }
    let warnings = dns::impact::warnings(zone, &plan, &resulting);
    cx.warnings_mut().extend(warnings);
    let mut names: Vec<&str> = plan.changes.iter().map(|c| c.name.as_str()).collect();
    names.dedup();
    // Every change at one name: a per-name PUT touches nothing else.
    let request = match names.as_slice() {
        [only] => WriteRequest::Name {
            name: only.to_string(),
            items: resulting
                .iter()
                .filter(|r| r.name == *only)
                .cloned()
                .collect(),
        },
        _ => WriteRequest::Zone {
            items: resulting.clone(),
        },
    };
    let preview = DnsPreview {
        domain: zone.to_string(),
        changes: plan.changes.clone(),
        summary: plan.summary.clone(),
    };
    let touched = plan.summary.changed + plan.summary.removed;
    let message = describe_plan(zone, &plan);
    let write = DnsWrite {
        zone: zone.to_string(),
        label: format!("({} change(s))", plan.changes.len()),
        plan,
        request,
        snapshot,
    };
    let mut planned = Planned::new(message, preview, digest_of(zone, live), write).touching(zone);
    if scope == Scope::WholeZone {
        planned = planned.zone_change(touched, live.len());
    }
    Ok(Step::Change(planned))
}

/// Takes the undo snapshot (unless opted out), then sends the one write.
pub fn apply(cx: &mut Writes, w: DnsWrite) -> SkillResult<DnsChangeResult> {
    snapshot_before_write(cx, &w.zone, w.snapshot, &w.label)?;
    match &w.request {
        WriteRequest::Rrset {
            name,
            rtype,
            exists,
            after,
        } => {
            let path = records_path(&w.zone, Some(name), Some(rtype));
            match after {
                Some(r) => {
                    let body = serde_json::json!({ "rrset_values": r.values, "rrset_ttl": r.ttl });
                    let method = if *exists { Method::PUT } else { Method::POST };
                    cx.send(method, &path, Body::Json(&body), &[])?;
                }
                None => {
                    cx.send(Method::DELETE, &path, Body::None, &[])?;
                }
            }
        }
        WriteRequest::Name { name, items } => {
            let path = records_path(&w.zone, Some(name), None);
            if items.is_empty() {
                cx.send(Method::DELETE, &path, Body::None, &[])?;
            } else {
                let items: Vec<Value> = items
                    .iter()
                    .map(|r| {
                        let mut v = dns::rrset_to_gandi(r);
                        if let Some(o) = v.as_object_mut() {
                            o.remove("rrset_name");
                        }
                        v
                    })
                    .collect();
                let body = serde_json::json!({ "items": items });
                cx.send(Method::PUT, &path, Body::Json(&body), &[])?;
            }
        }
        WriteRequest::Zone { items } => {
            let items: Vec<Value> = items.iter().map(dns::rrset_to_gandi).collect();
            let body = serde_json::json!({ "items": items });
            cx.send(
                Method::PUT,
                &records_path(&w.zone, None, None),
                Body::Json(&body),
                &[],
            )?;
        }
    }
    Ok(result(&w.zone, w.plan, true))
}

/// Takes the undo snapshot (unless opted out) and records its id in meta.
fn snapshot_before_write(
    cx: &mut Writes,
    zone: &str,
    opt_in: Option<bool>,
    label: &str,
) -> SkillResult<()> {
    if opt_in == Some(false) {
        cx.warn("no snapshot was taken (\"snapshot\": false): this change cannot be undone with dns.snapshots.restore");
        return Ok(());
    }
    let when = crate::time::format_rfc3339(cx.now());
    let name = format!("gandi-skill {when} before {} {label}", cx.action());
    let id = create_snapshot(cx, zone, Some(&name)).map_err(|mut e| {
        e.message.push_str("; the change was not made");
        e
    })?;
    cx.set_snapshot_id(id);
    Ok(())
}

/// `POST .../snapshots`; the new id from the body, else from `Location`.
pub fn create_snapshot(cx: &mut Writes, zone: &str, name: Option<&str>) -> SkillResult<String> {
    let body = match name {
        Some(n) => serde_json::json!({ "name": n }),
        None => serde_json::json!({}),
    };
    let answer = cx.send(
        Method::POST,
        &snapshot_path(zone, None),
        Body::Json(&body),
        &[],
    )?;
    let created: SnapshotCreated = answer.json_or_default().unwrap_or_default();
    let id = created.id.or_else(|| {
        answer
            .location()
            .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
            .map(str::to_string)
    });
    id.filter(|s| !s.is_empty()).ok_or_else(|| {
        SkillError::new(
            ErrorCode::UnexpectedResponse,
            "Gandi answered the snapshot request without the new snapshot's id",
        )
        .with_status(answer.status)
        .with_hint("the snapshot may exist: dns.snapshots.list shows the newest first")
    })
}
