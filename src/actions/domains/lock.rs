//! `domains.lock` (write) and `domains.unlock` (destructive): the registrar
//! transfer lock (`clientTransferProhibited`), set with
//! `PATCH /domain/domains/{domain}/status`. A domain already in the state
//! asked for is left alone: nothing is sent.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;
use ureq::http::Method;

use super::settings::{DomainName, DETAIL_ROUTE};
use super::DomainParams;
use crate::actions::common::message_of;
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::Body;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::domain::DomainDetail;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const LOCK_FLAG: &str = "clientTransferProhibited";

const STATUS_ROUTE: Route = Route::write(
    "PATCH",
    "/v5/domain/domains/{domain}/status",
    Permission::DomainWrite,
);

/// What a lock change would do.
#[derive(Serialize, JsonSchema)]
pub struct LockPreview {
    #[serde(flatten)]
    pub name: DomainName,
    /// Whether the domain is locked against transfers now.
    pub locked_now: bool,
    /// Whether it will be.
    pub locked_after: bool,
    /// Gandi's status flags now, e.g. `clientTransferProhibited`.
    pub status: Vec<String>,
}

/// What a lock change did.
#[derive(Serialize, JsonSchema)]
pub struct LockResult {
    #[serde(flatten)]
    pub name: DomainName,
    /// Whether the domain is locked against transfers now.
    pub locked: bool,
    /// Whether a change was sent (false: it already was).
    pub changed: bool,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `apply` needs.
pub struct LockChange {
    name: DomainName,
    lock: bool,
}

/// Reads the domain's flags; `Done` when it already is as asked.
fn plan_lock<A>(cx: &mut Reads, p: DomainParams, lock: bool) -> SkillResult<Step<A>>
where
    A: Action<Output = LockResult, Preview = LockPreview, Pending = LockChange>,
{
    let name = DomainName::parse(&p.domain)?;
    let d: DomainDetail = cx.get(&name.path(""), &[])?;
    let locked = d.status.iter().any(|s| s == LOCK_FLAG);
    if locked == lock {
        cx.warn(format!(
            "{} is already {}: nothing was sent",
            name.shown(),
            if lock { "locked" } else { "unlocked" }
        ));
        return Ok(Step::Done(LockResult {
            name,
            locked,
            changed: false,
            message: None,
        }));
    }
    if d.can_tld_lock == Some(false) {
        return Err(SkillError::new(
            ErrorCode::Conflict,
            format!(
                "the registry of {} offers no transfer lock: nothing was sent",
                name.shown()
            ),
        )
        .with_detail("can_tld_lock", false)
        .with_hint("transfers of this TLD are protected by its auth code only: keep it secret"));
    }
    let message = if lock {
        format!(
            "This locks {} against transfers to another registrar.",
            name.shown()
        )
    } else {
        cx.warn(format!(
            "once unlocked, {} can be transferred away by anyone who has its auth code; lock it again with domains.lock when the transfer is done or abandoned",
            name.shown()
        ));
        if d.status.iter().any(|s| s == "serverTransferProhibited") {
            cx.warn("the registry itself also blocks transfers (serverTransferProhibited): unlocking at Gandi alone does not make the domain transferable; ask Gandi's support");
        }
        format!(
            "This removes the transfer lock of {}: it can then be transferred to another registrar.",
            name.shown()
        )
    };
    // The lock is one of the status flags; the plan binds them all (a
    // transfer started meanwhile, say, changes the picture).
    let mut flags = d.status.clone();
    flags.sort();
    let state = StateDigest::of(&(&name.domain, &flags));
    let domain = name.domain.clone();
    let preview = LockPreview {
        name: name.clone(),
        locked_now: locked,
        locked_after: lock,
        status: d.status,
    };
    Ok(Step::Change(
        Planned::new(message, preview, state, LockChange { name, lock }).touching(&domain),
    ))
}

fn apply_lock(cx: &mut Writes, c: LockChange) -> SkillResult<LockResult> {
    let body = json!({ LOCK_FLAG: c.lock });
    let answer = cx.send(
        Method::PATCH,
        &c.name.path("/status"),
        Body::Json(&body),
        &[],
    )?;
    Ok(LockResult {
        name: c.name,
        locked: c.lock,
        changed: true,
        message: message_of(&answer),
    })
}

pub struct Lock;

impl Action for Lock {
    const NAME: &'static str = "domains.lock";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[DETAIL_ROUTE, STATUS_ROUTE];
    const SUMMARY: &'static str =
        "Locks a domain against transfers (clientTransferProhibited); nothing is sent when it already is.";
    const EXAMPLE: &'static str = r#"{"action":"domains.lock","domain":"oldsite.eu"}"#;
    type Params = DomainParams;
    type Output = LockResult;
    type Preview = LockPreview;
    type Pending = LockChange;

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        plan_lock(cx, p, true)
    }

    fn apply(cx: &mut Writes, c: LockChange) -> SkillResult<LockResult> {
        apply_lock(cx, c)
    }
}

pub struct Unlock;

impl Action for Unlock {
    const NAME: &'static str = "domains.unlock";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[DETAIL_ROUTE, STATUS_ROUTE];
    const SUMMARY: &'static str =
        "Removes a domain's transfer lock so it can move to another registrar. Previews first.";
    const EXAMPLE: &'static str = r#"{"action":"domains.unlock","domain":"example.com"}"#;
    type Params = DomainParams;
    type Output = LockResult;
    type Preview = LockPreview;
    type Pending = LockChange;

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        plan_lock(cx, p, false)
    }

    fn apply(cx: &mut Writes, c: LockChange) -> SkillResult<LockResult> {
        apply_lock(cx, c)
    }
}
