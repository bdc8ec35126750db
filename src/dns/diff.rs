//! The DNS preview: which rrsets a desired state adds, changes or removes
//! against the live zone (merge or replace), and the zone that results.

use std::collections::BTreeMap;

use super::{rrset_order, value_key, Rrset};

/// How a desired set of rrsets applies to the zone.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Only the (name, type) rrsets named in the desired set are touched.
    Merge,
    /// The desired set is the whole zone: other rrsets are removed (except
    /// the apex NS and SOA, which Gandi manages).
    Replace,
}

/// What happens to one rrset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Add,
    Change,
    Remove,
}

/// One line of the preview.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Change {
    pub op: Op,
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    /// The live rrset, or null when it is added.
    pub before: Option<Rrset>,
    /// The rrset after the change, or null when it is removed.
    pub after: Option<Rrset>,
}

/// Counts over the rrsets in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Summary {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Rrsets in scope that stay as they are.
    pub unchanged: usize,
}

/// The preview: every change, sorted by name then type, and the counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub summary: Summary,
}

/// Rrsets Gandi manages itself: never removed by a replace.
fn protected(r: &Rrset) -> bool {
    r.rtype == "SOA" || (r.name == "@" && r.rtype == "NS")
}

/// Sorted, deduplicated comparison keys of an rrset's values.
fn keys_of(r: &Rrset) -> Vec<String> {
    let mut k: Vec<String> = r.values.iter().map(|v| value_key(&r.rtype, v)).collect();
    k.sort_unstable();
    k.dedup();
    k
}

type Key<'a> = (&'a str, &'a str);

/// Indexes rrsets by (name, type); a later duplicate wins.
fn index(rrsets: &[Rrset]) -> BTreeMap<Key<'_>, &Rrset> {
    rrsets
        .iter()
        .map(|r| ((r.name.as_str(), r.rtype.as_str()), r))
        .collect()
}

fn same(a: &Rrset, b: &Rrset) -> bool {
    a.ttl == b.ttl && keys_of(a) == keys_of(b)
}

/// Diffs `desired` against `live`. Values compare by `value_key` and
/// ignore order; a TTL difference is a change.
pub fn plan(live: &[Rrset], desired: &[Rrset], mode: Mode) -> Plan {
    let live_ix = index(live);
    let desired_ix = index(desired);
    let mut summary = Summary::default();
    let mut changes = Vec::new();
    for (key, want) in &desired_ix {
        match live_ix.get(key) {
            None => {
                summary.added += 1;
                changes.push(Change {
                    op: Op::Add,
                    name: want.name.clone(),
                    rtype: want.rtype.clone(),
                    before: None,
                    after: Some((*want).clone()),
                });
            }
            Some(have) if same(have, want) => summary.unchanged += 1,
            Some(have) => {
                summary.changed += 1;
                changes.push(Change {
                    op: Op::Change,
                    name: want.name.clone(),
                    rtype: want.rtype.clone(),
                    before: Some((*have).clone()),
                    after: Some((*want).clone()),
                });
            }
        }
    }
    if mode == Mode::Replace {
        for (key, have) in &live_ix {
            if desired_ix.contains_key(key) {
                continue;
            }
            if protected(have) {
                summary.unchanged += 1;
                continue;
            }
            summary.removed += 1;
            changes.push(Change {
                op: Op::Remove,
                name: have.name.clone(),
                rtype: have.rtype.clone(),
                before: Some((*have).clone()),
                after: None,
            });
        }
    }
    changes.sort_by(|a, b| rrset_order((&a.name, &a.rtype), (&b.name, &b.rtype)));
    Plan { changes, summary }
}

/// A one-rrset plan for single-rrset actions (`dns.records.*`): one change,
/// or none with `unchanged = 1` when before and after are equal.
pub fn single_change(before: Option<Rrset>, after: Option<Rrset>) -> Plan {
    let mut summary = Summary::default();
    let (op, name, rtype) = match (&before, &after) {
        (None, None) => return Plan::default(),
        (Some(b), Some(a)) if same(b, a) => {
            summary.unchanged = 1;
            return Plan {
                changes: Vec::new(),
                summary,
            };
        }
        (Some(_), Some(a)) => {
            summary.changed = 1;
            (Op::Change, a.name.clone(), a.rtype.clone())
        }
        (None, Some(a)) => {
            summary.added = 1;
            (Op::Add, a.name.clone(), a.rtype.clone())
        }
        (Some(b), None) => {
            summary.removed = 1;
            (Op::Remove, b.name.clone(), b.rtype.clone())
        }
    };
    Plan {
        changes: vec![Change {
            op,
            name,
            rtype,
            before,
            after,
        }],
        summary,
    }
}

impl Plan {
    /// True when applying the plan would change nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The whole zone after applying the plan to `live` (for a whole-zone
    /// PUT), sorted by name then type. The plan already carries the mode's
    /// effect (a replace plan lists every removal), so `_mode` only documents
    /// which kind of plan this is; pass the mode the plan was made with.
    pub fn resulting_zone(&self, live: &[Rrset], _mode: Mode) -> Vec<Rrset> {
        let mut zone: BTreeMap<(String, String), Rrset> = live
            .iter()
            .map(|r| ((r.name.clone(), r.rtype.clone()), r.clone()))
            .collect();
        for c in &self.changes {
            let key = (c.name.clone(), c.rtype.clone());
            match (&c.op, &c.after) {
                (Op::Remove, _) | (_, None) => {
                    zone.remove(&key);
                }
                (_, Some(after)) => {
                    zone.insert(key, after.clone());
                }
            }
        }
        let mut out: Vec<Rrset> = zone.into_values().collect();
        out.sort_by(|a, b| rrset_order((&a.name, &a.rtype), (&b.name, &b.rtype)));
        out
    }
}

/// A synthetic zone for the benchmark and the tests: `n` live rrsets and a
/// desired set with `diffs` differences (a third changed, a third removed, a
/// third added); the rest only list their values in another order.
pub fn sample_zones(n: usize, diffs: usize) -> (Vec<Rrset>, Vec<Rrset>) {
    let mk = |i: usize, octet: usize| Rrset {
        name: format!("host{i:05}"),
        rtype: if i % 3 == 0 { "TXT" } else { "A" }.to_string(),
        ttl: 3600,
        values: if i % 3 == 0 {
            vec![
                format!("\"token-{i}-{octet}\""),
                format!("v=spf1 ip4:192.0.2.{} -all", i % 250),
            ]
        } else {
            vec![
                format!("192.0.{}.{}", i % 250, octet),
                format!("198.51.{}.{}", i % 250, octet),
            ]
        },
    };
    let live: Vec<Rrset> = (0..n).map(|i| mk(i, 1)).collect();
    let third = diffs / 3;
    let mut desired: Vec<Rrset> = Vec::with_capacity(n);
    for i in 0..n {
        if i < third {
            desired.push(mk(i, 2));
        } else if i >= 2 * third {
            let mut r = mk(i, 1);
            r.values.reverse();
            desired.push(r);
        }
    }
    desired.extend((0..diffs - 2 * third).map(|i| mk(n + i, 1)));
    (live, desired)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rr(name: &str, t: &str, ttl: u32, values: &[&str]) -> Rrset {
        Rrset::new(name, t, ttl, values)
    }

    fn live() -> Vec<Rrset> {
        vec![
            rr("@", "A", 10800, &["217.70.184.38"]),
            rr("@", "NS", 10800, &["ns-1.gandi.net.", "ns-2.gandi.net."]),
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
            rr("www", "CNAME", 10800, &["webredir.vip.gandi.net."]),
        ]
    }

    #[test]
    fn merge_touches_only_named_rrsets() {
        let desired = vec![
            rr("@", "A", 10800, &["192.0.2.1"]),
            rr("api", "A", 300, &["192.0.2.2"]),
            // Bare TXT equals Gandi's quoted form: no phantom change.
            rr(
                "@",
                "TXT",
                10800,
                &["v=spf1 include:_mailcust.gandi.net ?all"],
            ),
        ];
        let p = plan(&live(), &desired, Mode::Merge);
        assert_eq!(
            p.summary,
            Summary {
                added: 1,
                changed: 1,
                removed: 0,
                unchanged: 1
            }
        );
        let ops: Vec<(Op, &str, &str)> = p
            .changes
            .iter()
            .map(|c| (c.op, c.name.as_str(), c.rtype.as_str()))
            .collect();
        assert_eq!(ops, vec![(Op::Change, "@", "A"), (Op::Add, "api", "A")]);
        let zone = p.resulting_zone(&live(), Mode::Merge);
        assert_eq!(zone.len(), 6);
        assert!(zone.contains(&rr("@", "A", 10800, &["192.0.2.1"])));
        assert!(zone.contains(&rr("www", "CNAME", 10800, &["webredir.vip.gandi.net."])));
    }

    #[test]
    fn replace_removes_the_rest_but_keeps_apex_ns_and_soa() {
        let mut l = live();
        l.push(rr(
            "@",
            "SOA",
            10800,
            &["ns1.gandi.net. hostmaster.gandi.net. 1 2 3 4 5"],
        ));
        l.push(rr("sub", "NS", 10800, &["ns.example.net."]));
        let desired = vec![rr("@", "A", 10800, &["217.70.184.38"])];
        let p = plan(&l, &desired, Mode::Replace);
        assert_eq!(
            p.summary,
            Summary {
                added: 0,
                changed: 0,
                removed: 4,
                unchanged: 3
            }
        );
        let removed: Vec<(&str, &str)> = p
            .changes
            .iter()
            .map(|c| (c.name.as_str(), c.rtype.as_str()))
            .collect();
        assert_eq!(
            removed,
            vec![("@", "MX"), ("@", "TXT"), ("sub", "NS"), ("www", "CNAME")]
        );
        assert!(p
            .changes
            .iter()
            .all(|c| c.op == Op::Remove && c.after.is_none()));
        let zone = p.resulting_zone(&l, Mode::Replace);
        let kept: Vec<(&str, &str)> = zone
            .iter()
            .map(|r| (r.name.as_str(), r.rtype.as_str()))
            .collect();
        assert_eq!(kept, vec![("@", "A"), ("@", "NS"), ("@", "SOA")]);
    }

    #[test]
    fn value_order_and_spelling_are_unchanged() {
        let desired = vec![
            rr(
                "@",
                "MX",
                10800,
                &["50 FB.mail.gandi.net.", "10 spool.mail.gandi.net."],
            ),
            rr("@", "NS", 10800, &["ns-2.gandi.net.", "ns-1.gandi.net."]),
        ];
        let p = plan(&live(), &desired, Mode::Merge);
        assert!(p.is_empty());
        assert_eq!(p.summary.unchanged, 2);
    }

    #[test]
    fn ttl_change_and_partial_removal_are_changes() {
        let desired = vec![
            rr("@", "A", 300, &["217.70.184.38"]),
            rr("@", "MX", 10800, &["10 spool.mail.gandi.net."]),
        ];
        let p = plan(&live(), &desired, Mode::Merge);
        assert_eq!(p.summary.changed, 2);
        assert!(p.changes.iter().all(|c| c.op == Op::Change));
        let mx = &p.changes[1];
        assert_eq!(mx.before.as_ref().map(|r| r.values.len()), Some(2));
        assert_eq!(mx.after.as_ref().map(|r| r.values.len()), Some(1));
    }

    #[test]
    fn single_changes() {
        let a = rr("www", "A", 300, &["192.0.2.1"]);
        let b = rr("www", "A", 300, &["192.0.2.1", "192.0.2.2"]);
        let p = single_change(Some(a.clone()), Some(a.clone()));
        assert!(p.is_empty());
        assert_eq!(p.summary.unchanged, 1);
        let p = single_change(Some(a.clone()), Some(b.clone()));
        assert_eq!((p.changes[0].op, p.summary.changed), (Op::Change, 1));
        let p = single_change(None, Some(b.clone()));
        assert_eq!((p.changes[0].op, p.summary.added), (Op::Add, 1));
        let p = single_change(Some(a), None);
        assert_eq!((p.changes[0].op, p.summary.removed), (Op::Remove, 1));
        assert_eq!(single_change(None, None), Plan::default());
    }

    #[test]
    fn serializes_to_the_contract_shape() {
        let p = single_change(None, Some(rr("www", "A", 300, &["192.0.2.1"])));
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert_eq!(
            v.to_string(),
            r#"{"changes":[{"op":"add","name":"www","type":"A","before":null,"after":{"name":"www","type":"A","ttl":300,"values":["192.0.2.1"]}}],"summary":{"added":1,"changed":0,"removed":0,"unchanged":0}}"#
        );
        let m: Result<Mode, _> = serde_json::from_str("\"replace\"");
        assert_eq!(m.ok(), Some(Mode::Replace));
    }

    #[test]
    fn large_plan_counts_every_difference() {
        // Timing lives in examples/diff_bench.rs (scripts/bench.sh), not here.
        let (live, desired) = sample_zones(5000, 300);
        let p = plan(&live, &desired, Mode::Replace);
        assert_eq!(p.summary.changed, 100);
        assert_eq!(p.summary.added, 100);
        assert_eq!(p.summary.removed, 100);
        assert_eq!(p.summary.unchanged, 4800);
    }
}
