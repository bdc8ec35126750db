//! Rrset actions: list and get (reads), add (a write that never drops a
//! value), set and remove (destructive, previewed, plan-bound to the name's
//! live rrsets).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::write::{self, DnsChangeResult, DnsPreview, DnsWrite, Scope};
use super::{
    is_missing_rrset, other_types, records_path, refuse_cname_clash, refuse_new_dotless_targets,
    rrsets, rrsets_at, target, Target, ZONE_PAGE,
};
use crate::actions::common::ListParams;
use crate::catalog::{Action, Permission, Reads, Route, Step, Writes};
use crate::client::Paging;
use crate::dns::diff::Mode;
use crate::dns::{self, Rrset};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::livedns::RrsetWire;
use crate::safety::Class;

const NAME_ROUTE: Route = Route::get(
    "/v5/livedns/domains/{domain}/records/{name}",
    Permission::DnsRead,
);
const SNAPSHOT_ROUTE: Route = Route::write(
    "POST",
    "/v5/livedns/domains/{domain}/snapshots",
    Permission::DnsWrite,
);

crate::list_params! {
    pub struct RecordsListParams {
        /// The zone, Unicode or ASCII form.
        pub domain: String,
        /// Only rrsets with this name, relative to the zone (`@` = apex).
        #[serde(default)]
        pub name: Option<String>,
        /// Only rrsets of this type, e.g. `MX`.
        #[serde(default, rename = "type")]
        pub rtype: Option<String>,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct RecordList {
    /// The zone, ASCII form.
    pub domain: String,
    pub records: Vec<Rrset>,
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "dns.records.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DnsRead;
    const ROUTES: &'static [Route] = &[
        Route::get("/v5/livedns/domains/{domain}/records", Permission::DnsRead),
        NAME_ROUTE,
        Route::get(
            "/v5/livedns/domains/{domain}/records/{name}/{type}",
            Permission::DnsRead,
        ),
    ];
    const SUMMARY: &'static str = "A zone's rrsets, optionally only one name and/or one type.";
    const EXAMPLE: &'static str = r#"{"action":"dns.records.list","domain":"example.com"}"#;
    type Params = RecordsListParams;
    type Output = RecordList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: RecordsListParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        let name = match &p.name {
            Some(n) => Some(dns::relative_name(n, &zone, cx.warnings_mut())?),
            None => None,
        };
        let rtype = p.rtype.as_deref().map(dns::check_type).transpose()?;
        let paging = p.paging()?;
        if name.is_some() && paging != Paging::All {
            // Gandi answers a name with all its rrsets at once: no pages.
            let field = if p.page.is_some() { "page" } else { "per_page" };
            return Err(SkillError::invalid_param(
                field,
                None,
                "no paging together with `name`: a name's rrsets come back all at once",
            ));
        }
        // A name or rrset Gandi answers 404 (dns-record) for holds nothing.
        let records = match (&name, &rtype) {
            (Some(n), Some(t)) => {
                match cx.get::<RrsetWire>(&records_path(&zone, Some(n), Some(t)), &[]) {
                    Ok(r) => vec![Rrset::from(r)],
                    Err(e) if is_missing_rrset(&e) => Vec::new(),
                    Err(e) => return Err(e),
                }
            }
            (Some(n), None) => {
                match cx.get::<Vec<RrsetWire>>(&records_path(&zone, Some(n), None), &[]) {
                    Ok(items) => rrsets(items),
                    Err(e) if is_missing_rrset(&e) => Vec::new(),
                    Err(e) => return Err(e),
                }
            }
            (None, t) => {
                let query: Vec<(&str, String)> =
                    t.iter().map(|t| ("rrset_type", t.clone())).collect();
                let paging = match paging {
                    Paging::All => Paging::AllBy(ZONE_PAGE),
                    other => other,
                };
                let listing = cx.list_map(
                    &records_path(&zone, None, None),
                    &query,
                    paging,
                    <Rrset as From<RrsetWire>>::from,
                )?;
                cx.listed(listing.total_count, listing.pages_fetched);
                return Ok(Step::Done(RecordList {
                    domain: zone,
                    records: listing.items,
                }));
            }
        };
        cx.listed(Some(records.len() as u64), 1);
        Ok(Step::Done(RecordList {
            domain: zone,
            records,
        }))
    }
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

pub struct Get;

impl Action for Get {
    const NAME: &'static str = "dns.records.get";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DnsRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/livedns/domains/{domain}/records/{name}/{type}",
        Permission::DnsRead,
    )];
    const SUMMARY: &'static str = "One rrset (name and type).";
    const EXAMPLE: &'static str =
        r#"{"action":"dns.records.get","domain":"example.com","name":"@","type":"MX"}"#;
    type Params = RrsetKeyParams;
    type Output = RecordOne;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: RrsetKeyParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        let name = dns::relative_name(&p.name, &zone, cx.warnings_mut())?;
        let rtype = dns::check_type(&p.rtype)?;
        let r: RrsetWire = cx.get(&records_path(&zone, Some(&name), Some(&rtype)), &[])?;
        Ok(Step::Done(RecordOne {
            domain: zone,
            record: Rrset::from(r),
        }))
    }
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

/// What add and set share: the checked rrset, its new values and TTL (when
/// given), and the live rrsets at that name.
struct WriteRequestCheck {
    target: Target,
    ttl: Option<u32>,
    values: Vec<String>,
    before: Option<Rrset>,
    at_name: Vec<Rrset>,
}

fn prepare_write(cx: &mut Reads, p: &RrsetWriteParams) -> SkillResult<WriteRequestCheck> {
    let target = target(cx, &p.domain, &p.name, &p.rtype)?;
    let ttl = p.ttl.map(dns::check_ttl).transpose()?;
    let values = dns::normalize_values(&target.rtype, &p.values, &target.zone, cx.warnings_mut())?;
    let at_name = rrsets_at(cx, &target)?;
    let before = at_name.iter().find(|r| r.rtype == target.rtype).cloned();
    refuse_new_dotless_targets(&target.rtype, &values, before.as_ref(), &target.zone)?;
    Ok(WriteRequestCheck {
        target,
        ttl,
        values,
        before,
        at_name,
    })
}

pub struct Add;

impl Action for Add {
    const NAME: &'static str = "dns.records.add";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DnsWrite;
    const ROUTES: &'static [Route] = &[
        NAME_ROUTE,
        SNAPSHOT_ROUTE,
        Route::write(
            "POST",
            "/v5/livedns/domains/{domain}/records/{name}/{type}",
            Permission::DnsWrite,
        ),
        Route::write(
            "PUT",
            "/v5/livedns/domains/{domain}/records/{name}/{type}",
            Permission::DnsWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Adds values to an rrset (creating it if absent), keeping the values already there, and the TTL unless `ttl` is given.";
    const EXAMPLE: &'static str = r#"{"action":"dns.records.add","domain":"example.com","name":"_acme-challenge","type":"TXT","values":["token-123"],"ttl":300}"#;
    type Params = RrsetWriteParams;
    type Output = DnsChangeResult;
    type Preview = DnsPreview;
    type Pending = DnsWrite;

    fn plan(cx: &mut Reads, p: RrsetWriteParams) -> SkillResult<Step<Self>> {
        let WriteRequestCheck {
            target: t,
            ttl,
            values,
            before,
            at_name,
        } = prepare_write(cx, &p)?;
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
        write::rrset_change(cx, &t.zone, &at_name, before, Some(after), p.snapshot)
    }

    fn apply(cx: &mut Writes, w: DnsWrite) -> SkillResult<DnsChangeResult> {
        write::apply(cx, w)
    }
}

pub struct Set;

impl Action for Set {
    const NAME: &'static str = "dns.records.set";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DnsWrite;
    const ROUTES: &'static [Route] = &[
        NAME_ROUTE,
        SNAPSHOT_ROUTE,
        Route::write(
            "POST",
            "/v5/livedns/domains/{domain}/records/{name}/{type}",
            Permission::DnsWrite,
        ),
        Route::write(
            "PUT",
            "/v5/livedns/domains/{domain}/records/{name}/{type}",
            Permission::DnsWrite,
        ),
        Route::write(
            "PUT",
            "/v5/livedns/domains/{domain}/records/{name}",
            Permission::DnsWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Replaces an rrset's values (and TTL when given). Previews the exact before/after first.";
    const EXAMPLE: &'static str = r#"{"action":"dns.records.set","domain":"example.com","name":"blog","type":"A","values":["198.51.100.8"]}"#;
    type Params = RrsetWriteParams;
    type Output = DnsChangeResult;
    type Preview = DnsPreview;
    type Pending = DnsWrite;

    fn plan(cx: &mut Reads, p: RrsetWriteParams) -> SkillResult<Step<Self>> {
        let WriteRequestCheck {
            target: t,
            ttl,
            values,
            before,
            at_name,
        } = prepare_write(cx, &p)?;
        let after = Rrset {
            name: t.name.clone(),
            rtype: t.rtype.clone(),
            ttl: ttl
                .or(before.as_ref().map(|b| b.ttl))
                .unwrap_or(dns::DEFAULT_TTL),
            values,
        };
        if t.name != "@"
            && dns::cname_clash(&t.name, &t.rtype, &other_types(&at_name, &t)).is_some()
        {
            // A CNAME for other data at this name, or the other way round: the
            // name is replaced as a whole, in one previewed per-name write, so
            // it never stops answering in between.
            return write::desired_change(
                cx,
                &t.zone,
                &at_name,
                vec![after],
                Mode::Replace,
                p.snapshot,
                Scope::OneName,
            );
        }
        write::rrset_change(cx, &t.zone, &at_name, before, Some(after), p.snapshot)
    }

    fn apply(cx: &mut Writes, w: DnsWrite) -> SkillResult<DnsChangeResult> {
        write::apply(cx, w)
    }
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

pub struct Remove;

impl Action for Remove {
    const NAME: &'static str = "dns.records.remove";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DnsWrite;
    const ROUTES: &'static [Route] = &[
        NAME_ROUTE,
        SNAPSHOT_ROUTE,
        Route::write(
            "PUT",
            "/v5/livedns/domains/{domain}/records/{name}/{type}",
            Permission::DnsWrite,
        ),
        Route::write(
            "DELETE",
            "/v5/livedns/domains/{domain}/records/{name}/{type}",
            Permission::DnsWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Removes the given values from an rrset, or the whole rrset when no values are given.";
    const EXAMPLE: &'static str =
        r#"{"action":"dns.records.remove","domain":"example.com","name":"blog","type":"A"}"#;
    type Params = RrsetRemoveParams;
    type Output = DnsChangeResult;
    type Preview = DnsPreview;
    type Pending = DnsWrite;

    fn plan(cx: &mut Reads, p: RrsetRemoveParams) -> SkillResult<Step<Self>> {
        let t = target(cx, &p.domain, &p.name, &p.rtype)?;
        let to_remove = match &p.values {
            // Values to remove may be broken ones: no final-dot refusal here.
            Some(v) => Some(dns::normalize_values(
                &t.rtype,
                v,
                &t.zone,
                cx.warnings_mut(),
            )?),
            None => None,
        };
        let at_name = rrsets_at(cx, &t)?;
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
                let keys: Vec<String> =
                    remove.iter().map(|v| dns::value_key(&t.rtype, v)).collect();
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
        write::rrset_change(cx, &t.zone, &at_name, Some(before), after, p.snapshot)
    }

    fn apply(cx: &mut Writes, w: DnsWrite) -> SkillResult<DnsChangeResult> {
        write::apply(cx, w)
    }
}
