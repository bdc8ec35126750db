//! Confirmation bound to the preview, by hand: a plan confirms once; an edit
//! made elsewhere, a changed request, another domain, an edited or expired
//! plan are refused with only reads sent. The user's policy file: read only,
//! protected domains, the zone-change ceiling, and a file that cannot be
//! trusted. A token that lacks a permission is told so before any preview.

use serde_json::{json, Value};

use crate::fake::state::{Rrset as FakeRrset, Zone};
use crate::fake::{FakeGandi, TOKEN_FULL, TOKEN_READONLY};
use crate::support::{confirmed, set_mode, writes, Skill};

const REMOVE: &str =
    r#"{"action":"dns.records.remove","domain":"example.com","name":"blog","type":"A"}"#;

fn skill(fake: &FakeGandi) -> Skill {
    Skill::with_env_token(fake, TOKEN_FULL)
}

fn blog_exists(fake: &FakeGandi) -> bool {
    fake.with_state(|s| s.zones["example.com"].find("blog", "A").is_some())
}

#[test]
fn a_plan_confirms_once() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let preview = s.run(REMOVE);
    assert_eq!(preview.code, 3, "{}", preview.stdout);
    let plan = preview.reply["confirm_with"]["plan"]
        .as_str()
        .expect("plan");
    assert!(plan.starts_with("p1."), "{plan}");
    assert_eq!(preview.reply["preview"]["plan"], plan);
    let confirmed = confirmed(REMOVE, &preview);
    s.run(&confirmed).assert_ok();
    assert!(!blog_exists(&fake));
    // The same yes again: the rrset is gone, nothing more is written.
    fake.clear_requests();
    let again = s.run(&confirmed);
    assert_ne!(again.status(), "ok", "{}", again.stdout);
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
}

#[test]
fn an_edit_made_elsewhere_between_preview_and_yes_is_refused() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let preview = s.run(REMOVE);
    // Someone adds an address to blog in the Gandi admin meanwhile.
    fake.with_state(|st| {
        if let Some(zone) = st.zones.get_mut("example.com") {
            zone.upsert(FakeRrset::new(
                "blog",
                "A",
                300,
                &["198.51.100.7", "198.51.100.9"],
            ))
        }
    });
    fake.clear_requests();
    let run = s.run(&confirmed(REMOVE, &preview));
    let err = run.assert_error("safety.stale_plan", 6);
    assert_eq!(err["details"]["reason"], "state_changed");
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
    assert!(blog_exists(&fake));
}

#[test]
fn a_whole_zone_plan_binds_the_whole_zone() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let apply = json!({"action":"dns.zone.apply","domain":"example.com","mode":"merge",
        "rrsets":[{"name":"shop","type":"A","values":["192.0.2.60"]}]})
    .to_string();
    let preview = s.run(&apply);
    // An edit elsewhere, at a name the plan does not touch.
    fake.with_state(|st| {
        if let Some(zone) = st.zones.get_mut("example.com") {
            zone.upsert(FakeRrset::new(
                "other",
                "TXT",
                300,
                &["\"added elsewhere\""],
            ))
        }
    });
    fake.clear_requests();
    let err = s
        .run(&confirmed(&apply, &preview))
        .assert_error("safety.stale_plan", 6)
        .clone();
    assert_eq!(err["details"]["reason"], "state_changed");
    assert!(writes(&fake).is_empty());
}

#[test]
fn an_edited_plan_a_plan_for_another_domain_and_confirm_alone_are_refused() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let preview = s.run(REMOVE);
    let plan = preview.reply["confirm_with"]["plan"]
        .as_str()
        .expect("plan")
        .to_string();
    fake.clear_requests();
    // One character changed, anywhere.
    for i in [3, plan.len() / 2, plan.len() - 1] {
        let mut edited = plan.clone().into_bytes();
        edited[i] = if edited[i] == b'a' { b'b' } else { b'a' };
        let mut req: Value = serde_json::from_str(REMOVE).expect("JSON");
        req["confirm"] = json!(true);
        req["plan"] = json!(String::from_utf8(edited).expect("ASCII"));
        s.run(&req.to_string()).assert_error("safety.stale_plan", 6);
    }
    // The plan of example.com's preview on another domain's request.
    let other = json!({"action":"dns.records.remove","domain":"acme-corp.com","name":"www","type":"CNAME","confirm":true,"plan":plan});
    let err = s
        .run(&other.to_string())
        .assert_error("safety.stale_plan", 6)
        .clone();
    assert_eq!(err["details"]["reason"], "request_changed");
    // `confirm` alone is a preview again.
    let mut req: Value = serde_json::from_str(REMOVE).expect("JSON");
    req["confirm"] = json!(true);
    let run = s.run(&req.to_string());
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert!(
        run.reply["warnings"]
            .to_string()
            .contains("without the `plan`"),
        "{}",
        run.stdout
    );
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
    assert!(blog_exists(&fake));
}

/// The test clock (`GANDI_SKILL_TEST_NOW`) is read by debug builds only.
#[cfg(debug_assertions)]
#[test]
fn a_plan_older_than_30_minutes_is_refused() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let preview = s.run(REMOVE);
    fake.clear_requests();
    let later = skill(&fake).env("GANDI_SKILL_TEST_NOW", &(now + 31 * 60).to_string());
    // Reuse the same HOME: the plan key is the same one.
    let later = later.env("HOME", &s.home().display().to_string());
    let err = later
        .run(&confirmed(REMOVE, &preview))
        .assert_error("safety.stale_plan", 6)
        .clone();
    assert_eq!(err["details"]["reason"], "expired");
    assert!(writes(&fake).is_empty());
    // Within the 30 minutes it still confirms.
    let soon = skill(&fake)
        .env("GANDI_SKILL_TEST_NOW", &(now + 20 * 60).to_string())
        .env("HOME", &s.home().display().to_string());
    soon.run(&confirmed(REMOVE, &preview)).assert_ok();
}

#[test]
fn a_missing_permission_is_named_before_any_preview() {
    let fake = FakeGandi::start();
    let ro = Skill::with_env_token(&fake, TOKEN_READONLY);
    let run = ro.run(r#"{"action":"dns.records.set","domain":"example.com","name":"blog","type":"A","values":["198.51.100.8"]}"#);
    let err = run.assert_error("auth.forbidden", 4);
    let text = err.to_string();
    assert!(text.contains("DNS management (write)"), "{text}");
    assert!(text.contains("admin.gandi.net"), "{text}");
    assert!(
        !err["hint"].as_str().unwrap_or("").contains("token.renew"),
        "{text}"
    );
    let seen: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(seen, ["/tokeninfo"], "only the token's introspection");
}

fn write_policy(s: &Skill, policy: &Value, mode: u32) -> std::path::PathBuf {
    let dir = s.config_dir();
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join("policy.json");
    std::fs::write(&path, policy.to_string()).expect("write policy");
    set_mode(&path, mode);
    path
}

#[test]
fn a_read_only_policy_refuses_every_change_before_any_request() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    write_policy(&s, &json!({"read_only": true}), 0o644);
    for a in gandi_skill::catalog::ACTIONS {
        fake.clear_requests();
        let run = s.run(a.example());
        if a.class() == gandi_skill::safety::Class::Read {
            assert_ne!(run.error_code(), "safety.policy_denied", "{}", a.name());
            continue;
        }
        let err = run.assert_error("safety.policy_denied", 6);
        assert_eq!(err["details"]["rule"], "read_only", "{}", a.name());
        assert!(
            fake.requests().is_empty(),
            "{}: a request was sent",
            a.name()
        );
    }
    // describe and token.check report it.
    let d = s.run(r#"{"action":"describe"}"#);
    assert_eq!(d.assert_ok()["policy"]["rules"]["read_only"], true);
    let t = s.run(r#"{"action":"token.check"}"#);
    assert_eq!(t.assert_ok()["policy"]["status"], "in_force");
}

#[test]
fn a_protected_domain_refuses_a_zone_apply() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    write_policy(&s, &json!({"protected_domains": ["Example.COM."]}), 0o600);
    let run = s.run(r#"{"action":"dns.zone.apply","domain":"example.com","mode":"merge","rrsets":[{"name":"shop","type":"A","values":["192.0.2.60"]}]}"#);
    let err = run.assert_error("safety.policy_denied", 6);
    assert_eq!(err["details"]["rule"], "protected_domains");
    assert!(fake.requests().is_empty());
    // Another domain, and a mere addition, still work.
    s.confirm(r#"{"action":"dns.zone.apply","domain":"acme-corp.com","mode":"merge","rrsets":[{"name":"shop","type":"A","values":["192.0.2.60"]}]}"#)
        .assert_ok();
    s.run(r#"{"action":"dns.records.add","domain":"example.com","name":"shop","type":"A","values":["192.0.2.60"]}"#)
        .assert_ok();
}

/// A 20-rrset zone, and a zone file keeping 4 of them.
fn twenty_rrset_zone(fake: &FakeGandi) -> String {
    let rrsets: Vec<FakeRrset> = (0..20)
        .map(|i| FakeRrset::new(&format!("h{i:02}"), "A", 3600, &[&format!("192.0.2.{i}")]))
        .collect();
    fake.with_state(|st| {
        st.zones
            .insert("twenty.test".into(), Zone::new("twenty.test", rrsets))
    });
    (0..20)
        .map(|i| {
            let ip = if i < 4 { i } else { 100 + i };
            format!("h{i:02} 3600 IN A 192.0.2.{ip}\n")
        })
        .collect()
}

#[test]
fn a_zone_change_over_the_policy_fraction_is_refused() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let text = twenty_rrset_zone(&fake);
    let import =
        json!({"action":"dns.zone.import","domain":"twenty.test","zone_text":text}).to_string();
    // Without the setting there is no threshold.
    let run = s.run(&import);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.reply["preview"]["summary"]["changed"], 16);
    write_policy(&s, &json!({"max_zone_change_fraction": 0.3}), 0o600);
    fake.clear_requests();
    let err = s
        .run(&import)
        .assert_error("safety.policy_denied", 6)
        .clone();
    assert_eq!(err["details"]["rule"], "max_zone_change_fraction");
    assert!(
        err["message"].as_str().unwrap_or("").contains("80%"),
        "{err}"
    );
    assert!(writes(&fake).is_empty());
    // A change within the fraction goes on.
    let small: String = text
        .lines()
        .take(18)
        .enumerate()
        .map(|(i, l)| {
            if i >= 4 {
                format!("h{i:02} 3600 IN A 192.0.2.{i}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let small =
        json!({"action":"dns.zone.import","domain":"twenty.test","zone_text":small}).to_string();
    let run = s.run(&small);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
}

#[test]
fn a_policy_file_that_cannot_be_trusted_stops_changes_and_says_how_to_fix_it() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let path = write_policy(&s, &json!({"read_only": false}), 0o666);
    let err = s.run(REMOVE).assert_error("config.invalid", 4).clone();
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("chmod go-w"), "{text}");
    assert!(fake.requests().is_empty());
    std::fs::write(&path, r#"{"read_only": tru"#).expect("write");
    set_mode(&path, 0o600);
    let err = s.run(REMOVE).assert_error("config.invalid", 4).clone();
    assert!(
        err["message"].as_str().unwrap_or("").contains("not valid"),
        "{err}"
    );
    std::fs::write(&path, r#"{"readonly": true}"#).expect("write");
    let err = s.run(REMOVE).assert_error("config.invalid", 4).clone();
    assert!(err.to_string().contains("readonly"), "{err}");
    // Reads still work, with a warning.
    let run = s.run(r#"{"action":"domains.list"}"#);
    run.assert_ok();
    assert!(
        run.reply["warnings"].to_string().contains("policy"),
        "{}",
        run.stdout
    );
    assert_eq!(
        s.run(r#"{"action":"describe"}"#).assert_ok()["policy"]["status"],
        "invalid"
    );
}
