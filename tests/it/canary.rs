//! The canary: a recognisable token is run through every action and every
//! error path (from the environment, a file and a profile, with faults and
//! auth failures, with debug logging on). The support layer fails any run
//! whose stdout or stderr holds it; here we add the paths that remain.

use crate::client_hardening::{behind_proxy, FakeProxy};
use crate::fake::{FakeGandi, Fault, FaultKind, TokenSpec, ALL_SCOPES};
use crate::support::Run;
use crate::support::Skill;

const CANARY: &str = "CANARY-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e5b2d4f6a";
/// A planted secret of another kind: the transfer auth code of
/// `domains.transfer`, valid in the fake so its whole path runs.
const AUTH_CANARY: &str = "AUTHCANARY-9d4e2b7f1a";
/// A mailbox password planted in requests: a secret like the token.
const PASSWORD: &str = "Canary-Pw-731!x";
/// The one the catalog's example of email.mailboxes.create carries.
const EXAMPLE_PASSWORD: &str = "Example-Pass-2026!";

fn every_request() -> Vec<String> {
    let mut reqs: Vec<String> = gandi_skill::catalog::ACTIONS
        .iter()
        .flat_map(|a| [sample_request(a.name()), a.example().to_string()])
        .collect();
    reqs.push(r#"{"action":"domains.lst"}"#.into());
    reqs.push(r#"{"action":"domains.get","domain":"missing-domain.com"}"#.into());
    // The secret pasted into the request is refused without being echoed.
    reqs.push(format!(r#"{{"action":"domains.get","domain":"{CANARY}"}}"#));
    reqs.push(format!(r#"{{"action":"{CANARY}"}}"#));
    // As a parameter name: the reply's keys are never rewritten, so the
    // name must only ever be quoted in values.
    reqs.push(format!(r#"{{"action":"domains.list","{CANARY}":1}}"#));
    reqs.push(format!(
        r#"{{"action":"domains.list","fqdn":"{CANARY}.com","sandbox":1}}"#
    ));
    reqs.push(format!(
        r#"{{"action":"email.mailboxes.create","domain":"example.com","login":"jdoe","password":"{PASSWORD}"}}"#
    ));
    reqs.push(format!(
        r#"{{"action":"email.mailboxes.create","domain":"example.com","login":"short","password":"{}"}}"#,
        &PASSWORD[..6]
    ));
    reqs.push(format!(
        r#"{{"action":"email.mailboxes.create","domain":"example.com","login":"boss","mailbox_type":"premium_2023","password":"{PASSWORD}"}}"#
    ));
    reqs.push(format!(
        r#"{{"action":"email.mailboxes.update","domain":"example.com","mailbox_id":"{}","password":"{PASSWORD}","mailbox_type":"premium"}}"#,
        crate::fake::email::MAILBOX_JDOE_ID
    ));
    reqs
}

/// A plausible request for each action, valid or not (both paths matter).
fn sample_request(action: &str) -> String {
    let params = match action {
        "domains.get" => r#","domain":"example.com""#,
        "dns.records.list" | "dns.zone.export" | "dns.snapshots.list" | "dns.snapshots.create" => {
            r#","domain":"example.com""#
        }
        "dns.records.get" => r#","domain":"example.com","name":"@","type":"MX""#,
        "dns.records.add" | "dns.records.set" => {
            r#","domain":"example.com","name":"canary","type":"TXT","values":["hello"]"#
        }
        "dns.records.remove" => r#","domain":"example.com","name":"@","type":"MX""#,
        "dns.zone.apply" => {
            r#","domain":"example.com","mode":"merge","rrsets":[{"name":"c","type":"A","values":["192.0.2.1"]}]"#
        }
        "dns.zone.import" => r#","domain":"example.com","zone_text":"c 300 IN A 192.0.2.1\n""#,
        "dns.snapshots.get" | "dns.snapshots.restore" | "dns.snapshots.delete" => {
            r#","domain":"example.com","snapshot_id":"nope""#
        }
        "domains.transfer" => {
            return format!(
                r#"{{"action":"domains.transfer","domain":"taken-elsewhere.com","auth_code":"{AUTH_CANARY}","contact":{{"given":"J","family":"D","email":"j@example.org","streetaddr":"1 rue","city":"Paris","zip":"75001","country":"FR","phone":"+33.123456789","type":"individual"}}}}"#
            )
        }
        // A password that passes the checks; one that fails them; a taken
        // login (Gandi's 400 quotes the password back); and an update.
        "email.mailboxes.create" => {
            return format!(
                r#"{{"action":"{action}","domain":"example.com","login":"canary","password":"{PASSWORD}"}}"#
            )
        }
        "email.mailboxes.update" => {
            return format!(
                r#"{{"action":"{action}","domain":"example.com","mailbox_id":"{}","password":"{PASSWORD}"}}"#,
                crate::fake::email::MAILBOX_JDOE_ID
            )
        }
        _ => "",
    };
    format!(r#"{{"action":"{action}"{params}}}"#)
}

#[test]
fn the_canary_never_appears_on_any_path() {
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        s.add_token(
            CANARY,
            TokenSpec::bearer("canary", &ALL_SCOPES, 30 * 86_400),
        );
        // Free slots enough for every mailbox creation to reach Gandi (a
        // repeated login then meets Gandi's 400, which quotes the password).
        let slots = s.email.slots.entry("example.com".into()).or_default();
        for i in 0..400 {
            let mut slot = slots[0].clone();
            slot.id = 1000 + i;
            slot.status = "inactive".into();
            slot.mailbox_type = if i % 2 == 0 { "standard" } else { "premium" }.into();
            slots.push(slot);
        }
        s.orders
            .transferable
            .insert("taken-elsewhere.com".into(), AUTH_CANARY.into());
    });
    let passwords = |s: Skill| {
        s.secret(PASSWORD)
            .secret(EXAMPLE_PASSWORD)
            .secret(AUTH_CANARY)
    };
    let env_skill = passwords(Skill::with_env_token(&fake, CANARY));
    let file_skill = passwords(Skill::new(Some(&fake)).token_file("api_token", CANARY, 0o600));
    let profile_skill = passwords(
        Skill::new(Some(&fake))
            .token_file("profiles/p1/api_token", CANARY, 0o600)
            .env("GANDI_PROFILE", "p1"),
    );
    let debug_skill = passwords(Skill::with_env_token(&fake, CANARY).env("GANDI_SKILL_DEBUG", "1"));
    let insecure = passwords(Skill::new(Some(&fake)).token_file("api_token", CANARY, 0o640));
    let malformed = passwords(
        Skill::new(Some(&fake))
            .env("GANDI_API_TOKEN", &format!("{CANARY} x"))
            .secret(CANARY),
    );
    // Every proxy variable set: the fake is plain http, so none is used.
    let proxy = FakeProxy::start();
    let proxied = passwords(behind_proxy(&fake, CANARY, &proxy).env("GANDI_SKILL_DEBUG", "1"));
    for skill in [
        &env_skill,
        &file_skill,
        &profile_skill,
        &debug_skill,
        &insecure,
        &malformed,
        &proxied,
    ] {
        for req in every_request() {
            let run = skill.run(&req);
            assert!(!run.stdout.contains(CANARY) && !run.stderr.contains(CANARY));
            assert!(!run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD));
            let dry = req.replacen('{', r#"{"dry_run":true,"#, 1);
            skill.run(&dry);
            // Confirmed: the destructive writes really run.
            let confirmed = req.replacen('{', r#"{"confirm":true,"#, 1);
            skill.run(&confirmed);
        }
    }
    // Auth failures, server errors and odd bodies with the canary in use.
    for kind in [
        FaultKind::Status {
            status: 401,
            retry_after: None,
        },
        FaultKind::Status {
            status: 403,
            retry_after: None,
        },
        FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        FaultKind::HtmlBody { status: 502 },
        FaultKind::TruncatedJson,
        FaultKind::DropConnection,
    ] {
        fake.inject(Fault {
            method: None,
            path_prefix: "/v5/".into(),
            times: 3,
            kind,
        });
        debug_skill.run(r#"{"action":"domains.list"}"#);
        debug_skill.run(r#"{"action":"dns.records.add","domain":"example.com","name":"f","type":"A","values":["192.0.2.9"]}"#);
        debug_skill.run(r#"{"action":"dns.records.remove","confirm":true,"domain":"example.com","name":"@","type":"MX"}"#);
        debug_skill.run(r#"{"action":"token.renew","confirm":true}"#);
        debug_skill.run(&sample_request("email.mailboxes.create"));
        debug_skill.run(&sample_request("email.mailboxes.update"));
        fake.clear_faults();
    }
    // The transfer confirmed all the way: the auth code reaches Gandi in the
    // order's body, and no output.
    env_skill
        .confirm(&sample_request("domains.transfer"))
        .assert_ok();
    assert!(
        proxy.connections().is_empty() && !proxy.saw(CANARY),
        "a plain-http run reached the proxy"
    );
    // The secret echoed across the cut of a quote (an HTML page, so the
    // body is quoted): not one piece of it may show.
    for at in [150, 185, 199] {
        for status in [200, 400, 502] {
            fake.inject(Fault {
                method: None,
                path_prefix: "/v5/".into(),
                times: 100,
                kind: FaultKind::EchoAuthorizationAt { status, at },
            });
            for req in [
                r#"{"action":"domains.list"}"#,
                r#"{"action":"account.whoami"}"#,
                r#"{"action":"dns.records.list","domain":"example.com"}"#,
                r#"{"action":"dns.records.add","domain":"example.com","name":"f","type":"A","values":["192.0.2.9"]}"#,
                r#"{"action":"dns.zone.export","domain":"example.com"}"#,
            ] {
                for skill in [&debug_skill, &proxied] {
                    no_piece_of_the_canary(&skill.run(req));
                }
            }
            fake.clear_faults();
        }
    }
    // Through an https proxy (Gandi's real hosts): the proxy sees CONNECT
    // lines and a TLS handshake, never the canary or a piece of it.
    let https_proxy = FakeProxy::start();
    let tunnelled = Skill::new(None)
        .env("GANDI_API_URL", "https://api.gandi.net")
        .env("GANDI_ID_URL", "https://id.gandi.net")
        .env("GANDI_API_TOKEN", CANARY)
        .env("HTTPS_PROXY", &https_proxy.url)
        .env("GANDI_SKILL_DEBUG", "1")
        .secret(CANARY);
    for req in every_request() {
        no_piece_of_the_canary(&tunnelled.run(&req));
        tunnelled.run(&req.replacen('{', r#"{"confirm":true,"#, 1));
    }
    assert!(
        !https_proxy.connections().is_empty(),
        "the https proxy was not used"
    );
    assert!(
        !https_proxy.saw(CANARY) && !https_proxy.saw(&CANARY[..12]),
        "the canary reached the proxy"
    );
    // With a sharing_id on every call.
    let org = fake.with_state(|s| s.personal_org_id());
    for req in every_request() {
        let with_org = req.replacen('{', &format!(r#"{{"sharing_id":"{org}","#), 1);
        env_skill.run(&with_org);
    }
    // The fake saw the canary only where it belongs: the Authorization header.
    for r in fake.requests() {
        assert!(!r.path.contains(CANARY) && !r.body.contains(CANARY));
        assert!(r
            .query
            .iter()
            .all(|(k, v)| !k.contains(CANARY) && !v.contains(CANARY)));
    }
}

/// No 8 characters of the canary's secret part in a run's output.
#[track_caller]
fn no_piece_of_the_canary(run: &Run) {
    let secret = CANARY.trim_start_matches("CANARY-");
    for out in [&run.stdout, &run.stderr] {
        let piece = (0..=secret.len() - 8)
            .map(|i| &secret[i..i + 8])
            .find(|p| out.contains(p));
        assert_eq!(piece, None, "a piece of the canary shows: {out}");
    }
}

#[test]
fn a_secret_echoed_back_by_the_server_is_redacted() {
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        s.add_token(
            CANARY,
            TokenSpec::bearer("canary", &ALL_SCOPES, 30 * 86_400),
        )
    });
    fake.inject(Fault {
        method: None,
        path_prefix: "/v5/domain/domains".into(),
        times: 1,
        kind: FaultKind::EchoAuthorization { status: 400 },
    });
    let run = Skill::with_env_token(&fake, CANARY).run(r#"{"action":"domains.list"}"#);
    run.assert_error("api.rejected", 1);
    assert!(run.stdout.contains("[redacted]"), "{}", run.stdout);
}

#[test]
fn a_panic_is_one_internal_reply_and_prints_nothing_else() {
    let fake = FakeGandi::start();
    if !cfg!(debug_assertions) {
        // A release build (`cargo test --release`) never reads the test
        // switches: the request runs as usual.
        for switch in ["GANDI_SKILL_TEST_PANIC", "GANDI_SKILL_TEST_PANIC_IN_ACTION"] {
            let run = Skill::with_env_token(&fake, CANARY)
                .env(switch, "1")
                .run(r#"{"action":"describe"}"#);
            run.assert_ok();
        }
        return;
    }
    let run = Skill::with_env_token(&fake, CANARY)
        .env("GANDI_SKILL_TEST_PANIC", "1")
        .run(r#"{"action":"describe"}"#);
    let err = run.assert_error("internal", 70);
    assert!(err["hint"].as_str().unwrap().contains("bug"));
    assert_eq!(run.reply["action"], serde_json::Value::Null);
    // Once the action is known, the reply names it.
    let run = Skill::with_env_token(&fake, CANARY)
        .env("GANDI_SKILL_TEST_PANIC_IN_ACTION", "1")
        .run(r#"{"action":"describe"}"#);
    run.assert_error("internal", 70);
    assert_eq!(run.reply["action"], "describe");
    // With debug on, stderr says where, never the panic's message (which
    // here quotes the token; the runner fails on any trace of it).
    let run = Skill::with_env_token(&fake, CANARY)
        .env("GANDI_SKILL_TEST_PANIC", "1")
        .env("GANDI_SKILL_DEBUG", "1")
        .run(r#"{"action":"describe"}"#);
    run.assert_error("internal", 70);
    assert!(
        run.stderr.contains("internal error (panic) at"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_token_of_any_shape_is_never_echoed_and_the_reply_stays_json() {
    let fake = FakeGandi::start();
    // Short, with punctuation and a quote: not what Gandi issues, but the
    // user's secret all the same.
    for token in ["pat:abc-123", "ab\"cd\\ef:gh"] {
        let skill = Skill::new(Some(&fake))
            .env("GANDI_API_TOKEN", token)
            .secret(token);
        let req = serde_json::json!({"action":"domains.get","domain":token});
        // As JSON shows it (quotes and backslashes escaped).
        let escaped = serde_json::to_string(token).expect("string");
        let escaped = escaped.trim_matches('"');
        let run = skill.run(&req.to_string());
        run.assert_error("request.invalid_params", 2);
        assert!(run.stdout.contains("[redacted]"), "{}", run.stdout);
        assert!(!run.stdout.contains(escaped), "{}", run.stdout);
        let req = serde_json::json!({"action":"dns.records.add","domain":"example.com","name":"t","type":"TXT","values":[token],"dry_run":true});
        let run = skill.run(&req.to_string());
        assert!(!run.stdout.contains(escaped), "{}", run.stdout);
    }
}

/// The token Gandi hands out on renewal in the test below.
const NEW_CANARY: &str = "CANARY-NEW-2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d";

#[test]
fn the_canary_never_appears_on_the_renewal_paths() {
    const RENEW: &str = r#"{"action":"token.renew"}"#;
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        s.add_token(
            CANARY,
            TokenSpec::bearer("canary", &ALL_SCOPES, 30 * 86_400),
        )
    });
    let skill = || {
        Skill::new(Some(&fake))
            .token_file("api_token", CANARY, 0o600)
            .env("GANDI_SKILL_DEBUG", "1")
            .secret(NEW_CANARY)
    };
    let clean = |run: &Run| {
        for secret in [CANARY, NEW_CANARY] {
            assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
        }
    };
    // Stored, then used by the next run.
    fake.with_state(|s| s.renewal_secrets.push(NEW_CANARY.into()));
    let stored = skill();
    clean(&stored.confirm(RENEW));
    clean(&stored.run(r#"{"action":"token.check"}"#));
    // Refused before the POST: where the old token would go is a folder.
    let refused = skill();
    std::fs::create_dir_all(refused.config_dir().join("api_token.previous")).expect("mkdir");
    clean(&refused.confirm(RENEW));
    // Gandi's new token fails the checks (twice the canary, a space between).
    fake.with_state(|s| s.renewal_secrets.push(format!("{NEW_CANARY} {NEW_CANARY}")));
    clean(&skill().confirm(RENEW));
    // Storing fails after the POST: the token goes to a fallback file.
    fake.with_state(|s| s.renewal_secrets.push(NEW_CANARY.into()));
    fake.inject(Fault::on(
        "POST",
        "/v5/organization/access-tokens",
        1,
        FaultKind::Stall { millis: 1_000 },
    ));
    let fallback = skill();
    let posts = || {
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    };
    // The yes the user gives: the preview's plan (the preview posts nothing).
    let preview = fallback.run(RENEW);
    let mut confirmed: serde_json::Value = serde_json::from_str(RENEW).expect("JSON");
    for (k, v) in preview.reply["confirm_with"]
        .as_object()
        .expect("confirm_with")
    {
        confirmed[k] = v.clone();
    }
    let confirmed = confirmed.to_string();
    let before = posts();
    std::thread::scope(|scope| {
        let running = scope.spawn(|| fallback.run(&confirmed));
        let waited = std::time::Instant::now();
        while posts() == before {
            assert!(
                waited.elapsed() < std::time::Duration::from_secs(20),
                "no POST came"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let target = fallback.config_dir().join("api_token");
        std::fs::remove_file(&target).expect("rm");
        std::fs::create_dir(&target).expect("mkdir");
        let run = running.join().expect("run");
        assert_eq!(run.error_code(), "config.invalid", "{}", run.stdout);
        clean(&run);
    });
    // A later run, with the canary waiting in the fallback file.
    clean(&fallback.run(r#"{"action":"describe"}"#));
    // A garbled answer to the renewal.
    fake.inject(Fault::on(
        "POST",
        "/v5/organization/access-tokens",
        1,
        FaultKind::TruncateBody,
    ));
    clean(&skill().confirm(RENEW));
}
