//! Hardening of the shared client (issue 7): quotes of answers cut after
//! redaction, and strict base URLs.

use crate::fake::{FakeGandi, Fault, FaultKind, TOKEN_FULL};
use crate::support::{Run, Skill};

const LIST: &str = r#"{"action":"domains.list"}"#;

/// The pieces of `secret` of `n` characters: none may show anywhere.
fn shows_a_piece_of(text: &str, secret: &str, n: usize) -> Option<String> {
    (0..=secret.len() - n)
        .map(|i| &secret[i..i + n])
        .find(|piece| text.contains(piece))
        .map(str::to_string)
}

#[track_caller]
fn no_piece_of_the_token(run: &Run) {
    let found = shows_a_piece_of(&run.stdout, TOKEN_FULL, 6);
    assert_eq!(found, None, "a piece of the token shows: {}", run.stdout);
}

#[test]
fn a_token_echoed_across_the_cut_of_a_quote_never_shows_in_part() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    // The quote of a body keeps 200 characters: the token starts before the
    // cut and ends after it, or starts right at it.
    for at in [190, 175, 199, 200, 160] {
        for (status, code) in [
            (200, "api.unexpected_response"),
            (400, "api.unexpected_response"),
            (502, "api.server_error"),
        ] {
            fake.inject(Fault::on(
                "GET",
                "/v5/domain/domains",
                3,
                FaultKind::EchoAuthorizationAt { status, at },
            ));
            let run = skill.run(LIST);
            fake.clear_faults();
            let err = run.assert_error(code, 1);
            no_piece_of_the_token(&run);
            let excerpt = err["details"]["excerpt"].as_str().unwrap_or("");
            assert!(
                excerpt.starts_with("<html><body><p>bad header: xxx"),
                "{err}"
            );
            if at <= 190 {
                assert!(excerpt.contains("[redacted]"), "at {at}: {excerpt}");
            }
            // Redacted, the body is 30 characters past `at`: it is cut
            // from 171 on.
            assert_eq!(excerpt.ends_with('…'), at > 170, "at {at}: {excerpt}");
        }
    }
}

#[test]
fn a_token_pasted_into_a_long_action_name_never_shows_in_part() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    // The echo of an unknown action keeps 100 characters.
    for at in [70, 85, 99] {
        let action = format!("{}{TOKEN_FULL}", "x".repeat(at));
        let run = skill.run(&serde_json::json!({ "action": action }).to_string());
        run.assert_error("request.unknown_action", 2);
        no_piece_of_the_token(&run);
        assert!(
            run.reply["action"]
                .as_str()
                .unwrap_or("")
                .starts_with(&"x".repeat(at)),
            "{}",
            run.stdout
        );
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn a_malformed_base_url_is_config_invalid_naming_the_variable_before_any_request() {
    let fake = FakeGandi::start();
    let port = fake.url().rsplit(':').next().unwrap_or("").to_string();
    for var in ["GANDI_API_URL", "GANDI_ID_URL"] {
        for bad in [
            format!("http://[::1]evil.com:{port}"),
            "http://[::1].evil.com".to_string(),
            format!("http://127.0.0.1:{port};evil.com"),
            "http://127.0.0.1:99999".to_string(),
            "http://127.0.0.1:abc".to_string(),
            "http://127.0.0.1:".to_string(),
            "abc".to_string(),
            format!("http://127.0.0.1:{port}\\"),
            "https://a\\b".to_string(),
        ] {
            let run = Skill::with_env_token(&fake, TOKEN_FULL)
                .env(var, &bad)
                .run(r#"{"action":"token.check"}"#);
            let err = run.assert_error("config.invalid", 4);
            assert_eq!(err["details"]["variable"], var, "{bad}: {err}");
            assert!(
                err["message"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with(&format!("{var}=")),
                "{bad}: {err}"
            );
        }
    }
    assert_eq!(fake.requests().len(), 0, "nothing may be sent");
}
