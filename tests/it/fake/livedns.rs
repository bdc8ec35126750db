//! LiveDNS handlers: zones, rrsets (collection, by name, by name/type), whole-zone import/export and snapshots, with Gandi's validation and quoting rules.

use serde_json::{json, Map, Value};

use crate::fake::http::{
    error_body, not_found, paginate, paginate_with, percent_encode, record_not_found,
    validation_error, Req, Response,
};
use crate::fake::state::{
    iso8601, listing_order, new_uuid, now_secs, sort_rrsets, Rrset, Snapshot, State, Zone,
    DEFAULT_TTL,
};
use crate::fake::zonetext::{self, KNOWN_TYPES};

type Reply = Result<Response, Response>;

const MIN_TTL: i64 = 300;
const MAX_TTL: i64 = 2_592_000;
/// LiveDNS returns up to 500 records when `per_page` is absent.
const RECORDS_PER_PAGE: usize = 500;
const DEFAULT_PER_PAGE: usize = 100;

// ---------------------------------------------------------------------------
// URLs and JSON shapes

pub fn zone_href(base: &str, fqdn: &str) -> String {
    format!("{base}/v5/livedns/domains/{fqdn}")
}

pub fn rrset_href(base: &str, fqdn: &str, name: &str, rtype: &str) -> String {
    format!(
        "{}/records/{}/{}",
        zone_href(base, fqdn),
        percent_encode(name),
        rtype
    )
}

/// One rrset as Gandi lists it, key order as recorded: type, ttl, name,
/// href, values. A struct rather than a `json!` map, so a page of a large
/// zone is written without building a map per rrset.
#[derive(serde::Serialize)]
pub struct RrsetItem<'a> {
    rrset_type: &'a str,
    rrset_ttl: u32,
    rrset_name: &'a str,
    rrset_href: String,
    rrset_values: &'a [String],
}

impl<'a> RrsetItem<'a> {
    pub fn of(base: &str, fqdn: &str, r: &'a Rrset) -> RrsetItem<'a> {
        RrsetItem {
            rrset_type: &r.rtype,
            rrset_ttl: r.ttl,
            rrset_name: &r.name,
            rrset_href: rrset_href(base, fqdn, &r.name, &r.rtype),
            rrset_values: &r.values,
        }
    }
}

pub fn rrset_json(base: &str, fqdn: &str, r: &Rrset) -> Value {
    serde_json::to_value(RrsetItem::of(base, fqdn, r)).unwrap_or(Value::Null)
}

/// The same without `rrset_href` (snapshot `zone_data`).
pub fn rrset_json_bare(r: &Rrset) -> Value {
    json!({
        "rrset_type": r.rtype,
        "rrset_ttl": r.ttl,
        "rrset_name": r.name,
        "rrset_values": r.values,
    })
}

fn created(location: String) -> Response {
    Response::message(201, "DNS Record Created").with_header("location", &location)
}

fn zone_exists(state: &State, fqdn: &str) -> Result<(), Response> {
    if state.zones.contains_key(fqdn) {
        Ok(())
    } else {
        Err(not_found())
    }
}

// ---------------------------------------------------------------------------
// Validation

fn body_error(description: &str) -> Response {
    validation_error("body", "items", description)
}

/// Lowercases and checks a relative rrset name (`@`, `www`, `_acme-challenge.sub`, `*`).
pub fn normalize_name(raw: &str) -> Result<String, Response> {
    let name = raw.trim().to_ascii_lowercase();
    let ok = name == "@"
        || (!name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'*'))
            }));
    if ok {
        Ok(name)
    } else {
        Err(validation_error(
            "path",
            "rrset_name",
            &format!("'{raw}': invalid record name"),
        ))
    }
}

pub fn normalize_type(raw: &str, location: &str) -> Result<String, Response> {
    let t = raw.trim().to_ascii_uppercase();
    if KNOWN_TYPES.contains(&t.as_str()) && t != "SOA" {
        Ok(t)
    } else {
        Err(validation_error(
            location,
            "rrset_type",
            &format!("'{raw}' is not one of {}", KNOWN_TYPES.join(", ")),
        ))
    }
}

/// TXT/SPF values are stored wrapped in double quotes unless already quoted.
pub fn quote_txt(v: &str) -> String {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        v.to_string()
    } else {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn check_value(rtype: &str, v: &str) -> Result<String, Response> {
    if v.is_empty() || v.len() > 16384 || !v.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(body_error(&format!(
            "'{v}': values must be 1 to 16384 printable ASCII characters"
        )));
    }
    let fields: Vec<&str> = v.split_whitespace().collect();
    let bad = |what: &str| Err(body_error(&format!("'{v}': {what}")));
    match rtype {
        "A" if v.parse::<std::net::Ipv4Addr>().is_err() => bad("must be an IPv4 address"),
        "AAAA" if v.parse::<std::net::Ipv6Addr>().is_err() => bad("must be an IPv6 address"),
        "MX" if fields.len() != 2 || fields[0].parse::<u16>().is_err() => {
            bad("must be '<priority> <target>'")
        }
        "SRV" if fields.len() != 4 || fields[..3].iter().any(|f| f.parse::<u16>().is_err()) => {
            bad("must be '<priority> <weight> <port> <target>'")
        }
        "CNAME" | "DNAME" | "ALIAS" | "PTR" | "NS" if fields.len() != 1 => {
            bad("must be a single host name")
        }
        "TXT" | "SPF" => Ok(quote_txt(v)),
        _ => Ok(v.to_string()),
    }
}

fn parse_ttl(obj: &Map<String, Value>) -> Result<u32, Response> {
    match obj.get("rrset_ttl") {
        None | Some(Value::Null) => Ok(DEFAULT_TTL),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(t) if (MIN_TTL..=MAX_TTL).contains(&t) => Ok(t as u32),
            _ => Err(body_error(&format!(
                "rrset_ttl: {n} is not between {MIN_TTL} and {MAX_TTL}"
            ))),
        },
        Some(other) => Err(body_error(&format!("rrset_ttl: {other} is not an integer"))),
    }
}

fn parse_values(obj: &Map<String, Value>, rtype: &str) -> Result<Vec<String>, Response> {
    let arr = match obj.get("rrset_values") {
        Some(Value::Array(a)) => a,
        None => return Err(body_error("rrset_values: Required")),
        Some(other) => return Err(body_error(&format!("rrset_values: {other} is not a list"))),
    };
    if arr.is_empty() {
        // Open question 10: our documented choice is a 400, not a silent delete.
        return Err(body_error("rrset_values: Shorter than minimum length 1"));
    }
    let mut out: Vec<String> = Vec::new();
    for v in arr {
        let s = v
            .as_str()
            .ok_or_else(|| body_error(&format!("rrset_values: {v} is not a string")))?;
        let s = check_value(rtype, s)?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if matches!(rtype, "CNAME" | "DNAME" | "ALIAS") && out.len() > 1 {
        return Err(body_error(&format!("{rtype}: only one value is allowed")));
    }
    Ok(out)
}

/// Builds a validated rrset from a JSON object; name and type come from the
/// path when given, else from the body.
fn rrset_from_obj(
    obj: &Map<String, Value>,
    name: Option<&str>,
    rtype: Option<&str>,
) -> Result<Rrset, Response> {
    let name = match name {
        Some(n) => n.to_string(),
        None => match obj.get("rrset_name").and_then(Value::as_str) {
            Some(n) => normalize_name(n)
                .map_err(|_| body_error(&format!("rrset_name: '{n}' is not a valid name")))?,
            None => return Err(body_error("rrset_name: Required")),
        },
    };
    let rtype = match rtype {
        Some(t) => t.to_string(),
        None => match obj.get("rrset_type").and_then(Value::as_str) {
            Some(t) => normalize_type(t, "body").map_err(|_| {
                body_error(&format!("rrset_type: '{t}' is not a known record type"))
            })?,
            None => return Err(body_error("rrset_type: Required")),
        },
    };
    let ttl = parse_ttl(obj)?;
    let values = parse_values(obj, &rtype)?;
    Ok(Rrset {
        name,
        rtype,
        ttl,
        values,
    })
}

fn items_of(obj: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, Response> {
    match obj.get("items") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|i| match i {
                Value::Object(o) => Ok(o.clone()),
                other => Err(body_error(&format!("{other} is not an object"))),
            })
            .collect(),
        None => Err(body_error("items: Required")),
        Some(other) => Err(body_error(&format!("items: {other} is not a list"))),
    }
}

fn reject_duplicates(rrsets: &[Rrset]) -> Result<(), Response> {
    for (i, a) in rrsets.iter().enumerate() {
        if rrsets[..i]
            .iter()
            .any(|b| b.name == a.name && b.rtype == a.rtype)
        {
            return Err(body_error(&format!(
                "{}/{}: the same rrset is given twice",
                a.name, a.rtype
            )));
        }
    }
    Ok(())
}

/// Python 2's repr of an rrset's parameters, as Gandi quotes them at the
/// end of a 400's description: `(param: {'rrset_type': u'ALIAS', ...})`.
fn py_params(r: &Rrset) -> String {
    let quote = |v: &str| format!("u'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
    let values: Vec<String> = r.values.iter().map(|v| quote(v)).collect();
    format!(
        "{{'rrset_type': {}, 'rrset_ttl': {}, 'rrset_name': {}, 'rrset_values': [{}]}}",
        quote(&r.rtype),
        r.ttl,
        quote(&r.name),
        values.join(", ")
    )
}

/// Gandi's placement rules, checked on the zone as a write would leave it
/// (before anything is kept), on every route that can create an rrset:
/// - ALIAS only at the apex: 400 `only '@' is allowed for ALIAS records`
///   (quoted from a real answer, octodns PR 619);
/// - a CNAME never at the apex, nor beside other data at its name (the DNS
///   rule LiveDNS's PowerDNS enforces; the 400 shape is Gandi's, §1.5 b,
///   the wording ours).
///
/// The product checks the same before it sends anything; this copy is the
/// fake's own, so that a regression there meets Gandi's 400 here.
fn check_placement(rrsets: &[Rrset]) -> Result<(), Response> {
    for r in rrsets {
        let params = py_params(r);
        if r.rtype == "ALIAS" && r.name != "@" {
            return Err(body_error(&format!(
                "only '@' is allowed for ALIAS records (param: {params})"
            )));
        }
        if r.rtype != "CNAME" {
            continue;
        }
        if r.name == "@" {
            return Err(body_error(&format!(
                "a CNAME record is not allowed at the zone apex '@' (param: {params})"
            )));
        }
        let mut others: Vec<&str> = rrsets
            .iter()
            .filter(|o| o.name == r.name && o.rtype != "CNAME")
            .map(|o| o.rtype.as_str())
            .collect();
        others.sort_unstable();
        if !others.is_empty() {
            return Err(body_error(&format!(
                "'{}': a CNAME record cannot coexist with other records of the same name ({}) (param: {params})",
                r.name,
                others.join(", ")
            )));
        }
    }
    Ok(())
}

/// The zone's rrsets with `rrset` put in (replacing the same name and type).
fn with_upserted(rrsets: &[Rrset], rrset: &Rrset) -> Vec<Rrset> {
    let mut out: Vec<Rrset> = rrsets
        .iter()
        .filter(|r| !(r.name == rrset.name && r.rtype == rrset.rtype))
        .cloned()
        .collect();
    out.push(rrset.clone());
    out
}

/// SOA and apex NS are managed by LiveDNS: dropped from imports.
fn managed_by_livedns(r: &Rrset) -> bool {
    r.rtype == "SOA" || (r.rtype == "NS" && r.name == "@")
}

// ---------------------------------------------------------------------------
// Zones

pub fn list_zones(req: &Req, state: &State, base: &str) -> Reply {
    let sharing = req.query_value("sharing_id");
    let all: Vec<&String> = state.zones.keys().collect();
    let items: Vec<Value> = all
        .iter()
        .filter(|f| sharing.is_none_or(|s| state.zone_org(f) == s))
        .map(|f| {
            json!({
                "fqdn": f,
                "domain_href": zone_href(base, f),
                "domain_records_href": format!("{}/records", zone_href(base, f)),
            })
        })
        .collect();
    Ok(paginate(req, base, items, all.len(), DEFAULT_PER_PAGE)?.into_response())
}

/// `POST /livedns/domains` `{fqdn, zone?: {items?: [...]}}`: makes a LiveDNS
/// zone for a domain registered at Gandi (201 `{"message": "Domain
/// Created"}` and a `Location` to the zone; the body is compact, like every
/// recorded LiveDNS success, where the octodns mock spaces it). A domain not
/// registered at Gandi is the standard 404 (octodns's handling). A zone that
/// exists already is a 409 with the standard body: our assumption, Gandi's
/// answer there is not documented. `zone.ttl` (go-gandi sends it) is ignored.
pub fn create_zone(req: &Req, state: &mut State, base: &str) -> Reply {
    let obj = req.json_object()?;
    let fqdn = match obj.get("fqdn") {
        Some(Value::String(f)) if !f.trim().is_empty() => {
            f.trim().trim_end_matches('.').to_ascii_lowercase()
        }
        None => return Err(validation_error("body", "fqdn", "Required")),
        Some(other) => {
            return Err(validation_error(
                "body",
                "fqdn",
                &format!("{other} is not a domain name"),
            ))
        }
    };
    let mut rrsets = Vec::new();
    match obj.get("zone") {
        None | Some(Value::Null) => {}
        Some(Value::Object(zone)) => {
            if zone.contains_key("items") {
                for item in items_of(zone)? {
                    rrsets.push(rrset_from_obj(&item, None, None)?);
                }
            }
        }
        Some(other) => {
            return Err(validation_error(
                "body",
                "zone",
                &format!("{other} is not an object"),
            ))
        }
    }
    rrsets.retain(|r| !managed_by_livedns(r));
    reject_duplicates(&rrsets)?;
    check_placement(&rrsets)?;
    if !state.domains.contains_key(&fqdn) {
        return Err(not_found());
    }
    if state.zones.contains_key(&fqdn) {
        return Err(crate::fake::http::standard_error(409));
    }
    state.zones.insert(fqdn.clone(), Zone::new(&fqdn, rrsets));
    Ok(Response::message(201, "Domain Created").with_header("location", &zone_href(base, &fqdn)))
}

pub fn get_zone(state: &State, base: &str, fqdn: &str) -> Reply {
    let zone = state.zones.get(fqdn).ok_or_else(not_found)?;
    let href = zone_href(base, fqdn);
    Ok(Response::json(
        200,
        &json!({
            "domain_keys_href": format!("{href}/keys"),
            "fqdn": zone.fqdn,
            "automatic_snapshots": zone.automatic_snapshots,
            "domain_records_href": format!("{href}/records"),
            "domain_href": href,
        }),
    ))
}

// ---------------------------------------------------------------------------
// Records: whole zone

pub fn list_records(req: &Req, state: &State, base: &str, fqdn: &str) -> Reply {
    let zone = state.zones.get(fqdn).ok_or_else(not_found)?;
    let type_filter = match req.query_value("rrset_type") {
        Some(t) => Some(normalize_type(t, "querystring")?),
        None => None,
    };
    // References, and only the page rendered: a page of a 5,000-rrset zone
    // costs what a page costs.
    let mut all: Vec<&Rrset> = zone.rrsets.iter().collect();
    all.sort_by(|a, b| listing_order(a, b));
    match req.query_value("sort_by").unwrap_or("rrset_name") {
        "rrset_name" => {}
        "-rrset_name" => all.reverse(),
        "rrset_type" => all.sort_by(|a, b| a.rtype.cmp(&b.rtype)),
        "-rrset_type" => all.sort_by(|a, b| b.rtype.cmp(&a.rtype)),
        other => {
            return Err(validation_error(
                "querystring",
                "sort_by",
                &format!("'{other}' is not a valid sort field"),
            ))
        }
    }
    let total = all.len();
    let matching: Vec<&Rrset> = all
        .into_iter()
        .filter(|r| type_filter.as_ref().is_none_or(|t| &r.rtype == t))
        .collect();
    if req.wants_text() {
        let owned: Vec<Rrset> = matching.into_iter().cloned().collect();
        return Ok(Response::text(200, zonetext::render(zone.serial, &owned)));
    }
    let page = paginate_with(
        req,
        base,
        matching.iter(),
        matching.len(),
        total,
        RECORDS_PER_PAGE,
        |r| RrsetItem::of(base, fqdn, r),
    )?;
    Ok(page.into_response())
}

pub fn replace_zone(req: &Req, state: &mut State, base: &str, fqdn: &str) -> Reply {
    zone_exists(state, fqdn)?;
    let mut rrsets = if req.sends_text() {
        let parsed = zonetext::parse(&req.body, fqdn).map_err(|e| body_error(&e))?;
        let mut out = Vec::new();
        for r in parsed {
            let mut obj = Map::new();
            obj.insert("rrset_ttl".into(), json!(r.ttl));
            obj.insert("rrset_values".into(), json!(r.values));
            out.push(rrset_from_obj(&obj, Some(&r.name), Some(&r.rtype))?);
        }
        out
    } else {
        let obj = req.json_object()?;
        let mut out = Vec::new();
        for item in items_of(&obj)? {
            if item.get("rrset_type").and_then(Value::as_str) == Some("SOA") {
                continue;
            }
            out.push(rrset_from_obj(&item, None, None)?);
        }
        out
    };
    rrsets.retain(|r| !managed_by_livedns(r));
    reject_duplicates(&rrsets)?;
    check_placement(&rrsets)?;
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    zone.rrsets = rrsets;
    zone.touch();
    Ok(created(format!("{}/records", zone_href(base, fqdn))))
}

pub fn delete_all_records(state: &mut State, fqdn: &str) -> Reply {
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    zone.rrsets.clear();
    zone.touch();
    Ok(Response::no_content())
}

pub fn create_record(req: &Req, state: &mut State, base: &str, fqdn: &str) -> Reply {
    zone_exists(state, fqdn)?;
    let rrset = rrset_from_obj(&req.json_object()?, None, None)?;
    insert_new(state, base, fqdn, rrset)
}

fn insert_new(state: &mut State, base: &str, fqdn: &str, rrset: Rrset) -> Reply {
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    if zone.find(&rrset.name, &rrset.rtype).is_some() {
        return Err(error_body(
            409,
            "This record already exists",
            "HTTPConflict",
            "Conflict",
        ));
    }
    check_placement(&with_upserted(&zone.rrsets, &rrset))?;
    let location = rrset_href(base, fqdn, &rrset.name, &rrset.rtype);
    zone.upsert(rrset);
    Ok(created(location))
}

// ---------------------------------------------------------------------------
// Records: by name

pub fn get_name(req: &Req, state: &State, base: &str, fqdn: &str, name: &str) -> Reply {
    let zone = state.zones.get(fqdn).ok_or_else(not_found)?;
    let name = normalize_name(name)?;
    let all = zone.sorted();
    let total = all.len();
    let items: Vec<Value> = all
        .iter()
        .filter(|r| r.name == name)
        .map(|r| rrset_json(base, fqdn, r))
        .collect();
    if req.wants_text() {
        let matching: Vec<Rrset> = all.into_iter().filter(|r| r.name == name).collect();
        let zone = state.zones.get(fqdn).ok_or_else(not_found)?;
        return Ok(Response::text(
            200,
            zonetext::render(zone.serial, &matching),
        ));
    }
    Ok(paginate(req, base, items, total, RECORDS_PER_PAGE)?.into_response())
}

pub fn put_name(req: &Req, state: &mut State, base: &str, fqdn: &str, name: &str) -> Reply {
    zone_exists(state, fqdn)?;
    let name = normalize_name(name)?;
    let obj = req.json_object()?;
    let mut rrsets = Vec::new();
    for item in items_of(&obj)? {
        rrsets.push(rrset_from_obj(&item, Some(&name), None)?);
    }
    reject_duplicates(&rrsets)?;
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    let mut resulting: Vec<Rrset> = zone
        .rrsets
        .iter()
        .filter(|r| r.name != name)
        .cloned()
        .collect();
    resulting.extend(rrsets);
    check_placement(&resulting)?;
    zone.rrsets = resulting;
    zone.touch();
    Ok(created(format!(
        "{}/records/{}",
        zone_href(base, fqdn),
        percent_encode(&name)
    )))
}

pub fn post_name(req: &Req, state: &mut State, base: &str, fqdn: &str, name: &str) -> Reply {
    zone_exists(state, fqdn)?;
    let name = normalize_name(name)?;
    let rrset = rrset_from_obj(&req.json_object()?, Some(&name), None)?;
    insert_new(state, base, fqdn, rrset)
}

pub fn delete_name(state: &mut State, fqdn: &str, name: &str) -> Reply {
    let name = normalize_name(name)?;
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    let before = zone.rrsets.len();
    zone.rrsets.retain(|r| r.name != name);
    if zone.rrsets.len() == before {
        return Err(record_not_found(&name));
    }
    zone.touch();
    Ok(Response::no_content())
}

// ---------------------------------------------------------------------------
// Records: by name and type

fn name_type(name: &str, rtype: &str) -> Result<(String, String), Response> {
    Ok((normalize_name(name)?, normalize_type(rtype, "path")?))
}

pub fn get_rrset(state: &State, base: &str, fqdn: &str, name: &str, rtype: &str) -> Reply {
    let zone = state.zones.get(fqdn).ok_or_else(not_found)?;
    let (name, rtype) = name_type(name, rtype)?;
    let r = zone
        .find(&name, &rtype)
        .ok_or_else(|| record_not_found(&format!("{name}/{rtype}")))?;
    Ok(Response::json(200, &rrset_json(base, fqdn, r)))
}

pub fn post_rrset(
    req: &Req,
    state: &mut State,
    base: &str,
    fqdn: &str,
    name: &str,
    rtype: &str,
) -> Reply {
    zone_exists(state, fqdn)?;
    let (name, rtype) = name_type(name, rtype)?;
    let rrset = rrset_from_obj(&req.json_object()?, Some(&name), Some(&rtype))?;
    insert_new(state, base, fqdn, rrset)
}

/// Upsert. An omitted `rrset_ttl` resets the TTL to 10800 (recorded behaviour).
/// `rrset_name`/`rrset_type` in the body are ignored: the path wins.
pub fn put_rrset(
    req: &Req,
    state: &mut State,
    base: &str,
    fqdn: &str,
    name: &str,
    rtype: &str,
) -> Reply {
    zone_exists(state, fqdn)?;
    let (name, rtype) = name_type(name, rtype)?;
    let rrset = rrset_from_obj(&req.json_object()?, Some(&name), Some(&rtype))?;
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    check_placement(&with_upserted(&zone.rrsets, &rrset))?;
    zone.upsert(rrset);
    Ok(created(rrset_href(base, fqdn, &name, &rtype)))
}

/// `add_rrset_values`, `remove_rrset_values`, `rrset_ttl`. Answers 200 with the
/// rrset; when no value is left the rrset is deleted and the answer is 204.
pub fn patch_rrset(
    req: &Req,
    state: &mut State,
    base: &str,
    fqdn: &str,
    name: &str,
    rtype: &str,
) -> Reply {
    zone_exists(state, fqdn)?;
    let (name, rtype) = name_type(name, rtype)?;
    let obj = req.json_object()?;
    let list = |key: &str| -> Result<Vec<String>, Response> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str()
                        .ok_or_else(|| body_error(&format!("{key}: {v} is not a string")))
                        .and_then(|s| check_value(&rtype, s))
                })
                .collect(),
            Some(other) => Err(body_error(&format!("{key}: {other} is not a list"))),
        }
    };
    let add = list("add_rrset_values")?;
    let remove = list("remove_rrset_values")?;
    let ttl = if obj.contains_key("rrset_ttl") {
        Some(parse_ttl(&obj)?)
    } else {
        None
    };
    if add.is_empty() && remove.is_empty() && ttl.is_none() {
        return Err(body_error(
            "one of add_rrset_values, remove_rrset_values, rrset_ttl is required",
        ));
    }
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    let mut r = zone
        .find(&name, &rtype)
        .cloned()
        .ok_or_else(|| record_not_found(&format!("{name}/{rtype}")))?;
    r.values.retain(|v| !remove.contains(v));
    for v in add {
        if !r.values.contains(&v) {
            r.values.push(v);
        }
    }
    if let Some(t) = ttl {
        r.ttl = t;
    }
    if r.values.is_empty() {
        zone.rrsets
            .retain(|x| !(x.name == name && x.rtype == rtype));
        zone.touch();
        return Ok(Response::no_content());
    }
    let body = rrset_json(base, fqdn, &r);
    zone.upsert(r);
    Ok(Response::json(200, &body))
}

pub fn delete_rrset(state: &mut State, fqdn: &str, name: &str, rtype: &str) -> Reply {
    let zone = state.zones.get_mut(fqdn).ok_or_else(not_found)?;
    let (name, rtype) = name_type(name, rtype)?;
    if zone.find(&name, &rtype).is_none() {
        return Err(record_not_found(&format!("{name}/{rtype}")));
    }
    zone.rrsets
        .retain(|r| !(r.name == name && r.rtype == rtype));
    zone.touch();
    Ok(Response::no_content())
}

// ---------------------------------------------------------------------------
// Snapshots

fn snapshot_href(base: &str, fqdn: &str, id: &str) -> String {
    format!("{}/snapshots/{id}", zone_href(base, fqdn))
}

fn snapshot_summary(base: &str, fqdn: &str, s: &Snapshot) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "created_at": iso8601(s.created_at),
        "automatic": s.automatic,
        "href": snapshot_href(base, fqdn, &s.id),
    })
}

pub fn list_snapshots(req: &Req, state: &State, base: &str, fqdn: &str) -> Reply {
    zone_exists(state, fqdn)?;
    let mut snaps: Vec<&Snapshot> = state
        .snapshots
        .get(fqdn)
        .map(|v| v.iter().collect())
        .unwrap_or_default();
    let total = snaps.len();
    match req.query_value("sort_by").unwrap_or("date_created") {
        "date_created" => snaps.sort_by_key(|s| s.created_at),
        "-date_created" => {
            snaps.reverse();
            snaps.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        }
        other => {
            return Err(validation_error(
                "querystring",
                "sort_by",
                &format!("'{other}' is not one of date_created, -date_created"),
            ))
        }
    }
    let automatic = match req.query_value("automatic") {
        None => None,
        Some("true") | Some("1") => Some(true),
        Some("false") | Some("0") => Some(false),
        Some(other) => {
            return Err(validation_error(
                "querystring",
                "automatic",
                &format!("'{other}' is not a boolean"),
            ))
        }
    };
    let items = snaps
        .into_iter()
        .filter(|s| automatic.is_none_or(|a| s.automatic == a))
        .map(|s| snapshot_summary(base, fqdn, s))
        .collect();
    Ok(paginate(req, base, items, total, DEFAULT_PER_PAGE)?.into_response())
}

pub fn create_snapshot(req: &Req, state: &mut State, base: &str, fqdn: &str) -> Reply {
    let zone = state.zones.get(fqdn).ok_or_else(not_found)?;
    let obj = req.json_object()?;
    let now = now_secs();
    let count = state.snapshots.get(fqdn).map_or(0, Vec::len);
    let name = match obj.get("name") {
        None | Some(Value::Null) => format!("{} #{}", &iso8601(now)[..10], count + 1),
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(other) => {
            return Err(validation_error(
                "body",
                "name",
                &format!("{other} is not a non-empty string"),
            ))
        }
    };
    let mut zone_data = zone.rrsets.clone();
    sort_rrsets(&mut zone_data);
    let snap = Snapshot {
        id: new_uuid(),
        name,
        created_at: now,
        automatic: false,
        zone_data,
    };
    let id = snap.id.clone();
    state
        .snapshots
        .entry(fqdn.to_string())
        .or_default()
        .push(snap);
    Ok(
        Response::json(201, &json!({ "id": id, "message": "Snapshot Created" }))
            .with_header("location", &snapshot_href(base, fqdn, &id)),
    )
}

fn find_snapshot<'a>(state: &'a State, fqdn: &str, id: &str) -> Result<&'a Snapshot, Response> {
    zone_exists(state, fqdn)?;
    state
        .snapshots
        .get(fqdn)
        .and_then(|v| v.iter().find(|s| s.id == id))
        .ok_or_else(not_found)
}

pub fn get_snapshot(req: &Req, state: &State, base: &str, fqdn: &str, id: &str) -> Reply {
    let snap = find_snapshot(state, fqdn, id)?;
    if req.wants_text() {
        let serial = state.zones.get(fqdn).map_or(1_700_000_000, |z| z.serial);
        return Ok(Response::text(
            200,
            zonetext::render(serial, &snap.zone_data),
        ));
    }
    let mut body = snapshot_summary(base, fqdn, snap);
    if let Value::Object(map) = &mut body {
        map.insert(
            "zone_data".to_string(),
            Value::Array(snap.zone_data.iter().map(rrset_json_bare).collect()),
        );
    }
    Ok(Response::json(200, &body))
}

pub fn rename_snapshot(req: &Req, state: &mut State, fqdn: &str, id: &str) -> Reply {
    find_snapshot(state, fqdn, id)?;
    let obj = req.json_object()?;
    let name = match obj.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        None => return Err(validation_error("body", "name", "Required")),
        Some(other) => {
            return Err(validation_error(
                "body",
                "name",
                &format!("{other} is not a non-empty string"),
            ))
        }
    };
    if let Some(s) = state
        .snapshots
        .get_mut(fqdn)
        .and_then(|v| v.iter_mut().find(|s| s.id == id))
    {
        s.name = name;
    }
    Ok(Response::message(200, "Snapshot updated"))
}

pub fn delete_snapshot(state: &mut State, fqdn: &str, id: &str) -> Reply {
    find_snapshot(state, fqdn, id)?;
    if let Some(v) = state.snapshots.get_mut(fqdn) {
        v.retain(|s| s.id != id);
    }
    Ok(Response::no_content())
}

// ---------------------------------------------------------------------------
// The route table

use crate::fake::auth::{SCOPE_DNS_READ as DNS_R, SCOPE_DNS_WRITE as DNS_W};
use crate::fake::router::{fqdn, Access, Route};

/// An edit made elsewhere to a whole zone: one more rrset.
fn perturb_zone(state: &mut State, a: &[String]) {
    if let Some(zone) = state.zones.get_mut(&fqdn(&a[0])) {
        let name = format!("perturbed-{}", zone.serial);
        zone.upsert(Rrset::new(&name, "TXT", 300, &["\"changed elsewhere\""]));
    }
}

/// An edit made elsewhere at one name (one type when given): a TTL
/// changes, or an address appears where there was nothing.
fn perturb_name(state: &mut State, a: &[String]) {
    let Ok(name) = normalize_name(&a[1]) else {
        return;
    };
    let rtype = a.get(2).map(|t| t.to_ascii_uppercase());
    if let Some(zone) = state.zones.get_mut(&fqdn(&a[0])) {
        let hit = zone
            .rrsets
            .iter_mut()
            .find(|r| r.name == name && rtype.as_ref().is_none_or(|t| &r.rtype == t));
        match hit {
            Some(r) => {
                r.ttl = if r.ttl < 2_592_000 {
                    r.ttl + 60
                } else {
                    r.ttl - 60
                }
            }
            None => zone.rrsets.push(Rrset::new(
                &name,
                rtype.as_deref().unwrap_or("A"),
                300,
                &["192.0.2.254"],
            )),
        }
        zone.touch();
    }
}

fn perturb_snapshot(state: &mut State, a: &[String]) {
    if let Some(list) = state.snapshots.get_mut(&fqdn(&a[0])) {
        for s in list.iter_mut().filter(|s| s.id == a[1]) {
            s.name.push_str(" (renamed)");
        }
    }
}

/// The LiveDNS routes.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/v5/livedns/domains",
        access: Access::Scope(DNS_R),
        handle: |req, state, base, _| list_zones(req, state, base),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/livedns/domains",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, _| create_zone(req, state, base),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/livedns/domains/{zone}",
        access: Access::Scope(DNS_R),
        handle: |_, state, base, a| get_zone(state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/livedns/domains/{zone}/records",
        access: Access::Scope(DNS_R),
        handle: |req, state, base, a| list_records(req, state, base, &fqdn(&a[0])),
        perturb: Some(perturb_zone),
    },
    Route {
        method: "POST",
        pattern: "/v5/livedns/domains/{zone}/records",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| create_record(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "PUT",
        pattern: "/v5/livedns/domains/{zone}/records",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| replace_zone(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/livedns/domains/{zone}/records",
        access: Access::Scope(DNS_W),
        handle: |_, state, _, a| delete_all_records(state, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/livedns/domains/{zone}/records/{name}",
        access: Access::Scope(DNS_R),
        handle: |req, state, base, a| get_name(req, state, base, &fqdn(&a[0]), &a[1]),
        perturb: Some(perturb_name),
    },
    Route {
        method: "POST",
        pattern: "/v5/livedns/domains/{zone}/records/{name}",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| post_name(req, state, base, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "PUT",
        pattern: "/v5/livedns/domains/{zone}/records/{name}",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| put_name(req, state, base, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/livedns/domains/{zone}/records/{name}",
        access: Access::Scope(DNS_W),
        handle: |_, state, _, a| delete_name(state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/livedns/domains/{zone}/records/{name}/{type}",
        access: Access::Scope(DNS_R),
        handle: |_, state, base, a| get_rrset(state, base, &fqdn(&a[0]), &a[1], &a[2]),
        perturb: Some(perturb_name),
    },
    Route {
        method: "POST",
        pattern: "/v5/livedns/domains/{zone}/records/{name}/{type}",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| post_rrset(req, state, base, &fqdn(&a[0]), &a[1], &a[2]),
        perturb: None,
    },
    Route {
        method: "PUT",
        pattern: "/v5/livedns/domains/{zone}/records/{name}/{type}",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| put_rrset(req, state, base, &fqdn(&a[0]), &a[1], &a[2]),
        perturb: None,
    },
    Route {
        method: "PATCH",
        pattern: "/v5/livedns/domains/{zone}/records/{name}/{type}",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| patch_rrset(req, state, base, &fqdn(&a[0]), &a[1], &a[2]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/livedns/domains/{zone}/records/{name}/{type}",
        access: Access::Scope(DNS_W),
        handle: |_, state, _, a| delete_rrset(state, &fqdn(&a[0]), &a[1], &a[2]),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/livedns/domains/{zone}/snapshots",
        access: Access::Scope(DNS_R),
        handle: |req, state, base, a| list_snapshots(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/livedns/domains/{zone}/snapshots",
        access: Access::Scope(DNS_W),
        handle: |req, state, base, a| create_snapshot(req, state, base, &fqdn(&a[0])),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/livedns/domains/{zone}/snapshots/{id}",
        access: Access::Scope(DNS_R),
        handle: |req, state, base, a| get_snapshot(req, state, base, &fqdn(&a[0]), &a[1]),
        perturb: Some(perturb_snapshot),
    },
    Route {
        method: "PATCH",
        pattern: "/v5/livedns/domains/{zone}/snapshots/{id}",
        access: Access::Scope(DNS_W),
        handle: |req, state, _, a| rename_snapshot(req, state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/livedns/domains/{zone}/snapshots/{id}",
        access: Access::Scope(DNS_W),
        handle: |_, state, _, a| delete_snapshot(state, &fqdn(&a[0]), &a[1]),
        perturb: None,
    },
];
