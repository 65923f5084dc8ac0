//! A deliberately small HTTP/1.1 server side: reading one request head,
//! parsing it into a [`Request`], and writing one [`Response`].
//!
//! Every response closes the connection (`Connection: close`): a preview has
//! one reader on the same machine, so keep-alive would save little and cost a
//! thread per idle connection. Request bodies are never read.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::events::Listener;
use super::route::{self, COMMON_HEADERS, Request, Response, Version};

/// The most bytes a request head (request line and headers) may take.
pub const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its whole request head (see
/// [`Deadline`]).
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a write to a client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request was refused before it reached the site.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The request is not well-formed HTTP/1.x, or its path is unsafe.
    #[error("bad request: {0}")]
    Malformed(&'static str),
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

/// Parses a request head; the method, host and path are for [`route`](super::route::route) to judge.
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
    let version = match version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
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
    let mut hosts = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').ok_or(RequestError::Malformed("header line"))?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(RequestError::Malformed("header name"));
        }
        if name.eq_ignore_ascii_case("host") {
            hosts.push(value.trim().to_owned());
        }
    }
    let target = match target.strip_prefix("http://").and_then(|rest| rest.find('/').map(|at| rest.split_at(at))) {
        Some((authority, path)) => {
            hosts = vec![authority.to_owned()];
            path
        }
        None => target,
    };
    Ok(Request { method: method.to_owned(), target: target.to_owned(), version, hosts })
}

/// Whether `b` may appear in an HTTP token (a method or header name).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Writes `response` whole and closes the connection after it;
/// `head_only` leaves the body out.
pub fn write_response(response: &Response, head_only: bool, out: &mut impl Write) -> io::Result<()> {
    let body = response.bytes();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        route::reason(response.status),
        response.content_type,
        body.len()
    );
    let common = COMMON_HEADERS.iter().map(|(n, v)| (*n, *v));
    for (name, value) in common.chain(response.headers.iter().map(|(n, v)| (*n, v.as_str()))) {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if !head_only {
        out.write_all(body)?;
    }
    out.flush()
}

/// A plain-text response for an error status.
pub fn plain(status: u16, text: &str, out: &mut impl Write) {
    let _ = write_response(&Response::plain(status, text), false, out);
}

/// The response head that opens an event stream.
pub const STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n";

/// How long a send to one listening page may block before it is dropped.
pub const EVENT_WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// A page listening on its connection: events are written to it directly,
/// the first after the response head.
pub struct StreamListener {
    /// The connection.
    pub stream: TcpStream,
    /// Whether the response head was written.
    pub opened: bool,
}

impl Listener for StreamListener {
    fn send(&mut self, bytes: &Bytes) -> bool {
        let mut s = &self.stream;
        if !self.opened {
            self.opened = true;
            if s.write_all(STREAM_HEAD.as_bytes()).is_err() {
                return false;
            }
        }
        s.write_all(bytes).and_then(|()| s.flush()).is_ok()
    }

    /// Whether the page at the other end closed the stream (or it failed),
    /// found without waiting and without taking a byte from it.
    fn has_left(&self) -> bool {
        let s = &self.stream;
        if s.set_nonblocking(true).is_err() {
            return true;
        }
        let left = match s.peek(&mut [0u8; 1]) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() != io::ErrorKind::WouldBlock,
        };
        left || s.set_nonblocking(false).is_err()
    }
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
        assert_eq!((r.method.as_str(), r.target.as_str(), r.version), ("GET", "/en/2.0/?x=1", Version::Http11));
        assert_eq!(r.hosts, ["a"]);
        let r = parse("HEAD /a%20b.html HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str(), r.version), ("HEAD", "/a%20b.html", Version::Http10));
        assert!(r.hosts.is_empty());
        let r = parse("GET http://b:80/x HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
        assert_eq!((r.target.as_str(), r.hosts.as_slice()), ("/x", &["b:80".to_owned()][..]));
    }

    #[test]
    fn refuses_malformed_requests() {
        for bad in [
            "GET\r\n\r\n",
            "GET / HTTP/1.1 x\r\nHost: a\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTX\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\nHost: a\r\n\r\n",
            "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
        ] {
            assert!(matches!(parse(bad), Err(RequestError::Malformed(_))), "{bad:?}: {:?}", parse(bad));
        }
        assert_eq!(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), Err(RequestError::Version));
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
