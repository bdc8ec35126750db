//! Read actions against the seeded fake account: what the user would ask
//! first (who am I, my domains, my zones and records), and the requests
//! they cost.

use crate::fake::{FakeGandi, Fault, FaultKind, TOKEN_FULL};
use crate::support::Skill;

fn skill(fake: &FakeGandi) -> Skill {
    Skill::with_env_token(fake, TOKEN_FULL)
}

#[test]
fn whoami_and_organizations() {
    let fake = FakeGandi::start();
    let r = skill(&fake).run(r#"{"action":"account.whoami"}"#);
    assert_eq!(r.assert_ok()["username"], "jdoe");
    let run = skill(&fake).run(r#"{"action":"organizations.list"}"#);
    let orgs = run.assert_ok()["organizations"].as_array().unwrap().clone();
    assert!(orgs.len() >= 2);
    assert!(orgs
        .iter()
        .all(|o| o["id"].as_str().is_some_and(|s| !s.is_empty())));
    assert_eq!(run.reply["meta"]["total_count"], orgs.len() as u64);
}

#[test]
fn domains_list_filters_reach_gandi_and_shape_the_answer() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"domains.list","tld":"fr","nameserver":"livedns"}"#);
    let domains = run.assert_ok()["domains"].as_array().unwrap().clone();
    let req = &fake.requests()[0];
    assert_eq!(req.query_value("tld"), Some("fr"));
    assert_eq!(req.query_value("nameserver"), Some("livedns"));
    assert!(!domains.is_empty());
    assert!(domains
        .iter()
        .all(|d| d["fqdn"].as_str().unwrap().ends_with(".fr") && d["nameserver"] == "livedns"));
    let cafe = domains
        .iter()
        .find(|d| d["fqdn"] == "xn--caf-dma.fr")
        .expect("café.fr");
    assert_eq!(cafe["fqdn_unicode"], "café.fr");

    fake.clear_requests();
    let run = skill(&fake).run(r#"{"action":"domains.list","fqdn":"example.*"}"#);
    let domains = run.assert_ok()["domains"].as_array().unwrap().clone();
    assert_eq!(fake.requests()[0].query_value("fqdn"), Some("example.*"));
    assert!(domains
        .iter()
        .all(|d| d["fqdn"].as_str().unwrap().starts_with("example.")));
    let soon = skill(&fake).run(r#"{"action":"domains.list","fqdn":"expiring-soon.org"}"#);
    let d = &soon.assert_ok()["domains"][0];
    assert_eq!(d["autorenew"], false);
    // Calendar days (UTC) between today and the expiry date shown.
    let expires = d["expires_at"].as_str().expect("expires_at");
    let expiry_day = gandi_skill::time::parse_rfc3339(expires).expect("RFC 3339") / 86_400;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    assert_eq!(
        d["days_left"].as_i64(),
        Some(expiry_day - now / 86_400),
        "{d}"
    );
    // The owner's name is not passed off as an organization id.
    assert_eq!(d["owner"], "jdoe", "{d}");
    assert_eq!(d["sharing_id"], serde_json::Value::Null, "{d}");

    // Trailing dots and Unicode TLDs reach Gandi in the form it matches.
    fake.clear_requests();
    skill(&fake)
        .run(r#"{"action":"domains.list","fqdn":"example.com.","tld":"рф."}"#)
        .assert_ok();
    assert_eq!(fake.requests()[0].query_value("fqdn"), Some("example.com"));
    assert_eq!(fake.requests()[0].query_value("tld"), Some("xn--p1ai"));
    fake.clear_requests();
    let run = skill(&fake).run(r#"{"action":"domains.list","fqdn":"*é.fr"}"#);
    assert_eq!(
        run.assert_error("request.invalid_params", 2)["details"]["field"],
        "fqdn"
    );
    assert!(fake.requests().is_empty());

    let bad = skill(&fake).run(r#"{"action":"domains.list","nameserver":"cloudflare"}"#);
    assert_eq!(
        bad.assert_error("request.invalid_params", 2)["details"]["field"],
        "nameserver"
    );
}

#[test]
fn domains_get_accepts_unicode_and_reports_not_found() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"domains.get","domain":"Café.FR"}"#);
    let d = run.assert_ok();
    assert_eq!(d["fqdn"], "xn--caf-dma.fr");
    assert_eq!(fake.requests()[0].path, "/v5/domain/domains/xn--caf-dma.fr");
    let run = skill(&fake).run(r#"{"action":"domains.get","domain":"example.com"}"#);
    let d = run.assert_ok();
    assert_eq!(d["autorenew"]["enabled"], true);
    assert!(d["days_left"].as_i64().is_some());
    let run = skill(&fake).run(r#"{"action":"domains.get","domain":"not-mine.com"}"#);
    let err = run.assert_error("api.not_found", 1);
    assert_eq!(err["http_status"], 404);
    assert_eq!(err["details"]["object"], "HTTPNotFound");
    let run = skill(&fake).run(r#"{"action":"domains.get","domain":"exa mple.com"}"#);
    assert_eq!(
        run.assert_error("request.invalid_params", 2)["details"]["field"],
        "domain"
    );
}

#[test]
fn zones_and_records() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"dns.zones.list"}"#);
    let zones = run.assert_ok()["zones"].as_array().unwrap().clone();
    assert!(zones.iter().any(|z| z["fqdn"] == "example.com"));

    let run = skill(&fake).run(r#"{"action":"dns.records.list","domain":"example.com"}"#);
    let records = run.assert_ok()["records"].as_array().unwrap().clone();
    let mx = records
        .iter()
        .find(|r| r["name"] == "@" && r["type"] == "MX")
        .expect("MX");
    assert_eq!(mx["values"][0], "10 spool.mail.gandi.net.");
    assert!(mx["ttl"].as_u64().is_some());
    assert_eq!(run.reply["meta"]["total_count"], records.len() as u64);

    fake.clear_requests();
    let run =
        skill(&fake).run(r#"{"action":"dns.records.list","domain":"example.com","type":"txt"}"#);
    let records = run.assert_ok()["records"].as_array().unwrap().clone();
    assert!(records.iter().all(|r| r["type"] == "TXT") && !records.is_empty());
    assert_eq!(fake.requests()[0].query_value("rrset_type"), Some("TXT"));

    fake.clear_requests();
    let run = skill(&fake)
        .run(r#"{"action":"dns.records.list","domain":"example.com","name":"www.example.com."}"#);
    let records = run.assert_ok()["records"].as_array().unwrap().clone();
    assert_eq!(
        fake.requests()[0].path,
        "/v5/livedns/domains/example.com/records/www"
    );
    assert!(records.iter().all(|r| r["name"] == "www"));

    let run = skill(&fake).run(
        r#"{"action":"dns.records.list","domain":"example.com","name":"nothing-here","type":"A"}"#,
    );
    assert!(run.assert_ok()["records"].as_array().unwrap().is_empty());

    // A name Gandi answers 404 for holds nothing; its list is empty.
    fake.inject(Fault::on(
        "GET",
        "/v5/livedns/domains/example.com/records/nothing-here",
        1,
        FaultKind::RecordNotFound,
    ));
    let run = skill(&fake)
        .run(r#"{"action":"dns.records.list","domain":"example.com","name":"nothing-here"}"#);
    assert!(run.assert_ok()["records"].as_array().unwrap().is_empty());
    assert_eq!(run.reply["meta"]["total_count"], 0);
    // A name's rrsets come at once: paging with a name is refused, unsent.
    fake.clear_requests();
    let run = skill(&fake)
        .run(r#"{"action":"dns.records.list","domain":"example.com","name":"@","page":2}"#);
    assert_eq!(
        run.assert_error("request.invalid_params", 2)["details"]["field"],
        "page"
    );
    assert!(fake.requests().is_empty());

    fake.clear_requests();
    let run = skill(&fake)
        .run(r#"{"action":"dns.records.get","domain":"example.com","name":"@","type":"MX"}"#);
    assert_eq!(run.assert_ok()["record"]["type"], "MX");
    assert_eq!(
        fake.requests()[0].path,
        "/v5/livedns/domains/example.com/records/%40/MX"
    );
    let run = skill(&fake)
        .run(r#"{"action":"dns.records.get","domain":"example.com","name":"nope","type":"A"}"#);
    let err = run.assert_error("api.not_found", 1);
    assert_eq!(err["details"]["object"], "dns-record");
    let run = skill(&fake).run(r#"{"action":"dns.records.list","domain":"unknown-zone.com"}"#);
    run.assert_error("api.not_found", 1);
}
