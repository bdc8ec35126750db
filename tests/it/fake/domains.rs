//! Domain API handlers: the domain list (boolean `autorenew`, filters, sort), domain details (object `autorenew`), nameservers, LiveDNS status and the move to LiveDNS, autorenew, contacts, the transfer lock, glue hosts, DNSSEC (LiveDNS signing and the registry's keys), tags and web redirections; a domain of another organization is found only with its `sharing_id`.

use std::net::IpAddr;

use serde_json::{json, Map, Value};

use crate::fake::http::{
    error_body, glob_match, not_found, paginate, paginate_with, percent_encode, validation_error,
    Req, Response,
};
use crate::fake::state::{
    iso8601, now_secs, Contact, DnsKey, Domain, GlueHost, Rrset, State, WebRedir, Zone, DAY,
    LIVEDNS_NS,
};

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

/// The domain a request names, as Gandi finds it: one of the account's, or
/// another organization's when the request carries that organization's
/// `sharing_id` (without it Gandi answers 404).
fn find<'a>(req: &Req, state: &'a State, fqdn: &str) -> Result<&'a Domain, Response> {
    let key = fqdn.trim_end_matches('.').to_ascii_lowercase();
    if let Some(d) = state.domains.get(&key) {
        return Ok(d);
    }
    match (
        state.org_only_domains.get(&key),
        req.query_value("sharing_id"),
    ) {
        (Some(d), Some(s)) if d.sharing_id == s => Ok(d),
        _ => Err(not_found()),
    }
}

/// `find`, for a change.
fn find_mut<'a>(req: &Req, state: &'a mut State, fqdn: &str) -> Result<&'a mut Domain, Response> {
    let key = find(req, state, fqdn)?.fqdn.clone();
    match state.domains.get_mut(&key) {
        Some(d) => Ok(d),
        None => state.org_only_domains.get_mut(&key).ok_or_else(not_found),
    }
}

/// Any domain by name, wherever it is held (for perturbations).
fn any_mut<'a>(state: &'a mut State, fqdn: &str) -> Option<&'a mut Domain> {
    let key = fqdn.trim_end_matches('.').to_ascii_lowercase();
    if state.domains.contains_key(&key) {
        state.domains.get_mut(&key)
    } else {
        state.org_only_domains.get_mut(&key)
    }
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

pub fn get(req: &Req, state: &State, base: &str, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    Ok(Response::json(200, &detail(state, base, d)))
}

pub fn get_nameservers(req: &Req, state: &State, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    Ok(Response::json(200, &json!(d.nameservers)))
}

pub fn get_livedns(req: &Req, state: &State, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
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
    find(req, state, fqdn)?;
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
    let d = find_mut(req, state, fqdn)?;
    d.nameservers = names;
    d.nameserver = if livedns { "livedns" } else { "other" }.to_string();
    d.updated_at = now_secs();
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
    find(req, state, fqdn)?;
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
    let d = find_mut(req, state, fqdn)?;
    d.autorenew = enabled;
    if let Some(n) = duration {
        d.autorenew_duration = n;
    }
    d.updated_at = now_secs();
    Ok(Response::message(
        200,
        if enabled {
            "Autorenew enabled"
        } else {
            "Autorenew disabled"
        },
    ))
}

// ---------------------------------------------------------------------------
// Settings: the move to LiveDNS, contacts, the transfer lock, glue hosts,
// DNSSEC, tags, web redirections. Where the reference marks a status "?",
// the likeliest is picked and said so: 202 for what the registry applies
// later (nameservers, lock, glue, LiveDNS moves), 200 for what Gandi applies
// itself (tags, redirection changes), 201 + Location for a creation.

const LOCK_FLAG: &str = "clientTransferProhibited";
/// Gandi's web redirection service, where a redirected host's DNS points.
const WEBREDIR_TARGET: &str = "webredir.vip.gandi.net.";
/// Web redirections come 50 to a page when unpaged (KUD).
const WEBREDIRS_PER_PAGE: usize = 50;

fn required_bool(obj: &Map<String, Value>, name: &str) -> Result<bool, Response> {
    match obj.get(name) {
        Some(Value::Bool(b)) => Ok(*b),
        None => Err(validation_error("body", name, "Required")),
        Some(other) => Err(validation_error(
            "body",
            name,
            &format!("{other} is not a boolean"),
        )),
    }
}

fn required_str<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str, Response> {
    match obj.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        None => Err(validation_error("body", name, "Required")),
        Some(other) => Err(validation_error(
            "body",
            name,
            &format!("{other} is not a non-empty string"),
        )),
    }
}

/// `POST .../livedns`: the domain moves to LiveDNS nameservers. A zone is
/// made when LiveDNS has none (the reference says Gandi copies the classic
/// records; the fake has no classic records, so it writes Gandi's default
/// zone). 202 [?]: the registry takes the nameservers later.
pub fn post_livedns(req: &Req, state: &mut State, fqdn: &str) -> Reply {
    let d = find_mut(req, state, fqdn)?;
    if d.nameserver == "livedns" {
        return Err(error_body(
            409,
            "The domain already uses LiveDNS",
            "HTTPConflict",
            "Conflict",
        ));
    }
    d.nameserver = "livedns".to_string();
    d.nameservers = LIVEDNS_NS.iter().map(|s| s.to_string()).collect();
    if !d.services.iter().any(|s| s == "gandilivedns") {
        d.services.push("gandilivedns".to_string());
    }
    d.updated_at = now_secs();
    let key = d.fqdn.clone();
    state.zones.entry(key.clone()).or_insert_with(|| {
        Zone::new(
            &key,
            vec![
                Rrset::new("@", "A", 10800, &["217.70.184.38"]),
                Rrset::new(
                    "@",
                    "MX",
                    10800,
                    &["10 spool.mail.gandi.net.", "50 fb.mail.gandi.net."],
                ),
                Rrset::new(
                    "@",
                    "TXT",
                    10800,
                    &["\"v=spf1 include:_mailcust.gandi.net ?all\""],
                ),
                Rrset::new("www", "CNAME", 10800, &[WEBREDIR_TARGET]),
            ],
        )
    });
    Ok(Response::message(
        202,
        "The domain is being moved to LiveDNS",
    ))
}

/// `GET .../contacts`: the four roles (`bill`, not `billing`).
pub fn get_contacts(req: &Req, state: &State, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    Ok(Response::json(
        200,
        &json!({
            "owner": contact_json(&d.contact, None),
            "admin": contact_json(&d.contact, Some(true)),
            "bill": contact_json(&d.contact, Some(true)),
            "tech": contact_json(&d.contact, Some(true)),
        }),
    ))
}

/// `PATCH .../status` `{"clientTransferProhibited": bool}`: the transfer
/// lock. 202 [?] (an EPP update at the registry).
pub fn patch_status(req: &Req, state: &mut State, fqdn: &str) -> Reply {
    find(req, state, fqdn)?;
    let obj = req.json_object()?;
    let lock = required_bool(&obj, LOCK_FLAG)?;
    let d = find_mut(req, state, fqdn)?;
    d.status.retain(|s| s != LOCK_FLAG);
    if lock {
        d.status.push(LOCK_FLAG.to_string());
    }
    d.updated_at = now_secs();
    Ok(Response::message(202, "The domain status is being updated"))
}

fn host_fqdn(name: &str, domain: &str) -> String {
    if name == "@" {
        domain.to_string()
    } else {
        format!("{name}.{domain}")
    }
}

fn host_json(base: &str, d: &Domain, h: &GlueHost) -> Value {
    let fqdn = host_fqdn(&h.name, &d.fqdn);
    let fqdn_unicode = host_fqdn(&h.name, &d.fqdn_unicode);
    json!({
        "name": h.name,
        "ips": h.ips,
        "fqdn": fqdn,
        "fqdn_unicode": fqdn_unicode,
        "href": format!("{}/hosts/{}", domain_href(base, &d.fqdn), percent_encode(&h.name)),
    })
}

pub fn list_hosts(req: &Req, state: &State, base: &str, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    let items: Vec<Value> = d.hosts.iter().map(|h| host_json(base, d, h)).collect();
    let total = items.len();
    Ok(paginate(req, base, items, total, DEFAULT_PER_PAGE)?.into_response())
}

/// A host label: `@`, or letters, digits and hyphens.
fn host_label(raw: &str) -> Result<String, Response> {
    let name = raw.to_ascii_lowercase();
    let ok = name == "@"
        || name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(name)
    } else {
        Err(validation_error(
            "body",
            "name",
            &format!("'{raw}' is not a valid host name"),
        ))
    }
}

fn ips_of(obj: &Map<String, Value>) -> Result<Vec<String>, Response> {
    let list = match obj.get("ips") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) => {
            return Err(validation_error(
                "body",
                "ips",
                "Shorter than minimum length 1",
            ))
        }
        None => return Err(validation_error("body", "ips", "Required")),
        Some(other) => {
            return Err(validation_error(
                "body",
                "ips",
                &format!("{other} is not a list"),
            ))
        }
    };
    list.iter()
        .map(|v| match v.as_str().map(|s| s.parse::<IpAddr>()) {
            Some(Ok(ip)) => Ok(ip.to_string()),
            _ => Err(validation_error(
                "body",
                "ips",
                &format!("{v}: must be an IP address"),
            )),
        })
        .collect()
}

/// `POST .../hosts` `{name, ips}`: 202 [?] + `Location`; an existing name is 409.
pub fn post_host(req: &Req, state: &mut State, base: &str, fqdn: &str) -> Reply {
    find(req, state, fqdn)?;
    let obj = req.json_object()?;
    let name = host_label(required_str(&obj, "name")?)?;
    let ips = ips_of(&obj)?;
    let d = find_mut(req, state, fqdn)?;
    if d.hosts.iter().any(|h| h.name == name) {
        return Err(error_body(
            409,
            "A host with this name already exists",
            "HTTPConflict",
            "Conflict",
        ));
    }
    let host = GlueHost { name, ips };
    let location = format!(
        "{}/hosts/{}",
        domain_href(base, &d.fqdn),
        percent_encode(&host.name)
    );
    d.hosts.push(host);
    Ok(Response::message(202, "The host is being created").with_header("location", &location))
}

/// `PUT .../hosts/{name}` `{ips}`: 202 [?].
pub fn put_host(req: &Req, state: &mut State, fqdn: &str, name: &str) -> Reply {
    find(req, state, fqdn)?;
    let obj = req.json_object()?;
    let ips = ips_of(&obj)?;
    let name = name.to_ascii_lowercase();
    let d = find_mut(req, state, fqdn)?;
    let host = d
        .hosts
        .iter_mut()
        .find(|h| h.name == name)
        .ok_or_else(not_found)?;
    host.ips = ips;
    Ok(Response::message(202, "The host is being updated"))
}

/// `DELETE .../hosts/{name}`: 202 [?]; the registry refuses (409) while the
/// domain uses the host as a nameserver.
pub fn delete_host(req: &Req, state: &mut State, fqdn: &str, name: &str) -> Reply {
    let name = name.to_ascii_lowercase();
    let d = find_mut(req, state, fqdn)?;
    if !d.hosts.iter().any(|h| h.name == name) {
        return Err(not_found());
    }
    let full = host_fqdn(&name, &d.fqdn);
    if d.nameservers.contains(&full) {
        return Err(error_body(
            409,
            "The host is used as a nameserver",
            "HTTPConflict",
            "Conflict",
        ));
    }
    d.hosts.retain(|h| h.name != name);
    Ok(Response::message(202, "The host is being deleted"))
}

/// `GET .../livedns/dnssec`. A domain LiveDNS does not serve was never
/// signed by it: `inactive` [?].
pub fn get_livednssec(req: &Req, state: &State, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    let mut body = json!({ "state": d.livednssec });
    if d.livednssec.ends_with("_error") {
        body["error"] = json!("The registry refused the DNSSEC keys");
    }
    Ok(Response::json(200, &body))
}

/// `POST .../livedns/dnssec`: `{state: "activating"}`, 202 [?]. Not
/// started (the domain is not on LiveDNS, or already signed): the other
/// body the reference shows, `{state, cause, error}`, with 409 [?].
pub fn post_livednssec(req: &Req, state: &mut State, fqdn: &str) -> Reply {
    let d = find_mut(req, state, fqdn)?;
    let refusal = if d.nameserver != "livedns" {
        Some("The domain does not use LiveDNS nameservers")
    } else if matches!(d.livednssec.as_str(), "active" | "activating") {
        Some("DNSSEC is already active")
    } else {
        None
    };
    if let Some(why) = refusal {
        let body = json!({"state": d.livednssec, "cause": "Conflict", "error": why});
        return Err(Response::new(
            409,
            crate::fake::http::CT_ERROR,
            body.to_string().into_bytes(),
        ));
    }
    d.livednssec = "activating".to_string();
    Ok(Response::json(202, &json!({"state": "activating"})))
}

/// `DELETE .../livedns/dnssec`: `{state: "deactivating"}`, 202 [?]; not
/// signed: 409 [?] with `{state, cause, error}`. The registry's keys are
/// left as they are (their removal is Gandi's later step, not observable).
pub fn delete_livednssec(req: &Req, state: &mut State, fqdn: &str) -> Reply {
    let d = find_mut(req, state, fqdn)?;
    if matches!(d.livednssec.as_str(), "inactive" | "deactivating") {
        let body =
            json!({"state": d.livednssec, "cause": "Conflict", "error": "DNSSEC is not active"});
        return Err(Response::new(
            409,
            crate::fake::http::CT_ERROR,
            body.to_string().into_bytes(),
        ));
    }
    d.livednssec = "deactivating".to_string();
    Ok(Response::json(202, &json!({"state": "deactivating"})))
}

fn dnskey_json(base: &str, d: &Domain, k: &DnsKey) -> Value {
    json!({
        "id": k.id,
        "algorithm": k.algorithm,
        "digest": k.digest,
        "digest_type": k.digest_type,
        "keytag": k.keytag,
        "type": k.key_type,
        "href": format!("{}/dnskeys/{}", domain_href(base, &d.fqdn), k.id),
        "public_key": k.public_key,
    })
}

pub fn list_dnskeys(req: &Req, state: &State, base: &str, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    let items: Vec<Value> = d.dnskeys.iter().map(|k| dnskey_json(base, d, k)).collect();
    let total = items.len();
    Ok(paginate(req, base, items, total, DEFAULT_PER_PAGE)?.into_response())
}

/// `GET .../tags`: an array of strings. The reference lists no paging
/// parameters; the fake pages it like every Gandi collection.
pub fn list_tags(req: &Req, state: &State, base: &str, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    let items: Vec<Value> = d.tags.iter().map(|t| json!(t)).collect();
    let total = items.len();
    Ok(paginate(req, base, items, total, DEFAULT_PER_PAGE)?.into_response())
}

/// `PUT .../tags` `{tags: [...]}` replaces them all: 200 [?].
pub fn put_tags(req: &Req, state: &mut State, fqdn: &str) -> Reply {
    find(req, state, fqdn)?;
    let obj = req.json_object()?;
    let tags = match obj.get("tags") {
        Some(Value::Array(a)) => a,
        None => return Err(validation_error("body", "tags", "Required")),
        Some(other) => {
            return Err(validation_error(
                "body",
                "tags",
                &format!("{other} is not a list"),
            ))
        }
    };
    let mut out = Vec::new();
    for t in tags {
        match t.as_str() {
            Some(s) if !s.is_empty() => out.push(s.to_string()),
            _ => {
                return Err(validation_error(
                    "body",
                    "tags",
                    &format!("{t} is not a non-empty string"),
                ))
            }
        }
    }
    let d = find_mut(req, state, fqdn)?;
    d.tags = out;
    d.updated_at = now_secs();
    Ok(Response::message(200, "The tags were updated"))
}

fn webredir_json(w: &WebRedir) -> Value {
    let mut v = json!({
        "host": w.host,
        "type": w.rtype,
        "url": w.url,
        "protocol": w.protocol,
        "created_at": iso8601(w.created_at),
        "updated_at": iso8601(w.updated_at),
    });
    if w.protocol != "http" {
        v["cert_status"] = json!("valid");
    }
    v
}

pub fn list_webredirs(req: &Req, state: &State, base: &str, fqdn: &str) -> Reply {
    let d = find(req, state, fqdn)?;
    let items: Vec<Value> = d.webredirs.iter().map(webredir_json).collect();
    let total = items.len();
    Ok(paginate(req, base, items, total, WEBREDIRS_PER_PAGE)?.into_response())
}

fn check_enum<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, Response> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s)),
        Some(other) => Err(validation_error(
            "body",
            name,
            &format!("{other} is not one of {}", allowed.join(", ")),
        )),
    }
}

fn check_target(url: &str) -> Result<(), Response> {
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://")) && !url.contains(' ') {
        Ok(())
    } else {
        Err(validation_error(
            "body",
            "url",
            &format!("'{url}' is not a valid URL"),
        ))
    }
}

const TYPES: &[&str] = &["http301", "http302", "cloak"];
const PROTOCOLS: &[&str] = &["http", "https", "httpsonly"];

/// `POST .../webredirs` `{host*, type*, url*, protocol*, override*}`: 201 +
/// `Location` [?]. `host` must include the domain (a bare label is 400).
/// The host's address records in the LiveDNS zone are replaced by the
/// service's CNAME only with `override`; without it they are a 409 [?].
pub fn post_webredir(req: &Req, state: &mut State, base: &str, fqdn: &str) -> Reply {
    find(req, state, fqdn)?;
    let obj = req.json_object()?;
    let host = required_str(&obj, "host")?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let rtype = check_enum(&obj, "type", TYPES)?
        .ok_or_else(|| validation_error("body", "type", "Required"))?
        .to_string();
    let url = required_str(&obj, "url")?.to_string();
    check_target(&url)?;
    let protocol = check_enum(&obj, "protocol", PROTOCOLS)?
        .ok_or_else(|| validation_error("body", "protocol", "Required"))?
        .to_string();
    let override_dns = required_bool(&obj, "override")?;
    let d = find_mut(req, state, fqdn)?;
    let domain = d.fqdn.clone();
    let label = if host == domain {
        "@".to_string()
    } else if let Some(l) = host.strip_suffix(&format!(".{domain}")) {
        l.to_string()
    } else {
        return Err(validation_error(
            "body",
            "host",
            &format!("'{host}': source hostname must include the domain name"),
        ));
    };
    if d.webredirs.iter().any(|w| w.host == host) {
        return Err(error_body(
            409,
            "A web redirection already exists for this host",
            "HTTPConflict",
            "Conflict",
        ));
    }
    if let Some(zone) = state.zones.get_mut(&domain) {
        let is_address = |r: &Rrset| matches!(r.rtype.as_str(), "A" | "AAAA" | "CNAME" | "ALIAS");
        let clashes = zone
            .rrsets
            .iter()
            .any(|r| r.name == label && is_address(r) && r.values != [WEBREDIR_TARGET.to_string()]);
        if clashes && !override_dns {
            return Err(error_body(
                409,
                "A DNS record already exists for this host",
                "HTTPConflict",
                "Conflict",
            ));
        }
        if label != "@" {
            zone.rrsets.retain(|r| !(r.name == label && is_address(r)));
            zone.rrsets
                .push(Rrset::new(&label, "CNAME", 10800, &[WEBREDIR_TARGET]));
            zone.touch();
        }
    }
    let now = now_secs();
    let Some(d) = any_mut(state, &domain) else {
        return Err(not_found());
    };
    d.webredirs.push(WebRedir {
        host: host.clone(),
        rtype,
        url,
        protocol,
        created_at: now,
        updated_at: now,
    });
    let location = format!(
        "{}/webredirs/{}",
        domain_href(base, &domain),
        percent_encode(&host)
    );
    Ok(
        Response::message(201, "The web redirection was created")
            .with_header("location", &location),
    )
}

/// `PATCH .../webredirs/{host}`, any of `override`, `protocol`, `type`, `url`: 200 [?].
pub fn patch_webredir(req: &Req, state: &mut State, fqdn: &str, host: &str) -> Reply {
    find(req, state, fqdn)?;
    let obj = req.json_object()?;
    let rtype = check_enum(&obj, "type", TYPES)?.map(str::to_string);
    let protocol = check_enum(&obj, "protocol", PROTOCOLS)?.map(str::to_string);
    let url = match obj.get("url") {
        None => None,
        Some(_) => {
            let u = required_str(&obj, "url")?.to_string();
            check_target(&u)?;
            Some(u)
        }
    };
    if let Some(v) = obj.get("override") {
        if !v.is_boolean() {
            return Err(validation_error(
                "body",
                "override",
                &format!("{v} is not a boolean"),
            ));
        }
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let d = find_mut(req, state, fqdn)?;
    let w = d
        .webredirs
        .iter_mut()
        .find(|w| w.host == host)
        .ok_or_else(not_found)?;
    if let Some(t) = rtype {
        w.rtype = t;
    }
    if let Some(p) = protocol {
        w.protocol = p;
    }
    if let Some(u) = url {
        w.url = u;
    }
    w.updated_at = now_secs();
    Ok(Response::message(200, "The web redirection was updated"))
}

/// `DELETE .../webredirs/{host}`: 200 [?] with a message (the reference
/// documents one). The host's DNS record is left as it was [?].
pub fn delete_webredir(req: &Req, state: &mut State, fqdn: &str, host: &str) -> Reply {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let d = find_mut(req, state, fqdn)?;
    let before = d.webredirs.len();
    d.webredirs.retain(|w| w.host != host);
    if d.webredirs.len() == before {
        return Err(not_found());
    }
    Ok(Response::message(200, "The web redirection was deleted"))
}

// ---------------------------------------------------------------------------
// Perturbations: an edit made elsewhere to what a GET reads.

/// The domain's status flags change (a registrar lock on updates comes or goes).
fn perturb_status(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        const FLAG: &str = "clientUpdateProhibited";
        if d.status.iter().any(|s| s == FLAG) {
            d.status.retain(|s| s != FLAG);
        } else {
            d.status.push(FLAG.to_string());
        }
    }
}

/// One nameserver is replaced by another provider's.
fn perturb_nameservers(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        let n = d.nameservers.len();
        let other = format!("ns{}.perturbed-dns.example", n + 1);
        match d.nameservers.last_mut() {
            Some(last) => *last = other,
            None => d.nameservers.push(other),
        }
        if d.nameserver == "livedns" {
            d.nameserver = "other".to_string();
        }
    }
}

/// What `GET .../livedns` shows changes: a LiveDNS domain's nameservers, or
/// who serves a domain off LiveDNS (classic and other swap).
fn perturb_livedns(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        match d.nameserver.as_str() {
            "livedns" => {
                if let Some(last) = d.nameservers.last_mut() {
                    *last = "ns-99.gandi.net".to_string();
                }
            }
            "abc" => d.nameserver = "other".to_string(),
            _ => d.nameserver = "abc".to_string(),
        }
    }
}

/// Every glue host gets one more address (or a host appears).
fn perturb_hosts(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        if d.hosts.is_empty() {
            d.hosts.push(GlueHost {
                name: "perturbed".to_string(),
                ips: vec!["192.0.2.253".to_string()],
            });
        }
        for h in &mut d.hosts {
            h.ips.push("192.0.2.253".to_string());
        }
    }
}

/// The registry gets one more key.
fn perturb_dnskeys(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        let id = d.dnskeys.iter().map(|k| k.id).max().unwrap_or(0) + 1;
        d.dnskeys.push(DnsKey {
            id,
            algorithm: 13,
            digest_type: 2,
            digest: format!("{:064x}", id * 7919),
            keytag: 40000 + id as u32,
            key_type: "ksk".to_string(),
            public_key: "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==".to_string(),
        });
    }
}

/// LiveDNS's signing moves on a step (inactive → activating → active → activating).
fn perturb_livednssec(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        d.livednssec = match d.livednssec.as_str() {
            "activating" => "active",
            _ => "activating",
        }
        .to_string();
    }
}

fn perturb_tags(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        d.tags.push("changed-elsewhere".to_string());
    }
}

/// Every redirection's target moves.
fn perturb_webredirs(state: &mut State, a: &[String]) {
    if let Some(d) = any_mut(state, &fqdn(&a[0])) {
        for w in &mut d.webredirs {
            w.url.push_str("moved/");
            w.updated_at += 1;
        }
    }
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
        handle: |req, state, base, a| get(req, state, base, &fqdn(&a[0])),
        perturb: Some(perturb_status),
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/nameservers",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, _, a| get_nameservers(req, state, &fqdn(&a[0])),
        perturb: Some(perturb_nameservers),
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
        handle: |req, state, _, a| get_livedns(req, state, &fqdn(&a[0])),
        perturb: Some(perturb_livedns),
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/domains/{domain}/livedns",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| post_livedns(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PATCH",
        pattern: "/v5/domain/domains/{domain}/autorenew",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| patch_autorenew(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/contacts",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, _, a| get_contacts(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PATCH",
        pattern: "/v5/domain/domains/{domain}/status",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| patch_status(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/hosts",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, base, a| list_hosts(req, state, base, &fqdn(&a[0])),
        perturb: Some(perturb_hosts),
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/domains/{domain}/hosts",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, base, a| post_host(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PUT",
        pattern: "/v5/domain/domains/{domain}/hosts/{name}",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| put_host(req, state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/domain/domains/{domain}/hosts/{name}",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| delete_host(req, state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/livedns/dnssec",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, _, a| get_livednssec(req, state, &fqdn(&a[0])),
        perturb: Some(perturb_livednssec),
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/domains/{domain}/livedns/dnssec",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| post_livednssec(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/domain/domains/{domain}/livedns/dnssec",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| delete_livednssec(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/dnskeys",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, base, a| list_dnskeys(req, state, base, &fqdn(&a[0])),
        perturb: Some(perturb_dnskeys),
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/tags",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, base, a| list_tags(req, state, base, &fqdn(&a[0])),
        perturb: Some(perturb_tags),
    },
    Route {
        method: "PUT",
        pattern: "/v5/domain/domains/{domain}/tags",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| put_tags(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/webredirs",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, base, a| list_webredirs(req, state, base, &fqdn(&a[0])),
        perturb: Some(perturb_webredirs),
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/domains/{domain}/webredirs",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, base, a| post_webredir(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PATCH",
        pattern: "/v5/domain/domains/{domain}/webredirs/{host}",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| patch_webredir(req, state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/domain/domains/{domain}/webredirs/{host}",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| delete_webredir(req, state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
];
