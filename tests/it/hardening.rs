//! Hardening (issue 7): how the credential is read and guarded whatever its
//! shape, where the config folder is, and `token.renew` when storing fails
//! or several renewals overlap.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::fake::{FakeGandi, TOKEN_FULL};
use crate::support::Skill;

const WHOAMI: &str = r#"{"action":"account.whoami"}"#;

#[test]
fn a_relative_xdg_config_home_is_ignored() {
    let fake = FakeGandi::start();
    // The token is in ~/.config/gandi; a relative XDG_CONFIG_HOME must not
    // send the lookup to a folder below wherever the agent runs.
    let skill = Skill::new(Some(&fake))
        .token_file("api_token", TOKEN_FULL, 0o600)
        .env("XDG_CONFIG_HOME", "relative-xdg");
    let run = skill.run(WHOAMI);
    run.assert_ok();
    assert_eq!(
        run.reply["meta"]["credential_source"],
        skill.config_dir().join("api_token").display().to_string()
    );
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn setup_token_ignores_a_relative_xdg_config_home_too() {
    let fake = FakeGandi::start();
    let home = tempfile::tempdir().expect("home");
    let cwd = tempfile::tempdir().expect("cwd");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_gandi-skill"))
        .parent()
        .expect("bin dir");
    let mut child = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/setup_token.sh"))
        .current_dir(cwd.path())
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", "relative-xdg")
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("GANDI_API_URL", fake.url())
        .env("GANDI_ID_URL", fake.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(format!("{TOKEN_FULL}\n").as_bytes());
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{out:?}");
    let stored = home.path().join(".config/gandi/api_token");
    assert_eq!(
        std::fs::read_to_string(&stored).expect("token file").trim(),
        TOKEN_FULL
    );
    assert!(!cwd.path().join("relative-xdg").exists());
}
