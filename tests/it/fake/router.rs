//! The route table: one `match (method, segments)` that checks the route's scope and calls its handler; unknown paths get 404, known paths with another method 405.

use crate::fake::auth::{
    require, SCOPE_DNS_READ as DNS_R, SCOPE_DNS_WRITE as DNS_W, SCOPE_DOMAIN_READ as DOM_R,
    SCOPE_DOMAIN_WRITE as DOM_W, SCOPE_ORG_READ as ORG_R,
};
use crate::fake::http::{method_not_allowed, not_found, Req, Response};
use crate::fake::state::State;
use crate::fake::{domains, livedns, org};

/// Answers one request. `base` is the server's own `http://127.0.0.1:PORT`.
pub fn handle(req: &Req, state: &mut State, base: &str) -> Response {
    route(req, state, base).unwrap_or_else(|e| e)
}

/// Zone and domain names in paths are case-insensitive; a trailing dot is dropped.
fn fqdn(segment: &str) -> String {
    segment.trim_end_matches('.').to_ascii_lowercase()
}

fn route(req: &Req, state: &mut State, base: &str) -> Result<Response, Response> {
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let method = match req.method.as_str() {
        "HEAD" => "GET",
        m => m,
    };
    match (method, segs.as_slice()) {
        // id.gandi.net stand-in
        ("GET", ["tokeninfo"]) => org::tokeninfo(req, state),

        // Organization
        ("GET", ["v5", "organization", "user-info"]) => {
            require(req, state, None)?;
            org::user_info(state)
        }
        ("GET", ["v5", "organization", "organizations"]) => {
            require(req, state, Some(ORG_R))?;
            org::list_organizations(req, state, base)
        }
        ("POST", ["v5", "organization", "access-tokens"]) => org::renew_token(req, state, None),
        ("POST", ["v5", "organization", "personal-access-tokens", id]) => {
            org::renew_token(req, state, Some(id))
        }

        // Domains
        ("GET", ["v5", "domain", "domains"]) => {
            require(req, state, Some(DOM_R))?;
            domains::list(req, state, base)
        }
        ("GET", ["v5", "domain", "domains", d]) => {
            require(req, state, Some(DOM_R))?;
            domains::get(state, base, d)
        }
        ("GET", ["v5", "domain", "domains", d, "nameservers"]) => {
            require(req, state, Some(DOM_R))?;
            domains::get_nameservers(state, d)
        }
        ("PUT", ["v5", "domain", "domains", d, "nameservers"]) => {
            require(req, state, Some(DOM_W))?;
            domains::put_nameservers(req, state, d)
        }
        ("GET", ["v5", "domain", "domains", d, "livedns"]) => {
            require(req, state, Some(DOM_R))?;
            domains::get_livedns(state, d)
        }
        ("PATCH", ["v5", "domain", "domains", d, "autorenew"]) => {
            require(req, state, Some(DOM_W))?;
            domains::patch_autorenew(req, state, d)
        }

        // LiveDNS zones
        ("GET", ["v5", "livedns", "domains"]) => {
            require(req, state, Some(DNS_R))?;
            livedns::list_zones(req, state, base)
        }
        ("POST", ["v5", "livedns", "domains"]) => {
            require(req, state, Some(DNS_W))?;
            livedns::create_zone(req, state, base)
        }
        ("GET", ["v5", "livedns", "domains", z]) => {
            require(req, state, Some(DNS_R))?;
            livedns::get_zone(state, base, &fqdn(z))
        }

        // LiveDNS records: whole zone
        ("GET", ["v5", "livedns", "domains", z, "records"]) => {
            require(req, state, Some(DNS_R))?;
            livedns::list_records(req, state, base, &fqdn(z))
        }
        ("POST", ["v5", "livedns", "domains", z, "records"]) => {
            require(req, state, Some(DNS_W))?;
            livedns::create_record(req, state, base, &fqdn(z))
        }
        ("PUT", ["v5", "livedns", "domains", z, "records"]) => {
            require(req, state, Some(DNS_W))?;
            livedns::replace_zone(req, state, base, &fqdn(z))
        }
        ("DELETE", ["v5", "livedns", "domains", z, "records"]) => {
            require(req, state, Some(DNS_W))?;
            livedns::delete_all_records(state, &fqdn(z))
        }

        // LiveDNS records: by name
        ("GET", ["v5", "livedns", "domains", z, "records", n]) => {
            require(req, state, Some(DNS_R))?;
            livedns::get_name(req, state, base, &fqdn(z), n)
        }
        ("POST", ["v5", "livedns", "domains", z, "records", n]) => {
            require(req, state, Some(DNS_W))?;
            livedns::post_name(req, state, base, &fqdn(z), n)
        }
        ("PUT", ["v5", "livedns", "domains", z, "records", n]) => {
            require(req, state, Some(DNS_W))?;
            livedns::put_name(req, state, base, &fqdn(z), n)
        }
        ("DELETE", ["v5", "livedns", "domains", z, "records", n]) => {
            require(req, state, Some(DNS_W))?;
            livedns::delete_name(state, &fqdn(z), n)
        }

        // LiveDNS records: by name and type
        ("GET", ["v5", "livedns", "domains", z, "records", n, t]) => {
            require(req, state, Some(DNS_R))?;
            livedns::get_rrset(state, base, &fqdn(z), n, t)
        }
        ("POST", ["v5", "livedns", "domains", z, "records", n, t]) => {
            require(req, state, Some(DNS_W))?;
            livedns::post_rrset(req, state, base, &fqdn(z), n, t)
        }
        ("PUT", ["v5", "livedns", "domains", z, "records", n, t]) => {
            require(req, state, Some(DNS_W))?;
            livedns::put_rrset(req, state, base, &fqdn(z), n, t)
        }
        ("PATCH", ["v5", "livedns", "domains", z, "records", n, t]) => {
            require(req, state, Some(DNS_W))?;
            livedns::patch_rrset(req, state, base, &fqdn(z), n, t)
        }
        ("DELETE", ["v5", "livedns", "domains", z, "records", n, t]) => {
            require(req, state, Some(DNS_W))?;
            livedns::delete_rrset(state, &fqdn(z), n, t)
        }

        // LiveDNS snapshots
        ("GET", ["v5", "livedns", "domains", z, "snapshots"]) => {
            require(req, state, Some(DNS_R))?;
            livedns::list_snapshots(req, state, base, &fqdn(z))
        }
        ("POST", ["v5", "livedns", "domains", z, "snapshots"]) => {
            require(req, state, Some(DNS_W))?;
            livedns::create_snapshot(req, state, base, &fqdn(z))
        }
        ("GET", ["v5", "livedns", "domains", z, "snapshots", id]) => {
            require(req, state, Some(DNS_R))?;
            livedns::get_snapshot(req, state, base, &fqdn(z), id)
        }
        ("PATCH", ["v5", "livedns", "domains", z, "snapshots", id]) => {
            require(req, state, Some(DNS_W))?;
            livedns::rename_snapshot(req, state, &fqdn(z), id)
        }
        ("DELETE", ["v5", "livedns", "domains", z, "snapshots", id]) => {
            require(req, state, Some(DNS_W))?;
            livedns::delete_snapshot(state, &fqdn(z), id)
        }

        // Known paths, other methods
        (_, ["tokeninfo"])
        | (_, ["v5", "organization", "user-info" | "organizations" | "access-tokens"])
        | (_, ["v5", "organization", "personal-access-tokens", _])
        | (_, ["v5", "domain", "domains"])
        | (_, ["v5", "domain", "domains", _])
        | (_, ["v5", "domain", "domains", _, "nameservers" | "livedns" | "autorenew"])
        | (_, ["v5", "livedns", "domains"])
        | (_, ["v5", "livedns", "domains", _])
        | (_, ["v5", "livedns", "domains", _, "records" | "snapshots"])
        | (_, ["v5", "livedns", "domains", _, "records" | "snapshots", _])
        | (_, ["v5", "livedns", "domains", _, "records", _, _]) => Err(method_not_allowed()),

        _ => Err(not_found()),
    }
}
