//! Times `dns::diff::plan` on 5,000 live vs 5,000 desired rrsets with 300
//! differences, beside a baseline measured in the same run: reading the same
//! live zone from Gandi's JSON (work every zone plan does anyway).
//! Run with `cargo run --release --example diff_bench` (scripts/bench.sh does).

use std::time::Instant;

use gandi_skill::dns::diff::{plan, sample_zones, Mode};
use gandi_skill::dns::{rrset_from_gandi, rrset_to_gandi, Rrset};

const RUNS: usize = 20;

/// Best and median of `RUNS` timings of `f`, in milliseconds.
fn time<T>(mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    match last {
        Some(out) => (times[0], times[RUNS / 2], out),
        None => unreachable!("RUNS > 0"),
    }
}

fn main() {
    let (live, desired) = sample_zones(5000, 300);
    let live_json = serde_json::to_string(&live.iter().map(rrset_to_gandi).collect::<Vec<_>>())
        .unwrap_or_default();
    let (plan_best, plan_median, p) = time(|| plan(&live, &desired, Mode::Replace));
    let (base_best, base_median, parsed) = time(|| {
        let v: serde_json::Value = serde_json::from_str(&live_json).unwrap_or_default();
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|r| rrset_from_gandi(r).ok())
                    .collect::<Vec<Rrset>>()
            })
            .unwrap_or_default()
    });
    let zone = p.resulting_zone(&live, Mode::Replace);
    println!("{:<58} {:>9} {:>9}", "", "best ms", "median ms");
    println!(
        "{:<58} {plan_best:>9.2} {plan_median:>9.2}",
        "plan: 5000 live vs 5000 desired, 300 differences"
    );
    println!(
        "{:<58} {base_best:>9.2} {base_median:>9.2}",
        "baseline: parse the 5000 live rrsets from Gandi JSON"
    );
    println!(
        "summary {:?}; resulting zone {} rrsets; baseline parsed {} rrsets",
        p.summary,
        zone.len(),
        parsed.len()
    );
}
