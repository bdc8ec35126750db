//! LiveDNS editing as a user lives it: values are added, never clobbered;
//! destructive changes wait for confirmation and show the exact diff; every
//! write is snapshotted first and can be undone; zone plans cost a constant
//! number of requests; bad records never leave the machine.

use serde_json::{json, Value};

use crate::fake::state::{Rrset as FakeRrset, Zone};
use crate::fake::{FakeGandi, Fault, FaultKind, TOKEN_FULL, TOKEN_READONLY};
use crate::support::{Run, Skill};

pub(crate) fn skill(fake: &FakeGandi) -> Skill {
    Skill::with_env_token(fake, TOKEN_FULL)
}

pub(crate) fn rrset(run: &Run, name: &str, rtype: &str) -> Option<Value> {
    run.result()["records"]
        .as_array()?
        .iter()
        .find(|r| r["name"] == name && r["type"] == rtype)
        .cloned()
}

pub(crate) fn records(s: &Skill, zone: &str) -> Run {
    let run = s.run(&format!(
        r#"{{"action":"dns.records.list","domain":"{zone}"}}"#
    ));
    run.assert_ok();
    run
}

fn methods(fake: &FakeGandi) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn adding_a_second_mx_keeps_the_first_and_its_ttl() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let before = rrset(&records(&s, "example.com"), "@", "MX").expect("seeded MX");
    fake.clear_requests();
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"MX","values":["20 backup.example.net."]}"#);
    let r = run.assert_ok();
    assert_eq!(r["applied"], true);
    assert_eq!(r["summary"]["changed"], 1);
    let snapshot_id = run.reply["meta"]["snapshot_id"]
        .as_str()
        .expect("snapshot id")
        .to_string();
    let reqs = fake.requests();
    let writes: Vec<_> = reqs.iter().filter(|r| r.method != "GET").collect();
    assert_eq!(writes.len(), 2, "{:?}", methods(&fake));
    assert_eq!(writes[0].method, "POST");
    assert_eq!(writes[0].path, "/v5/livedns/domains/example.com/snapshots");
    assert_eq!(writes[1].method, "PUT");
    assert_eq!(
        writes[1].path,
        "/v5/livedns/domains/example.com/records/%40/MX"
    );
    let body = writes[1].json();
    assert_eq!(
        body["rrset_ttl"], before["ttl"],
        "the existing TTL is kept, not reset to 10800"
    );
    assert_eq!(
        body["rrset_values"],
        json!(["10 spool.mail.gandi.net.", "20 backup.example.net."])
    );
    let after = rrset(&records(&s, "example.com"), "@", "MX").expect("MX");
    assert_eq!(
        after["values"],
        json!(["10 spool.mail.gandi.net.", "20 backup.example.net."])
    );
    assert_eq!(after["ttl"], before["ttl"]);
    let snaps = s.run(r#"{"action":"dns.snapshots.list","domain":"example.com"}"#);
    assert!(snaps.assert_ok()["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == snapshot_id.as_str()));
}

#[test]
fn adding_a_txt_keeps_the_spf_value_and_quotes_the_new_one() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"TXT","values":["google-site-verification=abc123"]}"#);
    run.assert_ok();
    let txt = rrset(&records(&s, "example.com"), "@", "TXT").expect("TXT");
    let values: Vec<&str> = txt["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        values.contains(&"\"v=spf1 include:_mailcust.gandi.net ?all\""),
        "{values:?}"
    );
    assert!(
        values.contains(&"\"google-site-verification=abc123\""),
        "{values:?}"
    );
    // Adding a value that is already there writes nothing at all.
    fake.clear_requests();
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"TXT","values":["google-site-verification=abc123"]}"#);
    assert_eq!(run.assert_ok()["applied"], false);
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        methods(&fake)
    );
}

#[test]
fn add_creates_a_missing_rrset_with_post_and_a_long_dkim_key_round_trips() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let key = format!("v=DKIM1; k=rsa; p={}", "A".repeat(400));
    let req = json!({"action":"dns.records.add","domain":"example.com","name":"s2._domainkey","type":"TXT","values":[key],"ttl":3600});
    let run = s.run(&req.to_string());
    assert_eq!(run.assert_ok()["summary"]["added"], 1);
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.contains("/records/"))
        .expect("POST");
    assert_eq!(
        post.path,
        "/v5/livedns/domains/example.com/records/s2._domainkey/TXT"
    );
    let got = s.run(r#"{"action":"dns.records.get","domain":"example.com","name":"s2._domainkey","type":"TXT"}"#);
    let value = got.assert_ok()["record"]["values"][0]
        .as_str()
        .unwrap()
        .to_string();
    let joined: String = value
        .split("\" \"")
        .collect::<Vec<_>>()
        .join("")
        .trim_matches('"')
        .to_string();
    assert_eq!(joined, key);
    assert!(value
        .split("\" \"")
        .all(|chunk| chunk.trim_matches('"').len() <= 255));
    // Adding the same key again is recognised as already there.
    assert_eq!(s.run(&req.to_string()).assert_ok()["applied"], false);
}

#[test]
fn remove_previews_then_removes_only_the_value_and_restore_undoes_it() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"MX","values":["20 backup.example.net."],"snapshot":false}"#).assert_ok();
    let original = records(&s, "example.com").result()["records"].clone();
    fake.clear_requests();
    let req = r#"{"action":"dns.records.remove","domain":"example.com","name":"@","type":"MX","values":["20 backup.example.net."]}"#;
    let run = s.run(req);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.code, 3);
    assert_eq!(run.reply["confirm_with"]["confirm"], true);
    let plan = run.reply["confirm_with"]["plan"]
        .as_str()
        .expect("a plan token");
    assert_eq!(run.reply["preview"]["plan"], plan);
    let change = &run.reply["preview"]["changes"][0];
    assert_eq!(change["op"], "change");
    assert_eq!(
        change["before"]["values"],
        json!(["10 spool.mail.gandi.net.", "20 backup.example.net."])
    );
    assert_eq!(
        change["after"]["values"],
        json!(["10 spool.mail.gandi.net."])
    );
    assert_eq!(
        run.reply["preview"]["summary"],
        json!({"added":0,"changed":1,"removed":0,"unchanged":0})
    );
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "only GETs: {:?}",
        methods(&fake)
    );

    fake.clear_requests();
    let run = s.confirm(req);
    run.assert_ok();
    let snapshot_id = run.reply["meta"]["snapshot_id"]
        .as_str()
        .expect("snapshot id")
        .to_string();
    let writes: Vec<String> = methods(&fake)
        .into_iter()
        .filter(|m| !m.starts_with("GET"))
        .collect();
    assert_eq!(
        writes,
        vec![
            "POST /v5/livedns/domains/example.com/snapshots".to_string(),
            "PUT /v5/livedns/domains/example.com/records/%40/MX".to_string(),
        ]
    );
    let mx = rrset(&records(&s, "example.com"), "@", "MX").expect("MX kept");
    assert_eq!(mx["values"], json!(["10 spool.mail.gandi.net."]));

    let restore = format!(
        r#"{{"action":"dns.snapshots.restore","domain":"example.com","snapshot_id":"{snapshot_id}"}}"#
    );
    let run = s.run(&restore);
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert_eq!(
        run.reply["preview"]["changes"][0]["after"]["values"],
        json!(["10 spool.mail.gandi.net.", "20 backup.example.net."])
    );
    let run = s.confirm(&restore);
    run.assert_ok();
    assert!(
        run.reply["meta"]["snapshot_id"].is_string(),
        "the current zone is snapshotted first"
    );
    assert_eq!(
        records(&s, "example.com").result()["records"],
        original,
        "restore brings the zone back exactly"
    );
}

#[test]
fn removing_a_whole_rrset_deletes_it_and_missing_values_are_refused() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.confirm(
        r#"{"action":"dns.records.remove","domain":"example.com","name":"_dmarc","type":"TXT"}"#,
    );
    assert_eq!(run.assert_ok()["summary"]["removed"], 1);
    assert!(methods(&fake)
        .contains(&"DELETE /v5/livedns/domains/example.com/records/_dmarc/TXT".to_string()));
    fake.clear_requests();
    let run = s.run(r#"{"action":"dns.records.remove","domain":"example.com","name":"@","type":"MX","values":["30 nothere.example."],"confirm":true}"#);
    let err = run.assert_error("api.not_found", 1);
    assert_eq!(err["details"]["field"], "values");
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_preview_that_takes_mail_or_a_site_down_says_so() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run =
        s.run(r#"{"action":"dns.records.remove","domain":"example.com","name":"@","type":"MX"}"#);
    assert_eq!(run.reply["status"], "needs_confirmation");
    let warnings = run.reply["warnings"].to_string();
    assert!(
        warnings
            .contains("example.com loses every MX record: mail sent to it is no longer delivered"),
        "{warnings}"
    );
    let run = s.run(r#"{"action":"dns.zone.apply","domain":"example.com","mode":"merge","rrsets":[{"name":"@","type":"TXT","values":["google-site-verification=abc"]},{"name":"blog","type":"A","values":["198.51.100.8"]}]}"#);
    assert_eq!(run.reply["status"], "needs_confirmation");
    let warnings = run.reply["warnings"].to_string();
    assert!(
        warnings.contains("example.com loses its SPF record"),
        "{warnings}"
    );
    assert!(
        !warnings.contains("blog"),
        "a changed address is not a lost site: {warnings}"
    );
    assert!(fake.requests().iter().all(|r| r.method == "GET"));

    // Adding warns of nothing.
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"MX","values":["50 fb.mail.gandi.net."]}"#);
    run.assert_ok();
    assert_eq!(run.reply["warnings"], json!([]), "{}", run.stdout);
}

#[test]
fn dry_run_previews_without_any_write_or_snapshot() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    for req in [
        r#"{"action":"dns.records.add","dry_run":true,"domain":"example.com","name":"new","type":"A","values":["192.0.2.7"]}"#,
        r#"{"action":"dns.records.remove","dry_run":true,"confirm":true,"domain":"example.com","name":"@","type":"MX"}"#,
    ] {
        let run = s.run(req);
        let r = run.assert_ok();
        assert_eq!(run.reply["meta"]["dry_run"], true);
        assert!(r["changes"].as_array().is_some_and(|c| c.len() == 1), "{r}");
        assert!(run.reply["meta"].get("snapshot_id").is_none());
    }
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        methods(&fake)
    );
}

#[test]
fn set_replaces_values_after_confirmation_and_keeps_ttl() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let before = rrset(&records(&s, "example.com"), "@", "A").expect("A");
    let req = r#"{"action":"dns.records.set","domain":"example.com","name":"@","type":"A","values":["2001:db8::1"]}"#;
    let run = s.run(req);
    let err = run.assert_error("request.invalid_params", 2);
    assert_eq!(err["details"]["field"], "values");
    let req = r#"{"action":"dns.records.set","domain":"example.com","name":"@","type":"A","values":["192.0.2.10"]}"#;
    assert_eq!(s.run(req).code, 3);
    s.confirm(req).assert_ok();
    let after = rrset(&records(&s, "example.com"), "@", "A").expect("A");
    assert_eq!(after["values"], json!(["192.0.2.10"]));
    assert_eq!(after["ttl"], before["ttl"]);
}

#[test]
fn a_cname_beside_other_records_is_refused_before_any_write() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"www","type":"A","values":["192.0.2.1"]}"#);
    let err = run.assert_error("safety.refused", 6);
    assert!(err["message"].as_str().unwrap().contains("CNAME"), "{err}");
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"@","type":"CNAME","values":["other.example.net."]}"#);
    run.assert_error("request.invalid_params", 2);
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn validation_rejections_send_nothing_and_name_field_value_expectation() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let cases = [
        (
            r#""name":"x","type":"A","values":["256.1.1.1"]"#,
            "values",
            "256.1.1.1",
        ),
        (
            r#""name":"x","type":"A","values":["01.02.03.004"]"#,
            "values",
            "01.02.03.004",
        ),
        (
            r#""name":"x","type":"BOGUS","values":["1"]"#,
            "type",
            "BOGUS",
        ),
        (
            r#""name":"x","type":"A","values":["192.0.2.1"],"ttl":60"#,
            "ttl",
            "60",
        ),
        (
            r#""name":"x","type":"MX","values":["mail.example.net."]"#,
            "values",
            "mail.example.net.",
        ),
        (
            r#""name":"x","type":"SRV","values":["10 5 70000 sip.example.net."]"#,
            "values",
            "10 5 70000 sip.example.net.",
        ),
        (
            r#""name":"x","type":"CAA","values":["0 issue-bogus \"ca.example\""]"#,
            "values",
            "0 issue-bogus \"ca.example\"",
        ),
        (
            r#""name":"www.other.org.","type":"A","values":["192.0.2.1"]"#,
            "name",
            "www.other.org.",
        ),
        (r#""name":"x","type":"A","values":[]"#, "values", ""),
    ];
    for (params, field, value) in cases {
        let run = s.run(&format!(
            r#"{{"action":"dns.records.add","domain":"example.com",{params}}}"#
        ));
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], field, "{params}: {err}");
        if !value.is_empty() {
            assert_eq!(err["details"]["value"], value, "{params}: {err}");
        }
        assert!(
            err["details"]["expected"]
                .as_str()
                .is_some_and(|e| !e.is_empty()),
            "{err}"
        );
    }
    assert!(fake.requests().is_empty(), "{:?}", methods(&fake));
    for v in ["2001:db8::1", "::ffff:1.2.3.4", "2001:DB8:0:0:0:0:0:2"] {
        let req = json!({"action":"dns.records.add","domain":"example.com","name":"v6","type":"AAAA","values":[v],"dry_run":true});
        s.run(&req.to_string()).assert_ok();
    }
}

#[test]
fn a_new_full_name_without_its_final_dot_is_refused_but_a_held_one_passes() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    for (params, value) in [
        (
            r#""name":"shop","type":"CNAME","values":["ghs.googlehosted.com"]"#,
            "ghs.googlehosted.com",
        ),
        (
            r#""name":"@","type":"MX","values":["10 mail.example.com"]"#,
            "10 mail.example.com",
        ),
    ] {
        let run = s.run(&format!(
            r#"{{"action":"dns.records.add","domain":"example.com",{params}}}"#
        ));
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["value"], value, "{err}");
        assert!(
            err["details"]["expected"]
                .as_str()
                .unwrap_or("")
                .contains("final dot"),
            "{err}"
        );
    }
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        methods(&fake)
    );
    // A broken value Gandi already holds can be sent back unchanged.
    fake.with_state(|st| {
        if let Some(z) = st.zones.get_mut("example.com") {
            z.rrsets.push(FakeRrset::new(
                "legacy",
                "CNAME",
                10800,
                &["host.example.com"],
            ));
        }
    });
    let apply = json!({"action":"dns.zone.apply","domain":"example.com","mode":"merge",
        "rrsets":[{"name":"legacy","type":"CNAME","values":["host.example.com"]},
                  {"name":"blog","type":"A","values":["198.51.100.7"],"ttl":300}]});
    let run = s.run(&apply.to_string());
    assert_eq!(run.assert_ok()["summary"]["unchanged"], 2, "{}", run.stdout);
}

#[test]
fn a_second_cname_target_is_refused_before_any_write() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"www","type":"CNAME","values":["other.example.net."]}"#);
    let err = run.assert_error("safety.refused", 6);
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains("webredir.vip.gandi.net."),
        "{err}"
    );
    assert!(
        err["hint"]
            .as_str()
            .unwrap_or("")
            .contains("dns.records.set"),
        "{err}"
    );
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "no snapshot, no write: {:?}",
        methods(&fake)
    );
}

#[test]
fn an_opendkim_record_pasted_with_parentheses_is_stored_as_its_strings() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let pasted = "( \"v=DKIM1; k=rsa; \"\n\t  \"p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5\" )  ; ----- DKIM key mail for example.com";
    let req = json!({"action":"dns.records.add","domain":"example.com","name":"mail._domainkey","type":"TXT","values":[pasted]});
    s.run(&req.to_string()).assert_ok();
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/records/mail._domainkey/TXT"))
        .expect("the rrset was created");
    let body: Value = serde_json::from_str(&post.body).expect("JSON body");
    assert_eq!(
        body["rrset_values"],
        json!(["\"v=DKIM1; k=rsa; \" \"p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5\""])
    );
}

#[test]
fn a_write_after_a_500_is_not_repeated_and_a_read_only_token_is_explained() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    fake.inject(Fault {
        method: Some("POST".into()),
        path_prefix: "/v5/livedns/domains/example.com/records".into(),
        times: 1,
        kind: FaultKind::Status {
            status: 500,
            retry_after: None,
        },
    });
    let run = s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"new","type":"A","values":["192.0.2.1"],"snapshot":false}"#);
    run.assert_error("api.server_error", 1);
    let posts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "a POST is sent once, never replayed");

    fake.clear_requests();
    let ro = Skill::new(Some(&fake)).token_file("api_token", TOKEN_READONLY, 0o600);
    let run = ro.run(r#"{"action":"dns.records.add","domain":"example.com","name":"new2","type":"A","values":["192.0.2.1"]}"#);
    let err = run.assert_error("auth.forbidden", 4);
    let hint = err["hint"].as_str().unwrap();
    assert!(hint.contains("DNS management (write)"), "{hint}");
    assert!(
        hint.contains(&ro.config_dir().join("api_token").display().to_string()),
        "{hint}"
    );
}

#[test]
fn zone_apply_merge_and_replace_in_one_request() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let req = json!({"action":"dns.zone.apply","domain":"example.com","mode":"merge","confirm":true,
        "rrsets":[{"name":"api","type":"A","values":["192.0.2.20"]},{"name":"@","type":"MX","values":["10 spool.mail.gandi.net."]}]});
    fake.clear_requests();
    let run = s.confirm(&req.to_string());
    let r = run.assert_ok();
    assert_eq!(r["summary"]["added"], 1);
    assert_eq!(r["summary"]["unchanged"], 1);
    let writes: Vec<String> = methods(&fake)
        .into_iter()
        .filter(|m| !m.starts_with("GET"))
        .collect();
    assert_eq!(writes.len(), 2, "snapshot + one write: {writes:?}");
    // Applying the same plan again is an empty diff: nothing is written.
    fake.clear_requests();
    let run = s.run(&req.to_string());
    assert_eq!(run.assert_ok()["applied"], false);
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
    // Replace previews removals of everything not listed.
    let req = json!({"action":"dns.zone.apply","domain":"example.com","mode":"replace",
        "rrsets":[{"name":"@","type":"A","values":["192.0.2.1"]}]});
    let run = s.run(&req.to_string());
    assert_eq!(run.code, 3);
    assert!(run.reply["preview"]["summary"]["removed"].as_u64().unwrap() > 3);
}

#[test]
fn zone_apply_of_5000_rrsets_costs_a_constant_number_of_requests() {
    let fake = FakeGandi::start();
    let live: Vec<Value> = (0..5000).map(|i| json!({"rrset_name": format!("h{i:05}"), "rrset_type": "A", "rrset_ttl": 3600, "rrset_values": [format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)]})).collect();
    let rrsets = live
        .iter()
        .map(|r| {
            FakeRrset::new(
                r["rrset_name"].as_str().unwrap(),
                "A",
                3600,
                &[r["rrset_values"][0].as_str().unwrap()],
            )
        })
        .collect();
    fake.with_state(|st| {
        st.zones
            .insert("big.test".into(), Zone::new("big.test", rrsets))
    });
    let mut desired: Vec<Value> = live.iter().map(|r| json!({"name": r["rrset_name"], "type": "A", "ttl": 3600, "values": r["rrset_values"]})).collect();
    for i in 0..100 {
        desired[i * 7]["values"] = json!(["192.0.2.1"]);
    }
    for i in 0..100 {
        desired.remove(4000 - i);
    }
    for i in 0..100 {
        desired
            .push(json!({"name": format!("new{i}"), "type": "TXT", "values": [format!("v{i}")]}));
    }
    let req =
        json!({"action":"dns.zone.apply","domain":"big.test","mode":"replace","rrsets":desired});
    // A request this large goes on stdin (one argument is capped at 128 KiB
    // by the OS). Only the confirmed run's requests are counted.
    let run = Skill::with_env_token(&fake, TOKEN_FULL)
        .confirm_with(&req.to_string(), |_| fake.clear_requests());
    let r = run.assert_ok();
    assert_eq!(
        r["summary"],
        json!({"added":100,"changed":100,"removed":100,"unchanged":4800})
    );
    let reqs = methods(&fake);
    let writes: Vec<&String> = reqs.iter().filter(|m| !m.starts_with("GET")).collect();
    assert_eq!(
        writes,
        vec![
            "POST /v5/livedns/domains/big.test/snapshots",
            "PUT /v5/livedns/domains/big.test/records"
        ]
    );
    // The token's permissions, ten pages of 500, the snapshot, the write.
    assert!(
        reqs.len() <= 13,
        "reads are whole pages of 500, not one per record: {}",
        reqs.len()
    );
    let count = fake.with_state(|st| st.zones["big.test"].rrsets.len());
    assert_eq!(count, 5000);
}

#[test]
fn export_then_import_of_every_seeded_zone_is_an_empty_diff() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let zones = s.run(r#"{"action":"dns.zones.list"}"#);
    let zones: Vec<String> = zones.assert_ok()["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["fqdn"].as_str().unwrap().to_string())
        .collect();
    assert!(zones.len() >= 2);
    for zone in zones {
        let export = s.run(&format!(
            r#"{{"action":"dns.zone.export","domain":"{zone}"}}"#
        ));
        let text = export.assert_ok()["zone_text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(text.contains(" IN "), "{text}");
        fake.clear_requests();
        let import =
            json!({"action":"dns.zone.import","domain":zone,"zone_text":text,"confirm":true});
        let run = s.run(&import.to_string());
        let r = run.assert_ok();
        assert_eq!(r["applied"], false, "{zone}: {}", run.stdout);
        assert_eq!(r["summary"]["added"], 0);
        assert_eq!(r["summary"]["changed"], 0);
        assert_eq!(r["summary"]["removed"], 0);
        assert!(
            fake.requests().iter().all(|r| r.method == "GET"),
            "{zone}: {:?}",
            methods(&fake)
        );
    }
}

#[test]
fn import_of_a_zone_file_previews_then_applies() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let text = "$ORIGIN example.com.\n$TTL 3600\n@ IN A 192.0.2.1\n  IN MX ( 10\n spool.mail.gandi.net. ) ; mail\nwww.example.com. 300 IN CNAME webredir.vip.gandi.net.\n";
    let req = json!({"action":"dns.zone.import","domain":"example.com","zone_text":text});
    let run = s.run(&req.to_string());
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.reply["preview"]["summary"]["removed"].as_u64().unwrap() >= 1);
    let bad =
        json!({"action":"dns.zone.import","domain":"example.com","zone_text":"@ IN A 999.1.1.1\n"});
    let err = s.run(&bad.to_string());
    let e = err.assert_error("request.invalid_params", 2);
    assert_eq!(e["details"]["field"], "zone_text");
}

#[test]
fn a_dry_run_snapshot_still_checks_the_zone() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"dns.snapshots.create","domain":"example.com","dry_run":true}"#);
    run.assert_ok();
    assert_eq!(run.reply["meta"]["dry_run"], true);
    // The token's permissions, then the zone: nothing else.
    assert_eq!(
        methods(&fake),
        ["GET /tokeninfo", "GET /v5/livedns/domains/example.com"]
    );
    let run = s.run(
        r#"{"action":"dns.snapshots.create","domain":"not-a-zone-of-mine.com","dry_run":true}"#,
    );
    run.assert_error("api.not_found", 1);
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn snapshots_create_get_delete() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"dns.snapshots.create","domain":"example.com","snapshot_name":"before migration"}"#);
    let id = run.assert_ok()["snapshot_id"].as_str().unwrap().to_string();
    // Newest first: the first page holds the restore point just made.
    fake.clear_requests();
    let first =
        s.run(r#"{"action":"dns.snapshots.list","domain":"example.com","page":1,"per_page":1}"#);
    assert_eq!(first.assert_ok()["snapshots"][0]["id"], id.as_str());
    assert_eq!(
        fake.requests()[0].query_value("sort_by"),
        Some("-date_created")
    );
    let got = s.run(&format!(
        r#"{{"action":"dns.snapshots.get","domain":"example.com","snapshot_id":"{id}"}}"#
    ));
    let g = got.assert_ok();
    assert_eq!(g["snapshot"]["name"], "before migration");
    assert!(!g["records"].as_array().unwrap().is_empty());
    let del = format!(
        r#"{{"action":"dns.snapshots.delete","domain":"example.com","snapshot_id":"{id}"}}"#
    );
    let run = s.run(&del);
    assert_eq!(run.code, 3);
    assert!(fake.requests().iter().all(|r| r.method != "DELETE"));
    s.confirm(&del).assert_ok();
    assert!(methods(&fake).contains(&format!(
        "DELETE /v5/livedns/domains/example.com/snapshots/{id}"
    )));
    s.run(&format!(
        r#"{{"action":"dns.snapshots.get","domain":"example.com","snapshot_id":"{id}"}}"#
    ))
    .assert_error("api.not_found", 1);
}

#[test]
fn a_zone_file_with_gandis_apex_ns_lines_imports_as_an_empty_diff() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let export = s.run(r#"{"action":"dns.zone.export","domain":"example.com"}"#);
    let mut text = export.assert_ok()["zone_text"]
        .as_str()
        .unwrap()
        .to_string();
    text.push_str("@ 10800 IN NS ns-1.gandi.net.\n@ 10800 IN NS ns-2.gandi.net.\n");
    fake.clear_requests();
    let run = s.run(
        &json!({"action":"dns.zone.import","domain":"example.com","zone_text":text,"confirm":true})
            .to_string(),
    );
    assert_eq!(run.assert_ok()["applied"], false, "{}", run.stdout);
    assert!(
        run.reply["warnings"].to_string().contains("apex NS"),
        "{}",
        run.stdout
    );
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}
