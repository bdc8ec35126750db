//! Authentication and scopes: the seeded token constants, `TokenSpec`, and the per-route checks (401 unknown/malformed, 403 expired or missing scope).

use crate::fake::http::{forbidden, unauthorized, Req, Response};
use crate::fake::state::{now_secs, State, Token};

/// How a token is presented in `Authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Bearer,
    Apikey,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Bearer => "Bearer",
            Scheme::Apikey => "Apikey",
        }
    }
}

/// What a token may do. `expires_in_secs` counts from `add_token`;
/// `expired: true` forces 403 whatever the date. API keys never expire.
#[derive(Debug, Clone)]
pub struct TokenSpec {
    pub scheme: Scheme,
    pub scopes: Vec<String>,
    pub expired: bool,
    pub name: String,
    pub expires_in_secs: i64,
    /// Sandbox tokens are accepted everywhere by this single server; tests
    /// check which token was sent instead.
    pub sandbox: bool,
}

pub const SCOPE_DOMAIN_READ: &str = "domain:read";
pub const SCOPE_DOMAIN_WRITE: &str = "domain:write";
pub const SCOPE_DNS_READ: &str = "dns:read";
pub const SCOPE_DNS_WRITE: &str = "dns:write";
pub const SCOPE_ORG_READ: &str = "org:read";
pub const SCOPE_ORG_WRITE: &str = "org:write";
pub const SCOPE_BILLING_READ: &str = "billing:read";
pub const SCOPE_EMAIL_READ: &str = "email:read";
pub const SCOPE_EMAIL_WRITE: &str = "email:write";
pub const SCOPE_CERT_READ: &str = "certificate:read";
pub const SCOPE_CERT_WRITE: &str = "certificate:write";

/// Every scope the fake knows.
pub const ALL_SCOPES: [&str; 11] = [
    "domain:read",
    "domain:write",
    "dns:read",
    "dns:write",
    "org:read",
    "org:write",
    "billing:read",
    "email:read",
    "email:write",
    "certificate:read",
    "certificate:write",
];

/// Bearer, all scopes, expires in 60 days.
pub const TOKEN_FULL: &str = "f3c9a1e7b2d84c6fa0e5917d3b8c2a4f6e1d9b70";
/// Bearer, only `domain:read`, `dns:read`, `org:read`.
pub const TOKEN_READONLY: &str = "9b2e7d4a1c8f3e6b0a5d2c9f8e1b4a7d3c6f0e25";
/// Bearer, all scopes but expired: 403 on every route.
pub const TOKEN_EXPIRED: &str = "4e8a2c6f0b9d3e7a1c5f8b2d6e0a4c9f7b3d1e58";
/// Bearer, all scopes, expires in 2 days.
pub const TOKEN_SOON: &str = "c7f1e5b9a3d0c4e8f2b6a0d9c3e7f1b5a9d2c6e4";
/// Legacy API key (24 chars), all rights, never expires, `Apikey` scheme only.
pub const APIKEY_LEGACY: &str = "Zp3kQ8vL2mX7nR4tY6wB9cD1";
/// Bearer, all scopes, flagged sandbox (accepted here like any other token).
pub const TOKEN_SANDBOX: &str = "5a0d8c2f6e4b1a9d7c3e5f0b8a2d6c4e9f1b7a3d";

impl TokenSpec {
    pub fn bearer(name: &str, scopes: &[&str], expires_in_secs: i64) -> TokenSpec {
        TokenSpec {
            scheme: Scheme::Bearer,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            expired: false,
            name: name.to_string(),
            expires_in_secs,
            sandbox: false,
        }
    }
}

/// Adds the six seeded tokens.
pub fn seed_tokens(state: &mut State) {
    let day = crate::fake::state::DAY;
    state.add_token(
        TOKEN_FULL,
        TokenSpec::bearer("ci-full", &ALL_SCOPES, 60 * day),
    );
    state.add_token(
        TOKEN_READONLY,
        TokenSpec::bearer(
            "ci-readonly",
            &[SCOPE_DOMAIN_READ, SCOPE_DNS_READ, SCOPE_ORG_READ],
            60 * day,
        ),
    );
    let mut expired = TokenSpec::bearer("ci-expired", &ALL_SCOPES, -day);
    expired.expired = true;
    state.add_token(TOKEN_EXPIRED, expired);
    state.add_token(
        TOKEN_SOON,
        TokenSpec::bearer("ci-soon", &ALL_SCOPES, 2 * day),
    );
    let mut apikey = TokenSpec::bearer("legacy-apikey", &ALL_SCOPES, 0);
    apikey.scheme = Scheme::Apikey;
    state.add_token(APIKEY_LEGACY, apikey);
    let mut sandbox = TokenSpec::bearer("ci-sandbox", &ALL_SCOPES, 30 * day);
    sandbox.sandbox = true;
    state.add_token(TOKEN_SANDBOX, sandbox);
}

/// Finds the token named by `Authorization`. Missing header, unknown token or
/// a token presented with the wrong scheme: 401.
pub fn identify(req: &Req, state: &State) -> Result<(String, Token), Response> {
    let header = req.header("authorization").ok_or_else(unauthorized)?;
    let (scheme, secret) = header.trim().split_once(' ').ok_or_else(unauthorized)?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "bearer" => Scheme::Bearer,
        "apikey" => Scheme::Apikey,
        _ => return Err(unauthorized()),
    };
    let secret = secret.trim();
    match state.tokens.get(secret) {
        Some(t) if t.spec.scheme == scheme => Ok((secret.to_string(), t.clone())),
        _ => Err(unauthorized()),
    }
}

/// A valid, unexpired token holding `scope` (when given). Expired or lacking
/// the scope: 403.
pub fn require(req: &Req, state: &State, scope: Option<&str>) -> Result<Token, Response> {
    let (_, token) = identify(req, state)?;
    if token.is_expired(now_secs()) {
        return Err(forbidden());
    }
    if let Some(scope) = scope {
        if !token.spec.scopes.iter().any(|s| s == scope) {
            return Err(forbidden());
        }
    }
    Ok(token)
}

/// A valid, unexpired Bearer token (PAT routes). An API key gets 403.
pub fn require_bearer(req: &Req, state: &State) -> Result<(String, Token), Response> {
    let (secret, token) = identify(req, state)?;
    if token.is_expired(now_secs()) || token.spec.scheme != Scheme::Bearer {
        return Err(forbidden());
    }
    Ok((secret, token))
}
