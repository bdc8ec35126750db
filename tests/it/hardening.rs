//! Hardening (issue 7): how the credential is read and guarded whatever its
//! shape, where the config folder is, and `token.renew` when storing fails
//! or several renewals overlap.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::fake::{FakeGandi, Fault, FaultKind, TOKEN_FULL};
use crate::support::{confirmed, writes, Skill};

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

/// The keys of every object in `v`, recursively, in order.
fn keys_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys_of(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys_of(v, out)),
        _ => {}
    }
}

#[test]
fn a_token_spelling_a_key_or_an_envelope_word_leaves_the_reply_whole() {
    let fake = FakeGandi::start();
    // Implausibly short tokens are refused when read, before any request.
    for token in ["status", "error", "a", "Sh0rt!x"] {
        let run = Skill::new(Some(&fake))
            .env("GANDI_API_TOKEN", token)
            .run(WHOAMI);
        let err = run.assert_error("auth.malformed_token", 4);
        assert!(
            err["message"]
                .as_str()
                .unwrap_or("")
                .contains("shorter than 8 characters"),
            "{token}: {err}"
        );
        assert_eq!(run.reply["status"], "error", "{token}: {}", run.stdout);
        assert_eq!(run.reply["action"], "account.whoami", "{token}");
        let mut keys = Vec::new();
        keys_of(&run.reply, &mut keys);
        assert!(
            ["status", "action", "error", "code", "message", "hint", "details"]
                .iter()
                .all(|k| keys.iter().any(|have| have == k)),
            "{token}: keys rewritten: {}",
            run.stdout
        );
    }
    assert!(fake.requests().is_empty(), "a refused token is never sent");
    // Plausible tokens that spell a key or an error code: Gandi refuses
    // them, and the reply keeps its shape and its code.
    for token in ["http_status", "auth.invalid_token", "credential_source"] {
        let run = Skill::new(Some(&fake))
            .env("GANDI_API_TOKEN", token)
            .run(WHOAMI);
        let err = run.assert_error("auth.invalid_token", 4);
        assert_eq!(err["http_status"], 401, "{token}: {}", run.stdout);
        assert_eq!(run.reply["meta"], Value::Null, "an error reply has no meta");
        for field in ["message", "hint"] {
            let text = err[field].as_str().unwrap_or("");
            assert!(!text.contains(token), "{token} in {field}: {text}");
        }
    }
    // A token spelling a key of an ok reply, with no request at all.
    let run = Skill::new(Some(&fake))
        .env("GANDI_API_TOKEN", "warnings")
        .run(r#"{"action":"describe"}"#);
    run.assert_ok();
    assert!(run.reply["warnings"].is_array(), "{}", run.stdout);
}

/// A request that quotes `token` back in a `request.invalid_params`.
fn quoting(token: &str) -> String {
    serde_json::json!({"action": "domains.get", "domain": token}).to_string()
}

#[test]
fn the_guard_sees_the_token_the_reader_would_use() {
    let fake = FakeGandi::start();
    // A short token is refused when read, yet never echoed when quoted.
    let short = "Sh0rt!x";
    let run = Skill::new(Some(&fake))
        .env("GANDI_API_TOKEN", short)
        .secret(short)
        .run(&quoting(short));
    run.assert_error("request.invalid_params", 2);
    assert!(run.stdout.contains("[redacted]"), "{}", run.stdout);

    // A token file written with a BOM, or padded with NUL bytes: the reader
    // uses the bare token, and the guard redacts that bare token.
    let token = "pat_e3b0c44298fc1c149afbf4c8996fb92427ae41e4";
    for content in [
        format!("\u{feff}{token}\n"),
        format!("{token}\0\0\0"),
        format!("\u{feff}  {token}\r\n\0"),
    ] {
        let skill = Skill::new(Some(&fake)).secret(token);
        let path = skill.config_dir().join("api_token");
        std::fs::create_dir_all(skill.config_dir()).expect("mkdir");
        std::fs::write(&path, &content).expect("write");
        crate::support::set_mode(&path, 0o600);
        let run = skill.run(&quoting(token));
        run.assert_error("request.invalid_params", 2);
        assert!(
            run.stdout.contains("[redacted]"),
            "{:?}: {}",
            content,
            run.stdout
        );
        // The very value the guard held is the one sent to Gandi.
        fake.with_state(|s| {
            s.add_token(
                token,
                crate::fake::TokenSpec::bearer("bom", &crate::fake::ALL_SCOPES, 86_400),
            )
        });
        fake.clear_requests();
        skill.run(WHOAMI).assert_ok();
        let auth: Vec<String> = fake
            .requests()
            .iter()
            .map(|r| r.header("authorization").unwrap_or("").to_string())
            .collect();
        assert_eq!(auth, vec![format!("Bearer {token}")], "{content:?}");
    }
}

const RENEW: &str = r#"{"action":"token.renew"}"#;

/// The renewal as the user's yes sends it: the request with the plan of
/// its preview (which sends no POST).
fn renew_confirmed(skill: &Skill) -> String {
    let preview = skill.run(RENEW);
    assert_eq!(preview.status(), "needs_confirmation", "{}", preview.stdout);
    confirmed(RENEW, &preview)
}

/// The POSTs the fake received.
fn posts(fake: &FakeGandi) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

#[test]
fn a_renewed_token_that_would_not_read_back_is_never_stored() {
    let huge = "p".repeat(20_000);
    let spaced = "pat_renewed 0123456789abcdef0123456789";
    let control = "pat_renewed\u{1}0123456789abcdef0123456789";
    for odd in [huge.as_str(), "short", spaced, control] {
        let fake = FakeGandi::start();
        fake.with_state(|s| s.renewal_secrets.push(odd.to_string()));
        let skill = Skill::new(Some(&fake))
            .token_file("api_token", TOKEN_FULL, 0o600)
            .secret(if odd.len() > 8 { odd } else { TOKEN_FULL });
        let run = skill.confirm(RENEW);
        let err = run.assert_error("api.unexpected_response", 1);
        assert!(
            err["message"]
                .as_str()
                .unwrap_or("")
                .contains("nothing was stored"),
            "{err}"
        );
        assert_eq!(posts(&fake), 1);
        // The token in use stays in place, nothing else was written, and
        // the next run still works with it.
        let dir = skill.config_dir();
        assert_eq!(
            std::fs::read_to_string(dir.join("api_token")).expect("token file"),
            format!("{TOKEN_FULL}\n")
        );
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("config dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| !n.ends_with(".lock") && n != "plan_key")
            .collect();
        files.sort();
        assert_eq!(files, vec!["api_token"], "{}", odd.len());
        skill.run(r#"{"action":"token.check"}"#).assert_ok();
    }
}

/// The files in `dir` (names), sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Whether this process may write where its permission bits say it may
/// not (root may): then a read-only folder proves nothing.
fn permission_bits_bind_us() -> bool {
    let dir = tempfile::tempdir().expect("dir");
    crate::support::set_mode(dir.path(), 0o500);
    let bound = std::fs::write(dir.path().join("x"), "x").is_err();
    crate::support::set_mode(dir.path(), 0o700);
    bound
}

#[test]
fn token_renew_checks_that_the_new_token_can_be_stored_before_asking_gandi() {
    let fake = FakeGandi::start();
    let refused = |skill: &Skill, what: &str| {
        // Where no file can be made, the preview itself cannot keep its
        // plan key; otherwise the yes is refused before the POST.
        let preview = skill.run(RENEW);
        let run = if preview.status() == "error" {
            preview
        } else {
            skill.run(&renew_confirmed(skill))
        };
        let err = run.assert_error("config.invalid", 4);
        let message = err["message"].as_str().unwrap_or("");
        assert!(
            message.contains("nothing was sent to Gandi") || message.contains("plan key"),
            "{what}: {message}"
        );
        assert_eq!(posts(&fake), 0, "{what}: Gandi was asked anyway");
        err.clone()
    };
    // A config folder under /proc, where nothing can be created.
    let skill =
        Skill::with_env_token(&fake, TOKEN_FULL).env("GANDI_CONFIG_DIR", "/proc/gandi-skill");
    refused(&skill, "/proc");
    // The token file is a folder.
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    std::fs::create_dir_all(skill.config_dir().join("api_token")).expect("mkdir");
    let err = refused(&skill, "api_token folder");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains("is not a regular file"),
        "{err}"
    );
    // Where the old token would be kept is a folder.
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    std::fs::create_dir_all(skill.config_dir().join("api_token.previous")).expect("mkdir");
    refused(&skill, ".previous folder");
    assert_eq!(
        std::fs::read_to_string(skill.config_dir().join("api_token")).expect("token"),
        format!("{TOKEN_FULL}\n")
    );
    // A read-only folder (only meaningful when the bits bind us: not as root).
    if permission_bits_bind_us() {
        let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
        crate::support::set_mode(&skill.config_dir(), 0o500);
        refused(&skill, "read-only folder");
        crate::support::set_mode(&skill.config_dir(), 0o700);
        assert_eq!(files_in(&skill.config_dir()), vec!["api_token"]);
    }
    // Nothing was left behind by the checks.
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    std::fs::create_dir_all(skill.config_dir().join("api_token")).expect("mkdir");
    refused(&skill, "again");
    assert!(
        files_in(&skill.config_dir())
            .iter()
            .all(|n| n == "api_token" || n == "plan_key" || n.ends_with(".lock")),
        "{:?}",
        files_in(&skill.config_dir())
    );
}

#[test]
fn a_renewed_token_that_cannot_be_stored_goes_to_a_named_fallback_file() {
    let fake = FakeGandi::start();
    let before: Vec<String> = fake.with_state(|s| s.tokens.keys().cloned().collect());
    fake.inject(Fault::on(
        "POST",
        "/v5/organization/access-tokens",
        1,
        FaultKind::Stall { millis: 1500 },
    ));
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let dir = skill.config_dir();
    let confirmed = renew_confirmed(&skill);
    let run = std::thread::scope(|scope| {
        let running = scope.spawn(|| skill.run(&confirmed));
        // While Gandi works on it, the place the token goes turns into a
        // folder (a user's mistake, another program): storing now fails.
        let waited = std::time::Instant::now();
        while posts(&fake) == 0 {
            assert!(waited.elapsed() < std::time::Duration::from_secs(20));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::fs::create_dir_all(dir.join("api_token")).expect("mkdir");
        running.join().expect("run")
    });
    let issued: Vec<String> = fake.with_state(|s| {
        s.tokens
            .keys()
            .filter(|k| !before.contains(k))
            .cloned()
            .collect()
    });
    assert_eq!(issued.len(), 1, "Gandi issued one token");
    assert!(!run.stdout.contains(&issued[0]), "{}", run.stdout);
    let err = run.assert_error("config.invalid", 4);
    let fallback = Path::new(
        err["details"]["fallback_file"]
            .as_str()
            .expect("fallback_file"),
    );
    assert_eq!(fallback.parent(), Some(dir.as_path()));
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains(&fallback.display().to_string()),
        "{err}"
    );
    assert!(
        err["hint"].as_str().unwrap_or("").contains(&format!(
            "mv '{}' '{}'",
            fallback.display(),
            dir.join("api_token").display()
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(fallback).expect("fallback"),
        format!("{}\n", issued[0])
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fallback)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No hidden temp file is left to hold a secret nobody knows about.
    assert!(
        files_in(&dir).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        files_in(&dir)
    );
    assert_eq!(posts(&fake), 1);
    // Later runs guard the token waiting in the fallback file too.
    let run = skill.secret(&issued[0]).run(&quoting(&issued[0]));
    run.assert_error("request.invalid_params", 2);
    assert!(run.stdout.contains("[redacted]"), "{}", run.stdout);
}

/// The secrets the fake issued besides those in `before`.
fn issued_since(fake: &FakeGandi, before: &[String]) -> Vec<String> {
    fake.with_state(|s| {
        s.tokens
            .keys()
            .filter(|k| !before.contains(k))
            .cloned()
            .collect()
    })
}

fn stall_renewals(fake: &FakeGandi, millis: u64) {
    fake.inject(Fault::on(
        "POST",
        "/v5/organization/access-tokens",
        1,
        FaultKind::Stall { millis },
    ));
}

/// Waits (bounded) until the fake has received `n` POSTs.
fn wait_for_posts(fake: &FakeGandi, n: usize) {
    let started = std::time::Instant::now();
    while posts(fake) < n {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no POST came"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn overlapping_renewals_ask_gandi_once_and_lose_no_token() {
    let fake = FakeGandi::start();
    let before: Vec<String> = fake.with_state(|s| s.tokens.keys().cloned().collect());
    // The first renewal holds the lock longer than the others will wait.
    stall_renewals(&fake, 5_000);
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    let confirmed = renew_confirmed(&skill);
    let runs: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| skill.run(&confirmed)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("run"))
            .collect()
    });
    assert_eq!(posts(&fake), 1, "only one run asked Gandi");
    let issued = issued_since(&fake, &before);
    assert_eq!(issued.len(), 1);
    let ok: Vec<_> = runs.iter().filter(|r| r.status() == "ok").collect();
    assert_eq!(ok.len(), 1, "{runs:?}");
    for run in runs.iter().filter(|r| r.status() != "ok") {
        let err = run.assert_error("safety.refused", 6);
        let message = err["message"].as_str().unwrap_or("");
        // Refused while the first holds the lock (or, on a machine slow
        // enough to start it late, once it sees the token replaced).
        assert!(
            (message.contains("another token.renew is running")
                || message.contains("changed while this run waited"))
                && message.contains("nothing was sent to Gandi"),
            "{message}"
        );
        assert!(!run.stdout.contains(&issued[0]));
    }
    let dir = skill.config_dir();
    assert_eq!(
        std::fs::read_to_string(dir.join("api_token")).expect("token"),
        format!("{}\n", issued[0])
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("api_token.previous")).expect("previous"),
        format!("{TOKEN_FULL}\n")
    );
    assert_eq!(
        files_in(&dir),
        vec![
            "api_token",
            "api_token.lock",
            "api_token.previous",
            "plan_key"
        ]
    );
}

#[test]
fn a_renewal_that_waited_for_another_does_not_renew_the_replaced_token() {
    let fake = FakeGandi::start();
    let before: Vec<String> = fake.with_state(|s| s.tokens.keys().cloned().collect());
    stall_renewals(&fake, 1_000);
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    let confirmed = renew_confirmed(&skill);
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(|| skill.run(&confirmed));
        // The second starts while the first is with Gandi, and gets the
        // lock once the first has stored its token.
        wait_for_posts(&fake, 1);
        let second = skill.run(&confirmed);
        (first.join().expect("run"), second)
    });
    first.assert_ok();
    let err = second.assert_error("safety.refused", 6);
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains("changed while this run waited"),
        "{err}"
    );
    assert_eq!(posts(&fake), 1);
    let issued = issued_since(&fake, &before);
    let dir = skill.config_dir();
    assert_eq!(
        std::fs::read_to_string(dir.join("api_token")).expect("token"),
        format!("{}\n", issued[0])
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("api_token.previous")).expect("previous"),
        format!("{TOKEN_FULL}\n")
    );
}

#[test]
fn a_renewal_that_crashed_holding_the_lock_does_not_block_the_next() {
    let fake = FakeGandi::start();
    stall_renewals(&fake, 15_000);
    let skill = Skill::new(Some(&fake)).token_file("api_token", TOKEN_FULL, 0o600);
    let home = skill
        .config_dir()
        .parent()
        .and_then(Path::parent)
        .expect("home")
        .to_path_buf();
    let confirmed = renew_confirmed(&skill);
    let mut crashing = Command::new(env!("CARGO_BIN_EXE_gandi-skill"))
        .arg(&confirmed)
        .env_clear()
        .env("HOME", &home)
        .env("GANDI_API_URL", fake.url())
        .env("GANDI_ID_URL", fake.url())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // It holds the lock while Gandi stalls; then it dies without a word.
    wait_for_posts(&fake, 1);
    crashing.kill().expect("kill");
    crashing.wait().expect("wait");
    // Were the dead run's lock still held, this would be refused.
    skill.run(&confirmed).assert_ok();
    assert_eq!(posts(&fake), 2);
    assert_eq!(
        std::fs::read_to_string(skill.config_dir().join("api_token.previous")).expect("previous"),
        format!("{TOKEN_FULL}\n")
    );
}

fn example_com_records(fake: &FakeGandi) -> Vec<crate::fake::state::Rrset> {
    fake.with_state(|s| s.zones["example.com"].sorted())
}

#[test]
fn an_alias_below_the_apex_is_refused_before_any_request() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let before = example_com_records(&fake);
    let alias = r#""type":"ALIAS","values":["webredir.vip.gandi.net."]"#;
    for (request, field) in [
        (
            format!(r#"{{"action":"dns.records.add","domain":"example.com","name":"shop",{alias}}}"#),
            "type",
        ),
        (
            format!(r#"{{"action":"dns.records.set","confirm":true,"domain":"example.com","name":"shop.example.com.",{alias}}}"#),
            "type",
        ),
        (
            format!(r#"{{"action":"dns.zone.apply","confirm":true,"domain":"example.com","mode":"merge","rrsets":[{{"name":"shop",{alias}}}]}}"#),
            "rrsets[0].type",
        ),
        (
            r#"{"action":"dns.zone.import","confirm":true,"domain":"example.com","mode":"merge","zone_text":"shop 300 IN ALIAS webredir.vip.gandi.net.\n"}"#.to_string(),
            "zone_text",
        ),
    ] {
        let run = skill.run(&request);
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], field, "{}", run.stdout);
        let text = format!("{} {}", err["message"], err["details"]);
        assert!(
            text.contains("ALIAS") && text.contains("shop") && text.contains("apex"),
            "{text}"
        );
        assert!(fake.requests().is_empty(), "{request}: Gandi was asked");
    }
    assert_eq!(example_com_records(&fake), before);
    // At the apex, an ALIAS is what it is for.
    skill
        .confirm(&format!(
            r#"{{"action":"dns.records.set","domain":"example.com","name":"@",{alias}}}"#
        ))
        .assert_ok();
    assert!(
        writes(&fake)
            .last()
            .is_some_and(|w| w.ends_with(" /v5/livedns/domains/example.com/records/%40/ALIAS")),
        "{:?}",
        writes(&fake)
    );
    assert!(example_com_records(&fake)
        .iter()
        .any(|r| r.name == "@" && r.rtype == "ALIAS"));
}

#[test]
fn a_cname_clash_is_refused_before_gandi_would_refuse_it() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let before = example_com_records(&fake);
    // `blog` holds an A, `www` a CNAME, the apex the usual records.
    for (request, code) in [
        (
            r#"{"action":"dns.records.add","domain":"example.com","name":"blog","type":"CNAME","values":["example.net."]}"#,
            "safety.refused",
        ),
        (
            r#"{"action":"dns.records.add","domain":"example.com","name":"www","type":"TXT","values":["hello"]}"#,
            "safety.refused",
        ),
        (
            r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"CNAME","values":["example.net."]}"#,
            "request.invalid_params",
        ),
        (
            r#"{"action":"dns.zone.apply","confirm":true,"domain":"example.com","mode":"merge","rrsets":[{"name":"blog","type":"CNAME","values":["example.net."]}]}"#,
            "safety.refused",
        ),
        (
            r#"{"action":"dns.zone.apply","confirm":true,"domain":"example.com","mode":"merge","rrsets":[{"name":"www","type":"A","values":["192.0.2.9"]}]}"#,
            "safety.refused",
        ),
        (
            r#"{"action":"dns.zone.import","confirm":true,"domain":"example.com","mode":"merge","zone_text":"blog IN CNAME example.net.\n"}"#,
            "safety.refused",
        ),
    ] {
        let run = skill.run(request);
        assert_eq!(run.error_code(), code, "{request}: {}", run.stdout);
        assert_eq!(writes(&fake), Vec::<String>::new(), "{request}");
    }
    assert_eq!(example_com_records(&fake), before);
}
