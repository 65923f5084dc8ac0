//! The whole-edition page, `<lang>/<version>/print.html`: every chapter of
//! an edition on one page, to print or save as PDF from the browser (the
//! stylesheet's `@media print` rules lay it out on paper).
//!
//! It shows the same blocks as the chapter pages, with the headings one
//! level down (chapters are `h2`), and links between chapters of the edition
//! turned into links within the page: `#req-<ID>` for requirements (IDs are
//! unique in a version), `#ch-<slug>` for chapters and `#<slug>-<anchor>`
//! for sections (section anchors are unique only within their chapter).

use serde::Serialize;
use serde_json::Value;
use tera::Context;

use super::links::{Href, resolve, rewrite_hrefs};
use super::{BlockView, LangContext, RenderError, SiteFiles, VersionLink};
use crate::model::{Project, Version};
use crate::urls;

/// A chapter as its page showed it: the `chapter` context and its blocks.
pub(super) struct Chapter {
    /// The chapter page's `chapter` context value (slug, title, status...).
    pub chapter: Value,
    /// The chapter's blocks.
    pub blocks: Vec<BlockView>,
}

#[derive(Serialize)]
struct PrintedChapter<'a> {
    chapter: &'a Value,
    blocks: &'a [BlockView],
}

/// Adds the links of an edition's home to its whole-edition page
/// (`print_href`) and its download (`download_href`), site paths.
pub(super) fn insert_links(ctx: &mut Context, project: &Project, lang: &str, version: &str) {
    ctx.insert("print_href", &urls::print_page(lang, version));
    ctx.insert("download_href", &super::offline::download_path(project, lang, version));
}

/// Points links to the edition's chapter pages, in `html` shown on `page`,
/// at the anchors of the whole-edition page.
fn to_anchors(html: &str, page: &str, lang: &str, version: &str, slugs: &[String]) -> String {
    rewrite_hrefs(html, |href| {
        let Some((path, suffix)) = resolve(page, href) else { return Href::Keep };
        let Some(slug) = slugs.iter().find(|s| urls::chapter(lang, version, s) == path) else { return Href::Keep };
        match suffix.strip_prefix('#') {
            None => Href::To(format!("#ch-{slug}")),
            Some(anchor) if anchor.starts_with("req-") => Href::To(suffix),
            Some(anchor) => Href::To(format!("#{slug}-{anchor}")),
        }
    })
}

/// Renders the whole-edition page of `version` from its chapters' blocks;
/// `ctx` is the edition's page context for the page.
pub(super) fn render(
    lc: &LangContext,
    version: &Version,
    mut ctx: Context,
    mut chapters: Vec<Chapter>,
    files: &mut SiteFiles,
) -> Result<(), RenderError> {
    let code = lc.code();
    let page = urls::print_page(code, &version.id);
    let slugs: Vec<String> = version.chapters.iter().map(|c| c.slug.clone()).collect();
    let fix = |html: &mut String| *html = to_anchors(html, &page, code, &version.id, &slugs);
    for c in &mut chapters {
        for block in &mut c.blocks {
            match block {
                BlockView::Prose { html, .. } => fix(html),
                BlockView::Section { .. } => {}
                BlockView::Requirement(r) => {
                    fix(&mut r.body_html);
                    if let Some(g) = r.guidance_html.as_mut() {
                        fix(g);
                    }
                }
            }
        }
    }
    let versions: Vec<VersionLink> = lc
        .project
        .versions
        .iter()
        .rev()
        .map(|v| VersionLink {
            id: v.id.clone(),
            status: v.status.as_str(),
            href: urls::print_page(code, &v.id),
            current: v.id == version.id,
            same_page: true,
        })
        .collect();
    ctx.insert("versions", &versions);
    ctx.insert("language_links", &lc.language_links(&|l| urls::print_page(l, &version.id)));
    let printed: Vec<PrintedChapter> =
        chapters.iter().map(|c| PrintedChapter { chapter: &c.chapter, blocks: &c.blocks }).collect();
    ctx.insert("chapters", &printed);
    ctx.insert("requirement_count", &version.requirements().count());
    files.insert(page.clone(), lc.render("print.html", &page, &ctx)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_links_become_anchors() {
        let slugs = vec!["module-1".to_owned(), "module-2".to_owned()];
        let html = "<a href=\"../../en/2.1/module-2.html#req-2.1.1\">2.1.1</a> \
                    <a href=\"module-1.html#1-1-scope\">s</a> <a href=\"module-1.html\">m</a> \
                    <a href=\"../../en/2.0/module-1.html#req-1.1.1\">old</a> <a href=\"https://x.org/\">x</a>";
        let out = to_anchors(html, "en/2.1/print.html", "en", "2.1", &slugs);
        assert_eq!(
            out,
            "<a href=\"#req-2.1.1\">2.1.1</a> <a href=\"#module-1-1-1-scope\">s</a> <a href=\"#ch-module-1\">m</a> \
             <a href=\"../../en/2.0/module-1.html#req-1.1.1\">old</a> <a href=\"https://x.org/\">x</a>"
        );
    }
}
