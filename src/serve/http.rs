//! A deliberately small HTTP/1.1 server side: reading one request head,
//! validating its path, and writing one response.
//!
//! Every response closes the connection (`Connection: close`): a preview has
//! one reader on the same machine, so keep-alive would save little and cost a
//! thread per idle connection. Request bodies are never read. Only `GET` and
//! `HEAD` are served; the request target must be in origin form
//! (`/path?query`).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The most bytes a request head (request line and headers) may take.
pub const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its whole request head (see
/// [`Deadline`]).
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a write to a client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// A request method the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: headers and body.
    Get,
    /// `HEAD`: the headers `GET` would send, without the body.
    Head,
}

/// A parsed, validated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET` or `HEAD`.
    pub method: Method,
    /// The decoded path: starts with `/`, has no `.` or `..` segment, no
    /// empty segment but a trailing one, no backslash and no control character.
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
}

/// Why a request was refused before it reached the site.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The request is not well-formed HTTP/1.x, or its path is unsafe.
    #[error("bad request: {0}")]
    Malformed(&'static str),
    /// The method is neither GET nor HEAD.
    #[error("method not allowed")]
    Method,
    /// The request head is larger than [`MAX_HEAD`].
    #[error("request head too large")]
    TooLarge,
    /// An HTTP version other than 1.0 and 1.1.
    #[error("HTTP version not supported")]
    Version,
}

impl RequestError {
    /// The status code and reason phrase that answer this error.
    pub fn status(&self) -> (u16, &'static str) {
        match self {
            RequestError::Malformed(_) => (400, "Bad Request"),
            RequestError::Method => (405, "Method Not Allowed"),
            RequestError::TooLarge => (431, "Request Header Fields Too Large"),
            RequestError::Version => (505, "HTTP Version Not Supported"),
        }
    }
}

/// Reads from a stream until a deadline. Each read waits at most for what is
/// left, so a client that sends its request a byte at a time (or connects
/// and sends nothing) holds its connection no longer than the deadline,
/// where a timeout per read would let it hold it for ever.
pub struct Deadline<'a> {
    stream: &'a TcpStream,
    until: Instant,
}

impl<'a> Deadline<'a> {
    /// Reads from `stream` for at most `timeout` from now.
    pub fn new(stream: &'a TcpStream, timeout: Duration) -> Self {
        Deadline { stream, until: Instant::now() + timeout }
    }
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

/// Reads a request head from `stream`: `Ok(None)` when the client closed the
/// connection or timed out before sending a complete head. A head longer
/// than [`MAX_HEAD`] is refused, however it arrives.
pub fn read_head(stream: &mut impl Read) -> Result<Option<Vec<u8>>, RequestError> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok(None),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Ok(None),
        };
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = find_head_end(&head[from..]) {
            // The end may come in the read that crossed the limit.
            if from + end > MAX_HEAD {
                return Err(RequestError::TooLarge);
            }
            head.truncate(from + end);
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Err(RequestError::TooLarge);
        }
    }
}

/// The end of the head (the index after its blank line) in `bytes`.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find_map(|i| {
        if bytes[i..].starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if bytes[i..].starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        }
    })
}

/// Parses and validates a request head.
pub fn parse_head(head: &[u8]) -> Result<Request, RequestError> {
    let text = std::str::from_utf8(head).map_err(|_| RequestError::Malformed("not UTF-8"))?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !m.is_empty() && !t.is_empty() => (m, t, v),
        _ => return Err(RequestError::Malformed("request line")),
    };
    if !method.bytes().all(is_tchar) {
        return Err(RequestError::Malformed("method"));
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.len() == 8
            && v.starts_with("HTTP/")
            && v.as_bytes()[5].is_ascii_digit()
            && v.as_bytes()[6] == b'.'
            && v.as_bytes()[7].is_ascii_digit() =>
        {
            return Err(RequestError::Version);
        }
        _ => return Err(RequestError::Malformed("HTTP version")),
    };
    let mut host = false;
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (name, _value) = line.split_once(':').ok_or(RequestError::Malformed("header line"))?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(RequestError::Malformed("header name"));
        }
        if name.eq_ignore_ascii_case("host") {
            host = true;
        }
    }
    if http11 && !host {
        return Err(RequestError::Malformed("HTTP/1.1 request without Host"));
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => return Err(RequestError::Method),
    };
    let target = target.split('#').next().unwrap_or_default();
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (target, None),
    };
    let path = decode_path(raw_path)?;
    Ok(Request { method, path, query })
}

/// Whether `b` may appear in an HTTP token (a method or header name).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Percent-decodes a request path and refuses every form that could name
/// something outside the site: `.` and `..` segments (also when encoded as
/// `%2e%2e` or followed by an encoded `%2f`), backslashes, empty segments
/// (`//etc/passwd`), NUL and other control characters, and anything that is
/// not an absolute path in origin form.
pub fn decode_path(raw: &str) -> Result<String, RequestError> {
    if !raw.starts_with('/') {
        return Err(RequestError::Malformed("the path must start with /"));
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or(RequestError::Malformed("bad percent-encoding"))?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    let path = String::from_utf8(out).map_err(|_| RequestError::Malformed("path not UTF-8"))?;
    if path.chars().any(|c| c.is_control()) {
        return Err(RequestError::Malformed("control character in path"));
    }
    if path.contains('\\') {
        return Err(RequestError::Malformed("backslash in path"));
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if *seg == "." || *seg == ".." {
            return Err(RequestError::Malformed("dot segment in path"));
        }
        if seg.is_empty() && i != last {
            return Err(RequestError::Malformed("empty segment in path"));
        }
    }
    Ok(path)
}

/// The `Content-Type` for a file name, by extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/vnd.microsoft.icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// One response, written whole.
pub struct Response<'a> {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: &'static str,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Further headers.
    pub headers: Vec<(&'static str, String)>,
    /// The body (its length is sent for HEAD too, the bytes are not).
    pub body: &'a [u8],
}

impl Response<'_> {
    /// Writes the response; `head_only` leaves the body out.
    pub fn write_to(&self, out: &mut impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(self.body)?;
        }
        out.flush()
    }
}

/// A plain-text response for an error status.
pub fn plain(status: u16, reason: &'static str, text: &str, head_only: bool, out: &mut impl Write) {
    let body = format!("{status} {reason}: {text}\n");
    let mut response = Response {
        status,
        reason,
        content_type: "text/plain; charset=utf-8",
        headers: Vec::new(),
        body: body.as_bytes(),
    };
    if status == 405 {
        response.headers.push(("Allow", "GET, HEAD".into()));
    }
    let _ = response.write_to(out, head_only);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Request, RequestError> {
        parse_head(s.as_bytes())
    }

    #[test]
    fn parses_get_and_head() {
        let r = parse("GET /en/2.0/?x=1 HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, "/en/2.0/");
        assert_eq!(r.query.as_deref(), Some("x=1"));
        let r = parse("HEAD /a%20b.html HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!(r.method, Method::Head);
        assert_eq!(r.path, "/a b.html");
    }

    #[test]
    fn refuses_malformed_requests() {
        for bad in [
            "GET\r\n\r\n",
            "GET / HTTP/1.1 x\r\nHost: a\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTX\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\nHost: a\r\n\r\n",
            "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
        ] {
            assert!(matches!(parse(bad), Err(RequestError::Malformed(_))), "{bad:?}: {:?}", parse(bad));
        }
        assert_eq!(parse("POST / HTTP/1.1\r\nHost: a\r\n\r\n"), Err(RequestError::Method));
        assert_eq!(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), Err(RequestError::Version));
    }

    #[test]
    fn refuses_every_path_that_could_escape() {
        for bad in [
            "/../etc/passwd",
            "/en/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2fetc/passwd",
            "/en/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/en/..",
            "/./index.html",
            "/en/.%2e/x",
            "/..\\etc\\passwd",
            "/%5c..%5cetc",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/a%00.html",
            "/index.html%00",
            "/%0d%0aSet-Cookie:x",
            "/%zz",
            "/%2",
            "/%ff%fe",
            "etc/passwd",
            "http://x/etc/passwd",
            "*",
        ] {
            assert!(decode_path(bad).is_err(), "{bad} was accepted");
        }
        for good in ["/", "/en/2.0/", "/en/2.0/module-1.html", "/a..b/c.d", "/x%20y"] {
            assert!(decode_path(good).is_ok(), "{good} was refused");
        }
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.woff2"), "font/woff2");
        assert_eq!(content_type("data.CSV"), "text/csv; charset=utf-8");
        assert_eq!(content_type("api/index.json"), "application/json");
        assert_eq!(content_type("v.zip"), "application/zip");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(content_type("dir.d/noext"), "application/octet-stream");
    }

    #[test]
    fn reads_a_head_and_stops_at_the_limit() {
        let mut input: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nbody";
        let head = read_head(&mut input).unwrap().unwrap();
        assert!(head.ends_with(b"\r\n\r\n"));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(MAX_HEAD));
        let mut input = big.as_bytes();
        assert_eq!(read_head(&mut input), Err(RequestError::TooLarge));
        let mut input: &[u8] = b"GET / HTTP/1.1\r\n";
        assert_eq!(read_head(&mut input), Ok(None));
        // A head that ends just past the limit, in the read that crosses it.
        let head = |len: usize| format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(len - 23));
        assert_eq!(head(MAX_HEAD).len(), MAX_HEAD);
        assert!(read_head(&mut head(MAX_HEAD).as_bytes()).unwrap().is_some());
        assert_eq!(read_head(&mut head(MAX_HEAD + 1).as_bytes()), Err(RequestError::TooLarge));
        assert_eq!(read_head(&mut head(MAX_HEAD + 1000).as_bytes()), Err(RequestError::TooLarge));
    }

    #[test]
    fn a_deadline_bounds_the_whole_head_not_each_read() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let started = Instant::now();
        let dribble = std::thread::spawn(move || {
            // One byte every 50 ms: each read is quick, the head never ends.
            while client.write_all(b"a").is_ok() && started.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let read = read_head(&mut Deadline::new(&server, Duration::from_millis(400)));
        let took = started.elapsed();
        assert_eq!(read, Ok(None));
        assert!(took < Duration::from_secs(3), "{took:?}");
        drop(server);
        dribble.join().unwrap();
    }
}
