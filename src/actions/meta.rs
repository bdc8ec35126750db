//! Meta actions: `describe` (the catalog itself and the policy in force),
//! `token.check` (what the credential is, where it came from, whom it
//! belongs to, when it expires) and `token.renew` (a new token into the
//! token file, never to the output).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ureq::http::Method;

use super::common::{check_id, NoParams};
use crate::auth::Scheme;
use crate::catalog::{Action, AnyAction, Permission, Planned, Reads, Route, Step, Writes, ACTIONS};
use crate::client::{encode, Body};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::organization::{RenewedToken, TokenInfo as TokenInfoWire, UserInfo};
use crate::safety::plan::StateDigest;
use crate::safety::policy::{PolicyInForce, PolicyReport};
use crate::safety::Class;

/// Warn when a token expires within this many days.
const EXPIRY_WARNING_DAYS: i64 = 7;

/// The whole catalog.
#[derive(Serialize, JsonSchema)]
pub struct Catalog {
    pub name: String,
    pub version: String,
    pub actions: Vec<ActionInfo>,
    /// The user's policy file and the rules in force.
    pub policy: PolicyReport,
}

/// One action as `describe` and `skill.json` show it.
#[derive(Serialize, JsonSchema)]
pub struct ActionInfo {
    pub name: String,
    /// `read`, `write`, `destructive` or `billable`.
    pub class: String,
    pub summary: String,
    /// The Gandi routes it calls.
    pub routes: Vec<String>,
    /// The token permission it needs.
    pub permission: String,
    /// JSON Schema of its parameters (besides the common fields).
    pub params: Value,
}

impl ActionInfo {
    pub fn of(action: &dyn AnyAction) -> ActionInfo {
        ActionInfo {
            name: action.name().to_string(),
            class: action.class().as_str().to_string(),
            summary: action.summary().to_string(),
            routes: action.routes().iter().map(|r| r.to_string()).collect(),
            permission: action.permission().wording().to_string(),
            params: action.params_schema().to_value(),
        }
    }
}

pub struct Describe;

impl Action for Describe {
    const NAME: &'static str = "describe";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::None;
    const ROUTES: &'static [Route] = &[];
    const SUMMARY: &'static str =
        "The catalog: every action with its class, summary, Gandi routes, permission and parameter schema; the policy in force.";
    const EXAMPLE: &'static str = r#"{"action":"describe"}"#;
    type Params = NoParams;
    type Output = Catalog;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, _p: NoParams) -> SkillResult<Step<Self>> {
        Ok(Step::Done(Catalog {
            name: "gandi-skill".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            actions: ACTIONS.iter().map(|a| ActionInfo::of(*a)).collect(),
            policy: PolicyInForce::report(cx.env()),
        }))
    }
}

/// What `token.check` found.
#[derive(Serialize, JsonSchema)]
pub struct TokenReport {
    /// `env:GANDI_API_TOKEN` or the token file's path; never the value.
    pub credential_source: String,
    /// `Bearer` (Personal Access Token) or `Apikey` (legacy key).
    pub scheme: String,
    /// The token file's mode (e.g. `0600`), when it came from a file.
    pub file_mode: Option<String>,
    pub profile: Option<String>,
    pub sandbox: bool,
    /// The API base URL used.
    pub api_url: String,
    /// The Gandi user behind the token.
    pub account: AccountSummary,
    /// Expiry and scopes from token introspection, when it answered.
    pub token: Option<TokenInfo>,
    /// The user's policy file and the rules in force.
    pub policy: PolicyReport,
}

#[derive(Serialize, JsonSchema)]
pub struct AccountSummary {
    pub id: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct TokenInfo {
    pub name: Option<String>,
    /// When the token stops working.
    pub expires_at: Option<String>,
    /// Whole days left before expiry.
    pub expires_in_days: Option<i64>,
    pub scopes: Vec<String>,
    /// The organizations or resources the token is limited to.
    pub entities: Vec<Value>,
}

impl TokenInfo {
    fn from_wire(v: TokenInfoWire, now: i64) -> TokenInfo {
        TokenInfo {
            name: v.pat_name,
            expires_at: v.expires_in.map(|s| crate::time::format_rfc3339(now + s)),
            expires_in_days: v.expires_in.map(|s| crate::time::days_until(now, now + s)),
            scopes: v.scope,
            entities: v.entities,
        }
    }
}

pub struct TokenCheck;

impl Action for TokenCheck {
    const NAME: &'static str = "token.check";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::AnyToken;
    const ROUTES: &'static [Route] = &[
        Route::get("/v5/organization/user-info", Permission::AnyToken),
        Route::TOKENINFO,
    ];
    const SUMMARY: &'static str =
        "Where the credential comes from, its scheme, file mode, sandbox or not, the account behind it, expiry, scopes and the policy in force.";
    const EXAMPLE: &'static str = r#"{"action":"token.check"}"#;
    type Params = NoParams;
    type Output = TokenReport;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, _p: NoParams) -> SkillResult<Step<Self>> {
        let now = cx.now();
        let user: UserInfo = cx.get("organization/user-info", &[])?;
        let cred = cx.credential()?;
        let api_url = cx.api_url()?;
        let info = match cred.scheme {
            Scheme::Bearer if cx.can_introspect() => cx.tokeninfo()?,
            _ => None,
        };
        let token = info.map(|v| TokenInfo::from_wire(v, now));
        match &token {
            Some(TokenInfo {
                expires_in_days: Some(days),
                expires_at,
                ..
            }) if *days < EXPIRY_WARNING_DAYS => cx.warn(format!(
                "the token expires in {days} day(s) ({}); renew it with {{\"action\":\"token.renew\"}} or create a new one at the Gandi admin PAT page",
                expires_at.as_deref().unwrap_or("soon")
            )),
            None if cred.scheme == Scheme::Bearer && !cx.can_introspect() => cx.warn(
                "token introspection was skipped: GANDI_API_URL points elsewhere and GANDI_ID_URL is not set, so the token is not sent to Gandi's real id host; the expiry date and scopes are unknown",
            ),
            None if cred.scheme == Scheme::Bearer => cx.warn(
                "token introspection (id.gandi.net/tokeninfo) did not answer, so the expiry date and scopes are unknown",
            ),
            _ => {}
        }
        Ok(Step::Done(TokenReport {
            credential_source: cred.source.clone(),
            scheme: cred.scheme.as_str().to_string(),
            file_mode: cred.file_mode.map(|m| format!("{:04o}", m & 0o7777)),
            profile: cred.profile.clone(),
            sandbox: cred.sandbox,
            api_url,
            account: AccountSummary {
                id: user.id,
                username: user.username,
                name: user.name,
                email: user.email,
            },
            token,
            policy: PolicyInForce::report(cx.env()),
        }))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRenewParams {
    /// Renew this Personal Access Token (by id) instead of the one in use.
    #[serde(default)]
    pub pat_id: Option<String>,
    /// The new expiry (RFC 3339, e.g. `2027-03-01T00:00:00Z`); by default the token keeps its lifetime.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// What renewing would do.
#[derive(Serialize, JsonSchema)]
pub struct TokenRenewPreview {
    /// Where the credential in use comes from.
    pub credential_source: String,
    /// The file the new token will be written to (mode 0600).
    pub token_file: String,
    /// Where the file's current content will be kept.
    pub previous_file: String,
    /// The Gandi route that will be called.
    pub route: String,
    pub pat_id: Option<String>,
    pub expires_at: Option<String>,
    /// The current token's expiry, when introspection answers.
    pub current_expires_at: Option<String>,
}

/// The renewed token, described (its secret is only in the file).
#[derive(Serialize, JsonSchema)]
pub struct TokenRenewed {
    /// The file now holding the new token.
    pub token_file: String,
    /// Where the previous file content was kept, if there was one.
    pub previous_file: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    pub expires_at: Option<String>,
    pub scopes: Vec<String>,
}

/// What `apply` needs to renew and store.
pub struct RenewalPending {
    path: String,
    body: Value,
    target: std::path::PathBuf,
    /// The token being renewed, when it was read from `target`.
    in_use: Option<crate::auth::Token>,
    /// The variable the token came from, when not a file.
    from_env: Option<String>,
}

pub struct TokenRenew;

impl Action for TokenRenew {
    const NAME: &'static str = "token.renew";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::AnyToken;
    const ROUTES: &'static [Route] = &[
        Route::TOKENINFO,
        Route::write(
            "POST",
            "/v5/organization/access-tokens",
            Permission::AnyToken,
        ),
        Route::write(
            "POST",
            "/v5/organization/personal-access-tokens/{pat_id}",
            Permission::AnyToken,
        ),
    ];
    const SUMMARY: &'static str =
        "Renews the Personal Access Token in use (or pat_id) into the token file (0600, old kept as .previous); the secret is never printed.";
    const EXAMPLE: &'static str = r#"{"action":"token.renew"}"#;
    type Params = TokenRenewParams;
    type Output = TokenRenewed;
    type Preview = TokenRenewPreview;
    type Pending = RenewalPending;

    fn plan(cx: &mut Reads, p: TokenRenewParams) -> SkillResult<Step<Self>> {
        if let Some(id) = &p.pat_id {
            check_id(
                "pat_id",
                id,
                "a token id as the Gandi admin PAT page or token.check shows it",
            )?;
        }
        if let Some(at) = &p.expires_at {
            match crate::time::parse_rfc3339(at) {
                Some(t) if t > cx.now() => {}
                _ => {
                    return Err(SkillError::invalid_param(
                        "expires_at",
                        Some(at),
                        "a future date in RFC 3339 form, e.g. 2027-03-01T00:00:00Z",
                    ))
                }
            }
        }
        let cred = cx.credential()?;
        if cred.scheme == Scheme::Apikey {
            return Err(SkillError::new(
                ErrorCode::Refused,
                format!("the credential from {} is a legacy API key, which cannot be renewed through the API", cred.source),
            )
            .with_hint(format!(
                "create a Personal Access Token at {} and store it with {}",
                cred.selection().pat_page(),
                cred.selection().setup_command()
            )));
        }
        let target = crate::auth::renewal_target(cx.env(), &cred)?;
        let path = match &p.pat_id {
            Some(id) => format!("organization/personal-access-tokens/{}", encode(id)),
            None => "organization/access-tokens".to_string(),
        };
        let now = cx.now();
        let current = if cx.can_introspect() {
            cx.tokeninfo()?
        } else {
            None
        };
        let current_expires_at = current
            .as_ref()
            .and_then(|v| v.expires_in)
            .map(|s| crate::time::format_rfc3339(now + s));
        let preview = TokenRenewPreview {
            credential_source: cred.source.clone(),
            token_file: target.display().to_string(),
            previous_file: format!("{}.previous", target.display()),
            route: format!("POST /v5/{path}"),
            pat_id: p.pat_id.clone(),
            expires_at: p.expires_at.clone(),
            current_expires_at,
        };
        let message = format!(
            "This asks Gandi for a new token and writes it to {} (the current file is kept as {}.previous).",
            target.display(),
            target.display()
        );
        // The plan binds the very token it renews: once renewed (by this
        // run or another), a second confirmation of the same plan is stale.
        let state = StateDigest::of(&(
            cred.token.fingerprint(),
            &cred.source,
            current.and_then(|c| c.pat_name),
        ));
        let mut body = serde_json::Map::new();
        if let Some(at) = &p.expires_at {
            body.insert("expires_at".into(), Value::from(at.as_str()));
        }
        let pending = RenewalPending {
            path,
            body: Value::Object(body),
            target,
            in_use: cred.file.is_some().then(|| cred.token.clone()),
            from_env: cred
                .file
                .is_none()
                .then(|| cred.source.trim_start_matches("env:").to_string()),
        };
        Ok(Step::Change(Planned::new(message, preview, state, pending)))
    }

    fn apply(cx: &mut Writes, p: RenewalPending) -> SkillResult<TokenRenewed> {
        // Before Gandi issues anything: the new token must have a place to go.
        let slot = crate::auth::prepare_renewal(&p.target, p.in_use.as_ref())?;
        let answer = cx.send(Method::POST, &p.path, Body::Json(&p.body), &[])?;
        let renewed: RenewedToken = answer.json()?;
        let secret = renewed.access_token.as_deref().unwrap_or("");
        if secret.is_empty() {
            return Err(SkillError::new(
                ErrorCode::UnexpectedResponse,
                "Gandi's renewal answer holds no access_token; nothing was stored",
            )
            .with_hint("check the token's state with {\"action\":\"token.check\"}"));
        }
        // The new secret goes to the output guard before anything else happens.
        let mut guarded = Vec::new();
        let stored = slot.store(secret, &mut guarded);
        for token in guarded {
            cx.guard_secret(token);
        }
        let previous = stored?;
        if let Some(var) = &p.from_env {
            cx.warn(format!(
                "the new token is in {}; {var} still holds the old one: unset it (or update it) so the new token is used",
                p.target.display(),
            ));
        }
        Ok(TokenRenewed {
            token_file: p.target.display().to_string(),
            previous_file: previous.map(|p| p.display().to_string()),
            id: renewed.id,
            name: renewed.name,
            expires_at: renewed.expires_at,
            scopes: renewed.scopes,
        })
    }
}
