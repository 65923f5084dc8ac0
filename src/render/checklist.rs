//! An edition's self-assessment checklist, `<lang>/<version>/checklist.html`.
//!
//! Without JavaScript the page is a printable form: every requirement of
//! the edition, by chapter, with a box for each status (not started, in
//! progress, met, not applicable) and lines for a note. With
//! `assets/checklist.js` the reader chooses roles and commodities (only the
//! requirements that apply stay), fills it in, and the answers are kept in
//! the browser (`localStorage`, one entry per edition), never sent; they
//! export and import as JSON (the `assessment` schema,
//! [`crate::api::assessment`]) and as CSV.
//!
//! An assessment of an earlier version is carried over along each
//! requirement's lineage. The page carries what that needs, made from the
//! same diffs as the diff pages and exports (see the README, "The Code for
//! me", for the same logic over the history JSON): per earlier version in
//! the same line, the IDs added since and every requirement that did not
//! stay as it was (modified, renumbered, removed); and, hidden in each
//! changed requirement's entry, its word diff since the previous version
//! and the reason its amendment entry gives (from further back, a link to
//! its history), so a page's weight does not grow with the number of
//! versions.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::audience::{Item, codes, items, page_context};
use super::changes::{RefLinks, ops_inline, resolver, shown};
use super::{LangContext, LocalEdition, RenderError, SiteFiles};
use crate::api::assessment::{AnswerStatus, CSV_COLUMNS, NOTE_MAX};
use crate::diff::{self, ChangeKind};
use crate::markdown;
use crate::model::*;
use crate::urls;

/// A requirement's entry on the checklist.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    item: &'a Item,
    /// What changed since the previous version, where it did.
    since: Vec<Value>,
    /// Its history page, where it changed since an earlier version.
    history_href: Option<String>,
}

/// The checklist page of `edition`.
pub fn checklist_page(lc: &LangContext, edition: &LocalEdition) -> Result<SiteFiles, RenderError> {
    let project = lc.project;
    let version = edition.version;
    let code = lc.code();
    let t = lc.strings();
    let all = items(lc, edition);
    let source = project.standard.source_language.as_str();

    // Per earlier version in this version's line: the steps of the
    // requirements that did not stay as they were (classified on the
    // English diff, which every language shares), and the IDs added since.
    // The word diffs and reasons shown are the previous version's only (the
    // diff a reader of a new version carries from); an answer carried from
    // further back is flagged with a link to its requirement's history.
    let mut carry = BTreeMap::new();
    let mut since: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut history: BTreeMap<&str, String> = BTreeMap::new();
    for from in project.versions.iter().filter(|v| v.id != version.id && diff::is_ancestor(project, v, version)) {
        let previous = version.previous.as_deref() == Some(from.id.as_str());
        let d = if previous {
            diff::compare_in(project, from, version, &shown(lc))
        } else {
            diff::compare(project, from, version)
        };
        let mut steps = BTreeMap::new();
        let mut added = Vec::new();
        for c in &d.changes {
            let changed = c.text_changed || !c.meta.is_empty();
            let (kind, old) = match (c.change, &c.old_id) {
                (ChangeKind::Modified, Some(old)) => ("modified", old),
                (ChangeKind::Renumbered, Some(old)) => ("renumbered", old),
                (ChangeKind::Removed, Some(old)) => ("removed", old),
                (ChangeKind::Added, _) => {
                    added.extend(c.id.clone());
                    continue;
                }
                _ => continue,
            };
            // Compact, as a page may carry from many versions: `"m"`
            // modified (same ID, flagged); `["r", new ID, flagged 0|1]`
            // renumbered; `["x", old title]` removed.
            let step = match kind {
                "modified" => json!("m"),
                "renumbered" => json!(["r", c.id, u8::from(changed)]),
                _ => json!(["x", c.old_title.clone().unwrap_or_default()]),
            };
            steps.insert(old.clone(), step);
            let Some(id) = c.id.as_deref().filter(|_| changed) else { continue };
            let Some(item) = all.iter().find(|i| i.id == id) else { continue };
            if !previous {
                // From further back: one link to the requirement's history.
                if let Some(&i) = lc.site.lineage_index.get(&(version.id.clone(), id.to_owned())) {
                    let page = urls::checklist(code, &version.id);
                    history.insert(
                        item.id.as_str(),
                        urls::relative(&page, &urls::history(code, &lc.site.lineages[i].name)),
                    );
                }
                continue;
            }
            // Title, body and guidance, a paragraph apart.
            let mut ops: Vec<diff::WordOp> = Vec::new();
            for part in [&c.title_ops, &c.body_ops, &c.guidance_ops].into_iter().filter(|o| !o.is_empty()) {
                if !ops.is_empty() {
                    ops.push(diff::WordOp { op: diff::Op::Equal, text: "\n\n".into() });
                }
                ops.extend(part.iter().cloned());
            }
            // Cross-references link to the requirement in its version, from this page.
            let root = urls::to_root(&urls::checklist(code, &version.id));
            let (old_ref, new_ref) = (resolver(code, &root, from), resolver(code, &root, version));
            let links = RefLinks { old: &old_ref, new: &new_ref };
            let meta: Vec<Value> =
                c.meta.iter().map(|m| json!({ "field": m.field, "old": m.old, "new": m.new })).collect();
            let reasons: Vec<Value> = c
                .amendments
                .iter()
                .map(|a| json!({ "title": a.title, "html": markdown::to_html(&a.rationale, &|_| None) }))
                .collect();
            since.entry(&item.id).or_default().push(json!({
                "from": from.id,
                "old_id": old,
                "diff_html": ops_inline(&ops, t, &links),
                "lang": (c.text_in_source_language && code != source).then_some(source),
                "meta": meta,
                "reasons": reasons,
            }));
        }
        carry.insert(from.id.clone(), json!({ "added": added, "steps": steps }));
    }

    let mut chapters: Vec<Value> = Vec::new();
    for lch in &edition.chapters {
        let entries: Vec<Entry> = all
            .iter()
            .filter(|i| i.chapter == lch.source.slug)
            .map(|item| Entry {
                item,
                since: since.remove(item.id.as_str()).unwrap_or_default(),
                history_href: history.remove(item.id.as_str()),
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        let english = lch.translation.is_none() && code != source;
        chapters.push(json!({ "slug": lch.source.slug, "title": lch.title(), "lang": english.then_some(source), "entries": entries }));
    }

    let schema = crate::api::schema::assessment_schema(&crate::api::Links::of(project));
    let data = json!({
        "standard": project.standard.title,
        "version": version.id,
        "lang": code,
        "format_version": crate::api::FORMAT_VERSION,
        "schema_id": schema.get("$id"),
        "ids": all.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        "carry": carry,
        "csv": CSV_COLUMNS,
        "schema": schema,
    });

    let page = urls::checklist(code, &version.id);
    let mut ctx = page_context(lc, version, &page, &|l| urls::checklist(l, &version.id));
    ctx.insert("chapters", &chapters);
    ctx.insert("statuses", &AnswerStatus::ALL.iter().map(|(_, c)| *c).collect::<Vec<_>>());
    ctx.insert("commodities", &codes::<Commodity>());
    ctx.insert("count", &all.len());
    ctx.insert("note_max", &NOTE_MAX);
    ctx.insert("schema_href", &urls::schema("assessment"));
    ctx.insert("data_json", &script_json(&data));
    let mut files = SiteFiles::new();
    files.insert(page.clone(), lc.render("checklist.html", &page, &ctx)?);
    Ok(files)
}

/// `value` as JSON that is safe inside `<script type="application/json">`:
/// no `<` (so no `</script>` or `<!--`), and the two line separators
/// JavaScript once treated as line ends escaped too.
fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_script() {
        let v = json!({ "note": "</script><script>alert(1)</script><!--" });
        let s = script_json(&v);
        assert!(!s.contains('<'), "{s}");
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }
}
