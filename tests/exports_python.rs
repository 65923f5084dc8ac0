//! The exports as a developer outside this repository uses them, in
//! Python: the shipped site is built into a folder `craft/` and served by
//! Python's `http.server` under `/craft/`, and also read from `file://`.
//! From each address, `tests/python/crawl.py` crawls from `api/index.json`
//! joining every reference to the address of the file that holds it
//! (including links inside `html` fields, CSV `url`s and feed links) and
//! validates every JSON export with Python `jsonschema`: 0 broken
//! references, 0 invalid files. The six programs of `examples/python/` run
//! against both addresses. `tests/python/models.py` generates Pydantic
//! models from the schemas with `datamodel-code-generator` and loads every
//! export and a 2.2 edition with a new commodity. Finally a page is
//! deleted, and the crawl must report it: the crawl can fail.
//!
//! Needs python3 with jsonschema, rdflib and datamodel-code-generator
//! (`.ci/run` installs them).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{build, repo, shipped};

/// A child process killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Serves `dir` over http with Python's `http.server`; returns it and its port.
fn serve(dir: &Path) -> (Server, u16) {
    let mut child = Command::new("python3")
        .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
    let port = line
        .split_whitespace()
        .skip_while(|w| *w != "port")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (Server(child), port)
}

/// Runs a Python script with `args`; returns (success, stdout, stderr).
fn python(script: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .current_dir(script.parent().unwrap())
        .output()
        .expect("python3 runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn crawl(index: &str) -> (bool, serde_json::Value, String) {
    let (ok, stdout, stderr) = python(&repo().join("tests/python/crawl.py"), &[index]);
    let counts = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (ok, counts, stderr)
}

#[test]
fn python_programs_read_the_site_under_a_path_and_from_disk() {
    let dir = shipped();
    let served = dir.path().join("served");
    let site = served.join("craft");
    let (code, stderr) = build(dir.path(), Some(&site));
    assert_eq!(code, 0, "{stderr}");
    let (_server, port) = serve(&served);
    let http = format!("http://127.0.0.1:{port}/craft/api/index.json");
    let file = format!("file://{}/api/index.json", site.display());

    for index in [&http, &file] {
        let (ok, counts, stderr) = crawl(index);
        println!("crawl {index}: {counts}");
        assert!(ok, "{index}: broken references or invalid exports:\n{stderr}");
        assert_eq!(counts["broken"], 0);
        assert!(counts["references"].as_u64().unwrap() > 5000, "{counts}");
        assert!(counts["html_links"].as_u64().unwrap() > 100, "links inside html fields are crawled: {counts}");
        assert!(counts["csv_urls"].as_u64().unwrap() > 100, "{counts}");

        let examples = repo().join("examples/python");
        let state = dir.path().join(format!("watch-{}.json", index.len()));
        let state = state.to_str().unwrap();
        let out = dir.path().join("sheets");
        std::fs::create_dir_all(&out).unwrap();
        for (program, args, expect) in [
            ("buyers_requirements.py", vec![], "requirements for buyers"),
            ("changes_for_buyers.py", vec!["2.0", "2.1"], "Changes for buyers from 2.0 to 2.1"),
            ("requirement_history.py", vec![], "(renumbered)"),
            ("self_assessment.py", vec!["2.0", "2.1", out.to_str().unwrap()], "carried to 2.1"),
            ("criteria_sparql.py", vec![], "obligations for buyers"),
            ("watch_versions.py", vec![state], "new version 2.1"),
            ("watch_versions.py", vec![state], "nothing changed"),
        ] {
            let mut all = vec![index.as_str()];
            all.extend(args);
            let (ok, stdout, stderr) = python(&examples.join(program), &all);
            assert!(ok && stdout.contains(expect), "{program} {index}:\n{stdout}\n{stderr}");
            println!("{program} {index}: {}", stdout.lines().next().unwrap_or_default());
        }
        // Both routes give the Spanish labels.
        let (_, stdout, _) = python(&examples.join("buyers_requirements.py"), &[index]);
        assert!(stdout.contains("Obligación"), "{stdout}");
    }

    let (ok, stdout, stderr) = python(
        &repo().join("tests/python/models.py"),
        &[site.to_str().unwrap(), dir.path().join("models").to_str().unwrap()],
    );
    assert!(ok, "generated models fail:\n{stdout}\n{stderr}");
    println!("models: {stdout}");
    let counts: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(counts["loaded"].as_u64().unwrap() > 300, "{counts}");

    // The crawl has teeth: a missing page is a broken reference.
    std::fs::remove_file(site.join("en/2.1/craft-ua.html")).unwrap();
    let (ok, counts, stderr) = crawl(&file);
    assert!(!ok && counts["broken"].as_u64().unwrap() > 0, "{counts}");
    assert!(stderr.contains("en/2.1/craft-ua.html"), "{stderr}");
}
