//! Meta actions: `describe` (the catalog itself) and `token.check` (what the
//! credential is, where it came from, whom it belongs to, when it expires).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ActionId, Ctx};
use crate::auth::Scheme;
use crate::client::{encode, Body};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::safety::Done;
use ureq::http::Method;

/// Warn when a token expires within this many days.
const EXPIRY_WARNING_DAYS: i64 = 7;

/// Parameters of an action that takes none besides the common fields.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// The whole catalog.
#[derive(Serialize, JsonSchema)]
pub struct Catalog {
    pub name: String,
    pub version: String,
    pub actions: Vec<ActionInfo>,
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
    pub fn of(action: ActionId) -> ActionInfo {
        ActionInfo {
            name: action.name().to_string(),
            class: action.class().as_str().to_string(),
            summary: action.summary().to_string(),
            routes: action.routes().iter().map(|r| r.to_string()).collect(),
            permission: action.permission().to_string(),
            params: action.params_schema().to_value(),
        }
    }
}

pub fn catalog() -> Catalog {
    Catalog {
        name: "gandi-skill".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        actions: ActionId::ALL.iter().map(|a| ActionInfo::of(*a)).collect(),
    }
}

pub fn describe(_ctx: &mut Ctx, _p: NoParams) -> SkillResult<Done<Catalog>> {
    Ok(Done::Result(catalog()))
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
}

#[derive(Serialize, JsonSchema)]
pub struct AccountSummary {
    pub id: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

impl AccountSummary {
    pub fn from_user_info(v: &Value) -> AccountSummary {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        AccountSummary {
            id: s("id"),
            username: s("username"),
            name: s("name"),
            email: s("email"),
        }
    }
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

pub fn token_check(ctx: &mut Ctx, _p: NoParams) -> SkillResult<Done<TokenReport>> {
    let now = ctx.env.unix_now();
    let client = ctx.client()?;
    let user = client.get("organization/user-info", &[])?;
    let cred = client.credential().clone();
    let api_url = client.api_url().to_string();
    let info = if cred.scheme == Scheme::Bearer {
        client.tokeninfo()
    } else {
        None
    };
    let token = info.map(|v| {
        let expires_in = v.get("expires_in").and_then(Value::as_i64);
        let expires_at = expires_in.map(|s| crate::time::format_rfc3339(now + s));
        TokenInfo {
            name: v
                .get("pat_name")
                .and_then(Value::as_str)
                .map(str::to_string),
            expires_at,
            expires_in_days: expires_in.map(|s| crate::time::days_until(now, now + s)),
            scopes: v
                .get("scope")
                .or_else(|| v.get("scopes"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            entities: v
                .get("entities")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        }
    });
    match &token {
        Some(TokenInfo {
            expires_in_days: Some(days),
            expires_at,
            ..
        }) if *days < EXPIRY_WARNING_DAYS => ctx.warnings.push(format!(
            "the token expires in {days} day(s) ({}); renew it with {{\"action\":\"token.renew\"}} or create a new one at the Gandi admin PAT page",
            expires_at.as_deref().unwrap_or("soon")
        )),
        None if cred.scheme == Scheme::Bearer => ctx.warnings.push(
            "token introspection (id.gandi.net/tokeninfo) did not answer, so the expiry date and scopes are unknown".into(),
        ),
        _ => {}
    }
    Ok(Done::Result(TokenReport {
        credential_source: cred.source.clone(),
        scheme: cred.scheme.as_str().to_string(),
        file_mode: cred.file_mode.map(|m| format!("{:04o}", m & 0o7777)),
        profile: cred.profile.clone(),
        sandbox: cred.sandbox,
        api_url,
        account: AccountSummary::from_user_info(&user),
        token,
    }))
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

pub fn token_renew(ctx: &mut Ctx, p: TokenRenewParams) -> SkillResult<Done<TokenRenewed>> {
    if let Some(id) = &p.pat_id {
        if id.is_empty()
            || id.len() > 64
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(SkillError::invalid_param(
                "pat_id",
                Some(id),
                "a token id as the Gandi admin PAT page or token.check shows it",
            ));
        }
    }
    if let Some(at) = &p.expires_at {
        match crate::time::parse_rfc3339(at) {
            Some(t) if t > ctx.env.unix_now() => {}
            _ => {
                return Err(SkillError::invalid_param(
                    "expires_at",
                    Some(at),
                    "a future date in RFC 3339 form, e.g. 2027-03-01T00:00:00Z",
                ))
            }
        }
    }
    let env = ctx.env;
    let client = ctx.client()?;
    let cred = client.credential().clone();
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
    let target = crate::auth::renewal_target(env, &cred)?;
    let path = match &p.pat_id {
        Some(id) => format!("organization/personal-access-tokens/{}", encode(id)),
        None => "organization/access-tokens".to_string(),
    };
    let now = env.unix_now();
    let current_expires_at = client
        .tokeninfo()
        .and_then(|v| v.get("expires_in").and_then(Value::as_i64))
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
        "This asks Gandi for a new token and writes it to {} (the current file is kept as {}.previous). Repeat with \"confirm\": true only after the user's explicit yes.",
        target.display(),
        target.display()
    );
    if let Some(stop) = ctx.gate(message, &preview)? {
        return Ok(stop);
    }
    // Before Gandi issues anything: the new token must have a place to go.
    let read_from_target = cred.file.is_some().then_some(&cred.token);
    let slot = crate::auth::prepare_renewal(&target, read_from_target)?;
    let mut body = serde_json::Map::new();
    if let Some(at) = &p.expires_at {
        body.insert("expires_at".into(), Value::from(at.as_str()));
    }
    let answer = ctx
        .client()?
        .send(Method::POST, &path, Body::Json(&Value::Object(body)), &[])?;
    let secret = answer
        .body
        .get("access_token")
        .and_then(Value::as_str)
        .unwrap_or("");
    if secret.is_empty() {
        return Err(SkillError::new(
            ErrorCode::UnexpectedResponse,
            "Gandi's renewal answer holds no access_token; nothing was stored",
        )
        .with_hint("check the token's state with {\"action\":\"token.check\"}"));
    }
    // The new secret goes to the output guard before anything else happens.
    let previous = slot.store(secret, &mut ctx.secrets)?;
    if cred.file.is_none() {
        ctx.warnings.push(format!(
            "the new token is in {}; {} still holds the old one: unset it (or update it) so the new token is used",
            target.display(),
            cred.source.trim_start_matches("env:")
        ));
    }
    let s = |k: &str| {
        answer
            .body
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(Done::Result(TokenRenewed {
        token_file: target.display().to_string(),
        previous_file: previous.map(|p| p.display().to_string()),
        id: s("id"),
        name: s("name"),
        expires_at: s("expires_at"),
        scopes: answer
            .body
            .get("scopes")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    }))
}
