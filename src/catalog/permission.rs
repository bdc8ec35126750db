//! The Gandi token permissions an action can need, in the words of Gandi's
//! Personal Access Token page, and the token-introspection scope names that
//! grant each one.

use schemars::JsonSchema;
use serde::Serialize;

/// One permission a Personal Access Token can be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
pub enum Permission {
    /// No Gandi call at all.
    None,
    /// Any valid token (the route needs no particular permission).
    AnyToken,
    DomainRead,
    DomainWrite,
    DnsRead,
    DnsWrite,
    EmailRead,
    EmailWrite,
    CertificateRead,
    CertificateWrite,
    BillingRead,
    OrganizationRead,
    OrganizationWrite,
}

impl Permission {
    /// The wording of Gandi's PAT page, e.g. "DNS management (write)".
    pub fn wording(self) -> &'static str {
        match self {
            Permission::None => "none (no Gandi call)",
            Permission::AnyToken => "any valid token",
            Permission::DomainRead => "Domain management (read)",
            Permission::DomainWrite => "Domain management (write)",
            Permission::DnsRead => "DNS management (read)",
            Permission::DnsWrite => "DNS management (write)",
            Permission::EmailRead => "Email management (read)",
            Permission::EmailWrite => "Email management (write)",
            Permission::CertificateRead => "Certificate management (read)",
            Permission::CertificateWrite => "Certificate management (write)",
            Permission::BillingRead => "Billing (read)",
            Permission::OrganizationRead => "Organization management (read)",
            Permission::OrganizationWrite => "Organization management (write)",
        }
    }

    /// The scope names (as `GET /tokeninfo` lists them) that grant this
    /// permission. Gandi does not document the names; these are the ones
    /// seen in introspection answers and clients. A permission that needs no
    /// scope has none.
    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            Permission::None | Permission::AnyToken => &[],
            Permission::DomainRead => {
                &["domain:read", "domain:view", "domain:write", "domain:tech"]
            }
            Permission::DomainWrite => &["domain:write", "domain:tech"],
            Permission::DnsRead => &["dns:read", "dns:write", "domain:tech"],
            Permission::DnsWrite => &["dns:write", "domain:tech"],
            Permission::EmailRead => &["email:read", "email:write"],
            Permission::EmailWrite => &["email:write"],
            Permission::CertificateRead => &["certificate:read", "certificate:write"],
            Permission::CertificateWrite => &["certificate:write"],
            Permission::BillingRead => &["billing:read"],
            Permission::OrganizationRead => &["org:read", "org:write", "organization:read"],
            Permission::OrganizationWrite => &["org:write", "organization:write"],
        }
    }

    /// Every scope name this skill recognises. A token listing a scope
    /// outside this vocabulary may hold rights we cannot judge, so it is
    /// never refused on the strength of its scope list.
    pub fn known_scope(scope: &str) -> bool {
        const EXTRA: &[&str] = &["domain:renew", "org:view"];
        Permission::ALL.iter().any(|p| p.scopes().contains(&scope)) || EXTRA.contains(&scope)
    }

    /// Whether a token whose introspection lists `scopes` lacks this
    /// permission for sure: every listed scope is one we know and none
    /// grants it. An empty list proves nothing (the answer may omit it).
    pub fn surely_missing_from(self, scopes: &[String]) -> bool {
        let needed = self.scopes();
        !needed.is_empty()
            && !scopes.is_empty()
            && scopes.iter().all(|s| Permission::known_scope(s))
            && !scopes.iter().any(|s| needed.contains(&s.as_str()))
    }

    pub const ALL: &'static [Permission] = &[
        Permission::None,
        Permission::AnyToken,
        Permission::DomainRead,
        Permission::DomainWrite,
        Permission::DnsRead,
        Permission::DnsWrite,
        Permission::EmailRead,
        Permission::EmailWrite,
        Permission::CertificateRead,
        Permission::CertificateWrite,
        Permission::BillingRead,
        Permission::OrganizationRead,
        Permission::OrganizationWrite,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn missing_only_when_every_scope_is_known_and_none_grants_it() {
        let read_only = scopes(&["domain:read", "dns:read", "org:read"]);
        assert!(Permission::DnsWrite.surely_missing_from(&read_only));
        assert!(!Permission::DnsRead.surely_missing_from(&read_only));
        // A scope we do not know may grant anything.
        let odd = scopes(&["dns:read", "zone:admin"]);
        assert!(!Permission::DnsWrite.surely_missing_from(&odd));
        assert!(!Permission::DnsWrite.surely_missing_from(&[]));
        assert!(!Permission::AnyToken.surely_missing_from(&read_only));
    }
}
