//! The site's URL layout, in one place. Paths are relative to the output
//! folder, with `/` separators; pages link to each other with relative URLs so
//! the site works under any base URL and when opened from disk.

/// The folder of an edition: `<lang>/<version>/`.
pub fn edition_dir(lang: &str, version: &str) -> String {
    format!("{lang}/{version}/")
}

/// An edition's home page.
pub fn edition_home(lang: &str, version: &str) -> String {
    format!("{lang}/{version}/index.html")
}

/// A chapter's page.
pub fn chapter(lang: &str, version: &str, slug: &str) -> String {
    format!("{lang}/{version}/{slug}.html")
}

/// The anchor of a requirement on its chapter page.
pub fn requirement_anchor(id: &str) -> String {
    format!("req-{id}")
}

/// A requirement's canonical location: its chapter page and anchor.
pub fn requirement(lang: &str, version: &str, slug: &str, id: &str) -> String {
    format!("{}#{}", chapter(lang, version, slug), requirement_anchor(id))
}

/// The history page of a requirement, named by its ID in `version`; the
/// anchor points at that version's step.
pub fn requirement_history(lang: &str, id: &str, version: &crate::model::Version) -> String {
    format!("{lang}/history/{id}.html#v{}", version.id)
}

/// The stylesheet.
pub const STYLESHEET: &str = "assets/style.css";

/// The discovery document for programs.
pub const API_INDEX: &str = "api/index.json";

/// The relative prefix that leads from the folder of `page` back to the root,
/// e.g. `../../` for `en/2.1/index.html`.
pub fn to_root(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// A site-relative path as an absolute path on the site, e.g. `/en/2.1/`.
pub fn site_path(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}
