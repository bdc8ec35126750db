//! The billable domain orders: `domains.register`, `domains.renew` (one
//! domain, or several under one preview, one total and one plan, ordered one
//! by one) and `domains.transfer` (its availability checked first; the auth
//! code is a secret). Each preview quotes Gandi's current price for the
//! duration, Gandi's own `Dry-Run: 1` verdict and the organization billed;
//! each order is ONE request, never repeated, and its reply says what Gandi
//! answered and how to follow it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ureq::http::Method;

use super::contact::{self, Contact, ContactSource};
use super::pricing::{self, Pacer, Quote, MAX_RENEW_YEARS, MAX_YEARS};
use super::renewal::{self, add_years};
use crate::actions::billing::Price;
use crate::actions::common::{message_of, unicode_if_different};
use crate::auth::{Scheme, Token};
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{encode, Answer, Body};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::domain_orders::TransferAvailability;
use crate::gandi::DryRunVerdict;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

/// The most domains one `domains.renew` takes.
const MAX_RENEWALS: usize = 50;

const CHECK_ROUTE: Route = Route::get("/v5/domain/check", Permission::DomainRead);

/// Who pays for an order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Billed {
    /// The organization billed, when known (its id is the `sharing_id`).
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    /// `sharing_id` (the request names it) or `default` (no `sharing_id`:
    /// Gandi bills the organization the token belongs to).
    pub chosen_by: String,
}

/// The organization an order bills: the request's `sharing_id`, else the
/// token's own organization (from its introspection, when it answers).
fn billed(cx: &mut Reads) -> Billed {
    let bearer = cx.credential().is_ok_and(|c| c.scheme == Scheme::Bearer);
    let entities = if bearer && cx.can_introspect() {
        cx.tokeninfo()
            .ok()
            .flatten()
            .map(|i| i.entities)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let field = |e: &Value, k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
    match cx.sharing_id().map(str::to_string) {
        Some(id) => Billed {
            organization_name: entities
                .iter()
                .find(|e| field(e, "id").as_deref() == Some(id.as_str()))
                .and_then(|e| field(e, "name")),
            organization_id: Some(id),
            chosen_by: "sharing_id".into(),
        },
        None => Billed {
            organization_id: entities.first().and_then(|e| field(e, "id")),
            organization_name: entities.first().and_then(|e| field(e, "name")),
            chosen_by: "default".into(),
        },
    }
}

/// The total of an order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Total {
    /// What `max_price` is compared with.
    pub amount: f64,
    pub currency: String,
    pub taxes_included: bool,
}

/// What Gandi answered an order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct GandiAnswer {
    /// The HTTP status (202: accepted, carried out in the background).
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Where Gandi follows the order, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl GandiAnswer {
    fn of(a: &Answer) -> GandiAnswer {
        GandiAnswer {
            status: a.status,
            // The order is placed: an odd body must not turn it into an error.
            message: message_of(a),
            location: a.location().map(str::to_string),
        }
    }
}

/// Whether an order whose request failed this way may still have been
/// placed (the request may have reached Gandi): checking costs nothing, a
/// second order costs money.
fn may_have_been_placed(e: &SkillError) -> bool {
    matches!(
        e.code,
        ErrorCode::Timeout
            | ErrorCode::Unreachable
            | ErrorCode::UnexpectedResponse
            | ErrorCode::ServerError
    )
}

/// A failed order's error, saying whether it may have been placed and how
/// to check before ordering again.
fn order_failed(e: SkillError, what: &str, check_with: &str) -> SkillError {
    if !may_have_been_placed(&e) {
        return e.with_detail("may_have_been_ordered", false);
    }
    let before = e.hint.clone().unwrap_or_default();
    e.with_detail("may_have_been_ordered", true).with_hint(format!(
        "{what} may have been placed: do not order again before checking with {check_with}. {before}"
    ))
}

fn sentence_of(verdict: &DryRunVerdict) -> Option<String> {
    if verdict.status.as_deref() != Some("error") {
        return None;
    }
    let why: Vec<String> = verdict
        .errors
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e.name.as_deref().unwrap_or("?"),
                e.description.as_deref().unwrap_or("")
            )
        })
        .collect();
    Some(format!(
        "Gandi's own dry run refuses this order ({}): tell the user; the order would fail",
        why.join("; ")
    ))
}

/// Gandi's own verdict on an order (sent with `Dry-Run: 1`); a refusal is a
/// warning beside the quote.
fn order_dry_run(cx: &mut Reads, path: &str, body: &Value) -> SkillResult<DryRunVerdict> {
    let verdict = cx.dry_run(Method::POST, path, body)?;
    if let Some(w) = sentence_of(&verdict) {
        cx.warn(w);
    }
    Ok(verdict)
}

/// Places one order: `body` POSTed once to `path`. A failure says whether
/// `what` may have been placed all the same and how to check `fqdn`.
fn place(
    cx: &mut Writes,
    path: &str,
    body: &Value,
    what: &str,
    fqdn: &str,
) -> SkillResult<GandiAnswer> {
    let answer = cx
        .send(Method::POST, path, Body::Json(body), &[])
        .map_err(|e| order_failed(e, what, &domains_get(fqdn)))?;
    Ok(GandiAnswer::of(&answer))
}

fn taxes_words(taxes_included: bool) -> &'static str {
    if taxes_included {
        "taxes included"
    } else {
        "before taxes"
    }
}

fn domains_get(fqdn: &str) -> String {
    format!(r#"{{"action":"domains.get","domain":"{fqdn}"}}"#)
}

// ---------------------------------------------------------------------------
// domains.register

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterParams {
    /// The name to register, Unicode or ASCII form.
    pub domain: String,
    /// Years (1 to 10, default 1).
    #[serde(default)]
    #[schemars(range(min = 1, max = 10))]
    pub duration: Option<u32>,
    /// The owner contact; without it, the one saved with domains.contact.save.
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// What registering would cost and do.
#[derive(Serialize, JsonSchema)]
pub struct RegisterQuote {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    pub duration: u32,
    /// The current price for the whole duration.
    pub price: Price,
    /// A premium name (priced above the TLD's usual price).
    pub premium: bool,
    /// Who will own the domain.
    pub owner: Contact,
    pub owner_source: ContactSource,
    /// Gandi's own verdict on the order (sent with `Dry-Run: 1`).
    pub dry_run: DryRunVerdict,
    pub billed: Billed,
}

#[derive(Serialize, JsonSchema)]
pub struct Registered {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    pub duration: u32,
    pub price: Price,
    pub premium: bool,
    pub billed: Billed,
    pub gandi: GandiAnswer,
    /// How to see the result.
    pub follow_up: String,
}

pub struct RegisterOrder {
    fqdn: String,
    duration: u32,
    quote: Quote,
    billed: Billed,
    body: Value,
}

pub struct Register;

impl Action for Register {
    const NAME: &'static str = "domains.register";
    const CLASS: Class = Class::Billable;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        CHECK_ROUTE,
        Route::write("POST", "/v5/domain/domains", Permission::DomainWrite),
    ];
    const SUMMARY: &'static str =
        "Registers an available name (billable): quotes the price for the duration (premium flagged) and Gandi's dry run, then one order. Owner: `contact` or the saved one.";
    const EXAMPLE: &'static str = r#"{"action":"domains.register","domain":"my-new-shop.com","duration":1,"contact":{"given":"John","family":"Doe","email":"jdoe@example.org","streetaddr":"5 rue Neuve","city":"Paris","zip":"75001","country":"FR","phone":"+33.123456789","type":"individual"}}"#;
    type Params = RegisterParams;
    type Output = Registered;
    type Preview = RegisterQuote;
    type Pending = RegisterOrder;

    fn plan(cx: &mut Reads, p: RegisterParams) -> SkillResult<Step<Self>> {
        let fqdn = crate::dns::zone_ascii(&p.domain, "domain")?;
        let duration = pricing::years(p.duration, MAX_YEARS)?;
        let (owner, owner_source) = contact::owner(cx, p.contact)?;
        let check = pricing::check(cx, &mut Pacer::new(), &fqdn, &["create"])?;
        if !pricing::available(&check) {
            let status = pricing::status(&check).unwrap_or_else(|| "unknown".into());
            return Err(SkillError::new(
                ErrorCode::Conflict,
                format!("{fqdn} cannot be registered: Gandi says it is `{status}`; nothing was ordered"),
            )
            .with_detail("domain", fqdn.as_str())
            .with_detail("status", status)
            .with_hint("domains.suggest proposes available alternatives; a name the user holds at another registrar moves with domains.transfer"));
        }
        let quote = pricing::order_quote(&check, "create", &fqdn, duration)?;
        let mut body = json!({"fqdn": fqdn, "duration": duration, "owner": owner});
        if quote.premium {
            // A premium name is ordered at the price Gandi quoted (Gandi's
            // `price`/`currency`): a different price is refused, not charged.
            // Gandi does not say which total `price` is: we send the one
            // before taxes for the whole duration, as the grid states it.
            body["price"] = json!(quote
                .price
                .amount_before_taxes
                .unwrap_or(quote.price.amount));
            body["currency"] = json!(quote.price.currency);
        }
        let dry_run = order_dry_run(cx, "domain/domains", &body)?;
        let billed = billed(cx);
        let price = &quote.price;
        let message = format!(
            "This registers {} for {duration} year(s) for {:.2} {} ({}){}, owned by {} {}.",
            crate::actions::common::unicode(&fqdn),
            price.amount,
            price.currency,
            taxes_words(price.taxes_included),
            if quote.premium {
                ", a premium price"
            } else {
                ""
            },
            owner.given,
            owner.family
        );
        let state = StateDigest::of(&(
            &fqdn,
            duration,
            price.amount,
            &price.currency,
            quote.premium,
            &owner,
        ));
        let preview = RegisterQuote {
            fqdn: fqdn.clone(),
            fqdn_unicode: unicode_if_different(&fqdn),
            duration,
            price: price.clone(),
            premium: quote.premium,
            owner,
            owner_source,
            dry_run,
            billed: billed.clone(),
        };
        let (total, currency) = (price.amount, price.currency.clone());
        let pending = RegisterOrder {
            fqdn: fqdn.clone(),
            duration,
            quote,
            billed,
            body,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending)
                .touching(&fqdn)
                .order(total, &currency),
        ))
    }

    fn apply(cx: &mut Writes, o: RegisterOrder) -> SkillResult<Registered> {
        let gandi = place(cx, "domain/domains", &o.body, "the registration", &o.fqdn)?;
        let check_with = domains_get(&o.fqdn);
        Ok(Registered {
            fqdn_unicode: unicode_if_different(&o.fqdn),
            duration: o.duration,
            price: o.quote.price,
            premium: o.quote.premium,
            billed: o.billed,
            gandi,
            follow_up: format!(
                "Gandi creates the domain in the background (GET /v5/domain/domains/{}/createstatus follows it); {check_with} shows it once created, usually within minutes (until then it answers not found)",
                o.fqdn
            ),
            fqdn: o.fqdn,
        })
    }
}

// ---------------------------------------------------------------------------
// domains.renew

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewParams {
    /// One domain to renew, Unicode or ASCII form (or use `domains`).
    #[serde(default)]
    pub domain: Option<String>,
    /// Several domains (up to 50) under one preview, one total and one plan; `max_price` is the total.
    #[serde(default)]
    #[schemars(length(min = 1, max = 50))]
    pub domains: Option<Vec<String>>,
    /// Years added to each (1 to 9, default 1).
    #[serde(default)]
    #[schemars(range(min = 1, max = 9))]
    pub duration: Option<u32>,
}

/// One renewal of a preview.
#[derive(Clone, Serialize, JsonSchema)]
pub struct RenewLine {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    pub duration: u32,
    /// The current renewal price for the whole duration.
    pub price: Price,
    pub premium: bool,
    /// When the registration ends now.
    pub expires_at: Option<String>,
    /// When it will end once renewed.
    pub new_expires_at: Option<String>,
    /// Whether Gandi would also renew it automatically.
    pub autorenew: bool,
    /// Gandi's own verdict on this renewal (sent with `Dry-Run: 1`).
    pub dry_run: DryRunVerdict,
}

/// What renewing would cost and do.
#[derive(Serialize, JsonSchema)]
pub struct RenewQuote {
    pub orders: Vec<RenewLine>,
    /// The whole order; `max_price` is compared with it.
    pub total: Total,
    pub billed: Billed,
}

/// One renewal Gandi accepted.
#[derive(Serialize, JsonSchema)]
pub struct RenewedLine {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    pub duration: u32,
    pub price: Price,
    /// The expiry before the renewal.
    pub expires_at: Option<String>,
    /// The expiry Gandi will set.
    pub new_expires_at: Option<String>,
    pub gandi: GandiAnswer,
}

#[derive(Serialize, JsonSchema)]
pub struct Renewed {
    pub orders: Vec<RenewedLine>,
    pub total: Total,
    pub billed: Billed,
    /// How to see the result.
    pub follow_up: String,
}

pub struct RenewOrder {
    lines: Vec<RenewLine>,
    total: Total,
    billed: Billed,
}

pub struct Renew;

impl Action for Renew {
    const NAME: &'static str = "domains.renew";
    const CLASS: Class = Class::Billable;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        renewal::RENEWAL_ROUTES[0],
        renewal::RENEWAL_ROUTES[1],
        renewal::RENEWAL_ROUTES[2],
        Route::write(
            "POST",
            "/v5/domain/domains/{domain}/renew",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Renews one domain, or several (`domains`) under one total (billable): quotes each price and new expiry and Gandi's dry run, then orders one by one.";
    const EXAMPLE: &'static str =
        r#"{"action":"domains.renew","domain":"example.com","duration":1}"#;
    type Params = RenewParams;
    type Output = Renewed;
    type Preview = RenewQuote;
    type Pending = RenewOrder;

    fn plan(cx: &mut Reads, p: RenewParams) -> SkillResult<Step<Self>> {
        let names = renewal_names(p.domain, p.domains)?;
        let duration = pricing::years(p.duration, MAX_RENEW_YEARS)?;
        let mut pacer = Pacer::new();
        let mut lines = Vec::with_capacity(names.len());
        for fqdn in &names {
            // Of several, the error says which domain it is about.
            let line = renew_line(cx, &mut pacer, fqdn, duration).map_err(|mut e| {
                if names.len() > 1 && !e.message.contains(fqdn.as_str()) {
                    e.message = format!("{fqdn}: {}; nothing was ordered", e.message);
                }
                e.with_detail("domain", fqdn.as_str())
            })?;
            lines.push(line);
        }
        let currency = lines
            .first()
            .map(|l| l.price.currency.clone())
            .unwrap_or_default();
        if lines.iter().any(|l| l.price.currency != currency) {
            return Err(SkillError::new(
                ErrorCode::UnexpectedResponse,
                "Gandi quoted these renewals in different currencies, so they have no one total; nothing was ordered",
            )
            .with_hint("renew them in separate requests"));
        }
        let amount = (lines.iter().map(|l| l.price.amount).sum::<f64>() * 100.0).round() / 100.0;
        let total = Total {
            amount,
            currency: currency.clone(),
            taxes_included: lines.iter().all(|l| l.price.taxes_included),
        };
        for line in &lines {
            if let Some(w) = sentence_of(&line.dry_run) {
                cx.warn(format!("{}: {w}", line.fqdn));
            }
        }
        let message = match lines.as_slice() {
            [one] => format!(
                "This renews {} for {duration} year(s) for {:.2} {} ({}){}; it will expire on {}.",
                crate::actions::common::unicode(&one.fqdn),
                one.price.amount,
                one.price.currency,
                taxes_words(one.price.taxes_included),
                if one.premium { ", a premium price" } else { "" },
                one.new_expires_at.as_deref().unwrap_or("(unknown)")
            ),
            many => format!(
                "This renews {} domains for {duration} year(s) each, {:.2} {} in all ({}); the orders are placed one by one.",
                many.len(),
                total.amount,
                total.currency,
                taxes_words(total.taxes_included)
            ),
        };
        // The plan binds every line's price, currency, duration, premium flag
        // and current expiry, and the total.
        let state = StateDigest::of(&(
            lines
                .iter()
                .map(|l| {
                    (
                        &l.fqdn,
                        l.duration,
                        l.price.amount,
                        &l.price.currency,
                        l.premium,
                        &l.expires_at,
                    )
                })
                .collect::<Vec<_>>(),
            total.amount,
            &total.currency,
        ));
        let billed = billed(cx);
        let preview = RenewQuote {
            orders: lines.clone(),
            total: total.clone(),
            billed: billed.clone(),
        };
        let mut planned = Planned::new(
            message,
            preview,
            state,
            RenewOrder {
                lines,
                total,
                billed,
            },
        );
        for fqdn in &names {
            planned = planned.touching(fqdn);
        }
        Ok(Step::Change(planned.order(amount, &currency)))
    }

    fn apply(cx: &mut Writes, o: RenewOrder) -> SkillResult<Renewed> {
        let mut done: Vec<RenewedLine> = Vec::new();
        for (i, line) in o.lines.iter().enumerate() {
            let path = format!("domain/domains/{}/renew", encode(&line.fqdn));
            let body = json!({"duration": line.duration});
            match place(cx, &path, &body, "this renewal", &line.fqdn) {
                Ok(gandi) => done.push(RenewedLine {
                    fqdn: line.fqdn.clone(),
                    fqdn_unicode: line.fqdn_unicode.clone(),
                    duration: line.duration,
                    price: line.price.clone(),
                    expires_at: line.expires_at.clone(),
                    new_expires_at: line.new_expires_at.clone(),
                    gandi,
                }),
                Err(e) => {
                    if o.lines.len() == 1 {
                        return Err(e);
                    }
                    return Err(part_way(e, &done, line, &o.lines[i + 1..]));
                }
            }
        }
        let follow_up = match done.as_slice() {
            [one] => format!(
                "{} shows the new expiry once Gandi has processed the renewal",
                domains_get(&one.fqdn)
            ),
            _ => "domains.get (or domains.list) shows each new expiry once Gandi has processed the renewals".to_string(),
        };
        Ok(Renewed {
            orders: done,
            total: o.total,
            billed: o.billed,
            follow_up,
        })
    }
}

/// `domain` or `domains` (exactly one), each in ASCII form, no repeats.
fn renewal_names(domain: Option<String>, domains: Option<Vec<String>>) -> SkillResult<Vec<String>> {
    match (domain, domains) {
        (Some(d), None) => Ok(vec![crate::dns::zone_ascii(&d, "domain")?]),
        (None, Some(list)) => {
            if list.is_empty() || list.len() > MAX_RENEWALS {
                return Err(SkillError::invalid_param(
                    "domains",
                    Some(&format!("{} domains", list.len())),
                    &format!("1 to {MAX_RENEWALS} domains"),
                ));
            }
            let mut out: Vec<String> = Vec::new();
            for (i, d) in list.iter().enumerate() {
                let field = format!("domains[{i}]");
                let ascii = crate::dns::zone_ascii(d, &field)?;
                if out.contains(&ascii) {
                    return Err(SkillError::invalid_param(
                        &field,
                        Some(d),
                        "each domain once (this one is listed twice)",
                    ));
                }
                out.push(ascii);
            }
            Ok(out)
        }
        (Some(_), Some(_)) => Err(SkillError::invalid_param(
            "domains",
            None,
            "either `domain` (one) or `domains` (a list), not both",
        )),
        (None, None) => Err(SkillError::invalid_param(
            "domain",
            None,
            "the domain to renew (`domain`), or several (`domains`)",
        )),
    }
}

/// One renewal's quote: Gandi's limits and price for it, and its dry run.
fn renew_line(
    cx: &mut Reads,
    pacer: &mut Pacer,
    fqdn: &str,
    duration: u32,
) -> SkillResult<RenewLine> {
    let facts = renewal::read(cx, pacer, fqdn)?;
    let durations = facts.durations();
    if facts.prohibited() || !durations.contains(&duration) {
        let why = if facts.prohibited() {
            "Gandi does not allow renewing it now".to_string()
        } else if durations.is_empty() {
            "Gandi accepts no renewal duration for it now (the registration may already reach the registry's maximum)".to_string()
        } else {
            format!(
                "Gandi accepts {} year(s) for it now, not {duration}",
                durations
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(SkillError::new(
            ErrorCode::Conflict,
            format!("{fqdn} cannot be renewed for {duration} year(s): {why}; nothing was ordered"),
        )
        .with_detail("domain", fqdn)
        .with_detail("prohibited", facts.prohibited())
        .with_detail("durations", durations)
        .with_detail(
            "expires_at",
            facts
                .expires_at
                .clone()
                .map(Value::from)
                .unwrap_or(Value::Null),
        )
        .with_hint(
            "domains.renewal.info shows what Gandi accepts; ask the user, then preview again",
        ));
    }
    let quote = pricing::order_quote(&facts.check, "renew", fqdn, duration)?;
    let path = format!("domain/domains/{}/renew", encode(fqdn));
    let dry_run = cx.dry_run(Method::POST, &path, &json!({"duration": duration}))?;
    Ok(RenewLine {
        fqdn: fqdn.to_string(),
        fqdn_unicode: unicode_if_different(fqdn),
        duration,
        price: quote.price,
        premium: quote.premium,
        new_expires_at: facts
            .expires_at
            .as_deref()
            .and_then(|e| add_years(e, duration)),
        expires_at: facts.expires_at,
        autorenew: facts.autorenew,
        dry_run,
    })
}

/// A renewal of several that failed part-way: exactly which were ordered,
/// which failed with Gandi's answer, and which were not attempted.
fn part_way(
    e: SkillError,
    done: &[RenewedLine],
    failed: &RenewLine,
    rest: &[RenewLine],
) -> SkillError {
    let mut gandi = e.details.clone();
    let maybe = gandi.remove("may_have_been_ordered") == Some(Value::Bool(true));
    let ordered: Vec<Value> = done
        .iter()
        .map(|l| {
            json!({
                "fqdn": l.fqdn,
                "price": l.price,
                "new_expires_at": l.new_expires_at,
                "gandi": l.gandi,
            })
        })
        .collect();
    let failure = json!({
        "fqdn": failed.fqdn,
        "code": e.code.as_str(),
        "message": e.message,
        "http_status": e.http_status,
        "gandi": Value::Object(gandi),
        "may_have_been_ordered": maybe,
    });
    let not_attempted: Vec<Value> = rest.iter().map(|l| Value::from(l.fqdn.as_str())).collect();
    let ordered_names: Vec<&str> = done.iter().map(|l| l.fqdn.as_str()).collect();
    let mut err = SkillError::new(
        e.code,
        format!(
            "{} of {} renewals were ordered ({}); {} failed: {}; {} not attempted",
            done.len(),
            done.len() + 1 + rest.len(),
            if ordered_names.is_empty() { "none".to_string() } else { ordered_names.join(", ") },
            failed.fqdn,
            e.message,
            rest.len()
        ),
    )
    .with_detail("ordered", ordered)
    .with_detail("failed", failure)
    .with_detail("not_attempted", not_attempted)
    .with_hint(format!(
        "tell the user exactly which were renewed; {}renew the others with a new preview (the remaining total differs)",
        if maybe {
            format!("{} may have been renewed: check it with {} before ordering it again; ", failed.fqdn, domains_get(&failed.fqdn))
        } else {
            String::new()
        }
    ));
    err.http_status = e.http_status;
    err
}

// ---------------------------------------------------------------------------
// domains.transfer

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferParams {
    /// The domain to move to Gandi, Unicode or ASCII form.
    pub domain: String,
    /// The transfer (auth) code from the current registrar. A secret: never echoed.
    #[schemars(with = "String")]
    pub auth_code: Value,
    /// Years added by the transfer (1 to 10, default 1).
    #[serde(default)]
    #[schemars(range(min = 1, max = 10))]
    pub duration: Option<u32>,
    /// The owner contact; without it, the one saved with domains.contact.save.
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// What transferring would cost and do.
#[derive(Serialize, JsonSchema)]
pub struct TransferQuote {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    pub duration: u32,
    /// The current transfer price for the whole duration.
    pub price: Price,
    pub premium: bool,
    pub owner: Contact,
    pub owner_source: ContactSource,
    /// Gandi's transfer check (`transferin/{domain}/available`).
    pub transfer: TransferAvailability,
    /// Gandi's own verdict on the order (sent with `Dry-Run: 1`).
    pub dry_run: DryRunVerdict,
    pub billed: Billed,
}

#[derive(Serialize, JsonSchema)]
pub struct Transferred {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    pub duration: u32,
    pub price: Price,
    pub billed: Billed,
    pub gandi: GandiAnswer,
    /// How to see the result.
    pub follow_up: String,
}

pub struct TransferOrder {
    fqdn: String,
    duration: u32,
    price: Price,
    billed: Billed,
    /// Holds the auth code: sent once, never shown.
    body: Value,
}

pub struct Transfer;

impl Action for Transfer {
    const NAME: &'static str = "domains.transfer";
    const CLASS: Class = Class::Billable;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        Route::check(
            "/v5/domain/transferin/{domain}/available",
            Permission::DomainRead,
        ),
        CHECK_ROUTE,
        Route::write("POST", "/v5/domain/transferin", Permission::DomainWrite),
    ];
    const SUMMARY: &'static str =
        "Transfers a domain in from another registrar (billable): checks it is transferable, quotes the price and Gandi's dry run, then one order. The auth code is never echoed.";
    const EXAMPLE: &'static str = r#"{"action":"domains.transfer","domain":"taken-elsewhere.com","auth_code":"Xq7-Lp2-Vz9#k","contact":{"given":"John","family":"Doe","email":"jdoe@example.org","streetaddr":"5 rue Neuve","city":"Paris","zip":"75001","country":"FR","phone":"+33.123456789","type":"individual"}}"#;
    type Params = TransferParams;
    type Output = Transferred;
    type Preview = TransferQuote;
    type Pending = TransferOrder;

    fn plan(cx: &mut Reads, p: TransferParams) -> SkillResult<Step<Self>> {
        // First thing: whatever happens next, the code is redacted from the reply.
        let code = match &p.auth_code {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        cx.guard_secret(Token::from_request_secret(&code));
        let code_ok = p.auth_code.is_string()
            && !code.trim().is_empty()
            && code.chars().count() <= 255
            && !code.chars().any(char::is_control);
        if !code_ok {
            return Err(SkillError::invalid_param(
                "auth_code",
                None,
                "the transfer code the current registrar gives, as a string (1 to 255 characters)",
            ));
        }
        let fqdn = crate::dns::zone_ascii(&p.domain, "domain")?;
        let duration = pricing::years(p.duration, MAX_YEARS)?;
        let (owner, owner_source) = contact::owner(cx, p.contact)?;
        let transfer: TransferAvailability = cx.post_check(
            &format!("domain/transferin/{}/available", encode(&fqdn)),
            &json!({"authinfo": code}),
        )?;
        if transfer.available != Some(true) {
            return Err(SkillError::new(
                ErrorCode::Conflict,
                format!(
                    "{fqdn} cannot be transferred to Gandi now{}; nothing was ordered",
                    transfer.msg.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
                ),
            )
            .with_detail("domain", fqdn.as_str())
            .with_detail("gandi", serde_json::to_value(&transfer).unwrap_or(Value::Null))
            .with_hint("check the name and the auth code with the user (the current registrar gives the code and must allow the transfer)"));
        }
        let accepted: Vec<u32> = if !transfer.durations.is_empty() {
            transfer.durations.clone()
        } else {
            let min = transfer.minimum_duration.unwrap_or(1);
            let max = transfer.maximum_duration.unwrap_or(MAX_YEARS);
            (min..=max).collect()
        };
        if !accepted.contains(&duration) {
            return Err(SkillError::new(
                ErrorCode::Conflict,
                format!(
                    "Gandi accepts a transfer of {fqdn} for {} year(s), not {duration}; nothing was ordered",
                    accepted.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                ),
            )
            .with_detail("domain", fqdn.as_str())
            .with_detail("durations", accepted)
            .with_hint("ask the user for one of those durations, then preview again"));
        }
        let check = pricing::check(cx, &mut Pacer::new(), &fqdn, &["transfer"])?;
        let quote = pricing::order_quote(&check, "transfer", &fqdn, duration)?;
        let body = json!({"fqdn": fqdn, "owner": owner, "authinfo": code, "duration": duration});
        let dry_run = order_dry_run(cx, "domain/transferin", &body)?;
        let billed = billed(cx);
        let price = quote.price.clone();
        let message = format!(
            "This transfers {} to Gandi for {:.2} {} ({}), adding {duration} year(s), owned by {} {}.",
            crate::actions::common::unicode(&fqdn),
            price.amount,
            price.currency,
            taxes_words(price.taxes_included),
            owner.given,
            owner.family
        );
        let state = StateDigest::of(&(
            &fqdn,
            duration,
            price.amount,
            &price.currency,
            quote.premium,
            &owner,
            transfer.available,
        ));
        let preview = TransferQuote {
            fqdn: fqdn.clone(),
            fqdn_unicode: unicode_if_different(&fqdn),
            duration,
            price: price.clone(),
            premium: quote.premium,
            owner,
            owner_source,
            transfer,
            dry_run,
            billed: billed.clone(),
        };
        let pending = TransferOrder {
            fqdn: fqdn.clone(),
            duration,
            price: price.clone(),
            billed,
            body,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending)
                .touching(&fqdn)
                .order(price.amount, &price.currency),
        ))
    }

    fn apply(cx: &mut Writes, o: TransferOrder) -> SkillResult<Transferred> {
        let gandi = place(cx, "domain/transferin", &o.body, "the transfer", &o.fqdn)?;
        let check_with = domains_get(&o.fqdn);
        Ok(Transferred {
            fqdn_unicode: unicode_if_different(&o.fqdn),
            duration: o.duration,
            price: o.price,
            billed: o.billed,
            gandi,
            follow_up: format!(
                "a transfer takes days (the current registrar or the owner may have to approve it); Gandi follows it at GET /v5/domain/transferin/{}, and {check_with} shows the domain once it has arrived",
                o.fqdn
            ),
            fqdn: o.fqdn,
        })
    }
}
