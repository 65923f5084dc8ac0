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
