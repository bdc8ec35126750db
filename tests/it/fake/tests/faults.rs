//! Tests: each fault kind, matching by method and prefix, `times`, and that faulted requests are still logged.

use std::time::{Duration, Instant};

use super::{bearer, build, exchange, get};
use crate::fake::{FakeGandi, Fault, FaultKind, TOKEN_FULL};

const PATH: &str = "/v5/livedns/domains/example.com/records";

#[test]
fn status_fault_sends_standard_body_and_retry_after_then_expires() {
    let fake = FakeGandi::start();
    fake.inject(Fault::new(
        "/v5/livedns",
        2,
        FaultKind::Status {
            status: 429,
            retry_after: Some("2".into()),
        },
    ));
    for _ in 0..2 {
        let r = get(&fake, PATH);
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("2"));
        assert_eq!(
            r.header("content-type"),
            Some("application/json; charset=UTF-8")
        );
        let v = r.json();
        assert_eq!(v["code"], 429);
        assert_eq!(v["object"], "HTTPTooManyRequests");
        assert_eq!(v["cause"], "Too Many Requests");
    }
    assert_eq!(get(&fake, PATH).status, 200);
    assert_eq!(fake.requests().len(), 3);

    for (status, object) in [
        (500, "HTTPInternalServerError"),
        (502, "HTTPBadGateway"),
        (503, "HTTPServiceUnavailable"),
    ] {
        fake.inject(Fault::new(
            PATH,
            1,
            FaultKind::Status {
                status,
                retry_after: None,
            },
        ));
        let r = get(&fake, PATH);
        assert_eq!(r.status, status);
        assert_eq!(r.json()["object"], object);
        assert_eq!(r.header("retry-after"), None);
    }
}

#[test]
fn faults_match_on_method_and_prefix_in_queue_order() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "PUT",
        PATH,
        1,
        FaultKind::Status {
            status: 500,
            retry_after: None,
        },
    ));
    fake.inject(Fault::new(
        "/v5/domain",
        1,
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
    ));
    fake.inject(Fault::new(
        "/v5/",
        1,
        FaultKind::Status {
            status: 502,
            retry_after: None,
        },
    ));
    // GET on PATH skips the PUT-only fault and takes the catch-all one.
    assert_eq!(get(&fake, PATH).status, 502);
    assert_eq!(get(&fake, PATH).status, 200);
    assert_eq!(get(&fake, "/v5/domain/domains").status, 503);
    let raw = build(
        "PUT",
        &format!("{PATH}/x/A"),
        Some(&bearer(TOKEN_FULL)),
        &[],
        Some(r#"{"rrset_values":["192.0.2.1"]}"#),
    );
    assert_eq!(exchange(&fake.url(), &raw).unwrap().status, 500);
    // The faulted PUT changed nothing.
    assert!(fake.with_state(|s| s.zones["example.com"].find("x", "A").is_none()));
    assert_eq!(exchange(&fake.url(), &raw).unwrap().status, 201);
}

#[test]
fn html_fault_is_a_text_html_page() {
    let fake = FakeGandi::start();
    fake.inject(Fault::new(PATH, 1, FaultKind::HtmlBody { status: 502 }));
    let r = get(&fake, PATH);
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(r.body.contains("<title>502 Bad Gateway</title>"));
    assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_err());
}

#[test]
fn truncated_json_is_complete_http_with_broken_json() {
    let fake = FakeGandi::start();
    fake.inject(Fault::new(PATH, 1, FaultKind::TruncatedJson));
    let r = get(&fake, PATH);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let len: usize = r.header("content-length").unwrap().parse().unwrap();
    assert_eq!(len, r.body.len());
    assert!(len > 10);
    assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_err());
}

#[test]
fn stall_delays_one_request_without_blocking_others() {
    let fake = FakeGandi::start();
    fake.inject(Fault::new(PATH, 1, FaultKind::Stall { millis: 1500 }));
    let url = fake.url();
    let started = Instant::now();
    let slow = std::thread::spawn(move || {
        let raw = build("GET", PATH, Some(&bearer(TOKEN_FULL)), &[], None);
        let r = exchange(&url, &raw).unwrap();
        (r.status, started.elapsed())
    });
    // Wait until the stalled request is in, then another one must be quick.
    while fake.requests().is_empty() {
        std::thread::sleep(Duration::from_millis(5));
    }
    let t = Instant::now();
    assert_eq!(get(&fake, "/v5/domain/domains").status, 200);
    assert!(
        t.elapsed() < Duration::from_millis(1000),
        "{:?}",
        t.elapsed()
    );
    let (status, elapsed) = slow.join().unwrap();
    assert_eq!(status, 200);
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
}

#[test]
fn stall_longer_than_the_client_timeout_times_out() {
    let fake = FakeGandi::start();
    fake.inject(Fault::new(PATH, 1, FaultKind::Stall { millis: 5_000 }));
    let addr = fake.url().trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    use std::io::{Read, Write};
    s.write_all(&build("GET", PATH, Some(&bearer(TOKEN_FULL)), &[], None))
        .unwrap();
    let mut buf = [0u8; 16];
    let err = s.read(&mut buf).unwrap_err();
    assert!(matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    // Dropping the fake now must not wait for the whole stall.
    let t = Instant::now();
    drop(fake);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn drop_connection_closes_without_a_response_but_logs_the_request() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on("POST", PATH, 1, FaultKind::DropConnection));
    let raw = build(
        "POST",
        PATH,
        Some(&bearer(TOKEN_FULL)),
        &[],
        Some(r#"{"rrset_name":"d","rrset_type":"A","rrset_values":["192.0.2.1"]}"#),
    );
    // Keep-alive request: the server must still close the socket.
    let raw = String::from_utf8(raw)
        .unwrap()
        .replace("Connection: close\r\n", "");
    let err = exchange(&fake.url(), raw.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
    let log = fake.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].json()["rrset_name"], "d");
    assert!(fake.with_state(|s| s.zones["example.com"].find("d", "A").is_none()));
    // The next one goes through.
    assert_eq!(exchange(&fake.url(), raw.as_bytes()).unwrap().status, 201);
}
