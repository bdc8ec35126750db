//! Record values: per-type validation into the exact form Gandi stores and
//! returns, and the comparison key that makes user input and Gandi's answer
//! compare equal (TXT quoting and chunking, host-name case, IPv6 spelling).

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::name::ascii_labels;
use super::record::check_type;
use crate::error::{SkillError, SkillResult};

/// Gandi's limit on one value (`rrset_values` items).
const MAX_VALUE_LEN: usize = 16384;

/// A DNS character-string holds at most 255 bytes.
const TXT_CHUNK: usize = 255;

/// CAA property tags Gandi and the CAs know (RFC 8659, 9495, BIMI).
const CAA_TAGS: &[&str] = &[
    "issue",
    "issuewild",
    "iodef",
    "issuemail",
    "issuevmc",
    "contactemail",
    "contactphone",
];

fn reject(value: &str, expected: &str) -> SkillError {
    SkillError::invalid_param("values", Some(value), expected)
}

/// Validates every value of an rrset of type `rtype` and returns them in the
/// form Gandi stores them, duplicates (by `value_key`) removed.
pub fn normalize_values(
    rtype: &str,
    values: &[String],
    zone_ascii: &str,
    warnings: &mut Vec<String>,
) -> SkillResult<Vec<String>> {
    let rtype = check_type(rtype)?;
    if values.is_empty() {
        return Err(SkillError::invalid_param(
            "values",
            None,
            &format!("at least one {rtype} value"),
        ));
    }
    let zone = zone_ascii.trim_end_matches('.');
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        let normalized = normalize_one(&rtype, value, zone, warnings)?;
        if normalized.len() > MAX_VALUE_LEN {
            return Err(reject(
                value,
                &format!("a value of at most {MAX_VALUE_LEN} characters (Gandi's limit)"),
            ));
        }
        if let Some(bad) = normalized.chars().find(|c| !(' '..='~').contains(c)) {
            return Err(reject(
                value,
                &format!("printable ASCII characters only (found {bad:?})"),
            ));
        }
        if seen.insert(value_key(&rtype, &normalized)) {
            out.push(normalized);
        }
    }
    if out.len() > 1 && matches!(rtype.as_str(), "CNAME" | "DNAME" | "ALIAS") {
        return Err(reject(
            &out[1],
            &format!(
                "a single target: a {rtype} rrset holds exactly one value (got {}: {})",
                out.len(),
                out.join(", ")
            ),
        ));
    }
    Ok(out)
}

fn normalize_one(
    rtype: &str,
    value: &str,
    zone: &str,
    warnings: &mut Vec<String>,
) -> SkillResult<String> {
    let s = value.trim();
    if s.is_empty() {
        return Err(reject(value, &format!("a non-empty {rtype} value")));
    }
    match rtype {
        "A" => ipv4(value, s),
        "AAAA" => ipv6(value, s),
        "MX" => {
            let expected = "`preference target`, like `10 spool.mail.gandi.net.` \
                            (preference 0-65535, target a host name)";
            let t: Vec<&str> = s.split_whitespace().collect();
            let [pref, target] = t.as_slice() else {
                return Err(reject(value, expected));
            };
            let pref = number(value, pref, 0, 65535, "MX preference", expected)?;
            let target = host(rtype, value, target, zone, warnings)?;
            Ok(format!("{pref} {target}"))
        }
        "SRV" => {
            let expected = "`priority weight port target`, like `10 5 5060 sip.example.com.` \
                            (each number 0-65535, target a host name or `.`)";
            let t: Vec<&str> = s.split_whitespace().collect();
            let [prio, weight, port, target] = t.as_slice() else {
                return Err(reject(value, expected));
            };
            let prio = number(value, prio, 0, 65535, "SRV priority", expected)?;
            let weight = number(value, weight, 0, 65535, "SRV weight", expected)?;
            let port = number(value, port, 0, 65535, "SRV port", expected)?;
            let target = host(rtype, value, target, zone, warnings)?;
            Ok(format!("{prio} {weight} {port} {target}"))
        }
        "CAA" => caa(value, s),
        "SSHFP" => {
            let expected = "`algorithm fingerprint-type fingerprint`, like `4 2 <64 hex digits>` \
                            (algorithm 1-6, type 1 = SHA-1 with 40 hex digits or 2 = SHA-256 \
                            with 64)";
            let t: Vec<&str> = s.split_whitespace().collect();
            if t.len() < 3 {
                return Err(reject(value, expected));
            }
            let alg = number(value, t[0], 1, 6, "SSHFP algorithm", expected)?;
            let fptype = number(value, t[1], 1, 2, "SSHFP fingerprint type", expected)?;
            let hex = hex_field(value, &t[2..], expected)?;
            let want = if fptype == 1 { 40 } else { 64 };
            if hex.len() != want {
                return Err(reject(
                    value,
                    &format!(
                        "{expected}; fingerprint type {fptype} needs {want} hex digits, got {}",
                        hex.len()
                    ),
                ));
            }
            Ok(format!("{alg} {fptype} {hex}"))
        }
        "TLSA" => {
            let expected = "`usage selector matching-type data`, like `3 1 1 <hex>` (usage 0-3, \
                            selector 0-1, matching type 0-2, data in hex)";
            let t: Vec<&str> = s.split_whitespace().collect();
            if t.len() < 4 {
                return Err(reject(value, expected));
            }
            let usage = number(value, t[0], 0, 3, "TLSA usage", expected)?;
            let selector = number(value, t[1], 0, 1, "TLSA selector", expected)?;
            let mtype = number(value, t[2], 0, 2, "TLSA matching type", expected)?;
            let hex = hex_field(value, &t[3..], expected)?;
            Ok(format!("{usage} {selector} {mtype} {hex}"))
        }
        "CNAME" | "DNAME" | "NS" | "PTR" | "ALIAS" => {
            let mut t = s.split_whitespace();
            match (t.next(), t.next()) {
                (Some(target), None) => host(rtype, value, target, zone, warnings),
                _ => Err(reject(
                    value,
                    &format!("one host name for {rtype}, like `target.example.net.`"),
                )),
            }
        }
        "TXT" | "SPF" => txt(value, s),
        _ => {
            let collapsed = collapse_ws(s);
            if let Some(bad) = collapsed.chars().find(|c| !(' '..='~').contains(c)) {
                return Err(reject(
                    value,
                    &format!(
                        "a {rtype} value in printable ASCII (found {bad:?}, which Gandi does \
                         not accept)"
                    ),
                ));
            }
            Ok(collapsed)
        }
    }
}

fn ipv4(value: &str, s: &str) -> SkillResult<String> {
    let expected = "an IPv4 address in dotted-quad form like `192.0.2.1` (four numbers 0-255, \
                    no leading zeros)";
    match s.parse::<Ipv4Addr>() {
        // `to_string` is canonical: a leading zero would not survive it.
        Ok(ip) if ip.to_string() == s => Ok(ip.to_string()),
        _ if s.parse::<Ipv6Addr>().is_ok() => Err(reject(
            value,
            &format!("{expected}; this is an IPv6 address: use an AAAA record"),
        )),
        _ => Err(reject(value, expected)),
    }
}

fn ipv6(value: &str, s: &str) -> SkillResult<String> {
    let expected = "an IPv6 address like `2001:db8::1` (compressed forms accepted, no brackets, \
                    prefix length or zone id)";
    if s.parse::<Ipv6Addr>().is_ok() {
        return Ok(s.to_ascii_lowercase());
    }
    if s.parse::<Ipv4Addr>().is_ok() {
        return Err(reject(
            value,
            &format!("{expected}; this is an IPv4 address: use an A record"),
        ));
    }
    Err(reject(value, expected))
}

/// Parses a decimal field in `lo..=hi`, naming it in the error.
fn number(
    value: &str,
    tok: &str,
    lo: u32,
    hi: u32,
    what: &str,
    expected: &str,
) -> SkillResult<u32> {
    match tok.parse::<u32>() {
        Ok(n) if tok.bytes().all(|b| b.is_ascii_digit()) && (lo..=hi).contains(&n) => Ok(n),
        _ => Err(reject(
            value,
            &format!("{expected}; the {what} `{tok}` must be a whole number from {lo} to {hi}"),
        )),
    }
}

/// Joins hex tokens (whitespace is allowed inside hex data) and checks them.
fn hex_field(value: &str, toks: &[&str], expected: &str) -> SkillResult<String> {
    let hex: String = toks.concat().to_ascii_lowercase();
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(reject(
            value,
            &format!("{expected}; the data must be hexadecimal digits"),
        ));
    }
    if hex.len() % 2 != 0 {
        return Err(reject(
            value,
            &format!("{expected}; the hex data has an odd number of digits"),
        ));
    }
    Ok(hex)
}

/// A target host name: `@`, `.`, or labels of letters, digits, `-`, `_`;
/// IDN converted. Without a trailing dot Gandi reads it relative to the zone,
/// which is almost never meant for an outside host: warn.
fn host(
    rtype: &str,
    value: &str,
    tok: &str,
    zone: &str,
    warnings: &mut Vec<String>,
) -> SkillResult<String> {
    let expected = format!(
        "a host name as the {rtype} target, like `target.example.net.` (with the final dot), \
         or `@` for the zone apex"
    );
    if tok == "@" || tok == "." {
        return Ok(tok.to_string());
    }
    let (body, absolute) = match tok.strip_suffix('.') {
        Some(b) => (b, true),
        None => (tok, false),
    };
    let Some(ascii) = ascii_labels(body) else {
        return Err(reject(
            value,
            &format!("{expected}; `{tok}` is not a valid internationalized name"),
        ));
    };
    for label in ascii.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(reject(
                value,
                &format!("{expected}; label `{label}` must be 1 to 63 letters, digits, `-` or `_`"),
            ));
        }
    }
    if ascii.len() > 253 {
        return Err(reject(
            value,
            &format!("{expected}; the name is longer than 253 characters"),
        ));
    }
    if absolute {
        return Ok(format!("{ascii}."));
    }
    warnings.push(format!(
        "{rtype} value {value:?}: the target `{ascii}` has no trailing dot, so Gandi will read \
         it as `{ascii}.{zone}.` (relative to the zone); write `{ascii}.` if you meant that \
         host itself"
    ));
    Ok(ascii)
}

/// The target host of a value, for the types that point at one.
fn target_of<'a>(rtype: &str, value: &'a str) -> Option<&'a str> {
    let mut toks = value.split_whitespace();
    match rtype {
        "CNAME" | "ALIAS" | "DNAME" | "NS" | "PTR" => toks.next(),
        "MX" => toks.nth(1),
        "SRV" => toks.nth(3),
        _ => None,
    }
}

/// Refuses a target that surely lacks its final dot: a dotless name of
/// several labels ending in the zone's own top-level domain, such as
/// `mail.example.com` in zone `example.com`, which Gandi would read as
/// `mail.example.com.example.com.`. A single label (`mail`) stays relative,
/// with the warning `host` gives. Callers check only values the user adds,
/// so what the zone already holds still round-trips.
pub fn refuse_missing_final_dot(rtype: &str, value: &str, zone: &str) -> SkillResult<()> {
    let Some(target) = target_of(rtype, value) else {
        return Ok(());
    };
    let tld = zone.rsplit('.').next().unwrap_or(zone);
    let dotless_full_name = !target.ends_with('.')
        && target.contains('.')
        && target
            .rsplit('.')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case(tld));
    if !dotless_full_name {
        return Ok(());
    }
    Err(reject(
        value,
        &format!(
            "a target with its final dot: `{target}` would be read as `{target}.{zone}.`; \
             write `{target}.` (or `{target}.{zone}.` if that is really meant)"
        ),
    ))
}

fn caa(value: &str, s: &str) -> SkillResult<String> {
    let expected = format!(
        "`flags tag value`, like `0 issue \"letsencrypt.org\"` (flags 0-255, tag one of {})",
        CAA_TAGS.join(", ")
    );
    let Some((flags, rest)) = split_token(s) else {
        return Err(reject(value, &expected));
    };
    let Some((tag, rest)) = split_token(rest) else {
        return Err(reject(value, &expected));
    };
    let flags = number(value, flags, 0, 255, "CAA flags", &expected)?;
    let tag_l = tag.to_ascii_lowercase();
    if !CAA_TAGS.contains(&tag_l.as_str()) {
        return Err(reject(
            value,
            &format!("{expected}; `{tag}` is not a known CAA tag"),
        ));
    }
    let inner = if rest.starts_with('"') {
        match parse_quoted(rest) {
            Ok(strings) if strings.len() == 1 => strings[0].to_string(),
            Ok(_) => {
                return Err(reject(
                    value,
                    &format!("{expected}; the value must be one double-quoted string"),
                ))
            }
            Err(why) => return Err(reject(value, &format!("{expected}; {why}"))),
        }
    } else if rest.is_empty() {
        return Err(reject(value, &format!("{expected}; the value is missing")));
    } else {
        escape(rest.as_bytes())
    };
    Ok(format!("{flags} {tag_l} \"{inner}\""))
}

/// Splits off the first whitespace-separated token; the rest is trimmed.
fn split_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    match s.find(|c: char| c.is_ascii_whitespace()) {
        Some(i) => Some((&s[..i], s[i..].trim())),
        None => Some((s, "")),
    }
}

/// opendkim and zone files wrap long TXT data in parentheses, over one or
/// several lines, maybe with a `; comment` after: the data is the quoted
/// strings inside. Bare text such as `(hello)` is left as it is.
fn without_parentheses(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('(')?;
    let close = inner.rfind(')')?;
    let after = inner[close + 1..].trim();
    let data = inner[..close].trim();
    let quoted = data.starts_with('"') && data.ends_with('"');
    (quoted && (after.is_empty() || after.starts_with(';'))).then_some(data)
}

fn txt(value: &str, s: &str) -> SkillResult<String> {
    let s = without_parentheses(s).unwrap_or(s);
    if let Some(bad) = s.chars().find(|c| !c.is_ascii()) {
        return Err(reject(
            value,
            &format!(
                "text in printable ASCII: Gandi does not accept {bad:?} or any other non-ASCII \
                 character (accents, emoji, typographic quotes) in a TXT value"
            ),
        ));
    }
    let chunks: Vec<String> = if s.starts_with('"') {
        let strings = parse_quoted(s).map_err(|why| {
            reject(
                value,
                &format!(
                    "either bare text, or double-quoted strings like `\"part 1\" \"part 2\"` \
                     ({why})"
                ),
            )
        })?;
        let mut out = Vec::new();
        for raw in strings {
            let decoded = unescape(raw);
            if decoded.len() > TXT_CHUNK {
                // One string over 255 bytes cannot exist in DNS: split it.
                out.extend(decoded.chunks(TXT_CHUNK).map(escape));
            } else {
                out.push(raw.to_string());
            }
        }
        if out.iter().all(|c| c.is_empty()) {
            return Err(reject(value, "non-empty text"));
        }
        out
    } else {
        if let Some(bad) = s.chars().find(|c| c.is_ascii_control()) {
            return Err(reject(
                value,
                &format!(
                    "text in printable ASCII on one line (found {bad:?}; remove tabs and line \
                     breaks)"
                ),
            ));
        }
        s.as_bytes().chunks(TXT_CHUNK).map(escape).collect()
    };
    Ok(chunks
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(" "))
}

/// Parses `"a" "b\"c"`: a whitespace-separated sequence of double-quoted
/// strings. Returns each string's inside, still escaped.
pub(crate) fn parse_quoted(s: &str) -> Result<Vec<&str>, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        if bytes[i] != b'"' {
            return Err(format!(
                "text outside the quotes at character {}; put every part inside double quotes",
                i + 1
            ));
        }
        let start = i + 1;
        i = start;
        loop {
            match bytes.get(i) {
                None => return Err("a double quote is not closed".to_string()),
                Some(b'"') => break,
                Some(b'\\') => {
                    let digits = bytes
                        .get(i + 1..i + 4)
                        .filter(|d| d.iter().all(u8::is_ascii_digit));
                    match (digits, bytes.get(i + 1)) {
                        (Some(d), _) => {
                            let n = d.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
                            if n > 255 {
                                return Err(format!("escape `\\{}` is above \\255", n));
                            }
                            i += 4;
                        }
                        (None, Some(c)) if (b' '..=b'~').contains(c) => i += 2,
                        _ => {
                            return Err("a backslash ends the text or escapes nothing printable"
                                .to_string())
                        }
                    }
                }
                Some(c) if (b' '..=b'~').contains(c) => i += 1,
                Some(c) => {
                    return Err(format!(
                        "character {:?} inside quotes is not printable ASCII",
                        char::from(*c)
                    ))
                }
            }
        }
        out.push(&s[start..i]);
        i += 1;
        if i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            return Err(format!(
                "text right after a closing quote at character {}; separate strings with a space",
                i + 1
            ));
        }
    }
    if out.is_empty() {
        return Err("no quoted string found".to_string());
    }
    Ok(out)
}

/// Decodes the inside of a quoted string (`\"`, `\\`, `\DDD`). Input is
/// already validated by `parse_quoted`; anything odd is kept literally.
fn unescape(raw: &str) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            let d = b.get(i + 1..i + 4);
            if let Some(d) = d.filter(|d| d.iter().all(u8::is_ascii_digit)) {
                let n = d.iter().fold(0u32, |n, x| n * 10 + u32::from(x - b'0'));
                out.push(u8::try_from(n).unwrap_or(b'?'));
                i += 4;
            } else {
                out.push(b[i + 1]);
                i += 2;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Escapes `"` and `\` for the inside of a quoted string; other bytes that
/// are not printable ASCII become `\DDD`.
fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b' '..=b'~' => out.push(char::from(b)),
            other => out.push_str(&format!("\\{other:03}")),
        }
    }
    out
}

/// Collapses runs of whitespace outside double quotes into one space.
fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_quote = false;
    let mut escaped = false;
    let mut pending_space = false;
    for c in s.trim().chars() {
        if in_quote {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_quote = false;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        if c == '"' {
            in_quote = true;
        }
        out.push(c);
    }
    out
}

/// The text a TXT/SPF value stands for: its strings decoded and joined, so
/// bare, quoted and chunked spellings of the same text are equal.
fn txt_content(value: &str) -> String {
    let s = value.trim();
    if s.starts_with('"') {
        if let Ok(strings) = parse_quoted(s) {
            let mut all = Vec::new();
            for raw in strings {
                all.extend(unescape(raw));
            }
            return String::from_utf8_lossy(&all).into_owned();
        }
    }
    s.to_string()
}

/// Lower-cases a token and drops leading zeros of a decimal number.
fn canon_token(tok: &str) -> String {
    if !tok.is_empty() && tok.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = tok.parse::<u64>() {
            return n.to_string();
        }
    }
    tok.to_ascii_lowercase()
}

/// Canonical comparison key for one value of type `rtype`: what the user
/// typed and what Gandi returns give the same key when they mean the same.
pub fn value_key(rtype: &str, value: &str) -> String {
    let rtype = rtype.trim().to_ascii_uppercase();
    let s = value.trim();
    match rtype.as_str() {
        "A" => match s.parse::<Ipv4Addr>() {
            Ok(ip) => ip.to_string(),
            Err(_) => s.to_string(),
        },
        "AAAA" => match s.parse::<Ipv6Addr>() {
            Ok(ip) => ip.to_string(),
            Err(_) => s.to_ascii_lowercase(),
        },
        "TXT" | "SPF" => txt_content(s),
        "MX" | "SRV" | "CNAME" | "DNAME" | "NS" | "PTR" | "ALIAS" => s
            .split_whitespace()
            .map(canon_token)
            .collect::<Vec<_>>()
            .join(" "),
        "SSHFP" | "TLSA" | "DS" | "CDS" => {
            let fixed = match rtype.as_str() {
                "SSHFP" => 2,
                _ => 3,
            };
            let toks: Vec<&str> = s.split_whitespace().collect();
            let head: Vec<String> = toks.iter().take(fixed).map(|t| canon_token(t)).collect();
            let tail = toks.get(fixed..).unwrap_or_default().concat();
            format!("{} {}", head.join(" "), tail.to_ascii_lowercase())
        }
        "CAA" => {
            let Some((flags, rest)) = split_token(s) else {
                return s.to_string();
            };
            let Some((tag, rest)) = split_token(rest) else {
                return s.to_string();
            };
            let content = match parse_quoted(rest) {
                Ok(strings) if rest.starts_with('"') => strings
                    .iter()
                    .map(|r| String::from_utf8_lossy(&unescape(r)).into_owned())
                    .collect::<String>(),
                _ => rest.to_string(),
            };
            format!(
                "{} {} {}",
                canon_token(flags),
                tag.to_ascii_lowercase(),
                content
            )
        }
        _ => collapse_ws(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const ZONE: &str = "example.com";

    fn norm(t: &str, vals: &[&str]) -> SkillResult<Vec<String>> {
        let mut w = Vec::new();
        let v: Vec<String> = vals.iter().map(|s| s.to_string()).collect();
        normalize_values(t, &v, ZONE, &mut w)
    }

    fn ok1(t: &str, v: &str) -> String {
        match norm(t, &[v]) {
            Ok(mut out) if out.len() == 1 => out.remove(0),
            other => panic!("{t} {v:?} → {other:?}"),
        }
    }

    fn detail(e: &SkillError, k: &str) -> String {
        e.details
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    }

    /// Asserts a rejection naming field `values`, the exact value, and an
    /// expectation containing `needle`.
    fn bad(t: &str, v: &str, needle: &str) {
        let Some(e) = norm(t, &[v]).err() else {
            panic!("{t} {v:?} accepted")
        };
        assert_eq!(e.code, ErrorCode::InvalidParams);
        assert_eq!(detail(&e, "field"), "values", "{t} {v:?}");
        assert_eq!(detail(&e, "value"), v, "{t} {v:?}");
        let exp = detail(&e, "expected");
        assert!(exp.contains(needle), "{t} {v:?}: {exp}");
        assert!(e.message.contains("values") && e.message.contains(needle));
    }

    #[test]
    fn empty_list_and_bad_type() {
        let Some(e) = norm("A", &[]).err() else {
            panic!()
        };
        assert_eq!(detail(&e, "field"), "values");
        assert!(detail(&e, "expected").contains("at least one"));
        let Some(e) = norm("HINFO", &["x"]).err() else {
            panic!()
        };
        assert_eq!(detail(&e, "field"), "type");
        bad("A", "  ", "non-empty");
    }

    #[test]
    fn a_records() {
        assert_eq!(ok1("A", "192.0.2.1"), "192.0.2.1");
        assert_eq!(ok1("a", " 10.0.0.1 "), "10.0.0.1");
        bad("A", "01.02.03.004", "no leading zeros");
        bad("A", "256.1.1.1", "IPv4");
        bad("A", "1.2.3", "IPv4");
        bad("A", "example.com", "IPv4");
        bad("A", "2001:db8::1", "use an AAAA record");
        bad("A", "1.2.3.4 5.6.7.8", "IPv4");
    }

    #[test]
    fn aaaa_records() {
        assert_eq!(ok1("AAAA", "2001:db8::1"), "2001:db8::1");
        assert_eq!(ok1("AAAA", "2001:DB8::A"), "2001:db8::a");
        assert_eq!(ok1("AAAA", "::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(
            ok1("AAAA", "2a01:e0a:1f8:17e0:b62e:99ff:fef8:cdb9"),
            "2a01:e0a:1f8:17e0:b62e:99ff:fef8:cdb9"
        );
        bad("AAAA", "2001:db8::1::2", "IPv6");
        bad("AAAA", "[2001:db8::1]", "IPv6");
        bad("AAAA", "2001:db8::/32", "IPv6");
        bad("AAAA", "192.0.2.1", "use an A record");
        // Compressed and expanded spellings compare equal and dedup.
        assert_eq!(
            value_key("AAAA", "2001:0db8:0000:0000:0000:0000:0000:0001"),
            value_key("AAAA", "2001:db8::1")
        );
        assert_eq!(
            norm("AAAA", &["2001:db8::1", "2001:DB8:0:0:0:0:0:1"])
                .ok()
                .map(|v| v.len()),
            Some(1)
        );
    }

    #[test]
    fn mx_records() {
        assert_eq!(
            ok1("MX", "10   Spool.Mail.Gandi.Net."),
            "10 spool.mail.gandi.net."
        );
        assert_eq!(ok1("MX", "0 ."), "0 .");
        bad("MX", "spool.mail.gandi.net.", "preference target");
        bad("MX", "70000 mx.example.net.", "from 0 to 65535");
        bad("MX", "-1 mx.example.net.", "MX preference");
        bad("MX", "10 mx..example.net.", "label");
        bad("MX", "10 mx.exa mple.net.", "preference target");
        let mut w = Vec::new();
        let out = normalize_values("MX", &["10 mail".to_string()], ZONE, &mut w).ok();
        assert_eq!(out, Some(vec!["10 mail".to_string()]));
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("mail.example.com.") && w[0].contains("trailing dot"));
    }

    #[test]
    fn srv_records() {
        assert_eq!(
            ok1("SRV", "0 1 993 Mail.Gandi.Net."),
            "0 1 993 mail.gandi.net."
        );
        assert_eq!(ok1("SRV", "0 0 0 ."), "0 0 0 .");
        bad("SRV", "0 1 mail.gandi.net.", "priority weight port target");
        bad("SRV", "0 1 70000 mail.gandi.net.", "SRV port");
        bad("SRV", "x 1 993 mail.gandi.net.", "SRV priority");
    }

    #[test]
    fn caa_records() {
        assert_eq!(
            ok1("CAA", "0 issue letsencrypt.org"),
            "0 issue \"letsencrypt.org\""
        );
        assert_eq!(
            ok1("CAA", "0 issue \"letsencrypt.org\""),
            "0 issue \"letsencrypt.org\""
        );
        assert_eq!(
            ok1("CAA", "128 IODEF mailto:sec@example.com"),
            "128 iodef \"mailto:sec@example.com\""
        );
        assert_eq!(
            ok1("CAA", "0 issue letsencrypt.org; validationmethods=dns-01"),
            "0 issue \"letsencrypt.org; validationmethods=dns-01\""
        );
        assert_eq!(ok1("CAA", "0 issue \";\""), "0 issue \";\"");
        bad("CAA", "0 issue", "value is missing");
        bad("CAA", "256 issue letsencrypt.org", "from 0 to 255");
        bad("CAA", "0 issuer letsencrypt.org", "not a known CAA tag");
        bad("CAA", "0 issue \"letsencrypt.org", "not closed");
        bad("CAA", "0 issue \"a\" \"b\"", "one double-quoted string");
        assert_eq!(
            value_key("CAA", "0 issue letsencrypt.org"),
            value_key("CAA", "0 ISSUE \"letsencrypt.org\"")
        );
    }

    #[test]
    fn sshfp_records() {
        let sha1 = "7491973e5f8b39d5327cd4e08bc81b05f7710b49";
        let sha256 = "c164b2c3f36d068d42a6138e446152f568615f28c69bd96a73e354cac88ed00c";
        assert_eq!(ok1("SSHFP", &format!("1 1 {sha1}")), format!("1 1 {sha1}"));
        assert_eq!(
            ok1("SSHFP", &format!("4 2 {}", sha256.to_uppercase())),
            format!("4 2 {sha256}")
        );
        bad("SSHFP", &format!("1 2 {sha1}"), "needs 64 hex digits");
        bad("SSHFP", &format!("1 1 {sha256}"), "needs 40 hex digits");
        bad("SSHFP", &format!("7 1 {sha1}"), "SSHFP algorithm");
        bad("SSHFP", &format!("1 3 {sha1}"), "fingerprint type");
        bad("SSHFP", "1 1 zz", "hexadecimal");
    }

    #[test]
    fn tlsa_records() {
        assert_eq!(
            ok1("TLSA", "3 1 1 8A9A70596E869BED72C69D97A8895DFA"),
            "3 1 1 8a9a70596e869bed72c69d97a8895dfa"
        );
        assert_eq!(ok1("TLSA", "3 1 1 8a9a 7059"), "3 1 1 8a9a7059");
        bad("TLSA", "4 1 1 abcd", "TLSA usage");
        bad("TLSA", "3 2 1 abcd", "TLSA selector");
        bad("TLSA", "3 1 3 abcd", "TLSA matching type");
        bad("TLSA", "3 1 1 abc", "odd number");
        bad("TLSA", "3 1 1", "usage selector");
    }

    #[test]
    fn a_full_name_without_its_final_dot_is_refused() {
        for (rtype, value) in [
            ("CNAME", "ghs.googlehosted.com"),
            ("MX", "10 mail.example.com"),
            ("SRV", "0 5 5060 sip.example.com"),
        ] {
            let Err(e) = refuse_missing_final_dot(rtype, value, ZONE) else {
                panic!("{rtype} {value} accepted")
            };
            assert!(e.message.contains("final dot"), "{}", e.message);
        }
        for (rtype, value) in [
            ("CNAME", "ghs.googlehosted.com."),
            ("CNAME", "mail"),
            ("CNAME", "docs.example.net"),
            ("MX", "10 mail"),
            ("A", "192.0.2.1"),
        ] {
            assert!(
                refuse_missing_final_dot(rtype, value, ZONE).is_ok(),
                "{value}"
            );
        }
    }

    #[test]
    fn host_targets() {
        for t in ["CNAME", "DNAME", "NS", "PTR", "ALIAS"] {
            assert_eq!(ok1(t, "WebMail.Gandi.Net."), "webmail.gandi.net.");
            assert_eq!(ok1(t, "@"), "@");
            bad(t, "a b.", "one host name");
            bad(t, "bad!.example.", "label");
            bad(t, "*.example.com.", "label");
        }
        assert_eq!(ok1("CNAME", "bücher.de."), "xn--bcher-kva.de.");
        let mut w = Vec::new();
        let out = normalize_values("CNAME", &["docs.example.com".to_string()], ZONE, &mut w).ok();
        assert_eq!(out, Some(vec!["docs.example.com".to_string()]));
        assert!(
            w[0].contains("docs.example.com.example.com.") && w[0].contains("docs.example.com."),
            "{}",
            w[0]
        );
        let mut w = Vec::new();
        let _ = normalize_values("CNAME", &["@".to_string()], ZONE, &mut w);
        assert!(w.is_empty());
        let Some(e) = norm("CNAME", &["a.example.net.", "b.example.net."]).err() else {
            panic!("two CNAME targets accepted")
        };
        assert_eq!(detail(&e, "value"), "b.example.net.");
        assert!(detail(&e, "expected").contains("exactly one value"));
        // The same target twice is one target.
        assert_eq!(
            norm("CNAME", &["a.example.net.", "A.example.net."]).ok(),
            Some(vec!["a.example.net.".to_string()])
        );
    }

    #[test]
    fn bare_text_in_parentheses_stays_as_it_is() {
        assert_eq!(ok1("TXT", "(hello)"), "\"(hello)\"");
    }

    #[test]
    fn an_opendkim_txt_in_parentheses_is_unwrapped() {
        let pasted =
            "( \"v=DKIM1; k=rsa; \"\n\t  \"p=MIGfMA0\" )  ; ----- DKIM key default for example.com";
        assert_eq!(ok1("TXT", pasted), "\"v=DKIM1; k=rsa; \" \"p=MIGfMA0\"");
        assert_eq!(
            value_key("TXT", &ok1("TXT", pasted)),
            "v=DKIM1; k=rsa; p=MIGfMA0"
        );
    }

    #[test]
    fn txt_quoting() {
        assert_eq!(ok1("TXT", "v=spf1 -all"), "\"v=spf1 -all\"");
        assert_eq!(ok1("TXT", "\"v=spf1 -all\""), "\"v=spf1 -all\"");
        assert_eq!(
            ok1("SPF", "v=spf1 ip4:192.168.0.1/16-all"),
            "\"v=spf1 ip4:192.168.0.1/16-all\""
        );
        assert_eq!(ok1("TXT", "\"a\"   \"b\""), "\"a\" \"b\"");
        assert_eq!(ok1("TXT", "say \"hi\" \\o/"), r#""say \"hi\" \\o/""#);
        assert_eq!(ok1("TXT", r#""say \"hi\"""#), r#""say \"hi\"""#);
        bad("TXT", "café", "non-ASCII");
        bad("TXT", "“quoted”", "non-ASCII");
        bad("TXT", "\"unterminated", "not closed");
        bad("TXT", "\"a\" b", "outside the quotes");
        bad("TXT", "\"a\"\"b\"", "separate strings");
        bad("TXT", "line1\nline2", "line breaks");
        bad("TXT", "\"\"", "non-empty");
        // Bare, quoted and chunked spellings compare equal.
        assert_eq!(
            value_key("TXT", "v=spf1 -all"),
            value_key("TXT", "\"v=spf1 -all\"")
        );
        assert_eq!(value_key("TXT", "\"ab\""), value_key("TXT", "\"a\" \"b\""));
        assert_eq!(
            norm("TXT", &["hello", "\"hello\""]).ok().map(|v| v.len()),
            Some(1)
        );
    }

    #[test]
    fn txt_long_dkim_chunks_and_round_trips() {
        let key = format!(
            "v=DKIM1; k=rsa; p={}",
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A".repeat(12)
        );
        assert!(key.len() > 255 && key.len() < 510);
        let out = ok1("TXT", &key);
        let strings = parse_quoted(&out).unwrap_or_default();
        assert_eq!(strings.len(), 2);
        assert_eq!(strings[0].len(), 255);
        assert_eq!(format!("{}{}", strings[0], strings[1]), key);
        assert_eq!(out, format!("\"{}\" \"{}\"", &key[..255], &key[255..]));
        // Gandi returns the chunked form; it compares equal to the bare input.
        assert_eq!(value_key("TXT", &out), value_key("TXT", &key));
        // Normalizing Gandi's form again is stable.
        assert_eq!(ok1("TXT", &out), out);
        // One oversized quoted string is split too.
        assert_eq!(ok1("TXT", &format!("\"{key}\"")), out);
        // Escapes are never split in the middle.
        let quotes = "a\"\\".repeat(100);
        let out = ok1("TXT", &quotes);
        assert_eq!(parse_quoted(&out).map(|v| v.len()), Ok(2));
        assert_eq!(value_key("TXT", &out), quotes);
    }

    #[test]
    fn other_types_free_text() {
        assert_eq!(
            ok1("DS", "  2371 13   2 1F987CC6583E92DF0890718C42 "),
            "2371 13 2 1F987CC6583E92DF0890718C42"
        );
        assert_eq!(
            ok1(
                "NAPTR",
                "100 10 \"u\"  \"E2U+sip\" \"!^.*$!sip:a  b@example.com!\" ."
            ),
            "100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:a  b@example.com!\" ."
        );
        assert_eq!(ok1("HTTPS", "1 . alpn=h2,h3"), "1 . alpn=h2,h3");
        bad(
            "LOC",
            "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m ☃",
            "printable ASCII",
        );
        assert_eq!(
            value_key("DS", "2371 13 2 1F98 7CC6"),
            value_key("DS", "2371 13 2 1f987cc6")
        );
    }

    #[test]
    fn keys_ignore_case_and_spacing() {
        assert_eq!(
            value_key("MX", "010  Mail.Example.Com."),
            "10 mail.example.com."
        );
        assert_eq!(value_key("cname", "WWW.Example.Com."), "www.example.com.");
        assert_eq!(value_key("A", " 1.2.3.4"), "1.2.3.4");
        assert_ne!(value_key("TXT", "\"A\""), value_key("TXT", "\"a\""));
    }

    #[test]
    fn dedup_keeps_first_spelling() {
        let out = norm(
            "MX",
            &[
                "10 mx.example.net.",
                "10 MX.example.net.",
                "20 mx2.example.net.",
            ],
        );
        assert_eq!(
            out.ok(),
            Some(vec![
                "10 mx.example.net.".to_string(),
                "20 mx2.example.net.".to_string()
            ])
        );
    }
}
