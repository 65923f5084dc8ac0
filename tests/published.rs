//! The site as others read it, checked with the clients they use: the
//! sitemap as a search engine reads it, the Atom feeds with feedparser, the
//! JSON-LD criteria with jsonld.js and pyld, every page with the Nu Html
//! Checker (vnu), and three pages with Lighthouse (mobile) in Debian's
//! headless chromium. With a base URL (`craftpub build --base-url`)
//! everything a standard wants absolute is absolute; without one, nothing
//! relative is written where a standard wants an absolute URL.
//!
//! Needs node with the theme's packages (lighthouse, vnu-jar, jsonld), java
//! (Debian's default-jre-headless) for vnu, chromium, and python3 with pyld
//! and feedparser (tests/python/requirements.txt): `bash .ci/run` installs
//! them all.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{craftpub, edit, fixture_with, repo, shipped, tree};

/// Builds the project at `root` into `root/public`, with `--base-url` when
/// given; returns the output folder and stderr.
fn build(root: &Path, base: Option<&str>) -> (PathBuf, String) {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    if let Some(base) = base {
        args.extend(["--base-url", base]);
    }
    let out = craftpub(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "build failed:\n{stderr}");
    (root.join("public"), stderr)
}

/// Every file the build wrote, as site paths.
fn written(public: &Path) -> BTreeSet<String> {
    tree(public).into_iter().map(|(p, _)| p.to_string_lossy().replace('\\', "/")).collect()
}

/// The HTML pages of a built site, as (site path, text).
fn pages(public: &Path) -> Vec<(String, String)> {
    tree(public)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|x| x == "html"))
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), String::from_utf8(b).unwrap()))
        .collect()
}

/// The values of `attribute` in the `<link>` tags of `html` that have `rel="alternate"` and `hreflang`.
fn hreflang_links(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        tag.split_once(&format!(" {name}=\"")).and_then(|(_, rest)| rest.split_once('"')).map(|(v, _)| v.to_owned())
    };
    html.split("<link ")
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag))
        .filter(|tag| tag.contains("rel=\"alternate\"") && tag.contains("hreflang="))
        .map(|tag| (attr(tag, "hreflang").unwrap(), attr(tag, "href").unwrap()))
        .collect()
}

fn is_absolute_iri(iri: &str) -> bool {
    let scheme = iri.split_once(':').map_or("", |(s, _)| s);
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// The tests of this file run one at a time: Lighthouse measures the main
/// thread's time, which the other tests' builds and checkers would take.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

#[test]
fn the_base_url_is_checked_and_the_command_line_overrides_standard_toml() {
    let _one = one_at_a_time();
    let dir = fixture_with("mini", &["i18n"]);
    // A bad --base-url is a usage error, with the reason.
    let out = craftpub(&["build", "--root", dir.path().to_str().unwrap(), "--base-url", "craft.example/code"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an absolute http or https URL"));
    // A bad base_url in standard.toml is an error in the sources, with its line.
    edit(
        dir.path(),
        "standard/standard.toml",
        "source_language = \"en\"",
        "source_language = \"en\"\nbase_url = \"/code/\"",
    );
    let out = craftpub(&["build", "--root", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("standard.toml:") && stderr.contains("base_url"), "{stderr}");
    assert!(!dir.path().join("public").exists(), "nothing written");
    // A good one is normalised; --base-url replaces it.
    edit(dir.path(), "standard/standard.toml", "base_url = \"/code/\"", "base_url = \"https://Toml.example/code\"");
    let (public, stderr) = build(dir.path(), None);
    assert!(!stderr.contains(craftpub::NO_BASE_URL), "{stderr}");
    let page = fs::read_to_string(public.join("es/2.0/module-1.html")).unwrap();
    assert!(page.contains("<link rel=\"canonical\" href=\"https://toml.example/code/es/2.0/module-1.html\">"));
    let (public, _) = build(dir.path(), Some("https://preview.example/"));
    let page = fs::read_to_string(public.join("es/2.0/module-1.html")).unwrap();
    assert!(page.contains("<link rel=\"canonical\" href=\"https://preview.example/es/2.0/module-1.html\">"));
    assert!(
        page.contains("<link rel=\"alternate\" hreflang=\"ar\" href=\"https://preview.example/ar/2.0/module-1.html\">")
    );
    assert!(!page.contains("toml.example"));
}

#[test]
fn without_a_base_url_nothing_relative_is_written_where_a_standard_wants_absolute() {
    let _one = one_at_a_time();
    let dir = fixture_with("mini", &["i18n"]);
    let (public, stderr) = build(dir.path(), None);
    assert_eq!(stderr.matches(craftpub::NO_BASE_URL).count(), 1, "said once: {stderr}");
    let files = written(&public);
    assert!(!files.contains("sitemap.xml"), "no sitemap: it takes only absolute URLs");
    for (path, html) in pages(&public) {
        assert!(hreflang_links(&html).is_empty(), "{path}: a relative hreflang alternate");
        assert!(!html.contains("rel=\"canonical\"") || path.contains("/latest/"), "{path}: a relative canonical URL");
        assert!(!html.contains("og:url"), "{path}");
        // Every page but the `latest/` redirects (which show nothing) links the icon.
        assert!(html.contains("<link rel=\"icon\" href=\"") || path.contains("/latest/"), "{path}: no icon");
    }
    // Criteria ids are URNs.
    let c: serde_json::Value =
        serde_json::from_slice(&fs::read(public.join("api/2.0/criteria.jsonld")).unwrap()).unwrap();
    assert_eq!(c["id"], "urn:craftpub:mini-code:2.0:criteria");
    assert!(files.contains("favicon.ico") && files.contains("assets/favicon.svg"));
}

#[test]
fn with_a_base_url_the_sitemap_is_absolute_complete_and_reciprocal() {
    let _one = one_at_a_time();
    let dir = shipped();
    let base = "https://craft.example/code/";
    let (public, _) = build(dir.path(), Some(base));
    let files = written(&public);
    let xml = fs::read_to_string(public.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the sitemap is well-formed XML");
    let sm = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(sm));
    // The file each URL names: a folder's is its index.html.
    let file_of = |url: &str| {
        let path = url.strip_prefix(base).unwrap_or_else(|| panic!("{url} is not under the base URL {base}"));
        if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() }
    };
    let mut alternates: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for url in doc.root_element().children().filter(|n| n.has_tag_name((sm, "url"))) {
        let loc = url.children().find(|n| n.has_tag_name((sm, "loc"))).and_then(|n| n.text()).expect("a loc");
        assert!(files.contains(&file_of(loc)), "{loc} names no file the build wrote");
        let alts: BTreeSet<(String, String)> = url
            .children()
            .filter(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
            .map(|n| (n.attribute("hreflang").unwrap().to_owned(), n.attribute("href").unwrap().to_owned()))
            .collect();
        for (_, href) in &alts {
            assert!(files.contains(&file_of(href)), "{loc}: alternate {href} names no file");
        }
        assert!(alternates.insert(loc.to_owned(), alts).is_none(), "{loc} twice");
    }
    // Every page but the 404 page, the `latest/` redirects and the stubs
    // left where moved content was (`noindex`: they only say where it went).
    let indexed = pages(&public)
        .into_iter()
        .filter(|(p, html)| {
            p != "404.html" && !p.contains("/latest/") && !html.contains("<meta name=\"robots\" content=\"noindex\">")
        })
        .count();
    assert_eq!(alternates.len(), indexed, "every page is in the sitemap");
    let mut pairs = 0;
    for (loc, alts) in &alternates {
        if alts.is_empty() {
            continue;
        }
        let lang = file_of(loc).split('/').next().unwrap().to_owned();
        assert!(alts.contains(&(lang.clone(), loc.clone())), "{loc} is among its own alternates");
        for (_, other) in alts {
            let back =
                alternates.get(other).unwrap_or_else(|| panic!("{loc}: alternate {other} is not in the sitemap"));
            assert!(back.contains(&(lang.clone(), loc.clone())), "{other} does not name {loc} back");
            pairs += 1;
        }
    }
    println!("sitemap: {} locations, {pairs} alternates, all absolute, reciprocal", alternates.len());
    assert!(alternates.len() > 400 && pairs > 2000, "{} {pairs}", alternates.len());
    // A `latest/` redirect names the page it leads to as canonical, absolute.
    let redirect = fs::read_to_string(public.join("en/latest/index.html")).unwrap();
    assert!(redirect.contains(&format!("<link rel=\"canonical\" href=\"{base}en/2.1/\">")), "{redirect}");
    // The pages name the same alternates, absolute.
    let mut compared = 0;
    for (path, html) in pages(&public) {
        let links = hreflang_links(&html);
        for (lang, href) in &links {
            assert!(href.starts_with(base), "{path}: hreflang {lang} {href}");
            assert!(files.contains(&file_of(href)), "{path}: {href} names no file");
        }
        // A page that names alternates (not all do: the status pages leave
        // them to the sitemap) names the sitemap's.
        if links.is_empty() {
            continue;
        }
        let alts = alternates.get(&format!("{base}{}", path.strip_suffix("index.html").unwrap_or(&path)));
        let links: BTreeSet<(String, String)> = links.into_iter().collect();
        assert_eq!(Some(&links), alts, "{path}: the page's alternates are the sitemap's");
        compared += 1;
    }
    println!("{compared} pages name their alternates, the same as the sitemap's");
    assert!(compared > 300, "{compared}");
}

#[test]
fn feedparser_reads_every_feed_and_each_names_itself() {
    let _one = one_at_a_time();
    let dir = shipped();
    for base in [None, Some("https://craft.example/code/")] {
        let (public, _) = build(dir.path(), base);
        let feeds: Vec<String> = written(&public)
            .into_iter()
            .filter(|p| p.ends_with("/feed.xml"))
            .map(|p| public.join(p).to_string_lossy().into_owned())
            .collect();
        assert!(feeds.len() >= 5, "{feeds:?}");
        let out = Command::new(python())
            .arg(repo().join("tests/published/feeds.py"))
            .arg(base.unwrap_or(""))
            .args(&feeds)
            .output()
            .expect("python3 runs (bash .ci/run installs feedparser)");
        let stdout = String::from_utf8_lossy(&out.stdout);
        println!("{stdout}");
        assert!(out.status.success(), "feedparser found faults:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout.matches("\"bozo\": 0").count(), feeds.len(), "{stdout}");
    }
}

#[test]
fn jsonld_js_and_pyld_give_the_same_triples_with_and_without_a_base_url() {
    let _one = one_at_a_time();
    let dir = shipped();
    for base in [None, Some("https://craft.example/code/")] {
        let (public, _) = build(dir.path(), base);
        let catalogues: Vec<PathBuf> =
            written(&public).into_iter().filter(|p| p.ends_with("/criteria.jsonld")).map(|p| public.join(p)).collect();
        assert_eq!(catalogues.len(), 3, "one per version");
        let out_dir = tempfile::tempdir().unwrap();
        let js = Command::new("node")
            .arg(repo().join("tests/published/jsonld.mjs"))
            .arg(out_dir.path())
            .args(&catalogues)
            .output()
            .expect("node runs");
        let py = Command::new(python())
            .arg(repo().join("tests/published/jsonld.py"))
            .arg(out_dir.path())
            .args(&catalogues)
            .output()
            .expect("python3 runs (bash .ci/run installs pyld)");
        for (who, out) in [("jsonld.js", &js), ("pyld", &py)] {
            println!("{}", String::from_utf8_lossy(&out.stdout));
            assert!(
                out.status.success(),
                "{who}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for (i, file) in catalogues.iter().enumerate() {
            let from_js = fs::read_to_string(out_dir.path().join(format!("{i}.jsonld-js.nq"))).unwrap();
            let from_py = fs::read_to_string(out_dir.path().join(format!("{i}.pyld.nq"))).unwrap();
            assert_eq!(from_js, from_py, "{}: jsonld.js and pyld give different triples", file.display());
            // No relative IRI: every IRI term is absolute.
            for iri in from_js.split('<').skip(1).filter_map(|s| s.split_once('>')).map(|(iri, _)| iri) {
                assert!(is_absolute_iri(iri), "{}: relative IRI <{iri}>", file.display());
            }
            // Every criterion in the file is a subject of the graph.
            let c: serde_json::Value = serde_json::from_slice(&fs::read(file).unwrap()).unwrap();
            let mut ids = Vec::new();
            fn walk(v: &serde_json::Value, ids: &mut Vec<String>) {
                for c in v.as_array().into_iter().flatten() {
                    ids.push(c["id"].as_str().unwrap().to_owned());
                    walk(&c["subCriterion"], ids);
                }
            }
            walk(&c["conformityCriterion"], &mut ids);
            for id in &ids {
                if let Some(base) = base {
                    assert!(id.starts_with(base), "{id}");
                } else {
                    assert!(id.starts_with("urn:craftpub:craft-code:"), "{id}");
                }
                assert!(from_js.contains(&format!("\n<{id}> ")) || from_js.starts_with(&format!("<{id}> ")), "{id}");
            }
            println!(
                "{} (base {}): {} triples, {} criteria, the same in jsonld.js and pyld",
                file.display(),
                base.unwrap_or("none"),
                from_js.lines().count(),
                ids.len()
            );
        }
    }
}

/// Runs the Nu Html Checker on every page under `dir`; returns its messages
/// as (page, type, message).
fn vnu(dir: &Path) -> Vec<(String, String, String)> {
    let jar = repo().join("theme/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "run `npm ci` in theme/ (bash .ci/run does it)");
    let out = Command::new("java")
        .args(["-Xss4m", "-jar"])
        .arg(&jar)
        .args(["--format", "json", "--skip-non-html"])
        .arg(dir)
        .output()
        .expect("java runs (bash .ci/run installs default-jre-headless)");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("vnu's report: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let kind = match (m["type"].as_str().unwrap_or(""), m["subType"].as_str()) {
                ("info", Some("warning")) => "warning",
                ("info", _) => "info",
                (other, _) => other,
            };
            let url = m["url"].as_str().unwrap_or("").to_owned();
            (url, kind.to_owned(), m["message"].as_str().unwrap_or("").to_owned())
        })
        .collect()
}

#[test]
fn the_nu_html_checker_finds_no_error_and_no_warning() {
    let _one = one_at_a_time();
    let shipped_dir = shipped();
    let (shipped_site, _) = build(shipped_dir.path(), Some("https://craft.example/code/"));
    // A right-to-left fixture (Arabic), built without a base URL.
    let rtl = fixture_with("mini", &["i18n"]);
    let (rtl_site, _) = build(rtl.path(), None);
    assert!(fs::read_to_string(rtl_site.join("ar/2.0/index.html")).unwrap().contains("dir=\"rtl\""));
    for site in [&shipped_site, &rtl_site] {
        let count = pages(site).len();
        let messages: Vec<_> = vnu(site).into_iter().filter(|(_, kind, _)| kind != "info").collect();
        for (url, kind, message) in &messages {
            println!("{kind}: {url}: {message}");
        }
        println!("vnu: {count} pages of {}: {} errors and warnings", site.display(), messages.len());
        assert!(count > 50, "{count} pages");
        assert!(messages.is_empty(), "the Nu Html Checker found {} errors and warnings", messages.len());
    }
}

#[test]
fn lighthouse_gives_100_in_every_category_on_three_pages() {
    let _one = one_at_a_time();
    let dir = shipped();
    // The port the pages are served on is the base URL's: pick a free one.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (public, _) = build(dir.path(), Some(&format!("http://127.0.0.1:{port}/")));
    let reports = tempfile::tempdir().unwrap();
    let pages = ["", "en/2.1/module-3.html", "en/2.1/search.html?q=child+labour"];
    let out = Command::new("node")
        .arg(repo().join("tests/published/lighthouse.mjs"))
        .arg(&public)
        .arg(port.to_string())
        .arg(reports.path())
        .args(pages)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    for page in pages {
        let line = stdout
            .lines()
            .find(|l| {
                l.starts_with(&format!("lighthouse {page} ")) || (page.is_empty() && l.starts_with("lighthouse  "))
            })
            .unwrap_or_else(|| panic!("no scores for {page:?}"));
        let scores: BTreeMap<&str, u32> = line
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .filter_map(|(k, v)| v.parse().ok().map(|v| (k, v)))
            .collect();
        assert_eq!(scores.len(), 4, "{line}");
        for (category, score) in &scores {
            assert_eq!(*score, 100, "{page:?}: {category} {score}\n{stdout}");
        }
    }
}
