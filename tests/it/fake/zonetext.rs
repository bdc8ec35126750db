//! RFC 1035 zone-file text: rendering a zone the way LiveDNS exports it, and parsing an uploaded one ($ORIGIN, $TTL, `@`, relative and absolute names, comments, parentheses, quoted strings).

use crate::fake::state::{Rrset, DEFAULT_TTL};

/// Every rrset type LiveDNS documents.
pub const KNOWN_TYPES: [&str; 25] = [
    "A",
    "AAAA",
    "ALIAS",
    "CAA",
    "CDS",
    "CNAME",
    "DNAME",
    "DS",
    "HTTPS",
    "KEY",
    "LOC",
    "MX",
    "NAPTR",
    "NS",
    "OPENPGPKEY",
    "PTR",
    "RP",
    "SOA",
    "SPF",
    "SRV",
    "SSHFP",
    "SVCB",
    "TLSA",
    "TXT",
    "WKS",
];

/// The export: an SOA line, then `name ttl IN TYPE value`, one line per value.
pub fn render(serial: u64, rrsets: &[Rrset]) -> String {
    let mut out = format!(
        "@ 10800 IN SOA ns1.gandi.net. hostmaster.gandi.net. {serial} 10800 3600 604800 10800\n"
    );
    for r in rrsets {
        for v in &r.values {
            out.push_str(&format!("{} {} IN {} {}\n", r.name, r.ttl, r.rtype, v));
        }
    }
    out
}

/// One logical entry: did the physical line start with blank space (owner
/// omitted), and its tokens (quoted strings keep their quotes).
struct Entry {
    line: usize,
    inherits_owner: bool,
    tokens: Vec<String>,
}

fn tokenize(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    let mut cur = Entry {
        line: 1,
        inherits_owner: false,
        tokens: Vec::new(),
    };
    let mut tok = String::new();
    let mut depth = 0usize;
    let mut line = 1usize;
    let mut at_line_start = true;
    let mut chars = text.chars().peekable();
    let flush = |tok: &mut String, cur: &mut Entry| {
        if !tok.is_empty() {
            cur.tokens.push(std::mem::take(tok));
        }
    };
    while let Some(c) = chars.next() {
        if at_line_start && depth == 0 {
            at_line_start = false;
            cur.line = line;
            cur.inherits_owner = c == ' ' || c == '\t';
        }
        match c {
            '"' => {
                tok.push('"');
                loop {
                    match chars.next() {
                        Some('\\') => {
                            tok.push('\\');
                            if let Some(n) = chars.next() {
                                tok.push(n);
                            }
                        }
                        Some('"') => {
                            tok.push('"');
                            break;
                        }
                        Some('\n') | None => {
                            return Err(format!("line {line}: unterminated quoted string"))
                        }
                        Some(o) => tok.push(o),
                    }
                }
            }
            ';' => {
                flush(&mut tok, &mut cur);
                while chars.peek().is_some_and(|n| *n != '\n') {
                    chars.next();
                }
            }
            '(' => {
                flush(&mut tok, &mut cur);
                depth += 1;
            }
            ')' => {
                flush(&mut tok, &mut cur);
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("line {line}: unbalanced ')'"))?;
            }
            '\n' => {
                flush(&mut tok, &mut cur);
                line += 1;
                if depth == 0 {
                    let done = std::mem::replace(
                        &mut cur,
                        Entry {
                            line,
                            inherits_owner: false,
                            tokens: Vec::new(),
                        },
                    );
                    if !done.tokens.is_empty() {
                        entries.push(done);
                    }
                    at_line_start = true;
                }
            }
            ' ' | '\t' | '\r' => flush(&mut tok, &mut cur),
            o => tok.push(o),
        }
    }
    if depth != 0 {
        return Err("unbalanced '(' at end of file".to_string());
    }
    flush(&mut tok, &mut cur);
    if !cur.tokens.is_empty() {
        entries.push(cur);
    }
    Ok(entries)
}

/// `3600`, `1h`, `1h30m`, `2d`, `1w`.
fn parse_ttl(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let mult = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        let n: u64 = num.parse().ok()?;
        total = total.checked_add(n.checked_mul(mult)?)?;
        num.clear();
    }
    if !num.is_empty() {
        return None;
    }
    u32::try_from(total).ok()
}

/// Absolute name (no trailing dot, lowercase) of `name` under `origin`.
fn absolute(name: &str, origin: &str) -> String {
    let name = name.to_ascii_lowercase();
    if name == "@" {
        origin.to_string()
    } else if let Some(abs) = name.strip_suffix('.') {
        abs.to_string()
    } else if origin.is_empty() {
        name
    } else {
        format!("{name}.{origin}")
    }
}

/// Parses zone text for zone `zone` into rrsets relative to it. SOA records
/// and apex NS records are ignored (LiveDNS manages them).
pub fn parse(text: &str, zone: &str) -> Result<Vec<Rrset>, String> {
    let zone = zone.trim_end_matches('.').to_ascii_lowercase();
    let mut origin = zone.clone();
    let mut default_ttl: Option<u32> = None;
    let mut last_ttl: Option<u32> = None;
    let mut owner: Option<String> = None;
    let mut out: Vec<Rrset> = Vec::new();

    for entry in tokenize(text)? {
        let line = entry.line;
        let toks = &entry.tokens;
        let first = toks[0].as_str();
        if first.starts_with('$') {
            match first.to_ascii_uppercase().as_str() {
                "$ORIGIN" => {
                    let o = toks
                        .get(1)
                        .ok_or_else(|| format!("line {line}: $ORIGIN without a name"))?;
                    origin = absolute(o, &origin);
                }
                "$TTL" => {
                    let t = toks
                        .get(1)
                        .and_then(|t| parse_ttl(t))
                        .ok_or_else(|| format!("line {line}: bad $TTL"))?;
                    default_ttl = Some(t);
                }
                other => return Err(format!("line {line}: unsupported directive {other}")),
            }
            continue;
        }
        let mut i = 0;
        let name_abs = if entry.inherits_owner {
            owner
                .clone()
                .ok_or_else(|| format!("line {line}: no owner name to inherit"))?
        } else {
            i = 1;
            absolute(first, &origin)
        };
        owner = Some(name_abs.clone());

        let mut ttl: Option<u32> = None;
        let mut rtype: Option<String> = None;
        while i < toks.len() {
            let t = toks[i].as_str();
            let upper = t.to_ascii_uppercase();
            i += 1;
            if ttl.is_none() && t.starts_with(|c: char| c.is_ascii_digit()) {
                ttl = Some(parse_ttl(t).ok_or_else(|| format!("line {line}: bad TTL {t:?}"))?);
            } else if upper == "IN" {
                continue;
            } else if matches!(upper.as_str(), "CH" | "HS" | "CS") {
                return Err(format!("line {line}: class {upper} is not supported"));
            } else if KNOWN_TYPES.contains(&upper.as_str()) {
                rtype = Some(upper);
                break;
            } else {
                return Err(format!("line {line}: unknown record type {t:?}"));
            }
        }
        let rtype = rtype.ok_or_else(|| format!("line {line}: missing record type"))?;
        // RFC 1035 §5.1: `@` in a record's data stands for the origin too
        // (`www CNAME @` points at the apex), stored as a name with a final dot.
        let names_in_rdata = matches!(
            rtype.as_str(),
            "CNAME" | "DNAME" | "ALIAS" | "NS" | "PTR" | "MX" | "SRV"
        );
        let rdata = toks[i..]
            .iter()
            .map(|t| {
                if names_in_rdata && t == "@" {
                    format!("{origin}.")
                } else {
                    t.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        if rdata.is_empty() {
            return Err(format!("line {line}: missing record data"));
        }
        if let Some(t) = ttl {
            last_ttl = Some(t);
        }
        let ttl = ttl.or(default_ttl).or(last_ttl).unwrap_or(DEFAULT_TTL);

        let rel = if name_abs == zone {
            "@".to_string()
        } else if let Some(r) = name_abs.strip_suffix(&format!(".{zone}")) {
            r.to_string()
        } else {
            return Err(format!(
                "line {line}: {name_abs}. is outside of the zone {zone}."
            ));
        };
        if rtype == "SOA" || (rtype == "NS" && rel == "@") {
            continue;
        }
        match out.iter_mut().find(|r| r.name == rel && r.rtype == rtype) {
            Some(r) => {
                if !r.values.contains(&rdata) {
                    r.values.push(rdata);
                }
            }
            None => out.push(Rrset {
                name: rel,
                rtype,
                ttl,
                values: vec![rdata],
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives_names_comments_parentheses_and_quotes() {
        let text = r#"$ORIGIN example.com.
$TTL 3600
@ IN SOA ns1.gandi.net. hostmaster.gandi.net. (
        2024010101 ; serial
        10800 3600 604800 10800 )
@ 10800 IN NS ns-1.gandi.net.
@ 300 IN A 192.0.2.1
        IN A 192.0.2.2 ; same owner
www IN CNAME webredir.vip.gandi.net.
mail.example.com. 600 IN MX 10 spool.mail.gandi.net.
txt IN TXT "hello; world" "second \"part\""
$ORIGIN sub.example.com.
deep 1h IN A 198.51.100.1
"#;
        let rr = parse(text, "example.com").unwrap();
        assert_eq!(rr.len(), 5, "{rr:?}");
        assert_eq!(
            rr[0],
            Rrset::new("@", "A", 300, &["192.0.2.1", "192.0.2.2"])
        );
        assert_eq!(
            rr[1],
            Rrset::new("www", "CNAME", 3600, &["webredir.vip.gandi.net."])
        );
        assert_eq!(
            rr[2],
            Rrset::new("mail", "MX", 600, &["10 spool.mail.gandi.net."])
        );
        assert_eq!(
            rr[3],
            Rrset::new("txt", "TXT", 3600, &[r#""hello; world" "second \"part\"""#])
        );
        assert_eq!(rr[4], Rrset::new("deep.sub", "A", 3600, &["198.51.100.1"]));
    }

    #[test]
    fn rejects_out_of_zone_and_unknown_types() {
        assert!(parse("foo.other.org. 300 IN A 192.0.2.1\n", "example.com").is_err());
        assert!(parse("foo 300 IN BOGUS x\n", "example.com").is_err());
        assert!(parse("foo 300 IN A (192.0.2.1\n", "example.com").is_err());
        assert!(parse("foo 300 IN TXT \"open\n", "example.com").is_err());
        assert!(parse("foo 18446744073709551615w IN A 192.0.2.1\n", "example.com").is_err());
    }

    #[test]
    fn an_at_sign_in_record_data_is_the_origin_with_a_final_dot() {
        let text = "www IN CNAME @\n@ 300 IN MX 10 @\n$ORIGIN sub.example.com.\nx IN CNAME @\nt IN TXT @\n";
        let rr = parse(text, "example.com").unwrap();
        assert_eq!(
            rr[0],
            Rrset::new("www", "CNAME", DEFAULT_TTL, &["example.com."])
        );
        assert_eq!(rr[1], Rrset::new("@", "MX", 300, &["10 example.com."]));
        assert_eq!(
            rr[2],
            Rrset::new("x.sub", "CNAME", 300, &["sub.example.com."])
        );
        assert_eq!(rr[3], Rrset::new("t.sub", "TXT", 300, &["@"]));
    }

    #[test]
    fn render_then_parse_is_identity() {
        let rrsets = vec![
            Rrset::new("@", "A", 300, &["192.0.2.1", "192.0.2.2"]),
            Rrset::new("_dmarc", "TXT", 10800, &["\"v=DMARC1; p=none\""]),
            Rrset::new("www", "CNAME", 10800, &["example.com."]),
        ];
        let text = render(7, &rrsets);
        assert!(text.starts_with("@ 10800 IN SOA ns1.gandi.net. hostmaster.gandi.net. 7 "));
        assert_eq!(parse(&text, "example.com").unwrap(), rrsets);
    }
}
