//! Domain API handlers: the domain list (boolean `autorenew`, filters, sort), domain details (object `autorenew`), nameservers, LiveDNS status and autorenew changes.

use serde_json::{json, Value};

use crate::fake::http::{glob_match, not_found, paginate_with, validation_error, Req, Response};
use crate::fake::state::{iso8601, now_secs, Contact, Domain, State, DAY, LIVEDNS_NS};

type Reply = Result<Response, Response>;

const DEFAULT_PER_PAGE: usize = 100;

pub fn domain_href(base: &str, fqdn: &str) -> String {
    format!("{base}/v5/domain/domains/{fqdn}")
}

/// List item, key order and keys as in the reference's example (which has
/// no `sharing_id`: `orga_owner` is a name, not an id). A struct rather than
/// a `json!` map, so a page of a 10,000-domain account is written without
/// building a map per domain.
#[derive(serde::Serialize)]
struct ListItem<'a> {
    fqdn: &'a str,
    fqdn_unicode: &'a str,
    id: &'a str,
    href: String,
    tld: &'a str,
    status: &'a [String],
    dates: ListDates,
    autorenew: bool,
    nameserver: ListNameserver<'a>,
    owner: &'a str,
    orga_owner: &'a str,
    domain_owner: &'a str,
    tags: &'a [String],
}

#[derive(serde::Serialize)]
struct ListDates {
    created_at: String,
    registry_created_at: String,
    registry_ends_at: String,
    updated_at: String,
}

#[derive(serde::Serialize)]
struct ListNameserver<'a> {
    current: &'a str,
}

fn list_item<'a>(base: &str, d: &'a Domain) -> ListItem<'a> {
    ListItem {
        fqdn: &d.fqdn,
        fqdn_unicode: &d.fqdn_unicode,
        id: &d.id,
        href: domain_href(base, &d.fqdn),
        tld: &d.tld,
        status: &d.status,
        dates: ListDates {
            created_at: iso8601(d.created_at),
            registry_created_at: iso8601(d.registry_created_at),
            registry_ends_at: iso8601(d.registry_ends_at),
            updated_at: iso8601(d.updated_at),
        },
        autorenew: d.autorenew,
        nameserver: ListNameserver {
            current: &d.nameserver,
        },
        owner: &d.owner,
        orga_owner: &d.orga_owner,
        domain_owner: &d.domain_owner,
        tags: &d.tags,
    }
}

fn contact_json(c: &Contact, same_as_owner: Option<bool>) -> Value {
    let mut v = json!({
        "type": c.contact_type,
        "given": c.given,
        "family": c.family,
        "email": c.email,
        "streetaddr": c.streetaddr,
        "city": c.city,
        "zip": c.zip,
        "country": c.country,
        "phone": c.phone,
        "data_obfuscated": true,
        "mail_obfuscated": true,
    });
    if let (Value::Object(map), Some(org)) = (&mut v, &c.orgname) {
        map.insert("orgname".into(), json!(org));
    }
    if let (Value::Object(map), Some(same)) = (&mut v, same_as_owner) {
        map.insert("same_as_owner".into(), json!(same));
    }
    v
}

fn detail(state: &State, base: &str, d: &Domain) -> Value {
    let href = domain_href(base, &d.fqdn);
    let ends = d.registry_ends_at;
    let org = state.org(&d.sharing_id);
    json!({
        "fqdn": d.fqdn,
        "fqdn_unicode": d.fqdn_unicode,
        "id": d.id,
        "href": href,
        "tld": d.tld,
        "status": d.status,
        "dates": {
            "created_at": iso8601(d.created_at),
            "registry_created_at": iso8601(d.registry_created_at),
            "registry_ends_at": iso8601(ends),
            "updated_at": iso8601(d.updated_at),
            "authinfo_expires_at": iso8601(d.created_at + 365 * DAY),
            "deletes_at": iso8601(ends + 45 * DAY),
            "hold_begins_at": iso8601(ends),
            "hold_ends_at": iso8601(ends + 30 * DAY),
            "pending_delete_ends_at": iso8601(ends + 75 * DAY),
            "renew_begins_at": iso8601(ends - 365 * DAY),
            "restore_ends_at": iso8601(ends + 60 * DAY),
        },
        "autorenew": {
            "href": format!("{href}/autorenew"),
            "dates": if d.autorenew { vec![iso8601(ends - 30 * DAY)] } else { Vec::new() },
            "duration": d.autorenew_duration,
            "enabled": d.autorenew,
            "org_id": d.sharing_id,
        },
        "can_tld_lock": true,
        "contacts": {
            "owner": contact_json(&d.contact, None),
            "admin": contact_json(&d.contact, Some(true)),
            "bill": contact_json(&d.contact, Some(true)),
            "tech": contact_json(&d.contact, Some(true)),
        },
        "nameservers": d.nameservers,
        "services": d.services,
        "sharing_space": {
            "type": if org.is_some_and(|o| o.org_type != "individual") { "organization" } else { "user" },
            "id": d.sharing_id,
            "name": org.map(|o| o.name.clone()).unwrap_or_default(),
        },
        "tags": d.tags,
        "trustee_roles": [],
    })
}

fn find<'a>(state: &'a State, fqdn: &str) -> Result<&'a Domain, Response> {
    state
        .domains
        .get(&fqdn.trim_end_matches('.').to_ascii_lowercase())
        .ok_or_else(not_found)
}

pub fn list(req: &Req, state: &State, base: &str) -> Reply {
    let fqdn = req.query_value("fqdn");
    let tld = req.query_value("tld").map(|t| t.trim_start_matches('.'));
    let ns = req.query_value("nameserver");
    if let Some(n) = ns {
        if !matches!(n, "livedns" | "abc" | "other") {
            return Err(validation_error(
                "querystring",
                "nameserver",
                &format!("'{n}' is not one of abc, livedns, other"),
            ));
        }
    }
    let sharing = req.query_value("sharing_id");
    let sort_by = req.query_value("sort_by").unwrap_or("fqdn");
    let (desc, field) = match sort_by.strip_prefix('-') {
        Some(f) => (true, f),
        None => (false, sort_by),
    };
    let total = state.domains.len();
    // The whole account by name (the usual walk): the map is keyed by fqdn,
    // so its order is the answer's and nothing is collected or sorted.
    if field == "fqdn" && fqdn.is_none() && tld.is_none() && ns.is_none() && sharing.is_none() {
        let all = state.domains.values();
        let render = |d| list_item(base, d);
        let page = if desc {
            paginate_with(req, base, all.rev(), total, total, DEFAULT_PER_PAGE, render)?
        } else {
            paginate_with(req, base, all, total, total, DEFAULT_PER_PAGE, render)?
        };
        return Ok(page.into_response());
    }
    let mut matching: Vec<&Domain> = state
        .domains
        .values()
        // Gandi's patterns apply to the ASCII fqdn.
        .filter(|d| fqdn.is_none_or(|p| glob_match(p, &d.fqdn)))
        .filter(|d| tld.is_none_or(|t| d.tld.eq_ignore_ascii_case(t)))
        .filter(|d| ns.is_none_or(|n| d.nameserver == n))
        .filter(|d| sharing.is_none_or(|s| d.sharing_id == s))
        .collect();
    match field {
        // The map is keyed by fqdn: already in that order.
        "fqdn" => {}
        "tld" => matching.sort_by(|a, b| a.tld.cmp(&b.tld).then(a.fqdn.cmp(&b.fqdn))),
        "created_at" | "dates.created_at" => {
            matching.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.fqdn.cmp(&b.fqdn)))
        }
        "registry_ends_at" | "dates.registry_ends_at" => matching.sort_by(|a, b| {
            a.registry_ends_at
                .cmp(&b.registry_ends_at)
                .then(a.fqdn.cmp(&b.fqdn))
        }),
        _ => {
            return Err(validation_error(
                "querystring",
                "sort_by",
                &format!("'{sort_by}' is not a valid sort field"),
            ))
        }
    }
    if desc {
        matching.reverse();
    }
    let filtered = matching.len();
    let page = paginate_with(
        req,
        base,
        matching.into_iter(),
        filtered,
        total,
        DEFAULT_PER_PAGE,
        |d| list_item(base, d),
    )?;
    Ok(page.into_response())
}

pub fn get(state: &State, base: &str, fqdn: &str) -> Reply {
    let d = find(state, fqdn)?;
    Ok(Response::json(200, &detail(state, base, d)))
}

pub fn get_nameservers(state: &State, fqdn: &str) -> Reply {
    let d = find(state, fqdn)?;
    Ok(Response::json(200, &json!(d.nameservers)))
}

pub fn get_livedns(state: &State, fqdn: &str) -> Reply {
    let d = find(state, fqdn)?;
    let nameservers: Vec<String> = if d.nameserver == "livedns" {
        d.nameservers.clone()
    } else {
        LIVEDNS_NS.iter().map(|s| s.to_string()).collect()
    };
    Ok(Response::json(
        200,
        &json!({
            "current": if d.nameserver == "abc" { "classic" } else { d.nameserver.as_str() },
            "nameservers": nameservers,
            "dnssec_available": true,
            "livednssec_available": true,
        }),
    ))
}

/// `{"nameservers": [...]}`; answers 202 (the registry update is asynchronous).
pub fn put_nameservers(req: &Req, state: &mut State, fqdn: &str) -> Reply {
    let key = find(state, fqdn)?.fqdn.clone();
    let obj = req.json_object()?;
    let list = match obj.get("nameservers") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) => {
            return Err(validation_error(
                "body",
                "nameservers",
                "Shorter than minimum length 1",
            ))
        }
        None => return Err(validation_error("body", "nameservers", "Required")),
        Some(other) => {
            return Err(validation_error(
                "body",
                "nameservers",
                &format!("{other} is not a list"),
            ))
        }
    };
    let mut names = Vec::new();
    for v in list {
        match v.as_str() {
            Some(s) if is_hostname(s) => names.push(s.trim_end_matches('.').to_ascii_lowercase()),
            _ => {
                return Err(validation_error(
                    "body",
                    "nameservers",
                    &format!("{v} is not a valid host name"),
                ))
            }
        }
    }
    let livedns = names.iter().all(|n| LIVEDNS_NS.contains(&n.as_str()));
    if let Some(d) = state.domains.get_mut(&key) {
        d.nameservers = names;
        d.nameserver = if livedns { "livedns" } else { "other" }.to_string();
        d.updated_at = now_secs();
    }
    Ok(Response::message(202, "Nameservers update in progress"))
}

fn is_hostname(s: &str) -> bool {
    let s = s.trim_end_matches('.');
    !s.is_empty()
        && s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// `{"enabled": bool, "duration"?: 1..9, "org_id"?: id}`.
pub fn patch_autorenew(req: &Req, state: &mut State, fqdn: &str) -> Reply {
    let key = find(state, fqdn)?.fqdn.clone();
    let obj = req.json_object()?;
    let enabled = match obj.get("enabled") {
        Some(Value::Bool(b)) => *b,
        None => return Err(validation_error("body", "enabled", "Required")),
        Some(other) => {
            return Err(validation_error(
                "body",
                "enabled",
                &format!("{other} is not a boolean"),
            ))
        }
    };
    let duration = match obj.get("duration") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n @ 1..=9) => Some(n as u32),
            _ => {
                return Err(validation_error(
                    "body",
                    "duration",
                    &format!("{v} is not between 1 and 9"),
                ))
            }
        },
    };
    // `org_id` (the organization billed) is validated but not stored.
    match obj.get("org_id") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if state.org(s).is_some() => {}
        Some(other) => {
            return Err(validation_error(
                "body",
                "org_id",
                &format!("{other} is not a known organization"),
            ))
        }
    }
    if let Some(d) = state.domains.get_mut(&key) {
        d.autorenew = enabled;
        if let Some(n) = duration {
            d.autorenew_duration = n;
        }
        d.updated_at = now_secs();
    }
    Ok(Response::message(
        200,
        if enabled {
            "Autorenew enabled"
        } else {
            "Autorenew disabled"
        },
    ))
}

use crate::fake::auth::{SCOPE_DOMAIN_READ, SCOPE_DOMAIN_WRITE};
use crate::fake::router::{fqdn, Access, Route};

/// The Domain API routes.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/v5/domain/domains",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, base, _| list(req, state, base),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |_, state, base, a| get(state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/nameservers",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |_, state, _, a| get_nameservers(state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PUT",
        pattern: "/v5/domain/domains/{domain}/nameservers",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| put_nameservers(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/livedns",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |_, state, _, a| get_livedns(state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PATCH",
        pattern: "/v5/domain/domains/{domain}/autorenew",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| patch_autorenew(req, state, &fqdn(&a[0])),
        perturb: None,
    },
];
