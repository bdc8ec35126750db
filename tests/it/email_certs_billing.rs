//! E-mail, certificates, billing and organizations as a user meets them:
//! the reply, the exit code, and what the fake Gandi received. Passwords
//! never come back; a mailbox without a free slot is refused before any
//! POST; certificate orders are quoted, dry-run and ordered once, within
//! `max_price` and the plan; forwards preview their destinations.

use serde_json::{json, Value};

use crate::fake::certificates::{CERT_MAIL_ID, CERT_OLD_ID, CERT_WWW_ID};
use crate::fake::email::{MAILBOX_CEO_ID, MAILBOX_JDOE_ID};
use crate::fake::{FakeGandi, Recorded, TokenSpec, COMPANY_ORG_ID, TOKEN_FULL, TOKEN_READONLY};
use crate::support::{merged, Skill};

const PASSWORD: &str = "Blue-Heron-4821!";

fn skill(fake: &FakeGandi) -> Skill {
    Skill::with_env_token(fake, TOKEN_FULL).secret(PASSWORD)
}

/// "METHOD path" of every request but the token introspection.
fn sent(fake: &FakeGandi) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| r.path != "/tokeninfo")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// The requests that may change something: not GETs, not `Dry-Run: 1`,
/// not the read-only DCV POSTs.
fn changes(fake: &FakeGandi) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.header("dry-run") != Some("1"))
        .filter(|r| !r.path.ends_with("/dcv_params"))
        .collect()
}

fn dry_runs(fake: &FakeGandi) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.header("dry-run") == Some("1"))
        .collect()
}

// ---------------------------------------------------------------------------
// Mailboxes

#[test]
fn mailbox_creation_sends_the_password_to_gandi_only_and_never_shows_it() {
    let fake = FakeGandi::start();
    let req = json!({"action":"email.mailboxes.create","domain":"example.com","login":"Alice","password":PASSWORD,"aliases":["contact"]});
    // The runner fails this run if the password shows in stdout or stderr.
    let run = skill(&fake).run(&req.to_string());
    let r = run.assert_ok();
    assert_eq!(r["address"], "alice@example.com");
    assert_eq!(r["mailbox_type"], "standard", "the type of the free slot");
    assert_eq!(r["aliases"], json!(["contact"]));
    let id = r["mailbox_id"].as_str().expect("mailbox_id from Location");
    assert!(!run.stdout.contains("Heron"), "{}", run.stdout);
    assert_eq!(
        sent(&fake),
        [
            "GET /v5/email/slots/example.com",
            "POST /v5/email/mailboxes/example.com",
            "POST /v5/email/mailboxes/example.com",
        ]
    );
    // Gandi's dry run first, then the one creation.
    assert_eq!(dry_runs(&fake).len(), 1);
    let posts = changes(&fake);
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].json(),
        json!({"login":"alice","mailbox_type":"standard","password":PASSWORD,"aliases":["contact"]})
    );
    fake.with_state(|s| {
        let m = s.email.mailboxes["example.com"]
            .iter()
            .find(|m| m.id == id)
            .expect("created")
            .clone();
        assert_eq!(m.password, PASSWORD);
        assert_eq!(m.slot_id, 102, "the free standard slot");
    });

    // The next mailbox finds no free slot left: refused, nothing posted.
    fake.clear_requests();
    let run = skill(&fake).run(&merged(&req, json!({"login":"bob"})));
    run.assert_error("api.conflict", 1);
    assert!(changes(&fake).is_empty());
}

#[test]
fn a_dry_run_of_mailbox_creation_previews_without_the_password() {
    let fake = FakeGandi::start();
    let before = fake.state_text();
    let run = skill(&fake).run(
        &json!({"action":"email.mailboxes.create","domain":"example.com","login":"alice","password":PASSWORD,"dry_run":true})
            .to_string(),
    );
    let r = run.assert_ok();
    assert_eq!(run.reply["meta"]["dry_run"], true);
    assert_eq!(r["address"], "alice@example.com");
    assert_eq!(r["slot_id"], 102);
    assert_eq!(r["gandi_dry_run"]["status"], "success");
    assert_eq!(dry_runs(&fake).len(), 1);
    assert!(changes(&fake).is_empty());
    assert_eq!(fake.state_text(), before);
}

#[test]
fn a_password_gandi_quotes_back_is_redacted_whatever_its_characters() {
    let fake = FakeGandi::start();
    // A quote and a backslash: Gandi's Python repr escapes them.
    let tricky = r"O'Neil\Pass-123";
    let s = Skill::with_env_token(&fake, TOKEN_FULL)
        .secret(tricky)
        .secret(r"O\'Neil\\Pass-123");
    // `jdoe` exists: Gandi's dry run refuses it, quoting the parameters.
    let run = s.run(
        &json!({"action":"email.mailboxes.create","domain":"example.com","login":"jdoe","password":tricky})
            .to_string(),
    );
    let err = run.assert_error("api.rejected", 1);
    assert!(
        err["details"]["errors"][0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("already used") && d.contains("[redacted]")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Neil"), "{}", run.stdout);
    assert!(changes(&fake).is_empty(), "refused by the dry run");
}

#[test]
fn a_password_breaking_gandis_rules_is_refused_before_any_request_and_not_quoted() {
    let fake = FakeGandi::start();
    for (password, why) in [
        ("Sh0rt!1", "7 characters"),
        ("lower-case-123", "upper-case"),
        ("Two-Digits-12", "2 digit"),
        ("NoSpecial123", "special"),
    ] {
        let s = Skill::with_env_token(&fake, TOKEN_FULL).secret(password);
        let run = s.run(
            &json!({"action":"email.mailboxes.create","domain":"example.com","login":"alice","password":password})
                .to_string(),
        );
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], "password");
        assert!(
            err["message"].as_str().unwrap().contains(why),
            "{}",
            run.stdout
        );
        assert!(err.get("details").and_then(|d| d.get("value")).is_none());
    }
    // A crypt hash is taken as is.
    let hash = "$6$rounds=5000$saltsalt$abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    Skill::with_env_token(&fake, TOKEN_FULL)
        .secret(hash)
        .run(&json!({"action":"email.mailboxes.create","domain":"example.com","login":"hashed","password":hash}).to_string())
        .assert_ok();
    fake.clear_requests();
    // Not a string: refused without quoting the value.
    let run = skill(&fake).run(
        r#"{"action":"email.mailboxes.create","domain":"example.com","login":"alice","password":98765432}"#,
    );
    run.assert_error("request.invalid_params", 2);
    assert!(!run.stdout.contains("98765432"), "{}", run.stdout);
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[test]
fn mailbox_creation_without_a_free_slot_is_a_conflict_with_the_slot_price_and_no_post() {
    let fake = FakeGandi::start();
    let req = json!({"action":"email.mailboxes.create","domain":"example.com","login":"boss","mailbox_type":"premium","password":PASSWORD});
    let run = skill(&fake).run(&req.to_string());
    let err = run.assert_error("api.conflict", 1);
    // 6.00 a month before taxes, 20 % VAT.
    assert_eq!(
        err["details"]["slot_price"]["amount"], 7.2,
        "{}",
        run.stdout
    );
    assert_eq!(err["details"]["slot_price"]["currency"], "EUR");
    assert_eq!(err["details"]["slot_price"]["duration_unit"], "m");
    assert_eq!(err["details"]["free_slots"], 0);
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("no free premium mailbox slot"),
        "{message}"
    );
    assert!(message.contains("7.20 EUR a month"), "{message}");
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "no POST at all"
    );
    let price = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/v5/billing/price/mailboxv2")
        .expect("the slot price was read");
    assert_eq!(price.query_value("name"), Some("premium"));

    // A token without Billing (read) still gets the refusal (without a
    // price): the price is not what the action needs.
    fake.with_state(|s| {
        s.add_token(
            "mailonlytoken0123456789abcdefghijklmnop",
            TokenSpec::bearer("mail", &["email:read", "email:write"], 30 * 86_400),
        )
    });
    fake.clear_requests();
    let run = Skill::with_env_token(&fake, "mailonlytoken0123456789abcdefghijklmnop")
        .secret(PASSWORD)
        .run(&req.to_string());
    let err = run.assert_error("api.conflict", 1);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("could not be read"),
        "{}",
        run.stdout
    );
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
    // And with a free slot the same token creates the mailbox.
    Skill::with_env_token(&fake, "mailonlytoken0123456789abcdefghijklmnop")
        .secret(PASSWORD)
        .run(&merged(&req, json!({"mailbox_type":"standard"})))
        .assert_ok();
}

#[test]
fn mailbox_update_changes_what_is_asked_and_never_shows_the_password() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(
        &json!({"action":"email.mailboxes.update","domain":"example.com","mailbox_id":MAILBOX_JDOE_ID,"password":PASSWORD,"aliases":["contact"],"responder":{"enabled":true,"message":"Away until Monday"}})
            .to_string(),
    );
    let r = run.assert_ok();
    assert_eq!(r["changed"], json!(["password", "aliases", "responder"]));
    assert_eq!(r["removed_aliases"], json!(["john"]));
    assert!(
        run.reply["warnings"].to_string().contains("john"),
        "{}",
        run.stdout
    );
    let patch = changes(&fake);
    assert_eq!(patch.len(), 1);
    assert_eq!(patch[0].method, "PATCH");
    assert_eq!(
        patch[0].json(),
        json!({"password":PASSWORD,"aliases":["contact"],"responder":{"enabled":true,"message":"Away until Monday"}})
    );
    fake.with_state(|s| {
        let m = &s.email.mailboxes["example.com"][0];
        assert_eq!(m.password, PASSWORD);
        assert_eq!(m.aliases, ["contact"]);
        assert!(m.responder.enabled);
    });

    // A type change needs a free slot of that type: none is free for premium.
    fake.clear_requests();
    let run = skill(&fake).run(
        &json!({"action":"email.mailboxes.update","domain":"example.com","mailbox_id":MAILBOX_JDOE_ID,"mailbox_type":"premium"})
            .to_string(),
    );
    run.assert_error("api.conflict", 1);
    assert!(changes(&fake).is_empty());

    // Nothing asked: refused before any request.
    fake.clear_requests();
    let run = skill(&fake).run(
        &json!({"action":"email.mailboxes.update","domain":"example.com","mailbox_id":MAILBOX_JDOE_ID}).to_string(),
    );
    run.assert_error("request.invalid_params", 2);
    assert!(fake.requests().is_empty());
}

#[test]
fn mailbox_delete_previews_the_mailbox_and_deletes_once_confirmed() {
    let fake = FakeGandi::start();
    let req = json!({"action":"email.mailboxes.delete","domain":"example.com","mailbox_id":MAILBOX_CEO_ID});
    let before = fake.state_text();
    let run = skill(&fake).run(&req.to_string());
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.reply["preview"]["mailbox"]["address"],
        "ceo@example.com"
    );
    assert_eq!(run.reply["preview"]["mailbox"]["mailbox_type"], "premium");
    assert!(run.reply["warnings"]
        .to_string()
        .contains("cannot be recovered"));
    assert!(changes(&fake).is_empty());
    assert_eq!(fake.state_text(), before);
    fake.clear_requests();
    skill(&fake).confirm(&req.to_string()).assert_ok();
    assert_eq!(
        changes(&fake)
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>(),
        [format!(
            "DELETE /v5/email/mailboxes/example.com/{MAILBOX_CEO_ID}"
        )]
    );
    // Its slot is free again: a premium mailbox can now be created.
    skill(&fake)
        .run(&json!({"action":"email.mailboxes.create","domain":"example.com","login":"boss","mailbox_type":"premium","password":PASSWORD}).to_string())
        .assert_ok();
}

#[test]
fn mailboxes_and_slots_read_as_the_user_needs_them() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"email.mailboxes.list","domain":"example.com"}"#);
    let list = run.assert_ok()["mailboxes"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["address"], "ceo@example.com");
    assert!(list[0]["days_left"]
        .as_i64()
        .is_some_and(|d| (119..=120).contains(&d)));
    let run = skill(&fake).run(&json!({"action":"email.mailboxes.get","domain":"example.com","mailbox_id":MAILBOX_JDOE_ID}).to_string());
    assert_eq!(run.assert_ok()["mailbox"]["aliases"], json!(["john"]));
    let run = skill(&fake).run(r#"{"action":"email.slots.list","domain":"example.com"}"#);
    let r = run.assert_ok();
    assert_eq!(r["free_slots"], 1);
    assert_eq!(r["slots"].as_array().unwrap().len(), 3);
    assert_eq!(run.reply["meta"]["total_count"], 3);
    // A bad mailbox id never reaches a path.
    fake.clear_requests();
    skill(&fake)
        .run(r#"{"action":"email.mailboxes.get","domain":"example.com","mailbox_id":"../x"}"#)
        .assert_error("request.invalid_params", 2);
    assert!(fake.requests().is_empty());
}

// ---------------------------------------------------------------------------
// Forwards

#[test]
fn forward_delete_without_confirm_changes_nothing_and_shows_the_current_destinations() {
    let fake = FakeGandi::start();
    let before = fake.state_text();
    let req = r#"{"action":"email.forwards.delete","domain":"example.com","source":"sales"}"#;
    let run = skill(&fake).run(req);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.code, 3);
    let p = &run.reply["preview"];
    assert_eq!(p["address"], "sales@example.com");
    assert_eq!(p["before"], json!(["alice@example.net", "bob@example.net"]));
    assert_eq!(p["after"], Value::Null);
    assert_eq!(
        p["removed"],
        json!(["alice@example.net", "bob@example.net"])
    );
    let message = run.reply["message"].as_str().unwrap();
    assert!(
        message.contains("alice@example.net, bob@example.net"),
        "{message}"
    );
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
    assert_eq!(fake.state_text(), before, "nothing changed");

    // Confirmed: one DELETE, and the forward is gone.
    fake.clear_requests();
    skill(&fake).confirm(req).assert_ok();
    assert_eq!(
        changes(&fake)
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>(),
        ["DELETE /v5/email/forwards/example.com/sales"]
    );
    fake.with_state(|s| {
        assert!(s.email.forwards["example.com"]
            .iter()
            .all(|f| f.source != "sales"))
    });
}

#[test]
fn forward_set_previews_current_and_new_destinations_and_binds_them() {
    let fake = FakeGandi::start();
    let req = r#"{"action":"email.forwards.set","domain":"example.com","source":"sales","destinations":["alice@example.net","carol@example.net"]}"#;
    let run = skill(&fake).run(req);
    let p = &run.reply["preview"];
    assert_eq!(p["before"], json!(["alice@example.net", "bob@example.net"]));
    assert_eq!(
        p["after"],
        json!(["alice@example.net", "carol@example.net"])
    );
    assert_eq!(p["added"], json!(["carol@example.net"]));
    assert_eq!(p["removed"], json!(["bob@example.net"]));
    // Someone adds a destination before the yes: the plan is stale.
    let run = skill(&fake).confirm_with(req, |_| {
        fake.with_state(|s| {
            s.email.forwards.get_mut("example.com").unwrap()[1]
                .destinations
                .push("dave@example.net".into())
        })
    });
    let err = run.assert_error("safety.stale_plan", 6);
    assert_eq!(err["details"]["reason"], "state_changed");
    // A fresh yes: one PUT with the new list.
    fake.clear_requests();
    skill(&fake).confirm(req).assert_ok();
    let puts = changes(&fake);
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].path, "/v5/email/forwards/example.com/sales");
    assert_eq!(
        puts[0].json(),
        json!({"destinations":["alice@example.net","carol@example.net"]})
    );
    // The same list again: nothing to do, nothing sent.
    fake.clear_requests();
    let run = skill(&fake).run(req);
    assert_eq!(run.assert_ok()["removed"], Value::Null);
    assert!(changes(&fake).is_empty());
}

#[test]
fn forwards_create_takes_the_catch_all_and_checks_addresses_first() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"email.forwards.create","domain":"example.com","source":"*","destinations":["Jdoe@Example.ORG"]}"#);
    assert_eq!(run.assert_ok()["address"], "*@example.com");
    assert!(run.reply["warnings"].to_string().contains("catch-all"));
    let posts = changes(&fake);
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].json(),
        json!({"source":"*","destinations":["Jdoe@example.org"]})
    );
    let run = skill(&fake).run(r#"{"action":"email.forwards.list","domain":"example.com"}"#);
    let sources: Vec<Value> = run.assert_ok()["forwards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].clone())
        .collect();
    assert_eq!(sources, [json!("*"), json!("info"), json!("sales")]);

    // Addresses are checked before any request.
    fake.clear_requests();
    for bad in [
        json!(["not-an-address"]),
        json!([]),
        json!(["info@example.com"]),
    ] {
        let run = skill(&fake).run(
            &json!({"action":"email.forwards.create","domain":"example.com","source":"info","destinations":bad}).to_string(),
        );
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], "destinations");
    }
    assert!(fake.requests().is_empty());

    // An existing source is a conflict, and nothing is posted.
    let run = skill(&fake).run(r#"{"action":"email.forwards.create","domain":"example.com","source":"info@example.com","destinations":["x@example.net"]}"#);
    let err = run.assert_error("api.conflict", 1);
    assert_eq!(err["details"]["destinations"], json!(["jdoe@example.org"]));
    assert!(changes(&fake).is_empty());
}

#[test]
fn forwards_list_follows_every_page() {
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        let list = s.email.forwards.get_mut("example.com").unwrap();
        for i in 0..150 {
            list.push(crate::fake::email::Forward {
                source: format!("user{i:03}"),
                destinations: vec!["jdoe@example.org".into()],
            });
        }
    });
    let run = skill(&fake).run(r#"{"action":"email.forwards.list","domain":"example.com"}"#);
    assert_eq!(run.assert_ok()["forwards"].as_array().unwrap().len(), 152);
    assert_eq!(run.reply["meta"]["pages_fetched"], 2);
    assert_eq!(fake.requests().len(), 2);
}

// ---------------------------------------------------------------------------
// Certificates

const CREATE: &str = r#"{"action":"certificates.create","package":"cert_std_1_0_0","cn":"shop.example.com","dcv_method":"dns"}"#;

#[test]
fn certificate_create_without_confirm_quotes_the_price_and_orders_nothing() {
    let fake = FakeGandi::start();
    let before = fake.state_text();
    let run = skill(&fake).run(CREATE);
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(run.code, 3);
    let price = &run.reply["preview"]["price"];
    assert_eq!(
        *price,
        json!({"amount":24.0,"currency":"EUR","taxes_included":true,"amount_before_taxes":20.0,"duration":1,"duration_unit":"y"})
    );
    assert_eq!(run.reply["preview"]["gandi_dry_run"]["status"], "success");
    assert_eq!(run.reply["confirm_with"]["max_price"], 24.0);
    assert!(run.reply["message"].as_str().unwrap().contains("24.00 EUR"));
    let quote = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/v5/billing/price/issued-cert")
        .expect("the price was asked");
    assert_eq!(quote.query_value("name"), Some("cert_std_1_0_0"));
    assert_eq!(quote.query_value("processes"), Some("create"));
    // The only POST is Gandi's dry run of the order itself.
    let posts: Vec<Recorded> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/v5/certificate/issued-certs");
    assert_eq!(posts[0].header("dry-run"), Some("1"));
    assert_eq!(
        posts[0].json(),
        json!({"package":"cert_std_1_0_0","cn":"shop.example.com","dcv_method":"dns","duration":1})
    );
    assert_eq!(fake.state_text(), before);
}

#[test]
fn certificate_create_confirmed_below_the_price_or_after_a_price_change_orders_nothing() {
    let fake = FakeGandi::start();
    let s = skill(&fake);
    let preview = s.run(CREATE);
    let plan = preview.reply["confirm_with"]["plan"].clone();
    let before = fake.state_text();

    // The user's max_price is below Gandi's price.
    fake.clear_requests();
    let run = s.run(&merged(
        &serde_json::from_str(CREATE).unwrap(),
        json!({"confirm":true,"plan":plan,"max_price":23.99}),
    ));
    let err = run.assert_error("safety.price_exceeded", 6);
    assert_eq!(err["details"]["price"], 24.0);
    assert!(changes(&fake).is_empty(), "no order");
    assert_eq!(fake.state_text(), before);

    // The price rises between the quote and the yes.
    let run = s.confirm_with(CREATE, |_| {
        fake.with_state(|st| st.certificates.packages[0].create += 5.0)
    });
    let err = run.assert_error("safety.stale_plan", 6);
    assert_eq!(err["details"]["reason"], "state_changed");
    assert!(changes(&fake).is_empty(), "no order");

    // A yes to the current quote orders once.
    fake.clear_requests();
    let run = s.confirm(CREATE);
    let r = run.assert_ok();
    assert_eq!(r["price"]["amount"], 30.0);
    let orders = changes(&fake);
    assert_eq!(orders.len(), 1, "{:?}", sent(&fake));
    assert_eq!(orders[0].path, "/v5/certificate/issued-certs");
    let id = r["certificate_id"].as_str().expect("certificate_id");
    fake.with_state(|st| {
        let c = st
            .certificates
            .issued
            .iter()
            .find(|c| c.id == id)
            .expect("ordered");
        assert_eq!(c.status, "pending");
        assert_eq!(c.cn, "shop.example.com");
        assert_eq!(st.billing.prepaid, 20.0, "50.00 prepaid less 30.00");
    });
    assert!(r["next"].as_str().unwrap().contains("certificates.dcv"));
}

#[test]
fn a_certificate_order_the_prepaid_balance_does_not_cover_says_so() {
    let fake = FakeGandi::start();
    fake.with_state(|s| s.billing.prepaid = 10.0);
    let run = skill(&fake).run(CREATE);
    assert_eq!(run.status(), "needs_confirmation");
    let warnings = run.reply["warnings"].to_string();
    assert!(
        warnings.contains("prepaid balance (10.00 EUR) does not cover this order (24.00 EUR)"),
        "{warnings}"
    );
    let run = skill(&fake)
        .run(&json!({"action":"certificates.renew","certificate_id":CERT_MAIL_ID}).to_string());
    assert!(
        run.reply["warnings"].to_string().contains("does not cover"),
        "{}",
        run.stdout
    );
    // Covered: no such warning.
    fake.with_state(|s| s.billing.prepaid = 100.0);
    let run = skill(&fake).run(CREATE);
    assert!(!run.reply["warnings"].to_string().contains("does not cover"));
}

#[test]
fn a_certificate_order_needs_billing_read_for_its_quote_and_says_so_before_any_request() {
    let fake = FakeGandi::start();
    let token = "certonlytoken0123456789abcdefghijklmnop";
    fake.with_state(|s| {
        s.add_token(
            token,
            TokenSpec::bearer(
                "certs",
                &["certificate:read", "certificate:write"],
                30 * 86_400,
            ),
        )
    });
    let run = Skill::with_env_token(&fake, token).run(CREATE);
    let err = run.assert_error("auth.forbidden", 4);
    assert!(
        err["message"].as_str().unwrap().contains("Billing (read)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        sent(&fake),
        Vec::<String>::new(),
        "only the token's introspection"
    );
}

#[test]
fn certificate_input_is_checked_before_any_request() {
    let fake = FakeGandi::start();
    for (extra, field) in [
        (
            json!({"csr":"MIIBVTCBvwIBADAWMRQwEgYDVQQDDAtleGFtcGxl"}),
            "csr",
        ),
        (
            json!({"csr":"-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----"}),
            "csr",
        ),
        (json!({"dcv_method":"carrier-pigeon"}), "dcv_method"),
        (json!({"cn":"not a name"}), "cn"),
        (json!({"package":"../x"}), "package"),
        (json!({"duration":0}), "duration"),
    ] {
        let run = skill(&fake).run(&merged(
            &serde_json::from_str(CREATE).unwrap(),
            extra.clone(),
        ));
        let err = run.assert_error("request.invalid_params", 2);
        assert_eq!(err["details"]["field"], field, "{extra}");
    }
    assert!(fake.requests().is_empty());
    // A wildcard needs a wildcard package (read from Gandi): still no order.
    let run = skill(&fake).run(&merged(
        &serde_json::from_str(CREATE).unwrap(),
        json!({"cn":"*.example.com"}),
    ));
    run.assert_error("request.invalid_params", 2);
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
    // A PEM CSR goes to Gandi as given.
    fake.clear_requests();
    let csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIICijCCAXICAQAwGzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTCCASIwDQYJ\nKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL3z\n-----END CERTIFICATE REQUEST-----";
    let run = skill(&fake).run(
        &json!({"action":"certificates.create","package":"cert_std_1_0_0","csr":csr}).to_string(),
    );
    assert_eq!(run.status(), "needs_confirmation", "{}", run.stdout);
    assert_eq!(dry_runs(&fake)[0].json()["csr"], csr);
}

#[test]
fn certificate_renew_quotes_the_renewal_and_renews_once() {
    let fake = FakeGandi::start();
    let req = json!({"action":"certificates.renew","certificate_id":CERT_MAIL_ID,"duration":2})
        .to_string();
    let run = skill(&fake).run(&req);
    assert_eq!(
        run.reply["preview"]["price"]["amount"], 48.0,
        "{}",
        run.stdout
    );
    assert_eq!(run.reply["preview"]["names"], json!(["mail.example.com"]));
    assert!(run.reply["message"]
        .as_str()
        .unwrap()
        .contains("expires in 20 day"));
    let q = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/v5/billing/price/issued-cert")
        .unwrap();
    assert_eq!(q.query_value("processes"), Some("renew"));
    assert!(changes(&fake).is_empty());
    fake.clear_requests();
    skill(&fake).confirm(&req).assert_ok();
    let posts = changes(&fake);
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].path,
        format!("/v5/certificate/issued-certs/{CERT_MAIL_ID}")
    );
    assert_eq!(posts[0].json(), json!({"duration":2}));
    // A revoked certificate cannot be renewed: nothing is quoted or ordered.
    fake.clear_requests();
    let run = skill(&fake)
        .run(&json!({"action":"certificates.renew","certificate_id":CERT_OLD_ID}).to_string());
    run.assert_error("api.conflict", 1);
    assert_eq!(
        sent(&fake),
        [format!("GET /v5/certificate/issued-certs/{CERT_OLD_ID}")]
    );
}

#[test]
fn certificate_revoke_previews_the_certificate() {
    let fake = FakeGandi::start();
    let req = json!({"action":"certificates.revoke","certificate_id":CERT_WWW_ID}).to_string();
    let before = fake.state_text();
    let run = skill(&fake).run(&req);
    assert_eq!(run.code, 3);
    let c = &run.reply["preview"]["certificate"];
    assert_eq!(c["cn"], "www.example.com");
    assert_eq!(c["altnames"], json!(["example.com"]));
    assert_eq!(c["status"], "valid");
    assert!(run.reply["warnings"]
        .to_string()
        .contains("cannot be undone"));
    assert_eq!(fake.state_text(), before);
    fake.clear_requests();
    skill(&fake).confirm(&req).assert_ok();
    assert_eq!(changes(&fake).len(), 1);
    assert_eq!(changes(&fake)[0].method, "DELETE");
    // Already revoked: nothing to do, nothing sent.
    fake.clear_requests();
    let run = skill(&fake)
        .run(&json!({"action":"certificates.revoke","certificate_id":CERT_OLD_ID}).to_string());
    assert_eq!(run.assert_ok()["revoked_now"], false);
    assert!(changes(&fake).is_empty());
}

#[test]
fn certificates_list_get_packages_and_dcv() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"certificates.list"}"#);
    let certs = run.assert_ok()["certificates"].as_array().unwrap().clone();
    assert_eq!(certs.len(), 3);
    let mail = certs.iter().find(|c| c["id"] == CERT_MAIL_ID).unwrap();
    assert_eq!(mail["status"], "valid");
    assert_eq!(mail["package"], "cert_std_1_0_0");
    assert!(
        mail["days_left"]
            .as_i64()
            .is_some_and(|d| (19..=20).contains(&d)),
        "{mail}"
    );
    assert!(mail.get("altnames").is_none(), "empty lists are left out");
    let run = skill(&fake).run(r#"{"action":"certificates.list","cn":"www.*"}"#);
    assert_eq!(run.assert_ok()["certificates"].as_array().unwrap().len(), 1);
    assert_eq!(
        fake.requests().last().unwrap().query_value("cn"),
        Some("www.*")
    );
    let run = skill(&fake).run(r#"{"action":"certificates.packages"}"#);
    let packages = run.assert_ok()["packages"].as_array().unwrap().clone();
    assert!(packages
        .iter()
        .any(|p| p["name"] == "cert_std_w_0_0" && p["wildcard"] == true));
    // DCV: a read-only POST, and the record to publish.
    fake.clear_requests();
    let run = skill(&fake).run(
        &json!({"action":"certificates.dcv","certificate_id":CERT_MAIL_ID,"dcv_method":"dns"})
            .to_string(),
    );
    let r = run.assert_ok();
    assert_eq!(r["fqdns"], json!(["mail.example.com"]));
    assert!(r["dns_records"][0].as_str().unwrap().contains("CNAME"));
    assert_eq!(
        sent(&fake),
        [format!(
            "POST /v5/certificate/issued-certs/{CERT_MAIL_ID}/dcv_params"
        )]
    );
    assert_eq!(fake.requests()[0].json(), json!({"dcv_method":"dns"}));
    // Before an order: the pre-order route with every name.
    fake.clear_requests();
    let run = skill(&fake).run(r#"{"action":"certificates.dcv","package":"cert_std_3_0_0","cn":"a.example.com","altnames":["b.example.com"],"dcv_method":"dns"}"#);
    assert_eq!(
        run.assert_ok()["fqdns"],
        json!(["a.example.com", "b.example.com"])
    );
    assert_eq!(sent(&fake), ["POST /v5/certificate/dcv_params"]);
}

// ---------------------------------------------------------------------------
// Billing and organizations

#[test]
fn billing_info_shows_the_balance_and_a_403_names_billing_read() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"billing.info"}"#);
    let r = run.assert_ok();
    assert_eq!(r["prepaid"]["amount"], 50.0);
    assert_eq!(r["prepaid"]["currency"], "EUR");
    assert_eq!(r["prepaid"]["warning_threshold"], 20.0);
    assert_eq!(r["prepaid"]["below_threshold"], false);
    assert_eq!(r["outstanding_amount"], 0.0);
    assert_eq!(r["annual_balance"], 1234.5);
    assert_eq!(r["grid"], "A");
    // Below the threshold and something owed: both said.
    fake.with_state(|s| {
        s.billing.prepaid = 5.0;
        s.billing.outstanding_amount = 12.5;
    });
    let run = skill(&fake).run(r#"{"action":"billing.info"}"#);
    assert_eq!(run.assert_ok()["prepaid"]["below_threshold"], true);
    let w = run.reply["warnings"].to_string();
    assert!(
        w.contains("below its warning threshold") && w.contains("12.50 EUR"),
        "{w}"
    );

    // A token without billing:read.
    let run = Skill::with_env_token(&fake, TOKEN_READONLY).run(r#"{"action":"billing.info"}"#);
    let err = run.assert_error("auth.forbidden", 4);
    assert_eq!(err["http_status"], 403);
    assert!(
        err["hint"].as_str().unwrap().contains("Billing (read)"),
        "{}",
        run.stdout
    );
}

#[test]
fn billing_prices_per_tld_and_process() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"billing.prices","tlds":["com",".FR","xyz"]}"#);
    let tlds = run.assert_ok()["tlds"].as_array().unwrap().clone();
    assert_eq!(tlds.len(), 2);
    assert_eq!(tlds[0]["tld"], "com");
    assert_eq!(tlds[0]["create"]["amount"], 16.2);
    assert_eq!(tlds[0]["renew"]["amount"], 18.0);
    assert_eq!(tlds[0]["transfer"]["currency"], "EUR");
    assert_eq!(tlds[0]["restore"]["amount"], 180.0);
    assert_eq!(tlds[0]["max_years"], 10);
    assert_eq!(tlds[1]["tld"], "fr");
    assert!(run.reply["warnings"].to_string().contains(".xyz"));
    let r = &fake.requests()[0];
    assert_eq!(r.path, "/v5/billing/price/domain");
    let names: Vec<&str> = r
        .query
        .iter()
        .filter(|(k, _)| k == "name")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(names, [".com", ".fr", ".xyz"]);
    let processes: Vec<&str> = r
        .query
        .iter()
        .filter(|(k, _)| k == "processes")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(processes, ["create", "renew", "transfer", "restore"]);
    // Unicode TLDs go in their ASCII form; none at all is refused unsent.
    fake.clear_requests();
    skill(&fake)
        .run(r#"{"action":"billing.prices","tlds":["рф"]}"#)
        .assert_ok();
    assert_eq!(fake.requests()[0].query_value("name"), Some(".xn--p1ai"));
    fake.clear_requests();
    skill(&fake)
        .run(r#"{"action":"billing.prices","tlds":[]}"#)
        .assert_error("request.invalid_params", 2);
    assert!(fake.requests().is_empty());
}

#[test]
fn billing_prices_follow_every_page_of_products() {
    let fake = FakeGandi::start();
    let tlds: Vec<String> = (0..40).map(|i| format!("t{i:02}")).collect();
    fake.with_state(|s| {
        let com = s.prices.tlds["com"].clone();
        for t in &tlds {
            s.prices.tlds.insert(t.clone(), com.clone());
        }
    });
    // 40 TLDs, 4 processes: 160 products, 100 a page.
    let run = skill(&fake).run(&json!({"action":"billing.prices","tlds":tlds}).to_string());
    let got = run.assert_ok()["tlds"].as_array().unwrap().clone();
    assert_eq!(got.len(), 40);
    assert!(
        got.iter().all(|t| t["restore"]["amount"] == 180.0),
        "{}",
        run.stdout
    );
    assert_eq!(run.reply["meta"]["pages_fetched"], 2);
    let pages: Vec<Option<String>> = fake
        .requests()
        .iter()
        .map(|r| r.query_value("page").map(str::to_string))
        .collect();
    assert_eq!(pages, [Some("1".to_string()), Some("2".to_string())]);
}

#[test]
fn organizations_list_gives_ids_usable_as_sharing_id() {
    let fake = FakeGandi::start();
    let run = skill(&fake).run(r#"{"action":"organizations.list"}"#);
    let orgs = run.assert_ok()["organizations"].as_array().unwrap().clone();
    assert_eq!(fake.requests()[0].query_value("sort_by"), Some("name"));
    let company = orgs
        .iter()
        .find(|o| o["type"] == "company")
        .expect("company");
    assert_eq!(company["id"], COMPANY_ORG_ID);
    assert_eq!(company["orgname"], "ACME Corp SAS");
    let personal = orgs
        .iter()
        .find(|o| o["type"] == "individual")
        .expect("individual");
    assert!(
        personal.get("orgname").is_none(),
        "empty fields are left out: {personal}"
    );
    assert_eq!(personal["firstname"], "John");
    // The id works as sharing_id: Gandi receives it on the next request.
    fake.clear_requests();
    let id = company["id"].as_str().unwrap();
    skill(&fake)
        .run(&json!({"action":"domains.list","sharing_id":id}).to_string())
        .assert_ok();
    assert_eq!(fake.requests()[0].query_value("sharing_id"), Some(id));
}
