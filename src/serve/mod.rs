//! `craftpub serve`: a live preview of the whole site, every version and
//! language at once.
//!
//! The site is built with the same pipeline as `craftpub build`
//! ([`crate::check()`], then [`crate::site::render_site`], reusing the
//! editions, diffs and histories whose sources did not change) and served **from
//! memory**, not from an output folder. That was chosen because:
//! - a request can only ever name a file the renderer produced: paths are
//!   looked up in the rendered map, so no path, symbolic link or hard link
//!   can lead outside the site, whatever the file system holds;
//! - swapping in a new site is one pointer swap under a lock
//!   ([`RwLock`]`<`[`Arc`]`<..>>`): a reader gets the old site or the new
//!   one, never a half-written folder, and nothing races a writer on disk;
//! - the preview never touches `public/`, so it cannot clobber a build.
//!
//! The HTTP side uses std's [`TcpListener`] and a short-lived thread per
//! connection, at most [`MAX_CONNECTIONS`] at once and [`MAX_PER_CLIENT`] per
//! client address (see [`http`]), so that connections left idle cannot keep
//! others waiting; open pages listen on a Server-Sent Events stream (see
//! [`events`]) that costs no thread. A watcher thread ([`watch`]) debounces
//! changes to `standard/`, `translations/` and `theme/`, rebuilds, and tells
//! the pages to reload; when the sources have errors the last good site stays
//! up and every HTML page carries an overlay listing them ([`inject`]).

pub mod events;
pub mod http;
pub mod inject;
pub mod watch;

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::BuildError;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::files::SiteFiles;
use crate::site::cache::RenderCache;
use events::Hub;
use http::{Method, Request, Response};
use inject::Injection;
use watch::{Fingerprint, WatchSet};

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Options {
    /// The project folder, holding `standard/`, `translations/` and `theme/`.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port to listen on; 0 picks a free one.
    pub port: u16,
    /// How long the sources must stay quiet after a change before a rebuild.
    pub debounce: Duration,
    /// Whether to watch the sources and reload pages.
    pub watch: bool,
    /// Whether to print progress and diagnostics to stderr.
    pub log: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            root: PathBuf::from("."),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8000,
            debounce: DEBOUNCE,
            watch: true,
            log: true,
        }
    }
}

/// The default quiet period after a change: long enough for an editor's
/// write-then-rename save and for `git checkout` of a few files to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// The longest a rebuild waits while changes keep coming.
const MAX_DELAY: Duration = Duration::from_secs(1);

/// How often open pages are pinged, which also finds pages that left.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// How many connections may be answered at once, each on its own thread
/// (from accepting it until its answer is written; an event stream, once
/// open, is held by the [`Hub`] instead). More are answered 503 at once.
pub const MAX_CONNECTIONS: usize = 128;

/// How many of those one client address may hold. A browser opens at most
/// six connections to a host (some of them ahead of need, left idle until the
/// request deadline); this leaves room for several, while one client that
/// opens connections by the hundred cannot keep a reader on another device
/// from being served.
pub const MAX_PER_CLIENT: usize = 32;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The project folder does not exist.
    #[error("{0}: no such folder; pass the project folder (holding standard/) with --root")]
    NoRoot(PathBuf),
    /// Listening failed, typically because the port is in use.
    #[error("cannot listen on {addr}: {source}; is another server using this port? Choose another with --port")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A thread of the server could not be started.
    #[error("cannot start a server thread: {0}")]
    Thread(std::io::Error),
}

/// A build the server can show: the site and what is known about its sources.
struct State {
    /// The last good site; `None` until a build succeeds.
    site: Option<Arc<SiteFiles>>,
    /// Names the site: changes whenever a new site (or the end of an error)
    /// is served, and differs between server runs.
    build: String,
    /// Set while the last rebuild failed: every diagnostic, for the overlay.
    problems: Option<Arc<Vec<Diagnostic>>>,
}

impl State {
    /// The `hello` event that opens an event stream.
    fn hello(&self) -> String {
        let data = json!({
            "build": self.build,
            "failed": self.problems.is_some(),
            "problems": self.problems.as_deref().map(Vec::as_slice).unwrap_or_default(),
        });
        events::format_event("hello", &data.to_string())
    }
}

/// What the threads share.
struct Shared {
    root: PathBuf,
    state: RwLock<Arc<State>>,
    hub: Hub,
    stop: AtomicBool,
    epoch: String,
    log: bool,
}

impl Shared {
    fn state(&self) -> Arc<State> {
        Arc::clone(&self.state.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn set_state(&self, state: State) {
        *self.state.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(state);
    }
}

/// Writes a line to the terminal (stderr) if `on`; a closed terminal is
/// not an error.
fn log(on: bool, args: std::fmt::Arguments<'_>) {
    if on {
        let _ = writeln!(std::io::stderr().lock(), "{args}");
    }
}

macro_rules! say {
    ($on:expr, $($t:tt)*) => { log($on, format_args!($($t)*)) };
}

/// The outcome of one build attempt.
pub enum Build {
    /// The site, and the warnings found on the way.
    Site(Arc<SiteFiles>, Diagnostics),
    /// Every diagnostic (errors first among equals), when there is no site.
    Failed(Vec<Diagnostic>),
}

/// Checks and renders the project at `root` in memory, as `craftpub build`
/// would ([`crate::build_in_memory`]), without writing anything, reusing
/// from `cache` the editions, diffs and histories whose sources did not change. A failure
/// after the check (a template, the search scripts) becomes one more
/// diagnostic; so does a panic, so the server survives it.
pub fn build_site(root: &Path, cache: &mut RenderCache) -> Build {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::build_in_memory(root, Some(cache))));
    let failure = |file: &str, message: String, fix: &str| {
        Build::Failed(vec![Diagnostic {
            severity: Severity::Error,
            file: PathBuf::from(file),
            line: 0,
            message,
            fix: fix.into(),
        }])
    };
    match attempt {
        Ok(Ok((files, warnings))) => Build::Site(files, warnings),
        Ok(Err(BuildError::Sources(diags))) => Build::Failed(diags.sorted()),
        Ok(Err(BuildError::Render(e @ crate::render::RenderError::Download(_)))) => {
            failure(".", e.to_string(), "see the message; the last good site stays up")
        }
        Ok(Err(BuildError::Render(e))) => {
            failure("theme/templates", e.to_string(), "correct the template named in the message, or the data it uses")
        }
        Ok(Err(BuildError::Search(e))) => {
            failure("theme/node_modules", e.to_string(), "run `npm ci` in theme/ (bash .ci/run does it)")
        }
        Ok(Err(e)) => failure(".", e.to_string(), "see the message"),
        Err(_) => failure(
            ".",
            "craftpub failed unexpectedly while building (a bug in craftpub)".into(),
            "report the change that caused it; the last good site stays up",
        ),
    }
}

/// The paths (as site paths, e.g. `/en/2.0/module-1.html`) whose bytes
/// differ between two sites, including added and removed ones.
pub fn changed_pages(old: &SiteFiles, new: &SiteFiles) -> Vec<String> {
    let mut out: Vec<String> =
        new.iter().filter(|(path, bytes)| old.get(*path) != Some(bytes)).map(|(path, _)| format!("/{path}")).collect();
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).map(|p| format!("/{p}")));
    out.sort();
    out
}

/// Beyond this many changed pages, a reload event says "all pages".
const MAX_LISTED_CHANGES: usize = 200;

/// A running server. Dropping it without [`shutdown`](Server::shutdown)
/// leaves its threads running until the process ends.
pub struct Server {
    shared: Arc<Shared>,
    addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
    watcher: Option<JoinHandle<()>>,
    wake_watcher: mpsc::Sender<Msg>,
}

/// What the watcher thread is told.
enum Msg {
    /// Something happened in a watched folder.
    Fs(notify::Result<notify::Event>),
    /// The server stops.
    Stop,
}

impl Server {
    /// Builds the site (errors do not stop it: they are shown until fixed),
    /// starts listening and, if asked, watching. Diagnostics go to stderr.
    pub fn start(options: &Options) -> Result<Server, ServeError> {
        if !options.root.is_dir() {
            return Err(ServeError::NoRoot(options.root.clone()));
        }
        let root = std::fs::canonicalize(&options.root).map_err(|_| ServeError::NoRoot(options.root.clone()))?;
        let addr = SocketAddr::new(options.bind, options.port);
        let listener = TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
        let addr = listener.local_addr().map_err(|source| ServeError::Bind { addr, source })?;

        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| format!("{:x}", d.as_millis()))
            .unwrap_or_default();
        let shared = Arc::new(Shared {
            root: root.clone(),
            state: RwLock::new(Arc::new(State { site: None, build: format!("{epoch}-0"), problems: None })),
            hub: Hub::default(),
            stop: AtomicBool::new(false),
            epoch,
            log: options.log,
        });

        // Watch before the first build, so that no save after it is missed.
        let (wake_watcher, messages) = mpsc::channel();
        let watching = if options.watch { start_watching(&root, wake_watcher.clone(), options.log) } else { None };
        let mut rebuilder =
            Rebuilder { shared: Arc::clone(&shared), fingerprint: None, count: 0, cache: RenderCache::new() };
        rebuilder.rebuild();

        let acceptor = spawn("craftpub-accept", {
            let shared = Arc::clone(&shared);
            move || accept_into(&listener, &shared, &Limits::new(MAX_CONNECTIONS, MAX_PER_CLIENT))
        })?;
        let watcher = match watching {
            Some(watching) => {
                let debounce = options.debounce;
                Some(spawn("craftpub-watch", move || watch_loop(rebuilder, watching, debounce, messages))?)
            }
            None => None,
        };
        Ok(Server { shared, addr, acceptor: Some(acceptor), watcher, wake_watcher })
    }

    /// The address the server listens on (with the port picked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the site's front page.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting, closes the event streams and stops watching.
    /// Requests being answered finish on their own (each is bounded by
    /// timeouts).
    pub fn shutdown(mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor, blocked in accept(), with one connection.
        let wake = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), self.addr.port()),
            IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), self.addr.port()),
            _ => self.addr,
        };
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        let _ = self.wake_watcher.send(Msg::Stop);
        self.shared.hub.close_all();
        for handle in [self.acceptor.take(), self.watcher.take()].into_iter().flatten() {
            let _ = handle.join();
        }
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, ServeError> {
    thread::Builder::new().name(name.into()).spawn(f).map_err(ServeError::Thread)
}

/// The connections being answered, in all and by client address, with
/// their limits. A connection takes a [`Slot`] before its thread starts and
/// gives it back when the thread ends, however it ends.
struct Limits {
    total: usize,
    per_client: usize,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One connection's place in [`Limits`], given back when dropped.
struct Slot {
    limits: Arc<Limits>,
    client: IpAddr,
}

impl Limits {
    fn new(total: usize, per_client: usize) -> Arc<Limits> {
        Arc::new(Limits { total, per_client, open: Mutex::new((0, HashMap::new())) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, HashMap<IpAddr, usize>)> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A slot for a connection from `client`, unless that would pass a limit.
    fn acquire(self: &Arc<Self>, client: IpAddr) -> Option<Slot> {
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

    /// How many connections are open.
    #[cfg(test)]
    fn open(&self) -> usize {
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

/// Accepts connections, each answered on a thread of its own within
/// `limits`, until told to stop. A connection past the limits is answered
/// 503 at once, without a thread.
fn accept_into(listener: &TcpListener, shared: &Arc<Shared>, limits: &Arc<Limits>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let mut stream = match stream {
            Ok(stream) => stream,
            // Out of file descriptors, say: wait a little rather than spin.
            Err(_) => {
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let client = stream.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let Some(slot) = limits.acquire(client) else {
            // A fresh connection's send buffer is empty: this does not wait.
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            http::plain(503, "Service Unavailable", "busy: too many connections", false, &mut stream);
            continue;
        };
        let _ = stream.set_write_timeout(Some(http::WRITE_TIMEOUT));
        let log = shared.log;
        let shared = Arc::clone(shared);
        let answer = move || {
            let _slot = slot;
            // A bug in answering one request must not stop the server.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(stream, &shared)));
        };
        // If no thread can be had, the connection is closed unanswered.
        if let Err(e) = thread::Builder::new().name("craftpub-http".into()).spawn(answer) {
            say!(log, "craftpub serve: cannot start a thread for a connection: {e}");
        }
    }
}

/// Answers one connection.
fn handle(mut stream: TcpStream, shared: &Shared) {
    let head = http::read_head(&mut http::Deadline::new(&stream, http::READ_TIMEOUT));
    let request = match head.and_then(|h| match h {
        Some(head) => http::parse_head(&head).map(Some),
        None => Ok(None),
    }) {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(e) => {
            let (status, reason) = e.status();
            http::plain(status, reason, &e.to_string(), false, &mut stream);
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    };
    let head_only = request.method == Method::Head;
    if request.path == inject::EVENTS_URL {
        if head_only {
            let _ = stream.write_all(events::STREAM_HEAD.as_bytes());
            return;
        }
        let first = || shared.state().hello();
        if let Err(Some(mut stream)) = shared.hub.subscribe(stream, first) {
            http::plain(503, "Service Unavailable", "too many open pages", false, &mut stream);
        }
        return;
    }
    respond(&request, shared, &mut stream);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Answers a request for a page or file of the site.
fn respond(request: &Request, shared: &Shared, out: &mut TcpStream) {
    let head_only = request.method == Method::Head;
    let script = match request.path.as_str() {
        inject::SCRIPT_URL => Some(inject::SCRIPT),
        inject::WORKER_URL => Some(inject::WORKER),
        _ => None,
    };
    if let Some(script) = script {
        let _ = Response {
            status: 200,
            reason: "OK",
            content_type: http::content_type(".js"),
            headers: Vec::new(),
            body: script.as_bytes(),
        }
        .write_to(out, head_only);
        return;
    }
    let state = shared.state();
    let problems = state.problems.as_deref().map(Vec::as_slice);
    let Some(site) = state.site.as_deref() else {
        // No good build yet: a page that shows the errors and waits.
        let body = Injection { build: &state.build, missing: true, problems }.apply(inject::waiting_page());
        let _ = Response {
            status: 503,
            reason: "Service Unavailable",
            content_type: http::content_type("x.html"),
            headers: vec![("Retry-After", "1".into())],
            body: &body,
        }
        .write_to(out, head_only);
        return;
    };

    let key = &request.path[1..];
    let key = if key.is_empty() || key.ends_with('/') { format!("{key}index.html") } else { key.to_owned() };
    let (status, reason, key, missing) = if site.contains_key(&key) {
        (200, "OK", key, false)
    } else if site.contains_key(&format!("{key}/index.html")) {
        // A folder named without its slash: relative links need the slash.
        let mut location = format!("{}/", request.path);
        if let Some(q) = &request.query {
            location.push('?');
            location.push_str(q);
        }
        let _ = Response {
            status: 301,
            reason: "Moved Permanently",
            content_type: "text/plain; charset=utf-8",
            headers: vec![("Location", location)],
            body: b"moved\n",
        }
        .write_to(out, head_only);
        return;
    } else {
        (404, "Not Found", "404.html".to_owned(), true)
    };
    let Some(bytes) = site.get(&key) else {
        http::plain(404, "Not Found", "no such page", head_only, out);
        return;
    };
    let content_type = http::content_type(&key);
    let injected;
    let body: &[u8] = if content_type.starts_with("text/html") {
        injected = Injection { build: &state.build, missing, problems }.apply(bytes);
        &injected
    } else {
        bytes
    };
    let _ = Response { status, reason, content_type, headers: Vec::new(), body }.write_to(out, head_only);
}

/// Rebuilds on demand and publishes the result.
struct Rebuilder {
    shared: Arc<Shared>,
    /// The sources of the last build attempt.
    fingerprint: Option<Fingerprint>,
    count: u64,
    /// Editions and diffs of the last good build, reused when unchanged.
    cache: RenderCache,
}

impl Rebuilder {
    /// Rebuilds unless the sources are byte for byte those of the last
    /// attempt; swaps in the new site or publishes the errors.
    fn rebuild(&mut self) {
        let started = Instant::now();
        let root = &self.shared.root;
        let fingerprint = watch::fingerprint(root);
        let changed_sources = match &self.fingerprint {
            Some(old) if *old == fingerprint => return,
            Some(old) => watch::changed_files(old, &fingerprint),
            None => Vec::new(),
        };
        if !changed_sources.is_empty() {
            let names: Vec<String> = changed_sources.iter().take(5).map(|p| p.display().to_string()).collect();
            let more = changed_sources.len().saturating_sub(names.len());
            say!(
                self.shared.log,
                "craftpub serve: changed: {}{}",
                names.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            );
        }
        self.fingerprint = Some(fingerprint);
        let outcome = build_site(root, &mut self.cache);
        let elapsed = started.elapsed();
        let (reused, rendered) = self.cache.last_build();
        let parts =
            format!("{rendered} of {} editions, diffs and histories rendered, the rest reused", reused + rendered);
        let old = self.shared.state();
        match outcome {
            Build::Site(files, warnings) => {
                for d in warnings.sorted() {
                    say!(self.shared.log, "{d}");
                }
                let changed = match &old.site {
                    Some(site) => changed_pages(site, &files),
                    None => files.keys().map(|k| format!("/{k}")).collect(),
                };
                let fixed = if old.problems.is_some() { "errors fixed; " } else { "" };
                if changed.is_empty() && old.problems.is_none() {
                    say!(
                        self.shared.log,
                        "craftpub serve: rebuilt in {} ms ({parts}); no page changed",
                        elapsed.as_millis()
                    );
                    return;
                }
                self.count += 1;
                let build = format!("{}-{}", self.shared.epoch, self.count);
                let pages = files.len();
                self.shared.set_state(State { site: Some(files), build: build.clone(), problems: None });
                let listed = (changed.len() <= MAX_LISTED_CHANGES).then_some(&changed);
                let data = json!({ "build": build, "changed": listed });
                let listeners = self.shared.hub.broadcast(|| events::format_event("reload", &data.to_string()));
                if old.site.is_none() {
                    say!(self.shared.log, "craftpub serve: built {pages} files in {} ms", elapsed.as_millis());
                } else {
                    say!(
                        self.shared.log,
                        "craftpub serve: {fixed}rebuilt in {} ms ({parts}); {} file(s) changed; reloading {listeners} open page(s)",
                        elapsed.as_millis(),
                        changed.len()
                    );
                }
            }
            Build::Failed(problems) => {
                for d in &problems {
                    say!(self.shared.log, "{d}");
                }
                let errors = problems.iter().filter(|d| d.severity == Severity::Error).count();
                let problems = Arc::new(problems);
                self.shared.set_state(State {
                    site: old.site.clone(),
                    build: old.build.clone(),
                    problems: Some(Arc::clone(&problems)),
                });
                let data = json!({ "build": old.build, "problems": *problems });
                let listeners = self.shared.hub.broadcast(|| events::format_event("errors", &data.to_string()));
                say!(
                    self.shared.log,
                    "craftpub serve: {errors} error(s); {}; shown on {listeners} open page(s)",
                    if old.site.is_some() {
                        "still serving the last good build"
                    } else {
                        "nothing to serve until they are fixed"
                    }
                );
            }
        }
    }
}

/// The file system watcher and the folders it watches.
struct Watching {
    watcher: notify::RecommendedWatcher,
    watches: WatchSet,
}

/// Starts watching the sources of `root`, sending what happens to `tx`.
/// Without a watcher the server still serves; pages just do not reload.
fn start_watching(root: &Path, tx: mpsc::Sender<Msg>, log: bool) -> Option<Watching> {
    let handler = move |event| {
        let _ = tx.send(Msg::Fs(event));
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => {
            say!(log, "craftpub serve: cannot watch the sources ({e}); pages will not reload");
            return None;
        }
    };
    let mut watches = WatchSet::default();
    for problem in watches.sync(root, &mut watcher) {
        say!(log, "craftpub serve: {problem}");
    }
    Some(Watching { watcher, watches })
}

/// Watches the sources; after each burst of changes, rebuilds.
fn watch_loop(mut rebuilder: Rebuilder, watching: Watching, debounce: Duration, rx: mpsc::Receiver<Msg>) {
    let root = rebuilder.shared.root.clone();
    let Watching { mut watcher, mut watches } = watching;
    let mut first: Option<Instant> = None;
    let mut last = Instant::now();
    let mut last_beat = Instant::now();
    while !rebuilder.shared.stop.load(Ordering::SeqCst) {
        let wait = match first {
            Some(_) => debounce.saturating_sub(last.elapsed()),
            None => HEARTBEAT.saturating_sub(last_beat.elapsed()),
        };
        match rx.recv_timeout(wait) {
            Ok(Msg::Stop) => break,
            Ok(Msg::Fs(Ok(event))) => {
                watches.forget_removed(&event);
                if watch::is_source_change(&root, &event) {
                    last = Instant::now();
                    first.get_or_insert(last);
                }
            }
            Ok(Msg::Fs(Err(e))) => {
                say!(rebuilder.shared.log, "craftpub serve: watcher: {e}");
                last = Instant::now();
                first.get_or_insert(last);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if let Some(start) = first
            && (last.elapsed() >= debounce || start.elapsed() >= MAX_DELAY)
        {
            first = None;
            for problem in watches.sync(&root, &mut watcher) {
                say!(rebuilder.shared.log, "craftpub serve: {problem}");
            }
            rebuilder.rebuild();
        }
        if last_beat.elapsed() >= HEARTBEAT {
            rebuilder.shared.hub.heartbeat();
            last_beat = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_pages_lists_changed_added_and_removed_files() {
        let old: SiteFiles = [("a.html", "1"), ("b.html", "2"), ("c.css", "3")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec().into()))
            .collect();
        let mut new = old.clone();
        new.insert("b.html".into(), b"changed".to_vec().into());
        new.insert("d/index.html".into(), b"new".to_vec().into());
        new.remove("c.css");
        assert_eq!(changed_pages(&old, &new), ["/b.html", "/c.css", "/d/index.html"]);
        assert!(changed_pages(&old, &old).is_empty());
    }

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
}
