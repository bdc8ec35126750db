//! Times `dns::diff::plan` on 5,000 live vs 5,000 desired rrsets with 300
//! differences; run with `cargo run --release --example diff_bench`.

use std::time::Instant;

use gandi_skill::dns::diff::{plan, sample_zones, Mode};

fn main() {
    let (live, desired) = sample_zones(5000, 300);
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
