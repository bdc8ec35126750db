//! What a planned DNS change means for the user's website and e-mail, in
//! words the agent passes on with the preview before asking for a yes.

use super::diff::{Change, Op, Plan};
use super::{value_key, Rrset};

/// At most this many warnings are listed; the rest are counted.
const MAX_LISTED: usize = 10;

/// Types that make a name answer with an address.
const ADDRESS_TYPES: &[&str] = &["A", "AAAA", "ALIAS", "CNAME"];

/// One warning per change that can take a service down; none for changes
/// that only add, and none when what is lost is replaced (a CNAME swapped
/// for an A, a new SPF value for the old one, an MX priority changed).
/// `after` holds the rrsets that exist once the plan is applied, at least at
/// the names it touches.
pub fn warnings(zone: &str, plan: &Plan, after: &[Rrset]) -> Vec<String> {
    let mut out = Vec::new();
    for change in &plan.changes {
        let fqdn = if change.name == "@" {
            zone.to_string()
        } else {
            format!("{}.{zone}", change.name)
        };
        let remaining = |types: &[&str]| {
            after
                .iter()
                .filter(|r| r.name == change.name && types.contains(&r.rtype.as_str()))
                .map(|r| r.rtype.as_str())
                .collect::<Vec<_>>()
        };
        let rtype = change.rtype.as_str();
        match rtype {
            t if ADDRESS_TYPES.contains(&t) && change.op == Op::Remove => {
                let left = remaining(ADDRESS_TYPES);
                if left.is_empty() {
                    out.push(format!(
                        "{fqdn} loses its last address record ({t}): a website or service reached at that name stops answering"
                    ));
                } else if t == "A" && !left.contains(&"ALIAS") && !left.contains(&"CNAME") {
                    out.push(format!(
                        "{fqdn} loses its A record: it no longer answers over IPv4"
                    ));
                } else if t == "AAAA" && !left.contains(&"ALIAS") && !left.contains(&"CNAME") {
                    out.push(format!(
                        "{fqdn} loses its AAAA record: it no longer answers over IPv6"
                    ));
                }
            }
            "MX" if change.after.is_none() => out.push(format!(
                "{fqdn} loses every MX record: mail sent to it is no longer delivered"
            )),
            "MX" => {
                let lost = lost_mail_hosts(change);
                if !lost.is_empty() {
                    out.push(format!(
                        "{fqdn} stops using mail server(s) {}: mail goes only to the servers that remain",
                        lost.join(", ")
                    ));
                }
            }
            "TXT" => out.extend(mail_policy_warnings(&fqdn, change)),
            "NS" if change.name == "@" => out.push(format!(
                "{fqdn}: the zone's own NS records change; Gandi manages them for LiveDNS, and the delegation that counts is the domain's nameservers at the registry"
            )),
            "NS" => {
                let lost = lost_values(change);
                if !lost.is_empty() {
                    out.push(format!(
                        "{fqdn} loses name server(s) {}: the sub-zone delegated there can stop resolving",
                        lost.join(", ")
                    ));
                }
            }
            _ => {}
        }
    }
    if out.len() > MAX_LISTED {
        let more = out.len() - MAX_LISTED;
        out.truncate(MAX_LISTED);
        out.push(format!(
            "and {more} more change(s) like these: see the preview"
        ));
    }
    out
}

/// The values `before` has that `after` lacks, compared by meaning.
fn lost_values(change: &Change) -> Vec<String> {
    let Some(before) = &change.before else {
        return Vec::new();
    };
    let rtype = change.rtype.as_str();
    let kept: Vec<String> = change
        .after
        .iter()
        .flat_map(|a| a.values.iter().map(|v| value_key(rtype, v)))
        .collect();
    before
        .values
        .iter()
        .filter(|v| !kept.contains(&value_key(rtype, v)))
        .cloned()
        .collect()
}

/// Mail hosts (an MX value's target) that no value of `after` points to:
/// a changed priority alone loses no server.
fn lost_mail_hosts(change: &Change) -> Vec<String> {
    let host = |v: &str| {
        value_key("MX", v)
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    let kept: Vec<String> = change
        .after
        .iter()
        .flat_map(|a| a.values.iter().map(|v| host(v)))
        .collect();
    let mut lost: Vec<String> = change
        .before
        .iter()
        .flat_map(|b| b.values.iter().map(|v| host(v)))
        .filter(|h| !kept.contains(h))
        .collect();
    lost.dedup();
    lost
}

/// What a TXT change does to mail authentication: a policy lost with none
/// of its kind left, a DKIM key replaced (signatures made with the current
/// private key stop verifying), or an SPF rewritten (worth a check).
fn mail_policy_warnings(fqdn: &str, change: &Change) -> Vec<String> {
    let policies = |r: Option<&Rrset>| -> Vec<(Policy, String)> {
        r.map(|r| {
            r.values
                .iter()
                .map(|v| value_key("TXT", v))
                .filter_map(|text| mail_policy(&change.name, &text).map(|p| (p, text)))
                .collect()
        })
        .unwrap_or_default()
    };
    let before = policies(change.before.as_ref());
    let after = policies(change.after.as_ref());
    let mut out = Vec::new();
    for kind in [Policy::Spf, Policy::Dkim, Policy::Dmarc] {
        let had: Vec<&String> = before
            .iter()
            .filter(|(p, _)| *p == kind)
            .map(|(_, t)| t)
            .collect();
        let has: Vec<&String> = after
            .iter()
            .filter(|(p, _)| *p == kind)
            .map(|(_, t)| t)
            .collect();
        if had.is_empty() || had.iter().all(|t| has.contains(t)) {
            continue;
        }
        let warning = match (kind, has.is_empty()) {
            (_, true) => format!("{fqdn} loses its {}", kind.loss()),
            (Policy::Dkim, false) => format!(
                "{fqdn} gets a new DKIM key: mail signed with the current private key fails verification until the mail server signs with the new one"
            ),
            (Policy::Spf, false) => format!(
                "{fqdn} gets a rewritten SPF record: check it still names every service that sends its mail"
            ),
            (Policy::Dmarc, false) => continue,
        };
        out.push(warning);
    }
    out
}

/// The mail-authentication records a TXT value can be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Policy {
    Spf,
    Dkim,
    Dmarc,
}

impl Policy {
    fn loss(self) -> &'static str {
        match self {
            Policy::Spf => "SPF record: mail sent from it may be rejected or marked as spam",
            Policy::Dkim => "DKIM key: mail signed with it fails verification and may be rejected",
            Policy::Dmarc => "DMARC policy: receivers stop applying and reporting on it",
        }
    }
}

/// Which mail-authentication record a TXT value is, if it is one.
fn mail_policy(name: &str, text: &str) -> Option<Policy> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.starts_with("v=spf1") {
        Some(Policy::Spf)
    } else if lower.starts_with("v=dkim1") || name.contains("._domainkey") {
        Some(Policy::Dkim)
    } else if lower.starts_with("v=dmarc1") {
        Some(Policy::Dmarc)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::diff::single_change;

    fn rrset(name: &str, rtype: &str, values: &[&str]) -> Rrset {
        Rrset {
            name: name.into(),
            rtype: rtype.into(),
            ttl: 10800,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn one(before: Option<Rrset>, after: Option<Rrset>, rest: &[Rrset]) -> Vec<String> {
        let mut zone_after: Vec<Rrset> = rest.to_vec();
        zone_after.extend(after.clone());
        warnings("example.com", &single_change(before, after), &zone_after)
    }

    #[test]
    fn removing_mail_and_address_records_is_explained() {
        let mx = rrset(
            "@",
            "MX",
            &["10 spool.mail.gandi.net.", "50 fb.mail.gandi.net."],
        );
        let w = one(Some(mx.clone()), None, &[]);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("example.com loses every MX record"), "{w:?}");

        let fewer = rrset("@", "MX", &["10 spool.mail.gandi.net."]);
        let w = one(Some(mx.clone()), Some(fewer), &[]);
        assert!(w[0].contains("fb.mail.gandi.net."), "{w:?}");

        let a = rrset("www", "A", &["192.0.2.1"]);
        let w = one(Some(a.clone()), None, &[]);
        assert!(
            w[0].starts_with("www.example.com loses its last address record (A)"),
            "{w:?}"
        );
        let aaaa = rrset("www", "AAAA", &["2001:db8::1"]);
        let w = one(Some(a), None, &[aaaa]);
        assert_eq!(
            w,
            ["www.example.com loses its A record: it no longer answers over IPv4"]
        );
    }

    #[test]
    fn a_replacement_is_not_a_loss() {
        // A new priority for the same mail server.
        let mx = rrset("@", "MX", &["10 spool.mail.gandi.net."]);
        let reprioritised = rrset("@", "MX", &["20 spool.mail.gandi.net."]);
        assert!(one(Some(mx), Some(reprioritised), &[]).is_empty());
        // A rewritten SPF is not lost; it only asks for a check.
        let spf = rrset("@", "TXT", &["\"v=spf1 include:_mailcust.gandi.net ?all\""]);
        let new_spf = rrset("@", "TXT", &["\"v=spf1 include:spf.example.net -all\""]);
        let w = one(Some(spf), Some(new_spf), &[]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("rewritten SPF record"), "{w:?}");
        // A new DKIM key at the same selector breaks current signatures.
        let key = rrset("gm1._domainkey", "TXT", &["\"v=DKIM1; k=rsa; p=OLDKEY\""]);
        let new_key = rrset("gm1._domainkey", "TXT", &["\"v=DKIM1; k=rsa; p=NEWKEY\""]);
        let w = one(Some(key), Some(new_key), &[]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("new DKIM key"), "{w:?}");
        // A CNAME swapped for an A.
        let cname = rrset("www", "CNAME", &["web.example.net."]);
        let a = rrset("www", "A", &["192.0.2.1"]);
        assert!(one(Some(cname), None, &[a]).is_empty());
    }

    #[test]
    fn a_lost_spf_value_is_named_but_a_requoted_one_is_not() {
        let before = rrset(
            "@",
            "TXT",
            &["\"v=spf1 include:_mailcust.gandi.net ?all\"", "\"x\""],
        );
        let requoted = rrset("@", "TXT", &["v=spf1 include:_mailcust.gandi.net ?all"]);
        assert!(one(Some(before.clone()), Some(requoted), &[]).is_empty());
        let without = rrset("@", "TXT", &["\"x\""]);
        let w = one(Some(before), Some(without), &[]);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("SPF record"), "{w:?}");
    }

    #[test]
    fn a_long_list_is_cut_and_counted() {
        let plan = Plan {
            changes: (0..25)
                .flat_map(|i| {
                    single_change(Some(rrset(&format!("h{i}"), "A", &["192.0.2.1"])), None).changes
                })
                .collect(),
            ..Plan::default()
        };
        let w = warnings("example.com", &plan, &[]);
        assert_eq!(w.len(), MAX_LISTED + 1);
        assert_eq!(
            w[MAX_LISTED],
            "and 15 more change(s) like these: see the preview"
        );
    }

    #[test]
    fn touching_the_apex_ns_is_flagged() {
        let ns = rrset("@", "NS", &["ns1.evil.example."]);
        let w = one(None, Some(ns), &[]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("Gandi manages them"), "{w:?}");
    }

    #[test]
    fn adding_warns_of_nothing() {
        let mx = rrset("@", "MX", &["10 spool.mail.gandi.net."]);
        let more = rrset(
            "@",
            "MX",
            &["10 spool.mail.gandi.net.", "50 fb.mail.gandi.net."],
        );
        assert!(one(None, Some(mx.clone()), &[]).is_empty());
        assert!(one(Some(mx), Some(more), &[]).is_empty());
    }
}
