//! Rendering: turns the checked [`Project`] into the files of the site, with
//! pulldown-cmark for Markdown and Tera templates from `theme/templates/`.
//!
//! Rendering produces every output file in memory, keyed by its path; the
//! [`write`](crate::write) stage puts them on disk atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::api;
use crate::diagnostics::Diagnostics;
use crate::load::{parse_toml, read_source};
use crate::markdown;
use crate::model::*;
use crate::search;
use crate::urls;

/// The files of a rendered site: path relative to the output folder, and bytes.
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// A failure to render: a template that does not fit the data.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Tera failed to render a template.
    #[error("template {template} failed for {page}: {message}")]
    Template {
        /// The template's name.
        template: String,
        /// The page being rendered.
        page: String,
        /// Tera's explanation, with its causes.
        message: String,
    },
}

/// The theme: Tera templates, static files and the English interface strings.
pub struct Theme {
    tera: Tera,
    strings: Value,
    statics: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// Loads `theme/` under `root`, recording problems in `diags`.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Theme> {
        let dir = root.join("theme");
        let templates_dir = dir.join("templates");
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let mut raw = Vec::new();
        for path in sorted_files(&templates_dir) {
            let name = path
                .strip_prefix(&templates_dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if let Some(text) = read_source(&path, diags) {
                raw.push((name, text));
            }
        }
        if raw.is_empty() {
            diags.error(
                &templates_dir,
                0,
                "the theme has no templates",
                "restore theme/templates/ from the repository",
            );
            return None;
        }
        if let Err(e) = tera.add_raw_templates(raw) {
            diags.error(
                &templates_dir,
                0,
                format!("a template does not parse: {}", error_chain(&e)),
                "correct the template's Tera syntax",
            );
            return None;
        }
        let strings_file = dir.join("strings.toml");
        let strings: toml::Table = read_source(&strings_file, diags)
            .and_then(|t| parse_toml(&t, &strings_file, 1, "interface strings", diags))?;
        let strings = serde_json::to_value(strings).ok()?;

        let static_dir = dir.join("static");
        let mut statics = Vec::new();
        for path in sorted_files(&static_dir) {
            let name = path
                .strip_prefix(&static_dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read(&path) {
                Ok(bytes) => statics.push((format!("assets/{name}"), bytes)),
                Err(e) => diags.error(
                    &path,
                    0,
                    format!("cannot read: {e}"),
                    "check the file's permissions",
                ),
            }
        }
        Some(Theme {
            tera,
            strings,
            statics,
        })
    }

    fn render(&self, template: &str, page: &str, ctx: &Context) -> Result<Vec<u8>, RenderError> {
        self.tera
            .render(template, ctx)
            .map(String::into_bytes)
            .map_err(|e| RenderError::Template {
                template: template.to_owned(),
                page: page.to_owned(),
                message: error_chain(&e),
            })
    }
}

/// Tera's escaper: the five characters that matter in HTML text and quoted
/// attributes (Tera's default also escapes `/`, which bloats every URL).
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// One block of a chapter, ready for the template.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum BlockView {
    Prose { html: String },
    Section { anchor: String, title: String },
    Requirement(RequirementView),
}

/// A requirement, ready for the template.
#[derive(Serialize)]
struct RequirementView {
    id: String,
    anchor: String,
    title: String,
    applies_to: Vec<&'static str>,
    level: &'static str,
    timeframe: &'static str,
    oecd: Vec<&'static str>,
    commodities: Vec<&'static str>,
    body_html: String,
    guidance_html: Option<String>,
}

/// A link to the same page in another version, for the version switcher.
#[derive(Serialize)]
struct VersionLink {
    id: String,
    status: &'static str,
    href: String,
    current: bool,
    same_page: bool,
}

/// Renders the whole site for the English source language.
pub fn render_site(project: &Project, theme: &Theme) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    let lang = project.standard.source_language.as_str();
    let latest = project.latest();

    for (path, bytes) in &theme.statics {
        files.insert(path.clone(), bytes.clone());
    }

    // The front page.
    let page = "index.html".to_owned();
    let mut ctx = base_context(project, theme, &page, lang);
    let editions: Vec<Value> = project
        .versions
        .iter()
        .rev()
        .map(|v| json!({ "id": v.id, "date": v.date, "status": v.status.as_str(), "href": urls::edition_home(lang, &v.id), "latest": Some(v.id.as_str()) == latest.map(|l| l.id.as_str()) }))
        .collect();
    ctx.insert("editions", &editions);
    insert_search(&mut ctx, lang, latest);
    ctx.insert(
        "notice_html",
        &markdown::to_html(&project.standard.notice, &|_| None),
    );
    files.insert(page.clone(), theme.render("index.html", &page, &ctx)?);

    for version in &project.versions {
        render_edition(project, theme, version, lang, &mut files)?;
    }

    if let Some(latest) = latest {
        let mut targets = vec![(
            urls::edition_home(lang, "latest"),
            urls::edition_home(lang, &latest.id),
        )];
        for c in &latest.chapters {
            targets.push((
                urls::chapter(lang, "latest", &c.slug),
                urls::chapter(lang, &latest.id, &c.slug),
            ));
        }
        for (from, to) in targets {
            let mut ctx = base_context(project, theme, &from, lang);
            ctx.insert("target", &format!("{}{}", urls::to_root(&from), to));
            files.insert(from.clone(), theme.render("redirect.html", &from, &ctx)?);
        }
    }

    let page = "404.html".to_owned();
    let mut ctx = base_context(project, theme, &page, lang);
    ctx.insert("root", "/");
    insert_search(&mut ctx, lang, latest);
    files.insert(page.clone(), theme.render("404.html", &page, &ctx)?);

    files.insert("sitemap.xml".into(), sitemap(project, &files));
    files.insert(urls::API_INDEX.into(), api::index_json(project));
    Ok(files)
}

fn base_context(project: &Project, theme: &Theme, page: &str, lang: &str) -> Context {
    let mut ctx = Context::new();
    ctx.insert("root", &urls::to_root(page));
    ctx.insert("page", page);
    ctx.insert("lang", lang);
    ctx.insert("dir", "ltr");
    ctx.insert("t", &theme.strings);
    ctx.insert("standard", &project.standard);
    ctx
}

/// The search box of a page outside any edition searches the current one.
fn insert_search(ctx: &mut Context, lang: &str, latest: Option<&Version>) {
    if let Some(v) = latest {
        let language = search::SearchLanguage::from_code(lang);
        ctx.insert("search", &search::page_context(lang, &v.id, language));
    }
}

fn version_links(
    project: &Project,
    lang: &str,
    here: &Version,
    slug: Option<&str>,
) -> Vec<VersionLink> {
    project
        .versions
        .iter()
        .rev()
        .map(|v| {
            let chapter = slug.and_then(|s| v.chapter(s));
            let href = match chapter {
                Some(c) => urls::chapter(lang, &v.id, &c.slug),
                None => urls::edition_home(lang, &v.id),
            };
            VersionLink {
                id: v.id.clone(),
                status: v.status.as_str(),
                href,
                current: v.id == here.id,
                same_page: chapter.is_some() || slug.is_none(),
            }
        })
        .collect()
}

fn render_edition(
    project: &Project,
    theme: &Theme,
    version: &Version,
    lang: &str,
    files: &mut SiteFiles,
) -> Result<(), RenderError> {
    let index = version.requirement_index();
    let latest = project.latest();
    let search_lang = search::SearchLanguage::from_code(lang);
    let docs = search::documents(lang, version);
    files.extend(search::edition_files(lang, &version.id, &docs, search_lang));
    let toc: Vec<Value> = version
        .chapters
        .iter()
        .map(|c| {
            let sections: Vec<Value> = c.sections().map(|s| json!({ "anchor": s.anchor, "title": s.title })).collect();
            json!({ "slug": c.slug, "title": c.title, "kind": c.kind, "href": urls::chapter(lang, &version.id, &c.slug), "sections": sections, "requirements": c.requirements().count() })
        })
        .collect();
    let edition_ctx = |page: &str, slug: Option<&str>| {
        let mut ctx = base_context(project, theme, page, lang);
        ctx.insert("version", &json!({ "id": version.id, "date": version.date, "status": version.status.as_str(), "home": urls::edition_home(lang, &version.id) }));
        ctx.insert("versions", &version_links(project, lang, version, slug));
        ctx.insert(
            "latest",
            &latest.filter(|l| l.id != version.id).map(|l| {
                let href = slug
                    .and_then(|s| l.chapter(s))
                    .map(|c| urls::chapter(lang, &l.id, &c.slug))
                    .unwrap_or_else(|| urls::edition_home(lang, &l.id));
                json!({ "id": l.id, "href": href })
            }),
        );
        ctx.insert("toc", &toc);
        ctx.insert(
            "search",
            &search::page_context(lang, &version.id, search_lang),
        );
        ctx
    };

    let page = urls::edition_home(lang, &version.id);
    let mut ctx = edition_ctx(&page, None);
    ctx.insert("requirement_count", &version.requirements().count());
    files.insert(page.clone(), theme.render("edition.html", &page, &ctx)?);

    let page = search::search_page(lang, &version.id);
    let ctx = edition_ctx(&page, None);
    files.insert(page.clone(), theme.render("search.html", &page, &ctx)?);

    for (i, chapter) in version.chapters.iter().enumerate() {
        let page = urls::chapter(lang, &version.id, &chapter.slug);
        let root = urls::to_root(&page);
        let resolve = |id: &str| {
            index
                .get(id)
                .map(|slug| format!("{root}{}", urls::requirement(lang, &version.id, slug, id)))
        };
        let blocks: Vec<BlockView> = chapter
            .blocks
            .iter()
            .map(|b| block_view(b, &resolve))
            .collect();
        let mut ctx = edition_ctx(&page, Some(&chapter.slug));
        ctx.insert("chapter", &json!({ "slug": chapter.slug, "title": chapter.title, "kind": chapter.kind, "module": chapter.module }));
        ctx.insert("blocks", &blocks);
        let nav = |c: Option<&Chapter>| {
            c.map(
                |c| json!({ "title": c.title, "href": urls::chapter(lang, &version.id, &c.slug) }),
            )
        };
        ctx.insert(
            "prev",
            &nav(i.checked_sub(1).and_then(|j| version.chapters.get(j))),
        );
        ctx.insert("next", &nav(version.chapters.get(i + 1)));
        files.insert(page.clone(), theme.render("chapter.html", &page, &ctx)?);
    }
    Ok(())
}

fn block_view(block: &Block, resolve: &dyn Fn(&str) -> Option<String>) -> BlockView {
    match block {
        Block::Prose { text, .. } => BlockView::Prose {
            html: markdown::to_html(text, resolve),
        },
        Block::Section(s) => BlockView::Section {
            anchor: s.anchor.clone(),
            title: s.title.clone(),
        },
        Block::Requirement(r) => BlockView::Requirement(RequirementView {
            id: r.id.clone(),
            anchor: urls::requirement_anchor(&r.id),
            title: r.title.clone(),
            applies_to: r.meta.applies_to.iter().map(|v| v.name()).collect(),
            level: r.meta.level.name(),
            timeframe: r.meta.timeframe.name(),
            oecd: r.meta.oecd.iter().map(|v| v.name()).collect(),
            commodities: r.meta.commodities.iter().map(|v| v.name()).collect(),
            body_html: markdown::to_html(&r.body, resolve),
            guidance_html: r.guidance.as_deref().map(|g| markdown::to_html(g, resolve)),
        }),
    }
}

fn sitemap(project: &Project, files: &SiteFiles) -> Vec<u8> {
    let base = project.standard.base_url.trim_end_matches('/');
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in files.keys() {
        let is_page = path.ends_with(".html") && path != "404.html" && !path.contains("/latest/");
        if is_page {
            out.push_str(&format!(
                "  <url><loc>{}{}</loc></url>\n",
                markdown::escape(base),
                markdown::escape(&urls::site_path(path))
            ));
        }
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}
