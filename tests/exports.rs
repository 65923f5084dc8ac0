//! The data exports: every JSON file validates against its published JSON
//! Schema (draft 2020-12, with a real validator, and again with a strict
//! copy that rejects fields the schema does not name); every CSV parses with
//! a real CSV parser and agrees with its edition's JSON; `api/index.json`
//! links every export; rebuilds are byte-identical; and changing one
//! requirement changes exactly the exports that hold it. On the mini fixture
//! with translations (es, ar, sw) and on the shipped sources.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{build, edit, fixture_with, shipped, tree};
use serde_json::Value;

const FORMAT_VERSION: &str = "1.0";

/// The CSV columns, as the README and the developers' page list them.
const CSV_COLUMNS: [&str; 17] = [
    "id",
    "module",
    "chapter",
    "section",
    "title",
    "text",
    "guidance",
    "applies-to",
    "level",
    "timeframe",
    "oecd",
    "commodities",
    "text_lang",
    "status",
    "source",
    "fingerprint",
    "url",
];

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file of a site path such as `/api/index.json`.
fn file_of(out: &Path, site_path: &str) -> PathBuf {
    let rel = site_path.strip_prefix('/').unwrap_or_else(|| panic!("not site-relative: {site_path}"));
    let rel = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_owned() };
    out.join(rel.split('#').next().unwrap())
}

/// The schema name a file must name, from where it is.
fn expected_schema(rel: &str) -> Option<&'static str> {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["api", "index.json"] => Some("index"),
        ["api", "schema", _] => None,
        ["api", _, "diff", _] => Some("diff"),
        ["api", _, _, "edition.json"] => Some("edition"),
        ["api", _, _, "status.json"] => Some("status"),
        ["api", _, _, "requirements", _] => Some("requirement"),
        ["api", _, "criteria.jsonld"] => Some("criteria"),
        [_, _, "search-index.json"] => Some("search"),
        _ => panic!("a JSON file the exports do not account for: {rel}"),
    }
}

/// A copy of `schema` that rejects properties it does not name, so that
/// validating with it proves the schema describes every field.
fn strict(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), strict(v))).collect();
            if out.contains_key("properties") && !out.contains_key("additionalProperties") {
                out.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strict).collect()),
        other => other.clone(),
    }
}

/// What [`check_exports`] counted.
#[derive(Debug, Default)]
struct Counts {
    json_files: usize,
    csv_files: usize,
    csv_rows: usize,
    multiline_cells: usize,
}

/// Validates every JSON export of the site in `out` against its schema,
/// checks the index's links, and compares every CSV to its edition's JSON.
fn check_exports(out: &Path, base_url: &str) -> Counts {
    let mut counts = Counts::default();
    // The schemas: valid draft 2020-12 schemas, one per export name.
    let index = read_json(&out.join("api/index.json"));
    let schemas = index["schemas"].as_object().expect("index.json lists the schemas");
    let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
    assert_eq!(names, ["criteria", "diff", "edition", "index", "requirement", "search", "status"]);
    let mut validators = BTreeMap::new();
    for (name, url) in schemas {
        let schema = read_json(&file_of(out, url.as_str().unwrap()));
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        jsonschema::draft202012::meta::validate(&schema).unwrap_or_else(|e| panic!("schema {name} is invalid: {e}"));
        let validator = jsonschema::draft202012::new(&schema).unwrap();
        let strict_validator = jsonschema::draft202012::new(&strict(&schema)).unwrap();
        validators.insert(url.as_str().unwrap().to_owned(), (name.clone(), validator, strict_validator));
    }
    // Every JSON file validates against the schema it names.
    for (rel, bytes) in tree(out) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !(rel.ends_with(".json") || rel.ends_with(".jsonld")) {
            continue;
        }
        let Some(expected) = expected_schema(&rel) else { continue };
        let value: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let url = value["$schema"].as_str().unwrap_or_else(|| panic!("{rel} names no $schema"));
        let (name, validator, strict_validator) =
            validators.get(url).unwrap_or_else(|| panic!("{rel} names a schema the index does not list: {url}"));
        assert_eq!(name, expected, "{rel} names the wrong schema");
        assert_eq!(value["format_version"], FORMAT_VERSION, "{rel}");
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{rel} does not validate against {name}: {errors:#?}");
        let errors: Vec<String> =
            strict_validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{rel} has fields its schema ({name}) does not describe: {errors:#?}");
        assert!(bytes.ends_with(b"\n") || rel.ends_with("search-index.json"), "{rel} ends with a newline");
        counts.json_files += 1;
    }

    // The index links every export, and every link leads to a file.
    let mut linked = BTreeSet::new();
    let mut link = |url: &Value| {
        let path = file_of(out, url.as_str().unwrap_or_else(|| panic!("not a URL: {url}")));
        assert!(path.is_file(), "the index links {url}, which is missing");
        linked.insert(path);
    };
    link(&Value::from("/api/index.json"));
    link(&index["documentation"]);
    for v in index["versions"].as_array().unwrap() {
        link(&v["criteria"]);
    }
    for e in index["editions"].as_array().unwrap() {
        for key in ["html", "json", "csv", "search", "status"] {
            link(&e[key]);
        }
    }
    for d in index["diffs"].as_array().unwrap() {
        link(&d["html"]);
        link(&d["json"]);
    }
    for url in schemas.values() {
        link(url);
    }
    // Requirement files are linked from their edition.
    let mut requirement_files = BTreeSet::new();
    for e in index["editions"].as_array().unwrap() {
        let edition = read_json(&file_of(out, e["json"].as_str().unwrap()));
        assert_eq!(edition["coverage"], e["coverage"], "the index and the edition agree on coverage");
        for r in edition["requirements"].as_array().unwrap() {
            let path = file_of(out, r["json"].as_str().unwrap());
            let file = read_json(&path);
            assert_eq!(file["requirement"], *r, "{} holds the edition's requirement", path.display());
            assert!(file_of(out, r["url"].as_str().unwrap()).is_file(), "{} links a page", r["url"]);
            requirement_files.insert(path);
        }
        check_csv(out, e, &edition, base_url, &mut counts);
    }
    for (rel, _) in tree(&out.join("api")) {
        let path = out.join("api").join(&rel);
        assert!(
            linked.contains(&path) || requirement_files.contains(&path),
            "api/{} is not reachable from api/index.json",
            rel.display()
        );
    }
    counts
}

/// Parses an edition's CSV with the csv crate and compares it to the edition's JSON.
fn check_csv(out: &Path, entry: &Value, edition: &Value, base_url: &str, counts: &mut Counts) {
    let path = file_of(out, entry["csv"].as_str().unwrap());
    let bytes = fs::read(&path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "{} starts with a byte-order mark", path.display());
    let text = std::str::from_utf8(&bytes).expect("the CSV is UTF-8");
    assert!(text.ends_with("\r\n"), "records end with CRLF");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, CSV_COLUMNS, "{}", path.display());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let requirements = edition["requirements"].as_array().unwrap();
    assert_eq!(records.len(), requirements.len(), "{}: one row per requirement", path.display());
    // The number of CRLFs is the number of records plus the header: line
    // breaks inside cells are LF.
    assert_eq!(text.matches("\r\n").count(), records.len() + 1, "{}", path.display());
    let list = |v: &Value| v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect::<Vec<_>>().join(", ");
    let string = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    for (record, r) in records.iter().zip(requirements) {
        let cells: Vec<&str> = record.iter().map(unguard).collect();
        let expected = [
            string(&r["id"]),
            string(&r["module"]),
            string(&r["chapter"]),
            string(&r["section"]),
            string(&r["title"]),
            string(&r["text"]),
            string(&r["guidance"]),
            list(&r["metadata"]["applies-to"]),
            string(&r["metadata"]["level"]),
            string(&r["metadata"]["timeframe"]),
            list(&r["metadata"]["oecd"]),
            list(&r["metadata"]["commodities"]),
            string(&r["text_lang"]),
            string(&r["status"]),
            string(&r["source"]),
            string(&r["fingerprint"]),
            format!("{base_url}{}", string(&r["url"])),
        ];
        assert_eq!(cells, expected, "{}: the row of {} agrees with the JSON", path.display(), r["id"]);
        for cell in record.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "a cell a spreadsheet would run: {cell:?}");
            if cell.contains('\n') {
                counts.multiline_cells += 1;
            }
        }
        counts.csv_rows += 1;
    }
    counts.csv_files += 1;
}

/// A CSV cell with the formula guard undone.
fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// Every export file of a site (api/ and the search data), with its bytes.
fn exports(out: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(out)
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b))
        .filter(|(p, _)| p.starts_with("api/") || p.ends_with("/search-index.json"))
        .collect()
}

fn build_ok(root: &Path, out: &Path) {
    let (code, stderr) = build(root, Some(out));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn fixture_exports_validate_and_agree() {
    let dir = fixture_with("mini", &["i18n"]);
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let counts = check_exports(&out, "");
    // 4 languages x 2 versions: edition, status and search; 4 x 1 diffs; 2
    // catalogues; the index; and a file per requirement (5 in 1.0, 5 in 2.0).
    assert_eq!(counts.json_files, 8 * 3 + 4 + 2 + 1 + 4 * (5 + 5), "{counts:?}");
    assert_eq!(counts.csv_files, 8);
    assert_eq!(counts.csv_rows, 4 * (5 + 5));
    println!("mini+i18n: {counts:?}");

    // A rebuild gives the same bytes.
    let again = dir.path().join("again");
    build_ok(dir.path(), &again);
    assert_eq!(exports(&out), exports(&again));
    assert_eq!(tree(&out), tree(&again));
}

#[test]
fn shipped_exports_validate_and_agree() {
    let dir = shipped();
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let counts = check_exports(&out, "");
    assert!(counts.json_files > 500, "{counts:?}");
    assert!(counts.multiline_cells > 0, "multi-line texts stay in one cell: {counts:?}");
    println!("shipped: {counts:?}");
    let again = dir.path().join("again");
    build_ok(dir.path(), &again);
    assert_eq!(exports(&out), exports(&again), "rebuilt exports are byte-identical");
}

#[test]
fn edition_json_holds_texts_metadata_urls_and_translation_status() {
    let dir = fixture_with("mini", &["i18n"]);
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let en = read_json(&out.join("api/en/2.0/edition.json"));
    assert_eq!(en["version"]["id"], "2.0");
    assert_eq!(en["version"]["latest"], true);
    assert_eq!(en["lang"], "en");
    let ids: Vec<&str> = en["requirements"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "2.2.1"]);
    let r = &en["requirements"][0];
    assert_eq!(r["title"], "Name a responsible person");
    assert_eq!(r["module"], "1");
    assert_eq!(r["chapter"], "module-1");
    assert_eq!(r["url"], "/en/2.0/module-1.html#req-1.1.1");
    assert_eq!(r["json"], "/api/en/2.0/requirements/1.1.1.json");
    assert_eq!(r["text"], "The producer names one person who answers for the CRAFT Report.");
    assert!(r["html"].as_str().unwrap().starts_with("<p>The producer names"));
    assert_eq!(r["guidance"], "Write the person's name in the report.");
    assert_eq!(r["metadata"]["applies-to"], serde_json::json!(["producer"]));
    assert_eq!(r["metadata"]["level"], "obligation");
    assert!(r.get("status").is_none(), "the source language has no translation status");
    // Cross-references are links to the requirement's page, site-relative.
    let complaints = &en["requirements"][3];
    assert!(complaints["html"].as_str().unwrap().contains("href=\"/en/2.0/module-2.html#req-2.2.1\""), "{complaints}");
    // Renumbered: 2.2.1 was 2.1.1 in 1.0.
    assert_eq!(en["requirements"][4]["earlier_ids"], serde_json::json!([{ "version": "1.0", "id": "2.1.1" }]));
    // Sections and chapters.
    let module1 = en["chapters"].as_array().unwrap().iter().find(|c| c["slug"] == "module-1").unwrap();
    assert_eq!(module1["requirements"], serde_json::json!(["1.1.1", "1.1.2", "1.1.3", "1.2.1"]));
    assert_eq!(module1["sections"][0]["requirements"], serde_json::json!(["1.1.1", "1.1.2", "1.1.3"]));
    assert_eq!(module1["sections"][0]["url"], "/en/2.0/module-1.html#1-1-people");

    // Spanish 2.0: 1.1.1 reuses the 1.0 translation of the same English text
    // (current), 1.1.2 changed in English (outdated), 1.1.3 is new (missing).
    let es = read_json(&out.join("api/es/2.0/edition.json"));
    let req = |id: &str| es["requirements"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    let current = req("1.1.1");
    assert_eq!(current["status"], "current");
    assert_eq!(current["title"], "Nombrar a una persona responsable");
    assert_eq!(current["text_lang"], "es");
    assert_eq!(current["source"], current["fingerprint"]);
    assert_eq!(current["url"], "/es/2.0/module-1.html#req-1.1.1");
    let outdated = req("1.1.2");
    assert_eq!(outdated["status"], "outdated");
    assert_eq!(outdated["source"], "bea46e1828dacef1");
    assert_ne!(outdated["source"], outdated["fingerprint"]);
    assert_eq!(outdated["translated_from"], serde_json::json!({ "version": "1.0", "id": "1.1.2" }));
    let missing = req("1.1.3");
    assert_eq!(missing["status"], "missing");
    assert_eq!(missing["text_lang"], "en");
    assert!(missing.get("source").is_none());
    assert_eq!(es["coverage"], serde_json::json!({ "current": 2, "outdated": 2, "missing": 1 }));

    // The status export of the same edition lists them.
    let status = read_json(&out.join("api/es/2.0/status.json"));
    assert!(status["outdated"].as_array().unwrap().iter().any(|r| r["id"] == "1.1.2"));
    assert!(status["missing"].as_array().unwrap().iter().any(|r| r["id"] == "1.1.3"));
    assert_eq!(status["coverage"], es["coverage"]);
}

#[test]
fn index_has_the_layout_of_the_design() {
    let dir = fixture_with("mini", &["i18n"]);
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let index = read_json(&out.join("api/index.json"));
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<BTreeSet<String>>();
    let set = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
    assert_eq!(
        keys(&index),
        set(&[
            "$schema",
            "format_version",
            "standard",
            "versions",
            "languages",
            "editions",
            "diffs",
            "schemas",
            "documentation"
        ])
    );
    for k in ["title", "publisher", "license", "source_language"] {
        assert!(index["standard"].get(k).is_some(), "standard.{k}");
    }
    assert!(keys(&index["versions"][0]).is_superset(&set(&["id", "date", "status", "latest", "previous"])));
    assert_eq!(keys(&index["languages"][1]), set(&["code", "name", "native_name", "dir", "search"]));
    assert_eq!(
        keys(&index["editions"][0]),
        set(&["version", "lang", "html", "json", "csv", "search", "status", "print", "download", "feed", "coverage"])
    );
    assert_eq!(keys(&index["diffs"][0]), set(&["from", "to", "lang", "html", "json"]));
    let e = index["editions"].as_array().unwrap().iter().find(|e| e["lang"] == "es" && e["version"] == "2.0").unwrap();
    assert_eq!(e["json"], "/api/es/2.0/edition.json");
    assert_eq!(e["csv"], "/api/es/2.0/requirements.csv");
    assert_eq!(index["versions"][1]["criteria"], "/api/2.0/criteria.jsonld");
    assert_eq!(index["schemas"]["edition"], "/api/schema/edition.schema.json");
    assert_eq!(index["documentation"], "/developers.html");
}

#[test]
fn criteria_catalogue_is_a_tree_with_oecd_alignment() {
    let dir = fixture_with("mini", &["i18n"]);
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "title: Name a responsible person\napplies-to: producer\n",
        "title: Name a responsible person\napplies-to: producer\noecd: serious-abuses, money-laundering\n",
    );
    edit(dir.path(), "standard/2.0/amendments.toml", "modified = [\"1.1.2\"]", "modified = [\"1.1.2\", \"1.1.1\"]");
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let c = read_json(&out.join("api/2.0/criteria.jsonld"));
    assert_eq!(c["type"], serde_json::json!(["ConformitySchemeVocabulary"]));
    assert_eq!(c["scheme"]["version"], "2.0");
    assert!(c["@context"]["conformityCriterion"].is_object());
    let modules = c["conformityCriterion"].as_array().unwrap();
    assert_eq!(modules.len(), 2, "modules with requirements only");
    assert_eq!(modules[0]["identifier"], "1");
    let section = &modules[0]["subCriterion"][0];
    assert_eq!(section["identifier"], "1-1-people");
    let req = &section["subCriterion"][0];
    assert_eq!(req["identifier"], "1.1.1");
    assert_eq!(req["id"], "/en/2.0/module-1.html#req-1.1.1");
    assert_eq!(req["name"], "Name a responsible person");
    assert_eq!(req["status"], "active");
    let risks: Vec<&str> =
        req["oecdAnnexII"].as_array().unwrap().iter().map(|r| r["identifier"].as_str().unwrap()).collect();
    assert_eq!(risks, ["serious-abuses", "money-laundering"]);
    assert!(req["tag"].as_array().unwrap().contains(&Value::from("oecd-annex-ii:serious-abuses")));
    assert_eq!(c["regulatoryAlignment"][0]["id"], "https://doi.org/10.1787/9789264252479-en");
    // 1.0 is superseded: its criteria are deprecated, and it declares no OECD risk.
    let old = read_json(&out.join("api/1.0/criteria.jsonld"));
    assert_eq!(old["conformityCriterion"][0]["status"], "deprecated");
    assert_eq!(old["regulatoryAlignment"], serde_json::json!([]));
    // Every criterion ID is unique.
    let mut ids = BTreeSet::new();
    fn walk<'a>(c: &'a Value, ids: &mut BTreeSet<&'a str>) {
        for x in c.as_array().into_iter().flatten() {
            assert!(ids.insert(x["id"].as_str().unwrap()), "duplicate criterion {}", x["id"]);
            walk(&x["subCriterion"], ids);
        }
    }
    walk(&c["conformityCriterion"], &mut ids);
    assert_eq!(ids.len(), 2 + 3 + 5);
    // The inline context maps every term and type the catalogue uses, so a
    // JSON-LD processor drops nothing.
    let context = c["@context"].as_object().unwrap();
    fn terms<'a>(v: &'a Value, out: &mut BTreeSet<&'a str>) {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    if k == "@context" {
                        continue;
                    }
                    out.insert(k);
                    if k == "type" {
                        out.extend(x.as_array().unwrap().iter().map(|t| t.as_str().unwrap()));
                    } else {
                        terms(x, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|x| terms(x, out)),
            _ => {}
        }
    }
    let mut used = BTreeSet::new();
    terms(&c, &mut used);
    let unmapped: Vec<&&str> = used.iter().filter(|t| !context.contains_key(**t)).collect();
    assert!(unmapped.is_empty(), "terms the @context does not map: {unmapped:?}");
}

#[test]
fn csv_keeps_multiline_texts_quotes_and_guards_formulas() {
    let dir = fixture_with("mini", &["i18n"]);
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "The producer has a structure that takes decisions and records them.",
        "- The producer has a \"structure\", that takes decisions;\n- and records them.\n\n=SUM(1,2) is not a formula.",
    );
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    check_exports(&out, "");
    let bytes = fs::read(out.join("api/en/2.0/requirements.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let row = reader.records().map(|r| r.unwrap()).find(|r| &r[0] == "1.1.3").unwrap();
    assert_eq!(
        &row[5],
        "'- The producer has a \"structure\", that takes decisions;\n- and records them.\n\n=SUM(1,2) is not a formula."
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"'- The producer has a \"\"structure\"\", that takes decisions;\n- and records them."));
}

#[test]
fn base_url_makes_csv_and_criteria_urls_absolute() {
    let dir = fixture_with("mini", &["i18n"]);
    edit(
        dir.path(),
        "standard/standard.toml",
        "source_language = \"en\"",
        "source_language = \"en\"\nbase_url = \"https://craft.example.org/code/\"",
    );
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    check_exports(&out, "https://craft.example.org/code");
    let c = read_json(&out.join("api/2.0/criteria.jsonld"));
    assert_eq!(c["id"], "https://craft.example.org/code/api/2.0/criteria.jsonld");
    let edition = read_json(&out.join("api/en/2.0/edition.json"));
    assert_eq!(edition["requirements"][0]["url"], "/en/2.0/module-1.html#req-1.1.1", "JSON URLs stay site-relative");
}

/// The export files that differ between two builds.
fn changed(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter().filter(|k| before.get(*k) != after.get(*k)).cloned().collect()
}

fn set(paths: &[String]) -> BTreeSet<String> {
    paths.iter().cloned().collect()
}

const LANGS: [&str; 4] = ["ar", "en", "es", "sw"];

/// Changing the text of a requirement that no translation has (1.1.3, new in
/// 2.0) changes, in every language, its JSON, the edition JSON and CSV of
/// 2.0, the diffs that involve 2.0 and the search data of 2.0 (the English
/// text shows in every language); and the 2.0 criteria catalogue. Nothing
/// else: no status changes, so neither the status exports nor the index.
#[test]
fn changing_an_untranslated_requirement_changes_exactly_its_exports() {
    let dir = fixture_with("mini", &["i18n"]);
    let before = dir.path().join("before");
    build_ok(dir.path(), &before);
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "The producer has a structure that takes decisions and records them.",
        "The producer has a structure that takes decisions, records them and tells its members.",
    );
    let after = dir.path().join("after");
    build_ok(dir.path(), &after);
    let mut expected = vec!["api/2.0/criteria.jsonld".to_owned()];
    for l in LANGS {
        expected.extend([
            format!("api/{l}/2.0/requirements/1.1.3.json"),
            format!("api/{l}/2.0/edition.json"),
            format!("api/{l}/2.0/requirements.csv"),
            format!("api/{l}/diff/1.0-2.0.json"),
            format!("{l}/2.0/search-index.json"),
        ]);
    }
    let differ = changed(&exports(&before), &exports(&after));
    println!("differing exports: {differ:#?}");
    assert_eq!(differ, set(&expected));
    check_exports(&after, "");
}

/// Changing the text of a translated requirement (1.1.1: Spanish reuses its
/// 1.0 translation, Arabic translated it in 2.0) makes both translations
/// outdated. So, besides its JSON, the edition JSON and CSV and the diffs in
/// every language, the Spanish and Arabic status exports change, and the
/// index (their coverage); the search data changes where the English text
/// shows (English, and Swahili, which has no translation), not where the
/// outdated translation still shows.
#[test]
fn changing_a_translated_requirement_changes_exactly_its_exports() {
    let dir = fixture_with("mini", &["i18n"]);
    let before = dir.path().join("before");
    build_ok(dir.path(), &before);
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "The producer names one person who answers for the CRAFT Report.",
        "The producer names one person who answers for the CRAFT Report and its annexes.",
    );
    edit(dir.path(), "standard/2.0/amendments.toml", "modified = [\"1.1.2\"]", "modified = [\"1.1.2\", \"1.1.1\"]");
    let after = dir.path().join("after");
    build_ok(dir.path(), &after);
    let mut expected = vec![
        "api/2.0/criteria.jsonld".to_owned(),
        "api/index.json".to_owned(),
        "api/es/2.0/status.json".to_owned(),
        "api/ar/2.0/status.json".to_owned(),
        "en/2.0/search-index.json".to_owned(),
        "sw/2.0/search-index.json".to_owned(),
    ];
    for l in LANGS {
        expected.extend([
            format!("api/{l}/2.0/requirements/1.1.1.json"),
            format!("api/{l}/2.0/edition.json"),
            format!("api/{l}/2.0/requirements.csv"),
            format!("api/{l}/diff/1.0-2.0.json"),
        ]);
    }
    let before_files = exports(&before);
    let after_files = exports(&after);
    let differ = changed(&before_files, &after_files);
    println!("differing exports: {differ:#?}");
    assert_eq!(differ, set(&expected));
    // The statuses moved as said.
    let es = read_json(&after.join("api/es/2.0/requirements/1.1.1.json"));
    assert_eq!(es["requirement"]["status"], "outdated");
    let ar = read_json(&after.join("api/ar/2.0/requirements/1.1.1.json"));
    assert_eq!(ar["requirement"]["status"], "outdated");
    check_exports(&after, "");
}

#[test]
fn developers_page_describes_every_export_with_real_examples() {
    let dir = fixture_with("mini", &["i18n"]);
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let page = fs::read_to_string(out.join("developers.html")).unwrap();
    for needle in [
        "api/index.json",
        "edition.json",
        "requirements.csv",
        "status.json",
        "criteria.jsonld",
        "search-index.json",
        "format_version",
        "Stability promise",
        // Examples cut from the real files.
        "&quot;Mini Code&quot;",
        "Name a responsible person",
        "ConformitySchemeVocabulary",
        "id,module,chapter,section,title",
        "api/schema/edition.schema.json",
    ] {
        assert!(page.contains(needle), "developers.html lacks {needle:?}");
    }
    assert!(!page.contains("<script>"), "no inline script");
    let front = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(front.contains("href=\"developers.html\""), "the front page links the developers' page");
    let home = fs::read_to_string(out.join("es/2.0/index.html")).unwrap();
    assert!(home.contains("href=\"../../api/es/2.0/requirements.csv\""), "an edition's home links its CSV");
    assert!(home.contains("href=\"../../api/es/2.0/edition.json\""), "and its JSON");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/developers.html"));
}

/// The schemas have teeth: a wrong value, a missing field, a wrong
/// `format_version` or `$schema` fail; an unknown field passes the published
/// schema (additive changes) and fails the strict copy.
#[test]
fn schemas_reject_what_the_exports_never_hold() {
    let dir = fixture_with("mini", &["i18n"]);
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let schema = read_json(&out.join("api/schema/edition.schema.json"));
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let strict_validator = jsonschema::draft202012::new(&strict(&schema)).unwrap();
    let edition = read_json(&out.join("api/es/2.0/edition.json"));
    assert!(validator.is_valid(&edition) && strict_validator.is_valid(&edition));
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut e = edition.clone();
        f(&mut e);
        e
    };
    for (what, bad) in [
        ("a level outside the vocabulary", broken(&|e| e["requirements"][0]["metadata"]["level"] = "sometimes".into())),
        ("a status outside current/outdated/missing", broken(&|e| e["requirements"][0]["status"] = "stale".into())),
        ("a missing ID", broken(&|e| drop(e["requirements"][0].as_object_mut().unwrap().remove("id")))),
        ("another format version", broken(&|e| e["format_version"] = "2.0".into())),
        ("another schema", broken(&|e| e["$schema"] = "/api/schema/diff.schema.json".into())),
        ("a count that is not a number", broken(&|e| e["coverage"]["current"] = "two".into())),
    ] {
        assert!(!validator.is_valid(&bad), "the edition schema accepts {what}");
    }
    let extra = broken(&|e| e["requirements"][0]["new_field"] = true.into());
    assert!(validator.is_valid(&extra), "an added field keeps the data valid");
    assert!(!strict_validator.is_valid(&extra), "the strict copy notices it");
}

/// In headless Chromium: the front page leads to the developers' page, its
/// examples show and its links answer; an edition's home links its CSV and
/// JSON; the page reads at 360 px without JavaScript.
#[test]
fn developers_page_in_a_browser() {
    let dir = fixture_with("mini", &["i18n"]);
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    common::browser_test("developers.mjs", &[&out]);
}
