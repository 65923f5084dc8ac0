//! Translation status as data: `api/<lang>/<version>/status.json`, one per
//! edition, from [`crate::status::report`] (the report `craftpub status`
//! prints), with the field names of the other exports. The source language
//! has one too, with every requirement current, so that every edition links
//! the same exports.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::edition::{History, VersionedId};
use super::{FORMAT_VERSION, Links, schema_url};
use crate::diff::WordOp;
use crate::localize::{Coverage, Localizer, TranslationStatus};
use crate::model::Project;
use crate::status::EditionStatus;
use crate::urls;

/// `api/<lang>/<version>/status.json`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StatusExport {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// Language code.
    pub lang: String,
    /// Version ID.
    pub version: String,
    /// The edition as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub edition_json: String,
    /// Requirements in the version.
    pub total: usize,
    /// How many requirements are current, outdated and missing.
    pub coverage: Coverage,
    /// Requirements whose translation is older than the source text.
    pub outdated: Vec<OutdatedExport>,
    /// Requirements with no translation.
    pub missing: Vec<MissingExport>,
    /// Chapters whose own text (title, prose, headings) is outdated or not
    /// translated.
    pub chapters: Vec<ChapterStatusExport>,
}

/// An outdated translation and the source-language change behind it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OutdatedExport {
    /// The requirement's ID.
    pub id: String,
    /// Its title in the source language now.
    pub title: String,
    /// The version (and ID) whose source text the translation was made
    /// from, when known.
    pub translated_from: Option<VersionedId>,
    /// The fingerprint of the source-language text now (what the
    /// translation's `source:` becomes once it is updated).
    pub fingerprint: String,
    /// The file holding the translation, relative to the project's root.
    pub file: String,
    /// The line of its block there.
    pub line: usize,
    /// Word operations on the source text (title, body, guidance) from the
    /// version translated from to now; empty when that text is unknown.
    pub english_changes: Vec<WordOp>,
    /// The requirement's history as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub history_json: Option<String>,
}

/// A requirement with no translation.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MissingExport {
    /// The requirement's ID.
    pub id: String,
    /// Its title in the source language.
    pub title: String,
}

/// A chapter whose own text is not current.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChapterStatusExport {
    /// The chapter's slug.
    pub slug: String,
    /// Its title in the source language.
    pub title: String,
    /// `outdated` or `missing`.
    pub translation_status: TranslationStatus,
}

/// The status export of every edition, keyed by (language, version).
pub fn statuses(
    project: &Project,
    english_strings: &toml::Table,
    history: &History,
) -> BTreeMap<(String, String), StatusExport> {
    let links = Links::of(project);
    let source = &project.standard.source_language;
    let mut out = BTreeMap::new();
    for v in &project.versions {
        let total = v.requirements().count();
        let status = EditionStatus {
            lang: source.clone(),
            version: v.id.clone(),
            total,
            coverage: Coverage { current: total, outdated: 0, missing: 0 },
            outdated: Vec::new(),
            missing: Vec::new(),
            chapters: Vec::new(),
            strings: crate::status::StringsStatus::default(),
        };
        out.insert((source.clone(), v.id.clone()), export(project, &links, history, status));
    }
    for status in crate::status::report(project, english_strings, None, None) {
        out.insert((status.lang.clone(), status.version.clone()), export(project, &links, history, status));
    }
    out
}

fn export(project: &Project, links: &Links, history: &History, status: EditionStatus) -> StatusExport {
    let file = urls::status_json(&status.lang, &status.version);
    let localizer = Localizer::new(project, &status.lang);
    let version = project.version(&status.version);
    let outdated = status
        .outdated
        .into_iter()
        .map(|o| {
            let local = version.and_then(|v| v.requirement(&o.id).map(|(_, r)| localizer.requirement(v, r)));
            let translated_from = local
                .and_then(|l| l.translated_from.zip(l.translated_from_id))
                .map(|(version, id)| VersionedId { version, id })
                .or_else(|| o.translated_from.clone().map(|version| VersionedId { version, id: o.id.clone() }));
            let lineage = history.index.get(&(status.version.clone(), o.id.clone()));
            OutdatedExport {
                history_json: lineage
                    .map(|&i| links.href(&file, &urls::history_json(&status.lang, &history.lineages[i].name))),
                id: o.id,
                title: o.title,
                translated_from,
                fingerprint: o.source,
                file: o.file,
                line: o.line,
                english_changes: o.english_changes,
            }
        })
        .collect();
    StatusExport {
        schema: schema_url("status"),
        format_version: FORMAT_VERSION,
        edition_json: links.href(&file, &urls::edition_json(&status.lang, &status.version)),
        lang: status.lang,
        version: status.version,
        total: status.total,
        coverage: status.coverage,
        outdated,
        missing: status.missing.into_iter().map(|m| MissingExport { id: m.id, title: m.title }).collect(),
        chapters: status
            .chapters
            .into_iter()
            .map(|c| ChapterStatusExport { slug: c.slug, title: c.title, translation_status: c.status })
            .collect(),
    }
}
