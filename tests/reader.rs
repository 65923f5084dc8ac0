//! The reader's site: accessibility (axe-core in headless Chromium) on every
//! page type in English, a translation and a right-to-left language; small
//! screens; printing the whole edition to PDF; an edition's download read
//! from disk; the Atom feeds, the sitemap, canonical URLs and Open Graph tags.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use common::{browser_test, build, edit, fixture_with, shipped};

/// The page types of an edition and a language, as site paths.
fn page_types(lang: &str, version: &str, previous: &str, history: &str) -> Vec<String> {
    vec![
        format!("{lang}/{version}/index.html"),
        format!("{lang}/{version}/module-1.html"),
        format!("{lang}/{version}/print.html"),
        format!("{lang}/{version}/search.html?q=mining"),
        format!("{lang}/{version}/amendments.html"),
        format!("{lang}/diff/{previous}-{version}.html"),
        format!("{lang}/history/{history}.html"),
        format!("{lang}/{previous}/module-1.html"),
    ]
}

fn built(dir: &Path) -> std::path::PathBuf {
    let (code, stderr) = build(dir, None);
    assert_eq!(code, 0, "{stderr}");
    dir.join("public")
}

fn read(public: &Path, path: &str) -> String {
    fs::read_to_string(public.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Gives the project at `root` a `base_url` in `standard.toml`.
fn set_base_url(root: &Path, url: &str) {
    edit(
        root,
        "standard/standard.toml",
        "source_language = \"en\"",
        &format!("source_language = \"en\"\nbase_url = \"{url}\""),
    );
}
#[test]
fn every_page_type_passes_axe_in_english_a_translation_and_rtl() {
    let dir = fixture_with("mini", &["i18n"]);
    let public = built(dir.path());
    let mut pages = vec!["index.html".to_owned(), "404.html".to_owned()];
    pages.extend(page_types("en", "2.0", "1.0", "1.1.2"));
    pages.extend(page_types("es", "2.0", "1.0", "1.1.2"));
    pages.extend(page_types("ar", "2.0", "1.0", "1.1.2"));
    pages.extend(["es/status.html", "ar/status.html", "sw/2.0/module-2.html"].map(String::from));
    let args: Vec<&Path> = std::iter::once(public.as_path()).chain(pages.iter().map(Path::new)).collect();
    browser_test("a11y.mjs", &args);
}

#[test]
fn the_shipped_site_passes_axe() {
    let dir = shipped();
    let public = built(dir.path());
    let mut pages = vec!["index.html".to_owned()];
    pages.extend(page_types("en", "2.1", "2.0", "1.1.2"));
    pages.extend(
        ["fr/2.1/module-4.html", "pt/2.1/print.html", "es/status.html", "en/2.1/glossary.html"].map(String::from),
    );
    let args: Vec<&Path> = std::iter::once(public.as_path()).chain(pages.iter().map(Path::new)).collect();
    browser_test("a11y.mjs", &args);
}

#[test]
fn titles_shown_in_english_on_a_translated_page_say_so() {
    let dir = fixture_with("mini", &["i18n"]);
    let public = built(dir.path());
    // Swahili has interface strings only: every chapter title is English.
    let html = read(&public, "sw/2.0/module-1.html");
    assert!(html.contains("<h1 lang=\"en\" dir=\"ltr\">"), "the English title of a Swahili page is marked");
    let home = read(&public, "sw/2.0/index.html");
    assert!(home.contains("lang=\"en\">Module 1"), "English titles in the contents are marked");
    // English pages mark nothing.
    assert!(!read(&public, "en/2.0/module-1.html").contains("<h1 lang="));
}

fn pdf_tool(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed to read the printed PDF: install poppler-utils (bash .ci/run does): {e}")
    });
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_whole_edition_prints_to_pdf() {
    let dir = shipped();
    let public = built(dir.path());
    let page = read(&public, "en/2.1/print.html");
    let home = read(&public, "en/2.1/index.html");
    assert!(home.contains("href=\"../../en/2.1/print.html\""), "the edition's home links to its whole-edition page");
    // Every chapter and requirement is on the page; chapter links point within it.
    let chapters = fs::read_dir(public.join("en/2.1")).unwrap().count();
    assert!(chapters > 5);
    for id in ["1.1.1", "3.1.1", "5.1.1", "6.1.1"] {
        assert!(page.contains(&format!("id=\"req-{id}\"")), "print.html holds requirement {id}");
    }
    assert!(!page.contains("href=\"../../en/2.1/module-"), "links between chapters stay on the page");

    let pdf = dir.path().join("edition.pdf");
    browser_test("print.mjs", &[&public, Path::new("en/2.1/print.html"), &pdf]);
    assert!(fs::metadata(&pdf).map(|m| m.len() > 10_000).unwrap_or(false), "the PDF exists");
    let info = pdf_tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count");
    assert!(pages >= 10, "the whole edition takes several pages ({pages})");
    let text = pdf_tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for needle in ["CRAFT Code 2.1", "1.1.1", "3.1.1", "5.1.1", "Glossary", "creativecommons.org/licenses/by-sa/4.0"] {
        assert!(text.contains(needle), "the PDF's text holds {needle:?}");
    }
    for chrome in ["Skip to content", "Search the Code", "Search, e.g.", "Version 2.1 (current)", "Atom feed"] {
        assert!(!text.contains(chrome), "the PDF holds no navigation ({chrome:?})");
    }
    assert!(text.contains(&format!("1 / {pages}")), "pages are numbered");
}

/// Unzips `zip` into `into` with the zip crate; returns the names in order.
fn unzip(zip: &[u8], into: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip file");
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().expect("a UTF-8 name").into_owned();
        let path = into.join(file.enclosed_name().expect("a path inside the folder"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        fs::write(path, bytes).unwrap();
        names.push(name);
    }
    names
}

#[test]
fn an_unzipped_edition_works_from_disk_search_included() {
    let dir = shipped();
    let public = built(dir.path());
    let home = read(&public, "en/2.1/index.html");
    assert!(
        home.contains("href=\"../../en/2.1/download/craft-code-en-2.1.zip\" type=\"application/zip\" download"),
        "the edition's home links to its download"
    );
    assert!(home.contains(" kB)</span>"), "and says how big it is");
    let zip = fs::read(public.join("en/2.1/download/craft-code-en-2.1.zip")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let names = unzip(&zip, out.path());
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries are sorted");
    for name in [
        "craft-code-en-2.1/index.html",
        "craft-code-en-2.1/en/2.1/index.html",
        "craft-code-en-2.1/en/2.1/module-3.html",
        "craft-code-en-2.1/en/2.1/print.html",
        "craft-code-en-2.1/en/2.1/search-index.js",
        "craft-code-en-2.1/assets/style.css",
        "craft-code-en-2.1/assets/search.js",
        "craft-code-en-2.1/assets/lunr/lunr.min.js",
        "craft-code-en-2.1/assets/lunr/LICENSE-lunr.txt",
    ] {
        assert!(names.iter().any(|n| n == name), "the download holds {name}");
    }
    assert!(!names.iter().any(|n| n.contains("/en/2.0/") || n.contains("/es/") || n.ends_with(".zip")));
    let folder = out.path().join("craft-code-en-2.1");
    // Without a base_url, links to other editions are removed, their text kept.
    let chapter = fs::read_to_string(folder.join("en/2.1/module-1.html")).unwrap();
    assert!(!chapter.contains("en/2.0/"), "no link to another version inside the download");
    assert!(chapter.contains("<a lang=\"es\">Español</a>"), "the language switcher keeps its names");
    browser_test("offline.mjs", &[&folder, Path::new("child labour"), Path::new("3.1.3")]);

    // A Spanish edition: its own search pipeline and lunr-languages files.
    let zip = fs::read(public.join("es/2.1/download/craft-code-es-2.1.zip")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let names = unzip(&zip, out.path());
    assert!(names.iter().any(|n| n == "craft-code-es-2.1/assets/lunr/lunr.es.min.js"));
    assert!(!names.iter().any(|n| n.ends_with("lunr.fr.min.js")), "only the scripts the language needs");
    browser_test(
        "offline.mjs",
        &[&out.path().join("craft-code-es-2.1"), Path::new("trabajo infantil"), Path::new("3.1.3")],
    );
}

#[test]
fn downloads_are_deterministic_and_point_outside_links_online_with_a_base_url() {
    let dir = fixture_with("mini", &["i18n"]);
    set_base_url(dir.path(), "https://code.example.org/");
    let public = built(dir.path());
    let first = fs::read(public.join("en/2.0/download/mini-code-en-2.0.zip")).unwrap();
    let again = dir.path().join("again");
    let (code, stderr) = build(dir.path(), Some(&again));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        first,
        fs::read(again.join("en/2.0/download/mini-code-en-2.0.zip")).unwrap(),
        "same sources, same bytes"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&first)).unwrap();
    let mut chapter = String::new();
    archive.by_name("mini-code-en-2.0/en/2.0/module-1.html").unwrap().read_to_string(&mut chapter).unwrap();
    assert!(chapter.contains("href=\"https://code.example.org/en/1.0/module-1.html\""), "other versions link online");
    assert!(chapter.contains("href=\"https://code.example.org/es/2.0/module-1.html\""), "other languages link online");
    assert!(chapter.contains("href=\"../../en/2.0/module-2.html"), "pages inside stay relative");
    let file = archive.by_name("mini-code-en-2.0/en/2.0/index.html").unwrap();
    let modified = file.last_modified().unwrap();
    assert_eq!((modified.year(), modified.month(), modified.day()), (2020, 10, 1), "timestamps are the release date");
}

#[test]
fn canonical_urls_and_open_graph_tags() {
    let dir = fixture_with("mini", &["i18n"]);
    let public = built(dir.path());
    let page = read(&public, "es/2.0/module-1.html");
    assert!(!page.contains("rel=\"canonical\""), "no canonical URL without a base_url");
    assert!(!page.contains("og:url"));
    for tag in [
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:title\" content=\"Módulo 1",
        "<meta property=\"og:locale\" content=\"es\">",
        "<meta property=\"og:description\" content=\"",
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"../../es/feed.xml\"",
    ] {
        assert!(page.contains(tag), "{tag}");
    }

    set_base_url(dir.path(), "https://code.example.org");
    let public = built(dir.path());
    let page = read(&public, "es/2.0/module-1.html");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://code.example.org/es/2.0/module-1.html\">"));
    assert!(page.contains("<meta property=\"og:url\" content=\"https://code.example.org/es/2.0/module-1.html\">"));
    let home = read(&public, "en/2.0/index.html");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://code.example.org/en/2.0/\">"));
    assert!(!read(&public, "404.html").contains("rel=\"canonical\""), "the 404 page names no canonical URL");
    let redirect = read(&public, "en/latest/index.html");
    assert!(redirect.contains("rel=\"canonical\""), "latest/ names the page it leads to");
}

fn atom<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|n| n.has_tag_name(("http://www.w3.org/2005/Atom", name)))
}

/// Checks an Atom feed against RFC 4287's rules that matter to readers;
/// returns its entries' titles.
fn check_feed(xml: &str, public: &Path, feed_path: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("the feed is well-formed XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name(("http://www.w3.org/2005/Atom", "feed")), "an Atom feed");
    let is_timestamp = |s: &str| s.len() == 20 && s.ends_with('Z') && s.as_bytes()[10] == b'T';
    for required in ["id", "title", "updated", "author"] {
        assert!(atom(feed, required).is_some(), "the feed has <{required}>");
    }
    assert!(is_timestamp(atom(feed, "updated").unwrap().text().unwrap()));
    let mut ids = std::collections::BTreeSet::new();
    let mut titles = Vec::new();
    let entries: Vec<_> =
        feed.children().filter(|n| n.has_tag_name(("http://www.w3.org/2005/Atom", "entry"))).collect();
    assert!(!entries.is_empty());
    let feed_dir = Path::new(feed_path).parent().unwrap();
    for e in entries {
        let id = atom(e, "id").and_then(|n| n.text()).expect("every entry has an id");
        assert!(id.starts_with("urn:uuid:"), "{id}");
        assert!(ids.insert(id.to_owned()), "entry ids are unique");
        assert!(is_timestamp(atom(e, "updated").and_then(|n| n.text()).unwrap()));
        let title = atom(e, "title").and_then(|n| n.text()).expect("every entry has a title");
        titles.push(title.to_owned());
        let link = atom(e, "link").and_then(|n| n.attribute("href")).expect("every entry links to a page");
        let target = link.split('#').next().unwrap();
        let resolved = public.join(feed_dir).join(target);
        assert!(resolved.exists(), "{link} resolves to a page of the site");
        if let Some(content) = atom(e, "content") {
            assert_eq!(content.attribute("type"), Some("html"));
        }
    }
    titles
}

#[test]
fn atom_feeds_of_versions_and_amendments() {
    let dir = fixture_with("mini", &["i18n"]);
    let public = built(dir.path());
    let titles = check_feed(&read(&public, "en/feed.xml"), &public, "en/feed.xml");
    assert_eq!(titles[0], "Mini Code 2.0", "newest first");
    assert!(titles.iter().any(|t| t == "Mini Code 1.0"));
    assert!(titles.len() > 2, "amendments are entries too: {titles:?}");
    let es = read(&public, "es/feed.xml");
    check_feed(&es, &public, "es/feed.xml");
    assert!(es.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"es\">"));
    assert!(es.contains("<entry xml:lang=\"en\">"), "English amendment text is marked as English");
    assert!(read(&public, "index.html").contains("href=\"en/feed.xml\""), "the front page leads to the feed");
    // A version's entry names its version and links its edition as data.
    let en = read(&public, "en/feed.xml");
    // Without a base URL the feed names itself relative to itself.
    assert!(en.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"../en/feed.xml\"/>"), "{en}");
    assert!(en.contains("<category scheme=\"urn:craftpub:version\" term=\"2.0\"/>"), "{en}");
    assert!(en.contains("<link rel=\"alternate\" type=\"application/json\" href=\"../api/en/2.0/edition.json\"/>"));
    assert!(public.join("api/en/2.0/edition.json").is_file());

    // Same sources, same feed; the site's address makes links absolute.
    set_base_url(dir.path(), "https://code.example.org/");
    let public2 = built(dir.path());
    let en = read(&public2, "en/feed.xml");
    assert!(
        en.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://code.example.org/en/feed.xml\"/>")
    );
    assert!(en.contains("href=\"https://code.example.org/en/2.0/\""));
    let ids = |xml: &str| xml.lines().filter(|l| l.starts_with("<id>")).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(ids(&en), ids(&read(&public, "en/feed.xml")), "entry ids do not depend on the site's address");
}

#[test]
fn the_sitemap_names_every_language_of_every_page() {
    let dir = fixture_with("mini", &["i18n"]);
    set_base_url(dir.path(), "https://code.example.org");
    let public = built(dir.path());
    let xml = read(&public, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the sitemap is well-formed XML");
    let sm = "http://www.sitemaps.org/schemas/sitemap/0.9";
    let urls: Vec<_> = doc.root_element().children().filter(|n| n.has_tag_name((sm, "url"))).collect();
    let find = |loc: &str| {
        urls.iter()
            .find(|u| u.children().any(|c| c.has_tag_name((sm, "loc")) && c.text() == Some(loc)))
            .unwrap_or_else(|| panic!("the sitemap lists {loc}"))
    };
    for page in ["https://code.example.org/en/2.0/module-1.html", "https://code.example.org/ar/2.0/print.html"] {
        let url = find(page);
        let alternates: Vec<&str> = url
            .children()
            .filter(|c| c.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
            .filter_map(|c| c.attribute("hreflang"))
            .collect();
        let mut alternates = alternates;
        alternates.sort();
        assert_eq!(alternates, ["ar", "en", "es", "sw"], "{page} names its page in every language");
    }
    assert!(!xml.contains("/latest/") && !xml.contains("404.html") && !xml.contains(".zip"));
}

#[test]
fn pages_load_nothing_from_other_hosts_and_use_system_fonts() {
    let dir = fixture_with("mini", &["i18n"]);
    let public = built(dir.path());
    let css = read(&public, "assets/style.css");
    for forbidden in ["@font-face", "@import", "url("] {
        assert!(!css.contains(forbidden), "the stylesheet loads nothing ({forbidden})");
    }
    assert!(css.contains("font: 1rem/1.55 system-ui"), "system fonts");
    for page in ["index.html", "en/2.0/module-1.html", "ar/2.0/print.html", "es/diff/1.0-2.0.html"] {
        let html = read(&public, page);
        for attr in ["src=\"http", "src=\"//", "rel=\"stylesheet\" href=\"http", "rel=\"preconnect\""] {
            assert!(!html.contains(attr), "{page} loads nothing from another host ({attr})");
        }
        for script in html.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap_or(script.len())];
            assert!(tag.contains(" defer"), "{page}: scripts load late ({tag})");
        }
    }
    assert!(read(&public, "en/2.0/module-1.html").contains("search.js\" defer>"), "chapters have search");
}

#[test]
fn the_code_for_me_passes_axe_in_english_spanish_and_arabic() {
    let dir = fixture_with("mini", &["i18n"]);
    let public = built(dir.path());
    let mut pages = Vec::new();
    for lang in ["en", "es", "ar"] {
        pages.push(format!("{lang}/2.0/for-producer.html"));
        pages.push(format!("{lang}/2.0/checklist.html"));
    }
    pages.push("ar/2.0/for-buyer.html?commodity=gold".to_owned());
    let ar = read(&public, "ar/2.0/checklist.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "the Arabic checklist is right to left");
    let args: Vec<&Path> = std::iter::once(public.as_path()).chain(pages.iter().map(Path::new)).collect();
    browser_test("a11y.mjs", &args);
}

#[test]
fn the_downloads_checklist_works_from_disk() {
    let dir = shipped();
    let public = built(dir.path());
    let zip = fs::read(public.join("en/2.1/download/craft-code-en-2.1.zip")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let names = unzip(&zip, out.path());
    for name in [
        "craft-code-en-2.1/en/2.1/checklist.html",
        "craft-code-en-2.1/en/2.1/for-producer.html",
        "craft-code-en-2.1/assets/checklist.js",
        "craft-code-en-2.1/assets/filter.js",
        "craft-code-en-2.1/assets/forme.css",
    ] {
        assert!(names.iter().any(|n| n == name), "the download holds {name}");
    }
    browser_test("forme_offline.mjs", &[&out.path().join("craft-code-en-2.1"), Path::new("en"), Path::new("2.1")]);
}
