//! Email API handlers and state: forwards (catch-all `*` included),
//! mailboxes (each takes a free slot of its type; `Dry-Run: 1` on creation),
//! and mailbox slots. Gandi's rules here are the fake's own copies.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::fake::auth::{SCOPE_EMAIL_READ, SCOPE_EMAIL_WRITE};
use crate::fake::http::{
    error_body, glob_match, not_found, paginate, validation_error, Req, Response,
};
use crate::fake::router::{fqdn, Access, Reply, Route};
use crate::fake::state::{iso8601, new_uuid, now_secs, State, DAY};

const DEFAULT_PER_PAGE: usize = 100;
/// The mailbox types Gandi sells.
pub const MAILBOX_TYPES: [&str; 4] = ["standard", "premium", "standard_2023", "premium_2023"];

#[derive(Debug, Clone, PartialEq)]
pub struct Forward {
    /// Local part, lower case; `*` is the catch-all.
    pub source: String,
    pub destinations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Responder {
    pub enabled: bool,
    pub message: String,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mailbox {
    pub id: String,
    pub login: String,
    pub mailbox_type: String,
    /// As received (tests check what arrived; a real server hashes it).
    pub password: String,
    pub aliases: Vec<String>,
    pub quota_used: u64,
    pub antispam: bool,
    pub expires_at: i64,
    pub autorenew: bool,
    pub responder: Responder,
    /// The slot it takes.
    pub slot_id: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub id: u64,
    pub mailbox_type: String,
    /// `active` (a mailbox uses it) or `inactive` (free).
    pub status: String,
    /// Storage in MB.
    pub capacity: u64,
    pub refundable: bool,
    pub created_at: i64,
}

/// Everything e-mail, per ASCII domain name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Email {
    pub forwards: BTreeMap<String, Vec<Forward>>,
    pub mailboxes: BTreeMap<String, Vec<Mailbox>>,
    pub slots: BTreeMap<String, Vec<Slot>>,
    /// Monthly price before taxes of a slot per mailbox type (the
    /// `mailboxv2` price list).
    pub monthly_prices: BTreeMap<String, f64>,
}

pub const MAILBOX_JDOE_ID: &str = "6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c";
pub const MAILBOX_CEO_ID: &str = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

impl Email {
    /// `example.com`: forwards `info` and `sales`; mailboxes `jdoe`
    /// (standard) and `ceo` (premium); one free standard slot, no free
    /// premium one.
    pub fn seeded() -> Email {
        let now = now_secs();
        let mut e = Email::default();
        let d = "example.com".to_string();
        e.forwards.insert(
            d.clone(),
            vec![
                Forward {
                    source: "info".into(),
                    destinations: vec!["jdoe@example.org".into()],
                },
                Forward {
                    source: "sales".into(),
                    destinations: vec!["alice@example.net".into(), "bob@example.net".into()],
                },
            ],
        );
        let slot = |id: u64, t: &str, status: &str, capacity: u64| Slot {
            id,
            mailbox_type: t.into(),
            status: status.into(),
            capacity,
            refundable: status == "inactive",
            created_at: now - 400 * DAY,
        };
        e.slots.insert(
            d.clone(),
            vec![
                slot(101, "standard", "active", 3072),
                slot(102, "standard", "inactive", 3072),
                slot(103, "premium", "active", 51200),
            ],
        );
        let mailbox = |id: &str, login: &str, t: &str, slot_id: u64, aliases: &[&str]| Mailbox {
            id: id.into(),
            login: login.into(),
            mailbox_type: t.into(),
            password: "$6$seeded$0123456789abcdefghij".into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            quota_used: 1_204_000,
            antispam: true,
            expires_at: now + 120 * DAY,
            autorenew: true,
            responder: Responder {
                enabled: false,
                message: String::new(),
                starts_at: None,
                ends_at: None,
            },
            slot_id,
        };
        e.mailboxes.insert(
            d,
            vec![
                mailbox(MAILBOX_JDOE_ID, "jdoe", "standard", 101, &["john"]),
                mailbox(MAILBOX_CEO_ID, "ceo", "premium", 103, &[]),
            ],
        );
        for (t, p) in [
            ("standard", 2.5),
            ("premium", 6.0),
            ("standard_2023", 3.0),
            ("premium_2023", 7.0),
        ] {
            e.monthly_prices.insert(t.into(), p);
        }
        e
    }
}

// ---------------------------------------------------------------------------
// Checks (the fake's own copies of Gandi's rules)

fn domain_known(state: &State, domain: &str) -> Result<(), Response> {
    if state.domains.contains_key(domain) {
        Ok(())
    } else {
        Err(not_found())
    }
}

fn is_local(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'))
        && !s.starts_with('.')
        && !s.ends_with('.')
}

fn is_address(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((l, d)) => {
            is_local(l)
                && d.contains('.')
                && d.split('.').all(|x| {
                    !x.is_empty() && x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        }
        None => false,
    }
}

fn string_list(
    obj: &Map<String, Value>,
    key: &str,
    required: bool,
) -> Result<Option<Vec<String>>, Response> {
    match obj.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(validation_error("body", key, "Required")),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| validation_error("body", key, &format!("{v} is not a string")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(validation_error(
            "body",
            key,
            &format!("{other} is not a list"),
        )),
    }
}

fn destinations(obj: &Map<String, Value>) -> Result<Vec<String>, Response> {
    let list = string_list(obj, "destinations", true)?.unwrap_or_default();
    if list.is_empty() {
        return Err(validation_error(
            "body",
            "destinations",
            "Shorter than minimum length 1",
        ));
    }
    for d in &list {
        if !is_address(d) {
            return Err(validation_error(
                "body",
                "destinations",
                &format!("'{d}' is not a valid email address"),
            ));
        }
    }
    Ok(list)
}

/// Gandi's password rules: 8-200 characters, one upper case, three
/// digits, one special character; a crypt hash is taken as is.
fn password_ok(p: &str) -> bool {
    if p.starts_with('$') && p.matches('$').count() >= 3 {
        return true;
    }
    let n = p.chars().count();
    (8..=200).contains(&n)
        && p.chars().any(|c| c.is_uppercase())
        && p.chars().filter(|c| c.is_ascii_digit()).count() >= 3
        && p.chars().any(|c| !c.is_alphanumeric())
}

/// The body as Gandi's 400 descriptions quote it: a Python 2 repr
/// (`{'login': u'alice', ...}`), secrets included.
fn python_repr(obj: &Map<String, Value>) -> String {
    let items: Vec<String> = obj
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => format!("u'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
                other => other.to_string(),
            };
            format!("'{k}': {v}")
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn dry_run(req: &Req) -> bool {
    req.header("dry-run") == Some("1")
}

fn dry_run_success() -> Response {
    Response::json(200, &json!({"status": "success"}))
}

fn conflict(message: &str) -> Response {
    error_body(409, message, "HTTPConflict", "Conflict")
}

// ---------------------------------------------------------------------------
// Forwards

fn forward_json(base: &str, domain: &str, f: &Forward) -> Value {
    json!({
        "source": f.source,
        "destinations": f.destinations,
        "href": format!("{base}/v5/email/forwards/{domain}/{}", crate::fake::http::percent_encode(&f.source)),
    })
}

pub fn list_forwards(req: &Req, state: &State, base: &str, domain: &str) -> Reply {
    domain_known(state, domain)?;
    let all = state
        .email
        .forwards
        .get(domain)
        .cloned()
        .unwrap_or_default();
    let source = req.query_value("source");
    let destination = req.query_value("destination");
    let mut matching: Vec<&Forward> = all
        .iter()
        .filter(|f| source.is_none_or(|p| glob_match(p, &f.source)))
        .filter(|f| destination.is_none_or(|p| f.destinations.iter().any(|d| glob_match(p, d))))
        .collect();
    let sort_by = req.query_value("sort_by").unwrap_or("source");
    match sort_by.trim_start_matches('-') {
        "source" => matching.sort_by(|a, b| a.source.cmp(&b.source)),
        "destination" => {
            matching.sort_by(|a, b| a.destinations.first().cmp(&b.destinations.first()))
        }
        _ => {
            return Err(validation_error(
                "querystring",
                "sort_by",
                &format!("'{sort_by}' is not one of source, -source, destination, -destination"),
            ))
        }
    }
    if sort_by.starts_with('-') {
        matching.reverse();
    }
    let items = matching
        .iter()
        .map(|f| forward_json(base, domain, f))
        .collect();
    Ok(paginate(req, base, items, all.len(), DEFAULT_PER_PAGE)?.into_response())
}

pub fn create_forward(req: &Req, state: &mut State, base: &str, domain: &str) -> Reply {
    domain_known(state, domain)?;
    let obj = req.json_object()?;
    let source = match obj.get("source").and_then(Value::as_str) {
        Some(s) if s == "*" || is_local(s) => s.to_ascii_lowercase(),
        Some(s) => {
            return Err(validation_error(
                "body",
                "source",
                &format!("'{s}' is not a valid local part"),
            ))
        }
        None => return Err(validation_error("body", "source", "Required")),
    };
    let destinations = destinations(&obj)?;
    let list = state.email.forwards.entry(domain.to_string()).or_default();
    if list.iter().any(|f| f.source == source) {
        return Err(conflict("This email forward already exists"));
    }
    list.push(Forward {
        source: source.clone(),
        destinations,
    });
    // Status unknown (reference open question 1): 201 with Location, as
    // Gandi's creations with a Location answer elsewhere.
    Ok(
        Response::message(201, "The email forward has been created").with_header(
            "location",
            &format!(
                "{base}/v5/email/forwards/{domain}/{}",
                crate::fake::http::percent_encode(&source)
            ),
        ),
    )
}

fn forward_mut<'a>(
    state: &'a mut State,
    domain: &str,
    source: &str,
) -> Result<&'a mut Forward, Response> {
    let source = source.to_ascii_lowercase();
    state
        .email
        .forwards
        .get_mut(domain)
        .and_then(|l| l.iter_mut().find(|f| f.source == source))
        .ok_or_else(not_found)
}

pub fn put_forward(req: &Req, state: &mut State, domain: &str, source: &str) -> Reply {
    domain_known(state, domain)?;
    let destinations = destinations(&req.json_object()?)?;
    forward_mut(state, domain, source)?.destinations = destinations;
    Ok(Response::message(200, "The email forward has been updated"))
}

pub fn delete_forward(state: &mut State, domain: &str, source: &str) -> Reply {
    domain_known(state, domain)?;
    forward_mut(state, domain, source)?;
    let source = source.to_ascii_lowercase();
    if let Some(list) = state.email.forwards.get_mut(domain) {
        list.retain(|f| f.source != source);
    }
    // The reference lists a `{message}` body (open question 17): 200 with it.
    Ok(Response::message(200, "The email forward has been deleted"))
}

// ---------------------------------------------------------------------------
// Mailboxes

fn mailbox_json(base: &str, domain: &str, m: &Mailbox, detail: bool) -> Value {
    let mut v = json!({
        "id": m.id,
        "login": m.login,
        "address": format!("{}@{domain}", m.login),
        "domain": domain,
        "mailbox_type": m.mailbox_type,
        "quota_used": m.quota_used,
        "alias_count": m.aliases.len(),
        "antispam": m.antispam,
        "href": format!("{base}/v5/email/mailboxes/{domain}/{}", m.id),
        "expires_at": iso8601(m.expires_at),
        "to_convert": false,
        "autorenew": {"enabled": m.autorenew, "duration": 1, "duration_type": "m"},
    });
    if let (true, Value::Object(map)) = (detail, &mut v) {
        map.insert("aliases".into(), json!(m.aliases));
        let mut r = json!({"enabled": m.responder.enabled, "message": m.responder.message});
        if let Value::Object(rm) = &mut r {
            if let Some(s) = &m.responder.starts_at {
                rm.insert("starts_at".into(), json!(s));
            }
            if let Some(e) = &m.responder.ends_at {
                rm.insert("ends_at".into(), json!(e));
            }
        }
        map.insert("responder".into(), r);
    }
    v
}

pub fn list_mailboxes(req: &Req, state: &State, base: &str, domain: &str) -> Reply {
    domain_known(state, domain)?;
    let all = state
        .email
        .mailboxes
        .get(domain)
        .cloned()
        .unwrap_or_default();
    let login = req.query_value("login");
    let pattern = req.query_value("~login");
    let kind = req.query_value("mailbox_type");
    let mut matching: Vec<&Mailbox> = all
        .iter()
        .filter(|m| login.is_none_or(|l| m.login == l))
        .filter(|m| pattern.is_none_or(|p| glob_match(p, &m.login)))
        .filter(|m| kind.is_none_or(|t| m.mailbox_type == t))
        .collect();
    matching.sort_by(|a, b| a.login.cmp(&b.login));
    let items = matching
        .iter()
        .map(|m| mailbox_json(base, domain, m, false))
        .collect();
    Ok(paginate(req, base, items, all.len(), DEFAULT_PER_PAGE)?.into_response())
}

fn find_mailbox<'a>(state: &'a State, domain: &str, id: &str) -> Result<&'a Mailbox, Response> {
    state
        .email
        .mailboxes
        .get(domain)
        .and_then(|l| l.iter().find(|m| m.id == id))
        .ok_or_else(not_found)
}

pub fn get_mailbox(state: &State, base: &str, domain: &str, id: &str) -> Reply {
    domain_known(state, domain)?;
    Ok(Response::json(
        200,
        &mailbox_json(base, domain, find_mailbox(state, domain, id)?, true),
    ))
}

fn aliases_of(
    obj: &Map<String, Value>,
    domain: &str,
    state: &State,
    login: &str,
    own_id: Option<&str>,
) -> Result<Option<Vec<String>>, Response> {
    let Some(list) = string_list(obj, "aliases", false)? else {
        return Ok(None);
    };
    for a in &list {
        if !is_local(a) || a == login {
            return Err(validation_error(
                "body",
                "aliases",
                &format!("'{a}' is not a valid alias"),
            ));
        }
        let taken = state.email.mailboxes.get(domain).is_some_and(|l| {
            l.iter()
                .any(|m| Some(m.id.as_str()) != own_id && (m.login == *a || m.aliases.contains(a)))
        });
        if taken {
            return Err(validation_error(
                "body",
                "aliases",
                &format!("'{a}' is already used"),
            ));
        }
    }
    Ok(Some(list))
}

fn free_slot(state: &State, domain: &str, kind: &str) -> Option<u64> {
    state
        .email
        .slots
        .get(domain)?
        .iter()
        .find(|s| s.status == "inactive" && s.mailbox_type == kind)
        .map(|s| s.id)
}

fn set_slot(state: &mut State, domain: &str, id: u64, status: &str) {
    if let Some(s) = state
        .email
        .slots
        .get_mut(domain)
        .and_then(|l| l.iter_mut().find(|s| s.id == id))
    {
        s.status = status.to_string();
        s.refundable = status == "inactive";
    }
}

pub fn create_mailbox(req: &Req, state: &mut State, base: &str, domain: &str) -> Reply {
    domain_known(state, domain)?;
    let obj = req.json_object()?;
    let login = match obj.get("login").and_then(Value::as_str) {
        Some(l) if is_local(l) => l.to_string(),
        Some(l) => {
            return Err(validation_error(
                "body",
                "login",
                &format!("'{l}' is not a valid login"),
            ))
        }
        None => return Err(validation_error("body", "login", "Required")),
    };
    let kind = match obj.get("mailbox_type").and_then(Value::as_str) {
        Some(t) if MAILBOX_TYPES.contains(&t) => t.to_string(),
        Some(t) => {
            return Err(validation_error(
                "body",
                "mailbox_type",
                &format!("'{t}' is not one of standard, premium, standard_2023, premium_2023"),
            ))
        }
        None => return Err(validation_error("body", "mailbox_type", "Required")),
    };
    let password = match obj.get("password").and_then(Value::as_str) {
        Some(p) if password_ok(p) => p.to_string(),
        Some(_) => {
            return Err(validation_error(
                "body",
                "password",
                &format!("Invalid password (param: {})", python_repr(&obj)),
            ))
        }
        None => return Err(validation_error("body", "password", "Required")),
    };
    let taken = state.email.mailboxes.get(domain).is_some_and(|l| {
        l.iter()
            .any(|m| m.login == login || m.aliases.contains(&login))
    });
    if taken {
        // Gandi's 400s quote the parameters, password included.
        return Err(validation_error(
            "body",
            "login",
            &format!("'{login}' is already used (param: {})", python_repr(&obj)),
        ));
    }
    let aliases = aliases_of(&obj, domain, state, &login, None)?.unwrap_or_default();
    let Some(slot_id) = free_slot(state, domain, &kind) else {
        return Err(conflict("No free mailbox slot of this type is available"));
    };
    if dry_run(req) {
        return Ok(dry_run_success());
    }
    let id = new_uuid();
    set_slot(state, domain, slot_id, "active");
    state
        .email
        .mailboxes
        .entry(domain.to_string())
        .or_default()
        .push(Mailbox {
            id: id.clone(),
            login,
            mailbox_type: kind,
            password,
            aliases,
            quota_used: 0,
            antispam: true,
            expires_at: now_secs() + 365 * DAY,
            autorenew: false,
            responder: Responder {
                enabled: false,
                message: String::new(),
                starts_at: None,
                ends_at: None,
            },
            slot_id,
        });
    // Status unknown (open question 1): 201 with the new mailbox's Location.
    Ok(
        Response::message(201, "The mailbox is being created").with_header(
            "location",
            &format!("{base}/v5/email/mailboxes/{domain}/{id}"),
        ),
    )
}

pub fn patch_mailbox(req: &Req, state: &mut State, domain: &str, id: &str) -> Reply {
    domain_known(state, domain)?;
    let current = find_mailbox(state, domain, id)?.clone();
    let obj = req.json_object()?;
    let mut updated = current.clone();
    if let Some(v) = obj.get("password") {
        match v.as_str() {
            Some(p) if password_ok(p) => updated.password = p.to_string(),
            _ => {
                return Err(validation_error(
                    "body",
                    "password",
                    &format!("Invalid password (param: {})", python_repr(&obj)),
                ))
            }
        }
    }
    if let Some(a) = aliases_of(&obj, domain, state, &current.login, Some(id))? {
        updated.aliases = a;
    }
    if let Some(v) = obj.get("mailbox_type") {
        match v.as_str() {
            Some(t) if MAILBOX_TYPES.contains(&t) => {
                if t != current.mailbox_type {
                    let Some(slot) = free_slot(state, domain, t) else {
                        return Err(conflict("No free mailbox slot of this type is available"));
                    };
                    updated.mailbox_type = t.to_string();
                    updated.slot_id = slot;
                }
            }
            _ => {
                return Err(validation_error(
                    "body",
                    "mailbox_type",
                    &format!("{v} is not a mailbox type"),
                ))
            }
        }
    }
    if let Some(r) = obj.get("responder") {
        let Some(r) = r.as_object() else {
            return Err(validation_error("body", "responder", "Should be an object"));
        };
        let enabled = match r.get("enabled") {
            Some(Value::Bool(b)) => *b,
            _ => return Err(validation_error("body", "responder.enabled", "Required")),
        };
        let message = r
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if enabled && message.is_empty() {
            return Err(validation_error(
                "body",
                "responder.message",
                "Required when enabled",
            ));
        }
        updated.responder = Responder {
            enabled,
            message,
            starts_at: r
                .get("starts_at")
                .and_then(Value::as_str)
                .map(str::to_string),
            ends_at: r.get("ends_at").and_then(Value::as_str).map(str::to_string),
        };
    }
    if updated.slot_id != current.slot_id {
        set_slot(state, domain, current.slot_id, "inactive");
        set_slot(state, domain, updated.slot_id, "active");
    }
    if let Some(m) = state
        .email
        .mailboxes
        .get_mut(domain)
        .and_then(|l| l.iter_mut().find(|m| m.id == id))
    {
        *m = updated;
    }
    Ok(Response::message(200, "The mailbox has been updated"))
}

pub fn delete_mailbox(state: &mut State, domain: &str, id: &str) -> Reply {
    domain_known(state, domain)?;
    let slot = find_mailbox(state, domain, id)?.slot_id;
    if let Some(l) = state.email.mailboxes.get_mut(domain) {
        l.retain(|m| m.id != id);
    }
    set_slot(state, domain, slot, "inactive");
    Ok(Response::message(200, "The mailbox has been deleted"))
}

// ---------------------------------------------------------------------------
// Slots

pub fn list_slots(req: &Req, state: &State, base: &str, domain: &str) -> Reply {
    domain_known(state, domain)?;
    let all = state.email.slots.get(domain).cloned().unwrap_or_default();
    let items: Vec<Value> = all
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "status": s.status,
                "capacity": s.capacity,
                "mailbox_type": s.mailbox_type,
                "refundable": s.refundable,
                "href": format!("{base}/v5/email/slots/{domain}/{}", s.id),
                "created_at": iso8601(s.created_at),
            })
        })
        .collect();
    let total = items.len();
    Ok(paginate(req, base, items, total, DEFAULT_PER_PAGE)?.into_response())
}

/// The Email routes.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/v5/email/forwards/{domain}",
        access: Access::Scope(SCOPE_EMAIL_READ),
        handle: |req, state, base, a| list_forwards(req, state, base, &fqdn(&a[0])),
        // Someone adds a destination to every forward of the domain.
        perturb: Some(|state, a| {
            for f in state.email.forwards.entry(fqdn(&a[0])).or_default() {
                f.destinations.push("added-elsewhere@example.net".into());
            }
        }),
    },
    Route {
        method: "POST",
        pattern: "/v5/email/forwards/{domain}",
        access: Access::Scope(SCOPE_EMAIL_WRITE),
        handle: |req, state, base, a| create_forward(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PUT",
        pattern: "/v5/email/forwards/{domain}/{source}",
        access: Access::Scope(SCOPE_EMAIL_WRITE),
        handle: |req, state, _, a| put_forward(req, state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/email/forwards/{domain}/{source}",
        access: Access::Scope(SCOPE_EMAIL_WRITE),
        handle: |_, state, _, a| delete_forward(state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/email/mailboxes/{domain}",
        access: Access::Scope(SCOPE_EMAIL_READ),
        handle: |req, state, base, a| list_mailboxes(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/email/mailboxes/{domain}",
        access: Access::Scope(SCOPE_EMAIL_WRITE),
        handle: |req, state, base, a| create_mailbox(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/email/mailboxes/{domain}/{mailbox_id}",
        access: Access::Scope(SCOPE_EMAIL_READ),
        handle: |_, state, base, a| get_mailbox(state, base, &fqdn(&a[0]), &a[1]),
        // Someone gives the mailbox another alias and a bigger type.
        perturb: Some(|state, a| {
            if let Some(m) = state
                .email
                .mailboxes
                .get_mut(&fqdn(&a[0]))
                .and_then(|l| l.iter_mut().find(|m| m.id == a[1]))
            {
                m.aliases.push("added-elsewhere".into());
                m.mailbox_type = "premium".into();
            }
        }),
    },
    Route {
        method: "PATCH",
        pattern: "/v5/email/mailboxes/{domain}/{mailbox_id}",
        access: Access::Scope(SCOPE_EMAIL_WRITE),
        handle: |req, state, _, a| patch_mailbox(req, state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/email/mailboxes/{domain}/{mailbox_id}",
        access: Access::Scope(SCOPE_EMAIL_WRITE),
        handle: |_, state, _, a| delete_mailbox(state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/email/slots/{domain}",
        access: Access::Scope(SCOPE_EMAIL_READ),
        handle: |req, state, base, a| list_slots(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
];
