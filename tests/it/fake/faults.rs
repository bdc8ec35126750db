//! Fault injection: the queued `Fault`s, how a request picks one, and the canned answers for status, HTML and truncated-JSON faults.

use crate::fake::http::{standard_error, status_names, Response, CT_HTML, CT_SUCCESS};

/// One queued fault. It applies to requests whose method matches (when set)
/// and whose raw path starts with `path_prefix`, `times` times.
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<String>,
    pub path_prefix: String,
    pub times: usize,
    pub kind: FaultKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// The standard error body for `status`, plus `Retry-After` when given.
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// `status` with no body at all (Content-Length: 0).
    EmptyBody { status: u16 },
    /// 404 with Gandi's recorded `dns-record` body (how Gandi may answer a
    /// read of a name that holds nothing; the reference leaves it open).
    RecordNotFound,
    /// An nginx-style `text/html` error page.
    HtmlBody { status: u16 },
    /// 200, `application/json`, a body cut in the middle (Content-Length matches).
    TruncatedJson,
    /// Sleep, then answer normally.
    Stall { millis: u64 },
    /// Read the request, then close the socket without answering.
    DropConnection,
    /// 400 with Gandi's validation shape `{"status":"error","errors":[…]}`.
    ValidationError { name: String, description: String },
    /// A JSON error body that quotes the request's Authorization header back
    /// (a hostile or broken proxy): the client must never print it.
    EchoAuthorization { status: u16 },
    /// An HTML page (a broken proxy's) that quotes the request's
    /// Authorization header so that the secret itself starts at character
    /// `at` of the body: around a quote's cut, it straddles it.
    EchoAuthorizationAt { status: u16, at: usize },
    /// Handle the request, then cut the answer's body in half (the change
    /// is made; the client cannot read what Gandi said about it).
    TruncateBody,
    /// Serve at most `max` items per page whatever `per_page` asks, and no
    /// `Link` header (Gandi's maximum `per_page` is not documented).
    CapPerPage { max: usize },
    /// Answer normally, but with `sharing_id` left out of the `Link` URLs.
    LinkWithoutSharingId,
    /// Answer as if the request had no `page` parameter (a broken cache or
    /// proxy): every page of a list comes back as the first one.
    IgnorePage,
    /// Answer normally, but the `Link` next URL of page `p` points to page
    /// `p % pages + 1`: a cycle over `pages` pages.
    LinkCycle { pages: u32 },
    /// Answer normally, but the `Link` next URL points to this page.
    LinkToPage { page: u32 },
    /// Answer normally, but `Total-Count` and `Filtered-Count` say this.
    Count { value: String },
    /// A list that never ends (a hostile server): page `p` holds `per_page`
    /// new domain items, each padded with `pad` bytes, whatever was asked,
    /// with no count and no `Link`.
    EndlessPages { per_page: usize, pad: usize },
    /// 200 with a JSON body of `bytes` bytes (an array of blanks).
    HugeBody { bytes: usize },
    /// Answer normally, with one more header of `bytes` bytes.
    HugeHeader { bytes: usize },
    /// 200, `Content-Encoding: gzip`, a small body that inflates to `bytes`
    /// bytes (a decompression bomb).
    GzipBomb { bytes: usize },
}

impl Fault {
    /// A fault on any method.
    pub fn new(path_prefix: &str, times: usize, kind: FaultKind) -> Fault {
        Fault {
            method: None,
            path_prefix: path_prefix.to_string(),
            times,
            kind,
        }
    }

    /// The same, restricted to one method.
    pub fn on(method: &str, path_prefix: &str, times: usize, kind: FaultKind) -> Fault {
        Fault {
            method: Some(method.to_ascii_uppercase()),
            ..Fault::new(path_prefix, times, kind)
        }
    }

    fn matches(&self, method: &str, raw_path: &str) -> bool {
        self.times > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && raw_path.starts_with(&self.path_prefix)
    }
}

/// Takes the first matching fault: decrements its `times`, removes it at 0.
pub fn take(queue: &mut Vec<Fault>, method: &str, raw_path: &str) -> Option<FaultKind> {
    let i = queue.iter().position(|f| f.matches(method, raw_path))?;
    let kind = queue[i].kind.clone();
    queue[i].times -= 1;
    if queue[i].times == 0 {
        queue.remove(i);
    }
    Some(kind)
}

pub fn status_response(status: u16, retry_after: Option<&str>) -> Response {
    let resp = standard_error(status);
    match retry_after {
        Some(v) => resp.with_header("Retry-After", v),
        None => resp,
    }
}

pub fn echo_response(status: u16, authorization: &str) -> Response {
    let mut resp = standard_error(status);
    resp.body = Some(
        serde_json::json!({
            "code": status,
            "message": format!("bad header: {authorization}"),
            "object": "HTTPBadRequest",
            "cause": "Bad Request",
        })
        .to_string()
        .into_bytes(),
    );
    resp
}

pub fn echo_at_response(status: u16, authorization: &str, at: usize) -> Response {
    let secret = authorization
        .split_once(' ')
        .map_or(authorization, |(_, s)| s);
    let head = "<html><body><p>bad header: ";
    let pad = "x".repeat(at.saturating_sub(head.len()));
    let body = format!("{head}{pad}{secret}</p></body></html>\r\n");
    Response::new(status, CT_HTML, body.into_bytes())
}

pub fn html_response(status: u16) -> Response {
    let (_, cause, _) = status_names(status);
    let title = format!("{status} {cause}");
    let body = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    Response::new(status, CT_HTML, body.into_bytes())
}

/// The first half of a plausible rrset list.
pub fn truncated_json_response() -> Response {
    let full = r#"[{"rrset_type":"A","rrset_ttl":10800,"rrset_name":"@","rrset_values":["192.0.2.1","192.0.2.2"]},{"rrset_type":"CNAME","rrset_ttl":10800,"rrset_name":"www","rrset_values":["webredir.vip.gandi.net."]}]"#;
    let cut = &full[..full.len() / 2];
    Response::new(200, CT_SUCCESS, cut.as_bytes().to_vec())
}

/// A `Link` header value with every `sharing_id=...` pair taken out.
pub fn without_sharing_id(link: &str) -> String {
    let mut out = String::new();
    let mut rest = link;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&rest[..=start]);
        let url = &rest[start + 1..start + len];
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("sharing_id="))
            .collect();
        out.push_str(path);
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The `Link` header with its `rel="next"` URL's `page` set to `page`.
pub fn link_to_page(link: &str, page: u32) -> String {
    link.split(',')
        .map(|part| {
            if !part.contains("rel=\"next\"") {
                return part.to_string();
            }
            let Some((url, rest)) = part.split_once('>') else {
                return part.to_string();
            };
            let (path, query) = url.split_once('?').unwrap_or((url, ""));
            let mut pairs: Vec<String> = query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("page="))
                .map(str::to_string)
                .collect();
            pairs.push(format!("page={page}"));
            format!("{path}?{}>{rest}", pairs.join("&"))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Page `page` of a list that never ends.
pub fn endless_page(page: usize, per_page: usize, pad: usize) -> Response {
    let padding = "x".repeat(pad);
    let items: Vec<String> = (1..=per_page)
        .map(|i| format!(r#"{{"fqdn":"endless-{page}-{i}.com","pad":"{padding}"}}"#))
        .collect();
    Response::new(
        200,
        CT_SUCCESS,
        format!("[{}]", items.join(",")).into_bytes(),
    )
}

/// A JSON array of `bytes` bytes: `[`, blanks, `]`.
fn blank_array(bytes: usize) -> Vec<u8> {
    let mut body = vec![b' '; bytes.max(2)];
    body[0] = b'[';
    if let Some(last) = body.last_mut() {
        *last = b']';
    }
    body
}

pub fn huge_body(bytes: usize) -> Response {
    Response::new(200, CT_SUCCESS, blank_array(bytes))
}

/// A gzip body that inflates to a `bytes`-byte JSON array.
pub fn gzip_bomb(bytes: usize) -> Response {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    let _ = gz.write_all(b"[");
    let mut left = bytes.saturating_sub(2);
    while left > 0 {
        let n = left.min(chunk.len());
        let _ = gz.write_all(&chunk[..n]);
        left -= n;
    }
    let _ = gz.write_all(b"]");
    let body = gz.finish().unwrap_or_default();
    Response::new(200, CT_SUCCESS, body).with_header("Content-Encoding", "gzip")
}
