//! Replay check: every recorded dns-lexicon cassette is sent to ONE fake, in recorded order, which must answer each request with the recorded status, content type, `location`, `total-count` and body byte for byte (hrefs on the fake's own host), so the "list all" answer checks what the replayed writes produced.

use std::path::PathBuf;

use serde_json::Value;

use super::{bearer, build, exchange};
use crate::fake::state::{Rrset, Zone};
use crate::fake::{FakeGandi, State, TOKEN_FULL};

const RECORDED_HOST: &str = "https://api.gandi.net";

/// The recorded cassettes, copied unchanged into the repository.
fn cassette_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gandi/dns-lexicon")
}

#[derive(Debug, Default)]
struct Interaction {
    method: String,
    uri: String,
    req_headers: Vec<(String, String)>,
    req_body: String,
    status: u16,
    resp_headers: Vec<(String, String)>,
    resp_body: String,
}

impl Interaction {
    fn resp_header(&self, name: &str) -> Option<&str> {
        self.resp_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn path(&self) -> &str {
        self.uri.strip_prefix(RECORDED_HOST).unwrap_or(&self.uri)
    }
}

/// Reads a YAML flow scalar starting at `first` (the text after `key: `),
/// consuming continuation lines of single-quoted scalars (folded with a space).
fn scalar(first: &str, lines: &[&str], i: &mut usize) -> String {
    let Some(mut rest) = first.strip_prefix('\'') else {
        return first.trim().to_string();
    };
    let mut out = String::new();
    let mut owned;
    loop {
        let mut chars = rest.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|(_, n)| *n) == Some('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return out;
                }
            } else {
                out.push(c);
            }
        }
        *i += 1;
        owned = lines[*i].trim_start().to_string();
        out.push(' ');
        rest = &owned;
    }
}

/// The tiny YAML subset vcrpy writes.
fn parse_cassette(text: &str) -> Vec<Interaction> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Interaction> = Vec::new();
    let mut in_response = false;
    let mut in_headers = false;
    let mut header_name = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if line.starts_with("- request:") {
            out.push(Interaction::default());
            in_response = false;
            in_headers = false;
        } else if line == "  response:" {
            in_response = true;
            in_headers = false;
        } else if let Some(cur) = out.last_mut() {
            if indent == 4 {
                in_headers = trimmed == "headers:";
                if let Some(v) = trimmed.strip_prefix("body: ") {
                    cur.req_body = scalar(v, &lines, &mut i);
                } else if let Some(v) = trimmed.strip_prefix("method: ") {
                    cur.method = v.to_string();
                } else if let Some(v) = trimmed.strip_prefix("uri: ") {
                    cur.uri = v.to_string();
                }
            } else if indent == 6 && in_response && trimmed.starts_with("string: ") {
                cur.resp_body = scalar(&trimmed["string: ".len()..], &lines, &mut i);
            } else if indent == 6 && in_response && trimmed.starts_with("code: ") {
                cur.status = trimmed["code: ".len()..].parse().unwrap();
            } else if indent == 6 && in_headers && trimmed.ends_with(':') {
                header_name = trimmed.trim_end_matches(':').to_string();
            } else if indent == 6 && in_headers && trimmed.starts_with("- ") {
                let value = scalar(&trimmed[2..], &lines, &mut i);
                let pair = (header_name.clone(), value);
                if in_response {
                    cur.resp_headers.push(pair);
                } else {
                    cur.req_headers.push(pair);
                }
            }
        }
        i += 1;
    }
    out
}

/// The zone as the "list all" cassette saw it (16 rrsets).
fn t18s_zone_from_list_cassette() -> Vec<Rrset> {
    let path = cassette_dir()
        .join("test_provider_when_calling_list_records_with_no_arguments_should_list_all.yaml");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let list = parse_cassette(&text)
        .into_iter()
        .find(|i| i.path().ends_with("/records"))
        .unwrap();
    let v: Value = serde_json::from_str(&list.resp_body).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| Rrset {
            name: r["rrset_name"].as_str().unwrap().to_string(),
            rtype: r["rrset_type"].as_str().unwrap().to_string(),
            ttl: r["rrset_ttl"].as_u64().unwrap() as u32,
            values: r["rrset_values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect(),
        })
        .collect()
}

/// Every cassette, in the order it was recorded (its first `Date` header;
/// the file names sort the same way).
fn cassettes_in_recorded_order() -> Vec<(String, Vec<Interaction>)> {
    let mut all: Vec<(std::time::SystemTime, String, Vec<Interaction>)> =
        std::fs::read_dir(cassette_dir())
            .unwrap_or_else(|e| panic!("{}: {e}", cassette_dir().display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .map(|file| {
                let text = std::fs::read_to_string(cassette_dir().join(&file)).unwrap();
                let interactions = parse_cassette(&text);
                assert!(!interactions.is_empty(), "{file}: nothing parsed");
                let date = interactions[0]
                    .resp_header("date")
                    .and_then(|d| httpdate::parse_http_date(d).ok())
                    .unwrap_or_else(|| panic!("{file}: no Date header"));
                (date, file, interactions)
            })
            .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    all.into_iter().map(|(_, f, i)| (f, i)).collect()
}

/// The (name, type) an interaction writes, for POST and PUT on an rrset.
fn written_rrset(it: &Interaction) -> Option<(String, String)> {
    if !matches!(it.method.as_str(), "POST" | "PUT") {
        return None;
    }
    let rest = it.path().split("/records/").nth(1)?;
    let (name, rtype) = rest.split_once('/')?;
    Some((name.to_string(), rtype.to_string()))
}

/// Sends every request of `cassettes`, in order, to one fake, and checks
/// each answer against the recording: status, content type, `location`,
/// `total-count`, and the body byte for byte (hrefs on the fake's host).
fn replay_on_one_state(cassettes: &[(String, Vec<Interaction>)], seed: Vec<Rrset>) -> usize {
    let mut state = State::seeded();
    state
        .zones
        .insert("t18s.fr".to_string(), Zone::new("t18s.fr", seed));
    let fake = FakeGandi::start_with(state);
    let url = fake.url();
    let mut total = 0;
    for (file, interactions) in cassettes {
        for (n, it) in interactions.iter().enumerate() {
            let ctx = format!("{file} #{n}: {} {}", it.method, it.path());
            let headers: Vec<(&str, &str)> = it
                .req_headers
                .iter()
                .filter(|(k, _)| matches!(k.as_str(), "Accept" | "User-Agent" | "Content-Type"))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let raw = build(
                &it.method,
                it.path(),
                Some(&bearer(TOKEN_FULL)),
                &headers,
                Some(&it.req_body),
            );
            let got = exchange(&url, &raw).unwrap_or_else(|e| panic!("{ctx}: {e}"));
            assert_eq!(got.status, it.status, "{ctx}: {}", got.body);
            assert_eq!(
                got.header("content-type"),
                it.resp_header("content-type"),
                "{ctx}"
            );
            let want_location = it
                .resp_header("location")
                .map(|l| l.replace(RECORDED_HOST, &url));
            assert_eq!(
                got.header("location").map(str::to_string),
                want_location,
                "{ctx}"
            );
            if let Some(tc) = it.resp_header("total-count") {
                assert_eq!(got.header("total-count"), Some(tc), "{ctx}");
            }
            assert_eq!(
                got.body,
                it.resp_body.replace(RECORDED_HOST, &url),
                "{ctx}: the body differs from the recording"
            );
            total += 1;
        }
    }
    total
}

#[test]
fn yaml_subset_parser_reads_folded_quoted_scalars() {
    let text = "interactions:\n- request:\n    body: '{\"a\": \"it''s\",\n      \"b\": 1}'\n    method: PUT\n    uri: https://api.gandi.net/v5/x\n  response:\n    body:\n      string: ''\n    headers:\n      location:\n      - https://api.gandi.net/v5/x\n    status:\n      code: 204\n";
    let i = parse_cassette(text);
    assert_eq!(i.len(), 1);
    assert_eq!(i[0].req_body, "{\"a\": \"it's\", \"b\": 1}");
    assert_eq!(i[0].method, "PUT");
    assert_eq!(i[0].path(), "/v5/x");
    assert_eq!(i[0].status, 204);
    assert_eq!(i[0].resp_body, "");
    assert_eq!(
        i[0].resp_header("Location"),
        Some("https://api.gandi.net/v5/x")
    );
}

#[test]
fn every_recorded_cassette_replays_identically_on_one_state() {
    let cassettes = cassettes_in_recorded_order();
    assert_eq!(cassettes.len(), 26);
    // Seed only what no cassette writes: the rest must come from replaying
    // the writes themselves, so the "list all" answer checks their effect.
    let written: Vec<(String, String)> = cassettes
        .iter()
        .flat_map(|(_, its)| its.iter().filter_map(written_rrset))
        .collect();
    let listed = t18s_zone_from_list_cassette();
    assert_eq!(listed.len(), 16);
    let seed: Vec<Rrset> = listed
        .into_iter()
        .filter(|r| !written.contains(&(r.name.clone(), r.rtype.clone())))
        .collect();
    let seeded: Vec<(&str, &str)> = seed
        .iter()
        .map(|r| (r.name.as_str(), r.rtype.as_str()))
        .collect();
    assert_eq!(seeded, vec![("@", "A"), ("@", "AAAA"), ("www", "CNAME")]);
    let total = replay_on_one_state(&cassettes, seed);
    assert!(total > 100, "{total}");
}

#[test]
fn the_one_state_replay_checks_what_the_writes_before_it_left() {
    // Out of order, a list meets writes it should not have seen yet: the
    // one-state replay must notice (it compares what the writes produced).
    let mut cassettes = cassettes_in_recorded_order();
    let last = cassettes.pop().expect("a cassette");
    cassettes.insert(0, last);
    let seed = vec![
        Rrset::new("@", "A", 600, &["82.64.93.53"]),
        Rrset::new("@", "AAAA", 600, &["2a01:e0a:1f8:17e0:b62e:99ff:fef8:cdb9"]),
        Rrset::new("www", "CNAME", 86400, &["t18s.fr."]),
    ];
    let replayed = std::panic::catch_unwind(|| replay_on_one_state(&cassettes, seed));
    assert!(replayed.is_err(), "an out-of-order replay passed");
}
