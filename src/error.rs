//! The one place that turns any failure into a stable error `code`, a message,
//! a hint the agent can act on, and the process exit code the contract lists.

use serde_json::{Map, Value};

use crate::auth::Token;

/// Every error code the contract names. `as_str` is the wire form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidJson,
    TooLarge,
    UnknownAction,
    InvalidParams,
    MissingToken,
    InsecureTokenFile,
    MalformedToken,
    InvalidToken,
    Forbidden,
    ConfigInvalid,
    NotFound,
    Conflict,
    Rejected,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    Unreachable,
    Timeout,
    Tls,
    PriceExceeded,
    Refused,
    StalePlan,
    PolicyDenied,
    Internal,
}

impl ErrorCode {
    /// Every code, for the reply schema's enum.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidJson,
        ErrorCode::TooLarge,
        ErrorCode::UnknownAction,
        ErrorCode::InvalidParams,
        ErrorCode::MissingToken,
        ErrorCode::InsecureTokenFile,
        ErrorCode::MalformedToken,
        ErrorCode::InvalidToken,
        ErrorCode::Forbidden,
        ErrorCode::ConfigInvalid,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Rejected,
        ErrorCode::RateLimited,
        ErrorCode::ServerError,
        ErrorCode::UnexpectedResponse,
        ErrorCode::Unreachable,
        ErrorCode::Timeout,
        ErrorCode::Tls,
        ErrorCode::PriceExceeded,
        ErrorCode::Refused,
        ErrorCode::StalePlan,
        ErrorCode::PolicyDenied,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "request.invalid_json",
            ErrorCode::TooLarge => "request.too_large",
            ErrorCode::UnknownAction => "request.unknown_action",
            ErrorCode::InvalidParams => "request.invalid_params",
            ErrorCode::MissingToken => "auth.missing_token",
            ErrorCode::InsecureTokenFile => "auth.insecure_token_file",
            ErrorCode::MalformedToken => "auth.malformed_token",
            ErrorCode::InvalidToken => "auth.invalid_token",
            ErrorCode::Forbidden => "auth.forbidden",
            ErrorCode::ConfigInvalid => "config.invalid",
            ErrorCode::NotFound => "api.not_found",
            ErrorCode::Conflict => "api.conflict",
            ErrorCode::Rejected => "api.rejected",
            ErrorCode::RateLimited => "api.rate_limited",
            ErrorCode::ServerError => "api.server_error",
            ErrorCode::UnexpectedResponse => "api.unexpected_response",
            ErrorCode::Unreachable => "network.unreachable",
            ErrorCode::Timeout => "network.timeout",
            ErrorCode::Tls => "network.tls",
            ErrorCode::PriceExceeded => "safety.price_exceeded",
            ErrorCode::Refused => "safety.refused",
            ErrorCode::StalePlan => "safety.stale_plan",
            ErrorCode::PolicyDenied => "safety.policy_denied",
            ErrorCode::Internal => "internal",
        }
    }

    /// The process exit code for this error (contract §1).
    pub fn exit_code(self) -> i32 {
        match self.as_str().split('.').next() {
            Some("api") => 1,
            Some("request") => 2,
            Some("auth") | Some("config") => 4,
            Some("network") => 5,
            Some("safety") => 6,
            _ => 70,
        }
    }
}

/// A failure on its way to the agent: what went wrong, and what to do about it.
#[derive(Clone, Debug)]
pub struct SkillError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
    pub http_status: Option<u16>,
    pub details: Map<String, Value>,
}

pub type SkillResult<T> = Result<T, SkillError>;

impl SkillError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        SkillError {
            code,
            message: message.into(),
            hint: None,
            http_status: None,
            details: Map::new(),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    pub fn with_detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }

    /// `request.invalid_params` naming the field, the value given (when there
    /// is one worth showing) and what was expected.
    pub fn invalid_param(field: &str, value: Option<&str>, expected: &str) -> Self {
        let message = match value {
            Some(v) => format!("parameter `{field}`: {v:?} is not valid: expected {expected}"),
            None => format!("parameter `{field}`: expected {expected}"),
        };
        let mut err = SkillError::new(ErrorCode::InvalidParams, message)
            .with_detail("field", field)
            .with_detail("expected", expected)
            .with_hint(format!(
                "nothing was sent to Gandi; correct `{field}` and send the request again"
            ));
        if let Some(v) = value {
            err = err.with_detail("value", v);
        }
        err
    }

    pub fn internal(message: impl Into<String>) -> Self {
        SkillError::new(ErrorCode::Internal, message).with_hint(
            "this is a bug in gandi-skill; please report it with the request (never the token)",
        )
    }

    pub fn exit_code(&self) -> i32 {
        self.code.exit_code()
    }
}

/// Text shortened for a reply (a quoted body, an echoed name): the one
/// place that cuts text for display. Every secret is redacted from the
/// WHOLE text first, and only then is it cut to `max_chars` characters
/// (with `…`): cut first, a secret that straddles the cut would survive in
/// part, and no later redaction can recognise a piece of it. A caller that
/// does not know the secrets must not cut at all: it quotes whole (the
/// output guard redacts whole values) or not at all.
pub fn quote<'a>(
    text: &str,
    max_chars: usize,
    secrets: impl IntoIterator<Item = &'a Token>,
) -> String {
    let redacted = secrets
        .into_iter()
        .fold(text.to_string(), |text, secret| secret.redact(&text));
    match redacted.char_indices().nth(max_chars) {
        None => redacted,
        Some((cut, _)) => format!("{}…", &redacted[..cut]),
    }
}

impl std::fmt::Display for SkillError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for SkillError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_redacted_before_it_is_cut() {
        let secret = Token::from_request_secret("SECRET-0123456789abcdefghijklmnopqrstuvwxyz");
        // The secret straddles the cut: 10 characters before it, 34 after.
        let text = format!(
            "{}{}{}",
            "x".repeat(190),
            "SECRET-0123456789abcdefghijklmnopqrstuvwxyz",
            "y".repeat(50)
        );
        let shown = quote(&text, 200, [&secret]);
        assert!(!shown.contains("SECRET-012"), "{shown}");
        assert!(
            shown.starts_with(&format!("{}[redacted]", "x".repeat(190))),
            "{shown}"
        );
        assert!(shown.ends_with('…'));
        assert_eq!(shown.chars().count(), 201);
        // Short text is left whole; characters are counted, not bytes.
        assert_eq!(quote("été", 3, []), "été");
        assert_eq!(quote("étés", 3, []), "été…");
    }
}
