//! The wire protocol: reading the request envelope (strict JSON, the action
//! found first so every later error can echo it, then the common fields) and
//! the reply shapes written to stdout.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{ErrorCode, SkillError, SkillResult};

/// The most a request may weigh (contract §1).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Fields every action accepts (contract §2).
pub const COMMON_FIELDS: &[&str] = &[
    "action",
    "profile",
    "sandbox",
    "sharing_id",
    "dry_run",
    "confirm",
    "max_price",
    "plan",
];

/// The optional fields every request may carry next to its action's own.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommonFields {
    /// Which stored credentials to use (`[a-z0-9_-]{1,64}`).
    #[serde(default)]
    #[schemars(pattern(r"^[a-z0-9_-]{1,64}$"))]
    pub profile: Option<String>,
    /// `true`: use the Gandi sandbox API and sandbox credentials.
    #[serde(default)]
    pub sandbox: Option<bool>,
    /// Organization id to act for or bill (Gandi's `sharing_id`).
    #[serde(default)]
    #[schemars(pattern(r"^[A-Za-z0-9_-]{1,64}$"))]
    pub sharing_id: Option<String>,
    /// Validate and preview only; change nothing. `null` counts as absent.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub dry_run: bool,
    /// `true` is required for destructive and billable actions; `null` counts as absent.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub confirm: bool,
    /// With `confirm` on billable actions: the highest acceptable total, taxes included.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub max_price: Option<f64>,
    /// With `confirm` on destructive and billable actions: the plan token of
    /// the preview the user approved (`confirm_with.plan`).
    #[serde(default)]
    #[schemars(length(min = 1, max = 200))]
    pub plan: Option<String>,
}

/// A request after the envelope was read: the action name, the common
/// fields, and the action's own parameters still as JSON.
#[derive(Debug)]
pub struct Envelope {
    pub action: String,
    pub common: CommonFields,
    pub params: Map<String, Value>,
}

/// Reads the raw bytes of a request. On failure the error carries the action
/// name when it could be found.
pub fn read_envelope(input: &[u8]) -> Result<Envelope, (Option<String>, SkillError)> {
    if input.len() > MAX_REQUEST_BYTES {
        return Err((
            None,
            SkillError::new(
                ErrorCode::TooLarge,
                format!(
                    "the request is larger than {MAX_REQUEST_BYTES} bytes ({} bytes read)",
                    input.len()
                ),
            )
            .with_hint(
                "send one action per request; zone files and rrset lists must stay under 1 MiB",
            ),
        ));
    }
    let text = std::str::from_utf8(input).map_err(|e| {
        (
            None,
            invalid_json(format!(
                "the request is not valid UTF-8 (byte {})",
                e.valid_up_to()
            )),
        )
    })?;
    // A byte-order mark (some Windows tools write one) is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err((None, invalid_json("the request is empty".to_string())));
    }
    let value = parse_strict(text).map_err(|e| (None, invalid_json(e)))?;
    let Value::Object(mut object) = value else {
        return Err((
            None,
            invalid_json(format!(
                "the request must be a JSON object, not {}",
                json_kind(&value)
            )),
        ));
    };
    let action = match object.remove("action") {
        Some(Value::String(a)) => a,
        Some(other) => return Err((
            None,
            SkillError::invalid_param(
                "action",
                Some(&other.to_string()),
                "a string naming the action, e.g. \"domains.list\" (see {\"action\":\"describe\"})",
            ),
        )),
        None => {
            return Err((
                None,
                SkillError::new(
                    ErrorCode::InvalidParams,
                    "the request has no `action` field",
                )
                .with_detail("field", "action")
                .with_hint("send {\"action\":\"describe\"} to list the actions"),
            ))
        }
    };
    let mut common = Map::new();
    for field in COMMON_FIELDS.iter().skip(1) {
        if let Some(v) = object.remove(*field) {
            if !v.is_null() {
                common.insert((*field).to_string(), v);
            }
        }
    }
    let common: CommonFields =
        crate::params::from_map(common).map_err(|e| (Some(action.clone()), e))?;
    if let Some(profile) = &common.profile {
        if !valid_profile(profile) {
            return Err((
                Some(action),
                SkillError::invalid_param(
                    "profile",
                    Some(profile),
                    "1 to 64 characters from a-z, 0-9, `_` and `-`",
                ),
            ));
        }
    }
    if let Some(price) = common.max_price {
        if !(price.is_finite() && price >= 0.0) {
            return Err((
                Some(action),
                SkillError::invalid_param(
                    "max_price",
                    Some(&price.to_string()),
                    "a non-negative number, in the quoted currency",
                ),
            ));
        }
    }
    Ok(Envelope {
        action,
        common,
        params: object,
    })
}

/// `[a-z0-9_-]{1,64}`: a profile name that can never leave its folder.
pub fn valid_profile(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn invalid_json(message: String) -> SkillError {
    SkillError::new(ErrorCode::InvalidJson, message).with_hint(
        "send one JSON object such as {\"action\":\"domains.list\"}, as the only argument or on stdin",
    )
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses JSON text, refusing duplicate keys at any depth and trailing text.
pub fn parse_strict(text: &str) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let StrictValue(value) = StrictValue::deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(value)
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{key}`: each field may appear once"
                )));
            }
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}

/// What the agent reads back: exactly one of three shapes.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Reply {
    /// The action ran.
    Ok {
        action: String,
        /// Serialized once, by dispatch.
        #[schemars(with = "Value")]
        result: Box<serde_json::value::RawValue>,
        meta: Meta,
        warnings: Vec<String>,
    },
    /// Nothing was changed: show `preview` to the user and repeat the same
    /// request with `confirm_with` added only after their explicit yes.
    NeedsConfirmation {
        action: String,
        message: String,
        preview: Value,
        confirm_with: Map<String, Value>,
        meta: Meta,
        warnings: Vec<String>,
    },
    /// The action failed; `error.hint` says what to do.
    Error {
        action: Option<String>,
        error: ErrorBody,
    },
}

/// What the agent may need next.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Meta {
    /// Items in the whole collection (list actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// How many pages were read from Gandi (list actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages_fetched: Option<u32>,
    /// How many items this reply holds (list actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned: Option<u64>,
    /// `true` when `limit` cut the list (list actions): more items matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<bool>,
    /// With `page`: the next page to ask for, null on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page: Option<Option<u32>>,
    /// The LiveDNS snapshot taken before a DNS write: restore it to undo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<String>,
    /// `true` when the request was a dry run and nothing was changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    /// Whether the Gandi sandbox was used.
    pub sandbox: bool,
    /// Where the credential came from (`env:GANDI_API_TOKEN` or a file path); never the value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_source: Option<String>,
}

/// The error object of an error reply.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorBody {
    /// A stable code such as `auth.forbidden`.
    pub code: String,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Gandi's HTTP status, when Gandi answered.
    pub http_status: Option<u16>,
    pub details: Map<String, Value>,
}

impl Reply {
    /// The reply as one line of JSON. An ok reply's result is already
    /// serialized (often most of the line): the line is built around that
    /// text in its own buffer instead of copying it into a second one.
    pub fn into_line(self) -> Option<String> {
        let Reply::Ok {
            action,
            result,
            meta,
            warnings,
        } = self
        else {
            return serde_json::to_string(&self).ok();
        };
        let head = format!(
            r#"{{"status":"ok","action":{},"result":"#,
            serde_json::to_string(&action).ok()?
        );
        let tail = format!(
            r#","meta":{},"warnings":{}}}"#,
            serde_json::to_string(&meta).ok()?,
            serde_json::to_string(&warnings).ok()?
        );
        let mut line = String::from(Box::<str>::from(result));
        line.reserve_exact(head.len() + tail.len());
        line.insert_str(0, &head);
        line.push_str(&tail);
        Some(line)
    }

    pub fn error(action: Option<String>, err: SkillError) -> Reply {
        Reply::Error {
            action,
            error: ErrorBody {
                code: err.code.as_str().to_string(),
                message: err.message,
                hint: err.hint,
                http_status: err.http_status,
                details: err.details,
            },
        }
    }
}

/// A reply together with the exit code it goes out with.
#[derive(Debug)]
pub struct Outcome {
    pub reply: Reply,
    pub exit_code: i32,
}

impl Outcome {
    pub fn from_error(action: Option<String>, err: SkillError) -> Outcome {
        let exit_code = err.exit_code();
        Outcome {
            reply: Reply::error(action, err),
            exit_code,
        }
    }
}

/// Makes sure a value that must be an object is one.
pub fn expect_object(value: Value, what: &str) -> SkillResult<Map<String, Value>> {
    match value {
        Value::Object(m) => Ok(m),
        other => Err(SkillError::new(
            ErrorCode::UnexpectedResponse,
            format!("Gandi sent {} where {what} was expected", json_kind(&other)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ok_line_is_what_serde_makes_of_the_reply() {
        let reply = || Reply::Ok {
            action: "dns.records.list".into(),
            result: serde_json::value::to_raw_value(
                &serde_json::json!({"records": [{"name": "@"}]}),
            )
            .expect("raw"),
            meta: Meta {
                total_count: Some(1),
                next_page: Some(None),
                ..Meta::default()
            },
            warnings: vec!["a \"quoted\" warning".into()],
        };
        let by_serde = serde_json::to_string(&reply()).expect("serde");
        assert_eq!(reply().into_line().as_deref(), Some(by_serde.as_str()));
        let error = || Reply::error(Some("x".into()), SkillError::internal("boom"));
        assert_eq!(error().into_line(), serde_json::to_string(&error()).ok());
    }
}
