//! A language's vocabulary, `api/<lang>/vocabulary.json`: every code the
//! exports use (metadata values, change kinds, statuses, metadata field
//! names) with its label in the language, from the same interface strings
//! and with the same fallback as the pages: a label the translation lacks
//! is the English one, and says so (`label_lang`).
//!
//! The vocabulary is also what the open codes (`applies-to`, `oecd`,
//! `commodities`) are checked against: the schemas take any string there,
//! so that a client built for one version reads the next, which may add a
//! value.

use schemars::JsonSchema;
use serde::Serialize;

use super::{FORMAT_VERSION, schema_url};
use crate::model::*;

/// `api/<lang>/vocabulary.json`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VocabularyExport {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// The language of the labels.
    pub lang: String,
    /// The language of the official text, which labels fall back to.
    pub source_language: String,
    /// The terms, by the name of the field whose codes they label.
    pub terms: Terms,
}

/// The terms of every vocabulary, each under the name of the field whose
/// values they are.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Terms {
    /// The values of `metadata.applies-to`: who a requirement applies to.
    #[serde(rename = "applies-to")]
    pub applies_to: Vec<Term>,
    /// The values of `metadata.level`.
    pub level: Vec<Term>,
    /// The values of `metadata.timeframe`.
    pub timeframe: Vec<Term>,
    /// The values of `metadata.oecd`: OECD Annex II risks.
    pub oecd: Vec<Term>,
    /// The values of `metadata.commodities`.
    pub commodities: Vec<Term>,
    /// The values of a diff's or a history's `change`.
    pub change: Vec<Term>,
    /// The values of `translation_status`.
    pub translation_status: Vec<Term>,
    /// The values of a version's `status` (its release status).
    pub status: Vec<Term>,
    /// The values of a chapter's `kind`.
    pub kind: Vec<Term>,
    /// The metadata fields themselves (`applies-to`, `level`, ...), as the
    /// pages label them.
    pub metadata: Vec<Term>,
}

/// A code and its label.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Term {
    /// The code, as the exports write it.
    pub code: String,
    /// Its label in the vocabulary's language.
    pub label: String,
    /// The label's language: the vocabulary's, or the source language
    /// where the translation lacks the label.
    pub label_lang: String,
}

/// A label lookup: the interface string `key` of `table` in a language,
/// and whether it fell back to the source language.
pub type Labels<'a> = &'a dyn Fn(&str, &str) -> Option<(String, bool)>;

/// The vocabulary of `language`, whose interface strings `labels` looks up.
pub fn vocabulary(project: &Project, language: &Language, labels: Labels) -> VocabularyExport {
    let source = project.standard.source_language.as_str();
    let term = |code: &str, table: &str, key: &str| {
        // No label at all (a theme without the string): the code, as the pages show it.
        let (label, fell_back) = labels(table, key).unwrap_or_else(|| (code.to_owned(), true));
        Term {
            code: code.to_owned(),
            label,
            label_lang: if fell_back { source } else { language.code.as_str() }.to_owned(),
        }
    };
    let table = |table: &str, codes: &[&str]| -> Vec<Term> { codes.iter().map(|c| term(c, table, c)).collect() };
    let ui = |codes: &[(&str, &str)]| -> Vec<Term> { codes.iter().map(|(code, key)| term(code, "ui", key)).collect() };
    fn names<T: Vocabulary>() -> Vec<&'static str> {
        T::VALUES.iter().map(|(n, _)| *n).collect()
    }
    VocabularyExport {
        schema: schema_url("vocabulary"),
        format_version: FORMAT_VERSION,
        lang: language.code.clone(),
        source_language: source.to_owned(),
        terms: Terms {
            applies_to: table("role", &names::<Role>()),
            level: table("level", &names::<Level>()),
            timeframe: table("timeframe", &names::<Timeframe>()),
            oecd: table("oecd", &names::<OecdRisk>()),
            commodities: table("commodity", &names::<Commodity>()),
            change: ui(&[
                ("first", "change_first"),
                ("added", "change_added"),
                ("removed", "change_removed"),
                ("modified", "change_modified"),
                ("renumbered", "change_renumbered"),
                ("unchanged", "change_unchanged"),
            ]),
            translation_status: ui(&[
                ("current", "coverage_current"),
                ("outdated", "coverage_outdated"),
                ("missing", "coverage_missing"),
            ]),
            status: table("status", &["draft", "current", "superseded"]),
            kind: table("kind", &["introduction", "module", "scheme", "glossary", "annex"]),
            metadata: ui(&[
                ("applies-to", "applies_to"),
                ("level", "level"),
                ("timeframe", "timeframe"),
                ("oecd", "oecd"),
                ("commodities", "commodities"),
            ]),
        },
    }
}
