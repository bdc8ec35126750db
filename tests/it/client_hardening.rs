//! Hardening of the shared client (issue 7): proxies only for https and never
//! with the token in clear, quotes of answers cut after redaction, strict
//! base URLs, network failures as sentences, and no introspection at the
//! real id host for another API host. `FakeProxy` records what a proxy would
//! see (the canary uses it too).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;

use crate::fake::{FakeGandi, Fault, FaultKind, TOKEN_FULL};
use crate::support::{Run, Skill};

const LIST: &str = r#"{"action":"domains.list"}"#;
const WHOAMI: &str = r#"{"action":"account.whoami"}"#;

/// Every variable a proxy could be named in, http ones included.
pub const PROXY_VARS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A host that never resolves (RFC 6761).
const NOWHERE: &str = "gandi-skill-test.invalid";

/// A proxy that records every byte it receives, one entry per connection.
/// A CONNECT is answered 200, and what comes through the tunnel (a TLS
/// ClientHello) is answered with plain HTTP, so the TLS handshake fails.
pub struct FakeProxy {
    pub url: String,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl FakeProxy {
    pub fn start() -> FakeProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve_proxy(stream, &log));
            }
        });
        FakeProxy { url, seen }
    }

    /// What each connection sent, as text (lossy).
    pub fn connections(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    /// Whether any byte sequence the proxy received holds `needle`.
    pub fn saw(&self, needle: &str) -> bool {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
    }
}

fn serve_proxy(mut stream: TcpStream, log: &Mutex<Vec<Vec<u8>>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let index = {
        let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
        log.push(Vec::new());
        log.len() - 1
    };
    let record = |bytes: &[u8]| {
        log.lock().unwrap_or_else(PoisonError::into_inner)[index].extend_from_slice(bytes);
    };
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                head.extend_from_slice(&buf[..n]);
                record(&buf[..n]);
            }
        }
    }
    if !head.starts_with(b"CONNECT ") {
        // A plain request handed to the proxy: the token would be in it.
        let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    // Whatever comes through the tunnel is recorded too, then answered with
    // something that is not TLS.
    if let Ok(n) = stream.read(&mut buf) {
        record(&buf[..n]);
    }
    let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    // Open until the client gives up, so that it reads the answer (a close
    // with bytes unread would reset the connection instead).
    while let Ok(n @ 1..) = stream.read(&mut buf) {
        record(&buf[..n]);
    }
}

/// A skill on the fake with every proxy variable pointing at `proxy`.
pub fn behind_proxy(fake: &FakeGandi, token: &str, proxy: &FakeProxy) -> Skill {
    PROXY_VARS
        .iter()
        .fold(Skill::with_env_token(fake, token), |skill, var| {
            skill.env(var, &proxy.url)
        })
}

/// A skill whose API and id hosts are Gandi's own, over https.
fn real_hosts(token: &str) -> Skill {
    Skill::new(None)
        .env("GANDI_API_URL", "https://api.gandi.net")
        .env("GANDI_ID_URL", "https://id.gandi.net")
        .env("GANDI_API_TOKEN", token)
        .secret(token)
}

#[test]
fn a_plain_http_run_never_goes_through_a_proxy_whatever_the_variables_say() {
    let fake = FakeGandi::start();
    let proxy = FakeProxy::start();
    let skill = behind_proxy(&fake, TOKEN_FULL, &proxy);
    let runs = [
        skill.run(LIST),
        skill.run(r#"{"action":"token.check"}"#),
        skill.run(r#"{"action":"dns.records.add","domain":"example.com","name":"p","type":"A","values":["192.0.2.7"]}"#),
    ];
    assert!(
        !proxy.saw(TOKEN_FULL),
        "the token went through the proxy: {:?}",
        proxy.connections()
    );
    assert_eq!(
        proxy.connections(),
        Vec::<String>::new(),
        "the proxy was reached"
    );
    for run in &runs {
        run.assert_ok();
    }
    // Gandi (the fake) got every request directly, with the token.
    let reqs = fake.requests();
    assert!(reqs.len() >= 3, "{reqs:?}");
    for r in &reqs {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN_FULL}").as_str())
        );
    }
    // A proxy variable that could not be used at all does not matter either.
    let socks = Skill::with_env_token(&fake, TOKEN_FULL).env("ALL_PROXY", "socks5://127.0.0.1:1");
    socks.run(LIST).assert_ok();
}

#[test]
fn an_https_request_is_tunnelled_with_connect_and_the_token_never_reaches_the_proxy() {
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        let proxy = FakeProxy::start();
        let run = real_hosts(TOKEN_FULL).env(var, &proxy.url).run(WHOAMI);
        // The fake proxy does not speak TLS: the handshake fails.
        let err = run.assert_error("network.tls", 5);
        let message = err["message"].as_str().unwrap_or("");
        let address = proxy.url.trim_start_matches("http://");
        assert!(
            message.contains(&format!("through the proxy at {address} (from {var})")),
            "{message}"
        );
        let seen = proxy.connections();
        assert!(!seen.is_empty(), "{var}: the proxy was not used");
        for connection in &seen {
            let (head, _) = connection.split_once("\r\n\r\n").expect("a whole head");
            assert!(
                head.starts_with("CONNECT api.gandi.net:443 HTTP/1.1\r\n"),
                "{var}: {head}"
            );
            assert!(
                !head.to_ascii_lowercase().contains("authorization"),
                "{var}: {head}"
            );
        }
        assert!(!proxy.saw(TOKEN_FULL), "{var}: the token reached the proxy");
        assert!(
            !proxy.saw(&TOKEN_FULL[..12]),
            "{var}: part of the token reached the proxy"
        );
    }
}

#[test]
fn http_proxy_is_not_used_for_https_and_no_proxy_exempts_a_host() {
    let url = format!("https://api.{NOWHERE}");
    let direct = |skill: Skill, proxy: &FakeProxy, why: &str| {
        let run = skill.env("GANDI_API_URL", &url).run(WHOAMI);
        let err = run.assert_error("network.unreachable", 5);
        assert!(
            err["message"]
                .as_str()
                .unwrap_or("")
                .ends_with(&format!("the name api.{NOWHERE} could not be resolved")),
            "{why}: {err}"
        );
        assert_eq!(proxy.connections(), Vec::<String>::new(), "{why}");
    };
    let proxy = FakeProxy::start();
    direct(
        real_hosts(TOKEN_FULL)
            .env("HTTP_PROXY", &proxy.url)
            .env("http_proxy", &proxy.url),
        &proxy,
        "HTTP_PROXY is for plain http",
    );
    for (var, value) in [
        ("NO_PROXY", NOWHERE.to_string()),
        ("no_proxy", format!(".{NOWHERE}")),
        ("NO_PROXY", "localhost, *".to_string()),
    ] {
        direct(
            real_hosts(TOKEN_FULL)
                .env("HTTPS_PROXY", &proxy.url)
                .env(var, &value),
            &proxy,
            &format!("{var}={value}"),
        );
    }
    // Another host in NO_PROXY: the request goes through the proxy.
    let run = real_hosts(TOKEN_FULL)
        .env("GANDI_API_URL", &url)
        .env("HTTPS_PROXY", &proxy.url)
        .env("NO_PROXY", "gandi.net")
        .run(WHOAMI);
    run.assert_error("network.tls", 5);
    assert!(
        proxy.connections()[0].starts_with(&format!("CONNECT api.{NOWHERE}:443 ")),
        "{:?}",
        proxy.connections()
    );
}

#[test]
fn a_proxy_variable_that_cannot_be_used_is_config_invalid_naming_it() {
    const PROXY_PASSWORD: &str = "proxy-pw-5d1c9e";
    for (var, value) in [
        (
            "ALL_PROXY",
            format!("socks5://user:{PROXY_PASSWORD}@127.0.0.1:1080"),
        ),
        (
            "https_proxy",
            format!("http://user:{PROXY_PASSWORD}@[broken"),
        ),
    ] {
        let run = real_hosts(TOKEN_FULL)
            .env(var, &value)
            .secret(PROXY_PASSWORD)
            .run(WHOAMI);
        let err = run.assert_error("config.invalid", 4);
        assert_eq!(err["details"]["variable"], var, "{err}");
        assert!(
            err["message"].as_str().unwrap_or("").starts_with(var),
            "{err}"
        );
    }
}

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

/// A server that takes each connection, lets the request arrive, and closes
/// without reading it: the kernel answers the client with a reset.
fn resetting_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut peek = [0u8; 1];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = stream.peek(&mut peek);
            std::thread::sleep(Duration::from_millis(100));
            drop(stream);
        }
    });
    url
}

#[test]
fn network_failures_read_as_sentences() {
    let rust_names = |message: &str| {
        [
            "Refused",
            "Uncategorized",
            "NotFound",
            "Reset",
            "Io(",
            "Error",
        ]
        .iter()
        .any(|n| message.contains(n))
    };
    let message_of = |skill: Skill| {
        let run = skill
            .env("GANDI_API_TOKEN", TOKEN_FULL)
            .secret(TOKEN_FULL)
            .run(WHOAMI);
        let err = run.assert_error("network.unreachable", 5);
        err["message"].as_str().unwrap_or("").to_string()
    };
    // Nothing listens on port 9 of loopback.
    let refused = message_of(Skill::new(None));
    assert_eq!(
        refused,
        "cannot reach Gandi at http://127.0.0.1:9: the connection was refused: nothing listens at 127.0.0.1:9"
    );
    let unresolved =
        message_of(Skill::new(None).env("GANDI_API_URL", &format!("https://api.{NOWHERE}")));
    assert_eq!(
        unresolved,
        format!("cannot reach Gandi at https://api.{NOWHERE}: the name api.{NOWHERE} could not be resolved")
    );
    let url = resetting_server();
    let reset = message_of(Skill::new(None).env("GANDI_API_URL", &url));
    assert_eq!(
        reset,
        format!("cannot reach Gandi at {url}: the connection was reset")
    );
    // Through a proxy whose name does not resolve: the proxy is named.
    let proxied = message_of(
        Skill::new(None)
            .env("GANDI_API_URL", "https://api.gandi.net")
            .env("HTTPS_PROXY", &format!("http://proxy.{NOWHERE}:3128")),
    );
    assert_eq!(
        proxied,
        format!("cannot reach Gandi at https://api.gandi.net through the proxy at proxy.{NOWHERE}:3128 (from HTTPS_PROXY): the name proxy.{NOWHERE} could not be resolved")
    );
    // A proxy nobody runs, and one that refuses to open the tunnel.
    let no_proxy = message_of(
        Skill::new(None)
            .env("GANDI_API_URL", "https://api.gandi.net")
            .env("https_proxy", "http://127.0.0.1:9"),
    );
    assert_eq!(
        no_proxy,
        "cannot reach Gandi at https://api.gandi.net through the proxy at 127.0.0.1:9 (from https_proxy): the connection was refused: nothing listens at 127.0.0.1:9"
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("addr").to_string();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            // The whole CONNECT head first, and the connection left open
            // until the client closes it: the 407 is all it can see.
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let (mut head, mut buf) = (Vec::new(), [0u8; 4096]);
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
            );
            while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
        }
    });
    let refusing = message_of(
        Skill::new(None)
            .env("GANDI_API_URL", "https://api.gandi.net")
            .env("HTTPS_PROXY", &format!("http://{address}")),
    );
    assert_eq!(
        refusing,
        format!("cannot reach Gandi at https://api.gandi.net through the proxy at {address} (from HTTPS_PROXY): the proxy did not open a tunnel to api.gandi.net:443: it answered 407 Proxy Authentication Required")
    );
    for m in [
        &refused,
        &unresolved,
        &reset,
        &proxied,
        &no_proxy,
        &refusing,
    ] {
        assert!(!rust_names(m), "{m}");
    }
}

#[test]
fn token_check_never_sends_the_token_to_the_real_id_host_for_another_api_host() {
    let fake = FakeGandi::start();
    let proxy = FakeProxy::start();
    // Only GANDI_API_URL is overridden (an empty GANDI_ID_URL is unset). An
    // https proxy is set, so a request to id.gandi.net would show there.
    let run = Skill::with_env_token(&fake, TOKEN_FULL)
        .env("GANDI_ID_URL", "")
        .env("HTTPS_PROXY", &proxy.url)
        .run(r#"{"action":"token.check"}"#);
    assert_eq!(
        proxy.connections(),
        Vec::<String>::new(),
        "id.gandi.net was asked"
    );
    let result = run.assert_ok();
    assert_eq!(result["token"], Value::Null, "{}", run.stdout);
    let warnings = run.reply["warnings"].to_string();
    assert!(
        warnings.contains("token introspection was skipped"),
        "{warnings}"
    );
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/v5/organization/user-info"]);
}
