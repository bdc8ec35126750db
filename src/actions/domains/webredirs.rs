//! Gandi web redirections (a host of the domain answering with a redirect
//! to a URL): `webredirs.list` (read), `webredirs.create` (write; it never
//! replaces DNS records it was not shown), `webredirs.update` and
//! `webredirs.delete` (destructive, plan-bound to the redirection read).
//! `host` is always the full host name, domain included, as Gandi wants it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ureq::http::Method;

use super::settings::DomainName;
use crate::actions::common::{message_of, unicode_if_different, ListParams};
use crate::actions::dns::{is_missing_rrset, records_path, rrsets};
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{encode, Body, Paging};
use crate::dns::Rrset;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::domain::WebRedir;
use crate::gandi::livedns::RrsetWire;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const LIST_ROUTE: Route = Route::get(
    "/v5/domain/domains/{domain}/webredirs",
    Permission::DomainRead,
);
const ONE_ROUTE: &str = "/v5/domain/domains/{domain}/webredirs/{host}";

/// Where Gandi's redirection service is reached; a host's DNS record
/// already pointing there is not something a redirection replaces.
const SERVICE: &str = "webredir.vip.gandi.net.";

/// How the redirection answers.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RedirectType {
    /// Permanent redirect (search engines move to the new URL).
    Http301,
    /// Temporary redirect.
    Http302,
    /// The target shown inside a frame, the address bar keeping the host.
    Cloak,
}

/// Which protocols the host answers on.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// http only.
    Http,
    /// http and https (Gandi gets a certificate for the host).
    Https,
    /// https only.
    Httpsonly,
}

impl RedirectType {
    fn wire(self) -> &'static str {
        match self {
            RedirectType::Http301 => "http301",
            RedirectType::Http302 => "http302",
            RedirectType::Cloak => "cloak",
        }
    }
}

impl Protocol {
    fn wire(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Https => "https",
            Protocol::Httpsonly => "httpsonly",
        }
    }
}

/// One web redirection.
#[derive(Clone, Serialize, JsonSchema, PartialEq)]
pub struct Redirection {
    /// The full host name, ASCII form (`www.example.com`).
    pub host: String,
    /// Its Unicode form, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_unicode: Option<String>,
    /// Where it redirects to.
    pub url: Option<String>,
    /// `http301`, `http302` or `cloak`.
    pub redirect_type: Option<String>,
    /// `http`, `https` or `httpsonly`.
    pub protocol: Option<String>,
    /// The state of the certificate Gandi gets for https.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl From<WebRedir> for Redirection {
    fn from(w: WebRedir) -> Redirection {
        let host = w.host.trim_end_matches('.').to_ascii_lowercase();
        Redirection {
            host_unicode: unicode_if_different(&host),
            host,
            url: w.url,
            redirect_type: w.redirect_type,
            protocol: w.protocol,
            cert_status: w.cert_status,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

impl Redirection {
    /// What a plan binds: the redirection as it behaves (not its dates).
    fn bound(&self) -> (&str, &Option<String>, &Option<String>, &Option<String>) {
        (&self.host, &self.url, &self.redirect_type, &self.protocol)
    }
}

crate::list_params! {
    pub struct WebredirsListParams {
        /// The domain, Unicode or ASCII form.
        pub domain: String,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct RedirectionList {
    #[serde(flatten)]
    pub name: DomainName,
    pub webredirs: Vec<Redirection>,
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "webredirs.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[LIST_ROUTE];
    const SUMMARY: &'static str =
        "A domain's web redirections: host, target URL, type (301, 302, cloak) and protocol.";
    const EXAMPLE: &'static str = r#"{"action":"webredirs.list","domain":"example.com"}"#;
    type Params = WebredirsListParams;
    type Output = RedirectionList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: WebredirsListParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let listing = cx.list::<WebRedir>(&name.path("/webredirs"), &[], p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        Ok(Step::Done(RedirectionList {
            name,
            webredirs: listing.items.into_iter().map(Redirection::from).collect(),
        }))
    }
}

/// Every redirection of the domain, all pages.
fn all(cx: &mut Reads, d: &DomainName) -> SkillResult<Vec<Redirection>> {
    Ok(cx
        .list::<WebRedir>(&d.path("/webredirs"), &[], Paging::All)?
        .items
        .into_iter()
        .map(Redirection::from)
        .collect())
}

/// The redirection of `host`, or a not-found error naming the ones there are.
fn find(cx: &mut Reads, d: &DomainName, host: &str) -> SkillResult<Redirection> {
    let list = all(cx, d)?;
    match list.iter().find(|r| r.host == host) {
        Some(r) => Ok(r.clone()),
        None => {
            let hosts: Vec<&str> = list.iter().map(|r| r.host.as_str()).collect();
            Err(SkillError::new(
                ErrorCode::NotFound,
                format!(
                    "{} has no web redirection for {host}: nothing was sent",
                    d.shown()
                ),
            )
            .with_detail("hosts", hosts.clone())
            .with_hint(if hosts.is_empty() {
                "the domain has no web redirections; webredirs.create makes one".to_string()
            } else {
                format!("its redirected hosts are: {}", hosts.join(", "))
            }))
        }
    }
}

/// The `host` parameter: the full host name inside the domain.
fn host_in(given: &str, d: &DomainName) -> SkillResult<String> {
    let trimmed = given.trim().trim_end_matches('.');
    if trimmed == "@" {
        return Ok(d.domain.clone());
    }
    if !trimmed.is_empty() && !trimmed.contains('.') {
        return Err(SkillError::invalid_param(
            "host",
            Some(given),
            &format!(
                "the full host name, domain included: `{trimmed}.{}`",
                d.domain
            ),
        ));
    }
    let ascii = crate::dns::zone_ascii(trimmed, "host")?;
    if ascii == d.domain || ascii.ends_with(&format!(".{}", d.domain)) {
        Ok(ascii)
    } else {
        Err(SkillError::invalid_param(
            "host",
            Some(given),
            &format!(
                "a host name inside {}, such as `www.{}` or `{}` itself",
                d.domain, d.domain, d.domain
            ),
        ))
    }
}

/// The `url` parameter: an absolute http(s) URL.
fn check_url(given: &str) -> SkillResult<String> {
    let t = given.trim();
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    let ok = host.is_some_and(|h| !h.is_empty())
        && t.len() <= 2048
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(t.to_string())
    } else {
        Err(SkillError::invalid_param(
            "url",
            Some(given),
            "an absolute URL starting with https:// or http://, such as https://www.example.org/",
        ))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebredirCreateParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The full host name to redirect, domain included (`www.example.com`, or `example.com` itself).
    pub host: String,
    /// Where to send visitors: an absolute http(s) URL.
    pub url: String,
    /// `http301` (permanent, the default), `http302` (temporary) or `cloak` (framed).
    #[serde(default)]
    pub redirect_type: Option<RedirectType>,
    /// `https` (http and https, the default), `httpsonly` or `http`.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Gandi's `override`: let the redirection replace the host's own DNS
    /// records. Refused when LiveDNS shows records it would replace (remove
    /// them first with dns.records.remove, which previews): a write never
    /// drops what the user was not shown.
    #[serde(default, rename = "override")]
    pub override_dns: Option<bool>,
}

/// A redirection to create.
#[derive(Serialize, JsonSchema)]
pub struct WebredirCreated {
    #[serde(flatten)]
    pub name: DomainName,
    pub webredir: Redirection,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `create`'s apply sends.
pub struct CreatePending {
    out: WebredirCreated,
    body: Value,
}

/// The host's records in the LiveDNS zone that a redirection would replace
/// (addresses or an alias not already pointing at Gandi's service); empty
/// when LiveDNS does not serve the domain.
fn records_replaced(cx: &mut Reads, d: &DomainName, host: &str) -> SkillResult<Vec<Rrset>> {
    let label = host.strip_suffix(&format!(".{}", d.domain)).unwrap_or("@");
    let at_name = match cx.get::<Vec<RrsetWire>>(&records_path(&d.domain, Some(label), None), &[]) {
        Ok(items) => rrsets(items),
        Err(e) if is_missing_rrset(&e) => Vec::new(),
        // No LiveDNS zone: nothing the skill can see is replaced.
        Err(e) if e.code == ErrorCode::NotFound && e.http_status == Some(404) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(at_name
        .into_iter()
        .filter(|r| matches!(r.rtype.as_str(), "A" | "AAAA" | "CNAME" | "ALIAS"))
        .filter(|r| !(r.values.len() == 1 && r.values[0].eq_ignore_ascii_case(SERVICE)))
        .collect())
}

pub struct Create;

impl Action for Create {
    const NAME: &'static str = "webredirs.create";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        LIST_ROUTE,
        Route::get(
            "/v5/livedns/domains/{domain}/records/{name}",
            Permission::DnsRead,
        ),
        Route::write(
            "POST",
            "/v5/domain/domains/{domain}/webredirs",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Redirects a host of the domain to a URL (301 by default, http and https); never replaces existing DNS records.";
    const EXAMPLE: &'static str = r#"{"action":"webredirs.create","domain":"example.com","host":"shop.example.com","url":"https://shop.example.org/","redirect_type":"http301","protocol":"https"}"#;
    type Params = WebredirCreateParams;
    type Output = WebredirCreated;
    type Preview = WebredirCreated;
    type Pending = CreatePending;

    fn plan(cx: &mut Reads, p: WebredirCreateParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let host = host_in(&p.host, &name)?;
        let url = check_url(&p.url)?;
        let rtype = p.redirect_type.unwrap_or(RedirectType::Http301);
        let protocol = p.protocol.unwrap_or(Protocol::Https);
        let override_dns = p.override_dns.unwrap_or(false);
        if let Some(existing) = all(cx, &name)?.into_iter().find(|r| r.host == host) {
            return Err(SkillError::new(
                ErrorCode::Conflict,
                format!(
                    "{host} already redirects to {}: nothing was sent",
                    existing.url.as_deref().unwrap_or("a URL")
                ),
            )
            .with_detail("host", host.as_str())
            .with_hint("change it with webredirs.update (it previews the change)"));
        }
        let replaced = records_replaced(cx, &name, &host)?;
        if !replaced.is_empty() {
            let list: Vec<String> = replaced
                .iter()
                .map(|r| format!("{} {}", r.rtype, r.values.join(" ")))
                .collect();
            let (code, why) = if override_dns {
                (
                    ErrorCode::Refused,
                    "refused: `override` would replace them without a preview",
                )
            } else {
                (
                    ErrorCode::Conflict,
                    "Gandi refuses a redirection there unless `override` replaces them",
                )
            };
            return Err(SkillError::new(
                code,
                format!("{host} has DNS records ({}); {why}. Nothing was sent", list.join("; ")),
            )
            .with_detail("records", serde_json::to_value(&replaced).unwrap_or_default())
            .with_hint("remove them first with dns.records.remove (it previews what stops working), then create the redirection"));
        }
        let webredir = Redirection {
            host_unicode: unicode_if_different(&host),
            host: host.clone(),
            url: Some(url.clone()),
            redirect_type: Some(rtype.wire().to_string()),
            protocol: Some(protocol.wire().to_string()),
            cert_status: None,
            created_at: None,
            updated_at: None,
        };
        let body = json!({
            "host": host,
            "type": rtype.wire(),
            "url": url,
            "protocol": protocol.wire(),
            "override": override_dns,
        });
        let message = format!(
            "This redirects {host} to {url} ({}, {}).",
            rtype.wire(),
            protocol.wire()
        );
        let state = StateDigest::of(&(&name.domain, &host));
        let domain = name.domain.clone();
        let preview = WebredirCreated {
            name: name.clone(),
            webredir: webredir.clone(),
            message: None,
        };
        let pending = CreatePending {
            out: WebredirCreated {
                name,
                webredir,
                message: None,
            },
            body,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: CreatePending) -> SkillResult<WebredirCreated> {
        let mut out = p.out;
        let answer = cx.send(
            Method::POST,
            &out.name.path("/webredirs"),
            Body::Json(&p.body),
            &[],
        )?;
        out.message = message_of(&answer);
        Ok(out)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebredirUpdateParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The redirected host, full name (`www.example.com`).
    pub host: String,
    /// A new target URL.
    #[serde(default)]
    pub url: Option<String>,
    /// A new type: `http301`, `http302` or `cloak`.
    #[serde(default)]
    pub redirect_type: Option<RedirectType>,
    /// New protocols: `http`, `https` or `httpsonly`.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Gandi's `override` (let the redirection replace the host's DNS records), sent only when given.
    #[serde(default, rename = "override")]
    pub override_dns: Option<bool>,
}

/// A redirection before and after a change.
#[derive(Serialize, JsonSchema)]
pub struct WebredirChange {
    #[serde(flatten)]
    pub name: DomainName,
    pub before: Redirection,
    pub after: Redirection,
    /// Whether a change was sent (false: it already was so).
    pub changed: bool,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `update`'s apply sends.
pub struct UpdatePending {
    out: WebredirChange,
    body: Value,
}

pub struct Update;

impl Action for Update {
    const NAME: &'static str = "webredirs.update";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        LIST_ROUTE,
        Route::write("PATCH", ONE_ROUTE, Permission::DomainWrite),
    ];
    const SUMMARY: &'static str =
        "Changes a web redirection's URL, type or protocol. Previews before and after.";
    const EXAMPLE: &'static str = r#"{"action":"webredirs.update","domain":"example.com","host":"www.example.com","url":"https://www.example.org/new/"}"#;
    type Params = WebredirUpdateParams;
    type Output = WebredirChange;
    type Preview = WebredirChange;
    type Pending = UpdatePending;

    fn plan(cx: &mut Reads, p: WebredirUpdateParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let host = host_in(&p.host, &name)?;
        let url = p.url.as_deref().map(check_url).transpose()?;
        if url.is_none() && p.redirect_type.is_none() && p.protocol.is_none() {
            return Err(SkillError::invalid_param(
                "url",
                None,
                "at least one of `url`, `redirect_type` or `protocol` to change",
            ));
        }
        let before = find(cx, &name, &host)?;
        let mut after = before.clone();
        let mut body = Map::new();
        if let Some(u) = url.filter(|u| before.url.as_deref() != Some(u.as_str())) {
            body.insert("url".into(), json!(u));
            after.url = Some(u);
        }
        if let Some(t) = p
            .redirect_type
            .filter(|t| before.redirect_type.as_deref() != Some(t.wire()))
        {
            body.insert("type".into(), json!(t.wire()));
            after.redirect_type = Some(t.wire().to_string());
        }
        if let Some(pr) = p
            .protocol
            .filter(|pr| before.protocol.as_deref() != Some(pr.wire()))
        {
            body.insert("protocol".into(), json!(pr.wire()));
            after.protocol = Some(pr.wire().to_string());
        }
        if body.is_empty() {
            cx.warn(format!(
                "{host} already redirects exactly so: nothing was sent"
            ));
            return Ok(Step::Done(WebredirChange {
                name,
                before,
                after,
                changed: false,
                message: None,
            }));
        }
        if let Some(o) = p.override_dns {
            body.insert("override".into(), json!(o));
        }
        if after.redirect_type.as_deref() == Some("cloak")
            && before.redirect_type != after.redirect_type
        {
            cx.warn("cloak shows the target inside a frame: many sites refuse to be framed and then show a blank page");
        }
        let message = format!(
            "This changes the web redirection of {host}: {} → {}.",
            describe(&before),
            describe(&after)
        );
        let state = StateDigest::of(&(&name.domain, before.bound()));
        let domain = name.domain.clone();
        let preview = WebredirChange {
            name: name.clone(),
            before: before.clone(),
            after: after.clone(),
            changed: true,
            message: None,
        };
        let pending = UpdatePending {
            out: WebredirChange {
                name,
                before,
                after,
                changed: true,
                message: None,
            },
            body: Value::Object(body),
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: UpdatePending) -> SkillResult<WebredirChange> {
        let mut out = p.out;
        let path = out
            .name
            .path(&format!("/webredirs/{}", encode(&out.before.host)));
        let answer = cx.send(Method::PATCH, &path, Body::Json(&p.body), &[])?;
        out.message = message_of(&answer);
        Ok(out)
    }
}

/// `https://x/ (http301, https)` for sentences.
fn describe(r: &Redirection) -> String {
    format!(
        "{} ({}, {})",
        r.url.as_deref().unwrap_or("no URL"),
        r.redirect_type.as_deref().unwrap_or("?"),
        r.protocol.as_deref().unwrap_or("?")
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebredirDeleteParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The redirected host, full name (`www.example.com`).
    pub host: String,
}

/// The redirection deleted (or to delete).
#[derive(Serialize, JsonSchema)]
pub struct WebredirDeleted {
    #[serde(flatten)]
    pub name: DomainName,
    pub deleted: Redirection,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub struct Delete;

impl Action for Delete {
    const NAME: &'static str = "webredirs.delete";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        LIST_ROUTE,
        Route::write("DELETE", ONE_ROUTE, Permission::DomainWrite),
    ];
    const SUMMARY: &'static str = "Deletes a web redirection. Previews what it redirects first.";
    const EXAMPLE: &'static str =
        r#"{"action":"webredirs.delete","domain":"example.com","host":"www.example.com"}"#;
    type Params = WebredirDeleteParams;
    type Output = WebredirDeleted;
    type Preview = WebredirDeleted;
    type Pending = WebredirDeleted;

    fn plan(cx: &mut Reads, p: WebredirDeleteParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let host = host_in(&p.host, &name)?;
        let r = find(cx, &name, &host)?;
        cx.warn(format!(
            "{host} stops redirecting to {}; Gandi may leave its DNS record pointing at the redirection service, so check it with dns.records.list and point it elsewhere if needed",
            r.url.as_deref().unwrap_or("its URL")
        ));
        let message = format!(
            "This deletes the web redirection of {host} ({}).",
            describe(&r)
        );
        let state = StateDigest::of(&(&name.domain, r.bound()));
        let domain = name.domain.clone();
        let preview = WebredirDeleted {
            name: name.clone(),
            deleted: r.clone(),
            message: None,
        };
        Ok(Step::Change(
            Planned::new(
                message,
                preview,
                state,
                WebredirDeleted {
                    name,
                    deleted: r,
                    message: None,
                },
            )
            .touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, mut d: WebredirDeleted) -> SkillResult<WebredirDeleted> {
        let path = d
            .name
            .path(&format!("/webredirs/{}", encode(&d.deleted.host)));
        let answer = cx.send(Method::DELETE, &path, Body::None, &[])?;
        d.message = message_of(&answer);
        Ok(d)
    }
}
