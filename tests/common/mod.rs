//! Shared helpers for the integration tests: fixture projects in temporary
//! folders, and running the `craftpub` binary (see [`serve`] for
//! `craftpub serve`).
#![allow(dead_code)]

pub mod serve;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder tree, skipping node_modules.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.components().any(|c| c.as_os_str() == "node_modules") {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Links the repository's theme/node_modules (lunr, lunr-languages) into a
/// copied theme, so that builds need not run `npm ci` themselves.
pub fn link_node_modules(theme: &Path) {
    let modules = repo().join("theme/node_modules");
    #[cfg(unix)]
    if modules.is_dir() && !theme.join("node_modules").exists() {
        std::os::unix::fs::symlink(&modules, theme.join("node_modules")).unwrap();
    }
}

/// A project in a temporary folder: the fixture's sources and the repository's theme.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures").join(name), dir.path());
    copy_tree(&repo().join("theme"), &dir.path().join("theme"));
    link_node_modules(&dir.path().join("theme"));
    dir
}

/// A fixture project with other fixtures laid over it (e.g. "mini" plus "i18n").
pub fn fixture_with(name: &str, overlays: &[&str]) -> tempfile::TempDir {
    let dir = fixture(name);
    for o in overlays {
        copy_tree(&repo().join("tests/fixtures").join(o), dir.path());
    }
    dir
}

/// The shipped project (standard/, translations/, theme/) in a temporary folder.
pub fn shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["standard", "translations", "theme"] {
        if repo().join(part).exists() {
            copy_tree(&repo().join(part), &dir.path().join(part));
        }
    }
    link_node_modules(&dir.path().join("theme"));
    dir
}

/// Runs craftpub with `args`.
pub fn craftpub(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_craftpub")).args(args).output().unwrap()
}

/// Runs `craftpub check --root ROOT` and returns (exit code, stderr).
pub fn check(root: &Path) -> (i32, String) {
    let out = craftpub(&["check", "--root", root.to_str().unwrap()]);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs `craftpub build --root ROOT [--out OUT]` and returns (exit code, stderr).
pub fn build(root: &Path, out: Option<&Path>) -> (i32, String) {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    if let Some(out) = out {
        args.extend(["--out", out.to_str().unwrap()]);
    }
    let out = craftpub(&args);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Replaces `from` with `to` in a file of a project, asserting `from` is there.
pub fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Every file below `dir` with its bytes, sorted by path.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

/// Runs a headless-Chromium test script from tests/browser/ with `args`,
/// failing with its output when it fails.
pub fn browser_test(script: &str, args: &[&Path]) {
    let node_modules = repo().join("theme/node_modules/playwright-core");
    assert!(
        node_modules.exists(),
        "theme/node_modules is missing: run `npm ci` in theme/ and install Debian's chromium (bash .ci/run does both)"
    );
    let out = Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .args(args)
        .output()
        .expect("node is needed for the browser tests");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}
