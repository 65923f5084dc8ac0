//! What a reader sees, in headless Chromium (Debian's chromium, driven by
//! playwright-core from theme/node_modules): the scripts in tests/browser/.

mod common;

use common::{browser_test, build, fixture};

#[test]
fn reader_follows_the_version_switcher_and_a_cross_reference() {
    let dir = fixture("mini");
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    browser_test("site.mjs", &[&dir.path().join("public")]);
}

/// "The Code for me" on the shipped site (tests/browser/forme.mjs): role
/// pages filter the same with JavaScript off and on; the checklist keeps,
/// exports, clears and imports back its answers, carries a 2.0 assessment
/// over to 2.1, refuses hostile files, and prints. Then what the browser
/// exported is checked here: the JSON against its published schema (the
/// `jsonschema` crate), the CSV with the `csv` crate, the PDF with pdftotext.
#[test]
fn the_code_for_me_filters_keeps_carries_and_refuses_hostile_files() {
    use craftpub::api::assessment::{AssessmentExport, CSV_COLUMNS};
    use serde_json::Value;
    let dir = common::shipped();
    let (code, stderr) = build(dir.path(), None);
    assert_eq!(code, 0, "{stderr}");
    let public = dir.path().join("public");
    let out = tempfile::tempdir().unwrap();
    browser_test("forme.mjs", &[&public, out.path()]);

    let read_json = |p: &std::path::Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let index = read_json(&public.join("api/index.json"));
    assert_eq!(index["schemas"]["assessment"], "schema/assessment.schema.json", "the index lists the schema");
    let schema = read_json(&public.join("api/schema/assessment.schema.json"));
    jsonschema::draft202012::meta::validate(&schema).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    for name in ["assessment.json", "assessment-2.0.json"] {
        let exported = read_json(&out.path().join(name));
        let errors: Vec<String> =
            validator.iter_errors(&exported).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name} does not validate: {errors:#?}");
        let _: AssessmentExport = serde_json::from_value(exported).unwrap();
    }
    // The schema has teeth: markup in a note, an unknown status or field.
    let exported = read_json(&out.path().join("assessment.json"));
    for (what, broken) in [
        ("markup in a note", serde_json::json!({ "id": "1.1.1", "status": "met", "note": "<script>x</script>" })),
        ("an unknown status", serde_json::json!({ "id": "1.1.1", "status": "done", "note": "" })),
        ("an unknown field", serde_json::json!({ "id": "1.1.1", "status": "met", "note": "", "html": "" })),
    ] {
        let mut e = exported.clone();
        e["answers"] = Value::Array(vec![broken]);
        assert!(!validator.is_valid(&e), "{what} is refused");
    }

    // The CSV opens with the csv crate, with the same answers as the JSON.
    let answers = exported["answers"].as_array().unwrap();
    let mut csv = csv::Reader::from_path(out.path().join("assessment.csv")).unwrap();
    assert_eq!(csv.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), answers.len());
    for (row, answer) in rows.iter().zip(answers) {
        assert_eq!(&row[1], "2.1");
        assert_eq!(&row[3], "producer");
        assert_eq!(&row[5], answer["id"].as_str().unwrap());
        assert_eq!(&row[6], answer["status"].as_str().unwrap());
        let note = answer["note"].as_str().unwrap();
        // A note that starts like a formula is kept from being one.
        let expected = if note.starts_with('=') { format!("'{note}") } else { note.to_owned() };
        assert_eq!(&row[7], expected, "the note, multi-line and quoted, survives");
    }

    // The printout holds every requirement that applies.
    let printed: Vec<String> = serde_json::from_value(read_json(&out.path().join("printed-ids.json"))).unwrap();
    assert!(printed.len() > 20, "{printed:?}");
    let text = std::process::Command::new("pdftotext").arg(out.path().join("checklist.pdf")).arg("-").output().unwrap();
    assert!(text.status.success(), "pdftotext: {}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout);
    for id in &printed {
        assert!(text.split(|c: char| c.is_whitespace()).any(|w| w == id), "the printed checklist holds {id}");
    }
    assert!(text.contains("Not started") && text.contains("Not applicable"), "the boxes are labelled");
}
