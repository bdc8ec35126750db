//! Billing API handlers: the account's balance and prepaid funds
//! (`GET /billing/info`) and the price lists (`GET /billing/price/{type}`
//! for `domain`, `issued-cert` and `mailboxv2`), answered from the shared
//! domain price list, the certificate packages and the mailbox prices.

use serde_json::{json, Value};

use crate::fake::auth::SCOPE_BILLING_READ;
use crate::fake::http::{paginate, validation_error, Req, Response};
use crate::fake::router::{Access, Reply, Route};
use crate::fake::state::State;

/// The account's money.
#[derive(Debug, Clone, PartialEq)]
pub struct Billing {
    pub annual_balance: f64,
    pub outstanding_amount: f64,
    /// Prepaid funds, in `currency`.
    pub prepaid: f64,
    pub currency: String,
    pub warning_threshold: f64,
}

impl Billing {
    pub fn seeded() -> Billing {
        Billing {
            annual_balance: 1234.5,
            outstanding_amount: 0.0,
            prepaid: 50.0,
            currency: "EUR".into(),
            warning_threshold: 20.0,
        }
    }
}

pub fn info(state: &State) -> Reply {
    let b = &state.billing;
    Ok(Response::json(
        200,
        &json!({
            "annual_balance": b.annual_balance,
            "grid": state.prices.grid,
            "outstanding_amount": b.outstanding_amount,
            "prepaid": {
                "amount": format!("{:.2}", b.prepaid).parse::<f64>().unwrap_or(b.prepaid),
                "currency": b.currency,
                "warning_threshold": b.warning_threshold,
                "created_at": "2021-03-01T09:00:00Z",
                "updated_at": "2026-11-20T14:12:00Z",
            },
        }),
    ))
}

/// One priced product: `name` under `process`, `price` a unit price
/// before taxes for `1..=max` units of `unit`.
struct Priced {
    name: String,
    process: &'static str,
    price: f64,
    max: u32,
    unit: &'static str,
}

/// The values asked for a repeated query parameter (`name=a&name=b`);
/// Gandi marks `name` and `processes` required.
fn asked<'a>(req: &'a Req, key: &str) -> Result<Vec<&'a str>, Response> {
    let values: Vec<&str> = req
        .query
        .iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| v.split(','))
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err(validation_error("querystring", key, "Required"));
    }
    Ok(values)
}

/// `{currency, grid, taxes, products}` with the products paged like a list.
fn price_list(req: &Req, state: &State, base: &str, all: Vec<Priced>) -> Reply {
    let names = asked(req, "name")?;
    let processes = asked(req, "processes")?;
    let rate = state.prices.tax_rate;
    let taxes =
        json!([{"name": "vat", "name_label": "VAT", "rate": rate * 100.0, "type": "service"}]);
    let products: Vec<Value> = all
        .iter()
        .filter(|p| names.contains(&p.name.as_str()) && processes.contains(&p.process))
        .map(|p| {
            json!({
                "name": p.name,
                "status": "available",
                "process": p.process,
                "phases": [{"name": "GA", "starts_at": "2000-01-01T00:00:00Z"}],
                "prices": [{
                    "min_duration": 1,
                    "max_duration": p.max,
                    "duration_unit": p.unit,
                    "discount": false,
                    "features": [],
                    "options": {"phase": "GA"},
                    "price_before_taxes": p.price,
                    "price_after_taxes": state.prices.with_taxes(p.price),
                }],
                "taxes": taxes,
            })
        })
        .collect();
    let total = all.len();
    let page = paginate(req, base, products, total, 100)?;
    let mut resp = Response::json(
        200,
        &json!({
            "currency": state.prices.currency,
            "grid": state.prices.grid,
            "taxes": taxes,
            // The page's items, as the paginator rendered them.
            "products": serde_json::from_slice::<serde_json::Value>(&page.body)
                .unwrap_or_else(|_| json!([])),
        }),
    );
    resp.headers.extend(page.headers);
    Ok(resp)
}

/// Domain prices: products `.com` ... per process, from the shared list.
/// (`name` is `.com` in Gandi's answers; a bare `com` is taken too.)
fn domain_prices(req: &Req, state: &State, base: &str) -> Reply {
    let mut all = Vec::new();
    for (tld, p) in &state.prices.tlds {
        for (process, price) in [
            ("create", p.create),
            ("renew", p.renew),
            ("transfer", p.transfer),
            ("restore", p.restore),
        ] {
            for name in [format!(".{tld}"), tld.clone()] {
                all.push(Priced {
                    name,
                    process,
                    price,
                    max: p.max_years,
                    unit: "y",
                });
            }
        }
    }
    price_list(req, state, base, all)
}

/// Certificate prices per package, yearly.
fn certificate_prices(req: &Req, state: &State, base: &str) -> Reply {
    let mut all = Vec::new();
    for p in &state.certificates.packages {
        for (process, price) in [("create", p.create), ("renew", p.renew)] {
            all.push(Priced {
                name: p.name.clone(),
                process,
                price,
                max: p.max_years,
                unit: "y",
            });
        }
    }
    price_list(req, state, base, all)
}

/// Mailbox slot prices per mailbox type, monthly.
fn mailbox_prices(req: &Req, state: &State, base: &str) -> Reply {
    let mut all = Vec::new();
    for (kind, price) in &state.email.monthly_prices {
        for process in ["create", "renew"] {
            all.push(Priced {
                name: kind.clone(),
                process,
                price: *price,
                max: 12,
                unit: "m",
            });
        }
    }
    price_list(req, state, base, all)
}

/// The Billing routes.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/v5/billing/info",
        access: Access::Scope(SCOPE_BILLING_READ),
        handle: |_, state, _, _| info(state),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/billing/price/domain",
        access: Access::Scope(SCOPE_BILLING_READ),
        handle: |req, state, base, _| domain_prices(req, state, base),
        // Every TLD costs 1.00 more.
        perturb: Some(|state, _| {
            for p in state.prices.tlds.values_mut() {
                p.create += 1.0;
                p.renew += 1.0;
                p.transfer += 1.0;
                p.restore += 1.0;
            }
        }),
    },
    Route {
        method: "GET",
        pattern: "/v5/billing/price/issued-cert",
        access: Access::Scope(SCOPE_BILLING_READ),
        handle: |req, state, base, _| certificate_prices(req, state, base),
        // Every package costs 1.00 more.
        perturb: Some(|state, _| {
            for p in &mut state.certificates.packages {
                p.create += 1.0;
                p.renew += 1.0;
            }
        }),
    },
    Route {
        method: "GET",
        pattern: "/v5/billing/price/mailboxv2",
        access: Access::Scope(SCOPE_BILLING_READ),
        handle: |req, state, base, _| mailbox_prices(req, state, base),
        perturb: Some(|state, _| {
            for p in state.email.monthly_prices.values_mut() {
                *p += 1.0;
            }
        }),
    },
];

impl Default for Billing {
    fn default() -> Billing {
        Billing::seeded()
    }
}
