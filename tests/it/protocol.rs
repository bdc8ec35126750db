//! The request/reply protocol as an agent meets it: bad input of every kind
//! gets the documented code, exit 2, one JSON line, and no request to Gandi.

use std::process::Command;

use crate::fake::{FakeGandi, TOKEN_FULL};
use crate::support::Skill;

#[track_caller]
fn refused(
    skill: &Skill,
    fake: &FakeGandi,
    input: &[u8],
    code: &str,
    action: Option<&str>,
) -> serde_json::Value {
    let run = skill.run_stdin(input);
    let err = run.assert_error(code, 2).clone();
    assert_eq!(run.reply["action"].as_str(), action, "{}", run.stdout);
    assert!(
        fake.requests().is_empty(),
        "no request may reach Gandi: {:?}",
        fake.requests()
    );
    err
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let mut big = b"{\"action\":\"domains.list\",\"fqdn\":\"".to_vec();
    big.resize(1024 * 1024 + 1, b'a');
    refused(&skill, &fake, &big, "request.too_large", None);
    refused(
        &skill,
        &fake,
        b"{\"action\":\"domains.list\xff\"}",
        "request.invalid_json",
        None,
    );
    refused(&skill, &fake, b"[]", "request.invalid_json", None);
    refused(&skill, &fake, b"", "request.invalid_json", None);
    refused(&skill, &fake, b"   \n", "request.invalid_json", None);
    refused(
        &skill,
        &fake,
        b"{\"action\":\"describe\"} trailing",
        "request.invalid_json",
        None,
    );
    refused(
        &skill,
        &fake,
        b"{\"action\":\"domains.list\",\"action\":\"describe\"}",
        "request.invalid_json",
        None,
    );
    refused(
        &skill,
        &fake,
        b"{\"action\":\"domains.list\",\"fqdn\":{\"a\":1,\"a\":2}}",
        "request.invalid_json",
        None,
    );
    refused(
        &skill,
        &fake,
        b"\"domains.list\"",
        "request.invalid_json",
        None,
    );

    let err = refused(
        &skill,
        &fake,
        br#"{"action":"domains.lst"}"#,
        "request.unknown_action",
        Some("domains.lst"),
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `domains.list`"),
        "{err}"
    );
    assert_eq!(err["details"]["did_you_mean"], "domains.list");

    let err = refused(
        &skill,
        &fake,
        br#"{"action":"domains.get"}"#,
        "request.invalid_params",
        Some("domains.get"),
    );
    assert_eq!(err["details"]["field"], "domain");

    let err = refused(
        &skill,
        &fake,
        br#"{"action":"domains.list","fqdnn":"x"}"#,
        "request.invalid_params",
        Some("domains.list"),
    );
    assert_eq!(err["details"]["field"], "fqdnn");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `fqdn`"),
        "{err}"
    );

    // Several unknown names come back together, each with its suggestion.
    let err = refused(
        &skill,
        &fake,
        br#"{"action":"dns.records.add","domain":"example.com","record_name":"x","rrset_type":"A","rrset_values":["192.0.2.1"],"TTL":300}"#,
        "request.invalid_params",
        Some("dns.records.add"),
    );
    let message = err["message"].as_str().unwrap_or("");
    for part in [
        "`record_name` (did you mean `name`?)",
        "`rrset_type` (did you mean `type`?)",
        "`rrset_values` (did you mean `values`?)",
        "`TTL` (did you mean `ttl`?)",
    ] {
        assert!(message.contains(part), "{part}: {err}");
    }
    assert_eq!(err["details"]["fields"].as_array().map(Vec::len), Some(4));

    // Gandi's own names point to ours.
    let err = refused(
        &skill,
        &fake,
        br#"{"action":"dns.records.list","fqdn":"example.com"}"#,
        "request.invalid_params",
        Some("dns.records.list"),
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `domain`"),
        "{err}"
    );

    let err = refused(
        &skill,
        &fake,
        br#"{"action":"domains.list","page":"two"}"#,
        "request.invalid_params",
        Some("domains.list"),
    );
    assert_eq!(err["details"]["field"], "page");
    assert_eq!(
        err["details"]["expected"],
        "a whole number from 0 to 4294967295"
    );

    let err = refused(
        &skill,
        &fake,
        br#"{"action":"domains.list","sandbox":"yes"}"#,
        "request.invalid_params",
        Some("domains.list"),
    );
    assert_eq!(err["details"]["field"], "sandbox");

    let err = refused(
        &skill,
        &fake,
        br#"{"action":"domains.list","profile":"../../etc"}"#,
        "request.invalid_params",
        Some("domains.list"),
    );
    assert_eq!(err["details"]["field"], "profile");

    let err = refused(
        &skill,
        &fake,
        br#"{"action":5}"#,
        "request.invalid_params",
        None,
    );
    assert_eq!(err["details"]["field"], "action");
    refused(
        &skill,
        &fake,
        br#"{"domain":"example.com"}"#,
        "request.invalid_params",
        None,
    );
}

#[test]
fn secret_looking_fields_are_refused_with_the_setup_hint() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    for field in ["token", "api_key", "apikey", "password"] {
        let req = format!(r#"{{"action":"domains.list","{field}":"s3cr3t-value"}}"#);
        let run = skill.run(&req);
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], field);
        assert!(
            err["hint"]
                .as_str()
                .unwrap()
                .contains("scripts/setup_token.sh"),
            "{err}"
        );
        assert!(
            !run.stdout.contains("s3cr3t-value"),
            "the secret is not echoed: {}",
            run.stdout
        );
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn the_argument_and_stdin_forms_give_the_same_reply() {
    let skill = Skill::new(None);
    let a = skill.run(r#"{"action":"describe"}"#);
    let b = skill.run_stdin(br#"{"action":"describe"}"#);
    a.assert_ok();
    assert_eq!(a.stdout, b.stdout);
    // A UTF-8 byte-order mark (Windows tools) and CRLF are not JSON errors.
    let c = skill.run_stdin(b"\xEF\xBB\xBF{\"action\":\"describe\"}\r\n");
    assert_eq!(a.stdout, c.stdout);
    // `null` for confirm or dry_run counts as absent, as the schema says.
    let d = skill.run(r#"{"action":"describe","confirm":null,"dry_run":null}"#);
    assert_eq!(a.stdout, d.stdout);
}

#[test]
fn help_version_and_extra_arguments() {
    let bin = env!("CARGO_BIN_EXE_gandi-skill");
    for flag in ["--help", "--version"] {
        let out = Command::new(bin)
            .arg(flag)
            .env_clear()
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("gandi-skill"));
        assert!(out.stderr.is_empty());
    }
    let out = Command::new(bin)
        .args(["{\"action\":", "\"describe\"}"])
        .env_clear()
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let reply: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(reply["error"]["code"], "request.invalid_json");
    crate::support::validate_reply(&reply);
}

#[test]
fn describe_lists_every_action_with_class_and_params() {
    let run = Skill::new(None).run(r#"{"action":"describe"}"#);
    let result = run.assert_ok();
    let actions = result["actions"].as_array().expect("actions");
    let find = |n: &str| {
        actions
            .iter()
            .find(|a| a["name"] == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    assert_eq!(find("domains.list")["class"], "read");
    assert_eq!(
        find("domains.list")["permission"],
        "Domain management (read)"
    );
    assert!(find("domains.get")["params"]["required"]
        .as_array()
        .unwrap()
        .contains(&"domain".into()));
    for a in actions {
        assert!(!a["summary"].as_str().unwrap().is_empty());
    }
}
