//! Tests: domain list shape and filters, domain details (IDN, autorenew object), nameservers, LiveDNS status, autorenew changes.

use serde_json::json;

use super::{call, get};
use crate::fake::{FakeGandi, COMPANY_ORG_ID};

fn fqdns(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d["fqdn"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_items_have_the_documented_shape() {
    let fake = FakeGandi::start();
    let v = get(&fake, "/v5/domain/domains").json();
    assert_eq!(
        fqdns(&v),
        [
            "acme-corp.com",
            "example.com",
            "example.net",
            "expiring-soon.org",
            "oldsite.eu",
            "xn--caf-dma.fr"
        ]
    );
    let d = &v[1];
    let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "fqdn",
            "fqdn_unicode",
            "id",
            "href",
            "tld",
            "status",
            "dates",
            "autorenew",
            "nameserver",
            "owner",
            "orga_owner",
            "domain_owner",
            "tags"
        ]
    );
    assert_eq!(d["autorenew"], true);
    assert_eq!(d["nameserver"], json!({"current": "livedns"}));
    assert_eq!(d["tags"], json!(["prod", "web"]));
    assert_eq!(d["owner"], "jdoe");
    assert_eq!(
        d["href"],
        format!("{}/v5/domain/domains/example.com", fake.url())
    );
    let dates = d["dates"].as_object().unwrap();
    for k in [
        "created_at",
        "registry_created_at",
        "registry_ends_at",
        "updated_at",
    ] {
        let s = dates[k].as_str().unwrap();
        assert_eq!(s.len(), 20, "{s}");
        assert!(s.ends_with('Z'));
    }
    assert_eq!(v[5]["fqdn_unicode"], "café.fr");
    // As in the reference's example: no `sharing_id` in list items.
    assert!(v[0].get("sharing_id").is_none());
}

#[test]
fn list_filters_and_sort() {
    let fake = FakeGandi::start();
    let q = |q: &str| fqdns(&get(&fake, &format!("/v5/domain/domains?{q}")).json());
    assert_eq!(q("fqdn=example.*"), ["example.com", "example.net"]);
    assert_eq!(q("fqdn=*example.com"), ["example.com"]);
    assert_eq!(q("fqdn=oldsite.eu"), ["oldsite.eu"]);
    assert_eq!(q("tld=com"), ["acme-corp.com", "example.com"]);
    assert_eq!(q("nameserver=other"), ["example.net"]);
    assert_eq!(q("nameserver=abc"), ["oldsite.eu"]);
    assert_eq!(
        q(&format!("sharing_id={COMPANY_ORG_ID}")),
        ["acme-corp.com"]
    );
    assert_eq!(q("sort_by=-fqdn")[0], "xn--caf-dma.fr");
    assert_eq!(q("sort_by=registry_ends_at")[0], "expiring-soon.org");
    assert_eq!(
        get(&fake, "/v5/domain/domains?nameserver=bogus").status,
        400
    );
    assert_eq!(get(&fake, "/v5/domain/domains?sort_by=bogus").status, 400);
    let r = get(&fake, "/v5/domain/domains?tld=com");
    assert_eq!(r.header("total-count"), Some("6"));
    assert_eq!(r.header("filtered-count"), Some("2"));
}

#[test]
fn details_have_an_autorenew_object_and_accept_punycode() {
    let fake = FakeGandi::start();
    let r = get(&fake, "/v5/domain/domains/xn--caf-dma.fr");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["fqdn_unicode"], "café.fr");
    let ar = v["autorenew"].as_object().unwrap();
    let keys: Vec<&String> = ar.keys().collect();
    assert_eq!(keys, ["href", "dates", "duration", "enabled", "org_id"]);
    assert_eq!(v["autorenew"]["enabled"], true);
    assert_eq!(v["contacts"]["owner"]["type"], "individual");
    assert_eq!(v["contacts"]["admin"]["same_as_owner"], true);
    assert_eq!(v["nameservers"][0], "ns-1.gandi.net");
    assert!(v["services"]
        .as_array()
        .unwrap()
        .contains(&json!("gandilivedns")));
    assert_eq!(v["sharing_space"]["type"], "user");
    assert!(v["dates"]["renew_begins_at"].is_string());
    // The Unicode form is not looked up: clients must send punycode.
    assert_eq!(get(&fake, "/v5/domain/domains/caf%C3%A9.fr").status, 404);
    let r = get(&fake, "/v5/domain/domains/unknown.com");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["object"], "HTTPNotFound");
    let company = get(&fake, "/v5/domain/domains/acme-corp.com").json();
    assert_eq!(company["sharing_space"]["type"], "organization");
    assert_eq!(company["contacts"]["owner"]["orgname"], "ACME Corp SAS");
}

#[test]
fn nameservers_and_livedns_status() {
    let fake = FakeGandi::start();
    let r = get(&fake, "/v5/domain/domains/example.net/nameservers");
    assert_eq!(
        r.json(),
        json!(["ns1.example-dns.net", "ns2.example-dns.net"])
    );
    let l = get(&fake, "/v5/domain/domains/example.net/livedns").json();
    assert_eq!(l["current"], "other");
    assert_eq!(
        get(&fake, "/v5/domain/domains/oldsite.eu/livedns").json()["current"],
        "classic"
    );

    let r = call(
        &fake,
        "PUT",
        "/v5/domain/domains/example.net/nameservers",
        Some(r#"{"nameservers":["ns-1.gandi.net","ns-2.gandi.net","ns-3.gandi.net"]}"#),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(r.json()["message"].is_string());
    assert_eq!(
        get(&fake, "/v5/domain/domains/example.net/livedns").json()["current"],
        "livedns"
    );
    for bad in [
        r#"{"nameservers":[]}"#,
        r#"{}"#,
        r#"{"nameservers":["not a host"]}"#,
    ] {
        let r = call(
            &fake,
            "PUT",
            "/v5/domain/domains/example.net/nameservers",
            Some(bad),
        );
        assert_eq!(r.status, 400, "{bad}");
    }
}

#[test]
fn autorenew_patch() {
    let fake = FakeGandi::start();
    let r = call(
        &fake,
        "PATCH",
        "/v5/domain/domains/expiring-soon.org/autorenew",
        Some(r#"{"enabled":true,"duration":2}"#),
    );
    assert_eq!(r.status, 200);
    assert!(r.json()["message"].is_string());
    let v = get(&fake, "/v5/domain/domains/expiring-soon.org").json();
    assert_eq!(v["autorenew"]["enabled"], true);
    assert_eq!(v["autorenew"]["duration"], 2);
    let list = get(&fake, "/v5/domain/domains?fqdn=expiring-soon.org").json();
    assert_eq!(list[0]["autorenew"], true);
    for bad in [
        r#"{}"#,
        r#"{"enabled":"yes"}"#,
        r#"{"enabled":true,"duration":10}"#,
    ] {
        let r = call(
            &fake,
            "PATCH",
            "/v5/domain/domains/expiring-soon.org/autorenew",
            Some(bad),
        );
        assert_eq!(r.status, 400, "{bad}");
    }
    assert_eq!(
        call(
            &fake,
            "PATCH",
            "/v5/domain/domains/nope.com/autorenew",
            Some(r#"{"enabled":true}"#)
        )
        .status,
        404
    );
}
