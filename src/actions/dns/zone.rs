//! Whole-zone actions: export (zone-file text), apply (a desired set of
//! rrsets, merge or replace) and import (zone-file text applied the same
//! way). A whole-zone change binds the whole live zone.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::write::{self, DnsChangeResult, DnsPreview, DnsWrite, Scope, ZONE_ROUTES};
use super::{live_zone, records_path, refuse_new_dotless_targets, rename_field};
use crate::catalog::{Action, Permission, Reads, Route, Step, Writes};
use crate::dns::diff::Mode;
use crate::dns::{self, Rrset};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::safety::Class;

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

pub struct Export;

impl Action for Export {
    const NAME: &'static str = "dns.zone.export";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DnsRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/livedns/domains/{domain}/records",
        Permission::DnsRead,
    )];
    const SUMMARY: &'static str = "The zone as RFC 1035 master-file text.";
    const EXAMPLE: &'static str = r#"{"action":"dns.zone.export","domain":"example.com"}"#;
    type Params = ZoneParams;
    type Output = ZoneExport;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: ZoneParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        let zone_text = match cx.get_text(&records_path(&zone, None, None), &[]) {
            Ok(text) if !text.trim().is_empty() => text,
            Ok(_) => dns::zonefile::render(&zone, &live_zone(cx, &zone)?),
            Err(e) if e.code == ErrorCode::UnexpectedResponse => {
                dns::zonefile::render(&zone, &live_zone(cx, &zone)?)
            }
            Err(e) => return Err(e),
        };
        Ok(Step::Done(ZoneExport {
            domain: zone,
            zone_text,
        }))
    }
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

pub struct Apply;

impl Action for Apply {
    const NAME: &'static str = "dns.zone.apply";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DnsWrite;
    const ROUTES: &'static [Route] = ZONE_ROUTES;
    const SUMMARY: &'static str =
        "Makes the zone match a desired set of rrsets (merge or replace): diff, preview, then one request.";
    const EXAMPLE: &'static str = r#"{"action":"dns.zone.apply","domain":"example.com","mode":"merge","rrsets":[{"name":"www","type":"CNAME","values":["web.example.net."]}]}"#;
    type Params = ZoneApplyParams;
    type Output = DnsChangeResult;
    type Preview = DnsPreview;
    type Pending = DnsWrite;

    fn plan(cx: &mut Reads, p: ZoneApplyParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        let mut desired = Vec::with_capacity(p.rrsets.len());
        let mut seen = std::collections::HashSet::new();
        let mut missing_ttl = Vec::new();
        for (i, r) in p.rrsets.iter().enumerate() {
            let field = |f: &str| format!("rrsets[{i}].{f}");
            let name = dns::relative_name(&r.name, &zone, cx.warnings_mut())
                .map_err(|e| rename_field(e, &field("name")))?;
            let rtype = dns::check_type(&r.rtype).map_err(|e| rename_field(e, &field("type")))?;
            dns::check_alias_at_apex(&name, &rtype).map_err(|e| rename_field(e, &field("type")))?;
            let ttl = r
                .ttl
                .map(dns::check_ttl)
                .transpose()
                .map_err(|e| rename_field(e, &field("ttl")))?;
            let values = dns::normalize_values(&rtype, &r.values, &zone, cx.warnings_mut())
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
        let live = live_zone(cx, &zone)?;
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
        write::desired_change(
            cx,
            &zone,
            &live,
            desired,
            p.mode,
            p.snapshot,
            Scope::WholeZone,
        )
    }

    fn apply(cx: &mut Writes, w: DnsWrite) -> SkillResult<DnsChangeResult> {
        write::apply(cx, w)
    }
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

pub struct Import;

impl Action for Import {
    const NAME: &'static str = "dns.zone.import";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DnsWrite;
    const ROUTES: &'static [Route] = ZONE_ROUTES;
    const SUMMARY: &'static str =
        "Reads zone-file text and applies it like dns.zone.apply (replace by default): diff, preview, one request.";
    const EXAMPLE: &'static str = r#"{"action":"dns.zone.import","domain":"example.com","mode":"merge","zone_text":"shop 3600 IN A 192.0.2.50\n"}"#;
    type Params = ZoneImportParams;
    type Output = DnsChangeResult;
    type Preview = DnsPreview;
    type Pending = DnsWrite;

    fn plan(cx: &mut Reads, p: ZoneImportParams) -> SkillResult<Step<Self>> {
        let zone = dns::zone_ascii(&p.domain, "domain")?;
        let desired = dns::zonefile::parse(&p.zone_text, &zone)?;
        let live = live_zone(cx, &zone)?;
        let mode = p.mode.unwrap_or(Mode::Replace);
        write::desired_change(
            cx,
            &zone,
            &live,
            desired,
            mode,
            p.snapshot,
            Scope::WholeZone,
        )
    }

    fn apply(cx: &mut Writes, w: DnsWrite) -> SkillResult<DnsChangeResult> {
        write::apply(cx, w)
    }
}
