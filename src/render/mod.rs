//! Rendering: turns the checked [`Project`] into the pages of the site, with
//! pulldown-cmark for Markdown and Tera templates from `theme/templates/`.
//!
//! Each public `fn` here makes the files of one part of the site (an
//! edition's pages, a diff, a language's histories, ...) in memory, keyed by
//! path; the [`site`](crate::site) stage decides which parts a build makes
//! and in what order, and the [`write`](crate::write) stage puts them on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::api;
use crate::api::edition::History;
use crate::diagnostics::Diagnostics;
use crate::diff;
use crate::load::{parse_toml, read_source};
use crate::localize::fallback;
use crate::localize::{Coverage, LocalChapter, LocalRequirement, Localizer, TranslationStatus};
use crate::markdown;
use crate::model::*;
use crate::search;
use crate::urls;

use crate::files::{Bytes, SiteFiles};

/// A failure to render: a template that does not fit the data, or a
/// download that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An edition's download could not be made.
    #[error(transparent)]
    Download(#[from] offline::DownloadError),
    /// An export could not be serialised.
    #[error(transparent)]
    Export(#[from] crate::api::ExportError),
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
    english: toml::Table,
    english_source: String,
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
            let name = path.strip_prefix(&templates_dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
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
        let english_source = read_source(&strings_file, diags)?;
        let strings: toml::Table = parse_toml(&english_source, &strings_file, 1, "interface strings", diags)?;
        let english = strings.clone();
        let strings = match serde_json::to_value(strings) {
            Ok(value) => value,
            Err(e) => {
                diags.error(
                    &strings_file,
                    0,
                    format!("the interface strings cannot be passed to the templates: {e}"),
                    "give every string a text value (dates and other TOML types are not strings)",
                );
                return None;
            }
        };

        let static_dir = dir.join("static");
        let mut statics = Vec::new();
        for path in sorted_files(&static_dir) {
            let name = path.strip_prefix(&static_dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            match std::fs::read(&path) {
                Ok(bytes) => statics.push((format!("assets/{name}"), bytes)),
                Err(e) => diags.error(&path, 0, format!("cannot read: {e}"), "check the file's permissions"),
            }
        }
        Some(Theme { tera, strings, english, english_source, statics })
    }

    /// The theme's static files, at their site paths (`assets/...`).
    pub fn static_files(&self) -> SiteFiles {
        self.statics.iter().map(|(path, bytes)| (path.clone(), Bytes::from(bytes.clone()))).collect()
    }

    /// The English interface strings, as theme/strings.toml gives them.
    pub fn english_strings(&self) -> &toml::Table {
        &self.english
    }

    /// The text of theme/strings.toml as read (with its comments and order),
    /// from which `craftpub translate` writes a new language's strings.
    pub fn english_source(&self) -> &str {
        &self.english_source
    }

    fn render(&self, template: &str, page: &str, ctx: &Context) -> Result<Bytes, RenderError> {
        self.render_text(template, page, ctx).map(Bytes::from)
    }

    fn render_text(&self, template: &str, page: &str, ctx: &Context) -> Result<String, RenderError> {
        self.tera.render(template, ctx).map_err(|e| RenderError::Template {
            template: template.to_owned(),
            page: page.to_owned(),
            message: error_chain(&e),
        })
    }
}

/// Tera's escaper, and every other escape of text into HTML: the five
/// characters that matter in HTML text and quoted attributes (Tera's default
/// also escapes `/`, which bloats every URL). The same five as
/// [`markdown::escape`] (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`), whose
/// escaper copies runs of plain text at once.
pub fn escape_html(text: &str) -> String {
    markdown::escape(text)
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
    Prose { html: String, fallback_lang: Option<String> },
    Section { anchor: String, title: String, fallback_lang: Option<String> },
    Requirement(Box<RequirementView>),
}

/// A requirement, ready for the template.
#[derive(Serialize)]
struct RequirementView {
    id: String,
    anchor: String,
    title: String,
    applies_to: Vec<&'static str>,
    /// Per role it applies to, its entry on that role's page ("who this
    /// applies to"), relative to the edition's folder.
    role_hrefs: BTreeMap<&'static str, String>,
    level: &'static str,
    timeframe: &'static str,
    oecd: Vec<&'static str>,
    commodities: Vec<&'static str>,
    body_html: String,
    guidance_html: Option<String>,
    /// current, outdated or missing (always current in the source language).
    status: &'static str,
    /// The language of the text shown when it is not the page's.
    fallback_lang: Option<String>,
    /// For an outdated translation: the current English text.
    english_href: Option<String>,
    /// For an outdated translation: where to see what changed in English.
    changes_href: Option<String>,
    /// While the draft's public consultation runs: where to comment on it.
    comment_href: Option<String>,
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

/// A link to the same page in another language, for the language switcher.
#[derive(Serialize)]
struct LanguageLink {
    code: String,
    native_name: String,
    href: String,
    current: bool,
}

/// Inserts `value` into `ctx` as it is (`Context::insert` would copy it).
fn insert_value(ctx: &mut Context, key: &str, value: Value) {
    let mut map = serde_json::Map::new();
    map.insert(key.to_owned(), value);
    if let Ok(entry) = Context::from_value(Value::Object(map)) {
        ctx.extend(entry);
    }
}

/// Deep-merges `over` into `base`: translated strings over the English ones.
fn merge_strings(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() => merge_strings(slot, v),
                    Some(slot) if v.is_string() => *slot = v.clone(),
                    _ => {}
                }
            }
        }
        (b, o) if o.is_string() => *b = o.clone(),
        _ => {}
    }
}

pub mod audience;
mod changes;
pub mod checklist;
pub mod developers;
pub mod favicon;
mod feed;
mod links;
mod meta;
mod moved;
pub mod offline;
mod print;
mod zipfile;

/// What every language's pages share, computed once per build: the
/// requirement lineages and the version pairs with a diff page.
pub struct SiteIndex {
    /// Every requirement lineage ([`diff::lineages`]).
    pub lineages: Vec<diff::Lineage>,
    /// (version, requirement ID) -> its lineage's position in `lineages`.
    pub lineage_index: BTreeMap<(String, String), usize>,
    /// The version pairs with a published diff.
    pub pairs: Vec<(String, String)>,
    /// What earlier builds published that this one does not make as
    /// content (its moved pages and stubs: [`crate::permanence`]).
    pub gone: crate::permanence::Gone,
}

impl SiteIndex {
    /// The lineages and diff pairs of `project`.
    pub fn new(project: &Project) -> SiteIndex {
        let (lineages, lineage_index) = diff::lineages(project);
        let pairs = diff::published_pairs(project, project.standard.all_diffs);
        let gone = crate::permanence::gone(project, &lineages, &pairs);
        SiteIndex { lineages, lineage_index, pairs, gone }
    }

    /// The lineages as the exports take them.
    pub fn history(&self) -> History<'_> {
        History { lineages: &self.lineages, index: &self.lineage_index }
    }

    /// The lineages and pairs as bytes, for the keys of cached parts.
    pub fn facts(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut add = |text: &str| {
            out.extend((text.len() as u64).to_le_bytes());
            out.extend(text.as_bytes());
        };
        for lineage in &self.lineages {
            add(&lineage.name);
            for (version, id) in &lineage.steps {
                add(version);
                add(id);
            }
            add("");
        }
        for (from, to) in &self.pairs {
            add(from);
            add(to);
        }
        out
    }
}

/// What every page of one language shares.
pub struct LangContext<'a> {
    /// What every language shares.
    pub site: &'a SiteIndex,
    /// The project.
    pub project: &'a Project,
    theme: &'a Theme,
    /// The language of the pages.
    pub language: Language,
    languages: &'a [Language],
    strings: Value,
    /// The language's texts, with their translation status.
    pub localizer: Localizer<'a>,
    /// What every page's context starts with (see [`LangContext::base`]).
    shared: Context,
    /// The source language, when some of `strings` fall back to it.
    fallback_lang: Option<String>,
}

impl<'a> LangContext<'a> {
    /// The context of `language`'s pages: its interface strings (the English
    /// ones it lacks marked as such) and its localiser.
    pub fn new(
        site: &'a SiteIndex,
        project: &'a Project,
        theme: &'a Theme,
        language: &Language,
        languages: &'a [Language],
    ) -> LangContext<'a> {
        let source = project.standard.source_language.as_str();
        let mut strings = theme.strings.clone();
        if language.code != source {
            // The strings the translation lacks stay English, marked as such.
            fallback::mark(&mut strings);
        }
        if let Some(t) = project.translation(&language.code) {
            merge_strings(&mut strings, &serde_json::to_value(&t.strings).unwrap_or_default());
        }
        LangContext {
            fallback_lang: fallback::any_marked(&strings).then(|| source.to_owned()),
            site,
            project,
            theme,
            language: language.clone(),
            languages,
            shared: LangContext::shared(language, project, &strings),
            strings,
            localizer: Localizer::new(project, &language.code),
        }
    }

    fn code(&self) -> &str {
        &self.language.code
    }

    /// Renders a page of this language: [`Theme::render`], then the
    /// interface strings shown in the source language marked as such.
    fn render(&self, template: &str, page: &str, ctx: &Context) -> Result<Bytes, RenderError> {
        let html = self.theme.render_text(template, page, ctx)?;
        Ok(Bytes::from(match &self.fallback_lang {
            Some(lang) => fallback::resolve(html, lang),
            None => html,
        }))
    }

    /// The language's interface strings, the English ones it lacks marked
    /// (see [`fallback`]).
    pub fn strings(&self) -> &Value {
        &self.strings
    }

    /// The search pipeline of the language, from its `search` setting.
    pub fn search_language(&self) -> search::SearchLanguage {
        search::SearchLanguage::from_code(&self.language.search)
    }

    fn base(&self, page: &str) -> Context {
        // The language's entries are built once (cloning is cheaper than
        // inserting, which serialises): lang, dir, source_lang, t, standard.
        let mut ctx = self.shared.clone();
        ctx.insert("root", &urls::to_root(page));
        ctx.insert("page", page);
        meta::insert(&mut ctx, self.project, &self.language, page);
        ctx
    }

    /// The entries of [`LangContext::base`] that do not depend on the page.
    /// The interface string `key` of `table` in this language, without
    /// fallback marks, and whether it is the source language's (a fallback).
    pub fn label(&self, table: &str, key: &str) -> Option<(String, bool)> {
        let raw = self.strings.get(table)?.get(key)?.as_str()?;
        Some((fallback::strip(raw).into_owned(), raw.contains(fallback::START)))
    }

    fn shared(language: &Language, project: &Project, strings: &Value) -> Context {
        let mut ctx = Context::new();
        ctx.insert("lang", &language.code);
        ctx.insert("dir", language.dir.as_str());
        ctx.insert("source_lang", &project.standard.source_language);
        ctx.insert("t", strings);
        ctx.insert("standard", &project.standard);
        ctx
    }

    /// Links to `page_in(lang)` in every language.
    fn language_links(&self, page_in: &dyn Fn(&str) -> String) -> Vec<LanguageLink> {
        self.languages
            .iter()
            .map(|l| LanguageLink {
                code: l.code.clone(),
                native_name: l.native_name.clone(),
                href: page_in(&l.code),
                current: l.code == self.language.code,
            })
            .collect()
    }
}

/// The `latest/` redirects of `lc`'s language: the edition home and each
/// chapter of the current version.
pub fn redirects(lc: &LangContext) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    let Some(latest) = lc.project.latest() else { return Ok(files) };
    let code = lc.code();
    let mut targets = vec![(urls::edition_home(code, "latest"), urls::edition_home(code, &latest.id))];
    for c in &latest.chapters {
        targets.push((urls::chapter(code, "latest", &c.slug), urls::chapter(code, &latest.id, &c.slug)));
    }
    for (from, to) in targets {
        let mut ctx = lc.base(&from);
        ctx.insert("target", &format!("{}{}", urls::to_root(&from), to));
        // The canonical URL of the page it leads to: absolute with a base URL.
        ctx.insert("canonical", &meta::absolute(lc.project, &to));
        files.insert(from.clone(), lc.render("redirect.html", &from, &ctx)?);
    }
    Ok(files)
}

/// The pages and JSON stubs left where earlier builds published what this
/// one does not make (see [`crate::permanence`]).
pub fn moved(lc: &LangContext) -> Result<SiteFiles, RenderError> {
    moved::moved_pages(lc)
}

/// Whether `path` is a moved page or stub (left out of the sitemap).
pub fn is_moved(site: &SiteIndex, path: &str) -> bool {
    let Some((lang, rest)) = path.split_once('/') else { return false };
    let lang = if lang == "api" { rest.split('/').next().unwrap_or("") } else { lang };
    site.gone
        .histories
        .iter()
        .any(|h| path == urls::history(lang, &h.name) || path == urls::history_json(lang, &h.name))
        || site
            .gone
            .diffs
            .iter()
            .any(|d| path == urls::diff_page(lang, &d.from, &d.to) || path == urls::diff_json(lang, &d.from, &d.to))
}

/// The front page and the 404 page, in `lc`'s language (the source language).
pub fn front_pages(lc: &LangContext) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    let project = lc.project;
    let theme = lc.theme;
    let latest = project.latest();
    let page = "index.html".to_owned();
    let mut ctx = lc.base(&page);
    let editions: Vec<Value> = lc
        .languages
        .iter()
        .map(|l| {
            let versions: Vec<Value> = project
                .versions
                .iter()
                .rev()
                .map(|v| json!({ "id": v.id, "date": v.date, "status": v.status.as_str(), "href": urls::edition_home(&l.code, &v.id), "latest": Some(v.id.as_str()) == latest.map(|x| x.id.as_str()) }))
                .collect();
            json!({ "code": l.code, "name": l.name, "native_name": l.native_name, "dir": l.dir.as_str(), "versions": versions })
        })
        .collect();
    ctx.insert("languages", &editions);
    insert_search(&mut ctx, lc, latest);
    ctx.insert("notice_html", &markdown::to_html(&project.standard.notice, &|_| None));
    files.insert(page.clone(), theme.render("index.html", &page, &ctx)?);

    let page = "404.html".to_owned();
    let mut ctx = lc.base(&page);
    ctx.insert("root", "/");
    insert_search(&mut ctx, lc, latest);
    files.insert(page.clone(), theme.render("404.html", &page, &ctx)?);
    Ok(files)
}

/// A diff page (and its JSON) from `from` to `to`, in `lc`'s language.
pub fn diff(lc: &LangContext, from: &Version, to: &Version) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    changes::render_diff(lc, from, to, &mut files)?;
    Ok(files)
}

/// `lc`'s language's requirement histories and its translation status page.
pub fn histories(lc: &LangContext) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    changes::render_histories(lc, &mut files)?;
    changes::render_status(lc, &mut files)?;
    Ok(files)
}

/// The amendment history page of `version`, in `lc`'s language.
pub fn amendments(lc: &LangContext, version: &Version) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    changes::render_amendments(lc, version, &mut files)?;
    Ok(files)
}

/// `lc`'s language's Atom feed.
pub fn feed(lc: &LangContext) -> SiteFiles {
    let mut files = SiteFiles::new();
    feed::render(lc, &mut files);
    files
}

/// The search box of a page outside any edition searches the current one.
fn insert_search(ctx: &mut Context, lc: &LangContext, latest: Option<&Version>) {
    if let Some(v) = latest {
        ctx.insert("search", &search::page_context(lc.code(), &v.id, lc.search_language()));
    }
}

fn version_links(project: &Project, lang: &str, here: &Version, slug: Option<&str>) -> Vec<VersionLink> {
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

/// Renders one edition; returns its translation coverage.
/// An edition as one language shows it, resolved once and shared by the
/// edition's parts (pages, search index): each chapter and requirement with
/// its translation where there is one, the English elsewhere.
pub struct LocalEdition<'a> {
    /// The version.
    pub version: &'a Version,
    chapters: Vec<LocalChapter<'a>>,
    requirements: BTreeMap<&'a str, LocalRequirement<'a>>,
    coverage: Coverage,
}

impl<'a> LocalEdition<'a> {
    /// Resolves `version` in `lc`'s language.
    pub fn new(lc: &LangContext<'a>, version: &'a Version) -> LocalEdition<'a> {
        let chapters: Vec<LocalChapter> = version.chapters.iter().map(|c| lc.localizer.chapter(version, c)).collect();
        let requirements: BTreeMap<&str, LocalRequirement> =
            lc.localizer.requirements(version).into_iter().map(|r| (r.source.id.as_str(), r)).collect();
        let coverage = Coverage::of(&requirements.values().cloned().collect::<Vec<_>>());
        LocalEdition { version, chapters, requirements, coverage }
    }
}

/// An edition's search index: one document per requirement, section and
/// chapter opening, in the edition's language.
pub fn search_index(lc: &LangContext, edition: &LocalEdition) -> SiteFiles {
    let version = edition.version;
    let source = (!lc.localizer.is_source()).then_some(lc.project.standard.source_language.as_str());
    let docs = search::edition_documents(lc.code(), &version.id, &edition.chapters, &edition.requirements, source);
    search::edition_files(lc.code(), &version.id, &docs, lc.search_language())
        .into_iter()
        .map(|(p, b)| (p, b.into()))
        .collect()
}

/// An edition's pages: its home, search page, chapters and whole-edition
/// page; with the edition's translation coverage.
pub fn edition_pages(lc: &LangContext, edition: &LocalEdition) -> Result<(SiteFiles, Coverage), RenderError> {
    let mut files = SiteFiles::new();
    let coverage = render_edition(lc, edition, &mut files)?;
    Ok((files, coverage))
}

fn render_edition(lc: &LangContext, edition: &LocalEdition, files: &mut SiteFiles) -> Result<Coverage, RenderError> {
    let project = lc.project;
    let code = lc.code();
    let version = edition.version;
    let index = version.requirement_index();
    let latest = project.latest();
    let chapters = &edition.chapters;
    let requirements = &edition.requirements;
    let coverage = edition.coverage;
    let search_lang = lc.search_language();

    // The language of a title shown in English on a translated page.
    let title_lang =
        |english: bool| (english && !lc.localizer.is_source()).then(|| project.standard.source_language.clone());
    let toc: Vec<Value> = chapters
        .iter()
        .map(|lch| {
            let c = lch.source;
            let mut sections = Vec::new();
            for (n, b) in c.blocks.iter().filter(|b| !matches!(b, Block::Requirement(_))).enumerate() {
                if let Block::Section(s) = b {
                    let (title, english) = lch.prose(n);
                    sections.push(json!({ "anchor": s.anchor, "title": title, "lang": title_lang(english) }));
                }
            }
            json!({ "slug": c.slug, "title": lch.title(), "lang": title_lang(lch.translation.is_none()), "kind": c.kind, "href": urls::chapter(code, &version.id, &c.slug), "sections": sections, "requirements": c.requirements().count() })
        })
        .collect();
    let edition_ctx = |page: &str, slug: Option<&str>| {
        let mut ctx = lc.base(page);
        ctx.insert("version", &json!({ "id": version.id, "date": version.date, "status": version.status.as_str(), "home": urls::edition_home(code, &version.id) }));
        ctx.insert("versions", &version_links(project, code, version, slug));
        ctx.insert(
            "latest",
            &latest.filter(|l| l.id != version.id).map(|l| {
                let href = slug
                    .and_then(|s| l.chapter(s))
                    .map(|c| urls::chapter(code, &l.id, &c.slug))
                    .unwrap_or_else(|| urls::edition_home(code, &l.id));
                json!({ "id": l.id, "href": href })
            }),
        );
        let page_in = |l: &str| match slug {
            Some(s) => urls::chapter(l, &version.id, s),
            None => urls::edition_home(l, &version.id),
        };
        ctx.insert("language_links", &lc.language_links(&page_in));
        ctx.insert("toc", &toc);
        ctx.insert("coverage", &coverage);
        ctx.insert("is_translation", &!lc.localizer.is_source());
        ctx.insert("search", &search::page_context(code, &version.id, search_lang));
        ctx
    };

    let page = urls::edition_home(code, &version.id);
    let mut ctx = edition_ctx(&page, None);
    ctx.insert("requirement_count", &version.requirements().count());
    let has_pair = |a: &str, b: &str| lc.site.pairs.iter().any(|(x, y)| x == a && y == b);
    let mut changes = Vec::new();
    if let Some(prev) = version.previous.as_deref().filter(|p| has_pair(p, &version.id)) {
        changes.push(
            json!({ "label": "diff_with_previous", "from": prev, "href": urls::diff_page(code, prev, &version.id) }),
        );
        changes.push(json!({ "label": "amendments", "from": version.id, "href": urls::amendments(code, &version.id) }));
    }
    if let Some(l) = latest.filter(|l| l.id != version.id && has_pair(&version.id, &l.id)) {
        changes.push(
            json!({ "label": "diff_with_latest", "from": l.id, "href": urls::diff_page(code, &version.id, &l.id) }),
        );
    }
    ctx.insert("changes", &changes);
    let today = crate::cycle::today();
    let consultation = crate::consultation::running(version, &today);
    ctx.insert(
        "consultation",
        &crate::consultation::home_view(version, &today, &|p| {
            has_pair(p, &version.id).then(|| urls::diff_page(code, p, &version.id))
        }),
    );
    ctx.insert("status_href", &(!lc.localizer.is_source()).then(|| urls::status_page(code)));
    print::insert_links(&mut ctx, project, code, &version.id);
    ctx.insert("data", &api::edition_links(code, &version.id));
    let roles: Vec<Value> = audience::codes::<Role>()
        .into_iter()
        .map(|r| json!({ "code": r, "href": urls::role_page(code, &version.id, r) }))
        .collect();
    ctx.insert("roles", &roles);
    ctx.insert("checklist_href", &urls::checklist(code, &version.id));
    files.insert(page.clone(), lc.render("edition.html", &page, &ctx)?);

    let page = urls::search_page(code, &version.id);
    let mut ctx = edition_ctx(&page, None);
    // The language switcher leads to the edition's home; the `hreflang`
    // alternates are this page in the other languages.
    ctx.insert("alternates", &lc.language_links(&|l| urls::search_page(l, &version.id)));
    files.insert(page.clone(), lc.render("search.html", &page, &ctx)?);

    let source = project.standard.source_language.as_str();
    let home = urls::edition_home(code, &version.id);
    let mut printed = Vec::new();
    for (i, lch) in chapters.iter().enumerate() {
        let chapter = lch.source;
        let page = urls::chapter(code, &version.id, &chapter.slug);
        let root = urls::to_root(&page);
        let resolve = |id: &str| {
            let id =
                if index.contains_key(id) { Some(id) } else { diff::id_in_version(&lc.site.lineages, &version.id, id) };
            id.and_then(|id| {
                index.get(id).map(|slug| format!("{root}{}", urls::requirement(code, &version.id, slug, id)))
            })
        };
        let fallback = |is_english: bool| (is_english && code != source).then(|| source.to_owned());
        let mut blocks = Vec::new();
        let mut n = 0;
        for block in &chapter.blocks {
            let view = match block {
                Block::Prose { .. } => {
                    let (text, english) = lch.prose(n);
                    n += 1;
                    BlockView::Prose { html: markdown::to_html(text, &resolve), fallback_lang: fallback(english) }
                }
                Block::Section(s) => {
                    let (title, english) = lch.prose(n);
                    n += 1;
                    BlockView::Section {
                        anchor: s.anchor.clone(),
                        title: title.to_owned(),
                        fallback_lang: fallback(english),
                    }
                }
                Block::Requirement(r) => {
                    let local = &requirements[r.id.as_str()];
                    let outdated = local.status == TranslationStatus::Outdated;
                    let english_href = outdated
                        .then(|| format!("{root}{}", urls::requirement(source, &version.id, &chapter.slug, &r.id)));
                    let changes_href = match (&local.translated_from, outdated) {
                        (Some(from), true) if *from != version.id => {
                            lc.site.lineage_index.get(&(version.id.clone(), r.id.clone())).map(|&i| {
                                format!(
                                    "{root}{}#{}",
                                    urls::history(code, &lc.site.lineages[i].name),
                                    urls::history_step_anchor(&version.id)
                                )
                            })
                        }
                        _ => None,
                    };
                    BlockView::Requirement(Box::new(RequirementView {
                        id: r.id.clone(),
                        anchor: urls::requirement_anchor(&r.id),
                        title: local.title().to_owned(),
                        applies_to: r.meta.applies_to.iter().map(|v| v.name()).collect(),
                        role_hrefs: r
                            .meta
                            .applies_to
                            .iter()
                            .map(|v| {
                                let page = urls::role_page(code, &version.id, v.name());
                                (v.name(), format!("{}#r-{}", urls::relative(&home, &page), r.id))
                            })
                            .collect(),
                        level: r.meta.level.name(),
                        timeframe: r.meta.timeframe.name(),
                        oecd: r.meta.oecd.iter().map(|v| v.name()).collect(),
                        commodities: r.meta.commodities.iter().map(|v| v.name()).collect(),
                        body_html: markdown::to_html(local.body(), &resolve),
                        guidance_html: local.guidance().map(|g| markdown::to_html(g, &resolve)),
                        status: local.status.as_str(),
                        fallback_lang: fallback(local.is_fallback()),
                        english_href,
                        changes_href,
                        comment_href: consultation
                            .and_then(|c| crate::consultation::fill(&c.comments, &r.id, &version.id, &r.title)),
                    }))
                }
            };
            blocks.push(view);
        }
        let mut ctx = edition_ctx(&page, Some(&chapter.slug));
        ctx.insert(
            "chapter",
            &json!({ "slug": chapter.slug, "title": lch.title(), "lang": title_lang(lch.translation.is_none()), "kind": chapter.kind, "module": chapter.module, "status": lch.status.as_str(), "english_href": urls::chapter(source, &version.id, &chapter.slug) }),
        );
        ctx.insert("blocks", &blocks);
        let nav = |j: Option<usize>| {
            j.and_then(|j| chapters.get(j))
                .map(|c| json!({ "title": c.title(), "lang": title_lang(c.translation.is_none()), "href": urls::chapter(code, &version.id, &c.source.slug) }))
        };
        ctx.insert("prev", &nav(i.checked_sub(1)));
        ctx.insert("next", &nav(Some(i + 1)));
        files.insert(page.clone(), lc.render("chapter.html", &page, &ctx)?);
        printed.push(print::Chapter { chapter: ctx.get("chapter").cloned().unwrap_or_default(), blocks });
    }
    let page = urls::print_page(code, &version.id);
    print::render(lc, version, edition_ctx(&page, None), printed, files)?;
    Ok(coverage)
}

/// `sitemap.xml`: every page of `files`, with the same page in every other
/// language as `hreflang` alternates, at absolute URLs under the site's base
/// URL (the sitemaps protocol requires them; the build writes no sitemap
/// without a base URL).
pub fn sitemap(project: &Project, languages: &[Language], files: &BTreeSet<String>) -> Vec<u8> {
    let base = project.standard.base_url.trim_end_matches('/');
    let loc = |path: &str| markdown::escape(&format!("{base}{}", urls::site_path(path)));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for path in files {
        let is_page = path.ends_with(".html") && path != "404.html" && !path.contains("/latest/");
        if !is_page {
            continue;
        }
        out.push_str(&format!("  <url><loc>{}</loc>", loc(path)));
        // Alternates: the same page in every language, when the page is per language.
        if let Some((lang, rest)) = path.split_once('/')
            && languages.iter().any(|l| l.code == lang)
        {
            for l in languages {
                let alt = format!("{}/{rest}", l.code);
                if files.contains(&alt) {
                    out.push_str(&format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        markdown::escape(&l.code),
                        loc(&alt)
                    ));
                }
            }
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}
