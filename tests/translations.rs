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
    assert!(
        strings.contains("\n# skip_to_content = \"Skip to content\"\n"),
        "English offered commented out:\n{strings}"
    );
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 0, "{stderr}");
    // Strings added to the theme later are appended in their table.
    let out = craftpub(&["translate", "sw", "--root", r]);
    assert_eq!(out.status.code(), Some(0));
    let sw = fs::read_to_string(dir.path().join("translations/sw/strings.toml")).unwrap();
    assert!(sw.contains("skip_to_content = \"Ruka hadi maudhui\""), "translated strings kept");
    assert!(sw.contains("\n# read_english = \"Read the current English text\"\n"), "{sw}");
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

fn run(args: &[&str]) -> (i32, String) {
    let out = craftpub(args);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn untranslated_interface_strings_are_missing_not_english() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    let r = root.to_str().unwrap();
    let (code, stderr) = run(&["translate", "am", "--root", r]);
    assert_eq!(code, 0, "{stderr}");
    let strings: toml::Table = fs::read_to_string(root.join("translations/am/strings.toml")).unwrap().parse().unwrap();
    let translated: usize = strings.values().filter_map(|t| t.as_table()).map(|t| t.len()).sum();
    assert_eq!(translated, 0, "no English value counts as a translation: {strings:?}");
    let (code, stderr) = check(root);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: translations/am/strings.toml: "), "{stderr}");
    let s = status(root, "am", "2.0");
    assert_eq!(s["strings"]["translated"], 0);
    assert!(s["strings"]["total"].as_u64().unwrap() > 100);
    assert!(ids_of(&s["strings"]["missing"]).contains(&"ui.skip_to_content".to_owned()));
    // Deleting a translated key: the scaffold offers it back commented out,
    // and check keeps warning until it is translated.
    let sw_missing = |stderr: &str| {
        let at = stderr.find("translations/sw/strings.toml: ").expect(stderr) + "translations/sw/strings.toml: ".len();
        stderr[at..].split(' ').next().unwrap().parse::<usize>().unwrap()
    };
    let before = sw_missing(&check(root).1);
    edit(root, "translations/sw/strings.toml", "skip_to_content = \"Ruka hadi maudhui\"\n", "");
    let (code, _) = run(&["translate", "sw", "--root", r]);
    assert_eq!(code, 0);
    let sw = fs::read_to_string(root.join("translations/sw/strings.toml")).unwrap();
    assert!(sw.contains("# skip_to_content = \"Skip to content\""), "{sw}");
    let (_, stderr) = check(root);
    assert_eq!(sw_missing(&stderr), before + 1, "still reported: {stderr}");
    assert!(ids_of(&status(root, "sw", "2.0")["strings"]["missing"]).contains(&"ui.skip_to_content".to_owned()));
    // The page marks the English strings.
    let (code, stderr) = build(root, None);
    assert_eq!(code, 0, "{stderr}");
    let page = fs::read_to_string(root.join("public/am/2.0/module-1.html")).unwrap();
    assert!(page.contains("<span lang=\"en\" dir=\"ltr\">Search</span>"), "English strings marked on the Amharic page");
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect()
}

#[test]
fn mark_updated_refuses_a_block_still_untranslated() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    let r = root.to_str().unwrap();
    assert_eq!(run(&["translate", "es", "--root", r, "--version", "2.0"]).0, 0);
    let path = root.join("translations/es/2.0/module-1.md");
    let before = fs::read_to_string(&path).unwrap();
    assert!(before.contains("untranslated: true"));
    let (code, stderr) = run(&["translate", "es", "--root", r, "--version", "2.0", "--mark-updated", "1.1.3"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("1.1.3") && stderr.contains("still holds the English text"), "{stderr}");
    assert_eq!(fs::read_to_string(&path).unwrap(), before, "the marker stays");
    assert_eq!(ids(&status(root, "es", "2.0")["missing"]), ["1.1.3"]);
}

#[test]
fn language_codes_are_bcp47_in_canonical_case_and_not_the_source() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    let r = root.to_str().unwrap();
    for (code, expected) in [
        ("en", "is the source language"),
        ("ES", "write it es"),
        ("pt-br", "write it pt-BR"),
        ("xx-ZZ", "\"xx\" is not an ISO 639 language"),
        ("amh", "write am"),
        ("es-ZZ", "private-use region"),
        ("e_s", "not a BCP 47 language code"),
    ] {
        let (status, stderr) = run(&["translate", code, "--root", r, "--name", "X", "--native-name", "X"]);
        assert_eq!(status, 1, "{code}: {stderr}");
        assert!(stderr.contains(expected), "{code}: expected {expected:?} in {stderr}");
        assert!(!root.join("translations").join(code).exists(), "{code}: nothing created");
    }
    assert_eq!(run(&["translate", "pt-BR", "--root", r]).0, 0, "a region in canonical case is fine");
    // Unknown search pipelines are errors naming the choices, on the command
    // line and in language.toml.
    let (status, stderr) = run(&["translate", "de", "--root", r, "--search", "id"]);
    assert_eq!(status, 1);
    assert!(stderr.contains("en, es, fr, pt, none"), "{stderr}");
    edit(root, "translations/es/language.toml", "search = \"es\"", "search = \"de\"");
    let (status, stderr) = check(root);
    assert_eq!(status, 1);
    assert!(
        stderr.contains("translations/es/language.toml:6: unknown search pipeline \"de\"")
            && stderr.contains("en, es, fr, pt, none"),
        "{stderr}"
    );
    edit(root, "translations/es/language.toml", "search = \"de\"", "search = \"es\"");
    // A folder made by hand is checked too.
    common::copy_tree(&root.join("translations/sw"), &root.join("translations/EN"));
    let (status, stderr) = check(root);
    assert_eq!(status, 1);
    assert!(stderr.contains("translations/EN: translations/EN/: \"EN\" is the source language"), "{stderr}");
}

#[test]
fn a_new_language_is_named_and_a_rerun_renames_it() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    let r = root.to_str().unwrap();
    assert_eq!(run(&["translate", "am", "--root", r]).0, 0);
    let meta = fs::read_to_string(root.join("translations/am/language.toml")).unwrap();
    assert!(meta.contains("name = \"Amharic\"") && meta.contains("native_name = \"አማርኛ\""), "{meta}");
    let (code, stderr) = run(&["translate", "am", "--root", r, "--name", "Amharic (Ethiopia)", "--search", "none"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("updated") && stderr.contains("language.toml"), "{stderr}");
    let meta = fs::read_to_string(root.join("translations/am/language.toml")).unwrap();
    assert!(meta.contains("name = \"Amharic (Ethiopia)\"\n") && meta.contains("native_name = \"አማርኛ\""), "{meta}");
    assert!(meta.parse::<toml::Table>().is_ok(), "{meta}");
}

#[test]
fn a_translated_guidance_marker_is_an_error() {
    let dir = fixture_with("mini", &["i18n"]);
    edit(dir.path(), "translations/es/1.0/module-1.md", "--- guidance", "--- orientación");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "translations/es/1.0/module-1.md:16: \"--- orientación\" looks like a translated guidance marker"
        ),
        "{stderr}"
    );
}

#[test]
fn a_block_whose_fingerprint_is_another_requirements_is_an_error() {
    let dir = fixture_with("mini", &["i18n"]);
    // 1.1.1 given the fingerprint of 1.1.2's English.
    edit(dir.path(), "translations/es/1.0/module-1.md", "source: 66f54cc0e3376835", "source: bea46e1828dacef1");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("translations/es/1.0/module-1.md:10: the source fingerprint of requirement 1.1.1 is the English text of requirement 1.1.2"),
        "{stderr}"
    );
}

#[test]
fn an_outdated_chapter_shows_its_english_change() {
    let dir = fixture_with("mini", &["i18n"]);
    edit(dir.path(), "standard/2.0/module-1.md", "sets up the organisation and", "sets up the whole organisation and");
    let s = status(dir.path(), "es", "2.0");
    let chapter = s["chapters"].as_array().unwrap().iter().find(|c| c["slug"] == "module-1").unwrap();
    assert_eq!(chapter["status"], "outdated");
    assert_eq!(chapter["file"], "translations/es/1.0/module-1.md");
    let inserted: Vec<&str> = chapter["english_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["op"] == "insert")
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert!(inserted.concat().contains("whole"), "{chapter:#}");
    assert_eq!(chapter["translated_from"], "1.0");
    // From 1.0, the title changed too.
    assert_eq!(chapter["parts"], serde_json::json!(["title", "text"]), "{chapter:#}");
}

#[test]
fn a_chapter_whose_prose_alone_changed_has_its_text_outdated_not_its_title() {
    let dir = fixture_with("mini", &["i18n"]);
    // 2.0 keeps 1.0's title (the Spanish was made from 1.0); its prose differs.
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "title = \"Module 1: Management system\"",
        "title = \"Module 1: Management\"",
    );
    let s = status(dir.path(), "es", "2.0");
    let chapter = s["chapters"].as_array().unwrap().iter().find(|c| c["slug"] == "module-1").unwrap();
    assert_eq!(chapter["status"], "outdated");
    assert_eq!(chapter["parts"], serde_json::json!(["text"]), "{chapter:#}");
    let out = common::craftpub(&["status", "--root", dir.path().to_str().unwrap(), "--lang", "es", "--version", "2.0"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(module-1.md): text outdated"), "{text}");
    assert!(!text.contains("title and text outdated"), "{text}");
}

/// The site's files but the translation status exports (which name the
/// file and line of each translation, and so differ between the forms), the
/// developers' page that quotes them, and the index's `content_hash` (a
/// digest of every export, those included).
fn site_without_status(public: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    common::tree(public)
        .into_iter()
        .filter(|(p, _)| {
            let name = p.to_string_lossy();
            !name.ends_with("status.json") && !name.ends_with("developers.html")
        })
        .map(|(p, bytes)| {
            if !p.ends_with("api/index.json") {
                return (p, bytes);
            }
            let mut index: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            index.as_object_mut().unwrap().remove("content_hash");
            (p, serde_json::to_vec(&index).unwrap())
        })
        .collect()
}

fn convert(root: &Path, lang: &str, to: &str) {
    let (code, stderr) = run(&["translate", lang, "--root", root.to_str().unwrap(), "--convert", to]);
    assert_eq!(code, 0, "{lang} to {to}: {stderr}");
}

fn msgfmt_check(file: &Path) {
    let out = std::process::Command::new("msgfmt").args(["--check", "-o", "/dev/null"]).arg(file).output().unwrap();
    assert!(out.status.success(), "msgfmt --check {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
}

fn po_files(root: &Path) -> Vec<std::path::PathBuf> {
    common::tree(&root.join("translations"))
        .into_iter()
        .map(|(p, _)| root.join("translations").join(p))
        .filter(|p| p.extension().is_some_and(|e| e == "po"))
        .collect()
}

#[test]
fn shipped_translations_convert_losslessly_and_build_the_same_site() {
    let dir = shipped();
    let root = dir.path();
    let shipped_pt = fs::read(root.join("translations/pt/2.1.po")).unwrap();
    for f in po_files(root) {
        msgfmt_check(&f);
    }
    let (code, stderr) = build(root, Some(&root.join("site-shipped")));
    assert_eq!(code, 0, "{stderr}");
    // Every language as Markdown.
    for lang in ["es", "fr", "pt", "sw"] {
        convert(root, lang, "md");
    }
    assert!(po_files(root).is_empty());
    let markdown = common::tree(&root.join("translations"));
    let (code, stderr) = build(root, Some(&root.join("site-md")));
    assert_eq!(code, 0, "{stderr}");
    // Every language as PO: gettext accepts every catalogue.
    for lang in ["es", "fr", "pt", "sw"] {
        convert(root, lang, "po");
    }
    assert_eq!(
        fs::read(root.join("translations/pt/2.1.po")).unwrap(),
        shipped_pt,
        "the shipped catalogue is the conversion's"
    );
    for f in po_files(root) {
        msgfmt_check(&f);
    }
    let (code, stderr) = build(root, Some(&root.join("site-po")));
    assert_eq!(code, 0, "{stderr}");
    // And back: the same Markdown files, byte for byte.
    for lang in ["es", "fr", "pt", "sw"] {
        convert(root, lang, "md");
    }
    assert!(common::tree(&root.join("translations")) == markdown, "Markdown -> PO -> Markdown changed a file");
    let md = site_without_status(&root.join("site-md"));
    assert!(site_without_status(&root.join("site-po")) == md, "the PO form builds another site");
    assert!(site_without_status(&root.join("site-shipped")) == md, "the shipped mix builds another site");
}

#[test]
fn our_update_gives_the_entries_msgmerge_gives() {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    let r = root.to_str().unwrap();
    convert(root, "es", "po");
    let po = root.join("translations/es/1.0.po");
    let old = fs::read_to_string(&po).unwrap();
    // One English word changes.
    edit(root, "standard/1.0/module-1.md", "keeps a list of the miners", "keeps a list of all the miners");
    let (project, _, diags) = craftpub::check(root);
    assert!(!diags.has_errors());
    let template = craftpub::po::write(&craftpub::catalogue::template(&project, project.version("1.0").unwrap()));
    fs::write(root.join("new.pot"), template).unwrap();
    fs::write(root.join("old.po"), &old).unwrap();
    let out = std::process::Command::new("msgmerge")
        .args(["--previous", "-q", "-o"])
        .arg(root.join("merged.po"))
        .arg(root.join("old.po"))
        .arg(root.join("new.pot"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (code, stderr) = run(&["translate", "es", "--root", r, "--version", "1.0", "--format", "po"]);
    assert_eq!(code, 0, "{stderr}");
    msgfmt_check(&po);
    let entries = |text: &str| {
        let c = craftpub::po::parse(text).unwrap();
        let mut e: Vec<_> = c
            .entries
            .into_iter()
            .map(|e| {
                (e.msgctxt.clone(), e.msgid.clone(), e.msgstr.clone(), e.is_fuzzy(), e.previous.clone(), e.obsolete)
            })
            .collect();
        e.sort();
        e
    };
    let ours = entries(&fs::read_to_string(&po).unwrap());
    assert_eq!(ours, entries(&fs::read_to_string(root.join("merged.po")).unwrap()), "msgmerge differs");
    // Exactly the segment holding the word is fuzzy, and the requirement outdated.
    let fuzzy: Vec<_> = ours.iter().filter(|e| e.3).map(|e| e.0.clone().unwrap()).collect();
    assert_eq!(fuzzy, ["1.1.2 body 1"]);
    assert!(
        ours.iter().any(|e| e.0.as_deref() == Some("1.1.2 title") && !e.3 && !e.2.is_empty()),
        "the title keeps its translation"
    );
    assert_eq!(ids(&status(root, "es", "1.0")["outdated"]), ["1.1.2"]);
    let (code, stderr) = build(root, None);
    assert_eq!(code, 0, "{stderr}");
    let page = fs::read_to_string(root.join("public/es/1.0/module-1.html")).unwrap();
    assert!(page.contains("Llevar una lista de miembros"), "the outdated translation is shown");
    // Reflowing the English changes nothing.
    let before = fs::read_to_string(&po).unwrap();
    edit(
        root,
        "standard/1.0/module-1.md",
        "The producer names one person who answers",
        "The producer names one person\nwho answers",
    );
    let (code, _) = run(&["translate", "es", "--root", r, "--version", "1.0", "--format", "po"]);
    assert_eq!(code, 0);
    let after = entries(&fs::read_to_string(&po).unwrap());
    assert_eq!(after.iter().filter(|e| e.3).count(), 1, "no new fuzzy entry");
    assert_eq!(after.len(), entries(&before).len());
    assert_eq!(ids(&status(root, "es", "1.0")["outdated"]), ["1.1.2"]);
}

#[test]
fn an_xliff_round_trip_through_translate_toolkit_builds_the_same_site() {
    let dir = shipped();
    let root = dir.path();
    let (code, stderr) = build(root, Some(&root.join("before")));
    assert_eq!(code, 0, "{stderr}");
    for name in ["2.1", "strings"] {
        let po = root.join(format!("translations/pt/{name}.po"));
        let xlf = root.join(format!("{name}.xlf"));
        let tool = |cmd: &str, a: &Path, b: &Path| {
            let out = std::process::Command::new(cmd).arg(a).arg(b).output().unwrap();
            assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
        };
        tool("po2xliff", &po, &xlf);
        fs::remove_file(&po).unwrap();
        tool("xliff2po", &xlf, &po);
    }
    let (code, stderr) = build(root, Some(&root.join("after")));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        site_without_status(&root.join("after")) == site_without_status(&root.join("before")),
        "the XLIFF round trip changed the site"
    );
}

#[test]
fn malformed_catalogues_are_errors_naming_file_and_line() {
    let cases: &[(&str, &str, &str)] = &[
        ("msgstr \"Introdução\"", "msgstr \"Intro\\qdução\"", "bad escape \\q"),
        ("msgstr \"Introdução\"", "msgstr \"Introdução", "unterminated string"),
        (
            "msgctxt \"introduction title\"\nmsgid \"Introduction\"\nmsgstr \"Introdução\"\n",
            "msgctxt \"introduction title\"\nmsgid \"Introduction\"\nmsgstr \"Introdução\"\n\nmsgctxt \"introduction title\"\nmsgid \"Intro\"\nmsgstr \"I\"\n",
            "msgctxt \"introduction title\" is given twice",
        ),
        (
            "\"Language: pt\\n\"\n",
            "\"Language: pt\\n\"\n\"Plural-Forms: nplurals=many; plural=n;\\n\"\n",
            "Plural-Forms header",
        ),
    ];
    for (from, to, expected) in cases {
        let dir = shipped();
        edit(dir.path(), "translations/pt/2.1.po", from, to);
        let text = fs::read_to_string(dir.path().join("translations/pt/2.1.po")).unwrap();
        let (code, stderr) = check(dir.path());
        assert_eq!(code, 1, "{expected}: {stderr}");
        let line = stderr.lines().find(|l| l.contains(expected)).unwrap_or_else(|| panic!("{expected:?} in {stderr}"));
        let n: usize = line
            .split("translations/pt/2.1.po:")
            .nth(1)
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a line in {line}"));
        let at = text.lines().nth(n - 1).unwrap();
        assert!(to.contains(at.trim()) || at.contains("Plural-Forms"), "{expected}: line {n} is {at:?}");
    }
}

#[test]
fn payloads_in_msgstr_are_not_live() {
    let dir = shipped();
    let root = dir.path();
    edit(
        root,
        "translations/pt/2.1.po",
        "msgstr \"Introdução\"",
        "msgstr \"Introdução <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))\"",
    );
    let (code, stderr) = build(root, None);
    assert_eq!(code, 0, "{stderr}");
    for page in ["pt/2.1/introduction.html", "pt/2.1/index.html", "pt/2.1/print.html"] {
        let html = fs::read_to_string(root.join("public").join(page)).unwrap();
        assert!(html.contains("Introdução"), "{page}");
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("href=\"javascript:"),
            "{page}"
        );
    }
}
