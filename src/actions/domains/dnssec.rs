//! DNSSEC of a domain: `domains.dnssec.status` (read: who serves the zone,
//! LiveDNS's signing state, and the keys the registry publishes, which the
//! parent's DS records are made from), `domains.dnssec.enable` (write:
//! LiveDNS signs the zone) and `domains.dnssec.disable` (destructive: the
//! DS records must go before the signatures do, or the domain goes dark
//! for validating resolvers).

use schemars::JsonSchema;
use serde::Serialize;
use ureq::http::Method;

use super::settings::{
    dns_status, ds_keys, keytags, served_by, DomainName, DsKey, DNSKEYS_ROUTE, LIVEDNS_ROUTE,
};
use super::DomainParams;
use crate::actions::common::ListParams;
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{Body, Paging};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::domain::LiveDnssec;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const DNSSEC_ROUTE: Route = Route::get(
    "/v5/domain/domains/{domain}/livedns/dnssec",
    Permission::DomainRead,
);

crate::list_params! {
    pub struct DnssecStatusParams {
        /// The domain, Unicode or ASCII form.
        pub domain: String,
    }
}

/// A domain's DNSSEC.
#[derive(Serialize, JsonSchema)]
pub struct DnssecStatus {
    #[serde(flatten)]
    pub name: DomainName,
    /// Who serves the zone: `livedns`, `classic`, `premium_dns` or `other`.
    pub served_by: String,
    /// LiveDNS's signing of the zone (only when LiveDNS serves it):
    /// `inactive`, `activating`, `active`, `deactivating`,
    /// `activation_error` or `deactivation_error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livedns_dnssec: Option<String>,
    /// Gandi's explanation of an `*_error` state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livedns_dnssec_error: Option<String>,
    /// The keys the registry publishes for the domain (the parent's DS
    /// records); empty: the domain is not signed as far as resolvers know.
    pub keys: Vec<DsKey>,
}

fn livedns_state(cx: &mut Reads, d: &DomainName) -> SkillResult<LiveDnssec> {
    cx.get(&d.path("/livedns/dnssec"), &[])
}

pub struct Status;

impl Action for Status {
    const NAME: &'static str = "domains.dnssec.status";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[LIVEDNS_ROUTE, DNSSEC_ROUTE, DNSKEYS_ROUTE];
    const SUMMARY: &'static str =
        "A domain's DNSSEC: LiveDNS's signing state and the keys (DS records) the registry publishes.";
    const EXAMPLE: &'static str = r#"{"action":"domains.dnssec.status","domain":"café.fr"}"#;
    type Params = DnssecStatusParams;
    type Output = DnssecStatus;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: DnssecStatusParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let paging = p.paging()?;
        let status = dns_status(cx, &name)?;
        let signing = if status.current.as_deref() == Some("livedns") {
            Some(livedns_state(cx, &name)?)
        } else {
            None
        };
        let (keys, total, pages) = ds_keys(cx, &name, paging)?;
        cx.listed(total, pages);
        let (state, error) = match signing {
            Some(s) => (s.state, s.error),
            None => (None, None),
        };
        Ok(Step::Done(DnssecStatus {
            name,
            served_by: served_by(&status),
            livedns_dnssec: state,
            livedns_dnssec_error: error,
            keys,
        }))
    }
}

/// What turning LiveDNS signing on or off would do, or did.
#[derive(Serialize, JsonSchema)]
pub struct DnssecChange {
    #[serde(flatten)]
    pub name: DomainName,
    /// LiveDNS's signing state before.
    pub state_before: Option<String>,
    /// The state after: Gandi's answer (`activating`, `deactivating`), or
    /// what is expected before the change is made.
    pub state: Option<String>,
    /// Whether a change was sent (false: it already was so).
    pub changed: bool,
    /// The keys the registry publishes for the domain (the parent's DS records).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<DsKey>,
}

const ON: &[&str] = &["active", "activating"];
const OFF: &[&str] = &["inactive", "deactivating"];

fn unchanged(name: DomainName, state: Option<String>, keys: Vec<DsKey>) -> DnssecChange {
    DnssecChange {
        name,
        state_before: state.clone(),
        state,
        changed: false,
        keys,
    }
}

/// Gandi's answer to a POST or DELETE on `livedns/dnssec`: the new state, or
/// the reason the process did not start.
fn answered(
    cx: &mut Writes,
    method: Method,
    mut c: DnssecChange,
    wanted: &[&str],
) -> SkillResult<DnssecChange> {
    let answer = cx.send(method, &c.name.path("/livedns/dnssec"), Body::None, &[])?;
    let got: LiveDnssec = answer.json_or_default()?;
    match got.state {
        Some(s) if !wanted.contains(&s.as_str()) => Err(SkillError::new(
            ErrorCode::Conflict,
            format!(
                "Gandi did not start the change for {}: its DNSSEC state is {s}{}",
                c.name.shown(),
                got.error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
        )
        .with_detail("state", s.as_str())
        .with_detail("cause", got.cause.unwrap_or_default())
        .with_hint("check domains.dnssec.status; if the error persists, ask Gandi's support")),
        state => {
            c.state = state.or(c.state);
            c.changed = true;
            Ok(c)
        }
    }
}

pub struct Enable;

impl Action for Enable {
    const NAME: &'static str = "domains.dnssec.enable";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        LIVEDNS_ROUTE,
        DNSSEC_ROUTE,
        Route::write(
            "POST",
            "/v5/domain/domains/{domain}/livedns/dnssec",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Has LiveDNS sign the zone with DNSSEC (Gandi publishes the DS record); the domain must be on LiveDNS.";
    const EXAMPLE: &'static str = r#"{"action":"domains.dnssec.enable","domain":"example.com"}"#;
    type Params = DomainParams;
    type Output = DnssecChange;
    type Preview = DnssecChange;
    type Pending = DnssecChange;

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let status = dns_status(cx, &name)?;
        if status.current.as_deref() != Some("livedns") {
            return Err(SkillError::new(
                ErrorCode::Conflict,
                format!(
                    "{} is not on LiveDNS (its DNS is served by {}), so LiveDNS cannot sign it; nothing was sent",
                    name.shown(),
                    served_by(&status)
                ),
            )
            .with_detail("served_by", served_by(&status))
            .with_hint("DNSSEC is turned on where the zone is served: ask that DNS provider, or move the domain to LiveDNS first with domains.livedns.enable (it previews)"));
        }
        if status.livednssec_available == Some(false) {
            return Err(SkillError::new(
                ErrorCode::Conflict,
                format!(
                    "LiveDNS cannot sign {} (Gandi says DNSSEC is not available for it, often because its registry takes no DS records); nothing was sent",
                    name.shown()
                ),
            )
            .with_detail("livednssec_available", false));
        }
        let now = livedns_state(cx, &name)?.state;
        if now.as_deref().is_some_and(|s| ON.contains(&s)) {
            cx.warn(format!(
                "DNSSEC of {} is already {}: nothing was sent",
                name.shown(),
                now.as_deref().unwrap_or_default()
            ));
            return Ok(Step::Done(unchanged(name, now, Vec::new())));
        }
        let message = format!(
            "This has LiveDNS sign {} with DNSSEC; Gandi publishes its DS record at the registry.",
            name.shown()
        );
        let state = StateDigest::of(&(&name.domain, &now));
        let domain = name.domain.clone();
        let change = DnssecChange {
            name,
            state_before: now,
            state: Some("activating".to_string()),
            changed: true,
            keys: Vec::new(),
        };
        let preview = DnssecChange {
            name: change.name.clone(),
            state_before: change.state_before.clone(),
            state: change.state.clone(),
            changed: true,
            keys: Vec::new(),
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, change).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, c: DnssecChange) -> SkillResult<DnssecChange> {
        answered(cx, Method::POST, c, ON)
    }
}

pub struct Disable;

impl Action for Disable {
    const NAME: &'static str = "domains.dnssec.disable";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        DNSSEC_ROUTE,
        DNSKEYS_ROUTE,
        Route::write(
            "DELETE",
            "/v5/domain/domains/{domain}/livedns/dnssec",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Stops LiveDNS signing the zone. Previews the DS records the parent still publishes, which must go first.";
    const EXAMPLE: &'static str = r#"{"action":"domains.dnssec.disable","domain":"café.fr"}"#;
    type Params = DomainParams;
    type Output = DnssecChange;
    type Preview = DnssecChange;
    type Pending = DnssecChange;

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let now = livedns_state(cx, &name)?.state;
        let (keys, _, _) = ds_keys(cx, &name, Paging::All)?;
        if now.as_deref().is_none_or(|s| OFF.contains(&s)) {
            cx.warn(format!(
                "LiveDNS does not sign {} ({}): nothing was sent",
                name.shown(),
                now.as_deref().unwrap_or("no DNSSEC state")
            ));
            return Ok(Step::Done(unchanged(name, now, keys)));
        }
        if keys.is_empty() {
            cx.warn("the registry publishes no DS record for the domain, so validating resolvers do not expect signatures: turning signing off is safe");
        } else {
            cx.warn(format!(
                "remove the DS records at the parent first: the registry still publishes {} for {} ({}). If the zone is no longer signed while a DS record is published, validating resolvers refuse its answers and the domain stops resolving for their users. Gandi's deactivation runs in steps (state `deactivating`): watch domains.dnssec.status until it says `inactive` with no keys left, and change nothing else meanwhile (the nameservers especially)",
                keys.len(),
                name.shown(),
                keytags(&keys)
            ));
        }
        let message = format!("This stops LiveDNS signing {} with DNSSEC.", name.shown());
        let bound: Vec<(Option<u32>, Option<&str>)> = keys
            .iter()
            .map(|k| (k.keytag, k.digest.as_deref()))
            .collect();
        let state = StateDigest::of(&(&name.domain, &now, bound));
        let domain = name.domain.clone();
        let change = DnssecChange {
            name,
            state_before: now,
            state: Some("deactivating".to_string()),
            changed: true,
            keys,
        };
        let preview = DnssecChange {
            name: change.name.clone(),
            state_before: change.state_before.clone(),
            state: change.state.clone(),
            changed: true,
            keys: change.keys.clone(),
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, change).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, c: DnssecChange) -> SkillResult<DnssecChange> {
        answered(cx, Method::DELETE, c, OFF)
    }
}
