//! The data exports: every JSON file validates against its published JSON
//! Schema (draft 2020-12, with a real validator, and again with a strict
//! copy that rejects fields the schema does not name); every CSV parses with
//! a real CSV parser and agrees with its edition's JSON; `api/index.json`
//! links every export, each reference relative to the file that holds it;
//! every requirement's history JSON follows it through its versions; the
//! open vocabularies hold only codes of the vocabulary export; rebuilds are
//! byte-identical; and changing one requirement changes exactly the exports
//! that hold it. On the mini fixture with translations (es, ar, sw) and on
//! the shipped sources.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{build, edit, fixture_with, shipped, tree};
use serde_json::Value;

const FORMAT_VERSION: &str = "2.0";

/// The CSV columns, as the README and the developers' page list them.
const CSV_COLUMNS: [&str; 19] = [
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
    "translation_status",
    "translated_from_fingerprint",
    "fingerprint",
    "since",
    "earlier_ids",
    "url",
];

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file a reference in the export at `holder` (a path in the output
/// folder) leads to, resolved as RFC 3986 resolves a relative reference
/// against the holder's address; an absolute reference must start with
/// `base` (the site's base URL, or empty).
fn resolve(out: &Path, holder: &str, reference: &str, base: &str) -> PathBuf {
    assert!(!reference.starts_with('/'), "{holder}: a root-relative reference: {reference}");
    let reference = reference.split('#').next().unwrap();
    let joined = if reference.contains("://") {
        let prefix = format!("{base}/");
        assert!(!base.is_empty() && reference.starts_with(&prefix), "{holder}: {reference} is off the site");
        reference[prefix.len()..].to_owned()
    } else {
        assert!(base.is_empty(), "{holder}: {reference} is relative though the build knows its base URL");
        let mut parts: Vec<&str> = holder.split('/').collect();
        parts.pop();
        for segment in reference.split('/') {
            match segment {
                ".." => assert!(parts.pop().is_some(), "{holder}: {reference} leaves the site"),
                "." => {}
                s => parts.push(s),
            }
        }
        parts.join("/")
    };
    let joined = if joined.is_empty() || joined.ends_with('/') { format!("{joined}index.html") } else { joined };
    out.join(joined)
}

/// The path in the output folder of `path`, a file under it.
fn rel_of(out: &Path, path: &Path) -> String {
    path.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/")
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
        ["api", _, "history", _] => Some("history"),
        ["api", _, "vocabulary.json"] => Some("vocabulary"),
        ["api", _, "amendments.json"] => Some("amendments"),
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
    history_steps: usize,
}

/// Validates every JSON export of the site in `out` against its schema,
/// checks the index's links, and compares every CSV to its edition's JSON.
fn check_exports(out: &Path, base_url: &str) -> Counts {
    let mut counts = Counts::default();
    // The schemas: valid draft 2020-12 schemas, one per export name.
    let index = read_json(&out.join("api/index.json"));
    let schemas = index["schemas"].as_object().expect("index.json lists the schemas");
    let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "amendments",
            "assessment",
            "criteria",
            "diff",
            "edition",
            "history",
            "index",
            "moved",
            "search",
            "status",
            "vocabulary"
        ]
    );
    let at_index = |url: &Value| resolve(out, "api/index.json", url.as_str().unwrap(), base_url);
    let mut validators = BTreeMap::new();
    for (name, url) in schemas {
        let path = at_index(url);
        let schema = read_json(&path);
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        let id = schema["$id"].as_str().unwrap_or_else(|| panic!("schema {name} has no $id"));
        if base_url.is_empty() {
            assert_eq!(id, format!("urn:craftpub:schema:{FORMAT_VERSION}:{name}"));
        } else {
            assert_eq!(id, format!("{base_url}/api/schema/{name}.schema.json"));
        }
        jsonschema::draft202012::meta::validate(&schema).unwrap_or_else(|e| panic!("schema {name} is invalid: {e}"));
        let validator = jsonschema::draft202012::new(&schema).unwrap();
        let strict_validator = jsonschema::draft202012::new(&strict(&schema)).unwrap();
        validators.insert(rel_of(out, &path), (name.clone(), validator, strict_validator));
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
        // `$schema` is relative to the file whatever the base URL.
        let schema_file = rel_of(out, &resolve(out, &rel, url, ""));
        let (name, validator, strict_validator) = validators
            .get(&schema_file)
            .unwrap_or_else(|| panic!("{rel} names a schema the index does not list: {url}"));
        // Where an earlier build published a diff or a history, a stub may stand.
        let expected = if name == "moved" && matches!(expected, "diff" | "history") { "moved" } else { expected };
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
    let mut linked = BTreeSet::from([out.join("api/index.json")]);
    let mut link = |url: &Value| {
        let path = at_index(url);
        assert!(path.is_file(), "the index links {url}, which is missing");
        linked.insert(path);
    };
    link(&index["documentation"]);
    for v in index["versions"].as_array().unwrap() {
        link(&v["criteria"]);
        if !v["amendments"].is_null() {
            link(&v["amendments"]);
        }
    }
    for l in index["languages"].as_array().unwrap() {
        link(&l["vocabulary"]);
        link(&l["feed"]);
        if !l["termbase"].is_null() {
            link(&l["termbase"]["tbx"]);
            link(&l["termbase"]["csv"]);
        }
    }
    // The stubs where earlier builds published what this one does not make.
    for m in index["moved"].as_array().unwrap() {
        link(m);
    }
    for e in index["editions"].as_array().unwrap() {
        for key in ["html", "json", "csv", "search", "status_json", "print"] {
            link(&e[key]);
        }
    }
    for d in index["diffs"].as_array().unwrap().iter().chain(index["histories"].as_array().unwrap()) {
        link(&d["html"]);
        link(&d["json"]);
    }
    for url in schemas.values() {
        link(url);
    }
    assert!(!out.join("api/en").read_dir().unwrap().any(|e| e.unwrap().path().join("requirements").exists()));
    for e in index["editions"].as_array().unwrap() {
        let edition_path = at_index(&e["json"]);
        let edition_rel = rel_of(out, &edition_path);
        let edition = read_json(&edition_path);
        assert_eq!(edition["coverage"], e["coverage"], "the index and the edition agree on coverage");
        let vocabulary = read_json(&resolve(out, &edition_rel, edition["vocabulary"].as_str().unwrap(), base_url));
        for r in edition["requirements"].as_array().unwrap() {
            assert!(
                resolve(out, &edition_rel, r["url"].as_str().unwrap(), base_url).is_file(),
                "{} links a page",
                r["url"]
            );
            check_vocabulary(&r["metadata"], &vocabulary, &edition_rel);
            // The requirement's history has it, in this version, with its metadata.
            let history_path = resolve(out, &edition_rel, r["history_json"].as_str().unwrap(), base_url);
            let history = read_json(&history_path);
            let step = history["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["version"] == edition["version"]["id"])
                .unwrap_or_else(|| panic!("{} lacks version {}", history_path.display(), edition["version"]["id"]));
            assert_eq!(step["id"], r["id"]);
            assert_eq!(step["metadata"], r["metadata"]);
            assert_eq!(step.get("translation_status"), r.get("translation_status"));
            counts.history_steps += 1;
        }
        check_csv(out, e, &edition, base_url, &mut counts);
    }
    for (rel, _) in tree(&out.join("api")) {
        let path = out.join("api").join(&rel);
        assert!(linked.contains(&path), "api/{} is not reachable from api/index.json", rel.display());
    }
    counts
}

/// Checks that the open codes of `metadata` are terms of `vocabulary`.
fn check_vocabulary(metadata: &Value, vocabulary: &Value, holder: &str) {
    for field in ["applies-to", "oecd", "commodities", "level", "timeframe"] {
        let terms: BTreeSet<&str> =
            vocabulary["terms"][field].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
        let values = match &metadata[field] {
            Value::Array(items) => items.iter().map(|v| v.as_str().unwrap()).collect(),
            v => vec![v.as_str().unwrap()],
        };
        for v in values {
            assert!(terms.contains(v), "{holder}: {field} {v:?} is not in the vocabulary");
        }
    }
}

/// Parses an edition's CSV with the csv crate and compares it to the edition's JSON.
fn check_csv(out: &Path, entry: &Value, edition: &Value, base_url: &str, counts: &mut Counts) {
    let path = resolve(out, "api/index.json", entry["csv"].as_str().unwrap(), base_url);
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
            string(&r["translation_status"]),
            string(&r["translated_from_fingerprint"]),
            string(&r["fingerprint"]),
            string(&r["since"]),
            r["earlier_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| format!("{}:{}", e["version"].as_str().unwrap(), e["id"].as_str().unwrap()))
                .collect::<Vec<_>>()
                .join(", "),
            // The CSV is in the edition JSON's folder: the same reference.
            string(&r["url"]),
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
    // catalogues; 1 amendment history (2.0); the index; per language a
    // vocabulary and a history per lineage (6: 1.0's 5, of which 2.1.1 is
    // renumbered to 2.2.1, and 1.1.3 new in 2.0), and per language the stub
    // left at 2.1.1's history, which the build of 1.0 alone published.
    assert_eq!(counts.json_files, 8 * 3 + 4 + 2 + 1 + 1 + 4 * (1 + 6) + 4, "{counts:?}");
    assert_eq!(counts.history_steps, 4 * (5 + 5), "every requirement of every edition is in its history");
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
    // 5 languages x 3 versions (edition, status, search), 61 lineages x 5 languages, ...
    assert!(counts.json_files > 350, "{counts:?}");
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
    // References are relative to the file (api/en/2.0/edition.json).
    assert_eq!(r["url"], "../../../en/2.0/module-1.html#req-1.1.1");
    assert_eq!(r["history"], "../../../en/history/1.1.1.html");
    assert_eq!(r["history_json"], "../history/1.1.1.json");
    assert_eq!(en["csv"], "requirements.csv");
    assert_eq!(en["vocabulary"], "../vocabulary.json");
    assert_eq!(en["amendments"], "../../2.0/amendments.json");
    assert_eq!(r["text"], "The producer names one person who answers for the CRAFT Report.");
    assert!(r["html"].as_str().unwrap().starts_with("<p>The producer names"));
    assert_eq!(r["guidance"], "Write the person's name in the report.");
    assert_eq!(r["metadata"]["applies-to"], serde_json::json!(["producer"]));
    assert_eq!(r["metadata"]["level"], "obligation");
    assert!(r.get("translation_status").is_none(), "the source language has no translation status");
    // Cross-references are links to the requirement's page, relative to the file.
    let complaints = &en["requirements"][3];
    assert!(
        complaints["html"].as_str().unwrap().contains("href=\"../../../en/2.0/module-2.html#req-2.2.1\""),
        "{complaints}"
    );
    // Renumbered: 2.2.1 was 2.1.1 in 1.0.
    assert_eq!(en["requirements"][4]["earlier_ids"], serde_json::json!([{ "version": "1.0", "id": "2.1.1" }]));
    assert_eq!(en["requirements"][4]["since"], "1.0");
    // Only the versions where the ID differed are listed: 1.1.1 has been
    // 1.1.1 since 1.0.
    let same = en["requirements"].as_array().unwrap().iter().find(|r| r["id"] == "1.1.1").unwrap();
    assert_eq!((&same["since"], &same["earlier_ids"]), (&serde_json::json!("1.0"), &serde_json::json!([])), "{same}");
    // Sections and chapters.
    let module1 = en["chapters"].as_array().unwrap().iter().find(|c| c["slug"] == "module-1").unwrap();
    assert_eq!(module1["requirements"], serde_json::json!(["1.1.1", "1.1.2", "1.1.3", "1.2.1"]));
    assert_eq!(module1["sections"][0]["requirements"], serde_json::json!(["1.1.1", "1.1.2", "1.1.3"]));
    assert_eq!(module1["sections"][0]["url"], "../../../en/2.0/module-1.html#1-1-people");

    // Spanish 2.0: 1.1.1 reuses the 1.0 translation of the same English text
    // (current), 1.1.2 changed in English (outdated), 1.1.3 is new (missing).
    let es = read_json(&out.join("api/es/2.0/edition.json"));
    let req = |id: &str| es["requirements"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    let current = req("1.1.1");
    assert_eq!(current["translation_status"], "current");
    assert_eq!(current["title"], "Nombrar a una persona responsable");
    assert_eq!(current["text_lang"], "es");
    assert_eq!(current["translated_from_fingerprint"], current["fingerprint"]);
    assert_eq!(current["url"], "../../../es/2.0/module-1.html#req-1.1.1");
    let outdated = req("1.1.2");
    assert_eq!(outdated["translation_status"], "outdated");
    assert_eq!(outdated["translated_from_fingerprint"], "bea46e1828dacef1");
    assert_ne!(outdated["translated_from_fingerprint"], outdated["fingerprint"]);
    assert_eq!(outdated["translated_from"], serde_json::json!({ "version": "1.0", "id": "1.1.2" }));
    let missing = req("1.1.3");
    assert_eq!(missing["translation_status"], "missing");
    assert_eq!(missing["text_lang"], "en");
    assert!(missing.get("translated_from_fingerprint").is_none());
    assert_eq!(es["coverage"], serde_json::json!({ "current": 2, "outdated": 2, "missing": 1 }));

    // The status export of the same edition lists them.
    let status = read_json(&out.join("api/es/2.0/status.json"));
    let stale = status["outdated"].as_array().unwrap().iter().find(|r| r["id"] == "1.1.2").unwrap();
    // The same names with the same meaning as in the edition.
    assert_eq!(stale["translated_from"], outdated["translated_from"]);
    assert_eq!(stale["fingerprint"], outdated["fingerprint"]);
    assert!(status["missing"].as_array().unwrap().iter().any(|r| r["id"] == "1.1.3"));
    assert_eq!(status["coverage"], es["coverage"]);
}

/// A requirement's history as data follows it through a renumbering and
/// names the amendment that declares each change; its text is stored where
/// it changed; a removal names its version and entry. The amendment history
/// lists each entry's IDs, and a diff's changes carry their subject.
#[test]
fn histories_amendments_and_diffs_as_data() {
    let dir = fixture_with("mini", &["i18n"]);
    let out = dir.path().join("out");
    build_ok(dir.path(), &out);
    let h = read_json(&out.join("api/en/history/2.2.1.json"));
    assert_eq!(h["lineage"], "2.2.1");
    assert_eq!(h["html"], "../../../en/history/2.2.1.html");
    let steps = h["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(
        (&steps[0]["version"], &steps[0]["id"], &steps[0]["change"]),
        (&"1.0".into(), &"2.1.1".into(), &"first".into())
    );
    assert!(steps[0]["text"]["title"].is_string(), "the first step has its text");
    assert_eq!(steps[1]["id"], "2.2.1");
    assert_eq!(steps[1]["old_id"], "2.1.1");
    assert_eq!(steps[1]["change"], "renumbered");
    assert_eq!(
        steps[1]["amendments"],
        serde_json::json!([{ "version": "2.0", "id": "legal-renumbering", "json": "../../2.0/amendments.json" }])
    );
    assert_eq!(steps[1]["url"], "../../../en/2.0/module-2.html#req-2.2.1");
    assert_eq!(steps[1]["edition_json"], "../2.0/edition.json");
    // A step whose text is the step before's stores none.
    let unchanged = read_json(&out.join("api/en/history/1.1.1.json"));
    assert_eq!(unchanged["steps"][1]["change"], "unchanged");
    assert_eq!(unchanged["steps"][1]["text"], Value::Null);
    // Spanish: 1.1.3 is new in 2.0 and not translated.
    let added = read_json(&out.join("api/es/history/1.1.3.json"));
    assert_eq!(added["steps"][0]["change"], "added");
    assert_eq!(added["steps"][0]["amendments"][0]["id"], "leadership");
    assert_eq!(added["steps"][0]["translation_status"], "missing");
    assert_eq!(added["steps"][0]["text"]["text_lang"], "en");
    let removed = read_json(&out.join("api/en/history/2.1.2.json"));
    assert_eq!(removed["removed"]["version"], "2.0");
    assert_eq!(removed["removed"]["amendments"][0]["id"], "permits-removed");

    let a = read_json(&out.join("api/2.0/amendments.json"));
    assert_eq!(a["previous"], "1.0");
    assert_eq!(a["lang"], "en");
    assert_eq!(a["diff_json"], "../en/diff/1.0-2.0.json");
    let ids: Vec<&str> = a["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["members-register", "leadership", "legal-renumbering", "permits-removed"]);
    assert_eq!(a["entries"][2]["renumbered"], serde_json::json!([{ "from": "2.1.1", "to": "2.2.1" }]));
    assert_eq!(a["entries"][2]["modified"], serde_json::json!(["1.2.1"]));
    assert_eq!(a["entries"][3]["removed"], serde_json::json!(["2.1.2"]));
    assert!(a["entries"][0]["rationale_html"].as_str().unwrap().starts_with("<p>Buyers need"));

    let d = read_json(&out.join("api/es/diff/1.0-2.0.json"));
    let change = |id: &str| {
        d["changes"].as_array().unwrap().iter().find(|c| c["id"] == id || c["old_id"] == id).unwrap().clone()
    };
    let register = change("1.1.2");
    assert_eq!(register["change"], "modified");
    assert!(register["old_metadata"]["applies-to"].is_array(), "metadata as in the editions: {register}");
    assert!(register["new_title"].is_string() && register["old_title"].is_string());
    assert_eq!(
        register["amendments"][0],
        serde_json::json!({ "version": "2.0", "id": "members-register", "json": "../../2.0/amendments.json" })
    );
    let new = change("1.1.3");
    assert_eq!(new["old_metadata"], Value::Null);
    assert_eq!(new["old_text_lang"], Value::Null);
    assert_eq!(new["new_text_lang"], "en", "not translated: the words are English");
    let gone = change("2.1.2");
    assert_eq!(gone["change"], "removed");
    assert_eq!(gone["new_metadata"], Value::Null);
    assert_eq!(gone["history_json"], "../history/2.1.2.json");
    // The role filter is one line over this one file.
    let producers: Vec<&Value> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let m = if c["new_metadata"].is_null() { &c["old_metadata"] } else { &c["new_metadata"] };
            m["applies-to"].as_array().unwrap().contains(&Value::from("producer"))
        })
        .collect();
    assert!(!producers.is_empty());

    // Labels in the language, with the English fallback said.
    let v = read_json(&out.join("api/es/vocabulary.json"));
    let level = v["terms"]["level"].as_array().unwrap().iter().find(|t| t["code"] == "obligation").unwrap().clone();
    assert_ne!(level["label"], "Obligation", "Spanish has its label: {level}");
    assert_eq!(level["label_lang"], "es");
    let sw = read_json(&out.join("api/sw/vocabulary.json"));
    assert!(
        sw["terms"]["commodities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["label_lang"] == "en" || t["label_lang"] == "sw"),
        "{sw}"
    );
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
            "histories",
            "moved",
            "schemas",
            "documentation",
            "content_hash",
            "generator"
        ])
    );
    assert!(index["content_hash"].as_str().unwrap().starts_with("sha256:"));
    for k in ["title", "publisher", "license", "source_language"] {
        assert!(index["standard"].get(k).is_some(), "standard.{k}");
    }
    assert!(keys(&index["versions"][0]).is_superset(&set(&["id", "date", "status", "latest", "previous"])));
    assert_eq!(
        keys(&index["languages"][1]),
        set(&["code", "name", "native_name", "dir", "search", "vocabulary", "feed", "termbase"])
    );
    // A translation's termbase is listed with its figures; the source language has none.
    assert_eq!(index["languages"][0]["termbase"], Value::Null);
    assert_eq!(
        keys(&index["editions"][0]),
        set(&["version", "lang", "html", "json", "csv", "search", "status_json", "print", "download", "coverage"])
    );
    assert_eq!(keys(&index["diffs"][0]), set(&["from", "to", "lang", "html", "json"]));
    assert_eq!(keys(&index["histories"][0]), set(&["lineage", "lang", "html", "json"]));
    let e = index["editions"].as_array().unwrap().iter().find(|e| e["lang"] == "es" && e["version"] == "2.0").unwrap();
    assert_eq!(e["html"], "../es/2.0/index.html");
    assert_eq!(e["json"], "es/2.0/edition.json");
    assert_eq!(e["csv"], "es/2.0/requirements.csv");
    assert_eq!(index["versions"][1]["criteria"], "2.0/criteria.jsonld");
    assert_eq!(index["versions"][1]["amendments"], "2.0/amendments.json");
    assert_eq!(index["versions"][0]["amendments"], Value::Null);
    assert_eq!(index["schemas"]["edition"], "schema/edition.schema.json");
    assert_eq!(index["documentation"], "../developers.html");
    // 6 lineages in 4 languages.
    assert_eq!(index["histories"].as_array().unwrap().len(), 4 * 6);
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
    // Without a base URL, ids are URNs (absolute IRIs, the same wherever the file is read).
    assert_eq!(req["id"], "urn:craftpub:mini-code:2.0:1.1.1");
    assert_eq!(section["id"], "urn:craftpub:mini-code:2.0:module-1:1-1-people");
    assert_eq!(modules[0]["id"], "urn:craftpub:mini-code:2.0:module-1");
    assert_eq!(c["id"], "urn:craftpub:mini-code:2.0:criteria");
    assert_eq!(c["scheme"]["id"], "urn:craftpub:mini-code:2.0");
    // `$schema` stays relative for JSON Schema tools, and out of the graph.
    assert_eq!(c["$schema"], "../schema/criteria.schema.json");
    assert_eq!(c["@context"]["$schema"], Value::Null);
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
    assert_eq!(c["conformityCriterion"][0]["id"], "https://craft.example.org/code/en/2.0/module-1.html");
    assert_eq!(c["$schema"], "../schema/criteria.schema.json");
    assert_eq!(c["@context"]["$schema"], Value::Null);
    let edition = read_json(&out.join("api/en/2.0/edition.json"));
    assert_eq!(edition["requirements"][0]["url"], "https://craft.example.org/code/en/2.0/module-1.html#req-1.1.1");
    assert_eq!(edition["csv"], "https://craft.example.org/code/api/en/2.0/requirements.csv");
    let index = read_json(&out.join("api/index.json"));
    assert_eq!(index["standard"]["base_url"], "https://craft.example.org/code/");
    assert_eq!(index["editions"][0]["json"], "https://craft.example.org/code/api/en/1.0/edition.json");
    // The schemas' `$schema` references stay relative (a schema is the same wherever it is served).
    assert_eq!(edition["$schema"], "../../schema/edition.schema.json");
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
/// 2.0) changes, in every language, its history, the edition JSON and CSV
/// of 2.0, the diffs that involve 2.0 and the search data of 2.0 (the
/// English text shows in every language); the 2.0 criteria catalogue; and
/// the index's content hash. Nothing else: no status changes, so neither
/// the status exports nor the coverage.
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
    let mut expected = vec!["api/2.0/criteria.jsonld".to_owned(), "api/index.json".to_owned()];
    for l in LANGS {
        expected.extend([
            format!("api/{l}/history/1.1.3.json"),
            format!("api/{l}/2.0/edition.json"),
            format!("api/{l}/2.0/requirements.csv"),
            format!("api/{l}/diff/1.0-2.0.json"),
            format!("{l}/2.0/search-index.json"),
        ]);
    }
    let differ = changed(&exports(&before), &exports(&after));
    println!("differing exports: {differ:#?}");
    assert_eq!(differ, set(&expected));
    let (a, b) = (read_json(&before.join("api/index.json")), read_json(&after.join("api/index.json")));
    assert_ne!(a["content_hash"], b["content_hash"]);
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("content_hash");
        v
    };
    assert_eq!(strip(a), strip(b), "only the content hash moved in the index");
    check_exports(&after, "");
}

/// Changing the text of a translated requirement (1.1.1: Spanish reuses its
/// 1.0 translation, Arabic translated it in 2.0) makes both translations
/// outdated. So, besides its history, the edition JSON and CSV and the diffs in
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
        // Its entry now names 1.1.1 as modified.
        "api/2.0/amendments.json".to_owned(),
        "api/index.json".to_owned(),
        "api/es/2.0/status.json".to_owned(),
        "api/ar/2.0/status.json".to_owned(),
        "en/2.0/search-index.json".to_owned(),
        "sw/2.0/search-index.json".to_owned(),
    ];
    for l in LANGS {
        expected.extend([
            format!("api/{l}/history/1.1.1.json"),
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
    for l in ["es", "ar"] {
        let h = read_json(&after.join(format!("api/{l}/history/1.1.1.json")));
        let step = h["steps"].as_array().unwrap().iter().find(|s| s["version"] == "2.0").unwrap();
        assert_eq!(step["translation_status"], "outdated", "{l}");
    }
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
        // The 2.0 exports, and the one-line join of a reference.
        "history/1.1.1.json",
        "vocabulary.json",
        "amendments.json",
        "urljoin(index_url, entry[\"json\"])",
        "new URL(entry.json, indexUrl)",
    ] {
        assert!(page.contains(needle), "developers.html lacks {needle:?}");
    }
    assert!(!page.contains("<script>"), "no inline script");
    let front = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(front.contains("href=\"developers.html\""), "the front page links the developers' page");
    let home = fs::read_to_string(out.join("es/2.0/index.html")).unwrap();
    assert!(home.contains("href=\"../../api/es/2.0/requirements.csv\""), "an edition's home links its CSV");
    assert!(home.contains("href=\"../../api/es/2.0/edition.json\""), "and its JSON");
    assert!(!out.join("sitemap.xml").exists(), "no sitemap without a base URL");
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
        (
            "a status outside current/outdated/missing",
            broken(&|e| e["requirements"][0]["translation_status"] = "stale".into()),
        ),
        ("a role that is not a string", broken(&|e| e["requirements"][0]["metadata"]["applies-to"][0] = 3.into())),
        ("a missing ID", broken(&|e| drop(e["requirements"][0].as_object_mut().unwrap().remove("id")))),
        ("another format version", broken(&|e| e["format_version"] = "1.0".into())),
        ("another schema", broken(&|e| e["$schema"] = "../../schema/diff.schema.json".into())),
        ("a count that is not a number", broken(&|e| e["coverage"]["current"] = "two".into())),
    ] {
        assert!(!validator.is_valid(&bad), "the edition schema accepts {what}");
    }
    // An open vocabulary takes a value a later version may add.
    let lithium = broken(&|e| e["requirements"][0]["metadata"]["commodities"] = serde_json::json!(["lithium"]));
    assert!(validator.is_valid(&lithium) && strict_validator.is_valid(&lithium), "a new commodity is valid");
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

/// The README names only files the repository has: every backquoted path
/// under one of the repository's folders exists (placeholders such as
/// `<lang>` aside).
#[test]
fn readme_points_to_no_missing_file() {
    let readme = fs::read_to_string(common::repo().join("README.md")).unwrap();
    let roots = ["src/", "tests/", "benches/", "examples/", "theme/", "standard/", "translations/", ".ci/"];
    let mut checked = 0;
    let mut missing = Vec::new();
    for (i, quoted) in readme.split('`').enumerate() {
        let path = quoted.trim();
        if i % 2 == 0 || path.contains(['<', '*', ' ', '{']) || !roots.iter().any(|r| path.starts_with(r)) {
            continue;
        }
        checked += 1;
        if !common::repo().join(path.trim_end_matches('/')).exists() {
            missing.push(path.to_owned());
        }
    }
    for name in ["DESIGN.md"] {
        if readme.contains(name) && !common::repo().join(name).exists() {
            missing.push(name.to_owned());
        }
    }
    assert!(checked > 10, "{checked}");
    assert!(missing.is_empty(), "the README names files the repository lacks: {missing:?}");
}
