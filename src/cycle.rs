//! The maintainers' cycle: `craftpub version new` opens the next version as
//! a draft, `craftpub version release` makes a draft the current version
//! (see also [`crate::amend`], which drafts the amendment history).
//!
//! Edits to an existing `version.toml` replace the bytes of the values they
//! change (found by their spans when the file is parsed) and insert one
//! line for a new key, so comments, layout and every other key stay byte for
//! byte as the maintainer wrote them.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::check::DRAFT_RULE;
use crate::diagnostics::{Diagnostics, line_of};
use crate::load::{is_iso_date, version_key};
use crate::model::{Project, Status};

/// Why a cycle command did nothing.
#[derive(Debug, thiserror::Error)]
pub enum CycleError {
    /// The command cannot be done as asked (an ID that exists, a version
    /// that is not a draft...); the diagnostics say why and what to do.
    #[error("{}", first_message(.0))]
    Refused(Diagnostics),
    /// The sources have errors (`craftpub check` reports them).
    #[error("the sources have {} error(s)", .0.error_count())]
    Sources(Diagnostics),
    /// A file could not be read or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

fn first_message(d: &Diagnostics) -> String {
    d.sorted().first().map(|d| d.message.clone()).unwrap_or_default()
}

impl CycleError {
    /// The diagnostics to show, when the error has any.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            CycleError::Refused(d) | CycleError::Sources(d) => Some(d),
            CycleError::Io { .. } => None,
        }
    }
}

fn refuse(root: &Path, file: &Path, line: usize, message: impl Into<String>, fix: impl Into<String>) -> CycleError {
    let mut d = Diagnostics::new(root);
    d.error(file, line, message, fix);
    CycleError::Refused(d)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CycleError + '_ {
    move |source| CycleError::Io { path: path.to_path_buf(), source }
}

/// Today's date (UTC), YYYY-MM-DD; `SOURCE_DATE_EPOCH` (seconds) stands in
/// for the clock when it is set, for reproducible builds and tests.
pub fn today() -> String {
    let secs =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
        });
    civil_date(secs.div_euclid(86_400))
}

/// The proleptic Gregorian date of a day counted from 1970-01-01.
pub fn civil_date(days: i64) -> String {
    // The days-to-civil algorithm of Howard Hinnant's date library, by eras of 400 years.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Whether `id` can be a version folder: letters, digits, `.`, `-` and `_`,
/// starting with a letter or digit, and not `latest`.
fn is_version_id(id: &str) -> bool {
    id != "latest"
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Loads and checks the project at `root`; its errors refuse the command.
fn load_sound(root: &Path) -> Result<(Project, Diagnostics), CycleError> {
    let (project, _, diags) = crate::check(root);
    if diags.has_errors() {
        return Err(CycleError::Sources(diags));
    }
    Ok((project, diags))
}

/// What `craftpub version new` did.
#[derive(Debug, Serialize)]
pub struct NewVersion {
    /// The new draft's ID.
    pub id: String,
    /// The version it was copied from, and revises.
    pub from: String,
    /// Its date (the day it was opened).
    pub date: String,
    /// The folder created.
    pub dir: PathBuf,
    /// The files created, in order.
    pub files: Vec<PathBuf>,
    /// How translations follow: no copy is needed.
    pub translations: String,
    /// The rule for several drafts.
    pub draft_rule: &'static str,
}

/// `craftpub version new ID [--from V] [--date D]`: creates `standard/ID/`
/// from the current (or given) version as a draft revising it.
pub fn new_version(root: &Path, id: &str, from: Option<&str>, date: Option<&str>) -> Result<NewVersion, CycleError> {
    let standard = root.join("standard");
    let dir = standard.join(id);
    if !is_version_id(id) {
        return Err(refuse(
            root,
            &dir,
            0,
            format!("\"{id}\" cannot be a version ID"),
            "use letters, digits, dots and dashes, starting with a digit or letter, e.g. 2.2",
        ));
    }
    if dir.exists() {
        return Err(refuse(
            root,
            &dir,
            0,
            format!("version {id} exists already"),
            "choose an ID no version has, e.g. the next number",
        ));
    }
    let (project, _) = load_sound(root)?;
    if let Some(after) = project.versions.iter().find(|v| version_key(&v.id) >= version_key(id)) {
        return Err(refuse(
            root,
            &dir,
            0,
            format!("version {id} does not sort after version {}", after.id),
            format!(
                "choose an ID that sorts after every version there ({}), e.g. {}",
                ids(&project),
                next_id(&project)
            ),
        ));
    }
    let source = match from {
        Some(f) => project.version(f).ok_or_else(|| {
            refuse(
                root,
                &standard.join(f),
                0,
                format!("there is no version {f}"),
                format!("name one of: {}", ids(&project)),
            )
        })?,
        None => project.latest().ok_or_else(|| {
            refuse(root, &standard, 0, "no version is current", "name the version to start from with --from V")
        })?,
    };
    if source.status == Status::Superseded {
        return Err(refuse(
            root,
            &source.dir.join("version.toml"),
            0,
            format!("version {} is superseded, so a draft cannot revise it: {DRAFT_RULE}", source.id),
            format!("start from the current version{}", latest_hint(&project)),
        ));
    }
    if let Some(other) = project.versions.iter().find(|v| v.previous.as_deref() == Some(&source.id)) {
        return Err(refuse(
            root,
            &other.dir.join("version.toml"),
            0,
            format!("version {} already revises {}: {DRAFT_RULE}", other.id, source.id),
            format!("start from the draft instead (--from {}), or release it first", other.id),
        ));
    }
    let date = date.map(str::to_owned).unwrap_or_else(today);
    if !is_iso_date(&date) {
        return Err(refuse(root, &dir, 0, format!("\"{date}\" is not a date"), "write the date as YYYY-MM-DD"));
    }

    // Write into a hidden folder next to the new one, then rename it into place.
    let staging = standard.join(format!(".{id}.craftpub-new"));
    let _ = fs::remove_dir_all(&staging);
    let result = (|| {
        fs::create_dir_all(&staging).map_err(io(&staging))?;
        let mut names = Vec::new();
        for c in &source.chapters {
            let name = c.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            fs::copy(&c.file, staging.join(&name)).map_err(io(&c.file))?;
            names.push(name);
        }
        let toml = version_toml(id, &date, &source.id, &names);
        fs::write(staging.join("version.toml"), toml).map_err(io(&staging))?;
        fs::write(staging.join("amendments.toml"), amendments_header(id, &source.id)).map_err(io(&staging))?;
        fs::rename(&staging, &dir).map_err(io(&dir))?;
        let mut files: Vec<PathBuf> = vec![dir.join("version.toml"), dir.join("amendments.toml")];
        files.extend(names.iter().map(|n| dir.join(n)));
        Ok(files)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    let files = result?;
    Ok(NewVersion {
        id: id.to_owned(),
        from: source.id.clone(),
        date,
        dir,
        files,
        translations: format!(
            "translations need no copy: a translated requirement of {} whose English text is unchanged in {id} is reused (matched by the fingerprint of its English text); craftpub status --version {id} lists what is left to translate once {id} is edited",
            source.id
        ),
        draft_rule: DRAFT_RULE,
    })
}

fn ids(project: &Project) -> String {
    project.versions.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(", ")
}

fn latest_hint(project: &Project) -> String {
    project.latest().map(|l| format!(" (--from {})", l.id)).unwrap_or_default()
}

/// An ID after every version's: the last one with its last number increased.
fn next_id(project: &Project) -> String {
    let Some(last) = project.versions.iter().map(|v| &v.id).max_by_key(|id| version_key(id)) else {
        return "1.0".into();
    };
    let mut parts: Vec<String> = last.split('.').map(str::to_owned).collect();
    match parts.last().and_then(|p| p.parse::<u64>().ok()) {
        Some(n) => {
            let k = parts.len() - 1;
            parts[k] = (n + 1).to_string();
            parts.join(".")
        }
        None => format!("{last}.1"),
    }
}

/// A TOML basic string.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn version_toml(id: &str, date: &str, previous: &str, chapters: &[String]) -> String {
    let mut out = format!(
        "# Version {id}: a draft revising {previous}, opened with `craftpub version new`.\n\
         # `craftpub version release {id}` makes it the current version.\n\
         id = {}\ndate = {}\nstatus = \"draft\"\nprevious = {}\nchapters = [\n",
        toml_string(id),
        toml_string(date),
        toml_string(previous)
    );
    for c in chapters {
        out.push_str(&format!("  {},\n", toml_string(c)));
    }
    out.push_str(
        "]\n\n\
         # A public consultation on this draft (optional). While it runs, every\n\
         # requirement of the draft links to `comments`, with {id}, {version}\n\
         # and {title} filled in (percent-encoded); the draft's home says until\n\
         # when comments are open. Only https, http and mailto links are allowed.\n\
         # [consultation]\n\
         # closes = \"YYYY-MM-DD\"\n\
         # comments = \"https://github.com/OWNER/REPO/issues/new?title=Comment%20on%20{id}%20(version%20{version})\"\n",
    );
    out
}

/// The comments that open a new amendments.toml, explaining its format.
pub fn amendments_header(id: &str, previous: &str) -> String {
    format!(
        "# What changed from version {previous} to version {id}, and why.\n\
         #\n\
         # Every requirement that differs between the two versions is named in\n\
         # exactly one entry; requirements that did not change are not listed.\n\
         # `craftpub amend {id}` appends an entry for each change not declared yet\n\
         # (grouped by module, with likely renumberings proposed) and leaves its\n\
         # rationale empty: `craftpub check` fails until every rationale is written.\n\
         # It never changes the entries already here.\n\
         #\n\
         # [[amendment]]\n\
         # id = \"short-name\"            # unique in this file; the entry's anchor\n\
         # title = \"One-line summary\"\n\
         # rationale = \"\"\"\n\
         # Why the change was made (Markdown).\n\
         # \"\"\"\n\
         # added = [\"3.4.1\"]            # IDs new in {id}\n\
         # removed = [\"3.2.2\"]          # IDs of {previous} that are gone\n\
         # modified = [\"3.1.1\"]         # same ID, text or metadata changed\n\
         # renumbered = [{{ from = \"2.1.1\", to = \"2.2.1\" }}]   # {previous} ID -> {id} ID\n"
    )
}

/// The spans of the keys `version release` changes.
#[derive(Deserialize)]
struct ReleaseSpans {
    date: Spanned<String>,
    status: Spanned<String>,
    draft_date: Option<Spanned<String>>,
}

/// One edit of a file: the bytes in `range` become `text`.
struct Edit {
    range: std::ops::Range<usize>,
    text: String,
}

fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.range, &e.text);
    }
    out
}

fn parse_spans(root: &Path, file: &Path) -> Result<(String, ReleaseSpans), CycleError> {
    let text = fs::read_to_string(file).map_err(io(file))?;
    match toml::from_str::<ReleaseSpans>(&text) {
        Ok(s) => Ok((text, s)),
        Err(e) => {
            let line = e.span().map_or(0, |s| line_of(&text, s.start));
            Err(refuse(root, file, line, format!("version metadata: {}", e.message().trim()), "correct the TOML"))
        }
    }
}

/// A file `version release` changed: its path and its text before and after.
#[derive(Debug, Serialize)]
pub struct ChangedFile {
    /// The file.
    pub path: PathBuf,
    /// What changed in it, for people (e.g. `status: draft -> current`).
    pub changes: Vec<String>,
}

/// The feed entry a release adds.
#[derive(Debug, Serialize)]
pub struct FeedEntry {
    /// Its title.
    pub title: String,
    /// The day it is dated.
    pub date: String,
    /// Its summary (in the source language).
    pub summary: String,
}

/// What `craftpub version release` did.
#[derive(Debug, Serialize)]
pub struct Release {
    /// The version released.
    pub id: String,
    /// The release date.
    pub date: String,
    /// The day its draft was opened.
    pub draft_date: String,
    /// The former current version, now superseded.
    pub superseded: Option<String>,
    /// The files changed.
    pub files: Vec<ChangedFile>,
    /// Where `/<lang>/latest/` pointed, and points now.
    pub latest: (Option<String>, String),
    /// The feed's new entry.
    pub feed_entry: FeedEntry,
}

/// `craftpub version release ID [--date D]`: the draft becomes current, the
/// former current version superseded; refused while the check has errors.
pub fn release(root: &Path, id: &str, date: Option<&str>) -> Result<Release, CycleError> {
    let (project, _) = load_sound(root)?;
    let Some(v) = project.version(id) else {
        return Err(refuse(
            root,
            &root.join("standard").join(id),
            0,
            format!("there is no version {id}"),
            format!("name a draft; the versions are: {}", ids(&project)),
        ));
    };
    let file = v.dir.join("version.toml");
    let (text, spans) = parse_spans(root, &file)?;
    if v.status != Status::Draft {
        return Err(refuse(
            root,
            &file,
            line_of(&text, spans.status.span().start),
            format!("version {id} is {}, not a draft", v.status.as_str()),
            "only a draft can be released; start one with craftpub version new ID",
        ));
    }
    let current = project.latest();
    if let (Some(c), Some(prev)) = (current, v.previous.as_deref())
        && prev != c.id
    {
        return Err(refuse(
            root,
            &file,
            0,
            format!("draft {id} revises {prev}, not the current version {}: {DRAFT_RULE}", c.id),
            format!("release {prev} first (craftpub version release {prev})"),
        ));
    }
    if let (Some(c), None) = (current, v.previous.as_deref()) {
        return Err(refuse(
            root,
            &file,
            0,
            format!("draft {id} has no previous version, and {} is current", c.id),
            format!("set previous = \"{}\" in {}", c.id, file.display()),
        ));
    }
    let date = date.map(str::to_owned).unwrap_or_else(today);
    if !is_iso_date(&date) {
        return Err(refuse(root, &file, 0, format!("\"{date}\" is not a date"), "write the date as YYYY-MM-DD"));
    }
    let draft_date = v.draft_date.clone().unwrap_or_else(|| v.date.clone());
    for (what, earlier) in [
        ("its draft was opened", Some(draft_date.as_str())),
        ("the current version was released", current.map(|c| c.date.as_str())),
    ] {
        if let Some(earlier) = earlier
            && date.as_str() < earlier
        {
            return Err(refuse(
                root,
                &file,
                0,
                format!("the release date {date} is before the day {what} ({earlier})"),
                format!("release on {earlier} or later (--date YYYY-MM-DD)"),
            ));
        }
    }

    // The draft's version.toml: status, date, and the day the draft was opened.
    let mut edits = vec![
        Edit { range: spans.status.span(), text: toml_string("current") },
        Edit { range: spans.date.span(), text: toml_string(&date) },
    ];
    let mut changes = vec!["status: draft -> current".to_owned(), format!("date: {} -> {date}", v.date)];
    if spans.draft_date.is_none() {
        let end = spans.date.span().end;
        let at = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        let newline = if at == text.len() && !text.ends_with('\n') { "\n" } else { "" };
        edits.push(Edit { range: at..at, text: format!("{newline}draft_date = {}\n", toml_string(&draft_date)) });
        changes.push(format!("draft_date: {draft_date} (added)"));
    }
    let mut writes = vec![(file.clone(), apply(&text, edits), changes)];
    if let Some(c) = current {
        let cfile = c.dir.join("version.toml");
        let (ctext, cspans) = parse_spans(root, &cfile)?;
        let new = apply(&ctext, vec![Edit { range: cspans.status.span(), text: toml_string("superseded") }]);
        writes.push((cfile, new, vec!["status: current -> superseded".to_owned()]));
    }
    // Write each file beside itself, then rename them into place.
    let mut staged = Vec::new();
    for (path, text, _) in &writes {
        let tmp = path.with_extension("toml.craftpub-release");
        if let Err(e) = fs::write(&tmp, text) {
            for t in &staged {
                let _ = fs::remove_file(t);
            }
            return Err(CycleError::Io { path: tmp, source: e });
        }
        staged.push(tmp);
    }
    for (tmp, (path, _, _)) in staged.iter().zip(&writes) {
        fs::rename(tmp, path).map_err(io(path))?;
    }
    let count = v.requirements().count();
    Ok(Release {
        id: id.to_owned(),
        date: date.clone(),
        draft_date,
        superseded: current.map(|c| c.id.clone()),
        files: writes.into_iter().map(|(path, _, changes)| ChangedFile { path, changes }).collect(),
        latest: (current.map(|c| c.id.clone()), id.to_owned()),
        feed_entry: FeedEntry {
            title: format!("{} {id}", project.standard.title),
            date: date.clone(),
            summary: format!("Released {date} · current · {count} requirements"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
    }

    #[test]
    fn version_ids() {
        for ok in ["2.2", "3.0-rc1", "2025_1"] {
            assert!(is_version_id(ok), "{ok}");
        }
        for bad in ["", ".2", "latest", "2/3", "2 2", "../x"] {
            assert!(!is_version_id(bad), "{bad}");
        }
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string("a \"b\" \\ c\n"), "\"a \\\"b\\\" \\\\ c\\n\"");
        let parsed: toml::Table = toml::from_str(&format!("x = {}", toml_string("a \"b\" \\ c\n\u{1}"))).unwrap();
        assert_eq!(parsed["x"].as_str(), Some("a \"b\" \\ c\n\u{1}"));
    }

    #[test]
    fn release_edits_keep_the_rest_byte_for_byte() {
        let text = "# keep me\nid = \"2.2\"\ndate = '2025-11-01' # opened\nstatus   =   \"draft\"\nprevious = \"2.1\"\nchapters = [\"a.md\"]\n\n[consultation]\ncloses = \"2026-01-31\"\ncomments = \"https://x.org/{id}\"\n";
        let spans: ReleaseSpans = toml::from_str(text).unwrap();
        let end = spans.date.span().end;
        let at = text[end..].find('\n').map(|i| end + i + 1).unwrap();
        let out = apply(
            text,
            vec![
                Edit { range: spans.status.span(), text: toml_string("current") },
                Edit { range: spans.date.span(), text: toml_string("2026-02-01") },
                Edit { range: at..at, text: "draft_date = \"2025-11-01\"\n".into() },
            ],
        );
        assert_eq!(
            out,
            "# keep me\nid = \"2.2\"\ndate = \"2026-02-01\" # opened\ndraft_date = \"2025-11-01\"\nstatus   =   \"current\"\nprevious = \"2.1\"\nchapters = [\"a.md\"]\n\n[consultation]\ncloses = \"2026-01-31\"\ncomments = \"https://x.org/{id}\"\n"
        );
    }
}
