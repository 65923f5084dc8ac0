//! Markdown to HTML, safely: the one place where contributed text becomes HTML.
//!
//! Policy (stated in the README): raw HTML in Markdown is shown as text, never
//! passed through; links keep only safe schemes (`http`, `https`, `mailto`,
//! and relative URLs); images are shown as their alternative text, so a page
//! never loads anything from another host. `[[ID]]` cross-references become
//! links through a resolver supplied by the caller.

use std::cell::RefCell;
use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// Options shared by every Markdown parse.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Whether a link destination is safe to put in `href`.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String =
        url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    match cleaned.find(':') {
        None => true,
        Some(colon) => {
            if cleaned[..colon].contains(['/', '?', '#']) {
                return true; // a relative URL with a colon later on
            }
            matches!(&cleaned[..colon], "http" | "https" | "mailto")
        }
    }
}

/// A memo of a pure function of a text, per thread, emptied when it holds
/// more than `MEMO_BYTES`: the same texts come back in every version and on
/// several pages (a chapter, a history, a search index).
struct Memo<T> {
    entries: HashMap<String, T>,
    bytes: usize,
}

const MEMO_BYTES: usize = 16 << 20;

impl<T: Clone> Memo<T> {
    fn new() -> Self {
        Memo { entries: HashMap::new(), bytes: 0 }
    }

    fn insert(&mut self, text: &str, value: T, size: usize) {
        self.bytes += text.len() + size;
        if self.bytes > MEMO_BYTES {
            self.entries.clear();
            self.bytes = text.len() + size;
        }
        self.entries.insert(text.to_owned(), value);
    }
}

/// The HTML of a text, and the cross-references its rendering resolved.
type Rendered = (Vec<(String, Option<String>)>, String);

thread_local! {
    static HTML: RefCell<Memo<Rendered>> = RefCell::new(Memo::new());
    static PLAIN: RefCell<Memo<String>> = RefCell::new(Memo::new());
}

/// Renders Markdown to safe HTML; `resolve` maps a requirement ID to its URL.
///
/// Memoised: a text rendered before on this thread, whose cross-references
/// resolve as they did then, gives the same HTML without parsing again.
pub fn to_html(text: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let known = HTML.with(|memo| memo.borrow().entries.get(text).cloned());
    if let Some((calls, html)) = known
        && calls.iter().all(|(id, url)| resolve(id) == *url)
    {
        return html;
    }
    let calls = RefCell::new(Vec::new());
    let recording = |id: &str| {
        let url = resolve(id);
        calls.borrow_mut().push((id.to_owned(), url.clone()));
        url
    };
    let html = render_html(text, &recording);
    let size = html.len();
    HTML.with(|memo| memo.borrow_mut().insert(text, (calls.into_inner(), html.clone()), size));
    html
}

fn render_html(text: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let mut events: Vec<Event> = Vec::new();
    let mut pending = String::new();
    let flush = |pending: &mut String, events: &mut Vec<Event>| {
        if !pending.is_empty() {
            push_text_with_refs(std::mem::take(pending), resolve, events);
        }
    };
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => pending.push_str(&t),
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                flush(&mut pending, &mut events);
                let dest_url = if is_safe_url(&dest_url) { dest_url } else { CowStr::from("#") };
                events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {
                flush(&mut pending, &mut events);
            }
            other => {
                flush(&mut pending, &mut events);
                events.push(other);
            }
        }
    }
    flush(&mut pending, &mut events);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

fn push_text_with_refs<'a>(text: String, resolve: &dyn Fn(&str) -> Option<String>, events: &mut Vec<Event<'a>>) {
    let refs = cross_references(&text);
    if refs.is_empty() {
        events.push(Event::Text(CowStr::from(text)));
        return;
    }
    let mut from = 0;
    for (id, offset) in refs {
        let Some(url) = resolve(id) else { continue };
        if offset > from {
            events.push(Event::Text(CowStr::from(text[from..offset].to_owned())));
        }
        let id = id.to_owned();
        events.push(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: CowStr::from(url),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }));
        events.push(Event::Text(CowStr::from(id.clone())));
        events.push(Event::End(TagEnd::Link));
        from = offset + id.len() + 4;
    }
    if from < text.len() {
        events.push(Event::Text(CowStr::from(text[from..].to_owned())));
    }
}

/// The plain text of Markdown, as search indexes, snippets and the JSON-LD
/// descriptions all take it (one definition, so they never disagree): see
/// [`push_plain`]; `[[ID]]` cross-references are written as `ID`.
pub fn to_plain_text(text: &str) -> String {
    if let Some(plain) = PLAIN.with(|memo| memo.borrow().entries.get(text).cloned()) {
        return plain;
    }
    let plain = plain_text(text);
    PLAIN.with(|memo| memo.borrow_mut().insert(text, plain.clone(), plain.len()));
    plain
}

fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(text, options()) {
        push_plain(&mut out, &event);
    }
    ids_as_text(&normalise_ws(&out))
}

/// Appends the plain text of one Markdown event to `out`: the text of every
/// inline, and a space wherever a block, a list item, a table cell or a row
/// ends (so that words of neighbouring cells never run together) and for
/// raw HTML. Cross-references stay as written; [`ids_as_text`] turns them
/// into their IDs once the text is whole (a parser may split `[[ID]]`).
pub fn push_plain(out: &mut String, event: &Event) {
    match event {
        Event::Text(t) | Event::Code(t) => out.push_str(t),
        Event::Html(_) | Event::InlineHtml(_) => out.push(' '),
        Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
        Event::End(
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock,
        ) => out.push(' '),
        _ => {}
    }
}

/// `text` with its `[[ID]]` cross-references written as `ID`.
pub fn ids_as_text(text: &str) -> String {
    let refs = cross_references(text);
    if refs.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (id, offset) in refs {
        out.push_str(&text[from..offset]);
        out.push_str(id);
        from = offset + id.len() + 4;
    }
    out.push_str(&text[from..]);
    out
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn normalise_ws(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).ok();
    out
}

/// Escapes plain text (a diff's words, not parsed as Markdown) for HTML,
/// turning each `[[ID]]` cross-reference into a link as [`to_html`] does
/// (`<a href="URL">ID</a>`); one that `resolve` cannot place is shown as
/// its bare ID, never as `[[ID]]`.
pub fn escape_with_refs(text: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (id, offset) in cross_references(text) {
        out.push_str(&escape(&text[from..offset]));
        match resolve(id) {
            Some(url) => {
                out.push_str("<a href=\"");
                pulldown_cmark_escape::escape_href(&mut out, &url).ok();
                out.push_str("\">");
                out.push_str(&escape(id));
                out.push_str("</a>");
            }
            None => out.push_str(&escape(id)),
        }
        from = offset + id.len() + 4;
    }
    out.push_str(&escape(&text[from..]));
    out
}

/// Every `[[ID]]` cross-reference in `text`: the ID and its byte offset.
pub fn cross_references(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("[[") {
        let s = from + start + 2;
        match text[s..].find("]]") {
            Some(len) if len <= 40 && !text[s..s + len].contains(['\n', '[']) => {
                out.push((&text[s..s + len], s - 2));
                from = s + len + 2;
            }
            _ => from = s,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html("Hello <script>alert(1)</script>\n\n<div onclick=\"x()\">a</div>\n", &none);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_are_neutralised() {
        for url in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:x", "data:text/html,x", "vbscript:x"] {
            let html = to_html(&format!("[a](<{url}>)"), &none);
            assert!(html.contains("href=\"#\""), "{url}: {html}");
        }
        let html = to_html("[a](https://example.org/) [b](../x/#y)", &none);
        assert!(html.contains("href=\"https://example.org/\""));
        assert!(html.contains("href=\"../x/#y\""));
    }

    #[test]
    fn images_become_their_alt_text() {
        let html = to_html("![a map](https://evil.example/x.png)", &none);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("a map"));
    }

    #[test]
    fn escaped_text_links_its_cross_references() {
        let resolve = |id: &str| (id == "1.2.3").then(|| "m.html#req-1.2.3".to_owned());
        assert_eq!(
            escape_with_refs("See <[[1.2.3]]> & [[9.9.9]].", &resolve),
            "See &lt;<a href=\"m.html#req-1.2.3\">1.2.3</a>&gt; &amp; 9.9.9."
        );
        // The same link markup as a rendered chapter.
        assert!(to_html("See [[1.2.3]].", &resolve).contains("<a href=\"m.html#req-1.2.3\">1.2.3</a>"));
    }

    #[test]
    fn cross_references_resolve_to_links() {
        let resolve = |id: &str| (id == "3.1.2").then(|| "../module-3/#req-3.1.2".to_owned());
        let html = to_html("See [[3.1.2]] and [[9.9.9]], not `[[3.1.2]]`.", &resolve);
        assert!(html.contains("<a href=\"../module-3/#req-3.1.2\">3.1.2</a>"), "{html}");
        assert!(html.contains("[[9.9.9]]"), "{html}");
        assert!(html.contains("<code>[[3.1.2]]</code>"), "{html}");
    }
}
