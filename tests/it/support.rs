//! Test support: runs the real binary in a sandboxed environment (temp HOME,
//! no proxy variables, URLs pointing at the fake), checks the invariants
//! every reply must hold (one JSON line, schema-valid, empty stderr, no
//! secret anywhere), and hands back the parsed reply; and the helpers many
//! test files share: a request confirmed with a preview's `confirm_with`, a
//! request with fields added, and the fake's requests that are not reads.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use crate::fake::{FakeGandi, Recorded};

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub reply: Value,
}

impl Run {
    pub fn status(&self) -> &str {
        self.reply["status"].as_str().unwrap_or("")
    }
    pub fn error_code(&self) -> &str {
        self.reply["error"]["code"].as_str().unwrap_or("")
    }
    pub fn result(&self) -> &Value {
        &self.reply["result"]
    }
    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert_eq!(self.status(), "ok", "expected ok, got {}", self.stdout);
        assert_eq!(self.code, 0, "{}", self.stdout);
        self.result()
    }
    #[track_caller]
    pub fn assert_error(&self, code: &str, exit: i32) -> &Value {
        assert_eq!(self.error_code(), code, "reply: {}", self.stdout);
        assert_eq!(self.code, exit, "reply: {}", self.stdout);
        &self.reply["error"]
    }
}

/// A configured invocation of the binary.
pub struct Skill {
    home: tempfile::TempDir,
    env: Vec<(String, String)>,
    /// Strings that must never appear in any output.
    secrets: Vec<String>,
}

impl Skill {
    /// No credentials at all; Gandi is the fake (when given).
    pub fn new(fake: Option<&FakeGandi>) -> Skill {
        let home = tempfile::tempdir().expect("temp home");
        let mut env = vec![
            ("HOME".to_string(), home.path().display().to_string()),
            (
                "PATH".to_string(),
                std::env::var("PATH").unwrap_or_default(),
            ),
        ];
        match fake {
            Some(f) => {
                env.push(("GANDI_API_URL".into(), f.url()));
                env.push(("GANDI_ID_URL".into(), f.url()));
            }
            // Nothing listens on port 9 of loopback: any request would fail.
            None => {
                env.push(("GANDI_API_URL".into(), "http://127.0.0.1:9".into()));
                env.push(("GANDI_ID_URL".into(), "http://127.0.0.1:9".into()));
            }
        }
        Skill {
            home,
            env,
            secrets: Vec::new(),
        }
    }

    /// A fake-backed skill whose token is in `GANDI_API_TOKEN`.
    pub fn with_env_token(fake: &FakeGandi, token: &str) -> Skill {
        Skill::new(Some(fake))
            .env("GANDI_API_TOKEN", token)
            .secret(token)
    }

    pub fn env(mut self, key: &str, value: &str) -> Skill {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn secret(mut self, s: &str) -> Skill {
        self.secrets.push(s.to_string());
        self
    }

    /// The temporary HOME of this skill.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// `~/.config/gandi`, the default config folder.
    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join(".config").join("gandi")
    }

    /// Writes a token file below the config folder with the given mode.
    pub fn token_file(self, relative: &str, token: &str, mode: u32) -> Skill {
        let path = self.config_dir().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, format!("{token}\n")).expect("write token");
        set_mode(&path, mode);
        self.secret(token)
    }

    /// Runs with the request as the single argument.
    #[track_caller]
    pub fn run(&self, request: &str) -> Run {
        self.exec(Some(request.as_bytes()), None)
    }

    /// The preview, then the same request confirmed with what the preview's
    /// `confirm_with` says (the user's yes): returns the second run.
    #[track_caller]
    pub fn confirm(&self, request: &str) -> Run {
        self.confirm_with(request, |_| {})
    }

    /// Like `confirm`, with `between` called after the preview (to change
    /// the fake's state, say) and before the confirmation.
    #[track_caller]
    pub fn confirm_with(&self, request: &str, between: impl FnOnce(&Run)) -> Run {
        let mut req: Value = serde_json::from_str(request).expect("request is JSON");
        if let Some(o) = req.as_object_mut() {
            o.remove("confirm");
        }
        let preview = self.run_any(&req.to_string());
        assert_eq!(
            preview.status(),
            "needs_confirmation",
            "the first call must preview: {}",
            preview.stdout
        );
        assert_eq!(preview.code, 3, "{}", preview.stdout);
        let with = preview.reply["confirm_with"]
            .as_object()
            .expect("confirm_with")
            .clone();
        assert_eq!(
            preview.reply["preview"]["plan"], with["plan"],
            "preview.plan is the plan to confirm with"
        );
        between(&preview);
        self.run_any(&confirmed(&req.to_string(), &preview))
    }

    /// As the single argument, or on stdin when too large for one (the OS
    /// caps one argument at 128 KiB).
    #[track_caller]
    fn run_any(&self, request: &str) -> Run {
        if request.len() > 100_000 {
            self.run_stdin(request.as_bytes())
        } else {
            self.run(request)
        }
    }

    /// Runs with the request on stdin.
    #[track_caller]
    pub fn run_stdin(&self, input: &[u8]) -> Run {
        self.exec(None, Some(input))
    }

    #[track_caller]
    fn exec(&self, arg: Option<&[u8]>, stdin: Option<&[u8]>) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gandi-skill"));
        cmd.env_clear();
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(a) = arg {
            cmd.arg(os_arg(a));
        }
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn gandi-skill");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin");
            // The binary may stop reading early (too-large input): ignore EPIPE.
            let _ = pipe.write_all(input);
        }
        let out = child.wait_with_output().expect("wait");
        let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code().unwrap_or(-1);
        check_invariants(
            &stdout,
            &stderr,
            &self.secrets,
            self.env
                .iter()
                .any(|(k, v)| k == "GANDI_SKILL_DEBUG" && v == "1"),
        );
        let reply: Value = serde_json::from_str(stdout.trim_end()).expect("reply is JSON");
        Run {
            code,
            stdout,
            stderr,
            reply,
        }
    }
}

/// `request` as the user's yes sends it: with the fields of the preview's
/// `confirm_with` (the plan, `confirm`).
#[track_caller]
pub fn confirmed(request: &str, preview: &Run) -> String {
    let mut req: Value = serde_json::from_str(request).expect("request is JSON");
    for (k, v) in preview.reply["confirm_with"]
        .as_object()
        .expect("confirm_with")
    {
        req[k] = v.clone();
    }
    req.to_string()
}

/// `req` with the fields of `extra` added (or replaced), as request text.
pub fn merged(req: &Value, extra: Value) -> String {
    let mut r = req.clone();
    if let (Some(o), Some(e)) = (r.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    r.to_string()
}

/// Every request the fake received that is not a GET.
pub fn write_requests(fake: &FakeGandi) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

/// The same, as "METHOD path".
pub fn writes(fake: &FakeGandi) -> Vec<String> {
    write_requests(fake)
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[cfg(unix)]
fn os_arg(bytes: &[u8]) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStringExt;
    std::ffi::OsString::from_vec(bytes.to_vec())
}

#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// What every run must hold, whatever the request.
#[track_caller]
fn check_invariants(stdout: &str, stderr: &str, secrets: &[String], debug: bool) {
    assert!(
        stdout.ends_with('\n'),
        "stdout must end with a newline: {stdout:?}"
    );
    assert_eq!(
        stdout.matches('\n').count(),
        1,
        "exactly one line: {stdout:?}"
    );
    if !debug {
        assert!(stderr.is_empty(), "stderr must stay empty: {stderr:?}");
    }
    for s in secrets {
        assert!(
            !stdout.contains(s.as_str()),
            "secret leaked to stdout: {stdout}"
        );
        assert!(!stderr.contains(s.as_str()), "secret leaked to stderr");
    }
    let reply: Value = serde_json::from_str(stdout.trim_end()).expect("reply is JSON");
    validate_reply(&reply);
}

fn compile(path: &str) -> jsonschema::Validator {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Checks a reply against `schemas/reply.json` and, for ok replies, the
/// action's result schema.
#[track_caller]
pub fn validate_reply(reply: &Value) {
    static REPLY: OnceLock<jsonschema::Validator> = OnceLock::new();
    let v = REPLY.get_or_init(|| compile("schemas/reply.json"));
    let errors: Vec<String> = v
        .iter_errors(reply)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "reply does not match schemas/reply.json: {errors:?}\n{reply}"
    );
    // An ok result, or a needs_confirmation preview (the dry-run result), must
    // match the action's result schema (for non-read actions: result or preview).
    let part = match reply["status"].as_str() {
        Some("ok") => Some(&reply["result"]),
        Some("needs_confirmation") => Some(&reply["preview"]),
        _ => None,
    };
    if let Some(part) = part {
        let action = reply["action"].as_str().expect("action");
        let schema = compile(&format!("schemas/actions/{action}.result.json"));
        let errors: Vec<String> = schema
            .iter_errors(part)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{action}: does not match {action}.result.json: {errors:?}\n{reply}"
        );
    }
}

/// Checks a request against `schemas/request.json`.
pub fn request_is_valid(request: &Value) -> bool {
    static REQUEST: OnceLock<jsonschema::Validator> = OnceLock::new();
    REQUEST
        .get_or_init(|| compile("schemas/request.json"))
        .is_valid(request)
}
