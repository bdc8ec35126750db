//! What each DNS write sends, request by request: the snapshot first, then
//! exactly one write with the right route and body (TTL kept, sharing_id on
//! every call), never repeated, and refused before any write when the
//! resulting zone would be broken.

use serde_json::{json, Value};

use crate::dns::{records, rrset, skill};
use crate::fake::{FakeGandi, Fault, FaultKind, TOKEN_FULL};
use crate::support::{writes, Skill};

const SNAPSHOTS: &str = "POST /v5/livedns/domains/example.com/snapshots";

/// The JSON body of the one request with this method and path.
fn body_of(fake: &FakeGandi, method: &str, path: &str) -> Value {
    let found: Vec<Value> = fake
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .map(|r| r.json())
        .collect();
    assert_eq!(found.len(), 1, "one {method} {path}");
    found[0].clone()
}

#[test]
fn set_and_remove_snapshot_then_write_once_with_the_exact_body() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let set = json!({"action":"dns.records.set","domain":"example.com","name":"@","type":"A","values":["192.0.2.10"]});
    let run = s.confirm(&set.to_string());
    run.assert_ok();
    assert!(
        run.reply["meta"]["snapshot_id"].is_string(),
        "{}",
        run.stdout
    );
    assert_eq!(
        writes(&fake),
        [
            SNAPSHOTS,
            "PUT /v5/livedns/domains/example.com/records/%40/A"
        ]
    );
    assert_eq!(
        body_of(
            &fake,
            "PUT",
            "/v5/livedns/domains/example.com/records/%40/A"
        ),
        json!({"rrset_values":["192.0.2.10"],"rrset_ttl":10800})
    );
    for r in fake.requests().iter().filter(|r| r.method != "GET") {
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{} {} without a JSON content type",
            r.method,
            r.path
        );
    }

    fake.clear_requests();
    let remove =
        json!({"action":"dns.records.remove","domain":"example.com","name":"_dmarc","type":"TXT"});
    let run = s.confirm(&remove.to_string());
    run.assert_ok();
    assert!(run.reply["meta"]["snapshot_id"].is_string());
    assert_eq!(
        writes(&fake),
        [
            SNAPSHOTS,
            "DELETE /v5/livedns/domains/example.com/records/_dmarc/TXT"
        ]
    );
    assert!(rrset(&records(&s, "example.com"), "_dmarc", "TXT").is_none());
}

#[test]
fn a_ttl_other_than_the_default_is_kept_by_add_set_and_apply() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    // blog A has TTL 300 and _sip._tcp SRV 3600 in the seed (the default is 10800).
    s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"blog","type":"A","values":["198.51.100.9"],"snapshot":false}"#)
        .assert_ok();
    let put = body_of(
        &fake,
        "PUT",
        "/v5/livedns/domains/example.com/records/blog/A",
    );
    assert_eq!(put["rrset_ttl"], 300, "{put}");
    assert_eq!(put["rrset_values"], json!(["198.51.100.7", "198.51.100.9"]));

    fake.clear_requests();
    let set = json!({"action":"dns.records.set","domain":"example.com","name":"_sip._tcp","type":"SRV","values":["20 60 5060 sip.example.com."],"snapshot":false});
    s.confirm(&set.to_string()).assert_ok();
    let put = body_of(
        &fake,
        "PUT",
        "/v5/livedns/domains/example.com/records/_sip._tcp/SRV",
    );
    assert_eq!(put["rrset_ttl"], 3600, "{put}");

    fake.clear_requests();
    let apply = json!({"action":"dns.zone.apply","domain":"example.com","mode":"merge","snapshot":false,
        "rrsets":[{"name":"blog","type":"A","values":["198.51.100.10"]}]});
    s.confirm(&apply.to_string()).assert_ok();
    let put = body_of(&fake, "PUT", "/v5/livedns/domains/example.com/records/blog");
    assert_eq!(
        put,
        json!({"items":[{"rrset_type":"A","rrset_ttl":300,"rrset_values":["198.51.100.10"]}]})
    );
}

#[test]
fn every_request_of_a_write_carries_the_sharing_id() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let org = fake.with_state(|st| st.personal_org_id());
    let add = json!({"action":"dns.records.add","domain":"example.com","name":"new","type":"A","values":["192.0.2.1"],"sharing_id":org});
    s.run(&add.to_string()).assert_ok();
    let remove = json!({"action":"dns.records.remove","domain":"example.com","name":"new","type":"A","sharing_id":org});
    s.confirm(&remove.to_string()).assert_ok();
    let reqs = fake.requests();
    assert!(reqs.iter().any(|r| r.method == "POST"));
    assert!(reqs.iter().any(|r| r.method == "DELETE"));
    // Every request to the API; token introspection goes to the id host.
    for r in reqs.iter().filter(|r| r.path != "/tokeninfo") {
        let ids: Vec<&String> = r
            .query
            .iter()
            .filter(|(k, _)| k == "sharing_id")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(ids, [&org], "{} {} {:?}", r.method, r.path, r.query);
    }
}

#[test]
fn a_write_that_fails_or_loses_its_answer_is_sent_once() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let add = r#"{"action":"dns.records.add","domain":"example.com","name":"new","type":"A","values":["192.0.2.1"],"snapshot":false}"#;
    // A 429 was refused before it was made, so trying again is right; after
    // a 503 or a lost answer the change may have been made.
    for (kind, code, exit, hint_says) in [
        (
            FaultKind::Status {
                status: 503,
                retry_after: Some("0".into()),
            },
            "api.server_error",
            1,
            "check whether it took effect",
        ),
        (
            FaultKind::Status {
                status: 429,
                retry_after: Some("0".into()),
            },
            "api.rate_limited",
            1,
            "try again",
        ),
        (
            FaultKind::DropConnection,
            "network.unreachable",
            5,
            "may or may not have been made",
        ),
    ] {
        fake.clear_requests();
        fake.inject(Fault::on(
            "POST",
            "/v5/livedns/domains/example.com/records",
            3,
            kind,
        ));
        let run = s.run(add);
        let err = run.assert_error(code, exit);
        let hint = err["hint"].as_str().unwrap_or("");
        assert!(hint.contains(hint_says), "{err}");
        assert_eq!(writes(&fake).len(), 1, "{code}: {:?}", writes(&fake));
        fake.clear_faults();
    }
}

#[test]
fn restore_replaces_the_zone_with_the_snapshot_in_one_put() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let original = records(&s, "example.com").result()["records"].clone();
    let created = s.run(r#"{"action":"dns.snapshots.create","domain":"example.com"}"#);
    let id = created.assert_ok()["snapshot_id"]
        .as_str()
        .expect("snapshot id")
        .to_string();
    // Two names change after the snapshot, so the restore is one whole-zone PUT.
    s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"extra","type":"A","values":["192.0.2.55"],"snapshot":false}"#)
        .assert_ok();
    s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"blog","type":"A","values":["198.51.100.99"],"snapshot":false}"#)
        .assert_ok();

    fake.clear_requests();
    let restore = json!({"action":"dns.snapshots.restore","domain":"example.com","snapshot_id":id});
    let run = s.run(&restore.to_string());
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert_eq!(
        run.reply["preview"]["summary"],
        json!({"added":0,"changed":1,"removed":1,"unchanged":9}),
        "extra goes, blog goes back: {}",
        run.stdout
    );
    assert!(
        run.reply["warnings"]
            .to_string()
            .contains("every change made since, by anyone, is undone too"),
        "{}",
        run.stdout
    );
    fake.clear_requests();
    s.confirm(&restore.to_string()).assert_ok();
    assert_eq!(
        writes(&fake),
        [SNAPSHOTS, "PUT /v5/livedns/domains/example.com/records"]
    );
    let snapshot = fake.with_state(|st| {
        st.snapshots["example.com"]
            .iter()
            .find(|sn| sn.id == id)
            .map(|sn| sn.zone_data.len())
    });
    let put = body_of(&fake, "PUT", "/v5/livedns/domains/example.com/records");
    assert_eq!(
        put["items"].as_array().map(Vec::len),
        snapshot,
        "the snapshot's rrsets, all of them"
    );
    let now = records(&s, "example.com");
    assert!(rrset(&now, "extra", "A").is_none());
    assert_eq!(now.result()["records"], original);
}

#[test]
fn import_writes_the_file_in_one_put_and_merge_leaves_the_rest() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let text = "$ORIGIN example.com.\n$TTL 3600\n@ IN A 192.0.2.1\n  IN MX ( 10\n spool.mail.gandi.net. ) ; mail\nwww.example.com. 300 IN CNAME webredir.vip.gandi.net.\n";
    let import = json!({"action":"dns.zone.import","domain":"example.com","zone_text":text});
    s.confirm(&import.to_string()).assert_ok();
    assert_eq!(
        writes(&fake),
        [SNAPSHOTS, "PUT /v5/livedns/domains/example.com/records"]
    );
    let put = body_of(&fake, "PUT", "/v5/livedns/domains/example.com/records");
    let items = put["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "replace: the file is the zone: {put}");
    assert!(items.contains(
        &json!({"rrset_name":"@","rrset_type":"A","rrset_ttl":3600,"rrset_values":["192.0.2.1"]})
    ));
    let now = records(&s, "example.com");
    assert!(rrset(&now, "blog", "A").is_none());

    // Merge: only the rrsets in the file are touched.
    fake.clear_requests();
    let merge = json!({"action":"dns.zone.import","domain":"example.com","mode":"merge",
        "zone_text":"blog 300 IN A 198.51.100.7\n"});
    let run = s.confirm(&merge.to_string());
    assert_eq!(run.assert_ok()["summary"]["removed"], 0);
    let after = records(&s, "example.com");
    assert_eq!(
        after.result()["records"].as_array().map(Vec::len),
        Some(4),
        "{}",
        after.stdout
    );
}

#[test]
fn an_apply_that_would_put_a_cname_beside_other_data_is_refused() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let apply = json!({"action":"dns.zone.apply","domain":"example.com","mode":"merge",
        "rrsets":[{"name":"blog","type":"CNAME","values":["x.example.net."]}]});
    let err = s
        .run(&apply.to_string())
        .assert_error("safety.refused", 6)
        .clone();
    assert!(
        err["message"].as_str().unwrap_or("").contains("blog"),
        "{err}"
    );
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
}

#[test]
fn a_name_gandi_answers_404_for_is_created_with_post() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    fake.inject(Fault::on(
        "GET",
        "/v5/livedns/domains/example.com/records/fresh",
        1,
        FaultKind::RecordNotFound,
    ));
    let add = r#"{"action":"dns.records.add","domain":"example.com","name":"fresh","type":"A","values":["192.0.2.8"]}"#;
    s.run(add).assert_ok();
    assert_eq!(
        writes(&fake),
        [
            SNAPSHOTS,
            "POST /v5/livedns/domains/example.com/records/fresh/A"
        ]
    );
    assert_eq!(
        body_of(
            &fake,
            "POST",
            "/v5/livedns/domains/example.com/records/fresh/A"
        ),
        json!({"rrset_values":["192.0.2.8"],"rrset_ttl":10800})
    );
}

#[test]
fn a_write_that_never_left_keeps_the_network_hint() {
    // Nothing listens on port 1: the connection is refused before sending.
    let run = Skill::new(None)
        .env("GANDI_API_URL", "http://127.0.0.1:1")
        .env("GANDI_API_TOKEN", TOKEN_FULL)
        .secret(TOKEN_FULL)
        .run(r#"{"action":"dns.snapshots.create","domain":"example.com"}"#);
    let err = run.assert_error("network.unreachable", 5);
    let hint = err["hint"].as_str().unwrap_or("");
    assert!(hint.contains("check the network connection"), "{err}");
    assert!(!hint.contains("may or may not"), "{err}");
}

#[test]
fn set_swaps_a_cname_for_an_address_in_one_per_name_write() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    // add never removes, so it refuses and points to set.
    let err = s
        .run(r#"{"action":"dns.records.add","domain":"example.com","name":"www","type":"A","values":["203.0.113.10"]}"#)
        .assert_error("safety.refused", 6)
        .clone();
    assert!(
        err["hint"]
            .as_str()
            .unwrap_or("")
            .contains("dns.records.set"),
        "{err}"
    );
    assert!(writes(&fake).is_empty());

    let set = json!({"action":"dns.records.set","domain":"example.com","name":"www","type":"A","values":["203.0.113.10"]});
    let run = s.run(&set.to_string());
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert_eq!(
        run.reply["preview"]["summary"],
        json!({"added":1,"changed":0,"removed":1,"unchanged":0})
    );
    assert!(writes(&fake).is_empty(), "the preview writes nothing");
    s.confirm(&set.to_string()).assert_ok();
    assert_eq!(
        writes(&fake),
        [SNAPSHOTS, "PUT /v5/livedns/domains/example.com/records/www"]
    );
    assert_eq!(
        body_of(&fake, "PUT", "/v5/livedns/domains/example.com/records/www"),
        json!({"items":[{"rrset_type":"A","rrset_ttl":10800,"rrset_values":["203.0.113.10"]}]})
    );
    let now = records(&s, "example.com");
    assert!(rrset(&now, "www", "CNAME").is_none());
    assert_eq!(
        rrset(&now, "www", "A").expect("A")["values"],
        json!(["203.0.113.10"])
    );

    // Merge mode keeps what it is not given, so it refuses, and says why.
    let apply = json!({"action":"dns.zone.apply","domain":"example.com","mode":"merge",
        "rrsets":[{"name":"www","type":"CNAME","values":["web.example.net."]}]});
    let err = s
        .run(&apply.to_string())
        .assert_error("safety.refused", 6)
        .clone();
    assert!(
        err["message"].as_str().unwrap_or("").contains("beside A"),
        "{err}"
    );
    assert!(
        err["hint"].as_str().unwrap_or("").contains("replace"),
        "{err}"
    );
}

#[test]
fn a_second_spf_value_is_refused_but_fixing_two_is_not() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"TXT","values":["v=spf1 include:_spf.google.com ~all"]}"#);
    let err = run.assert_error("safety.refused", 6);
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains("2 SPF values"),
        "{err}"
    );
    assert!(
        err["hint"]
            .as_str()
            .unwrap_or("")
            .contains("dns.records.set"),
        "{err}"
    );
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));

    // A zone that already has two (made elsewhere) can be cleaned up.
    fake.with_state(|st| {
        if let Some(z) = st.zones.get_mut("example.com") {
            for r in z
                .rrsets
                .iter_mut()
                .filter(|r| r.name == "@" && r.rtype == "TXT")
            {
                r.values.push("\"v=spf1 -all\"".into());
            }
        }
    });
    let remove = json!({"action":"dns.records.remove","domain":"example.com","name":"@","type":"TXT","values":["v=spf1 -all"]});
    s.confirm(&remove.to_string()).assert_ok();
    // The merged policy replaces the old one with set.
    let set = json!({"action":"dns.records.set","domain":"example.com","name":"@","type":"TXT",
        "values":["v=spf1 include:_mailcust.gandi.net include:_spf.google.com ~all"]});
    s.confirm(&set.to_string()).assert_ok();
}
