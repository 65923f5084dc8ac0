//! Live preview latency: the time from saving one requirement file to the
//! `reload` event on an open page's event stream, for the test fixture and
//! for the shipped standard, plus what a rebuild is made of.
//!
//! Run: `cargo bench --bench serve_reload` (optionally `-- ITERATIONS`).
//! Each project is copied to a temporary folder and served in process on a
//! free loopback port; each save writes a temporary file and renames it over
//! the requirement's file, as most editors do.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use craftpub::serve::{self, Options, Server};

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable tree");
        let rel = entry.path().strip_prefix(from).expect("below from");
        if rel.components().any(|c| c.as_os_str() == "node_modules") {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("mkdir");
        } else {
            fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// A requirement of the newest version that its amendment history lists as
/// added or modified (so that editing it needs no new amendment entry): its
/// chapter file and the line of its body.
fn requirement_file(root: &Path) -> (PathBuf, usize) {
    let mut versions: Vec<PathBuf> = fs::read_dir(root.join("standard"))
        .expect("standard/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    versions.sort();
    let version = versions.last().expect("a version");
    let amendments: toml::Table = fs::read_to_string(version.join("amendments.toml"))
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default();
    let ids: Vec<String> = amendments
        .get("amendment")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .flat_map(|a| ["modified", "added"].map(|k| a.get(k).and_then(|v| v.as_array()).cloned().unwrap_or_default()))
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let mut files: Vec<PathBuf> = fs::read_dir(version)
        .expect("version folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    for id in &ids {
        let opening = format!("::: requirement {id}");
        for file in &files {
            let text = fs::read_to_string(file).expect("UTF-8");
            let lines: Vec<&str> = text.lines().collect();
            if let Some(open) = lines.iter().position(|l| l.trim_end() == opening) {
                let blank = open + lines[open..].iter().position(|l| l.is_empty()).expect("body");
                return (file.clone(), blank + 1);
            }
        }
    }
    panic!("no added or modified requirement in {}", version.display());
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median_of<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            ms(t.elapsed())
        })
        .collect();
    times.sort_by(f64::total_cmp);
    percentile(&times, 0.5)
}

fn bench(name: &str, source: &[(PathBuf, &str)], iterations: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (from, to) in source {
        if from.exists() {
            copy_tree(from, &dir.path().join(to));
        }
    }
    let root = dir.path();
    // The search scripts come from the repository's theme/node_modules, as in
    // the tests, so that no build runs `npm ci`.
    #[cfg(unix)]
    if repo().join("theme/node_modules").is_dir() {
        std::os::unix::fs::symlink(repo().join("theme/node_modules"), root.join("theme/node_modules")).expect("link");
    }

    // What one rebuild is made of.
    let fingerprint = median_of(10, || serve::watch::fingerprint(root));
    let check = median_of(10, || craftpub::check(root));
    let (project, theme, diags) = craftpub::check(root);
    assert!(!diags.has_errors(), "{name} has errors");
    let theme = theme.expect("a theme");
    let render = median_of(10, || craftpub::site::render_site(&project, &theme, Default::default()));
    let site = craftpub::site::render_site(&project, &theme, Default::default()).expect("renders");
    let bytes: usize = site.values().map(craftpub::files::Bytes::len).sum();
    let again = craftpub::site::render_site(&project, &theme, Default::default()).expect("renders");
    let diff = median_of(10, || serve::changed_pages(&site, &again));

    let server = Server::start(&Options { root: root.to_path_buf(), port: 0, log: false, ..Options::default() })
        .expect("server starts");
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream.write_all(b"GET /__craftpub/events HTTP/1.1\r\nHost: x\r\n\r\n").expect("request");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut events = BufReader::new(stream);
    let mut line = String::new();
    while !line.starts_with("event: hello") {
        line.clear();
        assert!(events.read_line(&mut line).expect("hello") > 0);
    }

    let (file, body_line) = requirement_file(root);
    let original = fs::read_to_string(&file).expect("read");
    let tmp = file.with_file_name(".craftpub-bench.tmp");
    let mut latencies = Vec::new();
    for i in 0..iterations {
        let text: String = original
            .lines()
            .enumerate()
            .map(|(n, l)| if n == body_line { format!("{l} Edit {i}.\n") } else { format!("{l}\n") })
            .collect();
        let started = Instant::now();
        fs::write(&tmp, &text).expect("write");
        fs::rename(&tmp, &file).expect("rename");
        loop {
            line.clear();
            let n = events.read_line(&mut line).expect("an event in time");
            assert!(n > 0, "the event stream closed");
            if line.starts_with("event: reload") {
                break;
            }
            assert!(!line.starts_with("event: errors"), "the edit broke {name}");
        }
        latencies.push(ms(started.elapsed()));
        std::thread::sleep(Duration::from_millis(250));
    }
    server.shutdown();
    latencies.sort_by(f64::total_cmp);

    let rel = file.strip_prefix(root).unwrap_or(&file).display().to_string();
    println!(
        "{name}: {} files, {:.1} MB; saving {rel} -> reload event over {iterations} saves: \
         median {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms",
        site.len(),
        bytes as f64 / 1e6,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        latencies[0],
        latencies[latencies.len() - 1],
    );
    println!(
        "{name}: one rebuild: fingerprint {fingerprint:.1} ms + check {check:.1} ms + render {render:.1} ms + diff {diff:.1} ms; quiet period {} ms",
        serve::DEBOUNCE.as_millis()
    );
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn main() {
    let iterations: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(20);
    let repo = repo();
    bench("fixture mini", &[(repo.join("tests/fixtures/mini"), "."), (repo.join("theme"), "theme")], iterations);
    bench(
        "shipped standard",
        &[
            (repo.join("standard"), "standard"),
            (repo.join("translations"), "translations"),
            (repo.join("theme"), "theme"),
        ],
        iterations,
    );
}
