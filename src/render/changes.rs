//! The pages about change: diffs between versions, the history of each
//! requirement, each version's amendment history, and a translation's status.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{LangContext, RenderError, SiteFiles};
use crate::diff::{self, ChangeKind, RequirementChange, ShownText, WordOp};
use crate::markdown::{self, escape};
use crate::model::*;
use crate::urls;

/// Escapes diff text for `white-space: pre-wrap`: paragraph breaks are kept,
/// line breaks inside a paragraph become spaces so the text reflows.
fn escape_reflow(text: &str) -> String {
    // In one pass, as replacing "\n\n" by NUL, "\n" by " ", then NUL by "\n\n" would.
    let mut joined = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['\n', '\u{0}']) {
        joined.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (replacement, len) = match tail.as_bytes() {
            [b'\n', b'\n', ..] | [b'\0', ..] => ("\n\n", if tail.starts_with('\0') { 1 } else { 2 }),
            _ => (" ", 1),
        };
        joined.push_str(replacement);
        rest = &tail[len..];
    }
    joined.push_str(rest);
    escape(&joined)
}

/// Word operations as inline HTML: `<del>` and `<ins>`, each announced to
/// screen readers by hidden text, and shown without colour by strike-through
/// and underline.
pub fn ops_inline(ops: &[WordOp], t: &Value) -> String {
    let label = |k: &str| t["ui"][k].as_str().unwrap_or(k).to_owned();
    let (ins, del, end) = (label("diff_inserted"), label("diff_deleted"), label("diff_end"));
    let mut out = String::new();
    for op in ops {
        let text = escape_reflow(&op.text);
        match op.op {
            "insert" => out.push_str(&format!(
                "<ins><span class=\"sr\">[{ins}: </span>{text}<span class=\"sr\">] {end}</span></ins>"
            )),
            "delete" => out.push_str(&format!(
                "<del><span class=\"sr\">[{del}: </span>{text}<span class=\"sr\">] {end}</span></del>"
            )),
            _ => out.push_str(&text),
        }
    }
    out
}

/// Word operations as two columns: the old text with deletions, the new
/// text with insertions.
pub fn ops_side(ops: &[WordOp]) -> (String, String) {
    let (mut old, mut new) = (String::new(), String::new());
    for op in ops {
        let text = escape_reflow(&op.text);
        match op.op {
            "insert" => new.push_str(&format!("<ins>{text}</ins>")),
            "delete" => old.push_str(&format!("<del>{text}</del>")),
            _ => {
                old.push_str(&text);
                new.push_str(&text);
            }
        }
    }
    (old, new)
}

fn req_href(code: &str, v: &Version, id: &str) -> Option<String> {
    v.requirement(id).map(|(c, _)| urls::requirement(code, &v.id, &c.slug, id))
}

/// The text a language shows for requirement `r` of version `v`.
pub(super) fn shown<'a>(lc: &'a LangContext) -> impl Fn(&Version, &Requirement) -> ShownText + 'a {
    move |v: &Version, r: &Requirement| {
        let version = lc.project.version(&v.id).unwrap_or(v);
        let req = version.requirement(&r.id).map(|(_, x)| x).unwrap_or(r);
        let local = lc.localizer.requirement(version, req);
        ShownText {
            title: local.title().to_owned(),
            body: local.body().to_owned(),
            guidance: local.guidance().map(str::to_owned),
        }
    }
}

/// The name of an effect in the page's language.
fn effect_label(t: &Value, e: diff::Effect) -> String {
    let key = format!("effect_{}", e.as_str());
    t["ui"][key.as_str()].as_str().unwrap_or(e.as_str()).to_owned()
}

/// A change's metadata changes, each with its effect, as the pages show them.
fn meta_view(t: &Value, meta: &[diff::MetaChange]) -> Vec<Value> {
    meta.iter()
        .map(|m| {
            let label = |field: &str, value: &str| -> String {
                let table = match field {
                    "applies-to" => "role",
                    "commodities" => "commodity",
                    other => other,
                };
                value
                    .split(", ")
                    .filter(|x| !x.is_empty())
                    .map(|x| t[table][x].as_str().unwrap_or(x).to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let field_key = if m.field == "applies-to" { "applies_to" } else { m.field };
            json!({ "field": t["ui"][field_key].as_str().unwrap_or(m.field), "old": label(m.field, &m.old), "new": label(m.field, &m.new), "effect": m.effect.as_str(), "effect_label": effect_label(t, m.effect) })
        })
        .collect()
}

fn change_view(lc: &LangContext, root: &str, from: &Version, to: &Version, c: &RequirementChange) -> Value {
    let code = lc.code();
    let t = &lc.strings;
    let old_href = c.old_id.as_deref().and_then(|id| req_href(code, from, id)).map(|h| format!("{root}{h}"));
    let new_href = c.id.as_deref().and_then(|id| req_href(code, to, id)).map(|h| format!("{root}{h}"));
    let history_href =
        c.id.as_deref()
            .map(|id| (to.id.clone(), id.to_owned()))
            .or_else(|| c.old_id.as_deref().map(|id| (from.id.clone(), id.to_owned())))
            .and_then(|key| lc.site.lineage_index.get(&key))
            .map(|&i| format!("{root}{}", urls::history(code, &lc.site.lineages[i].name)));
    let (body_old, body_new) = ops_side(&c.body_ops);
    let (guid_old, guid_new) = ops_side(&c.guidance_ops);
    let meta = meta_view(t, &c.meta);
    let amendments: Vec<Value> = c
        .amendments
        .iter()
        .map(|a| {
            json!({
                "href": format!("{root}{}#{}", urls::amendments(code, &a.version), urls::amendment_anchor(&a.id)),
                "title": a.title,
                "version": a.version,
            })
        })
        .collect();
    json!({
        "kind": c.change.as_str(),
        "kind_label": t["ui"][format!("change_{}", c.change.as_str())].as_str().unwrap_or(c.change.as_str()),
        "anchor": format!("change-{}", c.id.as_deref().or(c.old_id.as_deref()).unwrap_or("")),
        "id": c.id,
        "old_id": c.old_id,
        "title_html": ops_inline(&c.title_ops, t),
        "text_changed": c.text_changed,
        "text_lang": (c.text_in_source_language && !lc.localizer.is_source()).then(|| lc.project.standard.source_language.clone()),
        "body_html": ops_inline(&c.body_ops, t),
        "body_old": body_old,
        "body_new": body_new,
        "guidance_html": if c.guidance_ops.is_empty() { String::new() } else { ops_inline(&c.guidance_ops, t) },
        "guidance_old": guid_old,
        "guidance_new": guid_new,
        "meta": meta,
        "effect": c.effect.map(|e| e.as_str()),
        "effect_label": c.effect.map(|e| effect_label(t, e)),
        "old_href": old_href,
        "new_href": new_href,
        "history_href": history_href,
        "amendments": amendments,
    })
}

/// The diff page between `from` and `to`, and the same diff as data.
pub fn render_diff(lc: &LangContext, from: &Version, to: &Version, files: &mut SiteFiles) -> Result<(), RenderError> {
    let code = lc.code();
    let page = urls::diff_page(code, &from.id, &to.id);
    let root = urls::to_root(&page);
    let d = diff::compare_in(lc.project, from, to, &shown(lc));
    let module_title = |m: &str| {
        to.chapters
            .iter()
            .chain(&from.chapters)
            .find(|c| c.module.as_deref() == Some(m))
            .map(|c| lc.localizer.chapter(to, c).title().to_owned())
            .unwrap_or_else(|| m.to_owned())
    };
    let mut groups: Vec<Value> = Vec::new();
    let mut current: Option<(String, Vec<Value>)> = None;
    let mut unchanged = Vec::new();
    for c in &d.changes {
        if c.change == ChangeKind::Unchanged {
            unchanged.push(json!({ "id": c.id, "href": c.id.as_deref().and_then(|id| req_href(code, to, id)).map(|h| format!("{root}{h}")) }));
            continue;
        }
        if current.as_ref().is_none_or(|(m, _)| *m != c.module) {
            if let Some((m, list)) = current.take() {
                groups.push(json!({ "module": m, "title": module_title(&m), "changes": list }));
            }
            current = Some((c.module.clone(), Vec::new()));
        }
        if let Some((_, list)) = current.as_mut() {
            list.push(super::audience::tag_change(change_view(lc, &root, from, to, c), from, to, c));
        }
    }
    if let Some((m, list)) = current.take() {
        groups.push(json!({ "module": m, "title": module_title(&m), "changes": list }));
    }
    let mut ctx = lc.base(&page);
    // The search box searches the later edition.
    super::insert_search(&mut ctx, lc, Some(to));
    ctx.insert("from", &json!({ "id": from.id, "home": urls::edition_home(code, &from.id) }));
    ctx.insert("to", &json!({ "id": to.id, "home": urls::edition_home(code, &to.id), "amendments": urls::amendments(code, &to.id), "has_amendments": !to.amendments.is_empty() }));
    super::audience::insert_filter(&mut ctx);
    ctx.insert("counts", &d.counts());
    ctx.insert("effects", &d.effect_counts());
    super::insert_value(&mut ctx, "groups", Value::Array(groups));
    ctx.insert("unchanged", &unchanged);
    ctx.insert("json_href", &urls::diff_json(code, &from.id, &to.id));
    ctx.insert("language_links", &lc.language_links(&|l| urls::diff_page(l, &from.id, &to.id)));
    files.insert(page.clone(), lc.render("diff.html", &page, &ctx)?);
    let history = crate::api::edition::History { lineages: &lc.site.lineages, index: &lc.site.lineage_index };
    let json = crate::api::diff_json(lc.project, &history, &lc.localizer, &d, code);
    files.insert(urls::diff_json(code, &from.id, &to.id), json.into());
    Ok(())
}

/// The changes of one diff, by (new ID, old ID).
type ChangesByIds = HashMap<(String, String), RequirementChange>;

/// The history page of every requirement lineage.
pub fn render_histories(lc: &LangContext, files: &mut SiteFiles) -> Result<(), RenderError> {
    let code = lc.code();
    let t = &lc.strings;
    let project = lc.project;
    // Each step's change comes from the diff of its two versions, computed
    // once per pair (not once per step), keyed by (new ID, old ID).
    let mut diffs: HashMap<(&str, &str), ChangesByIds> = HashMap::new();
    for lineage in &lc.site.lineages {
        let page = urls::history(code, &lineage.name);
        let root = urls::to_root(&page);
        let mut steps = Vec::new();
        let mut previous: Option<(&Version, &Requirement)> = None;
        for (vid, id) in &lineage.steps {
            let Some(v) = project.version(vid) else { continue };
            let Some((chapter, r)) = v.requirement(id) else { continue };
            let local = lc.localizer.requirement(v, r);
            let index = v.requirement_index();
            let resolve =
                |x: &str| index.get(x).map(|slug| format!("{root}{}", urls::requirement(code, &v.id, slug, x)));
            let mut ops_in_source = false;
            let mut meta_changes = Vec::new();
            let mut effect = None;
            let (change, ops, reasons): (&str, Vec<WordOp>, Vec<Value>) = match previous {
                None => ("first", Vec::new(), Vec::new()),
                Some((pv, pr)) => {
                    let changes = diffs.entry((&pv.id, &v.id)).or_insert_with(|| {
                        let mut by_ids = HashMap::new();
                        for c in diff::compare_in(project, pv, v, &shown(lc)).changes {
                            if let (Some(new), Some(old)) = (c.id.clone(), c.old_id.clone()) {
                                by_ids.entry((new, old)).or_insert(c);
                            }
                        }
                        by_ids
                    });
                    match changes.get(&(id.clone(), pr.id.clone())) {
                        Some(c) => {
                            ops_in_source = c.text_in_source_language;
                            meta_changes = meta_view(t, &c.meta);
                            effect = c.effect;
                            let mut ops = c.title_ops.clone();
                            ops.push(WordOp { op: "equal", text: "\n\n".into() });
                            ops.extend(c.body_ops.clone());
                            let reasons = c.amendments.iter().map(|a| json!({
                                "href": format!("{root}{}#{}", urls::amendments(code, &a.version), urls::amendment_anchor(&a.id)),
                                "title": a.title,
                                "rationale_html": markdown::to_html(&a.rationale, &|_| None),
                            })).collect();
                            (c.change.as_str(), if c.text_changed { ops } else { Vec::new() }, reasons)
                        }
                        None => ("unchanged", Vec::new(), Vec::new()),
                    }
                }
            };
            steps.push(json!({
                "version": v.id,
                "anchor": urls::history_step_anchor(&v.id),
                "id": r.id,
                "href": format!("{root}{}", urls::requirement(code, &v.id, &chapter.slug, &r.id)),
                "title": local.title(),
                "body_html": markdown::to_html(local.body(), &resolve),
                "fallback_lang": (local.is_fallback() && !lc.localizer.is_source()).then(|| project.standard.source_language.clone()),
                "change": change,
                "change_label": t["ui"][format!("change_{change}")].as_str().unwrap_or(change),
                "diff_html": if ops.is_empty() { String::new() } else { ops_inline(&ops, t) },
                "diff_lang": (ops_in_source && !lc.localizer.is_source()).then(|| project.standard.source_language.clone()),
                "reasons": reasons,
                "meta": meta_changes,
                "effect": effect.map(|e| e.as_str()),
                "effect_label": effect.map(|e| effect_label(t, e)),
                "level": r.meta.level.name(),
                "timeframe": r.meta.timeframe.name(),
                "applies_to": r.meta.applies_to.iter().map(|x| x.name()).collect::<Vec<_>>(),
            }));
            previous = Some((v, r));
        }
        // Removed after its last version?
        let removal = lineage.steps.last().and_then(|(vid, id)| {
            let later = project.versions.iter().find(|x| x.previous.as_deref() == Some(vid.as_str()))?;
            let entry = later.amendments.iter().find(|a| a.removed.iter().any(|r| r == id));
            Some(json!({
                "version": later.id,
                "reason": entry.map(|a| json!({
                    "href": format!("{root}{}#{}", urls::amendments(code, &later.id), urls::amendment_anchor(&a.id)),
                    "title": a.title,
                    "rationale_html": markdown::to_html(&a.rationale, &|_| None),
                })),
            }))
        });
        let last_title = steps.last().and_then(|s| s["title"].as_str()).unwrap_or("").to_owned();
        let mut ctx = lc.base(&page);
        super::insert_search(&mut ctx, lc, project.latest().or(project.versions.last()));
        ctx.insert("name", &lineage.name);
        ctx.insert("title", &last_title);
        super::insert_value(&mut ctx, "steps", Value::Array(steps));
        ctx.insert("removal", &removal);
        ctx.insert("language_links", &lc.language_links(&|l| urls::history(l, &lineage.name)));
        files.insert(page.clone(), lc.render("history.html", &page, &ctx)?);
    }
    Ok(())
}

/// A version's amendment history page.
pub fn render_amendments(lc: &LangContext, version: &Version, files: &mut SiteFiles) -> Result<(), RenderError> {
    let Some(previous) = version.previous.as_deref().and_then(|p| lc.project.version(p)) else { return Ok(()) };
    let code = lc.code();
    let page = urls::amendments(code, &version.id);
    let root = urls::to_root(&page);
    let diff_page = format!("{root}{}", urls::diff_page(code, &previous.id, &version.id));
    let link = |v: &Version, id: &str| json!({ "id": id, "href": req_href(code, v, id).map(|h| format!("{root}{h}")), "change": format!("{diff_page}#change-{id}") });
    let entries: Vec<Value> = version
        .amendments
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "anchor": urls::amendment_anchor(&a.id),
                "title": a.title,
                "rationale_html": markdown::to_html(&a.rationale, &|_| None),
                "added": a.added.iter().map(|id| link(version, id)).collect::<Vec<_>>(),
                "modified": a.modified.iter().map(|id| link(version, id)).collect::<Vec<_>>(),
                "removed": a.removed.iter().map(|id| json!({ "id": id, "href": req_href(code, previous, id).map(|h| format!("{root}{h}")), "change": format!("{diff_page}#change-{id}") })).collect::<Vec<_>>(),
                "renumbered": a.renumbered.iter().map(|r| json!({ "from": r.from, "to": r.to, "href": req_href(code, version, &r.to).map(|h| format!("{root}{h}")), "change": format!("{diff_page}#change-{}", r.to) })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut ctx = lc.base(&page);
    super::insert_search(&mut ctx, lc, Some(version));
    ctx.insert("version", &json!({ "id": version.id, "home": urls::edition_home(code, &version.id) }));
    ctx.insert("previous", &json!({ "id": previous.id }));
    ctx.insert("diff_href", &diff_page);
    ctx.insert("entries", &entries);
    ctx.insert("language_links", &lc.language_links(&|l| urls::amendments(l, &version.id)));
    files.insert(page.clone(), lc.render("amendments.html", &page, &ctx)?);
    Ok(())
}

/// A translation's status page: coverage per version, outdated and missing requirements.
pub fn render_status(lc: &LangContext, files: &mut SiteFiles) -> Result<(), RenderError> {
    if lc.localizer.is_source() {
        return Ok(());
    }
    let code = lc.code();
    let page = urls::status_page(code);
    let root = urls::to_root(&page);
    let project = lc.project;
    let mut editions = Vec::new();
    for v in project.versions.iter().rev() {
        let mut outdated = Vec::new();
        let mut missing = Vec::new();
        let reqs = lc.localizer.requirements(v);
        for r in &reqs {
            let href = req_href(code, v, &r.source.id).map(|h| format!("{root}{h}"));
            let history = lc.site.lineage_index.get(&(v.id.clone(), r.source.id.clone())).map(|&i| {
                format!("{root}{}#{}", urls::history(code, &lc.site.lineages[i].name), urls::history_step_anchor(&v.id))
            });
            match r.status {
                crate::localize::TranslationStatus::Outdated => outdated.push(json!({ "id": r.source.id, "title": r.title(), "href": href, "from": r.translated_from, "history": history })),
                crate::localize::TranslationStatus::Missing => missing.push(json!({ "id": r.source.id, "title": r.source.title, "href": href })),
                crate::localize::TranslationStatus::Current => {}
            }
        }
        editions.push(json!({
            "id": v.id,
            "home": urls::edition_home(code, &v.id),
            "coverage": crate::localize::Coverage::of(&reqs),
            "total": reqs.len(),
            "outdated": outdated,
            "missing": missing,
        }));
    }
    let mut ctx = lc.base(&page);
    super::insert_search(&mut ctx, lc, lc.project.latest().or(lc.project.versions.last()));
    ctx.insert("editions", &editions);
    files.insert(page.clone(), lc.render("status.html", &page, &ctx)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_reflow_joins_lines_and_keeps_paragraphs() {
        let old = |t: &str| escape(&t.replace("\n\n", "\u{0}").replace('\n', " ").replace('\u{0}', "\n\n"));
        for text in ["", "a", "a\nb", "a\n\nb", "a\n\n\nb", "a\n\n\n\nb", "\n", "\n\n\n", "a\0b\n\0\n", "<é>\n&\"'\n\n"]
        {
            assert_eq!(escape_reflow(text), old(text), "{text:?}");
        }
    }
}
