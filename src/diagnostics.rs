//! Diagnostics: every problem found in the sources, with its file, line and fix.
//!
//! Loading and checking never stop at the first problem: they push
//! [`Diagnostic`]s into a [`Diagnostics`] list, and the command reports them
//! all at the end.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a diagnostic is: errors fail the command, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The sources cannot be published as they are.
    Error,
    /// Worth fixing, but the site can be built.
    Warning,
}

/// One problem in the sources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the project root where possible.
    pub file: PathBuf,
    /// The 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line > 0 {
            write!(f, "{kind}: {}:{}: {}", self.file.display(), self.line, self.message)?;
        } else {
            write!(f, "{kind}: {}: {}", self.file.display(), self.message)?;
        }
        if !self.fix.is_empty() {
            write!(f, "\n  fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    root: PathBuf,
}

impl Diagnostics {
    /// An empty list whose file names are shown relative to `root`.
    pub fn new(root: &Path) -> Self {
        Diagnostics { items: Vec::new(), root: root.to_path_buf() }
    }

    /// An empty list with the same root, for work done apart (in parallel),
    /// to be [appended](Diagnostics::append) in order afterwards.
    pub fn fork(&self) -> Self {
        Diagnostics { items: Vec::new(), root: self.root.clone() }
    }

    /// Adds the diagnostics of `other` after these.
    pub fn append(&mut self, mut other: Diagnostics) {
        self.items.append(&mut other.items);
    }

    fn push(&mut self, severity: Severity, file: &Path, line: usize, message: String, fix: String) {
        let file = file.strip_prefix(&self.root).unwrap_or(file).to_path_buf();
        self.items.push(Diagnostic { severity, file, line, message, fix });
    }

    /// `path` as diagnostics show it: relative to the project root where
    /// it is under it, with `/` separators, the same from the command line
    /// and in `craftpub serve` (for paths named inside messages and fixes).
    pub fn shown(&self, path: &Path) -> String {
        let path = path.strip_prefix(&self.root).unwrap_or(path);
        let path = path.strip_prefix(".").unwrap_or(path);
        path.to_string_lossy().replace('\\', "/")
    }

    /// Records an error at `file:line` with the fix to suggest.
    pub fn error(&mut self, file: &Path, line: usize, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Severity::Error, file, line, message.into(), fix.into());
    }

    /// Records a warning at `file:line` with the fix to suggest.
    pub fn warning(&mut self, file: &Path, line: usize, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Severity::Warning, file, line, message.into(), fix.into());
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// All diagnostics, sorted by file, line, then message, so output is stable.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| (&a.file, a.line, a.severity, &a.message).cmp(&(&b.file, b.line, b.severity, &b.message)));
        items.dedup();
        items
    }

    /// Whether nothing at all was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}
