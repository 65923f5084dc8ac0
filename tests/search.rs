//! Search: the indexes craftpub builds in Rust are the indexes lunr.js and
//! lunr-languages build in the browser (tests/search/equivalence.mjs, in
//! Node), and a reader finds requirements with them in headless Chromium
//! (tests/browser/search.mjs), in English, Spanish, French, Portuguese and a
//! non-Latin script (Amharic), from a web server and from `file://`.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{browser_test, build, fixture, repo, shipped};
use craftpub::model::Status;
use craftpub::search::{self, Pipeline, SearchLanguage};

/// The fixtures with a search edition, and the language of each.
const FIXTURES: [&str; 5] = ["mini", "search-es", "search-fr", "search-pt", "search-am"];

/// Writes beside the edition's `search-index.json` in `dir` the download's
/// `search-index.js` (made from it) and `documents.json`: the documents as
/// indexed (for lunr.js to index them itself) and `queries`.
fn write_documents(dir: &Path, lang: &str, version: &str, docs: &[search::Document], queries: &toml::Value) {
    let json = fs::read(dir.join("search-index.json")).expect("the site has the edition's search-index.json");
    assert!(!dir.join("search-index.js").exists(), "the site carries each search index once (as JSON)");
    let files: craftpub::files::SiteFiles = [(craftpub::urls::search_index_json(lang, version), json.into())].into();
    let (_, script) = search::download_script(lang, version, &files).unwrap();
    fs::write(dir.join("search-index.js"), script).unwrap();
    let json = serde_json::json!({
        "docs": docs.iter().map(|d| serde_json::json!({ "title": d.title, "body": d.body, "id": d.id, "fallback": d.source_language.is_some() })).collect::<Vec<_>>(),
        "queries": queries,
    });
    fs::write(dir.join("documents.json"), json.to_string()).unwrap();
}

/// Builds `root` and writes, for each edition of the source language (and
/// for each edition of `translated`: language, version, and whether its
/// text is the source language's, so that the queries apply), the
/// download's `search-index.js` and the documents as indexed (see
/// [`write_documents`]) with the queries of `queries` (each with the
/// requirement it must find) for the current version.
fn build_with_documents(root: &Path, queries: Option<&Path>, translated: &[(&str, &str, bool)]) -> Vec<PathBuf> {
    let (code, stderr) = build(root, None);
    assert_eq!(code, 0, "{stderr}");
    let queries: toml::Table = match queries {
        Some(file) => toml::from_str(&fs::read_to_string(file).unwrap()).unwrap(),
        None => toml::Table::new(),
    };
    let queries = queries.get("query").cloned().unwrap_or(toml::Value::Array(vec![]));
    let (project, _, diags) = craftpub::check(root);
    assert!(!diags.has_errors());
    let lang = project.standard.source_language.clone();
    let mut dirs = Vec::new();
    let none = toml::Value::Array(vec![]);
    for version in &project.versions {
        let docs = search::documents(&lang, version);
        let dir = root.join("public").join(&lang).join(&version.id);
        let current = version.status == Status::Current;
        write_documents(&dir, &lang, &version.id, &docs, if current { &queries } else { &none });
        dirs.push(dir);
    }
    for &(code, v, source_text) in translated {
        let version = project.version(v).unwrap();
        let localizer = craftpub::localize::Localizer::new(&project, code);
        let chapters: Vec<_> = version.chapters.iter().map(|c| localizer.chapter(version, c)).collect();
        let requirements: std::collections::BTreeMap<&str, _> =
            localizer.requirements(version).into_iter().map(|r| (r.source.id.as_str(), r)).collect();
        let docs = search::edition_documents(code, v, &chapters, &requirements, Some(&lang));
        let dir = root.join("public").join(code).join(v);
        write_documents(&dir, code, v, &docs, if source_text { &queries } else { &none });
        dirs.push(dir);
    }
    dirs
}

/// A small deterministic generator of test words.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    /// A word made of random letters (of `alphabet`), then suffixes.
    fn word(&mut self, alphabet: &[&str], suffixes: &[&str]) -> String {
        let mut w = String::new();
        for _ in 0..self.next() % 8 {
            w.push_str(self.pick(alphabet));
        }
        for _ in 0..self.next() % 3 {
            w.push_str(self.pick(suffixes));
        }
        w
    }
}

/// Tokens, and the terms our pipeline makes of each, per language: the stop
/// words, every word of the fixtures, odd tokens, and generated words full of
/// the stemmers' suffixes. equivalence.mjs runs lunr's pipelines on them.
fn stems_file(dir: &Path) -> PathBuf {
    let mut out = String::new();
    let mut tokens: Vec<String> = Vec::new();
    let mut texts: Vec<String> = vec![
        "Tabs\tand\u{a0}no-break\u{2028}line\u{feff}bom\u{85}nel\u{3000}ideographic --- dashes".into(),
        "İSTANBUL ΣΟΦΟΣ Straße ǅemal".into(),
        "ውሃ፡ወንዝ፡እና፡አፈር። l'eau d’or jusqu'à qu'il Niños AÇÃO".into(),
    ];
    for name in FIXTURES {
        for entry in walkdir::WalkDir::new(repo().join("tests/fixtures").join(name)) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "md") {
                texts.push(fs::read_to_string(entry.path()).unwrap());
            }
        }
    }
    for text in &texts {
        let t = search::tokenize(text);
        let _ = writeln!(out, "{}", serde_json::json!(["tokenizer", text, t]));
        tokens.extend(t);
    }
    tokens.extend(
        [
            "3.1.2",
            "[[3.1.2]]",
            "(e.g.)",
            "—",
            "...",
            "children's",
            "l’or",
            "d'équipements",
            "yield",
            "y",
            "ye",
            "sky",
            "😀",
            "a😀ing",
            "ሕፃናት።",
            "«mercure»",
            "_x_",
            "constructor",
            "__proto__",
            "hasownproperty",
            "produção",
            "evoluciones",
            "biologia",
            "logías",
            "l'",
            "d'",
            "l'eau",
            "aujourd'hui",
            "qu’il",
            "niños",
            "mineração",
            "ñandú",
            "ፀሐይ፡",
        ]
        .map(str::to_owned),
    );
    let latin = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "l", "m", "n", "o", "p", "r", "s", "t", "u", "v", "y", "z", "á",
        "é", "í", "ó", "ú", "à", "è", "â", "ê", "ô", "ç", "ñ", "ü", "ï", "œ", "1", ".", "'", "😀",
    ];
    let suffixes = [
        "ational", "tional", "ization", "iveness", "fulness", "ousness", "aliti", "biliti", "logi", "icate", "ative",
        "alize", "ical", "ful", "ness", "ement", "ment", "ent", "ance", "ence", "able", "ible", "ism", "ate", "iti",
        "ous", "ive", "ize", "sion", "tion", "eed", "ed", "ing", "ies", "sses", "s", "y", "e", "ll", "bl", "at",
        "amente", "mente", "idad", "idades", "ación", "aciones", "logía", "iendo", "yendo", "ándo", "aría", "ería",
        "ieron", "aremos", "ité", "ités", "ements", "euse", "atrice", "ateur", "ations", "logie", "usion", "ution",
        "issement", "eaux", "aux", "ière", "ées", "èrent", "eraient", "issions", "gu", "qu", "ë", "ï",
    ];
    let mut words = Words(0x2545_F491_4F6C_DD1D);
    for lang in ["en", "es", "fr", "pt", "am"] {
        let language = SearchLanguage::from_code(lang);
        let pipeline = Pipeline::new(language);
        let mut all: Vec<String> = tokens.clone();
        if matches!(lang, "en" | "es" | "fr") {
            // Portuguese is left out of the generated words: lunr-languages'
            // port differs from Snowball on some non-words (see
            // src/search/portuguese.rs); its stop words and the fixtures' words
            // are checked.
            all.extend((0..4000).map(|_| words.word(&latin, &suffixes)));
        }
        for list in ["en", "es", "fr", "pt"] {
            let words = search::stop_words(SearchLanguage::from_code(list));
            all.extend(words.iter().map(|w| (*w).to_owned()));
        }
        for token in all {
            let terms = pipeline.run(vec![token.clone()]);
            let _ = writeln!(out, "{}", serde_json::json!([language.code(), token, terms]));
        }
    }
    let path = dir.join("stems.jsonl");
    fs::write(&path, out).unwrap();
    path
}

fn node(script: &str, args: &[&Path]) {
    let out = Command::new("node")
        .arg(repo().join("tests/search").join(script))
        .args(args)
        .output()
        .expect("node is needed for the search tests");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn indexes_are_the_indexes_lunr_js_builds() {
    assert!(
        repo().join("theme/node_modules/lunr").exists(),
        "theme/node_modules is missing: run `npm ci` in theme/ (bash .ci/run does)"
    );
    let mut keep = Vec::new();
    let mut dirs = Vec::new();
    for name in FIXTURES {
        let dir = fixture(name);
        let queries = repo().join("tests/fixtures").join(name).join("queries.toml");
        dirs.extend(build_with_documents(dir.path(), Some(&queries), &[]));
        keep.push(dir);
    }
    let project = shipped();
    // The shipped translations mix translated and English text: both indexes
    // of each are checked, and the English queries in the Swahili edition
    // (English text, Swahili interface).
    dirs.extend(build_with_documents(
        project.path(),
        Some(&repo().join("tests/search/queries-en.toml")),
        &[("es", "2.1", false), ("fr", "2.1", false), ("pt", "2.1", false), ("sw", "2.1", true)],
    ));
    let stems = stems_file(keep[0].path());
    let mut args: Vec<&Path> = vec![&stems];
    args.extend(dirs.iter().map(PathBuf::as_path));
    node("equivalence.mjs", &args);
}

#[test]
fn readers_find_requirements_in_every_language() {
    let mut sites = Vec::new();
    for name in ["mini", "search-es", "search-fr", "search-am"] {
        let dir = fixture(name);
        let (code, stderr) = build(dir.path(), None);
        assert_eq!(code, 0, "{stderr}");
        sites.push(dir);
    }
    let publics: Vec<PathBuf> = sites.iter().map(|d| d.path().join("public")).collect();
    let args: Vec<&Path> = publics.iter().map(PathBuf::as_path).collect();
    browser_test("search.mjs", &args);
}

#[test]
fn a_missing_node_modules_is_installed_or_named() {
    let dir = fixture("mini");
    let theme = dir.path().join("theme");
    fs::remove_file(theme.join("node_modules")).ok();
    // No npm on the PATH: a clear error, and nothing written.
    let out = Command::new(env!("CARGO_BIN_EXE_craftpub"))
        .args(["build", "--root", dir.path().to_str().unwrap()])
        .env("PATH", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("npm was not found"), "{stderr}");
    assert!(stderr.contains("npm ci"), "{stderr}");
    assert!(!dir.path().join("public").exists());

    // An npm that installs: the build says it runs `npm ci`, then builds.
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let npm = bin.join("npm");
    fs::write(
        &npm,
        format!(
            "#!/bin/sh\n[ \"$1\" = ci ] || exit 2\nln -s '{}' node_modules\n",
            repo().join("theme/node_modules").display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&npm, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_craftpub"))
        .args(["build", "--root", dir.path().to_str().unwrap()])
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("running `npm ci`"), "{stderr}");
    assert!(dir.path().join("public/assets/lunr/lunr.min.js").is_file());
}

#[test]
fn only_the_scripts_a_page_needs_are_copied() {
    let dir = fixture("search-es");
    assert_eq!(build(dir.path(), None).0, 0);
    let lunr = dir.path().join("public/assets/lunr");
    let mut names: Vec<String> =
        fs::read_dir(&lunr).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "LICENSE-lunr-languages.txt",
            "LICENSE-lunr.txt",
            "lunr.es.min.js",
            "lunr.min.js",
            "lunr.stemmer.support.min.js"
        ]
    );
    let page = fs::read_to_string(dir.path().join("public/es/1.0/module-1.html")).unwrap();
    assert!(page.contains("<form role=\"search\""), "{page}");
    assert!(page.contains("action=\"../../es/1.0/search.html\""), "{page}");
    assert!(page.contains("name=\"q\""), "{page}");
    let api: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("public/api/index.json")).unwrap()).unwrap();
    assert_eq!(api["editions"][0]["search"], "../es/1.0/search-index.json");
    assert!(dir.path().join("public/es/1.0/search-index.json").is_file());
    assert!(!dir.path().join("public/es/1.0/search-index.js").exists(), "the script form is only in the download");
    let search = fs::read_to_string(dir.path().join("public/es/1.0/search.html")).unwrap();
    assert!(search.contains("class=\"needs-js\""), "{search}");
}

/// Issue 25's query set (tests/search/queries.toml, written with its answers
/// before it was first run) on the real search page of the shipped site, in
/// headless Chromium: a right answer in the first three for 24 of 25 queries
/// a language, accent-free and one-typo variants of each word find what the
/// word finds, and English words in the Swahili edition what English finds.
#[test]
fn the_query_set_finds_what_readers_type() {
    let project = shipped();
    let (code, stderr) = build(project.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let queries: toml::Table =
        toml::from_str(&fs::read_to_string(repo().join("tests/search/queries.toml")).unwrap()).unwrap();
    let file = project.path().join("queries.json");
    fs::write(&file, serde_json::to_string(&queries).unwrap()).unwrap();
    node("queries.mjs", &[&project.path().join("public"), &file]);
}
