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

/// Wraps every string in `strings` (a tree of tables) in the marks.
pub fn mark(strings: &mut Value) {
    match strings {
        // An empty string shows nothing, in no language.
        Value::String(s) if !s.is_empty() => *s = format!("{START}{s}{END}"),
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
/// direction on a right-to-left page) in text, nothing elsewhere. A page
/// without marks is returned as it is, uncopied.
pub fn resolve(html: String, lang: &str) -> String {
    if !html.contains([START, END]) {
        return html;
    }
    let open = format!("<span lang=\"{}\" dir=\"ltr\">", crate::markdown::escape(lang));
    let bytes = html.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(html.len() + 256);
    let mut in_tag = false;
    // Inside an element whose text takes no markup: the name of its end tag.
    let mut no_span_until: Option<&[u8]> = None;
    let mut open_spans = 0usize;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' if !in_tag => {
                in_tag = true;
                let name_len = bytes[i + 1..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'/').count();
                let name = &bytes[i + 1..i + 1 + name_len];
                match no_span_until {
                    Some(end) if name.eq_ignore_ascii_case(end) => no_span_until = None,
                    Some(_) => {}
                    None => {
                        no_span_until = NO_SPAN_END.iter().find(|end| name.eq_ignore_ascii_case(&end[1..])).copied()
                    }
                }
                i += 1;
            }
            b'>' if in_tag => {
                in_tag = false;
                i += 1;
            }
            // Both marks are three bytes in UTF-8 and start with the same one.
            b if b == START_UTF8[0] && (bytes[i..].starts_with(&START_UTF8) || bytes[i..].starts_with(&END_UTF8)) => {
                let is_start = bytes[i..].starts_with(&START_UTF8);
                out.extend_from_slice(&bytes[copied..i]);
                if !in_tag && no_span_until.is_none() {
                    if is_start {
                        out.extend_from_slice(open.as_bytes());
                        open_spans += 1;
                    } else if open_spans > 0 {
                        out.extend_from_slice(b"</span>");
                        open_spans -= 1;
                    }
                }
                i += 3;
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    for _ in 0..open_spans {
        out.extend_from_slice(b"</span>");
    }
    // Only whole marks (three bytes, on character boundaries) were taken out.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The end tags of the elements whose content is text that cannot hold a
/// `span`: `title`, `option`, `textarea`, `script`, `style`.
const NO_SPAN_END: [&[u8]; 5] = [b"/title", b"/option", b"/textarea", b"/script", b"/style"];

/// [`START`] and [`END`] in UTF-8.
const START_UTF8: [u8; 3] = utf8_of(START);
const END_UTF8: [u8; 3] = utf8_of(END);

/// The three bytes of `c` (U+0800 to U+FFFF) in UTF-8.
const fn utf8_of(c: char) -> [u8; 3] {
    let c = c as u32;
    [0xE0 | (c >> 12) as u8, 0x80 | ((c >> 6) & 0x3F) as u8, 0x80 | (c & 0x3F) as u8]
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
            resolve(html, "en"),
            "<title>Search | X</title><p title=\"Tip\"><span lang=\"en\" dir=\"ltr\">Contents</span> <b><span lang=\"en\" dir=\"ltr\">Note</span></b></p><select><option>All</option></select><script>var a = \"x\";</script>"
        );
        assert_eq!(resolve("<p>plain</p>".into(), "en"), "<p>plain</p>");
        // Marks inside a tag vanish; an end mark without a start too; a start left open is closed.
        let tricky = format!("<a title=\"{}\">{END}x {START}é<TITLE>{START}t</Title></a>", m("T"));
        assert_eq!(
            resolve(tricky, "en"),
            "<a title=\"T\">x <span lang=\"en\" dir=\"ltr\">é<TITLE>t</Title></a></span>"
        );
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
