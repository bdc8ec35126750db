//! What Gandi answered: the `Answer` of a successful exchange and how it is
//! decoded (typed JSON, text, empty), and the one mapping from an error
//! answer (either of Gandi's error shapes, odd bodies) to our error codes,
//! with the auth hints for 401 and 403.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::transport::retry_after;
use super::Client;
use crate::auth::{Credential, Scheme, Token};
use crate::error::{quote, ErrorCode, SkillError, SkillResult};
use crate::gandi::ErrorBody;

/// A 2xx answer: status, headers and the raw body, decoded on demand.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub bytes: Vec<u8>,
    /// Whether the request changed something (a failed decode then must
    /// not quote the body, and must say the change was probably made).
    pub(super) was_write: bool,
    /// The secrets the request carried, redacted from a quote of the body.
    pub(super) secrets: Vec<Token>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    fn is_empty(&self) -> bool {
        self.bytes.iter().all(u8::is_ascii_whitespace)
    }

    /// The body as `T`; an empty body reads as `T::default()`.
    pub fn json_or_default<T: DeserializeOwned + Default>(&self) -> SkillResult<T> {
        if self.is_empty() {
            return Ok(T::default());
        }
        self.json()
    }

    /// The body as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> SkillResult<T> {
        if !is_json(&self.headers) {
            let media = media_type(&self.headers).unwrap_or_default();
            return Err(self.unreadable(
                format!(
                    "Gandi answered with {} instead of JSON",
                    if media.is_empty() { "no content type".to_string() } else { media }
                ),
                "try again later; if it persists, a proxy or captive portal may be answering instead of Gandi",
            ));
        }
        serde_json::from_slice(&self.bytes).map_err(|e| {
            // A shape error may hide a cut body: say which it is.
            let valid = serde_json::from_slice::<serde::de::IgnoredAny>(&self.bytes).is_ok();
            let why = if e.is_syntax() || e.is_eof() || !valid {
                format!("Gandi's answer is not valid JSON ({e})")
            } else {
                format!("Gandi's answer does not have the expected shape ({e})")
            };
            self.unreadable(
                why,
                "the answer was cut, garbled or changed shape; try again (reads are safe to repeat)",
            )
        })
    }

    /// The body as text (zone files); an empty body is an empty string.
    pub fn text(&self) -> SkillResult<String> {
        let media = media_type(&self.headers).unwrap_or_default();
        let is_text = media.starts_with("text/plain") || media == "text/dns";
        if !self.is_empty() && !is_text {
            return Err(self.unreadable(
                format!("Gandi answered with {media} where text was asked for"),
                "try again later",
            ));
        }
        String::from_utf8(self.bytes.clone()).map_err(|_| {
            self.unreadable(
                "Gandi sent text that is not UTF-8".to_string(),
                "try again later",
            )
        })
    }

    fn unreadable(&self, message: String, read_hint: &str) -> SkillError {
        let err = SkillError::new(ErrorCode::UnexpectedResponse, message).with_status(self.status);
        if self.was_write {
            // A write's answer may carry a new secret (a renewed token):
            // never quote it, and never suggest repeating what Gandi took.
            return err.with_hint(format!(
                "Gandi accepted the request ({}) but its answer could not be read: the change was probably made; check the current state before repeating anything",
                self.status
            ));
        }
        err.with_detail("excerpt", excerpt(&self.bytes, &self.secrets))
            .with_hint(read_hint)
    }
}

pub(super) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn media_type(headers: &[(String, String)]) -> Option<String> {
    header(headers, "content-type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    })
}

fn is_json(headers: &[(String, String)]) -> bool {
    media_type(headers).is_some_and(|m| m == "application/json" || m.ends_with("+json"))
}

/// How much of a body an error quotes.
const EXCERPT_CHARS: usize = 200;

/// The first 200 characters of a body, for error details, with `secrets`
/// (what the request carried: a server may echo it) redacted before the cut.
pub fn excerpt(bytes: &[u8], secrets: &[Token]) -> String {
    quote(&String::from_utf8_lossy(bytes), EXCERPT_CHARS, secrets)
}

/// Gandi's message and the details worth keeping from either error shape.
fn gandi_error_parts(body: &ErrorBody) -> (Option<String>, Map<String, Value>) {
    let mut details = Map::new();
    if let Some(o) = &body.object {
        details.insert("object".into(), Value::from(o.as_str()));
    }
    if let Some(c) = &body.cause {
        details.insert("cause".into(), Value::from(c.as_str()));
    }
    if let Some(code) = &body.code {
        details.insert("code".into(), code.clone());
    }
    if let Some(errors) = &body.errors {
        let joined: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "{}: {}",
                    e.name.as_deref().unwrap_or("?"),
                    e.description.as_deref().unwrap_or("")
                )
            })
            .collect();
        details.insert(
            "errors".into(),
            serde_json::to_value(errors).unwrap_or(Value::Null),
        );
        let message = body.message.clone().unwrap_or_else(|| joined.join("; "));
        return (Some(message), details);
    }
    (body.message.clone(), details)
}

/// The hint for a token that surely lacks a permission (its introspection
/// says so): where it came from, the scheme, sandbox or not, what it has,
/// and where the user adds the permission. Renewal is not the fix.
pub fn lacks_permission_hint(c: &Credential, needs: &str, has: &[String]) -> String {
    let space = if c.sandbox {
        "the Gandi SANDBOX"
    } else {
        "production Gandi"
    };
    let selection = c.selection();
    format!(
        "The credential from {} (sent as {}) lacks the permission this action needs on {space}: {needs} (it has: {}). Fix: the user adds {needs} to the token, or creates a token with it, at {}, then {}. Renewing the token does not add permissions.",
        c.source,
        c.scheme.as_str(),
        if has.is_empty() { "none".to_string() } else { has.join(", ") },
        selection.pat_page(),
        crate::auth::how_to_store(&c.source, &selection)
    )
}

impl Client {
    /// The one mapping from a Gandi error answer to our error codes.
    pub(super) fn map_error(
        &self,
        status: u16,
        headers: &[(String, String)],
        bytes: &[u8],
    ) -> SkillError {
        let looks_json = is_json(headers) || bytes.first() == Some(&b'{');
        let parsed = looks_json
            .then(|| serde_json::from_slice::<ErrorBody>(bytes).ok())
            .flatten();
        let (gandi_message, mut details) = match &parsed {
            Some(body) => gandi_error_parts(body),
            None => (None, Map::new()),
        };
        if parsed.is_none() && !bytes.is_empty() {
            details.insert(
                "excerpt".into(),
                Value::String(excerpt(bytes, &self.secrets())),
            );
        }
        let said = gandi_message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let (code, message, hint) = match status {
            401 => (
                ErrorCode::InvalidToken,
                format!("Gandi rejected the credential (401){said}"),
                Some(self.auth_hint(401)),
            ),
            403 => (
                ErrorCode::Forbidden,
                format!("Gandi refused access (403){said}"),
                Some(self.auth_hint(403)),
            ),
            429 => (
                ErrorCode::RateLimited,
                format!("Gandi's rate limit was hit (429){said}"),
                Some(match retry_after(headers) {
                    Some(w) => format!("wait {} seconds, then try again", w.as_secs().max(1)),
                    None => "wait a minute, then try again (Gandi allows about 1000 requests per minute)".into(),
                }),
            ),
            // An empty body still says what the status says.
            _ if parsed.is_none()
                && status < 500
                && !bytes.iter().all(u8::is_ascii_whitespace) =>
            {
                (
                    ErrorCode::UnexpectedResponse,
                    format!("Gandi answered {status} with a body that is not JSON"),
                    Some("try again later; if it persists, Gandi's API may be changing or a proxy is in the way".into()),
                )
            }
            404 => (
                ErrorCode::NotFound,
                format!("not found (404){said}"),
                Some("check the name (domains.list, dns.zones.list and dns.records.list show what exists)".into()),
            ),
            409 => (
                ErrorCode::Conflict,
                format!("conflict (409){said}"),
                Some("read the current state first; the change clashes with what exists".into()),
            ),
            400 | 422 => (
                ErrorCode::Rejected,
                format!("Gandi rejected the request ({status}){said}"),
                Some(if details.contains_key("errors") {
                    "see error.details.errors for the fields Gandi refused".into()
                } else {
                    "Gandi gave no reason; check the values against describe's schemas, then try again".into()
                }),
            ),
            500..=599 => (
                ErrorCode::ServerError,
                format!("Gandi had a server error ({status}){said}"),
                Some("try again in a few minutes; a request that changes something was not repeated automatically, so check whether it took effect first".into()),
            ),
            _ => (
                ErrorCode::Rejected,
                format!("Gandi refused the request ({status}){said}"),
                None,
            ),
        };
        let mut err = SkillError::new(code, message).with_status(status);
        err.details = details;
        if let Some(h) = hint {
            err = err.with_hint(h);
        }
        err
    }

    /// Diagnosis for 401/403: where the credential came from, the scheme, the
    /// permission needed, sandbox or not, and the fix. Never the secret.
    /// For a 403 the token's own introspection, when it answers, says which
    /// of the possible causes it is; only without it are they all listed.
    fn auth_hint(&self, status: u16) -> String {
        let c = &self.credential;
        let space = if c.sandbox {
            "the Gandi SANDBOX"
        } else {
            "production Gandi"
        };
        let selection = c.selection();
        let admin = selection.pat_page();
        let store = crate::auth::how_to_store(&c.source, &selection);
        let needs = self.permission.wording();
        let head = format!(
            "The credential from {} (sent as {})",
            c.source,
            c.scheme.as_str()
        );
        let scheme_note = match c.scheme {
            Scheme::Apikey => " It is a legacy API key (deprecated): if it is really a Personal Access Token, store it as api_token, not api_key.",
            Scheme::Bearer => "",
        };
        if status == 401 {
            return format!(
                "{head} was not accepted on {space}: it is unknown, revoked or expired, or sent with the wrong scheme. This action needs: {needs}.{scheme_note} Fix: create a Personal Access Token with that permission at {admin}, then {store}."
            );
        }
        let info = match c.scheme {
            Scheme::Bearer => self.tokeninfo(),
            Scheme::Apikey => None,
        };
        match info {
            Some(info) if info.expires_in.is_some_and(|s| s <= 0) => format!(
                "{head} has expired on {space}. This action needs: {needs}. Fix: create a new Personal Access Token at {admin}, then {store}."
            ),
            Some(info) if self.permission.surely_missing_from(&info.scope) => {
                lacks_permission_hint(c, needs, &info.scope)
            }
            Some(info) => {
                let covers: Vec<String> = info
                    .entities
                    .iter()
                    .filter_map(|e| e.get("name").and_then(Value::as_str).map(str::to_string))
                    .collect();
                format!(
                    "{head} holds {needs} on {space} but Gandi still refused: the token is limited to {} and the resource belongs elsewhere. Fix: pass the sharing_id of the organization that holds it (organizations.list shows them), or create a token for that organization at {admin}, then {store}.",
                    if covers.is_empty() { "other organizations or resources".to_string() } else { covers.join(", ") }
                )
            }
            None => format!(
                "{head} was accepted but refused on {space}: it lacks the permission for this action, has expired, or is limited to other organizations or resources. This action needs: {needs}.{scheme_note} Fix: create a Personal Access Token with that permission at {admin}, then {store}; a token that is valid but about to expire can be renewed with {{\"action\":\"token.renew\"}}."
            ),
        }
    }
}
