//! Interface strings that a translation lacks are shown in the source
//! language; a page must say so, or a screen reader reads the English with
//! the voice of the page's language.
//!
//! Before a translation's strings are laid over the English ones, every
//! English string is wrapped in two private-use characters ([`START`],
//! [`END`]); the strings the translation has replace theirs, so only the
//! fallbacks keep the marks. Once a page is rendered, [`resolve`] turns each
//! marked run in text into `<span lang="en" dir="ltr">…</span>`, and drops
//! the marks where an element cannot hold one: inside a tag (attribute
//! values), and in `title`, `option`, `textarea`, `script` and `style`.
//! [`strip`] drops them from text that is not HTML (the feed).

use std::borrow::Cow;

use serde_json::Value;

/// Marks the start of a string shown in the source language.
pub const START: char = '\u{E000}';
/// Marks its end.
pub const END: char = '\u{E001}';

/// Elements whose content is text that cannot hold a `span`.
const NO_SPAN: [&str; 5] = ["title", "option", "textarea", "script", "style"];

/// Wraps every string in `strings` (a tree of tables) in the marks.
pub fn mark(strings: &mut Value) {
    match strings {
        Value::String(s) => *s = format!("{START}{s}{END}"),
        Value::Object(map) => map.values_mut().for_each(mark),
        Value::Array(items) => items.iter_mut().for_each(mark),
        _ => {}
    }
}

/// Whether any string in `strings` is marked.
pub fn any_marked(strings: &Value) -> bool {
    match strings {
        Value::String(s) => s.contains(START),
        Value::Object(map) => map.values().any(any_marked),
        Value::Array(items) => items.iter().any(any_marked),
        _ => false,
    }
}

/// `text` without the marks.
pub fn strip(text: &str) -> Cow<'_, str> {
    if text.contains([START, END]) { Cow::Owned(text.replace([START, END], "")) } else { Cow::Borrowed(text) }
}

/// A rendered HTML page with its marked runs resolved (see the module
/// docs): a `span` with `lang` (and `dir="ltr"`: the source language's
/// direction on a right-to-left page) in text, nothing elsewhere.
pub fn resolve(html: &str, lang: &str) -> String {
    if !html.contains([START, END]) {
        return html.to_owned();
    }
    let open = format!("<span lang=\"{}\" dir=\"ltr\">", crate::markdown::escape(lang));
    let mut out = String::with_capacity(html.len() + 256);
    let mut in_tag = false;
    // The element whose end must come before a span is allowed again.
    let mut no_span_until: Option<String> = None;
    let mut open_spans = 0usize;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        match c {
            '<' if !in_tag => {
                in_tag = true;
                let name: String = rest[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                    .collect::<String>()
                    .to_ascii_lowercase();
                match &no_span_until {
                    Some(end) if name == *end => no_span_until = None,
                    Some(_) => {}
                    None if NO_SPAN.contains(&name.as_str()) => no_span_until = Some(format!("/{name}")),
                    None => {}
                }
                out.push(c);
            }
            '>' if in_tag => {
                in_tag = false;
                out.push(c);
            }
            START if !in_tag && no_span_until.is_none() => {
                out.push_str(&open);
                open_spans += 1;
            }
            END if !in_tag && no_span_until.is_none() && open_spans > 0 => {
                out.push_str("</span>");
                open_spans -= 1;
            }
            START | END => {}
            c => out.push(c),
        }
        rest = &rest[len..];
    }
    // A run that began where a span was allowed and ended where it was not.
    for _ in 0..open_spans {
        out.push_str("</span>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_become_spans_in_text_and_vanish_elsewhere() {
        let m = |s: &str| format!("{START}{s}{END}");
        let html = format!(
            "<title>{} | X</title><p title=\"{}\">{} <b>{}</b></p><select><option>{}</option></select><script>var a = \"{}\";</script>",
            m("Search"),
            m("Tip"),
            m("Contents"),
            m("Note"),
            m("All"),
            m("x")
        );
        assert_eq!(
            resolve(&html, "en"),
            "<title>Search | X</title><p title=\"Tip\"><span lang=\"en\" dir=\"ltr\">Contents</span> <b><span lang=\"en\" dir=\"ltr\">Note</span></b></p><select><option>All</option></select><script>var a = \"x\";</script>"
        );
        assert_eq!(resolve("<p>plain</p>", "en"), "<p>plain</p>");
        assert_eq!(strip(&m("Feed")), "Feed");
    }

    #[test]
    fn marking_reaches_every_string() {
        let mut v = serde_json::json!({ "ui": { "a": "A", "b": ["B"] }, "n": 1 });
        mark(&mut v);
        assert_eq!(v["ui"]["a"], format!("{START}A{END}"));
        assert_eq!(v["ui"]["b"][0], format!("{START}B{END}"));
        assert!(any_marked(&v));
        assert!(!any_marked(&serde_json::json!({ "ui": { "a": "A" } })));
    }
}
