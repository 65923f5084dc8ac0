//! Running `craftpub serve` for the tests: the real binary on a free port,
//! driven over raw TCP so that no client normalises the paths we send. Every
//! wait is bounded, so a failure fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// The longest any single wait may take.
pub const WAIT: Duration = Duration::from_secs(20);

/// A running `craftpub serve`, killed when dropped.
pub struct Serve {
    /// The server process.
    pub child: Child,
    /// The address it listens on.
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    /// Starts `craftpub serve --root ROOT --port 0`; fails the test if it does not start.
    pub fn start(root: &Path) -> Serve {
        Self::try_start(root, &["--port", "0"])
            .unwrap_or_else(|(code, err)| panic!("craftpub serve did not start (exit {code:?}):\n{err}"))
    }

    /// Starts `craftpub serve --root ROOT ARGS`: the server, or its exit code and output.
    pub fn try_start(root: &Path, args: &[&str]) -> Result<Serve, (Option<i32>, String)> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_craftpub"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("craftpub runs");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(out).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(WAIT).unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("Serving on http://") else {
            let deadline = Instant::now() + WAIT;
            let code = loop {
                if let Ok(Some(status)) = child.try_wait() {
                    break status.code();
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    break None;
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            std::thread::sleep(Duration::from_millis(100));
            let err = stderr.lock().unwrap().clone();
            return Err((code, format!("stdout: {line:?}\nstderr:\n{err}")));
        };
        let addr = url.trim_end_matches('/').parse().expect("an address");
        Ok(Serve { child, addr, stderr })
    }

    /// Everything the server printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether the server prints `text` on stderr within [`WAIT`] (it
    /// sends an event to the pages before it prints, and a thread reads its
    /// stderr: a busy machine can take a while).
    pub fn stderr_shows(&self, text: &str) -> bool {
        let until = std::time::Instant::now() + WAIT;
        while std::time::Instant::now() < until {
            if self.stderr().contains(text) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        self.stderr().contains(text)
    }

    /// Sends a raw request; returns (status, headers in lower case, body).
    pub fn raw(&self, request: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect_timeout(&self.addr, WAIT).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        s.write_all(request).unwrap();
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).unwrap();
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&bytes)));
        let head = String::from_utf8_lossy(&bytes[..end]).to_lowercase();
        let status = head[9..12].parse().unwrap();
        (status, head, bytes[end + 4..].to_vec())
    }

    /// Sends `GET PATH`; returns (status, headers in lower case, body as text).
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let (status, head, body) = self.raw(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    /// Opens an event stream and reads its `hello` event.
    pub fn events(&self) -> Events {
        let mut s = TcpStream::connect_timeout(&self.addr, WAIT).unwrap();
        s.write_all(b"GET /__craftpub/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            .unwrap();
        let (head, mut events) = Events::open(s);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.to_lowercase().contains("content-type: text/event-stream"), "{head}");
        let (name, _) = events.next(WAIT).expect("a hello event");
        assert_eq!(name, "hello");
        events
    }

    /// Sends SIGINT and waits (bounded) for the exit code.
    pub fn interrupt(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A subscription to the server's events.
pub struct Events {
    stream: TcpStream,
    reader: BufReader<Body>,
}

/// A response body as sent: in chunks (`Transfer-Encoding: chunked`,
/// decoded here as any HTTP/1.1 client does) or up to the end of the
/// connection.
struct Body {
    stream: TcpStream,
    chunked: bool,
    /// Bytes left in the current chunk; `None` after the last chunk.
    left: Option<usize>,
}

impl Body {
    /// One line of the chunk framing, without its CRLF.
    fn framing_line(&mut self) -> std::io::Result<String> {
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while !line.ends_with(b"\r\n") {
            if self.stream.read(&mut byte)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            line.push(byte[0]);
        }
        line.truncate(line.len() - 2);
        Ok(String::from_utf8_lossy(&line).into_owned())
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.chunked {
            return self.stream.read(buf);
        }
        match self.left {
            None => return Ok(0),
            Some(0) => {
                let size = self.framing_line()?;
                let size = usize::from_str_radix(size.split(';').next().unwrap_or_default().trim(), 16)
                    .map_err(|_| std::io::Error::other(format!("bad chunk size {size:?}")))?;
                if size == 0 {
                    self.framing_line()?;
                    self.left = None;
                    return Ok(0);
                }
                self.left = Some(size);
            }
            Some(_) => {}
        }
        let left = self.left.unwrap_or(0);
        let most = buf.len().min(left);
        let n = self.stream.read(&mut buf[..most])?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.left = Some(left - n);
        if left == n && !self.framing_line()?.is_empty() {
            return Err(std::io::Error::other("a chunk did not end with CRLF"));
        }
        Ok(n)
    }
}

impl Events {
    /// Reads the response head on `stream` (an event stream's request sent);
    /// returns the head and the events that follow it.
    pub fn open(stream: TcpStream) -> (String, Events) {
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(
                (&stream).read(&mut byte).unwrap(),
                1,
                "the head ended early: {:?}",
                String::from_utf8_lossy(&head)
            );
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let chunked = head.to_lowercase().contains("\r\ntransfer-encoding: chunked\r\n");
        let body = Body { stream: stream.try_clone().unwrap(), chunked, left: Some(0) };
        (head, Events { stream, reader: BufReader::new(body) })
    }

    /// The next event within `timeout`: (name, data), or None.
    pub fn next(&mut self, timeout: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + timeout;
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).ok()?;
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() {
                    return Some((name, data));
                }
            } else if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_owned();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
            }
        }
    }

    /// The next event; fails if there is none in time.
    pub fn expect(&mut self, what: &str) -> (String, serde_json::Value) {
        let (name, data) = self.next(WAIT).unwrap_or_else(|| panic!("no event after {what}"));
        (name, serde_json::from_str(&data).unwrap())
    }

    /// Whether the stream was closed by the server within `timeout`.
    pub fn closed_within(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 256];
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let _ = self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1))));
            match self.reader.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) => return false,
            }
        }
        false
    }
}

/// Waits (bounded) until the server's terminal output contains `needle`.
pub fn wait_for_stderr(server: &Serve, needle: &str) {
    let deadline = Instant::now() + WAIT;
    while !server.stderr().contains(needle) {
        assert!(Instant::now() < deadline, "{needle:?} never printed:\n{}", server.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
}
