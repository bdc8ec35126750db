//! Certificates: list, get, packages and `dcv` (the domain-validation
//! parameters: a documented read-only POST), the two orders `create` and
//! `renew` (billable: Gandi's price for the package, its `Dry-Run: 1`
//! verdict, a plan bound to the quoted total) and `revoke` (destructive,
//! previewed). A CSR is checked to be PEM before any request.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ureq::http::Method;

use crate::actions::billing::{quote, Price};
use crate::actions::common::{check_id, dry_run_ok, id_in_location, unicode, ListParams};
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{encode, Body};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::certificate::{Certificate, DcvParams, Ordered, Package};
use crate::gandi::DryRunVerdict;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const DETAIL_ROUTE: Route = Route::get(
    "/v5/certificate/issued-certs/{certificate_id}",
    Permission::CertificateRead,
);
const PRICE_ROUTE: Route = Route::get("/v5/billing/price/issued-cert", Permission::BillingRead);

/// The ways a certificate authority checks that the names are the user's.
const DCV_METHODS: [&str; 5] = ["email", "dns", "file", "http", "https"];
/// A CSR is a few KiB; anything much larger is not one.
const MAX_CSR: usize = 16 * 1024;

fn certificate_id(id: &str) -> SkillResult<()> {
    check_id(
        "certificate_id",
        id,
        "a certificate id as certificates.list shows it",
    )
}

fn cert_path(id: Option<&str>) -> String {
    match id {
        Some(id) => format!("certificate/issued-certs/{}", encode(id)),
        None => "certificate/issued-certs".to_string(),
    }
}

/// A host name a certificate can cover (`shop.example.com`, `*.example.com`),
/// ASCII. `*.` only when `wildcard` allows it.
fn host_name(field: &str, given: &str, wildcard: bool) -> SkillResult<String> {
    let trimmed = given.trim().trim_end_matches('.');
    let (star, rest) = match trimmed.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if star && !wildcard {
        return Err(SkillError::invalid_param(
            field,
            Some(given),
            "a host name without `*.`: this package does not cover wildcards (certificates.packages shows those that do)",
        ));
    }
    let ascii = crate::dns::zone_ascii(rest, field)?;
    Ok(if star { format!("*.{ascii}") } else { ascii })
}

/// The domains a certificate name touches for the user's policy: the name
/// and every parent of two labels or more (a protected domain covers the
/// certificates of its subdomains).
fn touched(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let bare = n.trim_start_matches("*.");
        let labels: Vec<&str> = bare.split('.').collect();
        for i in 0..labels.len().saturating_sub(1) {
            let d = labels[i..].join(".");
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

fn dcv_method(given: &str) -> SkillResult<String> {
    let m = given.trim().to_ascii_lowercase();
    if DCV_METHODS.contains(&m.as_str()) {
        Ok(m)
    } else {
        Err(SkillError::invalid_param(
            "dcv_method",
            Some(given),
            "`dns`, `email`, `file`, `http` or `https`",
        ))
    }
}

/// A certificate signing request in PEM form: the BEGIN line, base64
/// lines, the matching END line. Checked before any request.
fn check_csr(csr: &str) -> SkillResult<String> {
    let refuse = |why: &str| {
        SkillError::invalid_param(
            "csr",
            None,
            &format!("a PEM certificate signing request: -----BEGIN CERTIFICATE REQUEST-----, base64 lines, -----END CERTIFICATE REQUEST----- ({why})"),
        )
    };
    if csr.len() > MAX_CSR {
        return Err(refuse("it is larger than 16 KiB"));
    }
    let text = csr.trim();
    let (kind, rest) = if let Some(r) = text.strip_prefix("-----BEGIN CERTIFICATE REQUEST-----") {
        ("CERTIFICATE REQUEST", r)
    } else if let Some(r) = text.strip_prefix("-----BEGIN NEW CERTIFICATE REQUEST-----") {
        ("NEW CERTIFICATE REQUEST", r)
    } else if text.contains("PRIVATE KEY-----") {
        return Err(refuse(
            "this is a PRIVATE KEY: never send it; send the CSR made from it",
        ));
    } else {
        return Err(refuse("it does not start with the BEGIN line"));
    };
    let end = format!("-----END {kind}-----");
    let Some(body) = rest.strip_suffix(end.as_str()) else {
        return Err(refuse("it does not end with the matching END line"));
    };
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let padding = b64.len() - b64.trim_end_matches('=').len();
    let valid = !b64.is_empty()
        && b64.len() % 4 == 0
        && padding <= 2
        && b64
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if !valid {
        return Err(refuse("its body is not base64"));
    }
    Ok(text.to_string())
}

/// `expires_at` and the whole days left.
fn expiry(cx: &Reads, ends_at: Option<&str>) -> Option<i64> {
    ends_at
        .and_then(crate::time::parse_rfc3339)
        .map(|t| crate::time::days_until(cx.now(), t))
}

/// One certificate as replies show it.
#[derive(Clone, Serialize, JsonSchema)]
pub struct CertificateInfo {
    pub id: String,
    /// The main name (common name), ASCII.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cn: Option<String>,
    /// The Unicode form, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cn_unicode: Option<String>,
    /// The other names it covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub altnames: Vec<String>,
    /// `pending` (waiting for validation), `valid`, `revoked`, `replaced`, `expired`...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The package name (`cert_std_1_0_0`), as certificates.packages lists them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wildcard: Option<bool>,
    /// When the certificate stops being valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Whole days until `expires_at` (negative once past).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// When the paid subscription ends (it may outlast one certificate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_ends_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

impl CertificateInfo {
    fn of(cx: &Reads, c: Certificate) -> CertificateInfo {
        let cn_unicode = c
            .cn_unicode
            .clone()
            .or_else(|| c.cn.as_deref().map(unicode))
            .filter(|u| Some(u) != c.cn.as_ref());
        CertificateInfo {
            days_left: expiry(cx, c.dates.ends_at.as_deref()),
            id: c.id,
            cn: c.cn,
            cn_unicode,
            altnames: c.altnames,
            status: c.status,
            package: c.package.name,
            package_label: c.package.name_label,
            wildcard: c.package.wildcard,
            expires_at: c.dates.ends_at,
            subscription_ends_at: c.dates.subscription_ends_at,
            created_at: c.dates.created_at,
        }
    }

    fn names(&self) -> Vec<String> {
        self.cn.iter().chain(&self.altnames).cloned().collect()
    }
}

fn read_certificate(cx: &mut Reads, id: &str) -> SkillResult<CertificateInfo> {
    let c: Certificate = cx.get(&cert_path(Some(id)), &[])?;
    Ok(CertificateInfo::of(cx, c))
}

crate::list_params! {
    pub struct CertificatesListParams {
        /// Only certificates whose common name matches (Gandi's pattern: `*.example.com`, `shop.*`, or a name).
        #[serde(default)]
        pub cn: Option<String>,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct CertificateList {
    pub certificates: Vec<CertificateInfo>,
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "certificates.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::CertificateRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/certificate/issued-certs",
        Permission::CertificateRead,
    )];
    const SUMMARY: &'static str =
        "The account's certificates: status, names, package, expiry and days left.";
    const EXAMPLE: &'static str = r#"{"action":"certificates.list"}"#;
    type Params = CertificatesListParams;
    type Output = CertificateList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: CertificatesListParams) -> SkillResult<Step<Self>> {
        let mut query = Vec::new();
        if let Some(cn) = &p.cn {
            let t = cn.trim();
            if t.is_empty()
                || t.len() > 253
                || t.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(SkillError::invalid_param(
                    "cn",
                    Some(cn),
                    "a host name or a pattern such as `*.example.com`",
                ));
            }
            query.push(("cn", t.to_ascii_lowercase()));
        }
        let listing = cx.list::<Certificate>(&cert_path(None), &query, p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        let certificates = listing
            .items
            .into_iter()
            .map(|c| CertificateInfo::of(cx, c))
            .collect();
        Ok(Step::Done(CertificateList { certificates }))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateParams {
    /// The certificate id, as certificates.list shows it.
    pub certificate_id: String,
}

#[derive(Serialize, JsonSchema)]
pub struct CertificateShown {
    pub certificate: CertificateInfo,
}

pub struct Get;

impl Action for Get {
    const NAME: &'static str = "certificates.get";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::CertificateRead;
    const ROUTES: &'static [Route] = &[DETAIL_ROUTE];
    const SUMMARY: &'static str =
        "One certificate: status, names, package, expiry and days left, subscription end.";
    const EXAMPLE: &'static str =
        r#"{"action":"certificates.get","certificate_id":"2b9c4e6a-1d3f-4a5b-8c7d-9e0f1a2b3c4d"}"#;
    type Params = CertificateParams;
    type Output = CertificateShown;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: CertificateParams) -> SkillResult<Step<Self>> {
        certificate_id(&p.certificate_id)?;
        let certificate = read_certificate(cx, &p.certificate_id)?;
        Ok(Step::Done(CertificateShown { certificate }))
    }
}

crate::list_params! {
    pub struct PackagesParams {}
}

#[derive(Serialize, JsonSchema)]
pub struct PackageList {
    pub packages: Vec<PackageInfo>,
}

#[derive(Serialize, JsonSchema)]
pub struct PackageInfo {
    /// What `package` takes in certificates.create.
    pub name: String,
    /// `std`, `pro`, `bus`...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// How many names (common name included) it may cover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_domains: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_domains: Option<u64>,
    /// Whether it covers `*.domain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wildcard: Option<bool>,
    /// The certificate authority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

pub struct Packages;

impl Action for Packages {
    const NAME: &'static str = "certificates.packages";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::CertificateRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/certificate/packages",
        Permission::CertificateRead,
    )];
    const SUMMARY: &'static str =
        "The certificate packages on sale: name, number of names, wildcard, authority.";
    const EXAMPLE: &'static str = r#"{"action":"certificates.packages"}"#;
    type Params = PackagesParams;
    type Output = PackageList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: PackagesParams) -> SkillResult<Step<Self>> {
        let listing = cx.list::<Package>("certificate/packages", &[], p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        let packages = listing
            .items
            .into_iter()
            .map(|k| PackageInfo {
                name: k.name,
                category: k.category.name,
                max_domains: k.max_domains,
                min_domains: k.min_domains,
                wildcard: k.wildcard,
                provider: k.provider,
            })
            .collect();
        Ok(Step::Done(PackageList { packages }))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DcvRequestParams {
    /// An issued certificate (its validation); without it, `package` and `cn` (or `csr`) describe one to order.
    #[serde(default)]
    pub certificate_id: Option<String>,
    /// The package of a certificate to order.
    #[serde(default)]
    pub package: Option<String>,
    /// The main name of a certificate to order.
    #[serde(default)]
    pub cn: Option<String>,
    /// Its other names.
    #[serde(default)]
    pub altnames: Option<Vec<String>>,
    /// `dns`, `email`, `file`, `http` or `https`.
    #[serde(default)]
    pub dcv_method: Option<String>,
    /// A PEM certificate signing request.
    #[serde(default)]
    pub csr: Option<String>,
}

/// What the certificate authority checks to validate the names.
#[derive(Serialize, JsonSchema)]
pub struct DcvInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_method: Option<String>,
    /// The names validated.
    pub fqdns: Vec<String>,
    /// For `dns`: the records to publish (zone-file lines; dns.records.add can add them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_records: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_value: Option<String>,
    /// Gandi's instructions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
}

pub struct Dcv;

impl Action for Dcv {
    const NAME: &'static str = "certificates.dcv";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::CertificateRead;
    const ROUTES: &'static [Route] = &[
        Route::check(
            "/v5/certificate/issued-certs/{certificate_id}/dcv_params",
            Permission::CertificateRead,
        ),
        Route::check("/v5/certificate/dcv_params", Permission::CertificateRead),
    ];
    const SUMMARY: &'static str =
        "The domain-validation parameters of a certificate (or of one to order): the DNS record, file or e-mail the authority checks.";
    const EXAMPLE: &'static str = r#"{"action":"certificates.dcv","certificate_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","dcv_method":"dns"}"#;
    type Params = DcvRequestParams;
    type Output = DcvInfo;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: DcvRequestParams) -> SkillResult<Step<Self>> {
        let mut body = Map::new();
        if let Some(m) = &p.dcv_method {
            body.insert("dcv_method".into(), Value::from(dcv_method(m)?));
        }
        if let Some(csr) = &p.csr {
            body.insert("csr".into(), Value::from(check_csr(csr)?));
        }
        let path = match &p.certificate_id {
            Some(id) => {
                certificate_id(id)?;
                if p.package.is_some() || p.cn.is_some() || p.altnames.is_some() {
                    return Err(SkillError::invalid_param(
                        "certificate_id",
                        Some(id),
                        "either certificate_id (an issued certificate) or package with cn (one to order), not both",
                    ));
                }
                format!("{}/dcv_params", cert_path(Some(id)))
            }
            None => {
                let package = p.package.as_deref().ok_or_else(|| {
                    SkillError::invalid_param(
                        "certificate_id",
                        None,
                        "certificate_id, or package with cn (or csr) for a certificate to order",
                    )
                })?;
                package_name(package)?;
                body.insert("package".into(), Value::from(package));
                // The pre-order route takes every name in `altnames`.
                let mut names: Vec<String> = Vec::new();
                for n in p.cn.iter().chain(p.altnames.iter().flatten()) {
                    let field = if Some(n) == p.cn.as_ref() {
                        "cn"
                    } else {
                        "altnames"
                    };
                    let h = host_name(field, n, true)?;
                    if !names.contains(&h) {
                        names.push(h);
                    }
                }
                if names.is_empty() && p.csr.is_none() {
                    return Err(SkillError::invalid_param(
                        "cn",
                        None,
                        "the name to certify (or a csr holding it)",
                    ));
                }
                if !names.is_empty() {
                    body.insert("altnames".into(), Value::from(names));
                }
                "certificate/dcv_params".to_string()
            }
        };
        let d: DcvParams = cx.post_check(&path, &Value::Object(body))?;
        Ok(Step::Done(DcvInfo {
            certificate_id: p.certificate_id,
            dcv_method: d.dcv_method,
            fqdns: if d.fqdns.is_empty() {
                d.altnames
            } else {
                d.fqdns
            },
            dns_records: d.dns_records,
            md5: d.md5,
            sha256: d.sha256,
            unique_value: d.unique_value,
            messages: d.messages,
        }))
    }
}

fn package_name(name: &str) -> SkillResult<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(SkillError::invalid_param(
            "package",
            Some(name),
            "a package name as certificates.packages lists it, e.g. cert_std_1_0_0",
        ))
    }
}

fn duration(d: Option<u32>) -> SkillResult<u32> {
    match d.unwrap_or(1) {
        n @ 1..=10 => Ok(n),
        n => Err(SkillError::invalid_param(
            "duration",
            Some(&n.to_string()),
            "years of subscription, from 1 (the certificate itself is valid one year and reissued)",
        )),
    }
}

/// A certificate order as the user approves it.
#[derive(Clone, Serialize, JsonSchema)]
pub struct CertificateOrder {
    /// For a renewal: the certificate renewed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_id: Option<String>,
    pub package: String,
    /// The names it covers (common name first), when known before Gandi reads the CSR.
    pub names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_method: Option<String>,
    /// Whether a CSR is sent (else Gandi generates the key pair).
    pub csr: bool,
    /// The total, for the whole duration.
    pub price: Price,
    /// Gandi's verdict on the order (sent with `Dry-Run: 1`).
    pub gandi_dry_run: DryRunVerdict,
}

/// An order placed.
#[derive(Serialize, JsonSchema)]
pub struct CertificateOrdered {
    /// The certificate (new, or renewed).
    pub certificate_id: Option<String>,
    pub package: String,
    pub names: Vec<String>,
    pub price: Price,
    /// Gandi's answer.
    pub message: Option<String>,
    /// What the user does next.
    pub next: String,
}

pub struct OrderPending {
    path: String,
    body: Value,
    order: CertificateOrder,
}

fn order_message(o: &CertificateOrder, what: &str) -> String {
    let years = match o.price.duration {
        1 => "1 year".to_string(),
        n => format!("{n} years"),
    };
    format!(
        "This {what} a {} certificate for {} ({years}) for {:.2} {}{}.",
        o.package,
        if o.names.is_empty() {
            "the names of the CSR".to_string()
        } else {
            o.names.join(", ")
        },
        o.price.amount,
        o.price.currency,
        if o.price.taxes_included {
            " taxes included"
        } else {
            " before taxes"
        }
    )
}

/// An order is compared with `max_price` taxes included: a quote without
/// the price after taxes cannot be approved.
fn with_taxes(price: &Price, name: &str) -> SkillResult<()> {
    if price.taxes_included {
        return Ok(());
    }
    Err(SkillError::new(
        ErrorCode::UnexpectedResponse,
        format!("Gandi's price for {name} gives no amount with taxes, so no order can be quoted; nothing was ordered"),
    )
    .with_hint("try again later; certificates.packages and billing.info show the account's state"))
}

/// What `create` and `renew` each settle before Gandi is asked: what is
/// ordered and the request that orders it (its own fields in `body`: the
/// package and names of a new certificate; nothing for a renewal).
struct OrderDraft {
    /// For a renewal: the certificate renewed.
    certificate_id: Option<String>,
    package: String,
    names: Vec<String>,
    dcv_method: Option<String>,
    csr: Option<String>,
    years: u32,
    /// Gandi's process for the price: `create` or `renew`.
    process: &'static str,
    path: String,
    body: Map<String, Value>,
}

/// The one order path of `create` and `renew`: Gandi's price for the
/// package (with taxes), the request completed and its `Dry-Run: 1`
/// verdict, the preview, and the plan bound to `state` (the live state the
/// order depends on) with the quoted total and currency. `verb` (`orders`,
/// `renews`) and `note` (appended) make the message.
fn plan_order<A>(
    cx: &mut Reads,
    d: OrderDraft,
    verb: &str,
    note: &str,
    state: impl Serialize,
) -> SkillResult<Step<A>>
where
    A: Action<Preview = CertificateOrder, Pending = OrderPending>,
{
    let quoted = quote(cx, "issued-cert", &d.package, d.process, d.years, "y")?;
    with_taxes(&quoted.price, &d.package)?;
    let mut body = d.body;
    if let Some(m) = &d.dcv_method {
        body.insert("dcv_method".into(), Value::from(m.as_str()));
    }
    body.insert("duration".into(), Value::from(d.years));
    if let Some(c) = &d.csr {
        body.insert("csr".into(), Value::from(c.as_str()));
    }
    let body = Value::Object(body);
    let verdict = dry_run_ok(
        cx,
        &d.path,
        &body,
        "Gandi's dry run refuses this order; nothing was ordered",
    )?;
    let order = CertificateOrder {
        certificate_id: d.certificate_id,
        package: d.package,
        names: d.names,
        dcv_method: d.dcv_method,
        csr: d.csr.is_some(),
        price: quoted.price,
        gandi_dry_run: verdict,
    };
    let state = StateDigest::of(&(state, d.years, order.price.amount, &order.price.currency));
    let message = format!("{}{note}", order_message(&order, verb));
    let (total, currency) = (order.price.amount, order.price.currency.clone());
    let touched_domains = touched(&order.names);
    let pending = OrderPending {
        path: d.path,
        body,
        order: order.clone(),
    };
    let mut planned = Planned::new(message, order, state, pending).order(total, &currency);
    for domain in touched_domains {
        planned = planned.touching(&domain);
    }
    Ok(Step::Change(planned))
}

fn place(cx: &mut Writes, p: OrderPending) -> SkillResult<CertificateOrdered> {
    let answer = cx.send(Method::POST, &p.path, Body::Json(&p.body), &[])?;
    let ordered: Ordered = answer.json_or_default().unwrap_or_default();
    // The id Gandi answers, else the renewed one's, else the Location's.
    let certificate_id = ordered
        .id
        .or(p.order.certificate_id)
        .or_else(|| id_in_location(&answer));
    let next = match p.order.dcv_method.as_deref() {
        Some("dns") | None => "the certificate is issued once its names are validated: run certificates.dcv with this certificate_id to get the DNS record to publish (dns.records.add can add it)".to_string(),
        Some(m) => format!("the certificate is issued once its names are validated by {m}: run certificates.dcv with this certificate_id for what to do"),
    };
    Ok(CertificateOrdered {
        certificate_id,
        package: p.order.package,
        names: p.order.names,
        price: p.order.price,
        message: ordered.message,
        next,
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateCreateParams {
    /// The package, as certificates.packages lists it (e.g. `cert_std_1_0_0`).
    pub package: String,
    /// The main name to certify (`shop.example.com`, `*.example.com` with a wildcard package); optional with a `csr`.
    #[serde(default)]
    pub cn: Option<String>,
    /// Other names, within the package's number of names.
    #[serde(default)]
    pub altnames: Option<Vec<String>>,
    /// How the names are validated: `dns`, `email`, `file`, `http` or `https`.
    #[serde(default)]
    pub dcv_method: Option<String>,
    /// Years of subscription (default 1); the certificate itself is valid one year and reissued.
    #[serde(default)]
    pub duration: Option<u32>,
    /// A PEM certificate signing request (`-----BEGIN CERTIFICATE REQUEST-----`...); without it Gandi generates the key pair.
    #[serde(default)]
    pub csr: Option<String>,
}

pub struct Create;

impl Action for Create {
    const NAME: &'static str = "certificates.create";
    const CLASS: Class = Class::Billable;
    const PERMISSION: Permission = Permission::CertificateWrite;
    const ROUTES: &'static [Route] = &[
        Route::get(
            "/v5/certificate/packages/{package}",
            Permission::CertificateRead,
        ),
        PRICE_ROUTE,
        Route::write(
            "POST",
            "/v5/certificate/issued-certs",
            Permission::CertificateWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Orders a certificate: quotes Gandi's price and dry-run verdict first; plan, confirm and max_price to order (once).";
    const EXAMPLE: &'static str = r#"{"action":"certificates.create","package":"cert_std_1_0_0","cn":"shop.example.com","dcv_method":"dns"}"#;
    type Params = CertificateCreateParams;
    type Output = CertificateOrdered;
    type Preview = CertificateOrder;
    type Pending = OrderPending;

    fn plan(cx: &mut Reads, p: CertificateCreateParams) -> SkillResult<Step<Self>> {
        package_name(&p.package)?;
        let csr = p.csr.as_deref().map(check_csr).transpose()?;
        let method = p.dcv_method.as_deref().map(dcv_method).transpose()?;
        let years = duration(p.duration)?;
        if p.cn.is_none() && csr.is_none() {
            return Err(SkillError::invalid_param(
                "cn",
                None,
                "the name to certify (or a csr holding it)",
            ));
        }
        // Syntax first (no request), then the package's limits.
        for n in p.cn.iter().chain(p.altnames.iter().flatten()) {
            host_name("cn", n, true)?;
        }
        let package: Package =
            cx.get(&format!("certificate/packages/{}", encode(&p.package)), &[])?;
        let wildcard = package.wildcard.unwrap_or(false);
        let mut names: Vec<String> = Vec::new();
        if let Some(cn) = &p.cn {
            names.push(host_name("cn", cn, wildcard)?);
        }
        for a in p.altnames.iter().flatten() {
            let h = host_name("altnames", a, wildcard)?;
            if !names.contains(&h) {
                names.push(h);
            }
        }
        if let Some(max) = package.max_domains {
            if names.len() as u64 > max {
                return Err(SkillError::invalid_param(
                    "altnames",
                    None,
                    &format!("at most {max} name(s) in all with {} (common name included); certificates.packages lists larger ones", package.name),
                ));
            }
        }
        let mut body = Map::new();
        body.insert("package".into(), Value::from(package.name.as_str()));
        if let Some(cn) = names.first().filter(|_| p.cn.is_some()) {
            body.insert("cn".into(), Value::from(cn.as_str()));
        }
        let altnames: Vec<&String> = names.iter().skip(usize::from(p.cn.is_some())).collect();
        if !altnames.is_empty() {
            body.insert("altnames".into(), serde_json::json!(altnames));
        }
        let draft = OrderDraft {
            certificate_id: None,
            package: package.name.clone(),
            names,
            dcv_method: method,
            csr,
            years,
            process: "create",
            path: cert_path(None),
            body,
        };
        plan_order(cx, draft, "orders", "", &package.name)
    }

    fn apply(cx: &mut Writes, p: OrderPending) -> SkillResult<CertificateOrdered> {
        place(cx, p)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateRenewParams {
    /// The certificate to renew, as certificates.list shows it.
    pub certificate_id: String,
    /// Years of subscription (default 1).
    #[serde(default)]
    pub duration: Option<u32>,
    /// A new PEM certificate signing request (else the current key is kept).
    #[serde(default)]
    pub csr: Option<String>,
    /// `dns`, `email`, `file`, `http` or `https`.
    #[serde(default)]
    pub dcv_method: Option<String>,
}

pub struct Renew;

impl Action for Renew {
    const NAME: &'static str = "certificates.renew";
    const CLASS: Class = Class::Billable;
    const PERMISSION: Permission = Permission::CertificateWrite;
    const ROUTES: &'static [Route] = &[
        DETAIL_ROUTE,
        PRICE_ROUTE,
        Route::write(
            "POST",
            "/v5/certificate/issued-certs/{certificate_id}",
            Permission::CertificateWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Renews a certificate: quotes Gandi's renewal price and dry-run verdict first; plan, confirm and max_price to order (once).";
    const EXAMPLE: &'static str = r#"{"action":"certificates.renew","certificate_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}"#;
    type Params = CertificateRenewParams;
    type Output = CertificateOrdered;
    type Preview = CertificateOrder;
    type Pending = OrderPending;

    fn plan(cx: &mut Reads, p: CertificateRenewParams) -> SkillResult<Step<Self>> {
        certificate_id(&p.certificate_id)?;
        let csr = p.csr.as_deref().map(check_csr).transpose()?;
        let method = p.dcv_method.as_deref().map(dcv_method).transpose()?;
        let years = duration(p.duration)?;
        let cert = read_certificate(cx, &p.certificate_id)?;
        match cert.status.as_deref() {
            Some("revoked" | "replaced" | "replaced_rev") => {
                return Err(SkillError::new(
                    ErrorCode::Conflict,
                    format!(
                        "certificate {} is {}: it cannot be renewed; nothing was ordered",
                        cert.id,
                        cert.status.as_deref().unwrap_or("")
                    ),
                )
                .with_detail("status", cert.status.clone().unwrap_or_default())
                .with_hint("order a new one with certificates.create"))
            }
            Some("pending") => {
                return Err(SkillError::new(
                    ErrorCode::Conflict,
                    format!("certificate {} is still waiting for its validation: it cannot be renewed yet; nothing was ordered", cert.id),
                )
                .with_detail("status", "pending")
                .with_hint("certificates.dcv shows what validation is waiting for"))
            }
            _ => {}
        }
        let package = cert.package.clone().ok_or_else(|| {
            SkillError::new(
                ErrorCode::UnexpectedResponse,
                format!(
                    "Gandi's answer for certificate {} names no package, so no price can be quoted",
                    cert.id
                ),
            )
        })?;
        let note = match cert.days_left {
            Some(days) => format!(
                " It now expires in {days} day(s) ({}).",
                cert.expires_at.as_deref().unwrap_or("")
            ),
            None => String::new(),
        };
        let draft = OrderDraft {
            certificate_id: Some(cert.id.clone()),
            package: package.clone(),
            names: cert.names(),
            dcv_method: method,
            csr,
            years,
            process: "renew",
            path: cert_path(Some(&cert.id)),
            body: Map::new(),
        };
        let state = (&cert.id, &cert.status, &cert.expires_at, &package);
        plan_order(cx, draft, "renews", &note, state)
    }

    fn apply(cx: &mut Writes, p: OrderPending) -> SkillResult<CertificateOrdered> {
        place(cx, p)
    }
}

/// A certificate revoked (or the one that would be).
#[derive(Serialize, JsonSchema)]
pub struct CertificateRevocation {
    pub certificate: CertificateInfo,
    /// False when it was already revoked (nothing sent).
    pub revoked_now: bool,
}

pub struct RevokePending {
    certificate: CertificateInfo,
}

pub struct Revoke;

impl Action for Revoke {
    const NAME: &'static str = "certificates.revoke";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::CertificateWrite;
    const ROUTES: &'static [Route] = &[
        DETAIL_ROUTE,
        Route::write(
            "DELETE",
            "/v5/certificate/issued-certs/{certificate_id}",
            Permission::CertificateWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Revokes a certificate for good (sites using it stop being trusted), after showing it.";
    const EXAMPLE: &'static str = r#"{"action":"certificates.revoke","certificate_id":"2b9c4e6a-1d3f-4a5b-8c7d-9e0f1a2b3c4d"}"#;
    type Params = CertificateParams;
    type Output = CertificateRevocation;
    type Preview = CertificateRevocation;
    type Pending = RevokePending;

    fn plan(cx: &mut Reads, p: CertificateParams) -> SkillResult<Step<Self>> {
        certificate_id(&p.certificate_id)?;
        let cert = read_certificate(cx, &p.certificate_id)?;
        if cert.status.as_deref() == Some("revoked") {
            return Ok(Step::Done(CertificateRevocation {
                certificate: cert,
                revoked_now: false,
            }));
        }
        let names = cert.names();
        cx.warn(format!(
            "revoking cannot be undone: browsers stop trusting this certificate at once, so sites using it ({}) show security errors until another certificate is installed; Gandi does not refund it",
            names.join(", ")
        ));
        let message = format!(
            "This revokes certificate {} ({}, {}).",
            cert.id,
            names.join(", "),
            cert.status.as_deref().unwrap_or("status unknown")
        );
        let state = StateDigest::of(&(&cert.id, &cert.status, &cert.expires_at, &names));
        let preview = CertificateRevocation {
            certificate: cert.clone(),
            revoked_now: true,
        };
        let mut planned =
            Planned::new(message, preview, state, RevokePending { certificate: cert });
        for d in touched(&names) {
            planned = planned.touching(&d);
        }
        Ok(Step::Change(planned))
    }

    fn apply(cx: &mut Writes, p: RevokePending) -> SkillResult<CertificateRevocation> {
        cx.send(
            Method::DELETE,
            &cert_path(Some(&p.certificate.id)),
            Body::None,
            &[],
        )?;
        let mut certificate = p.certificate;
        certificate.status = Some("revoked".to_string());
        Ok(CertificateRevocation {
            certificate,
            revoked_now: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSR: &str = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBVTCBvwIBADAWMRQwEgYDVQQDDAtleGFtcGxlLmNvbTCBnzANBgkqhkiG9w0B\nAQEFAAOBjQAwgYkCgYEAq4l=\n-----END CERTIFICATE REQUEST-----\n";

    #[test]
    fn csr_must_be_pem() {
        assert!(check_csr(CSR).is_ok());
        // The END line must match the BEGIN line.
        assert!(check_csr(&CSR.replace("END CERTIFICATE REQUEST", "END CERTIFICATE")).is_err());
        assert!(check_csr("MIIBVTCBvwIBADAW").is_err());
        assert!(check_csr(&CSR.replace("MIIB", "MI!B")).is_err());
        assert!(check_csr("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----").is_err());
        assert!(check_csr(
            "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----"
        )
        .is_err());
    }

    #[test]
    fn policy_domains_of_certificate_names() {
        assert_eq!(
            touched(&["*.shop.example.com".to_string()]),
            ["shop.example.com", "example.com"]
        );
    }
}
