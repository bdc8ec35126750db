//! The wire: a small HTTP/1.1 server on std's TcpListener (thread per connection, keep-alive, Content-Length and chunked bodies) that can also drop a connection without answering, which tiny_http cannot do.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use crate::fake::http::{standard_error, Response};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A request as read from the socket.
pub struct RawRequest {
    pub method: String,
    /// Request target as sent (path and query).
    pub target: String,
    /// Header names as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What the handler wants done with a request.
pub enum Outcome {
    Respond(Response),
    /// Close the socket without a byte of answer.
    Drop,
}

type Conns = Arc<Mutex<Vec<(TcpStream, JoinHandle<()>)>>>;

pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    conns: Conns,
}

impl Server {
    /// Serves `listener` on background threads until dropped.
    pub fn spawn<H>(listener: TcpListener, stop: Arc<AtomicBool>, handler: H) -> io::Result<Server>
    where
        H: Fn(RawRequest) -> Outcome + Send + Sync + 'static,
    {
        let addr = listener.local_addr()?;
        let handler = Arc::new(handler);
        let conns: Conns = Arc::new(Mutex::new(Vec::new()));
        let acceptor = {
            let stop = stop.clone();
            let conns = conns.clone();
            std::thread::Builder::new()
                .name("fake-gandi-accept".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let Ok(clone) = stream.try_clone() else {
                            continue;
                        };
                        let handler = handler.clone();
                        let spawned = std::thread::Builder::new()
                            .name("fake-gandi-conn".into())
                            .spawn(move || serve(stream, handler.as_ref()));
                        if let Ok(join) = spawned {
                            let mut list = conns.lock().unwrap_or_else(PoisonError::into_inner);
                            list.retain(|(_, j)| !j.is_finished());
                            list.push((clone, join));
                        }
                    }
                })?
        };
        Ok(Server {
            addr,
            stop,
            acceptor: Some(acceptor),
            conns,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        let conns = std::mem::take(&mut *self.conns.lock().unwrap_or_else(PoisonError::into_inner));
        for (stream, _) in &conns {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for (_, join) in conns {
            let _ = join.join();
        }
    }
}

fn serve<H>(stream: TcpStream, handler: &H)
where
    H: Fn(RawRequest) -> Outcome,
{
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let req = match read_request(&mut reader, &mut writer) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(ReadError::Io) => return,
            Err(ReadError::Bad(status)) => {
                let resp = standard_error(status).finish(std::time::SystemTime::now());
                let _ = write_response(&mut writer, &resp, false, false);
                return;
            }
        };
        let keep_alive = !header_has(&req.headers, "connection", "close");
        let head = req.method == "HEAD";
        match handler(req) {
            Outcome::Drop => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Outcome::Respond(resp) => {
                if write_response(&mut writer, &resp, keep_alive, head).is_err() || !keep_alive {
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
            }
        }
    }
}

enum ReadError {
    Io,
    Bad(u16),
}

fn header_has(headers: &[(String, String)], name: &str, token: &str) -> bool {
    headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case(name) && v.split(',').any(|p| p.trim().eq_ignore_ascii_case(token))
    })
}

fn read_line(r: &mut impl BufRead, budget: &mut usize) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|_| ReadError::Io)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(ReadError::Bad(431));
    }
    *budget -= n;
    if !buf.ends_with(b"\n") {
        return Err(ReadError::Io);
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ReadError::Bad(400))
}

fn read_request(
    r: &mut BufReader<TcpStream>,
    w: &mut TcpStream,
) -> Result<Option<RawRequest>, ReadError> {
    let mut budget = MAX_HEAD;
    // Skip stray blank lines between requests (RFC 9112 §2.2).
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400));
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") || method.is_empty() || target.is_empty() {
        return Err(ReadError::Bad(400));
    }
    let mut headers = Vec::new();
    loop {
        let l = read_line(r, &mut budget)?.ok_or(ReadError::Io)?;
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').ok_or(ReadError::Bad(400))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    if version == "HTTP/1.0" && !header_has(&headers, "connection", "keep-alive") {
        headers.push(("Connection".into(), "close".into()));
    }
    if header_has(&headers, "expect", "100-continue") {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|_| ReadError::Io)?;
    }
    let body = if header_has(&headers, "transfer-encoding", "chunked") {
        read_chunked(r)?
    } else if let Some((_, v)) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        let len: usize = v.parse().map_err(|_| ReadError::Bad(400))?;
        if len > MAX_BODY {
            return Err(ReadError::Bad(413));
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).map_err(|_| ReadError::Io)?;
        body
    } else {
        Vec::new()
    };
    Ok(Some(RawRequest {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body,
    }))
}

fn read_chunked(r: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let line = read_line(r, &mut budget)?.ok_or(ReadError::Io)?;
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| ReadError::Bad(400))?;
        if size == 0 {
            // Trailers, then the blank line.
            let mut budget = MAX_HEAD;
            while let Some(l) = read_line(r, &mut budget)? {
                if l.is_empty() {
                    break;
                }
            }
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(ReadError::Bad(413));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])
            .map_err(|_| ReadError::Io)?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf).map_err(|_| ReadError::Io)?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn write_response(
    w: &mut TcpStream,
    resp: &Response,
    keep_alive: bool,
    head: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(body) = &resp.body {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    if let (Some(body), false) = (&resp.body, head) {
        bytes.extend_from_slice(body);
    }
    w.write_all(&bytes)?;
    w.flush()
}
