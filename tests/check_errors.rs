//! `craftpub check` on copies of the fixture with one defect each: every kind
//! of defect exits 1 and names the file and the line.

mod common;

use common::{check, edit, fixture};
use std::fs;

/// Asserts that check fails and that its output names `file:line` and `words`.
fn assert_error(root: &std::path::Path, location: &str, words: &str) -> String {
    let (code, stderr) = check(root);
    assert_eq!(code, 1, "expected exit 1, got {code}:\n{stderr}");
    let hit = stderr.lines().any(|l| l.contains(location) && l.contains(words));
    assert!(hit, "expected an error at {location} mentioning {words:?}:\n{stderr}");
    assert!(stderr.contains("fix:"), "every error suggests a fix:\n{stderr}");
    stderr
}

#[test]
fn the_fixture_is_clean() {
    let dir = fixture("mini");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn duplicate_requirement_id() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/module-1.md", "::: requirement 1.1.3", "::: requirement 1.1.2");
    assert_error(dir.path(), "standard/2.0/module-1.md:33:", "1.1.2 is already used");
}

#[test]
fn unknown_cross_reference() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/module-1.md", "See [[2.2.1]]", "See also\n[[2.9.9]]");
    assert_error(dir.path(), "standard/2.0/module-1.md:51:", "[[2.9.9]]");
}

#[test]
fn unknown_cross_reference_in_prose() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/1.0/introduction.md", "[[1.1.1]]", "[[7.1.1]]");
    assert_error(dir.path(), "standard/1.0/introduction.md:6:", "[[7.1.1]]");
}

#[test]
fn malformed_front_matter() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/1.0/module-2.md", "kind = \"module\"", "kind = module");
    assert_error(dir.path(), "standard/1.0/module-2.md:3:", "front matter");
}

#[test]
fn unterminated_front_matter() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/1.0/module-2.md", "module = \"2\"\n+++", "module = \"2\"\n");
    assert_error(dir.path(), "standard/1.0/module-2.md:1:", "not closed");
}

#[test]
fn malformed_toml() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/version.toml", "status = \"current\"", "status = \"current");
    assert_error(dir.path(), "standard/2.0/version.toml:3:", "version metadata");
}

#[test]
fn malformed_standard_toml() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/standard.toml", "license = ", "licence = ");
    assert_error(dir.path(), "standard/standard.toml:4:", "licence");
}

#[test]
fn unknown_metadata_value() {
    let dir = fixture("mini");
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "level: obligation\ntimeframe: immediately",
        "level: mandatory\ntimeframe: immediately",
    );
    assert_error(dir.path(), "standard/2.0/module-1.md:14:", "mandatory");
}

#[test]
fn unknown_metadata_key() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/module-2.md", "level: obligation", "level: obligation\npriority: high");
    assert_error(dir.path(), "standard/2.0/module-2.md:13:", "priority");
}

#[test]
fn missing_metadata() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/module-2.md", "timeframe: immediately\n", "");
    assert_error(dir.path(), "standard/2.0/module-2.md:9:", "no timeframe");
}

#[test]
fn previous_version_that_does_not_exist() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/version.toml", "previous = \"1.0\"", "previous = \"0.9\"");
    assert_error(dir.path(), "standard/2.0/version.toml", "0.9");
}

#[test]
fn invalid_utf8() {
    let dir = fixture("mini");
    let path = dir.path().join("standard/1.0/module-2.md");
    let mut bytes = fs::read(&path).unwrap();
    let at = bytes.windows(5).position(|w| w == b"title").unwrap();
    let at = at + bytes[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let at = at + bytes[at..].iter().position(|&b| b == b'\n').unwrap() + 1; // line 3
    bytes.insert(at, 0xff);
    fs::write(&path, bytes).unwrap();
    assert_error(dir.path(), "standard/1.0/module-2.md:4:", "UTF-8");
}

#[test]
fn file_that_belongs_to_no_chapter() {
    let dir = fixture("mini");
    fs::write(dir.path().join("standard/2.0/annex-a.md"), "+++\ntitle = \"Annex\"\nkind = \"annex\"\n+++\n").unwrap();
    assert_error(dir.path(), "standard/2.0/annex-a.md", "belongs to no chapter");
}

#[test]
fn listed_chapter_that_does_not_exist() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/version.toml", "\"module-2.md\"]", "\"module-2.md\", \"module-3.md\"]");
    assert_error(dir.path(), "standard/2.0/version.toml:5:", "module-3.md");
}

#[test]
fn unclosed_requirement_block() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/1.0/module-2.md", "to formalise.\n:::", "to formalise.\n");
    assert_error(dir.path(), "standard/1.0/module-2.md:9:", "not closed");
}

#[test]
fn requirement_outside_its_module() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/module-2.md", "::: requirement 2.2.1", "::: requirement 3.2.1");
    let out = assert_error(dir.path(), "standard/2.0/module-2.md:9:", "is in module 2");
    // The renumbering in amendments.toml now names an ID that is gone.
    assert!(out.contains("amendments.toml:17:"), "{out}");
}

#[test]
fn amendment_naming_a_missing_requirement() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/amendments.toml", "modified = [\"1.1.2\"]", "modified = [\"1.1.9\"]");
    assert_error(dir.path(), "standard/2.0/amendments.toml:5:", "1.1.9");
}

#[test]
fn two_current_versions() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/1.0/version.toml", "superseded", "current");
    assert_error(dir.path(), "standard/2.0/version.toml", "is current, and so is");
}

#[test]
fn all_errors_are_reported_in_one_run() {
    let dir = fixture("mini");
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "level: obligation\ntimeframe: immediately",
        "level: mandatory\ntimeframe: immediately",
    );
    edit(dir.path(), "standard/1.0/introduction.md", "[[1.1.1]]", "[[7.1.1]]");
    edit(dir.path(), "standard/2.0/version.toml", "previous = \"1.0\"", "previous = \"0.9\"");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1);
    for needle in ["mandatory", "[[7.1.1]]", "0.9"] {
        assert!(stderr.contains(needle), "missing {needle}:\n{stderr}");
    }
    assert!(stderr.contains("3 error(s)"), "{stderr}");
}

#[test]
fn json_format_lists_diagnostics() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/1.0/introduction.md", "[[1.1.1]]", "[[7.1.1]]");
    let out = common::craftpub(&["check", "--root", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["file"], "standard/1.0/introduction.md");
    assert_eq!(d["line"], 6);
    assert_eq!(d["severity"], "error");
}

#[test]
fn usage_errors_exit_2() {
    let out = common::craftpub(&["check", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = common::craftpub(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn editor_files_in_source_folders_are_ignored() {
    let dir = fixture("mini");
    for name in [".#module-1.md", "#module-1.md#", "module-1.md~", ".module-1.md.swp"] {
        fs::write(dir.path().join("standard/2.0").join(name), "half-saved").unwrap();
    }
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

// The record's faults (issue 20): each check below passed, or misled, before.

/// The first error line of a failed check (diagnostics are sorted by file and line).
fn first_error(stderr: &str) -> &str {
    stderr.lines().find(|l| l.starts_with("error:")).unwrap_or("")
}

#[test]
fn a_version_dated_before_its_previous_one() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/version.toml", "date = \"2020-10-01\"", "date = \"2017-01-15\"");
    let out =
        assert_error(dir.path(), "standard/2.0/version.toml:2:", "dated 2017-01-15, before the version it revises");
    assert!(out.contains("1.0 of 2018-07-31"), "{out}");
}

#[test]
fn a_renumbering_of_a_requirement_that_still_exists_onto_a_taken_id() {
    let dir = fixture("mini");
    edit(
        dir.path(),
        "standard/2.0/amendments.toml",
        "renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }]",
        "renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" },\n  { from = \"1.1.1\", to = \"2.2.1\" }]",
    );
    let out = assert_error(dir.path(), "standard/2.0/amendments.toml:18:", "1.1.1 still exists in version 2.0");
    assert!(
        out.lines().any(|l| l.contains("amendments.toml:18:")
            && l.contains("renumbers 1.1.1 to 2.2.1, but line 17 (amendment \"legal-renumbering\") already renumbers 2.1.1 to 2.2.1")),
        "{out}"
    );
}

#[test]
fn a_renumbering_onto_an_id_of_both_versions() {
    let dir = fixture("mini");
    edit(
        dir.path(),
        "standard/2.0/amendments.toml",
        "removed = [\"2.1.2\"]",
        "renumbered = [{ from = \"2.1.2\", to = \"1.1.1\" }]",
    );
    let out = assert_error(dir.path(), "standard/2.0/amendments.toml:24:", "1.1.1 exists in both 1.0 and 2.0");
    assert!(!out.contains("gone from"), "no false 'gone from' message:\n{out}");
}

#[test]
fn a_moved_requirement_first_asks_for_its_renumbering() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/amendments.toml", "renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }]\n", "");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 1, "{stderr}");
    let first = first_error(&stderr);
    assert!(first.contains("an undeclared renumbering?"), "the first error is the renumbering:\n{stderr}");
    assert!(stderr.contains("renumbered = [{ from = \"2.1.1\", to = \"2.2.1\" }]"), "{stderr}");
    assert!(!stderr.contains("lists it in removed"), "no misleading 'list it in removed':\n{stderr}");
    assert!(!stderr.contains("lists it in added"), "{stderr}");
}

#[test]
fn a_metadata_change_names_the_field_and_both_values() {
    let dir = fixture("mini");
    edit(
        dir.path(),
        "standard/2.0/module-1.md",
        "title: Name a responsible person\napplies-to: producer\nlevel: obligation",
        "title: Name a responsible person\napplies-to: producer\nlevel: recommendation",
    );
    assert_error(
        dir.path(),
        "standard/2.0/module-1.md:11:",
        "changed (level \"obligation\" -> \"recommendation\") since 1.0",
    );
}

#[test]
fn a_missing_previous_version_has_the_line_of_previous() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/version.toml", "previous = \"1.0\"", "previous = \"2.01\"");
    let out = assert_error(dir.path(), "standard/2.0/version.toml:4:", "previous version \"2.01\" does not exist");
    assert!(out.contains("existing version folder (1.0)"), "{out}");
}

#[test]
fn no_current_version_names_the_files_and_lines() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/version.toml", "status = \"current\"", "status = \"superseded\"");
    let out = assert_error(dir.path(), "standard/2.0/version.toml:3:", "no version has status = \"current\"");
    assert!(out.contains("1.0 is superseded (standard/1.0/version.toml:3)"), "{out}");
    assert!(out.contains("2.0 is superseded (standard/2.0/version.toml:3)"), "{out}");
}

#[test]
fn two_folders_claiming_one_version_are_both_named() {
    let dir = fixture("mini");
    // Mid-copy: standard/2.1 is a copy of 2.0 whose id is not changed yet.
    common::copy_tree(&dir.path().join("standard/2.0"), &dir.path().join("standard/2.1"));
    let out = assert_error(dir.path(), "standard/2.1/version.toml:1:", "version 2.0 is claimed by 2 folders: ");
    assert!(out.contains("standard/2.0 and standard/2.1"), "{out}");
    assert!(!out.contains("is current, and so is version 2.0\n"), "{out}");
    assert!(
        out.contains("(standard/2.1) is current, and so is version 2.0 (standard/2.0)")
            || out.contains("(standard/2.0) is current, and so is version 2.0 (standard/2.1)"),
        "{out}"
    );
}

#[test]
fn paths_in_messages_are_relative_to_the_project_from_any_root() {
    let dir = fixture("mini");
    edit(dir.path(), "standard/2.0/amendments.toml", "added = [\"1.1.3\"]", "");
    // From inside the project (`--root .`), as from outside it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_craftpub"))
        .args(["check", "--root", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("add it to an entry of standard/2.0/amendments.toml"), "{stderr}");
    assert!(!stderr.contains("./standard"), "{stderr}");
    // As `craftpub serve` checks (from the canonical root): the same text.
    let root = dir.path().canonicalize().unwrap();
    let (_, _, diags) = craftpub::check(&root);
    let shown: Vec<String> = diags.sorted().iter().map(|d| format!("{d}")).collect();
    let abs = root.to_string_lossy().into_owned();
    assert!(shown.iter().all(|d| !d.contains(&abs)), "{shown:#?}");
    assert!(shown.iter().any(|d| d.contains("add it to an entry of standard/2.0/amendments.toml")), "{shown:#?}");
}
