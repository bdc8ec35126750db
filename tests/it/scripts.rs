//! The shell scripts a person runs: `scripts/setup_token.sh` stores the token
//! privately where the binary looks, never echoes it, and checks it.

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
