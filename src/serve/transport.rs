//! The HTTP transport: [hyper](https://hyper.rs) 1 speaks HTTP/1.1 on a small
//! tokio runtime; [`route`](super::route::route) decides every answer.
//!
//! hyper was chosen over `tiny_http` because it leaves accepting to us and
//! enforces its limits itself, so the preview's limits are real rather than
//! emulated around a server that owns its sockets and threads:
//! - connections are accepted here, so at most [`MAX_CONNECTIONS`] are open
//!   at once and [`MAX_PER_CLIENT`] per client address; past that a
//!   connection is answered 503 at once, before it costs anything but a
//!   write (`tiny_http` accepts every connection into its own thread pool);
//! - a client has [`HEAD_DEADLINE`] in all to send its request head (hyper's
//!   `header_read_timeout`, one timer for the whole head however it
//!   dribbles in), and a head may take [`MAX_HEAD`] bytes (hyper's
//!   `max_header_size`, answered 431); a malformed request is answered 400 by
//!   hyper's parser;
//! - a connection is a task, not a thread: the runtime has [`WORKERS`]
//!   threads whatever the load, and an open event stream is a response body
//!   fed from a channel ([`EventSender`]), so it costs no thread either, and
//!   hyper notices a page that left (the connection's end of file) and drops
//!   the channel, which the hub then sees;
//! - a write that makes no progress for [`WRITE_TIMEOUT`] ends the connection
//!   (`tokio-io-timeout`), so a reader that stops reading cannot hold its
//!   connection for ever.
//!
//! Every response closes its connection (`Connection: close`, hyper's
//! `keep_alive(false)`): a preview has few readers, on this machine or the
//! network next to it, and an idle kept-alive connection would hold one of
//! the limited connections.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc};
use tokio_io_timeout::TimeoutStream;

use super::events::Listener;
use super::route::{Body, COMMON_HEADERS, Request, Response, Version};

/// How many connections may be open at once (an event stream, once open,
/// is held by the [`Hub`](super::events::Hub) instead). More are answered
/// 503 at once.
pub const MAX_CONNECTIONS: usize = 128;

/// How many of those one client address may hold. A browser opens at most
/// six connections to a host (some of them ahead of need, left idle until the
/// request deadline); this leaves room for several, while one client that
/// opens connections by the hundred cannot keep a reader on another device
/// from being served.
pub const MAX_PER_CLIENT: usize = 32;

/// The most bytes a request head (request line and headers) may take.
pub const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its whole request head.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);

/// How long a write to a client may make no progress.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// The threads of the runtime that answers every connection.
pub const WORKERS: usize = 2;

/// How many events may wait for a page that is slow to read them; a page
/// that falls further behind is dropped (it reconnects when it reads again).
const EVENT_QUEUE: usize = 64;

/// What the transport serves.
pub trait App: Send + Sync + 'static {
    /// The answer to `request` (see [`route::route`]).
    fn answer(&self, request: &Request) -> Response;

    /// Subscribes a page to the events; gives the sender back when no more
    /// pages may listen.
    fn listen(&self, events: EventSender) -> Result<(), Option<EventSender>>;
}

/// A listening page as the hub holds it: the sending end of the channel
/// that feeds its response body.
pub struct EventSender(mpsc::Sender<Bytes>);

impl Listener for EventSender {
    fn send(&mut self, bytes: &Bytes) -> bool {
        self.0.try_send(bytes.clone()).is_ok()
    }

    fn has_left(&self) -> bool {
        self.0.is_closed()
    }
}

/// A response body: bytes, or the events of a channel until it closes.
pub enum Payload {
    /// Bytes, sent once (`None` when sent, or for none).
    Full(Option<Bytes>),
    /// An event stream.
    Events(mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for Payload {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Payload::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Payload::Events(events) => events.poll_recv(cx).map(|e| e.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Payload::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Payload::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Payload::Events(_) => SizeHint::default(),
        }
    }
}

/// The connections being answered, in all and by client address, with
/// their limits. A connection takes a [`Slot`] when accepted and gives it
/// back when it ends, however it ends, or when it becomes an event stream.
pub struct Limits {
    total: usize,
    per_client: usize,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One connection's place in [`Limits`], given back when dropped.
pub struct Slot {
    limits: Arc<Limits>,
    client: IpAddr,
}

impl Limits {
    /// At most `total` connections, `per_client` of them from one address.
    pub fn new(total: usize, per_client: usize) -> Arc<Limits> {
        Arc::new(Limits { total, per_client, open: Mutex::new((0, HashMap::new())) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, HashMap<IpAddr, usize>)> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A slot for a connection from `client`, unless that would pass a limit.
    pub fn acquire(self: &Arc<Self>, client: IpAddr) -> Option<Slot> {
        let mut open = self.lock();
        let (total, by_client) = &mut *open;
        let mine = by_client.entry(client).or_default();
        if *total >= self.total || *mine >= self.per_client {
            if *mine == 0 {
                by_client.remove(&client);
            }
            return None;
        }
        *mine += 1;
        *total += 1;
        Some(Slot { limits: Arc::clone(self), client })
    }

    /// How many connections hold a slot.
    pub fn open(&self) -> usize {
        self.lock().0
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.limits.lock();
        let (total, by_client) = &mut *open;
        *total -= 1;
        if let Some(mine) = by_client.get_mut(&self.client) {
            *mine -= 1;
            if *mine == 0 {
                by_client.remove(&self.client);
            }
        }
    }
}

/// A running transport; [`Running::stop`] ends it.
pub struct Running {
    stop: Arc<Notify>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets the connections still open end for up to a
    /// second (event streams end once the hub lets go of them), then drops
    /// the rest.
    pub fn stop(mut self) {
        self.stop.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves `listener` with `app` within `limits` on a runtime of its own,
/// driven from a thread named `craftpub-accept`.
pub fn start(listener: std::net::TcpListener, app: Arc<dyn App>, limits: Arc<Limits>) -> io::Result<Running> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("craftpub-http")
        .enable_io()
        .enable_time()
        .build()?;
    let stop = Arc::new(Notify::new());
    let thread = std::thread::Builder::new().name("craftpub-accept".into()).spawn({
        let stop = Arc::clone(&stop);
        move || {
            runtime.block_on(accept(listener, app, limits, stop));
            runtime.shutdown_timeout(Duration::from_millis(100));
        }
    })?;
    Ok(Running { stop, thread: Some(thread) })
}

/// Accepts connections until told to stop, each answered on a task of its
/// own within `limits`; one past the limits is answered 503 at once.
async fn accept(listener: std::net::TcpListener, app: Arc<dyn App>, limits: Arc<Limits>, stop: Arc<Notify>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    // Held by every connection task, to know when they have all ended.
    let live = Arc::new(());
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop.notified() => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            // Out of file descriptors, say: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let client = peer.ip();
        let Some(slot) = limits.acquire(client) else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let (app, live) = (Arc::clone(&app), Arc::clone(&live));
        tokio::spawn(async move {
            let _live = live;
            connection(stream, slot, app).await;
        });
    }
    drop(listener);
    let deadline = Instant::now() + Duration::from_secs(1);
    while Arc::strong_count(&live) > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Answers a connection past the limits before it sends anything: hyper
/// answers requests, and this connection is refused before it may send one.
async fn refuse(mut stream: TcpStream) {
    let busy = Response::plain(503, "busy: too many connections");
    let bytes = busy.bytes();
    let mut out = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        busy.content_type,
        bytes.len()
    );
    for (name, value) in COMMON_HEADERS.iter().copied().chain(busy.headers.iter().map(|(n, v)| (*n, v.as_str()))) {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut all = out.into_bytes();
    all.extend_from_slice(bytes);
    // A fresh connection's send buffer is empty: this does not wait.
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(&all)).await;
}

/// Serves one connection with hyper: one request, one response.
async fn connection(stream: TcpStream, slot: Slot, app: Arc<dyn App>) {
    let _ = stream.set_nodelay(true);
    let mut io = TimeoutStream::new(stream);
    io.set_write_timeout(Some(WRITE_TIMEOUT));
    let io = TokioIo::new(Box::pin(io));
    let slot = Arc::new(Mutex::new(Some(slot)));
    let service = service_fn(move |request| {
        let answer = answer(&*app, &request, &slot);
        async move { Ok::<_, Infallible>(answer) }
    });
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_DEADLINE)
        .max_header_size(MAX_HEAD)
        .keep_alive(false)
        .title_case_headers(true)
        .serve_connection(io, service)
        .await;
}

/// The request as [`route`](route::route) reads it.
pub fn request_of<B>(request: &hyper::Request<B>) -> Request {
    let uri = request.uri();
    let hosts = match uri.authority() {
        Some(authority) => vec![authority.as_str().to_owned()],
        None => request
            .headers()
            .get_all(hyper::header::HOST)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect(),
    };
    let target = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    let version = if request.version() == hyper::Version::HTTP_10 { Version::Http10 } else { Version::Http11 };
    Request { method: request.method().as_str().to_owned(), target, version, hosts }
}

/// Answers one request: routes it, and subscribes an event stream to the
/// hub (giving its connection slot back: the hub has limits of its own).
fn answer(app: &dyn App, request: &hyper::Request<Incoming>, slot: &Mutex<Option<Slot>>) -> hyper::Response<Payload> {
    let request = request_of(request);
    let response = app.answer(&request);
    let payload = match &response.body {
        Body::Full(bytes) => Payload::Full(Some(bytes.clone())),
        Body::Events if request.is_head() => Payload::Full(None),
        Body::Events => {
            let (tx, rx) = mpsc::channel(EVENT_QUEUE);
            if app.listen(EventSender(tx)).is_err() {
                return to_hyper(&Response::plain(503, "too many open pages"), None);
            }
            drop(slot.lock().unwrap_or_else(PoisonError::into_inner).take());
            Payload::Events(rx)
        }
    };
    to_hyper(&response, Some(payload))
}

/// `response` as hyper sends it, with `payload` as its body (by default
/// its bytes).
fn to_hyper(response: &Response, payload: Option<Payload>) -> hyper::Response<Payload> {
    let payload = payload.unwrap_or_else(|| Payload::Full(Some(Bytes::copy_from_slice(response.bytes()))));
    let mut out = hyper::Response::new(payload);
    *out.status_mut() =
        hyper::StatusCode::from_u16(response.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    headers.insert(hyper::header::CONTENT_TYPE, HeaderValue::from_static(response.content_type));
    let extra = response.headers.iter().map(|(n, v)| (*n, v.as_str()));
    for (name, value) in COMMON_HEADERS.iter().copied().chain(extra) {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            headers.append(name, value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::events::Hub;
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream as StdStream};

    #[test]
    fn connections_are_limited_in_all_and_per_client() {
        let limits = Limits::new(5, 3);
        let (a, b, c): (IpAddr, IpAddr, IpAddr) =
            ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap(), "::1".parse().unwrap());
        let from_a: Vec<Slot> = (0..3).map(|_| limits.acquire(a).expect("a slot")).collect();
        assert!(limits.acquire(a).is_none(), "a fourth from one client");
        let from_b: Vec<Slot> = (0..2).map(|_| limits.acquire(b).expect("a slot")).collect();
        assert!(limits.acquire(c).is_none(), "a sixth in all");
        assert_eq!(limits.open(), 5);
        drop(from_a);
        assert_eq!(limits.open(), 2);
        let again = limits.acquire(a).expect("slots are given back");
        assert!(limits.acquire(c).is_some());
        drop((again, from_b));
        assert_eq!(limits.open(), 0);
        assert!(limits.lock().1.is_empty(), "no client is remembered once gone");
    }

    /// Answers every request with its own target; events from a hub.
    struct Echo {
        hub: Hub,
    }

    impl App for Echo {
        fn answer(&self, request: &Request) -> Response {
            if request.target == "/events" {
                return Response {
                    status: 200,
                    content_type: "text/event-stream",
                    headers: Vec::new(),
                    body: Body::Events,
                };
            }
            let mut r = Response::plain(200, &request.target);
            r.headers.push(("X-Host", request.hosts.join(",")));
            r
        }

        fn listen(&self, events: EventSender) -> Result<(), Option<EventSender>> {
            self.hub.subscribe(events, || "event: hello\ndata: 1\n\n".into())
        }
    }

    fn serve(total: usize, per_client: usize) -> (SocketAddr, Arc<Echo>, Arc<Limits>, Running) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Arc::new(Echo { hub: Hub::default() });
        let limits = Limits::new(total, per_client);
        let running = start(listener, app.clone(), Arc::clone(&limits)).unwrap();
        (addr, app, limits, running)
    }

    fn exchange(addr: SocketAddr, request: &[u8]) -> String {
        let mut s = StdStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(request).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn hyper_answers_what_route_says_and_refuses_bad_heads() {
        let (addr, _, limits, running) = serve(8, 8);
        let reply = exchange(addr, b"GET /a?b HTTP/1.1\r\nHost: h:1\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        let lower = reply.to_lowercase();
        for header in ["content-type: text/plain; charset=utf-8", "cache-control: no-store", "x-host: h:1"] {
            assert!(lower.contains(header), "{reply}");
        }
        assert!(lower.contains("connection: close") && lower.contains("content-length: "), "{reply}");
        assert!(reply.ends_with("200 OK: /a?b\n"), "{reply}");
        assert!(exchange(addr, b"GET http://x:2/p HTTP/1.1\r\nHost: y\r\n\r\n").contains("X-Host: x:2"));
        let head = exchange(addr, b"HEAD /a HTTP/1.0\r\n\r\n");
        assert!(head.to_lowercase().contains("content-length: 11\r\n") && head.ends_with("\r\n\r\n"), "{head}");
        assert!(exchange(addr, b"GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400 "));
        let big = format!("GET / HTTP/1.1\r\nHost: x\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(exchange(addr, big.as_bytes()).starts_with("HTTP/1.1 431 "));
        let fits = format!("GET / HTTP/1.1\r\nHost: x\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD - 100));
        assert!(exchange(addr, fits.as_bytes()).starts_with("HTTP/1.1 200 "));
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(limits.open(), 0, "every connection gave its slot back");
        running.stop();
    }

    #[test]
    fn past_the_limits_a_connection_gets_503_at_once_and_streams_hold_no_slot() {
        let (addr, app, limits, running) = serve(4, 2);
        let idle: Vec<StdStream> = (0..2).map(|_| StdStream::connect(addr).unwrap()).collect();
        let mut third = StdStream::connect(addr).unwrap();
        third.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut busy = String::new();
        third.read_to_string(&mut busy).unwrap();
        assert!(busy.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{busy}");
        assert!(busy.ends_with("busy: too many connections\n"), "{busy}");
        drop(idle);
        std::thread::sleep(Duration::from_millis(100));

        // Two event streams, then a page may still load: they hold no slot.
        let mut streams = Vec::new();
        for _ in 0..2 {
            let mut s = StdStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 512];
            while !String::from_utf8_lossy(&got).contains("data: 1") {
                let n = s.read(&mut buf).unwrap();
                assert!(n > 0);
                got.extend_from_slice(&buf[..n]);
            }
            let got = String::from_utf8_lossy(&got).to_lowercase();
            assert!(got.starts_with("http/1.1 200 ok") && got.contains("content-type: text/event-stream"), "{got}");
            streams.push(s);
        }
        assert!(exchange(addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 200"));
        // The page's connection gives its slot back once its task ends, just
        // after the response: wait for it on a busy machine.
        let deadline = Instant::now() + Duration::from_secs(5);
        while limits.open() > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!((app.hub.len(), limits.open()), (2, 0));

        // A page that leaves is found without sending to it.
        drop(streams.pop());
        let deadline = Instant::now() + Duration::from_secs(5);
        while app.hub.forget_left() > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(app.hub.len(), 1, "the page that left was never noticed");

        // The hub's events reach the page; letting go ends its stream.
        app.hub.broadcast(|| "event: reload\ndata: 2\n\n".into());
        let mut s = streams.pop().unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        while !String::from_utf8_lossy(&got).contains("data: 2") {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        app.hub.close_all();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        assert!(String::from_utf8_lossy(&rest).ends_with("0\r\n\r\n"), "the stream ends cleanly");
        running.stop();
    }

    #[test]
    fn a_client_has_the_head_deadline_in_all_however_it_sends() {
        // A byte every 200 ms: each read is quick, the head never ends.
        let (addr, _, limits, running) = serve(8, 8);
        let mut s = StdStream::connect(addr).unwrap();
        let started = Instant::now();
        let mut cut = false;
        while started.elapsed() < HEAD_DEADLINE + Duration::from_secs(5) {
            if s.write_all(b"a").is_err() {
                cut = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let took = started.elapsed();
        assert!(cut, "a client sending a byte every 200 ms was never cut off");
        assert!(took >= HEAD_DEADLINE && took < HEAD_DEADLINE + Duration::from_secs(3), "{took:?}");
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(limits.open(), 0);
        running.stop();
    }
}
