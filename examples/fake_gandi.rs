//! Runs the test suite's fake Gandi as a standalone server for benchmarks
//! and hand testing: prints `URL TOKEN` on one line, serves until killed.
//!
//!   cargo run --release --example fake_gandi -- --domains 1000

#[path = "../tests/it/fake/mod.rs"]
#[allow(dead_code)]
mod fake;

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut domains = 0usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--domains" => domains = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            other => {
                let _ = writeln!(
                    std::io::stderr(),
                    "unknown argument {other}; usage: fake_gandi [--domains N]"
                );
                std::process::exit(2);
            }
        }
    }
    let mut state = fake::State::seeded();
    state.add_domains(domains);
    let server = fake::FakeGandi::start_with(state);
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{} {}", server.url(), fake::TOKEN_FULL);
    let _ = out.flush();
    loop {
        std::thread::park();
    }
}
