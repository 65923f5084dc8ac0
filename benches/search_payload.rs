//! The search payload of each edition: what a reader downloads on first use
//! of the search box (the edition's `search-index.json`, lunr and the
//! language's lunr-languages files, and `search.js`), in gzip bytes, against
//! the budget of 50 KB (50,000 bytes) gzip per language; and the weight of a
//! chapter page without it.
//!
//! cargo bench --bench search_payload [-- ROOT [LANG/VERSION]]
//!
//! ROOT defaults to the repository; without an edition, the current
//! version in every language is measured. The site is built into a
//! temporary folder. Exits 1 when an edition's first search passes the budget.

use std::io::Write;
use std::path::{Path, PathBuf};

use craftpub::search::{self, SearchLanguage};
use flate2::Compression;
use flate2::write::GzEncoder;

/// The budget of a first search, gzip bytes.
const BUDGET: usize = 50_000;

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).ok();
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

fn row(public: &Path, file: &str) -> (usize, usize) {
    let bytes = std::fs::read(public.join(file)).unwrap_or_default();
    let (raw, gz) = (bytes.len(), gzip_len(&bytes));
    println!("  {file:<44} {raw:>9} {gz:>9}");
    (raw, gz)
}

/// Prints the payload of one edition; returns its gzip total.
fn edition(public: &Path, lang: &str, version: &str, search_code: &str) -> usize {
    let language = SearchLanguage::from_code(search_code);
    println!("search payload of {lang}/{version} ({} pipeline), bytes:", language.code());
    println!("  {:<44} {:>9} {:>9}", "file", "raw", "gzip -9");
    let index = craftpub::urls::search_index_json(lang, version);
    let mut files = vec![index.clone()];
    files.extend(
        search::page_context(lang, version, language)["scripts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned)),
    );
    // The source language's scripts, for an edition whose untranslated text
    // is indexed with its pipeline.
    let data = std::fs::read(public.join(&index)).unwrap_or_default();
    let head = String::from_utf8_lossy(&data[..data.len().min(200)]).into_owned();
    if let Some(code) = head.split("\"fallback_lang\":\"").nth(1).and_then(|r| r.split('"').next()) {
        for s in search::scripts(SearchLanguage::from_code(code)) {
            if !files.contains(&s) {
                files.push(s);
            }
        }
    }
    files.push("assets/search.js".into());
    let (mut raw, mut gz) = (0, 0);
    for file in &files {
        let (r, g) = row(public, file);
        raw += r;
        gz += g;
    }
    let verdict = if gz <= BUDGET { "within" } else { "OVER" };
    println!("  {:<44} {raw:>9} {gz:>9}  ({verdict} the budget of {BUDGET})", "total on first use of search");
    gz
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let root = args.first().map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let (project, _, diags) = craftpub::check(&root);
    if diags.has_errors() {
        eprintln!("the sources at {} have errors; run craftpub check", root.display());
        std::process::exit(1);
    }
    let out = tempfile::tempdir().expect("a temporary folder");
    let public = out.path().join("public");
    if let Err(e) = craftpub::build(&root, &public) {
        eprintln!("build failed: {e}");
        std::process::exit(1);
    }
    let latest = project.latest().map(|v| v.id.clone()).unwrap_or_else(|| "latest".into());
    let languages = project.languages();
    let editions: Vec<(String, String, String)> = match args.get(1).and_then(|e| e.split_once('/')) {
        Some((lang, version)) => {
            let search = languages.iter().find(|l| l.code == lang).map(|l| l.search.clone()).unwrap_or_default();
            vec![(lang.to_owned(), version.to_owned(), search)]
        }
        None => languages.iter().map(|l| (l.code.clone(), latest.clone(), l.search.clone())).collect(),
    };
    let mut over = Vec::new();
    let mut summary = Vec::new();
    for (lang, version, search_code) in &editions {
        let gz = edition(&public, lang, version, search_code);
        summary.push(format!("{lang}/{version} {gz}"));
        if gz > BUDGET {
            over.push(format!("{lang}/{version}"));
        }
    }
    println!("first search, gzip bytes: {}", summary.join(", "));
    let (lang, version, _) = &editions[0];
    let chapter = project
        .version(version)
        .and_then(|v| v.chapters.iter().find(|c| c.slug.starts_with("module")).or(v.chapters.first()))
        .map(|c| craftpub::urls::chapter(lang, version, &c.slug));
    if let Some(page) = chapter {
        println!("page weight before any search (HTML + CSS + search.js), bytes:");
        let mut total = 0;
        for file in [page.as_str(), craftpub::urls::STYLESHEET, "assets/search.js"] {
            total += row(&public, file).1;
        }
        println!("  {:<44} {:>9} {total:>9}", "total", "");
    }
    if !over.is_empty() {
        eprintln!("over the search budget of {BUDGET} gzip bytes: {}", over.join(", "));
        std::process::exit(1);
    }
}
