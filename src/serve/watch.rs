//! Watching the sources: which folders, which changes matter, and a
//! fingerprint of the sources so that a save that changed no byte rebuilds
//! nothing.
//!
//! Folders are watched, not files, so that an editor that saves by writing a
//! temporary file and renaming it over the original is seen (the rename
//! names the original). Editors' temporary, backup, swap and lock files are
//! ignored, and so is `theme/node_modules/`, which is never watched at all.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};

use notify::{EventKind, RecursiveMode, Watcher};
use walkdir::WalkDir;

/// The source folders under the project root.
pub const SOURCE_DIRS: [&str; 3] = ["standard", "translations", "theme"];

/// Folders that are never sources.
const SKIPPED_DIRS: [&str; 2] = ["node_modules", "target"];

/// Whether a file or folder name is an editor's temporary, backup, swap or
/// lock file, or hidden: `.#x.md`, `#x.md#`, `x.md~`, `.x.md.swp`, `4913`...
pub fn is_ignored_name(name: &str) -> bool {
    crate::load::is_editor_file(name) || SKIPPED_DIRS.contains(&name)
}

/// Whether a change to `path` can change the site: it lies in a source
/// folder of `root`, and no part of it below the root is ignored.
pub fn is_source_path(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    match parts.next() {
        Some(Component::Normal(first)) if SOURCE_DIRS.iter().any(|d| first == *d) => {}
        _ => return false,
    }
    parts.all(|c| match c {
        Component::Normal(name) => !is_ignored_name(&name.to_string_lossy()),
        _ => false,
    })
}

/// Whether a watcher event may mean the sources changed. Reads (including
/// craftpub's own) are not changes; an event that says events were lost is.
pub fn is_source_change(root: &Path, event: &notify::Event) -> bool {
    if event.need_rescan() {
        return true;
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|p| is_source_path(root, p))
}

/// Every source file below `root` with a hash of its bytes.
pub type Fingerprint = BTreeMap<PathBuf, u64>;

/// The fingerprint of the sources as they are on disk now.
pub fn fingerprint(root: &Path) -> Fingerprint {
    let mut out = Fingerprint::new();
    for dir in SOURCE_DIRS {
        let walk = WalkDir::new(root.join(dir))
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
        for entry in walk.filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            match std::fs::read(entry.path()) {
                Ok(bytes) => bytes.hash(&mut hasher),
                // An unreadable file hashes differently from any content.
                Err(e) => e.kind().to_string().hash(&mut hasher),
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            out.insert(rel, hasher.finish());
        }
    }
    out
}

/// The files that differ between two fingerprints: changed, added, removed.
pub fn changed_files(old: &Fingerprint, new: &Fingerprint) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        new.iter().filter(|(path, hash)| old.get(*path) != Some(hash)).map(|(path, _)| path.clone()).collect();
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    out.sort();
    out
}

/// The folders watched, kept in step with what exists: the root itself (to
/// see a source folder appear), `standard/` and `translations/` with all
/// they hold, and `theme/` with each of its folders but `node_modules/`.
#[derive(Default)]
pub struct WatchSet {
    watched: BTreeSet<(PathBuf, bool)>,
}

impl WatchSet {
    /// The folders that should be watched now, and whether recursively.
    fn wanted(root: &Path) -> BTreeSet<(PathBuf, bool)> {
        let mut out = BTreeSet::new();
        out.insert((root.to_path_buf(), false));
        for dir in SOURCE_DIRS {
            let dir = root.join(dir);
            if !dir.is_dir() {
                continue;
            }
            out.insert((dir.clone(), false));
            let Ok(children) = std::fs::read_dir(&dir) else {
                continue;
            };
            for child in children.filter_map(Result::ok) {
                let name = child.file_name().to_string_lossy().into_owned();
                if child.file_type().is_ok_and(|t| t.is_dir()) && !is_ignored_name(&name) {
                    out.insert((child.path(), true));
                }
            }
        }
        out
    }

    /// Adds watches for folders that appeared and forgets those that went.
    /// Returns the problems met, as text for the terminal.
    pub fn sync(&mut self, root: &Path, watcher: &mut impl Watcher) -> Vec<String> {
        let wanted = Self::wanted(root);
        let mut problems = Vec::new();
        let gone: Vec<_> = self.watched.difference(&wanted).cloned().collect();
        for entry in gone {
            let _ = watcher.unwatch(&entry.0);
            self.watched.remove(&entry);
        }
        for entry in wanted {
            if self.watched.contains(&entry) {
                continue;
            }
            let mode = if entry.1 { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
            match watcher.watch(&entry.0, mode) {
                Ok(()) => {
                    self.watched.insert(entry);
                }
                Err(e) => problems.push(format!("cannot watch {}: {e}", entry.0.display())),
            }
        }
        problems
    }

    /// Forgets a watched folder that was removed or renamed, so that the next
    /// [`sync`](Self::sync) watches what now has its name.
    pub fn forget_removed(&mut self, event: &notify::Event) {
        if matches!(event.kind, EventKind::Remove(_) | EventKind::Modify(notify::event::ModifyKind::Name(_))) {
            self.watched.retain(|(p, _)| !event.paths.contains(p));
        }
    }

    /// How many folders are watched.
    pub fn len(&self) -> usize {
        self.watched.len()
    }

    /// Whether nothing is watched.
    pub fn is_empty(&self) -> bool {
        self.watched.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [
            ".#module-1.md",
            "#module-1.md#",
            "module-1.md~",
            ".module-1.md.swp",
            ".module-1.md.swx",
            "4913",
            "module-1.md___jb_tmp___",
            "module-1.md.kate-swp",
            ".goutputstream-ABC123",
            "node_modules",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["module-1.md", "version.toml", "style.css", "2.1"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn only_source_folders_count() {
        let root = Path::new("/p");
        assert!(is_source_path(root, Path::new("/p/standard/2.0/module-1.md")));
        assert!(is_source_path(root, Path::new("/p/translations/fr/strings.toml")));
        assert!(is_source_path(root, Path::new("/p/theme/templates/base.html")));
        assert!(is_source_path(root, Path::new("/p/standard")));
        assert!(!is_source_path(root, Path::new("/p/public/index.html")));
        assert!(!is_source_path(root, Path::new("/p/.public.new-1/index.html")));
        assert!(!is_source_path(root, Path::new("/p/theme/node_modules/lunr/lunr.js")));
        assert!(!is_source_path(root, Path::new("/p/standard/2.0/.module-1.md.swp")));
        assert!(!is_source_path(root, Path::new("/q/standard/2.0/module-1.md")));
    }
}
