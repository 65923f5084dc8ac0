//! Permanent URLs: every file a build published is on every later build of
//! the same sources, as the content or as a page (and JSON stub) saying
//! where it went and why, across three successive releases.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{build, craftpub, edit, fixture};
use serde_json::Value;

/// Every file of a build, as site paths.
fn published(public: &Path) -> BTreeSet<String> {
    common::tree(public).into_iter().map(|(p, _)| p.to_string_lossy().replace('\\', "/")).collect()
}

/// Builds the project at `root` (into a fresh public/) and returns its files.
fn build_all(root: &Path) -> BTreeSet<String> {
    let _ = fs::remove_dir_all(root.join("public"));
    let (code, stderr) = build(root, None);
    assert_eq!(code, 0, "{stderr}");
    published(&root.join("public"))
}

/// `craftpub version new ID` then the edits, then `craftpub version release ID`.
fn release(root: &Path, id: &str, date: &str, change: &dyn Fn(&Path)) {
    let r = root.to_str().unwrap();
    let out = craftpub(&["version", "new", id, "--date", date, "--root", r]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    change(root);
    let (code, stderr) = common::check(root);
    assert_eq!(code, 0, "{stderr}");
    let out = craftpub(&["version", "release", id, "--date", date, "--root", r]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The text of requirement `id`'s block in `file`, from its `:::` line to the closing one.
fn block(root: &Path, file: &str, id: &str) -> String {
    let text = fs::read_to_string(root.join(file)).unwrap();
    let start = text.find(&format!("::: requirement {id}\n")).unwrap();
    let end = start + text[start..].find("\n:::\n").unwrap() + 5;
    text[start..end].to_owned()
}

#[test]
fn every_url_of_every_earlier_build_still_answers_after_three_releases() {
    let dir = fixture("mini");
    let root = dir.path();
    // 2.0 current, as shipped in the fixture.
    let mut earlier: Vec<BTreeSet<String>> = vec![build_all(root)];

    // 2.1: 1.1.3 is renumbered 1.1.4, 1.1.2 is removed.
    release(root, "2.1", "2021-06-01", &|root| {
        let gone = block(root, "standard/2.1/module-1.md", "1.1.2");
        edit(root, "standard/2.1/module-1.md", &gone, "");
        edit(root, "standard/2.1/module-1.md", "::: requirement 1.1.3", "::: requirement 1.1.4");
        fs::write(
            root.join("standard/2.1/amendments.toml"),
            "[[amendment]]\nid = \"leadership-moves\"\ntitle = \"Leadership is 1.1.4\"\nrationale = \"Room for 1.1.3.\"\nrenumbered = [{ from = \"1.1.3\", to = \"1.1.4\" }]\n\n[[amendment]]\nid = \"register-dropped\"\ntitle = \"The register is dropped\"\nrationale = \"Covered elsewhere.\"\nremoved = [\"1.1.2\"]\n",
        )
        .unwrap();
    });
    earlier.push(build_all(root));

    // 2.2: 1.1.4 is renumbered 1.1.5.
    release(root, "2.2", "2022-06-01", &|root| {
        edit(root, "standard/2.2/module-1.md", "::: requirement 1.1.4", "::: requirement 1.1.5");
        fs::write(
            root.join("standard/2.2/amendments.toml"),
            "[[amendment]]\nid = \"leadership-moves-again\"\ntitle = \"Leadership is 1.1.5\"\nrationale = \"Room for 1.1.4.\"\nrenumbered = [{ from = \"1.1.4\", to = \"1.1.5\" }]\n",
        )
        .unwrap();
    });
    earlier.push(build_all(root));

    // 2.3: no change to the requirements; the introduction is dropped.
    release(root, "2.3", "2023-06-01", &|root| {
        edit(root, "standard/2.3/version.toml", "\"introduction.md\",", "");
        fs::remove_file(root.join("standard/2.3/introduction.md")).unwrap();
    });
    let last = build_all(root);

    for (k, before) in earlier.iter().enumerate() {
        let later = &earlier[k + 1..];
        for next in later.iter().chain([&last]) {
            let missing: Vec<&String> = before.difference(next).collect();
            assert!(missing.is_empty(), "build {k} published files a later build lacks: {missing:#?}");
        }
    }

    let public = root.join("public");
    let read = |p: &str| fs::read_to_string(public.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    // The history of 1.1.3 (renumbered twice) points to its name now, and says why.
    let page = read("en/history/1.1.3.html");
    assert!(page.contains("Requirement 1.1.3 was renumbered 1.1.4 in version 2.1"), "{page}");
    assert!(page.contains("en/history/1.1.5.html\""), "{page}");
    assert!(page.len() < 2048, "a stub is small: {} bytes", page.len());
    let stub: Value = serde_json::from_str(&read("api/en/history/1.1.4.json")).unwrap();
    assert_eq!(stub["moved"], "history");
    assert_eq!(stub["location"][0]["json"], "1.1.5.json");
    assert!(stub["$schema"].as_str().unwrap().ends_with("moved.schema.json"));
    // A superseded diff points to the diffs that cover it.
    let page = read("en/diff/1.0-2.1.html");
    assert!(page.contains("Since version 2.2 was released"), "{page}");
    assert!(page.contains("en/diff/1.0-2.3.html\""), "{page}");
    assert!(page.contains("en/diff/2.0-2.1.html\""), "{page}");
    let stub: Value = serde_json::from_str(&read("api/en/diff/1.0-2.1.json")).unwrap();
    assert_eq!(stub["moved"], "diff");
    // The content itself is still published where it is.
    assert!(read("en/history/1.1.5.html").contains("1.1.3"));
    // latest/ keeps the chapter the current version dropped, saying where it is.
    let page = read("en/latest/introduction.html");
    assert!(page.contains("it was last in version 2.2"), "{page}");
    assert!(page.contains("en/2.2/introduction.html\""), "{page}");
    // Stubs are left out of the sitemap (written only with a base URL).
    let with_base = root.join("with-base");
    let out = craftpub(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        with_base.to_str().unwrap(),
        "--base-url",
        "https://code.example/",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sitemap = fs::read_to_string(with_base.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("diff/1.0-2.1.html"), "{sitemap}");
    assert!(sitemap.contains("diff/1.0-2.3.html"));
}
