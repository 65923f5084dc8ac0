//! The data exports for programs, starting with `api/index.json`, the
//! discovery document from which every other export is reachable.

use serde::Serialize;

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
    pub languages: Vec<LanguageEntry<'a>>,
    /// Every edition: one version in one language.
    pub editions: Vec<EditionEntry>,
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

/// A language in the index.
#[derive(Serialize)]
pub struct LanguageEntry<'a> {
    /// BCP 47 code.
    pub code: &'a str,
    /// English name.
    pub name: &'a str,
    /// Name in the language itself.
    pub native_name: &'a str,
    /// Writing direction, ltr or rtl.
    pub dir: &'a str,
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

/// Translation coverage of an edition.
#[derive(Serialize)]
pub struct Coverage {
    /// Requirements translated from the current English text.
    pub current: usize,
    /// Requirements translated from an older English text.
    pub outdated: usize,
    /// Requirements not translated.
    pub missing: usize,
}

/// Serialises `api/index.json` for `project`.
pub fn index_json(project: &Project) -> Vec<u8> {
    let lang = project.standard.source_language.as_str();
    let latest = project.latest().map(|v| v.id.as_str());
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
        languages: vec![LanguageEntry {
            code: lang,
            name: "English",
            native_name: "English",
            dir: "ltr",
        }],
        editions: project
            .versions
            .iter()
            .map(|v| EditionEntry {
                version: v.id.clone(),
                lang: lang.to_owned(),
                html: urls::site_path(&urls::edition_dir(lang, &v.id)),
                search: urls::site_path(&crate::search::index_json(lang, &v.id)),
                coverage: Coverage {
                    current: v.requirements().count(),
                    outdated: 0,
                    missing: 0,
                },
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&index).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
