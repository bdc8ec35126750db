//! Certificate API handlers and state: issued certificates (list, detail,
//! order and renewal with `Dry-Run: 1`, revocation), the domain-validation
//! parameters (read-only POSTs) and the packages on sale with their yearly
//! prices (the `issued-cert` price list). Gandi's rules here are the fake's
//! own copies.

use serde_json::{json, Map, Value};

use crate::fake::auth::{SCOPE_CERT_READ, SCOPE_CERT_WRITE};
use crate::fake::http::{
    error_body, glob_match, not_found, paginate, validation_error, Req, Response,
};
use crate::fake::router::{Access, Reply, Route};
use crate::fake::state::{iso8601, new_uuid, now_secs, State, DAY};

const DEFAULT_PER_PAGE: usize = 100;
const DCV_METHODS: [&str; 5] = ["email", "dns", "file", "http", "https"];

#[derive(Debug, Clone, PartialEq)]
pub struct CertPackage {
    pub name: String,
    /// `std`, `pro`, `bus`.
    pub category: String,
    pub max_domains: u64,
    pub wildcard: bool,
    pub provider: String,
    /// Yearly prices before taxes, in `state.prices.currency`.
    pub create: f64,
    pub renew: f64,
    pub max_years: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cert {
    pub id: String,
    pub cn: String,
    pub altnames: Vec<String>,
    /// `pending`, `valid`, `revoked`, `expired`.
    pub status: String,
    pub package: String,
    pub dcv_method: String,
    pub created_at: i64,
    pub ends_at: i64,
    pub subscription_ends_at: i64,
    pub updated_at: i64,
    /// Orders received (creation and renewals), for tests.
    pub orders: u32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Certificates {
    pub issued: Vec<Cert>,
    pub packages: Vec<CertPackage>,
}

/// `www.example.com` (+ `example.com`), valid for 200 more days.
pub const CERT_WWW_ID: &str = "2b9c4e6a-1d3f-4a5b-8c7d-9e0f1a2b3c4d";
/// `mail.example.com`, valid, expiring in 20 days (the one to renew).
pub const CERT_MAIL_ID: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
/// `old.example.com`, revoked.
pub const CERT_OLD_ID: &str = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";

impl Certificates {
    pub fn seeded() -> Certificates {
        let now = now_secs();
        let package =
            |name: &str, category: &str, max: u64, wildcard: bool, price: f64| CertPackage {
                name: name.into(),
                category: category.into(),
                max_domains: max,
                wildcard,
                provider: "sectigo".into(),
                create: price,
                renew: price,
                max_years: 2,
            };
        let cert =
            |id: &str, cn: &str, alt: &[&str], status: &str, package: &str, ends_in: i64| Cert {
                id: id.into(),
                cn: cn.into(),
                altnames: alt.iter().map(|s| s.to_string()).collect(),
                status: status.into(),
                package: package.into(),
                dcv_method: "dns".into(),
                created_at: now - (365 - ends_in) * DAY,
                ends_at: now + ends_in * DAY,
                subscription_ends_at: now + ends_in * DAY,
                updated_at: now - 30 * DAY,
                orders: 1,
            };
        Certificates {
            packages: vec![
                package("cert_std_1_0_0", "std", 1, false, 20.0),
                package("cert_std_3_0_0", "std", 3, false, 45.0),
                package("cert_std_w_0_0", "std", 1, true, 150.0),
                package("cert_pro_1_10_0", "pro", 1, false, 60.0),
            ],
            issued: vec![
                cert(
                    CERT_WWW_ID,
                    "www.example.com",
                    &["example.com"],
                    "valid",
                    "cert_std_3_0_0",
                    200,
                ),
                cert(
                    CERT_MAIL_ID,
                    "mail.example.com",
                    &[],
                    "valid",
                    "cert_std_1_0_0",
                    20,
                ),
                cert(
                    CERT_OLD_ID,
                    "old.example.com",
                    &[],
                    "revoked",
                    "cert_std_1_0_0",
                    90,
                ),
            ],
        }
    }

    pub fn package(&self, name: &str) -> Option<&CertPackage> {
        self.packages.iter().find(|p| p.name == name)
    }
}

fn package_json(base: &str, p: &CertPackage) -> Value {
    json!({
        "name": p.name,
        "category": {"name": p.category},
        "href": format!("{base}/v5/certificate/packages/{}", p.name),
        "max_domains": p.max_domains,
        "min_domains": 1,
        "provider": p.provider,
        "sgc": 0,
        "trustlogo": false,
        "warranty": 10000,
        "wildcard": p.wildcard,
    })
}

fn cert_json(state: &State, base: &str, c: &Cert) -> Value {
    let p = state.certificates.package(&c.package);
    json!({
        "id": c.id,
        "cn": c.cn,
        "cn_unicode": c.cn,
        "altnames": c.altnames,
        "altnames_unicode": c.altnames,
        "status": c.status,
        "software": 2,
        "dates": {
            "created_at": iso8601(c.created_at),
            "started_at": iso8601(c.created_at),
            "ends_at": iso8601(c.ends_at),
            "subscription_ends_at": iso8601(c.subscription_ends_at),
            "updated_at": iso8601(c.updated_at),
        },
        "package": {
            "name": c.package,
            "name_label": p.map(|p| format!("{} SSL", p.category.to_ascii_uppercase())),
            "href": format!("{base}/v5/certificate/packages/{}", c.package),
            "max_domains": p.map(|p| p.max_domains),
            "type": "DV",
            "type_label": "Domain validation",
            "wildcard": p.map(|p| p.wildcard),
        },
        "contact": {"email": "jdoe@example.org", "given": "John", "family": "Doe", "country": "FR"},
    })
}

pub fn list_certs(req: &Req, state: &State, base: &str) -> Reply {
    let cn = req.query_value("cn");
    let status = req.query_value("status");
    let package = req.query_value("package");
    let mut matching: Vec<&Cert> = state
        .certificates
        .issued
        .iter()
        .filter(|c| cn.is_none_or(|p| glob_match(p, &c.cn)))
        .filter(|c| status.is_none_or(|s| c.status == s))
        .filter(|c| package.is_none_or(|p| c.package == p))
        .collect();
    matching.sort_by(|a, b| a.cn.cmp(&b.cn));
    let items = matching.iter().map(|c| cert_json(state, base, c)).collect();
    Ok(paginate(
        req,
        base,
        items,
        state.certificates.issued.len(),
        DEFAULT_PER_PAGE,
    )?
    .into_response())
}

fn find_cert<'a>(state: &'a State, id: &str) -> Result<&'a Cert, Response> {
    state
        .certificates
        .issued
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(not_found)
}

fn cert_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Cert, Response> {
    state
        .certificates
        .issued
        .iter_mut()
        .find(|c| c.id == id)
        .ok_or_else(not_found)
}

pub fn get_cert(state: &State, base: &str, id: &str) -> Reply {
    Ok(Response::json(
        200,
        &cert_json(state, base, find_cert(state, id)?),
    ))
}

fn is_host(s: &str, wildcard: bool) -> bool {
    let s = match s.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        Some(_) => return false,
        None => s,
    };
    s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// PEM with the CSR armour (the fake's own check).
fn is_csr(s: &str) -> bool {
    let t = s.trim();
    t.starts_with("-----BEGIN CERTIFICATE REQUEST-----")
        && t.ends_with("-----END CERTIFICATE REQUEST-----")
        && t.len() > 80
}

fn duration_of(obj: &Map<String, Value>, max: u32) -> Result<u32, Response> {
    match obj.get("duration") {
        None | Some(Value::Null) => Ok(1),
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 && n <= u64::from(max) => Ok(n as u32),
            _ => Err(validation_error(
                "body",
                "duration",
                &format!("{v} is not between 1 and {max}"),
            )),
        },
    }
}

fn dcv_of(obj: &Map<String, Value>) -> Result<Option<String>, Response> {
    match obj.get("dcv_method") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(m)) if DCV_METHODS.contains(&m.as_str()) => Ok(Some(m.clone())),
        Some(v) => Err(validation_error(
            "body",
            "dcv_method",
            &format!("{v} is not one of email, dns, file, http, https"),
        )),
    }
}

fn csr_of(obj: &Map<String, Value>) -> Result<Option<String>, Response> {
    match obj.get("csr") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(c)) if is_csr(c) => Ok(Some(c.clone())),
        Some(_) => Err(validation_error("body", "csr", "Invalid CSR")),
    }
}

/// Takes an order's total from the prepaid account when it covers it (else
/// the card on file pays).
fn charge(state: &mut State, yearly: f64, years: u32) {
    let total = state.prices.with_taxes(yearly * f64::from(years));
    if state.billing.prepaid + 0.005 >= total {
        state.billing.prepaid = ((state.billing.prepaid - total) * 100.0).round() / 100.0;
    }
}

fn dry_run(req: &Req) -> bool {
    req.header("dry-run") == Some("1")
}

fn dry_run_success() -> Response {
    Response::json(200, &json!({"status": "success"}))
}

pub fn create_cert(req: &Req, state: &mut State, base: &str) -> Reply {
    let obj = req.json_object()?;
    let package = match obj.get("package").and_then(Value::as_str) {
        Some(p) => state.certificates.package(p).cloned().ok_or_else(|| {
            validation_error("body", "package", &format!("'{p}' is not a known package"))
        })?,
        None => return Err(validation_error("body", "package", "Required")),
    };
    let csr = csr_of(&obj)?;
    let cn = match obj.get("cn") {
        None | Some(Value::Null) if csr.is_some() => "csr-subject.example.com".to_string(),
        None | Some(Value::Null) => {
            return Err(validation_error("body", "cn", "Required without csr"))
        }
        Some(Value::String(c)) if is_host(c, package.wildcard) => c.to_ascii_lowercase(),
        Some(v) => {
            return Err(validation_error(
                "body",
                "cn",
                &format!("{v} is not a valid common name"),
            ))
        }
    };
    let mut altnames = Vec::new();
    if let Some(v) = obj.get("altnames") {
        let Some(list) = v.as_array() else {
            return Err(validation_error("body", "altnames", "Should be a list"));
        };
        for a in list {
            match a.as_str() {
                Some(s) if is_host(s, package.wildcard) => altnames.push(s.to_ascii_lowercase()),
                _ => {
                    return Err(validation_error(
                        "body",
                        "altnames",
                        &format!("{a} is not a valid name"),
                    ))
                }
            }
        }
    }
    let names = 1 + altnames.iter().filter(|a| **a != cn).count() as u64;
    if names > package.max_domains {
        return Err(validation_error(
            "body",
            "altnames",
            &format!("{} allows {} domain(s)", package.name, package.max_domains),
        ));
    }
    let dcv = dcv_of(&obj)?.unwrap_or_else(|| "email".to_string());
    let years = duration_of(&obj, package.max_years)?;
    if dry_run(req) {
        return Ok(dry_run_success());
    }
    let now = now_secs();
    let id = new_uuid();
    state.certificates.issued.push(Cert {
        id: id.clone(),
        cn,
        altnames,
        status: "pending".into(),
        package: package.name.clone(),
        dcv_method: dcv,
        created_at: now,
        ends_at: now + 365 * DAY,
        subscription_ends_at: now + i64::from(years) * 365 * DAY,
        updated_at: now,
        orders: 1,
    });
    charge(state, package.create, years);
    let href = format!("{base}/v5/certificate/issued-certs/{id}");
    // Status unknown (open question 1): 202, as for Gandi's other long operations.
    Ok(Response::json(
        202,
        &json!({"href": href, "id": id, "message": "The certificate is being created"}),
    )
    .with_header("location", &href))
}

pub fn renew_cert(req: &Req, state: &mut State, id: &str) -> Reply {
    let cert = find_cert(state, id)?.clone();
    let obj = req.json_object()?;
    if !matches!(cert.status.as_str(), "valid" | "expired") {
        return Err(validation_error(
            "body",
            "id",
            &format!("a {} certificate cannot be renewed", cert.status),
        ));
    }
    let package = state
        .certificates
        .package(&cert.package)
        .cloned()
        .ok_or_else(not_found)?;
    csr_of(&obj)?;
    let dcv = dcv_of(&obj)?;
    let years = duration_of(&obj, package.max_years)?;
    if dry_run(req) {
        return Ok(dry_run_success());
    }
    let c = cert_mut(state, id)?;
    c.subscription_ends_at += i64::from(years) * 365 * DAY;
    c.ends_at = c.ends_at.max(now_secs()) + 365 * DAY;
    c.updated_at = now_secs();
    c.orders += 1;
    if let Some(m) = dcv {
        c.dcv_method = m;
    }
    charge(state, package.renew, years);
    Ok(Response::message(202, "The certificate is being renewed"))
}

pub fn revoke_cert(state: &mut State, id: &str) -> Reply {
    let c = cert_mut(state, id)?;
    if c.status == "revoked" {
        return Err(error_body(
            409,
            "The certificate is already revoked",
            "HTTPConflict",
            "Conflict",
        ));
    }
    c.status = "revoked".into();
    c.updated_at = now_secs();
    Ok(Response::message(200, "The certificate has been revoked"))
}

/// What validating `names` by `method` takes (the same shape as Gandi's).
fn dcv_answer(names: &[String], method: &str, unique: Option<&str>) -> Value {
    let token = |n: &str| format!("_{:x}", n.len() * 7919 + 104729);
    let dns_records: Vec<String> = names
        .iter()
        .map(|n| {
            let bare = n.trim_start_matches("*.");
            format!(
                "{}.{bare}. 10800 IN CNAME {}.sectigo.com.",
                token(bare),
                token(bare).trim_start_matches('_')
            )
        })
        .collect();
    let mut v = json!({
        "altnames": names,
        "dcv_method": method,
        "fqdns": names,
        "md5": "0f343b0931126a20f133d67c2b018a3b",
        "sha256": "6b86b273ff34fce19c5b784ebcbb2ac5f7a5d1d4e1e0b29b8b6d9e7a4f3b2c1d",
        "messages": [format!("validation by {method} is pending")],
    });
    if let Value::Object(map) = &mut v {
        if method == "dns" {
            map.insert("dns_records".into(), json!(dns_records));
        }
        if let Some(u) = unique {
            map.insert("unique_value".into(), json!(u));
        }
    }
    v
}

pub fn cert_dcv_params(req: &Req, state: &State, id: &str) -> Reply {
    let cert = find_cert(state, id)?;
    let obj = req.json_object()?;
    csr_of(&obj)?;
    let method = dcv_of(&obj)?.unwrap_or_else(|| cert.dcv_method.clone());
    let mut names = vec![cert.cn.clone()];
    names.extend(cert.altnames.iter().filter(|a| **a != cert.cn).cloned());
    Ok(Response::json(
        200,
        &dcv_answer(&names, &method, Some(&cert.id[..8])),
    ))
}

pub fn dcv_params(req: &Req, state: &State) -> Reply {
    let obj = req.json_object()?;
    let csr = csr_of(&obj)?;
    let wildcard = match obj.get("package").and_then(Value::as_str) {
        Some(p) => state
            .certificates
            .package(p)
            .map(|p| p.wildcard)
            .ok_or_else(|| {
                validation_error("body", "package", &format!("'{p}' is not a known package"))
            })?,
        None => true,
    };
    let mut names = Vec::new();
    if let Some(list) = obj.get("altnames").and_then(Value::as_array) {
        for a in list {
            match a.as_str() {
                Some(s) if is_host(s, wildcard) => names.push(s.to_string()),
                _ => {
                    return Err(validation_error(
                        "body",
                        "altnames",
                        &format!("{a} is not a valid name"),
                    ))
                }
            }
        }
    }
    if names.is_empty() && csr.is_none() {
        return Err(validation_error("body", "altnames", "Required without csr"));
    }
    let method = dcv_of(&obj)?.unwrap_or_else(|| "email".to_string());
    Ok(Response::json(200, &dcv_answer(&names, &method, None)))
}

pub fn list_packages(req: &Req, state: &State, base: &str) -> Reply {
    let items: Vec<Value> = state
        .certificates
        .packages
        .iter()
        .map(|p| package_json(base, p))
        .collect();
    let total = items.len();
    Ok(paginate(req, base, items, total, DEFAULT_PER_PAGE)?.into_response())
}

pub fn get_package(state: &State, base: &str, name: &str) -> Reply {
    let p = state.certificates.package(name).ok_or_else(not_found)?;
    Ok(Response::json(200, &package_json(base, p)))
}

/// The Certificate routes.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/v5/certificate/issued-certs",
        access: Access::Scope(SCOPE_CERT_READ),
        handle: |req, state, base, _| list_certs(req, state, base),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/certificate/issued-certs",
        access: Access::Scope(SCOPE_CERT_WRITE),
        handle: |req, state, base, _| create_cert(req, state, base),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/certificate/issued-certs/{id}",
        access: Access::Scope(SCOPE_CERT_READ),
        handle: |_, state, base, a| get_cert(state, base, &a[0]),
        // Renewed elsewhere: it now ends a year later.
        perturb: Some(|state, a| {
            if let Some(c) = state.certificates.issued.iter_mut().find(|c| c.id == a[0]) {
                c.ends_at += 365 * DAY;
                c.subscription_ends_at += 365 * DAY;
            }
        }),
    },
    Route {
        method: "POST",
        pattern: "/v5/certificate/issued-certs/{id}",
        access: Access::Scope(SCOPE_CERT_WRITE),
        handle: |req, state, _, a| renew_cert(req, state, &a[0]),
        perturb: None,
    },
    Route {
        method: "DELETE",
        pattern: "/v5/certificate/issued-certs/{id}",
        access: Access::Scope(SCOPE_CERT_WRITE),
        handle: |_, state, _, a| revoke_cert(state, &a[0]),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/certificate/issued-certs/{id}/dcv_params",
        access: Access::Scope(SCOPE_CERT_READ),
        handle: |req, state, _, a| cert_dcv_params(req, state, &a[0]),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/certificate/dcv_params",
        access: Access::Scope(SCOPE_CERT_READ),
        handle: |req, state, _, _| dcv_params(req, state),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/certificate/packages",
        access: Access::Scope(SCOPE_CERT_READ),
        handle: |req, state, base, _| list_packages(req, state, base),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/certificate/packages/{name}",
        access: Access::Scope(SCOPE_CERT_READ),
        handle: |_, state, base, a| get_package(state, base, &a[0]),
        perturb: None,
    },
];
