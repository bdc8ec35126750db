//! LiveDNS actions: zones, rrsets (read, add, set, remove), zone plans,
//! zone files, snapshots and undo. Every write is previewed as an exact
//! before/after, snapshotted first, and sent as one request.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{paging, Ctx};
use crate::client::{encode, Body, Client, Paging};
use crate::dns::diff::{Change, Mode, Plan, Summary};
use crate::dns::{self, Rrset};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::safety::Done;
use ureq::http::Method;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZonesListParams {
    /// Only this page (from 1); without it every page is read.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
    /// Items per page (1-500) when `page` is given.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
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
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
    /// Items per page (1-500) when `page` is given.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
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
    if name.is_some() && !matches!(paging, Paging::All) {
        // Gandi answers a name with all its rrsets at once: no pages.
        let field = if p.page.is_some() { "page" } else { "per_page" };
        return Err(SkillError::invalid_param(
            field,
            None,
            "no paging together with `name`: a name's rrsets come back all at once",
        ));
    }
    let client = ctx.client()?;
    // A name or rrset Gandi answers 404 (dns-record) for holds nothing.
    let missing_is_empty =
        |e: SkillError| match e.code == ErrorCode::NotFound && is_missing_rrset(&e) {
            true => Ok(Value::Null),
            false => Err(e),
        };
    let records = match (&name, &rtype) {
        (Some(n), Some(t)) => {
            match client
                .get(&records_path(&zone, Some(n), Some(t)), &[])
                .or_else(missing_is_empty)?
            {
                Value::Null => Vec::new(),
                v => vec![dns::rrset_from_gandi(&v)?],
            }
        }
        (Some(n), None) => {
            let v = client
                .get(&records_path(&zone, Some(n), None), &[])
                .or_else(missing_is_empty)?;
            rrsets_from(v.as_array().map(Vec::as_slice).unwrap_or_default())?
        }
        (None, t) => {
            let query: Vec<(&str, String)> = t.iter().map(|t| ("rrset_type", t.clone())).collect();
            let paging = match paging {
                Paging::All => Paging::AllBy(ZONE_PAGE),
                other => other,
            };
            let listing = client.list(&records_path(&zone, None, None), &query, paging)?;
            let records = rrsets_from(&listing.items)?;
            ctx.listed(listing.total_count, listing.pages_fetched, listing.warnings);
            return Ok(Done::Result(RecordList {
                domain: zone,
                records,
            }));
        }
    };
    ctx.listed(Some(records.len() as u64), 1, Vec::new());
    Ok(Done::Result(RecordList {
        domain: zone,
        records,
    }))
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
    let v = ctx
        .client()?
        .get(&records_path(&zone, Some(&name), Some(&rtype)), &[])?;
    Ok(Done::Result(RecordOne {
        domain: zone,
        record: dns::rrset_from_gandi(&v)?,
    }))
}

// ---------------------------------------------------------------------------
// Writes: previewed as an exact diff, snapshotted first, sent as one request.
// ---------------------------------------------------------------------------

/// Records per page when a whole zone is read for a diff.
const ZONE_PAGE: u32 = 500;

/// A DNS change as previewed (and, after it ran, as applied).
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RrsetWriteParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The rrset name relative to the zone (`@` = apex, `*` = wildcard).
    pub name: String,
    /// The rrset type, e.g. `TXT`, `MX`, `A`.
    #[serde(rename = "type")]
    pub rtype: String,
    /// The values, as you would write them in a zone file (`10 mx.example.net.`).
    #[schemars(length(min = 1))]
    pub values: Vec<String>,
    /// Seconds (300-2592000). `dns.records.add` and `dns.records.set` keep the current TTL when omitted.
    #[serde(default)]
    #[schemars(range(min = 300, max = 2592000))]
    pub ttl: Option<u32>,
    /// `false` skips the automatic snapshot taken before the write.
    #[serde(default)]
    pub snapshot: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RrsetRemoveParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The rrset name relative to the zone (`@` = apex).
    pub name: String,
    /// The rrset type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// The values to remove; without it the whole rrset is removed.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub values: Option<Vec<String>>,
    /// `false` skips the automatic snapshot taken before the write.
    #[serde(default)]
    pub snapshot: Option<bool>,
}

struct Target {
    zone: String,
    name: String,
    rtype: String,
}

fn target(ctx: &mut Ctx, domain: &str, name: &str, rtype: &str) -> SkillResult<Target> {
    let zone = dns::zone_ascii(domain, "domain")?;
    let name = dns::relative_name(name, &zone, &mut ctx.warnings)?;
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
fn rrsets_at(client: &Client, t: &Target) -> SkillResult<Vec<Rrset>> {
    match client.get(&records_path(&t.zone, Some(&t.name), None), &[]) {
        Ok(Value::Array(items)) => rrsets_from(&items),
        Ok(Value::Null) => Ok(Vec::new()),
        Ok(other) => Err(SkillError::new(
            ErrorCode::UnexpectedResponse,
            "Gandi answered a records read with something other than a list",
        )
        .with_detail(
            "excerpt",
            crate::client::excerpt(other.to_string().as_bytes()),
        )),
        Err(e) if e.code == ErrorCode::NotFound && is_missing_rrset(&e) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Refuses a change that would put a CNAME beside other data at one name.
fn refuse_cname_clash(name: &str, rtype: &str, others: &[&str]) -> SkillResult<()> {
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

fn preview(zone: &str, plan: &Plan) -> DnsPreview {
    DnsPreview {
        domain: zone.to_string(),
        changes: plan.changes.clone(),
        summary: plan.summary.clone(),
    }
}

fn result(zone: &str, plan: Plan, applied: bool) -> DnsChangeResult {
    DnsChangeResult {
        domain: zone.to_string(),
        applied,
        changes: plan.changes,
        summary: plan.summary,
    }
}

/// One line that says what a plan does, for confirmation messages.
fn describe_plan(zone: &str, plan: &Plan) -> String {
    let s = &plan.summary;
    format!(
        "This changes zone {zone}: {} rrset(s) added, {} changed, {} removed ({} unchanged). Show the changes and warnings to the user and repeat the same request with \"confirm\": true only after their explicit yes.",
        s.added, s.changed, s.removed, s.unchanged
    )
}

/// Takes the undo snapshot (unless opted out) and records its id in meta.
fn snapshot_before_write(
    ctx: &mut Ctx,
    zone: &str,
    opt_in: Option<bool>,
    label: &str,
) -> SkillResult<()> {
    if opt_in == Some(false) {
        ctx.warnings.push("no snapshot was taken (\"snapshot\": false): this change cannot be undone with dns.snapshots.restore".into());
        return Ok(());
    }
    let when = crate::time::format_rfc3339(ctx.env.unix_now());
    let name = format!("gandi-skill {when} before {} {label}", ctx.action.name());
    let id = create_snapshot(ctx.client()?, zone, Some(&name)).map_err(|mut e| {
        e.message.push_str("; the change was not made");
        e
    })?;
    ctx.meta.snapshot_id = Some(id);
    Ok(())
}

/// `POST .../snapshots`; the new id from the body, else from `Location`.
fn create_snapshot(client: &Client, zone: &str, name: Option<&str>) -> SkillResult<String> {
    let body = match name {
        Some(n) => serde_json::json!({ "name": n }),
        None => serde_json::json!({}),
    };
    let answer = client.send(
        Method::POST,
        &format!("livedns/domains/{}/snapshots", encode(zone)),
        Body::Json(&body),
        &[],
    )?;
    let id = answer
        .body
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            answer
                .location
                .as_deref()
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

/// Writes one rrset's new state: POST to create, PUT to replace, DELETE to remove.
fn write_rrset(
    client: &Client,
    t: &Target,
    before: Option<&Rrset>,
    after: Option<&Rrset>,
) -> SkillResult<()> {
    let path = records_path(&t.zone, Some(&t.name), Some(&t.rtype));
    match (before, after) {
        (_, Some(r)) => {
            let body = serde_json::json!({ "rrset_values": r.values, "rrset_ttl": r.ttl });
            let method = if before.is_some() {
                Method::PUT
            } else {
                Method::POST
            };
            client.send(method, &path, Body::Json(&body), &[])?;
        }
        (Some(_), None) => {
            client.send(Method::DELETE, &path, Body::None, &[])?;
        }
        (None, None) => {}
    }
    Ok(())
}

/// Refuses a plan that gives a name a second SPF or DMARC value.
fn refuse_second_mail_policy(plan: &Plan) -> SkillResult<()> {
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

/// The types at the name other than the target's, for the CNAME rule.
fn other_types<'a>(at_name: &'a [Rrset], t: &Target) -> Vec<&'a str> {
    at_name
        .iter()
        .filter(|r| r.rtype != t.rtype)
        .map(|r| r.rtype.as_str())
        .collect()
}

/// The shared path of add, set and remove: preview, gate, snapshot, write.
///
/// `at_name` is every rrset the name holds now, for the preview's warnings.
fn change_rrset(
    ctx: &mut Ctx,
    t: &Target,
    at_name: &[Rrset],
    before: Option<Rrset>,
    after: Option<Rrset>,
    snapshot: Option<bool>,
) -> SkillResult<Done<DnsChangeResult>> {
    let plan = dns::diff::single_change(before.clone(), after.clone());
    if plan.is_empty() {
        ctx.warnings.push(format!(
            "{} {} already holds exactly this: nothing was written",
            t.name, t.rtype
        ));
        return Ok(Done::Result(result(&t.zone, plan, false)));
    }
    refuse_second_mail_policy(&plan)?;
    let message = describe_plan(&t.zone, &plan);
    let name_after: Vec<Rrset> = at_name
        .iter()
        .filter(|r| r.rtype != t.rtype)
        .cloned()
        .chain(after.clone())
        .collect();
    ctx.warnings
        .extend(dns::impact::warnings(&t.zone, &plan, &name_after));
    if let Some(stop) = ctx.gate(message, &preview(&t.zone, &plan))? {
        return Ok(stop);
    }
    snapshot_before_write(ctx, &t.zone, snapshot, &format!("{} {}", t.rtype, t.name))?;
    write_rrset(ctx.client()?, t, before.as_ref(), after.as_ref())?;
    Ok(Done::Result(result(&t.zone, plan, true)))
}

/// Refuses a value the caller adds whose target surely lacks its final dot.
/// Values the live rrset already holds pass, so what Gandi has (even a
/// broken value) can be sent back unchanged; zone files and snapshots are
/// not checked at all.
fn refuse_new_dotless_targets(
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

/// What add and set share: the checked rrset, its new values and TTL (when
/// given), and the live rrset of that name and type, refusing a CNAME clash.
struct WritePlan {
    target: Target,
    ttl: Option<u32>,
    values: Vec<String>,
    before: Option<Rrset>,
    at_name: Vec<Rrset>,
}

fn prepare_write(ctx: &mut Ctx, p: &RrsetWriteParams) -> SkillResult<WritePlan> {
    let target = target(ctx, &p.domain, &p.name, &p.rtype)?;
    let ttl = p.ttl.map(dns::check_ttl).transpose()?;
    let values = dns::normalize_values(&target.rtype, &p.values, &target.zone, &mut ctx.warnings)?;
    let at_name = rrsets_at(ctx.client()?, &target)?;
    let before = at_name.iter().find(|r| r.rtype == target.rtype).cloned();
    refuse_new_dotless_targets(&target.rtype, &values, before.as_ref(), &target.zone)?;
    Ok(WritePlan {
        target,
        ttl,
        values,
        before,
        at_name,
    })
}

pub fn records_add(ctx: &mut Ctx, p: RrsetWriteParams) -> SkillResult<Done<DnsChangeResult>> {
    let WritePlan {
        target: t,
        ttl,
        values,
        before,
        at_name,
    } = prepare_write(ctx, &p)?;
    // `add` never removes anything, so it cannot resolve a CNAME clash.
    refuse_cname_clash(&t.name, &t.rtype, &other_types(&at_name, &t))?;
    let mut after = before.clone().unwrap_or(Rrset {
        name: t.name.clone(),
        rtype: t.rtype.clone(),
        ttl: dns::DEFAULT_TTL,
        values: Vec::new(),
    });
    for v in values {
        if !after.holds(&v) {
            after.values.push(v);
        }
    }
    if let Some(ttl) = ttl {
        after.ttl = ttl;
    }
    if matches!(t.rtype.as_str(), "CNAME" | "ALIAS" | "DNAME") && after.values.len() > 1 {
        // Gandi would refuse the two-value rrset, after our snapshot.
        return Err(SkillError::new(
            ErrorCode::Refused,
            format!(
                "refused: a {} holds one value and `{}` already points to {}; nothing was written",
                t.rtype,
                t.name,
                before
                    .as_ref()
                    .map(|b| b.values.join(", "))
                    .unwrap_or_default()
            ),
        )
        .with_detail("name", t.name.as_str())
        .with_detail("type", t.rtype.as_str())
        .with_hint(format!(
            "to point `{}` elsewhere, use dns.records.set (destructive: it previews the change first)",
            t.name
        )));
    }
    change_rrset(ctx, &t, &at_name, before, Some(after), p.snapshot)
}

pub fn records_set(ctx: &mut Ctx, p: RrsetWriteParams) -> SkillResult<Done<DnsChangeResult>> {
    let WritePlan {
        target: t,
        ttl,
        values,
        before,
        at_name,
    } = prepare_write(ctx, &p)?;
    let after = Rrset {
        name: t.name.clone(),
        rtype: t.rtype.clone(),
        ttl: ttl
            .or(before.as_ref().map(|b| b.ttl))
            .unwrap_or(dns::DEFAULT_TTL),
        values,
    };
    if t.name != "@" && dns::cname_clash(&t.name, &t.rtype, &other_types(&at_name, &t)).is_some() {
        // A CNAME for other data at this name, or the other way round: the
        // name is replaced as a whole, in one previewed per-name write, so
        // it never stops answering in between.
        return apply_desired(
            ctx,
            &t.zone,
            &at_name,
            vec![after],
            Mode::Replace,
            p.snapshot,
        );
    }
    change_rrset(ctx, &t, &at_name, before, Some(after), p.snapshot)
}

pub fn records_remove(ctx: &mut Ctx, p: RrsetRemoveParams) -> SkillResult<Done<DnsChangeResult>> {
    let t = target(ctx, &p.domain, &p.name, &p.rtype)?;
    let to_remove = match &p.values {
        // Values to remove may be broken ones: no final-dot refusal here.
        Some(v) => Some(dns::normalize_values(
            &t.rtype,
            v,
            &t.zone,
            &mut ctx.warnings,
        )?),
        None => None,
    };
    let at_name = rrsets_at(ctx.client()?, &t)?;
    let Some(before) = at_name.iter().find(|r| r.rtype == t.rtype).cloned() else {
        return Err(SkillError::new(
            ErrorCode::NotFound,
            format!(
                "zone {} has no {} rrset named {}; nothing to remove",
                t.zone, t.rtype, t.name
            ),
        )
        .with_hint("dns.records.list shows what the zone holds"));
    };
    let after = match to_remove {
        None => None,
        Some(remove) => {
            let keys: Vec<String> = remove.iter().map(|v| dns::value_key(&t.rtype, v)).collect();
            let have: Vec<String> = before
                .values
                .iter()
                .map(|v| dns::value_key(&t.rtype, v))
                .collect();
            if let Some((i, _)) = keys.iter().enumerate().find(|(_, k)| !have.contains(k)) {
                return Err(SkillError::new(
                    ErrorCode::NotFound,
                    format!(
                        "{} {} does not hold the value {:?}; nothing was removed",
                        t.name, t.rtype, remove[i]
                    ),
                )
                .with_detail("field", "values")
                .with_detail("value", remove[i].as_str())
                .with_detail("current_values", before.values.clone())
                .with_hint("give the values exactly as dns.records.get shows them"));
            }
            let kept: Vec<String> = before
                .values
                .iter()
                .filter(|v| !keys.contains(&dns::value_key(&t.rtype, v)))
                .cloned()
                .collect();
            (!kept.is_empty()).then(|| Rrset {
                values: kept,
                ..before.clone()
            })
        }
    };
    change_rrset(ctx, &t, &at_name, Some(before), after, p.snapshot)
}

/// One rrset of a desired zone.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DesiredRrset {
    /// Relative to the zone (`@` = apex).
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    /// Seconds (300-2592000); when omitted the live TTL is kept, or 10800 for a new rrset.
    #[serde(default)]
    #[schemars(range(min = 300, max = 2592000))]
    pub ttl: Option<u32>,
    #[schemars(length(min = 1))]
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneApplyParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The desired rrsets.
    pub rrsets: Vec<DesiredRrset>,
    /// `merge`: only the named rrsets are touched; `replace`: the zone becomes exactly `rrsets`.
    pub mode: Mode,
    /// `false` skips the automatic snapshot taken before the write.
    #[serde(default)]
    pub snapshot: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneImportParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// RFC 1035 master-file text ($ORIGIN, $TTL, relative or absolute names, comments).
    pub zone_text: String,
    /// `replace` (default: the zone becomes the file) or `merge` (only the file's rrsets are touched).
    #[serde(default)]
    pub mode: Option<Mode>,
    /// `false` skips the automatic snapshot taken before the write.
    #[serde(default)]
    pub snapshot: Option<bool>,
}

/// Every rrset of a zone, all pages.
fn live_zone(client: &Client, zone: &str) -> SkillResult<Vec<Rrset>> {
    let listing = client.list(
        &records_path(zone, None, None),
        &[],
        Paging::AllBy(ZONE_PAGE),
    )?;
    rrsets_from(&listing.items)
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
fn without_unmanaged_apex_ns(ctx: &mut Ctx, live: &[Rrset], desired: Vec<Rrset>) -> Vec<Rrset> {
    let apex_ns = |r: &Rrset| r.name == "@" && r.rtype == "NS";
    if live.iter().any(apex_ns) || !desired.iter().any(apex_ns) {
        return desired;
    }
    ctx.warnings.push(
        "the apex NS records were left out: Gandi manages the zone's own nameservers (to move the domain to other nameservers, change the domain's nameservers instead)".into(),
    );
    desired.into_iter().filter(|r| !apex_ns(r)).collect()
}

/// Diff, preview, gate, snapshot and ONE write request for a desired zone.
fn apply_desired(
    ctx: &mut Ctx,
    zone: &str,
    live: &[Rrset],
    desired: Vec<Rrset>,
    mode: Mode,
    snapshot: Option<bool>,
) -> SkillResult<Done<DnsChangeResult>> {
    let desired = without_unmanaged_apex_ns(ctx, live, desired);
    let plan = dns::diff::plan(live, &desired, mode);
    let resulting = plan.resulting_zone(live, mode);
    check_zone_cnames(&resulting)?;
    refuse_second_mail_policy(&plan)?;
    if plan.is_empty() {
        ctx.warnings
            .push(format!("zone {zone} already matches: nothing was written"));
        return Ok(Done::Result(result(zone, plan, false)));
    }
    ctx.warnings
        .extend(dns::impact::warnings(zone, &plan, &resulting));
    if let Some(stop) = ctx.gate(describe_plan(zone, &plan), &preview(zone, &plan))? {
        return Ok(stop);
    }
    snapshot_before_write(
        ctx,
        zone,
        snapshot,
        &format!("({} change(s))", plan.changes.len()),
    )?;
    let client = ctx.client()?;
    let mut names: Vec<&str> = plan.changes.iter().map(|c| c.name.as_str()).collect();
    names.dedup();
    if let [only] = names.as_slice() {
        // Every change is at one name: a per-name PUT touches nothing else.
        let items: Vec<Value> = resulting
            .iter()
            .filter(|r| r.name == *only)
            .map(|r| {
                let mut v = dns::rrset_to_gandi(r);
                if let Some(o) = v.as_object_mut() {
                    o.remove("rrset_name");
                }
                v
            })
            .collect();
        let path = records_path(zone, Some(only), None);
        if items.is_empty() {
            client.send(Method::DELETE, &path, Body::None, &[])?;
        } else {
            client.send(
                Method::PUT,
                &path,
                Body::Json(&serde_json::json!({ "items": items })),
                &[],
            )?;
        }
    } else {
        let items: Vec<Value> = resulting.iter().map(dns::rrset_to_gandi).collect();
        client.send(
            Method::PUT,
            &records_path(zone, None, None),
            Body::Json(&serde_json::json!({ "items": items })),
            &[],
        )?;
    }
    Ok(Done::Result(result(zone, plan, true)))
}

pub fn zone_apply(ctx: &mut Ctx, p: ZoneApplyParams) -> SkillResult<Done<DnsChangeResult>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    let mut desired = Vec::with_capacity(p.rrsets.len());
    let mut seen = std::collections::HashSet::new();
    let mut missing_ttl = Vec::new();
    for (i, r) in p.rrsets.iter().enumerate() {
        let field = |f: &str| format!("rrsets[{i}].{f}");
        let name = dns::relative_name(&r.name, &zone, &mut ctx.warnings)
            .map_err(|e| rename_field(e, &field("name")))?;
        let rtype = dns::check_type(&r.rtype).map_err(|e| rename_field(e, &field("type")))?;
        dns::check_alias_at_apex(&name, &rtype).map_err(|e| rename_field(e, &field("type")))?;
        let ttl = r
            .ttl
            .map(dns::check_ttl)
            .transpose()
            .map_err(|e| rename_field(e, &field("ttl")))?;
        let values = dns::normalize_values(&rtype, &r.values, &zone, &mut ctx.warnings)
            .map_err(|e| rename_field(e, &field("values")))?;
        if !seen.insert((name.clone(), rtype.clone())) {
            return Err(SkillError::invalid_param(
                &format!("rrsets[{i}]"),
                Some(&format!("{name} {rtype}")),
                "each name and type at most once (put all values in one rrset)",
            ));
        }
        if ttl.is_none() {
            missing_ttl.push(desired.len());
        }
        desired.push(Rrset {
            name,
            rtype,
            ttl: ttl.unwrap_or(dns::DEFAULT_TTL),
            values,
        });
    }
    let live = live_zone(ctx.client()?, &zone)?;
    let live_at = |d: &Rrset| live.iter().find(|l| l.name == d.name && l.rtype == d.rtype);
    for (i, d) in desired.iter().enumerate() {
        refuse_new_dotless_targets(&d.rtype, &d.values, live_at(d), &zone)
            .map_err(|e| rename_field(e, &format!("rrsets[{i}].values")))?;
    }
    // Keep the live TTL where the caller gave none.
    for i in missing_ttl {
        if let Some(ttl) = live_at(&desired[i]).map(|l| l.ttl) {
            desired[i].ttl = ttl;
        }
    }
    apply_desired(ctx, &zone, &live, desired, p.mode, p.snapshot)
}

fn rename_field(mut e: SkillError, field: &str) -> SkillError {
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

pub fn zone_import(ctx: &mut Ctx, p: ZoneImportParams) -> SkillResult<Done<DnsChangeResult>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    let desired = dns::zonefile::parse(&p.zone_text, &zone)?;
    let live = live_zone(ctx.client()?, &zone)?;
    apply_desired(
        ctx,
        &zone,
        &live,
        desired,
        p.mode.unwrap_or(Mode::Replace),
        p.snapshot,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
}

#[derive(Serialize, JsonSchema)]
pub struct ZoneExport {
    pub domain: String,
    /// RFC 1035 master-file text.
    pub zone_text: String,
}

pub fn zone_export(ctx: &mut Ctx, p: ZoneParams) -> SkillResult<Done<ZoneExport>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    let client = ctx.client()?;
    let zone_text = match client.get_text(&records_path(&zone, None, None), &[]) {
        Ok(text) if !text.trim().is_empty() => text,
        Ok(_) => dns::zonefile::render(&zone, &live_zone(client, &zone)?),
        Err(e) if e.code == ErrorCode::UnexpectedResponse => {
            dns::zonefile::render(&zone, &live_zone(client, &zone)?)
        }
        Err(e) => return Err(e),
    };
    Ok(Done::Result(ZoneExport {
        domain: zone,
        zone_text,
    }))
}

// ---------------------------------------------------------------------------
// Snapshots.
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotsListParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// Only this page (from 1); without it every page is read.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
    /// Items per page (1-500) when `page` is given.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The snapshot id, as dns.snapshots.list or meta.snapshot_id gives it.
    pub snapshot_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRestoreParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// The snapshot to put back.
    pub snapshot_id: String,
    /// `false` skips the snapshot of the current zone taken first.
    #[serde(default)]
    pub snapshot: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotCreateParams {
    /// The zone, Unicode or ASCII form.
    pub domain: String,
    /// A name for the snapshot (Gandi picks one when omitted).
    #[serde(default)]
    pub snapshot_name: Option<String>,
}

#[derive(Clone, Serialize, JsonSchema)]
pub struct SnapshotInfo {
    pub id: String,
    pub name: Option<String>,
    pub created_at: Option<String>,
    /// Whether Gandi took it on its own.
    pub automatic: Option<bool>,
}

impl SnapshotInfo {
    fn from_gandi(v: &Value) -> SnapshotInfo {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        SnapshotInfo {
            id: s("id").unwrap_or_default(),
            name: s("name"),
            created_at: s("created_at"),
            automatic: v.get("automatic").and_then(Value::as_bool),
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotList {
    pub domain: String,
    pub snapshots: Vec<SnapshotInfo>,
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotDetail {
    pub domain: String,
    pub snapshot: SnapshotInfo,
    /// The zone as it was.
    pub records: Vec<Rrset>,
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotCreated {
    pub domain: String,
    pub snapshot_id: String,
    pub snapshot_name: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct SnapshotDeleted {
    pub domain: String,
    pub deleted: SnapshotInfo,
}

/// What deleting a snapshot would lose.
#[derive(Serialize, JsonSchema)]
pub struct SnapshotDeletePreview {
    pub domain: String,
    pub snapshot: SnapshotInfo,
    /// How many rrsets the snapshot holds.
    pub rrsets: usize,
}

/// What creating a snapshot would do.
#[derive(Serialize, JsonSchema)]
pub struct SnapshotCreatePreview {
    pub domain: String,
    pub snapshot_name: Option<String>,
}

fn snapshot_path(zone: &str, id: Option<&str>) -> String {
    let mut p = format!("livedns/domains/{}/snapshots", encode(zone));
    if let Some(id) = id {
        p.push('/');
        p.push_str(&encode(id));
    }
    p
}

fn check_snapshot_id(id: &str) -> SkillResult<()> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(SkillError::invalid_param(
            "snapshot_id",
            Some(id),
            "a snapshot id as dns.snapshots.list shows it",
        ));
    }
    Ok(())
}

fn read_snapshot(client: &Client, zone: &str, id: &str) -> SkillResult<(SnapshotInfo, Vec<Rrset>)> {
    let v = client.get(&snapshot_path(zone, Some(id)), &[])?;
    let records = rrsets_from(
        v.get("zone_data")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default(),
    )?;
    Ok((SnapshotInfo::from_gandi(&v), records))
}

pub fn snapshots_list(ctx: &mut Ctx, p: SnapshotsListParams) -> SkillResult<Done<SnapshotList>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    let paging = paging(p.page, p.per_page)?;
    // Newest first: the restore point an agent wants is on the first page.
    let newest_first = [("sort_by", "-date_created".to_string())];
    let listing = ctx
        .client()?
        .list(&snapshot_path(&zone, None), &newest_first, paging)?;
    let snapshots = listing.items.iter().map(SnapshotInfo::from_gandi).collect();
    ctx.listed(listing.total_count, listing.pages_fetched, listing.warnings);
    Ok(Done::Result(SnapshotList {
        domain: zone,
        snapshots,
    }))
}

pub fn snapshots_get(ctx: &mut Ctx, p: SnapshotParams) -> SkillResult<Done<SnapshotDetail>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    check_snapshot_id(&p.snapshot_id)?;
    let (snapshot, records) = read_snapshot(ctx.client()?, &zone, &p.snapshot_id)?;
    Ok(Done::Result(SnapshotDetail {
        domain: zone,
        snapshot,
        records,
    }))
}

pub fn snapshots_create(
    ctx: &mut Ctx,
    p: SnapshotCreateParams,
) -> SkillResult<Done<SnapshotCreated>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    if let Some(n) = &p.snapshot_name {
        if n.is_empty() || n.len() > 255 || n.chars().any(char::is_control) {
            return Err(SkillError::invalid_param(
                "snapshot_name",
                Some(n),
                "1 to 255 printable characters",
            ));
        }
    }
    let pv = SnapshotCreatePreview {
        domain: zone.clone(),
        snapshot_name: p.snapshot_name.clone(),
    };
    if ctx.common.dry_run {
        // A dry run still proves the credential and that the zone exists.
        ctx.client()?
            .get(&format!("livedns/domains/{}", encode(&zone)), &[])?;
    }
    if let Some(stop) = ctx.gate("creates a snapshot", &pv)? {
        return Ok(stop);
    }
    let id = create_snapshot(ctx.client()?, &zone, p.snapshot_name.as_deref())?;
    ctx.meta.snapshot_id = Some(id.clone());
    Ok(Done::Result(SnapshotCreated {
        domain: zone,
        snapshot_id: id,
        snapshot_name: p.snapshot_name,
    }))
}

pub fn snapshots_delete(ctx: &mut Ctx, p: SnapshotParams) -> SkillResult<Done<SnapshotDeleted>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    check_snapshot_id(&p.snapshot_id)?;
    let (snapshot, records) = read_snapshot(ctx.client()?, &zone, &p.snapshot_id)?;
    let pv = SnapshotDeletePreview {
        domain: zone.clone(),
        snapshot: snapshot.clone(),
        rrsets: records.len(),
    };
    let message = format!(
        "This deletes snapshot {} ({}) of {zone}; it can no longer be restored. Repeat with \"confirm\": true only after the user's explicit yes.",
        snapshot.id,
        snapshot.name.as_deref().unwrap_or("unnamed")
    );
    if let Some(stop) = ctx.gate(message, &pv)? {
        return Ok(stop);
    }
    ctx.client()?.send(
        Method::DELETE,
        &snapshot_path(&zone, Some(&p.snapshot_id)),
        Body::None,
        &[],
    )?;
    Ok(Done::Result(SnapshotDeleted {
        domain: zone,
        deleted: snapshot,
    }))
}

pub fn snapshots_restore(
    ctx: &mut Ctx,
    p: SnapshotRestoreParams,
) -> SkillResult<Done<DnsChangeResult>> {
    let zone = dns::zone_ascii(&p.domain, "domain")?;
    check_snapshot_id(&p.snapshot_id)?;
    let client = ctx.client()?;
    let (info, records) = read_snapshot(client, &zone, &p.snapshot_id)?;
    let live = live_zone(client, &zone)?;
    // A restore is not an undo of one change: it puts back the whole zone.
    ctx.warnings.push(format!(
        "this puts the whole zone back as it was when the snapshot was taken ({}): every change made since, by anyone, is undone too (the preview lists them)",
        info.created_at.as_deref().unwrap_or("date unknown")
    ));
    apply_desired(ctx, &zone, &live, records, Mode::Replace, p.snapshot)
}
