//! A Gandi route an action may call: method, host, path pattern and the
//! permission it needs. Actions declare theirs; tests check every request
//! sent against them and every one against the fake's route table.

use std::fmt;

use super::Permission;

/// Which Gandi host a route lives on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// `api.gandi.net` (paths under `/v5/`).
    Api,
    /// `id.gandi.net` (token introspection).
    Id,
}

/// What a request to a route does to Gandi's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// A GET, or a POST Gandi documents as a check (it changes nothing).
    Reads,
    /// Creates, changes, deletes or orders something.
    Writes,
}

/// One route, e.g. `GET /v5/livedns/domains/{domain}/records`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub host: Host,
    /// The path, `{name}` standing for one segment.
    pub path: &'static str,
    pub permission: Permission,
    pub effect: Effect,
    /// Read only to say more (a price beside a refusal): a token without
    /// its permission still runs the action, so the permission check made
    /// before a change leaves it out.
    pub best_effort: bool,
}

impl Route {
    /// A GET on the API host.
    pub const fn get(path: &'static str, permission: Permission) -> Route {
        Route {
            method: "GET",
            host: Host::Api,
            path,
            permission,
            effect: Effect::Reads,
            best_effort: false,
        }
    }

    /// A request that changes something (POST, PUT, PATCH, DELETE).
    pub const fn write(method: &'static str, path: &'static str, permission: Permission) -> Route {
        Route {
            method,
            host: Host::Api,
            path,
            permission,
            effect: Effect::Writes,
            best_effort: false,
        }
    }

    /// A POST that Gandi documents as a check: it changes nothing.
    pub const fn check(path: &'static str, permission: Permission) -> Route {
        Route {
            method: "POST",
            host: Host::Api,
            path,
            permission,
            effect: Effect::Reads,
            best_effort: false,
        }
    }

    /// This read is best effort (see `best_effort`).
    pub const fn best_effort(self) -> Route {
        Route {
            best_effort: true,
            ..self
        }
    }

    /// `GET https://id.gandi.net/tokeninfo`.
    pub const TOKENINFO: Route = Route {
        method: "GET",
        host: Host::Id,
        path: "/tokeninfo",
        permission: Permission::AnyToken,
        effect: Effect::Reads,
        best_effort: false,
    };

    /// Whether a request (method and percent-decoded path segments) is one
    /// of this route's.
    pub fn matches(&self, method: &str, segments: &[&str]) -> bool {
        if !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let pattern: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(segments)
                .all(|(p, s)| (p.starts_with('{') && p.ends_with('}') && !s.is_empty()) || p == s)
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.host {
            Host::Api => write!(f, "{} {}", self.method, self.path),
            Host::Id => write!(f, "{} https://id.gandi.net{}", self.method, self.path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_segment_stands_for_one_segment() {
        let r = Route::get(
            "/v5/livedns/domains/{domain}/records/{name}",
            Permission::DnsRead,
        );
        assert!(r.matches(
            "GET",
            &["v5", "livedns", "domains", "example.com", "records", "@"]
        ));
        assert!(!r.matches(
            "GET",
            &["v5", "livedns", "domains", "example.com", "records"]
        ));
        assert!(!r.matches(
            "PUT",
            &["v5", "livedns", "domains", "example.com", "records", "@"]
        ));
    }
}
