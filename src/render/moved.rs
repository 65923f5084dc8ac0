//! The small pages (and JSON stubs) left where an earlier build published
//! what this build no longer makes: see [`crate::permanence`].

use serde_json::json;

use super::{LangContext, RenderError, SiteFiles};
use crate::api::moved::{MovedKind, moved_json};
use crate::urls;

/// Every moved page and stub of `lc`'s language.
pub fn moved_pages(lc: &LangContext) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    let code = lc.code();
    let project = lc.project;
    let source = project.standard.source_language.clone();
    let mut write = |page: String,
                     json: String,
                     kind: MovedKind,
                     reason: String,
                     targets: Vec<(String, String, String)>|
     -> Result<(), RenderError> {
        let root = urls::to_root(&page);
        let mut ctx = lc.base(&page);
        ctx.insert("reason", &reason);
        ctx.insert("reason_lang", &source);
        let links: Vec<_> =
            targets.iter().map(|(_, html, label)| json!({ "href": format!("{root}{html}"), "label": label })).collect();
        ctx.insert("targets", &links);
        // Canonical: where the content went, absolute, or nothing without a
        // base URL (search engines take only absolute ones).
        ctx.insert("canonical", &targets.first().and_then(|(_, html, _)| super::meta::absolute(project, html)));
        files.insert(page.clone(), lc.render("moved.html", &page, &ctx)?);
        let data: Vec<(String, String)> = targets.into_iter().map(|(j, h, _)| (j, h)).collect();
        files.insert(json.clone(), moved_json(project, &json, kind, &reason, &data)?.into());
        Ok(())
    };
    for h in &lc.site.gone.histories {
        let reason = match &h.renumbered {
            Some((version, id)) => format!(
                "Requirement {} was renumbered {id} in version {version}: its history continues under its new ID.",
                h.old_id
            ),
            None => format!("The history of requirement {} is now published as {}.", h.old_id, h.now),
        };
        let label =
            format!("{} {}", lc.strings["ui"]["history_of"].as_str().unwrap_or("History of requirement"), h.now);
        write(
            urls::history(code, &h.name),
            urls::history_json(code, &h.name),
            MovedKind::History,
            reason,
            vec![(urls::history_json(code, &h.now), urls::history(code, &h.now), label)],
        )?;
    }
    for d in &lc.site.gone.diffs {
        let reason = format!(
            "Since version {} was released, this site publishes the changes of each version against the previous \
             one and against the current version, and no longer from version {} to version {}. They are in:",
            d.since, d.from, d.to
        );
        let label = |a: &str, b: &str| {
            format!(
                "{} {a} {} {b}",
                lc.strings["ui"]["changes_from"].as_str().unwrap_or("Changes from version"),
                lc.strings["ui"]["changes_to"].as_str().unwrap_or("to version")
            )
        };
        let mut targets: Vec<(String, String, String)> = d
            .instead
            .iter()
            .map(|(a, b)| (urls::diff_json(code, a, b), urls::diff_page(code, a, b), label(a, b)))
            .collect();
        if targets.is_empty() {
            // Nothing covers it (its versions are gone): the later version's home.
            targets.push((urls::API_INDEX.to_owned(), urls::edition_home(code, &d.to), d.to.clone()));
        }
        write(
            urls::diff_page(code, &d.from, &d.to),
            urls::diff_json(code, &d.from, &d.to),
            MovedKind::Diff,
            reason,
            targets,
        )?;
    }
    for m in &lc.site.gone.latest {
        let page = urls::chapter(code, "latest", &m.slug);
        let root = urls::to_root(&page);
        let mut ctx = lc.base(&page);
        let current = project.latest().map(|v| v.id.clone()).unwrap_or_default();
        ctx.insert(
            "reason",
            &format!(
                "The current version ({current}) has no chapter {}: it was last in version {}.",
                m.slug, m.version
            ),
        );
        ctx.insert("reason_lang", &source);
        let targets = [
            (urls::chapter(code, &m.version, &m.slug), format!("{} {}", m.version, m.slug)),
            (urls::edition_home(code, &current), current.clone()),
        ];
        let links: Vec<_> =
            targets.iter().map(|(href, label)| json!({ "href": format!("{root}{href}"), "label": label })).collect();
        ctx.insert("targets", &links);
        // Canonical: where the content went, absolute, or nothing without a
        // base URL (search engines take only absolute ones).
        ctx.insert("canonical", &targets.first().and_then(|(href, _)| super::meta::absolute(project, href)));
        files.insert(page.clone(), lc.render("moved.html", &page, &ctx)?);
    }
    Ok(files)
}
