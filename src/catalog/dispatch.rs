//! Dispatch: the one place that owns the safety order of every action.
//! Parameters, the user's policy, the token's permissions, `plan` (reads
//! only), the policy again on what the plan found, `dry_run`, the gate (plan
//! token: preview or verify), the price check, and only then `apply`, with
//! the `Permit` that a write needs and that nothing else can make. It also
//! serializes the result, once: a list shaped by `fields`, `sort` and
//! `limit` (checked before any request) and counted for `meta`.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::context::Reads;
use super::shape::{self, ListOptions, Shape};
use super::{
    diagnose, list_spec, property_names, request_schema, Action, AnyAction, Done, Permission,
    Planned, Route, Step, Writes,
};
use crate::auth;
use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::protocol::{CommonFields, Meta};
use crate::safety::plan::{self, PlanInputs, PlanSelection};
use crate::safety::policy::PolicyInForce;
use crate::safety::Class;

/// The proof that the gate let a change through. Its field is private, so
/// only this module can make one, and `Client::send` requires it.
pub struct Permit {
    _private: (),
}

/// Routes dispatch itself may call for any action: the permission check
/// before a change, the diagnosis of a 404 on a domain, and the prepaid
/// balance beside a quote.
pub const DISPATCH_ROUTES: &[Route] = &[
    Route::TOKENINFO,
    Route::get("/v5/domain/domains/{domain}", Permission::DomainRead),
    Route::get(
        "/v5/organization/organizations",
        Permission::OrganizationRead,
    ),
    Route::get("/v5/billing/info", Permission::BillingRead),
];

/// What one action run produced, with what the reply needs besides.
pub struct Ran {
    pub outcome: SkillResult<Done>,
    /// Every secret the output guard must redact.
    pub secrets: Vec<auth::Token>,
    pub meta: Meta,
    pub warnings: Vec<String>,
}

/// Runs one action whose envelope was read.
pub fn dispatch(
    env: &Env,
    action: &dyn AnyAction,
    common: &CommonFields,
    params: Map<String, Value>,
) -> Ran {
    let mut cx = Reads::new(action.name(), env, common, action.permission());
    let outcome = action.execute(&mut cx, params);
    if common.dry_run && action.class() != Class::Read {
        cx.run.meta.dry_run = Some(true);
    }
    // The credential in use, every other one this selection can see (a
    // request may quote one before or without any client), and any secret
    // met on the way.
    let run = cx.run;
    let in_use = run.client.as_ref().map(|c| c.credential().token.clone());
    let selection = auth::Selection::new(env, common.sandbox, common.profile.as_deref()).ok();
    let visible = auth::visible_secrets(env, selection.as_ref());
    Ran {
        outcome,
        secrets: in_use
            .into_iter()
            .chain(visible)
            .chain(run.secrets)
            .collect(),
        meta: run.meta,
        warnings: run.warnings,
    }
}

/// The order every action goes through.
pub(super) fn execute<A: Action>(cx: &mut Reads, raw: Map<String, Value>) -> SkillResult<Done> {
    let common = cx.run.common;
    check_common(A::CLASS, common)?;
    let schema = request_schema::<A::Params>();
    let names = property_names(&schema);
    let params: A::Params = crate::params::from_map_with(raw.clone(), &names)?;
    // A list's `fields` and `sort` are checked against its items now, so a
    // wrong name sends nothing.
    let shape = match list_spec::<A>(&schema) {
        Some(spec) => {
            let options: Map<String, Value> = raw
                .iter()
                .filter(|(k, v)| matches!(k.as_str(), "fields" | "limit" | "sort") && !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Some(spec.shape(crate::params::from_map::<ListOptions>(options)?)?)
        }
        None => None,
    };
    let policy = policy_for(cx, A::CLASS)?;
    if A::CLASS != Class::Read {
        policy.allows_class(A::NAME, A::CLASS)?;
        for domain in request_domains(&raw) {
            policy.allows_domain(A::NAME, A::CLASS, &domain)?;
        }
        // Checked just before the first request: bad input sends nothing.
        cx.run.pending_check = Some(
            A::ROUTES
                .iter()
                .filter(|r| !r.best_effort)
                .map(|r| r.permission)
                .filter(|p| !p.scopes().is_empty())
                .collect(),
        );
    }
    let step = match A::plan(cx, params) {
        Ok(step) => step,
        Err(e) => return Err(diagnose::not_found(cx, e, &raw, A::ROUTES)),
    };
    let planned = match step {
        Step::Done(output) => return result(cx, &output, shape.as_ref()),
        Step::Change(planned) if A::CLASS == Class::Read => {
            drop(planned);
            return Err(SkillError::internal(format!(
                "{} is a read action but planned a change",
                A::NAME
            )));
        }
        Step::Change(planned) => planned,
    };
    for domain in &planned.domains {
        policy.allows_domain(A::NAME, A::CLASS, domain)?;
    }
    if let Some(z) = planned.zone_change {
        let domain = planned
            .domains
            .first()
            .map(String::as_str)
            .unwrap_or("the zone");
        policy.allows_zone_change(domain, z.touched, z.size)?;
    }
    if A::CLASS == Class::Billable && planned.order.is_none() {
        return Err(SkillError::internal(format!(
            "{} is billable but its plan quotes no total",
            A::NAME
        )));
    }
    if let Some(order) = &planned.order {
        policy.allows_order(order.total, &order.currency)?;
    }
    let mut preview = to_value(&planned.preview, "preview")?;
    if common.dry_run {
        return Ok(Done::DryRun(preview));
    }
    let permit = match gate::<A>(cx, &raw, &planned, &mut preview)? {
        Gate::Pass(permit) => permit,
        Gate::Stop(done) => return Ok(done),
    };
    check_price(common, &planned)?;
    let mut writes = Writes { reads: cx, permit };
    let output = A::apply(&mut writes, planned.pending)?;
    result(writes.reads, &output, None)
}

/// Above this a reply costs an agent more than it can read at once.
const LARGE_REPLY_BYTES: usize = 256 * 1024;

/// The result, serialized once. A list is shaped (`fields`, `sort`, `limit`)
/// as it is written, counted for `meta.returned` and `meta.truncated`, and
/// warned about when too large.
fn result(cx: &mut Reads, output: &impl Serialize, shape: Option<&Shape>) -> SkillResult<Done> {
    let Some(shape) = shape else {
        return serde_json::value::to_raw_value(output)
            .map(Done::Result)
            .map_err(|e| SkillError::internal(format!("result: {e}")));
    };
    let shaped = shape::serialize(output, shape)
        .map_err(|e| SkillError::internal(format!("result of {}: {e}", cx.action())))?;
    cx.run.meta.returned = shaped.returned;
    cx.run.meta.truncated = shaped.returned.map(|_| shaped.truncated);
    large_reply(cx, shaped.json.len(), shape);
    RawValue::from_string(shaped.json)
        .map(Done::Result)
        .map_err(|e| SkillError::internal(format!("result: {e}")))
}

/// A warning on a list too large for an agent's context, saying how to ask
/// for less.
fn large_reply(cx: &mut Reads, bytes: usize, shape: &Shape) {
    if bytes > LARGE_REPLY_BYTES {
        let advice = format!(
            "this reply is {} KB (about {} tokens), more than an agent should read at once: ask only for what is needed with `fields` and `limit` (and `sort`), e.g. {}",
            bytes / 1000,
            bytes / 4,
            shape.example(cx.action())
        );
        cx.warn(advice);
    }
}

enum Gate {
    /// Go ahead: the change may be made.
    Pass(Permit),
    /// Stop before any change: the user must see the preview first.
    Stop(Done),
}

/// The confirmation gate. A write passes; a destructive or billable change
/// passes only with `confirm` and the plan token of a preview that still
/// matches what would be done now.
fn gate<A: Action>(
    cx: &mut Reads,
    raw: &Map<String, Value>,
    planned: &Planned<A>,
    preview: &mut Value,
) -> SkillResult<Gate> {
    if !A::CLASS.needs_confirmation() {
        return Ok(Gate::Pass(Permit { _private: () }));
    }
    let common = cx.run.common;
    let key = plan::key_for(cx.run.env)?;
    let selection = cx.selection()?;
    let plan_selection = PlanSelection {
        profile: selection.profile.clone(),
        sandbox: selection.sandbox,
        sharing_id: common.sharing_id.clone(),
    };
    let inputs = PlanInputs {
        action: A::NAME,
        params: raw,
        selection: &plan_selection,
        state: planned.state,
    };
    let now = cx.now();
    match (common.confirm, common.plan.as_deref()) {
        (true, Some(token)) => match key.verify(token, &inputs, now) {
            Ok(()) => Ok(Gate::Pass(Permit { _private: () })),
            Err(stale) => Err(SkillError::new(
                ErrorCode::StalePlan,
                format!("not done: {}; nothing was changed", stale.sentence()),
            )
            .with_detail("reason", stale.reason())
            .with_hint("send the same request again without confirm and plan, show the user the new preview, and ask them again")),
        },
        (confirm, _) => {
            if confirm {
                cx.warn("`confirm` was sent without the `plan` of a preview, so nothing was done: show this preview to the user and repeat with confirm_with only after their explicit yes");
            }
            let token = key.issue(&inputs, now);
            if let Value::Object(map) = preview {
                map.insert("plan".into(), Value::from(token.as_str()));
            }
            let mut confirm_with = Map::new();
            confirm_with.insert("confirm".into(), Value::Bool(true));
            confirm_with.insert("plan".into(), Value::from(token.as_str()));
            if let Some(order) = &planned.order {
                confirm_with.insert("max_price".into(), Value::from(order.total));
            }
            if let Some(order) = &planned.order {
                balance_warning(cx, order);
            }
            let ask = if A::CLASS == Class::Billable {
                "Quote the price to the user"
            } else {
                "Show the user this preview and its warnings"
            };
            Ok(Gate::Stop(Done::Confirm {
                message: format!(
                    "{} Nothing was changed. {ask}, and repeat the same request with confirm_with added only after their explicit yes in chat.",
                    planned.message
                ),
                preview: std::mem::take(preview),
                confirm_with,
            }))
        }
    }
}

/// Beside a quote: whether the prepaid balance covers it. Best effort: a
/// token without Billing (read), or an account without prepaid funds, says
/// nothing.
fn balance_warning(cx: &mut Reads, order: &super::Order) {
    let Ok(info) = cx.get::<crate::gandi::billing::BillingInfo>("billing/info", &[]) else {
        return;
    };
    let Some(prepaid) = info.prepaid else {
        return;
    };
    let (Some(amount), Some(currency)) = (prepaid.amount, prepaid.currency) else {
        return;
    };
    if currency.eq_ignore_ascii_case(&order.currency) && amount + 0.005 < order.total {
        cx.warn(format!(
            "the prepaid balance ({amount:.2} {currency}) does not cover this order ({:.2} {}): Gandi takes the rest from the payment method on file, or refuses the order; tell the user",
            order.total, order.currency
        ));
    }
}

/// A confirmed order goes ahead only at or below the user's `max_price`.
fn check_price<A: Action>(common: &CommonFields, planned: &Planned<A>) -> SkillResult<()> {
    let (Some(order), Some(max)) = (&planned.order, common.max_price) else {
        return Ok(());
    };
    // Amounts are in cents at most: a rounding hair is not a price rise.
    if order.total > max + 0.005 {
        return Err(SkillError::new(
            ErrorCode::PriceExceeded,
            format!(
                "not ordered: the current total is {} {}, above max_price {max}",
                order.total, order.currency
            ),
        )
        .with_detail("price", order.total)
        .with_detail("currency", order.currency.as_str())
        .with_detail("max_price", max)
        .with_hint(
            "tell the user the new price; order only if they accept it, with a new preview",
        ));
    }
    Ok(())
}

/// The policy for this run: a broken file stops every change, and only
/// warns on a read.
fn policy_for(cx: &mut Reads, class: Class) -> SkillResult<PolicyInForce> {
    match PolicyInForce::load(cx.run.env) {
        Ok(p) => Ok(p),
        Err(e) if class == Class::Read => {
            cx.warn(format!("{} (only changes are refused)", e.message));
            Ok(PolicyInForce::default())
        }
        Err(e) => Err(e),
    }
}

/// The domains a request names (`domain`, `domains`), ASCII lower case.
fn request_domains(raw: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: &Value| {
        if let Some(s) = v.as_str() {
            let s = s.trim().trim_end_matches('.').to_ascii_lowercase();
            out.push(crate::dns::zone_ascii(&s, "domain").unwrap_or(s));
        }
    };
    if let Some(d) = raw.get("domain") {
        push(d);
    }
    if let Some(Value::Array(list)) = raw.get("domains") {
        list.iter().for_each(&mut push);
    }
    out
}

fn check_common(class: Class, common: &CommonFields) -> SkillResult<()> {
    if class == Class::Billable && common.confirm && common.max_price.is_none() && !common.dry_run {
        return Err(SkillError::invalid_param(
            "max_price",
            None,
            "the highest total you accept (taxes included, in the quoted currency), required with `confirm` on a billable action",
        ));
    }
    if let Some(id) = &common.sharing_id {
        crate::actions::common::check_id(
            "sharing_id",
            id,
            "an organization id as organizations.list shows it",
        )?;
    }
    Ok(())
}

fn to_value(v: &impl Serialize, what: &str) -> SkillResult<Value> {
    serde_json::to_value(v).map_err(|e| SkillError::internal(format!("{what}: {e}")))
}
