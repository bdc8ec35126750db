//! Times `dns::diff::plan` on 5,000 live vs 5,000 desired rrsets with 300
//! differences; run with `cargo run --release --example diff_bench`.

use std::time::Instant;

use gandi_skill::dns::diff::{plan, Mode};
use gandi_skill::dns::Rrset;

fn rrset(i: usize, octet: usize) -> Rrset {
    Rrset {
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
    }
}

fn main() {
    let n = 5000;
    let diffs = 300;
    let third = diffs / 3;
    let live: Vec<Rrset> = (0..n).map(|i| rrset(i, 1)).collect();
    let mut desired = Vec::with_capacity(n);
    for i in 0..n {
        if i < third {
            desired.push(rrset(i, 2)); // changed
        } else if i >= 2 * third {
            let mut r = rrset(i, 1);
            r.values.reverse(); // same values in another order: unchanged
            desired.push(r);
        } // else removed
    }
    desired.extend((0..diffs - 2 * third).map(|i| rrset(n + i, 1))); // added

    let runs = 20;
    let mut best = f64::MAX;
    let mut summary = None;
    for _ in 0..runs {
        let start = Instant::now();
        let p = plan(&live, &desired, Mode::Replace);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        best = best.min(ms);
        summary = Some(p.summary);
    }
    let start = Instant::now();
    let p = plan(&live, &desired, Mode::Replace);
    let first_ms = start.elapsed().as_secs_f64() * 1000.0;
    let zone = p.resulting_zone(&live, Mode::Replace);
    println!(
        "plan 5000 vs 5000 rrsets, 300 differences: {first_ms:.2} ms (best of {runs}: {best:.2} ms); \
         summary {:?}; resulting zone {} rrsets",
        summary.unwrap_or_default(),
        zone.len()
    );
}
