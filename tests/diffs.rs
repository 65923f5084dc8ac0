//! Diffs between versions: classification of every kind of change, the word
//! operations, the amendment-history consistency errors, the pages (in
//! headless Chromium) and the shipped versions' diffs.

mod common;

use common::{browser_test, build, check, craftpub, edit, fixture, shipped};
use serde_json::Value;

fn diff_json(root: &std::path::Path, from: &str, to: &str) -> Value {
    let out = craftpub(&["diff", from, to, "--root", root.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn change<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id || (c["id"].is_null() && c["old_id"] == id))
        .unwrap_or_else(|| panic!("no change for {id}: {d:#}"))
}

fn ops(c: &Value, part: &str) -> Vec<(String, String)> {
    c[format!("{part}_ops")]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["op"].as_str().unwrap().to_owned(), o["text"].as_str().unwrap().to_owned()))
        .collect()
}

/// The fixture with every kind of change between 1.0 and 2.0: added (1.1.3),
/// removed (2.1.2), modified in text and metadata (1.1.2), modified in text
/// only (1.2.1), modified in metadata only (1.1.1, made here), renumbered
/// without change (2.1.1 -> 2.2.1), renumbered with a change (made here),
/// unchanged.
fn every_kind_of_change() -> tempfile::TempDir {
    let dir = fixture("mini");
    let root = dir.path();
    // Metadata only: 1.1.1 becomes a recommendation.
    edit(
        root,
        "standard/2.0/module-1.md",
        "title: Name a responsible person\napplies-to: producer\nlevel: obligation",
        "title: Name a responsible person\napplies-to: producer\nlevel: recommendation",
    );
    edit(root, "standard/2.0/amendments.toml", "modified = [\"1.1.2\"]", "modified = [\"1.1.2\", \"1.1.1\"]");
    // Renumbered with a change: 1.2.1 becomes 1.3.1 and its text changes.
    edit(
        root,
        "standard/2.0/module-1.md",
        "## 1.2 Complaints\n\n::: requirement 1.2.1\ntitle: Offer a complaints contact",
        "## 1.3 Complaints\n\n::: requirement 1.3.1\ntitle: Offer a grievance contact",
    );
    edit(
        root,
        "standard/2.0/amendments.toml",
        "modified = [\"1.2.1\"]",
        "renumbered = [{ from = \"1.2.1\", to = \"1.3.1\" }, { from = \"2.1.1\", to = \"2.2.1\" }]",
    );
    edit(root, "standard/2.0/amendments.toml", "renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }]\n", "");
    dir
}

#[test]
fn every_kind_of_change_is_classified() {
    let dir = every_kind_of_change();
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 0, "{stderr}");
    let d = diff_json(dir.path(), "1.0", "2.0");
    assert_eq!(d["from"], "1.0");
    assert_eq!(d["to"], "2.0");
    assert_eq!(d["counts"]["added"], 1);
    assert_eq!(d["counts"]["removed"], 1);
    assert_eq!(d["counts"]["modified"], 2);
    assert_eq!(d["counts"]["renumbered"], 2);
    assert_eq!(d["counts"]["unchanged"], 0);

    let added = change(&d, "1.1.3");
    assert_eq!(added["change"], "added");
    assert_eq!(added["old_id"], Value::Null);
    assert_eq!(added["amendments"][0]["id"], "leadership");
    // The change points to its amendment entry, which holds the rationale.
    assert_eq!(added["amendments"][0]["version"], "2.0");
    assert!(added["amendments"][0].get("rationale").is_none());

    let removed = change(&d, "2.1.2");
    assert_eq!(removed["change"], "removed");
    assert_eq!(removed["id"], Value::Null);
    assert_eq!(removed["amendments"][0]["id"], "permits-removed");

    let both = change(&d, "1.1.2");
    assert_eq!(both["change"], "modified");
    assert_eq!(both["text_changed"], true);
    assert_eq!(both["metadata_changed"], serde_json::json!(["applies-to", "level"]));
    assert_eq!(both["old_metadata"]["applies-to"], serde_json::json!(["producer"]));
    assert_eq!(both["new_metadata"]["applies-to"], serde_json::json!(["producer", "buyer"]));
    let body = ops(both, "text");
    assert!(body.contains(&("delete".into(), "list".into())), "{body:?}");
    assert!(body.contains(&("insert".into(), "register".into())), "{body:?}");
    assert!(body.contains(&("insert".into(), "all ".into())), "{body:?}");
    assert!(body.contains(&("insert".into(), ", updated every year".into())), "{body:?}");
    assert_eq!(
        ops(both, "title"),
        vec![
            ("equal".into(), "Keep a ".into()),
            ("delete".into(), "list".into()),
            ("insert".into(), "register".into()),
            ("equal".into(), " of members".into())
        ]
    );

    let meta_only = change(&d, "1.1.1");
    assert_eq!(meta_only["change"], "modified");
    assert_eq!(meta_only["text_changed"], false);
    assert_eq!(meta_only["old_metadata"]["level"], "obligation");

    let plain = change(&d, "2.2.1");
    assert_eq!(plain["change"], "renumbered");
    assert_eq!(plain["old_id"], "2.1.1");
    assert_eq!(plain["text_changed"], false);

    let moved = change(&d, "1.3.1");
    assert_eq!(moved["change"], "renumbered");
    assert_eq!(moved["old_id"], "1.2.1");
    assert_eq!(moved["text_changed"], true);
    let title = ops(moved, "title");
    assert!(
        title.contains(&("delete".into(), "complaints".into()))
            && title.contains(&("insert".into(), "grievance".into())),
        "{title:?}"
    );
    let body = ops(moved, "text");
    assert!(
        body.contains(&("delete".into(), "[[2.1.1]]".into())) && body.contains(&("insert".into(), "[[2.2.1]]".into())),
        "{body:?}"
    );
}

#[test]
fn a_change_with_no_amendment_entry_is_an_error() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/amendments.toml", "added = [\"1.1.3\"]", "");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "standard/2.0/module-1.md:33: requirement 1.1.3 is new in 2.0 but no amendment entry lists it in added"
        ),
        "{stderr}"
    );
}

#[test]
fn a_modification_and_a_removal_need_entries_too() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/amendments.toml", "modified = [\"1.1.2\"]", "");
    edit(dir.path(), "standard/2.0/amendments.toml", "removed = [\"2.1.2\"]", "");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("standard/2.0/module-1.md:24: requirement 1.1.2 changed (its text; applies-to \"producer\" -> \"producer, buyer\"; level \"recommendation\" -> \"obligation\") since 1.0 but no amendment entry lists it in modified"), "{stderr}");
    assert!(stderr.contains("standard/1.0/module-2.md:18: requirement 2.1.2 of 1.0 is gone from 2.0 but no amendment entry lists it in removed"), "{stderr}");
}

#[test]
fn an_entry_naming_an_unchanged_requirement_is_an_error() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/amendments.toml", "modified = [\"1.1.2\"]", "modified = [\"1.1.2\", \"1.1.1\"]");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "standard/2.0/amendments.toml:5: requirement 1.1.1 is listed as modified, but it did not change since 1.0"
        ),
        "{stderr}"
    );
}

#[test]
fn an_undeclared_renumbering_is_caught() {
    let dir = fixture("mini");
    edit(
        dir.path(),
        "standard/2.0/amendments.toml",
        "renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }]\n",
        "added = [\"2.2.1\"]\nremoved = [\"2.1.1\"]\n",
    );
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("standard/2.0/module-2.md:9: 2.2.1 is new and 2.1.1 was removed, but their texts are 100% the same: an undeclared renumbering?"), "{stderr}");
    assert!(stderr.contains("renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }]"), "{stderr}");
}

#[test]
fn the_diff_in_text_is_plain_when_not_a_terminal() {
    let dir = fixture("mini");
    let out = craftpub(&["diff", "1.0", "2.0", "--root", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Changes from 1.0 to 2.0: 1 added, 2 modified, 1 removed, 1 renumbered, 1 unchanged"),
        "{text}"
    );
    assert!(text.contains("MODIFIED 1.1.2: Keep a [-list-]{+register+} of members"), "{text}");
    assert!(text.contains("RENUMBERED 2.1.1 -> 2.2.1"), "{text}");
    assert!(!text.contains('\x1b'), "no colour codes in a pipe");
    let bad = craftpub(&["diff", "1.0", "9.9", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn diff_pages_history_and_amendments_in_the_browser() {
    let dir = fixture("mini");
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let public = dir.path().join("public");
    for page in [
        "en/diff/1.0-2.0.html",
        "en/history/2.2.1.html",
        "en/history/2.1.2.html",
        "en/2.0/amendments.html",
        "api/en/diff/1.0-2.0.json",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    let index: Value = serde_json::from_slice(&std::fs::read(public.join("api/index.json")).unwrap()).unwrap();
    let diffs = index["diffs"].as_array().unwrap();
    assert!(
        diffs.iter().any(|d| d["from"] == "1.0"
            && d["to"] == "2.0"
            && d["lang"] == "en"
            && d["html"] == "../en/diff/1.0-2.0.html"
            && d["json"] == "en/diff/1.0-2.0.json"),
        "{diffs:?}"
    );
    browser_test("diffs.mjs", &[&public]);
}

#[test]
fn the_shipped_versions_diff() {
    let dir = shipped();
    let out = craftpub(&["diff", "2.0", "2.1", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Changes from 2.0 to 2.1:"), "{text}");
    assert!(text.contains("ADDED"), "{text}");
    assert!(text.contains("RENUMBERED"), "{text}");
    let json = diff_json(dir.path(), "1.0", "2.1");
    assert!(json["changes"].as_array().unwrap().len() > 20);
}

/// The marks of a terminal diff on one line: every `[-` and `{+` is closed
/// on the line it opens.
fn balanced(line: &str) -> bool {
    line.matches("[-").count() == line.matches("-]").count() && line.matches("{+").count() == line.matches("+}").count()
}

#[test]
fn a_diff_shows_everything_that_changed() {
    let dir = fixture("mini");
    let root = dir.path();
    // A change of prose alone, across two paragraphs: no amendment entry needed by default.
    edit(
        root,
        "standard/2.0/introduction.md",
        "This fixture has two modules. Start with [[1.1.1]].",
        "This fixture has two modules and\na glossary-free layout.\n\nStart with [[1.1.2]].",
    );
    let (code, stderr) = check(root);
    assert_eq!(code, 0, "{stderr}");
    let d = diff_json(root, "1.0", "2.0");

    // An added requirement comes with its whole metadata; a removed one with its old.
    let added = change(&d, "1.1.3");
    assert_eq!(added["old_metadata"], Value::Null);
    assert_eq!(added["new_metadata"]["level"], "obligation", "{added:#}");
    assert!(added["new_metadata"]["timeframe"].is_string(), "{added:#}");
    assert!(!added["new_metadata"]["applies-to"].as_array().unwrap().is_empty(), "{added:#}");
    let removed = change(&d, "2.1.2");
    assert!(removed["old_metadata"]["level"].is_string(), "{removed:#}");

    // A requirement that moved to another section says so.
    let moved = change(&d, "2.2.1");
    assert_eq!(moved["section"], serde_json::json!({ "old": "2.1 Legal status", "new": "2.2 Legal status" }));

    // Chapter prose, apart from the requirements.
    let chapters = d["chapters"].as_array().unwrap();
    let intro = chapters.iter().find(|c| c["slug"] == "introduction").expect("the introduction changed");
    assert_eq!(intro["change"], "modified");
    assert_eq!(intro["kind"], "introduction");
    assert_eq!(intro["text_lang"], "en");
    let inserted: String =
        ops(intro, "text").iter().filter(|(op, _)| op == "insert").map(|(_, t)| t.as_str()).collect();
    assert!(inserted.contains("glossary-free"), "{intro:#}");
    let module = chapters.iter().find(|c| c["slug"] == "module-1").expect("module 1's opening text changed");
    assert!(ops(module, "title").iter().any(|(op, t)| op == "insert" && t.contains("system")), "{module:#}");
    // Module 2's section heading changed (2.1 -> 2.2): part of its text.
    assert!(chapters.iter().any(|c| c["slug"] == "module-2"), "{chapters:#?}");

    // The terminal shows the same, and never breaks a line inside a change.
    let out = craftpub(&["diff", "1.0", "2.0", "--root", root.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ADDED 1.1.3"), "{text}");
    assert!(text.contains("  level: {+obligation+}"), "{text}");
    assert!(text.contains("  section: 2.1 Legal status -> 2.2 Legal status"), "{text}");
    assert!(text.contains("MODIFIED introduction introduction: Introduction"), "{text}");
    assert!(text.contains("glossary-free"), "{text}");
    for line in text.lines() {
        assert!(balanced(line), "a change cut at the end of a line: {line:?}\n{text}");
    }

    // The page: the chapter's text, the added requirement's metadata, links for cross-references.
    let (code, stderr) = build(root, None);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(root.join("public/en/diff/1.0-2.0.html")).unwrap();
    assert!(page.contains("id=\"chapter-introduction\""), "the introduction's change is on the page");
    assert!(page.contains("glossary-free"));
    assert!(page.contains("class=\"meta-changes meta-whole\""), "an added requirement's metadata is shown");
    assert!(page.contains("class=\"section-move\""));
    assert!(!page.contains("[["), "cross-references are links, not raw [[ID]]");
    assert!(page.contains(">1.1.2</a>"), "the new cross-reference links to its requirement");
}

#[test]
fn the_standard_chooses_whether_prose_changes_need_an_amendment() {
    let dir = fixture("mini");
    let root = dir.path();
    edit(
        root,
        "standard/standard.toml",
        "source_language = \"en\"",
        "source_language = \"en\"\nprose_amendments = true",
    );
    let (code, stderr) = check(root);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("standard/2.0/module-1.md:1: the text of chapter module-1 (modified) changed since 1.0 but no amendment entry lists it in chapters"),
        "{stderr}"
    );
    edit(
        root,
        "standard/2.0/amendments.toml",
        "added = [\"1.1.3\"]",
        "added = [\"1.1.3\"]\nchapters = [\"module-1\", \"module-2\", \"introduction\"]",
    );
    let (code, stderr) = check(root);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("names chapter introduction, whose text did not change since 1.0"), "{stderr}");
    edit(root, "standard/2.0/amendments.toml", ", \"introduction\"]", "]");
    let (code, stderr) = check(root);
    assert_eq!(code, 0, "{stderr}");
    // The amendment history names the chapter.
    let (code, stderr) = build(root, None);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(root.join("public/en/2.0/amendments.html")).unwrap();
    assert!(page.contains("#chapter-module-1"), "{page}");
}

#[test]
fn no_diff_history_or_amendment_page_of_the_shipped_site_shows_raw_cross_references() {
    let dir = shipped();
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let public = dir.path().join("public");
    let mut checked = 0;
    for (path, bytes) in common::tree(&public) {
        let p = path.to_string_lossy().replace('\\', "/");
        let record = p.contains("/diff/") || p.contains("/history/") || p.ends_with("/amendments.html");
        if !record || !p.ends_with(".html") || p.starts_with("api/") {
            continue;
        }
        checked += 1;
        let html = String::from_utf8_lossy(&bytes);
        assert!(!html.contains("[["), "{p} shows a raw cross-reference");
    }
    assert!(checked > 100, "only {checked} pages checked");
}
