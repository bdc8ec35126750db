//! Hardening of the shared client (issue 7): strict base URLs.

use crate::fake::{FakeGandi, TOKEN_FULL};
use crate::support::Skill;

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
