//! "The Code for me": an edition's requirements for one role,
//! `<lang>/<version>/for-<role>.html`, grouped by timeframe, each with its
//! level, commodities and OECD risks and a link to its place in its chapter.
//!
//! One page per role and edition, not one per filter: the commodity and
//! OECD-risk filter is a form of radio buttons that filters in place
//! without JavaScript (the page's style hides what the checked buttons
//! exclude, with `:has()`), and `assets/filter.js`, where it runs, reads
//! and writes the same choice as `?commodity=&oecd=` (so a filtered view
//! can be linked), counts what is shown and hides empty groups.
//!
//! Texts are the edition's as its language shows them: a requirement not
//! yet translated is shown in English, marked `lang`, like on its chapter.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Value, json};

use super::{LangContext, LocalEdition, RenderError, SiteFiles, version_links};
use crate::diff::RequirementChange;
use crate::model::*;
use crate::urls;

/// A requirement as a role page and the checklist list it.
#[derive(Serialize)]
pub(super) struct Item {
    /// Its ID.
    pub id: String,
    /// Its title in the page's language, or in English.
    pub title: String,
    /// The language of the title when it is not the page's.
    pub lang: Option<String>,
    /// Its place in its chapter, relative to the edition's folder.
    pub href: String,
    /// Who it applies to.
    pub roles: Vec<&'static str>,
    /// Obligation or recommendation.
    pub level: &'static str,
    /// When it must be met.
    pub timeframe: &'static str,
    /// The commodities it is specific to; empty: all.
    pub commodities: Vec<&'static str>,
    /// The OECD Annex II risks it addresses.
    pub oecd: Vec<&'static str>,
    /// The chapter's slug.
    pub chapter: String,
}

/// Every requirement of `edition`, in reading order, as the lists show them.
pub(super) fn items(lc: &LangContext, edition: &LocalEdition) -> Vec<Item> {
    let source = lc.project.standard.source_language.as_str();
    let version = edition.version;
    version
        .requirements()
        .map(|(chapter, r)| {
            let local = &edition.requirements[r.id.as_str()];
            Item {
                id: r.id.clone(),
                title: local.title().to_owned(),
                lang: (local.is_fallback() && lc.code() != source).then(|| source.to_owned()),
                href: urls::relative(
                    &urls::edition_home(lc.code(), &version.id),
                    &urls::requirement(lc.code(), &version.id, &chapter.slug, &r.id),
                ),
                roles: r.meta.applies_to.iter().map(|v| v.name()).collect(),
                level: r.meta.level.name(),
                timeframe: r.meta.timeframe.name(),
                commodities: r.meta.commodities.iter().map(|v| v.name()).collect(),
                oecd: r.meta.oecd.iter().map(|v| v.name()).collect(),
                chapter: chapter.slug.clone(),
            }
        })
        .collect()
}

/// The codes of a vocabulary, in its order.
pub(super) fn codes<V: Vocabulary>() -> Vec<&'static str> {
    V::VALUES.iter().map(|(n, _)| *n).collect()
}

/// The page context every page of "the Code for me" starts with: the
/// edition's switchers (leading to the same page in another language) and
/// its search box.
pub(super) fn page_context(
    lc: &LangContext,
    version: &Version,
    page: &str,
    page_in: &dyn Fn(&str) -> String,
) -> tera::Context {
    let code = lc.code();
    let project = lc.project;
    let mut ctx = lc.base(page);
    ctx.insert(
        "version",
        &json!({ "id": version.id, "date": version.date, "status": version.status.as_str(), "home": urls::edition_home(code, &version.id) }),
    );
    ctx.insert("versions", &version_links(project, code, version, None));
    ctx.insert(
        "latest",
        &project
            .latest()
            .filter(|l| l.id != version.id)
            .map(|l| json!({ "id": l.id, "href": urls::edition_home(code, &l.id) })),
    );
    ctx.insert("language_links", &lc.language_links(page_in));
    ctx.insert("search", &crate::search::page_context(code, &version.id, lc.search_language()));
    let roles: Vec<_> = codes::<Role>()
        .into_iter()
        .map(|r| json!({ "code": r, "href": urls::role_page(code, &version.id, r) }))
        .collect();
    ctx.insert("roles", &roles);
    ctx.insert("checklist_href", &urls::checklist(code, &version.id));
    ctx
}

/// The role pages of `edition`: one per role, each listing the
/// requirements that apply to it, by timeframe.
pub fn role_pages(lc: &LangContext, edition: &LocalEdition) -> Result<SiteFiles, RenderError> {
    let version = edition.version;
    let code = lc.code();
    let all = items(lc, edition);
    let mut files = SiteFiles::new();
    for role in codes::<Role>() {
        let page = urls::role_page(code, &version.id, role);
        let mut ctx = page_context(lc, version, &page, &|l| urls::role_page(l, &version.id, role));
        let groups: Vec<_> = codes::<Timeframe>()
            .into_iter()
            .map(|tf| {
                let list: Vec<&Item> = all.iter().filter(|i| i.timeframe == tf && i.roles.contains(&role)).collect();
                json!({ "timeframe": tf, "items": list })
            })
            .filter(|g| g["items"].as_array().is_some_and(|a| !a.is_empty()))
            .collect();
        let count: usize = all.iter().filter(|i| i.roles.contains(&role)).count();
        ctx.insert("role", role);
        ctx.insert("groups", &groups);
        ctx.insert("count", &count);
        ctx.insert("commodities", &codes::<Commodity>());
        ctx.insert("risks", &codes::<OecdRisk>());
        files.insert(page.clone(), lc.render("audience.html", &page, &ctx)?);
    }
    Ok(files)
}

/// What a diff page's filter needs ("what changed for me"): the roles and
/// commodities to choose from (see `filter_style.html`).
pub(super) fn insert_filter(ctx: &mut tera::Context) {
    ctx.insert("filter_roles", &codes::<Role>());
    ctx.insert("commodities", &codes::<Commodity>());
}

/// Adds to a change's view on a diff page the classes its filter keeps it
/// by (`for_classes`): every role it applies to and every commodity it is
/// specific to (`c-any` for all), in either version, so that a change that
/// drops buyers from a requirement is shown to buyers too.
pub(super) fn tag_change(mut view: Value, from: &Version, to: &Version, c: &RequirementChange) -> Value {
    let sides =
        [c.old_id.as_deref().and_then(|id| from.requirement(id)), c.id.as_deref().and_then(|id| to.requirement(id))];
    let mut classes = BTreeSet::new();
    for (_, r) in sides.into_iter().flatten() {
        classes.extend(r.meta.applies_to.iter().map(|v| format!("a-{}", v.name())));
        if r.meta.commodities.is_empty() {
            classes.insert("c-any".to_owned());
        }
        classes.extend(r.meta.commodities.iter().map(|v| format!("c-{}", v.name())));
    }
    if let Value::Object(map) = &mut view {
        map.insert("for_classes".into(), Value::String(classes.into_iter().collect::<Vec<_>>().join(" ")));
    }
    view
}
