//! Page weight per page type, against the budget the README states.
//!
//! cargo bench --bench page_weight [-- ROOT]
//!
//! Builds ROOT (default: the repository) into a temporary folder and, for
//! every page type, finds its heaviest page over all editions and languages
//! and reports its bytes compressed with gzip -9: the HTML, the stylesheet
//! every page loads, and their sum, which the budget bounds. The search
//! script (loaded with `defer`, and only by pages with a search box) and each
//! edition's download are reported against their own budgets. The pages of
//! "the Code for me" load their own stylesheet and script too
//! (`assets/forme.css`, and `assets/filter.js` or `assets/checklist.js`),
//! and so do diff pages (their filter, "what changed for me"): their figures
//! include them. Exits 1 when a figure is over its budget.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

/// Budgets in bytes, gzip -9 (the README's "Page weight" section).
const BUDGETS: [(&str, usize); 14] = [
    ("front page", 16_000),
    ("edition home", 20_000),
    ("chapter", 40_000),
    ("whole edition (print)", 120_000),
    ("search page", 12_000),
    ("amendment history", 20_000),
    ("diff", 60_000),
    ("requirement history", 16_000),
    ("translation status", 20_000),
    ("404", 10_000),
    ("latest/ redirect", 1_000),
    ("Atom feed", 40_000),
    ("role page", 20_000),
    ("checklist (with its script)", 40_000),
];

/// The extra files a page type loads, whose gzip size its figure includes.
fn extras(kind: &str) -> &'static [&'static str] {
    match kind {
        "role page" | "diff" => &["assets/forme.css", "assets/filter.js"],
        "checklist (with its script)" => &["assets/forme.css", "assets/checklist.js"],
        _ => &[],
    }
}
/// The page script, gzip -9.
const SCRIPT_BUDGET: usize = 5_000;
/// An edition's download (already compressed), bytes.
const DOWNLOAD_BUDGET: usize = 300_000;

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).ok();
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

/// The page type of a site path, if it is a page.
fn page_type(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.split('/').collect();
    Some(match parts.as_slice() {
        ["index.html"] => "front page",
        ["404.html"] => "404",
        [_, "feed.xml"] => "Atom feed",
        [_, "status.html"] => "translation status",
        [_, "diff", _] => "diff",
        [_, "history", _] => "requirement history",
        [_, "latest", _] => "latest/ redirect",
        [_, _, "index.html"] => "edition home",
        [_, _, "print.html"] => "whole edition (print)",
        [_, _, "search.html"] => "search page",
        [_, _, "amendments.html"] => "amendment history",
        [_, _, "checklist.html"] => "checklist (with its script)",
        [_, _, page] if page.starts_with("for-") && page.ends_with(".html") => "role page",
        [_, _, page] if page.ends_with(".html") => "chapter",
        _ => return None,
    })
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let (Ok(rel), Ok(bytes)) = (path.strip_prefix(dir), std::fs::read(&path)) {
                out.push((rel.to_string_lossy().replace('\\', "/"), bytes));
            }
        }
    }
    out.sort();
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let root = args.first().map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let out = tempfile::tempdir().expect("a temporary folder");
    let public = out.path().join("public");
    if let Err(e) = craftpub::build(&root, &public) {
        eprintln!("build failed: {e}");
        std::process::exit(1);
    }
    let all = files(&public);
    let css = all.iter().find(|(p, _)| p == craftpub::urls::STYLESHEET).map(|(_, b)| gzip_len(b)).unwrap_or(0);
    let js = all.iter().find(|(p, _)| p == "assets/search.js").map(|(_, b)| gzip_len(b)).unwrap_or(0);

    // The heaviest page of each type: (path, gzip bytes), and how many pages.
    let mut heaviest: BTreeMap<&str, (String, usize, usize)> = BTreeMap::new();
    let mut download: (String, usize) = (String::new(), 0);
    for (path, bytes) in &all {
        if path.ends_with(".zip") {
            if bytes.len() > download.1 {
                download = (path.clone(), bytes.len());
            }
            continue;
        }
        let Some(kind) = page_type(path) else { continue };
        let gz = gzip_len(bytes);
        let slot = heaviest.entry(kind).or_insert((String::new(), 0, 0));
        slot.2 += 1;
        if gz > slot.1 {
            slot.0 = path.clone();
            slot.1 = gz;
        }
    }

    let mut over = Vec::new();
    println!("page weight of {} (heaviest page of each type), bytes gzip -9:", root.display());
    println!(
        "  {:<28} {:>5}  {:<34} {:>7} {:>6} {:>7} {:>7}",
        "page type", "pages", "heaviest", "HTML", "CSS+JS", "total", "budget"
    );
    for (kind, budget) in BUDGETS {
        let Some((path, html, count)) = heaviest.get(kind) else {
            println!("  {kind:<28} {:>5}", 0);
            continue;
        };
        // The feed and the redirects load no stylesheet.
        let css = if matches!(kind, "Atom feed" | "latest/ redirect") { 0 } else { css };
        let css = css
            + extras(kind)
                .iter()
                .filter_map(|x| all.iter().find(|(p, _)| p == x))
                .map(|(_, b)| gzip_len(b))
                .sum::<usize>();
        let total = html + css;
        let mark = if total > budget { "  OVER" } else { "" };
        println!("  {kind:<28} {count:>5}  {path:<34} {html:>7} {css:>6} {total:>7} {budget:>7}{mark}");
        if total > budget {
            over.push(kind.to_owned());
        }
    }
    println!(
        "  {:<28} {:>5}  {:<34} {:>7} {:>6} {js:>7} {SCRIPT_BUDGET:>7}",
        "search.js (defer)", "", "assets/search.js", "", ""
    );
    if js > SCRIPT_BUDGET {
        over.push("search.js".into());
    }
    let (path, size) = &download;
    println!("  {:<28} {:>5}  {path:<34} {:>7} {:>6} {size:>7} {DOWNLOAD_BUDGET:>7}", "download (zip)", "", "", "");
    if *size > DOWNLOAD_BUDGET {
        over.push("download".into());
    }
    if !over.is_empty() {
        eprintln!("over budget: {}", over.join(", "));
        std::process::exit(1);
    }
    println!("every page type is within its budget");
}
