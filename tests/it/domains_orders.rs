//! Availability, prices and orders as a user meets them: a quote that
//! orders nothing, a confirmation that orders exactly once at or under
//! `max_price`, a price that moved, several renewals under one total (and
//! one failing part-way), a premium registration, the owner contact (inline,
//! saved, refused), the transfer's auth code kept secret, and the expiring
//! domains of a large account.

use serde_json::{json, Value};

use crate::fake::state::{iso8601, now_secs, parse_iso8601, DAY};
use crate::fake::{FakeGandi, Fault, FaultKind, Recorded, TOKEN_FULL};
use crate::support::{Run, Skill};

fn skill(fake: &FakeGandi) -> Skill {
    Skill::with_env_token(fake, TOKEN_FULL)
}

fn contact() -> Value {
    json!({"given":"Ada","family":"Lovelace","email":"ada@example.org","streetaddr":"12 St James's Square","city":"London","zip":"SW1Y 4JH","country":"GB","phone":"+44.2079460000","type":"individual"})
}

/// Whether a request may create, change or charge: not a GET, not a
/// `Dry-Run: 1`, not the transfer check.
fn is_order(r: &Recorded) -> bool {
    r.method != "GET" && r.header("dry-run") != Some("1") && !r.path.ends_with("/available")
}

/// The requests that may create, change or charge, as "METHOD path".
fn orders(fake: &FakeGandi) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| is_order(r))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// The same request with `extra` fields added (confirm_with, a max_price).
fn with(req: &Value, extra: &Value) -> String {
    let mut r = req.clone();
    for (k, v) in extra.as_object().expect("object") {
        r[k] = v.clone();
    }
    r.to_string()
}

/// The expiry one calendar year after `secs`, as the fake writes dates.
fn one_year_after(secs: i64) -> String {
    let text = iso8601(secs);
    let year: i64 = text[..4].parse().expect("year");
    format!("{}{}", year + 1, &text[4..])
}

fn renew_price(fake: &FakeGandi, tld: &str) -> f64 {
    fake.with_state(|s| s.prices.with_taxes(s.prices.tlds[tld].renew))
}

fn expiry(fake: &FakeGandi, fqdn: &str) -> i64 {
    fake.with_state(|s| s.domains[fqdn].registry_ends_at)
}

#[test]
fn renew_quotes_without_ordering_then_orders_once_at_or_under_max_price() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let req = json!({"action":"domains.renew","domain":"example.com","duration":1});
    let before = expiry(&fake, "example.com");
    let price = renew_price(&fake, "com");

    let preview = s.run(&req.to_string());
    assert_eq!(preview.status(), "needs_confirmation", "{}", preview.stdout);
    assert_eq!(preview.code, 3);
    let line = &preview.reply["preview"]["orders"][0];
    assert_eq!(line["price"]["amount"], price);
    assert_eq!(line["price"]["currency"], "EUR");
    assert_eq!(line["price"]["taxes_included"], true);
    assert_eq!(line["expires_at"], iso8601(before));
    assert_eq!(line["new_expires_at"], one_year_after(before));
    assert_eq!(line["dry_run"]["status"], "success");
    assert_eq!(preview.reply["preview"]["total"]["amount"], price);
    assert_eq!(preview.reply["confirm_with"]["max_price"], price);
    assert!(preview.reply["message"]
        .as_str()
        .is_some_and(|m| m.contains("18.00 EUR")));
    // Gandi's own verdict was asked, and nothing was ordered.
    let dry: Vec<Recorded> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(dry.len(), 1);
    assert_eq!(dry[0].path, "/v5/domain/domains/example.com/renew");
    assert_eq!(dry[0].header("dry-run"), Some("1"));
    assert_eq!(dry[0].json(), json!({"duration": 1}));
    assert!(orders(&fake).is_empty());
    assert_eq!(expiry(&fake, "example.com"), before);

    // Confirmed with the plan but a max_price below the current price.
    let mut yes = preview.reply["confirm_with"].clone();
    yes["max_price"] = json!(price - 0.01);
    fake.clear_requests();
    let run = s.run(&with(&req, &yes));
    let err = run.assert_error("safety.price_exceeded", 6);
    assert_eq!(err["details"]["price"], price);
    assert!(orders(&fake).is_empty(), "{:?}", orders(&fake));
    assert_eq!(expiry(&fake, "example.com"), before);

    // With an adequate max_price: exactly one renewal.
    yes["max_price"] = json!(price);
    fake.clear_requests();
    let run = s.run(&with(&req, &yes));
    let result = run.assert_ok();
    assert_eq!(orders(&fake), ["POST /v5/domain/domains/example.com/renew"]);
    let order = fake
        .requests()
        .into_iter()
        .find(is_order)
        .expect("the order");
    assert_eq!(order.json(), json!({"duration": 1}));
    assert_eq!(result["orders"][0]["gandi"]["status"], 202);
    assert_eq!(
        result["orders"][0]["gandi"]["message"],
        "The domain renewal is in progress"
    );
    assert_eq!(
        result["orders"][0]["new_expires_at"],
        one_year_after(before)
    );
    assert_eq!(
        iso8601(expiry(&fake, "example.com")),
        one_year_after(before)
    );
    assert!(result["follow_up"]
        .as_str()
        .is_some_and(|f| f.contains("domains.get")));

    // The same plan again: the expiry moved, so it is stale, and nothing is ordered.
    fake.clear_requests();
    let run = s.run(&with(&req, &yes));
    let err = run.assert_error("safety.stale_plan", 6);
    assert_eq!(err["details"]["reason"], "state_changed");
    assert!(orders(&fake).is_empty());
}

#[test]
fn a_price_changed_between_the_quote_and_the_yes_makes_the_plan_stale() {
    let fake = FakeGandi::start();
    let req = json!({"action":"domains.renew","domain":"example.com"});
    let run = skill(&fake).confirm_with(&req.to_string(), |_| {
        fake.with_state(|s| {
            if let Some(t) = s.prices.tlds.get_mut("com") {
                t.renew += 2.0;
            }
        });
        fake.clear_requests();
    });
    let err = run.assert_error("safety.stale_plan", 6);
    assert_eq!(err["details"]["reason"], "state_changed");
    assert!(orders(&fake).is_empty(), "{:?}", orders(&fake));
}

/// Five generated domains (bulk0001.net .. bulk0005.eu) and their request.
fn five_domains(fake: &FakeGandi) -> (Vec<String>, Value) {
    fake.with_state(|s| s.add_domains(5));
    let names: Vec<String> = fake.with_state(|s| {
        s.domains
            .keys()
            .filter(|k| k.starts_with("bulk"))
            .cloned()
            .collect()
    });
    assert_eq!(names.len(), 5);
    let req = json!({"action":"domains.renew","domains":names,"duration":1});
    (names, req)
}

#[test]
fn five_renewals_under_one_total_are_one_preview_one_plan_and_five_orders() {
    let fake = FakeGandi::start();
    let (names, req) = five_domains(&fake);
    let s = skill(&fake);
    let preview = s.run(&req.to_string());
    assert_eq!(preview.status(), "needs_confirmation", "{}", preview.stdout);
    let lines = preview.reply["preview"]["orders"]
        .as_array()
        .expect("orders");
    assert_eq!(lines.len(), 5);
    let mut sum = 0.0;
    for (line, name) in lines.iter().zip(&names) {
        let tld = name.rsplit('.').next().expect("tld");
        assert_eq!(line["fqdn"], name.as_str());
        assert_eq!(line["price"]["amount"], renew_price(&fake, tld));
        assert_eq!(line["new_expires_at"], one_year_after(expiry(&fake, name)));
        sum += renew_price(&fake, tld);
    }
    let total = (sum * 100.0_f64).round() / 100.0;
    assert_eq!(preview.reply["preview"]["total"]["amount"], total);
    assert_eq!(preview.reply["confirm_with"]["max_price"], total);
    assert!(orders(&fake).is_empty());

    fake.clear_requests();
    let run = s.run(&with(&req, &preview.reply["confirm_with"]));
    let result = run.assert_ok();
    let expected: Vec<String> = names
        .iter()
        .map(|n| format!("POST /v5/domain/domains/{n}/renew"))
        .collect();
    assert_eq!(orders(&fake), expected);
    assert_eq!(result["orders"].as_array().map(Vec::len), Some(5));
    assert_eq!(result["total"]["amount"], total);
}

#[test]
fn a_renewal_failing_part_way_names_what_was_ordered_failed_and_not_attempted() {
    let fake = FakeGandi::start();
    let (names, req) = five_domains(&fake);
    let before: Vec<i64> = names.iter().map(|n| expiry(&fake, n)).collect();
    let run = skill(&fake).confirm_with(&req.to_string(), |_| {
        // The registry refuses the third order (Gandi's dry run passed).
        fake.with_state(|s| s.orders.refuse_orders.insert(names[2].clone(), 500));
        fake.clear_requests();
    });
    let err = run.assert_error("api.server_error", 1);
    let details = &err["details"];
    let ordered: Vec<&str> = details["ordered"]
        .as_array()
        .expect("ordered")
        .iter()
        .filter_map(|o| o["fqdn"].as_str())
        .collect();
    assert_eq!(ordered, [names[0].as_str(), names[1].as_str()]);
    assert_eq!(details["failed"]["fqdn"], names[2].as_str());
    assert_eq!(details["failed"]["http_status"], 500);
    assert_eq!(
        details["failed"]["gandi"]["object"],
        "HTTPInternalServerError"
    );
    // A 500 may hide an order that went through: say so.
    assert_eq!(details["failed"]["may_have_been_ordered"], true);
    assert_eq!(
        details["not_attempted"],
        json!([names[3].as_str(), names[4].as_str()])
    );
    let message = err["message"].as_str().expect("message");
    assert!(
        message.starts_with("2 of 5 renewals were ordered"),
        "{message}"
    );
    assert!(err["hint"]
        .as_str()
        .is_some_and(|h| h.contains("domains.get")));
    // Three orders went out, one each, and only the first two took effect.
    let expected: Vec<String> = names[..3]
        .iter()
        .map(|n| format!("POST /v5/domain/domains/{n}/renew"))
        .collect();
    assert_eq!(orders(&fake), expected);
    for (i, n) in names.iter().enumerate() {
        let moved = expiry(&fake, n) != before[i];
        assert_eq!(moved, i < 2, "{n}");
    }
}

#[test]
fn a_single_order_that_may_have_gone_through_says_how_to_check() {
    let fake = FakeGandi::start();
    let req = json!({"action":"domains.renew","domain":"example.com"});
    let run = skill(&fake).confirm_with(&req.to_string(), |_| {
        fake.with_state(|s| s.orders.refuse_orders.insert("example.com".into(), 503));
    });
    let err = run.assert_error("api.server_error", 1);
    assert_eq!(err["details"]["may_have_been_ordered"], true);
    let hint = err["hint"].as_str().expect("hint");
    assert!(
        hint.contains(r#"{"action":"domains.get","domain":"example.com"}"#),
        "{hint}"
    );
    assert!(hint.contains("do not order again"), "{hint}");
    // Sent once, never repeated (a 503 on a GET would be retried).
    assert_eq!(orders(&fake), ["POST /v5/domain/domains/example.com/renew"]);
}

#[test]
fn durations_are_checked_against_gandi_limits_before_any_order() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"domains.renew","domain":"example.com","duration":12}"#);
    let err = run.assert_error("request.invalid_params", 2);
    assert_eq!(err["details"]["field"], "duration");
    assert!(fake.requests().is_empty());

    // Nine and a half years left: the registry allows no more.
    fake.with_state(|st| {
        if let Some(d) = st.domains.get_mut("example.net") {
            d.registry_ends_at = now_secs() + 3470 * DAY;
        }
    });
    let run = s.run(r#"{"action":"domains.renew","domain":"example.net","duration":1}"#);
    let err = run.assert_error("api.conflict", 1);
    assert_eq!(err["details"]["prohibited"], true);
    assert!(fake.requests().iter().all(|r| r.method == "GET"));

    let run = s.run(r#"{"action":"domains.renewal.info","domain":"example.com","duration":2}"#);
    let info = run.assert_ok();
    assert_eq!(info["renewable"], true);
    assert_eq!(info["maximum"], 9);
    assert_eq!(info["price"]["amount"], 2.0 * renew_price(&fake, "com"));
    assert_eq!(info["price"]["duration"], 2);
}

#[test]
fn a_premium_name_is_quoted_at_its_premium_price_and_ordered_with_it() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let req =
        json!({"action":"domains.register","domain":"gold.dev","duration":1,"contact":contact()});
    let premium = fake.with_state(|st| st.prices.premium["gold.dev"]);
    let with_taxes = fake.with_state(|st| st.prices.with_taxes(premium));
    let preview = s.run(&req.to_string());
    assert_eq!(preview.status(), "needs_confirmation", "{}", preview.stdout);
    let quote = &preview.reply["preview"];
    assert_eq!(quote["premium"], true);
    assert_eq!(quote["price"]["amount"], with_taxes);
    assert_eq!(quote["price"]["amount_before_taxes"], premium);
    assert_eq!(quote["dry_run"]["status"], "success");
    assert_eq!(quote["owner"]["family"], "Lovelace");
    assert_eq!(quote["billed"]["chosen_by"], "default");
    assert_eq!(preview.reply["confirm_with"]["max_price"], with_taxes);
    assert!(preview.reply["message"]
        .as_str()
        .is_some_and(|m| m.contains("premium")));
    assert!(orders(&fake).is_empty());
    assert!(fake.with_state(|st| !st.domains.contains_key("gold.dev")));
    // The balance (50 EUR prepaid) does not cover it: the user is told.
    assert!(preview.reply["warnings"]
        .to_string()
        .contains("prepaid balance"));

    fake.clear_requests();
    let run = s.run(&with(&req, &preview.reply["confirm_with"]));
    let result = run.assert_ok();
    assert_eq!(orders(&fake), ["POST /v5/domain/domains"]);
    let body = fake
        .requests()
        .into_iter()
        .find(is_order)
        .expect("order")
        .json();
    assert_eq!(body["fqdn"], "gold.dev");
    assert_eq!(body["price"], premium);
    assert_eq!(body["currency"], "EUR");
    assert_eq!(body["owner"], contact());
    assert_eq!(result["gandi"]["status"], 202);
    assert!(fake.with_state(|st| st.domains.contains_key("gold.dev")));
}

#[test]
fn a_name_that_is_taken_is_a_conflict_and_nothing_is_ordered() {
    let fake = FakeGandi::start();
    let req = json!({"action":"domains.register","domain":"google.com","contact":contact()});
    let run = skill(&fake).run(&req.to_string());
    let err = run.assert_error("api.conflict", 1);
    assert_eq!(err["details"]["status"], "unavailable");
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn an_invalid_contact_is_refused_before_any_request_naming_the_field() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let mut c = contact();
    c["phone"] = json!("020 7946 0000");
    let req = json!({"action":"domains.register","domain":"my-new-shop.com","contact":c});
    let run = s.run(&req.to_string());
    let err = run.assert_error("request.invalid_params", 2);
    assert_eq!(err["details"]["field"], "contact.phone");
    assert!(err["message"]
        .as_str()
        .is_some_and(|m| m.contains("+CC.NUMBER")));

    // Several at once: each named.
    let mut c = contact();
    c["country"] = json!("UK");
    c["type"] = json!("company");
    let req = json!({"action":"domains.register","domain":"my-new-shop.com","contact":c});
    let run = s.run(&req.to_string());
    let err = run.assert_error("request.invalid_params", 2);
    assert_eq!(
        err["details"]["fields"],
        json!(["contact.country", "contact.orgname"])
    );
    assert!(err["message"].as_str().is_some_and(|m| m.contains("GB")));

    // A missing field, as serde reads it.
    let mut c = contact();
    c.as_object_mut().map(|o| o.remove("zip"));
    let req = json!({"action":"domains.contact.save","contact":c});
    let run = s.run(&req.to_string());
    let err = run.assert_error("request.invalid_params", 2);
    assert_eq!(err["details"]["field"], "contact.zip");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    assert!(!s.config_dir().join("contact.json").exists());
}

#[test]
fn the_saved_contact_is_private_and_owns_the_next_registration() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let mut c = contact();
    c["country"] = json!("gb");
    let run = s.run(&json!({"action":"domains.contact.save","contact":c}).to_string());
    let saved = run.assert_ok();
    assert_eq!(saved["contact"]["country"], "GB");
    assert_eq!(saved["replaced"], false);
    assert!(
        fake.requests().is_empty(),
        "contact.save sends nothing to Gandi"
    );
    let path = s.config_dir().join("contact.json");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path)
        .expect("saved")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let on_disk: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
    assert_eq!(on_disk, contact());

    let req = json!({"action":"domains.register","domain":"my-new-shop.com"});
    let preview = s.run(&req.to_string());
    assert_eq!(preview.status(), "needs_confirmation", "{}", preview.stdout);
    assert_eq!(preview.reply["preview"]["owner"], contact());
    assert_eq!(preview.reply["preview"]["owner_source"]["from"], "file");
    let dry = fake
        .requests()
        .into_iter()
        .find(|r| r.header("dry-run") == Some("1"))
        .expect("dry run");
    assert_eq!(dry.json()["owner"], contact());

    // A file others may write is refused: they would choose the owner.
    crate::support::set_mode(&path, 0o666);
    fake.clear_requests();
    let run = s.run(&req.to_string());
    let err = run.assert_error("config.invalid", 4);
    assert!(err["hint"]
        .as_str()
        .is_some_and(|h| h.contains("chmod 600")));
    assert!(fake.requests().is_empty());
}

const AUTH: &str = "Zz9-auth!code#42";

#[test]
fn a_transfer_checks_first_and_never_echoes_the_auth_code() {
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        s.orders
            .transferable
            .insert("moving-in.net".into(), AUTH.into())
    });
    let s = skill(&fake).secret(AUTH).secret("wrong-code-77");

    // A wrong code: Gandi's check says no, nothing is ordered.
    let req = json!({"action":"domains.transfer","domain":"moving-in.net","auth_code":"wrong-code-77","contact":contact()});
    let run = s.run(&req.to_string());
    let err = run.assert_error("api.conflict", 1);
    assert_eq!(err["details"]["gandi"]["available"], false);
    assert!(orders(&fake).is_empty());
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.header("dry-run").is_none()));

    // The right one: preview, yes, one order carrying the code.
    fake.clear_requests();
    let req = json!({"action":"domains.transfer","domain":"moving-in.net","auth_code":AUTH,"contact":contact()});
    let preview = s.run(&req.to_string());
    assert_eq!(preview.status(), "needs_confirmation", "{}", preview.stdout);
    assert_eq!(preview.reply["preview"]["transfer"]["available"], true);
    let api: Vec<Recorded> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v5/"))
        .collect();
    assert_eq!(
        api[0].path, "/v5/domain/transferin/moving-in.net/available",
        "the transfer check comes first"
    );
    assert_eq!(api[0].json()["authinfo"], AUTH);
    let run = s.run(&with(&req, &preview.reply["confirm_with"]));
    let result = run.assert_ok();
    assert_eq!(orders(&fake), ["POST /v5/domain/transferin"]);
    let order = fake.requests().into_iter().find(is_order).expect("order");
    assert_eq!(order.json()["authinfo"], AUTH);
    assert_eq!(order.json()["fqdn"], "moving-in.net");
    assert_eq!(result["gandi"]["status"], 202);
    assert!(result["gandi"]["location"]
        .as_str()
        .is_some_and(|l| l.ends_with("/v5/domain/transferin/moving-in.net")));
    assert!(fake.with_state(|st| st.orders.transfers.contains_key("moving-in.net")));

    // Gandi quoting the code back in an error: redacted all the same.
    fake.inject(Fault::on(
        "POST",
        "/v5/domain/transferin",
        1,
        FaultKind::ValidationError {
            name: "authinfo".into(),
            description: format!("'{AUTH}' is not accepted"),
        },
    ));
    let run: Run = s.run(&req.to_string());
    run.assert_error("api.rejected", 1);
    assert!(run.stdout.contains("[redacted]"), "{}", run.stdout);

    // A code of the wrong type is refused without being shown.
    let bad = json!({"action":"domains.transfer","domain":"moving-in.net","auth_code":987654321,"contact":contact()});
    let run = skill(&fake).secret("987654321").run(&bad.to_string());
    run.assert_error("request.invalid_params", 2);
}

#[test]
fn expiring_over_a_thousand_domains_returns_exactly_the_window_soonest_first() {
    let fake = FakeGandi::start();
    fake.with_state(|s| s.add_domains(1000));
    let run = skill(&fake).run(r#"{"action":"domains.expiring","days":60}"#);
    let result = run.assert_ok();
    let now = now_secs();
    let mut expected: Vec<(i64, String, bool, String)> = fake.with_state(|s| {
        s.domains
            .values()
            .filter(|d| d.registry_ends_at.div_euclid(DAY) - now.div_euclid(DAY) <= 60)
            .map(|d| {
                (
                    d.registry_ends_at,
                    d.fqdn.clone(),
                    d.autorenew,
                    d.tld.clone(),
                )
            })
            .collect()
    });
    expected.sort();
    let got = result["domains"].as_array().expect("domains");
    assert!(expected.len() > 20, "the window holds a real share");
    assert_eq!(
        got.iter()
            .filter_map(|d| d["fqdn"].as_str())
            .collect::<Vec<_>>(),
        expected.iter().map(|e| e.1.as_str()).collect::<Vec<_>>()
    );
    for (d, (ends, _, autorenew, tld)) in got.iter().zip(&expected) {
        assert_eq!(d["autorenew"], *autorenew);
        assert_eq!(d["renewal_price"]["amount"], renew_price(&fake, tld));
        assert_eq!(
            parse_iso8601(d["expires_at"].as_str().expect("expires_at")),
            Some(*ends)
        );
    }
    assert_eq!(run.reply["meta"]["total_count"], expected.len() as u64);
    // One price check per TLD, however many domains.
    let mut tlds: Vec<&str> = expected.iter().map(|e| e.3.as_str()).collect();
    tlds.sort();
    tlds.dedup();
    let checks = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/v5/domain/check")
        .count();
    assert_eq!(checks, tlds.len());
}

#[test]
fn check_reports_availability_and_prices_and_suggest_only_what_is_free() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let run = s.run(r#"{"action":"domains.check","names":["café.dev","example.com","Gold.dev"]}"#);
    let names = run.assert_ok()["names"].as_array().expect("names").clone();
    assert_eq!(names[0]["fqdn"], "xn--caf-dma.dev");
    assert_eq!(names[0]["fqdn_unicode"], "café.dev");
    assert_eq!(names[0]["available"], true);
    assert_eq!(names[1]["available"], false);
    assert_eq!(names[2]["fqdn"], "gold.dev");
    assert_eq!(names[2]["premium"], true);
    let checks: Vec<Recorded> = fake.requests();
    assert_eq!(checks.len(), 3);
    let processes: Vec<&str> = checks[0]
        .query
        .iter()
        .filter(|(k, _)| k == "processes")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(processes, ["create", "renew", "transfer"]);

    // 20 TLDs and variations: 24 candidates, 20 checks, paced after the
    // first 10 (at least 100 ms apart).
    fake.clear_requests();
    let tlds = [
        "com", "net", "org", "io", "dev", "eu", "fr", "de", "uk", "be", "ch", "es", "it", "nl",
        "pl", "pt", "se", "no", "dk", "fi",
    ];
    let started = std::time::Instant::now();
    let req = json!({"action":"domains.suggest","query":"example","tlds":tlds});
    let run = s.run(&req.to_string());
    let result = run.assert_ok();
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    assert_eq!(result["checked"], 20);
    assert_eq!(fake.requests().len(), 20);
    assert!(run.reply["warnings"].to_string().contains("20 of 24"));
    let found: Vec<&Value> = result["suggestions"]
        .as_array()
        .expect("list")
        .iter()
        .collect();
    let amounts: Vec<f64> = found
        .iter()
        .filter_map(|f| f["price"]["amount"].as_f64())
        .collect();
    assert!(
        amounts.windows(2).all(|w| w[0] <= w[1]),
        "cheapest first: {amounts:?}"
    );
    // example.com is this account's and example.org is taken: never offered.
    for taken in ["example.com", "example.org", "example.de"] {
        assert!(found.iter().all(|f| f["fqdn"] != taken), "{taken}");
    }
    assert_eq!(found[0]["fqdn"], "example.eu");
}

#[test]
fn the_policy_ceiling_and_gandis_own_dry_run_verdict_reach_the_user() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    std::fs::create_dir_all(s.config_dir()).expect("config dir");
    let policy = s.config_dir().join("policy.json");
    std::fs::write(&policy, r#"{"max_order_total": 10}"#).expect("policy");
    let run = s.run(r#"{"action":"domains.renew","domain":"example.com"}"#);
    let err = run.assert_error("safety.policy_denied", 6);
    assert_eq!(err["details"]["rule"], "max_order_total");
    assert!(orders(&fake).is_empty());
    std::fs::remove_file(&policy).expect("remove policy");

    // Gandi's dry run refuses: the preview shows its verdict and says so.
    fake.inject(Fault::on(
        "POST",
        "/v5/domain/domains",
        1,
        FaultKind::ValidationError {
            name: "owner.email".into(),
            description: "domain of the e-mail address does not exist".into(),
        },
    ));
    let req = json!({"action":"domains.register","domain":"my-new-shop.com","contact":contact()});
    let preview = s.run(&req.to_string());
    assert_eq!(preview.status(), "needs_confirmation", "{}", preview.stdout);
    let verdict = &preview.reply["preview"]["dry_run"];
    assert_eq!(verdict["status"], "error");
    assert_eq!(verdict["errors"][0]["name"], "owner.email");
    assert!(preview.reply["warnings"]
        .to_string()
        .contains("Gandi's own dry run refuses this order"));
    assert!(orders(&fake).is_empty());
}

#[test]
fn one_unknown_domain_among_several_is_named_and_nothing_is_ordered() {
    let fake = FakeGandi::start();
    let req = json!({"action":"domains.renew","domains":["example.com","missing-domain.com"]});
    let run = skill(&fake).run(&req.to_string());
    let err = run.assert_error("api.not_found", 1);
    assert_eq!(err["details"]["domain"], "missing-domain.com");
    assert!(err["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("missing-domain.com: ")));
    assert!(fake.requests().iter().all(|r| !is_order(r)));
}
