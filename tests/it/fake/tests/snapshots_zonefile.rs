//! Tests: zone-file export/import round trip and the snapshot routes.

use serde_json::json;

use super::{bearer, build, call, exchange, get};
use crate::fake::{FakeGandi, TOKEN_FULL};

const ZONE: &str = "/v5/livedns/domains/example.com";

fn get_text(fake: &FakeGandi, path: &str) -> super::Resp {
    let raw = build(
        "GET",
        path,
        Some(&bearer(TOKEN_FULL)),
        &[("Accept", "text/plain")],
        None,
    );
    exchange(&fake.url(), &raw).unwrap()
}

#[test]
fn zone_text_export_then_import_round_trips() {
    let fake = FakeGandi::start();
    let before = get(&fake, &format!("{ZONE}/records")).json();
    let r = get_text(&fake, &format!("{ZONE}/records"));
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let text = r.body;
    assert!(text.starts_with("@ 10800 IN SOA ns1.gandi.net. hostmaster.gandi.net. "));
    assert!(text.contains("\n@ 10800 IN A 192.0.2.1\n@ 10800 IN A 192.0.2.2\n"));
    assert!(text.contains("\n@ 10800 IN MX 10 spool.mail.gandi.net.\n"));
    assert!(text.contains("\nwww 10800 IN CNAME webredir.vip.gandi.net.\n"));
    assert!(text.contains("\n_sip._tcp 3600 IN SRV 10 60 5060 sip.example.com.\n"));

    assert_eq!(
        call(&fake, "DELETE", &format!("{ZONE}/records"), None).status,
        204
    );
    let raw = build(
        "PUT",
        &format!("{ZONE}/records"),
        Some(&bearer(TOKEN_FULL)),
        &[("Content-Type", "text/plain")],
        Some(&text),
    );
    let r = exchange(&fake.url(), &raw).unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body, r#"{"message":"DNS Record Created"}"#);
    assert_eq!(get(&fake, &format!("{ZONE}/records")).json(), before);
}

#[test]
fn zone_text_import_understands_origin_ttl_and_absolute_names() {
    let fake = FakeGandi::start();
    let text = "$ORIGIN unit.tests.\n$TTL 1800\n; comment\n@ IN SOA ns1.gandi.net. hostmaster.gandi.net. ( 1 2 3 4 5 )\n@ IN NS ns-1.gandi.net.\n@ 300 IN A 192.0.2.1\nwww.unit.tests. IN CNAME unit.tests.\ntxt IN TXT \"a b\" \"c\"\nbare IN TXT unquoted\n";
    let raw = build(
        "PUT",
        "/v5/livedns/domains/unit.tests/records",
        Some(&bearer(TOKEN_FULL)),
        &[("Content-Type", "text/plain; charset=utf-8")],
        Some(text),
    );
    let r = exchange(&fake.url(), &raw).unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let v = get(&fake, "/v5/livedns/domains/unit.tests/records").json();
    let summary: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rrset_name"].clone(),
                r["rrset_type"].clone(),
                r["rrset_ttl"].clone(),
                r["rrset_values"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (json!("@"), json!("A"), json!(300), json!(["192.0.2.1"])),
            (
                json!("bare"),
                json!("TXT"),
                json!(1800),
                json!(["\"unquoted\""])
            ),
            (
                json!("txt"),
                json!("TXT"),
                json!(1800),
                json!(["\"a b\" \"c\""])
            ),
            (
                json!("www"),
                json!("CNAME"),
                json!(1800),
                json!(["unit.tests."])
            ),
        ]
    );
    // Broken zone text is a 400 and changes nothing.
    let raw = build(
        "PUT",
        "/v5/livedns/domains/unit.tests/records",
        Some(&bearer(TOKEN_FULL)),
        &[("Content-Type", "text/plain")],
        Some("other.org. 300 IN A 192.0.2.1\n"),
    );
    assert_eq!(exchange(&fake.url(), &raw).unwrap().status, 400);
    assert_eq!(
        get(&fake, "/v5/livedns/domains/unit.tests/records").json(),
        v
    );
}

#[test]
fn snapshot_create_get_list_rename_delete() {
    let fake = FakeGandi::start();
    // Counted from none (the seed holds one automatic snapshot).
    fake.with_state(|s| s.snapshots.clear());
    let r = call(
        &fake,
        "POST",
        &format!("{ZONE}/snapshots"),
        Some(r#"{"name":"before-change"}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(v["message"], "Snapshot Created");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 36);
    let href = format!("{}{ZONE}/snapshots/{id}", fake.url());
    assert_eq!(r.header("location"), Some(href.as_str()));

    // The zone changes afterwards; the snapshot does not.
    call(&fake, "DELETE", &format!("{ZONE}/records/www/CNAME"), None);

    let s = get(&fake, &format!("{ZONE}/snapshots/{id}")).json();
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["id", "name", "created_at", "automatic", "href", "zone_data"]
    );
    assert_eq!(s["name"], "before-change");
    assert_eq!(s["automatic"], false);
    assert_eq!(s["href"], href);
    assert!(s["created_at"].as_str().unwrap().ends_with('Z'));
    let data = s["zone_data"].as_array().unwrap();
    assert_eq!(data.len(), 10);
    assert!(data.iter().all(|r| r.get("rrset_href").is_none()));
    assert!(data.iter().any(
        |r| r["rrset_name"] == "www" && r["rrset_values"] == json!(["webredir.vip.gandi.net."])
    ));

    let t = get_text(&fake, &format!("{ZONE}/snapshots/{id}"));
    assert!(t
        .body
        .contains("\nwww 10800 IN CNAME webredir.vip.gandi.net.\n"));

    // Restore = PUT zone_data as items.
    let items = json!({ "items": s["zone_data"] }).to_string();
    assert_eq!(
        call(&fake, "PUT", &format!("{ZONE}/records"), Some(&items)).status,
        201
    );
    assert_eq!(get(&fake, &format!("{ZONE}/records/www/CNAME")).status, 200);

    let r = call(&fake, "POST", &format!("{ZONE}/snapshots"), None);
    assert_eq!(r.status, 201);
    let list = get(&fake, &format!("{ZONE}/snapshots"));
    assert_eq!(list.header("total-count"), Some("2"));
    let l = list.json();
    assert_eq!(l[0]["id"], id.as_str());
    assert!(l[1]["name"].as_str().unwrap().ends_with("#2"));
    let lk: Vec<&String> = l[0].as_object().unwrap().keys().collect();
    assert_eq!(lk, ["id", "name", "created_at", "automatic", "href"]);

    let r = call(
        &fake,
        "PATCH",
        &format!("{ZONE}/snapshots/{id}"),
        Some(r#"{"name":"renamed"}"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        get(&fake, &format!("{ZONE}/snapshots/{id}")).json()["name"],
        "renamed"
    );

    assert_eq!(
        call(&fake, "DELETE", &format!("{ZONE}/snapshots/{id}"), None).status,
        204
    );
    assert_eq!(get(&fake, &format!("{ZONE}/snapshots/{id}")).status, 404);
    assert_eq!(
        get(&fake, &format!("{ZONE}/snapshots"))
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
