//! One logical request on the wire: the ureq exchange, GET-only retries
//! (429 with `Retry-After`, 502/503/504, timeouts and dropped connections; at
//! most 3 tries and 20 s), timeouts, the caps on one answer (headers, body,
//! decompressed body), and transport failures as sentences.

use std::io::Read;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use ureq::http::{self, Method, Uri};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use super::response::{header, Answer};
use super::{Body, Client};
use crate::error::{ErrorCode, SkillError};

const MAX_TRIES: u32 = 3;
const RETRY_BUDGET: Duration = Duration::from_secs(20);
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);
/// The most one answer's body may weigh, after decompression (README
/// "Limits"): a page of 500 rrsets or a 10,000-rrset zone file is under 2 MiB.
pub(super) const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;
/// The most one answer's status line and headers may weigh. Larger ones,
/// up to `HEADER_HARD_CAP`, are read and refused with their status; past
/// that ureq stops reading and the status is unknown.
pub(super) const MAX_HEADER_BYTES: usize = 64 * 1024;
/// ureq's own limit on a response head, and its input buffer just above it
/// (a head must fit the buffer to be parsed at all; the buffer is resident
/// memory, so it stays small).
pub(super) const HEADER_HARD_CAP: usize = 192 * 1024;
pub(super) const INPUT_BUFFER: usize = 256 * 1024;

/// Resolves each host once per run. ureq resolves the host of every request,
/// even one that reuses a pooled connection, and with a timeout set it does
/// so on a new thread: a 100-page list would start 100 threads (a profile
/// showed 6% of its CPU there).
#[derive(Debug, Default)]
pub(super) struct OnceResolver {
    inner: DefaultResolver,
    known: Mutex<Vec<(String, ResolvedSocketAddrs)>>,
}

impl Resolver for OnceResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or_default(),
            uri.authority().map(|a| a.as_str()).unwrap_or_default()
        );
        let known = |k: &Mutex<Vec<(String, ResolvedSocketAddrs)>>| {
            k.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .find(|(host, _)| *host == key)
                .map(|(_, addrs)| addrs.clone())
        };
        if let Some(addrs) = known(&self.known) {
            return Ok(addrs);
        }
        // The system resolver's failure reads "Uncategorized" (or ureq's
        // "host not found"): say which name did not resolve, the API's or
        // the proxy's.
        let addrs = self
            .inner
            .resolve(uri, config, timeout)
            .map_err(|e| match e {
                ureq::Error::Io(_) | ureq::Error::HostNotFound => {
                    ureq::Error::Io(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        Unresolved(uri.host().unwrap_or_default().to_string()),
                    ))
                }
                other => other,
            })?;
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((key, addrs.clone()));
        Ok(addrs)
    }
}

/// A host name the resolver could not turn into addresses.
#[derive(Debug)]
struct Unresolved(String);

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the name {} could not be resolved", self.0)
    }
}

impl std::error::Error for Unresolved {}

/// How one HTTP exchange ended.
pub(super) enum Attempt {
    Done(Answer),
    /// Gandi answered with a non-2xx status.
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        bytes: Vec<u8>,
    },
    /// A transport failure, and whether it is worth a retry.
    Transport {
        error: SkillError,
        transient: bool,
    },
}

impl Client {
    /// One logical request: GETs are retried on 429/502/503/504 and dropped
    /// connections, at most 3 tries and 20 s in all; other methods go once.
    pub(super) fn exchange(
        &self,
        method: Method,
        url: &str,
        body: Body,
        headers: &[(&str, &str)],
    ) -> Result<Answer, SkillError> {
        let retryable = method == Method::GET;
        // The retry budget is per request: a long list never loses it.
        let started = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            let attempt = self.attempt(&method, url, &body, headers, None);
            let wait = match &attempt {
                Attempt::Done(..) => None,
                Attempt::Status {
                    status: 429 | 502 | 503 | 504,
                    headers,
                    ..
                } => Some(retry_after(headers).unwrap_or(backoff(tries))),
                Attempt::Status { .. } => None,
                Attempt::Transport { transient, .. } => transient.then(|| backoff(tries)),
            };
            let give_up = !retryable
                || tries >= MAX_TRIES
                || wait.is_none_or(|w| started.elapsed() + w > RETRY_BUDGET);
            if give_up || wait.is_none() {
                return match attempt {
                    Attempt::Done(answer) => Ok(answer),
                    Attempt::Status {
                        status,
                        headers,
                        bytes,
                    } => Err(self.map_error(status, &headers, &bytes)),
                    Attempt::Transport { error, .. } => Err(error),
                };
            }
            if let Some(w) = wait {
                self.log(&format!("retrying in {} ms", w.as_millis()));
                std::thread::sleep(w);
            }
        }
    }

    /// The proxy a request to `url` goes through, if any (https only).
    fn proxy_for(&self, url: &str) -> Option<&super::proxy::HttpsProxy> {
        let (_, proxy) = self.tunnel.as_ref()?;
        let uri = url.parse::<Uri>().ok()?;
        proxy.applies(&uri).then_some(proxy)
    }

    /// Sends one request, through the proxy when one applies and directly
    /// otherwise, with `limit` as its overall timeout when given.
    fn run<S: ureq::AsSendBody>(
        &self,
        request: http::Request<S>,
        limit: Option<Duration>,
    ) -> Result<http::Response<ureq::Body>, ureq::Error> {
        let agent = match &self.tunnel {
            Some((tunnel, proxy)) if proxy.applies(request.uri()) => tunnel,
            _ => &self.agent,
        };
        match limit {
            Some(d) => agent.run(
                agent
                    .configure_request(request)
                    .timeout_global(Some(d))
                    .build(),
            ),
            None => agent.run(request),
        }
    }

    /// One HTTP exchange; `limit` shortens the agent's overall timeout.
    pub(super) fn attempt(
        &self,
        method: &Method,
        url: &str,
        body: &Body,
        extra: &[(&str, &str)],
        limit: Option<Duration>,
    ) -> Attempt {
        let started = Instant::now();
        let mut builder = http::Request::builder()
            .method(method.clone())
            .uri(url)
            .header(
                "Authorization",
                self.credential.token.authorization(self.credential.scheme),
            );
        if !extra.iter().any(|(k, _)| k.eq_ignore_ascii_case("accept")) {
            builder = builder.header("Accept", "application/json");
        }
        for (k, v) in extra {
            builder = builder.header(*k, *v);
        }
        let result = match body {
            Body::None => builder.body(()).map(|r| self.run(r, limit)),
            Body::Json(v) => builder
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(v).unwrap_or_default())
                .map(|r| self.run(r, limit)),
            Body::Text(t) => builder
                .header("Content-Type", "text/plain")
                .body(t.as_bytes().to_vec())
                .map(|r| self.run(r, limit)),
        };
        let path_only = url
            .split('?')
            .next()
            .unwrap_or(url)
            .replace(&self.endpoints.api, "");
        let mut response = match result {
            Err(_) => {
                return Attempt::Transport {
                    error: SkillError::internal("could not build the HTTP request"),
                    transient: false,
                }
            }
            Ok(Err(e)) => {
                if let Some(why) = unreadable(&e) {
                    self.log(&format!("{method} {path_only} refused: {why}"));
                    return Attempt::Transport {
                        error: unreadable_answer(method, None, why),
                        transient: false,
                    };
                }
                self.log(&format!(
                    "{method} {path_only} failed: {}",
                    self.what_failed(&e, url)
                ));
                let transient = is_transient(&e);
                return Attempt::Transport {
                    error: self.transport_error(e, method, url),
                    transient,
                };
            }
            Ok(Ok(r)) => r,
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let head_bytes: usize = headers.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
        let declared =
            header(&headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
        let refusal = if head_bytes > MAX_HEADER_BYTES {
            Some(format!(
                "Gandi's answer has {} KiB of headers, more than the {} KiB a client accepts",
                head_bytes / 1024,
                MAX_HEADER_BYTES / 1024
            ))
        } else {
            // Refused before reading: a declared size over the cap is never
            // buffered.
            declared
                .filter(|n| *n > MAX_BODY_BYTES)
                .map(|n| too_large(Some(n)))
        };
        if let Some(why) = refusal {
            self.log(&format!("{method} {path_only} → {status}, refused: {why}"));
            return Attempt::Transport {
                error: unreadable_answer(method, Some(status), why),
                transient: false,
            };
        }
        // Sized from Content-Length (under the cap) so a page is read
        // without regrowing; a compressed body may still grow to the cap.
        let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
        let read = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .reader()
            .read_to_end(&mut bytes)
            .map_err(ureq::Error::from);
        match read {
            Ok(_) => {}
            Err(e) => {
                if let Some(why) = unreadable(&e) {
                    self.log(&format!("{method} {path_only} → {status}, refused: {why}"));
                    return Attempt::Transport {
                        error: unreadable_answer(method, Some(status), why),
                        transient: false,
                    };
                }
                self.log(&format!(
                    "{method} {path_only} → {status}, body failed: {}",
                    self.what_failed(&e, url)
                ));
                let transient = is_transient(&e);
                let error = self.transport_error(e, method, url).with_status(status);
                if *method == Method::GET {
                    return Attempt::Transport { error, transient };
                }
                // Gandi answered a write; only its body was lost.
                return Attempt::Transport {
                    error: error.with_hint(format!(
                        "Gandi answered the request ({status}) but its answer could not be read: the change may have been made; check the current state before repeating anything"
                    )),
                    transient: false,
                };
            }
        }
        self.log(&format!(
            "{method} {path_only} → {status} ({} bytes, {} ms)",
            bytes.len(),
            started.elapsed().as_millis()
        ));
        if !(200..300).contains(&status) {
            return Attempt::Status {
                status,
                headers,
                bytes,
            };
        }
        Attempt::Done(Answer {
            status,
            headers,
            bytes,
            was_write: *method != Method::GET,
            secrets: self.secrets(),
        })
    }

    /// A failed exchange. When a write was sent but its answer was lost,
    /// the hint adds that the change may have been made.
    fn transport_error(&self, e: ureq::Error, method: &Method, url: &str) -> SkillError {
        // The transient failures (timeouts, resets, a cut answer) can come
        // after the request reached Gandi; a timeout while resolving or
        // connecting cannot.
        let before_sending = matches!(
            e,
            ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect)
        );
        let maybe_sent = *method != Method::GET && is_transient(&e) && !before_sending;
        let err = self.transport_error_of(e, url);
        if !maybe_sent {
            return err;
        }
        err.with_hint(
            "the request was sent but its answer was lost, so the change may or may not have been made: check the current state (a read) before repeating it",
        )
    }

    fn transport_error_of(&self, e: ureq::Error, url: &str) -> SkillError {
        let host = base_of(url);
        let via = self
            .proxy_for(url)
            .map(|p| format!(" through the proxy at {} (from {})", p.address, p.var))
            .unwrap_or_default();
        let timeout = || {
            SkillError::new(
                ErrorCode::Timeout,
                format!("Gandi ({host}) did not answer in time{via}"),
            )
            .with_hint("try again later; GANDI_TIMEOUT_SECS raises the per-request limit")
        };
        let tls = |why: String| {
            SkillError::new(
                ErrorCode::Tls,
                format!("the TLS connection to {host}{via} failed: {why}"),
            )
            .with_hint("check the system clock, any TLS-intercepting proxy or antivirus, and GANDI_API_URL if set")
        };
        match e {
            ureq::Error::Timeout(_) => timeout(),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => timeout(),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
                tls(e.to_string())
            }
            // ureq hands rustls' failures (a certificate it does not trust,
            // a peer that does not speak TLS) over as InvalidData I/O errors.
            ureq::Error::Io(io)
                if io.kind() == std::io::ErrorKind::InvalidData && host.starts_with("https://") =>
            {
                tls(io.to_string())
            }
            other => {
                let hint = match self.proxy_for(url) {
                    Some(p) => format!(
                        "check the network connection and the proxy in {} (unset it, or list the host in NO_PROXY, to connect directly), then try again",
                        p.var
                    ),
                    None => "check the network connection (and GANDI_API_URL if set), then try again".to_string(),
                };
                SkillError::new(
                    ErrorCode::Unreachable,
                    format!(
                        "cannot reach Gandi at {host}{via}: {}",
                        self.what_failed(&other, url)
                    ),
                )
                .with_hint(hint)
            }
        }
    }

    /// What went wrong on the wire, as a sentence a user understands (for
    /// the message and the debug log).
    fn what_failed(&self, e: &ureq::Error, url: &str) -> String {
        let proxy = self.proxy_for(url);
        // Where the connection went: the proxy when the request goes
        // through one (the message says so), else the host itself.
        let peer = match proxy {
            Some(p) => p.address.clone(),
            None => authority_of(url),
        };
        match e {
            ureq::Error::Io(io) => {
                // The API's name or, through a proxy, the proxy's.
                if let Some(unresolved) = io.get_ref().and_then(|i| i.downcast_ref::<Unresolved>())
                {
                    return unresolved.to_string();
                }
                use std::io::ErrorKind as K;
                match io.kind() {
                    K::ConnectionRefused => {
                        format!("the connection was refused: nothing listens at {peer}")
                    }
                    K::ConnectionReset => "the connection was reset".into(),
                    K::ConnectionAborted => "the connection was aborted".into(),
                    K::BrokenPipe => {
                        "the connection was closed while the request was being sent".into()
                    }
                    K::UnexpectedEof => {
                        "the connection closed before a complete answer".into()
                    }
                    K::NetworkUnreachable => "the network is unreachable".into(),
                    K::HostUnreachable => format!("there is no route to {peer}"),
                    K::AddrNotAvailable => {
                        "no local network address is available to connect from".into()
                    }
                    K::PermissionDenied => format!(
                        "connecting to {peer} was not permitted (a firewall or sandbox may block it)"
                    ),
                    // The system's own sentence ("No route to host (os error
                    // 113)"), never the Rust name of its kind.
                    _ => format!("the connection to {peer} failed: {io}"),
                }
            }
            ureq::Error::HostNotFound => {
                format!("the name {} could not be resolved", authority_of(url))
            }
            ureq::Error::ConnectionFailed => format!("no connection could be made to {peer}"),
            ureq::Error::ConnectProxyFailed(why) => {
                // ureq says "proxy server responded 407/407".
                let status = why
                    .strip_prefix("proxy server responded ")
                    .and_then(|r| r.split('/').next())
                    .and_then(|c| http::StatusCode::from_bytes(c.as_bytes()).ok());
                let answer = match status {
                    Some(s) => format!(
                        "it answered {} {}",
                        s.as_u16(),
                        s.canonical_reason().unwrap_or("")
                    )
                    .trim_end()
                    .to_string(),
                    None => "it did not answer".to_string(),
                };
                format!(
                    "the proxy did not open a tunnel to {}: {answer}",
                    authority_of(url)
                )
            }
            ureq::Error::Timeout(t) => format!("a timeout ({t:?})"),
            ureq::Error::Protocol(_) => "the connection closed before a complete answer".into(),
            other => other.to_string(),
        }
    }

    #[allow(clippy::print_stderr)]
    pub(super) fn log(&self, line: &str) {
        if self.debug {
            eprintln!("gandi-skill: {}", self.credential.token.redact(line));
        }
    }
}

const UNREADABLE_HINT: &str = "this is not what Gandi sends: a proxy or a broken server may be answering; try again later, and read a large list page by page with \"page\" and \"per_page\"";
const MAYBE_MADE_HINT: &str = "Gandi answered the request but its answer was refused unread: the change may have been made; check the current state before repeating anything";

/// The sentence for an answer over a cap, when `e` is one (or a body that
/// does not decompress): such an answer is Gandi's, not a network failure.
fn unreadable(e: &ureq::Error) -> Option<String> {
    match e {
        ureq::Error::BodyExceedsLimit(_) => Some(too_large(None)),
        ureq::Error::LargeResponseHeader(_, limit) => Some(format!(
            "Gandi's answer has more than {} KiB of headers",
            limit / 1024
        )),
        ureq::Error::Decompress(kind, _) => Some(format!(
            "Gandi's answer is declared as {kind} but does not decompress"
        )),
        _ => None,
    }
}

/// An answer Gandi sent but the client will not read (over a cap, or not
/// decompressible): `api.unexpected_response` with its status when known,
/// never a network failure, and never retried. After a write the change may
/// have been made.
fn unreadable_answer(method: &Method, status: Option<u16>, why: String) -> SkillError {
    let mut error =
        SkillError::new(ErrorCode::UnexpectedResponse, why).with_hint(if *method == Method::GET {
            UNREADABLE_HINT
        } else {
            MAYBE_MADE_HINT
        });
    if let Some(status) = status {
        error = error.with_status(status);
    }
    error
}

fn too_large(declared: Option<u64>) -> String {
    let cap = MAX_BODY_BYTES / (1024 * 1024);
    match declared {
        Some(n) => format!(
            "Gandi's answer is {} MiB, more than the {cap} MiB one answer may hold",
            n.div_ceil(1024 * 1024)
        ),
        None => format!(
            "Gandi's answer is larger than the {cap} MiB one answer may hold (after decompression)"
        ),
    }
}

fn is_transient(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::TimedOut
        ),
        ureq::Error::Protocol(_) | ureq::Error::BodyStalled => true,
        _ => false,
    }
}

/// `scheme://host[:port]` of a URL, for messages (never its path or query).
fn base_of(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            format!("{scheme}://{}", rest.split(['/', '?']).next().unwrap_or(""))
        }
        None => url.to_string(),
    }
}

/// `host:port` of a URL, with the scheme's port when none is written.
fn authority_of(url: &str) -> String {
    let Ok(uri) = url.parse::<Uri>() else {
        return base_of(url);
    };
    let host = uri.host().unwrap_or_default();
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    format!("{host}:{port}")
}

fn backoff(tries: u32) -> Duration {
    Duration::from_millis(250 * u64::from(tries))
}

/// `Retry-After` in seconds or as an HTTP date, capped at 10 s.
pub(super) fn retry_after(headers: &[(String, String)]) -> Option<Duration> {
    let raw = header(headers, "retry-after")?.trim();
    let wait = match raw.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let when = httpdate::parse_http_date(raw).ok()?;
            when.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_WAIT))
}
