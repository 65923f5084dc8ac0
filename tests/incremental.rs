//! `craftpub serve`'s incremental rebuilds: after any edit, a rebuild that
//! reuses cached parts (editions' pages, exports and downloads, diffs, histories) gives the same bytes as a build from
//! nothing, and it renders again only what the edit affects.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{edit, shipped};
use craftpub::files::SiteFiles;
use craftpub::site::cache::RenderCache;

/// A build from nothing (no cache).
fn fresh(root: &Path) -> Arc<SiteFiles> {
    craftpub::build_in_memory(root, None).expect("builds").0
}

/// A rebuild with `cache`: the site and (reused, rendered) parts.
fn cached(root: &Path, cache: &mut RenderCache) -> (Arc<SiteFiles>, (usize, usize)) {
    let site = craftpub::build_in_memory(root, Some(cache)).expect("builds").0;
    (site, cache.last_build())
}

/// The paths whose bytes differ, for a readable failure.
fn differing(a: &SiteFiles, b: &SiteFiles) -> Vec<String> {
    let mut out: Vec<String> = a.keys().chain(b.keys()).filter(|p| a.get(*p) != b.get(*p)).cloned().collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_kind_of_edit_rebuilds_to_the_bytes_of_a_full_build() {
    let project = shipped();
    let root = project.path();
    let mut cache = RenderCache::new();

    let (first, (reused, rendered)) = cached(root, &mut cache);
    assert_eq!(reused, 0, "a first build has nothing to reuse");
    assert!(rendered > 20, "the shipped site has editions and diffs in several languages ({rendered})");
    assert!(differing(&first, &fresh(root)).is_empty());

    // (file, from, to, what must be reused at least, what must be rendered at most)
    let edits: [(&str, &str, &str, &str); 8] = [
        (
            "standard/2.1/module-1.md",
            "## 1.1 Description of the producer",
            "## 1.1 Description of the mine",
            "English, latest version",
        ),
        ("translations/es/2.1/module-1.md", "Este módulo establece", "Este módulo fija", "a translation"),
        ("standard/1.0/version.toml", "date = ", "date = ", "nothing (a no-op save)"),
        ("theme/templates/base.html", "<title>", "<title data-x=\"1\">", "the theme"),
        ("translations/fr/strings.toml", "[ui]", "[ui]\n", "interface strings"),
        (
            "standard/2.1/amendments.toml",
            "Wording aligned with the OECD",
            "Wording brought in line with the OECD",
            "an amendment",
        ),
        (
            "translations/es/language.toml",
            "native_name = \"Español\"",
            "native_name = \"Castellano\"",
            "a language's name",
        ),
        (
            "standard/2.1/module-1.md",
            "## 1.1 Description of the mine",
            "## 1.1 Description of the producer",
            "English, back",
        ),
    ];
    let mut previous = first;
    for (file, from, to, what) in edits {
        edit(root, file, from, to);
        let (site, (reused, rendered)) = cached(root, &mut cache);
        let full = fresh(root);
        let wrong = differing(&site, &full);
        assert!(
            wrong.is_empty(),
            "after an edit of {what} ({file}), the rebuild differs from a full build in {wrong:?}"
        );
        println!(
            "{what}: {rendered} parts rendered, {reused} reused; {} files changed",
            differing(&previous, &site).len()
        );
        match what {
            "English, latest version" | "English, back" => {
                // The older editions, in every language, and the diffs between them are reused.
                assert!(reused >= 10, "{what}: older editions are reused ({reused})");
            }
            "a translation" => {
                // Only Spanish changes: every other language's parts are reused.
                assert!(reused > rendered, "{what}: reused {reused}, rendered {rendered}");
            }
            "nothing (a no-op save)" => assert_eq!(rendered, 0, "{what}: nothing to render again"),
            "the theme" | "a language's name" => assert_eq!(reused, 0, "{what}: every page depends on it"),
            _ => {}
        }
        previous = site;
    }
}

#[test]
fn a_failed_build_keeps_the_cache_of_the_last_good_one() {
    let project = shipped();
    let root = project.path();
    let mut cache = RenderCache::new();
    let (good, _) = cached(root, &mut cache);
    edit(root, "standard/2.1/version.toml", "status = ", "status = 1 #");
    assert!(craftpub::build_in_memory(root, Some(&mut cache)).is_err());
    edit(root, "standard/2.1/version.toml", "status = 1 #", "status = ");
    let (again, (reused, rendered)) = cached(root, &mut cache);
    assert!(differing(&good, &again).is_empty());
    assert_eq!(rendered, 0, "back to the sources of the last good build: everything is reused ({reused} parts)");
}
