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

#[cfg(test)]
mod tests {
    use super::*;

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
