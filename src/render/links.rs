//! Link rewriting in rendered HTML: the whole-edition page points links to
//! its own chapters at its own anchors, and an edition's download points
//! links to pages outside it at the online site.
//!
//! It reads only the HTML craftpub writes: Tera escapes attribute values
//! (no raw `"` or `>` in them) and pulldown-cmark escapes link targets.

/// What to do with the `href` of an `<a>` or `<link>` tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Href {
    /// Leave it as it is.
    Keep,
    /// Point it elsewhere (the new value, unescaped).
    To(String),
    /// Remove the link: an `<a>` keeps its text but loses `href` and the
    /// attributes that need one; a `<link>` is removed.
    Drop,
}

/// Resolves `href`, found on the page at site path `page`, to a site path
/// and what follows it (`?query` and `#fragment`). `None` for a link to
/// another site (any scheme), to the same page (`#...`), or out of the site.
pub fn resolve(page: &str, href: &str) -> Option<(String, String)> {
    let href = href.replace("&amp;", "&");
    if href.is_empty() || href.starts_with('#') || href.starts_with("//") {
        return None;
    }
    let end = href.find(['?', '#']).unwrap_or(href.len());
    let (path, suffix) = href.split_at(end);
    if path.find(':').is_some_and(|colon| !path[..colon].contains('/')) {
        return None;
    }
    if path.is_empty() {
        // `?q=x` alone: the page itself.
        return Some((page.to_owned(), suffix.to_owned()));
    }
    let joined;
    let full = match path.strip_prefix('/') {
        Some(absolute) => absolute,
        None => {
            let dir = page.rfind('/').map_or("", |i| &page[..=i]);
            joined = format!("{dir}{path}");
            &joined
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in full.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    // A folder (`./`, `../`, `x/`) is its index page.
    if matches!(full.rsplit('/').next(), Some("" | "." | "..")) {
        parts.push("index.html");
    }
    let out = parts.join("/");
    Some((out, suffix.to_owned()))
}

/// The attributes an `<a>` may carry only with an `href`.
const NEEDS_HREF: [&str; 6] = ["href", "hreflang", "rel", "type", "download", "target"];

/// Rewrites the `href` of every `<a>` and `<link>` tag of `html` as `decide`
/// says, given the current (still escaped) value.
pub fn rewrite_hrefs(html: &str, mut decide: impl FnMut(&str) -> Href) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let name_len = rest[1..].find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').map_or(0, |n| n);
        let name = &rest[1..1 + name_len];
        let Some(end) = rest.find('>') else { break };
        if name != "a" && name != "link" {
            out.push_str(&rest[..=end]);
            rest = &rest[end + 1..];
            continue;
        }
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        let attrs = attributes(&tag[1 + name_len..tag.len() - 1]);
        let href = attrs.iter().find(|(n, _)| *n == "href").and_then(|(_, v)| v.as_deref());
        let action = href.map_or(Href::Keep, &mut decide);
        match action {
            Href::Keep => out.push_str(tag),
            Href::Drop if name == "link" => rest = rest.strip_prefix('\n').unwrap_or(rest),
            Href::Drop | Href::To(_) => {
                out.push('<');
                out.push_str(name);
                for (n, v) in &attrs {
                    let value = match (&action, *n) {
                        (Href::Drop, n) if NEEDS_HREF.contains(&n) => continue,
                        (Href::To(to), "href") => Some(crate::markdown::escape(to)),
                        _ => v.as_deref().map(str::to_owned),
                    };
                    out.push(' ');
                    out.push_str(n);
                    if let Some(v) = value {
                        out.push_str("=\"");
                        out.push_str(&v);
                        out.push('"');
                    }
                }
                out.push('>');
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of a start tag's inside: name and (escaped) value.
fn attributes(inside: &str) -> Vec<(&str, Option<&str>)> {
    let mut attrs = Vec::new();
    let mut s = inside.trim_end_matches('/');
    loop {
        s = s.trim_start();
        if s.is_empty() {
            break;
        }
        let name_end = s.find(|c: char| c.is_ascii_whitespace() || c == '=').unwrap_or(s.len());
        let name = &s[..name_end];
        s = s[name_end..].trim_start();
        if let Some(after) = s.strip_prefix('=') {
            let after = after.trim_start();
            let (value, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    (&after[1..close], after.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let stop = after.find(|c: char| c.is_ascii_whitespace()).unwrap_or(after.len());
                    (&after[..stop], &after[stop..])
                }
            };
            attrs.push((name, Some(value)));
            s = next;
        } else {
            attrs.push((name, None));
        }
        if name.is_empty() {
            break;
        }
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links() {
        let page = "en/2.1/module-1.html";
        let r = |h: &str| resolve(page, h);
        assert_eq!(r("module-2.html#req-2.1.1"), Some(("en/2.1/module-2.html".into(), "#req-2.1.1".into())));
        assert_eq!(r("../../assets/style.css"), Some(("assets/style.css".into(), String::new())));
        assert_eq!(r("../../index.html"), Some(("index.html".into(), String::new())));
        assert_eq!(r("../../en/2.0/"), Some(("en/2.0/index.html".into(), String::new())));
        assert_eq!(r("./"), Some(("en/2.1/index.html".into(), String::new())));
        assert_eq!(r("../history/1.1.1.html#v2.1"), Some(("en/history/1.1.1.html".into(), "#v2.1".into())));
        assert_eq!(r("/en/2.1/"), Some(("en/2.1/index.html".into(), String::new())));
        assert_eq!(r("?q=x"), Some((page.into(), "?q=x".into())));
        assert_eq!(r("#req-1.1.1"), None);
        assert_eq!(r("https://example.org/a"), None);
        assert_eq!(r("mailto:a@b.org"), None);
        assert_eq!(r("//example.org/"), None);
        assert_eq!(r("../../../outside.html"), None);
    }

    #[test]
    fn rewrites_keeps_and_drops() {
        let html = "<p>See <a href=\"a.html\" hreflang=\"es\" lang=\"es\">A</a>, <a href=\"b.html\" class=\"x\">B</a> \
                    and <a id=\"n\">C</a>.</p>\n<link rel=\"alternate\" href=\"c.html\">\n<link rel=\"stylesheet\" href=\"s.css\">";
        let out = rewrite_hrefs(html, |h| match h {
            "a.html" => Href::Drop,
            "b.html" => Href::To("https://example.org/b?x=1&y=2".into()),
            "c.html" => Href::Drop,
            _ => Href::Keep,
        });
        assert_eq!(
            out,
            "<p>See <a lang=\"es\">A</a>, <a href=\"https://example.org/b?x=1&amp;y=2\" class=\"x\">B</a> \
             and <a id=\"n\">C</a>.</p>\n<link rel=\"stylesheet\" href=\"s.css\">"
        );
    }

    #[test]
    fn leaves_other_tags_and_text_alone() {
        let html = "<abbr title=\"x\">x</abbr> <article class=\"req\"> 1 &lt; 2 <address>";
        assert_eq!(rewrite_hrefs(html, |_| Href::Drop), html);
    }
}
