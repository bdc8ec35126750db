//! The route table: every route the fake serves as (method, path pattern,
//! access, handler, perturbation), one table per Gandi area. A path that
//! matches no pattern is a 404; a known path with another method a 405.
//! `perturb` changes the resource a GET reads, so tests can make a preview's
//! plan stale.

use crate::fake::auth::require;
use crate::fake::http::{method_not_allowed, not_found, Req, Response};
use crate::fake::state::State;
use crate::fake::{billing, certificates, domain_orders, domains, email, livedns, org};

pub type Reply = Result<Response, Response>;

/// Answers a request: `(req, state, base URL, the pattern's captured segments)`.
pub type Handler = fn(&Req, &mut State, &str, &[String]) -> Reply;

/// Changes the state a GET of this route reads (its captured segments given).
pub type Perturb = fn(&mut State, &[String]);

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The handler checks (or needs) no credential itself.
    Own,
    /// Any valid, unexpired token.
    Token,
    /// A valid token holding this scope.
    Scope(&'static str),
}

pub struct Route {
    pub method: &'static str,
    /// `{x}` stands for one path segment.
    pub pattern: &'static str,
    pub access: Access,
    pub handle: Handler,
    pub perturb: Option<Perturb>,
}

/// Every area's table.
pub fn tables() -> &'static [&'static [Route]] {
    &[
        org::ROUTES,
        //
        domains::ROUTES,
        //
        domain_orders::ROUTES,
        //
        livedns::ROUTES,
        //
        billing::ROUTES,
        //
        email::ROUTES,
        //
        certificates::ROUTES,
        //
    ]
}

/// Every route the fake serves.
pub fn all() -> impl Iterator<Item = &'static Route> {
    tables().iter().flat_map(|t| t.iter())
}

/// Zone and domain names in paths are case-insensitive; a trailing dot is dropped.
pub fn fqdn(segment: &str) -> String {
    segment.trim_end_matches('.').to_ascii_lowercase()
}

/// The captured segments when `segments` matches `pattern`.
pub fn captures(pattern: &str, segments: &[String]) -> Option<Vec<String>> {
    let parts: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut out = Vec::new();
    for (p, s) in parts.iter().zip(segments) {
        if p.starts_with('{') && p.ends_with('}') {
            if s.is_empty() {
                return None;
            }
            out.push(s.clone());
        } else if p != s {
            return None;
        }
    }
    Some(out)
}

/// Answers one request. `base` is the server's own `http://127.0.0.1:PORT`.
pub fn handle(req: &Req, state: &mut State, base: &str) -> Response {
    route(req, state, base).unwrap_or_else(|e| e)
}

fn route(req: &Req, state: &mut State, base: &str) -> Reply {
    let method = match req.method.as_str() {
        "HEAD" => "GET",
        m => m,
    };
    let mut path_known = false;
    for r in all() {
        let Some(args) = captures(r.pattern, &req.segments) else {
            continue;
        };
        path_known = true;
        if r.method != method {
            continue;
        }
        match r.access {
            Access::Own => {}
            Access::Token => {
                require(req, state, None)?;
            }
            Access::Scope(scope) => {
                require(req, state, Some(scope))?;
            }
        }
        return (r.handle)(req, state, base, &args);
    }
    Err(if path_known {
        method_not_allowed()
    } else {
        not_found()
    })
}

/// Applies the perturbation of the route `method path` serves, if it has one.
/// Returns whether something was changed.
pub fn perturb(state: &mut State, method: &str, segments: &[String]) -> bool {
    for r in all() {
        if r.method != method {
            continue;
        }
        if let (Some(args), Some(p)) = (captures(r.pattern, segments), r.perturb) {
            p(state, &args);
            return true;
        }
    }
    false
}
