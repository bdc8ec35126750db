//! The shell scripts a person runs: `scripts/setup_token.sh` stores the token
//! privately where the binary looks, never echoes it, and checks it;
//! `scripts/install.sh` says what to install before it builds anything (the
//! install itself is checked end to end by `.ci/run`); `scripts/demo.sh` runs
//! its session against the fake, stops at the first unexpected reply and
//! leaves nothing behind.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::fake::{FakeGandi, TOKEN_FULL};

fn setup_token(fake: &FakeGandi, home: &Path, args: &[&str], token: &str) -> (i32, String) {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_gandi-skill"))
        .parent()
        .expect("bin dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/setup_token.sh");
    let mut child = Command::new("bash")
        .arg(script)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("GANDI_API_URL", fake.url())
        .env("GANDI_ID_URL", fake.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash");
    // The script may refuse its arguments and exit before reading stdin, so a
    // broken pipe here is expected; what it did is judged from its output.
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(format!("  {token}\n").as_bytes());
    }
    let out = child.wait_with_output().expect("wait");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn setup_token_stores_the_token_privately_and_checks_it() {
    let fake = FakeGandi::start();
    let home = tempfile::tempdir().expect("home");
    let (code, out) = setup_token(&fake, home.path(), &["--profile", "work"], TOKEN_FULL);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains(TOKEN_FULL),
        "the token is never printed: {out}"
    );
    let path = home.path().join(".config/gandi/profiles/work/api_token");
    assert_eq!(
        std::fs::read_to_string(&path).expect("token file").trim(),
        TOKEN_FULL
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(out.contains("\"status\":\"ok\""), "token.check ran: {out}");
    let seen: Vec<String> = fake
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .collect();
    assert!(seen.contains(&format!("Bearer {TOKEN_FULL}")), "{seen:?}");

    // A zero-width space (pasted from a web page) is refused; the stored token stays.
    let (code, out) = setup_token(
        &fake,
        home.path(),
        &["--profile", "work"],
        &format!("{TOKEN_FULL}\u{200b}"),
    );
    assert_ne!(code, 0, "{out}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("token file").trim(),
        TOKEN_FULL
    );
    // A new token replaces it and the old one is kept beside it.
    let (code, out) = setup_token(
        &fake,
        home.path(),
        &["--profile", "work"],
        "second-token-123",
    );
    assert_ne!(code, 0, "the fake does not know this token: {out}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("token file").trim(),
        "second-token-123"
    );
    assert_eq!(
        std::fs::read_to_string(path.with_file_name("api_token.previous"))
            .expect("previous")
            .trim(),
        TOKEN_FULL
    );
    assert!(!out.contains("second-token-123"), "{out}");

    let (code, out) = setup_token(&fake, home.path(), &["--sandbox"], "has inner space");
    assert_ne!(code, 0, "{out}");
    assert!(!home.path().join(".config/gandi/sandbox/api_token").exists());
    fake.clear_requests();
    let (code, out) = setup_token(&fake, home.path(), &["--profile", "../evil"], TOKEN_FULL);
    assert_ne!(code, 0);
    assert!(out.contains("invalid profile name"), "{out}");
    assert!(!home.path().join(".config/gandi/evil").exists());
    assert!(!home.path().join(".config/evil").exists());
    assert!(fake.requests().is_empty(), "nothing was checked");
}

/// Runs `scripts/install.sh` with nothing but `path_dirs` on PATH and a
/// throwaway HOME; returns the exit code and stdout+stderr.
fn install(home: &Path, path_dirs: &[&Path]) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install.sh");
    let path = std::env::join_paths(path_dirs).expect("PATH");
    let out = Command::new(which("bash"))
        .arg(script)
        .env_clear()
        .env("HOME", home)
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .expect("bash");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Where this machine keeps a system tool.
fn which(tool: &str) -> std::path::PathBuf {
    ["/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(tool))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{tool} not in /usr/bin or /bin"))
}

/// A folder holding links to just the system tools install.sh needs before
/// it looks for cargo, so no cargo installed on this machine is found.
fn bare_tools(dir: &Path) {
    std::fs::create_dir_all(dir).expect("tools dir");
    for tool in ["bash", "dirname", "uname", "sed"] {
        std::os::unix::fs::symlink(which(tool), dir.join(tool)).expect("link");
    }
}

#[test]
fn install_without_cargo_says_how_to_get_rust_and_builds_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("home");
    let tools = tmp.path().join("tools");
    std::fs::create_dir_all(&home).expect("home");
    bare_tools(&tools);
    let (code, out) = install(&home, &[&tools]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cargo (Rust) is not installed"), "{out}");
    assert!(
        out.contains("curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"),
        "the rustup installer line: {out}"
    );
    assert!(!home.join(".cargo").exists() && !home.join(".local").exists());
}

#[test]
fn install_with_an_old_rust_says_to_update_before_building() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("home");
    let tools = tmp.path().join("tools");
    let toolchain = tmp.path().join("toolchain");
    std::fs::create_dir_all(&home).expect("home");
    std::fs::create_dir_all(&toolchain).expect("toolchain");
    bare_tools(&tools);
    // A toolchain older than Cargo.toml's rust-version; cargo records any call.
    let calls = tmp.path().join("cargo-calls");
    let fake = [
        (
            "cargo",
            format!("echo \"$*\" >> '{}'\necho 'cargo 1.80.0'", calls.display()),
        ),
        ("rustc", "echo 'rustc 1.80.0 (051478957 2024-07-21)'".into()),
        ("rustup", "echo 'rustup 1.27.1'".into()),
    ];
    for (name, body) in fake {
        let path = toolchain.join(name);
        std::fs::write(&path, format!("#!{}\n{body}\n", which("sh").display())).expect("write");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("Cargo.toml");
    let need = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("rust-version in Cargo.toml");

    let (code, out) = install(&home, &[&toolchain, &tools]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "Rust 1.80.0 is too old: gandi-skill needs {need} or newer"
        )),
        "{out}"
    );
    assert!(out.contains("rustup update"), "{out}");
    let called = std::fs::read_to_string(&calls).unwrap_or_default();
    assert!(!called.contains("build"), "no build was started: {called}");
    assert!(!home.join(".cargo").exists() && !home.join(".local").exists());
}

/// What one run of `scripts/demo.sh` did.
struct DemoRun {
    code: i32,
    stdout: String,
    stderr: String,
    /// The pid of the fake the script started (the program given with --fake).
    fake_pid: String,
    /// What the script left in its TMPDIR and in the HOME it was given.
    left_in_tmp: Vec<std::path::PathBuf>,
    left_in_home: Vec<std::path::PathBuf>,
}

/// Runs `scripts/demo.sh` with this build's binary and, as its fake Gandi,
/// a program that prints `fake`'s address and the token and serves (sleeps)
/// until killed; in an environment that would spoil the session if the
/// script let it through: a policy forbidding writes, another token and
/// profile, a proxy that does not answer.
fn demo(fake: &FakeGandi) -> DemoRun {
    let tmp = tempfile::tempdir().expect("tmp");
    let (home, scratch, config) = (
        tmp.path().join("home"),
        tmp.path().join("scratch"),
        tmp.path().join("config"),
    );
    for dir in [&home, &scratch, &config] {
        std::fs::create_dir_all(dir).expect("dir");
    }
    use std::os::unix::fs::PermissionsExt;
    let policy = config.join("policy.json");
    std::fs::write(&policy, r#"{"read_only": true}"#).expect("policy");
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let pid_file = tmp.path().join("fake.pid");
    let server = tmp.path().join("fake_gandi");
    std::fs::write(
        &server,
        format!(
            "#!{}\necho $$ > '{}'\necho '{} {TOKEN_FULL}'\nexec sleep 600\n",
            which("sh").display(),
            pid_file.display(),
            fake.url()
        ),
    )
    .expect("write");
    std::fs::set_permissions(&server, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo.sh");
    let out = Command::new(which("bash"))
        .arg(script)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_gandi-skill"))
        .arg("--fake")
        .arg(&server)
        .env_clear()
        .env("HOME", &home)
        .env("TMPDIR", &scratch)
        .env("PATH", "/usr/bin:/bin")
        .env("GANDI_CONFIG_DIR", &config)
        .env("GANDI_API_TOKEN", "not-the-fake-token")
        .env("GANDI_PROFILE", "work")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .stdin(Stdio::null())
        .output()
        .expect("bash");
    let listing = |dir: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").path())
            .collect()
    };
    DemoRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        fake_pid: std::fs::read_to_string(&pid_file)
            .unwrap_or_default()
            .trim()
            .to_string(),
        left_in_tmp: listing(&scratch),
        left_in_home: listing(&home),
    }
}

impl DemoRun {
    /// The script stopped its fake and removed its scratch folder, and never
    /// printed the token.
    fn assert_left_nothing(&self) {
        let all = format!("{}{}", self.stdout, self.stderr);
        assert!(
            !all.contains(TOKEN_FULL),
            "the token is never printed: {all}"
        );
        assert!(!self.fake_pid.is_empty(), "the fake was started: {all}");
        assert!(
            !Path::new(&format!("/proc/{}", self.fake_pid)).exists(),
            "the fake (pid {}) was stopped",
            self.fake_pid
        );
        assert!(self.left_in_tmp.is_empty(), "{:?}", self.left_in_tmp);
        assert!(self.left_in_home.is_empty(), "{:?}", self.left_in_home);
    }
}

/// The (method, path) of every request that changed something.
fn writes(fake: &FakeGandi) -> Vec<(String, String)> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path))
        .collect()
}

#[test]
fn demo_runs_the_session_against_the_fake_and_leaves_nothing_behind() {
    let fake = FakeGandi::start();
    let run = demo(&fake);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "", "nothing on stderr when all goes well");
    run.assert_left_nothing();
    for line in [
        "1. List the 5 domains expiring soonest",
        "ok: 5 of 6 domains, soonest expiry first (limit cut the list): expiring-soon.org",
        "ok: my-new-idea.com is available: 16.20 EUR for 1 y (taxes included)",
        "ok: added _acme-challenge TXT \"demo-token-123\" (ttl 300)",
        "needs the user's yes (exit 3), nothing changed yet: removes blog A 198.51.100.7; plan p1.…",
        r#""action":"dns.records.remove","domain":"example.com","name":"blog","type":"A","confirm":true,"plan":"p1.…"#,
        "ok: removed blog A 198.51.100.7; undo with snapshot",
        "the zone goes back to the snapshot: adds blog A 198.51.100.7",
        "ok: the zone is back as it was before step 5",
        "Demo done: 8 steps, every reply as expected.",
    ] {
        assert!(run.stdout.contains(line), "{line:?} in:\n{}", run.stdout);
    }
    // Every write went to the fake with its token: no proxy, no other token.
    let all = fake.requests();
    assert!(
        all.iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN_FULL}"))),
        "{all:?}"
    );
    let zone = "/v5/livedns/domains/example.com";
    let sent = writes(&fake);
    let snapshot = ("POST".to_string(), format!("{zone}/snapshots"));
    assert_eq!(
        sent.iter().filter(|w| **w == snapshot).count(),
        3,
        "a snapshot before each of the 3 changes: {sent:?}"
    );
    assert_eq!(
        sent.iter()
            .filter(|(m, p)| m == "DELETE" && *p == format!("{zone}/records/blog/A"))
            .count(),
        1,
        "blog A deleted once, after the confirmation: {sent:?}"
    );
    fake.with_state(|s| {
        let z = &s.zones["example.com"];
        assert_eq!(
            z.find("blog", "A").map(|r| r.values.clone()),
            Some(vec!["198.51.100.7".to_string()]),
            "the restore put blog back"
        );
        assert!(z.find("_acme-challenge", "TXT").is_some());
    });
}

#[test]
fn demo_stops_with_exit_1_at_the_first_reply_a_step_does_not_expect() {
    // The record the demo removes is already gone: step 4 gets no preview.
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        if let Some(z) = s.zones.get_mut("example.com") {
            z.rrsets.retain(|r| r.name != "blog");
        }
    });
    let run = demo(&fake);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    run.assert_left_nothing();
    assert!(
        run.stderr.contains("step 4 (Remove the A record of blog"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("expected needs_confirmation (exit 3), got"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stdout.contains("\n5. "),
        "no step after it: {}",
        run.stdout
    );
    assert!(
        !writes(&fake).iter().any(|(m, _)| m == "DELETE"),
        "nothing removed"
    );

    // A Gandi error on the TXT write stops it at step 3.
    let fake = FakeGandi::start();
    fake.inject(crate::fake::Fault::on(
        "POST",
        "/v5/livedns/domains/example.com/records/_acme-challenge/TXT",
        1,
        crate::fake::FaultKind::Status {
            status: 500,
            retry_after: None,
        },
    ));
    let run = demo(&fake);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    run.assert_left_nothing();
    assert!(
        run.stderr.contains("step 3 (Add a TXT record"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("got error (exit 1): api."),
        "{}",
        run.stderr
    );
}
