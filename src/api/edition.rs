//! An edition (a version in a language) as data: `edition.json`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{FORMAT_VERSION, Links, schema_url};
use crate::diff::Lineage;
use crate::localize::{Coverage, LocalRequirement, Localizer, TranslationStatus};
use crate::markdown;
use crate::model::*;
use crate::urls;

/// `api/<lang>/<version>/edition.json`: the whole edition.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EditionExport {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// The standard's short title.
    pub standard: String,
    /// The version of the standard.
    pub version: EditionVersion,
    /// The language of the edition (BCP 47 code).
    pub lang: String,
    /// The writing direction of the language.
    pub dir: Direction,
    /// The language of the official text; shown where a translation is missing.
    pub source_language: String,
    /// The edition's home page.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
    /// This file.
    #[schemars(extend("format" = "uri-reference"))]
    pub json: String,
    /// The edition's requirements as CSV.
    #[schemars(extend("format" = "uri-reference"))]
    pub csv: String,
    /// The edition's translation status as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub status_json: String,
    /// The labels of every code (level, roles, ...) in the edition's language.
    #[schemars(extend("format" = "uri-reference"))]
    pub vocabulary: String,
    /// The version's amendment history as data (what changed since the
    /// previous version, and why); null for a first version.
    #[schemars(extend("format" = "uri-reference"))]
    pub amendments: Option<String>,
    /// How many requirements are current, outdated and missing in this language.
    pub coverage: Coverage,
    /// The chapters in reading order, with their sections and the IDs of
    /// their requirements.
    pub chapters: Vec<ChapterExport>,
    /// Every requirement of the edition in reading order.
    pub requirements: Vec<RequirementExport>,
}

/// The version an edition is of.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EditionVersion {
    /// The version's ID, e.g. `2.1`.
    pub id: String,
    /// Release date, YYYY-MM-DD.
    pub date: String,
    /// The release status: draft, current or superseded.
    pub status: Status,
    /// The version it revises.
    pub previous: Option<String>,
    /// Whether `<lang>/latest/` resolves to it.
    pub latest: bool,
}

/// A chapter of an edition.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChapterExport {
    /// The chapter's slug (its file name without `.md`); links a chapter
    /// across versions.
    pub slug: String,
    /// The title, in the edition's language where translated.
    pub title: String,
    /// introduction, module, scheme, glossary or annex.
    pub kind: ChapterKind,
    /// For modules and schemes: the first number of their requirement IDs.
    pub module: Option<String>,
    /// The chapter's page.
    #[schemars(extend("format" = "uri-reference"))]
    pub url: String,
    /// The translation status of the chapter's own text (title, prose,
    /// headings); absent in the source language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation_status: Option<TranslationStatus>,
    /// The prose before the first section, Markdown.
    pub text: String,
    /// The same prose as HTML (sanitised; cross-references are links).
    pub html: String,
    /// The chapter's `##` sections in order.
    pub sections: Vec<SectionExport>,
    /// The IDs of every requirement of the chapter, in order.
    pub requirements: Vec<String>,
}

/// A `##` section of a chapter.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SectionExport {
    /// The anchor of the heading on the chapter's page.
    pub anchor: String,
    /// The heading.
    pub title: String,
    /// The section on its chapter's page, with its anchor.
    #[schemars(extend("format" = "uri-reference"))]
    pub url: String,
    /// The section's prose (without its requirements), Markdown.
    pub text: String,
    /// The same prose as HTML.
    pub html: String,
    /// The IDs of the section's requirements, in order.
    pub requirements: Vec<String>,
}

/// A requirement's metadata, with the keys and values of the sources.
///
/// `applies-to`, `oecd` and `commodities` are open vocabularies: a later
/// version may add a value (a commodity, a role), so the schema takes any
/// string, and the language's vocabulary export lists the values and their
/// labels. `level` and `timeframe` are closed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MetadataExport {
    /// Who it applies to: codes of the vocabulary's `applies-to` terms
    /// (`producer`, `buyer`, `implementer`, `scheme-operator`, ...).
    #[serde(rename = "applies-to")]
    #[schemars(with = "Vec<String>")]
    pub applies_to: Vec<Role>,
    /// obligation or recommendation.
    pub level: Level,
    /// When it must be met.
    pub timeframe: Timeframe,
    /// The OECD Annex II risks it addresses (empty: none declared): codes of
    /// the vocabulary's `oecd` terms.
    #[schemars(with = "Vec<String>")]
    pub oecd: Vec<OecdRisk>,
    /// The commodities it is specific to (empty: all commodities): codes of
    /// the vocabulary's `commodities` terms (`gold`, `3t`, `cobalt`,
    /// `gemstones`, ...).
    #[schemars(with = "Vec<String>")]
    pub commodities: Vec<Commodity>,
}

impl MetadataExport {
    /// The export form of a requirement's metadata.
    pub fn of(meta: &RequirementMeta) -> Self {
        MetadataExport {
            applies_to: meta.applies_to.clone(),
            level: meta.level,
            timeframe: meta.timeframe,
            oecd: meta.oecd.clone(),
            commodities: meta.commodities.clone(),
        }
    }
}

/// A requirement's ID in a version.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq, Eq)]
pub struct VersionedId {
    /// The version.
    pub version: String,
    /// The requirement's ID in that version.
    pub id: String,
}

/// A requirement of an edition.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RequirementExport {
    /// The stable ID, e.g. `3.1.2`.
    pub id: String,
    /// The title, in the edition's language where translated.
    pub title: String,
    /// The module: the first number of the ID.
    pub module: String,
    /// The slug of the chapter it is in.
    pub chapter: String,
    /// The anchor of the section it is in, if any.
    pub section: Option<String>,
    /// The body, Markdown.
    pub text: String,
    /// The body as HTML (sanitised; cross-references are links).
    pub html: String,
    /// The guidance, Markdown, when there is some.
    pub guidance: Option<String>,
    /// The guidance as HTML.
    pub guidance_html: Option<String>,
    /// The metadata.
    pub metadata: MetadataExport,
    /// The language the title and texts are in: the edition's, or the
    /// source language where the translation is missing.
    pub text_lang: String,
    /// The canonical page of the requirement, with its anchor.
    #[schemars(extend("format" = "uri-reference"))]
    pub url: String,
    /// The requirement's history page (every version of it).
    #[schemars(extend("format" = "uri-reference"))]
    pub history: Option<String>,
    /// The requirement's history as data: its ID, status, change and text
    /// in every version.
    #[schemars(extend("format" = "uri-reference"))]
    pub history_json: Option<String>,
    /// The first version it is in, following renumberings (this version
    /// for a new requirement).
    pub since: String,
    /// The earlier versions in which it had another ID, newest first, with
    /// that ID (following renumberings). In every other version from `since`
    /// on it had the ID it has now; `history_json` gives every version.
    pub earlier_ids: Vec<VersionedId>,
    /// The fingerprint of the source-language text now.
    pub fingerprint: String,
    /// In a translation: `current` (translated from the text now),
    /// `outdated` (translated from an earlier text) or `missing` (not
    /// translated; the source text is given). Absent in the source language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation_status: Option<TranslationStatus>,
    /// In a translation: the fingerprint of the source-language text the
    /// translation was made from (equal to `fingerprint` when current).
    /// Absent when missing, and in the source language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_from_fingerprint: Option<String>,
    /// For an outdated translation: the version (and ID) whose source text
    /// the translation was made from, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_from: Option<VersionedId>,
}

/// The requirement lineages of a project and their index, for history links.
pub struct History<'a> {
    /// Every lineage.
    pub lineages: &'a [Lineage],
    /// (version, ID) to the position of its lineage.
    pub index: &'a BTreeMap<(String, String), usize>,
}

/// Joins Markdown pieces with blank lines, leaving out empty ones.
fn join(pieces: &[&str]) -> String {
    pieces.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

/// The edition of `version` in `language`.
pub fn edition(
    project: &Project,
    history: &History,
    links: &Links,
    localizer: &Localizer,
    language: &Language,
    version: &Version,
) -> EditionExport {
    let code = language.code.as_str();
    let source = project.standard.source_language.as_str();
    let is_source = localizer.is_source();
    let index = version.requirement_index();
    let file = urls::edition_json(code, &version.id);
    let href = |to: &str| links.href(&file, to);
    let resolve = |id: &str| {
        let id = if index.contains_key(id) {
            Some(id)
        } else {
            crate::diff::id_in_version(history.lineages, &version.id, id)
        };
        id.and_then(|id| index.get(id).map(|slug| href(&urls::requirement(code, &version.id, slug, id))))
    };
    let html = |text: &str| if text.is_empty() { String::new() } else { markdown::to_html(text, &resolve) };

    let mut chapters = Vec::new();
    let mut requirements = Vec::new();
    let mut all_local = Vec::new();
    for chapter in &version.chapters {
        let lch = localizer.chapter(version, chapter);
        let page = urls::chapter(code, &version.id, &chapter.slug);
        let mut intro: Vec<&str> = Vec::new();
        let mut sections: Vec<(SectionExport, Vec<&str>)> = Vec::new();
        let mut ids = Vec::new();
        let mut n = 0;
        for block in &chapter.blocks {
            match block {
                Block::Prose { .. } => {
                    let (text, _) = lch.prose(n);
                    n += 1;
                    match sections.last_mut() {
                        Some((_, parts)) => parts.push(text),
                        None => intro.push(text),
                    }
                }
                Block::Section(s) => {
                    let (title, _) = lch.prose(n);
                    n += 1;
                    let section = SectionExport {
                        anchor: s.anchor.clone(),
                        title: title.to_owned(),
                        url: href(&format!("{page}#{}", s.anchor)),
                        text: String::new(),
                        html: String::new(),
                        requirements: Vec::new(),
                    };
                    sections.push((section, Vec::new()));
                }
                Block::Requirement(r) => {
                    let local = localizer.requirement(version, r);
                    ids.push(r.id.clone());
                    if let Some((section, _)) = sections.last_mut() {
                        section.requirements.push(r.id.clone());
                    }
                    requirements.push(requirement(project, history, &href, code, version, chapter, &local, &html));
                    all_local.push(local);
                }
            }
        }
        let intro = join(&intro);
        chapters.push(ChapterExport {
            slug: chapter.slug.clone(),
            title: lch.title().to_owned(),
            kind: chapter.kind,
            module: chapter.module.clone(),
            url: href(&page),
            translation_status: (!is_source).then_some(lch.status),
            html: html(&intro),
            text: intro,
            sections: sections
                .into_iter()
                .map(|(mut s, parts)| {
                    s.text = join(&parts);
                    s.html = html(&s.text);
                    s
                })
                .collect(),
            requirements: ids,
        });
    }
    let latest = project.latest().map(|v| v.id.as_str());
    EditionExport {
        schema: schema_url("edition"),
        format_version: FORMAT_VERSION,
        standard: project.standard.title.clone(),
        version: EditionVersion {
            id: version.id.clone(),
            date: version.date.clone(),
            status: version.status,
            previous: version.previous.clone(),
            latest: latest == Some(version.id.as_str()),
        },
        lang: code.to_owned(),
        dir: language.dir,
        source_language: source.to_owned(),
        html: href(&urls::edition_home(code, &version.id)),
        json: href(&file),
        csv: href(&urls::edition_csv(code, &version.id)),
        status_json: href(&urls::status_json(code, &version.id)),
        vocabulary: href(&urls::vocabulary_json(code)),
        amendments: super::history::has_amendments(project, version).then(|| href(&urls::amendments_json(&version.id))),
        coverage: Coverage::of(&all_local),
        chapters,
        requirements,
    }
}

/// One requirement as the edition `code` of `version` shows it.
#[allow(clippy::too_many_arguments)]
fn requirement(
    project: &Project,
    history: &History,
    href: &dyn Fn(&str) -> String,
    code: &str,
    version: &Version,
    chapter: &Chapter,
    local: &LocalRequirement,
    html: &dyn Fn(&str) -> String,
) -> RequirementExport {
    let r = local.source;
    let source = project.standard.source_language.as_str();
    let is_source = code == source;
    let key = (version.id.clone(), r.id.clone());
    RequirementExport {
        id: r.id.clone(),
        title: local.title().to_owned(),
        module: r.id.split('.').next().unwrap_or_default().to_owned(),
        chapter: chapter.slug.clone(),
        section: r.section.clone(),
        text: local.body().trim().to_owned(),
        html: html(local.body().trim()),
        guidance: local.guidance().map(|g| g.trim().to_owned()),
        guidance_html: local.guidance().map(|g| html(g.trim())),
        metadata: MetadataExport::of(&r.meta),
        text_lang: if local.is_fallback() { source } else { code }.to_owned(),
        url: href(&urls::requirement(code, &version.id, &chapter.slug, &r.id)),
        history: history.index.get(&key).map(|&i| href(&urls::history(code, &history.lineages[i].name))),
        history_json: history.index.get(&key).map(|&i| href(&urls::history_json(code, &history.lineages[i].name))),
        since: project.earlier(&version.id, &r.id).last().map_or(&version.id, |(v, _)| &v.id).clone(),
        earlier_ids: project
            .earlier(&version.id, &r.id)
            .filter(|(_, id)| *id != r.id)
            .map(|(v, id)| VersionedId { version: v.id.clone(), id: id.to_owned() })
            .collect(),
        fingerprint: local.fingerprint.clone(),
        translation_status: (!is_source).then_some(local.status),
        translated_from_fingerprint: if is_source { None } else { local.translation.map(|t| t.source.clone()) },
        translated_from: if local.status != TranslationStatus::Outdated {
            None
        } else {
            local
                .translated_from
                .clone()
                .zip(local.translated_from_id.clone())
                .map(|(version, id)| VersionedId { version, id })
        },
    }
}
