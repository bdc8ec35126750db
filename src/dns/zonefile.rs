//! RFC 1035 master files: reading zone text into rrsets in Gandi's stored
//! form (for `dns.zone.import`), and writing rrsets back as zone text
//! (for `dns.zone.export`). Hand-written: see CHOICE.md for why.

use std::collections::HashMap;

use super::{
    check_alias_at_apex, check_ttl, cname_clash, normalize_values, relative_name, rrset_order,
    value_key, Rrset, DEFAULT_TTL, RRTYPES,
};
use crate::error::{SkillError, SkillResult};

/// Types whose value holds a host name, and the token index of that name.
fn target_index(rtype: &str) -> Option<usize> {
    match rtype {
        "CNAME" | "DNAME" | "NS" | "PTR" | "ALIAS" => Some(0),
        "MX" => Some(1),
        "SRV" => Some(3),
        _ => None,
    }
}

/// One token of a logical line; quoted tokens keep their quotes.
struct Tok {
    text: String,
    quoted: bool,
}

/// One logical entry: a line, or several joined by parentheses.
struct Entry {
    line: usize,
    raw: String,
    blank_owner: bool,
    toks: Vec<Tok>,
}

/// A rejection of line `n` (field `zone_text`, value = the line).
fn line_err(n: usize, raw: &str, expected: &str) -> SkillError {
    let mut err = SkillError::invalid_param("zone_text", Some(raw), expected);
    err.message =
        format!("parameter `zone_text`, line {n}: {raw:?} is not valid: expected {expected}");
    err.with_detail("line", n)
}

/// Re-homes a field error from name/value validation onto the zone line.
fn inner_err(n: usize, raw: &str, inner: &SkillError) -> SkillError {
    let get = |k: &str| inner.details.get(k).and_then(|v| v.as_str());
    let expected = get("expected").unwrap_or(inner.message.as_str());
    let field = get("field").unwrap_or("value");
    let what = match field {
        "values" => "record value",
        "name" => "owner name",
        "type" => "record type",
        "ttl" => "TTL",
        other => other,
    };
    let expected = match get("value") {
        Some(v) => format!("the {what} {v:?} to be {expected}"),
        None => format!("the {what} to be {expected}"),
    };
    line_err(n, raw, &expected)
}

fn lex(text: &str) -> SkillResult<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut cur: Option<Entry> = None;
    let mut depth = 0usize;
    for (idx, line) in text.lines().enumerate() {
        let n = idx + 1;
        let mut entry = match cur.take() {
            Some(mut e) if depth > 0 => {
                e.raw.push('\n');
                e.raw.push_str(line);
                e
            }
            _ => Entry {
                line: n,
                raw: line.to_string(),
                blank_owner: line.starts_with([' ', '\t']),
                toks: Vec::new(),
            },
        };
        let mut word = String::new();
        let mut chars = line.chars().peekable();
        let flush = |word: &mut String, toks: &mut Vec<Tok>| {
            if !word.is_empty() {
                toks.push(Tok {
                    text: std::mem::take(word),
                    quoted: false,
                });
            }
        };
        while let Some(c) = chars.next() {
            match c {
                ';' => break,
                '"' => {
                    flush(&mut word, &mut entry.toks);
                    let mut q = String::from('"');
                    let mut closed = false;
                    while let Some(d) = chars.next() {
                        q.push(d);
                        if d == '\\' {
                            if let Some(e) = chars.next() {
                                q.push(e);
                            }
                        } else if d == '"' {
                            closed = true;
                            break;
                        }
                    }
                    if !closed {
                        return Err(line_err(n, line, "a closing double quote on the same line"));
                    }
                    entry.toks.push(Tok {
                        text: q,
                        quoted: true,
                    });
                }
                '(' => {
                    flush(&mut word, &mut entry.toks);
                    depth += 1;
                }
                ')' => {
                    flush(&mut word, &mut entry.toks);
                    if depth == 0 {
                        return Err(line_err(n, line, "no `)` without an opening `(`"));
                    }
                    depth -= 1;
                }
                '\\' => {
                    word.push(c);
                    if let Some(e) = chars.next() {
                        word.push(e);
                    }
                }
                c if c.is_whitespace() => flush(&mut word, &mut entry.toks),
                c => word.push(c),
            }
        }
        flush(&mut word, &mut entry.toks);
        if depth > 0 {
            cur = Some(entry);
        } else if !entry.toks.is_empty() {
            entries.push(entry);
        }
    }
    if let Some(e) = cur {
        return Err(line_err(
            e.line,
            &e.raw,
            "a `)` closing the `(` opened on this line",
        ));
    }
    Ok(entries)
}

/// Parses a TTL: seconds, or BIND units (`1h30m`, `2d`, `1w`).
fn parse_ttl(tok: &str) -> Option<u32> {
    if tok.bytes().all(|b| b.is_ascii_digit()) {
        return tok.parse().ok();
    }
    let mut total: u64 = 0;
    let mut num: Option<u64> = None;
    for c in tok.chars() {
        if let Some(d) = c.to_digit(10) {
            num = Some(
                num.unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        let mult = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(num.take()?.checked_mul(mult)?)?;
    }
    if num.is_some() {
        return None;
    }
    u32::try_from(total).ok()
}

/// Resolves a name token against `origin` into an absolute name without
/// the final dot, lower case.
fn absolute(tok: &str, origin: &str) -> String {
    let lower = tok.to_lowercase();
    if lower == "@" {
        origin.to_string()
    } else if let Some(abs) = lower.strip_suffix('.') {
        abs.to_string()
    } else {
        format!("{lower}.{origin}")
    }
}

/// Reads master-file text into rrsets relative to `zone_ascii`, values in
/// Gandi's stored form, grouped by (name, type), sorted.
pub fn parse(text: &str, zone_ascii: &str) -> SkillResult<Vec<Rrset>> {
    let zone = zone_ascii.trim_end_matches('.').to_ascii_lowercase();
    let mut origin = zone.clone();
    let mut default_ttl: Option<u32> = None;
    let mut last_ttl: Option<u32> = None;
    let mut last_owner: Option<String> = None;
    let mut sets: Vec<(Rrset, usize, String)> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut keys: Vec<Vec<String>> = Vec::new();
    let mut ignored = Vec::new();

    for e in lex(text)? {
        let (n, raw) = (e.line, e.raw.as_str());
        let Some(first) = e.toks.first() else {
            continue;
        };
        if !e.blank_owner && !first.quoted && first.text.starts_with('$') {
            let directive = first.text.to_ascii_uppercase();
            let args: Vec<&str> = e.toks.iter().skip(1).map(|t| t.text.as_str()).collect();
            match directive.as_str() {
                "$ORIGIN" => match args.as_slice() {
                    [name] => origin = absolute(name, &origin),
                    _ => return Err(line_err(n, raw, "`$ORIGIN` followed by one domain name")),
                },
                "$TTL" => match args.as_slice() {
                    [t] => match parse_ttl(t) {
                        Some(ttl) => {
                            check_ttl(ttl).map_err(|err| inner_err(n, raw, &err))?;
                            default_ttl = Some(ttl);
                        }
                        None => {
                            return Err(line_err(
                                n,
                                raw,
                                "`$TTL` followed by a number of seconds (or 1h, 1d, ...)",
                            ))
                        }
                    },
                    _ => return Err(line_err(n, raw, "`$TTL` followed by one TTL")),
                },
                _ => {
                    return Err(line_err(
                        n,
                        raw,
                        "a record or `$ORIGIN` / `$TTL` (`$INCLUDE`, `$GENERATE` and other \
                         directives are not supported: paste the records themselves)",
                    ))
                }
            }
            continue;
        }

        let mut i = 0;
        let owner = if e.blank_owner {
            match &last_owner {
                Some(o) => o.clone(),
                None => {
                    return Err(line_err(
                        n,
                        raw,
                        "an owner name: this line starts with a space, which repeats the \
                         previous record's name, but there is no previous record",
                    ))
                }
            }
        } else {
            i = 1;
            if first.quoted {
                return Err(line_err(n, raw, "an owner name, not a quoted string"));
            }
            absolute(&first.text, &origin)
        };
        last_owner = Some(owner.clone());

        let mut ttl: Option<u32> = None;
        let mut class_seen = false;
        while let Some(t) = e.toks.get(i) {
            let upper = t.text.to_ascii_uppercase();
            if !t.quoted && ttl.is_none() && t.text.starts_with(|c: char| c.is_ascii_digit()) {
                match parse_ttl(&t.text) {
                    Some(v) => ttl = Some(v),
                    None => {
                        return Err(line_err(
                            n,
                            raw,
                            &format!("a TTL in seconds, not `{}`", t.text),
                        ))
                    }
                }
            } else if !class_seen && upper == "IN" {
                class_seen = true;
            } else if !class_seen && ["CH", "HS", "CS", "ANY"].contains(&upper.as_str()) {
                return Err(line_err(n, raw, "class IN (the only class Gandi serves)"));
            } else {
                break;
            }
            i += 1;
        }
        let Some(type_tok) = e.toks.get(i) else {
            return Err(line_err(
                n,
                raw,
                "a record type after the name, TTL and class",
            ));
        };
        let rtype = type_tok.text.to_ascii_uppercase();
        i += 1;
        // RFC 1035 §5.1: a record without a TTL takes the last one stated
        // (after `$TTL`, which RFC 2308 puts first), the SOA's included.
        if ttl.is_some() {
            last_ttl = ttl;
        }
        if rtype == "SOA" {
            continue; // Gandi owns the SOA.
        }
        if type_tok.quoted || !RRTYPES.contains(&rtype.as_str()) {
            return Err(line_err(
                n,
                raw,
                &format!(
                    "one of Gandi's record types ({}); `{}` is not one",
                    RRTYPES.join(", "),
                    type_tok.text
                ),
            ));
        }
        let rdata = e.toks.get(i..).unwrap_or_default();
        if rdata.is_empty() {
            return Err(line_err(n, raw, &format!("a value after the type {rtype}")));
        }
        let value = build_value(&rtype, rdata, &origin, &zone);
        let ttl = match ttl.or(default_ttl).or(last_ttl) {
            Some(t) => check_ttl(t).map_err(|err| inner_err(n, raw, &err))?,
            None => DEFAULT_TTL,
        };
        let name = relative_name(&format!("{owner}."), &zone, &mut ignored).map_err(|err| {
            if owner != zone && !owner.ends_with(&format!(".{zone}")) {
                line_err(
                    n,
                    raw,
                    &format!(
                        "a record inside the zone {zone}; `{owner}.` is outside it (check \
                         `$ORIGIN` and the trailing dots)"
                    ),
                )
            } else {
                inner_err(n, raw, &err)
            }
        })?;
        let values = normalize_values(&rtype, &[value], &zone, &mut ignored)
            .map_err(|err| inner_err(n, raw, &err))?;

        let key = (name.clone(), rtype.clone());
        match index.get(&key) {
            Some(&at) => {
                for v in values {
                    let k = value_key(&rtype, &v);
                    if !keys[at].contains(&k) {
                        keys[at].push(k);
                        sets[at].0.values.push(v);
                    }
                }
            }
            None => {
                index.insert(key, sets.len());
                keys.push(values.iter().map(|v| value_key(&rtype, v)).collect());
                sets.push((
                    Rrset {
                        name,
                        rtype,
                        ttl,
                        values,
                    },
                    n,
                    raw.to_string(),
                ));
            }
        }
    }

    let mut types_at: HashMap<&str, Vec<&str>> = HashMap::new();
    for (r, _, _) in &sets {
        types_at.entry(&r.name).or_default().push(&r.rtype);
    }
    for (r, n, raw) in &sets {
        check_alias_at_apex(&r.name, &r.rtype).map_err(|err| inner_err(*n, raw, &err))?;
        if r.rtype == "CNAME" {
            let others = types_at.get(r.name.as_str()).cloned().unwrap_or_default();
            if let Some(clash) = cname_clash(&r.name, "CNAME", &others) {
                return Err(line_err(*n, raw, &format!("no CNAME clash: {clash}")));
            }
        }
        if ["CNAME", "DNAME", "ALIAS"].contains(&r.rtype.as_str()) && r.values.len() > 1 {
            return Err(line_err(
                *n,
                raw,
                &format!(
                    "one {} target per name; `{}` has {}",
                    r.rtype,
                    r.name,
                    r.values.len()
                ),
            ));
        }
    }
    let mut out: Vec<Rrset> = sets.into_iter().map(|(r, _, _)| r).collect();
    out.sort_by(|a, b| rrset_order((&a.name, &a.rtype), (&b.name, &b.rtype)));
    Ok(out)
}

/// Joins rdata tokens into one value as Gandi would store it: bare TXT
/// words become quoted strings (each is its own string in a zone file), and
/// relative targets are made absolute when `$ORIGIN` is not the zone (Gandi
/// reads relative targets against the zone).
fn build_value(rtype: &str, rdata: &[Tok], origin: &str, zone: &str) -> String {
    let target_at = target_index(rtype);
    let parts: Vec<String> = rdata
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if (rtype == "TXT" || rtype == "SPF") && !t.quoted {
                return format!("\"{}\"", t.text);
            }
            if target_at == Some(i) && !t.quoted && origin != zone {
                let tok = t.text.as_str();
                if tok == "@" {
                    return format!("{origin}.");
                }
                if tok != "." && !tok.ends_with('.') {
                    return format!("{tok}.{origin}.");
                }
            }
            t.text.clone()
        })
        .collect();
    parts.join(" ")
}

/// Writes rrsets as master-file text: `$ORIGIN zone.` then one
/// `name ttl IN TYPE value` line per value, sorted by name then type.
pub fn render(zone_ascii: &str, rrsets: &[Rrset]) -> String {
    let zone = zone_ascii.trim_end_matches('.');
    let mut sorted: Vec<&Rrset> = rrsets.iter().collect();
    sorted.sort_by(|a, b| rrset_order((&a.name, &a.rtype), (&b.name, &b.rtype)));
    let mut out = format!("$ORIGIN {zone}.\n");
    for r in sorted {
        for v in &r.values {
            out.push_str(&format!("{} {} IN {} {}\n", r.name, r.ttl, r.rtype, v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::rrset_from_gandi;

    fn rr(name: &str, t: &str, ttl: u32, values: &[&str]) -> Rrset {
        Rrset::new(name, t, ttl, values)
    }

    fn detail(e: &SkillError, k: &str) -> String {
        match e.details.get(k) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }

    const EXPORT: &str = r#"$ORIGIN example.com.
$TTL 3600
; exported from Gandi LiveDNS
@ 10800 IN SOA ns1.gandi.net. hostmaster.gandi.net. (
        1604330427 ; serial
        10800 3600 604800 10800 )
@ 10800 IN A 217.70.184.38
@ 10800 IN MX 10 spool.mail.gandi.net.
@ 10800 IN MX 50 fb.mail.gandi.net.
@ 10800 IN TXT "v=spf1 include:_mailcust.gandi.net ?all"
s1._domainkey 10800 IN TXT ( "v=DKIM1; k=rsa; "   ; first part
      "p=MIIBIjANBg" )                               ; second part
webmail 10800 IN CNAME webmail.gandi.net.
mail 300 IN A 192.0.2.10
     IN AAAA 2001:DB8::10
_imaps._tcp 10800 IN SRV 0 1 993 mail.gandi.net.
note IN TXT "semi;colon \"quoted\"" bare words
api.example.com. 600 IN A 192.0.2.20
api.example.com. 600 IN A 192.0.2.21
@ IN CAA 0 issue "letsencrypt.org"
$ORIGIN sub.example.com.
host IN A 192.0.2.30
alias IN CNAME host
"#;

    #[test]
    fn a_record_without_ttl_takes_the_last_one_stated_unless_ttl_is_set() {
        let text = "www 300 IN A 192.0.2.1\n    IN AAAA 2001:db8::1\n";
        assert_eq!(
            parse(text, "example.com").ok(),
            Some(vec![
                rr("www", "A", 300, &["192.0.2.1"]),
                rr("www", "AAAA", 300, &["2001:db8::1"]),
            ])
        );
        let text = "$TTL 3600\nwww 300 IN A 192.0.2.1\n    IN AAAA 2001:db8::1\n";
        assert_eq!(
            parse(text, "example.com").ok(),
            Some(vec![
                rr("www", "A", 300, &["192.0.2.1"]),
                rr("www", "AAAA", 3600, &["2001:db8::1"]),
            ])
        );
    }

    #[test]
    fn parses_a_realistic_export() {
        let got = parse(EXPORT, "example.com");
        let want = vec![
            rr("@", "A", 10800, &["217.70.184.38"]),
            rr("@", "CAA", 3600, &["0 issue \"letsencrypt.org\""]),
            rr(
                "@",
                "MX",
                10800,
                &["10 spool.mail.gandi.net.", "50 fb.mail.gandi.net."],
            ),
            rr(
                "@",
                "TXT",
                10800,
                &["\"v=spf1 include:_mailcust.gandi.net ?all\""],
            ),
            rr("_imaps._tcp", "SRV", 10800, &["0 1 993 mail.gandi.net."]),
            rr("alias.sub", "CNAME", 3600, &["host.sub.example.com."]),
            rr("api", "A", 600, &["192.0.2.20", "192.0.2.21"]),
            rr("host.sub", "A", 3600, &["192.0.2.30"]),
            rr("mail", "A", 300, &["192.0.2.10"]),
            rr("mail", "AAAA", 3600, &["2001:db8::10"]),
            rr(
                "note",
                "TXT",
                3600,
                &[r#""semi;colon \"quoted\"" "bare" "words""#],
            ),
            rr(
                "s1._domainkey",
                "TXT",
                10800,
                &["\"v=DKIM1; k=rsa; \" \"p=MIIBIjANBg\""],
            ),
            rr("webmail", "CNAME", 10800, &["webmail.gandi.net."]),
        ];
        match got {
            Ok(got) => assert_eq!(got, want),
            Err(e) => panic!("{}", e.message),
        }
    }

    #[test]
    fn defaults_and_units() {
        let got = parse("@ IN A 192.0.2.1\nwww 1h A 192.0.2.2\n", "example.com.").ok();
        assert_eq!(
            got,
            Some(vec![
                rr("@", "A", DEFAULT_TTL, &["192.0.2.1"]),
                rr("www", "A", 3600, &["192.0.2.2"]),
            ])
        );
        // Class before TTL, first TTL wins for an rrset.
        let got = parse(
            "www IN 600 A 192.0.2.2\nwww 900 IN A 192.0.2.3\n",
            "example.com",
        )
        .ok();
        assert_eq!(
            got,
            Some(vec![rr("www", "A", 600, &["192.0.2.2", "192.0.2.3"])])
        );
    }

    fn parse_err(text: &str) -> SkillError {
        match parse(text, "example.com") {
            Ok(v) => panic!("accepted: {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_err("@ IN A 192.0.2.1\nwww.other.org. IN A 192.0.2.2\n");
        assert_eq!(detail(&e, "field"), "zone_text");
        assert_eq!(detail(&e, "value"), "www.other.org. IN A 192.0.2.2");
        assert_eq!(detail(&e, "line"), "2");
        assert!(e.message.contains("line 2"), "{}", e.message);
        assert!(detail(&e, "expected").contains("outside"));

        let e = parse_err("; c\n\nwww IN A 256.1.1.1\n");
        assert_eq!(detail(&e, "line"), "3");
        assert_eq!(detail(&e, "value"), "www IN A 256.1.1.1");
        assert!(detail(&e, "expected").contains("256.1.1.1"));
        assert!(detail(&e, "expected").contains("IPv4"));

        let e = parse_err("www IN HINFO \"pc\" \"linux\"\n");
        assert!(detail(&e, "expected").contains("HINFO"));
        let e = parse_err("www IN TXT \"open\n");
        assert!(detail(&e, "expected").contains("closing double quote"));
        let e = parse_err("www IN TXT ( \"a\"\n\"b\"\n");
        assert_eq!(detail(&e, "line"), "1");
        assert!(detail(&e, "expected").contains(")"));
        let e = parse_err("www IN A 192.0.2.1 )\n");
        assert!(detail(&e, "expected").contains("("));
        let e = parse_err("  IN A 192.0.2.1\n");
        assert!(detail(&e, "expected").contains("previous record"));
        let e = parse_err("$INCLUDE other.zone\n");
        assert!(detail(&e, "expected").contains("not supported"));
        let e = parse_err("www 60 IN A 192.0.2.1\n");
        assert!(detail(&e, "expected").contains("300"));
        let e = parse_err("www CH A 192.0.2.1\n");
        assert!(detail(&e, "expected").contains("class IN"));
        let e = parse_err("www IN A\n");
        assert!(detail(&e, "expected").contains("value"));
        let e = parse_err("www IN CNAME a.example.net.\nwww IN A 192.0.2.1\n");
        assert!(detail(&e, "expected").contains("CNAME"));
        assert_eq!(detail(&e, "line"), "1");
        let e = parse_err("@ IN CNAME a.example.net.\n");
        assert!(detail(&e, "expected").contains("apex"));
        let e = parse_err("w!w IN A 192.0.2.1\n");
        assert!(detail(&e, "expected").contains("owner name"));
    }

    #[test]
    fn render_format() {
        let text = render(
            "example.com",
            &[
                rr("www", "A", 300, &["192.0.2.1"]),
                rr("@", "MX", 10800, &["10 spool.mail.gandi.net."]),
            ],
        );
        assert_eq!(
            text,
            "$ORIGIN example.com.\n@ 10800 IN MX 10 spool.mail.gandi.net.\nwww 300 IN A 192.0.2.1\n"
        );
    }

    /// The path of a recorded Gandi fixture copied into `tests/fixtures/gandi/`.
    fn shared_fixture(rel: &str) -> String {
        format!("{}/tests/fixtures/gandi/{rel}", env!("CARGO_MANIFEST_DIR"))
    }

    fn fixture(name: &str) -> Vec<Rrset> {
        let path = shared_fixture(&format!("octodns-gandi/{name}"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let items = json.as_array().cloned().unwrap_or_default();
        assert!(!items.is_empty(), "fixture {path} missing");
        items
            .iter()
            .map(|v| rrset_from_gandi(v).unwrap_or_else(|e| panic!("{}", e.message)))
            .collect()
    }

    #[test]
    fn gandi_values_are_already_normal() {
        // What Gandi returns must survive normalize_values unchanged, or every
        // comparison against the live zone would show phantom changes.
        for file in ["gandi-no-changes.json", "gandi-records-1.json"] {
            for r in fixture(file) {
                let mut w = Vec::new();
                let got = normalize_values(&r.rtype, &r.values, "unit.tests", &mut w);
                assert_eq!(got.ok().as_ref(), Some(&r.values), "{file} {r:?}");
            }
        }
    }

    #[test]
    fn recorded_lexicon_list_is_already_normal() {
        // Recorded from the real API: TXT quoted, a CNAME target without a dot.
        let path = shared_fixture(
            "dns-lexicon/test_provider_when_calling_list_records_with_no_arguments_should_list_all.yaml",
        );
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let body = text
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("string: '[{"))
            .map(|rest| format!("[{{{}", rest.trim_end_matches('\'').replace("''", "'")))
            .unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let items = json.as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 16, "fixture {path} missing or changed");
        let mut zone = Vec::new();
        for v in &items {
            let r = rrset_from_gandi(v).unwrap_or_else(|e| panic!("{}", e.message));
            let mut w = Vec::new();
            let got = normalize_values(&r.rtype, &r.values, "t18s.fr", &mut w);
            assert_eq!(got.ok().as_ref(), Some(&r.values), "{r:?}");
            zone.push(r);
        }
        zone.sort_by(|a, b| rrset_order((&a.name, &a.rtype), (&b.name, &b.rtype)));
        assert_eq!(parse(&render("t18s.fr", &zone), "t18s.fr").ok(), Some(zone));
    }

    #[test]
    fn render_parse_round_trip_octodns_zone() {
        let mut zone = fixture("gandi-no-changes.json");
        zone.sort_by(|a, b| rrset_order((&a.name, &a.rtype), (&b.name, &b.rtype)));
        let text = render("unit.tests", &zone);
        match parse(&text, "unit.tests") {
            Ok(back) => assert_eq!(back, zone, "{text}"),
            Err(e) => panic!("{}\n{text}", e.message),
        }
    }

    #[test]
    fn round_trip_relative_targets_and_long_txt() {
        let long = format!("\"{}\" \"{}\"", "a".repeat(255), "b".repeat(40));
        let zone = vec![
            rr("@", "ALIAS", 300, &["webredir.vip.gandi.net."]),
            rr("@", "TXT", 300, &[long.as_str(), "\"x;y\""]),
            rr("docs", "CNAME", 3600, &["docs.example.com"]),
            rr("mx", "MX", 300, &["10 @", "20 mail"]),
        ];
        let text = render("t18s.fr", &zone);
        assert_eq!(parse(&text, "t18s.fr").ok(), Some(zone));
    }
}

#[cfg(test)]
mod round_trip {
    //! Any zone the skill can write renders to a zone file that reads back
    //! as the same zone: an export then import is an empty diff.

    use proptest::prelude::*;

    use super::{parse, render};
    use crate::dns::diff::{plan, Mode};
    use crate::dns::{normalize_values, Rrset};

    const ZONE: &str = "example.com";

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("@".to_string()),
            Just("*".to_string()),
            "[a-z][a-z0-9-]{0,8}",
            "_[a-z]{1,6}\\._(tcp|udp)",
            "[a-z]{1,5}\\._domainkey",
        ]
    }

    /// A type and raw values as a user might give them.
    fn typed_values() -> impl Strategy<Value = (String, Vec<String>)> {
        prop_oneof![
            prop::collection::vec(any::<[u8; 4]>(), 1..4).prop_map(|ips| {
                let v = ips
                    .iter()
                    .map(|b| std::net::Ipv4Addr::from(*b).to_string())
                    .collect();
                ("A".to_string(), v)
            }),
            prop::collection::vec(any::<[u16; 8]>(), 1..3).prop_map(|ips| {
                let v = ips
                    .iter()
                    .map(|b| std::net::Ipv6Addr::from(*b).to_string())
                    .collect();
                ("AAAA".to_string(), v)
            }),
            prop::collection::vec((0u16..100, "[a-z]{1,8}\\.[a-z]{2,4}"), 1..3).prop_map(|mx| {
                let v = mx.iter().map(|(p, h)| format!("{p} {h}.")).collect();
                ("MX".to_string(), v)
            }),
            // Printable ASCII with quotes, backslashes, semicolons and long runs.
            prop::collection::vec("[ -~]{1,300}", 1..3).prop_map(|t| ("TXT".to_string(), t)),
            ("[a-z]{1,8}\\.[a-z]{2,4}").prop_map(|h| ("CNAME".to_string(), vec![format!("{h}.")])),
            (0u16..10, 0u16..100, 1u16..65535, "[a-z]{1,8}\\.[a-z]{2,4}").prop_map(
                |(p, w, port, h)| { ("SRV".to_string(), vec![format!("{p} {w} {port} {h}.")]) }
            ),
            ("[a-z0-9.-]{1,20}")
                .prop_map(|ca| ("CAA".to_string(), vec![format!("0 issue \"{ca}\"")])),
        ]
    }

    fn zone() -> impl Strategy<Value = Vec<Rrset>> {
        prop::collection::vec((name(), typed_values(), 300u32..100_000), 1..12).prop_map(|items| {
            let mut out: Vec<Rrset> = Vec::new();
            for (name, (rtype, raw), ttl) in items {
                let taken = out.iter().any(|r| {
                    r.name == name && (r.rtype == rtype || r.rtype == "CNAME" || rtype == "CNAME")
                });
                if taken || (rtype == "CNAME" && name == "@") {
                    continue;
                }
                let mut ignored = Vec::new();
                if let Ok(values) = normalize_values(&rtype, &raw, ZONE, &mut ignored) {
                    out.push(Rrset {
                        name,
                        rtype,
                        ttl,
                        values,
                    });
                }
            }
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn a_rendered_zone_reads_back_as_the_same_zone(live in zone()) {
            let text = render(ZONE, &live);
            let read = parse(&text, ZONE);
            prop_assert!(read.is_ok(), "{:?}\n{}", read.err().map(|e| e.message), text);
            let read = read.unwrap_or_default();
            let diff = plan(&live, &read, Mode::Replace);
            prop_assert!(diff.changes.is_empty(), "{:?}\n{}", diff.changes, text);
        }
    }
}
