//! Tests: the domain-settings routes of the fake: a domain Gandi shows only
//! with its organization's sharing_id, status codes and Location headers,
//! the 400 validation shape, the registry's refusals, and scopes.

use serde_json::{json, Value};

use super::{call, call_as, get};
use crate::fake::{FakeGandi, COMPANY_ORG_ID, PARTNER_ORG_ID, TOKEN_READONLY};

/// The validation shape (b): `{"status":"error","errors":[{location,name,description}]}`.
#[track_caller]
fn assert_validation(r: &super::Resp, field: &str) {
    assert_eq!(r.status, 400, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "error", "{v}");
    assert_eq!(v["errors"][0]["location"], "body", "{v}");
    assert_eq!(v["errors"][0]["name"], field, "{v}");
    assert!(v["errors"][0]["description"].is_string(), "{v}");
}

#[test]
fn another_organizations_domain_is_found_only_with_its_sharing_id() {
    let fake = FakeGandi::start();
    let r = get(&fake, "/v5/domain/domains/partner-shop.com");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["object"], "HTTPNotFound");
    let r = get(
        &fake,
        &format!("/v5/domain/domains/partner-shop.com?sharing_id={COMPANY_ORG_ID}"),
    );
    assert_eq!(r.status, 404);
    let r = get(
        &fake,
        &format!("/v5/domain/domains/partner-shop.com?sharing_id={PARTNER_ORG_ID}"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["sharing_space"]["id"], PARTNER_ORG_ID);
    let r = get(
        &fake,
        &format!("/v5/domain/domains/partner-shop.com/nameservers?sharing_id={PARTNER_ORG_ID}"),
    );
    assert_eq!(
        r.json(),
        json!(["ns1.partner-dns.example", "ns2.partner-dns.example"])
    );
    // The account's own list does not show it.
    let all = get(&fake, "/v5/domain/domains").json();
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["fqdn"] != "partner-shop.com"));
}

#[test]
fn lock_and_glue_answer_as_the_registry_does() {
    let fake = FakeGandi::start();
    let path = "/v5/domain/domains/example.com/status";
    let r = call(
        &fake,
        "PATCH",
        path,
        Some(r#"{"clientTransferProhibited":false}"#),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(r.json()["message"].is_string());
    let status = get(&fake, "/v5/domain/domains/example.com").json()["status"].clone();
    assert_eq!(status, json!([]));
    assert_validation(
        &call(
            &fake,
            "PATCH",
            path,
            Some(r#"{"clientTransferProhibited":"no"}"#),
        ),
        "clientTransferProhibited",
    );
    assert_validation(
        &call(&fake, "PATCH", path, Some("{}")),
        "clientTransferProhibited",
    );
    assert_eq!(
        call_as(
            &fake,
            TOKEN_READONLY,
            "PATCH",
            path,
            Some(r#"{"clientTransferProhibited":true}"#)
        )
        .status,
        403
    );

    let hosts = "/v5/domain/domains/example.com/hosts";
    let r = call(
        &fake,
        "POST",
        hosts,
        Some(r#"{"name":"ns2","ips":["192.0.2.54"]}"#),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("{}/v5/domain/domains/example.com/hosts/ns2", fake.url()).as_str())
    );
    let listed = get(&fake, hosts).json();
    assert_eq!(listed[1]["fqdn"], "ns2.example.com");
    assert_eq!(
        call(
            &fake,
            "POST",
            hosts,
            Some(r#"{"name":"ns2","ips":["192.0.2.55"]}"#)
        )
        .status,
        409
    );
    assert_validation(
        &call(
            &fake,
            "POST",
            hosts,
            Some(r#"{"name":"ns3","ips":["nope"]}"#),
        ),
        "ips",
    );
    assert_validation(
        &call(&fake, "POST", hosts, Some(r#"{"name":"ns3"}"#)),
        "ips",
    );
    assert_eq!(
        call(
            &fake,
            "PUT",
            &format!("{hosts}/ns9"),
            Some(r#"{"ips":["192.0.2.9"]}"#)
        )
        .status,
        404
    );
    // A host the domain uses as a nameserver cannot be deleted.
    call(
        &fake,
        "PUT",
        "/v5/domain/domains/example.com/nameservers",
        Some(r#"{"nameservers":["ns1.example.com","ns2.example.com"]}"#),
    );
    assert_eq!(
        call(&fake, "DELETE", &format!("{hosts}/ns1"), None).status,
        409
    );
}

#[test]
fn dnssec_tags_and_redirections_answer_as_documented() {
    let fake = FakeGandi::start();
    let sec = "/v5/domain/domains/example.net/livedns/dnssec";
    assert_eq!(get(&fake, sec).json(), json!({"state": "inactive"}));
    let r = call(&fake, "POST", sec, None);
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["state"], "inactive");
    assert!(r.json()["error"].is_string());
    let sec = "/v5/domain/domains/example.com/livedns/dnssec";
    let r = call(&fake, "POST", sec, None);
    assert_eq!((r.status, r.json()), (202, json!({"state": "activating"})));
    let r = call(&fake, "DELETE", sec, None);
    assert_eq!(
        (r.status, r.json()),
        (202, json!({"state": "deactivating"}))
    );
    let keys = get(&fake, "/v5/domain/domains/xn--caf-dma.fr/dnskeys");
    assert_eq!(keys.header("total-count"), Some("1"));
    assert_eq!(keys.json()[0]["type"], "ksk");

    let tags = "/v5/domain/domains/example.com/tags";
    assert_eq!(get(&fake, tags).json(), json!(["prod", "web"]));
    assert_validation(
        &call(&fake, "PUT", tags, Some(r#"{"tags":"prod"}"#)),
        "tags",
    );
    assert_eq!(call(&fake, "PUT", tags, Some(r#"{"tags":[]}"#)).status, 200);
    assert_eq!(get(&fake, tags).json(), json!([]));

    let redirs = "/v5/domain/domains/example.com/webredirs";
    let body = |host: &str, extra: &str| {
        format!(
            r#"{{"host":"{host}","type":"http302","url":"https://x.example/","protocol":"https"{extra}}}"#
        )
    };
    // `override` is required; a bare label is not a host.
    assert_validation(
        &call(&fake, "POST", redirs, Some(&body("go.example.com", ""))),
        "override",
    );
    assert_validation(
        &call(
            &fake,
            "POST",
            redirs,
            Some(&body("go", r#","override":false"#)),
        ),
        "host",
    );
    let r = call(
        &fake,
        "POST",
        redirs,
        Some(&body("go.example.com", r#","override":false"#)),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r
        .header("location")
        .unwrap()
        .ends_with("/webredirs/go.example.com"));
    // Its DNS now points at the redirection service.
    let rec = get(&fake, "/v5/livedns/domains/example.com/records/go/CNAME").json();
    assert_eq!(rec["rrset_values"], json!(["webredir.vip.gandi.net."]));
    // A host with its own address records needs `override`.
    let blog = body("blog.example.com", r#","override":false"#);
    assert_eq!(call(&fake, "POST", redirs, Some(&blog)).status, 409);
    let list: Value = get(&fake, redirs).json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    let one = format!("{redirs}/go.example.com");
    assert_validation(
        &call(&fake, "PATCH", &one, Some(r#"{"type":"http307"}"#)),
        "type",
    );
    assert_eq!(
        call(&fake, "PATCH", &one, Some(r#"{"type":"cloak"}"#)).status,
        200
    );
    assert_eq!(call(&fake, "DELETE", &one, None).status, 200);
    assert_eq!(call(&fake, "DELETE", &one, None).status, 404);
}
