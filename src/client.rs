//! The Gandi HTTP client: base URLs, one ureq agent per run, the auth header,
//! query merging, pagination, GET-only retries, and the one function that
//! maps every Gandi answer (both error shapes, 204, odd bodies) to a result.

use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};
use ureq::http::{self, Method};

use crate::auth::{Credential, Scheme};
use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};

const PRODUCTION_API: &str = "https://api.gandi.net";
const SANDBOX_API: &str = "https://api.sandbox.gandi.net";
const PRODUCTION_ID: &str = "https://id.gandi.net";
const SANDBOX_ID: &str = "https://id.sandbox.gandi.net";

/// Items asked for per page when following a whole list.
pub const PER_PAGE: u32 = 100;
/// A list never reads more pages than this (a loop guard, not a limit users meet).
const MAX_PAGES: u32 = 10_000;
/// How long the optional token introspection may take.
const TOKENINFO_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_TRIES: u32 = 3;
const RETRY_BUDGET: Duration = Duration::from_secs(20);
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);
const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Where requests go: the API host and the token-introspection host.
#[derive(Clone, Debug)]
pub struct Endpoints {
    pub api: String,
    pub id: String,
}

impl Endpoints {
    /// Production or sandbox, with `GANDI_API_URL` / `GANDI_ID_URL` overrides.
    pub fn resolve(env: &Env, sandbox: bool) -> SkillResult<Endpoints> {
        let (api, id) = if sandbox {
            (SANDBOX_API, SANDBOX_ID)
        } else {
            (PRODUCTION_API, PRODUCTION_ID)
        };
        Ok(Endpoints {
            api: base_url(env, "GANDI_API_URL", api)?,
            id: base_url(env, "GANDI_ID_URL", id)?,
        })
    }
}

/// Checks a base URL override: `scheme://host[:port]`, https, or http to loopback only.
fn base_url(env: &Env, var: &str, default: &str) -> SkillResult<String> {
    let Some(raw) = env.var(var) else {
        return Ok(default.to_string());
    };
    let url = raw.trim().trim_end_matches('/');
    let bad = |why: &str| {
        SkillError::new(ErrorCode::ConfigInvalid, format!("{var}={url:?}: {why}"))
            .with_detail("variable", var)
            .with_hint(format!(
                "set {var} to scheme://host[:port] (for example {default}), or unset it"
            ))
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("no scheme"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad("expected only scheme://host[:port], without a path"));
    }
    let host = if let Some(stripped) = rest.strip_prefix('[') {
        stripped.split(']').next().unwrap_or("")
    } else {
        rest.rsplit_once(':').map_or(rest, |(h, _)| h)
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_string()),
        "http" if is_loopback(host) => Ok(url.to_string()),
        "http" => Err(bad(
            "plain http is accepted only for loopback hosts; the token would travel unencrypted",
        )),
        _ => Err(bad("the scheme must be https")),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Percent-encodes one path segment or query component.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request body.
pub enum Body<'a> {
    None,
    Json(&'a Value),
    Text(&'a str),
}

/// What Gandi answered to a successful request.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    /// The JSON body (`Null` when empty), or the text for `text/plain` answers.
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Which part of a list to read.
#[derive(Clone, Copy, Debug)]
pub enum Paging {
    /// Every page, `PER_PAGE` at a time.
    All,
    /// Every page, this many at a time.
    AllBy(u32),
    Page {
        page: u32,
        per_page: u32,
    },
}

/// A whole list (or the one page asked for).
#[derive(Debug, Default)]
pub struct Listing {
    pub items: Vec<Value>,
    pub total_count: Option<u64>,
    pub pages_fetched: u32,
    pub warnings: Vec<String>,
}

/// A blocking Gandi client bound to one credential for one run.
pub struct Client {
    agent: ureq::Agent,
    endpoints: Endpoints,
    credential: Credential,
    sharing_id: Option<String>,
    /// The permission the current action needs, for auth hints.
    permission: &'static str,
    debug: bool,
    /// The overall timeout of one request.
    timeout: Duration,
}

impl Client {
    pub fn new(
        env: &Env,
        endpoints: Endpoints,
        credential: Credential,
        sharing_id: Option<String>,
        permission: &'static str,
    ) -> SkillResult<Client> {
        let timeout = match env.var("GANDI_TIMEOUT_SECS") {
            None => 30,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if (1..=600).contains(&n) => n,
                _ => {
                    return Err(SkillError::new(
                        ErrorCode::ConfigInvalid,
                        format!(
                            "GANDI_TIMEOUT_SECS={v:?} is not a number of seconds from 1 to 600"
                        ),
                    )
                    .with_hint("unset it to use the default of 30 seconds"))
                }
            },
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10.min(timeout))))
            .timeout_global(Some(Duration::from_secs(timeout)))
            .max_redirects(0)
            .user_agent(format!("gandi-skill/{}", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Client {
            agent: config.into(),
            endpoints,
            credential,
            sharing_id,
            permission,
            debug: env.debug(),
            timeout: Duration::from_secs(timeout),
        })
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The API base URL in use (never carries the secret).
    pub fn api_url(&self) -> &str {
        &self.endpoints.api
    }

    /// `GET /v5/{path}`, JSON answer.
    pub fn get(&self, path: &str, query: &[(&str, String)]) -> SkillResult<Value> {
        Ok(self.call(Method::GET, path, query, Body::None, &[])?.body)
    }

    /// `GET /v5/{path}` with `Accept: text/plain` (zone files).
    pub fn get_text(&self, path: &str, query: &[(&str, String)]) -> SkillResult<String> {
        let answer = self.call(
            Method::GET,
            path,
            query,
            Body::None,
            &[("Accept", "text/plain")],
        )?;
        match answer.body {
            Value::String(s) => Ok(s),
            Value::Null => Ok(String::new()),
            other => Err(SkillError::new(
                ErrorCode::UnexpectedResponse,
                "Gandi answered JSON where zone text was asked for",
            )
            .with_detail("excerpt", excerpt(other.to_string().as_bytes()))),
        }
    }

    /// A request that may change something: sent exactly once.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        self.call(method, path, &[], body, headers)
    }

    /// Reads a list, following every page unless one page was asked for.
    ///
    /// The next page is the `Link rel="next"` URL when Gandi sends one, else
    /// `page + 1` while pages come back full and `Total-Count` is not reached.
    /// Counts alone never end the walk early: under a filter Gandi's
    /// `Total-Count` counts the whole collection.
    pub fn list(
        &self,
        path: &str,
        query: &[(&str, String)],
        paging: Paging,
    ) -> SkillResult<Listing> {
        let mut listing = Listing::default();
        let (first_page, per_page) = match paging {
            Paging::All => (1, PER_PAGE),
            Paging::AllBy(n) => (1, n),
            Paging::Page { page, per_page } => (page, per_page),
        };
        let mut base_query: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| *k != "page" && *k != "per_page")
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        base_query.push(("per_page".into(), per_page.to_string()));
        let first_path = format!("/v5/{path}");
        let mut next = Some((
            first_path.clone(),
            with_param(base_query.clone(), "page", first_page.to_string()),
        ));
        let mut page_number = first_page;
        let mut previous_first: Option<Value> = None;
        while let Some((next_path, next_query)) = next.take() {
            if listing.pages_fetched >= MAX_PAGES {
                return Err(SkillError::new(
                    ErrorCode::UnexpectedResponse,
                    format!("gave up after {MAX_PAGES} pages of {path}"),
                ));
            }
            let q: Vec<(&str, String)> = next_query
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            let answer = self.call_url(Method::GET, &next_path, &q, Body::None, &[])?;
            listing.pages_fetched += 1;
            let count = |name: &str| {
                answer
                    .header(name)
                    .and_then(|v| v.trim().parse::<u64>().ok())
            };
            let total = count("total-count");
            let filtered = count("filtered-count");
            let link_next = answer.header("link").and_then(next_link);
            let items = match answer.body {
                Value::Array(items) => items,
                Value::Null => Vec::new(),
                other => {
                    return Err(SkillError::new(
                        ErrorCode::UnexpectedResponse,
                        format!("Gandi answered {path} with something other than a list"),
                    )
                    .with_detail("excerpt", excerpt(other.to_string().as_bytes())))
                }
            };
            if matches!(paging, Paging::Page { .. }) {
                listing.total_count = filtered.or(total);
                listing.items = items;
                return Ok(listing);
            }
            if items.is_empty() {
                break;
            }
            if previous_first.as_ref() == items.first() {
                return Err(SkillError::new(
                    ErrorCode::UnexpectedResponse,
                    format!(
                        "Gandi returned the same page of {path} twice; stopped to avoid a loop"
                    ),
                )
                .with_hint(
                    "try again in a minute; if it keeps happening, read one page at a time with \"page\" and \"per_page\"",
                ));
            }
            previous_first = items.first().cloned();
            let full_page = items.len() as u64 >= u64::from(per_page);
            listing.items.extend(items);
            let collected = listing.items.len() as u64;
            let reached_total = total.is_some_and(|t| collected >= t);
            // A short page is not the end while Total-Count says more: Gandi
            // may serve fewer than `per_page` per page (its maximum is not
            // documented). Past the end it answers `[]`, which stops the walk.
            let more_expected = full_page || total.is_some_and(|t| collected < t);
            next = match link_next {
                Some((p, q)) if !reached_total => {
                    if let Some(n) = q
                        .iter()
                        .find(|(k, _)| k == "page")
                        .and_then(|(_, v)| v.parse::<u32>().ok())
                    {
                        page_number = n;
                    }
                    Some((p, q))
                }
                Some(_) => None,
                None if more_expected && !reached_total => {
                    page_number += 1;
                    Some((
                        first_path.clone(),
                        with_param(base_query.clone(), "page", page_number.to_string()),
                    ))
                }
                None => None,
            };
        }
        listing.total_count = Some(listing.items.len() as u64);
        Ok(listing)
    }

    /// `GET {id host}/tokeninfo`: the token's expiry and scopes, `None` when
    /// the id host does not answer usefully.
    ///
    /// The answer is optional, so it gets one try within `TOKENINFO_TIMEOUT`:
    /// a stalled id host never holds `token.check` for the full timeout.
    pub fn tokeninfo(&self) -> Option<Value> {
        let url = format!("{}/tokeninfo", self.endpoints.id);
        let limit = Some(TOKENINFO_TIMEOUT.min(self.timeout));
        match self.attempt(&Method::GET, &url, &Body::None, &[], limit) {
            Attempt::Done(Answer {
                body: body @ Value::Object(_),
                ..
            }) => Some(body),
            _ => None,
        }
    }

    fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        self.call_url(method, &format!("/v5/{path}"), query, body, headers)
    }

    /// Adds `sharing_id`, builds the URL on our own base, and sends.
    fn call_url(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        let mut pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if let Some(id) = &self.sharing_id {
            if !pairs.iter().any(|(k, _)| k == "sharing_id") {
                pairs.push(("sharing_id".into(), id.clone()));
            }
        }
        let mut url = format!("{}{}", self.endpoints.api, path);
        if !pairs.is_empty() {
            url.push('?');
            url.push_str(
                &pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect::<Vec<_>>()
                    .join("&"),
            );
        }
        self.exchange(method, &url, body, headers)
    }

    /// One logical request: GETs are retried on 429/502/503/504 and dropped
    /// connections, at most 3 tries and 20 s in all; other methods go once.
    fn exchange(
        &self,
        method: Method,
        url: &str,
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        let retryable = method == Method::GET;
        // The retry budget is per request: a long list never loses it.
        let started = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            let attempt = self.attempt(&method, url, &body, headers, None);
            let wait = match &attempt {
                Attempt::Done(..) => None,
                Attempt::Status(429 | 502 | 503 | 504, headers, _) => {
                    Some(retry_after(headers).unwrap_or(backoff(tries)))
                }
                Attempt::Status(..) => None,
                Attempt::Transport(_, transient) => transient.then(|| backoff(tries)),
            };
            let give_up = !retryable
                || tries >= MAX_TRIES
                || wait.is_none_or(|w| started.elapsed() + w > RETRY_BUDGET);
            if give_up || wait.is_none() {
                return match attempt {
                    Attempt::Done(answer) => Ok(answer),
                    Attempt::Status(status, headers, bytes) => {
                        Err(self.map_error(status, &headers, &bytes))
                    }
                    Attempt::Transport(err, _) => Err(err),
                };
            }
            if let Some(w) = wait {
                self.log(&format!("retrying in {} ms", w.as_millis()));
                std::thread::sleep(w);
            }
        }
    }

    /// Sends one request on the run's agent, with `limit` as its overall
    /// timeout when given.
    fn run<S: ureq::AsSendBody>(
        &self,
        request: http::Request<S>,
        limit: Option<Duration>,
    ) -> Result<http::Response<ureq::Body>, ureq::Error> {
        match limit {
            Some(d) => self.agent.run(
                self.agent
                    .configure_request(request)
                    .timeout_global(Some(d))
                    .build(),
            ),
            None => self.agent.run(request),
        }
    }

    /// One HTTP exchange; `limit` shortens the agent's overall timeout.
    fn attempt(
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
        let has_accept = extra.iter().any(|(k, _)| k.eq_ignore_ascii_case("accept"));
        if !has_accept {
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
                return Attempt::Transport(
                    SkillError::internal("could not build the HTTP request"),
                    false,
                )
            }
            Ok(Err(e)) => {
                self.log(&format!(
                    "{method} {path_only} failed: {}",
                    transport_kind(&e)
                ));
                let transient = is_transient(&e);
                return Attempt::Transport(self.transport_error(e, method), transient);
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
        let bytes = match response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
        {
            Ok(b) => b,
            Err(e) => {
                self.log(&format!(
                    "{method} {path_only} → {status}, body failed: {}",
                    transport_kind(&e)
                ));
                let transient = is_transient(&e);
                let err = self.transport_error(e, method).with_status(status);
                if *method == Method::GET {
                    return Attempt::Transport(err, transient);
                }
                // Gandi answered a write; only its body was lost.
                return Attempt::Transport(
                    err.with_hint(format!(
                        "Gandi answered the request ({status}) but its answer could not be read: the change may have been made; check the current state before repeating anything"
                    )),
                    false,
                );
            }
        };
        self.log(&format!(
            "{method} {path_only} → {status} ({} bytes, {} ms)",
            bytes.len(),
            started.elapsed().as_millis()
        ));
        if !(200..300).contains(&status) {
            return Attempt::Status(status, headers, bytes);
        }
        match success_body(&headers, &bytes) {
            Ok(body) => {
                let location = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                    .map(|(_, v)| v.clone());
                Attempt::Done(Answer {
                    status,
                    location,
                    body,
                    headers,
                })
            }
            Err(err) if *method == Method::GET => {
                Attempt::Transport(err.with_status(status), false)
            }
            Err(mut err) => {
                // A write's answer may carry a new secret (a renewed token):
                // never quote it, and never suggest repeating what Gandi took.
                err.details.remove("excerpt");
                Attempt::Transport(
                    err.with_status(status).with_hint(format!(
                        "Gandi accepted the request ({status}) but its answer could not be read: the change was probably made; check the current state before repeating anything"
                    )),
                    false,
                )
            }
        }
    }

    /// A failed exchange. When a write was sent but its answer was lost,
    /// the hint adds that the change may have been made.
    fn transport_error(&self, e: ureq::Error, method: &Method) -> SkillError {
        // The transient failures (timeouts, resets, a cut answer) can come
        // after the request reached Gandi; a timeout while resolving or
        // connecting cannot.
        let before_sending = matches!(
            e,
            ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect)
        );
        let maybe_sent = *method != Method::GET && is_transient(&e) && !before_sending;
        let err = self.transport_error_of(e);
        if !maybe_sent {
            return err;
        }
        err.with_hint(
            "the request was sent but its answer was lost, so the change may or may not have been made: check the current state (a read) before repeating it",
        )
    }

    fn transport_error_of(&self, e: ureq::Error) -> SkillError {
        let host = self.endpoints.api.clone();
        match e {
            ureq::Error::Timeout(_) => SkillError::new(
                ErrorCode::Timeout,
                format!("Gandi ({host}) did not answer in time"),
            )
            .with_hint("try again later; GANDI_TIMEOUT_SECS raises the per-request limit"),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => SkillError::new(
                ErrorCode::Tls,
                format!("the TLS connection to {host} failed: {e}"),
            )
            .with_hint("check the system clock and any TLS-intercepting proxy"),
            // ureq hands rustls' failures (a certificate it does not trust,
            // a peer that does not speak TLS) over as InvalidData I/O errors.
            ureq::Error::Io(io)
                if io.kind() == std::io::ErrorKind::InvalidData && host.starts_with("https://") =>
            {
                SkillError::new(
                    ErrorCode::Tls,
                    format!("the TLS connection to {host} failed: {io}"),
                )
                .with_hint("check the system clock, any TLS-intercepting proxy or antivirus, and GANDI_API_URL if set")
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => SkillError::new(
                ErrorCode::Timeout,
                format!("Gandi ({host}) did not answer in time"),
            )
            .with_hint("try again later; GANDI_TIMEOUT_SECS raises the per-request limit"),
            other => SkillError::new(
                ErrorCode::Unreachable,
                format!("cannot reach Gandi at {host}: {}", transport_kind(&other)),
            )
            .with_hint("check the network connection (and GANDI_API_URL if set), then try again"),
        }
    }

    /// The one mapping from a Gandi error answer to our error codes.
    fn map_error(&self, status: u16, headers: &[(String, String)], bytes: &[u8]) -> SkillError {
        let json = if is_json(headers) || bytes.first() == Some(&b'{') {
            serde_json::from_slice::<Value>(bytes).ok()
        } else {
            None
        };
        let (gandi_message, mut details) = match &json {
            Some(Value::Object(o)) => gandi_error_parts(o),
            _ => (None, Map::new()),
        };
        if json.is_none() && !bytes.is_empty() {
            details.insert("excerpt".into(), Value::String(excerpt(bytes)));
        }
        let said = gandi_message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let (code, message, hint) = match status {
            401 => (
                ErrorCode::InvalidToken,
                format!("Gandi rejected the credential (401){said}"),
                Some(self.auth_hint(401)),
            ),
            403 => (
                ErrorCode::Forbidden,
                format!("Gandi refused access (403){said}"),
                Some(self.auth_hint(403)),
            ),
            429 => (
                ErrorCode::RateLimited,
                format!("Gandi's rate limit was hit (429){said}"),
                Some(match retry_after(headers) {
                    Some(w) => format!("wait {} seconds, then try again", w.as_secs().max(1)),
                    None => "wait a minute, then try again (Gandi allows about 1000 requests per minute)".into(),
                }),
            ),
            // An empty body still says what the status says.
            _ if json.is_none()
                && status < 500
                && !bytes.iter().all(u8::is_ascii_whitespace) =>
            {
                (
                ErrorCode::UnexpectedResponse,
                format!("Gandi answered {status} with a body that is not JSON"),
                Some("try again later; if it persists, Gandi's API may be changing or a proxy is in the way".into()),
            )
            }
            404 => (
                ErrorCode::NotFound,
                format!("not found (404){said}"),
                Some("check the name (domains.list, dns.zones.list and dns.records.list show what exists)".into()),
            ),
            409 => (
                ErrorCode::Conflict,
                format!("conflict (409){said}"),
                Some("read the current state first; the change clashes with what exists".into()),
            ),
            400 | 422 => (
                ErrorCode::Rejected,
                format!("Gandi rejected the request ({status}){said}"),
                Some(if details.contains_key("errors") {
                    "see error.details.errors for the fields Gandi refused".into()
                } else {
                    "Gandi gave no reason; check the values against describe's schemas, then try again".into()
                }),
            ),
            500..=599 => (
                ErrorCode::ServerError,
                format!("Gandi had a server error ({status}){said}"),
                Some("try again in a few minutes; a request that changes something was not repeated automatically, so check whether it took effect first".into()),
            ),
            _ => (
                ErrorCode::Rejected,
                format!("Gandi refused the request ({status}){said}"),
                None,
            ),
        };
        let mut err = SkillError::new(code, message).with_status(status);
        err.details = details;
        if let Some(h) = hint {
            err = err.with_hint(h);
        }
        err
    }

    /// Diagnosis for 401/403: where the credential came from, the scheme, the
    /// permission needed, sandbox or not, and the fix. Never the secret.
    fn auth_hint(&self, status: u16) -> String {
        let c = &self.credential;
        let space = if c.sandbox {
            "the Gandi SANDBOX"
        } else {
            "production Gandi"
        };
        let selection = c.selection();
        let admin = selection.pat_page();
        let store = crate::auth::how_to_store(&c.source, &selection);
        let what = if status == 401 {
            "was not accepted: it is unknown, revoked or expired, or sent with the wrong scheme"
        } else {
            "was accepted but lacks the permission for this action, has expired, or is limited to other organizations or resources"
        };
        let scheme_note = match c.scheme {
            Scheme::Apikey => " It is a legacy API key (deprecated): if it is really a Personal Access Token, store it as api_token, not api_key.",
            Scheme::Bearer => "",
        };
        format!(
            "The credential from {} (sent as {}) {what} on {space}. This action needs: {}.{scheme_note} Fix: create or renew a Personal Access Token with that permission at {admin}, then {store}; a still-valid token can be renewed with {{\"action\":\"token.renew\"}}.",
            c.source,
            c.scheme.as_str(),
            self.permission,
        )
    }

    #[allow(clippy::print_stderr)]
    fn log(&self, line: &str) {
        if self.debug {
            eprintln!("gandi-skill: {}", self.credential.token.redact(line));
        }
    }
}

enum Attempt {
    Done(Answer),
    Status(u16, Vec<(String, String)>, Vec<u8>),
    /// A transport failure, and whether it is worth a retry.
    Transport(SkillError, bool),
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

fn transport_kind(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => format!("{:?}", io.kind()),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Timeout(t) => format!("timeout ({t:?})"),
        ureq::Error::Protocol(_) => "the connection closed before a complete answer".into(),
        other => other.to_string(),
    }
}

fn backoff(tries: u32) -> Duration {
    Duration::from_millis(250 * u64::from(tries))
}

/// `Retry-After` in seconds or as an HTTP date, capped at 10 s.
fn retry_after(headers: &[(String, String)]) -> Option<Duration> {
    let raw = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
        .map(|(_, v)| v.trim())?;
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

fn media_type(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

fn is_json(headers: &[(String, String)]) -> bool {
    media_type(headers).is_some_and(|m| m == "application/json" || m.ends_with("+json"))
}

/// A 2xx body: JSON, text (for `text/plain`), or `Null` when empty.
fn success_body(headers: &[(String, String)], bytes: &[u8]) -> SkillResult<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let media = media_type(headers).unwrap_or_default();
    if media.starts_with("text/plain") || media == "text/dns" {
        return String::from_utf8(bytes.to_vec())
            .map(Value::String)
            .map_err(|_| {
                SkillError::new(
                    ErrorCode::UnexpectedResponse,
                    "Gandi sent text that is not UTF-8",
                )
            });
    }
    if !is_json(headers) {
        return Err(SkillError::new(
            ErrorCode::UnexpectedResponse,
            format!(
                "Gandi answered with {} instead of JSON",
                if media.is_empty() { "no content type".to_string() } else { media }
            ),
        )
        .with_detail("excerpt", excerpt(bytes))
        .with_hint("try again later; if it persists, a proxy or captive portal may be answering instead of Gandi"));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        SkillError::new(
            ErrorCode::UnexpectedResponse,
            format!("Gandi's answer is not valid JSON ({e})"),
        )
        .with_detail("excerpt", excerpt(bytes))
        .with_hint("the answer was cut or garbled; try again (reads are safe to repeat)")
    })
}

/// Gandi's message and the details worth keeping from either error shape.
fn gandi_error_parts(o: &Map<String, Value>) -> (Option<String>, Map<String, Value>) {
    let mut details = Map::new();
    for key in ["object", "cause", "code"] {
        if let Some(v) = o.get(key) {
            details.insert(key.to_string(), v.clone());
        }
    }
    if let Some(errors) = o.get("errors").and_then(Value::as_array) {
        details.insert("errors".into(), Value::Array(errors.clone()));
        let joined: Vec<String> = errors
            .iter()
            .map(|e| {
                let name = e.get("name").and_then(Value::as_str).unwrap_or("?");
                let desc = e.get("description").and_then(Value::as_str).unwrap_or("");
                format!("{name}: {desc}")
            })
            .collect();
        let msg = o
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| joined.join("; "));
        return (Some(msg), details);
    }
    let msg = o.get("message").and_then(Value::as_str).map(str::to_string);
    (msg, details)
}

/// The first 200 characters of a body, for error details.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

fn with_param(mut q: Vec<(String, String)>, key: &str, value: String) -> Vec<(String, String)> {
    q.retain(|(k, _)| k != key);
    q.push((key.to_string(), value));
    q
}

/// The path and query of the `rel="next"` URL in a `Link` header. Only the
/// path and query are kept: the request always goes to our own base URL, so
/// a Link can never send the token to another host.
fn next_link(link: &str) -> Option<(String, Vec<(String, String)>)> {
    for part in link.split(',') {
        let (url, params) = part.split_once(';')?;
        if !params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        }) {
            continue;
        }
        let url = url.trim().trim_start_matches('<').trim_end_matches('>');
        let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
        let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        if !path.starts_with("/v5/") {
            return None;
        }
        let pairs = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (decode(k), decode(v))
            })
            .collect();
        return Some((path.to_string(), pairs));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_next_keeps_path_and_query_only() {
        let link = "<https://evil.example/v5/domain/domains?page=2&sort_by=fqdn>; rel=\"next\", <https://api.gandi.net/v5/domain/domains?page=9>; rel=\"last\"";
        let Some((path, q)) = next_link(link) else {
            panic!("no next link in {link}");
        };
        assert_eq!(path, "/v5/domain/domains");
        assert_eq!(
            q,
            vec![
                ("page".into(), "2".into()),
                ("sort_by".into(), "fqdn".into())
            ]
        );
        assert!(next_link("<https://x/v5/a?page=9>; rel=\"last\"").is_none());
    }

    #[test]
    fn base_url_rules() {
        let env = |v: &str| Env::from_vars([("GANDI_API_URL", v)]);
        assert!(base_url(
            &env("http://127.0.0.1:8080"),
            "GANDI_API_URL",
            PRODUCTION_API
        )
        .is_ok());
        assert!(base_url(&env("http://[::1]:8080/"), "GANDI_API_URL", PRODUCTION_API).is_ok());
        assert!(base_url(&env("http://localhost"), "GANDI_API_URL", PRODUCTION_API).is_ok());
        let err = base_url(
            &env("http://api.example.com"),
            "GANDI_API_URL",
            PRODUCTION_API,
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::ConfigInvalid);
        assert!(base_url(
            &env("https://api.example.com/v5"),
            "GANDI_API_URL",
            PRODUCTION_API
        )
        .is_err());
    }

    #[test]
    fn encoding_round_trips() {
        assert_eq!(encode("@"), "%40");
        assert_eq!(encode("*.example"), "%2A.example");
        assert_eq!(decode("%40a+b"), "@a b");
    }
}
