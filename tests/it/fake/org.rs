//! Organization API handlers (user-info, organizations list, PAT renewal on both routes) and the id.gandi.net `tokeninfo` stand-in.

use serde_json::{json, Value};

use crate::fake::auth::{identify, require_bearer, Scheme};
use crate::fake::http::{
    forbidden, glob_match, not_found, paginate, unauthorized, validation_error, Req, Response,
};
use crate::fake::state::{iso8601, new_token_secret, now_secs, parse_iso8601, State, Token};

type Reply = Result<Response, Response>;

pub fn user_info(state: &State) -> Reply {
    let u = state.users.first().ok_or_else(not_found)?;
    Ok(Response::json(
        200,
        &json!({
            "id": u.id,
            "username": u.username,
            "name": u.name,
            "firstname": u.firstname,
            "lastname": u.lastname,
            "email": u.email,
            "lang": u.lang,
            "city": u.city,
            "streetaddr": u.streetaddr,
            "zip": u.zip,
            "country": u.country,
            "phone": u.phone,
        }),
    ))
}

pub fn list_organizations(req: &Req, state: &State, base: &str) -> Reply {
    let pattern = req.query_value("~name");
    let exact = req.query_value("name");
    let org_type = req.query_value("type");
    let mut orgs: Vec<_> = state
        .orgs
        .iter()
        .filter(|o| {
            pattern.is_none_or(|p| {
                if p.contains('*') {
                    glob_match(p, &o.name)
                } else {
                    o.name.to_lowercase().contains(&p.to_lowercase())
                }
            })
        })
        .filter(|o| exact.is_none_or(|n| o.name == n))
        .filter(|o| org_type.is_none_or(|t| o.org_type == t))
        .collect();
    let sort_by = req.query_value("sort_by").unwrap_or("name");
    match sort_by.trim_start_matches('-') {
        "name" => orgs.sort_by(|a, b| a.name.cmp(&b.name)),
        "type" => orgs.sort_by(|a, b| a.org_type.cmp(&b.org_type).then(a.name.cmp(&b.name))),
        "id" => orgs.sort_by(|a, b| a.id.cmp(&b.id)),
        _ => {
            return Err(validation_error(
                "querystring",
                "sort_by",
                &format!("'{sort_by}' is not one of name, type, id"),
            ))
        }
    }
    if sort_by.starts_with('-') {
        orgs.reverse();
    }
    let items = orgs
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "name": o.name,
                "type": o.org_type,
                "firstname": o.firstname,
                "lastname": o.lastname,
                "orgname": o.orgname,
                "email": o.email,
                "corporate": o.corporate,
                "reseller": o.reseller,
            })
        })
        .collect();
    Ok(paginate(req, base, items, state.orgs.len(), 100)?.into_response())
}

fn entities(state: &State, token: &Token) -> Value {
    match state.org(&token.org_id) {
        Some(o) => json!([{ "id": o.id, "name": o.name, "type": o.org_type }]),
        None => json!([]),
    }
}

/// `POST /organization/access-tokens` (renews the token sent) and
/// `POST /organization/personal-access-tokens/{pat_id}` (renews that PAT).
/// The new secret gets the same id and scopes; the old one stays valid.
pub fn renew_token(req: &Req, state: &mut State, pat_id: Option<&str>) -> Reply {
    let (_, caller) = require_bearer(req, state)?;
    let old = match pat_id {
        None => caller.clone(),
        Some(id) => state
            .tokens
            .values()
            .find(|t| t.id == id && t.spec.scheme == Scheme::Bearer)
            .cloned()
            .ok_or_else(not_found)?,
    };
    if old.org_id != caller.org_id {
        return Err(forbidden());
    }
    let obj = req.json_object()?;
    let now = now_secs();
    let expires_at = match obj.get("expires_at") {
        None | Some(Value::Null) => now.saturating_add(old.ttl_secs.max(60)),
        Some(Value::String(s)) => match parse_iso8601(s) {
            Some(t) if t > now => t,
            _ => {
                return Err(validation_error(
                    "body",
                    "expires_at",
                    &format!("'{s}' is not a future ISO 8601 date"),
                ))
            }
        },
        Some(other) => {
            return Err(validation_error(
                "body",
                "expires_at",
                &format!("{other} is not a date"),
            ))
        }
    };
    let name = match obj.get("name") {
        None | Some(Value::Null) => old.spec.name.clone(),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(other) => {
            return Err(validation_error(
                "body",
                "name",
                &format!("{other} is not a non-empty string"),
            ))
        }
    };
    let mut new = old.clone();
    new.spec.name = name;
    new.spec.expired = false;
    new.expires_at = expires_at;
    new.ttl_secs = expires_at - now;
    let secret = if state.renewal_secrets.is_empty() {
        new_token_secret()
    } else {
        state.renewal_secrets.remove(0)
    };
    let body = json!({
        "access_token": secret,
        "id": new.id,
        "name": new.spec.name,
        "expires_at": iso8601(expires_at),
        "entities": entities(state, &new),
        "scopes": new.spec.scopes,
    });
    state.tokens.insert(secret, new);
    Ok(Response::json(201, &body))
}

/// `GET /tokeninfo` (id.gandi.net): Bearer only; an API key gets 401.
pub fn tokeninfo(req: &Req, state: &State) -> Reply {
    let (_, token) = identify(req, state)?;
    if token.spec.scheme != Scheme::Bearer {
        return Err(unauthorized());
    }
    let now = now_secs();
    if token.is_expired(now) {
        return Err(forbidden());
    }
    Ok(Response::json(
        200,
        &json!({
            "pat_name": token.spec.name,
            "expires_in": token.expires_at.saturating_sub(now),
            "scope": token.spec.scopes,
            "entities": entities(state, &token),
        }),
    ))
}

use crate::fake::auth::SCOPE_ORG_READ;
use crate::fake::router::{Access, Route};

/// The Organization routes and id.gandi.net's tokeninfo.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/tokeninfo",
        access: Access::Own,
        handle: |req, state, _, _| tokeninfo(req, state),
        // Renaming the token changes what a renewal's plan is bound to.
        perturb: Some(|state, _| {
            for t in state.tokens.values_mut() {
                t.spec.name.push_str("-renamed");
            }
        }),
    },
    Route {
        method: "GET",
        pattern: "/v5/organization/user-info",
        access: Access::Token,
        handle: |_, state, _, _| user_info(state),
        perturb: None,
    },
    Route {
        method: "GET",
        pattern: "/v5/organization/organizations",
        access: Access::Scope(SCOPE_ORG_READ),
        handle: |req, state, base, _| list_organizations(req, state, base),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/organization/access-tokens",
        access: Access::Own,
        handle: |req, state, _, _| renew_token(req, state, None),
        perturb: None,
    },
    Route {
        method: "POST",
        pattern: "/v5/organization/personal-access-tokens/{pat_id}",
        access: Access::Own,
        handle: |req, state, _, args| renew_token(req, state, Some(&args[0])),
        perturb: None,
    },
];
