//! `craftpub build`: the output layout, byte-identical rebuilds, atomic
//! replacement of the output, refusal of unsafe output folders, and the
//! shipped sources.

mod common;

use common::{build, check, edit, fixture, shipped, tree};
use std::fs;

#[test]
fn builds_the_fixture_site() {
    let dir = fixture("mini");
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let public = dir.path().join("public");
    // No base URL: no sitemap (it takes only absolute URLs), and the build says so once.
    assert!(!public.join("sitemap.xml").exists(), "no sitemap without a base URL");
    assert_eq!(stderr.matches(craftpub::NO_BASE_URL).count(), 1, "{stderr}");

    for page in [
        "index.html",
        "404.html",
        "assets/style.css",
        "api/index.json",
        "en/1.0/index.html",
        "en/1.0/module-1.html",
        "en/2.0/index.html",
        "en/2.0/module-2.html",
        "en/latest/index.html",
        "en/latest/module-1.html",
    ] {
        assert!(public.join(page).is_file(), "{page} is missing");
    }
    let chapter = fs::read_to_string(public.join("en/2.0/module-1.html")).unwrap();
    assert!(chapter.contains("id=\"req-1.1.3\""), "requirements are anchored by ID");
    assert!(chapter.contains("href=\"../../en/2.0/module-2.html#req-2.2.1\""), "cross-references resolve: {chapter}");
    let latest = fs::read_to_string(public.join("en/latest/index.html")).unwrap();
    assert!(latest.contains("url=../../en/2.0/index.html"), "latest/ points to the current version: {latest}");
    assert_eq!(chapter.matches("<script").count(), 1, "pages need no script but the deferred search script");
    assert!(chapter.contains("<script src=\"../../assets/search.js\" defer></script>"));
    // Readers download search.js without its comments and indentation (the
    // theme's file is written for people), on the site as in the download.
    let theme = fs::read_to_string(common::repo().join("theme/static/search.js")).unwrap();
    let served = fs::read_to_string(public.join("assets/search.js")).unwrap();
    assert!(
        served.len() < theme.len() * 4 / 5,
        "search.js is served compact: {} of {} bytes",
        served.len(),
        theme.len()
    );
    assert!(!served.lines().any(|l| l.trim_start().starts_with("//")), "no comment line is served");
}

#[test]
fn api_index_lists_standard_versions_and_editions() {
    let dir = fixture("mini");
    assert_eq!(build(dir.path(), None).0, 0);
    let bytes = fs::read(dir.path().join("public/api/index.json")).unwrap();
    let index: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(index["standard"]["title"], "Mini Code");
    assert_eq!(index["standard"]["source_language"], "en");
    let versions = index["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["id"], "1.0");
    assert_eq!(versions[0]["previous"], serde_json::Value::Null);
    assert_eq!(versions[0]["latest"], false);
    assert_eq!(versions[1]["id"], "2.0");
    assert_eq!(versions[1]["previous"], "1.0");
    assert_eq!(versions[1]["status"], "current");
    assert_eq!(versions[1]["latest"], true);
    let editions = index["editions"].as_array().unwrap();
    // Relative to api/index.json, as every reference in the exports.
    assert_eq!(editions[1]["html"], "../en/2.0/index.html");
    assert_eq!(editions[1]["coverage"]["current"], 5);
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = fixture("mini");
    let a = dir.path().join("out-a");
    let b = dir.path().join("out-b");
    assert_eq!(build(dir.path(), Some(&a)).0, 0);
    assert_eq!(build(dir.path(), Some(&b)).0, 0);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > 10);
    assert_eq!(ta, tb);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = fixture("mini");
    assert_eq!(build(dir.path(), None).0, 0);
    let public = dir.path().join("public");
    let before = tree(&public);

    // A source error: nothing is written.
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "The producer names one person",
        "The producer names [[9.9.9]] one person",
    );
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("module-1.md:17:"), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert_eq!(tree(&public), before);

    // A template that fails while rendering: nothing is written either.
    edit(dir.path(), "standard/2.0/module-1.md", "[[9.9.9]] ", "");
    edit(dir.path(), "theme/templates/chapter.html", "{{ chapter.title }}</h1>", "{{ chapter.no_such_field }}</h1>");
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("chapter.html"), "{stderr}");
    assert_eq!(tree(&public), before);

    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Fixed: the new build replaces the old output.
    edit(dir.path(), "theme/templates/chapter.html", "{{ chapter.no_such_field }}</h1>", "{{ chapter.title }}</h1>");
    edit(dir.path(), "standard/2.0/module-1.md", "names one person", "names one trusted person");
    edit(dir.path(), "standard/2.0/amendments.toml", "modified = [\"1.1.2\"]", "modified = [\"1.1.2\", \"1.1.1\"]");
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let page = fs::read_to_string(public.join("en/2.0/module-1.html")).unwrap();
    assert!(page.contains("one trusted person"));
}

#[test]
fn refuses_an_output_folder_that_would_overwrite_sources() {
    let dir = fixture("mini");
    let root = dir.path();
    for out in [root.to_path_buf(), root.join("standard"), root.join("theme/static"), root.join("public/..")] {
        let (code, stderr) = build(root, Some(&out));
        assert_eq!(code, 1, "{}: {stderr}", out.display());
        assert!(stderr.contains("refusing"), "{stderr}");
    }
    assert!(root.join("standard/2.0/module-1.md").is_file());
    assert!(root.join("theme/static/style.css").is_file());

    // A folder craftpub did not write is not replaced.
    let foreign = root.join("notes");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let (code, stderr) = build(root, Some(&foreign));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(fs::read_to_string(foreign.join("keep.txt")).unwrap(), "mine");
}

#[test]
fn no_input_makes_check_panic() {
    // Every source file cut short at many points, and some bytes replaced:
    // each gives errors or a clean check, never a panic.
    let dir = fixture("mini");
    let files: Vec<_> = common::tree(&dir.path().join("standard"));
    let mut cases = 0;
    for (rel, bytes) in &files {
        let path = dir.path().join("standard").join(rel);
        let step = (bytes.len() / 24).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            for variant in 0..3 {
                let mut broken = bytes[..cut].to_vec();
                match variant {
                    0 => {}
                    1 => broken.extend_from_slice(b"\n::: requirement\n:::\n[[\n+++\n\x00"),
                    _ => broken.extend_from_slice(
                        &bytes[cut..].iter().map(|b| if *b == b'\n' { b'\r' } else { *b }).collect::<Vec<_>>(),
                    ),
                }
                fs::write(&path, &broken).unwrap();
                let result = std::panic::catch_unwind(|| craftpub::check(dir.path()));
                assert!(result.is_ok(), "check panicked on {} cut at {cut}, variant {variant}", rel.display());
                cases += 1;
            }
        }
        fs::write(&path, bytes).unwrap();
    }
    assert!(cases > 300, "{cases}");
}

#[test]
fn the_shipped_sources_check_and_build() {
    let dir = shipped();
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 0, "craftpub check on the shipped sources:\n{stderr}");
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("public/api/index.json")).unwrap()).unwrap();
    let ids: Vec<&str> = index["versions"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1.0", "2.0", "2.1"]);
}
