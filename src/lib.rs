//! craftpub: publishes the CRAFT Code from plain-text sources.
//!
//! The pipeline, one module per stage:
//! [`load`] reads `standard/` into the [`model`]; [`check`](mod@check) applies the rules
//! that span files and versions; [`site`] runs the parts of the output, which
//! [`render`] makes into pages with [`markdown`] and Tera templates, [`api`]
//! into data exports and [`search`] into indexes, laid out by [`urls`];
//! [`write`](mod@write) puts the result on disk atomically. Problems are
//! collected as [`diagnostics`] so that one run reports them all. [`serve`]
//! runs the same pipeline in memory as a live preview.

pub mod amend;
pub mod api;
pub mod catalogue;
pub mod check;
pub mod consultation;
pub mod cycle;
pub mod diagnostics;
pub mod diff;
pub mod files;
pub mod load;
pub mod localize;
pub mod markdown;
pub mod model;
pub mod permanence;
pub mod po;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod status;
pub mod termbase;
pub mod urls;
pub mod write;

use std::path::Path;
use std::sync::Arc;

use diagnostics::Diagnostics;
use model::Project;

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The sources have errors; the diagnostics say which.
    #[error("the sources have {} error(s)", .0.error_count())]
    Sources(Diagnostics),
    /// A template failed.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// The output could not be written.
    #[error(transparent)]
    Write(#[from] write::WriteError),
    /// The search scripts (lunr, lunr-languages) could not be had.
    #[error(transparent)]
    Search(#[from] search::VendorError),
}

/// Loads and checks the project at `root`: the model (when there is one to
/// render) and every diagnostic.
pub fn check(root: &Path) -> (Project, Option<render::Theme>, Diagnostics) {
    let mut diags = Diagnostics::new(root);
    let project = load::load_project(root, &mut diags);
    check::check_project(root, &project, &mut diags);
    let theme = render::Theme::load(root, &mut diags);
    check::check_translations(&project, theme.as_ref().map(|t| t.english_strings()), &mut diags);
    (project, theme, diags)
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// What was written: files, bytes, the largest file.
    pub written: write::Written,
    /// Warnings found in the sources.
    pub diagnostics: Diagnostics,
    /// The base URL the site was built for; `None` when it has none (see
    /// [`NO_BASE_URL`]).
    pub base_url: Option<String>,
}

/// What a build without a base URL cannot make absolute, and so leaves out
/// or names otherwise; `craftpub build` prints it once.
pub const NO_BASE_URL: &str = "no base URL (set base_url in standard/standard.toml or pass --base-url URL), so the \
     site has no sitemap.xml, no hreflang alternates, no canonical links or og:url; feed links are relative to the \
     feed, and the JSON-LD ids are urn:craftpub: names; see the README's \"Publishing\" section";

/// The project at `root`, loaded and checked, with its theme and the search
/// scripts, ready to render; or the errors that prevent rendering it.
fn ready_to_render(root: &Path) -> Result<(Project, render::Theme, search::Vendor, Diagnostics), BuildError> {
    let (project, theme, diags) = check(root);
    let theme = match theme {
        Some(t) if !diags.has_errors() => t,
        _ => return Err(BuildError::Sources(diags)),
    };
    let vendor = search::Vendor::prepare(&root.join("theme"))?;
    Ok((project, theme, vendor, diags))
}

/// Checks and renders the project at `root` in memory: every file of the
/// site, as [`build`] writes it, and the warnings. Nothing is written;
/// `craftpub serve` serves the result. With a `cache`, the parts whose
/// sources did not change since the cache's last build are reused (see
/// [`site::cache`]).
pub fn build_in_memory(
    root: &Path,
    cache: Option<&mut site::cache::RenderCache>,
) -> Result<(Arc<files::SiteFiles>, Diagnostics), BuildError> {
    build_in_memory_at(root, None, cache)
}

/// Renders in memory as [`build_in_memory`] does, for the site published
/// at `base_url` when one is given (see [`build_at`]); `craftpub serve`
/// gives its own address.
pub fn build_in_memory_at(
    root: &Path,
    base_url: Option<&str>,
    mut cache: Option<&mut site::cache::RenderCache>,
) -> Result<(Arc<files::SiteFiles>, Diagnostics), BuildError> {
    if let Some(cache) = cache.as_deref_mut() {
        // Read before loading, so a change in between is never cached as unchanged.
        cache.begin(site::cache::SourceDigests::read(root));
    }
    let result = ready_to_render(root).and_then(|(mut project, theme, vendor, diags)| {
        if let Some(base) = base_url {
            project.standard.base_url = base.to_owned();
        }
        let extras = site::Extras { vendor: Some(&vendor), cache: cache.as_deref() };
        Ok((Arc::new(site::render_site(&project, &theme, extras)?), diags))
    });
    if let Some(cache) = cache {
        cache.finish(result.as_ref().ok().map(|(site, _)| Arc::clone(site)));
    }
    result
}

/// Builds the site of the project at `root` into `out`, published at the
/// `base_url` of `standard.toml` (if any). Nothing is written unless the
/// sources are free of errors and every page rendered.
pub fn build(root: &Path, out: &Path) -> Result<BuildReport, BuildError> {
    build_at(root, out, None)
}

/// Builds as [`build`] does, for the site published at `base_url` when one
/// is given (a URL [`urls::base_url`] accepted): it replaces the `base_url`
/// of `standard.toml` (`craftpub build --base-url`), so one source builds
/// for a preview host and for production.
pub fn build_at(root: &Path, out: &Path, base_url: Option<&str>) -> Result<BuildReport, BuildError> {
    write::check_output_safe(root, out)?;
    let (mut project, theme, vendor, diags) = ready_to_render(root)?;
    if let Some(base) = base_url {
        project.standard.base_url = base.to_owned();
    }
    // Each language's files go to disk as soon as they are rendered, so that
    // memory does not hold the whole site; the output is swapped in at the end.
    let staging = write::Staging::begin(root, out)?;
    let files = site::render_site_streamed(
        &project,
        &theme,
        site::Extras { vendor: Some(&vendor), cache: None },
        &|part: files::SiteFiles| Ok::<(), BuildError>(staging.write(&part)?),
    )?;
    staging.write(&files)?;
    let written = staging.finish()?;
    let base_url = (!project.standard.base_url.is_empty()).then(|| project.standard.base_url.clone());
    Ok(BuildReport { written, diagnostics: diags, base_url })
}
