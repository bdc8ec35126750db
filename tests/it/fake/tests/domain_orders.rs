//! Tests: the fake's price grids (processes repeated, premium lines, taxes),
//! TLD pages, renewal limits, and the orders' Dry-Run (validation only, no
//! side effect), premium price, auth code and scope rules.

use serde_json::json;

use super::{build, call, call_as, exchange, get};
use crate::fake::domain_orders::SEEDED_AUTH_CODE;
use crate::fake::{FakeGandi, TOKEN_FULL, TOKEN_READONLY};

fn dry(fake: &FakeGandi, target: &str, body: &str) -> super::Resp {
    let auth = super::bearer(TOKEN_FULL);
    let raw = build("POST", target, Some(&auth), &[("Dry-Run", "1")], Some(body));
    exchange(&fake.url(), &raw).unwrap()
}

fn owner() -> serde_json::Value {
    json!({"given":"Ada","family":"Lovelace","email":"ada@example.org","streetaddr":"1 Sq","city":"London","zip":"SW1","country":"GB","phone":"+44.2079460000","type":"individual"})
}

#[test]
fn check_answers_a_grid_per_process_with_premium_lines_and_taxes() {
    let fake = FakeGandi::start();
    let v = get(
        &fake,
        "/v5/domain/check?name=gold.dev&processes=create&processes=renew",
    )
    .json();
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["taxes"][0]["rate"], 20.0);
    let products = v["products"].as_array().unwrap();
    assert_eq!(products.len(), 2);
    assert_eq!(products[0]["process"], "create");
    assert_eq!(products[0]["status"], "available");
    assert_eq!(products[0]["prices"][0]["type"], "premium");
    assert_eq!(products[0]["prices"][0]["price_before_taxes"], 1500.0);
    assert_eq!(products[0]["prices"][0]["price_after_taxes"], 1800.0);
    assert!(products[1]["prices"][0].get("type").is_none());
    let taken = get(&fake, "/v5/domain/check?name=example.com").json();
    assert_eq!(taken["products"][0]["status"], "unavailable");
    let odd = get(&fake, "/v5/domain/check?name=x.nosuchtld").json();
    assert_eq!(odd["products"][0]["status"], "error_invalid");
    assert_eq!(get(&fake, "/v5/domain/check").status, 400);
    assert_eq!(
        get(&fake, "/v5/domain/check?name=a.com&processes=buy").status,
        400
    );
}

#[test]
fn tlds_are_paged_and_filtered() {
    let fake = FakeGandi::start();
    let r = get(&fake, "/v5/domain/tlds?per_page=2&category=gTLD");
    assert_eq!(r.status, 200);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    assert!(r.header("link").is_some_and(|l| l.contains("rel=\"next\"")));
    assert_eq!(get(&fake, "/v5/domain/tlds?category=xx").status, 400);
}

#[test]
fn a_dry_run_validates_and_changes_nothing() {
    let fake = FakeGandi::start();
    let before = fake.state_text();
    let create = json!({"fqdn":"new-name.com","owner":owner(),"duration":1}).to_string();
    let r = dry(&fake, "/v5/domain/domains", &create);
    assert_eq!((r.status, r.json()), (200, json!({"status":"success"})));
    let r = dry(
        &fake,
        "/v5/domain/domains/example.com/renew",
        r#"{"duration":2}"#,
    );
    assert_eq!(r.json(), json!({"status":"success"}));
    let transfer =
        json!({"fqdn":"taken-elsewhere.com","owner":owner(),"authinfo":SEEDED_AUTH_CODE})
            .to_string();
    let r = dry(&fake, "/v5/domain/transferin", &transfer);
    assert_eq!(r.json(), json!({"status":"success"}));
    assert_eq!(fake.state_text(), before);
    // A refused dry run is the validation list, naming the field.
    let r = dry(
        &fake,
        "/v5/domain/domains/example.com/renew",
        r#"{"duration":10}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["name"], "duration");
    let r = dry(
        &fake,
        "/v5/domain/domains",
        r#"{"fqdn":"gold.dev","owner":{}}"#,
    );
    assert_eq!(r.json()["errors"][0]["name"], "owner.given");
}

#[test]
fn orders_take_effect_under_gandis_rules() {
    let fake = FakeGandi::start();
    let premium = json!({"fqdn":"gold.dev","owner":owner()}).to_string();
    let r = call(&fake, "POST", "/v5/domain/domains", Some(&premium));
    assert_eq!(r.json()["errors"][0]["name"], "price");
    let premium =
        json!({"fqdn":"gold.dev","owner":owner(),"price":1500.0,"currency":"EUR"}).to_string();
    let r = call(&fake, "POST", "/v5/domain/domains", Some(&premium));
    assert_eq!(r.status, 202);
    assert!(fake.with_state(|s| s.domains.contains_key("gold.dev")));
    assert_eq!(
        get(&fake, "/v5/domain/check?name=gold.dev").json()["products"][0]["status"],
        "unavailable"
    );

    let ends = fake.with_state(|s| s.domains["example.com"].registry_ends_at);
    let r = call(
        &fake,
        "POST",
        "/v5/domain/domains/example.com/renew",
        Some(r#"{"duration":1}"#),
    );
    assert_eq!(r.status, 202);
    assert!(fake.with_state(|s| s.domains["example.com"].registry_ends_at) > ends);
    let r = call_as(
        &fake,
        TOKEN_READONLY,
        "POST",
        "/v5/domain/domains/example.com/renew",
        Some("{}"),
    );
    assert_eq!(r.status, 403);

    let wrong = json!({"authinfo":"nope"}).to_string();
    let r = call(
        &fake,
        "POST",
        "/v5/domain/transferin/taken-elsewhere.com/available",
        Some(&wrong),
    );
    assert_eq!(r.json()["available"], false);
    let right = json!({"authinfo": SEEDED_AUTH_CODE}).to_string();
    let r = call(
        &fake,
        "POST",
        "/v5/domain/transferin/taken-elsewhere.com/available",
        Some(&right),
    );
    assert_eq!(r.json()["available"], true);
    let order = json!({"fqdn":"taken-elsewhere.com","owner":owner(),"authinfo":"nope"}).to_string();
    let r = call(&fake, "POST", "/v5/domain/transferin", Some(&order));
    assert_eq!(r.json()["errors"][0]["name"], "authinfo");
    let order = json!({"fqdn":"taken-elsewhere.com","owner":owner(),"authinfo":SEEDED_AUTH_CODE})
        .to_string();
    let r = call(&fake, "POST", "/v5/domain/transferin", Some(&order));
    assert_eq!(r.status, 202);
    assert!(r
        .header("location")
        .is_some_and(|l| l.ends_with("/v5/domain/transferin/taken-elsewhere.com")));
    assert_eq!(
        call(&fake, "POST", "/v5/domain/transferin", Some(&order)).status,
        409
    );
}
