//! Rrset-level rules: type allow-list, TTL bounds, the CNAME clash rule, one
//! SPF and one DMARC per name, and the conversion between Gandi's `rrset_*`
//! JSON and our `Rrset`.

use serde_json::{json, Value};

use super::{Rrset, DEFAULT_TTL, MAX_TTL, MIN_TTL, RRTYPES};
use crate::error::{ErrorCode, SkillError, SkillResult};

/// Upper-cases and allow-lists a record type (field `type`). SOA is refused:
/// Gandi manages it.
pub fn check_type(t: &str) -> SkillResult<String> {
    let upper = t.trim().to_ascii_uppercase();
    let allowed: Vec<&str> = RRTYPES.iter().copied().filter(|x| *x != "SOA").collect();
    if upper == "SOA" {
        return Err(SkillError::invalid_param(
            "type",
            Some(t),
            &format!(
                "one of {} (SOA is managed by Gandi and cannot be set)",
                allowed.join(", ")
            ),
        ));
    }
    if RRTYPES.contains(&upper.as_str()) {
        Ok(upper)
    } else {
        Err(SkillError::invalid_param(
            "type",
            Some(t),
            &format!("one of Gandi's record types: {}", allowed.join(", ")),
        ))
    }
}

/// Checks a TTL against Gandi's bounds (field `ttl`).
pub fn check_ttl(ttl: u32) -> SkillResult<u32> {
    if (MIN_TTL..=MAX_TTL).contains(&ttl) {
        Ok(ttl)
    } else {
        Err(SkillError::invalid_param(
            "ttl",
            Some(&ttl.to_string()),
            &format!("a number of seconds from {MIN_TTL} to {MAX_TTL} (30 days)"),
        ))
    }
}

/// Gandi's ALIAS rule: an ALIAS only at the apex `@` (Gandi answers 400
/// `only '@' is allowed for ALIAS records` anywhere else). Refused before
/// any request as `request.invalid_params` on `type`, naming the name too.
pub fn check_alias_at_apex(name: &str, rtype: &str) -> SkillResult<()> {
    if !rtype.eq_ignore_ascii_case("ALIAS") || name == "@" || name.is_empty() {
        return Ok(());
    }
    Err(SkillError::invalid_param(
        "type",
        Some("ALIAS"),
        &format!(
            "a CNAME at `{name}`: Gandi allows an ALIAS only at the zone apex `@` (its CNAME for the apex)"
        ),
    )
    .with_detail("name", name))
}

/// The CNAME rule: a CNAME cannot sit at the apex, nor beside any other type
/// at the same name. Returns the sentence describing the clash, if any.
pub fn cname_clash(name: &str, rtype: &str, existing_types_at_name: &[&str]) -> Option<String> {
    let rtype = rtype.to_ascii_uppercase();
    let shown = if name.is_empty() { "@" } else { name };
    if rtype == "CNAME" {
        if shown == "@" {
            return Some(
                "a CNAME cannot be placed at the zone apex `@`: the apex always holds the SOA \
                 and NS records; use an ALIAS record there instead"
                    .to_string(),
            );
        }
        let mut others: Vec<String> = existing_types_at_name
            .iter()
            .map(|t| t.to_ascii_uppercase())
            .filter(|t| t != "CNAME")
            .collect();
        others.sort();
        others.dedup();
        if !others.is_empty() {
            return Some(format!(
                "`{shown}` already has {} record(s); a CNAME cannot coexist with any other type \
                 at the same name: remove them first or use another name",
                others.join(", ")
            ));
        }
        return None;
    }
    if existing_types_at_name
        .iter()
        .any(|t| t.eq_ignore_ascii_case("CNAME"))
    {
        return Some(format!(
            "`{shown}` has a CNAME record; {rtype} records cannot coexist with a CNAME at the \
             same name: remove the CNAME first or use another name"
        ));
    }
    None
}

/// The longest rrset an error quotes.
const MAX_QUOTED_RRSET: usize = 500;

/// An rrset that cannot be read. It is quoted whole or not at all: this
/// parser does not know the run's secrets, and a cut quote could show part
/// of one (a server echoing the token) that no later redaction recognises
/// (`crate::error::quote`). A longer rrset is named by its name and type.
fn bad_shape(what: &str, v: &Value) -> SkillError {
    let err = SkillError::new(
        ErrorCode::UnexpectedResponse,
        format!("Gandi returned an rrset that cannot be read: {what}"),
    )
    .with_hint("Gandi's answer did not have the documented rrset shape; retry, and report it if it persists");
    let shown = v.to_string();
    if shown.chars().count() <= MAX_QUOTED_RRSET {
        return err.with_detail("rrset", shown);
    }
    let mut err = err.with_detail("rrset_chars", shown.chars().count());
    for key in ["rrset_name", "rrset_type"] {
        if let Some(Value::String(s)) = v.get(key) {
            err = err.with_detail(key, s.as_str());
        }
    }
    err
}

/// Why a TXT change would leave a name with two SPF policies (or two DMARC
/// ones), which makes receivers ignore both (RFC 7208 §4.5, RFC 7489 §6.6.3).
/// Only a change that adds one is refused: cleaning up a name that already
/// has two stays possible.
pub fn second_mail_policy(before: Option<&Rrset>, after: Option<&Rrset>) -> Option<String> {
    let count = |r: Option<&Rrset>, prefix: &str| {
        r.filter(|r| r.rtype == "TXT").map_or(0, |r| {
            r.values
                .iter()
                .filter(|v| {
                    super::value_key("TXT", v)
                        .trim_start()
                        .to_ascii_lowercase()
                        .starts_with(prefix)
                })
                .count()
        })
    };
    for (prefix, what) in [("v=spf1", "SPF"), ("v=dmarc1", "DMARC")] {
        let now = count(after, prefix);
        if now > 1 && now > count(before, prefix) {
            let name = after.map_or("@", |r| r.name.as_str());
            return Some(format!(
                "`{name}` would hold {now} {what} values; with more than one, receivers ignore them all and the domain's mail fails {what} checks"
            ));
        }
    }
    None
}

/// Reads one Gandi rrset object (`rrset_name`, `rrset_type`, `rrset_ttl?`,
/// `rrset_values`, `rrset_href?`). A missing TTL means `DEFAULT_TTL`.
pub fn rrset_from_gandi(v: &Value) -> SkillResult<Rrset> {
    let Some(obj) = v.as_object() else {
        return Err(bad_shape("not a JSON object", v));
    };
    let name = match obj.get("rrset_name") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(bad_shape("`rrset_name` is missing or not a string", v)),
    };
    let rtype = match obj.get("rrset_type") {
        Some(Value::String(s)) if !s.is_empty() => s.to_ascii_uppercase(),
        _ => return Err(bad_shape("`rrset_type` is missing or not a string", v)),
    };
    let ttl = match obj.get("rrset_ttl") {
        None | Some(Value::Null) => DEFAULT_TTL,
        Some(t) => match t.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => n,
            None => return Err(bad_shape("`rrset_ttl` is not a whole number of seconds", v)),
        },
    };
    let values = match obj.get("rrset_values") {
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(s) => out.push(s.to_string()),
                    None => return Err(bad_shape("`rrset_values` holds a non-string", v)),
                }
            }
            out
        }
        _ => return Err(bad_shape("`rrset_values` is missing or not an array", v)),
    };
    Ok(Rrset {
        name,
        rtype,
        ttl,
        values,
    })
}

/// Gandi's body for one rrset: `{rrset_name, rrset_type, rrset_ttl, rrset_values}`.
pub fn rrset_to_gandi(r: &Rrset) -> Value {
    json!({
        "rrset_name": r.name,
        "rrset_type": r.rtype,
        "rrset_ttl": r.ttl,
        "rrset_values": r.values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(e: &SkillError, k: &str) -> String {
        e.details
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn alias_only_at_the_apex() {
        assert!(check_alias_at_apex("@", "ALIAS").is_ok());
        assert!(check_alias_at_apex("www", "CNAME").is_ok());
        let Some(e) = check_alias_at_apex("www", "alias").err() else {
            panic!("an ALIAS below the apex passed")
        };
        assert_eq!(e.code, ErrorCode::InvalidParams);
        assert_eq!(e.details["field"], "type");
        assert_eq!(e.details["name"], "www");
    }

    #[test]
    fn types() {
        assert_eq!(check_type("mx").ok().as_deref(), Some("MX"));
        assert_eq!(check_type(" Txt ").ok().as_deref(), Some("TXT"));
        assert_eq!(check_type("ALIAS").ok().as_deref(), Some("ALIAS"));
        for bad in ["SOA", "soa", "HINFO", "", "A AAAA"] {
            let Some(e) = check_type(bad).err() else {
                panic!("{bad} accepted")
            };
            assert_eq!(detail(&e, "field"), "type");
            assert_eq!(detail(&e, "value"), bad);
            assert!(detail(&e, "expected").contains("AAAA"));
        }
        let Some(e) = check_type("SOA").err() else {
            panic!()
        };
        assert!(detail(&e, "expected").contains("managed by Gandi"));
    }

    #[test]
    fn ttls() {
        assert_eq!(check_ttl(300).ok(), Some(300));
        assert_eq!(check_ttl(2_592_000).ok(), Some(2_592_000));
        for bad in [0, 299, 2_592_001] {
            let Some(e) = check_ttl(bad).err() else {
                panic!()
            };
            assert_eq!(detail(&e, "field"), "ttl");
            assert_eq!(detail(&e, "value"), bad.to_string());
            assert!(detail(&e, "expected").contains("300"));
        }
    }

    #[test]
    fn cname_rules() {
        assert!(cname_clash("@", "CNAME", &[]).is_some());
        assert!(cname_clash("www", "CNAME", &[]).is_none());
        assert!(cname_clash("www", "cname", &["CNAME"]).is_none());
        let s = cname_clash("www", "CNAME", &["A", "TXT"]).unwrap_or_default();
        assert!(s.contains("A, TXT") && s.contains("www"), "{s}");
        let s = cname_clash("www", "A", &["CNAME"]).unwrap_or_default();
        assert!(s.contains("CNAME") && s.contains("A record"), "{s}");
        assert!(cname_clash("www", "A", &["AAAA", "TXT"]).is_none());
    }

    #[test]
    fn gandi_json_round_trip() {
        let v = json!({"rrset_type":"TXT","rrset_ttl":3600,"rrset_name":"random.test",
            "rrset_href":"https://api.gandi.net/v5/livedns/domains/t18s.fr/records/random.test/TXT",
            "rrset_values":["\"challengetoken\""]});
        let r = rrset_from_gandi(&v).ok();
        let want = Rrset {
            name: "random.test".into(),
            rtype: "TXT".into(),
            ttl: 3600,
            values: vec!["\"challengetoken\"".into()],
        };
        assert_eq!(r.as_ref(), Some(&want));
        let back = rrset_to_gandi(&want);
        assert_eq!(
            back.to_string(),
            r#"{"rrset_name":"random.test","rrset_type":"TXT","rrset_ttl":3600,"rrset_values":["\"challengetoken\""]}"#
        );
        let no_ttl = json!({"rrset_type":"A","rrset_name":"@","rrset_values":["1.2.3.4"]});
        assert_eq!(
            rrset_from_gandi(&no_ttl).ok().map(|r| r.ttl),
            Some(DEFAULT_TTL)
        );
    }

    #[test]
    fn gandi_json_bad_shapes() {
        for bad in [
            json!([]),
            json!({"rrset_type":"A","rrset_values":["1.2.3.4"]}),
            json!({"rrset_name":"@","rrset_values":["1.2.3.4"]}),
            json!({"rrset_name":"@","rrset_type":"A","rrset_ttl":"x","rrset_values":[]}),
            json!({"rrset_name":"@","rrset_type":"A","rrset_ttl":-1,"rrset_values":[]}),
            json!({"rrset_name":"@","rrset_type":"A","rrset_values":"1.2.3.4"}),
            json!({"rrset_name":"@","rrset_type":"A","rrset_values":[1]}),
        ] {
            let Some(e) = rrset_from_gandi(&bad).err() else {
                panic!("{bad} accepted")
            };
            assert_eq!(e.code, ErrorCode::UnexpectedResponse);
        }
    }

    #[test]
    fn a_long_bad_rrset_is_named_not_cut() {
        // An echoed secret straddling where a cut at 500 characters would
        // fall: no part of it may show (nobody here knows it to redact it).
        let secret = "SECRET-0123456789abcdefghijklmnopqrstuvwxyz";
        let pad = "x".repeat(430);
        let bad = json!({"rrset_name":"www","rrset_type":"TXT","rrset_values":[format!("{pad}{secret}"), 1]});
        let e = rrset_from_gandi(&bad).expect_err("bad");
        let shown = serde_json::to_string(&e.details).expect("json");
        assert!(!shown.contains("SECRET-0"), "{shown}");
        assert_eq!(e.details["rrset_name"], "www");
        assert_eq!(e.details["rrset_type"], "TXT");
        // A short one is quoted whole (the output guard redacts whole values).
        let short = json!({"rrset_name":"@","rrset_type":"A","rrset_values":[1]});
        let e = rrset_from_gandi(&short).expect_err("bad");
        assert_eq!(e.details["rrset"], short.to_string());
    }
}
