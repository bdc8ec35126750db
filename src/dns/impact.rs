//! What a planned DNS change means for the user's website and e-mail, in
//! words the agent passes on with the preview before asking for a yes.

use super::diff::{Op, Plan};
use super::value_key;

/// At most this many warnings are listed; the rest are counted.
const MAX_LISTED: usize = 10;

/// Types whose removal makes a name stop resolving to a server.
const ADDRESS_TYPES: &[&str] = &["A", "AAAA", "ALIAS", "CNAME"];

/// One warning per change that can take a service down; none for changes
/// that only add.
pub fn warnings(zone: &str, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for change in &plan.changes {
        let fqdn = if change.name == "@" {
            zone.to_string()
        } else {
            format!("{}.{zone}", change.name)
        };
        let rtype = change.rtype.as_str();
        let lost = lost_values(rtype, change);
        if lost.is_empty() {
            continue;
        }
        let removed = change.op == Op::Remove;
        match rtype {
            t if ADDRESS_TYPES.contains(&t) && removed => out.push(format!(
                "{fqdn} loses its {t} record: a website or service reached at that name stops answering there"
            )),
            "MX" if removed => out.push(format!(
                "{fqdn} loses every MX record: mail sent to it is no longer delivered"
            )),
            "MX" => out.push(format!(
                "{fqdn} stops using mail server(s) {}: mail goes only to the servers that remain",
                lost.join(", ")
            )),
            "TXT" => {
                for text in &lost {
                    if let Some(what) = mail_policy(&change.name, text) {
                        out.push(format!("{fqdn} loses its {what}"));
                    }
                }
            }
            "NS" if change.name != "@" => out.push(format!(
                "{fqdn} loses name server(s) {}: the sub-zone delegated there can stop resolving",
                lost.join(", ")
            )),
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
fn lost_values(rtype: &str, change: &super::diff::Change) -> Vec<String> {
    let Some(before) = &change.before else {
        return Vec::new();
    };
    let kept: Vec<String> = change
        .after
        .iter()
        .flat_map(|a| a.values.iter().map(|v| value_key(rtype, v)))
        .collect();
    before
        .values
        .iter()
        .filter(|v| !kept.contains(&value_key(rtype, v)))
        .map(|v| {
            if rtype == "TXT" {
                value_key(rtype, v)
            } else {
                v.clone()
            }
        })
        .collect()
}

/// Names the mail-authentication record a TXT value is, if it is one.
fn mail_policy(name: &str, text: &str) -> Option<&'static str> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.starts_with("v=spf1") {
        Some("SPF record: mail sent from it may be rejected or marked as spam")
    } else if lower.starts_with("v=dkim1") || name.contains("._domainkey") {
        Some("DKIM key: mail signed with it fails verification and may be rejected")
    } else if lower.starts_with("v=dmarc1") {
        Some("DMARC policy: receivers stop applying and reporting on it")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::diff::single_change;
    use crate::dns::Rrset;

    fn rrset(name: &str, rtype: &str, values: &[&str]) -> Rrset {
        Rrset {
            name: name.into(),
            rtype: rtype.into(),
            ttl: 10800,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn removing_mail_and_address_records_is_explained() {
        let mx = rrset(
            "@",
            "MX",
            &["10 spool.mail.gandi.net.", "50 fb.mail.gandi.net."],
        );
        let w = warnings("example.com", &single_change(Some(mx.clone()), None));
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("example.com loses every MX record"), "{w:?}");

        let fewer = rrset("@", "MX", &["10 spool.mail.gandi.net."]);
        let w = warnings("example.com", &single_change(Some(mx), Some(fewer)));
        assert!(w[0].contains("50 fb.mail.gandi.net."), "{w:?}");

        let a = rrset("www", "A", &["192.0.2.1"]);
        let w = warnings("example.com", &single_change(Some(a), None));
        assert!(
            w[0].starts_with("www.example.com loses its A record"),
            "{w:?}"
        );
    }

    #[test]
    fn a_lost_spf_value_is_named_but_a_requoted_one_is_not() {
        let before = rrset(
            "@",
            "TXT",
            &["\"v=spf1 include:_mailcust.gandi.net ?all\"", "\"x\""],
        );
        let requoted = rrset("@", "TXT", &["v=spf1 include:_mailcust.gandi.net ?all"]);
        let w = warnings(
            "example.com",
            &single_change(Some(before.clone()), Some(requoted)),
        );
        assert!(w.is_empty(), "{w:?}");
        let without = rrset("@", "TXT", &["\"x\""]);
        let w = warnings("example.com", &single_change(Some(before), Some(without)));
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
        let w = warnings("example.com", &plan);
        assert_eq!(w.len(), MAX_LISTED + 1);
        assert_eq!(
            w[MAX_LISTED],
            "and 15 more change(s) like these: see the preview"
        );
    }

    #[test]
    fn adding_warns_of_nothing() {
        let mx = rrset("@", "MX", &["10 spool.mail.gandi.net."]);
        let more = rrset(
            "@",
            "MX",
            &["10 spool.mail.gandi.net.", "50 fb.mail.gandi.net."],
        );
        assert!(warnings("example.com", &single_change(None, Some(mx.clone()))).is_empty());
        assert!(warnings("example.com", &single_change(Some(mx), Some(more))).is_empty());
    }
}
