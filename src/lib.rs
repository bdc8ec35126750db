//! gandi-skill: one JSON request in, one JSON reply out. `run` owns the path
//! from request bytes to the reply line and its exit code, including the
//! last-line guards (caught panics, token redaction).
#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
// SkillError carries a details map; boxing it everywhere would buy nothing here.
#![allow(clippy::result_large_err)]

pub mod actions;
pub mod auth;
pub mod catalog;
pub mod client;
pub mod dns;
pub mod env;
pub mod error;
pub mod gandi;
pub mod params;
pub mod protocol;
pub mod safety;
pub mod schema;
pub mod time;

use std::panic::{catch_unwind, AssertUnwindSafe};

use catalog::{AnyAction, Done};
use env::Env;
use error::SkillError;
use protocol::{Outcome, Reply};

/// Runs one request and returns the reply line (without newline) and the
/// exit code. Never panics: a panic inside becomes an `internal` reply.
pub fn run(input: &[u8], env: &Env) -> (String, i32) {
    // The action, once known, so that even a panic's reply names it.
    let known_action = std::cell::Cell::new(None);
    let caught = catch_unwind(AssertUnwindSafe(|| run_request(input, env, &known_action)));
    let (outcome, secrets) = match caught {
        Ok(done) => done,
        Err(_) => (
            Outcome::from_error(
                known_action
                    .get()
                    .map(|a: &dyn AnyAction| a.name().to_string()),
                SkillError::internal("gandi-skill hit an internal error (a panic was caught)"),
            ),
            Vec::new(),
        ),
    };
    // Defence in depth: whatever path a value took, no secret leaves. The
    // reply is serialized once and its text searched for each secret's
    // JSON-escaped form; only on a hit is it rebuilt through the scrub, which
    // works on the reply's strings, not its text, so the line stays valid
    // JSON whatever characters a secret holds.
    let exit_code = outcome.exit_code;
    let line = outcome.reply.into_line().and_then(|line| {
        if !secrets.iter().any(|t| t.appears_in_json(&line)) {
            return Some(line);
        }
        let mut reply: serde_json::Value = serde_json::from_str(&line).ok()?;
        scrub(&mut reply, &secrets);
        serde_json::to_string(&reply).ok()
    });
    let line = line.unwrap_or_else(|| r#"{"status":"error","action":null,"error":{"code":"internal","message":"the reply could not be serialized","hint":null,"http_status":null,"details":{}}}"#.to_string());
    (line, exit_code)
}

/// Replaces every secret in the string values of a reply. Keys are never
/// rewritten, nor the fields whose value gandi-skill picks from a fixed
/// vocabulary (`status`, `error.code`, an `action` that names a catalog
/// action): a secret that happens to spell one of them (a token such as
/// `status` or `a`) must not break the reply's shape.
fn scrub(reply: &mut serde_json::Value, secrets: &[auth::Token]) {
    use serde_json::Value;
    fn values(value: &mut Value, secrets: &[auth::Token]) {
        match value {
            Value::String(s) if secrets.iter().any(|t| t.appears_in(s)) => {
                *s = secrets.iter().fold(s.clone(), |s, t| t.redact(&s));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| values(v, secrets)),
            Value::Object(map) => map.values_mut().for_each(|v| values(v, secrets)),
            _ => {}
        }
    }
    let Value::Object(envelope) = reply else {
        return values(reply, secrets);
    };
    for (key, value) in envelope.iter_mut() {
        match (key.as_str(), value) {
            ("status", _) => {}
            ("action", Value::String(a)) if catalog::find(a).is_some() => {}
            ("error", Value::Object(error)) => {
                for (k, v) in error.iter_mut() {
                    if k != "code" {
                        values(v, secrets);
                    }
                }
            }
            (_, value) => values(value, secrets),
        }
    }
}

/// The reply for input that never became a request (unreadable stdin,
/// several arguments): `request.invalid_json`, exit 2.
pub fn reject_input(why: &str) -> (String, i32) {
    let err = SkillError::new(error::ErrorCode::InvalidJson, why.to_string()).with_hint(
        "send one JSON object as the only argument (quote it whole: gandi-skill '{\"action\":\"domains.list\"}') or on stdin",
    );
    let outcome = Outcome::from_error(None, err);
    let line = serde_json::to_string(&outcome.reply).unwrap_or_default();
    (line, outcome.exit_code)
}

fn run_request(
    input: &[u8],
    env: &Env,
    known_action: &std::cell::Cell<Option<&'static dyn AnyAction>>,
) -> (Outcome, Vec<auth::Token>) {
    // Debug builds only: lets the tests prove that a panic still yields one
    // JSON reply (exit 70) and prints nothing else. Release builds never read it.
    if cfg!(debug_assertions) && env.flag("GANDI_SKILL_TEST_PANIC") {
        panic!("test panic: {}", env.var("GANDI_API_TOKEN").unwrap_or(""));
    }
    let envelope = match protocol::read_envelope(input) {
        Ok(e) => e,
        Err((action, err)) => {
            return (
                Outcome::from_error(action, err),
                auth::visible_secrets(env, None),
            )
        }
    };
    let Some(action) = catalog::find(&envelope.action) else {
        let secrets = auth::visible_secrets(env, None);
        let err = catalog::unknown_action(&envelope.action, &secrets);
        let shown = catalog::echoed_action(&envelope.action, &secrets);
        return (Outcome::from_error(Some(shown), err), secrets);
    };
    known_action.set(Some(action));
    if cfg!(debug_assertions) && env.flag("GANDI_SKILL_TEST_PANIC_IN_ACTION") {
        panic!("test panic in {}", action.name());
    }
    let ran = catalog::dispatch(env, action, &envelope.common, envelope.params);
    let name = action.name().to_string();
    let outcome = match ran.outcome {
        Err(err) => Outcome::from_error(Some(name), err),
        Ok(Done::Result(result)) => Outcome {
            reply: Reply::Ok {
                action: name,
                result,
                meta: ran.meta,
                warnings: ran.warnings,
            },
            exit_code: 0,
        },
        Ok(Done::DryRun(preview)) => Outcome {
            reply: Reply::Ok {
                action: name,
                result: match serde_json::value::to_raw_value(&preview) {
                    Ok(raw) => raw,
                    Err(_) => {
                        return (
                            Outcome::from_error(
                                Some(action.name().to_string()),
                                SkillError::internal("the preview could not be serialized"),
                            ),
                            ran.secrets,
                        )
                    }
                },
                meta: ran.meta,
                warnings: ran.warnings,
            },
            exit_code: 0,
        },
        Ok(Done::Confirm {
            message,
            preview,
            confirm_with,
        }) => Outcome {
            reply: Reply::NeedsConfirmation {
                action: name,
                message,
                preview,
                confirm_with,
                meta: ran.meta,
                warnings: ran.warnings,
            },
            exit_code: 3,
        },
    };
    (outcome, ran.secrets)
}
