//! Translations: status per requirement (change the English; only reflow it;
//! renumber it), reuse across versions, the translator tools (scaffold never
//! overwrites; mark as updated), translation checks, and the fallback
//! rendering, switcher and right-to-left pages in headless Chromium.

mod common;

use common::{browser_test, build, check, craftpub, edit, fixture_with, shipped};
use serde_json::Value;
use std::fs;
use std::path::Path;

fn status(root: &Path, lang: &str, version: &str) -> Value {
    let out = craftpub(&[
        "status",
        "--root",
        root.to_str().unwrap(),
        "--lang",
        lang,
        "--version",
        version,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    all[0].clone()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn status_per_requirement_with_reuse_across_versions() {
    let dir = fixture_with("mini", &["i18n"]);
    let es10 = status(dir.path(), "es", "1.0");
    assert_eq!(es10["coverage"], serde_json::json!({ "current": 5, "outdated": 0, "missing": 0 }));
    // 2.0 has no Spanish folder: unchanged 1.1.1 and renumbered-but-unchanged
    // 2.2.1 reuse the 1.0 translation; changed ones are outdated; new is missing.
    let es20 = status(dir.path(), "es", "2.0");
    assert_eq!(es20["coverage"], serde_json::json!({ "current": 2, "outdated": 2, "missing": 1 }));
    assert_eq!(ids(&es20["outdated"]), ["1.1.2", "1.2.1"]);
    assert_eq!(ids(&es20["missing"]), ["1.1.3"]);
    let o = &es20["outdated"][0];
    assert_eq!(o["translated_from"], "1.0");
    assert_eq!(o["file"], "translations/es/1.0/module-1.md");
    let changes: Vec<&str> = o["english_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["op"] != "equal")
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert!(changes.contains(&"list") && changes.contains(&"register"), "the English change behind it: {changes:?}");
    // The right-to-left fixture language translated only 2.0's 1.1.1; 1.0 reuses it.
    assert_eq!(status(dir.path(), "ar", "1.0")["coverage"]["current"], 1);
}

#[test]
fn reflowing_the_english_keeps_a_translation_current() {
    let dir = fixture_with("mini", &["i18n"]);
    edit(
        dir.path(),
        "standard/1.0/module-1.md",
        "The producer names one person who answers for the CRAFT Report.",
        "The producer names one person\n   who answers for the   CRAFT Report.",
    );
    assert_eq!(status(dir.path(), "es", "1.0")["coverage"]["current"], 5);
}

#[test]
fn changing_the_english_makes_a_translation_outdated() {
    let dir = fixture_with("mini", &["i18n"]);
    for v in ["1.0", "2.0"] {
        edit(
            dir.path(),
            &format!("standard/{v}/module-1.md"),
            "who answers for the CRAFT Report.",
            "who answers for the CRAFT Report and its updates.",
        );
    }
    let s = status(dir.path(), "es", "1.0");
    assert_eq!(ids(&s["outdated"]), ["1.1.1"]);
    assert_eq!(s["outdated"][0]["source"].as_str().unwrap().len(), 16);
}

#[test]
fn a_renumbered_requirement_keeps_its_translation() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    // Renumber 1.1.1 -> 1.1.4 in 2.0, text unchanged: still current (reuse).
    edit(root, "standard/2.0/module-1.md", "::: requirement 1.1.1", "::: requirement 1.1.4");
    edit(root, "standard/2.0/introduction.md", "[[1.1.1]]", "[[1.1.4]]");
    edit(root, "translations/ar/2.0/module-1.md", "::: requirement 1.1.1", "::: requirement 1.1.4");
    edit(
        root,
        "standard/2.0/amendments.toml",
        "renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }]",
        "renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }, { from = \"1.1.1\", to = \"1.1.4\" }]",
    );
    let (code, stderr) = check(root);
    assert_eq!(code, 0, "{stderr}");
    let s = status(root, "es", "2.0");
    assert!(
        !ids(&s["outdated"]).contains(&"1.1.4".to_owned()) && !ids(&s["missing"]).contains(&"1.1.4".to_owned()),
        "{s:#}"
    );
    // Renumbered and reworded: the 1.0 translation follows it, outdated.
    edit(root, "standard/2.0/module-1.md", "names one person who answers", "names one trusted person who answers");
    let s = status(root, "es", "2.0");
    assert!(ids(&s["outdated"]).contains(&"1.1.4".to_owned()), "{s:#}");
}

#[test]
fn scaffold_never_overwrites_and_mark_updated_refreshes() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    let r = root.to_str().unwrap();
    let translated_10 = fs::read(root.join("translations/es/1.0/module-1.md")).unwrap();

    // Bring Spanish up to 2.0: only what is missing or outdated is added.
    let out = craftpub(&["translate", "es", "--root", r, "--version", "2.0"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let m1 = fs::read_to_string(root.join("translations/es/2.0/module-1.md")).unwrap();
    assert!(!m1.contains("::: requirement 1.1.1"), "reusable translations are not copied:\n{m1}");
    assert!(
        m1.contains("::: requirement 1.1.3\ntitle: Set up a leadership structure\nsource: "),
        "missing one added in English:\n{m1}"
    );
    assert!(m1.contains("untranslated: true"), "{m1}");
    assert!(
        m1.contains("::: requirement 1.1.2\ntitle: Llevar una lista de miembros"),
        "outdated one added with its old translation:\n{m1}"
    );
    let m2 = fs::read_to_string(root.join("translations/es/2.0/module-2.md")).unwrap_or_default();
    assert!(
        !m2.contains("::: requirement"),
        "2.2.1 reuses its translation, nothing to add (its chapter's heading changed):\n{m2}"
    );
    assert_eq!(fs::read(root.join("translations/es/1.0/module-1.md")).unwrap(), translated_10, "1.0 untouched");
    let (code, stderr) = check(root);
    assert_eq!(code, 0, "{stderr}");

    // A translator translates 1.1.3; a second run keeps that text and adds nothing.
    let path = root.join("translations/es/2.0/module-1.md");
    let text = fs::read_to_string(&path).unwrap();
    let text =
        text.replace("title: Set up a leadership structure", "title: Crear una estructura de dirección").replace(
            "The producer has a structure that takes decisions and records them.",
            "El productor tiene una estructura que toma decisiones y las registra.",
        );
    fs::write(&path, &text).unwrap();
    let out = craftpub(&["translate", "es", "--root", r, "--version", "2.0"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fs::read_to_string(&path).unwrap(), text, "a second scaffold run changes nothing");
    assert_eq!(status(root, "es", "2.0")["coverage"]["missing"], 1, "still untranslated until marked");

    // Marking 1.1.3 (translated) and 1.1.2 (text updated) as updated makes them current.
    let text = text.replace(
        "El productor lleva una lista de los mineros que trabajan con él.",
        "El productor lleva un registro de todos los mineros que trabajan con él, actualizado cada año.",
    );
    fs::write(&path, &text).unwrap();
    let out = craftpub(&["translate", "es", "--root", r, "--version", "2.0", "--mark-updated", "1.1.3", "1.1.2"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let s = status(root, "es", "2.0");
    assert_eq!(ids(&s["outdated"]), ["1.2.1"]);
    assert_eq!(ids(&s["missing"]), Vec::<String>::new());
    let after = fs::read_to_string(&path).unwrap();
    assert!(after.contains("El productor tiene una estructura que toma decisiones"), "translated text kept");
    assert!(!after.contains("untranslated: true\n\nEl productor tiene"), "marker removed");

    // Marking something that is not in the translation is an error.
    let out = craftpub(&["translate", "es", "--root", r, "--version", "2.0", "--mark-updated", "2.2.1"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_new_language_starts_with_the_interface_strings() {
    let dir = fixture_with("mini", &["i18n"]);
    let r = dir.path().to_str().unwrap();
    let out = craftpub(&["translate", "am", "--root", r, "--name", "Amharic", "--native-name", "አማርኛ"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let meta = fs::read_to_string(dir.path().join("translations/am/language.toml")).unwrap();
    assert!(meta.contains("native_name = \"አማርኛ\""), "{meta}");
    let strings = fs::read_to_string(dir.path().join("translations/am/strings.toml")).unwrap();
    assert!(strings.contains("skip_to_content = \"Skip to content\""));
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 0, "{stderr}");
    // Strings added to the theme later are appended in their table.
    let out = craftpub(&["translate", "sw", "--root", r]);
    assert_eq!(out.status.code(), Some(0));
    let sw = fs::read_to_string(dir.path().join("translations/sw/strings.toml")).unwrap();
    assert!(sw.contains("skip_to_content = \"Ruka hadi maudhui\""), "translated strings kept");
    assert!(sw.contains("read_english = \"Read the current English text\""), "{sw}");
    assert!(sw.parse::<toml::Table>().is_ok());
}

#[test]
fn translation_errors_name_file_and_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "translations/es/1.0/module-2.md",
            "::: requirement 2.1.2",
            "::: requirement 2.1.9",
            "translations/es/1.0/module-2.md:15: requirement 2.1.9 does not exist in English version 1.0",
        ),
        (
            "translations/es/1.0/module-2.md",
            "::: requirement 2.1.2",
            "::: requirement 2.1.1",
            "translations/es/1.0/module-2.md:15: requirement 2.1.1 is translated twice",
        ),
        (
            "translations/es/1.0/module-2.md",
            "source: ",
            "source: xyz",
            "translations/es/1.0/module-2.md:10: source \"xyz",
        ),
        (
            "translations/es/1.0/module-2.md",
            "source: ",
            "level: obligation\nsource: ",
            "translations/es/1.0/module-2.md:10: level is metadata of the English text",
        ),
    ];
    for (file, from, to, expected) in cases {
        let dir = fixture_with("mini", &["i18n"]);
        edit(dir.path(), file, from, to);
        let (code, stderr) = check(dir.path());
        assert_eq!(code, 1, "{expected}: {stderr}");
        assert!(stderr.contains(expected), "expected {expected:?} in:\n{stderr}");
    }
    // A file with no English counterpart.
    let dir = fixture_with("mini", &["i18n"]);
    fs::write(dir.path().join("translations/es/1.0/annex.md"), "+++\ntitle = \"Anexo\"\n+++\n").unwrap();
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("translations/es/1.0/annex.md: annex.md has no English counterpart in standard/1.0/"),
        "{stderr}"
    );
    // Missing interface strings are a warning, and GitHub annotations carry file and line.
    let out = craftpub(&["check", "--root", dir.path().to_str().unwrap(), "--format", "github"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "::error file=translations/es/1.0/annex.md,title=craftpub check::annex.md has no English counterpart"
        ),
        "{text}"
    );
    assert!(text.contains("::warning file=translations/sw/strings.toml,title=craftpub check::"), "{text}");
}

#[test]
fn fallback_switcher_and_right_to_left_in_the_browser() {
    let dir = fixture_with("mini", &["i18n"]);
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let public = dir.path().join("public");
    // A language with only interface strings still builds a whole site.
    for page in
        ["sw/2.0/index.html", "sw/2.0/module-1.html", "sw/1.0/module-2.html", "sw/status.html", "es/status.html"]
    {
        assert!(public.join(page).is_file(), "{page}");
    }
    let index: Value = serde_json::from_slice(&fs::read(public.join("api/index.json")).unwrap()).unwrap();
    let es20 =
        index["editions"].as_array().unwrap().iter().find(|e| e["lang"] == "es" && e["version"] == "2.0").unwrap();
    assert_eq!(es20["coverage"], serde_json::json!({ "current": 2, "outdated": 2, "missing": 1 }));
    let ar = index["languages"].as_array().unwrap().iter().find(|l| l["code"] == "ar").unwrap();
    assert_eq!(ar["dir"], "rtl");
    // Untranslated interface strings are marked in the HTML (a span with
    // lang and dir on right-to-left pages too), and the marks never leak.
    let arabic = fs::read_to_string(public.join("ar/2.0/module-1.html")).unwrap();
    assert!(
        arabic.contains("<span lang=\"en\" dir=\"ltr\">Search</span>"),
        "the Arabic page marks the English button text"
    );
    for (path, bytes) in common::tree(&public) {
        let texts: Vec<Vec<u8>> = if path.extension().is_some_and(|e| e == "zip") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            (0..zip.len())
                .map(|i| {
                    let mut entry = Vec::new();
                    std::io::Read::read_to_end(&mut zip.by_index(i).unwrap(), &mut entry).unwrap();
                    entry
                })
                .collect()
        } else {
            vec![bytes]
        };
        for text in texts {
            let text = String::from_utf8_lossy(&text);
            assert!(!text.contains(['\u{E000}', '\u{E001}']), "{} holds a fallback mark", path.display());
        }
    }
    browser_test("i18n.mjs", &[&public]);
}

#[test]
fn the_shipped_translations_show_every_status() {
    let dir = shipped();
    let out = craftpub(&["status", "--root", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let get = |lang: &str, v: &str| {
        all.as_array().unwrap().iter().find(|e| e["lang"] == lang && e["version"] == v).unwrap().clone()
    };
    let es21 = get("es", "2.1");
    assert!(es21["coverage"]["current"].as_u64().unwrap() > 40);
    assert!(es21["coverage"]["outdated"].as_u64().unwrap() > 0);
    assert!(es21["coverage"]["missing"].as_u64().unwrap() > 0);
    assert_eq!(get("es", "2.0")["coverage"]["outdated"], 0);
    assert_eq!(get("es", "2.0")["coverage"]["missing"], 0);
    assert_eq!(get("fr", "1.0")["coverage"]["current"], get("fr", "1.0")["total"]);
    assert_eq!(get("pt", "2.1")["coverage"]["current"], get("pt", "2.1")["total"]);
    assert_eq!(get("sw", "2.1")["coverage"]["current"], 0);
}
