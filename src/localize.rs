//! Localisation: decides, for one language and one version, which text each
//! requirement and chapter shows and how current it is.
//!
//! Status is kept per requirement, never per site:
//! - **current**: a translation of the English text as it is now (found in the
//!   version's own folder, or reused from any other version of the language
//!   whose translation was made from the same English text);
//! - **outdated**: a translation exists, but of an earlier English text (the
//!   newest one is shown, with a notice);
//! - **missing**: nothing translated; the English text is shown.

pub mod fallback;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::model::*;

/// How a requirement or chapter stands in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TranslationStatus {
    /// Translated from the current English text.
    Current,
    /// Translated from an earlier English text.
    Outdated,
    /// Not translated.
    Missing,
}

impl TranslationStatus {
    /// `current`, `outdated` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            TranslationStatus::Current => "current",
            TranslationStatus::Outdated => "outdated",
            TranslationStatus::Missing => "missing",
        }
    }
}

/// The text a requirement shows in one language and version.
#[derive(Debug, Clone)]
pub struct LocalRequirement<'a> {
    /// The English requirement.
    pub source: &'a Requirement,
    /// The English fingerprint now.
    pub fingerprint: String,
    /// Current, outdated or missing.
    pub status: TranslationStatus,
    /// The translation shown, if any (outdated ones too).
    pub translation: Option<&'a TranslatedRequirement>,
    /// The translation folder's version the translation was found in.
    pub found_in: Option<&'a str>,
    /// The English version whose text the translation was made from, when known.
    pub translated_from: Option<String>,
    /// The requirement's ID in that version.
    pub translated_from_id: Option<String>,
}

impl LocalRequirement<'_> {
    /// The title shown.
    pub fn title(&self) -> &str {
        self.translation.map_or(&self.source.title, |t| &t.title)
    }

    /// The body shown.
    pub fn body(&self) -> &str {
        self.translation.map_or(&self.source.body, |t| &t.body)
    }

    /// The guidance shown.
    pub fn guidance(&self) -> Option<&str> {
        match self.translation {
            Some(t) => t.guidance.as_deref(),
            None => self.source.guidance.as_deref(),
        }
    }

    /// Whether the English text is shown.
    pub fn is_fallback(&self) -> bool {
        self.translation.is_none()
    }
}

/// The text a chapter's title and prose show in one language and version.
#[derive(Debug, Clone)]
pub struct LocalChapter<'a> {
    /// The English chapter.
    pub source: &'a Chapter,
    /// Current, outdated or missing (of the title and prose).
    pub status: TranslationStatus,
    /// The translated chapter used, if any.
    pub translation: Option<&'a TranslatedChapter>,
}

impl LocalChapter<'_> {
    /// The title shown.
    pub fn title(&self) -> &str {
        self.translation.map_or(&self.source.title, |t| &t.title)
    }

    /// The n-th prose piece and n-th section title of the translation, matched
    /// to the English chapter's by order: (text, is the English text).
    pub fn prose(&self, english_index: usize) -> (&str, bool) {
        let english = prose_pieces(&self.source.blocks);
        let translated = self.translation.map(|t| prose_pieces(&t.blocks)).unwrap_or_default();
        match (translated.get(english_index), english.get(english_index)) {
            (Some(t), Some(e)) if same_kind(t, e) => (text_of(t), false),
            (_, Some(e)) => (text_of(e), true),
            _ => ("", true),
        }
    }
}

fn prose_pieces(blocks: &[Block]) -> Vec<&Block> {
    blocks.iter().filter(|b| !matches!(b, Block::Requirement(_))).collect()
}

fn same_kind(a: &Block, b: &Block) -> bool {
    matches!((a, b), (Block::Prose { .. }, Block::Prose { .. }) | (Block::Section(_), Block::Section(_)))
}

fn text_of(b: &Block) -> &str {
    match b {
        Block::Prose { text, .. } => text,
        Block::Section(s) => &s.title,
        Block::Requirement(r) => &r.title,
    }
}

/// Everything needed to localise the editions of one language.
///
/// Each requirement is resolved once: the first question about a version
/// resolves all its requirements, and later ones are answered from that.
pub struct Localizer<'a> {
    project: &'a Project,
    is_source: bool,
    lang: Option<&'a LanguageSource>,
    /// Every translated block (not marked untranslated) with its version folder.
    translations: Vec<(&'a str, &'a TranslatedRequirement)>,
    /// Translated fingerprint -> translations with it (positions in `translations`).
    by_source: HashMap<&'a str, Vec<usize>>,
    /// (version folder, id) -> the first translated block (position in `translations`).
    by_id: HashMap<(&'a str, &'a str), usize>,
    /// Per version of the project (by position): its requirements, resolved.
    resolved: Vec<OnceLock<Vec<Resolved>>>,
}

/// How a requirement resolved, by positions (see [`LocalRequirement`]).
#[derive(Debug, Clone)]
struct Resolved {
    fingerprint: String,
    status: TranslationStatus,
    /// Position in `Localizer::translations`.
    translation: Option<usize>,
    /// Position of the version in the project.
    found_in: Option<usize>,
    translated_from: Option<String>,
    translated_from_id: Option<String>,
}

impl<'a> Localizer<'a> {
    /// A localiser for the language `code`; for the source language every
    /// requirement is current and shown in English.
    pub fn new(project: &'a Project, code: &str) -> Self {
        let lang = project.translation(code).filter(|_| code != project.standard.source_language);
        let mut translations = Vec::new();
        let mut by_source: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_id = HashMap::new();
        if let Some(lang) = lang {
            for (version, chapters) in &lang.versions {
                for chapter in chapters.values() {
                    for t in chapter.requirements.iter().filter(|t| !t.untranslated) {
                        let i = translations.len();
                        translations.push((version.as_str(), t));
                        by_source.entry(t.source.as_str()).or_default().push(i);
                        by_id.entry((version.as_str(), t.id.as_str())).or_insert(i);
                    }
                }
            }
        }
        let is_source = code == project.standard.source_language;
        let resolved = project.versions.iter().map(|_| OnceLock::new()).collect();
        Localizer { project, is_source, lang, translations, by_source, by_id, resolved }
    }

    /// Whether this is the source language.
    pub fn is_source(&self) -> bool {
        self.is_source
    }

    /// The resolved requirements of `version` when it is one of the project's.
    fn cached(&self, version: &Version) -> Option<&[Resolved]> {
        let i = self.project.version_position(&version.id)?;
        if !std::ptr::eq(&self.project.versions[i], version) {
            return None;
        }
        let all =
            self.resolved[i].get_or_init(|| version.requirements().map(|(_, r)| self.resolve(version, r)).collect());
        Some(all)
    }

    fn local<'r>(&self, r: &'r Requirement, resolved: &Resolved) -> LocalRequirement<'r>
    where
        'a: 'r,
    {
        LocalRequirement {
            source: r,
            fingerprint: resolved.fingerprint.clone(),
            status: resolved.status,
            translation: resolved.translation.map(|i| self.translations[i].1),
            found_in: resolved.found_in.map(|i| self.project.versions[i].id.as_str()),
            translated_from: resolved.translated_from.clone(),
            translated_from_id: resolved.translated_from_id.clone(),
        }
    }

    /// Resolves requirement `r` of `version`.
    pub fn requirement<'r>(&self, version: &'r Version, r: &'r Requirement) -> LocalRequirement<'r>
    where
        'a: 'r,
    {
        if let Some(n) = version.requirement_position(r)
            && let Some(resolved) = self.cached(version).and_then(|all| all.get(n))
        {
            return self.local(r, resolved);
        }
        self.local(r, &self.resolve(version, r))
    }

    fn resolve(&self, version: &Version, r: &Requirement) -> Resolved {
        let mut local = Resolved {
            fingerprint: version.fingerprint_of(r),
            status: TranslationStatus::Current,
            translation: None,
            found_in: None,
            translated_from: None,
            translated_from_id: None,
        };
        if self.is_source() {
            return local;
        }
        local.status = TranslationStatus::Missing;
        // 1. The version's own folder.
        let own = self.by_id.get(&(version.id.as_str(), r.id.as_str())).copied();
        if let Some(t) = own.filter(|&t| self.translations[t].1.source == local.fingerprint) {
            return self.found(local, TranslationStatus::Current, &version.id, t);
        }
        // 2. A translation of the same English text in any version: reuse it,
        //    preferring one under the same ID, then the newest version.
        if let Some(candidates) = self.by_source.get(local.fingerprint.as_str()) {
            let same_id = self.newest(candidates.iter().copied().filter(|&t| self.translations[t].1.id == r.id));
            if let Some(t) = same_id.or_else(|| self.newest(candidates.iter().copied())) {
                return self.found(local, TranslationStatus::Current, self.translations[t].0, t);
            }
        }
        // 3. An older translation of this requirement, under its ID in this
        //    version or an earlier one (following renumberings).
        let lineage = std::iter::once((version.id.as_str(), r.id.as_str()))
            .chain(self.project.earlier(&version.id, &r.id).map(|(v, id)| (v.id.as_str(), id)));
        for (v, id) in lineage {
            if let Some(&t) = self.by_id.get(&(v, id)) {
                let found_in = self.project.version(v).map_or("", |x| x.id.as_str());
                return self.found(local, TranslationStatus::Outdated, found_in, t);
            }
        }
        local
    }

    /// The candidate from the newest version (the last one among equals).
    fn newest(&self, candidates: impl Iterator<Item = usize>) -> Option<usize> {
        candidates.max_by_key(|&t| self.project.version_position(self.translations[t].0))
    }

    fn found(&self, mut local: Resolved, status: TranslationStatus, found_in: &str, t: usize) -> Resolved {
        local.status = status;
        local.translation = Some(t);
        local.found_in = self.project.version_position(found_in);
        let from = self.project.english_text(&self.translations[t].1.source);
        local.translated_from = from.map(|(v, _)| v.id.clone());
        local.translated_from_id = from.map(|(_, r)| r.id.clone());
        local
    }

    /// Resolves chapter `c` of `version`: its title and prose.
    pub fn chapter(&self, version: &'a Version, c: &'a Chapter) -> LocalChapter<'a> {
        if self.is_source {
            return LocalChapter { source: c, status: TranslationStatus::Current, translation: None };
        }
        let Some(lang) = self.lang else {
            return LocalChapter { source: c, status: TranslationStatus::Missing, translation: None };
        };
        let fp = version.chapter_fingerprint(c);
        let own = lang.versions.get(&version.id).and_then(|chs| chs.get(&c.slug)).filter(|t| !t.untranslated);
        let fresh = |t: &TranslatedChapter| t.source.as_deref().is_none_or(|s| s == fp);
        if let Some(t) = own.filter(|t| fresh(t)) {
            return LocalChapter { source: c, status: TranslationStatus::Current, translation: Some(t) };
        }
        // Reuse a translation of the same English text from any version; else
        // show the newest translation from this or an earlier version, outdated.
        let position = |id: &str| self.project.version_position(id);
        let here = position(&version.id);
        let mut newest_earlier = None;
        for v in self.project.versions.iter().rev() {
            let Some(t) = lang.versions.get(&v.id).and_then(|chs| chs.get(&c.slug)).filter(|t| !t.untranslated) else {
                continue;
            };
            if t.source.as_deref() == Some(fp.as_str()) {
                return LocalChapter { source: c, status: TranslationStatus::Current, translation: Some(t) };
            }
            if newest_earlier.is_none() && position(&v.id) <= here {
                newest_earlier = Some(t);
            }
        }
        match own.or(newest_earlier) {
            Some(t) => LocalChapter { source: c, status: TranslationStatus::Outdated, translation: Some(t) },
            None => LocalChapter { source: c, status: TranslationStatus::Missing, translation: None },
        }
    }

    /// Every requirement of `version`, resolved, in reading order.
    pub fn requirements<'r>(&self, version: &'r Version) -> Vec<LocalRequirement<'r>>
    where
        'a: 'r,
    {
        match self.cached(version) {
            Some(all) => version.requirements().zip(all).map(|((_, r), resolved)| self.local(r, resolved)).collect(),
            None => version.requirements().map(|(_, r)| self.local(r, &self.resolve(version, r))).collect(),
        }
    }
}

/// Translation coverage of one edition.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Coverage {
    /// Requirements translated from the current English text.
    pub current: usize,
    /// Requirements translated from an older English text.
    pub outdated: usize,
    /// Requirements not translated.
    pub missing: usize,
}

impl Coverage {
    /// Counts the statuses of `reqs`.
    pub fn of(reqs: &[LocalRequirement]) -> Self {
        let mut c = Coverage::default();
        for r in reqs {
            match r.status {
                TranslationStatus::Current => c.current += 1,
                TranslationStatus::Outdated => c.outdated += 1,
                TranslationStatus::Missing => c.missing += 1,
            }
        }
        c
    }
}
