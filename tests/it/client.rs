//! The Gandi client as the user meets it: whole lists across pages, the
//! sharing_id query, retries only where safe, every odd answer mapped to a
//! clear error, and auth failures explained.

use crate::fake::{FakeGandi, Fault, FaultKind, State, TOKEN_EXPIRED, TOKEN_FULL, TOKEN_READONLY};
use crate::support::Skill;

const LIST: &str = r#"{"action":"domains.list"}"#;

#[test]
fn a_thousand_domains_come_back_in_one_reply() {
    let mut state = State::seeded();
    let seeded = state.domains.len();
    state.add_domains(1000);
    let fake = FakeGandi::start_with(state);
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    let r = run.assert_ok();
    let domains = r["domains"].as_array().expect("domains");
    assert_eq!(domains.len(), 1000 + seeded);
    assert_eq!(run.reply["meta"]["total_count"], (1000 + seeded) as u64);
    let mut names: Vec<&str> = domains
        .iter()
        .map(|d| d["fqdn"].as_str().unwrap())
        .collect();
    names.dedup();
    assert_eq!(names.len(), 1000 + seeded, "no page was read twice");
    let reqs = fake.requests();
    assert_eq!(run.reply["meta"]["pages_fetched"], reqs.len() as u64);
    assert!(reqs.len() >= 10, "several pages: {}", reqs.len());
    assert!(reqs
        .iter()
        .all(|r| r.method == "GET" && r.path == "/v5/domain/domains"));
    let agent = format!("gandi-skill/{}", env!("CARGO_PKG_VERSION"));
    for r in &reqs {
        assert_eq!(r.header("user-agent"), Some(agent.as_str()));
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN_FULL}").as_str())
        );
    }
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(
            r.query_value("page"),
            Some((i + 1).to_string().as_str()),
            "{:?}",
            r.query
        );
        assert_eq!(r.query_value("per_page"), Some("100"));
    }
    let d = &domains[0];
    // An ASCII name's Unicode form would only repeat it: left out.
    assert!(d.get("fqdn_unicode").is_none(), "{d}");
    for field in [
        "fqdn",
        "status",
        "expires_at",
        "days_left",
        "autorenew",
        "nameserver",
        "tags",
    ] {
        assert!(d.get(field).is_some(), "{field} missing in {d}");
    }
}

#[test]
fn one_page_when_asked_and_sharing_id_merged_into_every_query() {
    let mut state = State::seeded();
    state.add_domains(250);
    let fake = FakeGandi::start_with(state);
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.run(r#"{"action":"domains.list","page":2,"per_page":50}"#);
    assert_eq!(run.assert_ok()["domains"].as_array().unwrap().len(), 50);
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.requests()[0].query_value("page"), Some("2"));
    fake.clear_requests();
    let org = fake.with_state(|s| s.personal_org_id());
    let run = skill.run(&format!(
        r#"{{"action":"domains.list","sharing_id":"{org}"}}"#
    ));
    run.assert_ok();
    let reqs = fake.requests();
    assert!(reqs.len() > 1);
    for r in &reqs {
        let ids: Vec<&(String, String)> =
            r.query.iter().filter(|(k, _)| k == "sharing_id").collect();
        assert_eq!(ids.len(), 1, "sharing_id exactly once: {:?}", r.query);
        assert_eq!(ids[0].1, org);
        assert!(
            !r.query
                .iter()
                .any(|(k, v)| k.contains('?') || v.contains('?')),
            "{:?}",
            r.query
        );
    }
}

#[test]
fn short_pages_are_followed_while_total_count_says_more() {
    let mut state = State::seeded();
    state.add_domains(250);
    let all = state.domains.len();
    let fake = FakeGandi::start_with(state);
    // Gandi serves 50 per page (not the 100 asked for) and sends no Link.
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        100,
        FaultKind::CapPerPage { max: 50 },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    let r = run.assert_ok();
    let mut names: Vec<&str> = r["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .filter_map(|d| d["fqdn"].as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all, "every domain, none twice");
    assert_eq!(run.reply["meta"]["total_count"], all as u64);
    let pages: Vec<String> = fake
        .requests()
        .iter()
        .filter_map(|r| r.query_value("page").map(str::to_string))
        .collect();
    let expected: Vec<String> = (1..=all.div_ceil(50)).map(|p| p.to_string()).collect();
    assert_eq!(pages, expected, "each page once, in order");
}

#[test]
fn a_list_whose_pages_repeat_stops_with_an_error_instead_of_looping() {
    let mut state = State::seeded();
    state.add_domains(250);
    let fake = FakeGandi::start_with(state);
    // From the second request on, every page comes back as the first one.
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        100,
        FaultKind::IgnorePage,
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    let err = run.assert_error("api.unexpected_response", 1);
    assert!(
        err["message"].as_str().unwrap_or("").contains("same page"),
        "{err}"
    );
    assert!(
        err["hint"].as_str().unwrap_or("").contains("per_page"),
        "{err}"
    );
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "stopped at the first repeat: {reqs:?}");
    assert_eq!(reqs[1].query_value("page"), Some("2"));
}

#[test]
fn the_sharing_id_stays_when_gandis_next_link_drops_it() {
    let mut state = State::seeded();
    state.add_domains(250);
    let fake = FakeGandi::start_with(state);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        100,
        FaultKind::LinkWithoutSharingId,
    ));
    let org = fake.with_state(|s| s.personal_org_id());
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(&format!(
        r#"{{"action":"domains.list","sharing_id":"{org}"}}"#
    ));
    run.assert_ok();
    let reqs = fake.requests();
    assert!(reqs.len() >= 3, "several pages: {}", reqs.len());
    for r in &reqs {
        assert_eq!(
            r.query_value("sharing_id"),
            Some(org.as_str()),
            "{:?}",
            r.query
        );
    }
}

#[test]
fn a_get_after_429_with_retry_after_succeeds_on_the_second_try() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
    ));
    let started = std::time::Instant::now();
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    run.assert_ok();
    assert_eq!(fake.requests().len(), 2);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "Retry-After was honoured"
    );
}

#[test]
fn retry_after_as_an_http_date_and_gateway_errors_are_retried() {
    let fake = FakeGandi::start();
    let date =
        httpdate::fmt_http_date(std::time::SystemTime::now() + std::time::Duration::from_secs(1));
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::Status {
            status: 429,
            retry_after: Some(date),
        },
    ));
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
    ));
    Skill::with_env_token(&fake, TOKEN_FULL)
        .run(LIST)
        .assert_ok();
    assert_eq!(fake.requests().len(), 3);
}

#[test]
fn retries_stop_after_three_tries() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        5,
        FaultKind::Status {
            status: 502,
            retry_after: None,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    let err = run.assert_error("api.server_error", 1);
    assert_eq!(err["http_status"], 502);
    assert_eq!(fake.requests().len(), 3);
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        5,
        FaultKind::Status {
            status: 429,
            retry_after: None,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    run.assert_error("api.rate_limited", 1);
    assert_eq!(fake.requests().len(), 3);
}

#[test]
fn a_500_is_not_retried() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::Status {
            status: 500,
            retry_after: None,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    run.assert_error("api.server_error", 1);
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn odd_bodies_are_unexpected_responses_with_an_excerpt() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::HtmlBody { status: 200 },
    ));
    let run = skill.run(LIST);
    let err = run.assert_error("api.unexpected_response", 1);
    assert!(
        err["details"]["excerpt"].as_str().unwrap().contains("<"),
        "{err}"
    );
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::HtmlBody { status: 400 },
    ));
    let err = skill
        .run(LIST)
        .assert_error("api.unexpected_response", 1)
        .clone();
    assert_eq!(err["http_status"], 400);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::TruncatedJson,
    ));
    let run = skill.run(LIST);
    let err = run.assert_error("api.unexpected_response", 1);
    assert!(
        err["message"].as_str().unwrap().contains("not valid JSON"),
        "{err}"
    );
}

#[test]
fn an_error_status_without_a_body_keeps_its_meaning() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    for (status, code) in [
        (404, "api.not_found"),
        (409, "api.conflict"),
        (400, "api.rejected"),
    ] {
        fake.inject(Fault::on(
            "GET",
            "/v5/domain/domains/example.com",
            1,
            FaultKind::EmptyBody { status },
        ));
        let run = skill.run(r#"{"action":"domains.get","domain":"example.com"}"#);
        let err = run.assert_error(code, 1);
        assert_eq!(err["http_status"], status);
    }
    // After a 404 the other organizations are asked once each (with their
    // sharing_id); the request itself is never retried.
    let asked = fake
        .requests()
        .iter()
        .filter(|r| {
            r.path == "/v5/domain/domains/example.com" && r.query_value("sharing_id").is_none()
        })
        .count();
    assert_eq!(asked, 3, "no retry of a client error");
}

#[test]
fn a_server_that_does_not_speak_tls_is_a_tls_error() {
    use std::io::{Read, Write};
    // Plain HTTP where HTTPS is expected: what a captive portal or a
    // misconfigured proxy gives.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(3) {
            let mut stream = stream;
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let run = Skill::new(None)
        .env("GANDI_API_URL", &format!("https://127.0.0.1:{port}"))
        .env("GANDI_API_TOKEN", TOKEN_FULL)
        .secret(TOKEN_FULL)
        .run(r#"{"action":"account.whoami"}"#);
    let err = run.assert_error("network.tls", 5);
    assert!(
        err["message"].as_str().unwrap_or("").contains("TLS"),
        "{err}"
    );
}

#[test]
fn a_stall_past_the_timeout_is_a_network_timeout() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "GET",
        "/v5/organization/user-info",
        5,
        FaultKind::Stall { millis: 2500 },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL)
        .env("GANDI_TIMEOUT_SECS", "1")
        .run(r#"{"action":"account.whoami"}"#);
    run.assert_error("network.timeout", 5);
    assert_eq!(
        fake.requests().len(),
        3,
        "a GET that timed out is tried three times"
    );
}

#[test]
fn a_dropped_connection_is_retried_for_reads() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "GET",
        "/v5/organization/user-info",
        1,
        FaultKind::DropConnection,
    ));
    Skill::with_env_token(&fake, TOKEN_FULL)
        .run(r#"{"action":"account.whoami"}"#)
        .assert_ok();
    assert_eq!(fake.requests().len(), 2);
    fake.clear_requests();
    fake.inject(Fault::on(
        "GET",
        "/v5/organization/user-info",
        3,
        FaultKind::DropConnection,
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(r#"{"action":"account.whoami"}"#);
    run.assert_error("network.unreachable", 5);
    assert_eq!(fake.requests().len(), 3);
}

#[test]
fn nothing_listening_is_network_unreachable() {
    let run = Skill::new(None)
        .env("GANDI_API_TOKEN", TOKEN_FULL)
        .secret(TOKEN_FULL)
        .run(LIST);
    run.assert_error("network.unreachable", 5);
}

#[test]
fn auth_failures_explain_source_scheme_permission_and_fix() {
    let fake = FakeGandi::start();
    let run = Skill::with_env_token(&fake, TOKEN_EXPIRED).run(LIST);
    let err = run.assert_error("auth.forbidden", 4);
    assert_eq!(err["http_status"], 403);
    let hint = err["hint"].as_str().unwrap();
    for part in [
        "env:GANDI_API_TOKEN",
        "Bearer",
        "Domain management (read)",
        "production",
        "admin.gandi.net",
        "scripts/setup_token.sh",
        "token.renew",
    ] {
        assert!(hint.contains(part), "hint lacks {part}: {hint}");
    }
    let skill =
        Skill::new(Some(&fake)).token_file("sandbox/profiles/ro/api_token", TOKEN_READONLY, 0o600);
    let run = skill.run(
        r#"{"action":"dns.snapshots.create","domain":"example.com","sandbox":true,"profile":"ro"}"#,
    );
    let err = run.assert_error("auth.forbidden", 4);
    let hint = err["hint"].as_str().unwrap();
    for part in [
        "SANDBOX",
        "admin.sandbox.gandi.net",
        "--profile ro --sandbox",
        "DNS management (write)",
        "sandbox/profiles/ro/api_token",
    ] {
        assert!(hint.contains(part), "hint lacks {part}: {hint}");
    }
}

#[test]
fn debug_logs_go_to_stderr_without_the_secret() {
    let fake = FakeGandi::start();
    let run = Skill::with_env_token(&fake, TOKEN_FULL)
        .env("GANDI_SKILL_DEBUG", "1")
        .run(LIST);
    run.assert_ok();
    assert!(
        run.stderr.contains("GET /v5/domain/domains"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(TOKEN_FULL));
    // Only exactly `1` turns it on (the runner checks stderr stays empty).
    for other in ["yes", "true", "0"] {
        let run = Skill::with_env_token(&fake, TOKEN_FULL)
            .env("GANDI_SKILL_DEBUG", other)
            .run(LIST);
        run.assert_ok();
        assert_eq!(run.stderr, "", "GANDI_SKILL_DEBUG={other}");
    }
}

#[test]
fn gandi_validation_errors_are_kept_in_details() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "PUT",
        "/v5/livedns/domains/example.com/records",
        1,
        FaultKind::ValidationError {
            name: "items".into(),
            description: "'toto': must be an IP address".into(),
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).confirm(
        r#"{"action":"dns.records.set","snapshot":false,"domain":"example.com","name":"@","type":"A","values":["192.0.2.9"]}"#,
    );
    let err = run.assert_error("api.rejected", 1);
    assert_eq!(err["http_status"], 400);
    assert_eq!(err["details"]["errors"][0]["name"], "items");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("must be an IP address"),
        "{err}"
    );
    assert_eq!(
        fake.requests().iter().filter(|r| r.method == "PUT").count(),
        1
    );
}
