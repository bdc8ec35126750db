//! The `gandi-skill` binary: reads the request (the single argument, or stdin
//! capped just above 1 MiB), runs it, writes exactly one JSON line, exits.

use std::io::{Read, Write};

use anyhow::Context;

use gandi_skill::env::Env;
use gandi_skill::protocol::MAX_REQUEST_BYTES;

const HELP: &str = "gandi-skill: manage Gandi domains and LiveDNS zones with one JSON request.

usage:
  gandi-skill '<json request>'
  echo '<json request>' | gandi-skill
  gandi-skill --help | --version

examples:
  gandi-skill '{\"action\":\"describe\"}'
  gandi-skill '{\"action\":\"domains.list\"}'
  gandi-skill '{\"action\":\"dns.records.list\",\"domain\":\"example.com\"}'

The reply is one JSON object on stdout: status ok, needs_confirmation or error.
Store a token first with scripts/setup_token.sh (never paste it in a chat).
Exit codes: 0 ok, 1 Gandi error, 2 invalid request, 3 needs confirmation,
4 credentials/config, 5 network, 6 safety rule, 70 internal bug.
";

fn main() {
    // Panics become a JSON reply in `run`. The default hook would print the
    // panic's message, which could quote a secret: with debug on, only where
    // it happened goes to stderr; otherwise nothing.
    let env = Env::from_process();
    let debug = env.debug();
    std::panic::set_hook(Box::new(move |info| {
        if debug {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let _ = writeln!(
                std::io::stderr(),
                "gandi-skill: internal error (panic) at {place}"
            );
        }
    }));
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let input: Vec<u8> = match args.as_slice() {
        [] => match read_stdin() {
            Ok(buf) => buf,
            Err(e) => return finish(gandi_skill::reject_input(&format!("{e:#}"))),
        },
        [one] if one == "--help" || one == "-h" => return print_text(HELP),
        [one] if one == "--version" || one == "-V" => {
            return print_text(&format!("gandi-skill {}\n", env!("CARGO_PKG_VERSION")))
        }
        [one] => os_bytes(one),
        _ => Vec::new(),
    };
    if args.len() > 1 {
        return finish(gandi_skill::reject_input(&format!(
            "expected the request as ONE argument, got {}",
            args.len()
        )));
    }
    finish(gandi_skill::run(&input, &env))
}

/// Reads the request from stdin, one byte past the cap so that an oversized
/// request is recognised rather than cut.
fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take((MAX_REQUEST_BYTES + 1) as u64)
        .read_to_end(&mut buf)
        .context("cannot read the request from stdin")?;
    Ok(buf)
}

/// Writes the one reply line and exits with its code (a closed stdout is not
/// worth a second error).
fn finish((line, code): (String, i32)) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    std::process::exit(code);
}

fn print_text(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    s.to_str()
        .map(|t| t.as_bytes().to_vec())
        .unwrap_or_else(|| vec![0xff])
}
