//! Domain prices as every availability, renewal and order action shows them:
//! the `GET /domain/check` request (paced), reading a price for a process
//! and a duration from Gandi's grid, and the checks an order makes on it.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::actions::billing::Price;
use crate::catalog::Reads;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::price::{PriceLine, PriceList, Product};

/// The longest registration (or transfer) Gandi sells, in years.
pub const MAX_YEARS: u32 = 10;
/// The longest renewal Gandi accepts in one order, in years.
pub const MAX_RENEW_YEARS: u32 = 9;

/// A price read from Gandi's grid, and whether it is a premium name's.
#[derive(Clone, Debug)]
pub struct Quote {
    pub price: Price,
    pub premium: bool,
}

/// Sends checks no faster than Gandi's rate limit allows with room to
/// spare: the first `BURST` at once, then one per `SPACING` (600 a minute
/// at most, against Gandi's 1000 per minute).
#[derive(Default)]
pub struct Pacer {
    sent: u32,
    last: Option<Instant>,
}

const BURST: u32 = 10;
const SPACING: Duration = Duration::from_millis(100);

impl Pacer {
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Waits, when needed, before the next request.
    pub fn pace(&mut self) {
        if self.sent >= BURST {
            if let Some(last) = self.last {
                let due = last + SPACING;
                let now = Instant::now();
                if due > now {
                    std::thread::sleep(due - now);
                }
            }
        }
        self.sent += 1;
        self.last = Some(Instant::now());
    }
}

/// `GET /domain/check` for one ASCII name and the given processes (Gandi
/// takes `processes` repeated).
pub fn check(
    cx: &mut Reads,
    pacer: &mut Pacer,
    fqdn: &str,
    processes: &[&str],
) -> SkillResult<PriceList> {
    let mut query: Vec<(&str, String)> = vec![("name", fqdn.to_string())];
    query.extend(processes.iter().map(|p| ("processes", p.to_string())));
    pacer.pace();
    cx.get("domain/check", &query)
}

/// The product of one process in a check answer.
pub fn product<'a>(check: &'a PriceList, process: &str) -> Option<&'a Product> {
    check
        .products
        .iter()
        .find(|p| p.process.as_deref() == Some(process))
}

/// Whether Gandi says the name can be registered now.
pub fn available(check: &PriceList) -> bool {
    status(check).as_deref() == Some("available")
}

/// The name's status (`available`, `unavailable`, ...), from its `create`
/// product when there is one.
pub fn status(check: &PriceList) -> Option<String> {
    product(check, "create")
        .or_else(|| check.products.first())
        .and_then(|p| p.status.clone())
}

fn covers(entry: &PriceLine, duration: u32) -> bool {
    let unit_ok = entry
        .duration_unit
        .as_deref()
        .is_none_or(|u| u.eq_ignore_ascii_case("y"));
    unit_ok
        && entry.min_duration.unwrap_or(1) <= duration
        && duration <= entry.max_duration.unwrap_or(u32::MAX)
}

/// The price of `process` for `duration` years. A grid line holds the price
/// of one year for the durations it covers (Gandi's `min_duration` ..
/// `max_duration`); when a premium line covers it too, that is the price.
pub fn quote(check: &PriceList, process: &str, duration: u32) -> Option<Quote> {
    let currency = check.currency.clone()?;
    let product = product(check, process)?;
    let matching: Vec<&PriceLine> = product
        .prices
        .iter()
        .filter(|e| covers(e, duration))
        .collect();
    let entry = matching
        .iter()
        .find(|e| e.kind.as_deref() == Some("premium"))
        .or(matching.first())?;
    Some(Quote {
        price: Price::of(entry, duration, &currency, "y")?,
        premium: entry.kind.as_deref() == Some("premium"),
    })
}

/// The durations Gandi prices for `process` (the union of its grid lines).
fn priced_durations(check: &PriceList, process: &str) -> Vec<(u32, u32)> {
    product(check, process)
        .map(|p| {
            p.prices
                .iter()
                .map(|e| (e.min_duration.unwrap_or(1), e.max_duration.unwrap_or(1)))
                .collect()
        })
        .unwrap_or_default()
}

/// The price an order is placed at: Gandi must name the currency and price
/// this very duration, or nothing is ordered.
pub fn order_quote(
    check: &PriceList,
    process: &str,
    fqdn: &str,
    duration: u32,
) -> SkillResult<Quote> {
    if check.currency.is_none() {
        return Err(SkillError::new(
            ErrorCode::UnexpectedResponse,
            format!("Gandi's price answer for {fqdn} names no currency; nothing was ordered"),
        )
        .with_hint("try again later; the price cannot be quoted without its currency"));
    }
    if let Some(q) = quote(check, process, duration) {
        return Ok(q);
    }
    let ranges = priced_durations(check, process);
    if ranges.is_empty() {
        return Err(SkillError::new(
            ErrorCode::Conflict,
            format!(
                "Gandi gives no {process} price for {fqdn} (status {}); nothing was ordered",
                status(check).unwrap_or_else(|| "unknown".into())
            ),
        )
        .with_detail("domain", fqdn)
        .with_detail(
            "status",
            status(check).map(Value::from).unwrap_or(Value::Null),
        )
        .with_hint("domains.check shows what Gandi offers for this name"));
    }
    let text: Vec<String> = ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                format!("{a}")
            } else {
                format!("{a} to {b}")
            }
        })
        .collect();
    Err(SkillError::new(
        ErrorCode::Conflict,
        format!(
            "Gandi prices the {process} of {fqdn} for {} year(s), not {duration}; nothing was ordered",
            text.join(" or ")
        ),
    )
    .with_detail("domain", fqdn)
    .with_detail("duration", duration)
    .with_detail(
        "durations",
        ranges
            .iter()
            .map(|(a, b)| serde_json::json!({"min": a, "max": b}))
            .collect::<Vec<_>>(),
    )
    .with_hint("ask the user for a duration Gandi accepts, then preview again"))
}

/// `duration` as a request gives it: years, 1 to `max` (Gandi's documented
/// bound for the order), default 1. Checked before any request.
pub fn years(duration: Option<u32>, max: u32) -> SkillResult<u32> {
    let d = duration.unwrap_or(1);
    if (1..=max).contains(&d) {
        Ok(d)
    } else {
        Err(SkillError::invalid_param(
            "duration",
            Some(&d.to_string()),
            &format!("a number of years from 1 to {max}"),
        ))
    }
}
