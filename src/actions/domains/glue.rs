//! Glue records: the addresses the registry publishes for nameservers inside
//! the domain (`ns1.example.com`). `domains.glue.list` (read),
//! `domains.glue.set` (write: creates a host or replaces its addresses) and
//! `domains.glue.delete` (destructive, refused while the domain uses it).

use std::net::IpAddr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ureq::http::Method;

use super::nameservers::glue_fqdn;
use super::settings::{DomainName, HOSTS_ROUTE, NAMESERVERS_ROUTE};
use crate::actions::common::{message_of, unicode_if_different, ListParams};
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{encode, Body, Paging};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::domain::GlueHost;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

crate::list_params! {
    pub struct GlueListParams {
        /// The domain, Unicode or ASCII form.
        pub domain: String,
    }
}

/// One glue record.
#[derive(Clone, Serialize, JsonSchema)]
pub struct Glue {
    /// The host's label inside the domain (`ns1`; `@` is the domain itself).
    pub name: String,
    /// The full host name, ASCII form.
    pub fqdn: String,
    /// Its Unicode form, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    /// The addresses the registry publishes for it.
    pub ips: Vec<String>,
}

impl Glue {
    fn of(h: GlueHost, domain: &str) -> Glue {
        let fqdn = h
            .fqdn
            .map(|f| f.trim_end_matches('.').to_ascii_lowercase())
            .unwrap_or_else(|| glue_fqdn(&h.name, domain));
        Glue {
            fqdn_unicode: unicode_if_different(&fqdn),
            fqdn,
            name: h.name,
            ips: h.ips,
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub struct GlueList {
    #[serde(flatten)]
    pub name: DomainName,
    pub hosts: Vec<Glue>,
}

/// Every glue record of the domain, all pages.
fn all_hosts(cx: &mut Reads, d: &DomainName) -> SkillResult<Vec<Glue>> {
    Ok(cx
        .list::<GlueHost>(&d.path("/hosts"), &[], Paging::All)?
        .items
        .into_iter()
        .map(|h| Glue::of(h, &d.domain))
        .collect())
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "domains.glue.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[HOSTS_ROUTE];
    const SUMMARY: &'static str =
        "The domain's glue records: nameserver hosts inside it and the addresses the registry publishes.";
    const EXAMPLE: &'static str = r#"{"action":"domains.glue.list","domain":"example.com"}"#;
    type Params = GlueListParams;
    type Output = GlueList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: GlueListParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let listing = cx.list::<GlueHost>(&name.path("/hosts"), &[], p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        let hosts = listing
            .items
            .into_iter()
            .map(|h| Glue::of(h, &name.domain))
            .collect();
        Ok(Step::Done(GlueList { name, hosts }))
    }
}

/// The host's label inside the domain (field `name`): `ns1`,
/// `ns1.example.com` or `@`; a host outside the domain is refused (its
/// glue belongs to its own domain).
fn host_label(given: &str, d: &DomainName) -> SkillResult<String> {
    let expected = format!(
        "a nameserver host inside {}: a label such as `ns1`, the full name `ns1.{}`, or `@` for the domain itself",
        d.domain, d.domain
    );
    let refuse = || SkillError::invalid_param("name", Some(given), &expected);
    let trimmed = given.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed == "@" {
        return Ok("@".to_string());
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse());
    }
    let ascii = crate::dns::name::ascii_labels(trimmed)
        .ok_or_else(refuse)?
        .to_ascii_lowercase();
    let label = if ascii == d.domain {
        return Ok("@".to_string());
    } else if let Some(rel) = ascii.strip_suffix(&format!(".{}", d.domain)) {
        rel.to_string()
    } else if !ascii.contains('.') {
        ascii
    } else {
        return Err(refuse());
    };
    let ok = label.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if ok {
        Ok(label)
    } else {
        Err(refuse())
    }
}

/// The addresses (field `ips`): 1 to 13, each an IPv4 or IPv6 address a
/// nameserver can be reached at, none twice; written in their usual form.
fn addresses(given: &[String]) -> SkillResult<Vec<String>> {
    if given.is_empty() || given.len() > 13 {
        return Err(SkillError::invalid_param(
            "ips",
            None,
            "1 to 13 IPv4 or IPv6 addresses, such as [\"192.0.2.53\", \"2001:db8::53\"]",
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, raw) in given.iter().enumerate() {
        let field = format!("ips[{i}]");
        let ip: IpAddr = raw.trim().parse().map_err(|_| {
            SkillError::invalid_param(
                &field,
                Some(raw),
                "an IPv4 or IPv6 address such as 192.0.2.53 or 2001:db8::53",
            )
        })?;
        if ip.is_unspecified() || ip.is_loopback() || ip.is_multicast() {
            return Err(SkillError::invalid_param(
                &field,
                Some(raw),
                "a public address the nameserver answers on (not unspecified, loopback or multicast)",
            ));
        }
        let text = ip.to_string();
        if out.contains(&text) {
            return Err(SkillError::invalid_param(
                &field,
                Some(raw),
                &format!("each address once ({text} is listed twice)"),
            ));
        }
        out.push(text);
    }
    Ok(out)
}

/// The same addresses, whatever the order or spelling.
fn same_ips(a: &[String], b: &[String]) -> bool {
    let norm = |v: &[String]| {
        let mut v: Vec<String> = v
            .iter()
            .map(|s| {
                s.parse::<IpAddr>()
                    .map_or_else(|_| s.clone(), |ip| ip.to_string())
            })
            .collect();
        v.sort();
        v
    };
    norm(a) == norm(b)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlueSetParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The host inside the domain: `ns1`, `ns1.example.com`, or `@` for the domain itself.
    pub name: String,
    /// Its addresses, IPv4 and/or IPv6 (replacing the ones it has).
    #[schemars(length(min = 1, max = 13))]
    pub ips: Vec<String>,
}

/// What setting a glue record would do, or did.
#[derive(Serialize, JsonSchema)]
pub struct GlueSet {
    #[serde(flatten)]
    pub name: DomainName,
    pub host: Glue,
    /// The addresses it had (absent: the host is new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Vec<String>>,
    /// Whether a change was sent (false: it already had these addresses).
    pub changed: bool,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub struct Set;

impl Action for Set {
    const NAME: &'static str = "domains.glue.set";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        HOSTS_ROUTE,
        Route::write(
            "POST",
            "/v5/domain/domains/{domain}/hosts",
            Permission::DomainWrite,
        ),
        Route::write(
            "PUT",
            "/v5/domain/domains/{domain}/hosts/{name}",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Creates a glue record (a nameserver host inside the domain) or replaces its addresses.";
    const EXAMPLE: &'static str = r#"{"action":"domains.glue.set","domain":"example.com","name":"ns2","ips":["192.0.2.54","2001:db8::54"]}"#;
    type Params = GlueSetParams;
    type Output = GlueSet;
    type Preview = GlueSet;
    type Pending = GlueSet;

    fn plan(cx: &mut Reads, p: GlueSetParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let label = host_label(&p.name, &name)?;
        let ips = addresses(&p.ips)?;
        let fqdn = glue_fqdn(&label, &name.domain);
        let existing = all_hosts(cx, &name)?
            .into_iter()
            .find(|h| h.fqdn == fqdn || h.name.eq_ignore_ascii_case(&label));
        let host = Glue {
            name: existing.as_ref().map_or(label, |h| h.name.clone()),
            fqdn_unicode: unicode_if_different(&fqdn),
            fqdn,
            ips,
        };
        let before = existing.map(|h| h.ips);
        if before.as_ref().is_some_and(|b| same_ips(b, &host.ips)) {
            cx.warn(format!(
                "{} already has exactly these addresses: nothing was sent",
                host.fqdn
            ));
            return Ok(Step::Done(GlueSet {
                name,
                host,
                before,
                changed: false,
                message: None,
            }));
        }
        let message = match &before {
            Some(b) => format!(
                "This replaces the addresses of {} ({}) with {}.",
                host.fqdn,
                b.join(", "),
                host.ips.join(", ")
            ),
            None => format!(
                "This creates glue record {} with {}.",
                host.fqdn,
                host.ips.join(", ")
            ),
        };
        let state = StateDigest::of(&(&name.domain, &host.fqdn, &before));
        let domain = name.domain.clone();
        let set = GlueSet {
            name,
            host,
            before,
            changed: true,
            message: None,
        };
        let preview = GlueSet {
            name: set.name.clone(),
            host: set.host.clone(),
            before: set.before.clone(),
            changed: true,
            message: None,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, set).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, mut s: GlueSet) -> SkillResult<GlueSet> {
        let answer = if s.before.is_some() {
            let body = json!({ "ips": s.host.ips });
            cx.send(
                Method::PUT,
                &s.name.path(&format!("/hosts/{}", encode(&s.host.name))),
                Body::Json(&body),
                &[],
            )?
        } else {
            let body = json!({ "name": s.host.name, "ips": s.host.ips });
            cx.send(Method::POST, &s.name.path("/hosts"), Body::Json(&body), &[])?
        };
        s.message = message_of(&answer);
        Ok(s)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlueDeleteParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The host inside the domain: `ns1`, `ns1.example.com`, or `@`.
    pub name: String,
}

/// What deleting a glue record would do, or did.
#[derive(Serialize, JsonSchema)]
pub struct GlueDeleted {
    #[serde(flatten)]
    pub name: DomainName,
    /// The glue record removed (with the addresses it had).
    pub deleted: Glue,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub struct Delete;

impl Action for Delete {
    const NAME: &'static str = "domains.glue.delete";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        HOSTS_ROUTE,
        NAMESERVERS_ROUTE,
        Route::write(
            "DELETE",
            "/v5/domain/domains/{domain}/hosts/{name}",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Deletes a glue record (refused while the domain uses that host as a nameserver). Previews first.";
    const EXAMPLE: &'static str =
        r#"{"action":"domains.glue.delete","domain":"example.com","name":"ns1"}"#;
    type Params = GlueDeleteParams;
    type Output = GlueDeleted;
    type Preview = GlueDeleted;
    type Pending = GlueDeleted;

    fn plan(cx: &mut Reads, p: GlueDeleteParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let label = host_label(&p.name, &name)?;
        let fqdn = glue_fqdn(&label, &name.domain);
        let hosts = all_hosts(cx, &name)?;
        let Some(host) = hosts.iter().find(|h| h.fqdn == fqdn).cloned() else {
            let known: Vec<&str> = hosts.iter().map(|h| h.fqdn.as_str()).collect();
            return Err(SkillError::new(
                ErrorCode::NotFound,
                format!(
                    "{} has no glue record {fqdn}: nothing was sent",
                    name.shown()
                ),
            )
            .with_detail("hosts", known.clone())
            .with_hint(if known.is_empty() {
                "the domain has no glue records at all".to_string()
            } else {
                format!("its glue records are: {}", known.join(", "))
            }));
        };
        let nameservers: Vec<String> = cx.get(&name.path("/nameservers"), &[])?;
        if nameservers
            .iter()
            .any(|n| n.trim_end_matches('.').eq_ignore_ascii_case(&fqdn))
        {
            return Err(SkillError::new(
                ErrorCode::Refused,
                format!(
                    "refused: {fqdn} is one of {}'s nameservers; without its glue record resolvers cannot reach it and the domain stops resolving. Nothing was sent",
                    name.shown()
                ),
            )
            .with_detail("nameservers", nameservers.clone())
            .with_hint("point the domain at other nameservers first (domains.nameservers.set), then delete the glue record"));
        }
        cx.warn(format!(
            "any other domain that uses {fqdn} as a nameserver loses its address too (the registry may refuse the deletion while one does)"
        ));
        let message = format!("This deletes glue record {fqdn} ({}).", host.ips.join(", "));
        let state = StateDigest::of(&(&name.domain, &host.fqdn, &host.ips, &nameservers));
        let domain = name.domain.clone();
        let preview = GlueDeleted {
            name: name.clone(),
            deleted: host.clone(),
            message: None,
        };
        Ok(Step::Change(
            Planned::new(
                message,
                preview,
                state,
                GlueDeleted {
                    name,
                    deleted: host,
                    message: None,
                },
            )
            .touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, mut d: GlueDeleted) -> SkillResult<GlueDeleted> {
        let answer = cx.send(
            Method::DELETE,
            &d.name.path(&format!("/hosts/{}", encode(&d.deleted.name))),
            Body::None,
            &[],
        )?;
        d.message = message_of(&answer);
        Ok(d)
    }
}
