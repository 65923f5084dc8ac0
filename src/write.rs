//! Writing: puts a rendered site on disk atomically.
//!
//! The new site is written to a staging folder beside the output folder and
//! swapped in only when it is complete, so a failed build leaves the previous
//! output exactly as it was. The output folder is never the project root or a
//! source folder, and a folder that craftpub did not write is never replaced.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::files::SiteFiles;

/// The marker file craftpub leaves in every output folder it writes.
pub const MARKER: &str = ".craftpub-output";

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder is the project, a source folder, or holds one.
    #[error("refusing to write to {out}: it is {what}; choose an output folder of its own, e.g. ROOT/public")]
    UnsafeOutput {
        /// The output folder.
        out: PathBuf,
        /// What it would overwrite.
        what: &'static str,
    },
    /// The output folder exists and was not written by craftpub.
    #[error(
        "refusing to replace {0}: it is not empty and craftpub did not write it (no {MARKER} file); remove it or choose another --out"
    )]
    ForeignOutput(PathBuf),
    /// A file system operation failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Makes `path` absolute and resolves what exists of it, so that `public/..`
/// and symbolic links cannot disguise the project root.
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    // Resolve `.` and `..` lexically first, so `public/..` is the project root.
    let mut lexical = PathBuf::new();
    for part in abs.components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Then canonicalise the longest existing ancestor, to see through links.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    out.extend(rest.into_iter().rev());
    out
}

/// Refuses an output folder that would overwrite the project or its sources.
pub fn check_output_safe(root: &Path, out: &Path) -> Result<PathBuf, WriteError> {
    let root = resolve(root);
    let out = resolve(out);
    let unsafe_out = |what| Err(WriteError::UnsafeOutput { out: out.clone(), what });
    if root.starts_with(&out) {
        return unsafe_out("the project root or a folder that contains it");
    }
    for source in ["standard", "translations", "theme", "src", ".git"] {
        if out.starts_with(root.join(source)) {
            return unsafe_out("a source folder of the project");
        }
    }
    if out.parent().is_none() {
        return unsafe_out("the file system root");
    }
    Ok(out)
}

/// Writes `files` to `out` atomically: everything or nothing.
pub fn write_site(root: &Path, out: &Path, files: &SiteFiles) -> Result<(), WriteError> {
    let staging = Staging::begin(root, out)?;
    staging.write(files)?;
    staging.finish()
}

/// A site being written: files go to a staging folder beside the output
/// folder as they come ([`Staging::write`], from any thread), and the
/// staging folder replaces the output folder when complete
/// ([`Staging::finish`]). Dropped unfinished (an error on the way), it
/// removes the staging folder and leaves the output folder as it was.
///
/// A file whose bytes are those of the same file in the previous output is
/// not written again but linked (a hard link to it), so that a rebuild after
/// a small edit writes little.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    retired: PathBuf,
    /// The previous output, when craftpub wrote it.
    previous: Option<PathBuf>,
    made: Mutex<HashSet<PathBuf>>,
    finished: bool,
}

impl Staging {
    /// Checks that `out` may be written (see [`check_output_safe`]; a folder
    /// craftpub did not write is never replaced) and creates the staging folder.
    pub fn begin(root: &Path, out: &Path) -> Result<Staging, WriteError> {
        let out = check_output_safe(root, out)?;
        if out.is_dir() && !out.join(MARKER).is_file() && fs::read_dir(&out).map_err(io_err(&out))?.next().is_some() {
            return Err(WriteError::ForeignOutput(out));
        }
        if out.exists() && !out.is_dir() {
            return Err(WriteError::ForeignOutput(out));
        }
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let pid = std::process::id();
        let staging = parent.join(format!(".{name}.new-{pid}"));
        let retired = parent.join(format!(".{name}.old-{pid}"));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        let previous = out.join(MARKER).is_file().then(|| out.clone());
        let s = Staging { out, staging, retired, previous, made: Mutex::new(HashSet::new()), finished: false };
        fs::create_dir_all(&s.staging).map_err(io_err(&s.staging))?;
        fs::write(s.staging.join(MARKER), b"Written by craftpub; replaced by every build.\n")
            .map_err(io_err(&s.staging))?;
        Ok(s)
    }

    /// Writes `files` into the staging folder.
    pub fn write(&self, files: &SiteFiles) -> Result<(), WriteError> {
        for (rel, bytes) in files {
            let path = self.staging.join(rel);
            if let Some(dir) = path.parent() {
                // Under the lock, so that no thread writes into a folder another is still creating.
                let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
                if !made.contains(dir) {
                    fs::create_dir_all(dir).map_err(io_err(dir))?;
                    made.insert(dir.to_path_buf());
                }
            }
            if let Some(previous) = &self.previous {
                let old = previous.join(rel);
                if same_file_bytes(&old, bytes) && fs::hard_link(&old, &path).is_ok() {
                    continue;
                }
            }
            fs::write(&path, bytes).map_err(io_err(&path))?;
        }
        Ok(())
    }

    /// Puts the staging folder in the place of the output folder.
    pub fn finish(mut self) -> Result<(), WriteError> {
        self.finished = true;
        let result = swap_in(&self.staging, &self.out, &self.retired);
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.staging);
        }
        result
    }
}

/// Whether `path` is a file of its own (no other link to it) that holds
/// exactly `bytes`.
#[cfg(unix)]
fn same_file_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::symlink_metadata(path) else { return false };
    if !meta.is_file() || meta.nlink() != 1 || meta.len() != bytes.len() as u64 {
        return false;
    }
    let Ok(mut file) = fs::File::open(path) else { return false };
    let mut buf = [0u8; 64 * 1024];
    let mut rest = bytes;
    while !rest.is_empty() {
        let want = rest.len().min(buf.len());
        if file.read_exact(&mut buf[..want]).is_err() || buf[..want] != rest[..want] {
            return false;
        }
        rest = &rest[want..];
    }
    true
}

#[cfg(not(unix))]
fn same_file_bytes(_: &Path, _: &[u8]) -> bool {
    false
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn swap_in(staging: &Path, out: &Path, retired: &Path) -> Result<(), WriteError> {
    if out.exists() {
        if retired.exists() {
            fs::remove_dir_all(retired).map_err(io_err(retired))?;
        }
        fs::rename(out, retired).map_err(io_err(out))?;
        if let Err(e) = fs::rename(staging, out) {
            // Put the previous output back before reporting.
            let _ = fs::rename(retired, out);
            return Err(WriteError::Io { path: out.to_path_buf(), source: e });
        }
        fs::remove_dir_all(retired).map_err(io_err(retired))?;
    } else {
        fs::rename(staging, out).map_err(io_err(out))?;
    }
    Ok(())
}
