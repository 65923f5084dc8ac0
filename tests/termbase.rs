//! The glossary as a termbase (`api/<lang>/glossary.tbx` and `glossary.csv`)
//! read by the tools translators import it with: translate-toolkit's TBX
//! reader and `tbx2po` (the PO it writes passes `msgfmt --check`), its CSV
//! reader and the `csv` crate; XML special characters in terms and
//! definitions; and the review hint of `craftpub status --terms`.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{build, craftpub, edit, fixture_with, shipped};
use serde_json::Value;

/// Debian's translate-toolkit (the venv of the Python tests may not see it).
fn debian(tool: &str) -> String {
    let path = format!("/usr/bin/{tool}");
    if Path::new(&path).is_file() { path } else { tool.to_owned() }
}

/// The units of a TBX file as translate-toolkit's reader sees them:
/// (source, target, definitions).
fn read_tbx(file: &Path) -> Vec<(String, String, String)> {
    let script = r#"
import json, sys
from translate.storage import tbx
store = tbx.tbxfile.parsefile(sys.argv[1])
print(json.dumps([[u.source, u.target or "", u.getnotes("definition")] for u in store.units]))
"#;
    let out = Command::new(debian("python3")).args(["-c", script]).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "translate.storage.tbx on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let units: Vec<(String, String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    units
}

/// `tbx2po` converts `tbx`; the PO passes `msgfmt --check`; returns the PO.
fn tbx2po(tbx: &Path, dir: &Path) -> String {
    let po = dir.join(format!("{}.po", tbx.parent().unwrap().file_name().unwrap().to_string_lossy()));
    let out = Command::new(debian("tbx2po")).arg(tbx).arg(&po).output().unwrap();
    assert!(out.status.success(), "tbx2po {}: {}", tbx.display(), String::from_utf8_lossy(&out.stderr));
    let check = Command::new("msgfmt").args(["--check", "-o", "/dev/null"]).arg(&po).output().unwrap();
    assert!(check.status.success(), "msgfmt --check {}: {}", po.display(), String::from_utf8_lossy(&check.stderr));
    fs::read_to_string(&po).unwrap()
}

/// The rows of a termbase CSV, read with the `csv` crate: (header, rows).
fn read_csv(file: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(file).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

fn status_terms(root: &Path, args: &[&str]) -> (i32, String) {
    let root = root.to_str().unwrap();
    let mut all = vec!["status", "--root", root, "--terms"];
    all.extend_from_slice(args);
    let out = craftpub(&all);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn shipped_termbases_open_in_translate_toolkit() {
    let dir = shipped();
    let out = dir.path().join("public");
    let (code, log) = build(dir.path(), Some(&out));
    assert_eq!(code, 0, "{log}");
    let index: Value = serde_json::from_slice(&fs::read(out.join("api/index.json")).unwrap()).unwrap();
    let po_dir = tempfile::tempdir().unwrap();
    let mut figures = Vec::new();
    for l in index["languages"].as_array().unwrap() {
        let code = l["code"].as_str().unwrap();
        let entry = &l["termbase"];
        if code == "en" {
            assert!(entry.is_null(), "the source language has no termbase");
            assert!(!out.join("api/en/glossary.tbx").exists());
            continue;
        }
        assert_eq!(entry["version"], "2.1", "{code}: the current version's glossary");
        assert_eq!(entry["tbx"], format!("{code}/glossary.tbx"));
        let tbx = out.join("api").join(entry["tbx"].as_str().unwrap());
        let units = read_tbx(&tbx);
        // Every English term of the 2.1 glossary, with its definition.
        assert_eq!(units.len(), 28, "{code}");
        let translated = units.iter().filter(|u| !u.1.is_empty()).count();
        figures.push((code.to_owned(), translated));
        let dd = units.iter().find(|u| u.0 == "Due diligence").expect("Due diligence is a term");
        assert!(dd.2.contains("identifies, prevents and mitigates"), "{code}: {dd:?}");
        let po = tbx2po(&tbx, po_dir.path());
        match code {
            "es" => {
                assert_eq!(dd.1, "Debida diligencia");
                // The Spanish glossary of 2.1 is current: its definitions come along.
                assert!(dd.2.contains("identifica, previene y mitiga"), "{dd:?}");
                assert!(po.contains("msgid \"Upstream actor\"\nmsgstr \"Actor upstream\""), "{po}");
            }
            "pt" => {
                assert_eq!(dd.1, "Devida diligência");
                assert!(po.contains("msgid \"Tailings\"\nmsgstr \"Rejeitos\""), "{po}");
            }
            "fr" => {
                // French pairs the 1.0 terms; its glossary is outdated, so no French definitions.
                assert_eq!(dd.1, "");
                let retort = units.iter().find(|u| u.0 == "Retort").unwrap();
                assert_eq!(retort.1, "Cornue");
                assert!(!retort.2.contains("dispositif"), "{retort:?}");
                assert!(po.contains("msgid \"Retort\"\nmsgstr \"Cornue\""), "{po}");
            }
            _ => {}
        }
        // The CSV: the documented header, the same terms, in the same order.
        let (header, rows) = read_csv(&out.join("api").join(entry["csv"].as_str().unwrap()));
        assert_eq!(header, ["source", "target", "developer_comments"]);
        assert_eq!(
            rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
            units.iter().map(|u| u.0.clone()).collect::<Vec<_>>()
        );
        assert_eq!(
            rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>(),
            units.iter().map(|u| u.1.clone()).collect::<Vec<_>>()
        );
    }
    assert_eq!(
        figures,
        [("es".to_owned(), 28), ("fr".to_owned(), 13), ("pt".to_owned(), 28), ("sw".to_owned(), 0)],
        "terms with a translation, per language (the README's figures)"
    );
    // translate-toolkit's CSV reader takes the same columns.
    let script = r#"
import sys
from translate.storage import csvl10n
store = csvl10n.csvfile.parsefile(sys.argv[1])
units = [u for u in store.units if u.source]
assert len(units) == 28, len(units)
pairs = {u.source: u.target for u in units}
assert pairs["Due diligence"] == "Debida diligencia", pairs
print("ok")
"#;
    let res =
        Command::new(debian("python3")).args(["-c", script]).arg(out.join("api/es/glossary.csv")).output().unwrap();
    assert!(
        res.status.success(),
        "csvl10n: {}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
}

/// The mini fixture with a Spanish translation, a 2.0 glossary whose terms
/// hold XML's special characters, its Spanish translation and the pairs.
fn glossary_fixture() -> tempfile::TempDir {
    let dir = fixture_with("mini", &["i18n"]);
    let root = dir.path();
    edit(root, "standard/2.0/version.toml", "\"module-2.md\"]", "\"module-2.md\", \"glossary.md\"]");
    fs::write(
        root.join("standard/2.0/glossary.md"),
        "+++\ntitle = \"Glossary\"\nkind = \"glossary\"\n+++\n\n| Term | Meaning |\n|---|---|\n\
         | CRAFT Report | The producer's report on its progress. |\n\
         | Producer | The organisation that applies the Code. |\n\
         | R&D <\"lab\"> | Research & development, where a < b and c > d, called 'R&D'. |\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("translations/es/2.0")).unwrap();
    fs::write(
        root.join("translations/es/2.0/glossary.md"),
        "+++\ntitle = \"Glosario\"\n+++\n\n| Término | Significado |\n|---|---|\n\
         | I+D <\"laboratorio\"> & co | Investigación & desarrollo, donde a < b. |\n\
         | Informe CRAFT | El informe del productor sobre sus avances. |\n\
         | Productor | La organización que aplica el Código. |\n",
    )
    .unwrap();
    fs::write(
        root.join("translations/es/terms.toml"),
        "\"CRAFT Report\" = \"Informe CRAFT\"\n\"Producer\" = \"Productor\"\n'R&D <\"lab\">' = 'I+D <\"laboratorio\"> & co'\n",
    )
    .unwrap();
    dir
}

#[test]
fn terms_and_definitions_with_xml_special_characters_come_through() {
    let dir = glossary_fixture();
    let out = dir.path().join("public");
    let (code, log) = build(dir.path(), Some(&out));
    assert_eq!(code, 0, "{log}");
    let tbx_file = out.join("api/es/glossary.tbx");
    let text = fs::read_to_string(&tbx_file).unwrap();
    // Well-formed XML, whatever reads it.
    let doc = roxmltree::Document::parse(&text).expect("the TBX is well-formed XML");
    let terms: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("term")).filter_map(|n| n.text()).collect();
    assert!(terms.contains(&"R&D <\"lab\">"), "{terms:?}");
    assert!(terms.contains(&"I+D <\"laboratorio\"> & co"), "{terms:?}");
    let units = read_tbx(&tbx_file);
    let rd = units.iter().find(|u| u.0 == "R&D <\"lab\">").expect("the term with & < > \" is read back");
    assert_eq!(rd.1, "I+D <\"laboratorio\"> & co");
    assert!(rd.2.contains("Research & development, where a < b and c > d, called 'R&D'."), "{rd:?}");
    assert!(rd.2.contains("Investigación & desarrollo, donde a < b."), "{rd:?}");
    let report = units.iter().find(|u| u.0 == "CRAFT Report").unwrap();
    assert_eq!(report.1, "Informe CRAFT");
    assert!(report.2.contains("El informe del productor"), "{report:?}");
    let po = tbx2po(&tbx_file, dir.path());
    assert!(po.contains("msgid \"R&D <\\\"lab\\\">\""), "{po}");
    let (_, rows) = read_csv(&out.join("api/es/glossary.csv"));
    assert_eq!(
        rows[2],
        ["R&D <\"lab\">", "I+D <\"laboratorio\"> & co", "Research & development, where a < b and c > d, called 'R&D'."]
    );
    // Same sources, same bytes.
    let again = dir.path().join("public2");
    assert_eq!(build(dir.path(), Some(&again)).0, 0);
    assert_eq!(fs::read(&tbx_file).unwrap(), fs::read(again.join("api/es/glossary.tbx")).unwrap());
}

#[test]
fn status_terms_hints_at_a_translation_without_the_glossary_term() {
    let dir = glossary_fixture();
    let root = dir.path();
    let (code, before) = status_terms(root, &["--lang", "es", "--version", "2.0", "--format", "json"]);
    assert_eq!(code, 0, "{before}");
    let report: Value = serde_json::from_str(&before).unwrap();
    assert_eq!(report[0]["terms"], 3);
    assert_eq!(report[0]["paired"], 3);
    assert!(report[0]["checked"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(report[0]["hints"], Value::Array(vec![]), "the translation uses every term: {report}");
    // The translator writes "el informe" where the English says "the CRAFT Report".
    edit(root, "translations/es/1.0/module-1.md", "por el Informe CRAFT.", "por el informe.");
    let (code, after) = status_terms(root, &["--lang", "es", "--version", "2.0", "--format", "json"]);
    assert_eq!(code, 0, "a hint, not an error");
    let report: Value = serde_json::from_str(&after).unwrap();
    let hints = report[0]["hints"].as_array().unwrap();
    assert_eq!(hints.len(), 1, "{report}");
    assert_eq!(hints[0]["id"], "1.1.1");
    assert_eq!(hints[0]["term"], "CRAFT Report");
    assert_eq!(hints[0]["forms"], serde_json::json!(["Informe CRAFT"]));
    assert_eq!(hints[0]["file"], "translations/es/1.0/module-1.md");
    let (code, text) = status_terms(root, &["--lang", "es", "--version", "2.0"]);
    assert_eq!(code, 0);
    assert!(
        text.contains(
            "hint 1.1.1 Nombrar a una persona responsable (translations/es/1.0/module-1.md:10): the English uses \"CRAFT Report\", the translation none of: Informe CRAFT"
        ),
        "{text}"
    );
    // An inflected form is not a hint: "productores" has "productor".
    edit(root, "translations/es/1.0/module-1.md", "El productor nombra", "Los productores nombran");
    let (_, text) = status_terms(root, &["--lang", "es", "--version", "2.0"]);
    assert!(!text.contains("\"Producer\""), "{text}");
}

#[test]
fn status_terms_on_the_shipped_spanish() {
    let dir = shipped();
    let (code, json) = status_terms(dir.path(), &["--lang", "es", "--version", "2.1", "--format", "json"]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&json).unwrap();
    let r = &report[0];
    assert_eq!((r["terms"].as_u64(), r["paired"].as_u64()), (Some(28), Some(28)), "{r}");
    assert_eq!(r["unpaired"], Value::Array(vec![]));
    assert_eq!(r["unknown"], Value::Array(vec![]));
    assert_eq!(r["checked"], 53, "the current Spanish requirements of 2.1");
    // The two requirements that say "las que seleccionan mineral" for "ore selectors".
    let hints: Vec<(&str, &str)> = r["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_str().unwrap(), h["term"].as_str().unwrap()))
        .collect();
    assert_eq!(hints, [("1.1.2", "Ore selector"), ("5.5.1", "Ore selector")]);
    // French pairs only the 1.0 terms: the others are listed as not paired.
    let (_, text) = status_terms(dir.path(), &["--lang", "fr", "--version", "2.1"]);
    assert!(text.starts_with("fr 2.1: 28 glossary terms, 13 paired in translations/fr/terms.toml"), "{text}");
    assert!(text.contains("not paired in terms.toml: 3T, AMP, Commodity"), "{text}");
}

#[test]
fn a_bad_terms_file_is_an_error_naming_file_and_line_and_an_unknown_term_is_listed() {
    let dir = glossary_fixture();
    let root = dir.path();
    fs::write(root.join("translations/es/terms.toml"), "\"Producer\" = \"Productor\"\n\"CRAFT Report\" = 3\n").unwrap();
    let (code, err) = common::check(root);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("translations/es/terms.toml:2"), "{err}");
    assert!(err.contains("\"CRAFT Report\" has no term in this language"), "{err}");
    fs::write(
        root.join("translations/es/terms.toml"),
        "\"Producer\" = \"Productor\"\n\"CRAFT Reports\" = \"Informes\"\n",
    )
    .unwrap();
    let (code, text) = status_terms(root, &["--lang", "es", "--version", "2.0"]);
    assert_eq!(code, 0);
    assert!(text.contains("not paired in terms.toml: CRAFT Report, R&D <\"lab\">"), "{text}");
    assert!(text.contains("in terms.toml but a term of no version's glossary: CRAFT Reports"), "{text}");
}
