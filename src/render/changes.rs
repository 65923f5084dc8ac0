//! The pages about change: diffs between versions, the history of each
//! requirement, each version's amendment history, and a translation's status.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{LangContext, RenderError, SiteFiles};
use crate::diff::{self, ChangeKind, Op, RequirementChange, ShownText, WordOp};
use crate::markdown;
use crate::model::*;
use crate::urls;

/// Escapes diff text for `white-space: pre-wrap` (see [`reflow`]).
#[cfg(test)]
fn escape_reflow(text: &str) -> String {
    markdown::escape(&reflow(text))
}

/// Where the cross-references of a diff's words link: deleted words to the
/// earlier version's requirements, inserted and unchanged ones to the later
/// version's (or, for unchanged words, the earlier's where the later has no
/// such requirement), as the chapter pages link them.
pub struct RefLinks<'a> {
    /// Resolves an ID of the earlier version to its URL.
    pub old: &'a dyn Fn(&str) -> Option<String>,
    /// Resolves an ID of the later version to its URL.
    pub new: &'a dyn Fn(&str) -> Option<String>,
}

impl RefLinks<'_> {
    /// The escaped, reflowed HTML of one operation's text, its
    /// cross-references linked.
    fn html(&self, op: &WordOp) -> String {
        let text = reflow(&op.text);
        match op.op {
            Op::Delete => markdown::escape_with_refs(&text, self.old),
            Op::Insert => markdown::escape_with_refs(&text, self.new),
            Op::Equal => markdown::escape_with_refs(&text, &|id| (self.new)(id).or_else(|| (self.old)(id))),
        }
    }
}

/// An amendment rationale of version `version` as HTML: its
/// cross-references link to that version's requirements, or to the
/// previous version's for the IDs it no longer has (those it removed).
fn rationale_html(lc: &LangContext, root: &str, version: &str, rationale: &str) -> String {
    let code = lc.code();
    let Some(v) = lc.project.version(version) else { return markdown::to_html(rationale, &|_| None) };
    let previous = v.previous.as_deref().and_then(|p| lc.project.version(p));
    let resolve = |id: &str| {
        req_href(code, v, id).or_else(|| previous.and_then(|p| req_href(code, p, id))).map(|h| format!("{root}{h}"))
    };
    markdown::to_html(rationale, &resolve)
}

/// The URL resolver of version `v`'s requirements, from a page at `root`.
pub(super) fn resolver<'a>(code: &'a str, root: &'a str, v: &'a Version) -> impl Fn(&str) -> Option<String> + 'a {
    move |id: &str| req_href(code, v, id).map(|h| format!("{root}{h}"))
}

/// Diff text for `white-space: pre-wrap`: paragraph breaks are kept, line
/// breaks inside a paragraph become spaces so the text reflows.
fn reflow(text: &str) -> String {
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
    joined
}

/// Word operations as inline HTML: `<del>` and `<ins>`, each announced to
/// screen readers by hidden text, and shown without colour by strike-through
/// and underline.
pub fn ops_inline(ops: &[WordOp], t: &Value, links: &RefLinks) -> String {
    let label = |k: &str| t["ui"][k].as_str().unwrap_or(k).to_owned();
    let (ins, del, end) = (label("diff_inserted"), label("diff_deleted"), label("diff_end"));
    let mut out = String::new();
    for op in ops {
        let text = links.html(op);
        match op.op {
            Op::Insert => out.push_str(&format!(
                "<ins><span class=\"sr\">[{ins}: </span>{text}<span class=\"sr\">] {end}</span></ins>"
            )),
            Op::Delete => out.push_str(&format!(
                "<del><span class=\"sr\">[{del}: </span>{text}<span class=\"sr\">] {end}</span></del>"
            )),
            _ => out.push_str(&text),
        }
    }
    out
}

/// Word operations as two columns: the old text with deletions, the new
/// text with insertions.
pub fn ops_side(ops: &[WordOp], links: &RefLinks) -> (String, String) {
    let (mut old, mut new) = (String::new(), String::new());
    for op in ops {
        let text = links.html(op);
        match op.op {
            Op::Insert => new.push_str(&format!("<ins>{text}</ins>")),
            Op::Delete => old.push_str(&format!("<del>{text}</del>")),
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

/// Whether a translation's page shows the change in the source language:
/// the requirement is untranslated on every side the change has (so its
/// title, text and guidance are the English ones, and marked as such).
fn shown_in_source_language(lc: &LangContext, from: &Version, to: &Version, c: &RequirementChange) -> bool {
    let fallback = |v: &Version, id: Option<&str>| {
        id.and_then(|id| v.requirement(id)).map(|(_, r)| lc.localizer.requirement(v, r).is_fallback())
    };
    let sides: Vec<bool> =
        [fallback(from, c.old_id.as_deref()), fallback(to, c.id.as_deref())].into_iter().flatten().collect();
    !sides.is_empty() && sides.iter().all(|&english| english)
}

/// A requirement's whole metadata, as its page shows it (for an added or
/// removed requirement, whose every field is new or gone).
fn metadata_view(t: &Value, m: &RequirementMeta) -> Vec<Value> {
    fn names<T: Vocabulary + PartialEq>(v: &[T]) -> Vec<&str> {
        v.iter().map(|x| x.name()).collect()
    }
    let label = |table: &str, x: &str| t[table][x].as_str().unwrap_or(x).to_owned();
    let row = |field: &str, table: &str, values: Vec<&str>| json!({ "field": t["ui"][field].as_str().unwrap_or(field), "value": values.iter().map(|x| label(table, x)).collect::<Vec<_>>().join(", ") });
    let mut rows = vec![
        row("applies_to", "role", names(&m.applies_to)),
        row("level", "level", vec![m.level.name()]),
        row("timeframe", "timeframe", vec![m.timeframe.name()]),
    ];
    if !m.oecd.is_empty() {
        rows.push(row("oecd", "oecd", names(&m.oecd)));
    }
    if !m.commodities.is_empty() {
        rows.push(row("commodities", "commodity", names(&m.commodities)));
    }
    rows
}

/// The chapters whose own text changed, as the diff page shows them.
fn chapters_view(lc: &LangContext, root: &str, from: &Version, to: &Version, d: &diff::VersionDiff) -> Vec<Value> {
    let code = lc.code();
    let t = &lc.strings;
    let (resolve_old, resolve_new) = (resolver(code, root, from), resolver(code, root, to));
    let links = RefLinks { old: &resolve_old, new: &resolve_new };
    d.chapters
        .iter()
        .map(|c| {
            let shown = to.chapter(&c.slug).map(|ch| (to, ch)).or_else(|| from.chapter(&c.slug).map(|ch| (from, ch)));
            let title = shown.map(|(v, ch)| lc.localizer.chapter(v, ch).title().to_owned()).unwrap_or_default();
            let href =
                |v: &Version| v.chapter(&c.slug).map(|_| format!("{root}{}", urls::chapter(code, &v.id, &c.slug)));
            let kind = c.kind_name();
            json!({
                "slug": c.slug,
                "anchor": format!("chapter-{}", c.slug),
                "title": title,
                "kind_label": t["kind"][kind].as_str().unwrap_or(kind),
                "change": c.change.as_str(),
                "change_label": t["ui"][format!("change_{}", c.change.as_str())].as_str().unwrap_or(c.change.as_str()),
                "title_changed": c.title_ops.iter().any(|o| o.op != Op::Equal),
                "title_html": ops_inline(&c.title_ops, t, &links),
                "text_html": ops_inline(&c.text_ops, t, &links),
                "text_lang": (!lc.localizer.is_source()).then(|| lc.project.standard.source_language.clone()),
                "old_href": href(from),
                "new_href": href(to),
            })
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
    let (resolve_old, resolve_new) = (resolver(code, root, from), resolver(code, root, to));
    let links = RefLinks { old: &resolve_old, new: &resolve_new };
    let (body_old, body_new) = ops_side(&c.body_ops, &links);
    let (guid_old, guid_new) = ops_side(&c.guidance_ops, &links);
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
        "title_html": ops_inline(&c.title_ops, t, &links),
        "text_changed": c.text_changed,
        "text_lang": ((c.text_in_source_language || shown_in_source_language(lc, from, to, c)) && !lc.localizer.is_source())
            .then(|| lc.project.standard.source_language.clone()),
        "body_html": ops_inline(&c.body_ops, t, &links),
        "body_old": body_old,
        "body_new": body_new,
        "guidance_html": if c.guidance_ops.is_empty() { String::new() } else { ops_inline(&c.guidance_ops, t, &links) },
        "guidance_old": guid_old,
        "guidance_new": guid_new,
        "meta": meta,
        "effect": c.effect.map(|e| e.as_str()),
        "effect_label": c.effect.map(|e| effect_label(t, e)),
        "old_href": old_href,
        "new_href": new_href,
        "history_href": history_href,
        "amendments": amendments,
        "section": c.section,
        "metadata": c.metadata.as_ref().map(|m| metadata_view(t, m)),
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
            .map(|c| {
                let local = lc.localizer.chapter(to, c);
                // A heading shown in English on a translation's page says so, as on chapter pages.
                let lang = (local.translation.is_none() && !lc.localizer.is_source())
                    .then(|| lc.project.standard.source_language.clone());
                (local.title().to_owned(), lang)
            })
            .unwrap_or_else(|| (m.to_owned(), None))
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
                let (title, lang) = module_title(&m);
                groups.push(json!({ "module": m, "title": title, "lang": lang, "changes": list }));
            }
            current = Some((c.module.clone(), Vec::new()));
        }
        if let Some((_, list)) = current.as_mut() {
            list.push(super::audience::tag_change(change_view(lc, &root, from, to, c), from, to, c));
        }
    }
    if let Some((m, list)) = current.take() {
        let (title, lang) = module_title(&m);
        groups.push(json!({ "module": m, "title": title, "lang": lang, "changes": list }));
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
    super::insert_value(&mut ctx, "chapters", Value::Array(chapters_view(lc, &root, from, to, &d)));
    ctx.insert("unchanged", &unchanged);
    ctx.insert("json_href", &urls::diff_json(code, &from.id, &to.id));
    ctx.insert("language_links", &lc.language_links(&|l| urls::diff_page(l, &from.id, &to.id)));
    files.insert(page.clone(), lc.render("diff.html", &page, &ctx)?);
    let history = crate::api::edition::History { lineages: &lc.site.lineages, index: &lc.site.lineage_index };
    let json = crate::api::diff_json(lc.project, &history, &lc.localizer, &d, code)?;
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
            let step_from = previous.map(|(pv, _)| pv).unwrap_or(v);
            let (resolve_old, resolve_new) = (resolver(code, &root, step_from), resolver(code, &root, v));
            let links = RefLinks { old: &resolve_old, new: &resolve_new };
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
                            ops.push(WordOp { op: Op::Equal, text: "\n\n".into() });
                            ops.extend(c.body_ops.clone());
                            let reasons = c.amendments.iter().map(|a| json!({
                                "href": format!("{root}{}#{}", urls::amendments(code, &a.version), urls::amendment_anchor(&a.id)),
                                "title": a.title,
                                "rationale_html": rationale_html(lc, &root, &a.version, &a.rationale),
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
                "diff_html": if ops.is_empty() { String::new() } else { ops_inline(&ops, t, &links) },
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
                    "rationale_html": rationale_html(lc, &root, &later.id, &a.rationale),
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
                "rationale_html": rationale_html(lc, &root, &version.id, &a.rationale),
                "added": a.added.iter().map(|id| link(version, id)).collect::<Vec<_>>(),
                "modified": a.modified.iter().map(|id| link(version, id)).collect::<Vec<_>>(),
                "removed": a.removed.iter().map(|id| json!({ "id": id, "href": req_href(code, previous, id).map(|h| format!("{root}{h}")), "change": format!("{diff_page}#change-{id}") })).collect::<Vec<_>>(),
                "chapters": a.chapters.iter().map(|(slug, _)| {
                    let ch = version.chapter(slug).map(|c| (version, c)).or_else(|| previous.chapter(slug).map(|c| (previous, c)));
                    json!({
                        "slug": slug,
                        "title": ch.map(|(v, c)| lc.localizer.chapter(v, c).title().to_owned()).unwrap_or_else(|| slug.clone()),
                        "href": ch.map(|(v, _)| format!("{root}{}", urls::chapter(code, &v.id, slug))),
                        "change": format!("{diff_page}#chapter-{slug}"),
                    })
                }).collect::<Vec<_>>(),
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
        let old = |t: &str| markdown::escape(&t.replace("\n\n", "\u{0}").replace('\n', " ").replace('\u{0}', "\n\n"));
        for text in ["", "a", "a\nb", "a\n\nb", "a\n\n\nb", "a\n\n\n\nb", "\n", "\n\n\n", "a\0b\n\0\n", "<é>\n&\"'\n\n"]
        {
            assert_eq!(escape_reflow(text), old(text), "{text:?}");
        }
    }
}
