//! The data exports for programs, starting with `api/index.json`, the
//! discovery document from which every other export is reachable.

use serde::Serialize;

use std::collections::BTreeMap;

use crate::localize::Coverage;
use crate::model::*;
use crate::urls;

/// The version of the export format; a breaking change bumps it.
pub const FORMAT_VERSION: &str = "1.0";

/// `api/index.json`.
#[derive(Serialize)]
pub struct ApiIndex<'a> {
    /// The export format's version.
    pub format_version: &'static str,
    /// The standard's metadata.
    pub standard: StandardEntry<'a>,
    /// Every version, oldest first.
    pub versions: Vec<VersionEntry<'a>>,
    /// Every language the site is published in.
    pub languages: Vec<Language>,
    /// Every edition: one version in one language.
    pub editions: Vec<EditionEntry>,
    /// Every published diff between two versions, per language.
    pub diffs: Vec<DiffIndexEntry>,
}

/// A published diff in the index.
#[derive(Serialize)]
pub struct DiffIndexEntry {
    /// The earlier version.
    pub from: String,
    /// The later version.
    pub to: String,
    /// The language of the texts.
    pub lang: String,
    /// The diff page, site-relative.
    pub html: String,
    /// The diff as data, site-relative.
    pub json: String,
}

/// The standard's metadata in the index.
#[derive(Serialize)]
pub struct StandardEntry<'a> {
    /// Short title.
    pub title: &'a str,
    /// Full title.
    pub full_title: &'a str,
    /// Publisher.
    pub publisher: &'a str,
    /// Licence name.
    pub license: &'a str,
    /// Licence URL.
    pub license_url: &'a str,
    /// Language of the official text.
    pub source_language: &'a str,
}

/// A version in the index.
#[derive(Serialize)]
pub struct VersionEntry<'a> {
    /// The version's ID.
    pub id: &'a str,
    /// Release date, YYYY-MM-DD.
    pub date: &'a str,
    /// draft, current or superseded.
    pub status: Status,
    /// Whether `/<lang>/latest/` resolves to it.
    pub latest: bool,
    /// The version it revises.
    pub previous: Option<&'a str>,
}

/// An edition in the index.
#[derive(Serialize)]
pub struct EditionEntry {
    /// The version's ID.
    pub version: String,
    /// The language code.
    pub lang: String,
    /// The edition's home page, site-relative.
    pub html: String,
    /// The edition's search data (lunr index and result texts), site-relative.
    pub search: String,
    /// How many requirements are current, outdated and missing in this language.
    pub coverage: Coverage,
}

/// Serialises `api/index.json` for `project`, with each edition's coverage
/// keyed by (version, language).
pub fn index_json(
    project: &Project,
    coverage: &BTreeMap<(String, String), Coverage>,
    pairs: &[(String, String)],
) -> Vec<u8> {
    let lang = project.standard.source_language.as_str();
    let latest = project.latest().map(|v| v.id.as_str());
    let languages = project.languages();
    let index = ApiIndex {
        format_version: FORMAT_VERSION,
        standard: StandardEntry {
            title: &project.standard.title,
            full_title: &project.standard.full_title,
            publisher: &project.standard.publisher,
            license: &project.standard.license,
            license_url: &project.standard.license_url,
            source_language: lang,
        },
        versions: project
            .versions
            .iter()
            .map(|v| VersionEntry {
                id: &v.id,
                date: &v.date,
                status: v.status,
                latest: Some(v.id.as_str()) == latest,
                previous: v.previous.as_deref(),
            })
            .collect(),
        editions: project
            .versions
            .iter()
            .flat_map(|v| languages.iter().map(move |l| (v, l)))
            .map(|(v, l)| EditionEntry {
                version: v.id.clone(),
                lang: l.code.clone(),
                html: urls::site_path(&urls::edition_dir(&l.code, &v.id)),
                search: urls::site_path(&crate::search::index_json(&l.code, &v.id)),
                coverage: coverage.get(&(v.id.clone(), l.code.clone())).copied().unwrap_or_default(),
            })
            .collect(),
        diffs: pairs
            .iter()
            .flat_map(|(from, to)| languages.iter().map(move |l| (from, to, l)))
            .map(|(from, to, l)| DiffIndexEntry {
                from: from.clone(),
                to: to.clone(),
                lang: l.code.clone(),
                html: urls::site_path(&urls::diff_page(&l.code, from, to)),
                json: urls::site_path(&urls::diff_json(&l.code, from, to)),
            })
            .collect(),
        languages,
    };
    let mut bytes = serde_json::to_vec_pretty(&index).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A diff as data: `api/diff/<from>...<to>/<lang>.json`.
#[derive(Serialize)]
pub struct DiffExport<'a> {
    /// The export format's version.
    pub format_version: &'static str,
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// The earlier version.
    pub from: &'a str,
    /// The later version.
    pub to: &'a str,
    /// The language of the texts.
    pub lang: &'a str,
    /// How many requirements had each kind of change.
    pub counts: BTreeMap<&'static str, usize>,
    /// Every requirement that changed.
    pub changes: Vec<DiffEntry<'a>>,
}

/// One changed requirement in a diff export.
#[derive(Serialize)]
pub struct DiffEntry<'a> {
    /// ID in the later version (null when removed).
    pub id: Option<&'a str>,
    /// ID in the earlier version (null when added).
    pub old_id: Option<&'a str>,
    /// added, removed, modified or renumbered.
    pub change: &'static str,
    /// Whether title, body or guidance changed.
    pub text_changed: bool,
    /// Whether the word operations are on the source-language text, because
    /// the translation did not follow the change.
    pub text_in_source_language: bool,
    /// Word operations on the title.
    pub title: &'a [crate::diff::WordOp],
    /// Word operations on the body.
    pub body: &'a [crate::diff::WordOp],
    /// Word operations on the guidance.
    pub guidance: &'a [crate::diff::WordOp],
    /// Metadata changes.
    pub metadata: &'a [crate::diff::MetaChange],
    /// The amendment entries (with rationale) that declare the change.
    pub amendments: &'a [crate::diff::AmendmentRef],
}

/// The schema URL of diff exports.
pub const DIFF_SCHEMA: &str = "/api/schema/diff.schema.json";

/// Serialises a diff for programs (unchanged requirements are left out).
pub fn diff_json(d: &crate::diff::VersionDiff, lang: &str) -> Vec<u8> {
    let export = DiffExport {
        format_version: FORMAT_VERSION,
        schema: DIFF_SCHEMA,
        from: &d.from,
        to: &d.to,
        lang,
        counts: d.counts(),
        changes: d
            .changes
            .iter()
            .filter(|c| c.change != crate::diff::ChangeKind::Unchanged)
            .map(|c| DiffEntry {
                id: c.id.as_deref(),
                old_id: c.old_id.as_deref(),
                change: c.change.as_str(),
                text_changed: c.text_changed,
                text_in_source_language: c.text_in_source_language,
                title: &c.title_ops,
                body: &c.body_ops,
                guidance: &c.guidance_ops,
                metadata: &c.meta,
                amendments: &c.amendments,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&export).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
