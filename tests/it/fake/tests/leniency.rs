//! Tests: where the fake used to be more lenient than Gandi: ALIAS below the apex, a CNAME at the apex or beside other data (on every write route), `POST /livedns/domains`, and `@` in zone-file record data.

use super::{bearer, build, call, exchange, get, Resp};
use crate::fake::{FakeGandi, TOKEN_FULL};

const ZONE: &str = "/v5/livedns/domains/example.com";

fn import(fake: &FakeGandi, text: &str) -> Resp {
    let raw = build(
        "PUT",
        &format!("{ZONE}/records"),
        Some(&bearer(TOKEN_FULL)),
        &[("Content-Type", "text/plain")],
        Some(text),
    );
    exchange(&fake.url(), &raw).unwrap()
}

/// Every write route that can create `name`/`rtype` with `value` (beside
/// what the zone holds), as (what, answer).
fn every_route(fake: &FakeGandi, name: &str, rtype: &str, value: &str) -> Vec<(String, Resp)> {
    let values = format!(r#"["{value}"]"#);
    let enc = if name == "@" { "%40" } else { name };
    let mut answers = vec![
        (
            "POST records".to_string(),
            call(
                fake,
                "POST",
                &format!("{ZONE}/records"),
                Some(&format!(
                    r#"{{"rrset_name":"{name}","rrset_type":"{rtype}","rrset_values":{values}}}"#
                )),
            ),
        ),
        (
            "POST records/name".to_string(),
            call(
                fake,
                "POST",
                &format!("{ZONE}/records/{enc}"),
                Some(&format!(
                    r#"{{"rrset_type":"{rtype}","rrset_values":{values}}}"#
                )),
            ),
        ),
        (
            "POST records/name/type".to_string(),
            call(
                fake,
                "POST",
                &format!("{ZONE}/records/{enc}/{rtype}"),
                Some(&format!(r#"{{"rrset_values":{values}}}"#)),
            ),
        ),
        (
            "PUT records/name/type".to_string(),
            call(
                fake,
                "PUT",
                &format!("{ZONE}/records/{enc}/{rtype}"),
                Some(&format!(r#"{{"rrset_values":{values}}}"#)),
            ),
        ),
    ];
    // The whole zone, as it is plus the new rrset.
    let listed = get(fake, &format!("{ZONE}/records")).json();
    let mut items: Vec<serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !(r["rrset_name"] == name && r["rrset_type"] == rtype))
        .map(|r| {
            serde_json::json!({
                "rrset_name": r["rrset_name"],
                "rrset_type": r["rrset_type"],
                "rrset_values": r["rrset_values"],
            })
        })
        .collect();
    let mut text = String::new();
    for r in &items {
        for v in r["rrset_values"].as_array().unwrap() {
            text.push_str(&format!(
                "{} IN {} {}\n",
                r["rrset_name"].as_str().unwrap(),
                r["rrset_type"].as_str().unwrap(),
                v.as_str().unwrap()
            ));
        }
    }
    text.push_str(&format!("{name} IN {rtype} {value}\n"));
    items.push(serde_json::json!({
        "rrset_name": name, "rrset_type": rtype, "rrset_values": [value]
    }));
    answers.push((
        "PUT records (JSON)".to_string(),
        call(
            fake,
            "PUT",
            &format!("{ZONE}/records"),
            Some(&serde_json::json!({ "items": items }).to_string()),
        ),
    ));
    answers.push(("PUT records (text/plain)".to_string(), import(fake, &text)));
    answers
}

fn assert_refused_everywhere(fake: &FakeGandi, name: &str, rtype: &str, value: &str, says: &str) {
    let before = get(fake, &format!("{ZONE}/records")).body;
    for (what, r) in every_route(fake, name, rtype, value) {
        assert_eq!(r.status, 400, "{what} {name} {rtype}: {}", r.body);
        let v = r.json();
        assert_eq!(v["status"], "error", "{what}");
        assert_eq!(v["errors"][0]["location"], "body", "{what}");
        assert_eq!(v["errors"][0]["name"], "items", "{what}");
        let description = v["errors"][0]["description"].as_str().unwrap();
        assert!(description.contains(says), "{what}: {description}");
    }
    assert_eq!(
        get(fake, &format!("{ZONE}/records")).body,
        before,
        "a refused write changed the zone"
    );
}

#[test]
fn an_alias_below_the_apex_gets_gandis_real_400() {
    let fake = FakeGandi::start();
    // octodns PR 619 quotes this answer to its POST of exactly these fields.
    let r = call(
        &fake,
        "POST",
        &format!("{ZONE}/records"),
        Some(
            r#"{"rrset_name":"blah","rrset_type":"ALIAS","rrset_ttl":3600,"rrset_values":["google.com."]}"#,
        ),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        r#"{"status": "error", "errors": [{"location": "body", "name": "items", "description": "only '@' is allowed for ALIAS records (param: {'rrset_type': u'ALIAS', 'rrset_ttl': 3600, 'rrset_name': u'blah', 'rrset_values': [u'google.com.']})"}]}"#
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    assert_refused_everywhere(
        &fake,
        "blah",
        "ALIAS",
        "google.com.",
        "only '@' is allowed for ALIAS records",
    );
    // At the apex it is what ALIAS is for.
    let r = call(
        &fake,
        "PUT",
        &format!("{ZONE}/records/%40/ALIAS"),
        Some(r#"{"rrset_values":["webredir.vip.gandi.net."]}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn a_cname_beside_other_data_or_at_the_apex_is_refused_on_every_route() {
    let fake = FakeGandi::start();
    // `blog` holds an A: a CNAME cannot join it.
    assert_refused_everywhere(&fake, "blog", "CNAME", "example.net.", "cannot coexist");
    // `www` holds a CNAME: nothing can join it.
    assert_refused_everywhere(&fake, "www", "TXT", "hello", "cannot coexist");
    assert_refused_everywhere(&fake, "www", "A", "192.0.2.9", "cannot coexist");
    // The apex always holds other data (and the SOA and NS besides).
    assert_refused_everywhere(&fake, "@", "CNAME", "example.net.", "zone apex");
    // Replacing a whole name is how a CNAME takes the place of other data.
    let r = call(
        &fake,
        "PUT",
        &format!("{ZONE}/records/blog"),
        Some(r#"{"items":[{"rrset_type":"CNAME","rrset_values":["example.net."]}]}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = call(
        &fake,
        "PUT",
        &format!("{ZONE}/records/blog"),
        Some(
            r#"{"items":[{"rrset_type":"CNAME","rrset_values":["example.net."]},{"rrset_type":"TXT","rrset_values":["x"]}]}"#,
        ),
    );
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn post_livedns_domains_creates_a_zone_for_a_registered_domain() {
    let fake = FakeGandi::start();
    // example.net is registered at Gandi and has no LiveDNS zone yet.
    assert_eq!(get(&fake, "/v5/livedns/domains/example.net").status, 404);
    let r = call(
        &fake,
        "POST",
        "/v5/livedns/domains",
        Some(
            r#"{"fqdn":"example.net","zone":{"items":[{"rrset_name":"@","rrset_type":"A","rrset_values":["192.0.2.5"]}]}}"#,
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({"message": "Domain Created"}));
    assert_eq!(
        r.header("location"),
        Some(format!("{}/v5/livedns/domains/example.net", fake.url()).as_str())
    );
    assert_eq!(get(&fake, "/v5/livedns/domains/example.net").status, 200);
    let a = get(&fake, "/v5/livedns/domains/example.net/records/%40/A").json();
    assert_eq!(a["rrset_values"], serde_json::json!(["192.0.2.5"]));
    assert_eq!(a["rrset_ttl"], 10800);
    // Again: the zone exists (409, our assumption).
    let r = call(
        &fake,
        "POST",
        "/v5/livedns/domains",
        Some(r#"{"fqdn":"example.net"}"#),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["object"], "HTTPConflict");
    // A domain not registered at Gandi: the standard 404.
    let r = call(
        &fake,
        "POST",
        "/v5/livedns/domains",
        Some(r#"{"fqdn":"not-at-gandi.org","zone":{}}"#),
    );
    assert_eq!(r.status, 404);
    assert_eq!(
        r.body,
        r#"{"code": 404, "message": "The resource could not be found.", "object": "HTTPNotFound", "cause": "Not Found"}"#
    );
    // No fqdn, or records Gandi would refuse: 400, and no zone.
    let r = call(&fake, "POST", "/v5/livedns/domains", Some("{}"));
    assert_eq!(r.status, 400);
    let r = call(
        &fake,
        "POST",
        "/v5/livedns/domains",
        Some(
            r#"{"fqdn":"oldsite.eu","zone":{"items":[{"rrset_name":"www","rrset_type":"ALIAS","rrset_values":["a.example."]}]}}"#,
        ),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(get(&fake, "/v5/livedns/domains/oldsite.eu").status, 404);
    // It needs DNS write rights.
    let r = super::call_as(
        &fake,
        crate::fake::TOKEN_READONLY,
        "POST",
        "/v5/livedns/domains",
        Some(r#"{"fqdn":"oldsite.eu"}"#),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn an_at_sign_as_a_zone_file_target_is_the_apex_name() {
    let fake = FakeGandi::start();
    let r = import(&fake, "@ IN A 192.0.2.1\nwww IN CNAME @\n@ IN MX 10 @\n");
    assert_eq!(r.status, 201, "{}", r.body);
    let www = get(&fake, &format!("{ZONE}/records/www/CNAME")).json();
    assert_eq!(www["rrset_values"], serde_json::json!(["example.com."]));
    let mx = get(&fake, &format!("{ZONE}/records/%40/MX")).json();
    assert_eq!(mx["rrset_values"], serde_json::json!(["10 example.com."]));
}
