//! Translation status reports: per language and version, the coverage and
//! the list of outdated and missing requirements, with the English change
//! behind each outdated one. Used by `craftpub status`, the site's status
//! pages and the exports.

use serde::Serialize;

use crate::diff::{Op, WordOp, word_diff};
use crate::localize::{Coverage, Localizer, TranslationStatus};
use crate::model::*;

/// The status of one edition (a version in a language).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EditionStatus {
    /// Language code.
    pub lang: String,
    /// Version ID.
    pub version: String,
    /// Requirements in the version.
    pub total: usize,
    /// Counts per status.
    pub coverage: Coverage,
    /// Requirements whose translation is older than the English text.
    pub outdated: Vec<OutdatedRequirement>,
    /// Requirements with no translation.
    pub missing: Vec<MissingRequirement>,
    /// Chapters whose title and prose are outdated or not translated.
    pub chapters: Vec<ChapterStatus>,
    /// The interface strings (per language, the same in each of its editions).
    pub strings: StringsStatus,
}

/// How many of the theme's interface strings a language translates.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct StringsStatus {
    /// Strings in theme/strings.toml.
    pub total: usize,
    /// Strings the language translates.
    pub translated: usize,
    /// The keys it does not translate (`table.key`), shown in English.
    pub missing: Vec<String>,
}

impl StringsStatus {
    /// Holds the strings a language translates against the English ones.
    pub fn of(english: &toml::Table, translated: &toml::Table) -> Self {
        fn walk(english: &toml::Table, translated: Option<&toml::Table>, prefix: &str, out: &mut StringsStatus) {
            for (key, value) in english {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                match value {
                    toml::Value::Table(t) => {
                        walk(t, translated.and_then(|x| x.get(key)).and_then(|x| x.as_table()), &name, out)
                    }
                    // An empty English string has nothing to translate.
                    toml::Value::String(s) if s.is_empty() => {}
                    _ => {
                        out.total += 1;
                        if translated.is_some_and(|x| x.get(key).is_some_and(|v| !v.is_table())) {
                            out.translated += 1;
                        } else {
                            out.missing.push(name);
                        }
                    }
                }
            }
        }
        let mut out = StringsStatus::default();
        walk(english, Some(translated), "", &mut out);
        out
    }
}

/// A chapter whose own text (title, prose, headings) is not current.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChapterStatus {
    /// The chapter's file name without `.md`.
    pub slug: String,
    /// Its English title.
    pub title: String,
    /// outdated or missing.
    pub status: TranslationStatus,
    /// The file holding the translation shown, relative to the root, if any.
    pub file: Option<String>,
    /// The English version the translation was made from, when known.
    pub translated_from: Option<String>,
    /// Word diff of the chapter's English text (title, headings, prose) from
    /// the version translated to now; empty when the earlier text is unknown.
    pub english_changes: Vec<WordOp>,
    /// What is not current: `title`, `text` (headings and prose), or both
    /// (both when the English the translation was made from is unknown).
    pub parts: Vec<&'static str>,
}

impl ChapterStatus {
    /// What is not current, for people: "title and text", "title" or "text".
    pub fn parts_label(&self) -> String {
        self.parts.join(" and ")
    }
}

/// A chapter's own English text: its title, headings and prose.
fn chapter_text(c: &Chapter) -> String {
    let mut t = c.title.clone();
    t.push_str(&chapter_prose(c));
    t
}

/// A chapter's English headings and prose, without its title.
fn chapter_prose(c: &Chapter) -> String {
    let mut t = String::new();
    for b in &c.blocks {
        match b {
            Block::Prose { text, .. } => {
                t.push_str("\n\n");
                t.push_str(text.trim());
            }
            Block::Section(s) => {
                t.push_str("\n\n");
                t.push_str(&s.title);
            }
            Block::Requirement(_) => {}
        }
    }
    t
}

/// The English chapter whose own text has the fingerprint `fp`, newest first.
fn english_chapter<'p>(project: &'p Project, fp: &str) -> Option<(&'p Version, &'p Chapter)> {
    project
        .versions
        .iter()
        .rev()
        .find_map(|v| v.chapters.iter().find(|c| v.chapter_fingerprint(c) == fp).map(|c| (v, c)))
}

/// An outdated translation and the English change behind it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OutdatedRequirement {
    /// The requirement's ID.
    pub id: String,
    /// Its English title now.
    pub title: String,
    /// The English version the translation was made from, when known.
    pub translated_from: Option<String>,
    /// The file holding the translation, relative to the root.
    pub file: String,
    /// The line of its block.
    pub line: usize,
    /// The English fingerprint now (what `source:` should become once updated).
    pub source: String,
    /// Word diff of the English text (title, body, guidance) from the version
    /// translated to now; empty when the earlier text is unknown.
    pub english_changes: Vec<WordOp>,
}

/// A requirement with no translation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MissingRequirement {
    /// The requirement's ID.
    pub id: String,
    /// Its English title.
    pub title: String,
}

fn full_text(title: &str, body: &str, guidance: Option<&str>) -> String {
    let mut t = format!("{title}\n\n{}", body.trim_end());
    if let Some(g) = guidance {
        t.push_str("\n\n");
        t.push_str(g.trim_end());
    }
    t
}

/// The status of every edition of every translation, optionally limited to
/// one language and one version; sorted by language, then version. Interface
/// strings are counted against `english_strings` (the theme's
/// `strings.toml`, [`crate::render::Theme::english_strings`]); file paths are
/// relative to the project's root.
pub fn report(
    project: &Project,
    english_strings: &toml::Table,
    lang: Option<&str>,
    version: Option<&str>,
) -> Vec<EditionStatus> {
    let mut out = Vec::new();
    let root = project.root.as_path();
    let relative = |f: &std::path::Path| f.strip_prefix(root).unwrap_or(f).to_string_lossy().replace('\\', "/");
    for source in project.translations.iter().filter(|t| lang.is_none_or(|l| l == t.language.code)) {
        let localizer = Localizer::new(project, &source.language.code);
        let strings = StringsStatus::of(english_strings, &source.strings);
        for v in project.versions.iter().filter(|v| version.is_none_or(|x| x == v.id)) {
            let reqs = localizer.requirements(v);
            let mut status = EditionStatus {
                lang: source.language.code.clone(),
                version: v.id.clone(),
                total: reqs.len(),
                coverage: Coverage::of(&reqs),
                outdated: Vec::new(),
                missing: Vec::new(),
                chapters: v
                    .chapters
                    .iter()
                    .map(|c| localizer.chapter(v, c))
                    .filter(|c| c.status != TranslationStatus::Current)
                    .map(|c| {
                        let before =
                            c.translation.and_then(|t| t.source.as_deref()).and_then(|fp| english_chapter(project, fp));
                        ChapterStatus {
                            slug: c.source.slug.clone(),
                            title: c.source.title.clone(),
                            status: c.status,
                            file: c.translation.map(|t| relative(&t.file)),
                            translated_from: before.map(|(v, _)| v.id.clone()),
                            english_changes: before
                                .map(|(_, old)| word_diff(&chapter_text(old), &chapter_text(c.source)))
                                .unwrap_or_default(),
                            parts: match (c.status, before) {
                                (TranslationStatus::Outdated, Some((_, old))) => {
                                    let title = old.title != c.source.title;
                                    let text = chapter_prose(old) != chapter_prose(c.source);
                                    match (title, text) {
                                        (true, false) => vec!["title"],
                                        (false, true) => vec!["text"],
                                        _ => vec!["title", "text"],
                                    }
                                }
                                _ => vec!["title", "text"],
                            },
                        }
                    })
                    .collect(),
                strings: strings.clone(),
            };
            for r in &reqs {
                match (r.status, r.translation) {
                    (TranslationStatus::Outdated, Some(t)) => {
                        let before = r
                            .translated_from
                            .as_deref()
                            .zip(r.translated_from_id.as_deref())
                            .and_then(|(fv, fid)| project.version(fv).and_then(|x| x.requirement(fid)))
                            .map(|(_, old)| full_text(&old.title, &old.body, old.guidance.as_deref()));
                        let now = full_text(&r.source.title, &r.source.body, r.source.guidance.as_deref());
                        status.outdated.push(OutdatedRequirement {
                            id: r.source.id.clone(),
                            title: r.source.title.clone(),
                            translated_from: r.translated_from.clone(),
                            file: relative(&t.file),
                            line: t.line,
                            source: r.fingerprint.clone(),
                            english_changes: before.map(|b| word_diff(&b, &now)).unwrap_or_default(),
                        });
                    }
                    (TranslationStatus::Missing, _) => status
                        .missing
                        .push(MissingRequirement { id: r.source.id.clone(), title: r.source.title.clone() }),
                    _ => {}
                }
            }
            out.push(status);
        }
    }
    out
}

/// Renders word operations for a terminal: `[-deleted-]{+inserted+}`, or in
/// colour (red and green) when `colour` is set.
///
/// No line break falls inside a change: the lines of a paragraph are
/// joined (the terminal wraps them), and a change that spans paragraphs is
/// closed at the end of each and opened again on the next, so that a
/// caller printing the result line by line never cuts `[-basic` / `-]measures`.
pub fn ops_to_terminal(ops: &[WordOp], colour: bool) -> String {
    let wrap = |op: Op, text: &str| match (op, colour) {
        (Op::Insert, true) => format!("\x1b[32;4m{text}\x1b[0m"),
        (Op::Delete, true) => format!("\x1b[31;9m{text}\x1b[0m"),
        (Op::Insert, false) => format!("{{+{text}+}}"),
        (Op::Delete, false) => format!("[-{text}-]"),
        (Op::Equal, _) => text.to_owned(),
    };
    ops.iter()
        .map(|o| {
            o.text
                .split("\n\n")
                .map(|p| if p.is_empty() { String::new() } else { wrap(o.op, &p.replace('\n', " ")) })
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .collect()
}
