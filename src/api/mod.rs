//! The data exports for programs, starting with `api/index.json`, the
//! discovery document from which every other export is reachable.
//!
//! Every JSON export is serialised from a struct of this module (or of
//! [`crate::status`] and [`crate::diff`]) that derives both `Serialize` and
//! `JsonSchema`: the types are the single source of truth, and
//! [`schema::schemas`] generates the JSON Schemas (draft 2020-12) published
//! under `api/schema/` from them. Every export names its schema (`$schema`)
//! and carries [`FORMAT_VERSION`].
//!
//! The layout (paths from [`crate::urls`]):
//!
//! | file | what it holds |
//! |---|---|
//! | `api/index.json` | the discovery document ([`ApiIndex`]) |
//! | `api/<lang>/<version>/edition.json` | an edition: chapters, sections, requirements ([`edition::EditionExport`]) |
//! | `api/<lang>/<version>/requirements/<id>.json` | one requirement ([`edition::RequirementFile`]) |
//! | `api/<lang>/<version>/requirements.csv` | the requirements for spreadsheets ([`csv`]) |
//! | `api/<lang>/<version>/status.json` | translation status ([`status::StatusExport`]) |
//! | `api/<lang>/diff/<from>-<to>.json` | a diff ([`DiffExport`]) |
//! | `api/<version>/criteria.jsonld` | the criteria catalogue ([`jsonld::CriteriaCatalogue`]) |
//! | `api/schema/<name>.schema.json` | the JSON Schemas ([`schema`]) |
//! | `<lang>/<version>/search-index.json` | search data ([`schema::SearchData`] describes it) |

pub mod csv;
pub mod edition;
pub mod jsonld;
pub mod schema;
pub mod status;

use schemars::JsonSchema;
use serde::Serialize;

use std::collections::BTreeMap;

use crate::localize::{Coverage, Localizer};
use crate::model::*;
use crate::render::SiteFiles;
use crate::urls;

/// The version of the export format. Adding fields or files keeps it; a
/// breaking change (a field removed, renamed or retyped, a file moved) bumps
/// it.
pub const FORMAT_VERSION: &str = "1.0";

/// The `$schema` value of the export named `name`: its schema's site path.
pub fn schema_url(name: &str) -> String {
    urls::site_path(&urls::schema(name))
}

/// Serialises an export as compact JSON with a final newline (a third
/// smaller than indented JSON; browsers and `jq` indent it for reading).
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Links from an edition's home page to its data, relative to the site's
/// root: `csv`, `json` and `about` (the developers' page).
pub fn edition_links(lang: &str, version: &str) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("csv", urls::edition_csv(lang, version)),
        ("json", urls::edition_json(lang, version)),
        ("about", urls::DEVELOPERS.to_owned()),
    ])
}

/// What the exports of every language share, computed once: the requirement
/// lineages (for each requirement's history) and the translation status of
/// every edition. [`Exports::add_edition`] adds one edition's exports,
/// [`Exports::add_site`] the rest; together they make every data export.
pub struct Exports<'a> {
    history: edition::History<'a>,
    statuses: BTreeMap<(String, String), status::StatusExport>,
}

impl<'a> Exports<'a> {
    /// Prepares the exports of `project`, whose lineages
    /// ([`crate::diff::lineages`]) are `history`.
    pub fn new(project: &Project, history: edition::History<'a>) -> Exports<'a> {
        Exports { history, statuses: status::statuses(project) }
    }

    /// Adds the exports of the edition `version` in `language` (resolved by
    /// `localizer`) to `files`: the edition's JSON, one JSON per requirement,
    /// the CSV and the translation status. (Diffs' JSON is written with the
    /// diff pages.)
    pub fn add_edition(
        &self,
        project: &Project,
        localizer: &Localizer,
        language: &Language,
        version: &Version,
        files: &mut SiteFiles,
    ) {
        let base_url = project.standard.base_url.trim_end_matches('/');
        let export = edition::edition(project, &self.history, localizer, language, version);
        for r in &export.requirements {
            let file = edition::RequirementFile::new(&export, r);
            files.insert(urls::requirement_json(&language.code, &version.id, &r.id), to_json(&file).into());
        }
        files.insert(urls::edition_csv(&language.code, &version.id), csv::edition_csv(&export, base_url).into());
        files.insert(urls::edition_json(&language.code, &version.id), to_json(&export).into());
        if let Some(s) = self.statuses.get(&(language.code.clone(), version.id.clone())) {
            files.insert(urls::status_json(&language.code, &version.id), to_json(s).into());
        }
    }

    /// Adds the exports of no one language to `files`: per version the
    /// criteria catalogue, the schemas, and `api/index.json`. `pairs` are the
    /// version pairs with a published diff and `coverage` each edition's
    /// coverage keyed by (version, language).
    pub fn add_site(
        &self,
        project: &Project,
        pairs: &[(String, String)],
        coverage: &BTreeMap<(String, String), Coverage>,
        files: &mut SiteFiles,
    ) {
        for version in &project.versions {
            files.insert(urls::criteria_jsonld(&version.id), to_json(&jsonld::catalogue(project, version)).into());
        }
        for (name, schema) in schema::schemas() {
            files.insert(urls::schema(name), to_json(&schema).into());
        }
        files.insert(urls::API_INDEX.into(), index_json(project, coverage, pairs).into());
    }
}

/// `api/index.json`.
#[derive(Serialize, JsonSchema)]
pub struct ApiIndex<'a> {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    pub schema: String,
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
    /// The JSON Schema of each export, by export name.
    pub schemas: BTreeMap<&'static str, String>,
    /// The page for developers that describes the exports.
    pub documentation: String,
}

/// A published diff in the index.
#[derive(Serialize, JsonSchema)]
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
#[derive(Serialize, JsonSchema)]
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
#[derive(Serialize, JsonSchema)]
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
    /// The version's criteria catalogue (JSON-LD), site-relative.
    pub criteria: String,
}

/// An edition in the index.
#[derive(Serialize, JsonSchema)]
pub struct EditionEntry {
    /// The version's ID.
    pub version: String,
    /// The language code.
    pub lang: String,
    /// The edition's home page, site-relative.
    pub html: String,
    /// The edition as data (chapters, sections, requirements), site-relative.
    pub json: String,
    /// The edition's requirements as CSV, site-relative.
    pub csv: String,
    /// The edition's search data (lunr index and result texts), site-relative.
    pub search: String,
    /// The edition's translation status as data, site-relative.
    pub status: String,
    /// The whole edition on one page, to print or save as PDF, site-relative.
    pub print: String,
    /// The edition as a zip for offline reading, site-relative.
    pub download: String,
    /// The language's Atom feed of versions and amendments, site-relative.
    pub feed: String,
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
        schema: schema_url("index"),
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
                criteria: urls::site_path(&urls::criteria_jsonld(&v.id)),
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
                json: urls::site_path(&urls::edition_json(&l.code, &v.id)),
                csv: urls::site_path(&urls::edition_csv(&l.code, &v.id)),
                search: urls::site_path(&crate::search::index_json(&l.code, &v.id)),
                status: urls::site_path(&urls::status_json(&l.code, &v.id)),
                print: urls::site_path(&urls::print_page(&l.code, &v.id)),
                download: urls::site_path(&crate::render::offline::download_path(project, &l.code, &v.id)),
                feed: urls::site_path(&urls::feed(&l.code)),
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
        schemas: schema::NAMES.iter().map(|&n| (n, schema_url(n))).collect(),
        documentation: urls::site_path(urls::DEVELOPERS),
    };
    to_json(&index)
}

/// A diff as data: `api/<lang>/diff/<from>-<to>.json`.
#[derive(Serialize, JsonSchema)]
pub struct DiffExport<'a> {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
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
#[derive(Serialize, JsonSchema)]
pub struct DiffEntry<'a> {
    /// ID in the later version (null when removed).
    pub id: Option<&'a str>,
    /// ID in the earlier version (null when added).
    pub old_id: Option<&'a str>,
    /// added, removed, modified or renumbered.
    #[schemars(extend("enum" = ["added", "removed", "modified", "renumbered"]))]
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
    /// The overall effect of the metadata changes on what the requirement
    /// demands (stricter, looser, mixed or neutral); null when no metadata changed.
    pub effect: Option<crate::diff::Effect>,
    /// The amendment entries (with rationale) that declare the change.
    pub amendments: &'a [crate::diff::AmendmentRef],
}

/// Serialises a diff for programs (unchanged requirements are left out).
pub fn diff_json(d: &crate::diff::VersionDiff, lang: &str) -> Vec<u8> {
    let export = DiffExport {
        schema: schema_url("diff"),
        format_version: FORMAT_VERSION,
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
                effect: c.effect,
                amendments: &c.amendments,
            })
            .collect(),
    };
    to_json(&export)
}
