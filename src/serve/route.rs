//! Routing without sockets: [`route`] answers one [`Request`] from what the
//! server shows at that moment (a [`State`]) with one [`Response`]. It reads
//! nothing from the network and writes nothing to it, so every answer the
//! preview gives is tested here without a socket, and the transport that
//! carries requests and responses (see [`super::transport`]) is replaceable.
//!
//! What is checked, in order: a request names its host (HTTP/1.1 requires a
//! `Host`, and only one), uses `GET` or `HEAD`, names a host of this machine
//! (`localhost` or an IP address, see [`is_local_host`]: a page on another
//! site that rebinds its own name to 127.0.0.1 is refused), and has a path
//! that cannot name anything outside the site ([`decode_path`]).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use bytes::Bytes;
use serde_json::json;

use super::events;
use super::inject::{self, Injection};
use crate::diagnostics::Diagnostic;
use crate::files::SiteFiles;

/// What the server shows: the site and what is known about its sources.
#[derive(Debug, Clone)]
pub struct State {
    /// The last good site; `None` until a build succeeds.
    pub site: Option<Arc<SiteFiles>>,
    /// Names the site: changes whenever a new site (or the end of an error)
    /// is served, and differs between server runs.
    pub build: String,
    /// Set while the last rebuild failed: every diagnostic, for the overlay.
    pub problems: Option<Arc<Vec<Diagnostic>>>,
}

impl State {
    /// The `hello` event that opens an event stream.
    pub fn hello(&self) -> String {
        let data = json!({
            "build": self.build,
            "failed": self.problems.is_some(),
            "problems": self.problems.as_deref().map(Vec::as_slice).unwrap_or_default(),
        });
        events::format_event("hello", &data.to_string())
    }
}

/// The HTTP version of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// HTTP/1.0: `Host` is optional.
    Http10,
    /// HTTP/1.1: `Host` is required.
    Http11,
}

/// One request, as the transport received it (syntax already checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, as sent (`GET`, `HEAD`, `POST`...).
    pub method: String,
    /// The request target's path and query, as sent (not decoded).
    pub target: String,
    /// The HTTP version.
    pub version: Version,
    /// Every `Host` the request names: the values of its `Host` headers, or
    /// the authority of a target in absolute form (`GET http://host/path`).
    pub hosts: Vec<String>,
}

impl Request {
    /// An HTTP/1.1 `GET` of `target` for `Host: localhost` (for tests and
    /// tools).
    pub fn get(target: &str) -> Request {
        Request {
            method: "GET".into(),
            target: target.into(),
            version: Version::Http11,
            hosts: vec!["localhost".into()],
        }
    }

    /// Whether only the head of the response is wanted.
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// What a response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// These bytes (the transport sends their length for `HEAD` too, not them).
    Full(Bytes),
    /// An event stream: the transport subscribes the connection to the
    /// server's [`events::Hub`], which sends the first event.
    Events,
}

/// One response, before a transport writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// Further headers (`Cache-Control: no-store` and
    /// `X-Content-Type-Options: nosniff` go on every response: see
    /// [`COMMON_HEADERS`]).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body,
}

/// The headers every response carries: a preview must never be cached, and
/// a file is only ever what its type says.
pub const COMMON_HEADERS: [(&str, &str); 2] = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")];

impl Response {
    /// A plain-text response for an error status: `STATUS REASON: text`.
    pub fn plain(status: u16, text: &str) -> Response {
        let body = format!("{status} {}: {text}\n", reason(status));
        let mut headers = Vec::new();
        if status == 405 {
            headers.push(("Allow", "GET, HEAD".to_owned()));
        }
        if status == 503 {
            headers.push(("Retry-After", "1".to_owned()));
        }
        Response { status, content_type: "text/plain; charset=utf-8", headers, body: Body::Full(body.into()) }
    }

    /// The bytes of the body (empty for an event stream).
    pub fn bytes(&self) -> &[u8] {
        match &self.body {
            Body::Full(bytes) => bytes,
            Body::Events => &[],
        }
    }

    /// The value of a header given in [`Response::headers`], by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The reason phrase of the statuses the preview gives.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Answers `request` from `state`.
pub fn route(state: &State, request: &Request) -> Response {
    if request.hosts.len() > 1 {
        return Response::plain(400, "more than one Host");
    }
    let host = request.hosts.first().map(|h| h.trim()).filter(|h| !h.is_empty());
    if host.is_none() && request.version == Version::Http11 {
        return Response::plain(400, "HTTP/1.1 request without Host");
    }
    if request.method != "GET" && request.method != "HEAD" {
        return Response::plain(405, "only GET and HEAD are served");
    }
    if let Some(host) = host
        && !is_local_host(host)
    {
        let shown: String = host.chars().take(100).flat_map(char::escape_debug).collect();
        return Response::plain(
            403,
            &format!(
                "craftpub serve answers only requests for localhost or an IP address, not for the host \"{shown}\", so that a page on another site cannot read the preview (DNS rebinding). Open the preview as http://localhost:PORT/ or http://127.0.0.1:PORT/."
            ),
        );
    }
    let target = request.target.split('#').next().unwrap_or_default();
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let path = match decode_path(raw_path) {
        Ok(path) => path,
        Err(e) => return Response::plain(400, e),
    };
    site_response(state, &path, query)
}

/// The answer for a valid path of the site.
fn site_response(state: &State, path: &str, query: Option<&str>) -> Response {
    let ok = |content_type, headers, body| Response { status: 200, content_type, headers, body };
    match path {
        inject::EVENTS_URL => return ok("text/event-stream", Vec::new(), Body::Events),
        inject::SCRIPT_URL => return ok(content_type(".js"), Vec::new(), Body::Full(inject::SCRIPT.into())),
        inject::WORKER_URL => return ok(content_type(".js"), Vec::new(), Body::Full(inject::WORKER.into())),
        _ => {}
    }
    let problems = state.problems.as_deref().map(Vec::as_slice);
    let Some(site) = state.site.as_deref() else {
        // No good build yet: a page that shows the errors and waits.
        let body = Injection { build: &state.build, missing: true, problems }.apply(inject::waiting_page());
        return Response {
            status: 503,
            content_type: content_type("x.html"),
            headers: vec![("Retry-After", "1".into())],
            body: Body::Full(body.into()),
        };
    };

    let key = &path[1..];
    let key = if key.is_empty() || key.ends_with('/') { format!("{key}index.html") } else { key.to_owned() };
    let (status, key, missing) = if site.contains_key(&key) {
        (200, key, false)
    } else if site.contains_key(&format!("{key}/index.html")) {
        // A folder named without its slash: relative links need the slash.
        let mut location = format!("{path}/");
        if let Some(q) = query {
            location.push('?');
            location.push_str(q);
        }
        return Response {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            headers: vec![("Location", location)],
            body: Body::Full(Bytes::from_static(b"moved\n")),
        };
    } else {
        (404, "404.html".to_owned(), true)
    };
    let Some(bytes) = site.get(&key) else {
        return Response::plain(404, "no such page");
    };
    let content_type = content_type(&key);
    let body = if content_type.starts_with("text/html") {
        Injection { build: &state.build, missing, problems }.apply(bytes).into()
    } else {
        bytes.clone()
    };
    Response { status, content_type, headers: Vec::new(), body: Body::Full(body) }
}

/// Whether `host` (a `Host` header: a name or an IP address, with or without
/// a port) names this machine in a way no other site can: `localhost` (and
/// its subdomains, which browsers resolve to the loopback address
/// themselves) or an IP address. A DNS rebinding attack needs a name the
/// attacker controls (`evil.example`, made to resolve to 127.0.0.1), so the
/// browser sends that name; an IP address in `Host` means the reader typed
/// the address, as a phone on the same network does for `--bind 0.0.0.0`.
pub fn is_local_host(host: &str) -> bool {
    let port_ok = |port: &str| port.is_empty() || (port.len() <= 5 && port.parse::<u16>().is_ok());
    if let Some(rest) = host.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else { return false };
        let port = match after.strip_prefix(':') {
            Some(port) if !port.is_empty() => port,
            Some(_) => return false,
            None if after.is_empty() => "",
            None => return false,
        };
        return addr.parse::<Ipv6Addr>().is_ok() && port_ok(port);
    }
    let (name, port) = match host.rsplit_once(':') {
        Some((_, "")) => return false,
        Some((name, port)) => (name, port),
        None => (host, ""),
    };
    if !port_ok(port) {
        return false;
    }
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name.parse::<Ipv4Addr>().is_ok()
        || name == "localhost"
        || name.strip_suffix(".localhost").is_some_and(|sub| {
            !sub.is_empty()
                && sub.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        })
}

/// Percent-decodes a request path and refuses every form that could name
/// something outside the site: `.` and `..` segments (also when encoded as
/// `%2e%2e` or followed by an encoded `%2f`), backslashes, empty segments
/// (`//etc/passwd`), NUL and other control characters, and anything that is
/// not an absolute path in origin form. The error says what was wrong.
pub fn decode_path(raw: &str) -> Result<String, &'static str> {
    if !raw.starts_with('/') {
        return Err("the path must start with /");
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
                    .ok_or("bad percent-encoding")?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    let path = String::from_utf8(out).map_err(|_| "path not UTF-8")?;
    if path.chars().any(|c| c.is_control()) {
        return Err("control character in path");
    }
    if path.contains('\\') {
        return Err("backslash in path");
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if *seg == "." || *seg == ".." {
            return Err("dot segment in path");
        }
        if seg.is_empty() && i != last {
            return Err("empty segment in path");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use std::path::PathBuf;

    const PAGE: &[u8] = b"<!DOCTYPE html><html><body><p>Module one</p></body></html>";

    fn site() -> Arc<SiteFiles> {
        let files = [
            ("index.html", &b"<html><body>Home</body></html>"[..]),
            ("en/2.0/index.html", b"<html><body>Edition</body></html>"),
            ("en/2.0/module-1.html", PAGE),
            ("404.html", b"<html><body>Page not found</body></html>"),
            ("assets/style.css", b"body{}"),
            ("api/index.json", b"{}"),
        ];
        Arc::new(files.into_iter().map(|(k, v)| (k.to_owned(), Bytes::from_static(v))).collect())
    }

    fn good() -> State {
        State { site: Some(site()), build: "e-1".into(), problems: None }
    }

    fn problem() -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: PathBuf::from("standard/2.0/module-1.md"),
            line: 14,
            message: "level: unknown value \"obligatory\"".into(),
            fix: "use one of: obligation, recommendation".into(),
        }
    }

    fn request(method: &str, target: &str, version: Version, hosts: &[&str]) -> Request {
        Request {
            method: method.into(),
            target: target.into(),
            version,
            hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
        }
    }

    fn text(r: &Response) -> String {
        String::from_utf8_lossy(r.bytes()).into_owned()
    }

    #[test]
    fn serves_pages_files_folders_and_the_scripts() {
        let state = good();
        let r = route(&state, &Request::get("/en/2.0/module-1.html"));
        assert_eq!((r.status, r.content_type), (200, "text/html; charset=utf-8"));
        let body = text(&r);
        assert!(body.starts_with("<!DOCTYPE html><html><body><p>Module one</p><style>"), "{body}");
        assert!(body.ends_with("<script src=\"/__craftpub/reload.js\" data-build=\"e-1\"></script></body></html>"));
        assert!(!body.contains("craftpub-overlay\""), "no overlay without errors");

        for (path, ty, bytes) in [
            ("/", "text/html; charset=utf-8", None),
            ("/en/2.0/", "text/html; charset=utf-8", None),
            ("/en/2.0/?utm=x", "text/html; charset=utf-8", None),
            ("/assets/style.css", "text/css; charset=utf-8", Some(&b"body{}"[..])),
            ("/api/index.json", "application/json", Some(b"{}")),
            ("/__craftpub/reload.js", "text/javascript; charset=utf-8", Some(inject::SCRIPT.as_bytes())),
            ("/__craftpub/worker.js", "text/javascript; charset=utf-8", Some(inject::WORKER.as_bytes())),
        ] {
            let r = route(&state, &Request::get(path));
            assert_eq!((r.status, r.content_type), (200, ty), "{path}");
            if let Some(bytes) = bytes {
                assert_eq!(r.bytes(), bytes, "{path}: only HTML gets the script");
            }
        }

        let r = route(&state, &Request::get("/en/2.0?x=1"));
        assert_eq!(r.status, 301);
        assert_eq!(r.header("location"), Some("/en/2.0/?x=1"));

        let r = route(&state, &Request::get("/en/9.9/nothing.html"));
        assert_eq!(r.status, 404);
        assert!(text(&r).contains("Page not found") && text(&r).contains(" data-missing>"), "{}", text(&r));

        let r = route(&state, &Request::get("/__craftpub/events"));
        assert_eq!((r.status, r.content_type, &r.body), (200, "text/event-stream", &Body::Events));
    }

    #[test]
    fn head_gets_the_answer_get_would() {
        let state = good();
        for path in ["/en/2.0/module-1.html", "/nothing", "/en/2.0", "/assets/style.css", "/__craftpub/events"] {
            let mut head = Request::get(path);
            head.method = "HEAD".into();
            assert!(head.is_head());
            assert_eq!(route(&state, &head), route(&state, &Request::get(path)), "{path}");
        }
        let r = route(&state, &request("HEAD", "/nothing", Version::Http10, &[]));
        assert_eq!(r.status, 404);
    }

    #[test]
    fn refuses_other_methods_requests_without_host_and_bad_paths() {
        let state = good();
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "get"] {
            let r = route(&state, &request(method, "/", Version::Http11, &["localhost"]));
            assert_eq!(r.status, 405, "{method}");
            assert_eq!(r.header("Allow"), Some("GET, HEAD"));
        }
        assert_eq!(route(&state, &request("GET", "/", Version::Http11, &[])).status, 400);
        assert_eq!(route(&state, &request("GET", "/", Version::Http11, &[" "])).status, 400);
        assert_eq!(route(&state, &request("GET", "/", Version::Http11, &["localhost", "localhost"])).status, 400);
        assert_eq!(route(&state, &request("GET", "/", Version::Http10, &[])).status, 200, "HTTP/1.0 needs no Host");
        for target in ["/%zz", "*", "etc/passwd", "/a%00.html"] {
            let r = route(&state, &Request::get(target));
            assert_eq!(r.status, 400, "{target}");
            assert_eq!(r.content_type, "text/plain; charset=utf-8");
        }
    }

    #[test]
    fn no_path_reaches_outside_the_site() {
        let state = good();
        for target in [
            "/../standard/standard.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/en/..%2f..%2fstandard/standard.toml",
            "/assets/..%5c..%5cstandard%5cstandard.toml",
            "//etc/passwd",
            "/index.html%00",
            "/en/.%2e/.%2e/standard/standard.toml",
            "/./index.html",
        ] {
            assert_eq!(route(&state, &Request::get(target)).status, 400, "{target}");
        }
        for target in ["/standard/standard.toml", "/theme/templates/base.html", "/%c0%ae%c0%ae/x"] {
            let r = route(&state, &Request::get(target));
            assert!(r.status == 404 || r.status == 400, "{target}: {}", r.status);
        }
    }

    #[test]
    fn broken_sources_show_their_errors_and_503_before_any_good_build() {
        let problems = Some(Arc::new(vec![problem()]));
        let state = State { problems: problems.clone(), ..good() };
        let r = route(&state, &Request::get("/en/2.0/module-1.html"));
        assert_eq!(r.status, 200, "the last good page is served");
        let body = text(&r);
        assert!(body.contains("<p>Module one</p>") && body.contains("<div id=\"craftpub-overlay\""), "{body}");
        assert!(body.contains("standard/2.0/module-1.md:14"), "{body}");
        assert!(body.contains("level: unknown value &quot;obligatory&quot;"), "{body}");
        assert!(text(&route(&state, &Request::get("/nothing"))).contains("craftpub-overlay\""));
        assert_eq!(route(&state, &Request::get("/assets/style.css")).bytes(), b"body{}", "no overlay in CSS");

        let waiting = State { site: None, build: "e-0".into(), problems };
        let r = route(&waiting, &Request::get("/en/2.0/module-1.html"));
        assert_eq!((r.status, r.content_type), (503, "text/html; charset=utf-8"));
        assert_eq!(r.header("Retry-After"), Some("1"));
        assert!(text(&r).contains("craftpub-overlay\"") && text(&r).contains("obligatory"), "{}", text(&r));
        assert_eq!(route(&waiting, &Request::get("/__craftpub/reload.js")).status, 200);
        assert_eq!(route(&waiting, &Request::get("/__craftpub/events")).body, Body::Events);
    }

    #[test]
    fn only_local_hosts_are_answered() {
        let state = good();
        for host in [
            "localhost",
            "localhost:8000",
            "LocalHost:8000",
            "localhost.",
            "preview.localhost:8000",
            "127.0.0.1",
            "127.0.0.1:8000",
            "[::1]",
            "[::1]:8000",
            "192.168.1.20:8000",
            "0.0.0.0:8000",
            "[fe80::1]:80",
        ] {
            assert!(is_local_host(host), "{host}");
            assert_eq!(route(&state, &request("GET", "/", Version::Http11, &[host])).status, 200, "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "evil-localhost:8000",
            ".localhost",
            "a..localhost",
            "x",
            "localhost:",
            "localhost:99999",
            "localhost:80:80",
            "::1",
            "[::1",
            "[::1]x",
            "[::1]:",
            "[evil.example]",
            "127.1",
            "2130706433",
        ] {
            assert!(!is_local_host(host), "{host}");
            for method in ["GET", "HEAD"] {
                for target in ["/", "/__craftpub/events", "/__craftpub/reload.js", "/nothing"] {
                    let r = route(&state, &request(method, target, Version::Http11, &[host]));
                    assert_eq!(r.status, 403, "{host} {target}");
                    assert_eq!(r.content_type, "text/plain; charset=utf-8");
                    assert!(text(&r).contains("DNS rebinding"), "{}", text(&r));
                }
            }
        }
        let r = route(&state, &request("GET", "/", Version::Http10, &["evil.example"]));
        assert_eq!(r.status, 403, "HTTP/1.0 with a foreign Host");
        assert!(text(&r).contains("not for the host \"evil.example\""), "{}", text(&r));
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
        assert_eq!(decode_path("/a%20b.html").as_deref(), Ok("/a b.html"));
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
}
