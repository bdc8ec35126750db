//! Tests: 401/403 bodies, scopes, API keys, tokeninfo, user-info, organizations and PAT renewal.

use super::{build, call, call_as, exchange, get};
use crate::fake::{
    FakeGandi, State, TokenSpec, APIKEY_LEGACY, COMPANY_ORG_ID, TOKEN_EXPIRED, TOKEN_FULL,
    TOKEN_READONLY, TOKEN_SANDBOX, TOKEN_SOON, USER_ID,
};

const BODY_401: &str = r#"{"code":401,"message":"The server could not verify that you authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad api key), or your access token has expired","object":"HTTPUnauthorized","cause":"Unauthorized"}"#;
const BODY_403: &str = r#"{"code":403,"message":"Access was denied to this resource.","object":"HTTPForbidden","cause":"Forbidden"}"#;

fn with_auth(fake: &FakeGandi, auth: Option<&str>, method: &str, path: &str) -> super::Resp {
    exchange(&fake.url(), &build(method, path, auth, &[], None)).unwrap()
}

#[test]
fn seeded_tokens_look_real() {
    for t in [
        TOKEN_FULL,
        TOKEN_READONLY,
        TOKEN_EXPIRED,
        TOKEN_SOON,
        TOKEN_SANDBOX,
    ] {
        assert_eq!(t.len(), 40, "{t}");
    }
    assert_eq!(APIKEY_LEGACY.len(), 24);
}

#[test]
fn missing_unknown_or_misused_credentials_get_the_exact_401() {
    let fake = FakeGandi::start();
    let path = "/v5/livedns/domains/example.com";
    let wrong_scheme = format!("Apikey {TOKEN_FULL}");
    let bearer_apikey = format!("Bearer {APIKEY_LEGACY}");
    for auth in [
        None,
        Some("Bearer 0000000000000000000000000000000000000000"),
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer"),
        Some(wrong_scheme.as_str()),
        Some(bearer_apikey.as_str()),
    ] {
        let r = with_auth(&fake, auth, "GET", path);
        assert_eq!(r.status, 401, "{auth:?}");
        assert_eq!(r.body, BODY_401);
        assert_eq!(
            r.header("content-type"),
            Some("application/json; charset=UTF-8")
        );
    }
}

#[test]
fn expired_tokens_and_missing_scopes_get_the_exact_403() {
    let fake = FakeGandi::start();
    for path in [
        "/v5/livedns/domains/example.com",
        "/v5/domain/domains",
        "/v5/organization/user-info",
    ] {
        let r = call_as(&fake, TOKEN_EXPIRED, "GET", path, None);
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(r.body, BODY_403);
    }
    let r = call_as(
        &fake,
        TOKEN_READONLY,
        "PUT",
        "/v5/livedns/domains/example.com/records/x/A",
        Some(r#"{"rrset_values":["192.0.2.1"]}"#),
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.body, BODY_403);
    let r = call_as(
        &fake,
        TOKEN_READONLY,
        "PATCH",
        "/v5/domain/domains/example.com/autorenew",
        Some(r#"{"enabled":false}"#),
    );
    assert_eq!(r.status, 403);
    // Read scopes are enough for reads.
    for path in [
        "/v5/livedns/domains/example.com/records",
        "/v5/domain/domains",
        "/v5/organization/organizations",
    ] {
        assert_eq!(
            call_as(&fake, TOKEN_READONLY, "GET", path, None).status,
            200
        );
    }
    // A token without org:read cannot list organizations.
    fake.with_state(|s| {
        s.add_token(
            "dnsonly000000000000000000000000000000000",
            TokenSpec::bearer("dns", &["dns:read"], 3600),
        )
    });
    let r = call_as(
        &fake,
        "dnsonly000000000000000000000000000000000",
        "GET",
        "/v5/organization/organizations",
        None,
    );
    assert_eq!(r.status, 403);
    // ... but user-info only needs a valid token.
    let r = call_as(
        &fake,
        "dnsonly000000000000000000000000000000000",
        "GET",
        "/v5/organization/user-info",
        None,
    );
    assert_eq!(r.status, 200);
}

#[test]
fn api_key_soon_and_sandbox_tokens_work() {
    let fake = FakeGandi::start();
    let r = with_auth(
        &fake,
        Some(&format!("Apikey {APIKEY_LEGACY}")),
        "GET",
        "/v5/domain/domains",
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        call_as(&fake, TOKEN_SOON, "GET", "/v5/domain/domains", None).status,
        200
    );
    assert_eq!(
        call_as(&fake, TOKEN_SANDBOX, "GET", "/v5/domain/domains", None).status,
        200
    );
    assert_eq!(
        fake.requests()[2].header("authorization"),
        Some(format!("Bearer {TOKEN_SANDBOX}").as_str())
    );
}

#[test]
fn tokeninfo_answers_bearer_tokens_only() {
    let fake = FakeGandi::start();
    let r = call_as(&fake, TOKEN_SOON, "GET", "/tokeninfo", None);
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["pat_name"], "ci-soon");
    let expires_in = v["expires_in"].as_i64().unwrap();
    assert!(expires_in > 0 && expires_in <= 3 * 86_400, "{expires_in}");
    assert!(v["scope"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "dns:write"));
    assert_eq!(v["entities"][0]["id"], USER_ID);

    let r = call_as(&fake, TOKEN_READONLY, "GET", "/tokeninfo", None);
    assert_eq!(
        r.json()["scope"],
        serde_json::json!(["domain:read", "dns:read", "org:read"])
    );

    let r = with_auth(
        &fake,
        Some(&format!("Apikey {APIKEY_LEGACY}")),
        "GET",
        "/tokeninfo",
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.body, BODY_401);
}

#[test]
fn user_info_and_organizations() {
    let fake = FakeGandi::start();
    let v = get(&fake, "/v5/organization/user-info").json();
    assert_eq!(v["username"], "jdoe");
    assert_eq!(v["id"], USER_ID);
    for key in ["name", "email", "lang", "city"] {
        assert!(v[key].is_string(), "{key}");
    }

    let r = get(&fake, "/v5/organization/organizations");
    assert_eq!(r.status, 200);
    let orgs = r.json();
    assert_eq!(orgs.as_array().unwrap().len(), 3);
    assert_eq!(orgs[0]["name"], "acme-corp"); // sorted by name
    assert_eq!(orgs[0]["id"], COMPANY_ORG_ID);
    assert_eq!(orgs[1]["type"], "individual");
    assert_eq!(orgs[2]["name"], "partner-agency");
    assert_eq!(r.header("total-count"), Some("3"));

    let only = get(&fake, "/v5/organization/organizations?type=company").json();
    assert_eq!(only.as_array().unwrap().len(), 1);
    let pat = get(&fake, "/v5/organization/organizations?~name=acme").json();
    assert_eq!(pat.as_array().unwrap().len(), 1);
    let exact = get(&fake, "/v5/organization/organizations?name=acme").json();
    assert_eq!(exact.as_array().unwrap().len(), 0);
}

#[test]
fn access_token_renewal_registers_a_new_token_and_keeps_the_old() {
    let fake = FakeGandi::start();
    let r = call_as(
        &fake,
        TOKEN_READONLY,
        "POST",
        "/v5/organization/access-tokens",
        None,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "id",
            "name",
            "expires_at",
            "entities",
            "scopes"
        ]
    );
    let new = v["access_token"].as_str().unwrap().to_string();
    assert_eq!(new.len(), 40);
    assert_ne!(new, TOKEN_READONLY);
    assert_eq!(v["name"], "ci-readonly");
    assert!(v["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        v["scopes"],
        serde_json::json!(["domain:read", "dns:read", "org:read"])
    );
    assert_eq!(
        call_as(&fake, &new, "GET", "/v5/domain/domains", None).status,
        200
    );
    assert_eq!(
        call_as(&fake, TOKEN_READONLY, "GET", "/v5/domain/domains", None).status,
        200
    );
    // Same scopes: still no write.
    let w = call_as(
        &fake,
        &new,
        "DELETE",
        "/v5/livedns/domains/example.com/records/www",
        None,
    );
    assert_eq!(w.status, 403);

    // Body options.
    let r = call(
        &fake,
        "POST",
        "/v5/organization/access-tokens",
        Some(r#"{"name":"renamed","expires_at":"2099-01-02T03:04:05Z"}"#),
    );
    assert_eq!(r.json()["name"], "renamed");
    assert_eq!(r.json()["expires_at"], "2099-01-02T03:04:05Z");
    let bad = call(
        &fake,
        "POST",
        "/v5/organization/access-tokens",
        Some(r#"{"expires_at":"yesterday"}"#),
    );
    assert_eq!(bad.status, 400);

    // PAT id route.
    let id = fake.with_state(|s| s.tokens[TOKEN_FULL].id.clone());
    let r = call(
        &fake,
        "POST",
        &format!("/v5/organization/personal-access-tokens/{id}"),
        None,
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["id"], id.as_str());
    let r = call(
        &fake,
        "POST",
        "/v5/organization/personal-access-tokens/unknown-id",
        None,
    );
    assert_eq!(r.status, 404);

    // API keys and expired tokens cannot renew.
    let r = with_auth(
        &fake,
        Some(&format!("Apikey {APIKEY_LEGACY}")),
        "POST",
        "/v5/organization/access-tokens",
    );
    assert_eq!(r.status, 403);
    let r = call_as(
        &fake,
        TOKEN_EXPIRED,
        "POST",
        "/v5/organization/access-tokens",
        None,
    );
    assert_eq!(r.status, 403);
}

#[test]
fn a_state_without_tokens_rejects_everything() {
    let fake = FakeGandi::start_with(State::empty());
    assert_eq!(get(&fake, "/v5/domain/domains").status, 401);
}
