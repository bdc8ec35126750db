//! Billing actions: `billing.info` (prepaid balance, threshold, outstanding
//! amount) and `billing.prices` (domain prices per TLD and process), and the
//! one reading of Gandi's price lists (`/billing/price/{type}`) that every
//! quote uses: `Price`, the price shape of every reply, and `quote`.

use schemars::JsonSchema;
use serde::Serialize;

use crate::actions::common::{unicode_if_different, ListParams};
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::client::Paging;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::billing::BillingInfo;
use crate::gandi::price::{PriceLine, PriceList, Product};
use crate::safety::Class;

/// A price as every reply shows it (contract §2): `amount` is the total for
/// the whole order (`duration` units), taxes included when `taxes_included`.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Price {
    /// The total for the whole duration, taxes included when `taxes_included`.
    pub amount: f64,
    pub currency: String,
    pub taxes_included: bool,
    /// The same total before taxes, when Gandi gives it (and `amount` includes them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_before_taxes: Option<f64>,
    pub duration: u32,
    /// `y` (years) or `m` (months).
    pub duration_unit: String,
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Price {
    /// The total of `duration` units at one of Gandi's unit prices. Gandi
    /// gives the price of one unit; an order of several costs that many.
    pub fn of(p: &PriceLine, duration: u32, currency: &str, default_unit: &str) -> Option<Price> {
        let units = f64::from(duration);
        let (amount, taxes_included) = match (p.price_after_taxes, p.price_before_taxes) {
            (Some(after), _) => (after, true),
            (None, Some(before)) => (before, false),
            (None, None) => return None,
        };
        Some(Price {
            amount: cents(amount * units),
            currency: currency.to_string(),
            taxes_included,
            amount_before_taxes: p
                .price_before_taxes
                .filter(|_| taxes_included)
                .map(|b| cents(b * units)),
            duration,
            duration_unit: p
                .duration_unit
                .clone()
                .unwrap_or_else(|| default_unit.to_string()),
        })
    }
}

/// What a product costs to `process` for `duration` units, from
/// `GET /billing/price/{kind}?name=..&processes=..`.
pub struct Quote {
    pub price: Price,
    /// The longest duration Gandi prices for it.
    pub max_duration: Option<u32>,
}

/// Gandi's current price of one product. No price for that name and
/// process, or none for that duration, is `api.conflict` (nothing can be
/// ordered at an unknown price).
pub fn quote(
    cx: &mut Reads,
    kind: &str,
    name: &str,
    process: &str,
    duration: u32,
    default_unit: &str,
) -> SkillResult<Quote> {
    let query = [
        ("name", name.to_string()),
        ("processes", process.to_string()),
    ];
    let list: PriceList = cx.get(&format!("billing/price/{kind}"), &query)?;
    let currency = list.currency.clone().unwrap_or_default();
    let no_price = |why: String| {
        SkillError::new(ErrorCode::Conflict, why)
            .with_detail("product", name)
            .with_detail("process", process)
            .with_hint(
                "nothing was ordered; check the name and duration (describe shows the parameters)",
            )
    };
    let product = list
        .products
        .iter()
        .find(|p| p.name == name && p.process.as_deref().is_none_or(|q| q == process))
        .ok_or_else(|| no_price(format!("Gandi lists no {process} price for {name}")))?;
    let max_duration = product.prices.iter().filter_map(|p| p.max_duration).max();
    let price = product
        .price_for(duration)
        .and_then(|p| Price::of(p, duration, &currency, default_unit))
        .ok_or_else(|| {
            no_price(format!(
                "Gandi has no {process} price for {name} for a duration of {duration}{}",
                max_duration
                    .map(|m| format!(" (at most {m})"))
                    .unwrap_or_default()
            ))
        })?;
    if currency.is_empty() {
        return Err(SkillError::new(
            ErrorCode::UnexpectedResponse,
            format!("Gandi's price for {name} names no currency; nothing can be quoted"),
        ));
    }
    Ok(Quote {
        price,
        max_duration,
    })
}

/// The account's money as `billing.info` shows it.
#[derive(Serialize, JsonSchema)]
pub struct BillingReport {
    /// Prepaid funds, when the account has a prepaid account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prepaid: Option<PrepaidReport>,
    /// What is owed and not yet paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outstanding_amount: Option<f64>,
    /// What the account spent over the last twelve months.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annual_balance: Option<f64>,
    /// The currency of the amounts (the prepaid account's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Gandi's price grid for the account (`A`, `B`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct PrepaidReport {
    pub amount: Option<f64>,
    pub currency: Option<String>,
    /// Gandi warns the user when the balance falls below this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning_threshold: Option<f64>,
    /// Whether the balance is below the warning threshold.
    pub below_threshold: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

pub struct Info;

impl Action for Info {
    const NAME: &'static str = "billing.info";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::BillingRead;
    const ROUTES: &'static [Route] = &[Route::get("/v5/billing/info", Permission::BillingRead)];
    const SUMMARY: &'static str =
        "The prepaid balance and its currency, the warning threshold, the outstanding amount, the annual balance and the price grid.";
    const EXAMPLE: &'static str = r#"{"action":"billing.info"}"#;
    type Params = crate::actions::common::NoParams;
    type Output = BillingReport;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, _p: Self::Params) -> SkillResult<Step<Self>> {
        let info: BillingInfo = cx.get("billing/info", &[])?;
        let prepaid = info.prepaid.map(|p| {
            let below = matches!((p.amount, p.warning_threshold), (Some(a), Some(t)) if a < t);
            PrepaidReport {
                amount: p.amount,
                currency: p.currency,
                warning_threshold: p.warning_threshold,
                below_threshold: below,
                updated_at: p.updated_at,
            }
        });
        let currency = prepaid.as_ref().and_then(|p| p.currency.clone());
        if let Some(p) = prepaid.as_ref().filter(|p| p.below_threshold) {
            cx.warn(format!(
                "the prepaid balance ({:.2} {}) is below its warning threshold ({:.2}): orders are taken from the payment method on file, or refused",
                p.amount.unwrap_or(0.0),
                p.currency.as_deref().unwrap_or(""),
                p.warning_threshold.unwrap_or(0.0)
            ));
        }
        if let Some(owed) = info.outstanding_amount.filter(|o| *o > 0.005) {
            cx.warn(format!(
                "the account has an outstanding amount of {owed:.2} {}: tell the user",
                currency.as_deref().unwrap_or("")
            ));
        }
        Ok(Step::Done(BillingReport {
            prepaid,
            outstanding_amount: info.outstanding_amount,
            annual_balance: info.annual_balance,
            currency,
            grid: info.grid,
        }))
    }
}

/// The TLDs asked at most in one `billing.prices`.
const MAX_TLDS: usize = 50;

/// The processes a domain price list covers.
const PROCESSES: [&str; 4] = ["create", "renew", "transfer", "restore"];

crate::list_params! {
    pub struct PricesParams {
        /// The TLDs to price, e.g. `["com","fr","рф"]` (1 to 50; a leading dot is allowed). Gandi's price route needs them named.
        pub tlds: Vec<String>,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct TldPriceList {
    pub tlds: Vec<TldPrice>,
}

/// One TLD's prices for one year, per process.
#[derive(Serialize, JsonSchema)]
pub struct TldPrice {
    /// The TLD in ASCII form, without the dot (`com`, `xn--p1ai`).
    pub tld: String,
    /// The Unicode form, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tld_unicode: Option<String>,
    /// Registering a name for one year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<Price>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew: Option<Price>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Price>,
    /// Restoring a name after it expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore: Option<Price>,
    /// The longest registration or renewal Gandi prices, in years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_years: Option<u32>,
}

/// A TLD as Gandi names it, from what the user wrote.
fn tld_ascii(given: &str) -> SkillResult<String> {
    let bare = given.trim().trim_start_matches('.').trim_end_matches('.');
    let refuse =
        || SkillError::invalid_param("tlds", Some(given), "TLDs such as `com`, `.fr` or `рф`");
    let ascii = crate::dns::zone_ascii(&format!("x.{bare}"), "tlds").map_err(|_| refuse())?;
    let tld = ascii.trim_start_matches("x.").to_string();
    if tld.is_empty()
        || !tld
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(refuse());
    }
    Ok(tld)
}

pub struct Prices;

impl Action for Prices {
    const NAME: &'static str = "billing.prices";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::BillingRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/billing/price/domain",
        Permission::BillingRead,
    )];
    const SUMMARY: &'static str =
        "Domain prices per TLD for one year: create, renew, transfer and restore, taxes included.";
    const EXAMPLE: &'static str = r#"{"action":"billing.prices","tlds":["com","fr"]}"#;
    type Params = PricesParams;
    type Output = TldPriceList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: PricesParams) -> SkillResult<Step<Self>> {
        let paging = p.paging()?;
        if p.tlds.is_empty() || p.tlds.len() > MAX_TLDS {
            return Err(SkillError::invalid_param(
                "tlds",
                None,
                &format!("1 to {MAX_TLDS} TLDs, e.g. [\"com\",\"fr\"]"),
            ));
        }
        let mut tlds: Vec<String> = Vec::new();
        for t in &p.tlds {
            let ascii = tld_ascii(t)?;
            if !tlds.contains(&ascii) {
                tlds.push(ascii);
            }
        }
        let mut query: Vec<(&str, String)> =
            tlds.iter().map(|t| ("name", format!(".{t}"))).collect();
        query.extend(PROCESSES.iter().map(|p| ("processes", p.to_string())));
        let (mut page, per_page, one_page) = match paging {
            Paging::Page { page, per_page } => (page, per_page, true),
            Paging::All => (1, crate::client::PER_PAGE, false),
            Paging::AllBy(n) => (1, n, false),
        };
        // The answer is an object whose `products` are paged: read pages
        // while they come back full (the client's rule for lists).
        let mut products: Vec<Product> = Vec::new();
        let mut currency = None;
        let mut pages = 0u32;
        loop {
            let mut q = query.clone();
            q.push(("per_page", per_page.to_string()));
            q.push(("page", page.to_string()));
            let list: PriceList = cx.get("billing/price/domain", &q)?;
            pages += 1;
            currency = currency.or(list.currency);
            let full = list.products.len() as u64 >= u64::from(per_page);
            let empty = list.products.is_empty();
            products.extend(list.products);
            if one_page || !full || empty || pages >= 1000 {
                break;
            }
            page += 1;
        }
        let currency = currency.unwrap_or_default();
        let mut out = Vec::new();
        let mut unpriced = Vec::new();
        for tld in &tlds {
            let name = format!(".{tld}");
            let of = |process: &str| {
                products
                    .iter()
                    .find(|p| p.name == name && p.process.as_deref() == Some(process))
            };
            let price = |process: &str| {
                of(process)
                    .and_then(|p| p.price_for(1))
                    .and_then(|p| Price::of(p, 1, &currency, "y"))
            };
            let item = TldPrice {
                tld: tld.clone(),
                tld_unicode: unicode_if_different(tld),
                create: price("create"),
                renew: price("renew"),
                transfer: price("transfer"),
                restore: price("restore"),
                max_years: PROCESSES
                    .iter()
                    .filter_map(|p| of(p))
                    .flat_map(|p| p.prices.iter().filter_map(|x| x.max_duration))
                    .max(),
            };
            if item.create.is_none()
                && item.renew.is_none()
                && item.transfer.is_none()
                && item.restore.is_none()
            {
                unpriced.push(format!(".{tld}"));
            } else {
                out.push(item);
            }
        }
        if !unpriced.is_empty() && !one_page {
            cx.warn(format!(
                "Gandi lists no price for {}: it does not sell these TLDs (or they are misspelled)",
                unpriced.join(", ")
            ));
        }
        cx.listed(Some(out.len() as u64), pages);
        Ok(Step::Done(TldPriceList { tlds: out }))
    }
}
