//! Change over versions as data: a requirement's history across versions,
//! `api/<lang>/history/<lineage>.json` (one file per lineage and language,
//! the data twin of the history page), and a version's amendment history,
//! `api/<version>/amendments.json`, whose entries diffs and histories point
//! to ([`AmendmentPointer`]).

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::edition::MetadataExport;
use super::{FORMAT_VERSION, Links, schema_url};
use crate::diff::{AmendmentRef, ChangeKind, Lineage};
use crate::localize::{Localizer, TranslationStatus};
use crate::markdown;
use crate::model::*;
use crate::urls;

/// Whether `version` has an amendment history: it revises a version.
pub fn has_amendments(project: &Project, version: &Version) -> bool {
    version.previous.as_deref().and_then(|p| project.version(p)).is_some()
}

/// A pointer to the amendment entry that declares a change.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AmendmentPointer {
    /// The version whose amendment history holds the entry.
    pub version: String,
    /// The entry's ID there (its `id` in that file's `entries`).
    pub id: String,
    /// That version's amendment history as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub json: String,
}

impl AmendmentPointer {
    /// The pointer to `a`, from the export at `file`.
    pub fn new(links: &Links, file: &str, a: &AmendmentRef) -> Self {
        AmendmentPointer {
            version: a.version.clone(),
            id: a.id.clone(),
            json: links.href(file, &urls::amendments_json(&a.version)),
        }
    }
}

/// What a step of a lineage is, from the English diff of its version and
/// the version of the step before: the same in every language, so computed
/// once ([`Steps::new`]).
#[derive(Debug, Clone)]
struct Step {
    change: &'static str,
    amendments: Vec<AmendmentRef>,
}

/// The steps of one diff, by (new ID, old ID).
type DiffSteps = HashMap<(Option<String>, Option<String>), Step>;

/// The change and amendment entries of every step of every lineage, keyed
/// by (version, ID).
pub struct Steps {
    by_step: HashMap<(String, String), Step>,
}

impl Steps {
    /// The steps of `lineages`, from one English diff per pair of versions
    /// that follow each other in a lineage.
    pub fn new(project: &Project, lineages: &[Lineage]) -> Steps {
        let mut diffs: HashMap<(String, String), DiffSteps> = HashMap::new();
        let mut by_step = HashMap::new();
        let changes = |from: &str, to: &str| -> Option<DiffSteps> {
            let (a, b) = (project.version(from)?, project.version(to)?);
            let d = crate::diff::compare(project, a, b);
            Some(
                d.changes
                    .into_iter()
                    .map(|c| ((c.id, c.old_id), Step { change: c.change.as_str(), amendments: c.amendments }))
                    .collect(),
            )
        };
        for lineage in lineages {
            let mut previous: Option<&(String, String)> = None;
            for step in &lineage.steps {
                let (vid, id) = step;
                // The first step: new in its version when that revises another.
                let (from, old) = match previous {
                    Some((pv, pid)) => (Some(pv.clone()), Some(pid.clone())),
                    None => (project.version(vid).and_then(|v| v.previous.clone()), None),
                };
                let found = from.and_then(|from| {
                    let key = (from.clone(), vid.clone());
                    if !diffs.contains_key(&key) {
                        let d = changes(&from, vid).unwrap_or_default();
                        diffs.insert(key.clone(), d);
                    }
                    diffs.get(&key).and_then(|d| d.get(&(Some(id.clone()), old.clone()))).cloned()
                });
                let step_of = match (found, previous) {
                    (Some(s), _) => s,
                    (None, None) => Step { change: "first", amendments: Vec::new() },
                    (None, Some(_)) => Step { change: ChangeKind::Unchanged.as_str(), amendments: Vec::new() },
                };
                by_step.insert(step.clone(), step_of);
                previous = Some(step);
            }
        }
        Steps { by_step }
    }
}

/// `api/<lang>/history/<lineage>.json`: one requirement in every version it
/// is in, as one language shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HistoryExport {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// The lineage's name: the requirement's ID in the latest version it is
    /// in.
    pub lineage: String,
    /// The language of the texts.
    pub lang: String,
    /// The language of the official text; shown where a translation is missing.
    pub source_language: String,
    /// The history page.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
    /// The requirement in every version it is in, oldest first.
    pub steps: Vec<HistoryStep>,
    /// The version that removed it, when one did; null otherwise.
    pub removed: Option<Removal>,
}

/// A requirement in one version of its history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HistoryStep {
    /// The version.
    pub version: String,
    /// The requirement's ID in that version.
    pub id: String,
    /// Its ID in the version of the step before (null for the first step).
    pub old_id: Option<String>,
    /// The change from the step before: `first` (the Code's first version),
    /// `added` (new in this version), `modified`, `renumbered` or
    /// `unchanged`.
    #[schemars(extend("enum" = ["first", "added", "modified", "renumbered", "unchanged"]))]
    pub change: &'static str,
    /// The amendment entries that declare the change.
    pub amendments: Vec<AmendmentPointer>,
    /// The metadata in that version.
    pub metadata: MetadataExport,
    /// In a translation: the translation's status in that version. Absent
    /// in the source language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation_status: Option<TranslationStatus>,
    /// The requirement's page in that version, with its anchor.
    #[schemars(extend("format" = "uri-reference"))]
    pub url: String,
    /// That version's edition as data.
    #[schemars(extend("format" = "uri-reference"))]
    pub edition_json: String,
    /// The text shown in that version, where it differs from the step
    /// before's (always on the first step); null where it is the same, so
    /// the text of a step is that of the last step before it that has one.
    pub text: Option<StepText>,
}

/// The text of a requirement in one version.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct StepText {
    /// The title.
    pub title: String,
    /// The body, Markdown.
    pub text: String,
    /// The body as HTML (sanitised; cross-references are links).
    pub html: String,
    /// The guidance, Markdown, when there is some.
    pub guidance: Option<String>,
    /// The guidance as HTML.
    pub guidance_html: Option<String>,
    /// The language the title and texts are in: the history's, or the
    /// source language where the translation is missing.
    pub text_lang: String,
}

/// The removal of a requirement.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Removal {
    /// The version it is no longer in.
    pub version: String,
    /// The amendment entries that declare the removal.
    pub amendments: Vec<AmendmentPointer>,
}

/// The history of `lineage` in `language` (resolved by `localizer`).
pub fn history(
    project: &Project,
    links: &Links,
    steps: &Steps,
    localizer: &Localizer,
    language: &Language,
    lineage: &Lineage,
) -> HistoryExport {
    let code = language.code.as_str();
    let source = project.standard.source_language.as_str();
    let file = urls::history_json(code, &lineage.name);
    let href = |to: &str| links.href(&file, to);
    let mut out = Vec::new();
    let mut last_text: Option<StepText> = None;
    let mut previous_id: Option<String> = None;
    for (vid, id) in &lineage.steps {
        let Some(v) = project.version(vid) else { continue };
        let Some((chapter, r)) = v.requirement(id) else { continue };
        let local = localizer.requirement(v, r);
        let index = v.requirement_index();
        let resolve = |x: &str| index.get(x).map(|slug| href(&urls::requirement(code, &v.id, slug, x)));
        let html = |t: &str| if t.is_empty() { String::new() } else { markdown::to_html(t, &resolve) };
        let text = StepText {
            title: local.title().to_owned(),
            text: local.body().trim().to_owned(),
            html: html(local.body().trim()),
            guidance: local.guidance().map(|g| g.trim().to_owned()),
            guidance_html: local.guidance().map(|g| html(g.trim())),
            text_lang: if local.is_fallback() { source } else { code }.to_owned(),
        };
        let changed = last_text.as_ref() != Some(&text);
        let step = steps.by_step.get(&(vid.clone(), id.clone()));
        out.push(HistoryStep {
            version: v.id.clone(),
            id: r.id.clone(),
            old_id: previous_id.take(),
            change: step.map_or("first", |s| s.change),
            amendments: step
                .map(|s| s.amendments.iter().map(|a| AmendmentPointer::new(links, &file, a)).collect())
                .unwrap_or_default(),
            metadata: MetadataExport::of(&r.meta),
            translation_status: (!localizer.is_source()).then_some(local.status),
            url: href(&urls::requirement(code, &v.id, &chapter.slug, &r.id)),
            edition_json: href(&urls::edition_json(code, &v.id)),
            text: changed.then(|| text.clone()),
        });
        last_text = Some(text);
        previous_id = Some(r.id.clone());
    }
    let removed = lineage.steps.last().and_then(|(vid, id)| {
        let later = project.versions.iter().find(|x| x.previous.as_deref() == Some(vid.as_str()))?;
        let amendments = later
            .amendments
            .iter()
            .filter(|a| a.removed.iter().any(|r| r == id))
            .map(|a| AmendmentPointer {
                version: later.id.clone(),
                id: a.id.clone(),
                json: href(&urls::amendments_json(&later.id)),
            })
            .collect();
        Some(Removal { version: later.id.clone(), amendments })
    });
    HistoryExport {
        schema: schema_url("history"),
        format_version: FORMAT_VERSION,
        lineage: lineage.name.clone(),
        lang: code.to_owned(),
        source_language: source.to_owned(),
        html: href(&urls::history(code, &lineage.name)),
        steps: out,
        removed,
    }
}

/// `api/<version>/amendments.json`: what changed since the previous
/// version, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AmendmentsExport {
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// The version.
    pub version: String,
    /// The version it revises.
    pub previous: String,
    /// The language of the titles and rationales: the source language
    /// (amendment histories are not translated).
    pub lang: String,
    /// The amendment history page, in the source language.
    #[schemars(extend("format" = "uri-reference"))]
    pub html: String,
    /// The diff from the previous version as data, in the source language,
    /// when the site publishes it.
    #[schemars(extend("format" = "uri-reference"))]
    pub diff_json: Option<String>,
    /// The entries, in the order of the amendment history.
    pub entries: Vec<AmendmentEntry>,
}

/// One entry of an amendment history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AmendmentEntry {
    /// The entry's ID, unique in its version.
    pub id: String,
    /// A one-line summary.
    pub title: String,
    /// Why the change was made, Markdown.
    pub rationale: String,
    /// The same rationale as HTML.
    pub rationale_html: String,
    /// IDs new in this version.
    pub added: Vec<String>,
    /// IDs of the previous version that are gone.
    pub removed: Vec<String>,
    /// IDs whose text or metadata changed.
    pub modified: Vec<String>,
    /// Renumberings: the ID in the previous version and the ID in this one.
    pub renumbered: Vec<RenumberingExport>,
}

/// A requirement that changed its ID.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RenumberingExport {
    /// The ID in the previous version.
    pub from: String,
    /// The ID in this version.
    pub to: String,
}

/// The amendment history of `version` as data, when it revises a version;
/// `pairs` are the version pairs with a published diff.
pub fn amendments(
    project: &Project,
    links: &Links,
    pairs: &[(String, String)],
    version: &Version,
) -> Option<AmendmentsExport> {
    let previous = version.previous.as_deref().and_then(|p| project.version(p))?;
    let lang = project.standard.source_language.as_str();
    let file = urls::amendments_json(&version.id);
    let published = pairs.iter().any(|(a, b)| *a == previous.id && *b == version.id);
    Some(AmendmentsExport {
        schema: schema_url("amendments"),
        format_version: FORMAT_VERSION,
        version: version.id.clone(),
        previous: previous.id.clone(),
        lang: lang.to_owned(),
        html: links.href(&file, &urls::amendments(lang, &version.id)),
        diff_json: published.then(|| links.href(&file, &urls::diff_json(lang, &previous.id, &version.id))),
        entries: version
            .amendments
            .iter()
            .map(|a| AmendmentEntry {
                id: a.id.clone(),
                title: a.title.clone(),
                rationale: a.rationale.trim().to_owned(),
                rationale_html: markdown::to_html(&a.rationale, &|_| None),
                added: a.added.clone(),
                removed: a.removed.clone(),
                modified: a.modified.clone(),
                renumbered: a
                    .renumbered
                    .iter()
                    .map(|r| RenumberingExport { from: r.from.clone(), to: r.to.clone() })
                    .collect(),
            })
            .collect(),
    })
}
