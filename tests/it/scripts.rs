//! The shell scripts a person runs: `scripts/setup_token.sh` stores the token
//! privately where the binary looks, never echoes it, and checks it;
//! `scripts/install.sh` says what to install before it builds anything (the
//! install itself is checked end to end by `.ci/run`).

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
