//! Public consultation on a draft: where comments go, and whether comments
//! are still taken.
//!
//! A draft's `version.toml` may hold a `[consultation]` table with the last
//! day comments are taken (`closes`) and a URL template (`comments`) with
//! `{id}`, `{version}` and `{title}` placeholders, e.g. an issue form or a
//! `mailto:` address. While the consultation runs (until `closes`, inclusive,
//! by the UTC date of the build) every requirement of the draft links to the
//! template filled in for it. The template must pass the same safe-link rule
//! as links in Markdown ([`crate::markdown::is_safe_url`]); the values are
//! percent-encoded, so a title cannot change the link's scheme, host or
//! query structure, and the page escapes the result as any attribute.

use crate::model::{Consultation, Status, Version};

/// The placeholders a comment URL template may use.
pub const PLACEHOLDERS: [&str; 3] = ["id", "version", "title"];

/// What is wrong with a comment URL template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The scheme is not one a link may have.
    #[error("consultation comments \"{0}\" is not a safe link (only http, https and mailto are allowed)")]
    UnsafeScheme(String),
    /// A `{...}` that is not one of the placeholders, or a brace left open.
    #[error("consultation comments uses an unknown placeholder \"{0}\"")]
    UnknownPlaceholder(String),
    /// The template does not name the requirement.
    #[error("consultation comments has no {{id}} placeholder, so a comment would not say which requirement it is on")]
    NoId,
}

impl TemplateError {
    /// How to correct the template.
    pub fn fix(&self) -> String {
        match self {
            TemplateError::UnsafeScheme(_) => {
                "give an https:// address (e.g. an issue form) or a mailto: address".to_owned()
            }
            TemplateError::UnknownPlaceholder(_) => {
                "use only {id}, {version} and {title}; write other braces as %7B and %7D".to_owned()
            }
            TemplateError::NoId => "add {id}, e.g. ...?title=Comment%20on%20{id}".to_owned(),
        }
    }
}

/// The placeholders of `template`, in order, or the first malformed one.
fn placeholders(template: &str) -> Result<Vec<&str>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(TemplateError::UnknownPlaceholder("}".into()));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(TemplateError::UnknownPlaceholder(rest[open..].chars().take(20).collect()));
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(TemplateError::UnknownPlaceholder(format!("{{{name}}}")));
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// Checks a comment URL template (see the module documentation).
pub fn validate_template(template: &str) -> Result<(), TemplateError> {
    if !crate::markdown::is_safe_url(template) || template.trim().is_empty() {
        return Err(TemplateError::UnsafeScheme(template.to_owned()));
    }
    let names = placeholders(template)?;
    if !names.contains(&"id") {
        return Err(TemplateError::NoId);
    }
    Ok(())
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The template filled in for one requirement; `None` when the template is
/// invalid or the result is not a safe link.
pub fn fill(template: &str, id: &str, version: &str, title: &str) -> Option<String> {
    validate_template(template).ok()?;
    let mut out = String::with_capacity(template.len() + title.len() * 3);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        out.push_str(&percent_encode(match &after[..close] {
            "id" => id,
            "version" => version,
            _ => title,
        }));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    crate::markdown::is_safe_url(&out).then_some(out)
}

/// Whether comments are taken on `today` (YYYY-MM-DD): until the closing day, inclusive.
pub fn is_open(c: &Consultation, today: &str) -> bool {
    today <= c.closes.as_str()
}

/// The consultation of `version` when it is a draft whose consultation is open on `today`.
pub fn running<'v>(version: &'v Version, today: &str) -> Option<&'v Consultation> {
    version.consultation.as_ref().filter(|c| version.status == Status::Draft && is_open(c, today))
}

/// What a draft's home says about its consultation: until when comments
/// are (or were) taken, and where its changes since the previous version
/// are (`diff_page` gives the diff page from a version, when published).
pub fn home_view(
    version: &Version,
    today: &str,
    diff_page: &dyn Fn(&str) -> Option<String>,
) -> Option<serde_json::Value> {
    let c = version.consultation.as_ref().filter(|_| version.status == Status::Draft)?;
    let previous = version.previous.as_deref();
    Some(serde_json::json!({
        "open": is_open(c, today),
        "closes": c.closes,
        "previous": previous,
        "diff_href": previous.and_then(diff_page),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_percent_encoded() {
        let t = "https://example.org/issues/new?title=Comment%20on%20{id}&body={title}&labels=v{version}";
        let url = fill(t, "3.1.2", "2.2", "Pay taxes & fees \"now\" <b>").unwrap();
        assert_eq!(
            url,
            "https://example.org/issues/new?title=Comment%20on%203.1.2&body=Pay%20taxes%20%26%20fees%20%22now%22%20%3Cb%3E&labels=v2.2"
        );
    }

    #[test]
    fn a_title_cannot_change_the_scheme_or_the_host() {
        let url = fill("{title}?r={id}", "1.1.1", "2.2", "javascript:alert(1)//").unwrap();
        assert_eq!(url, "javascript%3Aalert%281%29%2F%2F?r=1.1.1");
        assert!(crate::markdown::is_safe_url(&url));
        let url = fill("mailto:consult@example.org?subject={id}%20{title}", "1.1.1", "2.2", "a?b=c#d").unwrap();
        assert_eq!(url, "mailto:consult@example.org?subject=1.1.1%20a%3Fb%3Dc%23d");
    }

    #[test]
    fn unsafe_or_malformed_templates_are_refused() {
        for t in ["javascript:alert('{id}')", "JavaScript:x{id}", "data:text/html,{id}", " vbscript:{id}", ""] {
            assert!(matches!(validate_template(t), Err(TemplateError::UnsafeScheme(_))), "{t}");
            assert_eq!(fill(t, "1", "2", "3"), None);
        }
        assert_eq!(
            validate_template("https://x.org/{id}/{who}"),
            Err(TemplateError::UnknownPlaceholder("{who}".into()))
        );
        assert!(matches!(validate_template("https://x.org/{id"), Err(TemplateError::UnknownPlaceholder(_))));
        assert!(matches!(validate_template("https://x.org/}{id}"), Err(TemplateError::UnknownPlaceholder(_))));
        assert_eq!(validate_template("https://x.org/{title}"), Err(TemplateError::NoId));
        assert_eq!(validate_template("mailto:a@b.org?subject={id}"), Ok(()));
    }

    #[test]
    fn open_until_the_closing_day_inclusive() {
        let c = Consultation { closes: "2026-03-31".into(), comments: "https://x.org/{id}".into() };
        assert!(is_open(&c, "2026-03-30"));
        assert!(is_open(&c, "2026-03-31"));
        assert!(!is_open(&c, "2026-04-01"));
    }
}
