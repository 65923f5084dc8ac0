//! Reuse of rendered parts between the rebuilds of `craftpub serve`, so
//! that a rebuild renders what the change affects.
//!
//! A cached part is keyed by its kind, its unit and a digest of the bytes of
//! every source it is rendered from, as its row of [`super::PARTS`] names
//! them ([`super::Sources`]). The digests of the sources ([`SourceDigests`]) are read
//! from disk *before* the project is loaded: if a file changes in between,
//! the key is that of the older bytes, so the next rebuild (which the change
//! triggers) misses and renders again; a stale part is never reused.
//!
//! What a part depends on:
//!
//! - every part: the theme (templates, strings, assets), `standard.toml`,
//!   every `version.toml` (dates, statuses, the latest version), every
//!   `language.toml` (the language switcher), the requirement lineages
//!   (history links, renumberings) and the published diff pairs;
//! - every part of a translation: the language's folder (a translation can
//!   be reused in any version), and for each English fingerprint its
//!   translations were made from, the version and ID the localiser finds
//!   that English text in (an outdated translation links there);
//! - [`Sources::Edition`]: its version's folder and that of the version it
//!   revises (the amendment page links there);
//! - [`Sources::Span`]: the folders of a diff's two versions and of those
//!   between them (whose amendments declare its changes);
//! - [`Sources::Standard`]: all of `standard/` (a language's requirement
//!   histories and status page span every version).
//!
//! Parts whose sources are [`Sources::Always`] (feeds, redirects and the
//! site parts) are rendered on every build: they are small, or made from
//! all the rest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::{Part, Sources, Unit};
use crate::files::SiteFiles;
use crate::localize::Coverage;
use crate::model::{Language, Project, Version};

/// A SHA-256 digest.
pub type Key = [u8; 32];

/// Digests of the bytes of the sources, by the part of the site they feed.
#[derive(Debug, Clone, Default)]
pub struct SourceDigests {
    /// The theme (without `node_modules`), `standard/standard.toml`, every
    /// `standard/*/version.toml` and `translations/*/language.toml`.
    shared: Key,
    /// Each folder of `standard/`, by its path.
    versions: BTreeMap<PathBuf, Key>,
    /// All of `standard/`.
    standard: Key,
    /// Each folder of `translations/`, by its path.
    languages: BTreeMap<PathBuf, Key>,
}

impl SourceDigests {
    /// Reads every source file below `root` that a site is built from.
    /// Unreadable files count as empty: the build that follows reports them.
    pub fn read(root: &Path) -> SourceDigests {
        let mut shared = Sha256::new();
        let theme = root.join("theme");
        for file in sorted_files(&theme, &|p| p.starts_with(theme.join("node_modules"))) {
            add_file(&mut shared, &file);
        }
        let standard_dir = root.join("standard");
        add_file(&mut shared, &standard_dir.join("standard.toml"));
        let mut standard = Sha256::new();
        let mut versions = BTreeMap::new();
        for dir in sorted_dirs(&standard_dir) {
            add_file(&mut shared, &dir.join("version.toml"));
            let mut version = Sha256::new();
            for file in sorted_files(&dir, &|_| false) {
                add_file(&mut version, &file);
            }
            let digest: Key = version.finalize().into();
            standard.update(digest);
            versions.insert(dir, digest);
        }
        let mut languages = BTreeMap::new();
        for dir in sorted_dirs(&root.join("translations")) {
            add_file(&mut shared, &dir.join("language.toml"));
            let mut language = Sha256::new();
            for file in sorted_files(&dir, &|_| false) {
                add_file(&mut language, &file);
            }
            languages.insert(dir, language.finalize().into());
        }
        SourceDigests { shared: shared.finalize().into(), versions, standard: standard.finalize().into(), languages }
    }
}

fn add_file(hasher: &mut Sha256, path: &Path) {
    let bytes = fs::read(path).unwrap_or_default();
    let name = path.to_string_lossy();
    hasher.update((name.len() as u64).to_le_bytes());
    hasher.update(name.as_bytes());
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(&bytes);
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn sorted_files(dir: &Path, skip: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skip(e.path()))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// What a part made: its files and, for an edition's pages, its coverage.
#[derive(Debug, Default)]
pub struct Output {
    /// The part's files, as they are emitted.
    pub files: SiteFiles,
    /// The edition's translation coverage.
    pub coverage: Option<Coverage>,
}

impl Output {
    /// An output of files alone.
    pub fn files(files: SiteFiles) -> Output {
        Output { files, coverage: None }
    }
}

/// What the cache keeps of a part: the paths of its files (their bytes are
/// in the last good site) and its coverage.
#[derive(Debug)]
struct Kept {
    paths: Vec<String>,
    coverage: Option<Coverage>,
}

/// Rendered parts kept between builds (see the module docs).
/// One build at a time uses it: [`RenderCache::begin`], render, then
/// [`RenderCache::finish`]. The bytes are not copied: a reused part is taken
/// from the last good site, which the caller (`serve`) holds anyway.
#[derive(Default)]
pub struct RenderCache {
    digests: SourceDigests,
    site: Option<Arc<SiteFiles>>,
    parts: Mutex<HashMap<Key, Kept>>,
    used: Mutex<HashSet<Key>>,
    reused: AtomicUsize,
    last: (usize, usize),
}

impl RenderCache {
    /// An empty cache.
    pub fn new() -> RenderCache {
        RenderCache::default()
    }

    /// Starts a build of the sources whose digests are `digests` (read
    /// before the project was loaded).
    pub fn begin(&mut self, digests: SourceDigests) {
        self.digests = digests;
        self.used.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
        *self.reused.get_mut() = 0;
    }

    /// Ends a build. After a successful one (`site` is what it made), forgets
    /// the parts it did not use, so that the cache describes that site;
    /// after a failed one, keeps describing the last good site.
    pub fn finish(&mut self, site: Option<Arc<SiteFiles>>) {
        let used = std::mem::take(self.used.get_mut().unwrap_or_else(PoisonError::into_inner));
        let reused = *self.reused.get_mut();
        if let Some(site) = site {
            self.parts.get_mut().unwrap_or_else(PoisonError::into_inner).retain(|key, _| used.contains(key));
            self.site = Some(site);
        }
        self.last = (reused, used.len().saturating_sub(reused));
    }

    /// How many cached parts the last build reused, and how many it rendered.
    pub fn last_build(&self) -> (usize, usize) {
        self.last
    }

    /// The part at `key`: from the last good site when it was made from the
    /// same sources, else rendered by `render`.
    pub fn get_or_render<E>(&self, key: Key, render: impl FnOnce() -> Result<Output, E>) -> Result<Output, E> {
        self.used.lock().unwrap_or_else(PoisonError::into_inner).insert(key);
        if let Some(part) = self.reused_part(&key) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(part);
        }
        let part = render()?;
        let kept = Kept { paths: part.files.keys().cloned().collect(), coverage: part.coverage };
        self.parts.lock().unwrap_or_else(PoisonError::into_inner).insert(key, kept);
        Ok(part)
    }

    /// The part at `key` taken from the last good site, if all of it is there.
    fn reused_part(&self, key: &Key) -> Option<Output> {
        let site = self.site.as_ref()?;
        let parts = self.parts.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = parts.get(key)?;
        let files =
            kept.paths.iter().map(|p| Some((p.clone(), site.get(p)?.clone()))).collect::<Option<SiteFiles>>()?;
        Some(Output { files, coverage: kept.coverage })
    }

    /// The keys of one build's parts: what every part shares, digested once.
    pub fn keys(&self, project: &Project, site_facts: &[&[u8]]) -> Keys<'_> {
        let mut shared = Sha256::new();
        shared.update(self.digests.shared);
        for fact in site_facts {
            shared.update((fact.len() as u64).to_le_bytes());
            shared.update(fact);
        }
        Keys {
            digests: &self.digests,
            shared: shared.finalize().into(),
            source_language: project.standard.source_language.clone(),
        }
    }
}

/// Computes the keys of the parts of one build.
pub struct Keys<'a> {
    digests: &'a SourceDigests,
    shared: Key,
    source_language: String,
}

impl Keys<'_> {
    /// The keys of the parts of `language`.
    pub fn language(&self, project: &Project, language: &Language) -> LanguageKeys<'_> {
        let translation = project.translation(&language.code).filter(|_| language.code != self.source_language);
        let mut h = Sha256::new();
        h.update(self.shared);
        add_text(&mut h, &language.code);
        let Some(translation) = translation else {
            return LanguageKeys { keys: self, translated: false, language: h.finalize().into() };
        };
        h.update(self.digests.languages.get(&translation.dir).copied().unwrap_or_default());
        // Which English text each translation was made from (an outdated
        // translation links to it), as the localiser finds it.
        let mut sources: Vec<&str> = translation
            .versions
            .values()
            .flat_map(|chapters| chapters.values())
            .flat_map(|c| c.requirements.iter().map(|t| t.source.as_str()))
            .collect();
        sources.sort_unstable();
        sources.dedup();
        for fingerprint in sources {
            add_text(&mut h, fingerprint);
            if let Some((v, r)) = project.english_text(fingerprint) {
                add_text(&mut h, &v.id);
                add_text(&mut h, &r.id);
            }
        }
        LanguageKeys { keys: self, translated: true, language: h.finalize().into() }
    }

    fn version(&self, version: Option<&Version>) -> Key {
        version.and_then(|v| self.digests.versions.get(&v.dir)).copied().unwrap_or_default()
    }
}

/// Computes the keys of one language's parts.
pub struct LanguageKeys<'a> {
    keys: &'a Keys<'a>,
    /// Whether the language has translations (not the source language).
    translated: bool,
    /// What every part of the language depends on.
    language: Key,
}

impl LanguageKeys<'_> {
    fn key(&self, kind: &str, ids: &[&str], sources: &[Key]) -> Key {
        let mut h = Sha256::new();
        h.update(self.language);
        add_text(&mut h, kind);
        for id in ids {
            add_text(&mut h, id);
        }
        for s in sources {
            h.update(s);
        }
        h.finalize().into()
    }

    /// The key of `part` for `unit`, from the sources its row names; `None`
    /// for a part rendered on every build.
    pub fn part(&self, project: &Project, part: &Part, unit: Unit) -> Option<Key> {
        let kind = if self.translated { format!("translated {}", part.name) } else { part.name.to_owned() };
        let (ids, sources): (Vec<&str>, Vec<Key>) = match (part.sources, unit) {
            (Sources::Always, _) => return None,
            (Sources::Edition, Unit::Edition(version)) => {
                let previous = version.previous.as_deref().and_then(|p| project.version(p));
                (vec![&version.id], vec![self.keys.version(Some(version)), self.keys.version(previous)])
            }
            (Sources::Span, Unit::Diff(from, to)) => {
                match (project.version_position(from), project.version_position(to)) {
                    (Some(a), Some(b)) => (
                        vec![from, to],
                        project.versions[a.min(b)..=a.max(b)].iter().map(|v| self.keys.version(Some(v))).collect(),
                    ),
                    _ => (vec![from, to], vec![self.keys.digests.standard]),
                }
            }
            // All of standard/, for each unit its own key: an edition's part
            // keyed on the whole standard is still that edition's.
            (Sources::Standard, Unit::Edition(version)) => (vec![&version.id], vec![self.keys.digests.standard]),
            (Sources::Standard, Unit::Diff(from, to)) => (vec![from, to], vec![self.keys.digests.standard]),
            (Sources::Standard, _) => (vec![], vec![self.keys.digests.standard]),
            // A part whose sources do not fit its unit is not cached.
            _ => return None,
        };
        Some(self.key(&kind, &ids, &sources))
    }
}

fn add_text(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}
