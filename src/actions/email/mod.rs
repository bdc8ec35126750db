//! E-mail actions, one file per resource: `forwards` (list, create, set,
//! delete), `mailboxes` (list, get, create, update, delete) and `slots`
//! (the paid places mailboxes take). This file owns what they share: the
//! domain of a request, Email API paths, and the checks of local parts and
//! e-mail addresses made before any request.

pub mod forwards;
pub mod mailboxes;
pub mod slots;

use crate::client::encode;
use crate::error::{SkillError, SkillResult};

/// `email/{area}/{domain}[/{item}]`.
pub(crate) fn email_path(area: &str, domain: &str, item: Option<&str>) -> String {
    let mut path = format!("email/{area}/{}", encode(domain));
    if let Some(i) = item {
        path.push('/');
        path.push_str(&encode(i));
    }
    path
}

/// The domain of an e-mail request, ASCII.
pub(crate) fn mail_domain(domain: &str) -> SkillResult<String> {
    crate::dns::zone_ascii(domain, "domain")
}

/// Whether `local` is a local part Gandi's mail service takes: letters,
/// digits, `.`, `_`, `-`, `+`; no dot first, last or twice in a row; at
/// most 64 characters.
fn is_local_part(local: &str) -> bool {
    (1..=64).contains(&local.len())
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

/// A local part of `domain` as a parameter gives it (`alice`, or
/// `alice@domain` with the domain dropped), lower case. `allow_catch_all`
/// admits `*`.
pub(crate) fn local_part(
    field: &str,
    given: &str,
    domain: &str,
    allow_catch_all: bool,
) -> SkillResult<String> {
    let expected = if allow_catch_all {
        format!("the part before the @ (e.g. `alice` for alice@{domain}), or `*` for the catch-all")
    } else {
        format!("the part before the @ (e.g. `alice` for alice@{domain})")
    };
    let trimmed = given.trim();
    if allow_catch_all && trimmed == "*" {
        return Ok("*".to_string());
    }
    let local = match trimmed.rsplit_once('@') {
        Some((local, d)) if crate::dns::zone_ascii(d, field).ok().as_deref() == Some(domain) => {
            local
        }
        Some(_) => {
            return Err(SkillError::invalid_param(
                field,
                Some(given),
                &format!("{expected}; an address of another domain cannot be used here"),
            ))
        }
        None => trimmed,
    };
    if allow_catch_all && local == "*" {
        return Ok("*".to_string());
    }
    if !is_local_part(local) {
        return Err(SkillError::invalid_param(field, Some(given), &expected));
    }
    Ok(local.to_ascii_lowercase())
}

/// An e-mail address, checked: a local part and a domain name (Unicode
/// domains are given in ASCII form). Returns it normalised (domain lower
/// case, ASCII).
pub(crate) fn address(field: &str, given: &str) -> SkillResult<String> {
    let expected = "an e-mail address such as alice@example.net";
    let trimmed = given.trim();
    let refuse = || SkillError::invalid_param(field, Some(given), expected);
    let (local, domain) = trimmed.rsplit_once('@').ok_or_else(refuse)?;
    if trimmed.len() > 254 || !is_local_part(local) {
        return Err(refuse());
    }
    let domain = crate::dns::zone_ascii(domain, field).map_err(|_| refuse())?;
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_local_parts() {
        assert_eq!(
            address("d", "Bob.Smith+news@Example.NET").unwrap(),
            "Bob.Smith+news@example.net"
        );
        assert_eq!(address("d", "ana@café.fr").unwrap(), "ana@xn--caf-dma.fr");
        for bad in [
            "bob",
            "@example.net",
            "bob@",
            "bob@localhost",
            "a b@example.net",
            ".bob@example.net",
            "bob..x@example.net",
            "bob@exa mple.net",
        ] {
            assert!(address("d", bad).is_err(), "{bad}");
        }
        assert_eq!(
            local_part("s", "Info", "example.com", false).unwrap(),
            "info"
        );
        assert_eq!(
            local_part("s", "info@example.com", "example.com", false).unwrap(),
            "info"
        );
        assert!(local_part("s", "info@example.org", "example.com", false).is_err());
        assert_eq!(local_part("s", "*", "example.com", true).unwrap(), "*");
        assert!(local_part("s", "*", "example.com", false).is_err());
        assert!(local_part("s", "a/b", "example.com", true).is_err());
    }
}
