//! Runs the test suite's fake Gandi as a standalone server for benchmarks
//! and hand testing: prints `URL TOKEN` on one line, serves until killed.
//!
//!   cargo run --release --example fake_gandi -- --domains 10000 --zone big.example:5000
//!
//! `--domains N` adds N generated domains; `--zone NAME:N` adds the LiveDNS
//! domain NAME with a zone of N rrsets; `--huge NAME:MB` and `--bomb NAME:MB`
//! add a zone NAME whose records answer is an MB-megabyte body, plain or a
//! gzip bomb (benchmarks of a hostile answer).

#[path = "../tests/it/fake/mod.rs"]
#[allow(dead_code)]
mod fake;

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut domains = 0usize;
    let mut zones: Vec<(String, usize)> = Vec::new();
    let mut hostile: Vec<(String, usize, bool)> = Vec::new();
    let usage = |what: &str| -> ! {
        let _ = writeln!(
            std::io::stderr(),
            "{what}; usage: fake_gandi [--domains N] [--zone NAME:RRSETS]..."
        );
        std::process::exit(2);
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--domains" => domains = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--zone" => {
                let arg = args.next().unwrap_or_default();
                match arg.split_once(':').map(|(z, n)| (z, n.parse::<usize>())) {
                    Some((zone, Ok(n))) if !zone.is_empty() => zones.push((zone.to_string(), n)),
                    _ => usage(&format!("bad --zone {arg:?}")),
                }
            }
            flag @ ("--huge" | "--bomb") => {
                let arg = args.next().unwrap_or_default();
                match arg.split_once(':').map(|(z, n)| (z, n.parse::<usize>())) {
                    Some((zone, Ok(mb))) if !zone.is_empty() => {
                        hostile.push((zone.to_string(), mb, flag == "--bomb"))
                    }
                    _ => usage(&format!("bad {flag} {arg:?}")),
                }
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let mut state = fake::State::seeded();
    state.add_domains(domains);
    for (zone, n) in &zones {
        state.add_zone(zone, *n);
    }
    for (zone, _, _) in &hostile {
        state.add_zone(zone, 3);
    }
    let server = fake::FakeGandi::start_with(state);
    for (zone, mb, bomb) in &hostile {
        let bytes = mb * 1_000_000;
        let kind = if *bomb {
            fake::FaultKind::GzipBomb { bytes }
        } else {
            fake::FaultKind::HugeBody { bytes }
        };
        let path = format!("/v5/livedns/domains/{zone}/records");
        server.inject(fake::Fault::on("GET", &path, usize::MAX, kind));
    }
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{} {}", server.url(), fake::TOKEN_FULL);
    let _ = out.flush();
    loop {
        std::thread::park();
    }
}
