//! Unit tests of the fake, driven over real sockets by a tiny raw HTTP/1.1 client.

mod auth_org;
mod domain_orders;
mod domain_settings;
mod domains;
mod faults;
mod leniency;
mod pagination;
mod records;
mod replay;
mod snapshots_zonefile;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::fake::FakeGandi;

/// A parsed answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    /// Names as sent by the server.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// Writes `raw` (a full request) on a new connection and reads one answer.
pub fn exchange(url: &str, raw: &[u8]) -> std::io::Result<Resp> {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(raw)?;
    read_response(&mut BufReader::new(stream))
}

/// Reads one response (Content-Length framed, or no body for 204).
pub fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<Resp> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed without a response",
        ));
    }
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        r.read_line(&mut l)?;
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse::<usize>().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok(Resp {
        status,
        headers,
        body: String::from_utf8(body).unwrap(),
    })
}

/// Builds a request with `Host`, `Authorization` (when a token is given) and
/// a JSON body when given.
pub fn build(
    method: &str,
    target: &str,
    auth: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Vec<u8> {
    let mut s =
        format!("{method} {target} HTTP/1.1\r\nHost: api.gandi.test\r\nConnection: close\r\n");
    if let Some(a) = auth {
        s.push_str(&format!("Authorization: {a}\r\n"));
    }
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            s.push_str("Content-Type: application/json\r\n");
        }
        s.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    s.push_str("\r\n");
    if let Some(b) = body {
        s.push_str(b);
    }
    s.into_bytes()
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A request with the full-rights token.
pub fn call(fake: &FakeGandi, method: &str, target: &str, body: Option<&str>) -> Resp {
    call_as(fake, crate::fake::TOKEN_FULL, method, target, body)
}

pub fn call_as(
    fake: &FakeGandi,
    token: &str,
    method: &str,
    target: &str,
    body: Option<&str>,
) -> Resp {
    let raw = build(method, target, Some(&bearer(token)), &[], body);
    exchange(&fake.url(), &raw).unwrap()
}

pub fn get(fake: &FakeGandi, target: &str) -> Resp {
    call(fake, "GET", target, None)
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let fake = FakeGandi::start();
    let addr = fake.url().trim_start_matches("http://").to_string();
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    for _ in 0..3 {
        let req = format!(
            "GET /v5/livedns/domains/example.com HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\r\n",
            crate::fake::TOKEN_FULL
        );
        writer.write_all(req.as_bytes()).unwrap();
        let resp = read_response(&mut reader).unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.header("connection"), Some("keep-alive"));
    }
    assert_eq!(fake.requests().len(), 3);
}

#[test]
fn chunked_request_bodies_are_read() {
    let fake = FakeGandi::start();
    let body = r#"{"rrset_values": ["192.0.2.9"]}"#;
    let raw = format!(
        "PUT /v5/livedns/domains/example.com/records/chunk/A HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        crate::fake::TOKEN_FULL,
        body.len(),
        body
    );
    let resp = exchange(&fake.url(), raw.as_bytes()).unwrap();
    assert_eq!(resp.status, 201, "{}", resp.body);
    assert_eq!(fake.requests()[0].body, body);
}

#[test]
fn unknown_route_is_404_and_wrong_method_is_405() {
    let fake = FakeGandi::start();
    let r = get(&fake, "/v5/nothing/here");
    assert_eq!(r.status, 404);
    assert_eq!(
        r.body,
        r#"{"code": 404, "message": "The resource could not be found.", "object": "HTTPNotFound", "cause": "Not Found"}"#
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    let r = call(&fake, "DELETE", "/v5/domain/domains", None);
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["object"], "HTTPMethodNotAllowed");
}

#[test]
fn every_answer_carries_the_recorded_gandi_headers() {
    let fake = FakeGandi::start();
    for r in [
        get(&fake, "/v5/livedns/domains/example.com"),
        get(&fake, "/v5/livedns/domains/nope.example"),
    ] {
        assert_eq!(r.header("server"), Some("nginx"));
        assert_eq!(r.header("via"), Some("1.1 varnish-v4, 1.1 varnish-v4"));
        assert_eq!(
            r.header("cache-control"),
            Some("max-age=0, must-revalidate, no-cache, no-store")
        );
        assert_eq!(r.header("pragma"), Some("no-cache"));
        assert_eq!(r.header("vary"), Some("Accept-Encoding, Accept-Language"));
        assert!(r.header("date").is_some());
    }
}

#[test]
fn request_log_keeps_raw_path_decoded_query_and_lowercased_headers() {
    let fake = FakeGandi::start();
    get(
        &fake,
        "/v5/livedns/domains/example.com/records/%40/A?x=a%20b&sharing_id=abc",
    );
    let log = fake.requests();
    let r = &log[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/v5/livedns/domains/example.com/records/%40/A");
    assert_eq!(r.query_value("x"), Some("a b"));
    assert_eq!(r.query_value("sharing_id"), Some("abc"));
    assert_eq!(
        r.header("Authorization"),
        Some(format!("Bearer {}", crate::fake::TOKEN_FULL).as_str())
    );
    assert!(r.headers.iter().all(|(k, _)| *k == k.to_ascii_lowercase()));
    assert_eq!(r.json(), Value::Null);
    fake.clear_requests();
    assert!(fake.requests().is_empty());
}

#[test]
fn a_bad_body_is_a_400_not_a_panic() {
    let fake = FakeGandi::start();
    for body in [
        "{not json",
        "[1,2]",
        "\"x\"",
        "{\"rrset_values\": \"1.2.3.4\"}",
    ] {
        let r = call(
            &fake,
            "PUT",
            "/v5/livedns/domains/example.com/records/x/A",
            Some(body),
        );
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.json()["status"], "error");
    }
    let raw = b"GARBAGE\r\n\r\n";
    let r = exchange(&fake.url(), raw).unwrap();
    assert_eq!(r.status, 400);
    let raw = b"PUT /v5/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
    assert_eq!(exchange(&fake.url(), raw).unwrap().status, 413);
    let raw = b"PUT /v5/x HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n";
    assert_eq!(exchange(&fake.url(), raw).unwrap().status, 413);
}
