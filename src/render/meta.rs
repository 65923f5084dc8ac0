//! What every page says about itself to search engines, feed readers and
//! link previews: its canonical URL, its Open Graph locale and its feed.
//!
//! Canonical URLs, `og:url` and `hreflang` alternates need the site's base
//! URL (`base_url` in `standard.toml`, or `craftpub build --base-url`):
//! without one they are left out, as a relative canonical URL would only
//! name whatever copy is being read, and search engines ignore relative
//! alternates.

use tera::Context;

use crate::model::{Language, Project};
use crate::urls;

/// Pages that are never canonical: the 404 page answers for any address.
const NOT_CANONICAL: [&str; 1] = ["404.html"];

/// The absolute URL of the site path `path`, when the site has a base URL.
pub fn absolute(project: &Project, path: &str) -> Option<String> {
    let base = project.standard.base_url.trim_end_matches('/');
    (!base.is_empty()).then(|| format!("{base}{}", urls::site_path(path)))
}

/// An Open Graph locale (`language_TERRITORY`) from a BCP 47 code: `pt-BR`
/// becomes `pt_BR`, `es` stays `es`.
pub fn og_locale(code: &str) -> String {
    let mut parts = code.split('-');
    let language = parts.next().unwrap_or(code).to_ascii_lowercase();
    match parts.find(|p| p.len() == 2) {
        Some(region) => format!("{language}_{}", region.to_ascii_uppercase()),
        None => language,
    }
}

/// Adds `canonical` (absolute URL or nothing), `base_url` (the site's base
/// URL, ending in `/`, or nothing: `hreflang` alternates are written only
/// with it, since search engines take only absolute ones), `og_locale` and
/// `feed` (the language's Atom feed, a site path) to a page's context.
pub fn insert(ctx: &mut Context, project: &Project, language: &Language, page: &str) {
    let canonical = if NOT_CANONICAL.contains(&page) { None } else { absolute(project, page) };
    ctx.insert("canonical", &canonical);
    let base = project.standard.base_url.trim_end_matches('/');
    let base_url = (!base.is_empty() && !NOT_CANONICAL.contains(&page)).then(|| format!("{base}/"));
    ctx.insert("base_url", &base_url);
    ctx.insert("og_locale", &og_locale(&language.code));
    ctx.insert("feed", &urls::feed(&language.code));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        assert_eq!(og_locale("en"), "en");
        assert_eq!(og_locale("pt-BR"), "pt_BR");
        assert_eq!(og_locale("zh-Hant-TW"), "zh_TW");
    }
}
