//! Billing API handlers: the account's balance and prepaid funds
//! (`GET /billing/info`).

use serde_json::json;

use crate::fake::auth::SCOPE_BILLING_READ;
use crate::fake::http::Response;
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

/// The Billing routes.
pub const ROUTES: &[Route] = &[Route {
    method: "GET",
    pattern: "/v5/billing/info",
    access: Access::Scope(SCOPE_BILLING_READ),
    handle: |_, state, _, _| info(state),
    perturb: None,
}];

impl Default for Billing {
    fn default() -> Billing {
        Billing::seeded()
    }
}
