//! `domains.autorenew.set`: turns Gandi's automatic renewal on or off
//! (`PATCH /domain/domains/{domain}/autorenew`; Gandi has no PUT or GET
//! there: the current state comes from the domain's details).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ureq::http::Method;

use super::settings::{DomainName, DETAIL_ROUTE};
use crate::actions::common::message_of;
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::Body;
use crate::error::{SkillError, SkillResult};
use crate::gandi::domain::DomainDetail;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutorenewParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// `true` to renew automatically before expiry, `false` to stop.
    pub enabled: bool,
    /// Years per automatic renewal (1-9), only with `enabled: true`; kept as it is when omitted.
    #[serde(default)]
    #[schemars(range(min = 1, max = 9))]
    pub duration: Option<u32>,
}

/// Automatic renewal, as Gandi holds it.
#[derive(Clone, Serialize, JsonSchema, PartialEq)]
pub struct AutorenewState {
    pub enabled: bool,
    /// Years per automatic renewal.
    pub duration: Option<u64>,
}

/// What the change would do, or did.
#[derive(Serialize, JsonSchema)]
pub struct AutorenewChange {
    #[serde(flatten)]
    pub name: DomainName,
    pub before: AutorenewState,
    pub after: AutorenewState,
    /// Whether a change was sent (false: it already was so).
    pub changed: bool,
    /// When the registration ends (registry date).
    pub expires_at: Option<String>,
    /// The organization whose payment method the renewals are charged to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub struct Set;

impl Action for Set {
    const NAME: &'static str = "domains.autorenew.set";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        DETAIL_ROUTE,
        Route::write(
            "PATCH",
            "/v5/domain/domains/{domain}/autorenew",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Turns automatic renewal on (with its duration in years) or off; shows before and after.";
    const EXAMPLE: &'static str = r#"{"action":"domains.autorenew.set","domain":"expiring-soon.org","enabled":true,"duration":1}"#;
    type Params = AutorenewParams;
    type Output = AutorenewChange;
    type Preview = AutorenewChange;
    type Pending = AutorenewChange;

    fn plan(cx: &mut Reads, p: AutorenewParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        if let Some(n) = p.duration {
            if !(1..=9).contains(&n) {
                return Err(SkillError::invalid_param(
                    "duration",
                    Some(&n.to_string()),
                    "a number of years from 1 to 9",
                ));
            }
            if !p.enabled {
                return Err(SkillError::invalid_param(
                    "duration",
                    Some(&n.to_string()),
                    "no `duration` with `enabled: false` (it only applies to automatic renewals)",
                ));
            }
        }
        let d: DomainDetail = cx.get(&name.path(""), &[])?;
        let before = AutorenewState {
            enabled: d.autorenew.enabled.unwrap_or(false),
            duration: d.autorenew.duration,
        };
        let after = AutorenewState {
            enabled: p.enabled,
            duration: p.duration.map(u64::from).or(before.duration),
        };
        let organization = d
            .sharing_space
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let expires_at = d.registry_ends_at();
        let mut change = AutorenewChange {
            name,
            changed: before != after,
            before: before.clone(),
            after: after.clone(),
            expires_at: expires_at.clone(),
            organization,
            message: None,
        };
        if !change.changed {
            cx.warn(format!(
                "automatic renewal of {} is already {}: nothing was sent",
                change.name.shown(),
                if after.enabled { "on" } else { "off" }
            ));
            return Ok(Step::Done(change));
        }
        if !p.enabled {
            cx.warn(format!(
                "with automatic renewal off, {} expires on {} unless someone renews it (domains.renew)",
                change.name.shown(),
                expires_at.as_deref().unwrap_or("its expiry date")
            ));
        }
        change.changed = true;
        let message = format!(
            "This turns automatic renewal of {} {}.",
            change.name.shown(),
            if p.enabled { "on" } else { "off" }
        );
        let state = StateDigest::of(&(&change.name.domain, &change.before));
        let domain = change.name.domain.clone();
        let preview = AutorenewChange {
            name: change.name.clone(),
            before,
            after,
            changed: true,
            expires_at,
            organization: change.organization.clone(),
            message: None,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, change).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, mut c: AutorenewChange) -> SkillResult<AutorenewChange> {
        let mut body = Map::new();
        body.insert("enabled".into(), json!(c.after.enabled));
        // Gandi documents `duration` as defaulting to 1: sent whenever known,
        // so turning renewal on never shortens it behind the user's back.
        if let (true, Some(n)) = (c.after.enabled, c.after.duration) {
            body.insert("duration".into(), json!(n));
        }
        let body = Value::Object(body);
        let answer = cx.send(
            Method::PATCH,
            &c.name.path("/autorenew"),
            Body::Json(&body),
            &[],
        )?;
        c.message = message_of(&answer);
        Ok(c)
    }
}
