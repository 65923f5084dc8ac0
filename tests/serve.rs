//! `craftpub serve`: the real binary on a free port, driven over raw TCP so
//! that no client normalises the paths we send (see [`common::serve`]).

mod common;

use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use common::serve::{Events, Serve, WAIT, wait_for_stderr};
use common::{browser_test, build, edit, fixture, fixture_with};

const PAGE: &str = "/en/2.0/module-1.html";
const SOURCE: &str = "standard/2.0/module-1.md";

#[test]
fn serves_the_site_with_types_head_folders_and_the_404_page() {
    let dir = fixture("mini");
    let server = Serve::start(dir.path());

    let (status, head, body) = server.get(PAGE);
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("Name a responsible person"));
    assert!(body.contains("<script src=\"/__craftpub/reload.js\""), "the reload script is injected");
    assert!(!body.contains("craftpub-overlay\""), "no overlay without errors");

    for (path, ty) in [
        ("/", "text/html"),
        ("/index.html", "text/html"),
        ("/en/2.0/", "text/html"),
        ("/en/latest/", "text/html"),
        ("/assets/style.css", "text/css"),
        ("/api/index.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
        ("/__craftpub/reload.js", "text/javascript"),
        ("/__craftpub/worker.js", "text/javascript"),
    ] {
        let (status, head, body) = server.get(path);
        assert_eq!(status, 200, "{path}: {head}");
        assert!(head.contains(&format!("content-type: {ty}")), "{path}: {head}");
        assert!(head.contains("cache-control: no-store"), "{path}: {head}");
        if !ty.starts_with("text/html") {
            assert!(!body.contains("__craftpub/reload.js\""), "{path} got the script");
        }
    }
    let (_, _, css) = server.get("/assets/style.css");
    assert_eq!(css.as_bytes(), fs::read(dir.path().join("theme/static/style.css")).unwrap());

    // Everything a build adds after rendering is served too: the search
    // scripts each page names.
    let scripts = body
        .split("data-scripts=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page names its search scripts");
    for script in scripts.split(' ') {
        let path = format!("/en/2.0/{script}").replace("/en/2.0/../../", "/");
        let (status, head, _) = server.get(&path);
        assert_eq!(status, 200, "{path}: {head}");
        assert!(head.contains("content-type: text/javascript"), "{path}: {head}");
    }

    // A query string does not change the file.
    assert_eq!(server.get("/en/2.0/?utm=x").0, 200);

    // HEAD: GET's headers, no body.
    let (status, head, body) = server.raw(b"HEAD /en/2.0/module-1.html HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(status, 200);
    assert!(body.is_empty(), "HEAD sent a body");
    let (_, get_head, get_body) = server.get(PAGE);
    assert!(head.contains(&format!("content-length: {}", get_body.len())), "{head}");
    assert!(get_head.contains(&format!("content-length: {}", get_body.len())));

    // A folder without its slash is redirected to it (relative links need it).
    let (status, head, _) = server.get("/en/2.0");
    assert_eq!(status, 301);
    assert!(head.contains("location: /en/2.0/"), "{head}");

    // The site's own 404 page, with status 404.
    let (status, head, body) = server.get("/en/9.9/nothing.html");
    assert_eq!(status, 404);
    assert!(head.contains("content-type: text/html"));
    assert!(body.contains("Page not found"), "{body}");
    assert!(body.contains("data-missing"), "{body}");
    assert_eq!(server.raw(b"HEAD /nothing HTTP/1.0\r\n\r\n").0, 404);

    // Other methods.
    let (status, head, _) = server.raw(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(status, 405);
    assert!(head.contains("allow: get, head"), "{head}");
}

#[test]
fn no_request_path_escapes_the_site() {
    let dir = fixture("mini");
    // A link in the theme's static folder that points out of the project.
    let secret = tempfile::tempdir().unwrap();
    fs::write(secret.path().join("secret.txt"), "TOP-SECRET").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(secret.path().join("secret.txt"), dir.path().join("theme/static/leak.txt")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(secret.path(), dir.path().join("theme/static/outside")).unwrap();
    let server = Serve::start(dir.path());
    assert_eq!(server.get("/").0, 200);

    let standard_toml = fs::read_to_string(dir.path().join("standard/standard.toml")).unwrap();
    let secret_path = secret.path().join("secret.txt");
    let absolute = format!("/{}", secret_path.display());
    let encoded_absolute = format!("/%2f{}", &secret_path.display().to_string()[1..]);
    let paths = [
        "/../standard/standard.toml",
        "/../../../../../../etc/passwd",
        "/%2e%2e/standard/standard.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fstandard%2fstandard.toml",
        "/en/..%2f..%2fstandard/standard.toml",
        "/en/%2e%2e%2f%2e%2e%2fstandard/standard.toml",
        "/assets/..%5c..%5cstandard%5cstandard.toml",
        "/..\\standard\\standard.toml",
        "//etc/passwd",
        absolute.as_str(),
        encoded_absolute.as_str(),
        "/standard/standard.toml",
        "/theme/static/style.css%00.html",
        "/index.html%00",
        "/assets/leak.txt",
        "/assets/outside/secret.txt",
        "/./index.html",
        "/en/.%2e/.%2e/standard/standard.toml",
        "/%c0%ae%c0%ae/standard/standard.toml",
        "etc/passwd",
        "http://localhost/../../etc/passwd",
    ];
    for path in paths {
        let (status, _, body) = server.raw(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
        let body = String::from_utf8_lossy(&body);
        assert!(status == 400 || status == 404, "{path} got {status}: {body}");
        assert!(!body.contains("TOP-SECRET"), "{path} leaked the secret");
        assert!(!body.contains("root:x:0:0"), "{path} leaked /etc/passwd");
        assert!(!body.contains(standard_toml.lines().next().unwrap()), "{path} leaked a source");
    }

    // Malformed requests get 400, an oversized head 431, nothing hangs.
    for request in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\n\r\n",
        b"GET /%zz HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET / HTTP/1.1\r\nBroken header\r\n\r\n",
        b"\xff\xfe / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ] {
        let (status, _, _) = server.raw(request);
        assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(request));
    }
    let big = format!("GET / HTTP/1.1\r\nHost: localhost\r\nX: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(server.raw(big.as_bytes()).0, 431);
    // Still serving.
    assert_eq!(server.get(PAGE).0, 200);
}

#[test]
fn only_requests_for_this_machine_are_answered() {
    let dir = fixture("mini");
    let server = Serve::start(dir.path());
    let port = server.addr.port();
    let request = |target: &str, host: &str| format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    for host in ["localhost".to_owned(), format!("localhost:{port}"), "127.0.0.1".into(), format!("127.0.0.1:{port}")]
        .into_iter()
        .chain(["[::1]".to_owned(), format!("[::1]:{port}")])
    {
        let (status, _, body) = server.raw(request(PAGE, &host).as_bytes());
        assert_eq!(status, 200, "{host}");
        assert!(String::from_utf8_lossy(&body).contains("Name a responsible person"), "{host}");
    }
    // A page on evil.example whose name now resolves to 127.0.0.1 (DNS
    // rebinding): its requests say so, and get nothing of the preview.
    for host in ["evil.example".to_owned(), format!("evil.example:{port}"), format!("localhost.evil.example:{port}")] {
        for target in ["/", PAGE, "/api/index.json", "/__craftpub/events", "/__craftpub/reload.js", "/nothing"] {
            let (status, head, body) = server.raw(request(target, &host).as_bytes());
            let body = String::from_utf8_lossy(&body);
            assert_eq!(status, 403, "{host} {target}: {body}");
            assert!(head.contains("content-type: text/plain"), "{head}");
            assert!(body.contains("DNS rebinding") && !body.contains("Name a responsible"), "{body}");
        }
    }
    let absolute = format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(server.raw(absolute.as_bytes()).0, 403, "the target's host counts, not the header's");
    assert_eq!(server.raw(b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n").0, 400);
}

#[test]
fn an_edit_rebuilds_and_reloads_a_broken_source_shows_its_errors_until_fixed() {
    let dir = fixture("mini");
    let root = dir.path();
    let server = Serve::start(root);
    let mut events = server.events();

    // An edit: a reload event naming the page, and the new text served.
    edit(root, SOURCE, "updated every year", "updated every month");
    let (name, data) = events.expect("an edit");
    assert_eq!(name, "reload", "{data}");
    let changed: Vec<&str> = data["changed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(changed.contains(&PAGE), "{changed:?}");
    assert!(!changed.contains(&"/en/1.0/module-1.html"), "{changed:?}");
    let (_, _, body) = server.get(PAGE);
    assert!(body.contains("updated every month"));
    assert!(body.contains(&format!("data-build=\"{}\"", data["build"].as_str().unwrap())));

    // Saved as many editors do: a temporary file renamed over the original.
    let path = root.join(SOURCE);
    let text = fs::read_to_string(&path).unwrap();
    let tmp = path.with_file_name(".module-1.md.tmp");
    fs::write(&tmp, text.replace("every month", "every week")).unwrap();
    fs::rename(&tmp, &path).unwrap();
    let (name, _) = events.expect("a rename over the source");
    assert_eq!(name, "reload");
    assert!(server.get(PAGE).2.contains("updated every week"));

    // Editors' swap and backup files, and a save that changes no byte, do
    // not reload anything.
    fs::write(path.with_file_name(".module-1.md.swp"), "swap").unwrap();
    fs::write(path.with_file_name("module-1.md~"), "backup").unwrap();
    fs::write(path.with_file_name(".#module-1.md"), "lock").unwrap();
    fs::write(&path, fs::read(&path).unwrap()).unwrap();
    fs::create_dir_all(root.join("public")).unwrap();
    fs::write(root.join("public/index.html"), "not a source").unwrap();
    fs::create_dir_all(root.join("theme/node_modules/pkg")).unwrap();
    fs::write(root.join("theme/node_modules/pkg/index.js"), "x").unwrap();
    assert_eq!(events.next(Duration::from_millis(800)), None);
    assert!(!server.stderr().contains("node_modules"), "{}", server.stderr());
    // (The loader itself does not skip editors' files: take them away.)
    for name in [".module-1.md.swp", "module-1.md~", ".#module-1.md"] {
        fs::remove_file(path.with_file_name(name)).unwrap();
    }

    // Broken: an unknown metadata value. The errors are sent to the page,
    // printed, and shown over the last good page, which is still served.
    edit(root, SOURCE, "level: obligation", "level: obligatory");
    let (name, data) = events.expect("breaking the source");
    assert_eq!(name, "errors", "{data}");
    let problems = data["problems"].as_array().unwrap();
    let p = problems
        .iter()
        .find(|p| p["message"].as_str().unwrap().contains("obligatory"))
        .unwrap_or_else(|| panic!("{data}"));
    assert_eq!(p["file"], SOURCE);
    assert_eq!(p["line"], 14);
    assert_eq!(p["severity"], "error");
    assert!(p["fix"].as_str().unwrap().contains("obligation"), "{p}");
    let (status, _, body) = server.get(PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("updated every week"), "the last good page is served");
    assert!(body.contains("<div id=\"craftpub-overlay\""), "the overlay is shown");
    assert!(body.contains("standard/2.0/module-1.md:14"), "{body}");
    assert!(body.contains("level: unknown value &quot;obligatory&quot;"), "{body}");
    assert!(body.contains("fix: use one of: obligation, recommendation"), "{body}");
    assert!(server.get("/nothing").2.contains("craftpub-overlay\""));
    assert!(
        server.stderr_shows("standard/2.0/module-1.md:14: level: unknown value \"obligatory\""),
        "{}",
        server.stderr()
    );
    // Fixed: a reload, and the page without the overlay.
    edit(root, SOURCE, "level: obligatory", "level: obligation");
    let (name, _) = events.expect("fixing the source");
    assert_eq!(name, "reload");
    let body = server.get(PAGE).2;
    assert!(!body.contains("<div id=\"craftpub-overlay\""));
    assert!(body.contains("updated every week"));

    // A template error is shown the same way.
    edit(root, "theme/templates/chapter.html", "{{ chapter.title }}</h1>", "{{ chapter.no_such_field }}</h1>");
    let (name, data) = events.expect("breaking a template");
    assert_eq!(name, "errors");
    assert!(data.to_string().contains("chapter.html"), "{data}");
    edit(root, "theme/templates/chapter.html", "{{ chapter.no_such_field }}</h1>", "{{ chapter.title }}</h1>");
    assert_eq!(events.expect("fixing the template").0, "reload");

    // A source folder that appears later is watched too.
    fs::create_dir_all(root.join("translations/xx")).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    fs::write(root.join("translations/xx/notes.txt"), "new").unwrap();
    wait_for_stderr(&server, "translations/xx/notes.txt");
}

#[test]
fn a_translation_edit_reloads_the_translated_page() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    let server = Serve::start(root);
    let (status, head, body) = server.get("/ar/2.0/module-1.html");
    assert_eq!(status, 200, "{head}");
    assert!(body.contains("تعيين شخص مسؤول"), "{body}");
    let mut events = server.events();
    edit(root, "translations/ar/2.0/module-1.md", "اكتب اسم الشخص في التقرير.", "اكتب اسم الشخص ودوره في التقرير.");
    let (name, data) = events.expect("a translation edit");
    assert_eq!(name, "reload", "{data}");
    let changed = data["changed"].to_string();
    assert!(changed.contains("\"/ar/2.0/module-1.html\""), "{changed}");
    assert!(!changed.contains("\"/en/2.0/module-1.html\""), "{changed}");
    assert!(server.get("/ar/2.0/module-1.html").2.contains("ودوره"));
}

#[test]
fn hello_reports_errors_to_pages_that_connect_later() {
    let dir = fixture("mini");
    let root = dir.path();
    let server = Serve::start(root);
    let mut events = server.events();
    edit(root, SOURCE, "timeframe: immediately", "timeframe: someday");
    assert_eq!(events.expect("breaking").0, "errors");

    let mut s = TcpStream::connect_timeout(&server.addr, WAIT).unwrap();
    s.write_all(b"GET /__craftpub/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let (_, mut late) = Events::open(s);
    let (name, data) = late.next(WAIT).expect("hello");
    assert_eq!(name, "hello");
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["failed"], true);
    assert!(data["problems"].to_string().contains("someday"), "{data}");
}

#[test]
fn starts_with_broken_sources_and_serves_once_fixed() {
    let dir = fixture("mini");
    let root = dir.path();
    edit(root, SOURCE, "applies-to: producer\n", "applies-to: miners\n");
    let server = Serve::start(root);
    wait_for_stderr(&server, "unknown value \"miners\"");
    let (status, _, body) = server.get(PAGE);
    assert_eq!(status, 503);
    assert!(body.contains("craftpub-overlay\""), "{body}");
    assert!(body.contains("miners"), "{body}");
    let mut events = server.events();
    edit(root, SOURCE, "applies-to: miners\n", "applies-to: producer\n");
    assert_eq!(events.expect("fixing").0, "reload");
    assert_eq!(server.get(PAGE).0, 200);
}

#[test]
fn ctrl_c_stops_cleanly_and_a_busy_port_is_a_clear_error() {
    let dir = fixture("mini");
    let mut server = Serve::start(dir.path());
    let mut events = server.events();
    assert_eq!(server.interrupt(), Some(0), "{}", server.stderr());
    assert!(events.closed_within(WAIT), "the event stream is closed");
    assert!(server.stderr_shows("stopped"), "{}", server.stderr());
    assert!(TcpStream::connect_timeout(&server.addr, Duration::from_secs(2)).is_err());

    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stderr) = match Serve::try_start(dir.path(), &["--port", &port]) {
        Ok(_) => panic!("started on a port in use"),
        Err(e) => e,
    };
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot listen on 127.0.0.1:"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");

    let (code, stderr) = match Serve::try_start(&dir.path().join("nowhere"), &["--port", "0"]) {
        Ok(_) => panic!("started without a project"),
        Err(e) => e,
    };
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("no such folder"), "{stderr}");
}

#[test]
fn a_normal_build_has_no_reload_script() {
    let dir = fixture("mini");
    assert_eq!(build(dir.path(), None).0, 0);
    for (path, bytes) in common::tree(&dir.path().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__craftpub"), "{} has serve's script", path.display());
        assert!(!text.contains("craftpub-overlay"), "{}", path.display());
    }
}

#[test]
fn an_open_page_reloads_itself_and_shows_the_error_overlay() {
    let dir = fixture("mini");
    let server = Serve::start(dir.path());
    let url = format!("http://{}/", server.addr);
    browser_test("serve.mjs", &[Path::new(&url), dir.path()]);
    drop(server);
}
