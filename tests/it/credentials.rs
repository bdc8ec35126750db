//! Credentials as the user sets them up: lookup order, profiles, sandbox
//! separation, token-file checks, and `token.check`'s report.

use crate::fake::{
    FakeGandi, Fault, FaultKind, APIKEY_LEGACY, TOKEN_FULL, TOKEN_READONLY, TOKEN_SOON,
};
use crate::support::Skill;

const WHOAMI: &str = r#"{"action":"account.whoami"}"#;

fn authorization_seen(fake: &FakeGandi) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_token_file_readable_by_others_is_refused_with_the_chmod_fix() {
    let fake = FakeGandi::start();
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o644);
    let run = skill.run(WHOAMI);
    let err = run.assert_error("auth.insecure_token_file", 4);
    let path = skill.config_dir().join("api_token");
    assert_eq!(err["hint"], format!("run `chmod 600 {}`", path.display()));
    assert_eq!(err["details"]["mode"], "0644");
    assert!(fake.requests().is_empty());
}

#[test]
fn a_private_token_file_is_used_and_named_as_the_source() {
    let fake = FakeGandi::start();
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    let run = skill.run(WHOAMI);
    run.assert_ok();
    assert_eq!(
        run.reply["meta"]["credential_source"],
        skill.config_dir().join("api_token").display().to_string()
    );
    assert_eq!(
        authorization_seen(&fake),
        vec![format!("Bearer {TOKEN_FULL}")]
    );
    assert_eq!(fake.requests()[0].path, "/v5/organization/user-info");
}

#[test]
fn lookup_order_profile_env_then_files() {
    let fake = FakeGandi::start();
    // The environment wins over the file.
    let skill = Skill::new(Some(&fake))
        .token_file("api_token", TOKEN_READONLY, 0o600)
        .env("GANDI_API_TOKEN", TOKEN_FULL)
        .secret(TOKEN_FULL);
    let run = skill.run(WHOAMI);
    run.assert_ok();
    assert_eq!(
        run.reply["meta"]["credential_source"],
        "env:GANDI_API_TOKEN"
    );
    // An explicit profile wins over both, and never falls through.
    let skill = skill.token_file("profiles/work/api_token", TOKEN_SOON, 0o600);
    fake.clear_requests();
    let run = skill.run(r#"{"action":"account.whoami","profile":"work"}"#);
    run.assert_ok();
    assert_eq!(
        authorization_seen(&fake),
        vec![format!("Bearer {TOKEN_SOON}")]
    );
    fake.clear_requests();
    let run = skill.run(r#"{"action":"account.whoami","profile":"other"}"#);
    let err = run.assert_error("auth.missing_token", 4);
    let missing = skill.config_dir().join("profiles/other/api_token");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains(&missing.display().to_string()),
        "{err}"
    );
    assert!(err["hint"]
        .as_str()
        .unwrap()
        .contains("scripts/setup_token.sh --profile other"));
    assert!(fake.requests().is_empty());
    // GANDI_PROFILE selects a profile too.
    let run = skill.env("GANDI_PROFILE", "work").run(WHOAMI);
    run.assert_ok();
    assert!(run.reply["meta"]["credential_source"]
        .as_str()
        .unwrap()
        .ends_with("profiles/work/api_token"));
}

#[test]
fn the_legacy_key_is_sent_as_apikey_with_a_deprecation_warning() {
    let fake = FakeGandi::start();
    let skill = Skill::new(Some(&fake)).token_file("api_key", APIKEY_LEGACY, 0o600);
    let run = skill.run(WHOAMI);
    run.assert_ok();
    assert_eq!(
        authorization_seen(&fake),
        vec![format!("Apikey {APIKEY_LEGACY}")]
    );
    let warnings = run.reply["warnings"].to_string();
    assert!(warnings.contains("deprecated"), "{warnings}");
    let run = Skill::new(Some(&fake))
        .env("GANDI_API_KEY", APIKEY_LEGACY)
        .secret(APIKEY_LEGACY)
        .run(WHOAMI);
    assert_eq!(run.reply["meta"]["credential_source"], "env:GANDI_API_KEY");
}

#[test]
fn sandbox_and_production_credentials_never_mix() {
    let fake = FakeGandi::start();
    let skill = Skill::new(Some(&fake))
        .env("GANDI_API_TOKEN", TOKEN_FULL)
        .secret(TOKEN_FULL)
        .token_file("api_token", TOKEN_READONLY, 0o600);
    let run = skill.run(r#"{"action":"account.whoami","sandbox":true}"#);
    let err = run.assert_error("auth.missing_token", 4);
    assert!(err["hint"]
        .as_str()
        .unwrap()
        .contains("admin.sandbox.gandi.net"));
    assert!(err["hint"].as_str().unwrap().contains("--sandbox"));
    assert!(
        fake.requests().is_empty(),
        "a production token must never go to the sandbox"
    );
    let skill = skill.token_file("sandbox/api_token", TOKEN_SOON, 0o600);
    let run = skill.run(r#"{"action":"account.whoami","sandbox":true}"#);
    run.assert_ok();
    assert_eq!(run.reply["meta"]["sandbox"], true);
    assert_eq!(
        authorization_seen(&fake),
        vec![format!("Bearer {TOKEN_SOON}")]
    );
    // And the sandbox token is never used for production.
    let prod_only_sandbox = Skill::new(Some(&fake))
        .env("GANDI_SANDBOX_API_TOKEN", TOKEN_SOON)
        .secret(TOKEN_SOON);
    prod_only_sandbox
        .run(WHOAMI)
        .assert_error("auth.missing_token", 4);
    let run = prod_only_sandbox.env("GANDI_SANDBOX", "1").run(WHOAMI);
    run.assert_ok();
    assert_eq!(
        run.reply["meta"]["credential_source"],
        "env:GANDI_SANDBOX_API_TOKEN"
    );
}

#[test]
fn config_dir_follows_gandi_config_dir_then_xdg() {
    let fake = FakeGandi::start();
    let custom = tempfile::tempdir().expect("dir");
    std::fs::write(custom.path().join("api_token"), TOKEN_FULL).expect("write");
    crate::support::set_mode(&custom.path().join("api_token"), 0o600);
    let run = Skill::new(Some(&fake))
        .env("GANDI_CONFIG_DIR", &custom.path().display().to_string())
        .secret(TOKEN_FULL)
        .run(WHOAMI);
    run.assert_ok();
    assert_eq!(
        run.reply["meta"]["credential_source"],
        custom.path().join("api_token").display().to_string()
    );
    let xdg = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(xdg.path().join("gandi")).expect("mkdir");
    std::fs::write(
        xdg.path().join("gandi/api_token"),
        format!("  {TOKEN_FULL}\n\n"),
    )
    .expect("write");
    crate::support::set_mode(&xdg.path().join("gandi/api_token"), 0o400);
    let run = Skill::new(Some(&fake))
        .env("XDG_CONFIG_HOME", &xdg.path().display().to_string())
        .secret(TOKEN_FULL)
        .run(WHOAMI);
    run.assert_ok();
}

#[test]
fn malformed_empty_and_odd_token_files() {
    let fake = FakeGandi::start();
    let run = Skill::new(Some(&fake))
        .token_file("api_token", "abc def", 0o600)
        .run(WHOAMI);
    run.assert_error("auth.malformed_token", 4);
    let run = Skill::new(Some(&fake))
        .env("GANDI_API_TOKEN", "abc\u{7}def")
        .run(WHOAMI);
    let err = run.assert_error("auth.malformed_token", 4);
    // A variable comes before every file: the fix is the variable.
    let hint = err["hint"].as_str().unwrap_or("");
    assert!(
        hint.contains("replaces the value of GANDI_API_TOKEN") && hint.contains("unsets it"),
        "{err}"
    );
    // The fix names the command for this very token: sandbox, profile.
    let run = Skill::new(Some(&fake))
        .token_file("sandbox/profiles/work/api_token", "abc def", 0o600)
        .run(r#"{"action":"account.whoami","sandbox":true,"profile":"work"}"#);
    let err = run.assert_error("auth.malformed_token", 4);
    assert!(
        err["hint"]
            .as_str()
            .unwrap_or("")
            .contains("scripts/setup_token.sh --profile work --sandbox"),
        "{err}"
    );
    // Empty means missing: the lookup goes on to the next step.
    let skill = Skill::new(Some(&fake))
        .token_file("api_token", "   ", 0o600)
        .token_file("api_key", APIKEY_LEGACY, 0o600);
    skill.run(WHOAMI).assert_ok();
    let dir_skill = Skill::new(Some(&fake));
    std::fs::create_dir_all(dir_skill.config_dir().join("api_token")).expect("mkdir");
    dir_skill
        .run(WHOAMI)
        .assert_error("auth.insecure_token_file", 4);
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let run = Skill::new(None)
        .env("GANDI_API_URL", "http://api.example.com")
        .env("GANDI_API_TOKEN", TOKEN_FULL)
        .secret(TOKEN_FULL)
        .run(WHOAMI);
    let err = run.assert_error("config.invalid", 4);
    assert!(err["message"].as_str().unwrap().contains("GANDI_API_URL"));
}

#[test]
fn token_check_reports_source_scheme_account_and_expiry() {
    let fake = FakeGandi::start();
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    let run = skill.run(r#"{"action":"token.check"}"#);
    let r = run.assert_ok();
    assert_eq!(r["scheme"], "Bearer");
    assert_eq!(r["file_mode"], "0600");
    assert_eq!(r["sandbox"], false);
    assert_eq!(r["account"]["username"], "jdoe");
    assert!(r["token"]["expires_in_days"].as_i64().unwrap() > 7);
    assert!(!r["token"]["scopes"].as_array().unwrap().is_empty());
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, vec!["/v5/organization/user-info", "/tokeninfo"]);

    let run = Skill::with_env_token(&fake, TOKEN_SOON).run(r#"{"action":"token.check"}"#);
    run.assert_ok();
    assert!(
        run.reply["warnings"].to_string().contains("expires in"),
        "{}",
        run.stdout
    );

    fake.clear_requests();
    let run = Skill::new(Some(&fake))
        .env("GANDI_API_KEY", APIKEY_LEGACY)
        .secret(APIKEY_LEGACY)
        .run(r#"{"action":"token.check"}"#);
    assert_eq!(run.assert_ok()["token"], serde_json::Value::Null);
    assert!(
        fake.requests().iter().all(|r| r.path != "/tokeninfo"),
        "legacy keys skip introspection"
    );
}

#[test]
fn token_check_does_not_wait_on_a_stalled_id_host() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "GET",
        "/tokeninfo",
        3,
        FaultKind::Stall { millis: 25_000 },
    ));
    let started = std::time::Instant::now();
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(r#"{"action":"token.check"}"#);
    let waited = started.elapsed();
    let r = run.assert_ok();
    assert_eq!(
        r["account"]["username"], "jdoe",
        "the account still comes back"
    );
    assert_eq!(r["token"], serde_json::Value::Null);
    assert!(
        run.reply["warnings"].to_string().contains("did not answer"),
        "{}",
        run.stdout
    );
    let asked = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/tokeninfo")
        .count();
    assert_eq!(asked, 1, "the optional introspection is tried once");
    // Well under the 25 s stall and the 30 s request timeout.
    assert!(waited < std::time::Duration::from_secs(15), "{waited:?}");
}

#[test]
fn token_check_with_a_rejected_token_is_the_diagnosis() {
    let fake = FakeGandi::start();
    let run = Skill::with_env_token(&fake, "pat_not_a_known_token_0000000000000000000")
        .run(r#"{"action":"token.check"}"#);
    let err = run.assert_error("auth.invalid_token", 4);
    let hint = err["hint"].as_str().unwrap();
    assert!(
        hint.contains("env:GANDI_API_TOKEN")
            && hint.contains("Bearer")
            && hint.contains("production"),
        "{hint}"
    );
    assert!(
        hint.contains("scripts/setup_token.sh") && hint.contains("admin.gandi.net"),
        "{hint}"
    );
    assert_eq!(err["http_status"], 401);
}

#[test]
fn token_renew_previews_then_replaces_the_file_and_never_prints_the_new_secret() {
    let fake = FakeGandi::start();
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    let path = skill.config_dir().join("api_token");
    let run = skill.run(r#"{"action":"token.renew"}"#);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.reply["preview"]["token_file"],
        path.display().to_string()
    );
    assert!(fake.requests().iter().all(|r| r.method == "GET"));

    let run = skill.confirm_with(r#"{"action":"token.renew"}"#, |_| fake.clear_requests());
    let r = run.assert_ok();
    assert_eq!(r["token_file"], path.display().to_string());
    let posts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/v5/organization/access-tokens");
    let new_token = std::fs::read_to_string(&path)
        .expect("token file")
        .trim()
        .to_string();
    assert_ne!(new_token, TOKEN_FULL);
    assert!(
        !run.stdout.contains(&new_token),
        "the new secret is never printed"
    );
    let previous = skill.config_dir().join("api_token.previous");
    assert_eq!(
        std::fs::read_to_string(&previous).expect("previous").trim(),
        TOKEN_FULL
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for p in [&path, &previous] {
            let mode = std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", p.display());
        }
    }
    // The stored token is the one used next.
    fake.clear_requests();
    let skill = skill.secret(&new_token);
    skill.run(WHOAMI).assert_ok();
    assert_eq!(
        authorization_seen(&fake),
        vec![format!("Bearer {new_token}")]
    );
}

#[test]
fn a_garbled_answer_to_token_renew_quotes_nothing_and_warns_against_repeating() {
    let fake = FakeGandi::start();
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    let before: Vec<String> = fake.with_state(|s| s.tokens.keys().cloned().collect());
    fake.inject(Fault::on(
        "POST",
        "/v5/organization/access-tokens",
        1,
        FaultKind::TruncateBody,
    ));
    let run = skill.confirm(r#"{"action":"token.renew"}"#);
    let err = run.assert_error("api.unexpected_response", 1);
    let new_secrets: Vec<String> = fake.with_state(|s| {
        s.tokens
            .keys()
            .filter(|k| !before.contains(k))
            .cloned()
            .collect()
    });
    assert_eq!(new_secrets.len(), 1, "Gandi made the new token");
    assert!(
        !run.stdout.contains(&new_secrets[0]),
        "the new secret is not quoted: {}",
        run.stdout
    );
    assert!(err["details"].get("excerpt").is_none(), "{err}");
    assert!(
        err["hint"]
            .as_str()
            .unwrap_or("")
            .contains("check the current state before repeating"),
        "{err}"
    );
    let posts = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "a write is never repeated");
    assert_eq!(
        std::fs::read_to_string(skill.config_dir().join("api_token"))
            .expect("token file")
            .trim(),
        TOKEN_FULL,
        "the stored token is untouched"
    );
}

#[test]
fn token_renew_from_the_environment_writes_the_config_file_and_warns() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.confirm(r#"{"action":"token.renew","expires_at":"2099-01-01T00:00:00Z"}"#);
    let r = run.assert_ok();
    let path = skill.config_dir().join("api_token");
    assert_eq!(r["token_file"], path.display().to_string());
    assert_eq!(r["previous_file"], serde_json::Value::Null);
    assert!(r["expires_at"].as_str().unwrap().starts_with("2099-01-01"));
    assert!(run.reply["warnings"]
        .to_string()
        .contains("GANDI_API_TOKEN still holds the old one"));
    let body = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("POST")
        .json();
    assert_eq!(body["expires_at"], "2099-01-01T00:00:00Z");
    let new_token = std::fs::read_to_string(&path)
        .expect("file")
        .trim()
        .to_string();
    assert!(!run.stdout.contains(&new_token));

    let run = skill.run(r#"{"action":"token.renew","confirm":true,"expires_at":"yesterday"}"#);
    assert_eq!(
        run.assert_error("request.invalid_params", 2)["details"]["field"],
        "expires_at"
    );
    let run = Skill::new(Some(&fake))
        .env("GANDI_API_KEY", APIKEY_LEGACY)
        .secret(APIKEY_LEGACY)
        .run(r#"{"action":"token.renew","confirm":true}"#);
    run.assert_error("safety.refused", 6);
}

#[test]
fn odd_files_beside_the_token_neither_hang_nor_blank_out_the_reply() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let dir = skill.config_dir();
    std::fs::create_dir_all(&dir).expect("mkdir");
    // A note left in a `.previous` file: its words are not secrets.
    let note = dir.join("api_token.previous");
    std::fs::write(&note, "Gandi token for example.com \"status\":\"error\"\n").expect("write");
    let run = skill.run(r#"{"action":"dns.zones.list"}"#);
    run.assert_ok();
    assert!(
        run.stdout.contains("\"fqdn\":\"example.com\""),
        "{}",
        run.stdout
    );
    // A FIFO where a token file would be: nothing waits on it.
    let fifo = dir.join("api_key");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        skill.run(r#"{"action":"describe"}"#).assert_ok();
        skill.run(WHOAMI).assert_ok();
    }
}
