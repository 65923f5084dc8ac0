//! The search payload of an edition: what a reader downloads on first use of
//! the search box (the edition's index and the scripts), in gzip bytes, and
//! the weight of a chapter page without it.
//!
//! cargo bench --bench search_payload [-- ROOT [LANG/VERSION]]
//!
//! ROOT defaults to the repository, the edition to the current version in the
//! source language. The site is built into a temporary folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use craftpub::search::{self, SearchLanguage};
use flate2::Compression;
use flate2::write::GzEncoder;

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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let root = args.first().map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let (project, _, diags) = craftpub::check(&root);
    if diags.has_errors() {
        eprintln!("the sources at {} have errors; run craftpub check", root.display());
        std::process::exit(1);
    }
    let lang = project.standard.source_language.clone();
    let edition = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| format!("{lang}/{}", project.latest().map(|v| v.id.as_str()).unwrap_or("latest")));
    let (lang, version) = edition.split_once('/').unwrap_or((&lang, "latest"));
    let out = tempfile::tempdir().expect("a temporary folder");
    let public = out.path().join("public");
    if let Err(e) = craftpub::build(&root, &public) {
        eprintln!("build failed: {e}");
        std::process::exit(1);
    }
    let language = SearchLanguage::from_code(lang);
    println!("search payload of {lang}/{version} ({} pipeline), bytes:", language.code());
    println!("  {:<44} {:>9} {:>9}", "file", "raw", "gzip -9");
    let mut files = vec![craftpub::urls::search_index_script(lang, version)];
    files.extend(
        search::page_context(lang, version, language)["scripts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned)),
    );
    files.push("assets/search.js".into());
    let (mut raw, mut gz) = (0, 0);
    for file in &files {
        let (r, g) = row(&public, file);
        raw += r;
        gz += g;
    }
    println!("  {:<44} {raw:>9} {gz:>9}", "total on first use of search");
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
}
