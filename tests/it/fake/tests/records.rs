//! Tests: rrset routes (POST 201/409, PUT upsert and TTL reset, PATCH, DELETE 204), validation, TXT quoting, `@`/`%40`, by-name and whole-zone routes.

use serde_json::json;

use super::{call, get};
use crate::fake::FakeGandi;

const ZONE: &str = "/v5/livedns/domains/example.com";

#[test]
fn post_creates_201_with_location_then_409() {
    let fake = FakeGandi::start();
    let path = format!("{ZONE}/records/localhost/A");
    let body = r#"{"rrset_values": ["127.0.0.1"], "rrset_ttl": 3600}"#;
    let r = call(&fake, "POST", &path, Some(body));
    assert_eq!(r.status, 201);
    assert_eq!(r.body, r#"{"message":"DNS Record Created"}"#);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let loc = format!("{}{ZONE}/records/localhost/A", fake.url());
    assert!(r.headers.iter().any(|(k, v)| k == "location" && *v == loc));

    let r = call(&fake, "POST", &path, Some(body));
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body,
        r#"{"code": 409, "message": "This record already exists", "object": "HTTPConflict", "cause": "Conflict"}"#
    );

    let v = get(&fake, &path).json();
    assert_eq!(
        v,
        json!({
            "rrset_type": "A",
            "rrset_ttl": 3600,
            "rrset_name": "localhost",
            "rrset_href": loc,
            "rrset_values": ["127.0.0.1"],
        })
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "rrset_type",
            "rrset_ttl",
            "rrset_name",
            "rrset_href",
            "rrset_values"
        ]
    );
}

#[test]
fn put_upserts_and_an_omitted_ttl_resets_to_10800() {
    let fake = FakeGandi::start();
    let path = format!("{ZONE}/records/_acme-challenge/TXT");
    let r = call(
        &fake,
        "PUT",
        &path,
        Some(r#"{"rrset_values": ["token1"], "rrset_ttl": 3600}"#),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.body, r#"{"message":"DNS Record Created"}"#);
    assert_eq!(
        r.header("location").unwrap(),
        format!("{}{path}", fake.url())
    );
    assert_eq!(get(&fake, &path).json()["rrset_ttl"], 3600);
    let r = call(
        &fake,
        "PUT",
        &path,
        Some(r#"{"rrset_values": ["token1", "token2"]}"#),
    );
    assert_eq!(r.status, 201);
    let v = get(&fake, &path).json();
    assert_eq!(v["rrset_ttl"], 10800);
    assert_eq!(v["rrset_values"], json!(["\"token1\"", "\"token2\""]));
}

#[test]
fn delete_is_204_with_no_body_then_404() {
    let fake = FakeGandi::start();
    let path = format!("{ZONE}/records/www/CNAME");
    let r = call(&fake, "DELETE", &path, None);
    assert_eq!(r.status, 204);
    assert_eq!(r.body, "");
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.header("content-length"), None);
    let r = get(&fake, &path);
    assert_eq!(r.status, 404);
    assert_eq!(
        r.body,
        r#"{"code": 404, "message": "Can't find the DNS record www/CNAME in the zone", "object": "dns-record", "cause": "Not Found"}"#
    );
    assert_eq!(call(&fake, "DELETE", &path, None).status, 404);
}

#[test]
fn txt_values_are_quoted_once() {
    let fake = FakeGandi::start();
    let path = format!("{ZONE}/records/q/TXT");
    call(
        &fake,
        "PUT",
        &path,
        Some(r#"{"rrset_values": ["bare", "\"already\"", "say \"hi\""]}"#),
    );
    assert_eq!(
        get(&fake, &path).json()["rrset_values"],
        json!(["\"bare\"", "\"already\"", "\"say \\\"hi\\\"\""])
    );
    // The seeded DKIM key is one value made of quoted 255-byte chunks.
    let dkim = get(&fake, &format!("{ZONE}/records/gm1._domainkey/TXT")).json();
    let value = dkim["rrset_values"][0].as_str().unwrap();
    assert!(value.len() > 255);
    assert!(value.starts_with("\"v=DKIM1; k=rsa; p=") && value.contains("\" \""));
    assert_eq!(dkim["rrset_values"].as_array().unwrap().len(), 1);
}

#[test]
fn apex_is_reachable_as_at_or_percent_40_and_hrefs_escape_it() {
    let fake = FakeGandi::start();
    let a = get(&fake, &format!("{ZONE}/records/@/A"));
    let b = get(&fake, &format!("{ZONE}/records/%40/A"));
    assert_eq!(a.status, 200);
    assert_eq!(a.body, b.body);
    let v = a.json();
    assert_eq!(v["rrset_name"], "@");
    assert_eq!(v["rrset_values"], json!(["192.0.2.1", "192.0.2.2"]));
    assert_eq!(
        v["rrset_href"],
        format!("{}{ZONE}/records/%40/A", fake.url())
    );
    let r = call(
        &fake,
        "POST",
        &format!("{ZONE}/records/%40/NS"),
        Some(r#"{"rrset_values":["ns1.example.net."]}"#),
    );
    assert_eq!(
        r.header("location").unwrap(),
        format!("{}{ZONE}/records/%40/NS", fake.url())
    );
}

#[test]
fn names_and_zones_are_case_insensitive() {
    let fake = FakeGandi::start();
    let r = get(&fake, "/v5/livedns/domains/EXAMPLE.com/records/WWW/cname");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["rrset_name"], "www");
    assert_eq!(r.json()["rrset_type"], "CNAME");
}

#[test]
fn validation_errors_use_the_error_list_shape() {
    let fake = FakeGandi::start();
    let cases = [
        ("x/A", r#"{"rrset_values":["192.0.2.1"],"rrset_ttl":299}"#),
        (
            "x/A",
            r#"{"rrset_values":["192.0.2.1"],"rrset_ttl":2592001}"#,
        ),
        ("x/A", r#"{"rrset_values":["192.0.2.1"],"rrset_ttl":"300"}"#),
        ("x/A", r#"{"rrset_values":[]}"#),
        ("x/A", r#"{"rrset_values":["toto"]}"#),
        ("x/A", r#"{"rrset_values":["2001:db8::1"]}"#),
        ("x/AAAA", r#"{"rrset_values":["192.0.2.1"]}"#),
        ("x/MX", r#"{"rrset_values":["spool.mail.gandi.net."]}"#),
        (
            "x/CNAME",
            r#"{"rrset_values":["a.example.", "b.example."]}"#,
        ),
        ("x/A", r#"{"rrset_ttl":300}"#),
        ("x/A", r#"{"rrset_values":[1]}"#),
    ];
    for (p, body) in cases {
        let r = call(&fake, "PUT", &format!("{ZONE}/records/{p}"), Some(body));
        assert_eq!(r.status, 400, "{p} {body}: {}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("application/json; charset=UTF-8")
        );
        let v = r.json();
        assert_eq!(v["status"], "error");
        assert_eq!(v["errors"][0]["location"], "body");
        assert_eq!(v["errors"][0]["name"], "items");
        assert!(v["errors"][0]["description"].is_string());
    }
    let ok_bounds = [300, 2_592_000];
    for ttl in ok_bounds {
        let body = format!(r#"{{"rrset_values":["192.0.2.1"],"rrset_ttl":{ttl}}}"#);
        assert_eq!(
            call(&fake, "PUT", &format!("{ZONE}/records/x/A"), Some(&body)).status,
            201
        );
    }
    let r = call(
        &fake,
        "PUT",
        &format!("{ZONE}/records/x/BOGUS"),
        Some(r#"{"rrset_values":["x"]}"#),
    );
    assert_eq!(r.status, 400);
    let r = call(
        &fake,
        "PUT",
        &format!("{ZONE}/records/bad%20name/A"),
        Some(r#"{"rrset_values":["192.0.2.1"]}"#),
    );
    assert_eq!(r.status, 400);
    // Nothing was stored by the failed attempts.
    assert!(fake.with_state(|s| s.zones["example.com"].find("x", "AAAA").is_none()));
}

#[test]
fn unknown_zone_is_the_standard_404() {
    let fake = FakeGandi::start();
    for (m, p) in [
        ("GET", "/v5/livedns/domains/thisisadomainidonotown.com"),
        ("GET", "/v5/livedns/domains/nope.example/records"),
        ("GET", "/v5/livedns/domains/nope.example/records/www/A"),
        ("DELETE", "/v5/livedns/domains/nope.example/records/www/A"),
    ] {
        let r = call(&fake, m, p, None);
        assert_eq!(r.status, 404);
        assert_eq!(
            r.body,
            r#"{"code": 404, "message": "The resource could not be found.", "object": "HTTPNotFound", "cause": "Not Found"}"#
        );
    }
    let r = call(
        &fake,
        "PUT",
        "/v5/livedns/domains/nope.example/records/www/A",
        Some(r#"{"rrset_values":["192.0.2.1"]}"#),
    );
    assert_eq!(r.status, 404);
}

#[test]
fn patch_adds_and_removes_values() {
    let fake = FakeGandi::start();
    let path = format!("{ZONE}/records/@/A");
    let r = call(
        &fake,
        "PATCH",
        &path,
        Some(
            r#"{"add_rrset_values":["192.0.2.3"],"remove_rrset_values":["192.0.2.1"],"rrset_ttl":600}"#,
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["rrset_values"], json!(["192.0.2.2", "192.0.2.3"]));
    assert_eq!(v["rrset_ttl"], 600);
    assert_eq!(get(&fake, &path).json(), v);
    let r = call(
        &fake,
        "PATCH",
        &path,
        Some(r#"{"remove_rrset_values":["192.0.2.2","192.0.2.3"]}"#),
    );
    assert_eq!(r.status, 204);
    assert_eq!(get(&fake, &path).status, 404);
    assert_eq!(call(&fake, "PATCH", &path, Some("{}")).status, 400);
}

#[test]
fn by_name_routes() {
    let fake = FakeGandi::start();
    let base = format!("{ZONE}/records/@");
    let v = get(&fake, &base).json();
    let types: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rrset_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["A", "AAAA", "CAA", "MX", "TXT"]);
    assert_eq!(get(&fake, &format!("{ZONE}/records/nothing")).body, "[]");

    let r = call(
        &fake,
        "PUT",
        &format!("{ZONE}/records/multi"),
        Some(
            r#"{"items":[{"rrset_type":"A","rrset_values":["192.0.2.5"]},{"rrset_type":"TXT","rrset_values":["hello"],"rrset_ttl":300}]}"#,
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body, r#"{"message":"DNS Record Created"}"#);
    let v = get(&fake, &format!("{ZONE}/records/multi")).json();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["rrset_values"], json!(["\"hello\""]));
    // Replacing keeps only the given types.
    call(
        &fake,
        "PUT",
        &format!("{ZONE}/records/multi"),
        Some(r#"{"items":[{"rrset_type":"AAAA","rrset_values":["2001:db8::5"]}]}"#),
    );
    let v = get(&fake, &format!("{ZONE}/records/multi")).json();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["rrset_type"], "AAAA");

    let r = call(
        &fake,
        "POST",
        &format!("{ZONE}/records/multi"),
        Some(r#"{"rrset_type":"AAAA","rrset_values":["2001:db8::6"]}"#),
    );
    assert_eq!(r.status, 409);
    let r = call(
        &fake,
        "POST",
        &format!("{ZONE}/records/multi"),
        Some(r#"{"rrset_type":"A","rrset_values":["192.0.2.6"]}"#),
    );
    assert_eq!(r.status, 201);

    assert_eq!(
        call(&fake, "DELETE", &format!("{ZONE}/records/multi"), None).status,
        204
    );
    assert_eq!(get(&fake, &format!("{ZONE}/records/multi")).body, "[]");
    assert_eq!(
        call(&fake, "DELETE", &format!("{ZONE}/records/multi"), None).status,
        404
    );
}

#[test]
fn collection_routes_post_put_delete_and_type_filter() {
    let fake = FakeGandi::start();
    let r = call(
        &fake,
        "POST",
        &format!("{ZONE}/records"),
        Some(r#"{"rrset_name":"New","rrset_type":"a","rrset_values":["192.0.2.8"]}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.header("location").unwrap(),
        format!("{}{ZONE}/records/new/A", fake.url())
    );
    let v = get(&fake, &format!("{ZONE}/records?rrset_type=TXT")).json();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["rrset_type"] == "TXT"));
    assert_eq!(v.as_array().unwrap().len(), 3);

    let r = call(
        &fake,
        "PUT",
        &format!("{ZONE}/records"),
        Some(
            r#"{"items":[{"rrset_name":"@","rrset_type":"A","rrset_values":["192.0.2.99"]},{"rrset_name":"@","rrset_type":"SOA","rrset_values":["x"]}]}"#,
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = get(&fake, &format!("{ZONE}/records")).json();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(
        call(&fake, "PUT", &format!("{ZONE}/records"), Some("{}")).status,
        400
    );
    let dup = r#"{"items":[{"rrset_name":"a","rrset_type":"A","rrset_values":["192.0.2.1"]},{"rrset_name":"A","rrset_type":"A","rrset_values":["192.0.2.2"]}]}"#;
    assert_eq!(
        call(&fake, "PUT", &format!("{ZONE}/records"), Some(dup)).status,
        400
    );

    let r = call(&fake, "DELETE", &format!("{ZONE}/records"), None);
    assert_eq!(r.status, 204);
    assert_eq!(get(&fake, &format!("{ZONE}/records")).body, "[]");
}

#[test]
fn listing_order_puts_underscore_names_after_letters() {
    let fake = FakeGandi::start();
    let v = get(&fake, &format!("{ZONE}/records")).json();
    let names: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["rrset_name"].as_str().unwrap(),
                r["rrset_type"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "@ A",
            "@ AAAA",
            "@ CAA",
            "@ MX",
            "@ TXT",
            "blog A",
            "gm1._domainkey TXT",
            "www CNAME",
            "_dmarc TXT",
            "_sip._tcp SRV"
        ]
    );
}

#[test]
fn dry_run_is_ignored_on_livedns() {
    let fake = FakeGandi::start();
    let raw = super::build(
        "PUT",
        &format!("{ZONE}/records/dry/A"),
        Some(&super::bearer(crate::fake::TOKEN_FULL)),
        &[("Dry-Run", "1")],
        Some(r#"{"rrset_values":["192.0.2.1"]}"#),
    );
    let r = super::exchange(&fake.url(), &raw).unwrap();
    assert_eq!(r.status, 201);
    assert!(fake.with_state(|s| s.zones["example.com"].find("dry", "A").is_some()));
}
