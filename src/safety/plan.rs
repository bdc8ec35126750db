//! Plan tokens: the proof that a confirmation is for the exact preview the
//! user saw. A token is an HMAC-SHA-256, under a key kept in
//! `<config>/plan_key` (0600, created atomically on first use), over the
//! action, its canonical parameters, the selection (profile, sandbox,
//! sharing_id), a digest of the live state the change depends on, and an
//! expiry 30 minutes out. It holds no secret and no state beyond the key.
//!
//! Form: `p1.<key id>.<expiry>.<selection tag>.<request tag>.<state tag>.<mac>`.
//! The short tags only say *why* a token no longer matches; the mac covers
//! the full inputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use ring::hmac;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};

/// How long a preview's plan stays good.
pub const PLAN_LIFETIME_SECS: i64 = 30 * 60;
const VERSION: &str = "p1";
const KEY_FILE: &str = "plan_key";

/// A digest of the live state a change depends on (the rrsets it replaces,
/// the whole zone, the quoted price, the token in use, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateDigest([u8; 32]);

impl StateDigest {
    /// SHA-256 of a value's compact JSON (the state as the plan read it).
    pub fn of(state: &impl Serialize) -> StateDigest {
        let text = serde_json::to_vec(state).unwrap_or_default();
        let digest = ring::digest::digest(&ring::digest::SHA256, &text);
        let mut out = [0u8; 32];
        out.copy_from_slice(digest.as_ref());
        StateDigest(out)
    }
}

/// Who the request acts as: a plan made for one never confirms another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanSelection {
    pub profile: Option<String>,
    pub sandbox: bool,
    pub sharing_id: Option<String>,
}

/// Everything a plan token is computed over.
pub struct PlanInputs<'a> {
    pub action: &'a str,
    /// The action's own parameters as the request gave them.
    pub params: &'a Map<String, Value>,
    pub selection: &'a PlanSelection,
    pub state: StateDigest,
}

/// Why a plan was refused (`details.reason` of `safety.stale_plan`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stale {
    /// Not a token this skill made (malformed, edited, or under another key).
    NotOurs,
    /// Older than 30 minutes.
    Expired,
    /// Made for another profile, sandbox setting or sharing_id.
    SelectionChanged,
    /// Made for other parameters (or another action).
    RequestChanged,
    /// Gandi's state (records, price, token) changed since the preview.
    StateChanged,
}

impl Stale {
    pub fn reason(self) -> &'static str {
        match self {
            Stale::NotOurs => "not_ours",
            Stale::Expired => "expired",
            Stale::SelectionChanged => "selection_changed",
            Stale::RequestChanged => "request_changed",
            Stale::StateChanged => "state_changed",
        }
    }

    pub fn sentence(self) -> &'static str {
        match self {
            Stale::NotOurs => "the plan token was not made by this gandi-skill (it is malformed, was edited, or comes from another configuration)",
            Stale::Expired => "the plan token is older than 30 minutes",
            Stale::SelectionChanged => "the plan token was made for another profile, sandbox setting or sharing_id",
            Stale::RequestChanged => "the plan token was made for a different request (another action or other parameters)",
            Stale::StateChanged => "what Gandi holds changed since the preview (records, price or token), so the preview the user approved is no longer what would be done",
        }
    }
}

/// The key plans are signed with.
pub struct PlanKey {
    key: hmac::Key,
    id: String,
}

impl PlanKey {
    /// Loads `<config>/plan_key`, creating it on first use.
    pub fn load_or_create(config_dir: &Path) -> SkillResult<PlanKey> {
        let path = config_dir.join(KEY_FILE);
        match read_key(&path)? {
            Some(bytes) => Ok(PlanKey::from_bytes(&bytes)),
            None => {
                create_key(config_dir, &path)?;
                match read_key(&path)? {
                    Some(bytes) => Ok(PlanKey::from_bytes(&bytes)),
                    None => Err(key_error(&path, "it could not be read back after creation")),
                }
            }
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> PlanKey {
        let key = hmac::Key::new(hmac::HMAC_SHA256, bytes);
        let id = hex(&hmac::sign(&key, b"gandi-skill plan key id").as_ref()[..4]);
        PlanKey { key, id }
    }

    fn tag(&self, label: &str, parts: &[&[u8]]) -> hmac::Tag {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(label.as_bytes());
        for p in parts {
            ctx.update(&(p.len() as u64).to_be_bytes());
            ctx.update(p);
        }
        ctx.sign()
    }

    fn parts(&self, inputs: &PlanInputs, expiry: i64) -> Parts {
        let selection = serde_json::to_vec(inputs.selection).unwrap_or_default();
        let request = canonical_request(inputs.action, inputs.params);
        let sel = self.tag("selection", &[&selection]);
        let req = self.tag("request", &[&request]);
        let state = self.tag("state", &[&inputs.state.0]);
        let exp = expiry.to_string();
        let mac = self.tag(
            "plan",
            &[
                VERSION.as_bytes(),
                exp.as_bytes(),
                &selection,
                &request,
                &inputs.state.0,
            ],
        );
        Parts {
            key_id: self.id.clone(),
            expiry: exp,
            selection: hex(&sel.as_ref()[..6]),
            request: hex(&req.as_ref()[..6]),
            state: hex(&state.as_ref()[..6]),
            mac: hex(&mac.as_ref()[..16]),
        }
    }

    /// A new token for these inputs, good until `now + 30 minutes`.
    pub fn issue(&self, inputs: &PlanInputs, now: i64) -> String {
        self.parts(inputs, now + PLAN_LIFETIME_SECS).render()
    }

    /// Checks a token against the inputs recomputed from the live state.
    pub fn verify(&self, token: &str, inputs: &PlanInputs, now: i64) -> Result<(), Stale> {
        let given = Parts::parse(token).ok_or(Stale::NotOurs)?;
        if given.key_id != self.id {
            return Err(Stale::NotOurs);
        }
        let expiry: i64 = given.expiry.parse().map_err(|_| Stale::NotOurs)?;
        let expected = self.parts(inputs, expiry);
        if !same(&given.selection, &expected.selection) {
            return Err(Stale::SelectionChanged);
        }
        if !same(&given.request, &expected.request) {
            return Err(Stale::RequestChanged);
        }
        if !same(&given.state, &expected.state) {
            return Err(Stale::StateChanged);
        }
        if !same(&given.mac, &expected.mac) {
            return Err(Stale::NotOurs);
        }
        if expiry <= now || expiry > now + PLAN_LIFETIME_SECS {
            return Err(Stale::Expired);
        }
        Ok(())
    }
}

struct Parts {
    key_id: String,
    expiry: String,
    selection: String,
    request: String,
    state: String,
    mac: String,
}

impl Parts {
    fn render(&self) -> String {
        format!(
            "{VERSION}.{}.{}.{}.{}.{}.{}",
            self.key_id, self.expiry, self.selection, self.request, self.state, self.mac
        )
    }

    fn parse(token: &str) -> Option<Parts> {
        let fields: Vec<&str> = token.trim().split('.').collect();
        let [version, key_id, expiry, selection, request, state, mac] = fields.as_slice() else {
            return None;
        };
        let hexlike = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        let ok = *version == VERSION
            && hexlike(key_id, 8)
            && !expiry.is_empty()
            && expiry.len() <= 12
            && expiry.bytes().all(|b| b.is_ascii_digit())
            && hexlike(selection, 12)
            && hexlike(request, 12)
            && hexlike(state, 12)
            && hexlike(mac, 32);
        ok.then(|| Parts {
            key_id: key_id.to_string(),
            expiry: expiry.to_string(),
            selection: selection.to_string(),
            request: request.to_string(),
            state: state.to_string(),
            mac: mac.to_string(),
        })
    }
}

/// Compares two equal-length strings without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The action and its parameters in one canonical form: keys sorted at
/// every depth, null values dropped (a field given as null is a field not
/// given), compact JSON.
pub fn canonical_request(action: &str, params: &Map<String, Value>) -> Vec<u8> {
    fn canon(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    if let Some(x) = m.get(k).filter(|x| !x.is_null()) {
                        out.insert(k.clone(), canon(x));
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(canon).collect()),
            other => other.clone(),
        }
    }
    let mut text = action.as_bytes().to_vec();
    text.push(0);
    text.extend(serde_json::to_vec(&canon(&Value::Object(params.clone()))).unwrap_or_default());
    text
}

fn key_error(path: &Path, why: &str) -> SkillError {
    SkillError::new(
        ErrorCode::ConfigInvalid,
        format!("the plan key {} is unusable: {why}", path.display()),
    )
    .with_detail("path", path.display().to_string())
    .with_hint(format!(
        "delete {} (gandi-skill makes a new one; previews made before must be asked again) and check that its folder is writable by this user only",
        path.display()
    ))
}

/// The key's bytes, `None` when the file does not exist.
fn read_key(path: &Path) -> SkillResult<Option<Vec<u8>>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(key_error(path, &format!("{}", e.kind()))),
    };
    if !meta.is_file() {
        return Err(key_error(path, "it is not a regular file"));
    }
    if mode_of(&meta) & 0o077 != 0 {
        return Err(SkillError::new(
            ErrorCode::ConfigInvalid,
            format!(
                "the plan key {} can be read by other users; a plan could be forged with it",
                path.display()
            ),
        )
        .with_detail("path", path.display().to_string())
        .with_hint(format!("run `chmod 600 {}`", path.display())));
    }
    if meta.len() > 1024 {
        return Err(key_error(path, "it is too large to be a key"));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| key_error(path, &format!("{}", e.kind())))?;
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(key_error(
            path,
            "it does not hold 64 hexadecimal characters",
        ));
    }
    let bytes = (0..32)
        .filter_map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
        .collect::<Vec<u8>>();
    Ok(Some(bytes))
}

/// Writes a fresh random key to a private temp file and links it into
/// place, so that two runs starting at once agree on one key.
fn create_key(config_dir: &Path, path: &Path) -> SkillResult<()> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| key_error(path, "no random source to create it"))?;
    let fail = |e: std::io::Error| key_error(path, &format!("it cannot be created: {}", e.kind()));
    crate::auth::create_private_dir(config_dir).map_err(fail)?;
    let tmp: PathBuf = config_dir.join(format!(
        ".{KEY_FILE}.{}.{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(format!("{}\n", hex(&bytes)).as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    // A hard link never replaces an existing file: whoever links first wins.
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(fail(e)),
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(not(unix))]
fn mode_of(_meta: &std::fs::Metadata) -> u32 {
    0o600
}

/// The plan key of this run's configuration folder.
pub fn key_for(env: &Env) -> SkillResult<PlanKey> {
    PlanKey::load_or_create(&crate::auth::config_dir(env)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(
        params: &'a Map<String, Value>,
        sel: &'a PlanSelection,
        state: &str,
    ) -> PlanInputs<'a> {
        PlanInputs {
            action: "dns.records.remove",
            params,
            selection: sel,
            state: StateDigest::of(&state),
        }
    }

    fn params(domain: &str) -> Map<String, Value> {
        let Value::Object(m) = serde_json::json!({"domain": domain, "name": "@", "type": "MX"})
        else {
            return Map::new();
        };
        m
    }

    #[test]
    fn a_plan_confirms_once_its_inputs_are_the_same_and_says_why_not_otherwise() {
        let key = PlanKey::from_bytes(&[7u8; 32]);
        let sel = PlanSelection {
            profile: None,
            sandbox: false,
            sharing_id: None,
        };
        let p = params("example.com");
        let now = 1_800_000_000;
        let token = key.issue(&inputs(&p, &sel, "zone v1"), now);
        assert_eq!(
            key.verify(&token, &inputs(&p, &sel, "zone v1"), now + 60),
            Ok(())
        );
        assert_eq!(
            key.verify(&token, &inputs(&p, &sel, "zone v2"), now),
            Err(Stale::StateChanged)
        );
        let other = params("example.net");
        assert_eq!(
            key.verify(&token, &inputs(&other, &sel, "zone v1"), now),
            Err(Stale::RequestChanged)
        );
        let sandbox = PlanSelection {
            sandbox: true,
            ..sel.clone()
        };
        assert_eq!(
            key.verify(&token, &inputs(&p, &sandbox, "zone v1"), now),
            Err(Stale::SelectionChanged)
        );
        assert_eq!(
            key.verify(
                &token,
                &inputs(&p, &sel, "zone v1"),
                now + PLAN_LIFETIME_SECS + 1
            ),
            Err(Stale::Expired)
        );
        // Any one character changed: refused.
        for i in 0..token.len() {
            let mut edited: Vec<u8> = token.clone().into_bytes();
            edited[i] = if edited[i] == b'0' { b'1' } else { b'0' };
            let edited = String::from_utf8(edited).unwrap_or_default();
            if edited != token {
                assert!(key
                    .verify(&edited, &inputs(&p, &sel, "zone v1"), now)
                    .is_err());
            }
        }
        let other_key = PlanKey::from_bytes(&[8u8; 32]);
        assert_eq!(
            other_key.verify(&token, &inputs(&p, &sel, "zone v1"), now),
            Err(Stale::NotOurs)
        );
        assert_eq!(
            key.verify("confirm", &inputs(&p, &sel, "zone v1"), now),
            Err(Stale::NotOurs)
        );
    }

    #[test]
    fn canonical_form_ignores_key_order_and_nulls() {
        let a: Map<String, Value> =
            serde_json::from_str(r#"{"b":1,"a":{"y":2,"x":null,"z":[{"d":1,"c":2}]}}"#)
                .unwrap_or_default();
        let b: Map<String, Value> =
            serde_json::from_str(r#"{"a":{"z":[{"c":2,"d":1}],"y":2},"b":1}"#).unwrap_or_default();
        assert_eq!(canonical_request("x", &a), canonical_request("x", &b));
    }

    #[test]
    fn the_key_is_created_private_once_and_reused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let k1 = PlanKey::load_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let k2 = PlanKey::load_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(k1.id, k2.id);
        let meta = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode_of(&meta) & 0o777, 0o600);
    }
}
