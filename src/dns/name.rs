//! Zone and record names: IDN to ASCII, label syntax, and making a record
//! name relative to its zone (what Gandi's `rrset_name` must be).

use crate::error::{SkillError, SkillResult};

const ZONE_EXPECTED: &str = "a domain name like `example.com` or `exemple.fr` (Unicode or ASCII): \
     labels of 1 to 63 letters, digits or hyphens, at least two labels, 253 characters at most";

const NAME_EXPECTED: &str =
    "a record name relative to the zone: `@` for the apex, or labels of letters, \
     digits, `-` and `_` (1 to 63 characters each), optionally starting with `*.` (like `www`, \
     `_dmarc`, `s1._domainkey.sub`, `*.sub`)";

/// Dots that IDNA treats as label separators besides `.`.
fn fold_dots(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => '.',
            other => other,
        })
        .collect()
}

/// The zone's ASCII form: IDN converted, lower case, no trailing dot,
/// syntax checked. `field` names the request field in errors.
pub fn zone_ascii(domain: &str, field: &str) -> SkillResult<String> {
    let reject = |why: &str| {
        let expected = if why.is_empty() {
            ZONE_EXPECTED.to_string()
        } else {
            format!("{ZONE_EXPECTED} ({why})")
        };
        SkillError::invalid_param(field, Some(domain), &expected)
    };
    let trimmed = domain.trim();
    if trimmed.is_empty() {
        return Err(reject("it is empty"));
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(reject("it contains spaces or control characters"));
    }
    let folded = fold_dots(trimmed);
    let no_dot = folded.strip_suffix('.').unwrap_or(&folded);
    let ascii = if no_dot.is_ascii() {
        no_dot.to_ascii_lowercase()
    } else {
        match idna::domain_to_ascii(no_dot) {
            Ok(a) => a.to_ascii_lowercase(),
            Err(_) => return Err(reject("it is not a valid internationalized domain name")),
        }
    };
    if ascii.len() > 253 {
        return Err(reject("it is longer than 253 characters"));
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err(reject("it needs at least two labels, like `example.com`"));
    }
    for label in &labels {
        if label.is_empty() {
            return Err(reject("it has an empty label (two dots in a row?)"));
        }
        if label.len() > 63 {
            return Err(reject("a label is longer than 63 characters"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(reject(&format!(
                "label `{label}` has a character other than a letter, digit or hyphen"
            )));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(reject(&format!(
                "label `{label}` starts or ends with a hyphen"
            )));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(reject("it looks like an IP address, not a domain name"));
    }
    Ok(ascii)
}

/// Converts one label to ASCII (punycode for IDN), lower case.
fn label_ascii(label: &str) -> Option<String> {
    if label.is_ascii() {
        return Some(label.to_ascii_lowercase());
    }
    match idna::domain_to_ascii(label) {
        Ok(a) if !a.contains('.') => Some(a.to_ascii_lowercase()),
        _ => None,
    }
}

/// Checks the syntax of an ASCII record-name label. `leftmost` allows `*`.
fn label_ok(label: &str, leftmost: bool) -> bool {
    if label == "*" {
        return leftmost;
    }
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Converts a dotted name to ASCII labels (IDN → punycode, lower case).
/// Returns `None` when a label cannot be converted.
pub(crate) fn ascii_labels(name: &str) -> Option<String> {
    let folded = fold_dots(name);
    let mut out = Vec::new();
    for label in folded.split('.') {
        out.push(label_ascii(label)?);
    }
    Some(out.join("."))
}

/// Makes `input` a record name relative to `zone_ascii` (field `name`).
///
/// `@`, `""` and the zone itself give `@`; a full name inside the zone
/// (with or without the final dot) is made relative with a warning; a name
/// ending with a dot outside the zone is refused.
pub fn relative_name(
    input: &str,
    zone_ascii: &str,
    warnings: &mut Vec<String>,
) -> SkillResult<String> {
    let reject = |why: &str| {
        SkillError::invalid_param("name", Some(input), &format!("{NAME_EXPECTED}; {why}"))
    };
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed == "@" {
        return Ok("@".to_string());
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(reject("it contains spaces or control characters"));
    }
    if trimmed.contains('@') {
        return Err(reject(
            "`@` stands alone for the apex and cannot be part of a name",
        ));
    }
    let folded = fold_dots(trimmed);
    let (body, absolute) = match folded.strip_suffix('.') {
        Some(b) => (b, true),
        None => (folded.as_str(), false),
    };
    if body.is_empty() {
        return Err(reject("`.` is the DNS root, not a name in the zone"));
    }
    let Some(ascii) = ascii_labels(body) else {
        return Err(reject("a label is not a valid internationalized name"));
    };
    let zone = zone_ascii.trim_end_matches('.').to_ascii_lowercase();
    let suffix = format!(".{zone}");
    let relative = if ascii == zone {
        warnings.push(format!(
            "name {input:?} is the zone itself; it was made relative as `@`"
        ));
        return Ok("@".to_string());
    } else if let Some(rel) = ascii.strip_suffix(&suffix) {
        warnings.push(format!(
            "name {input:?} is a full name inside zone {zone}; it was made relative as `{rel}` \
             (record names are relative to the zone)"
        ));
        rel.to_string()
    } else if absolute {
        return Err(reject(&format!(
            "{input:?} ends with a dot but is not inside the zone `{zone}`"
        )));
    } else {
        let tld = zone.rsplit('.').next().unwrap_or_default();
        if ascii.contains('.') && ascii.rsplit('.').next() == Some(tld) {
            warnings.push(format!(
                "name {input:?} looks like a full domain name but is not inside zone {zone}: it \
                 is read relative to the zone, as `{ascii}.{zone}`; a record for another domain \
                 belongs in that domain's zone"
            ));
        }
        ascii
    };
    for (i, label) in relative.split('.').enumerate() {
        if !label_ok(label, i == 0) {
            let why = if label.is_empty() {
                "it has an empty label (two dots in a row?)".to_string()
            } else if label.contains('*') {
                "`*` is only allowed as the whole leftmost label (`*` or `*.sub`)".to_string()
            } else if label.len() > 63 {
                format!("label `{label}` is longer than 63 characters")
            } else {
                format!("label `{label}` has a character other than a letter, digit, `-` or `_`")
            };
            return Err(reject(&why));
        }
    }
    if relative.len() + 1 + zone.len() > 253 {
        return Err(reject(
            "the full name (with the zone) is longer than 253 characters",
        ));
    }
    Ok(relative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn detail(e: &SkillError, k: &str) -> String {
        e.details
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn zone_ascii_accepts_and_normalizes() {
        assert_eq!(
            zone_ascii("Example.COM.", "domain").ok(),
            Some("example.com".into())
        );
        assert_eq!(
            zone_ascii("  t18s.fr ", "domain").ok(),
            Some("t18s.fr".into())
        );
        assert_eq!(
            zone_ascii("café.fr", "domain").ok(),
            Some("xn--caf-dma.fr".into())
        );
        assert_eq!(
            zone_ascii("bücher。de", "domain").ok(),
            Some("xn--bcher-kva.de".into())
        );
        assert_eq!(
            zone_ascii("1.168.192.in-addr.arpa", "domain").ok(),
            Some("1.168.192.in-addr.arpa".into())
        );
    }

    #[test]
    fn zone_ascii_rejects_with_field_and_value() {
        for bad in [
            "",
            "com",
            "exa mple.com",
            "a..com",
            "-a.com",
            "a_b.com",
            "1.2.3.4",
            &format!("{}.com", "a".repeat(64)),
            &format!("{}com", "abcdefghi.".repeat(26)),
        ] {
            let e = zone_ascii(bad, "domain").err();
            let Some(e) = e else {
                panic!("{bad:?} accepted")
            };
            assert_eq!(e.code, ErrorCode::InvalidParams);
            assert_eq!(detail(&e, "field"), "domain");
            assert_eq!(detail(&e, "value"), bad);
            assert!(detail(&e, "expected").contains("domain name"));
        }
    }

    #[test]
    fn relative_name_basic() {
        let mut w = Vec::new();
        for (input, want) in [
            ("@", "@"),
            ("", "@"),
            ("www", "www"),
            ("WWW", "www"),
            ("*", "*"),
            ("_dmarc", "_dmarc"),
            ("s1._domainkey.sub", "s1._domainkey.sub"),
            ("*.sub", "*.sub"),
            ("_25._tcp.mx1", "_25._tcp.mx1"),
        ] {
            assert_eq!(
                relative_name(input, "example.com", &mut w).ok().as_deref(),
                Some(want),
                "{input}"
            );
        }
        assert!(w.is_empty());
    }

    #[test]
    fn relative_name_fqdn_inside_zone_warns() {
        for input in ["www.example.com", "www.example.com.", "WWW.Example.Com."] {
            let mut w = Vec::new();
            assert_eq!(
                relative_name(input, "example.com", &mut w).ok().as_deref(),
                Some("www")
            );
            assert_eq!(w.len(), 1);
            assert!(w[0].contains("made relative"), "{}", w[0]);
        }
        let mut w = Vec::new();
        assert_eq!(
            relative_name("example.com.", "example.com", &mut w)
                .ok()
                .as_deref(),
            Some("@")
        );
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn relative_name_outside_zone_rejected() {
        let mut w = Vec::new();
        let e = relative_name("www.other.org.", "example.com", &mut w).err();
        let Some(e) = e else { panic!("accepted") };
        assert_eq!(detail(&e, "field"), "name");
        assert_eq!(detail(&e, "value"), "www.other.org.");
        assert!(detail(&e, "expected").contains("not inside the zone"));
        // Near-miss suffix is not inside the zone.
        assert!(relative_name("www.notexample.com.", "example.com", &mut w).is_err());
        // Without the dot it is a (suspicious) relative name: kept, with a warning.
        assert_eq!(
            relative_name("www.other.com", "example.com", &mut w)
                .ok()
                .as_deref(),
            Some("www.other.com")
        );
        assert!(w
            .last()
            .is_some_and(|s| s.contains("www.other.com.example.com")));
    }

    #[test]
    fn relative_name_idn() {
        let mut w = Vec::new();
        assert_eq!(
            relative_name("bücher", "example.com", &mut w)
                .ok()
                .as_deref(),
            Some("xn--bcher-kva")
        );
        assert_eq!(
            relative_name("www.café.fr.", "xn--caf-dma.fr", &mut w)
                .ok()
                .as_deref(),
            Some("www")
        );
    }

    #[test]
    fn relative_name_syntax_rejected() {
        let mut w = Vec::new();
        for bad in [
            "a b",
            "www.*",
            "a*b",
            "a..b",
            "w@w",
            "bad!",
            ".",
            &"a".repeat(64),
        ] {
            let e = relative_name(bad, "example.com", &mut w).err();
            let Some(e) = e else {
                panic!("{bad:?} accepted")
            };
            assert_eq!(detail(&e, "field"), "name", "{bad}");
            assert_eq!(detail(&e, "value"), bad);
        }
    }
}
