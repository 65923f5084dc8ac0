//! The `site` stage: what a build writes, and in what order.
//!
//! A build's output is an explicit list of typed parts ([`PARTS`]): each
//! [`Part`] names its kind, the unit it is made for (the whole site, a
//! language, an edition, a diff), the sources its cache key covers, and the
//! parts it must come after. This module runs them: the parts of each
//! language in parallel (editions and diffs in parallel too), each part
//! after the ones it names, and hands each language's files to the caller
//! (the [`write`](crate::write) stage, or memory for `craftpub serve`) as
//! soon as they are made. The parts themselves live in the stages that
//! make their files ([`render`](crate::render) for pages, [`api`](crate::api)
//! for exports, [`search`](crate::search) for indexes); none of them imports
//! another part or this module.
//!
//! A new output is one more [`PartKind`], one row of [`PARTS`] and one arm
//! of [`run_part`]: nothing else changes.

pub mod cache;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock, PoisonError};

use rayon::prelude::*;

use crate::api;
use crate::files::{Bytes, SiteFiles};
use crate::localize::Coverage;
use crate::model::{Project, Version};
use crate::render::{self, LangContext, LocalEdition, RenderError, SiteIndex, Theme, offline};
use crate::search;

/// What a part is made for: one file set per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Once for the whole site.
    Site,
    /// Once per language.
    Language,
    /// Once per edition (a version in a language).
    Edition,
    /// Once per published diff (a pair of versions in a language).
    Diff,
}

/// The sources a part's cache key covers, beyond what every part depends on
/// (the theme, `standard.toml`, every `version.toml` and `language.toml`,
/// the requirement lineages and the diff pairs) and, for a language's
/// parts, the language (its folder, and where the English its translations
/// were made from is found). See [`cache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// Not cached: rendered on every build (small, or made from all the rest).
    Always,
    /// The edition's version folder and that of the version it revises.
    Edition,
    /// The folders of the diff's versions and of those between them.
    Span,
    /// All of `standard/`.
    Standard,
}

/// A kind of output of the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartKind {
    /// The theme's static files (`assets/`).
    Assets,
    /// An edition's pages: home, chapters, search page, whole-edition page.
    EditionPages,
    /// An edition's search index.
    SearchIndex,
    /// A version's amendment history page, in a language.
    Amendments,
    /// An edition's data exports (JSON, CSV, status).
    EditionExports,
    /// An edition's pages for each role ("the Code for me"), with their filter.
    RolePages,
    /// An edition's self-assessment checklist, with what carrying an
    /// assessment of an earlier version over needs.
    Checklist,
    /// An edition's offline download (zip), made from its pages and index.
    Download,
    /// A diff page and its JSON.
    Diff,
    /// A language's requirement histories and translation status page.
    Histories,
    /// A language's exports that span every version: one history per
    /// requirement lineage, the vocabulary's labels.
    LanguageExports,
    /// A language's termbase: the current glossary with the language's
    /// terms, as TBX and CSV (see [`crate::termbase`]).
    Termbase,
    /// A language's Atom feed.
    Feed,
    /// A language's `latest/` redirects.
    Redirects,
    /// The small pages and JSON stubs left where earlier builds published
    /// what this one does not make: superseded diffs, histories under an
    /// old name ([`crate::permanence`]).
    Moved,
    /// The front page and the 404 page.
    FrontPages,
    /// `favicon.ico` at the root, for clients that ask a host for it.
    Favicon,
    /// The lunr scripts the site's search indexes need.
    SearchScripts,
    /// The exports of no one language: `api/index.json`, schemas, criteria.
    SiteExports,
    /// The developers' page, with examples cut from the exports.
    Developers,
    /// `sitemap.xml`, listing every page; only when the site has a base URL
    /// (the sitemaps protocol takes only absolute URLs).
    Sitemap,
}

impl PartKind {
    /// The part's name, in logs and cache keys.
    pub fn name(self) -> &'static str {
        part(self).name
    }
}

/// One row of [`PARTS`]: a part of the site.
#[derive(Debug)]
pub struct Part {
    /// Which part.
    pub kind: PartKind,
    /// Its name, in logs and cache keys.
    pub name: &'static str,
    /// What it is made for.
    pub scope: Scope,
    /// What its cache key covers.
    pub sources: Sources,
    /// The parts it must come after. For a part of the same unit (an
    /// edition's download after its pages), it is given their files; a
    /// site part after a language's part is given what every language made
    /// (see [`Made`]).
    pub after: &'static [PartKind],
}

/// Every part of a build, in an order that respects `after`.
pub const PARTS: &[Part] = &[
    Part { kind: PartKind::Assets, name: "assets", scope: Scope::Site, sources: Sources::Always, after: &[] },
    Part {
        kind: PartKind::EditionPages,
        name: "edition pages",
        scope: Scope::Edition,
        sources: Sources::Edition,
        after: &[],
    },
    Part {
        kind: PartKind::SearchIndex,
        name: "search index",
        scope: Scope::Edition,
        sources: Sources::Edition,
        after: &[],
    },
    Part {
        kind: PartKind::Amendments,
        name: "amendments",
        scope: Scope::Edition,
        sources: Sources::Edition,
        after: &[],
    },
    Part {
        kind: PartKind::EditionExports,
        name: "edition exports",
        scope: Scope::Edition,
        sources: Sources::Edition,
        after: &[],
    },
    Part {
        kind: PartKind::RolePages,
        name: "role pages",
        scope: Scope::Edition,
        sources: Sources::Edition,
        after: &[],
    },
    // Every earlier version's diff to this one: all of `standard/`.
    Part {
        kind: PartKind::Checklist,
        name: "checklist",
        scope: Scope::Edition,
        sources: Sources::Standard,
        after: &[],
    },
    Part {
        kind: PartKind::Download,
        name: "download",
        scope: Scope::Edition,
        sources: Sources::Edition,
        after: &[
            PartKind::Assets,
            PartKind::EditionPages,
            PartKind::SearchIndex,
            PartKind::Amendments,
            PartKind::RolePages,
            PartKind::Checklist,
        ],
    },
    Part { kind: PartKind::Diff, name: "diff", scope: Scope::Diff, sources: Sources::Span, after: &[] },
    Part {
        kind: PartKind::Histories,
        name: "histories",
        scope: Scope::Language,
        sources: Sources::Standard,
        after: &[],
    },
    Part {
        kind: PartKind::LanguageExports,
        name: "language exports",
        scope: Scope::Language,
        sources: Sources::Standard,
        after: &[],
    },
    Part { kind: PartKind::Termbase, name: "termbase", scope: Scope::Language, sources: Sources::Standard, after: &[] },
    Part { kind: PartKind::Feed, name: "feed", scope: Scope::Language, sources: Sources::Always, after: &[] },
    Part { kind: PartKind::Redirects, name: "redirects", scope: Scope::Language, sources: Sources::Always, after: &[] },
    Part { kind: PartKind::Moved, name: "moved pages", scope: Scope::Language, sources: Sources::Standard, after: &[] },
    Part { kind: PartKind::FrontPages, name: "front pages", scope: Scope::Site, sources: Sources::Always, after: &[] },
    Part { kind: PartKind::Favicon, name: "favicon", scope: Scope::Site, sources: Sources::Always, after: &[] },
    Part {
        kind: PartKind::SearchScripts,
        name: "search scripts",
        scope: Scope::Site,
        sources: Sources::Always,
        after: &[PartKind::SearchIndex],
    },
    Part {
        kind: PartKind::SiteExports,
        name: "site exports",
        scope: Scope::Site,
        sources: Sources::Always,
        after: &[PartKind::EditionPages, PartKind::EditionExports, PartKind::Diff, PartKind::LanguageExports],
    },
    Part {
        kind: PartKind::Developers,
        name: "developers' page",
        scope: Scope::Site,
        sources: Sources::Always,
        after: &[PartKind::EditionExports, PartKind::SearchIndex, PartKind::Diff, PartKind::SiteExports],
    },
    Part {
        kind: PartKind::Sitemap,
        name: "sitemap",
        scope: Scope::Site,
        sources: Sources::Always,
        after: &[
            PartKind::Assets,
            PartKind::EditionPages,
            PartKind::SearchIndex,
            PartKind::Amendments,
            PartKind::EditionExports,
            PartKind::RolePages,
            PartKind::Checklist,
            PartKind::Download,
            PartKind::Diff,
            PartKind::Histories,
            PartKind::LanguageExports,
            PartKind::Termbase,
            PartKind::Feed,
            PartKind::Redirects,
            PartKind::Moved,
            PartKind::FrontPages,
            PartKind::Favicon,
            PartKind::SearchScripts,
            PartKind::SiteExports,
            PartKind::Developers,
        ],
    },
];

/// The row of [`PARTS`] for `kind`.
pub fn part(kind: PartKind) -> &'static Part {
    PARTS.iter().find(|p| p.kind == kind).unwrap_or_else(|| unreachable!("every PartKind has a row in PARTS"))
}

/// The parts of one scope, in [`PARTS`] order.
fn parts_of(scope: Scope) -> impl Iterator<Item = &'static Part> {
    PARTS.iter().filter(move |p| p.scope == scope)
}

/// What a rendering adds to the parts it always makes.
#[derive(Default, Clone, Copy)]
pub struct Extras<'a> {
    /// The search scripts: with them, the site gets the scripts its search
    /// indexes need, and each edition its offline download.
    pub vendor: Option<&'a search::Vendor>,
    /// Parts rendered by an earlier build, reused when their sources did
    /// not change (`craftpub serve`).
    pub cache: Option<&'a cache::RenderCache>,
}

/// What the site parts that come after the languages' parts are given:
/// what every language made.
#[derive(Default)]
pub struct Made {
    /// The path of every file made so far.
    pub paths: BTreeSet<String>,
    /// Each edition's translation coverage, by (version, language).
    pub coverage: BTreeMap<(String, String), Coverage>,
    /// The search pipelines of the search indexes made.
    pub search: BTreeSet<search::SearchLanguage>,
    /// Copies of the files a site part asked to keep (see [`Keep`]).
    pub kept: SiteFiles,
}

/// Which files of the languages' parts the site parts read back (the
/// developers' page cuts its examples from some exports).
struct Keep {
    developers: Option<render::developers::Examples>,
}

impl Keep {
    fn wants(&self, path: &str) -> bool {
        self.developers.as_ref().is_some_and(|e| e.wants(path))
    }
}

/// The files and coverage a part made.
type Output = cache::Output;

/// One language's run: its context and everything its parts share.
struct LanguageRun<'a> {
    lc: LangContext<'a>,
    exports: &'a api::Exports<'a>,
    extras: Extras<'a>,
    keys: Option<cache::LanguageKeys<'a>>,
    download_assets: Option<offline::DownloadAssets>,
}

impl LanguageRun<'_> {
    /// The part `kind` of the unit `ids`, from the cache when its sources did
    /// not change, else made by `make`.
    fn part(
        &self,
        kind: PartKind,
        unit: Unit,
        make: &dyn Fn() -> Result<Output, RenderError>,
    ) -> Result<Output, RenderError> {
        let key = match (self.extras.cache, &self.keys) {
            (Some(_), Some(keys)) => keys.part(self.lc.project, part(kind), unit),
            _ => None,
        };
        match (self.extras.cache, key) {
            (Some(cache), Some(key)) => cache.get_or_render(key, make),
            _ => make(),
        }
    }

    /// The parts of the edition `version`, each after the ones it names.
    fn edition(&self, version: &Version, statics: &SiteFiles) -> Result<Output, RenderError> {
        let local = OnceLock::new();
        let local = || local.get_or_init(|| LocalEdition::new(&self.lc, version));
        let mut made: BTreeMap<PartKind, Output> = BTreeMap::new();
        for p in parts_of(Scope::Edition) {
            let before = |kinds: &[PartKind]| -> SiteFiles {
                let mut files = SiteFiles::new();
                for k in kinds {
                    if *k == PartKind::Assets {
                        files.extend(statics.iter().map(|(p, b)| (p.clone(), b.clone())));
                    } else if let Some(o) = made.get(k) {
                        files.extend(o.files.iter().map(|(p, b)| (p.clone(), b.clone())));
                    }
                }
                files
            };
            let output = self.part(p.kind, Unit::Edition(version), &|| match p.kind {
                PartKind::EditionPages => render::edition_pages(&self.lc, local())
                    .map(|(files, coverage)| Output { files, coverage: Some(coverage) }),
                PartKind::SearchIndex => Ok(Output::files(render::search_index(&self.lc, local()))),
                PartKind::Amendments => render::amendments(&self.lc, version).map(Output::files),
                PartKind::RolePages => render::audience::role_pages(&self.lc, local()).map(Output::files),
                PartKind::Checklist => render::checklist::checklist_page(&self.lc, local()).map(Output::files),
                PartKind::EditionExports => {
                    let mut files = SiteFiles::new();
                    self.exports.add_edition(
                        self.lc.project,
                        &self.lc.localizer,
                        &self.lc.language,
                        version,
                        &mut files,
                    )?;
                    Ok(Output::files(files))
                }
                PartKind::Download => match &self.download_assets {
                    Some(assets) => {
                        offline::download(self.lc.project, &self.lc.language, version, assets, &before(p.after))
                            .map(Output::files)
                            .map_err(RenderError::from)
                    }
                    None => Ok(Output::default()),
                },
                other => unreachable!("{other:?} is not an edition part"),
            })?;
            made.insert(p.kind, output);
        }
        let mut out = Output::default();
        for (_, o) in made {
            out.coverage = out.coverage.or(o.coverage);
            out.files.extend(o.files);
        }
        Ok(out)
    }
}

/// The unit a part is made for, for its cache key.
#[derive(Clone, Copy)]
pub enum Unit<'v> {
    /// The whole site.
    Site,
    /// A language.
    Language,
    /// An edition.
    Edition(&'v Version),
    /// A diff, from one version to another.
    Diff(&'v str, &'v str),
}

/// Renders the whole site in memory (see [`render_site_streamed`]).
pub fn render_site(project: &Project, theme: &Theme, extras: Extras) -> Result<SiteFiles, RenderError> {
    let rendered = Mutex::new(SiteFiles::new());
    let mut files = render_site_streamed(project, theme, extras, &|part: SiteFiles| {
        rendered.lock().unwrap_or_else(PoisonError::into_inner).extend(part);
        Ok::<(), RenderError>(())
    })?;
    files.extend(rendered.into_inner().unwrap_or_else(PoisonError::into_inner));
    Ok(files)
}

/// Runs every part of [`PARTS`]: the language parts of each language in
/// parallel (its editions and diffs in parallel too), handing each
/// language's files to `emit` as soon as they are made (from the thread
/// that made them), so that memory holds the languages being rendered, not
/// the whole site; then the site parts, whose files it returns. On an
/// error, the error of the first language in order that failed is returned.
pub fn render_site_streamed<E: From<RenderError> + Send>(
    project: &Project,
    theme: &Theme,
    extras: Extras,
    emit: &(dyn Fn(SiteFiles) -> Result<(), E> + Sync),
) -> Result<SiteFiles, E> {
    let languages = project.languages();
    let index = SiteIndex::new(project);
    let keys = extras.cache.map(|c| c.keys(project, &[&index.facts()]));
    let statics = theme.static_files();
    let keep = Keep { developers: render::developers::Examples::new(&index.pairs, project, &languages) };
    let exports = api::Exports::new(project, theme.english_strings(), index.history());

    let rendered: Vec<Result<Made, E>> = languages
        .par_iter()
        .map(|language| {
            let lc = LangContext::new(&index, project, theme, language, &languages);
            let download_assets = extras
                .vendor
                .map(|vendor| {
                    let mut shared = statics.clone();
                    vendor.add_for(&[lc.search_language()], &mut shared);
                    offline::DownloadAssets::new(language, &shared)
                })
                .transpose()
                .map_err(RenderError::from)?;
            let run = LanguageRun {
                exports: &exports,
                keys: keys.as_ref().map(|k| k.language(project, language)),
                lc,
                extras,
                download_assets,
            };
            let files = render_language(&run, &statics)?;
            let mut made = Made::default();
            made.search.extend(search::languages_in(files.files.iter()));
            made.kept =
                files.files.iter().filter(|(p, _)| keep.wants(p)).map(|(p, b)| (p.clone(), b.clone())).collect();
            made.paths = files.files.keys().cloned().collect();
            made.coverage = files.coverage;
            // The index's content hash covers every export, made or reused.
            exports.record(&files.files);
            emit(files.files)?;
            Ok(made)
        })
        .collect();
    let mut made = Made::default();
    for result in rendered {
        let done = result?;
        made.paths.extend(done.paths);
        made.coverage.extend(done.coverage);
        made.search.extend(done.search);
        made.kept.extend(done.kept);
    }
    let mut files = SiteFiles::new();
    for p in parts_of(Scope::Site) {
        let out = match p.kind {
            PartKind::Assets => statics.clone(),
            PartKind::FrontPages => {
                let source = &languages[0];
                render::front_pages(&LangContext::new(&index, project, theme, source, &languages))?
            }
            PartKind::Favicon => {
                SiteFiles::from([(crate::urls::FAVICON_ICO.to_owned(), Bytes::from(render::favicon::ico()))])
            }
            PartKind::SearchScripts => {
                // The theme's search.js, which add_for replaces by its
                // compact form (the Assets part above wrote it as it is).
                let mut out: SiteFiles = statics
                    .get(crate::urls::SEARCH_SCRIPT)
                    .map(|script| (crate::urls::SEARCH_SCRIPT.to_owned(), script.clone()))
                    .into_iter()
                    .collect();
                if let Some(vendor) = extras.vendor {
                    vendor.add_for(&made.search.iter().copied().collect::<Vec<_>>(), &mut out);
                }
                out
            }
            PartKind::SiteExports => {
                let mut out = SiteFiles::new();
                exports.add_site(project, &index.pairs, &made.coverage, &mut out).map_err(RenderError::from)?;
                out
            }
            PartKind::Developers => {
                let mut sources = made.kept.clone();
                for (path, bytes) in &files {
                    if path == crate::urls::API_INDEX || keep.wants(path) {
                        sources.insert(path.clone(), bytes.clone());
                    }
                }
                render::developers::render(&index, project, theme, &languages, &sources)?
            }
            // The sitemaps protocol takes only absolute URLs: no base URL, no sitemap.
            PartKind::Sitemap if project.standard.base_url.is_empty() => SiteFiles::new(),
            PartKind::Sitemap => {
                let mut paths = made.paths.clone();
                paths.extend(files.keys().cloned());
                // Moved pages are not content: no place in the sitemap.
                paths.retain(|p| !render::is_moved(&index, p));
                SiteFiles::from([("sitemap.xml".to_owned(), Bytes::from(render::sitemap(project, &languages, &paths)))])
            }
            other => unreachable!("{other:?} is not a site part"),
        };
        files.extend(out);
    }
    Ok(files)
}

/// Runs the language parts and the edition and diff parts of one language.
fn render_language(run: &LanguageRun, statics: &SiteFiles) -> Result<LanguageOutput, RenderError> {
    let lc = &run.lc;
    let project = lc.project;
    // Editions, diffs and the language's own parts in parallel; merged in
    // order (so is the first error).
    let (editions, (diffs, own)) = rayon::join(
        || project.versions.par_iter().map(|v| run.edition(v, statics)).collect::<Vec<_>>(),
        || {
            rayon::join(
                || {
                    lc.site
                        .pairs
                        .par_iter()
                        .map(|(from, to)| {
                            run.part(PartKind::Diff, Unit::Diff(from, to), &|| match (
                                project.version(from),
                                project.version(to),
                            ) {
                                (Some(a), Some(b)) => render::diff(lc, a, b).map(Output::files),
                                _ => Ok(Output::default()),
                            })
                        })
                        .collect::<Vec<_>>()
                },
                || {
                    parts_of(Scope::Language)
                        .map(|p| {
                            run.part(p.kind, Unit::Language, &|| match p.kind {
                                PartKind::Histories => render::histories(lc).map(Output::files),
                                PartKind::LanguageExports => {
                                    let mut files = SiteFiles::new();
                                    run.exports.add_language(
                                        project,
                                        &lc.localizer,
                                        &lc.language,
                                        &|table: &str, key: &str| lc.label(table, key),
                                        &mut files,
                                    )?;
                                    Ok(Output::files(files))
                                }
                                PartKind::Termbase => {
                                    Ok(Output::files(crate::termbase::files(project, &lc.localizer, &lc.language)))
                                }
                                PartKind::Feed => Ok(Output::files(render::feed(lc))),
                                PartKind::Redirects => render::redirects(lc).map(Output::files),
                                PartKind::Moved => render::moved(lc).map(Output::files),
                                other => unreachable!("{other:?} is not a language part"),
                            })
                        })
                        .collect::<Vec<_>>()
                },
            )
        },
    );
    let mut out = LanguageOutput::default();
    for (version, edition) in project.versions.iter().zip(editions) {
        let edition = edition?;
        if let Some(c) = edition.coverage {
            out.coverage.insert((version.id.clone(), lc.language.code.clone()), c);
        }
        out.files.extend(edition.files);
    }
    for part in diffs.into_iter().chain(own) {
        out.files.extend(part?.files);
    }
    Ok(out)
}

/// One language's files and its editions' coverage.
#[derive(Default)]
struct LanguageOutput {
    files: SiteFiles,
    coverage: BTreeMap<(String, String), Coverage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind, once; the list a new output is added to.
    const ALL: &[PartKind] = &[
        PartKind::Assets,
        PartKind::EditionPages,
        PartKind::SearchIndex,
        PartKind::Amendments,
        PartKind::EditionExports,
        PartKind::RolePages,
        PartKind::Checklist,
        PartKind::Download,
        PartKind::Diff,
        PartKind::Histories,
        PartKind::LanguageExports,
        PartKind::Termbase,
        PartKind::Feed,
        PartKind::Redirects,
        PartKind::Moved,
        PartKind::FrontPages,
        PartKind::Favicon,
        PartKind::SearchScripts,
        PartKind::SiteExports,
        PartKind::Developers,
        PartKind::Sitemap,
    ];

    #[test]
    fn every_kind_has_one_row() {
        for kind in ALL {
            assert_eq!(PARTS.iter().filter(|p| p.kind == *kind).count(), 1, "{kind:?}");
        }
        assert_eq!(PARTS.len(), ALL.len());
    }

    #[test]
    fn a_part_comes_after_what_it_names() {
        for (i, p) in PARTS.iter().enumerate() {
            for before in p.after {
                let j = PARTS.iter().position(|q| q.kind == *before).expect("a row");
                assert!(j < i, "{:?} must come after {:?} in PARTS", p.kind, before);
                // A language's part cannot wait for a site part: the site
                // parts run once every language is done; the assets are the
                // one site part made first.
                if p.scope != Scope::Site {
                    assert!(part(*before).scope != Scope::Site || *before == PartKind::Assets, "{:?}", p.kind);
                }
            }
        }
    }

    #[test]
    fn the_sitemap_comes_after_every_other_part() {
        let sitemap = part(PartKind::Sitemap);
        for kind in ALL.iter().filter(|k| **k != PartKind::Sitemap) {
            assert!(sitemap.after.contains(kind), "the sitemap lists every page, so it comes after {kind:?}");
        }
    }

    #[test]
    fn cached_parts_have_sources_that_fit_their_unit() {
        for p in PARTS {
            let fits = match p.sources {
                Sources::Always => true,
                Sources::Edition => p.scope == Scope::Edition,
                Sources::Span => p.scope == Scope::Diff,
                Sources::Standard => p.scope != Scope::Site,
            };
            assert!(fits, "{:?}: {:?} does not fit {:?}", p.kind, p.sources, p.scope);
            // A site part is never cached: it is made from all the rest.
            assert!(p.scope != Scope::Site || p.sources == Sources::Always, "{:?}", p.kind);
        }
    }
}
