//! Translation status as data: `api/<lang>/<version>/status.json`, one per
//! edition, from [`crate::status::report`] (the report `craftpub status`
//! prints). The source language has one too, with every requirement current,
//! so that every edition links the same exports.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{FORMAT_VERSION, schema_url};
use crate::localize::Coverage;
use crate::model::Project;
use crate::status::EditionStatus;

/// `api/<lang>/<version>/status.json`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StatusExport {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// The status: coverage, and the outdated and missing requirements.
    #[serde(flatten)]
    pub status: EditionStatus,
}

/// The root folder of a project, from where its first version was loaded
/// (`<root>/standard/<version>`); file paths in the report are relative to it.
fn root(project: &Project) -> std::path::PathBuf {
    project
        .versions
        .first()
        .and_then(|v| v.dir.parent())
        .and_then(|standard| standard.parent())
        .map(|p| p.to_path_buf())
        .unwrap_or_default()
}

/// The status export of every edition, keyed by (language, version).
pub fn statuses(project: &Project) -> BTreeMap<(String, String), StatusExport> {
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
        out.insert((source.clone(), v.id.clone()), export(status));
    }
    for status in crate::status::report(&root(project), project, None, None) {
        out.insert((status.lang.clone(), status.version.clone()), export(status));
    }
    out
}

fn export(status: EditionStatus) -> StatusExport {
    StatusExport { schema: schema_url("status"), format_version: FORMAT_VERSION, status }
}
