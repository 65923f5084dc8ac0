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

/// What a build wrote: how many files, how many bytes, and its largest file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The number of files.
    pub files: u64,
    /// Their size in bytes, added up (the apparent size, as `du -sb` gives it).
    pub bytes: u64,
    /// The largest file: its path and size.
    pub largest: Option<(String, u64)>,
}

/// A static host's limits on a published site.
#[derive(Debug, Clone, Copy)]
pub struct HostLimit {
    /// The host, as its users name it.
    pub host: &'static str,
    /// The most bytes a site may have, if the host limits them.
    pub bytes: Option<u64>,
    /// The most files a site may have, if the host limits them.
    pub files: Option<u64>,
    /// The largest file the host takes, if it limits it.
    pub file_bytes: Option<u64>,
}

/// The limits of the hosts a standards body publishes on (their free plans,
/// as documented in 2026): GitHub Pages and GitLab Pages take sites up to
/// 1 GB; Cloudflare Pages up to 20,000 files of at most 25 MiB each.
pub const HOSTS: &[HostLimit] = &[
    HostLimit { host: "GitHub Pages", bytes: Some(1_000_000_000), files: None, file_bytes: Some(100 << 20) },
    HostLimit { host: "GitLab Pages", bytes: Some(1_000_000_000), files: None, file_bytes: None },
    HostLimit { host: "Cloudflare Pages", bytes: None, files: Some(20_000), file_bytes: Some(25 << 20) },
];

impl Written {
    /// Counts `files` as written.
    pub fn add(&mut self, files: &SiteFiles) {
        for (path, bytes) in files {
            let size = bytes.len() as u64;
            self.files += 1;
            self.bytes += size;
            if self.largest.as_ref().is_none_or(|(p, s)| size > *s || (size == *s && path < p)) {
                self.add_largest(path.clone(), size);
            }
        }
    }

    /// Adds what another writer counted.
    pub fn merge(&mut self, other: Written) {
        self.files += other.files;
        self.bytes += other.bytes;
        if let Some((path, size)) = other.largest {
            self.add_largest(path, size);
        }
    }

    fn add_largest(&mut self, path: String, size: u64) {
        if self.largest.as_ref().is_none_or(|(p, s)| size > *s || (size == *s && path < *p)) {
            self.largest = Some((path, size));
        }
    }

    /// One line for people: `1,321 files, 11.9 MB (largest: path, 0.3 MB)`.
    pub fn summary(&self) -> String {
        let largest = match &self.largest {
            Some((path, size)) => format!(" (largest: {path}, {})", megabytes(*size)),
            None => String::new(),
        };
        format!("{} files, {}{largest}", thousands(self.files), megabytes(self.bytes))
    }

    /// A warning for each host limit the output passes, or comes within a
    /// tenth of: it names the host, the limit and the figure.
    pub fn host_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |what: &str, value: u64, limit: Option<u64>, host: &str, show: &dyn Fn(u64) -> String| {
            let Some(limit) = limit else { return };
            if value > limit {
                out.push(format!("{what} is {}: over {host}'s limit of {}", show(value), show(limit)));
            } else if value * 10 > limit * 9 {
                out.push(format!("{what} is {}: near {host}'s limit of {}", show(value), show(limit)));
            }
        };
        for h in HOSTS {
            check("the output", self.bytes, h.bytes, h.host, &megabytes);
            check("the number of files", self.files, h.files, h.host, &|n| format!("{} files", thousands(n)));
            if let Some((path, size)) = &self.largest {
                check(&format!("the largest file, {path},"), *size, h.file_bytes, h.host, &mebibytes);
            }
        }
        out
    }
}

/// `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `11.9 MB` (SI megabytes, one decimal).
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// `25.0 MiB`.
fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
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
    written: Mutex<Written>,
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
        let s = Staging {
            out,
            staging,
            retired,
            previous,
            made: Mutex::new(HashSet::new()),
            written: Mutex::default(),
            finished: false,
        };
        fs::create_dir_all(&s.staging).map_err(io_err(&s.staging))?;
        fs::write(s.staging.join(MARKER), b"Written by craftpub; replaced by every build.\n")
            .map_err(io_err(&s.staging))?;
        Ok(s)
    }

    /// Writes `files` into the staging folder.
    pub fn write(&self, files: &SiteFiles) -> Result<(), WriteError> {
        let mut count = Written::default();
        count.add(files);
        self.written.lock().unwrap_or_else(PoisonError::into_inner).merge(count);
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
    /// What was written (the marker file not counted).
    pub fn finish(mut self) -> Result<Written, WriteError> {
        self.finished = true;
        let result = swap_in(&self.staging, &self.out, &self.retired);
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.staging);
        }
        result.map(|()| std::mem::take(self.written.get_mut().unwrap_or_else(PoisonError::into_inner)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::Bytes;

    fn files(sizes: &[(&str, usize)]) -> SiteFiles {
        sizes.iter().map(|(p, n)| (p.to_string(), Bytes::from(vec![b'x'; *n]))).collect()
    }

    #[test]
    fn counts_files_bytes_and_the_largest() {
        let mut w = Written::default();
        w.add(&files(&[("a.html", 10), ("b.html", 30), ("c.css", 30)]));
        let mut other = Written::default();
        other.add(&files(&[("d.json", 5)]));
        w.merge(other);
        assert_eq!(w.files, 4);
        assert_eq!(w.bytes, 75);
        assert_eq!(w.largest, Some(("b.html".to_owned(), 30)), "the first path among equals");
        assert_eq!(w.summary(), "4 files, 0.0 MB (largest: b.html, 0.0 MB)");
        assert!(w.host_warnings().is_empty());
    }

    #[test]
    fn warns_naming_the_host_and_the_limit() {
        let over = Written { files: 20_001, bytes: 1_100_000_000, largest: Some(("big.zip".into(), 26 << 20)) };
        let warnings = over.host_warnings();
        let all = warnings.join("\n");
        assert!(all.contains("the output is 1100.0 MB: over GitHub Pages's limit of 1000.0 MB"), "{all}");
        assert!(all.contains("over GitLab Pages's limit"), "{all}");
        assert!(
            all.contains("the number of files is 20,001 files: over Cloudflare Pages's limit of 20,000 files"),
            "{all}"
        );
        assert!(
            all.contains("the largest file, big.zip, is 26.0 MiB: over Cloudflare Pages's limit of 25.0 MiB"),
            "{all}"
        );
        let near = Written { files: 19_000, bytes: 10, largest: Some(("a".into(), 10)) };
        assert_eq!(
            near.host_warnings(),
            vec!["the number of files is 19,000 files: near Cloudflare Pages's limit of 20,000 files"]
        );
        let fine = Written { files: 17_000, bytes: 800_000_000, largest: Some(("a".into(), 20 << 20)) };
        assert!(fine.host_warnings().is_empty(), "{:?}", fine.host_warnings());
    }

    #[test]
    fn staging_reports_what_it_wrote_and_a_dropped_one_leaves_the_output() {
        let dir = std::env::temp_dir().join(format!("craftpub-write-test-{}", std::process::id()));
        let root = dir.join("project");
        let out = dir.join("out");
        fs::create_dir_all(&root).expect("a project folder");
        let staging = Staging::begin(&root, &out).expect("begins");
        staging.write(&files(&[("index.html", 3), ("en/2.1/index.html", 7)])).expect("writes");
        let written = staging.finish().expect("finishes");
        assert_eq!((written.files, written.bytes), (2, 10));
        assert_eq!(fs::read(out.join("en/2.1/index.html")).expect("written").len(), 7);
        // A build that fails half-way is dropped unfinished: the output stays.
        let staging = Staging::begin(&root, &out).expect("begins");
        staging.write(&files(&[("index.html", 1)])).expect("writes");
        drop(staging);
        assert_eq!(fs::read(out.join("index.html")).expect("kept").len(), 3);
        fs::remove_dir_all(&dir).expect("cleaned up");
    }
}
