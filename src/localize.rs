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

use std::collections::BTreeMap;

use serde::Serialize;

use crate::fingerprint;
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
pub struct Localizer<'a> {
    project: &'a Project,
    is_source: bool,
    lang: Option<&'a LanguageSource>,
    /// English fingerprint -> (version, id), oldest first.
    english: BTreeMap<String, Vec<(&'a str, &'a str)>>,
    /// Translated fingerprint -> translations with it (version folder, block).
    by_source: BTreeMap<&'a str, Vec<(&'a str, &'a TranslatedRequirement)>>,
    /// (version folder, id) -> translated block.
    by_id: BTreeMap<(&'a str, &'a str), &'a TranslatedRequirement>,
}

impl<'a> Localizer<'a> {
    /// A localiser for the language `code`; for the source language every
    /// requirement is current and shown in English.
    pub fn new(project: &'a Project, code: &str) -> Self {
        let lang = project.translation(code).filter(|_| code != project.standard.source_language);
        let mut english: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
        let mut by_source: BTreeMap<&str, Vec<(&str, &TranslatedRequirement)>> = BTreeMap::new();
        let mut by_id = BTreeMap::new();
        if let Some(lang) = lang {
            for v in &project.versions {
                for (_, r) in v.requirements() {
                    english.entry(fingerprint::of_requirement(r)).or_default().push((&v.id, &r.id));
                }
            }
            for (version, chapters) in &lang.versions {
                for chapter in chapters.values() {
                    for t in chapter.requirements.iter().filter(|t| !t.untranslated) {
                        by_source.entry(&t.source).or_default().push((version, t));
                        by_id.entry((version.as_ref(), t.id.as_ref())).or_insert(t);
                    }
                }
            }
        }
        let is_source = code == project.standard.source_language;
        Localizer { project, is_source, lang, english, by_source, by_id }
    }

    /// Whether this is the source language.
    pub fn is_source(&self) -> bool {
        self.is_source
    }

    /// Resolves requirement `r` of `version`.
    pub fn requirement(&self, version: &'a Version, r: &'a Requirement) -> LocalRequirement<'a> {
        let fp = fingerprint::of_requirement(r);
        let mut local = LocalRequirement {
            source: r,
            fingerprint: fp,
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
        if let Some(t) = own.filter(|t| t.source == local.fingerprint) {
            return self.found(local, TranslationStatus::Current, &version.id, t);
        }
        // 2. A translation of the same English text in any version: reuse it,
        //    preferring one under the same ID, then the newest version.
        if let Some(candidates) = self.by_source.get(local.fingerprint.as_str()) {
            let same_id = self.newest(candidates.iter().filter(|(_, t)| t.id == r.id));
            if let Some((v, t)) = same_id.or_else(|| self.newest(candidates.iter())) {
                return self.found(local, TranslationStatus::Current, v, t);
            }
        }
        // 3. An older translation of this requirement, under its ID in this
        //    version or an earlier one (following renumberings).
        let lineage =
            std::iter::once((version.id.clone(), r.id.clone())).chain(self.project.earlier_ids(&version.id, &r.id));
        for (v, id) in lineage {
            if let Some(t) = self.by_id.get(&(v.as_str(), id.as_str())) {
                let found_in = self.project.version(&v).map_or("", |x| x.id.as_str());
                return self.found(local, TranslationStatus::Outdated, found_in, t);
            }
        }
        local
    }

    /// The candidate from the newest version (the last one among equals).
    fn newest<'b>(
        &self,
        candidates: impl Iterator<Item = &'b (&'a str, &'a TranslatedRequirement)>,
    ) -> Option<(&'a str, &'a TranslatedRequirement)>
    where
        'a: 'b,
    {
        let rank = |v: &str| self.project.versions.iter().position(|x| x.id == v);
        candidates.max_by_key(|(v, _)| rank(v)).copied()
    }

    fn found(
        &self,
        mut local: LocalRequirement<'a>,
        status: TranslationStatus,
        found_in: &str,
        t: &'a TranslatedRequirement,
    ) -> LocalRequirement<'a> {
        local.status = status;
        local.translation = Some(t);
        local.found_in = self.project.versions.iter().find(|v| v.id == found_in).map(|v| v.id.as_str());
        let from = self.english.get(&t.source).and_then(|list| list.last());
        local.translated_from = from.map(|(v, _)| (*v).to_owned());
        local.translated_from_id = from.map(|(_, id)| (*id).to_owned());
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
        let fp = fingerprint::of_chapter(c);
        let own = lang.versions.get(&version.id).and_then(|chs| chs.get(&c.slug)).filter(|t| !t.untranslated);
        let fresh = |t: &TranslatedChapter| t.source.as_deref().is_none_or(|s| s == fp);
        if let Some(t) = own.filter(|t| fresh(t)) {
            return LocalChapter { source: c, status: TranslationStatus::Current, translation: Some(t) };
        }
        // Reuse a translation of the same English text from any version; else
        // show the newest translation from this or an earlier version, outdated.
        let position = |id: &str| self.project.versions.iter().position(|v| v.id == id);
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
    pub fn requirements(&self, version: &'a Version) -> Vec<LocalRequirement<'a>> {
        version.requirements().map(|(_, r)| self.requirement(version, r)).collect()
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
