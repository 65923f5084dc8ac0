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

/// The history page of a requirement's lineage (see [`crate::diff::lineages`]).
pub fn history(lang: &str, name: &str) -> String {
    format!("{lang}/history/{name}.html")
}

/// The anchor of one version's step on a history page.
pub fn history_step_anchor(version: &str) -> String {
    format!("v{version}")
}

/// The requirements of an edition that apply to one role (`producer`,
/// `buyer`, ...), by timeframe: `<lang>/<version>/for-<role>.html`.
pub fn role_page(lang: &str, version: &str, role: &str) -> String {
    format!("{lang}/{version}/for-{role}.html")
}

/// An edition's self-assessment checklist.
pub fn checklist(lang: &str, version: &str) -> String {
    format!("{lang}/{version}/checklist.html")
}

/// The page of changes between two versions.
pub fn diff_page(lang: &str, from: &str, to: &str) -> String {
    format!("{lang}/diff/{from}-{to}.html")
}

/// The diff between two versions as data.
pub fn diff_json(lang: &str, from: &str, to: &str) -> String {
    format!("api/{lang}/diff/{from}-{to}.json")
}

/// A version's amendment history page.
pub fn amendments(lang: &str, version: &str) -> String {
    format!("{lang}/{version}/amendments.html")
}

/// The anchor of an amendment entry on its page.
pub fn amendment_anchor(id: &str) -> String {
    format!("amendment-{id}")
}

/// An edition's whole text on one page, to print or save as PDF.
pub fn print_page(lang: &str, version: &str) -> String {
    format!("{lang}/{version}/print.html")
}

/// An edition's download for offline reading: its pages, stylesheet and
/// search in one zip file, named after the standard (`title_slug`).
pub fn download(lang: &str, version: &str, title_slug: &str) -> String {
    format!("{lang}/{version}/download/{title_slug}-{lang}-{version}.zip")
}

/// The standard's title as a file name: lowercase ASCII letters and digits
/// joined by `-` ("CRAFT Code" gives `craft-code`).
pub fn title_slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() { "standard".to_owned() } else { words.join("-") }
}

/// The edition's search page, which shows results for `?q=` (and, without
/// JavaScript, says that search needs it).
pub fn search_page(lang: &str, version: &str) -> String {
    format!("{}search.html", edition_dir(lang, version))
}

/// The script that holds the edition's search data.
pub fn search_index_script(lang: &str, version: &str) -> String {
    format!("{}search-index.js", edition_dir(lang, version))
}

/// The edition's search data as JSON, for programs.
pub fn search_index_json(lang: &str, version: &str) -> String {
    format!("{}search-index.json", edition_dir(lang, version))
}

/// A language's Atom feed of versions and amendments.
pub fn feed(lang: &str) -> String {
    format!("{lang}/feed.xml")
}

/// A language's translation status page.
pub fn status_page(lang: &str) -> String {
    format!("{lang}/status.html")
}

/// An edition as data: `api/<lang>/<version>/edition.json`.
pub fn edition_json(lang: &str, version: &str) -> String {
    format!("api/{lang}/{version}/edition.json")
}

/// The history of a requirement lineage as data, the twin of [`history`].
pub fn history_json(lang: &str, name: &str) -> String {
    format!("api/{lang}/history/{name}.json")
}

/// A version's amendment history as data.
pub fn amendments_json(version: &str) -> String {
    format!("api/{version}/amendments.json")
}

/// A language's vocabulary: the labels of every metadata code and change kind.
pub fn vocabulary_json(lang: &str) -> String {
    format!("api/{lang}/vocabulary.json")
}

/// A language's termbase (the current version's glossary with its terms) as TBX.
pub fn termbase_tbx(lang: &str) -> String {
    format!("api/{lang}/glossary.tbx")
}

/// A language's termbase as CSV, the glossary form Weblate and Crowdin import.
pub fn termbase_csv(lang: &str) -> String {
    format!("api/{lang}/glossary.csv")
}

/// The requirements of an edition as CSV, for spreadsheets.
pub fn edition_csv(lang: &str, version: &str) -> String {
    format!("api/{lang}/{version}/requirements.csv")
}

/// The translation status of an edition as data.
pub fn status_json(lang: &str, version: &str) -> String {
    format!("api/{lang}/{version}/status.json")
}

/// A version's criteria catalogue (JSON-LD, in the shape of the UN
/// Transparency Protocol's Sustainability Vocabulary Catalog).
pub fn criteria_jsonld(version: &str) -> String {
    format!("api/{version}/criteria.jsonld")
}

/// The JSON Schema of the export named `name` (e.g. `edition`).
pub fn schema(name: &str) -> String {
    format!("api/schema/{name}.schema.json")
}

/// The page for developers: the exports, examples and the stability promise.
pub const DEVELOPERS: &str = "developers.html";

/// The stylesheet.
pub const STYLESHEET: &str = "assets/style.css";

/// The search script (the theme's `static/search.js`).
pub const SEARCH_SCRIPT: &str = "assets/search.js";

/// The site's icon, linked from every page (a theme asset).
pub const FAVICON_SVG: &str = "assets/favicon.svg";

/// The icon at the site's root, for clients that ask a host for
/// `/favicon.ico` ([`crate::render::favicon`]).
pub const FAVICON_ICO: &str = "favicon.ico";

/// The discovery document for programs.
pub const API_INDEX: &str = "api/index.json";

/// The relative prefix that leads from the folder of `page` back to the root,
/// e.g. `../../` for `en/2.1/index.html`.
pub fn to_root(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// The reference (RFC 3986, section 4.2) from the file at `from` to the
/// path `to` (both relative to the output folder; `to` may carry a
/// `#fragment`), e.g. `../en/2.1/index.html` from `api/index.json`. It
/// resolves against the address of `from` wherever the site is: at a host
/// root, under a path, or on disk.
pub fn relative(from: &str, to: &str) -> String {
    let (path, fragment) = match to.find('#') {
        Some(i) => (&to[..i], &to[i..]),
        None => (to, ""),
    };
    let mut from_dirs: Vec<&str> = from.split('/').collect();
    from_dirs.pop();
    let mut to_parts: Vec<&str> = path.split('/').collect();
    let file = to_parts.pop().unwrap_or_default();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from_dirs.len() - common);
    for dir in &to_parts[common..] {
        out.push_str(dir);
        out.push('/');
    }
    out.push_str(file);
    if out.is_empty() {
        out.push_str("./");
    }
    out.push_str(fragment);
    out
}

/// A site-relative path as an absolute path on the site, e.g. `/en/2.1/`.
pub fn site_path(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

/// Why a base URL was refused (see [`base_url`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    /// Not `http://` or `https://` followed by a host.
    #[error("\"{0}\" is not an absolute http or https URL (write it as https://HOST/ or https://HOST/PATH/)")]
    NotAbsolute(String),
    /// A query, a fragment, a space or a control character.
    #[error("\"{0}\" has a query, a fragment or a space; a base URL is a scheme, a host and a path only")]
    Extra(String),
}

/// The base URL the site is published at, checked and normalised: an
/// absolute `http` or `https` URL with a host, no query, fragment, user
/// name or space, lowercase scheme and host, ending in exactly one `/`
/// (`https://Example.org/craft` gives `https://example.org/craft/`). A site
/// path `p` (as every function of this module returns) is then at
/// `{base}{p}`.
pub fn base_url(text: &str) -> Result<String, BaseUrlError> {
    let text = text.trim();
    let (scheme, rest) = text.split_once("://").ok_or_else(|| BaseUrlError::NotAbsolute(text.to_owned()))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(BaseUrlError::NotAbsolute(text.to_owned()));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\' | '"' | '<' | '>')) {
        return Err(BaseUrlError::Extra(text.to_owned()));
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    // The host, and its port if any: `[::1]:8000`, `example.org:8443`.
    let name = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => {
            if !host[i + 1..].chars().all(|c| c.is_ascii_digit()) {
                return Err(BaseUrlError::NotAbsolute(text.to_owned()));
            }
            &host[..i]
        }
        _ => host,
    };
    if name.is_empty() || name == "[]" || host.contains('@') {
        return Err(BaseUrlError::NotAbsolute(text.to_owned()));
    }
    let path = path.trim_end_matches('/');
    Ok(format!("{scheme}://{}{path}/", host.to_ascii_lowercase()))
}

/// The URN that names a thing of a version of the standard in the exports
/// when the site has no base URL: `urn:craftpub:<standard>:<version>:<name>`,
/// with `<standard>` the title's slug ([`title_slug`]) and `<name>` what the
/// thing is (`criteria`, a requirement ID, `module-3`, `module-3:3.1-serious-abuses`).
/// With no `<name>` it names the version itself. It is an absolute IRI, so
/// every JSON-LD processor keeps it as it is, wherever the file was read from.
pub fn urn(title: &str, version: &str, name: &str) -> String {
    let mut out = format!("urn:craftpub:{}:{}", title_slug(title), urn_part(version));
    if !name.is_empty() {
        out.push(':');
        out.push_str(&urn_part(name));
    }
    out
}

/// A part of a URN: characters an RFC 8141 name may hold as they are, any
/// other percent-encoded (UTF-8).
fn urn_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalised() {
        assert_eq!(base_url("https://Example.org").unwrap(), "https://example.org/");
        assert_eq!(base_url("HTTP://example.org/craft//").unwrap(), "http://example.org/craft/");
        assert_eq!(base_url("http://127.0.0.1:8000/").unwrap(), "http://127.0.0.1:8000/");
        assert_eq!(base_url("https://[::1]:8443/a/b").unwrap(), "https://[::1]:8443/a/b/");
        for bad in ["example.org", "/craft/", "ftp://example.org/", "https://", "https:///x", "https://u@h/"] {
            assert!(matches!(base_url(bad), Err(BaseUrlError::NotAbsolute(_))), "{bad}");
        }
        for bad in ["https://example.org/?a=1", "https://example.org/#x", "https://example.org/a b"] {
            assert!(matches!(base_url(bad), Err(BaseUrlError::Extra(_))), "{bad}");
        }
    }

    #[test]
    fn urns_name_a_versions_things() {
        assert_eq!(urn("CRAFT Code", "2.1", ""), "urn:craftpub:craft-code:2.1");
        assert_eq!(urn("CRAFT Code", "2.1", "3.1.2"), "urn:craftpub:craft-code:2.1:3.1.2");
        assert_eq!(urn("CRAFT Code", "2.1", "module-3:3.1 ä"), "urn:craftpub:craft-code:2.1:module-3:3.1%20%C3%A4");
    }

    #[test]
    fn relative_references_resolve_from_their_file() {
        assert_eq!(relative("api/index.json", "en/2.1/index.html"), "../en/2.1/index.html");
        assert_eq!(relative("api/en/2.1/edition.json", "api/en/2.1/requirements.csv"), "requirements.csv");
        assert_eq!(relative("api/en/2.1/edition.json", "en/2.1/m.html#req-1.1"), "../../../en/2.1/m.html#req-1.1");
        assert_eq!(relative("api/en/diff/a-b.json", "api/2.1/amendments.json"), "../../2.1/amendments.json");
        assert_eq!(relative("api/index.json", "developers.html"), "../developers.html");
        assert_eq!(relative("index.html", "en/2.1/index.html"), "en/2.1/index.html");
        assert_eq!(relative("api/index.json", "api/index.json"), "index.json");
    }
}
