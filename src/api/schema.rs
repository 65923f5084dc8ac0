//! The JSON Schemas (draft 2020-12) of the JSON exports, generated with
//! schemars from the Rust types the exports are serialised from, and
//! published as `api/schema/<name>.schema.json`.
//!
//! The schemas describe every field, and allow fields they do not name: a
//! program validating with the schema of format version 2.x keeps working
//! when a later 2.x adds fields. The vocabularies a new version of the Code
//! may extend (roles, commodities, OECD risks) are open strings, checked
//! against the vocabulary export instead. Every reference is marked
//! `"format": "uri-reference"`, so a program can find them all. Each schema
//! has an `$id`: its address when the build knows its base URL, else a
//! URN naming the export and the format version
//! (`urn:craftpub:schema:2.0:edition`).

use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde::Serialize;
use serde_json::Value;

use super::assessment::AssessmentExport;
use super::edition::EditionExport;
use super::history::{AmendmentsExport, HistoryExport};
use super::jsonld::CriteriaCatalogue;
use super::status::StatusExport;
use super::vocabulary::VocabularyExport;
use super::{ApiIndex, DiffExport, FORMAT_VERSION, Links};

/// The names of the exports that have a schema, sorted.
pub const NAMES: [&str; 11] = [
    "amendments",
    "assessment",
    "criteria",
    "diff",
    "edition",
    "history",
    "index",
    "moved",
    "search",
    "status",
    "vocabulary",
];

/// An edition's search data, as `<lang>/<version>/search-index.json` holds
/// it (and the edition download's `search-index.js` assigns it to
/// `window.craftpubSearch`).
///
/// [`crate::search::search_data`] writes it by hand, so that the index is
/// byte for byte what lunr.js serialises; this type only describes it, for
/// its schema.
#[derive(Serialize, JsonSchema)]
pub struct SearchData {
    /// The lunr pipeline of the edition's language: `en`, `es`, `fr`, `pt` or `none`.
    pub lang: String,
    /// The pipeline of the source language, when some documents are shown
    /// untranslated (their `l` names it); they are in `fallback_index`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_lang: Option<String>,
    /// The export format's version.
    pub format_version: String,
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The indexed fields and their boosts.
    pub fields: BTreeMap<String, f64>,
    /// The documents; lunr's refs are positions in this list.
    pub docs: Vec<SearchDocument>,
    /// The serialised lunr 2.3.9 index of the documents in the edition's
    /// language, as `lunr.Index.load` reads it.
    pub index: LunrIndex,
    /// The index of the documents shown in the source language, with its pipeline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_index: Option<LunrIndex>,
}

/// One searchable document of an edition.
#[derive(Serialize, JsonSchema)]
pub struct SearchDocument {
    /// The title.
    pub t: String,
    /// The requirement ID; empty for sections, chapters and glossary terms.
    pub i: String,
    /// The URL, relative to the edition's folder (where this file is).
    #[schemars(extend("format" = "uri-reference"))]
    pub u: String,
    /// The text a result's snippet is cut from.
    pub x: String,
    /// The title of the chapter it belongs to.
    pub c: String,
    /// A requirement's guidance, for snippets of matches there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub g: Option<String>,
    /// The kind, where it is not a requirement or a chapter: `s` a section, `t` a glossary term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k: Option<String>,
    /// A section's requirements, as refs (positions in `docs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r: Option<Vec<usize>>,
    /// The language of a text shown untranslated in a translated edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l: Option<String>,
}

/// A serialised lunr index.
#[derive(Serialize, JsonSchema)]
pub struct LunrIndex {
    /// lunr's version.
    pub version: String,
    /// The indexed fields.
    pub fields: Vec<String>,
    /// Per `field/ref`, the field vector (alternating term index and score).
    #[serde(rename = "fieldVectors")]
    pub field_vectors: Vec<(String, Vec<f64>)>,
    /// Per term, its posting (`_index`, then per field the refs it occurs in).
    #[serde(rename = "invertedIndex")]
    pub inverted_index: Vec<(String, BTreeMap<String, Value>)>,
    /// The names of the registered pipeline functions applied to queries.
    pub pipeline: Vec<String>,
}

/// The `$id` of the schema named `name`.
pub fn schema_id(links: &Links, name: &str) -> String {
    if links.base().is_empty() {
        format!("urn:craftpub:schema:{FORMAT_VERSION}:{name}")
    } else {
        links.href("", &crate::urls::schema(name))
    }
}

/// The schema of `T` for serialised data, with an `$id`, a title and a
/// description; it requires `$schema` to name it and `format_version` to be
/// [`FORMAT_VERSION`].
fn schema_for<T: JsonSchema>(links: &Links, name: &str, title: &str, description: &str) -> Schema {
    let mut schema = SchemaSettings::draft2020_12().for_serialize().into_generator().into_root_schema_for::<T>();
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (key, value) in [("$schema", super::schema_url(name)), ("format_version", FORMAT_VERSION.to_owned())] {
            if let Some(property) = properties.get_mut(key).and_then(Value::as_object_mut) {
                property.insert("const".into(), value.into());
            }
        }
    }
    schema.insert("$id".into(), schema_id(links, name).into());
    schema.insert("title".into(), title.into());
    schema.insert(
        "description".into(),
        format!("{description} craftpub export format {FORMAT_VERSION}; generated from craftpub's Rust types.").into(),
    );
    schema
}

/// The schema of a self-assessment ([`AssessmentExport`]). An assessment
/// is a file on the assessor's disk, not on the site, so its `$schema` names
/// the schema by its `$id` rather than by a relative reference.
pub fn assessment_schema(links: &Links) -> Schema {
    let mut schema = schema_for::<AssessmentExport>(
        links,
        "assessment",
        "Self-assessment",
        "Where an assessor stands on each requirement of one edition, as the edition's checklist page \
         (<lang>/<version>/checklist.html) exports it and imports it back; strict: an import is refused \
         unless it validates.",
    );
    let id = schema_id(links, "assessment");
    if let Some(property) =
        schema.get_mut("properties").and_then(|p| p.get_mut("$schema")).and_then(Value::as_object_mut)
    {
        property.insert("const".into(), id.into());
    }
    schema
}

/// Every schema, by export name, in the order of [`NAMES`].
pub fn schemas(links: &Links) -> Vec<(&'static str, Schema)> {
    vec![
        (
            "amendments",
            schema_for::<AmendmentsExport>(
                links,
                "amendments",
                "Amendment history",
                "What changed in a version since the previous one, and why: one entry per change with the IDs it \
                 adds, removes, modifies and renumbers: api/<version>/amendments.json.",
            ),
        ),
        ("assessment", assessment_schema(links)),
        (
            "criteria",
            schema_for::<CriteriaCatalogue>(
                links,
                "criteria",
                "CRAFT criteria catalogue",
                "A version's criteria as JSON-LD, in the shape of the UN Transparency Protocol's Sustainability \
                 Vocabulary Catalog: api/<version>/criteria.jsonld.",
            ),
        ),
        (
            "diff",
            schema_for::<DiffExport<'static>>(
                links,
                "diff",
                "Diff between two versions",
                "Every requirement that changed between two versions (added and removed ones with their whole \
                 metadata, moves between sections), with word operations and the amendment entries that declare \
                 the change, and every chapter whose own text (title, headings, prose) changed: \
                 api/<lang>/diff/<from>-<to>.json.",
            ),
        ),
        (
            "edition",
            schema_for::<EditionExport>(
                links,
                "edition",
                "Edition",
                "One version of the standard in one language: chapters, sections and requirements: \
                 api/<lang>/<version>/edition.json.",
            ),
        ),
        (
            "history",
            schema_for::<HistoryExport>(
                links,
                "history",
                "Requirement history",
                "One requirement in every version it is in, as one language shows it (its ID, metadata, change \
                 and the amendment entries that declare it, and its text where it changed): \
                 api/<lang>/history/<lineage>.json.",
            ),
        ),
        (
            "index",
            schema_for::<ApiIndex<'static>>(
                links,
                "index",
                "Discovery document",
                "The entry point for programs, from which every export is reachable: api/index.json.",
            ),
        ),
        (
            "moved",
            schema_for::<super::moved::MovedExport>(
                links,
                "moved",
                "Moved export",
                "A stub where an earlier build published a diff or a history this build no longer makes (a \
                 superseded diff pair, a history under an old name): why, and the exports that hold it now.",
            ),
        ),
        (
            "search",
            schema_for::<SearchData>(
                links,
                "search",
                "Search data",
                "An edition's search documents and lunr index: <lang>/<version>/search-index.json.",
            ),
        ),
        (
            "status",
            schema_for::<StatusExport>(
                links,
                "status",
                "Translation status",
                "An edition's translation coverage, and its outdated and missing requirements: \
                 api/<lang>/<version>/status.json.",
            ),
        ),
        (
            "vocabulary",
            schema_for::<VocabularyExport>(
                links,
                "vocabulary",
                "Vocabulary",
                "Every code the exports use, with its label in one language: api/<lang>/vocabulary.json.",
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_its_schema() {
        let links = Links::default();
        let names: Vec<&str> = schemas(&links).iter().map(|(n, _)| *n).collect();
        assert_eq!(names, NAMES);
        for (name, schema) in schemas(&links) {
            assert_eq!(schema.get("$id").and_then(Value::as_str), Some(schema_id(&links, name).as_str()));
            assert_eq!(
                schema.get("$schema").and_then(Value::as_str),
                Some("https://json-schema.org/draft/2020-12/schema")
            );
        }
    }
}
