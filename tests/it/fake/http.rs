//! HTTP vocabulary of the fake: the parsed request handed to handlers, the response type, Gandi's headers and error bodies, percent-coding and list pagination.

use serde_json::Value;

/// One parsed request as the router sees it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Raw path as sent, without the query string.
    pub raw_path: String,
    /// Percent-decoded, non-empty path segments.
    pub segments: Vec<String>,
    /// Percent-decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The first value for `key` among name/value pairs (headers are stored
/// with lowercased names, so header look-ups lowercase `key` first).
pub fn find_pair<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_pair(&self.headers, &name.to_ascii_lowercase())
    }

    pub fn query_value(&self, key: &str) -> Option<&str> {
        find_pair(&self.query, key)
    }

    /// True when the client asked for `text/plain` (zone file export).
    pub fn wants_text(&self) -> bool {
        self.header("accept")
            .is_some_and(|a| a.to_ascii_lowercase().contains("text/plain"))
    }

    /// True when the body is sent as `text/plain` (zone file import).
    pub fn sends_text(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/plain"))
    }

    /// The body as a JSON object; an empty body counts as `{}`. Anything else is a 400.
    /// A body sent without `Content-Type: application/json` is refused, as
    /// Gandi's reference requires that type on POST, PUT and PATCH.
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, Response> {
        if self.body.trim().is_empty() {
            return Ok(serde_json::Map::new());
        }
        let media = find_pair(&self.headers, "content-type")
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase());
        if media.as_deref() != Some("application/json") {
            return Err(validation_error(
                "body",
                "content-type",
                "Content-Type must be application/json",
            ));
        }
        match serde_json::from_str::<Value>(&self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(validation_error("body", "body", "Should be an object")),
            Err(e) => Err(validation_error(
                "body",
                "body",
                &format!("Invalid JSON body: {e}"),
            )),
        }
    }
}

/// A complete answer. `body: None` means no body and no Content-Length (204).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

pub const CT_SUCCESS: &str = "application/json; charset=utf-8";
pub const CT_ERROR: &str = "application/json; charset=UTF-8";
pub const CT_TEXT: &str = "text/plain; charset=utf-8";
pub const CT_HTML: &str = "text/html";

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".to_string(), content_type.to_string())],
            body: Some(body),
        }
    }

    /// Success JSON, compact like the recorded traffic.
    pub fn json(status: u16, value: &Value) -> Response {
        Response::new(status, CT_SUCCESS, value.to_string().into_bytes())
    }

    pub fn text(status: u16, text: String) -> Response {
        Response::new(status, CT_TEXT, text.into_bytes())
    }

    pub fn no_content() -> Response {
        Response {
            status: 204,
            headers: Vec::new(),
            body: None,
        }
    }

    /// `{"message":"..."}` compact, as in `{"message":"DNS Record Created"}`.
    pub fn message(status: u16, text: &str) -> Response {
        Response::json(status, &serde_json::json!({ "message": text }))
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Adds the headers every real Gandi answer carries (REC): Server, Via, caching, Date...
    pub fn finish(mut self, now: std::time::SystemTime) -> Response {
        let date = httpdate::fmt_http_date(now);
        let mut common = vec![
            ("Server", "nginx".to_string()),
            ("Date", date.clone()),
            (
                "Cache-Control",
                "max-age=0, must-revalidate, no-cache, no-store".to_string(),
            ),
            ("Expires", date.clone()),
            ("Last-Modified", date),
            ("Pragma", "no-cache".to_string()),
            ("Vary", "Accept-Encoding, Accept-Language".to_string()),
            ("Via", "1.1 varnish-v4, 1.1 varnish-v4".to_string()),
            ("X-Cache", "MISS".to_string()),
            ("X-Cache-Hits", "0".to_string()),
        ];
        if matches!(self.status, 200 | 201) {
            if let Some(body) = &self.body {
                common.push(("ETag", weak_etag(body)));
            }
        }
        let mut headers: Vec<(String, String)> = common
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        headers.append(&mut self.headers);
        self.headers = headers;
        self
    }
}

fn weak_etag(body: &[u8]) -> String {
    // FNV-1a: stable across runs, good enough for a validator nobody checks.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("W/\"{:x}-{:016x}\"", body.len(), hash)
}

/// Pyramid/WebOb names and default explanations, as Gandi uses them.
pub fn status_names(status: u16) -> (&'static str, &'static str, &'static str) {
    match status {
        400 => (
            "HTTPBadRequest",
            "Bad Request",
            "The server could not comply with the request since it is either malformed or otherwise incorrect.",
        ),
        401 => ("HTTPUnauthorized", "Unauthorized", UNAUTHORIZED_MESSAGE),
        403 => (
            "HTTPForbidden",
            "Forbidden",
            "Access was denied to this resource.",
        ),
        404 => (
            "HTTPNotFound",
            "Not Found",
            "The resource could not be found.",
        ),
        405 => (
            "HTTPMethodNotAllowed",
            "Method Not Allowed",
            "The method is not allowed for this resource.",
        ),
        409 => (
            "HTTPConflict",
            "Conflict",
            "There was a conflict when trying to complete your request.",
        ),
        413 => (
            "HTTPRequestEntityTooLarge",
            "Request Entity Too Large",
            "The body of your request was too large for this server.",
        ),
        429 => (
            "HTTPTooManyRequests",
            "Too Many Requests",
            "The client has sent too many requests in a given amount of time.",
        ),
        500 => (
            "HTTPInternalServerError",
            "Internal Server Error",
            "The server has either erred or is incapable of performing the requested operation.",
        ),
        502 => ("HTTPBadGateway", "Bad Gateway", "Bad gateway."),
        503 => (
            "HTTPServiceUnavailable",
            "Service Unavailable",
            "The server is currently unavailable. Please try again at a later time.",
        ),
        504 => (
            "HTTPGatewayTimeout",
            "Gateway Timeout",
            "The gateway has timed out.",
        ),
        _ => ("HTTPError", "Error", "An error occurred."),
    }
}

pub const UNAUTHORIZED_MESSAGE: &str = "The server could not verify that you authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad api key), or your access token has expired";

/// Standard error object, spaced like the recorded 404s:
/// `{"code": 404, "message": "...", "object": "...", "cause": "..."}`.
pub fn error_body(status: u16, message: &str, object: &str, cause: &str) -> Response {
    let body = format!(
        "{{\"code\": {status}, \"message\": {}, \"object\": {}, \"cause\": {}}}",
        Value::from(message),
        Value::from(object),
        Value::from(cause)
    );
    Response::new(status, CT_ERROR, body.into_bytes())
}

/// Standard error for a status with WebOb's default text.
pub fn standard_error(status: u16) -> Response {
    let (object, cause, message) = status_names(status);
    error_body(status, message, object, cause)
}

pub fn not_found() -> Response {
    standard_error(404)
}

pub fn method_not_allowed() -> Response {
    standard_error(405)
}

/// The exact 401 body from the octodns mock (compact).
pub fn unauthorized() -> Response {
    let body = serde_json::json!({
        "code": 401,
        "message": UNAUTHORIZED_MESSAGE,
        "object": "HTTPUnauthorized",
        "cause": "Unauthorized",
    });
    Response::new(401, CT_ERROR, body.to_string().into_bytes())
}

/// The exact 403 body from the octodns mock (compact).
pub fn forbidden() -> Response {
    Response::new(
        403,
        CT_ERROR,
        br#"{"code":403,"message":"Access was denied to this resource.","object":"HTTPForbidden","cause":"Forbidden"}"#.to_vec(),
    )
}

/// Missing rrset, exactly as recorded.
pub fn record_not_found(what: &str) -> Response {
    error_body(
        404,
        &format!("Can't find the DNS record {what} in the zone"),
        "dns-record",
        "Not Found",
    )
}

/// Shape (b), spaced like the real 400s quoted in client reports (Python's
/// `json.dumps`): `{"status": "error", "errors": [{"location": .., "name":
/// .., "description": ..}]}`.
pub fn validation_error(location: &str, name: &str, description: &str) -> Response {
    let body = format!(
        "{{\"status\": \"error\", \"errors\": [{{\"location\": {}, \"name\": {}, \"description\": {}}}]}}",
        Value::from(location),
        Value::from(name),
        Value::from(description)
    );
    Response::new(400, CT_ERROR, body.into_bytes())
}

// ---------------------------------------------------------------------------
// Percent-coding

/// Decodes `%XX`; with `plus_is_space` also `+` (query strings, as WebOb does).
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes everything but RFC 3986 unreserved characters and `*` (so `@` becomes `%40`).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'*') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Splits a raw query string into decoded pairs.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(pair, true), String::new()),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Pagination

/// One page of a list (its JSON body) plus the headers Gandi sends with it.
pub struct Page {
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

/// Cuts `matching` (already filtered and sorted) into the page asked for.
/// `total` is the size of the collection before filters (`total-count`);
/// `filtered-count` is the number of matching items. `Link` is sent only when
/// a next page exists, with `rel="next"` and `rel="last"`, absolute URLs on
/// `base` that keep the other query parameters.
pub fn paginate(
    req: &Req,
    base: &str,
    matching: Vec<Value>,
    total: usize,
    default_per_page: usize,
) -> Result<Page, Response> {
    let filtered = matching.len();
    paginate_with(
        req,
        base,
        matching.iter(),
        filtered,
        total,
        default_per_page,
        |v| v,
    )
}

/// `paginate` for a large collection: `matching` yields the `filtered`
/// matching items in order, and only the page's items are rendered and
/// written, so a page of a 10,000-item list costs what the page costs.
pub fn paginate_with<T, R: serde::Serialize>(
    req: &Req,
    base: &str,
    matching: impl Iterator<Item = T>,
    filtered: usize,
    total: usize,
    default_per_page: usize,
    render: impl FnMut(T) -> R,
) -> Result<Page, Response> {
    let page = positive_param(req, "page")?.unwrap_or(1);
    let per_page = positive_param(req, "per_page")?.unwrap_or(default_per_page);
    let start = (page - 1).saturating_mul(per_page);
    let items: Vec<R> = matching.skip(start).take(per_page).map(render).collect();
    let body = serde_json::to_vec(&items).unwrap_or_else(|_| b"[]".to_vec());
    let last = filtered.div_ceil(per_page).max(1);
    let mut headers = vec![
        ("total-count".to_string(), total.to_string()),
        ("filtered-count".to_string(), filtered.to_string()),
    ];
    if page < last {
        let link = format!(
            "<{}>; rel=\"next\", <{}>; rel=\"last\"",
            page_url(req, base, page + 1),
            page_url(req, base, last)
        );
        headers.push(("Link".to_string(), link));
    }
    Ok(Page { body, headers })
}

impl Page {
    pub fn into_response(self) -> Response {
        let mut resp = Response::new(200, CT_SUCCESS, self.body);
        resp.headers.extend(self.headers);
        resp
    }
}

fn positive_param(req: &Req, name: &str) -> Result<Option<usize>, Response> {
    match req.query_value(name) {
        None => Ok(None),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(validation_error(
                "querystring",
                name,
                &format!("{v:?} is not a valid integer >= 1"),
            )),
        },
    }
}

fn page_url(req: &Req, base: &str, page: usize) -> String {
    let mut parts: Vec<String> = req
        .query
        .iter()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    parts.push(format!("page={page}"));
    format!("{base}{}?{}", req.raw_path, parts.join("&"))
}

/// Case-insensitive glob with `*` wildcards (Gandi's `fqdn=example.*` patterns).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == t[ti] || p[pi] == '?') {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}
