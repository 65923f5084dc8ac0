//! The data exports for programs, starting with `api/index.json`, the
//! discovery document from which every other export is reachable.
//!
//! Every JSON export is serialised from a struct of this module (or of
//! [`crate::diff`]) that derives both `Serialize` and `JsonSchema`: the types
//! are the single source of truth, and [`schema::schemas`] generates the JSON
//! Schemas (draft 2020-12) published under `api/schema/` from them. Every
//! export names its schema (`$schema`) and carries [`FORMAT_VERSION`].
//!
//! Every reference an export holds (and every link inside its `html`
//! fields) is relative to the file that holds it (RFC 3986), so it resolves
//! at a host root, under any path and from `file://`; it is absolute when
//! the standard sets `base_url` ([`Links`]).
//!
//! The layout (paths from [`crate::urls`]):
//!
//! | file | what it holds |
//! |---|---|
//! | `api/index.json` | the discovery document ([`ApiIndex`]) |
//! | `api/<lang>/<version>/edition.json` | an edition: chapters, sections, requirements ([`edition::EditionExport`]) |
//! | `api/<lang>/<version>/requirements.csv` | the requirements for spreadsheets ([`csv`]) |
//! | `api/<lang>/<version>/status.json` | translation status ([`status::StatusExport`]) |
//! | `api/<lang>/history/<lineage>.json` | a requirement in every version ([`history::HistoryExport`]) |
//! | `api/<lang>/vocabulary.json` | the labels of every code in a language ([`vocabulary::VocabularyExport`]) |
//! | `api/<lang>/glossary.tbx`, `glossary.csv` | a translation's termbase: the current glossary with its terms (made by the `termbase` stage) |
//! | `api/<lang>/diff/<from>-<to>.json` | a diff ([`DiffExport`]) |
//! | `api/<version>/amendments.json` | a version's amendment history ([`history::AmendmentsExport`]) |
//! | `api/<version>/criteria.jsonld` | the criteria catalogue ([`jsonld::CriteriaCatalogue`]) |
//! | `api/schema/<name>.schema.json` | the JSON Schemas ([`schema`]); `assessment` describes the checklist's files ([`assessment`]) |
//! | `<lang>/<version>/search-index.json` | search data ([`schema::SearchData`] describes it) |

pub mod assessment;
pub mod csv;
pub mod edition;
pub mod history;
pub mod jsonld;
pub mod moved;
pub mod schema;
pub mod status;
pub mod vocabulary;

use schemars::JsonSchema;
use serde::Serialize;
use sha2::{Digest, Sha256};

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::files::SiteFiles;
use crate::localize::{Coverage, Localizer};
use crate::model::*;
use crate::urls;
use edition::{History, MetadataExport};

/// The version of the export format. Adding fields or files keeps it; a
/// breaking change (a field removed, renamed or retyped, a file moved) bumps
/// it.
pub const FORMAT_VERSION: &str = "2.0";

/// Where the exports named `name` are (one of them: every file of a kind
/// is at the same depth), for the reference to their schema.
fn location(name: &str) -> String {
    match name {
        "index" => urls::API_INDEX.to_owned(),
        "edition" => urls::edition_json("l", "v"),
        "status" => urls::status_json("l", "v"),
        "diff" | "moved" => urls::diff_json("l", "a", "b"),
        "history" => urls::history_json("l", "x"),
        "vocabulary" => urls::vocabulary_json("l"),
        "amendments" => urls::amendments_json("v"),
        "criteria" => urls::criteria_jsonld("v"),
        _ => urls::search_index_json("l", "v"),
    }
}

/// The `$schema` value of the exports named `name`: their schema, relative
/// to where they are (e.g. `../../schema/edition.schema.json`).
pub fn schema_url(name: &str) -> String {
    urls::relative(&location(name), &urls::schema(name))
}

/// An export that could not be serialised (a value serde_json refuses, such
/// as a map whose keys are not strings): a fault of craftpub, reported
/// instead of writing an empty file.
#[derive(Debug, thiserror::Error)]
#[error("the export {path} could not be serialised: {source}")]
pub struct ExportError {
    /// The export's path in the site.
    pub path: String,
    /// serde_json's explanation.
    #[source]
    pub source: serde_json::Error,
}

/// Serialises the export at `path` as compact JSON with a final newline (a
/// third smaller than indented JSON; browsers and `jq` indent it for
/// reading).
pub fn to_json<T: Serialize>(path: &str, value: &T) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec(value).map_err(|source| ExportError { path: path.to_owned(), source })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Inserts the export `value` at `path` into `files`, serialised by
/// [`to_json`].
fn insert_json<T: Serialize>(files: &mut SiteFiles, path: String, value: &T) -> Result<(), ExportError> {
    let bytes = to_json(&path, value)?;
    files.insert(path, bytes.into());
    Ok(())
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

/// How the exports write references: relative to the file that holds them
/// (RFC 3986), or absolute under the standard's `base_url` when it is set.
#[derive(Debug, Clone, Default)]
pub struct Links {
    base: String,
}

impl Links {
    /// The references of `project`'s exports (`project.standard.base_url`).
    pub fn of(project: &Project) -> Links {
        Links { base: project.standard.base_url.trim_end_matches('/').to_owned() }
    }

    /// The reference from the export at `from` to the file at `to` (both
    /// paths in the output folder; `to` may carry a `#fragment`).
    pub fn href(&self, from: &str, to: &str) -> String {
        if self.base.is_empty() { urls::relative(from, to) } else { format!("{}/{to}", self.base) }
    }

    /// The base URL, without a final `/`; empty when the build has none.
    pub fn base(&self) -> &str {
        &self.base
    }
}

/// Whether the file at `path` is a data export (and so counts in the
/// index's `content_hash`): under `api/` (the index aside), or search data.
pub fn is_export(path: &str) -> bool {
    (path.starts_with("api/") && path != urls::API_INDEX) || path.ends_with("/search-index.json")
}

/// What the exports of every language share, computed once: the requirement
/// lineages (for each requirement's history), the translation status of
/// every edition, and the digests of the exports made so far (for the
/// index's `content_hash`). [`Exports::add_edition`] adds one edition's
/// exports, [`Exports::add_language`] a language's histories and
/// vocabulary, [`Exports::add_site`] the rest; together they make every data
/// export.
pub struct Exports<'a> {
    history: History<'a>,
    statuses: BTreeMap<(String, String), status::StatusExport>,
    links: Links,
    steps: OnceLock<history::Steps>,
    digests: Mutex<BTreeMap<String, [u8; 32]>>,
}

impl<'a> Exports<'a> {
    /// Prepares the exports of `project`, whose lineages
    /// ([`crate::diff::lineages`]) are `history`; the translations' interface
    /// strings are counted against `english_strings` (the theme's).
    pub fn new(project: &Project, english_strings: &toml::Table, history: History<'a>) -> Exports<'a> {
        let links = Links::of(project);
        Exports {
            statuses: status::statuses(project, english_strings, &history),
            history,
            links,
            steps: OnceLock::new(),
            digests: Mutex::new(BTreeMap::new()),
        }
    }

    /// Adds the exports of the edition `version` in `language` (resolved by
    /// `localizer`) to `files`: the edition's JSON, the CSV and the
    /// translation status. (Diffs' JSON is written with the diff pages.)
    pub fn add_edition(
        &self,
        project: &Project,
        localizer: &Localizer,
        language: &Language,
        version: &Version,
        files: &mut SiteFiles,
    ) -> Result<(), ExportError> {
        let export = edition::edition(project, &self.history, &self.links, localizer, language, version);
        files.insert(urls::edition_csv(&language.code, &version.id), csv::edition_csv(&export).into());
        insert_json(files, urls::edition_json(&language.code, &version.id), &export)?;
        if let Some(s) = self.statuses.get(&(language.code.clone(), version.id.clone())) {
            insert_json(files, urls::status_json(&language.code, &version.id), s)?;
        }
        Ok(())
    }

    /// Adds the exports of `language` that span every version to `files`:
    /// one history per requirement lineage (`api/<lang>/history/<name>.json`)
    /// and the vocabulary, whose labels `labels` looks up in the language's
    /// interface strings (with the pages' fallback).
    pub fn add_language(
        &self,
        project: &Project,
        localizer: &Localizer,
        language: &Language,
        labels: vocabulary::Labels,
        files: &mut SiteFiles,
    ) -> Result<(), ExportError> {
        let steps = self.steps.get_or_init(|| history::Steps::new(project, self.history.lineages));
        for lineage in self.history.lineages {
            let export = history::history(project, &self.links, steps, localizer, language, lineage);
            insert_json(files, urls::history_json(&language.code, &lineage.name), &export)?;
        }
        let export = vocabulary::vocabulary(project, language, labels);
        insert_json(files, urls::vocabulary_json(&language.code), &export)
    }

    /// Notes the digest of every export among `files` (made for one
    /// language, wherever it came from: rendered or cached), for the
    /// index's `content_hash`. Call it on every language's files before
    /// [`Exports::add_site`].
    pub fn record(&self, files: &SiteFiles) {
        let mut digests = self.digests.lock().unwrap_or_else(PoisonError::into_inner);
        for (path, bytes) in files.iter().filter(|(p, _)| is_export(p)) {
            digests.insert(path.clone(), Sha256::digest(bytes).into());
        }
    }

    /// Adds the exports of no one language to `files`: per version the
    /// criteria catalogue and the amendment history, the schemas, and
    /// `api/index.json`. `pairs` are the version pairs with a published diff
    /// and `coverage` each edition's coverage keyed by (version, language).
    pub fn add_site(
        &self,
        project: &Project,
        pairs: &[(String, String)],
        coverage: &BTreeMap<(String, String), Coverage>,
        files: &mut SiteFiles,
    ) -> Result<(), ExportError> {
        let mut site = SiteFiles::new();
        for version in &project.versions {
            let catalogue = jsonld::catalogue(project, &self.links, version);
            insert_json(&mut site, urls::criteria_jsonld(&version.id), &catalogue)?;
            if let Some(export) = history::amendments(project, &self.links, pairs, version) {
                insert_json(&mut site, urls::amendments_json(&version.id), &export)?;
            }
        }
        for (name, schema) in schema::schemas(&self.links) {
            insert_json(&mut site, urls::schema(name), &schema)?;
        }
        self.record(&site);
        let digests = self.digests.lock().unwrap_or_else(PoisonError::into_inner);
        let mut h = Sha256::new();
        for (path, digest) in digests.iter() {
            h.update((path.len() as u64).to_le_bytes());
            h.update(path.as_bytes());
            h.update(digest);
        }
        let hash = format!("sha256:{:x}", h.finalize());
        drop(digests);
        let index = index_json(project, &self.links, &self.history, coverage, pairs, hash)?;
        files.extend(site);
        files.insert(urls::API_INDEX.into(), index.into());
        Ok(())
    }
}

/// `api/index.json`.
#[derive(Serialize, JsonSchema)]
pub struct ApiIndex<'a> {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// A digest of every export the index lists (`sha256:` and 64 hex
    /// digits): the same sources give the same digest, and a change to any
    /// export changes it, so one request tells a program whether to fetch
    /// again.
    pub content_hash: String,
    /// The program that built the exports, and its version.
    pub generator: String,
    /// The standard's metadata.
    pub standard: StandardEntry<'a>,
    /// Every version, oldest first.
    pub versions: Vec<VersionEntry<'a>>,
    /// Every language the site is published in.
    pub languages: Vec<LanguageEntry>,
    /// Every edition: one version in one language.
    pub editions: Vec<EditionEntry>,
    /// Every published diff between two versions, per language.
    pub diffs: Vec<DiffIndexEntry>,
    /// Every requirement history, per lineage and language.
    pub histories: Vec<HistoryIndexEntry>,
    /// The stubs (schema `moved`) where earlier builds published a diff or
    /// a history this build does not make: URLs stay, saying where the
    /// data went ([`crate::permanence`]).
    pub moved: Vec<Href>,
    /// The JSON Schema of each export, by export name.
    pub schemas: BTreeMap<&'static str, Href>,
    /// The page for developers that describes the exports.
    #[schemars(extend("format" = "uri-reference"))]
    pub documentation: String,
}

/// A reference to a file of the site: relative to the file that holds it,
/// or absolute when the build knows its base URL.
#[derive(Serialize, JsonSchema)]
#[schemars(extend("format" = "uri-reference"))]
#[serde(transparent)]
pub struct Href(pub String);

/// A published diff in the index.
#[derive(Serialize, JsonSchema)]
pub struct DiffIndexEntry {
    /// The earlier version.
    pub from: String,
    /// The later version.
    pub to: String,
    /// The language of the texts.
    pub lang: String,
    /// The diff page.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
    /// The diff as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub json: String,
}

/// A requirement's history in the index.
#[derive(Serialize, JsonSchema)]
pub struct HistoryIndexEntry {
    /// The lineage's name: the requirement's ID in the latest version it
    /// is in (the file name of its history).
    pub lineage: String,
    /// The language of the texts.
    pub lang: String,
    /// The history page.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
    /// The history as data.
    #[schemars(extend("format" = "uri-reference"))]
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
    #[schemars(extend("format" = "uri-reference"))]
    pub license_url: &'a str,
    /// Language of the official text.
    pub source_language: &'a str,
    /// The address the site is published at, when the build knows it
    /// (every reference is then absolute); null otherwise.
    pub base_url: Option<&'a str>,
}

/// A version in the index.
#[derive(Serialize, JsonSchema)]
pub struct VersionEntry<'a> {
    /// The version's ID.
    pub id: &'a str,
    /// Release date, YYYY-MM-DD.
    pub date: &'a str,
    /// The release status: draft, current or superseded.
    pub status: Status,
    /// Whether `<lang>/latest/` resolves to it.
    pub latest: bool,
    /// The version it revises.
    pub previous: Option<&'a str>,
    /// The version's criteria catalogue (JSON-LD).
    #[schemars(extend("format" = "uri-reference"))]
    pub criteria: String,
    /// The version's amendment history as data; null for a version that
    /// revises none.
    #[schemars(extend("format" = "uri-reference"))]
    pub amendments: Option<String>,
}

/// A language in the index.
#[derive(Serialize, JsonSchema)]
pub struct LanguageEntry {
    /// BCP 47 code, e.g. `es`.
    pub code: String,
    /// English name.
    pub name: String,
    /// Name in the language itself.
    pub native_name: String,
    /// Writing direction.
    pub dir: Direction,
    /// The lunr-languages pipeline its search uses (`none`: no stemming).
    pub search: String,
    /// The labels of every code in this language.
    #[schemars(extend("format" = "uri-reference"))]
    pub vocabulary: String,
    /// The language's Atom feed of versions and amendments.
    #[schemars(extend("format" = "uri-reference"))]
    pub feed: String,
    /// A translation's termbase, for CAT tools; null for the source language.
    pub termbase: Option<TermbaseEntry>,
}

/// A translation's termbase in the index: the glossary of the current
/// version, each English term with its definition and the language's terms.
#[derive(Serialize, JsonSchema)]
pub struct TermbaseEntry {
    /// The version whose glossary it is (the current one).
    pub version: String,
    /// The termbase as TBX-Basic (`martif`), as CAT tools import it.
    #[schemars(extend("format" = "uri-reference"))]
    pub tbx: String,
    /// The termbase as CSV (`source,target,developer_comments`).
    #[schemars(extend("format" = "uri-reference"))]
    pub csv: String,
}

/// An edition in the index.
#[derive(Serialize, JsonSchema)]
pub struct EditionEntry {
    /// The version's ID.
    pub version: String,
    /// The language code.
    pub lang: String,
    /// The edition's home page.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
    /// The edition as data (chapters, sections, requirements).
    #[schemars(extend("format" = "uri-reference"))]
    pub json: String,
    /// The edition's requirements as CSV.
    #[schemars(extend("format" = "uri-reference"))]
    pub csv: String,
    /// The edition's search data (lunr index and result texts).
    #[schemars(extend("format" = "uri-reference"))]
    pub search: String,
    /// The edition's translation status as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub status_json: String,
    /// The whole edition on one page, to print or save as PDF.
    #[schemars(extend("format" = "uri-reference"))]
    pub print: String,
    /// The edition as a zip for offline reading.
    #[schemars(extend("format" = "uri-reference"))]
    pub download: String,
    /// How many requirements are current, outdated and missing in this language.
    pub coverage: Coverage,
}

/// Serialises `api/index.json` for `project`, with each edition's coverage
/// keyed by (version, language) and the digest of the exports `hash`.
pub fn index_json(
    project: &Project,
    links: &Links,
    history: &History,
    coverage: &BTreeMap<(String, String), Coverage>,
    pairs: &[(String, String)],
    hash: String,
) -> Result<Vec<u8>, ExportError> {
    let lang = project.standard.source_language.as_str();
    let latest = project.latest().map(|v| v.id.as_str());
    let languages = project.languages();
    let href = |to: &str| links.href(urls::API_INDEX, to);
    let index = ApiIndex {
        schema: schema_url("index"),
        format_version: FORMAT_VERSION,
        content_hash: hash,
        generator: format!("craftpub {}", env!("CARGO_PKG_VERSION")),
        standard: StandardEntry {
            title: &project.standard.title,
            full_title: &project.standard.full_title,
            publisher: &project.standard.publisher,
            license: &project.standard.license,
            license_url: &project.standard.license_url,
            source_language: lang,
            base_url: (!links.base().is_empty()).then_some(project.standard.base_url.as_str()),
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
                criteria: href(&urls::criteria_jsonld(&v.id)),
                amendments: history::has_amendments(project, v).then(|| href(&urls::amendments_json(&v.id))),
            })
            .collect(),
        editions: project
            .versions
            .iter()
            .flat_map(|v| languages.iter().map(move |l| (v, l)))
            .map(|(v, l)| EditionEntry {
                version: v.id.clone(),
                lang: l.code.clone(),
                html: href(&urls::edition_home(&l.code, &v.id)),
                json: href(&urls::edition_json(&l.code, &v.id)),
                csv: href(&urls::edition_csv(&l.code, &v.id)),
                search: href(&urls::search_index_json(&l.code, &v.id)),
                status_json: href(&urls::status_json(&l.code, &v.id)),
                print: href(&urls::print_page(&l.code, &v.id)),
                download: href(&urls::download(&l.code, &v.id, &urls::title_slug(&project.standard.title))),
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
                html: href(&urls::diff_page(&l.code, from, to)),
                json: href(&urls::diff_json(&l.code, from, to)),
            })
            .collect(),
        histories: languages
            .iter()
            .flat_map(|l| history.lineages.iter().map(move |x| (l, x)))
            .map(|(l, x)| HistoryIndexEntry {
                lineage: x.name.clone(),
                lang: l.code.clone(),
                html: href(&urls::history(&l.code, &x.name)),
                json: href(&urls::history_json(&l.code, &x.name)),
            })
            .collect(),
        moved: {
            let gone = crate::permanence::gone(project, history.lineages, pairs);
            languages
                .iter()
                .flat_map(|l| {
                    let histories = gone.histories.iter().map(|h| urls::history_json(&l.code, &h.name));
                    let diffs = gone.diffs.iter().map(|d| urls::diff_json(&l.code, &d.from, &d.to));
                    histories.chain(diffs).collect::<Vec<_>>()
                })
                .map(|p| Href(href(&p)))
                .collect()
        },
        languages: languages
            .iter()
            .map(|l| LanguageEntry {
                code: l.code.clone(),
                name: l.name.clone(),
                native_name: l.native_name.clone(),
                dir: l.dir,
                search: l.search.clone(),
                vocabulary: href(&urls::vocabulary_json(&l.code)),
                feed: href(&urls::feed(&l.code)),
                // As the termbase part makes them: for a translation, when a version is current.
                termbase: latest.filter(|_| l.code != lang).map(|version| TermbaseEntry {
                    version: version.to_owned(),
                    tbx: href(&urls::termbase_tbx(&l.code)),
                    csv: href(&urls::termbase_csv(&l.code)),
                }),
            })
            .collect(),
        schemas: schema::NAMES.iter().map(|&n| (n, Href(href(&urls::schema(n))))).collect(),
        documentation: href(urls::DEVELOPERS),
    };
    to_json(urls::API_INDEX, &index)
}

/// A diff as data: `api/<lang>/diff/<from>-<to>.json`.
#[derive(Serialize, JsonSchema)]
pub struct DiffExport<'a> {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// The earlier version.
    pub from: &'a str,
    /// The later version.
    pub to: &'a str,
    /// The language of the texts.
    pub lang: &'a str,
    /// The diff page.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
    /// How many requirements had each kind of change.
    pub counts: BTreeMap<&'static str, usize>,
    /// Every requirement that changed, in the later version's order.
    pub changes: Vec<DiffEntry<'a>>,
    /// Every chapter whose own text changed (its title, section headings
    /// or prose: the introduction, a module's opening text, the glossary),
    /// or that was added or removed, apart from its requirements.
    pub chapters: Vec<ChapterDiffEntry<'a>>,
}

/// One chapter whose own text changed, in a diff export.
#[derive(Serialize, JsonSchema)]
pub struct ChapterDiffEntry<'a> {
    /// The chapter's file name without `.md`: its key across versions.
    pub slug: &'a str,
    /// introduction, module, scheme, glossary or annex.
    pub kind: ChapterKind,
    /// For modules and schemes, the module number.
    pub module: Option<&'a str>,
    /// added, removed or modified.
    #[schemars(extend("enum" = ["added", "removed", "modified"]))]
    pub change: &'static str,
    /// The title in the earlier version (null when added).
    pub old_title: Option<&'a str>,
    /// The title in the later version (null when removed).
    pub new_title: Option<&'a str>,
    /// The language of the texts the word operations are on: the source
    /// language (chapter prose is diffed in the official text).
    pub text_lang: &'a str,
    /// Word operations on the title.
    pub title_ops: &'a [crate::diff::WordOp],
    /// Word operations on the chapter's own text, Markdown: its prose and
    /// `## ` section headings in order, paragraphs apart.
    pub text_ops: &'a [crate::diff::WordOp],
    /// The chapter's page in the earlier version (null when added).
    #[schemars(extend("format" = "uri-reference"))]
    pub old_url: Option<String>,
    /// Its page in the later version (null when removed).
    #[schemars(extend("format" = "uri-reference"))]
    pub new_url: Option<String>,
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
    /// The module: the first number of the ID (the later version's when
    /// there is one).
    pub module: &'a str,
    /// The title in the earlier version, as the diff's language shows it
    /// (null when added).
    pub old_title: Option<&'a str>,
    /// The title in the later version (null when removed).
    pub new_title: Option<&'a str>,
    /// The metadata in the earlier version, as in the editions (null when added).
    pub old_metadata: Option<MetadataExport>,
    /// The metadata in the later version (null when removed).
    pub new_metadata: Option<MetadataExport>,
    /// The metadata fields whose value changed (`applies-to`, `level`,
    /// `timeframe`, `oecd`, `commodities`); compare `old_metadata` and
    /// `new_metadata` for the values.
    pub metadata_changed: Vec<&'static str>,
    /// Whether title, text or guidance changed.
    pub text_changed: bool,
    /// The language of the earlier text the word operations start from
    /// (the source language where the translation was missing, or did not
    /// follow the change); null when added.
    pub old_text_lang: Option<String>,
    /// The language of the later text; null when removed.
    pub new_text_lang: Option<String>,
    /// Word operations on the title.
    pub title_ops: &'a [crate::diff::WordOp],
    /// Word operations on the text (the requirement's body).
    pub text_ops: &'a [crate::diff::WordOp],
    /// Word operations on the guidance.
    pub guidance_ops: &'a [crate::diff::WordOp],
    /// The requirement's page in the earlier version (null when added).
    #[schemars(extend("format" = "uri-reference"))]
    pub old_url: Option<String>,
    /// Its page in the later version (null when removed).
    #[schemars(extend("format" = "uri-reference"))]
    pub new_url: Option<String>,
    /// The requirement's history as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub history_json: Option<String>,
    /// The amendment entries that declare the change, each pointing to its
    /// entry in a version's amendment history.
    pub amendments: Vec<history::AmendmentPointer>,
    /// The overall effect of the metadata changes on what the requirement
    /// demands (`stricter`, `looser`, `mixed` or `neutral`); null when no
    /// metadata changed.
    pub effect: Option<crate::diff::Effect>,
    /// The effect of each changed metadata field, by field.
    pub effects: BTreeMap<&'static str, crate::diff::Effect>,
    /// The section headings it moved from and to, when they differ (null
    /// when it stayed, and for added and removed requirements, whose
    /// metadata is `new_metadata` / `old_metadata`).
    pub section: Option<&'a crate::diff::SectionMove>,
}

/// Serialises a diff of `project` for programs (unchanged requirements are
/// left out), as the language of `localizer` (`lang`) shows it; `history`
/// gives the requirements' lineages.
pub fn diff_json(
    project: &Project,
    history: &History,
    localizer: &Localizer,
    d: &crate::diff::VersionDiff,
    lang: &str,
) -> Result<Vec<u8>, ExportError> {
    let links = Links::of(project);
    let file = urls::diff_json(lang, &d.from, &d.to);
    let source = project.standard.source_language.as_str();
    let (from, to) = (project.version(&d.from), project.version(&d.to));
    let export = DiffExport {
        schema: schema_url("diff"),
        format_version: FORMAT_VERSION,
        from: &d.from,
        to: &d.to,
        lang,
        html: links.href(&file, &urls::diff_page(lang, &d.from, &d.to)),
        counts: d.counts(),
        changes: d
            .changes
            .iter()
            .filter(|c| c.change != crate::diff::ChangeKind::Unchanged)
            .map(|c| {
                let old = from.zip(find(from, c.old_id.as_deref()));
                let new = to.zip(find(to, c.id.as_deref()));
                let text_lang = |side: Option<(&Version, (&Chapter, &Requirement))>| {
                    side.map(|(v, (_, r))| {
                        if c.text_in_source_language || localizer.requirement(v, r).is_fallback() {
                            source.to_owned()
                        } else {
                            lang.to_owned()
                        }
                    })
                };
                let url = |side: Option<(&Version, (&Chapter, &Requirement))>| {
                    side.map(|(v, (ch, r))| links.href(&file, &urls::requirement(lang, &v.id, &ch.slug, &r.id)))
                };
                let lineage =
                    c.id.as_ref()
                        .map(|id| (d.to.clone(), id.clone()))
                        .or_else(|| c.old_id.as_ref().map(|id| (d.from.clone(), id.clone())))
                        .and_then(|key| history.index.get(&key));
                DiffEntry {
                    id: c.id.as_deref(),
                    old_id: c.old_id.as_deref(),
                    change: c.change.as_str(),
                    module: &c.module,
                    old_title: c.old_title.as_deref(),
                    new_title: c.new_title.as_deref(),
                    old_metadata: old.map(|(_, (_, r))| MetadataExport::of(&r.meta)),
                    new_metadata: new.map(|(_, (_, r))| MetadataExport::of(&r.meta)),
                    metadata_changed: c.meta.iter().map(|m| m.field).collect(),
                    effect: c.effect,
                    effects: c.meta.iter().map(|m| (m.field, m.effect)).collect(),
                    text_changed: c.text_changed,
                    old_text_lang: text_lang(old),
                    new_text_lang: text_lang(new),
                    title_ops: &c.title_ops,
                    text_ops: &c.body_ops,
                    guidance_ops: &c.guidance_ops,
                    old_url: url(old),
                    new_url: url(new),
                    history_json: lineage
                        .map(|&i| links.href(&file, &urls::history_json(lang, &history.lineages[i].name))),
                    amendments: c.amendments.iter().map(|a| history::AmendmentPointer::new(&links, &file, a)).collect(),
                    section: c.section.as_ref(),
                }
            })
            .collect(),
        chapters: d
            .chapters
            .iter()
            .map(|c| {
                let url = |v: Option<&Version>| {
                    v.filter(|v| v.chapter(&c.slug).is_some())
                        .map(|v| links.href(&file, &urls::chapter(lang, &v.id, &c.slug)))
                };
                ChapterDiffEntry {
                    slug: &c.slug,
                    kind: c.kind,
                    module: c.module.as_deref(),
                    change: c.change.as_str(),
                    old_title: c.old_title.as_deref(),
                    new_title: c.new_title.as_deref(),
                    text_lang: source,
                    title_ops: &c.title_ops,
                    text_ops: &c.text_ops,
                    old_url: url(from),
                    new_url: url(to),
                }
            })
            .collect(),
    };
    to_json(&file, &export)
}

/// Requirement `id` of version `v`, with its chapter.
fn find<'v>(v: Option<&'v Version>, id: Option<&str>) -> Option<(&'v Chapter, &'v Requirement)> {
    v?.requirement(id?)
}
