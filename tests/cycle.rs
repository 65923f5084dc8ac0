//! The maintainers' cycle: `craftpub version new`, edits, `craftpub amend`,
//! rationales, `craftpub version release`, and what the site and its feed
//! say about a draft and a release; the rule for several drafts; the
//! effect of metadata changes; public consultation links.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{browser_test, build, check, craftpub, edit, fixture};
use serde_json::Value;

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--root", root.to_str().unwrap()]);
    let out = craftpub(&all);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn read(root: &Path, file: &str) -> String {
    fs::read_to_string(root.join(file)).unwrap()
}

/// A person's entry, written by hand before `amend` runs, with its own layout.
const PERSONS_ENTRY: &str = "
# Written by hand: keep this comment.
[[amendment]]
id   = \"responsible-person\"
title = 'The responsible person is named in writing'
rationale = \"\"\"
Buyers asked *who* answers for the report.
\"\"\"
modified = [ \"1.1.1\" ]   # the reworded one
";

/// Mini's 2.0 opened as draft 3.0, then one edit of each kind: 1.1.1
/// reworded, 1.1.2's level changed, 1.1.3 removed, 1.2.2 added, and 2.2.1
/// moved to a new section 2.3 as 2.3.1 (its cross-reference in 1.2.1 follows).
fn draft_with_every_kind_of_edit() -> tempfile::TempDir {
    let dir = fixture("mini");
    let root = dir.path();
    let (code, _, err) = run(root, &["version", "new", "3.0", "--date", "2025-11-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("translations need no copy"), "{err}");
    assert!(err.contains("drafts form one line"), "version new states the rule for drafts: {err}");
    let (code, err) = check(root);
    assert_eq!(code, 0, "a fresh draft checks: {err}");
    let m1 = "standard/3.0/module-1.md";
    edit(root, m1, "names one person who answers", "names in writing one person who answers");
    edit(
        root,
        m1,
        "applies-to: producer, buyer\nlevel: obligation",
        "applies-to: producer, buyer\nlevel: recommendation",
    );
    let text = read(root, m1);
    let start = text.find("::: requirement 1.1.3").unwrap();
    let end = start + text[start..].find(":::\n\n").unwrap() + 5;
    fs::write(root.join(m1), format!("{}{}", &text[..start], &text[end..])).unwrap();
    edit(root, m1, "See [[2.2.1]].", "See [[2.3.1]].");
    fs::write(
        root.join(m1),
        read(root, m1)
            + "\n::: requirement 1.2.2\ntitle: Answer every complaint\napplies-to: producer\nlevel: obligation\ntimeframe: 24-months\n\nThe producer answers every complaint within a month.\n:::\n",
    )
    .unwrap();
    edit(
        root,
        "standard/3.0/module-2.md",
        "## 2.2 Legal status\n\n::: requirement 2.2.1",
        "## 2.3 Legal status\n\n::: requirement 2.3.1",
    );
    let amendments = read(root, "standard/3.0/amendments.toml");
    assert!(amendments.starts_with("# What changed from version 2.0 to version 3.0"), "{amendments}");
    fs::write(root.join("standard/3.0/amendments.toml"), amendments + PERSONS_ENTRY).unwrap();
    dir
}

#[test]
fn new_edit_amend_fill_in_release_and_latest_moves() {
    let dir = draft_with_every_kind_of_edit();
    let root = dir.path();
    let before_amend = read(root, "standard/3.0/amendments.toml");
    let (code, err) = check(root);
    assert_eq!(code, 1, "undeclared changes fail the check");
    assert!(err.contains("1.2.2 is new in 3.0"), "{err}");

    let (code, out, err) = run(root, &["amend", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let entries = report["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "one entry per module: {out}");
    let after = read(root, "standard/3.0/amendments.toml");
    assert!(after.starts_with(&before_amend), "the person's entries are kept byte for byte:\n{after}");
    let parsed: toml::Table = toml::from_str(&after).unwrap();
    let list = parsed["amendment"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["id"].as_str(), Some("responsible-person"));
    let m1 = &list[1];
    assert_eq!(m1["id"].as_str(), Some("module-1"));
    assert_eq!(m1["rationale"].as_str(), Some(""));
    let ids = |v: &toml::Value, key: &str| -> Vec<String> {
        v.get(key)
            .and_then(|x| x.as_array())
            .map_or(Vec::new(), |a| a.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
    };
    assert_eq!(ids(m1, "added"), ["1.2.2"]);
    assert_eq!(ids(m1, "removed"), ["1.1.3"]);
    assert_eq!(ids(m1, "modified"), ["1.1.2", "1.2.1"], "1.1.1 is declared by the person's entry already");
    let m2 = &list[2];
    assert_eq!(m2["id"].as_str(), Some("module-2"));
    let r = &m2["renumbered"].as_array().unwrap()[0];
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2.2.1"), Some("2.3.1")),
        "the move is proposed as a renumbering"
    );
    assert!(after.contains("#   modified 1.1.2: level obligation -> recommendation (looser)"), "{after}");

    // Check fails, naming each entry whose rationale is empty.
    let (code, err) = check(root);
    assert_eq!(code, 1);
    assert!(err.contains("amendment \"module-1\"") && err.contains("amendment \"module-2\""), "{err}");
    assert_eq!(err.matches("has no rationale").count(), 2, "{err}");

    // A release is refused while check has errors, and changes nothing.
    let versions = (read(root, "standard/2.0/version.toml"), read(root, "standard/3.0/version.toml"));
    let (code, _, err) = run(root, &["version", "release", "3.0", "--date", "2026-02-01"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("has no rationale"), "{err}");
    assert_eq!((read(root, "standard/2.0/version.toml"), read(root, "standard/3.0/version.toml")), versions);

    // amend twice adds nothing.
    let (code, out, err) = run(root, &["amend", "3.0"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("nothing to add"), "{err}");
    assert_eq!(read(root, "standard/3.0/amendments.toml"), after);

    // Rationales written: check passes.
    fs::write(
        root.join("standard/3.0/amendments.toml"),
        after.replace("rationale = \"\"\n", "rationale = \"Because.\"\n"),
    )
    .unwrap();
    let (code, err) = check(root);
    assert_eq!(code, 0, "{err}");

    // Release: exactly these edits to the two version.toml files.
    let (code, out, err) = run(root, &["version", "release", "3.0", "--date", "2026-02-01", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["latest"], serde_json::json!(["2.0", "3.0"]));
    assert_eq!(report["feed_entry"]["date"], "2026-02-01");
    assert_eq!(
        read(root, "standard/2.0/version.toml"),
        versions.0.replace("status = \"current\"", "status = \"superseded\"")
    );
    assert_eq!(
        read(root, "standard/3.0/version.toml"),
        versions
            .1
            .replace("date = \"2025-11-01\"\n", "date = \"2026-02-01\"\ndraft_date = \"2025-11-01\"\n")
            .replace("status = \"draft\"", "status = \"current\"")
    );
    let (code, err) = check(root);
    assert_eq!(code, 0, "{err}");

    // The released site: /latest/ is 3.0; the feed has the draft's entry and the release's.
    let (code, err) = build(root, None);
    assert_eq!(code, 0, "{err}");
    let latest = read(root, "public/en/latest/index.html");
    assert!(latest.contains("url=../../en/3.0/index.html"), "{latest}");
    let feed = read(root, "public/en/feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entries: Vec<(String, String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            let text =
                |tag: &str| e.children().find(|c| c.has_tag_name(tag)).and_then(|c| c.text()).unwrap_or("").to_owned();
            (text("title"), text("updated"), text("summary"))
        })
        .collect();
    let release = entries.iter().find(|e| e.0 == "Mini Code 3.0").unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(release.1, "2026-02-01T00:00:00Z");
    assert!(release.2.starts_with("Released 2026-02-01 · current"), "{release:?}");
    let draft = entries.iter().find(|e| e.0 == "Mini Code 3.0 (draft)").unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(draft.1, "2025-11-01T00:00:00Z");
    assert!(draft.2.starts_with("Draft opened for comment 2025-11-01 · draft"), "{draft:?}");
    let ids: std::collections::BTreeSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("id")).and_then(|c| c.text()))
        .collect();
    assert_eq!(ids.len(), entries.len(), "every entry has its own id");
}

#[test]
fn a_draft_is_never_called_released() {
    let dir = draft_with_every_kind_of_edit();
    let root = dir.path();
    let (code, _, err) = run(root, &["amend"]);
    assert_eq!(code, 0, "{err}");
    let text = read(root, "standard/3.0/amendments.toml").replace("rationale = \"\"\n", "rationale = \"Because.\"\n");
    fs::write(root.join("standard/3.0/amendments.toml"), text).unwrap();
    let (code, err) = build(root, None);
    assert_eq!(code, 0, "{err}");
    let feed = read(root, "public/en/feed.xml");
    let draft_entry = feed.split("<entry>").find(|e| e.contains("<title>Mini Code 3.0")).unwrap();
    assert!(!draft_entry.contains("Released"), "{draft_entry}");
    assert!(draft_entry.contains("Draft opened for comment 2025-11-01"), "{draft_entry}");
    assert!(!feed.contains("<title>Mini Code 3.0</title>"), "no release entry before the release");
    let front = read(root, "public/index.html");
    let line = front.lines().find(|l| l.contains("en/3.0/")).unwrap();
    assert!(line.contains("Draft opened for comment 2025-11-01") && !line.contains("Released"), "{line}");
    let home = read(root, "public/en/3.0/index.html");
    assert!(
        home.contains("Draft opened for comment 2025-11-01") && !home.contains("Released 2025"),
        "the draft's home"
    );
    assert!(read(root, "public/en/2.0/index.html").contains("Released 2020-10-01"));
}

#[test]
fn two_drafts_follow_the_rule() {
    let dir = fixture("mini");
    let root = dir.path();
    assert_eq!(run(root, &["version", "new", "3.0", "--date", "2025-11-01"]).0, 0);
    // A second draft of the current version is refused, saying why and what to do.
    let (code, _, err) = run(root, &["version", "new", "3.1", "--date", "2025-11-02"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("3.0 already revises 2.0") && err.contains("--from 3.0"), "{err}");
    assert!(!root.join("standard/3.1").exists());
    // An ID that exists, or sorts before a version there, is refused.
    let (code, _, err) = run(root, &["version", "new", "3.0", "--from", "3.0"]);
    assert_eq!(code, 2);
    assert!(err.contains("exists already"), "{err}");
    let (code, _, err) = run(root, &["version", "new", "2.5", "--from", "3.0"]);
    assert_eq!(code, 2);
    assert!(err.contains("does not sort after version 3.0"), "{err}");
    // A draft after the draft is fine.
    let (code, _, err) = run(root, &["version", "new", "3.1", "--from", "3.0", "--date", "2025-11-02"]);
    assert_eq!(code, 0, "{err}");
    assert!(read(root, "standard/3.1/version.toml").contains("previous = \"3.0\""));
    let (code, err) = check(root);
    assert_eq!(code, 0, "{err}");
    // Drafts are released in order.
    let (code, _, err) = run(root, &["version", "release", "3.1", "--date", "2026-01-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("revises 3.0, not the current version 2.0"), "{err}");
    // Two drafts revising the same version: check says what the rule is.
    edit(root, "standard/3.1/version.toml", "previous = \"3.0\"", "previous = \"2.0\"");
    let (code, err) = check(root);
    assert_eq!(code, 1);
    assert!(err.contains("standard/3.1/version.toml:6: drafts 3.0 and 3.1 both revise 2.0"), "{err}");
    assert!(err.contains("drafts form one line") && err.contains("set previous = \"3.0\""), "{err}");
    // A released version revising a draft is refused too.
    edit(root, "standard/3.1/version.toml", "previous = \"2.0\"", "previous = \"3.0\"");
    edit(root, "standard/3.1/version.toml", "status = \"draft\"", "status = \"superseded\"");
    let (code, err) = check(root);
    assert_eq!(code, 1);
    assert!(err.contains("version 3.1 is released but revises draft 3.0"), "{err}");
}

#[test]
fn cycle_commands_have_help_and_name_the_file_and_fix() {
    for args in [&["version", "new", "--help"][..], &["version", "release", "--help"], &["amend", "--help"]] {
        let out = craftpub(args);
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("--format") && help.contains("--root"), "{help}");
    }
    let dir = fixture("mini");
    let root = dir.path();
    let (code, out, _) = run(root, &["amend", "--format", "json"]);
    assert_eq!(code, 2);
    let json: Value = serde_json::from_str(&out).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["message"], "there is no draft to amend");
    assert!(d["fix"].as_str().unwrap().contains("craftpub version new"));
    let (code, _, err) = run(root, &["version", "release", "2.0"]);
    assert_eq!(code, 2);
    assert!(err.contains("standard/2.0/version.toml:3: version 2.0 is current, not a draft"), "{err}");
    assert!(err.contains("fix: "), "{err}");
}

#[test]
fn metadata_effects_in_the_diff_json_text_and_schema() {
    let dir = fixture("mini");
    let root = dir.path();
    assert_eq!(run(root, &["version", "new", "3.0", "--date", "2025-11-01"]).0, 0);
    let m1 = "standard/3.0/module-1.md";
    // 1.1.1: a shorter timeframe and more roles (stricter); 1.1.2: recommendation (looser);
    // 1.1.3: a longer timeframe and one commodity where there was none (looser), an OECD risk (neutral).
    edit(
        root,
        m1,
        "applies-to: producer\nlevel: obligation\ntimeframe: immediately\n\nThe producer names",
        "applies-to: producer, buyer\nlevel: obligation\ntimeframe: immediately\n\nThe producer names",
    );
    edit(
        root,
        m1,
        "level: obligation\ntimeframe: 12-months\n\nThe producer keeps",
        "level: recommendation\ntimeframe: 12-months\n\nThe producer keeps",
    );
    edit(
        root,
        m1,
        "timeframe: 12-months\n\nThe producer has a structure",
        "timeframe: 24-months\ncommodities: gold\noecd: serious-abuses\n\nThe producer has a structure",
    );
    let amendments = "\n[[amendment]]\nid = \"m\"\ntitle = \"Metadata\"\nrationale = \"Why.\"\nmodified = [\"1.1.1\", \"1.1.2\", \"1.1.3\"]\n";
    fs::write(root.join("standard/3.0/amendments.toml"), read(root, "standard/3.0/amendments.toml") + amendments)
        .unwrap();
    let out = craftpub(&["diff", "2.0", "3.0", "--root", root.to_str().unwrap(), "--format", "json"]);
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let change = |id: &str| d["changes"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    let c = change("1.1.1");
    assert_eq!(c["effect"], "stricter");
    assert_eq!(c["metadata_changed"][0], "applies-to");
    assert_eq!(c["effects"]["applies-to"], "stricter");
    let c = change("1.1.2");
    assert_eq!((c["effect"].as_str(), c["effects"]["level"].as_str()), (Some("looser"), Some("looser")));
    let c = change("1.1.3");
    let effects: Vec<(&str, &str)> = c["metadata_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f.as_str().unwrap(), c["effects"][f.as_str().unwrap()].as_str().unwrap()))
        .collect();
    assert_eq!(effects, [("timeframe", "looser"), ("oecd", "neutral"), ("commodities", "looser")]);
    assert_eq!(c["effect"], "looser");

    let out = craftpub(&["diff", "2.0", "3.0", "--root", root.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("metadata made 2 looser, 1 stricter"), "{text}");
    assert!(
        text.contains("MODIFIED 1.1.2: Keep a register of members [looser]")
            && text.contains("level: [-obligation-]{+recommendation+} (looser)"),
        "{text}"
    );

    // The page shows the effects and counts them; the schema names them.
    let (code, err) = build(root, None);
    assert_eq!(code, 0, "{err}");
    let page = read(root, "public/en/diff/2.0-3.0.html");
    assert!(page.contains("<li class=\"effect-stricter\"><span class=\"count\">1</span> Stricter</li>"), "{page}");
    assert!(page.contains("<li class=\"effect-looser\"><span class=\"count\">2</span> Looser</li>"));
    let schema = read(root, "public/api/schema/diff.schema.json");
    for e in ["stricter", "looser", "mixed", "neutral"] {
        assert!(schema.contains(&format!("\"{e}\"")), "the diff schema names {e}");
    }
    let history = fs::read_dir(root.join("public/en/history")).unwrap().count();
    assert!(history > 0);
    let h = read(root, "public/en/history/1.1.2.html");
    assert!(h.contains("effect effect-looser"), "the history page shows the effect");
}

/// Builds with the clock set to `day` (SOURCE_DATE_EPOCH).
fn build_on(root: &Path, day: &str) -> (i32, String) {
    let secs = {
        let (y, m, d): (i64, i64, i64) =
            (day[..4].parse().unwrap(), day[5..7].parse().unwrap(), day[8..].parse().unwrap());
        // Days from civil (inverse of cycle::civil_date), for the test only.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    };
    let out = Command::new(env!("CARGO_BIN_EXE_craftpub"))
        .args(["build", "--root", root.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", secs.to_string())
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

const CONSULTATION: &str = "\n[consultation]\ncloses = \"2026-01-31\"\ncomments = \"https://forms.example.org/comment?req={id}&v={version}&subject={title}&x=%22%3E%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E\\\"><img src=x onerror=window.pwned=1>\"\n";

#[test]
fn consultation_links_in_the_browser() {
    let dir = fixture("mini");
    let root = dir.path();
    assert_eq!(run(root, &["version", "new", "3.0", "--date", "2025-11-01"]).0, 0);
    // A title made to break out of the link.
    edit(
        root,
        "standard/3.0/module-1.md",
        "title: Name a responsible person",
        "title: Name a \"responsible\" person <img src=x onerror=pwned=1> & co",
    );
    let amendments = "\n[[amendment]]\nid = \"t\"\ntitle = \"Title\"\nrationale = \"Why.\"\nmodified = [\"1.1.1\"]\n";
    fs::write(root.join("standard/3.0/amendments.toml"), read(root, "standard/3.0/amendments.toml") + amendments)
        .unwrap();
    fs::write(root.join("standard/3.0/version.toml"), read(root, "standard/3.0/version.toml") + CONSULTATION).unwrap();
    let (code, err) = build_on(root, "2026-01-31");
    assert_eq!(code, 0, "{err}");
    let open = root.join("public");
    let closed_dir = tempfile::tempdir().unwrap();
    let (code, err) = build_on(root, "2026-02-01");
    assert_eq!(code, 0, "{err}");
    common::copy_tree(&root.join("public"), closed_dir.path());
    let (code, err) = build_on(root, "2026-01-31");
    assert_eq!(code, 0, "{err}");
    browser_test("consultation.mjs", &[&open, closed_dir.path()]);
    browser_test(
        "a11y.mjs",
        &[&open, Path::new("en/3.0/module-1.html"), Path::new("en/3.0/index.html"), Path::new("en/diff/2.0-3.0.html")],
    );
}

#[test]
fn unsafe_comment_templates_are_refused() {
    let dir = fixture("mini");
    let root = dir.path();
    assert_eq!(run(root, &["version", "new", "3.0", "--date", "2025-11-01"]).0, 0);
    let base = read(root, "standard/3.0/version.toml");
    for (template, message) in [
        ("javascript:alert(1)//{id}", "is not a safe link"),
        (" JaVa\\tScript:alert(1)//{id}", "is not a safe link"),
        ("data:text/html,<script>{id}</script>", "is not a safe link"),
        ("https://x.org/{id}/{author}", "unknown placeholder \"{author}\""),
        ("https://x.org/{title}", "has no {id} placeholder"),
    ] {
        let toml = format!("{base}\n[consultation]\ncloses = \"2026-01-31\"\ncomments = \"{template}\"\n");
        fs::write(root.join("standard/3.0/version.toml"), toml).unwrap();
        let (code, err) = check(root);
        assert_eq!(code, 1, "{template}: {err}");
        let line = base.lines().count() + 4;
        assert!(err.contains(&format!("standard/3.0/version.toml:{line}: consultation comments")), "{template}: {err}");
        assert!(err.contains(message) && err.contains("fix: "), "{template}: {err}");
    }
}
