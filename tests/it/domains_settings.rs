//! Domain settings against the seeded fake: what the user sees (previews,
//! warnings, results, errors and exit codes) and exactly what Gandi
//! received, for nameservers and the move to LiveDNS, the transfer lock,
//! auto-renew, glue, DNSSEC, tags, web redirections, contacts, and a domain
//! held by another organization.

use serde_json::{json, Value};

use crate::fake::{FakeGandi, CAFE_KEYTAG, PARTNER_ORG_ID, TOKEN_FULL, TOKEN_READONLY};
use crate::support::{write_requests, Skill};

fn skill(fake: &FakeGandi) -> Skill {
    Skill::with_env_token(fake, TOKEN_FULL)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_default().to_string())
        .collect()
}

fn warnings(run: &crate::support::Run) -> String {
    run.reply["warnings"].to_string()
}

const LIVEDNS: [&str; 3] = ["ns-1.gandi.net", "ns-2.gandi.net", "ns-3.gandi.net"];
const POINT_AWAY: &str = r#"{"action":"domains.nameservers.set","domain":"example.com","nameservers":["ns1.example-dns.net","NS2.example-dns.net."]}"#;

#[test]
fn nameservers_set_previews_current_and_new_and_changes_nothing() {
    let fake = FakeGandi::start();
    let before = fake.state_text();
    let run = skill(&fake).run(POINT_AWAY);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.code, 3);
    let p = &run.reply["preview"];
    assert_eq!(strings(&p["current"]), LIVEDNS);
    assert_eq!(
        strings(&p["new"]),
        ["ns1.example-dns.net", "ns2.example-dns.net"]
    );
    assert_eq!(p["served_by_now"], "livedns");
    assert_eq!(p["served_by_after"], "other");
    // The LiveDNS zone stops being served: all ten of its rrsets are shown.
    let gone = p["records_no_longer_served"].as_array().expect("records");
    assert_eq!(gone.len(), 10, "{p}");
    assert!(gone
        .iter()
        .any(|r| r["type"] == "MX" && r["values"][0] == "10 spool.mail.gandi.net."));
    let w = warnings(&run);
    assert!(w.contains("the zone served changes"), "{w}");
    assert!(w.contains("mail (MX)"), "{w}");
    assert!(run.reply["message"]
        .as_str()
        .unwrap()
        .contains("ns1.example-dns.net"));
    // Only reads; Gandi unchanged.
    assert!(
        write_requests(&fake).is_empty(),
        "{:?}",
        write_requests(&fake)
    );
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.path == "/v5/domain/domains/example.com/nameservers"));
    assert_eq!(fake.state_text(), before);
}

#[test]
fn nameservers_set_confirmed_sends_exactly_one_put_with_the_new_list() {
    let fake = FakeGandi::start();
    let run = skill(&fake).confirm(POINT_AWAY);
    let r = run.assert_ok();
    assert_eq!(r["changed"], true);
    assert_eq!(strings(&r["before"]), LIVEDNS);
    assert_eq!(
        strings(&r["nameservers"]),
        ["ns1.example-dns.net", "ns2.example-dns.net"]
    );
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "PUT");
    assert_eq!(sent[0].path, "/v5/domain/domains/example.com/nameservers");
    assert_eq!(
        sent[0].json(),
        json!({"nameservers": ["ns1.example-dns.net", "ns2.example-dns.net"]})
    );
    let now = fake.with_state(|s| s.domains["example.com"].nameservers.clone());
    assert_eq!(now, ["ns1.example-dns.net", "ns2.example-dns.net"]);
}

#[test]
fn nameservers_changed_between_preview_and_yes_is_a_stale_plan_and_no_put() {
    let fake = FakeGandi::start();
    let run = skill(&fake).confirm_with(POINT_AWAY, |_| {
        fake.with_state(|s| {
            if let Some(d) = s.domains.get_mut("example.com") {
                d.nameservers = vec!["ns-1.gandi.net".into(), "ns-2.gandi.net".into()];
            }
        });
    });
    let err = run.assert_error("safety.stale_plan", 6);
    assert_eq!(err["details"]["reason"], "state_changed");
    assert!(
        write_requests(&fake).is_empty(),
        "{:?}",
        write_requests(&fake)
    );
    let now = fake.with_state(|s| s.domains["example.com"].nameservers.clone());
    assert_eq!(now, ["ns-1.gandi.net", "ns-2.gandi.net"]);
}

#[test]
fn nameservers_already_in_use_send_nothing_and_bad_names_send_no_request() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(
        r#"{"action":"domains.nameservers.set","domain":"example.net","nameservers":["NS2.example-dns.net","ns1.example-dns.net"]}"#,
    );
    let r = run.assert_ok();
    assert_eq!(r["changed"], false);
    assert!(warnings(&run).contains("nothing was sent"));
    assert!(write_requests(&fake).is_empty());

    fake.clear_requests();
    let run = skill(&fake).run(
        r#"{"action":"domains.nameservers.set","domain":"example.net","nameservers":["ns1.example-dns.net","ns 2.example"]}"#,
    );
    let err = run.assert_error("request.invalid_params", 2);
    assert_eq!(err["details"]["field"], "nameservers[1]");
    let run = skill(&fake).run(
        r#"{"action":"domains.nameservers.set","domain":"example.net","nameservers":["ns1.example-dns.net","ns1.example-dns.net."]}"#,
    );
    assert_eq!(
        run.assert_error("request.invalid_params", 2)["details"]["field"],
        "nameservers[1]"
    );
    let run = skill(&fake)
        .run(r#"{"action":"domains.nameservers.set","domain":"example.net","nameservers":[]}"#);
    run.assert_error("request.invalid_params", 2);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn nameservers_set_warns_of_missing_glue_a_missing_zone_and_published_ds_records() {
    let fake = FakeGandi::start();
    // Hosts inside the domain: ns1 has glue, ns9 has none.
    let run = skill(&fake).run(
        r#"{"action":"domains.nameservers.set","domain":"example.com","nameservers":["ns1.example.com","ns9.example.com"]}"#,
    );
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    let w = warnings(&run);
    assert!(
        w.contains("ns9.example.com is inside example.com but has no glue record"),
        "{w}"
    );
    assert!(!w.contains("ns1.example.com is inside"), "{w}");

    // To LiveDNS nameservers without a LiveDNS zone: the domain would go dark.
    let run = skill(&fake).run(&format!(
        r#"{{"action":"domains.nameservers.set","domain":"example.net","nameservers":{}}}"#,
        json!(LIVEDNS)
    ));
    assert_eq!(run.reply["preview"]["served_by_after"], "livedns");
    let w = warnings(&run);
    assert!(w.contains("would not resolve at all"), "{w}");
    assert!(w.contains("domains.livedns.enable"), "{w}");

    // Away from a signed zone: the DS record at the parent breaks it.
    let run = skill(&fake).run(
        r#"{"action":"domains.nameservers.set","domain":"café.fr","nameservers":["ns1.example-dns.net","ns2.example-dns.net"]}"#,
    );
    assert_eq!(run.reply["preview"]["domain"], "xn--caf-dma.fr");
    assert_eq!(run.reply["preview"]["domain_unicode"], "café.fr");
    assert_eq!(
        run.reply["preview"]["ds_keys"][0]["keytag"],
        json!(CAFE_KEYTAG)
    );
    let w = warnings(&run);
    assert!(w.contains(&format!("keytag {CAFE_KEYTAG}")), "{w}");
    assert!(w.contains("DNSSEC"), "{w}");
    assert!(write_requests(&fake).is_empty());
}

#[test]
fn nameservers_get_says_where_the_dns_is() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"domains.nameservers.get","domain":"oldsite.eu"}"#);
    let r = run.assert_ok();
    assert_eq!(
        strings(&r["nameservers"]),
        ["a.dns.gandi.net", "b.dns.gandi.net"]
    );
    assert_eq!(r["served_by"], "classic");
    assert!(r.get("domain_unicode").is_none(), "{r}");
}

#[test]
fn livedns_enable_previews_the_zone_to_serve_then_posts_once() {
    let fake = FakeGandi::start();
    let req = r#"{"action":"domains.livedns.enable","domain":"example.net"}"#;
    let run = skill(&fake).run(req);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    let p = &run.reply["preview"];
    assert_eq!(
        strings(&p["current"]),
        ["ns1.example-dns.net", "ns2.example-dns.net"]
    );
    assert_eq!(strings(&p["new"]), LIVEDNS);
    assert_eq!(p["served_by_now"], "other");
    let w = warnings(&run);
    assert!(w.contains("LiveDNS has no zone for example.net yet"), "{w}");
    assert!(w.contains("ns1.example-dns.net"), "{w}");
    assert!(write_requests(&fake).is_empty());

    fake.clear_requests();
    let run = skill(&fake).confirm(req);
    assert_eq!(run.assert_ok()["changed"], true);
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("POST", "/v5/domain/domains/example.net/livedns")
    );
    assert!(sent[0].body.is_empty());
    // Its zone is now LiveDNS's: dns.* actions reach it.
    skill(&fake)
        .run(r#"{"action":"dns.records.list","domain":"example.net"}"#)
        .assert_ok();

    // Already on LiveDNS: nothing to do, nothing sent.
    fake.clear_requests();
    let run = skill(&fake).run(r#"{"action":"domains.livedns.enable","domain":"example.com"}"#);
    assert_eq!(run.assert_ok()["changed"], false);
    assert!(write_requests(&fake).is_empty());
}

#[test]
fn livedns_enable_onto_an_existing_zone_lists_what_it_will_serve() {
    let fake = FakeGandi::start();
    // example.com's zone stays in LiveDNS while the domain points elsewhere.
    fake.with_state(|s| {
        if let Some(d) = s.domains.get_mut("example.com") {
            d.nameserver = "other".into();
            d.nameservers = vec!["ns1.example-dns.net".into(), "ns2.example-dns.net".into()];
        }
    });
    let run = skill(&fake).run(r#"{"action":"domains.livedns.enable","domain":"example.com"}"#);
    let p = &run.reply["preview"];
    assert_eq!(p["records_served_after"].as_array().map(Vec::len), Some(10));
    assert!(
        warnings(&run).contains("every record the current zone holds that the LiveDNS zone lacks"),
        "{}",
        warnings(&run)
    );
}

#[test]
fn unlock_previews_and_confirmed_sends_one_status_patch() {
    let fake = FakeGandi::start();
    let req = r#"{"action":"domains.unlock","domain":"example.com"}"#;
    let run = skill(&fake).run(req);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.code, 3);
    let p = &run.reply["preview"];
    assert_eq!(p["locked_now"], true);
    assert_eq!(p["locked_after"], false);
    assert!(warnings(&run).contains("auth code"), "{}", warnings(&run));
    assert!(write_requests(&fake).is_empty());

    let run = skill(&fake).confirm(req);
    let r = run.assert_ok();
    assert_eq!(
        (r["locked"].clone(), r["changed"].clone()),
        (json!(false), json!(true))
    );
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "PATCH");
    assert_eq!(sent[0].path, "/v5/domain/domains/example.com/status");
    assert_eq!(sent[0].json(), json!({"clientTransferProhibited": false}));
    let status = fake.with_state(|s| s.domains["example.com"].status.clone());
    assert!(!status.contains(&"clientTransferProhibited".to_string()));
}

#[test]
fn lock_on_a_locked_domain_sends_nothing_and_locks_an_unlocked_one_at_once() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"domains.lock","domain":"example.com"}"#);
    let r = run.assert_ok();
    assert_eq!(
        (r["locked"].clone(), r["changed"].clone()),
        (json!(true), json!(false))
    );
    assert!(warnings(&run).contains("already locked"));
    assert!(
        write_requests(&fake).is_empty(),
        "{:?}",
        write_requests(&fake)
    );
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.starts_with("/v5/"))
            .count(),
        1
    );

    // A write: no confirmation, one PATCH.
    fake.clear_requests();
    let run = skill(&fake).run(r#"{"action":"domains.lock","domain":"oldsite.eu"}"#);
    assert_eq!(run.assert_ok()["changed"], true);
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/v5/domain/domains/oldsite.eu/status");
    assert_eq!(sent[0].json(), json!({"clientTransferProhibited": true}));

    // Unlocking an unlocked domain is no change either: no preview, nothing sent.
    fake.clear_requests();
    let run = skill(&fake).confirm(r#"{"action":"domains.unlock","domain":"acme-corp.com"}"#);
    run.assert_ok();
    let run = skill(&fake).run(r#"{"action":"domains.unlock","domain":"acme-corp.com"}"#);
    assert_eq!(run.assert_ok()["changed"], false);
    assert_eq!(write_requests(&fake).len(), 1);
}

#[test]
fn a_token_without_domain_write_is_refused_before_any_change() {
    let fake = FakeGandi::start();
    let run = Skill::with_env_token(&fake, TOKEN_READONLY)
        .run(r#"{"action":"domains.unlock","domain":"example.com"}"#);
    let err = run.assert_error("auth.forbidden", 4);
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("Domain management (write)"));
    assert!(write_requests(&fake).is_empty());
}

#[test]
fn autorenew_uses_patch_and_keeps_what_is_already_so() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(
        r#"{"action":"domains.autorenew.set","domain":"expiring-soon.org","enabled":true,"duration":2}"#,
    );
    let r = run.assert_ok();
    assert_eq!(r["before"], json!({"enabled": false, "duration": 1}));
    assert_eq!(r["after"], json!({"enabled": true, "duration": 2}));
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "PATCH");
    assert_eq!(
        sent[0].path,
        "/v5/domain/domains/expiring-soon.org/autorenew"
    );
    assert_eq!(sent[0].json(), json!({"enabled": true, "duration": 2}));
    let (on, years) = fake.with_state(|s| {
        let d = &s.domains["expiring-soon.org"];
        (d.autorenew, d.autorenew_duration)
    });
    assert_eq!((on, years), (true, 2));

    // Turning it off warns about the expiry; already off sends nothing.
    fake.clear_requests();
    let run = skill(&fake)
        .run(r#"{"action":"domains.autorenew.set","domain":"example.com","enabled":false}"#);
    run.assert_ok();
    assert!(warnings(&run).contains("expires on"), "{}", warnings(&run));
    assert_eq!(write_requests(&fake)[0].json(), json!({"enabled": false}));
    fake.clear_requests();
    let run = skill(&fake)
        .run(r#"{"action":"domains.autorenew.set","domain":"example.com","enabled":false}"#);
    assert_eq!(run.assert_ok()["changed"], false);
    assert!(write_requests(&fake).is_empty());

    let run = skill(&fake).run(
        r#"{"action":"domains.autorenew.set","domain":"example.com","enabled":false,"duration":3}"#,
    );
    assert_eq!(
        run.assert_error("request.invalid_params", 2)["details"]["field"],
        "duration"
    );
}

#[test]
fn glue_list_set_and_delete() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"domains.glue.list","domain":"example.com"}"#);
    let hosts = run.assert_ok()["hosts"].clone();
    assert_eq!(
        hosts,
        json!([{"name": "ns1", "fqdn": "ns1.example.com", "ips": ["192.0.2.53", "2001:db8::53"]}])
    );
    assert_eq!(run.reply["meta"]["total_count"], 1);

    // A new host: one POST with its label and addresses (IPv6 compressed).
    fake.clear_requests();
    let run = skill(&fake).run(
        r#"{"action":"domains.glue.set","domain":"example.com","name":"ns2.example.com","ips":["192.0.2.54","2001:DB8:0:0::54"]}"#,
    );
    let r = run.assert_ok();
    assert!(r.get("before").is_none(), "{r}");
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("POST", "/v5/domain/domains/example.com/hosts")
    );
    assert_eq!(
        sent[0].json(),
        json!({"name": "ns2", "ips": ["192.0.2.54", "2001:db8::54"]})
    );

    // An existing host: its addresses replaced with one PUT.
    fake.clear_requests();
    let run = skill(&fake).run(
        r#"{"action":"domains.glue.set","domain":"example.com","name":"ns1","ips":["198.51.100.53"]}"#,
    );
    assert_eq!(
        strings(&run.assert_ok()["before"]),
        ["192.0.2.53", "2001:db8::53"]
    );
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("PUT", "/v5/domain/domains/example.com/hosts/ns1")
    );
    assert_eq!(sent[0].json(), json!({"ips": ["198.51.100.53"]}));

    // Bad addresses and outside hosts are refused before any request.
    fake.clear_requests();
    for (req, field) in [
        (
            r#"{"action":"domains.glue.set","domain":"example.com","name":"ns3","ips":["192.0.2.300"]}"#,
            "ips[0]",
        ),
        (
            r#"{"action":"domains.glue.set","domain":"example.com","name":"ns3","ips":["192.0.2.1","127.0.0.1"]}"#,
            "ips[1]",
        ),
        (
            r#"{"action":"domains.glue.set","domain":"example.com","name":"ns1.other.net","ips":["192.0.2.1"]}"#,
            "name",
        ),
    ] {
        let run = skill(&fake).run(req);
        assert_eq!(
            run.assert_error("request.invalid_params", 2)["details"]["field"],
            field
        );
    }
    assert!(fake.requests().is_empty());

    // Delete: previewed with its addresses, then one DELETE.
    let req = r#"{"action":"domains.glue.delete","domain":"example.com","name":"ns2"}"#;
    let run = skill(&fake).run(req);
    assert_eq!(run.status(), "needs_confirmation");
    assert_eq!(
        strings(&run.reply["preview"]["deleted"]["ips"]),
        ["192.0.2.54", "2001:db8::54"]
    );
    fake.clear_requests();
    skill(&fake).confirm(req).assert_ok();
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("DELETE", "/v5/domain/domains/example.com/hosts/ns2")
    );
}

#[test]
fn glue_of_a_nameserver_in_use_is_not_deleted() {
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        if let Some(d) = s.domains.get_mut("example.com") {
            d.nameservers = vec!["ns1.example.com".into(), "ns-2.gandi.net".into()];
        }
    });
    let run =
        skill(&fake).run(r#"{"action":"domains.glue.delete","domain":"example.com","name":"ns1"}"#);
    let err = run.assert_error("safety.refused", 6);
    assert!(err["hint"]
        .as_str()
        .unwrap()
        .contains("domains.nameservers.set"));
    let run =
        skill(&fake).run(r#"{"action":"domains.glue.delete","domain":"example.com","name":"ns7"}"#);
    let err = run.assert_error("api.not_found", 1);
    assert!(
        err["hint"].as_str().unwrap().contains("ns1.example.com"),
        "{err}"
    );
    assert!(write_requests(&fake).is_empty());
}

#[test]
fn dnssec_status_enable_and_disable() {
    let fake = FakeGandi::start();
    for domain in ["café.fr", "xn--caf-dma.fr"] {
        fake.clear_requests();
        let run = skill(&fake)
            .run(&json!({"action":"domains.dnssec.status","domain":domain}).to_string());
        let r = run.assert_ok();
        assert_eq!(r["domain"], "xn--caf-dma.fr");
        assert_eq!(r["domain_unicode"], "café.fr");
        assert_eq!(r["served_by"], "livedns");
        assert_eq!(r["livedns_dnssec"], "active");
        assert_eq!(r["keys"][0]["keytag"], json!(CAFE_KEYTAG));
        assert_eq!(r["keys"][0]["algorithm"], 13);
        assert!(fake
            .requests()
            .iter()
            .all(|q| !q.path.contains("caf%C3%A9")));
    }

    // Off: previewed, with the DS record to remove first.
    let req = r#"{"action":"domains.dnssec.disable","domain":"café.fr"}"#;
    let run = skill(&fake).run(req);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    let w = warnings(&run);
    assert!(
        w.contains("remove the DS records at the parent first"),
        "{w}"
    );
    assert!(w.contains(&format!("keytag {CAFE_KEYTAG}")), "{w}");
    assert!(write_requests(&fake).is_empty());
    let run = skill(&fake).confirm(req);
    assert_eq!(run.assert_ok()["state"], "deactivating");
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("DELETE", "/v5/domain/domains/xn--caf-dma.fr/livedns/dnssec")
    );

    // On: a write, one POST; a domain off LiveDNS is refused, nothing sent.
    fake.clear_requests();
    let run = skill(&fake).run(r#"{"action":"domains.dnssec.enable","domain":"example.com"}"#);
    let r = run.assert_ok();
    assert_eq!(
        (r["state_before"].clone(), r["state"].clone()),
        (json!("inactive"), json!("activating"))
    );
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].path,
        "/v5/domain/domains/example.com/livedns/dnssec"
    );
    fake.clear_requests();
    let run = skill(&fake).run(r#"{"action":"domains.dnssec.enable","domain":"example.net"}"#);
    let err = run.assert_error("api.conflict", 1);
    assert!(err["hint"]
        .as_str()
        .unwrap()
        .contains("domains.livedns.enable"));
    assert!(write_requests(&fake).is_empty());
}

#[test]
fn tags_set_puts_the_whole_list_and_shows_before_and_after() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"domains.tags.list","domain":"example.com"}"#);
    assert_eq!(strings(&run.assert_ok()["tags"]), ["prod", "web"]);
    fake.clear_requests();
    let run = skill(&fake)
        .run(r#"{"action":"domains.tags.set","domain":"example.com","tags":["prod","client-a"]}"#);
    let r = run.assert_ok();
    assert_eq!(strings(&r["before"]), ["prod", "web"]);
    assert_eq!(strings(&r["tags"]), ["prod", "client-a"]);
    assert_eq!(strings(&r["added"]), ["client-a"]);
    assert_eq!(strings(&r["removed"]), ["web"]);
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("PUT", "/v5/domain/domains/example.com/tags")
    );
    assert_eq!(sent[0].json(), json!({"tags": ["prod", "client-a"]}));
    let run = skill(&fake)
        .run(r#"{"action":"domains.tags.set","domain":"example.com","tags":["ok"," padded"]}"#);
    assert_eq!(
        run.assert_error("request.invalid_params", 2)["details"]["field"],
        "tags[1]"
    );
}

#[test]
fn webredirs_create_update_and_delete() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"webredirs.list","domain":"example.com"}"#);
    let list = run.assert_ok()["webredirs"].clone();
    assert_eq!(list[0]["host"], "www.example.com");
    assert_eq!(list[0]["redirect_type"], "http301");

    // Create: the full host, defaults made explicit to Gandi.
    fake.clear_requests();
    let run = skill(&fake).run(
        r#"{"action":"webredirs.create","domain":"example.com","host":"shop.example.com","url":"https://shop.example.org/"}"#,
    );
    run.assert_ok();
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("POST", "/v5/domain/domains/example.com/webredirs")
    );
    assert_eq!(
        sent[0].json(),
        json!({"host":"shop.example.com","type":"http301","url":"https://shop.example.org/","protocol":"https","override":false})
    );

    // A bare label, a bad URL, an unknown type: refused before any request.
    fake.clear_requests();
    for (req, field) in [
        (
            r#"{"action":"webredirs.create","domain":"example.com","host":"shop","url":"https://x.example/"}"#,
            "host",
        ),
        (
            r#"{"action":"webredirs.create","domain":"example.com","host":"a.example.com","url":"ftp://x.example/"}"#,
            "url",
        ),
        (
            r#"{"action":"webredirs.create","domain":"example.com","host":"a.example.com","url":"https://x.example/","redirect_type":"http307"}"#,
            "redirect_type",
        ),
    ] {
        let run = skill(&fake).run(req);
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], field, "{err}");
    }
    assert!(fake.requests().is_empty());

    // blog has an A record: no redirection replaces it without a preview.
    let run = skill(&fake).run(
        r#"{"action":"webredirs.create","domain":"example.com","host":"blog.example.com","url":"https://x.example/"}"#,
    );
    let err = run.assert_error("api.conflict", 1);
    assert!(
        err["message"].as_str().unwrap().contains("198.51.100.7"),
        "{err}"
    );
    let run = skill(&fake).run(
        r#"{"action":"webredirs.create","domain":"example.com","host":"blog.example.com","url":"https://x.example/","override":true}"#,
    );
    let err = run.assert_error("safety.refused", 6);
    assert!(err["hint"].as_str().unwrap().contains("dns.records.remove"));
    assert!(write_requests(&fake).is_empty());

    // Update: before and after previewed; only what changes is sent.
    let req = r#"{"action":"webredirs.update","domain":"example.com","host":"www.example.com","url":"https://www.example.org/new/","protocol":"https"}"#;
    let run = skill(&fake).run(req);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    let p = &run.reply["preview"];
    assert_eq!(p["before"]["url"], "https://www.example.org/");
    assert_eq!(p["after"]["url"], "https://www.example.org/new/");
    fake.clear_requests();
    skill(&fake).confirm(req).assert_ok();
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        (
            "PATCH",
            "/v5/domain/domains/example.com/webredirs/www.example.com"
        )
    );
    assert_eq!(
        sent[0].json(),
        json!({"url": "https://www.example.org/new/"})
    );

    // Delete: previewed, then one DELETE.
    fake.clear_requests();
    let req = r#"{"action":"webredirs.delete","domain":"example.com","host":"shop.example.com"}"#;
    let run = skill(&fake).run(req);
    assert_eq!(
        run.reply["preview"]["deleted"]["url"],
        "https://shop.example.org/"
    );
    skill(&fake).confirm(req).assert_ok();
    let sent = write_requests(&fake);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        (
            "DELETE",
            "/v5/domain/domains/example.com/webredirs/shop.example.com"
        )
    );
    let left = fake.with_state(|s| s.domains["example.com"].webredirs.len());
    assert_eq!(left, 1);
}

#[test]
fn lists_follow_every_page() {
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        if let Some(d) = s.domains.get_mut("example.com") {
            for i in 0..130 {
                d.webredirs.push(crate::fake::state::WebRedir {
                    host: format!("r{i:03}.example.com"),
                    rtype: "http302".into(),
                    url: format!("https://example.org/{i}"),
                    protocol: "http".into(),
                    created_at: 0,
                    updated_at: 0,
                });
            }
        }
    });
    let run = skill(&fake).run(r#"{"action":"webredirs.list","domain":"example.com"}"#);
    let list = run.assert_ok()["webredirs"].as_array().unwrap().clone();
    assert_eq!(list.len(), 131);
    assert_eq!(run.reply["meta"]["total_count"], 131);
    assert_eq!(run.reply["meta"]["pages_fetched"], 2);
    // One page when asked for one.
    let run = skill(&fake)
        .run(r#"{"action":"webredirs.list","domain":"example.com","page":2,"per_page":50}"#);
    assert_eq!(
        run.assert_ok()["webredirs"].as_array().map(Vec::len),
        Some(50)
    );
    assert_eq!(
        fake.requests().last().unwrap().query_value("page"),
        Some("2")
    );
}

#[test]
fn contacts_use_gandis_bill_role() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"domains.contacts.get","domain":"acme-corp.com"}"#);
    let r = run.assert_ok();
    assert_eq!(r["owner"]["type"], "company");
    assert_eq!(r["owner"]["orgname"], "ACME Corp SAS");
    assert_eq!(r["bill"]["same_as_owner"], true);
    assert!(r.get("billing").is_none(), "{r}");
    assert_eq!(
        fake.requests()[0].path,
        "/v5/domain/domains/acme-corp.com/contacts"
    );
}

#[test]
fn a_domain_of_another_organization_is_named_with_its_sharing_id() {
    let fake = FakeGandi::start();
    let run =
        skill(&fake).run(r#"{"action":"domains.nameservers.get","domain":"partner-shop.com"}"#);
    let err = run.assert_error("api.not_found", 1);
    assert_eq!(err["http_status"], 404);
    assert!(
        err["message"].as_str().unwrap().contains("partner-agency"),
        "{err}"
    );
    assert_eq!(err["details"]["sharing_id"], PARTNER_ORG_ID);
    assert!(
        err["hint"].as_str().unwrap().contains(PARTNER_ORG_ID),
        "{err}"
    );
    // Gandi was asked under each organization until one held it.
    assert!(fake.requests().iter().any(|r| {
        r.path == "/v5/domain/domains/partner-shop.com"
            && r.query_value("sharing_id") == Some(PARTNER_ORG_ID)
    }));

    // Repeated as the hint says, it works, and every request carries it.
    fake.clear_requests();
    let run = skill(&fake).run(&format!(
        r#"{{"action":"domains.nameservers.get","domain":"partner-shop.com","sharing_id":"{PARTNER_ORG_ID}"}}"#
    ));
    assert_eq!(run.assert_ok()["served_by"], "other");
    assert!(fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v5/"))
        .all(|r| r.query_value("sharing_id") == Some(PARTNER_ORG_ID)));

    // A domain in no organization says so.
    let run =
        skill(&fake).run(r#"{"action":"domains.nameservers.get","domain":"nobody-has-it.com"}"#);
    let err = run.assert_error("api.not_found", 1);
    assert!(err
        .get("details")
        .and_then(|d| d.get("sharing_id"))
        .is_none());
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains("not in this account"),
        "{err}"
    );
}

#[test]
fn dns_records_of_a_domain_served_elsewhere_say_where_and_how_to_move_it() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"dns.records.list","domain":"example.net"}"#);
    let err = run.assert_error("api.not_found", 1);
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("LiveDNS does not serve its zone")
            && message.contains("ns1.example-dns.net, ns2.example-dns.net"),
        "{err}"
    );
    assert_eq!(
        strings(&err["details"]["nameservers"]),
        ["ns1.example-dns.net", "ns2.example-dns.net"]
    );
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains(r#"{"action":"domains.livedns.enable","domain":"example.net"}"#),
        "{err}"
    );
}
