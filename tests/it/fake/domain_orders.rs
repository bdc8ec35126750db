//! Domain API handlers for availability, prices and orders: `/domain/check`
//! (price grids from the shared price list, premium names, `processes`
//! repeated, taxes), `/domain/tlds` (paged), a domain's renewal facts, the
//! async create (202; the domain is there afterwards), renew (duration
//! limits), the transfer-in check and order. Every order honours `Dry-Run: 1`
//! (validation only, no side effect). The fake's own copies of Gandi's rules.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::fake::auth::{identify, SCOPE_DOMAIN_READ, SCOPE_DOMAIN_WRITE};
use crate::fake::http::{not_found, paginate, standard_error, validation_error, Req, Response};
use crate::fake::router::{fqdn, Access, Reply, Route};
use crate::fake::state::{
    iso8601, now_secs, parse_iso8601, Contact, Domain, Rrset, State, Zone, DAY,
};

/// What the fake knows about orders besides the account's domains.
#[derive(Debug, Clone, Default)]
pub struct DomainOrders {
    /// Names registered at other registrars that may move to Gandi, with
    /// their auth codes.
    pub transferable: BTreeMap<String, String>,
    /// Transfers asked for, by name.
    pub transfers: BTreeMap<String, TransferIn>,
    /// Fault injection for orders: a real order (never a dry run) on this
    /// name is answered with this status, as when the registry refuses an
    /// order Gandi's dry run accepted. A test sets it between preview and
    /// confirmation (the `Fault` queue cannot tell a dry run apart).
    pub refuse_orders: BTreeMap<String, u16>,
}

#[derive(Debug, Clone)]
pub struct TransferIn {
    pub duration: u64,
    pub sharing_id: String,
    pub owner_family: String,
    pub created_at: i64,
}

/// The auth code of `taken-elsewhere.com`, the seeded transferable name.
pub const SEEDED_AUTH_CODE: &str = "Xq7-Lp2-Vz9#k";

impl DomainOrders {
    pub fn seeded() -> DomainOrders {
        let mut transferable = BTreeMap::new();
        transferable.insert(
            "taken-elsewhere.com".to_string(),
            SEEDED_AUTH_CODE.to_string(),
        );
        DomainOrders {
            transferable,
            ..DomainOrders::default()
        }
    }
}

const PROCESSES: [&str; 4] = ["create", "renew", "transfer", "restore"];
const CONTACT_TYPES: [&str; 4] = ["individual", "company", "association", "publicbody"];

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn is_dry_run(req: &Req) -> bool {
    req.header("dry-run").map(str::trim) == Some("1")
}

/// Gandi's Dry-Run answer when the parameters pass (status 200 assumed:
/// the reference leaves it open).
fn dry_run_ok() -> Reply {
    Ok(Response::json(200, &json!({"status": "success"})))
}

fn valid_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() >= 2
        && name.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn unicode(ascii: &str) -> String {
    idna::domain_to_unicode(ascii).0
}

/// Registered somewhere: in this account, elsewhere, or moving in.
fn registered(state: &State, name: &str) -> bool {
    state.domains.contains_key(name)
        || state.prices.taken.iter().any(|t| t == name)
        || state.orders.transferable.contains_key(name)
        || state.orders.transfers.contains_key(name)
}

/// The organization an order is for: `sharing_id`, else the token's own.
fn ordering_org(req: &Req, state: &State) -> String {
    req.query_value("sharing_id")
        .map(str::to_string)
        .or_else(|| identify(req, state).ok().map(|(_, t)| t.org_id))
        .unwrap_or_else(|| state.personal_org_id())
}

fn refused(state: &State, name: &str) -> Result<(), Response> {
    match state.orders.refuse_orders.get(name) {
        Some(status) => Err(standard_error(*status)),
        None => Ok(()),
    }
}

/// `secs` plus `years` calendar years (29 February → 28 February).
fn add_years(secs: i64, years: u64) -> i64 {
    let text = iso8601(secs);
    let year: i64 = text[..4].parse().unwrap_or(1970) + years as i64;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let mut rest = text[4..].to_string();
    if rest.starts_with("-02-29") && !leap {
        rest.replace_range(..6, "-02-28");
    }
    parse_iso8601(&format!("{year:04}{rest}")).unwrap_or(secs + years as i64 * 365 * DAY)
}

fn taxes(state: &State) -> Value {
    json!([{"type": "service", "rate": round2(state.prices.tax_rate * 100.0), "name": "vat"}])
}

/// `GET /domain/check?name=..&processes=..` (repeated; default `create`).
pub fn check(req: &Req, state: &State) -> Reply {
    let name = req
        .query_value("name")
        .ok_or_else(|| validation_error("querystring", "name", "Required"))?;
    let name = fqdn(name);
    if !valid_name(&name) {
        return Err(validation_error(
            "querystring",
            "name",
            &format!("'{name}' is not a valid domain name"),
        ));
    }
    let mut processes: Vec<&str> = req
        .query
        .iter()
        .filter(|(k, _)| k == "processes")
        .map(|(_, v)| v.as_str())
        .collect();
    if processes.is_empty() {
        processes.push("create");
    }
    if let Some(bad) = processes.iter().find(|p| !PROCESSES.contains(p)) {
        return Err(validation_error(
            "querystring",
            "processes",
            &format!("'{bad}' is not one of create, renew, transfer, restore"),
        ));
    }
    let prices = &state.prices;
    let tld = prices.for_fqdn(&name);
    let status = match tld {
        None => "error_invalid",
        Some(_) if registered(state, &name) => "unavailable",
        Some(_) => "available",
    };
    let products: Vec<Value> = processes
        .iter()
        .map(|process| {
            let grid: Vec<Value> = match tld {
                None => Vec::new(),
                Some(t) => {
                    let premium = prices.premium.get(&name).filter(|_| *process == "create");
                    let yearly = match (*process, premium) {
                        (_, Some(p)) => *p,
                        ("create", _) => t.create,
                        ("renew", _) => t.renew,
                        ("transfer", _) => t.transfer,
                        _ => t.restore,
                    };
                    let (min, max) = match *process {
                        "restore" => (1, 1),
                        _ => (t.min_years, t.max_years),
                    };
                    let mut line = json!({
                        "duration_unit": "y",
                        "min_duration": min,
                        "max_duration": max,
                        "discount": false,
                        "price_before_taxes": round2(yearly),
                        "price_after_taxes": prices.with_taxes(yearly),
                    });
                    if premium.is_some() {
                        line["type"] = json!("premium");
                    }
                    vec![line]
                }
            };
            json!({
                "name": name,
                "process": process,
                "status": status,
                "taxes": taxes(state),
                "prices": grid,
            })
        })
        .collect();
    Ok(Response::json(
        200,
        &json!({
            "currency": prices.currency,
            "grid": prices.grid,
            "products": products,
            "taxes": taxes(state),
        }),
    ))
}

/// Every price of the list rises by 1.00 (a new price between a quote and
/// an order; the route's query names one name, the perturbation does not
/// see it, so every TLD rises).
fn raise_prices(state: &mut State, _args: &[String]) {
    for t in state.prices.tlds.values_mut() {
        t.create += 1.0;
        t.renew += 1.0;
        t.transfer += 1.0;
    }
    for p in state.prices.premium.values_mut() {
        *p += 1.0;
    }
}

/// `GET /domain/tlds` (`category`: ccTLD or gTLD), paged.
pub fn tlds(req: &Req, state: &State, base: &str) -> Reply {
    let category = req.query_value("category");
    if let Some(c) = category {
        if !matches!(c, "ccTLD" | "gTLD") {
            return Err(validation_error(
                "querystring",
                "category",
                &format!("'{c}' is not one of ccTLD, gTLD"),
            ));
        }
    }
    let items: Vec<Value> = state
        .prices
        .tlds
        .iter()
        .filter(|(_, t)| category.is_none_or(|c| t.category == c))
        .map(|(name, _)| json!({"name": name, "href": format!("{base}/v5/domain/tlds/{name}")}))
        .collect();
    Ok(paginate(req, base, items, state.prices.tlds.len(), 100)?.into_response())
}

fn find(state: &State, name: &str) -> Result<Domain, Response> {
    state.domains.get(name).cloned().ok_or_else(not_found)
}

/// The renewal durations of a domain now: the registry's rule that no
/// registration runs more than `max_years` from today, and Gandi's 9-year
/// cap on one renewal. `None` when renewing is prohibited.
fn renew_limits(state: &State, d: &Domain) -> Option<(u64, u64)> {
    let (min, max_years) = state.prices.for_fqdn(&d.fqdn).map_or((1, 10), |t| {
        (u64::from(t.min_years), u64::from(t.max_years))
    });
    let year = 365 * DAY;
    let left = (d.registry_ends_at - now_secs()).max(0);
    let years_left = ((left + year - 1) / year) as u64;
    let max = max_years.saturating_sub(years_left).min(9);
    let locked = d
        .status
        .iter()
        .any(|s| s == "clientRenewProhibited" || s == "serverRenewProhibited");
    (!locked && max >= min).then_some((min, max))
}

/// `GET /domain/domains/{domain}/renew`. `begins_at`/`ends_at` are read as
/// the renewal window (open since creation, closing with the grace period
/// 30 days after expiry): Gandi does not define them.
pub fn renew_info(state: &State, name: &str) -> Reply {
    let d = find(state, name)?;
    let limits = renew_limits(state, &d);
    let closes = d.registry_ends_at + 30 * DAY;
    let (min, max) = limits.unwrap_or((1, 0));
    Ok(Response::json(
        200,
        &json!({
            "begins_at": iso8601(d.created_at),
            "ends_at": iso8601(closes),
            "durations": limits.map(|(a, b)| (a..=b).collect::<Vec<_>>()).unwrap_or_default(),
            "minimum": min,
            "maximum": max,
            "prohibited": limits.is_none(),
            "in_renew_period": now_secs() <= closes,
        }),
    ))
}

/// The domain was renewed elsewhere (auto-renew, the web admin): a year later.
fn renewed_elsewhere(state: &mut State, args: &[String]) {
    if let Some(d) = args.first().and_then(|a| state.domains.get_mut(&fqdn(a))) {
        d.registry_ends_at += 365 * DAY;
    }
}

fn duration_of(obj: &Map<String, Value>) -> Result<u64, Response> {
    match obj.get("duration") {
        None | Some(Value::Null) => Ok(1),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| validation_error("body", "duration", &format!("{v} is not an integer"))),
    }
}

/// `POST /domain/domains/{domain}/renew` `{duration}`: 202, the expiry moves.
pub fn renew(req: &Req, state: &mut State, name: &str) -> Reply {
    let d = find(state, name)?;
    let obj = req.json_object()?;
    let n = duration_of(&obj)?;
    match renew_limits(state, &d) {
        None => {
            return Err(validation_error(
                "body",
                "duration",
                "the domain cannot be renewed now",
            ))
        }
        Some((min, max)) if !(min..=max).contains(&n) => {
            return Err(validation_error(
                "body",
                "duration",
                &format!("{n} is not between {min} and {max}"),
            ))
        }
        Some(_) => {}
    }
    if is_dry_run(req) {
        return dry_run_ok();
    }
    refused(state, name)?;
    if let Some(d) = state.domains.get_mut(name) {
        d.registry_ends_at = add_years(d.registry_ends_at, n);
        d.updated_at = now_secs();
    }
    Ok(Response::message(202, "The domain renewal is in progress"))
}

fn phone_ok(s: &str) -> bool {
    let Some((cc, number)) = s.strip_prefix('+').and_then(|r| r.split_once('.')) else {
        return false;
    };
    !cc.is_empty()
        && cc.len() <= 3
        && number.len() >= 4
        && cc.bytes().chain(number.bytes()).all(|b| b.is_ascii_digit())
}

/// The owner of an order, as Gandi's contact rules read it.
fn owner_of(obj: &Map<String, Value>) -> Result<Contact, Response> {
    let Some(Value::Object(o)) = obj.get("owner") else {
        return Err(validation_error("body", "owner", "Required"));
    };
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    for k in ["given", "family", "email", "streetaddr", "country", "type"] {
        if text(k).is_none() {
            return Err(validation_error("body", &format!("owner.{k}"), "Required"));
        }
    }
    let kind = text("type").unwrap_or_default();
    if !CONTACT_TYPES.contains(&kind.as_str()) {
        return Err(validation_error(
            "body",
            "owner.type",
            &format!("'{kind}' is not one of individual, company, association, publicbody"),
        ));
    }
    let country = text("country").unwrap_or_default();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(validation_error(
            "body",
            "owner.country",
            &format!("'{country}' is not a country code"),
        ));
    }
    if let Some(p) = text("phone") {
        if !phone_ok(&p) {
            return Err(validation_error(
                "body",
                "owner.phone",
                &format!("'{p}' is not a phone number (+CC.NUMBER)"),
            ));
        }
    }
    if kind != "individual" && text("orgname").is_none() {
        return Err(validation_error("body", "owner.orgname", "Required"));
    }
    Ok(Contact {
        given: text("given").unwrap_or_default(),
        family: text("family").unwrap_or_default(),
        email: text("email").unwrap_or_default(),
        streetaddr: text("streetaddr").unwrap_or_default(),
        city: text("city").unwrap_or_default(),
        zip: text("zip").unwrap_or_default(),
        country,
        phone: text("phone").unwrap_or_default(),
        contact_type: kind,
        orgname: text("orgname"),
    })
}

fn fqdn_of(obj: &Map<String, Value>) -> Result<String, Response> {
    match obj.get("fqdn") {
        Some(Value::String(s)) if valid_name(&fqdn(s)) => Ok(fqdn(s)),
        Some(v) => Err(validation_error(
            "body",
            "fqdn",
            &format!("{v} is not a valid domain name"),
        )),
        None => Err(validation_error("body", "fqdn", "Required")),
    }
}

/// `POST /domain/domains`: validates, then (unless a dry run) answers 202
/// and creates the domain. Gandi creates it in the background; the fake
/// finishes at once, so the next read finds it.
pub fn create(req: &Req, state: &mut State) -> Reply {
    let obj = req.json_object()?;
    let name = fqdn_of(&obj)?;
    let Some(tld) = state.prices.for_fqdn(&name).cloned() else {
        return Err(validation_error(
            "body",
            "fqdn",
            &format!("the TLD of {name} is not sold"),
        ));
    };
    if registered(state, &name) {
        return Err(validation_error(
            "body",
            "fqdn",
            &format!("{name} is not available"),
        ));
    }
    let owner = owner_of(&obj)?;
    let n = duration_of(&obj)?;
    if !(u64::from(tld.min_years)..=u64::from(tld.max_years)).contains(&n) {
        return Err(validation_error(
            "body",
            "duration",
            &format!("{n} is not between {} and {}", tld.min_years, tld.max_years),
        ));
    }
    // A premium name needs the expected price (before taxes, for the whole
    // duration, the fake's reading of Gandi's `price`) and its currency.
    if let Some(yearly) = state.prices.premium.get(&name) {
        let expected = round2(yearly * n as f64);
        let price = obj.get("price").and_then(Value::as_f64);
        let currency = obj.get("currency").and_then(Value::as_str);
        match (price, currency) {
            (None, _) | (_, None) => {
                return Err(validation_error(
                    "body",
                    "price",
                    "a premium name needs `price` and `currency`",
                ))
            }
            (Some(p), Some(c)) if (p - expected).abs() > 0.005 || c != state.prices.currency => {
                return Err(validation_error(
                    "body",
                    "price",
                    &format!(
                        "the price of {name} is {expected} {}",
                        state.prices.currency
                    ),
                ))
            }
            _ => {}
        }
    }
    if is_dry_run(req) {
        return dry_run_ok();
    }
    refused(state, &name)?;
    let org = ordering_org(req, state);
    let now = now_secs();
    let mut d = state.make_domain(&name, &unicode(&name), &org, now, add_years(now, n));
    d.status = Vec::new();
    d.contact = owner;
    state.domains.insert(name.clone(), d);
    state.zones.insert(
        name.clone(),
        Zone::new(
            &name,
            vec![
                Rrset::new("@", "A", 10800, &["217.70.184.38"]),
                Rrset::new("@", "MX", 10800, &["10 spool.mail.gandi.net."]),
                Rrset::new("www", "CNAME", 10800, &["webredir.vip.gandi.net."]),
            ],
        ),
    );
    Ok(Response::message(202, "The domain creation is in progress"))
}

/// `POST /domain/transferin/{domain}/available` `{authinfo?}`: always 200;
/// `available: false` with `msg` says why not (a wrong code given here is
/// reported this way: Gandi does not say how it reports one).
pub fn transfer_available(req: &Req, state: &State, name: &str) -> Reply {
    let obj = req.json_object()?;
    let authinfo = obj.get("authinfo").and_then(Value::as_str);
    let not = |msg: &str, internal: bool| {
        Ok(Response::json(
            200,
            &json!({
                "available": false,
                "fqdn": name,
                "fqdn_alabel": name,
                "fqdn_ulabel": unicode(name),
                "internal": internal,
                "msg": msg,
            }),
        ))
    };
    if state.prices.for_fqdn(name).is_none() {
        return not("this TLD is not supported", false);
    }
    if state.domains.contains_key(name) {
        return not("the domain is already at Gandi", true);
    }
    if state.orders.transfers.contains_key(name) {
        return not("a transfer of this domain is already in progress", false);
    }
    match state.orders.transferable.get(name) {
        None if state.prices.taken.iter().any(|t| t == name) => not(
            "the domain is locked at its current registrar (clientTransferProhibited)",
            false,
        ),
        None => not(
            "the domain is not registered: it can be registered instead",
            false,
        ),
        Some(code) if authinfo.is_some_and(|a| a != code) => {
            not("the authorization code is not valid", false)
        }
        Some(_) => Ok(Response::json(
            200,
            &json!({
                "available": true,
                "fqdn": name,
                "fqdn_alabel": name,
                "fqdn_ulabel": unicode(name),
                "corporate": false,
                "internal": false,
                "durations": [1],
                "minimum_duration": 1,
                "maximum_duration": 1,
            }),
        )),
    }
}

/// `POST /domain/transferin`: like a create plus `authinfo`; 202 and a
/// `Location` to follow it; the domain arrives days later (never, here).
pub fn transfer_in(req: &Req, state: &mut State, base: &str) -> Reply {
    let obj = req.json_object()?;
    let name = fqdn_of(&obj)?;
    let owner = owner_of(&obj)?;
    let Some(code) = state.orders.transferable.get(&name).cloned() else {
        return Err(validation_error(
            "body",
            "fqdn",
            &format!("{name} cannot be transferred"),
        ));
    };
    match obj.get("authinfo").and_then(Value::as_str) {
        None => return Err(validation_error("body", "authinfo", "Required")),
        Some(a) if a != code => {
            return Err(validation_error(
                "body",
                "authinfo",
                "the authorization code is not valid",
            ))
        }
        Some(_) => {}
    }
    let n = duration_of(&obj)?;
    if n != 1 {
        return Err(validation_error(
            "body",
            "duration",
            &format!("{n} is not between 1 and 1"),
        ));
    }
    if state.orders.transfers.contains_key(&name) {
        return Err(standard_error(409));
    }
    if is_dry_run(req) {
        return dry_run_ok();
    }
    refused(state, &name)?;
    let job = TransferIn {
        duration: n,
        sharing_id: ordering_org(req, state),
        owner_family: owner.family,
        created_at: now_secs(),
    };
    state.orders.transfers.insert(name.clone(), job);
    Ok(Response::message(202, "The transfer request was accepted")
        .with_header("Location", &format!("{base}/v5/domain/transferin/{name}")))
}

/// The routes of availability, prices and orders.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/v5/domain/check",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, _, _| check(req, state),
        perturb: Some(raise_prices),
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/tlds",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, base, _| tlds(req, state, base),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/domain/domains/{domain}/renew",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |_, state, _, a| renew_info(state, &fqdn(&a[0])),
        perturb: Some(renewed_elsewhere),
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/domains/{domain}/renew",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, a| renew(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/domains",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, _, _| create(req, state),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/transferin/{domain}/available",
        access: Access::Scope(SCOPE_DOMAIN_READ),
        handle: |req, state, _, a| transfer_available(req, state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/domain/transferin",
        access: Access::Scope(SCOPE_DOMAIN_WRITE),
        handle: |req, state, base, _| transfer_in(req, state, base),
        perturb: None,
    },
];
