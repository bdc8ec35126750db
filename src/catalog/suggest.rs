//! "Did you mean" for an unknown action: the same words other tools use
//! (`delete` for `remove`, `create` for `add`, `availability` for `check`),
//! then the closest name by edit distance.

use super::ACTIONS;
use crate::auth::Token;
use crate::error::{ErrorCode, SkillError};

/// Words agents carry over from other APIs, and ours.
const SYNONYMS: &[(&str, &str)] = &[
    ("delete", "remove"),
    ("del", "remove"),
    ("rm", "remove"),
    ("destroy", "remove"),
    ("create", "add"),
    ("new", "add"),
    ("insert", "add"),
    ("append", "add"),
    ("update", "set"),
    ("edit", "set"),
    ("modify", "set"),
    ("replace", "set"),
    ("change", "set"),
    ("put", "set"),
    ("show", "get"),
    ("read", "get"),
    ("info", "get"),
    ("details", "get"),
    ("describe", "get"),
    ("ls", "list"),
    ("all", "list"),
    ("availability", "check"),
    ("available", "check"),
    ("search", "check"),
    ("whois", "get"),
    ("record", "records"),
    ("rrsets", "records"),
    ("rrset", "records"),
    ("dns_records", "records"),
    ("domain", "domains"),
    ("zone", "zones"),
    ("snapshot", "snapshots"),
    ("backup", "snapshots"),
    ("mailbox", "mailboxes"),
    ("forward", "forwards"),
    ("certificate", "certificates"),
    ("cert", "certificates"),
    ("certs", "certificates"),
    ("org", "organizations"),
    ("orgs", "organizations"),
    ("organisation", "organizations"),
    ("organisations", "organizations"),
    ("renewal", "renew"),
    ("buy", "register"),
    ("purchase", "register"),
    ("order", "register"),
    ("import_zone", "import"),
    ("me", "whoami"),
    ("user", "whoami"),
];

/// The longest part of an unknown name echoed back.
const MAX_ECHO: usize = 100;

fn names() -> Vec<&'static str> {
    ACTIONS.iter().map(|a| a.name()).collect()
}

/// The action `input` most likely means.
pub fn suggestion(input: &str) -> Option<&'static str> {
    let all = names();
    let lower = input.trim().to_ascii_lowercase();
    if let Some(exact) = all.iter().find(|n| **n == lower) {
        return Some(exact);
    }
    // Word by word: each word itself or a synonym of it.
    let words: Vec<&str> = lower
        .split(['.', '_', '-', '/', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let options = |w: &str| -> Vec<String> {
        let mut v = vec![w.to_string()];
        v.extend(
            SYNONYMS
                .iter()
                .filter(|(other, _)| *other == w)
                .map(|(_, ours)| ours.to_string()),
        );
        v
    };
    let mut candidates: Vec<String> = vec![String::new()];
    for w in &words {
        let mut next = Vec::new();
        for prefix in &candidates {
            for o in options(w) {
                next.push(if prefix.is_empty() {
                    o.clone()
                } else {
                    format!("{prefix}.{o}")
                });
            }
        }
        candidates = next;
        if candidates.len() > 256 {
            break;
        }
    }
    if let Some(hit) = candidates
        .iter()
        .find_map(|c| all.iter().find(|n| **n == c.as_str()))
    {
        return Some(hit);
    }
    crate::params::did_you_mean(&lower, &all)
}

/// An unknown action name as the reply echoes it: at most `MAX_ECHO`
/// characters, cut after `secrets` are redacted (a pasted token never shows
/// in part).
pub fn echoed_action(name: &str, secrets: &[Token]) -> String {
    crate::error::quote(name, MAX_ECHO, secrets)
}

/// The refusal for an action name nobody knows, with a suggestion; the
/// name is echoed as `echoed_action` shows it.
pub fn unknown_action(name: &str, secrets: &[Token]) -> SkillError {
    let shown = echoed_action(name, secrets);
    let suggestion = suggestion(name);
    let message = match suggestion {
        Some(s) => format!("unknown action `{shown}`: did you mean `{s}`?"),
        None => format!("unknown action `{shown}`"),
    };
    let mut err = SkillError::new(ErrorCode::UnknownAction, message)
        .with_detail("field", "action")
        .with_hint("send {\"action\":\"describe\"} to list every action");
    if let Some(s) = suggestion {
        err = err.with_detail("did_you_mean", s);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_and_typos_find_the_action() {
        assert_eq!(suggestion("dns.records.delete"), Some("dns.records.remove"));
        assert_eq!(suggestion("dns.records.create"), Some("dns.records.add"));
        assert_eq!(suggestion("dns.records.update"), Some("dns.records.set"));
        assert_eq!(suggestion("dns.records.edit"), Some("dns.records.set"));
        assert_eq!(suggestion("dns.record.list"), Some("dns.records.list"));
        assert_eq!(suggestion("domains.lst"), Some("domains.list"));
        assert_eq!(suggestion("domains.availability"), Some("domains.check"));
        assert_eq!(
            suggestion("email.forwards.update"),
            Some("email.forwards.set")
        );
        assert_eq!(suggestion("certificate.list"), Some("certificates.list"));
        assert_eq!(suggestion("zzzzzz"), None);
    }

    #[test]
    fn a_long_unknown_name_is_cut() {
        let long = "x".repeat(5000);
        let err = unknown_action(&long, &[]);
        assert!(err.message.len() < 200, "{}", err.message);
    }
}
