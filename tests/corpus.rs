//! The benchmark corpus generator (`examples/gen_corpus`) at a tiny size:
//! what it writes passes `craftpub check`, mixes current, outdated and
//! missing translations, and is the same for the same seed.

mod common;

#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use std::path::Path;

use craftpub::localize::{Localizer, TranslationStatus};
use craftpub::model::Project;

const TINY: corpus::Size = corpus::Size { versions: 4, languages: 4, modules: 2, requirements: 8 };

fn generate(dir: &Path, size: corpus::Size, seed: u64) -> corpus::Stats {
    corpus::generate(dir, size, seed, &common::repo().join("theme")).unwrap()
}

fn statuses(project: &Project) -> [usize; 3] {
    let mut counts = [0; 3];
    for t in &project.translations {
        let localizer = Localizer::new(project, &t.language.code);
        for v in &project.versions {
            for r in localizer.requirements(v) {
                counts[match r.status {
                    TranslationStatus::Current => 0,
                    TranslationStatus::Outdated => 1,
                    TranslationStatus::Missing => 2,
                }] += 1;
            }
        }
    }
    counts
}

#[test]
fn the_generated_corpus_passes_check() {
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let stats = generate(dir.path(), TINY, seed);
        assert!(stats.english_requirements >= 4 * 2 * 7, "{stats:?}");
        assert!(stats.translated_requirements > 0, "{stats:?}");
        let (code, stderr) = common::check(dir.path());
        assert_eq!(code, 0, "seed {seed}: {stderr}");
        assert!(!stderr.contains("error:"), "seed {seed}: {stderr}");

        let (project, _, diags) = craftpub::check(dir.path());
        assert!(!diags.has_errors());
        assert_eq!(project.versions.len(), 4);
        assert_eq!(project.languages().len(), 4);
        // Versions differ: something was declared in each amendment history.
        for v in &project.versions[1..] {
            assert!(v.amendments_file.is_some(), "{}", v.id);
        }
    }
}

#[test]
fn translations_are_current_outdated_and_missing() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), corpus::Size { versions: 6, languages: 5, modules: 3, requirements: 12 }, 7);
    let (project, _, diags) = craftpub::check(dir.path());
    assert!(!diags.has_errors());
    let amended: usize = project.versions.iter().map(|v| v.amendments.len()).sum();
    assert!(amended >= 5, "changes between versions are declared: {amended} entries");
    let renumbered = project.versions.iter().flat_map(|v| &v.amendments).any(|a| !a.renumbered.is_empty());
    assert!(renumbered, "some requirements are renumbered");
    let [current, outdated, missing] = statuses(&project);
    assert!(current > 0 && outdated > 0 && missing > 0, "current {current}, outdated {outdated}, missing {missing}");
}

#[test]
fn the_same_seed_gives_the_same_corpus_and_the_hugo_site_is_written() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path(), TINY, 5);
    generate(b.path(), TINY, 5);
    let sources = |d: &Path| {
        let mut t = common::tree(&d.join("standard"));
        t.extend(common::tree(&d.join("translations")));
        t
    };
    assert_eq!(sources(a.path()), sources(b.path()));
    let c = tempfile::tempdir().unwrap();
    generate(c.path(), TINY, 6);
    assert_ne!(sources(a.path()), sources(c.path()));

    let hugo = a.path().join("hugo");
    let stats = corpus::write_hugo(a.path(), &hugo).unwrap();
    assert_eq!(stats.pages, 4 * 4 * (2 + 2), "a page per language, version and chapter");
    assert!(hugo.join("content/en/1.0/module-1.md").is_file());
    assert!(hugo.join("config.toml").is_file());
}
