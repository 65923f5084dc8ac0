//! Translator tools: start a language, bring a translation folder up to a
//! version, and mark a requirement's translation as updated.
//!
//! These tools only ever *add* to translation files or rewrite a `source:`
//! line: translated text is never overwritten.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::localize::{Localizer, TranslationStatus};
use crate::model::fingerprint;
use crate::model::*;

/// Why a translator tool could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The version does not exist in English.
    #[error("there is no version {0} in standard/; use one of: {1}")]
    UnknownVersion(String, String),
    /// The language code cannot name a translation.
    #[error("{0}")]
    BadCode(#[from] crate::load::LanguageCodeError),
    /// A value given for the language's metadata is not one of the choices.
    #[error("--{0} {1}: {2}")]
    BadValue(&'static str, String, String),
    /// A new language needs names that could not be found for its code.
    #[error("no name is known for \"{0}\"; pass --name (in English) and --native-name (in the language)")]
    NoName(String),
    /// The translation to mark still holds the English text.
    #[error("{0} in {1} is marked untranslated and still holds the English text: translate it first, then mark it")]
    StillUntranslated(String, String),
    /// Nothing to mark: no such requirement or chapter in the translation.
    #[error("{0} is not translated in {1}: nothing to mark (run craftpub translate first)")]
    NotFound(String, String),
    /// A file could not be read or written.
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

fn write(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| ScaffoldError::Io(dir.to_path_buf(), e))?;
    }
    fs::write(path, text).map_err(|e| ScaffoldError::Io(path.to_path_buf(), e))
}

fn read(path: &Path) -> Result<String, ScaffoldError> {
    fs::read_to_string(path).map(crate::load::normalise_text).map_err(|e| ScaffoldError::Io(path.to_path_buf(), e))
}

/// The language's metadata for a new `language.toml`.
#[derive(Debug, Clone, Default)]
pub struct NewLanguage {
    /// English name.
    pub name: Option<String>,
    /// Name in the language.
    pub native_name: Option<String>,
    /// ltr or rtl.
    pub dir: Option<String>,
    /// Search pipeline code.
    pub search: Option<String>,
}

/// What a scaffold run changed.
#[derive(Debug, Default)]
pub struct ScaffoldReport {
    /// Files created.
    pub created: Vec<PathBuf>,
    /// Files that had blocks or strings appended.
    pub extended: Vec<PathBuf>,
    /// Files whose values were changed (`language.toml`, for `--name` and the like).
    pub updated: Vec<PathBuf>,
    /// Requirement blocks added (missing ones, marked untranslated; outdated ones, with their old translation).
    pub added: usize,
}

/// The English name and the autonym ISO 639 gives the code's language.
fn known_names(code: &str) -> Option<(String, String)> {
    let primary = code.split('-').next()?;
    let l = isolang::Language::from_639_1(primary).or_else(|| isolang::Language::from_639_3(primary))?;
    Some((l.to_name().to_owned(), l.to_autonym()?.to_owned()))
}

/// Checks the metadata values given on the command line.
fn check_new(new: &NewLanguage) -> Result<(), ScaffoldError> {
    if let Some(search) = &new.search {
        crate::load::check_search(search).map_err(|fix| ScaffoldError::BadValue("search", search.clone(), fix))?;
    }
    if let Some(dir) = new.dir.as_deref().filter(|d| !matches!(*d, "ltr" | "rtl")) {
        return Err(ScaffoldError::BadValue("dir", dir.to_owned(), "use ltr (left to right) or rtl".to_owned()));
    }
    Ok(())
}

/// Rewrites the `key = value` lines of an existing `language.toml` for the
/// values given; returns the new text when anything changed.
fn update_language_toml(text: &str, new: &NewLanguage) -> Option<String> {
    let given = [("name", &new.name), ("native_name", &new.native_name), ("dir", &new.dir), ("search", &new.search)];
    let mut changed = false;
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let key = line.split('=').next().unwrap_or("").trim();
        match given.iter().find(|(k, v)| *k == key && v.is_some()) {
            Some((k, Some(v))) => {
                let comment = line.find(" #").map(|i| &line[i..]).unwrap_or("");
                let new_line = format!("{k} = {}{comment}", toml::Value::String(v.clone()));
                changed |= new_line != line;
                lines.push(new_line);
            }
            _ => lines.push(line.to_owned()),
        }
    }
    changed.then(|| lines.join("\n") + "\n")
}

/// Creates `language.toml` for a new language (names from ISO 639 unless
/// given), or rewrites the values given for an existing one.
fn language_toml(dir: &Path, code: &str, new: &NewLanguage, report: &mut ScaffoldReport) -> Result<(), ScaffoldError> {
    let meta = dir.join("language.toml");
    if !meta.exists() {
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let known = known_names(code);
        let name = new.name.clone().or_else(|| known.as_ref().map(|k| k.0.clone()));
        let native = new.native_name.clone().or_else(|| known.as_ref().map(|k| k.1.clone()));
        let (Some(name), Some(native)) = (name, native) else {
            return Err(ScaffoldError::NoName(code.to_owned()));
        };
        let search = new.search.clone().unwrap_or_else(|| {
            let guess = crate::search::SearchLanguage::from_code(code).code();
            if guess == "en" { "none".to_owned() } else { guess.to_owned() }
        });
        let text = format!(
            "# The language's metadata; see the translators' guide.\ncode = {}\nname = {}\nnative_name = {}\ndir = {}          # ltr or rtl\nsearch = {}        # {} (none: no stemming)\n",
            q(code),
            q(&name),
            q(&native),
            q(new.dir.as_deref().unwrap_or("ltr")),
            q(&search),
            crate::load::SEARCH_CHOICES.join(", "),
        );
        write(&meta, &text)?;
        report.created.push(meta);
    } else if let Some(text) = update_language_toml(&read(&meta)?, new) {
        write(&meta, &text)?;
        report.updated.push(meta);
    }

    Ok(())
}

/// Starts language `code` for the PO form: checks the code and values and
/// writes `language.toml` as [`scaffold`] does; the catalogues are written by
/// [`crate::catalogue::scaffold_po`].
pub fn start_language(
    root: &Path,
    project: &Project,
    code: &str,
    new: &NewLanguage,
) -> Result<ScaffoldReport, ScaffoldError> {
    crate::load::check_language_code(code, &project.standard.source_language)?;
    check_new(new)?;
    let mut report = ScaffoldReport::default();
    language_toml(&root.join("translations").join(code), code, new, &mut report)?;
    Ok(report)
}

/// Starts language `code` or brings it up to `version`: creates
/// `language.toml` and `strings.toml` when missing, appends missing interface
/// strings, and adds to `translations/<code>/<version>/` every requirement that
/// is missing (English text, `untranslated: true`) or outdated (its latest
/// translation, to update). Requirements whose translation can be reused from
/// another version are left alone. Never overwrites translated text.
pub fn scaffold(
    root: &Path,
    project: &Project,
    english_strings: &str,
    code: &str,
    version: &str,
    new: &NewLanguage,
) -> Result<ScaffoldReport, ScaffoldError> {
    crate::load::check_language_code(code, &project.standard.source_language)?;
    check_new(new)?;
    let version = project.version(version).ok_or_else(|| {
        let ids: Vec<&str> = project.versions.iter().map(|v| v.id.as_str()).collect();
        ScaffoldError::UnknownVersion(version.to_owned(), ids.join(", "))
    })?;
    let mut report = ScaffoldReport::default();
    let dir = root.join("translations").join(code);

    language_toml(&dir, code, new, &mut report)?;

    let strings = dir.join("strings.toml");
    if !strings.exists() {
        let text = format!(
            "# Interface strings. Translate a line and remove its leading \"# \"; a string\n# left commented out is shown in English (marked as English) and counted as\n# missing by craftpub check and craftpub status.\n\n{}",
            english_strings
                .lines()
                .skip_while(|l| l.starts_with('#') || l.is_empty())
                .map(comment_out)
                .collect::<Vec<_>>()
                .join("\n")
        );
        write(&strings, &(text + "\n"))?;
        report.created.push(strings);
    } else if append_missing_strings(&strings, english_strings)? {
        report.extended.push(strings);
    }

    let localizer = Localizer::new(project, code);
    for chapter in &version.chapters {
        let path = dir.join(&version.id).join(format!("{}.md", chapter.slug));
        let existing = if path.exists() { Some(read(&path)?) } else { None };
        let present: Vec<String> = existing
            .as_deref()
            .map(|t| {
                t.lines()
                    .filter_map(|l| l.trim().strip_prefix("::: requirement"))
                    .map(|id| id.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        // The block to add for each requirement that needs work, by ID.
        let mut to_add = std::collections::BTreeMap::new();
        for r in chapter.requirements().filter(|r| !present.contains(&r.id)) {
            let local = localizer.requirement(version, r);
            let block = match (local.status, local.translation) {
                (TranslationStatus::Current, _) => continue,
                (TranslationStatus::Outdated, Some(t)) => {
                    requirement_block(&r.id, &t.title, &t.source, false, &t.body, t.guidance.as_deref())
                }
                _ => requirement_block(&r.id, &r.title, &local.fingerprint, true, &r.body, r.guidance.as_deref()),
            };
            to_add.insert(r.id.clone(), block);
        }
        report.added += to_add.len();
        match existing {
            Some(mut text) => {
                if to_add.is_empty() {
                    continue;
                }
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push('\n');
                for r in chapter.requirements() {
                    if let Some(block) = to_add.get(&r.id) {
                        text.push_str(block);
                    }
                }
                write(&path, &text)?;
                report.extended.push(path);
            }
            None => {
                let local = localizer.chapter(version, chapter);
                if to_add.is_empty() && local.status == TranslationStatus::Current {
                    continue; // everything is reused from another version
                }
                let mut text = String::from("+++\n");
                let _ = writeln!(text, "title = {}", toml::Value::String(local.title().to_owned()));
                match local.translation.and_then(|t| t.source.clone()) {
                    Some(fp) => {
                        let _ = writeln!(text, "source = \"{fp}\"");
                    }
                    None => {
                        let fp = fingerprint::of_chapter(chapter);
                        let _ = writeln!(
                            text,
                            "source = \"{fp}\"\nuntranslated = true   # remove once the title and text are translated"
                        );
                    }
                }
                text.push_str("+++\n\n");
                // The English order: prose, headings and the requirements to add.
                let mut n = 0;
                for b in &chapter.blocks {
                    match b {
                        Block::Requirement(r) => {
                            if let Some(block) = to_add.get(&r.id) {
                                text.push_str(block);
                            }
                        }
                        Block::Section(_) => {
                            let _ = writeln!(text, "## {}\n", local.prose(n).0);
                            n += 1;
                        }
                        Block::Prose { .. } => {
                            text.push_str(local.prose(n).0.trim());
                            text.push_str("\n\n");
                            n += 1;
                        }
                    }
                }
                write(&path, &(text.trim_end().to_owned() + "\n"))?;
                report.created.push(path);
            }
        }
    }
    Ok(report)
}

/// A translated requirement block in the Markdown form.
pub(crate) fn requirement_block(
    id: &str,
    title: &str,
    source: &str,
    untranslated: bool,
    body: &str,
    guidance: Option<&str>,
) -> String {
    let mut out = format!("::: requirement {id}\ntitle: {title}\nsource: {source}\n");
    if untranslated {
        out.push_str("untranslated: true\n");
    }
    out.push('\n');
    out.push_str(body.trim_end());
    out.push('\n');
    if let Some(g) = guidance {
        out.push_str("\n--- guidance\n\n");
        out.push_str(g.trim_end());
        out.push('\n');
    }
    out.push_str(":::\n\n");
    out
}

/// A `key = value` line commented out (`# key = value`); headers, comments
/// and blank lines as they are.
fn comment_out(line: &str) -> String {
    let t = line.trim_start();
    if t.is_empty() || t.starts_with('#') || t.starts_with('[') { line.to_owned() } else { format!("# {line}") }
}

/// Appends to a translated strings file, commented out with their English
/// values, the keys of the English strings it neither translates nor already
/// holds commented out, inside their `[table]`. Returns whether anything was
/// added.
fn append_missing_strings(path: &Path, english: &str) -> Result<bool, ScaffoldError> {
    let text = read(path)?;
    let (Ok(theirs), Ok(ours)) = (text.parse::<toml::Table>(), english.parse::<toml::Table>()) else {
        return Ok(false); // craftpub check reports the syntax error
    };
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut changed = false;
    for (table, values) in &ours {
        let toml::Value::Table(values) = values else { continue };
        let have = theirs.get(table).and_then(|t| t.as_table());
        let commented = |k: &str| {
            let prefix = format!("{} =", toml_key(k));
            lines.iter().any(|l| l.trim_start().strip_prefix('#').is_some_and(|c| c.trim_start().starts_with(&prefix)))
        };
        let missing: Vec<String> = values
            .iter()
            .filter(|(k, _)| have.is_none_or(|h| !h.contains_key(*k)) && !commented(k))
            .map(|(k, v)| format!("# {} = {v}", toml_key(k)))
            .collect();
        if missing.is_empty() {
            continue;
        }
        changed = true;
        let header = format!("[{table}]");
        match lines.iter().position(|l| l.trim() == header) {
            Some(at) => {
                for (i, line) in missing.into_iter().enumerate() {
                    lines.insert(at + 1 + i, line);
                }
            }
            None => {
                lines.push(String::new());
                lines.push(header);
                lines.extend(missing);
            }
        }
    }
    if changed {
        write(path, &(lines.join("\n") + "\n"))?;
    }
    Ok(changed)
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
pub(crate) fn toml_key(key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        key.to_owned()
    } else {
        toml::Value::String(key.to_owned()).to_string()
    }
}

/// Marks translations as updated: for each requirement ID, rewrites the
/// `source:` line of its block in `translations/<code>/<version>/` to the
/// current English fingerprint and removes `untranslated: true`; for a
/// chapter slug, rewrites the chapter's `source` in its front matter.
pub fn mark_updated(
    root: &Path,
    project: &Project,
    code: &str,
    version: &str,
    items: &[String],
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let v = project.version(version).ok_or_else(|| {
        let ids: Vec<&str> = project.versions.iter().map(|v| v.id.as_str()).collect();
        ScaffoldError::UnknownVersion(version.to_owned(), ids.join(", "))
    })?;
    let dir = root.join("translations").join(code).join(version);
    let translated = project.translation(code).and_then(|l| l.versions.get(version));
    let mut touched = Vec::new();
    for item in items {
        // A block still marked untranslated may be marked only once its text
        // is no longer the English one.
        let english_fp = |fp: &str| project.versions.iter().any(|v| v.fingerprints().iter().any(|f| f == fp));
        let untranslated = translated.is_some_and(|chapters| {
            chapters
                .get(item.as_str())
                .is_some_and(|c| c.untranslated && v.chapter(item).is_some_and(|e| translated_chapter_is_english(c, e)))
                || chapters.values().flat_map(|c| &c.requirements).any(|t| {
                    t.id == *item
                        && t.untranslated
                        && english_fp(&fingerprint::of_parts(&t.title, &t.body, t.guidance.as_deref()))
                })
        });
        if untranslated {
            return Err(ScaffoldError::StillUntranslated(item.clone(), dir.display().to_string()));
        }
        if let Some((chapter, r)) = v.requirement(item) {
            let path = dir.join(format!("{}.md", chapter.slug));
            let found = path.exists() && {
                let text = read(&path)?;
                match set_requirement_source(&text, item, &fingerprint::of_requirement(r)) {
                    Some(new) => {
                        write(&path, &new)?;
                        true
                    }
                    None => false,
                }
            };
            if !found {
                return Err(ScaffoldError::NotFound(format!("requirement {item}"), dir.display().to_string()));
            }
            touched.push(path);
        } else if let Some(chapter) = v.chapter(item) {
            let path = dir.join(format!("{}.md", chapter.slug));
            if !path.exists() {
                return Err(ScaffoldError::NotFound(format!("chapter {item}"), dir.display().to_string()));
            }
            let text = read(&path)?;
            write(&path, &set_chapter_source(&text, &fingerprint::of_chapter(chapter)))?;
            touched.push(path);
        } else {
            return Err(ScaffoldError::NotFound(item.clone(), format!("English version {version}")));
        }
    }
    Ok(touched)
}

/// Whether a translated chapter's title and prose are still the English ones.
fn translated_chapter_is_english(t: &TranslatedChapter, english: &Chapter) -> bool {
    let as_chapter = Chapter { title: t.title.clone(), blocks: t.blocks.clone(), ..english.clone() };
    fingerprint::of_chapter(&as_chapter) == fingerprint::of_chapter(english)
}

fn set_requirement_source(text: &str, id: &str, fp: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut in_meta = false;
    let mut found = false;
    let mut wrote_source = false;
    for line in text.split('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("::: requirement") {
            inside = rest.trim() == id;
            in_meta = inside;
            found |= inside;
            wrote_source = false;
            out.push(line.to_owned());
            continue;
        }
        if inside && in_meta {
            if t.is_empty() {
                if !wrote_source {
                    out.push(format!("source: {fp}"));
                }
                in_meta = false;
            } else if t.starts_with("source:") {
                out.push(format!("source: {fp}"));
                wrote_source = true;
                continue;
            } else if t.starts_with("untranslated:") {
                continue;
            }
        }
        if t == ":::" {
            inside = false;
        }
        out.push(line.to_owned());
    }
    found.then(|| out.join("\n"))
}

fn set_chapter_source(text: &str, fp: &str) -> String {
    let Some(rest) = text.strip_prefix("+++\n") else { return text.to_owned() };
    let Some(end) = rest.find("\n+++") else { return text.to_owned() };
    let front: Vec<&str> = rest[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("source") && !l.trim_start().starts_with("untranslated"))
        .collect();
    format!("+++\n{}\nsource = \"{fp}\"{}", front.join("\n"), &rest[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_rewrites_only_the_source_line() {
        let text = "::: requirement 1.1.1\ntitle: Uno\nsource: 0000000000000000\nuntranslated: true\n\nTexto.\n:::\n\n::: requirement 1.1.2\ntitle: Dos\nsource: 1111111111111111\n\nOtro.\n:::\n";
        let out = set_requirement_source(text, "1.1.1", "abcdefabcdefabcd").unwrap();
        assert!(out.contains("title: Uno\nsource: abcdefabcdefabcd\n\nTexto."), "{out}");
        assert!(out.contains("source: 1111111111111111"));
        assert!(set_requirement_source(text, "9.9.9", "abcdefabcdefabcd").is_none());
    }

    #[test]
    fn marking_a_chapter_sets_its_source() {
        let out = set_chapter_source(
            "+++\ntitle = \"Uno\"\nsource = \"0000000000000000\"\nuntranslated = true   # remove\n+++\n\nTexto\n",
            "abcdefabcdefabcd",
        );
        assert_eq!(out, "+++\ntitle = \"Uno\"\nsource = \"abcdefabcdefabcd\"\n+++\n\nTexto\n");
    }
}
