//! The JSON stub left where an earlier build published data that this
//! build no longer makes ([`crate::permanence`]): a superseded diff or a
//! history under an old name. It says why, and where the data is now.

use schemars::JsonSchema;
use serde::Serialize;

use super::{FORMAT_VERSION, Links, schema_url, to_json};
use crate::model::Project;

/// What a moved export was.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MovedKind {
    /// A requirement's history (`api/<lang>/history/<name>.json`).
    History,
    /// A diff between two versions (`api/<lang>/diff/<from>-<to>.json`).
    Diff,
}

/// A stub where an earlier build published an export: `moved.schema.json`.
#[derive(Serialize, JsonSchema)]
pub struct MovedExport {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// What the file held.
    pub moved: MovedKind,
    /// Why it is no longer here, in the source language.
    pub reason: String,
    /// Where the data is now: the exports that hold it, the first the
    /// closest (the same lineage, or the diff from the same version).
    pub location: Vec<Location>,
}

/// One export that holds what a moved one held.
#[derive(Serialize, JsonSchema)]
pub struct Location {
    /// The export, relative to the stub.
    #[schemars(extend("format" = "uri-reference"))]
    pub json: String,
    /// Its page, relative to the stub.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
}

/// The stub at `file` (a site path): `targets` are (JSON, page) site paths.
/// An [`ExportError`](super::ExportError) if it cannot be serialised.
pub fn moved_json(
    project: &Project,
    file: &str,
    moved: MovedKind,
    reason: &str,
    targets: &[(String, String)],
) -> Result<Vec<u8>, super::ExportError> {
    let links = Links::of(project);
    to_json(
        file,
        &MovedExport {
            schema: schema_url("moved"),
            format_version: FORMAT_VERSION,
            moved,
            reason: reason.to_owned(),
            location: targets
                .iter()
                .map(|(json, html)| Location { json: links.href(file, json), html: links.href(file, html) })
                .collect(),
        },
    )
}
