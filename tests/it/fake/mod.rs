//! A stateful fake of the Gandi v5 API (and id.gandi.net's tokeninfo) for integration tests: `FakeGandi` owns the server, the request log, the fault queue and the state.
#![forbid(unsafe_code)]

pub mod auth;
pub mod billing;
pub mod certificates;
pub mod domain_orders;
pub mod domains;
pub mod email;
pub mod faults;
pub mod http;
pub mod livedns;
pub mod org;
pub mod prices;
pub mod router;
pub mod seed;
pub mod server;
pub mod state;
pub mod zonetext;

#[cfg(test)]
mod tests;

use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

// Re-exports for tests; allowed unused because this file also lives as a
// private module of the integration-test binary.
#[allow(unused_imports)]
pub use crate::fake::auth::{
    Scheme, TokenSpec, ALL_SCOPES, APIKEY_LEGACY, TOKEN_EXPIRED, TOKEN_FULL, TOKEN_READONLY,
    TOKEN_SANDBOX, TOKEN_SOON,
};
#[allow(unused_imports)]
pub use crate::fake::faults::{Fault, FaultKind};
#[allow(unused_imports)]
pub use crate::fake::seed::{
    CAFE_KEYTAG, COMPANY_ORG_ID, PARTNER_ORG_ID, SEEDED_SNAPSHOT_ID, USER_ID,
};
#[allow(unused_imports)]
pub use crate::fake::state::State;

use crate::fake::http::{parse_query, percent_decode, Req, Response};
use crate::fake::server::{Outcome, RawRequest, Server};

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Raw path as sent (not decoded), without the query string.
    pub path: String,
    /// Percent-decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header names lowercased, values as sent.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::fake::http::find_pair(&self.headers, &name.to_ascii_lowercase())
    }

    pub fn query_value(&self, key: &str) -> Option<&str> {
        crate::fake::http::find_pair(&self.query, key)
    }

    /// The body parsed as JSON, `Null` when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

struct Shared {
    url: String,
    state: Mutex<State>,
    log: Mutex<Vec<Recorded>>,
    faults: Mutex<Vec<Fault>>,
    stop: Arc<AtomicBool>,
    /// Panics raised by the fake's own handlers (bugs in the fake).
    panics: Mutex<Vec<String>>,
}

/// The running fake. Dropping it stops every server thread; if one of the
/// fake's handlers panicked meanwhile, the drop panics too (unless the test is
/// already panicking) so a bug in the fake cannot pass unnoticed.
pub struct FakeGandi {
    shared: Arc<Shared>,
    server: Option<Server>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FakeGandi {
    /// Starts on `127.0.0.1:0` with `State::seeded()`.
    pub fn start() -> FakeGandi {
        FakeGandi::start_with(State::seeded())
    }

    pub fn start_with(state: State) -> FakeGandi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            url: format!("http://{addr}"),
            state: Mutex::new(state),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            stop: stop.clone(),
            panics: Mutex::new(Vec::new()),
        });
        let handler_shared = shared.clone();
        let server = Server::spawn(listener, stop, move |raw| dispatch(&handler_shared, raw))
            .expect("start the fake Gandi server");
        FakeGandi {
            shared,
            server: Some(server),
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        self.shared.url.clone()
    }

    /// Every request received so far, in order (fault answers included).
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.log).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Queues a fault; the first matching one answers the next matching request.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Changes the resource a recorded GET read (as an edit made elsewhere
    /// would), when its route knows how. Returns whether it did.
    pub fn perturb(&self, request: &Recorded) -> bool {
        let segments: Vec<String> = request
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode(s, false))
            .collect();
        router::perturb(&mut lock(&self.shared.state), &request.method, &segments)
    }

    /// The whole state as text, to compare before and after a run.
    pub fn state_text(&self) -> String {
        format!("{:?}", *lock(&self.shared.state))
    }

    /// Runs `f` on the state under the lock.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut lock(&self.shared.state))
    }
}

impl Drop for FakeGandi {
    fn drop(&mut self) {
        drop(self.server.take());
        let panics = lock(&self.shared.panics).clone();
        if !panics.is_empty() && !std::thread::panicking() {
            panic!("the fake Gandi server panicked: {}", panics.join("; "));
        }
    }
}

fn to_req(raw: RawRequest) -> Req {
    let (raw_path, raw_query) = match raw.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q),
        None => (raw.target.clone(), ""),
    };
    // Absolute-form targets (`http://host/path`) are reduced to their path.
    let raw_path = match raw_path.strip_prefix("http://") {
        Some(rest) => rest
            .find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
        None => raw_path,
    };
    let segments = raw_path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false))
        .collect();
    Req {
        method: raw.method.to_ascii_uppercase(),
        segments,
        query: parse_query(raw_query),
        headers: raw
            .headers
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect(),
        body: String::from_utf8_lossy(&raw.body).into_owned(),
        raw_path,
    }
}

fn dispatch(shared: &Shared, raw: RawRequest) -> Outcome {
    let req = to_req(raw);
    lock(&shared.log).push(Recorded {
        method: req.method.clone(),
        path: req.raw_path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        body: req.body.clone(),
    });
    let fault = faults::take(&mut lock(&shared.faults), &req.method, &req.raw_path);
    let resp = match fault {
        Some(FaultKind::DropConnection) => return Outcome::Drop,
        Some(FaultKind::Status {
            status,
            retry_after,
        }) => faults::status_response(status, retry_after.as_deref()),
        Some(FaultKind::HtmlBody { status }) => faults::html_response(status),
        Some(FaultKind::RecordNotFound) => http::record_not_found(&req.raw_path),
        Some(FaultKind::EmptyBody { status }) => Response {
            status,
            headers: Vec::new(),
            body: Some(Vec::new()),
        },
        Some(FaultKind::ValidationError { name, description }) => {
            crate::fake::http::validation_error("body", &name, &description)
        }
        Some(FaultKind::EchoAuthorization { status }) => faults::echo_response(
            status,
            req.headers
                .iter()
                .find(|(k, _)| k == "authorization")
                .map_or("", |(_, v)| v.as_str()),
        ),
        Some(FaultKind::EchoAuthorizationAt { status, at }) => faults::echo_at_response(
            status,
            req.headers
                .iter()
                .find(|(k, _)| k == "authorization")
                .map_or("", |(_, v)| v.as_str()),
            at,
        ),
        Some(FaultKind::TruncatedJson) => faults::truncated_json_response(),
        Some(FaultKind::Stall { millis }) => {
            let until = Instant::now() + Duration::from_millis(millis);
            while Instant::now() < until {
                if shared.stop.load(Ordering::SeqCst) {
                    return Outcome::Drop;
                }
                std::thread::sleep(
                    Duration::from_millis(5).min(until.saturating_duration_since(Instant::now())),
                );
            }
            route(shared, &req)
        }
        Some(FaultKind::TruncateBody) => {
            let mut resp = route(shared, &req);
            if let Some(body) = resp.body.as_mut() {
                body.truncate(body.len() / 2);
            }
            resp
        }
        Some(FaultKind::CapPerPage { max }) => {
            let mut capped = req.clone();
            let asked = req
                .query_value("per_page")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(max);
            capped.query.retain(|(k, _)| k != "per_page");
            capped
                .query
                .push(("per_page".into(), asked.min(max).to_string()));
            let mut resp = route(shared, &capped);
            resp.headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("link"));
            resp
        }
        Some(FaultKind::LinkWithoutSharingId) => {
            let mut resp = route(shared, &req);
            for (k, v) in resp.headers.iter_mut() {
                if k.eq_ignore_ascii_case("link") {
                    *v = faults::without_sharing_id(v);
                }
            }
            resp
        }
        Some(FaultKind::LinkCycle { pages }) => {
            let page = req
                .query_value("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1);
            relink(&req, route(shared, &req), page % pages.max(1) + 1)
        }
        Some(FaultKind::LinkToPage { page }) => relink(&req, route(shared, &req), page),
        Some(FaultKind::Count { value }) => {
            let mut resp = route(shared, &req);
            for (k, v) in resp.headers.iter_mut() {
                if k.eq_ignore_ascii_case("total-count") || k.eq_ignore_ascii_case("filtered-count")
                {
                    *v = value.clone();
                }
            }
            resp
        }
        Some(FaultKind::EndlessPages { per_page, pad }) => {
            let page = req
                .query_value("page")
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(1);
            faults::endless_page(page, per_page, pad)
        }
        Some(FaultKind::HugeBody { bytes }) => faults::huge_body(bytes),
        Some(FaultKind::HugeHeader { bytes }) => {
            route(shared, &req).with_header("X-Padding", &"p".repeat(bytes))
        }
        Some(FaultKind::GzipBomb { bytes }) => faults::gzip_bomb(bytes),
        Some(FaultKind::IgnorePage) => {
            let mut first_page = req.clone();
            first_page.query.retain(|(k, _)| k != "page");
            route(shared, &first_page)
        }
        None => route(shared, &req),
    };
    Outcome::Respond(resp.finish(SystemTime::now()))
}

/// A list answer whose `Link` next URL points to `page` (a next link to
/// the request's own URL at that page is added when the answer had none).
fn relink(req: &Req, mut resp: Response, page: u32) -> Response {
    match resp
        .headers
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case("link"))
    {
        Some((_, v)) => *v = faults::link_to_page(v, page),
        None => {
            let mut query: Vec<String> = req
                .query
                .iter()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| format!("{}={}", http::percent_encode(k), http::percent_encode(v)))
                .collect();
            query.push(format!("page={page}"));
            let link = format!("<{}?{}>; rel=\"next\"", req.raw_path, query.join("&"));
            resp.headers.push(("Link".into(), link));
        }
    }
    resp
}

fn route(shared: &Shared, req: &Req) -> Response {
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        router::handle(req, &mut lock(&shared.state), &shared.url)
    }));
    result.unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string());
        lock(&shared.panics).push(format!("{} {}: {msg}", req.method, req.raw_path));
        http::standard_error(500)
    })
}
