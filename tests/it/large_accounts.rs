//! Large accounts and hostile servers: a walk stops at its caps and at every
//! kind of loop after a few requests; an answer over a cap is
//! `api.unexpected_response` with its status; `fields`, `limit`, `sort` and
//! `meta.next_page` shape every list as specified, with what Gandi received
//! checked; and a list read without them keeps its old shape (nulls and a
//! repeated Unicode name left out).

use serde_json::{json, Map, Value};

use crate::fake::{FakeGandi, Fault, FaultKind, State, TokenSpec, ALL_SCOPES, TOKEN_FULL};
use crate::support::Skill;

const LIST: &str = r#"{"action":"domains.list"}"#;

fn fake_with(domains: usize) -> FakeGandi {
    let mut state = State::seeded();
    state.add_domains(domains);
    FakeGandi::start_with(state)
}

fn pages_asked(fake: &FakeGandi) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| r.query_value("page").unwrap_or("-").to_string())
        .collect()
}

#[track_caller]
fn assert_stopped(run: &crate::support::Run, words: &str) {
    let err = run.assert_error("api.unexpected_response", 1);
    let message = err["message"].as_str().unwrap_or("");
    assert!(message.contains(words), "{words:?} not in {err}");
    assert!(
        err["hint"].as_str().unwrap_or("").contains("per_page"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// The caps of one walk

#[test]
fn a_list_that_never_ends_stops_at_the_item_cap() {
    let fake = fake_with(0);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1000,
        FaultKind::EndlessPages {
            per_page: 100,
            pad: 0,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL)
        .env("GANDI_LIST_MAX_ITEMS", "250")
        .run(LIST);
    assert_stopped(&run, "more than 250 items");
    // 200 items after two pages; the third would pass the cap.
    assert_eq!(pages_asked(&fake), ["1", "2", "3"]);
}

#[test]
fn a_list_of_huge_items_stops_at_the_byte_cap() {
    let fake = fake_with(0);
    // 100 items of 10 KB a page: 1 MB a page, far under the item cap.
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1000,
        FaultKind::EndlessPages {
            per_page: 100,
            pad: 10_000,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL)
        .env("GANDI_LIST_MAX_ITEMS", "1000")
        .run(LIST);
    // 1000 items may take 4 KiB each: 4,096,000 bytes, passed on page 5.
    assert_stopped(&run, "MiB");
    assert_eq!(pages_asked(&fake), ["1", "2", "3", "4", "5"]);
}

#[test]
fn the_default_caps_hold_ten_thousand_domains_and_ten_thousand_rrsets() {
    let mut state = State::seeded();
    state.add_domains(10_000);
    state.add_zone("big.example", 10_000);
    let fake = FakeGandi::start_with(state);
    let total = fake.with_state(|s| s.domains.len());
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.run(r#"{"action":"domains.list","fields":["fqdn"]}"#);
    let r = run.assert_ok();
    assert_eq!(r["domains"].as_array().map(Vec::len), Some(total));
    assert_eq!(run.reply["meta"]["returned"], total);
    assert_eq!(fake.requests().len(), total.div_ceil(100));
    fake.clear_requests();
    let run = skill.run(r#"{"action":"dns.records.list","domain":"big.example","limit":1}"#);
    run.assert_ok();
    assert_eq!(run.reply["meta"]["total_count"], 10_000);
    assert_eq!(fake.requests().len(), 20, "10,000 rrsets, 500 a page");
}

#[test]
fn a_bad_list_cap_setting_is_a_config_error_and_sends_nothing() {
    let fake = fake_with(0);
    let run = Skill::with_env_token(&fake, TOKEN_FULL)
        .env("GANDI_LIST_MAX_ITEMS", "lots")
        .run(LIST);
    let err = run.assert_error("config.invalid", 4);
    assert_eq!(err["details"]["variable"], "GANDI_LIST_MAX_ITEMS");
    assert!(fake.requests().is_empty());
}

// ---------------------------------------------------------------------------
// Loops

#[test]
fn a_link_cycle_over_two_or_three_pages_stops_before_reading_a_page_again() {
    for (cycle, asked) in [(2, vec!["1", "2"]), (3, vec!["1", "2", "3"])] {
        let fake = fake_with(1000);
        fake.inject(Fault::on(
            "GET",
            "/v5/domain/domains",
            100,
            FaultKind::LinkCycle { pages: cycle },
        ));
        let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
        assert_stopped(&run, "back to page 1");
        assert_eq!(pages_asked(&fake), asked, "cycle over {cycle} pages");
    }
}

#[test]
fn a_next_link_on_the_last_page_is_not_followed_nor_fetched_ahead() {
    let fake = fake_with(250);
    // Every page links to the next one, the last (page 3 of 256) too.
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        100,
        FaultKind::LinkCycle { pages: 100 },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    assert_eq!(
        run.assert_ok()["domains"].as_array().map(Vec::len),
        Some(256)
    );
    assert_eq!(pages_asked(&fake), ["1", "2", "3"]);
}

#[test]
fn a_link_to_page_zero_is_never_followed() {
    let fake = fake_with(1000);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        100,
        FaultKind::LinkToPage { page: 0 },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    assert_stopped(&run, "page 0");
    assert_eq!(pages_asked(&fake), ["1"]);
}

#[test]
fn a_page_that_repeats_any_page_seen_before_is_a_loop() {
    let fake = fake_with(1000);
    // Pages 1 and 2 are served as asked; page 3 comes back as page 1 (not
    // the page just before it).
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        2,
        FaultKind::Stall { millis: 0 },
    ));
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::IgnorePage,
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    assert_stopped(&run, "same page");
    assert_eq!(pages_asked(&fake), ["1", "2", "3"]);
}

#[test]
fn a_count_of_a_trillion_stops_after_the_first_page() {
    let fake = fake_with(1000);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        100,
        FaultKind::Count {
            value: "1000000000000".into(),
        },
    ));
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.run(LIST);
    assert_stopped(&run, "1000000000000 items");
    assert_eq!(pages_asked(&fake), ["1"]);
    // One page asked for is still read, and says what Gandi counted.
    fake.clear_requests();
    let run = skill.run(r#"{"action":"domains.list","page":3,"per_page":10}"#);
    run.assert_ok();
    assert_eq!(run.reply["meta"]["total_count"], 1_000_000_000_000u64);
    assert_eq!(run.reply["meta"]["next_page"], 4);
    assert_eq!(pages_asked(&fake), ["3"]);
}

// ---------------------------------------------------------------------------
// One answer over a cap: Gandi's answer, never a network failure

#[test]
fn a_body_over_the_cap_is_an_unexpected_response_with_its_status() {
    let fake = fake_with(0);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        5,
        FaultKind::HugeBody {
            bytes: 17 * 1024 * 1024,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    let err = run.assert_error("api.unexpected_response", 1);
    assert_eq!(err["http_status"], 200, "{err}");
    assert!(
        err["message"].as_str().unwrap_or("").contains("16 MiB"),
        "{err}"
    );
    assert_eq!(fake.requests().len(), 1, "not retried");
}

#[test]
fn a_decompression_bomb_is_an_unexpected_response_with_its_status() {
    let fake = fake_with(0);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        5,
        FaultKind::GzipBomb {
            bytes: 64 * 1024 * 1024,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(LIST);
    let err = run.assert_error("api.unexpected_response", 1);
    assert_eq!(err["http_status"], 200, "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains("after decompression"),
        "{err}"
    );
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1, "not retried");
    assert!(
        reqs[0]
            .header("accept-encoding")
            .is_some_and(|a| a.contains("gzip")),
        "the client asked for gzip: {:?}",
        reqs[0].headers
    );
}

#[test]
fn headers_over_the_cap_are_an_unexpected_response_with_the_status_when_known() {
    let fake = fake_with(0);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        5,
        FaultKind::HugeHeader { bytes: 128 * 1024 },
    ));
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.run(LIST);
    let err = run.assert_error("api.unexpected_response", 1);
    assert_eq!(err["http_status"], 200, "{err}");
    assert!(
        err["message"].as_str().unwrap_or("").contains("headers"),
        "{err}"
    );
    assert_eq!(fake.requests().len(), 1, "not retried");
    // Past what the client reads at all, the status is unknown, but the
    // answer is still not a network failure.
    fake.clear_faults();
    fake.clear_requests();
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        5,
        FaultKind::HugeHeader { bytes: 800 * 1024 },
    ));
    let run = skill.run(LIST);
    let err = run.assert_error("api.unexpected_response", 1);
    assert_eq!(err["http_status"], Value::Null, "{err}");
    assert_eq!(fake.requests().len(), 1, "not retried");
}

#[test]
fn an_oversized_answer_to_a_write_says_the_change_may_have_been_made() {
    let fake = FakeGandi::start();
    fake.inject(Fault::on(
        "POST",
        "/v5/livedns/domains/example.com/records",
        1,
        FaultKind::HugeBody {
            bytes: 17 * 1024 * 1024,
        },
    ));
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(
        r#"{"action":"dns.records.add","domain":"example.com","name":"big","type":"TXT","values":["\"x\""],"snapshot":false}"#,
    );
    let err = run.assert_error("api.unexpected_response", 1);
    assert_eq!(err["http_status"], 200, "{err}");
    assert!(
        err["hint"]
            .as_str()
            .unwrap_or("")
            .contains("may have been made"),
        "{err}"
    );
    let posts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "a write is never repeated");
}

// ---------------------------------------------------------------------------
// fields, limit, sort, next_page

#[test]
fn the_twenty_domains_expiring_soonest_name_and_date_only_fit_in_2_kb() {
    let fake = fake_with(10_000);
    let mut expected: Vec<(i64, String)> = fake.with_state(|s| {
        s.domains
            .values()
            .map(|d| (d.registry_ends_at, d.fqdn.clone()))
            .collect()
    });
    // Gandi's order is by name; equal dates keep it.
    expected.sort();
    let total = expected.len();
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(
        r#"{"action":"domains.list","fields":["fqdn","expires_at"],"sort":"expires_at","limit":20}"#,
    );
    let r = run.assert_ok();
    assert!(run.stdout.len() < 2048, "{} bytes", run.stdout.len());
    let got = r["domains"].as_array().expect("domains");
    assert_eq!(got.len(), 20);
    for (item, (_, fqdn)) in got.iter().zip(&expected) {
        let keys: Vec<&String> = item.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["fqdn", "expires_at"], "{item}");
        assert_eq!(item["fqdn"], fqdn.as_str());
    }
    let meta = &run.reply["meta"];
    assert_eq!(meta["returned"], 20);
    assert_eq!(meta["truncated"], true);
    assert_eq!(meta["total_count"], total);
    assert!(meta.get("next_page").is_none(), "{meta}");
    // Every page was read (a sort needs them all), and Gandi never saw our
    // shaping parameters.
    let reqs = fake.requests();
    assert_eq!(reqs.len(), total.div_ceil(100));
    for r in &reqs {
        assert_eq!(r.path, "/v5/domain/domains");
        for ours in ["fields", "limit", "sort"] {
            assert!(r.query_value(ours).is_none(), "{:?}", r.query);
        }
    }
}

#[test]
fn sort_orders_by_numbers_dates_and_names_either_way() {
    let fake = fake_with(250);
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let values = |req: &str, field: &str| -> Vec<Value> {
        let run = skill.run(req);
        run.assert_ok()["domains"]
            .as_array()
            .expect("domains")
            .iter()
            .map(|d| d[field].clone())
            .collect()
    };
    let days = values(
        r#"{"action":"domains.list","sort":"-days_left","fields":["days_left"]}"#,
        "days_left",
    );
    let numbers: Vec<i64> = days.iter().filter_map(Value::as_i64).collect();
    assert_eq!(numbers.len(), days.len());
    assert!(numbers.windows(2).all(|w| w[0] >= w[1]), "{numbers:?}");
    let names = values(
        r#"{"action":"domains.list","sort":"-fqdn","fields":["fqdn"]}"#,
        "fqdn",
    );
    let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
    let mut descending = names.clone();
    descending.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(names, descending);
    let dates = values(
        r#"{"action":"domains.list","sort":"expires_at","fields":["expires_at","days_left"]}"#,
        "days_left",
    );
    let by_date: Vec<i64> = dates.iter().filter_map(Value::as_i64).collect();
    assert!(by_date.windows(2).all(|w| w[0] <= w[1]), "{by_date:?}");
}

#[test]
fn limit_keeps_gandis_order_and_says_when_it_cut() {
    let fake = fake_with(250);
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let all = skill.run(LIST);
    let all = all.assert_ok()["domains"]
        .as_array()
        .expect("domains")
        .clone();
    let run = skill.run(r#"{"action":"domains.list","limit":5}"#);
    assert_eq!(
        run.assert_ok()["domains"].as_array(),
        Some(&all[..5].to_vec())
    );
    assert_eq!(run.reply["meta"]["returned"], 5);
    assert_eq!(run.reply["meta"]["truncated"], true);
    assert_eq!(run.reply["meta"]["total_count"], all.len());
    let run = skill.run(r#"{"action":"domains.list","limit":100000}"#);
    assert_eq!(
        run.assert_ok()["domains"].as_array().map(Vec::len),
        Some(all.len())
    );
    assert_eq!(run.reply["meta"]["truncated"], false);
}

#[test]
fn with_page_next_page_says_where_to_go_on_and_is_null_on_the_last_page() {
    let fake = fake_with(250);
    let total = fake.with_state(|s| s.domains.len());
    let last = total.div_ceil(100);
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let mut page = Value::from(1);
    let mut seen = 0;
    while let Some(p) = page.as_u64() {
        fake.clear_requests();
        let run = skill.run(&format!(
            r#"{{"action":"domains.list","page":{p},"per_page":100,"fields":["fqdn"]}}"#
        ));
        seen += run.assert_ok()["domains"].as_array().map_or(0, Vec::len);
        let meta = &run.reply["meta"];
        assert!(meta.get("next_page").is_some(), "next_page present: {meta}");
        page = meta["next_page"].clone();
        let reqs = fake.requests();
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].query_value("page"), Some(p.to_string().as_str()));
        assert_eq!(reqs[0].query_value("per_page"), Some("100"));
        if p as usize == last {
            assert_eq!(page, Value::Null, "null on the last page");
        }
    }
    assert_eq!(seen, total);
    // Without `page` there is no next page to give.
    let run = skill.run(r#"{"action":"domains.list","limit":1}"#);
    assert!(run.reply["meta"].get("next_page").is_none());
}

#[test]
fn unknown_fields_and_sorts_are_refused_with_the_valid_names_and_nothing_is_sent() {
    let fake = fake_with(0);
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.run(r#"{"action":"domains.list","fields":["fqdn","expiry","renew"]}"#);
    let err = run.assert_error("request.invalid_params", 2);
    assert_eq!(err["details"]["field"], "fields");
    assert_eq!(err["details"]["unknown"], json!(["expiry", "renew"]));
    let valid = err["details"]["valid"].as_array().expect("valid");
    for name in ["fqdn", "expires_at", "days_left", "autorenew"] {
        assert!(valid.contains(&Value::from(name)), "{name} in {valid:?}");
    }
    assert!(
        err["message"].as_str().unwrap_or("").contains("expires_at"),
        "{err}"
    );
    for (req, field) in [
        (r#"{"action":"domains.list","sort":"-renewal"}"#, "sort"),
        (r#"{"action":"domains.list","sort":"tags"}"#, "sort"),
        (r#"{"action":"domains.list","fields":[]}"#, "fields"),
        (r#"{"action":"domains.list","limit":0}"#, "limit"),
        (r#"{"action":"domains.list","limit":-3}"#, "limit"),
        (r#"{"action":"domains.list","per_page":50}"#, "per_page"),
        (
            r#"{"action":"dns.records.list","domain":"example.com","sort":"rrset_ttl"}"#,
            "sort",
        ),
    ] {
        let run = skill.run(req);
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], field, "{req}: {err}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn records_take_fields_sort_and_limit_too() {
    let mut state = State::seeded();
    state.add_zone("big.example", 1200);
    let fake = FakeGandi::start_with(state);
    let run = Skill::with_env_token(&fake, TOKEN_FULL).run(
        r#"{"action":"dns.records.list","domain":"big.example","fields":["name","ttl"],"sort":"-ttl","limit":3}"#,
    );
    let r = run.assert_ok();
    assert_eq!(r["domain"], "big.example", "the other result fields stay");
    let records = r["records"].as_array().expect("records");
    assert_eq!(records.len(), 3);
    let max_ttl = fake.with_state(|s| {
        s.zones["big.example"]
            .rrsets
            .iter()
            .map(|r| r.ttl)
            .max()
            .unwrap_or(0)
    });
    for rec in records {
        assert_eq!(
            rec.as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>()),
            Some(vec!["name".to_string(), "ttl".to_string()])
        );
        assert_eq!(rec["ttl"], max_ttl);
    }
    assert_eq!(run.reply["meta"]["returned"], 3);
    assert_eq!(run.reply["meta"]["total_count"], 1200);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3, "1200 rrsets, 500 a page");
    assert!(reqs
        .iter()
        .all(|r| r.query_value("per_page") == Some("500")));
}

#[test]
fn every_list_action_takes_fields_and_limit_on_its_example() {
    let fake = FakeGandi::start();
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let mut lists = 0;
    for action in gandi_skill::catalog::ACTIONS {
        let Some(spec) = action.list_spec() else {
            continue;
        };
        lists += 1;
        let Some(first) = spec.fields.first() else {
            continue;
        };
        let mut req: Map<String, Value> =
            serde_json::from_str(action.example()).expect("example is JSON");
        req.insert("fields".into(), json!([first]));
        req.insert("limit".into(), json!(1));
        let run = skill.run(&Value::Object(req).to_string());
        let r = run.assert_ok();
        let items = r[spec.array.as_str()].as_array().expect("the list");
        assert!(items.len() <= 1, "{}: {r}", action.name());
        for item in items {
            let keys: Vec<&String> = item.as_object().expect("object").keys().collect();
            assert!(
                keys.len() <= 1 && keys.iter().all(|k| *k == first),
                "{item}"
            );
        }
        assert_eq!(
            run.reply["meta"]["returned"],
            items.len(),
            "{}",
            action.name()
        );
        assert!(run.reply["meta"]["truncated"].is_boolean());
    }
    assert!(
        lists >= 5,
        "domains, records, zones, snapshots, organizations"
    );
}

#[test]
fn the_request_schema_names_each_lists_fields() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/request.json"),
        )
        .expect("request.json"),
    )
    .expect("JSON");
    let text = schema.to_string();
    assert!(text.contains("\"-expires_at\""), "sort values are listed");
    for action in gandi_skill::catalog::ACTIONS {
        if action.list_spec().is_none() {
            continue;
        }
        let params = action.params_schema().to_value();
        for p in ["fields", "limit", "sort", "page", "per_page"] {
            assert!(
                params["properties"].get(p).is_some(),
                "{} takes {p}",
                action.name()
            );
        }
    }
    let ok = json!({"action":"domains.list","fields":["fqdn","expires_at"],"sort":"expires_at","limit":20});
    assert!(crate::support::request_is_valid(&ok));
    let bad = json!({"action":"domains.list","fields":["expiry"]});
    assert!(!crate::support::request_is_valid(&bad));
}

#[test]
fn a_reply_over_256_kb_warns_and_suggests_fields_and_limit() {
    let fake = fake_with(2000);
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.run(LIST);
    run.assert_ok();
    assert!(run.stdout.len() > 256 * 1024, "{}", run.stdout.len());
    let warnings = run.reply["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| {
            let w = w.as_str().unwrap_or("");
            w.contains("fields") && w.contains("limit") && w.contains("KB")
        }),
        "{warnings:?}"
    );
    let small = skill.run(r#"{"action":"domains.list","fields":["fqdn"]}"#);
    small.assert_ok();
    assert_eq!(small.reply["warnings"], json!([]));
}

// ---------------------------------------------------------------------------
// The old shape, for callers that pass none of the new parameters

/// What domains.list showed for one of the fake's domains before this
/// change: every field, nulls included.
fn old_domain_item(d: &crate::fake::state::Domain, days_left: &Value) -> Value {
    json!({
        "fqdn": d.fqdn,
        "fqdn_unicode": d.fqdn_unicode,
        "id": d.id,
        "status": d.status,
        "expires_at": crate::fake::state::iso8601(d.registry_ends_at),
        "days_left": days_left,
        "autorenew": d.autorenew,
        "nameserver": d.nameserver,
        "tags": d.tags,
        "sharing_id": null,
        "owner": d.orga_owner,
        "nameservers": null,
    })
}

/// The old shape less what is now left out: nulls, and a Unicode name that
/// only repeats the ASCII one.
fn without_omitted(mut item: Value) -> Value {
    if let Some(o) = item.as_object_mut() {
        o.retain(|_, v| !v.is_null());
        if o.get("fqdn_unicode") == o.get("fqdn") {
            o.shift_remove("fqdn_unicode");
        }
    }
    item
}

#[test]
fn without_the_new_parameters_domains_and_records_keep_their_old_shape() {
    let fake = fake_with(30);
    let skill = Skill::with_env_token(&fake, TOKEN_FULL);
    let run = skill.run(LIST);
    let got = run.assert_ok()["domains"]
        .as_array()
        .expect("domains")
        .clone();
    let domains: Vec<crate::fake::state::Domain> =
        fake.with_state(|s| s.domains.values().cloned().collect());
    assert_eq!(got.len(), domains.len());
    let mut idn = 0;
    for (item, d) in got.iter().zip(&domains) {
        let days = &item["days_left"];
        let k = (d.registry_ends_at - crate::fake::state::now_secs()) / 86_400;
        assert!(
            days.as_i64().is_some_and(|n| (k - 1..=k + 1).contains(&n)),
            "{item}"
        );
        let expected = without_omitted(old_domain_item(d, days));
        // Same keys, same values, same order.
        assert_eq!(item.to_string(), expected.to_string());
        idn += usize::from(d.fqdn != d.fqdn_unicode);
    }
    assert!(idn > 0, "an IDN keeps its Unicode name");
    assert_eq!(run.reply["meta"]["total_count"], domains.len());
    assert_eq!(run.reply["meta"]["returned"], domains.len());
    assert_eq!(run.reply["meta"]["truncated"], false);

    let run = skill.run(r#"{"action":"dns.records.list","domain":"example.com"}"#);
    let r = run.assert_ok();
    let mut zone = fake.with_state(|s| s.zones["example.com"].rrsets.clone());
    crate::fake::state::sort_rrsets(&mut zone);
    let expected: Vec<Value> = zone
        .iter()
        .map(|z| json!({"name": z.name, "type": z.rtype, "ttl": z.ttl, "values": z.values}))
        .collect();
    assert_eq!(
        r.to_string(),
        json!({"domain": "example.com", "records": expected}).to_string()
    );
}

// ---------------------------------------------------------------------------
// The output guard on the serialized text

#[test]
fn a_secret_with_json_escaped_characters_is_still_redacted() {
    // Quotes and backslashes are escaped in the reply's text: the guard must
    // look for that form, not the raw one.
    let token = r#"tok"en\with"quotes"#;
    let escaped = r#"tok\"en\\with\"quotes"#;
    let mut state = State::seeded();
    state.add_token(token, TokenSpec::bearer("odd", &ALL_SCOPES, 86_400 * 30));
    let fake = FakeGandi::start_with(state);
    fake.inject(Fault::on(
        "GET",
        "/v5/domain/domains",
        1,
        FaultKind::EchoAuthorization { status: 400 },
    ));
    let run = Skill::with_env_token(&fake, token)
        .secret(escaped)
        .run(LIST);
    run.assert_error("api.rejected", 1);
    assert!(run.stdout.contains("[redacted]"), "{}", run.stdout);
    assert!(!run.stdout.contains(escaped), "{}", run.stdout);
}
