//! `domains.nameservers.get`, `domains.nameservers.set` and
//! `domains.livedns.enable`: which nameservers a domain uses and where that
//! puts its DNS, and the two changes that move it. Both changes are
//! destructive: the zone the world is served changes, so the preview names
//! the current and new nameservers, the LiveDNS zone's records that stop or
//! start being served, glue and DNSSEC that would break, and the plan binds
//! all of it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ureq::http::Method;

use super::settings::{
    dns_status, ds_keys, host_names, keytags, livedns_zone, same_hosts, served_by, DomainName,
    DsKey, DNSKEYS_ROUTE, HOSTS_ROUTE, LIVEDNS_ROUTE, NAMESERVERS_ROUTE, ZONE_ROUTE,
};
use super::DomainParams;
use crate::actions::common::message_of;
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{Answer, Body, Paging};
use crate::dns::Rrset;
use crate::error::SkillResult;
use crate::gandi::domain::{GlueHost, LiveDnsStatus};
use crate::safety::plan::StateDigest;
use crate::safety::Class;

/// A domain's nameservers and who serves its zone.
#[derive(Serialize, JsonSchema)]
pub struct Nameservers {
    #[serde(flatten)]
    pub name: DomainName,
    pub nameservers: Vec<String>,
    /// Who serves the zone: `livedns` (Gandi's LiveDNS: dns.* actions manage
    /// it), `classic` (Gandi's former DNS), `premium_dns`, or `other` (a
    /// provider outside Gandi).
    pub served_by: String,
}

pub struct Get;

impl Action for Get {
    const NAME: &'static str = "domains.nameservers.get";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[NAMESERVERS_ROUTE, LIVEDNS_ROUTE];
    const SUMMARY: &'static str =
        "A domain's nameservers and who serves its zone (LiveDNS, Gandi classic or elsewhere).";
    const EXAMPLE: &'static str = r#"{"action":"domains.nameservers.get","domain":"example.com"}"#;
    type Params = DomainParams;
    type Output = Nameservers;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let nameservers: Vec<String> = cx.get(&name.path("/nameservers"), &[])?;
        let status = dns_status(cx, &name)?;
        Ok(Step::Done(Nameservers {
            name,
            nameservers,
            served_by: served_by(&status),
        }))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NameserversSetParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The new nameservers: host names such as `ns1.example-dns.net` (1 to 13, kept in this order).
    #[schemars(length(min = 1, max = 13))]
    pub nameservers: Vec<String>,
}

/// What moving the nameservers would do.
#[derive(Serialize, JsonSchema)]
pub struct NameserversPreview {
    #[serde(flatten)]
    pub name: DomainName,
    /// The nameservers now.
    pub current: Vec<String>,
    /// The nameservers after the change.
    pub new: Vec<String>,
    /// Who serves the zone now: `livedns`, `classic`, `premium_dns` or `other`.
    pub served_by_now: String,
    /// Who will serve it: `livedns`, `classic`, `other`, or `mixed` (some
    /// LiveDNS nameservers, some not: resolvers would get two zones).
    pub served_by_after: String,
    /// The LiveDNS zone's rrsets, which stop being served (leaving LiveDNS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_no_longer_served: Option<Vec<Rrset>>,
    /// The LiveDNS zone's rrsets, which will be served (moving to LiveDNS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_served_after: Option<Vec<Rrset>>,
    /// The DNSSEC keys the registry publishes for the domain (its DS records
    /// at the parent), when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ds_keys: Vec<DsKey>,
}

/// What a nameserver change did.
#[derive(Serialize, JsonSchema)]
pub struct NameserversChanged {
    #[serde(flatten)]
    pub name: DomainName,
    /// Whether a change was sent (false: the domain already used them).
    pub changed: bool,
    /// The nameservers before.
    pub before: Vec<String>,
    /// The nameservers asked for. The registry takes them within minutes;
    /// resolvers follow as their caches expire (up to 48 hours).
    pub nameservers: Vec<String>,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `apply` needs.
pub struct NameserversChange {
    name: DomainName,
    before: Vec<String>,
    new: Vec<String>,
}

/// Everything the preview read, as the plan binds it.
#[derive(Serialize)]
struct Depends<'a> {
    current: &'a [String],
    served_by: &'a str,
    livedns_nameservers: &'a [String],
    zone: Option<Vec<&'a Rrset>>,
    ds_keys: Vec<(Option<u32>, Option<&'a str>)>,
    glue: Option<Vec<(&'a str, &'a [String])>>,
}

/// Who would serve a set of nameservers: all LiveDNS, all Gandi classic,
/// some LiveDNS (`mixed`), or none of Gandi's (`other`).
fn kind_of(hosts: &[String], status: &LiveDnsStatus) -> String {
    let livedns = |h: &String| {
        status.nameservers.iter().any(|n| n.eq_ignore_ascii_case(h))
            || (h.starts_with("ns-") && h.ends_with(".gandi.net"))
    };
    let classic = |h: &String| h.ends_with(".dns.gandi.net");
    let on_livedns = hosts.iter().filter(|h| livedns(h)).count();
    if on_livedns == hosts.len() {
        "livedns"
    } else if on_livedns > 0 {
        "mixed"
    } else if hosts.iter().all(classic) {
        "classic"
    } else {
        "other"
    }
    .to_string()
}

/// The zone-side effects of moving from `current` to `new`, read and
/// explained (the warnings go to the reply).
struct Effects {
    preview: NameserversPreview,
    zone: Option<Vec<Rrset>>,
    glue: Option<Vec<GlueHost>>,
    livedns_nameservers: Vec<String>,
}

fn effects(
    cx: &mut Reads,
    name: DomainName,
    status: &LiveDnsStatus,
    current: Vec<String>,
    new: Vec<String>,
    enabling: bool,
) -> SkillResult<Effects> {
    let now = served_by(status);
    let after = kind_of(&new, status);
    let list = |v: &[String]| {
        if v.is_empty() {
            "its current nameservers".to_string()
        } else {
            v.join(", ")
        }
    };
    let (cur_list, new_list) = (list(&current), list(&new));
    let domain = name.shown();
    let leaves_or_joins =
        now != after && (now == "livedns" || after == "livedns" || after == "mixed");
    let zone = if leaves_or_joins {
        livedns_zone(cx, &name)?
    } else {
        None
    };
    let mut no_longer = None;
    let mut served_after = None;
    match (now.as_str(), after.as_str()) {
        ("livedns", "livedns") => {}
        (_, "mixed") => {
            cx.warn(format!(
                "some of {new_list} are LiveDNS nameservers and some are not: resolvers would get answers from two different zones, at random (the LiveDNS one is records_served_after). Use only LiveDNS nameservers, or none"
            ));
            served_after = zone.clone();
        }
        ("livedns", _) => match &zone {
            Some(rrsets) => {
                cx.warn(format!(
                    "the zone served changes: once the registry has {new_list}, the LiveDNS zone's {} rrset(s) (records_no_longer_served) are no longer served; every record {new_list} do not hold stops resolving{}. Check that they serve the same records before saying yes",
                    rrsets.len(),
                    what_breaks(rrsets)
                ));
                no_longer = Some(rrsets.clone());
            }
            None => cx.warn(format!(
                "the zone served changes from LiveDNS to the one at {new_list}; LiveDNS holds no zone for {domain}, so there is nothing of it to compare"
            )),
        },
        (_, "livedns") => match &zone {
            Some(rrsets) => {
                cx.warn(format!(
                    "the zone served changes: from the one at {cur_list} to the LiveDNS zone (records_served_after, {} rrset(s)); every record the current zone holds that the LiveDNS zone lacks stops resolving. Gandi cannot read the zone at {cur_list}: compare it with records_served_after (MX for mail, A/AAAA/CNAME for the web) before saying yes",
                    rrsets.len()
                ));
                served_after = Some(rrsets.clone());
            }
            None if enabling => cx.warn(format!(
                "LiveDNS has no zone for {domain} yet: Gandi creates one (its documentation says it copies the records of Gandi's classic DNS); every record the zone at {cur_list} holds that is not copied stops resolving. Afterwards, compare with dns.records.list and add what is missing (dns.zone.import takes a zone file)"
            )),
            None => cx.warn(format!(
                "LiveDNS has no zone for {domain}: with these nameservers it would not resolve at all. To move the domain to LiveDNS, use domains.livedns.enable, which creates its zone"
            )),
        },
        _ => cx.warn(format!(
            "the zone served changes from the one at {cur_list} to the one at {new_list}; Gandi can read neither, so the records the current zone holds that the new one lacks cannot be listed: check that {new_list} serve every record (MX for mail, A/AAAA/CNAME for the web) before saying yes"
        )),
    }
    if new.len() == 1 {
        cx.warn(
            "only one nameserver: most registries require at least two, and one is a single point of failure",
        );
    }
    // A nameserver inside the domain itself needs its addresses at the
    // registry (glue), or nobody can find it.
    let inside: Vec<&String> = new
        .iter()
        .filter(|h| **h == name.domain || h.ends_with(&format!(".{}", name.domain)))
        .collect();
    let glue = if inside.is_empty() {
        None
    } else {
        let hosts = cx
            .list::<GlueHost>(&name.path("/hosts"), &[], Paging::All)?
            .items;
        for h in inside {
            let has = hosts.iter().any(|g| {
                g.fqdn.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(h))
                    || glue_fqdn(&g.name, &name.domain) == *h
            });
            if !has {
                cx.warn(format!(
                    "{h} is inside {domain} but has no glue record: the registry needs its addresses (domains.glue.set) or resolvers cannot reach it"
                ));
            }
        }
        Some(hosts)
    };
    let (keys, _, _) = ds_keys(cx, &name, Paging::All)?;
    // Any move but one between LiveDNS nameservers changes who signs the zone.
    let stays_on_livedns = now == "livedns" && after == "livedns";
    if !keys.is_empty() && !stays_on_livedns {
        cx.warn(format!(
            "DNSSEC: the registry publishes {} DS record(s) for {domain} ({}); unless the new nameservers sign the zone with that key, validating resolvers will refuse every answer and the domain stops resolving for their users. Remove them first (domains.dnssec.disable when LiveDNS signs the zone), wait a day for their TTL, then change the nameservers",
            keys.len(),
            keytags(&keys)
        ));
    }
    Ok(Effects {
        livedns_nameservers: status.nameservers.clone(),
        zone,
        glue,
        preview: NameserversPreview {
            name,
            current,
            new,
            served_by_now: now,
            served_by_after: after,
            records_no_longer_served: no_longer,
            records_served_after: served_after,
            ds_keys: keys,
        },
    })
}

/// `ns1` of `example.com` is `ns1.example.com`; `@` is the domain itself.
pub(crate) fn glue_fqdn(name: &str, domain: &str) -> String {
    if name == "@" || name.is_empty() {
        domain.to_string()
    } else if name == domain || name.ends_with(&format!(".{domain}")) {
        name.to_ascii_lowercase()
    } else {
        format!("{}.{domain}", name.to_ascii_lowercase())
    }
}

/// What a user notices first when records stop resolving.
fn what_breaks(rrsets: &[Rrset]) -> String {
    let mut parts = Vec::new();
    if rrsets.iter().any(|r| r.rtype == "MX") {
        parts.push("mail (MX)");
    }
    if rrsets
        .iter()
        .any(|r| matches!(r.rtype.as_str(), "A" | "AAAA" | "CNAME" | "ALIAS"))
    {
        parts.push("websites (A/AAAA/CNAME)");
    }
    if rrsets.iter().any(|r| r.rtype == "TXT") {
        parts.push("TXT (SPF, DKIM, site verifications)");
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(", including {}", parts.join(", "))
    }
}

/// The plan's digest over everything the preview read.
fn digest(e: &Effects) -> StateDigest {
    let p = &e.preview;
    let zone = e.zone.as_ref().map(|z| {
        let mut v: Vec<&Rrset> = z.iter().collect();
        v.sort_by(|a, b| (&a.name, &a.rtype).cmp(&(&b.name, &b.rtype)));
        v
    });
    StateDigest::of(&Depends {
        current: &p.current,
        served_by: &p.served_by_now,
        livedns_nameservers: &e.livedns_nameservers,
        zone,
        ds_keys: p
            .ds_keys
            .iter()
            .map(|k| (k.keytag, k.digest.as_deref()))
            .collect(),
        glue: e.glue.as_ref().map(|g| {
            g.iter()
                .map(|h| (h.name.as_str(), h.ips.as_slice()))
                .collect()
        }),
    })
}

/// The plan of a move from `current` to `new` nameservers (`enabling`:
/// the move to LiveDNS): its effects previewed, bound to all they read.
fn planned<A>(
    cx: &mut Reads,
    name: DomainName,
    status: &LiveDnsStatus,
    current: Vec<String>,
    new: Vec<String>,
    enabling: bool,
    message: String,
) -> SkillResult<Step<A>>
where
    A: Action<Preview = NameserversPreview, Pending = NameserversChange>,
{
    let e = effects(
        cx,
        name.clone(),
        status,
        current.clone(),
        new.clone(),
        enabling,
    )?;
    let state = digest(&e);
    let domain = name.domain.clone();
    let change = NameserversChange {
        name,
        before: current,
        new,
    };
    Ok(Step::Change(
        Planned::new(message, e.preview, state, change).touching(&domain),
    ))
}

impl NameserversChange {
    /// What the change did, once Gandi accepted it.
    fn done(self, answer: &Answer) -> NameserversChanged {
        NameserversChanged {
            name: self.name,
            changed: true,
            before: self.before,
            nameservers: self.new,
            message: message_of(answer),
        }
    }
}

fn unchanged(name: DomainName, current: Vec<String>) -> NameserversChanged {
    NameserversChanged {
        name,
        changed: false,
        nameservers: current.clone(),
        before: current,
        message: None,
    }
}

pub struct Set;

impl Action for Set {
    const NAME: &'static str = "domains.nameservers.set";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        NAMESERVERS_ROUTE,
        LIVEDNS_ROUTE,
        ZONE_ROUTE,
        HOSTS_ROUTE,
        DNSKEYS_ROUTE,
        Route::write(
            "PUT",
            "/v5/domain/domains/{domain}/nameservers",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Points a domain at other nameservers. Previews the current and new ones and which zone stops or starts being served.";
    const EXAMPLE: &'static str = r#"{"action":"domains.nameservers.set","domain":"example.com","nameservers":["ns1.example-dns.net","ns2.example-dns.net"]}"#;
    type Params = NameserversSetParams;
    type Output = NameserversChanged;
    type Preview = NameserversPreview;
    type Pending = NameserversChange;

    fn plan(cx: &mut Reads, p: NameserversSetParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let new = host_names("nameservers", &p.nameservers)?;
        let current: Vec<String> = cx.get(&name.path("/nameservers"), &[])?;
        if same_hosts(&current, &new) {
            cx.warn(format!(
                "{} already uses exactly these nameservers: nothing was sent",
                name.shown()
            ));
            return Ok(Step::Done(unchanged(name, current)));
        }
        let status = dns_status(cx, &name)?;
        let message = format!(
            "This points {} at {} (now {}).",
            name.shown(),
            new.join(", "),
            current.join(", ")
        );
        planned(cx, name, &status, current, new, false, message)
    }

    fn apply(cx: &mut Writes, c: NameserversChange) -> SkillResult<NameserversChanged> {
        let body = json!({ "nameservers": c.new });
        let answer = cx.send(
            Method::PUT,
            &c.name.path("/nameservers"),
            Body::Json(&body),
            &[],
        )?;
        Ok(c.done(&answer))
    }
}

pub struct EnableLiveDns;

impl Action for EnableLiveDns {
    const NAME: &'static str = "domains.livedns.enable";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        LIVEDNS_ROUTE,
        NAMESERVERS_ROUTE,
        ZONE_ROUTE,
        HOSTS_ROUTE,
        DNSKEYS_ROUTE,
        Route::write(
            "POST",
            "/v5/domain/domains/{domain}/livedns",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Moves a domain's DNS to LiveDNS (its nameservers become Gandi's), so dns.* actions manage it. Previews the zone that will be served.";
    const EXAMPLE: &'static str = r#"{"action":"domains.livedns.enable","domain":"example.net"}"#;
    type Params = DomainParams;
    type Output = NameserversChanged;
    type Preview = NameserversPreview;
    type Pending = NameserversChange;

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let status = dns_status(cx, &name)?;
        let current: Vec<String> = cx.get(&name.path("/nameservers"), &[])?;
        if status.current.as_deref() == Some("livedns") {
            cx.warn(format!(
                "{} already uses LiveDNS: nothing was sent",
                name.shown()
            ));
            return Ok(Step::Done(unchanged(name, current)));
        }
        let new = status.nameservers.clone();
        let message = format!(
            "This moves {} to LiveDNS: its nameservers become {} (now {}), and the LiveDNS zone is served instead of the current one.",
            name.shown(),
            if new.is_empty() { "Gandi's LiveDNS nameservers".to_string() } else { new.join(", ") },
            current.join(", ")
        );
        planned(cx, name, &status, current, new, true, message)
    }

    fn apply(cx: &mut Writes, c: NameserversChange) -> SkillResult<NameserversChanged> {
        let answer = cx.send(Method::POST, &c.name.path("/livedns"), Body::None, &[])?;
        Ok(c.done(&answer))
    }
}
