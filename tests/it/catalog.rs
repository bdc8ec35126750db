//! Sweeps over the whole catalog: every action, with its declared example,
//! on the seeded fake. Whatever is added to `catalog::ACTIONS` is covered
//! here without anyone remembering to: its example runs; a change waits for
//! a yes and sends only reads; a dry run changes nothing; a plan from a
//! preview confirms, and one made stale by an edit elsewhere is refused
//! with only reads sent; every request matches a declared route; every
//! declared route is served by the fake under the permission it declares.

use serde_json::{json, Value};

use gandi_skill::catalog::{AnyAction, Effect, Host, Permission, Route, ACTIONS, DISPATCH_ROUTES};
use gandi_skill::safety::Class;

use crate::fake::router::{self, Access};
use crate::fake::{FakeGandi, Recorded, TOKEN_FULL};
use crate::support::{merged, Run, Skill};

fn example(a: &dyn AnyAction) -> Value {
    serde_json::from_str(a.example())
        .unwrap_or_else(|e| panic!("{}: EXAMPLE is not JSON: {e}", a.name()))
}

fn segments(r: &Recorded) -> Vec<String> {
    r.path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| crate::fake::http::percent_decode(s, false))
        .collect()
}

fn route_of<'a>(a: &'a dyn AnyAction, r: &Recorded) -> Option<&'a Route> {
    let segs = segments(r);
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    a.routes()
        .iter()
        .chain(DISPATCH_ROUTES)
        .find(|route| route.matches(&r.method, &segs))
}

/// Every request matches a route the action (or dispatch) declares.
#[track_caller]
fn assert_declared(a: &dyn AnyAction, fake: &FakeGandi) {
    for r in fake.requests() {
        assert!(
            route_of(a, &r).is_some(),
            "{} sent {} {}, which it does not declare",
            a.name(),
            r.method,
            r.path
        );
    }
}

/// Nothing but reads: GETs, `Dry-Run: 1` checks and declared check POSTs.
#[track_caller]
fn assert_only_reads(a: &dyn AnyAction, fake: &FakeGandi, when: &str) {
    for r in fake.requests() {
        let reads = r.method == "GET"
            || r.header("dry-run") == Some("1")
            || route_of(a, &r).is_some_and(|route| route.effect == Effect::Reads);
        assert!(
            reads,
            "{} {when} sent {} {}, which changes something",
            a.name(),
            r.method,
            r.path
        );
    }
}

fn changes(a: &dyn AnyAction) -> bool {
    matches!(a.class(), Class::Destructive | Class::Billable)
}

fn skill(fake: &FakeGandi) -> Skill {
    Skill::with_env_token(fake, TOKEN_FULL)
}

#[test]
fn every_example_runs_on_the_seeded_fake_and_sends_only_declared_routes() {
    for a in ACTIONS {
        let fake = FakeGandi::start();
        let run = skill(&fake).run(a.example());
        assert!(
            matches!(run.status(), "ok" | "needs_confirmation"),
            "{}: its example fails: {}",
            a.name(),
            run.stdout
        );
        assert_declared(*a, &fake);
    }
}

#[test]
fn a_change_waits_for_a_yes_and_sends_only_reads() {
    for a in ACTIONS.iter().filter(|a| changes(**a)) {
        let fake = FakeGandi::start();
        let before = fake.state_text();
        let run = skill(&fake).run(a.example());
        assert_eq!(
            run.status(),
            "needs_confirmation",
            "{}: {}",
            a.name(),
            run.stdout
        );
        assert_eq!(run.code, 3, "{}", a.name());
        let with = &run.reply["confirm_with"];
        assert_eq!(with["confirm"], true, "{}", a.name());
        let plan = with["plan"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no plan", a.name()));
        assert_eq!(run.reply["preview"]["plan"], plan, "{}", a.name());
        if a.class() == Class::Billable {
            assert!(
                with["max_price"].is_number(),
                "{}: {}",
                a.name(),
                run.stdout
            );
        }
        assert_only_reads(*a, &fake, "without confirm");
        assert_eq!(
            fake.state_text(),
            before,
            "{}: the preview changed Gandi",
            a.name()
        );

        // `confirm` alone (no plan) is a preview again, never a change.
        let mut extra = json!({"confirm": true});
        if a.class() == Class::Billable {
            extra["max_price"] = with["max_price"].clone();
        }
        let run = skill(&fake).run(&merged(&example(*a), extra));
        assert_eq!(
            run.status(),
            "needs_confirmation",
            "{}: {}",
            a.name(),
            run.stdout
        );
        assert!(
            run.reply["warnings"].to_string().contains("plan"),
            "{}",
            run.stdout
        );
        assert_only_reads(*a, &fake, "with confirm but no plan");
        assert_eq!(fake.state_text(), before, "{}", a.name());
    }
}

#[test]
fn a_dry_run_changes_nothing() {
    for a in ACTIONS.iter().filter(|a| a.class() != Class::Read) {
        let fake = FakeGandi::start();
        let before = fake.state_text();
        let mut extra = json!({"dry_run": true, "confirm": true});
        if a.class() == Class::Billable {
            extra["max_price"] = json!(1_000_000);
        }
        let run = skill(&fake).run(&merged(&example(*a), extra));
        run.assert_ok();
        assert_eq!(run.reply["meta"]["dry_run"], true, "{}", a.name());
        assert!(
            run.reply["meta"].get("snapshot_id").is_none(),
            "{}",
            a.name()
        );
        assert_only_reads(*a, &fake, "in a dry run");
        assert_declared(*a, &fake);
        assert_eq!(
            fake.state_text(),
            before,
            "{}: a dry run changed Gandi",
            a.name()
        );
    }
}

#[test]
fn a_plan_from_the_preview_confirms_and_a_stale_one_is_refused() {
    for a in ACTIONS.iter().filter(|a| changes(**a)) {
        // The user's yes: the plan of the preview, once.
        let fake = FakeGandi::start();
        let before = fake.state_text();
        let run = skill(&fake).confirm(a.example());
        run.assert_ok();
        assert_declared(*a, &fake);
        assert_ne!(
            fake.state_text(),
            before,
            "{}: the confirmed change did nothing",
            a.name()
        );

        // An edit made elsewhere between the preview and the yes.
        let fake = FakeGandi::start();
        let mut perturbed = 0;
        let stale: Run = skill(&fake).confirm_with(a.example(), |_| {
            for r in fake.requests().iter().filter(|r| r.method == "GET") {
                perturbed += usize::from(fake.perturb(r));
            }
            fake.clear_requests();
        });
        assert!(
            perturbed > 0,
            "{}: its preview read nothing the fake can change, so its plan binds no live state",
            a.name()
        );
        let err = stale.assert_error("safety.stale_plan", 6);
        assert_eq!(
            err["details"]["reason"],
            "state_changed",
            "{}: {err}",
            a.name()
        );
        assert_only_reads(*a, &fake, "with a stale plan");
    }
}

#[test]
fn a_plan_is_refused_for_another_request_or_selection() {
    for a in ACTIONS.iter().filter(|a| changes(**a)) {
        let fake = FakeGandi::start();
        let s = skill(&fake);
        let preview = s.run(a.example());
        let with_plan = preview.reply["confirm_with"].clone();
        // The same plan, for another organization.
        let run = s.run(&merged(&example(*a), {
            let mut w = with_plan.clone();
            w["sharing_id"] = json!(crate::fake::USER_ID);
            w
        }));
        let err = run.assert_error("safety.stale_plan", 6);
        assert_eq!(
            err["details"]["reason"],
            "selection_changed",
            "{}: {err}",
            a.name()
        );
        let mut edited = with_plan.clone();
        let token = edited["plan"].as_str().unwrap_or_default().to_string();
        let last = token.chars().last().unwrap_or('0');
        edited["plan"] = json!(format!(
            "{}{}",
            &token[..token.len() - 1],
            if last == '0' { '1' } else { '0' }
        ));
        let run = s.run(&merged(&example(*a), edited));
        run.assert_error("safety.stale_plan", 6);
        assert_only_reads(*a, &fake, "with a refused plan");
    }
}

/// The fake's access rule for a declared permission.
fn access_for(route: &Route) -> Vec<Access> {
    match route.permission {
        Permission::None => vec![],
        Permission::AnyToken => vec![Access::Token, Access::Own],
        Permission::DomainRead => vec![Access::Scope("domain:read")],
        Permission::DomainWrite => vec![Access::Scope("domain:write")],
        Permission::DnsRead => vec![Access::Scope("dns:read")],
        Permission::DnsWrite => vec![Access::Scope("dns:write")],
        Permission::EmailRead => vec![Access::Scope("email:read")],
        Permission::EmailWrite => vec![Access::Scope("email:write")],
        Permission::CertificateRead => vec![Access::Scope("certificate:read")],
        Permission::CertificateWrite => vec![Access::Scope("certificate:write")],
        Permission::BillingRead => vec![Access::Scope("billing:read")],
        Permission::OrganizationRead => vec![Access::Scope("org:read")],
        Permission::OrganizationWrite => vec![Access::Scope("org:write")],
    }
}

fn shape(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_declared_route_is_served_by_the_fake_under_its_permission() {
    for a in ACTIONS {
        for route in a.routes().iter().chain(DISPATCH_ROUTES) {
            let served: Vec<&router::Route> = router::all()
                .filter(|f| f.method == route.method && shape(f.pattern) == shape(route.path))
                .collect();
            assert_eq!(
                served.len(),
                1,
                "{}: {route} is not served by the fake (once)",
                a.name()
            );
            if route.host == Host::Id {
                continue;
            }
            assert!(
                access_for(route).contains(&served[0].access),
                "{}: {route} needs {:?} in the fake but declares {:?}",
                a.name(),
                served[0].access,
                route.permission
            );
        }
    }
}

#[test]
fn a_change_declares_the_permission_its_writes_need() {
    for a in ACTIONS.iter().filter(|a| a.class() != Class::Read) {
        // A change that needs no Gandi permission writes only local files
        // (domains.contact.save): it may send nothing at all.
        if a.permission() == Permission::None {
            assert!(
                a.routes().is_empty(),
                "{} needs no Gandi permission but declares routes",
                a.name()
            );
            continue;
        }
        let writes: Vec<&Route> = a
            .routes()
            .iter()
            .filter(|r| r.effect == Effect::Writes)
            .collect();
        assert!(
            !writes.is_empty(),
            "{} changes something but declares no write route",
            a.name()
        );
        assert!(
            writes.iter().any(|r| r.permission == a.permission()),
            "{}: its permission {:?} is none of its writes'",
            a.name(),
            a.permission()
        );
    }
}
