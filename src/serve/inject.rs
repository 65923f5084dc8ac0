//! What `serve` adds to HTML responses, and only there: the reload script,
//! the overlay's style, and, while the sources have errors, the overlay
//! itself, rendered on the server so that it shows even before the script
//! runs (and with JavaScript off).

use crate::diagnostics::{Diagnostic, Severity};

/// The URL of the reload script.
pub const SCRIPT_URL: &str = "/__craftpub/reload.js";

/// The URL of the event stream.
pub const EVENTS_URL: &str = "/__craftpub/events";

/// The reload script.
pub const SCRIPT: &str = include_str!("reload.js");

/// The URL of the shared worker that holds the one event stream of all tabs.
pub const WORKER_URL: &str = "/__craftpub/worker.js";

/// The shared worker's script.
pub const WORKER: &str = include_str!("worker.js");

/// The overlay's style, scoped to its element.
const STYLE: &str = "<style>\
#craftpub-overlay{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.72);overflow:auto;padding:1rem;font:15px/1.45 system-ui,sans-serif}\
#craftpub-overlay .craftpub-box{max-width:60rem;margin:2rem auto;background:#fff;color:#1a1a1a;border-top:6px solid #b00020;padding:1rem 1.25rem;box-shadow:0 4px 24px rgba(0,0,0,.4)}\
#craftpub-overlay ol{padding-left:1.5rem}\
#craftpub-overlay li{margin:.75rem 0}\
#craftpub-overlay code{font:600 14px/1.4 ui-monospace,monospace;overflow-wrap:anywhere}\
#craftpub-overlay p{margin:.25rem 0}\
#craftpub-overlay .craftpub-sev{font-weight:700;text-transform:uppercase;font-size:12px;color:#b00020}\
#craftpub-overlay li.warning .craftpub-sev{color:#8a5a00}\
#craftpub-overlay .craftpub-fix{color:#0b5d1e}\
#craftpub-overlay .craftpub-hint{color:#555;font-size:13px}\
</style>";

/// Escapes text for HTML content and quoted attributes.
pub fn escape(text: &str) -> String {
    crate::render::escape_html(text)
}

/// The overlay listing `problems`, as the script would build it.
pub fn overlay(problems: &[Diagnostic]) -> String {
    let errors = problems.iter().filter(|d| d.severity == Severity::Error).count();
    let mut out = format!(
        "<div id=\"craftpub-overlay\" role=\"alertdialog\" aria-labelledby=\"craftpub-overlay-title\" lang=\"en\" dir=\"ltr\"><div class=\"craftpub-box\"><p class=\"craftpub-title\" id=\"craftpub-overlay-title\"><strong>craftpub serve</strong>: the sources have {errors} error(s). This page shows the last good build until they are fixed.</p><ol>"
    );
    for d in problems {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let at = if d.line > 0 { format!("{}:{}", d.file.display(), d.line) } else { d.file.display().to_string() };
        out.push_str(&format!(
            "<li class=\"{sev}\"><span class=\"craftpub-sev\">{sev}</span> <code class=\"craftpub-at\">{}</code><p class=\"craftpub-msg\">{}</p>",
            escape(&at),
            escape(&d.message)
        ));
        if !d.fix.is_empty() {
            out.push_str(&format!("<p class=\"craftpub-fix\">fix: {}</p>", escape(&d.fix)));
        }
        out.push_str("</li>");
    }
    out.push_str(
        "</ol><p class=\"craftpub-hint\">Fix the file and save it: this page reloads by itself.</p></div></div>",
    );
    out
}

/// What is added to one HTML page.
pub struct Injection<'a> {
    /// The build the page belongs to.
    pub build: &'a str,
    /// Whether the page is the 404 page standing in for a missing one.
    pub missing: bool,
    /// The problems to show over the page, if the last rebuild failed.
    pub problems: Option<&'a [Diagnostic]>,
}

impl Injection<'_> {
    /// The markup to add before `</body>`.
    pub fn snippet(&self) -> String {
        let mut out = String::from(STYLE);
        if let Some(problems) = self.problems {
            out.push_str(&overlay(problems));
        }
        out.push_str(&format!(
            "<script src=\"{SCRIPT_URL}\" data-build=\"{}\"{}></script>",
            escape(self.build),
            if self.missing { " data-missing" } else { "" }
        ));
        out
    }

    /// `html` with the snippet inserted before its last `</body>` (or
    /// appended when there is none).
    pub fn apply(&self, html: &[u8]) -> Vec<u8> {
        let snippet = self.snippet();
        let at = rfind_ci(html, b"</body>").unwrap_or(html.len());
        let mut out = Vec::with_capacity(html.len() + snippet.len());
        out.extend_from_slice(&html[..at]);
        out.extend_from_slice(snippet.as_bytes());
        out.extend_from_slice(&html[at..]);
        out
    }
}

/// The last position of `needle` in `hay`, ignoring ASCII case.
fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).rev().find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The page served while no build has succeeded yet.
pub fn waiting_page() -> &'static [u8] {
    b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>craftpub serve: waiting for a good build</title></head><body><h1>craftpub serve</h1><p>The sources have errors, so there is no site to show yet. Fix them and save: this page reloads by itself.</p></body></html>\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn snippet_goes_before_the_last_body_end() {
        let inj = Injection { build: "1-1", missing: false, problems: None };
        let out = String::from_utf8(inj.apply(b"<p>a</BODY> x </body></html>")).unwrap();
        assert!(out.starts_with("<p>a</BODY> x <style>"), "{out}");
        assert!(out.ends_with("data-build=\"1-1\"></script></body></html>"), "{out}");
        assert!(!out.contains("craftpub-overlay\""));
        let out = String::from_utf8(inj.apply(b"no body")).unwrap();
        assert!(out.starts_with("no body<style>"));
    }

    #[test]
    fn overlay_escapes_what_it_shows() {
        let d = Diagnostic {
            severity: Severity::Error,
            file: PathBuf::from("standard/2.0/<m>.md"),
            line: 3,
            message: "unknown value \"<script>\"".into(),
            fix: "use one of a & b".into(),
        };
        let html = overlay(std::slice::from_ref(&d));
        assert!(html.contains("standard/2.0/&lt;m&gt;.md:3"));
        assert!(html.contains("unknown value &quot;&lt;script&gt;&quot;"));
        assert!(html.contains("fix: use one of a &amp; b"));
        assert!(!html.contains("<script>"));
    }
}
