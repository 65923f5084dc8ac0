//! `craftpub serve`: a live preview of the whole site, every version and
//! language at once.
//!
//! The site is built with the same pipeline as `craftpub build`
//! ([`crate::check()`], then [`crate::site::render_site`], reusing the
//! parts whose sources did not change) and served **from
//! memory**, not from an output folder. That was chosen because:
//! - a request can only ever name a file the renderer produced: paths are
//!   looked up in the rendered map, so no path, symbolic link or hard link
//!   can lead outside the site, whatever the file system holds;
//! - swapping in a new site is one pointer swap under a lock
//!   ([`RwLock`]`<`[`Arc`]`<..>>`): a reader gets the old site or the new
//!   one, never a half-written folder, and nothing races a writer on disk;
//! - the preview never touches `public/`, so it cannot clobber a build.
//!
//! Every answer is decided by [`route::route`], from the [`State`] being
//! shown, without sockets. The HTTP side is hyper on a small tokio runtime
//! ([`transport`]): at most [`MAX_CONNECTIONS`] connections at once and
//! [`MAX_PER_CLIENT`] per client address, 10 s for a request head, so that
//! connections left idle cannot keep others waiting; open pages listen on a
//! Server-Sent Events stream (see [`events`]) that costs no thread. A watcher
//! thread ([`watch`]) debounces changes to `standard/`, `translations/` and
//! `theme/`, rebuilds, and tells the pages to reload; when the sources have
//! errors the last good site stays
//! up and every HTML page carries an overlay listing them ([`inject`]).

pub mod events;
pub mod inject;
pub mod route;
pub mod transport;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::BuildError;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::files::SiteFiles;
use crate::site::cache::RenderCache;
use events::Hub;
use route::{Request, Response, State};
use transport::{EventSender, Limits};
pub use transport::{MAX_CONNECTIONS, MAX_PER_CLIENT};
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

impl transport::App for Shared {
    fn answer(&self, request: &Request) -> Response {
        route::route(&self.state(), request)
    }

    fn listen(&self, events: EventSender) -> Result<(), Option<EventSender>> {
        self.hub.subscribe(events, || self.state().hello())
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

/// Checks and renders the project at `root` in memory, as `craftpub build
/// --base-url BASE` would ([`crate::build_in_memory_at`]), without writing anything, reusing
/// from `cache` the parts whose sources did not change. A failure
/// after the check (a template, the search scripts) becomes one more
/// diagnostic; so does a panic, so the server survives it.
pub fn build_site(root: &Path, base: &str, cache: &mut RenderCache) -> Build {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::build_in_memory_at(root, Some(base), Some(cache))
    }));
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
    transport: Option<transport::Running>,
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
        let mut rebuilder = Rebuilder {
            shared: Arc::clone(&shared),
            fingerprint: None,
            count: 0,
            cache: RenderCache::new(),
            base: format!("http://{addr}/"),
        };
        rebuilder.rebuild();

        let app: Arc<dyn transport::App> = Arc::clone(&shared) as _;
        let running = transport::start(listener, app, Limits::new(MAX_CONNECTIONS, MAX_PER_CLIENT))
            .map_err(ServeError::Thread)?;
        let watcher = match watching {
            Some(watching) => {
                let debounce = options.debounce;
                Some(spawn("craftpub-watch", move || watch_loop(rebuilder, watching, debounce, messages))?)
            }
            None => None,
        };
        Ok(Server { shared, addr, transport: Some(running), watcher, wake_watcher })
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
        let _ = self.wake_watcher.send(Msg::Stop);
        // Letting go of the event streams ends them; then the transport stops.
        self.shared.hub.close_all();
        if let Some(transport) = self.transport.take() {
            transport.stop();
        }
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, ServeError> {
    thread::Builder::new().name(name.into()).spawn(f).map_err(ServeError::Thread)
}

/// Rebuilds on demand and publishes the result.
struct Rebuilder {
    shared: Arc<Shared>,
    /// The sources of the last build attempt.
    fingerprint: Option<Fingerprint>,
    count: u64,
    /// Editions and diffs of the last good build, reused when unchanged.
    cache: RenderCache,
    /// The server's own address (`http://ADDRESS:PORT/`): the preview's base
    /// URL, so that its sitemap, alternates and canonical links name it.
    base: String,
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
        let outcome = build_site(root, &self.base, &mut self.cache);
        let elapsed = started.elapsed();
        let (reused, rendered) = self.cache.last_build();
        let parts = format!("{rendered} of {} cached parts rendered, the rest reused", reused + rendered);
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
}
