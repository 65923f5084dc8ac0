//! The Atom feed of each language (`<lang>/feed.xml`, RFC 4287): one entry
//! per release, one per draft opened for comment, and one per amendment
//! entry, newest first.
//!
//! A draft is announced as a draft, dated the day it was opened (its `date`
//! while it is a draft, its `draft_date` once released); its release is an
//! entry of its own, dated the release day, so a feed reader sees both.
//!
//! Entry IDs are `urn:uuid:` names derived from the standard's title, the
//! language and the version or amendment, so they stay the same when the
//! site moves. Links, `rel="self"` among them, are absolute when the site has a
//! base URL, and relative to the feed otherwise (feed readers resolve them against the
//! feed's address). Amendment entries are in the source language and say so
//! with `xml:lang`.

use sha2::{Digest, Sha256};

use super::{LangContext, SiteFiles};
use crate::markdown;
use crate::model::{Status, Version};
use crate::urls;

/// XML text: escaped, without the control characters XML 1.0 forbids.
fn xml(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect();
    markdown::escape(&clean)
}

/// A name-based UUID URN (the first 128 bits of SHA-256, marked as RFC 9562
/// version 8).
pub fn urn(name: &str) -> String {
    let hash = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// An RFC 3339 timestamp of a release date (YYYY-MM-DD), at midnight UTC.
fn timestamp(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// The `scheme` of the category that names a version entry's version (its
/// `term`), so a program reads the version without parsing the title.
pub const VERSION_SCHEME: &str = "urn:craftpub:version";

/// Renders the feed of `lc`'s language.
pub(super) fn render(lc: &LangContext, files: &mut SiteFiles) {
    let project = lc.project;
    let code = lc.code();
    let source = project.standard.source_language.as_str();
    let t = &lc.strings;
    let ui = |k: &str| crate::localize::fallback::strip(t["ui"][k].as_str().unwrap_or(k)).into_owned();
    let feed = urls::feed(code);
    let link = |target: &str| {
        super::meta::absolute(project, target).unwrap_or_else(|| format!("{}{target}", urls::to_root(&feed)))
    };
    let title = &project.standard.title;
    let name =
        |parts: &[&str]| urn(&[title.as_str(), code].iter().chain(parts).copied().collect::<Vec<_>>().join("\0"));

    // Each version's announcements: (date, kind, version); a draft's release is its own entry.
    let mut announcements: Vec<(&str, &str, &Version)> = Vec::new();
    for v in &project.versions {
        match (v.status, v.draft_date.as_deref()) {
            (Status::Draft, _) => announcements.push((&v.date, "draft", v)),
            (_, Some(opened)) => {
                announcements.push((opened, "draft", v));
                announcements.push((&v.date, "version", v));
            }
            (_, None) => announcements.push((&v.date, "version", v)),
        }
    }
    announcements.sort_by(|a, b| b.0.cmp(a.0).then_with(|| b.2.id.cmp(&a.2.id)).then_with(|| b.1.cmp(a.1)));
    let updated = announcements.first().map(|(d, _, _)| timestamp(d)).unwrap_or_else(|| timestamp("1970-01-01"));

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n", xml(code)));
    out.push_str(&format!("<id>{}</id>\n", name(&["feed"])));
    out.push_str(&format!("<title>{}: {}</title>\n", xml(title), xml(&ui("feed_title"))));
    out.push_str(&format!("<subtitle>{}</subtitle>\n", xml(&project.standard.full_title)));
    out.push_str(&format!("<updated>{updated}</updated>\n"));
    out.push_str(&format!("<author><name>{}</name></author>\n", xml(&project.standard.publisher)));
    out.push_str(&format!("<rights>{}</rights>\n", xml(&project.standard.license)));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&link(&urls::edition_home(code, project.latest().map_or("latest", |v| v.id.as_str()))))
    ));
    // The feed's own address (RFC 4287, 4.2.7.2): absolute with a base URL,
    // else relative to the feed itself, which resolves to where it was read.
    out.push_str(&format!("<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml(&link(&feed))));
    out.push_str("<generator>craftpub</generator>\n");

    for (date, kind, v) in announcements {
        let when = timestamp(date);
        let count = v.requirements().count();
        let is_draft = kind == "draft";
        // The draft's status while it was one; a release's the version's status now.
        let status_key = if is_draft { "draft" } else { v.status.as_str() };
        let status = crate::localize::fallback::strip(t["status"][status_key].as_str().unwrap_or(status_key));
        out.push_str("<entry>\n");
        out.push_str(&format!("<id>{}</id>\n", name(&[kind, &v.id])));
        let suffix = if is_draft { format!(" ({})", ui("feed_draft")) } else { String::new() };
        out.push_str(&format!("<title>{} {}{}</title>\n", xml(title), xml(&v.id), xml(&suffix)));
        out.push_str(&format!("<published>{when}</published>\n<updated>{when}</updated>\n"));
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&link(&urls::edition_home(code, &v.id)))
        ));
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"application/json\" href=\"{}\"/>\n",
            xml(&link(&urls::edition_json(code, &v.id)))
        ));
        // `version` for a release, `draft` for a draft opened for comment.
        out.push_str(&format!("<category term=\"{kind}\"/>\n"));
        out.push_str(&format!("<category scheme=\"{VERSION_SCHEME}\" term=\"{}\"/>\n", xml(&v.id)));
        let what = if is_draft { ui("draft_opened") } else { ui("released") };
        out.push_str(&format!(
            "<summary>{} {} · {} · {count} {}</summary>\n",
            xml(&what),
            xml(date),
            xml(&status),
            xml(&ui("requirements_count"))
        ));
        out.push_str("</entry>\n");
        if kind == "draft" && v.status != Status::Draft {
            continue; // A released version's amendment entries come with its release.
        }
        let when = timestamp(&v.date);
        for a in &v.amendments {
            let href = format!("{}#{}", link(&urls::amendments(code, &v.id)), urls::amendment_anchor(&a.id));
            let mut content = markdown::to_html(&a.rationale, &|_| None);
            let lists: [(&str, Vec<String>); 4] = [
                ("change_added", a.added.clone()),
                ("change_modified", a.modified.clone()),
                ("change_renumbered", a.renumbered.iter().map(|r| format!("{} → {}", r.from, r.to)).collect()),
                ("change_removed", a.removed.clone()),
            ];
            for (key, ids) in lists.iter().filter(|(_, ids)| !ids.is_empty()) {
                content.push_str(&format!(
                    "<p>{}: {}</p>\n",
                    markdown::escape(&ui(key)),
                    markdown::escape(&ids.join(", "))
                ));
            }
            let lang = if code == source { String::new() } else { format!(" xml:lang=\"{}\"", xml(source)) };
            out.push_str(&format!("<entry{lang}>\n"));
            out.push_str(&format!("<id>{}</id>\n", name(&["amendment", &v.id, &a.id])));
            out.push_str(&format!("<title>{}</title>\n", xml(&a.title)));
            out.push_str(&format!("<updated>{when}</updated>\n"));
            out.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&href)));
            out.push_str(&format!(
                "<category term=\"amendment\" label=\"{} {}\"/>\n",
                xml(&ui("amendments")),
                xml(&v.id)
            ));
            out.push_str(&format!("<content type=\"html\">{}</content>\n", xml(&content)));
            out.push_str("</entry>\n");
        }
    }
    out.push_str("</feed>\n");
    files.insert(feed, out.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urns_are_stable_uuids() {
        let u = urn("CRAFT Code\0en\0version\u{0}2.1");
        assert_eq!(u, urn("CRAFT Code\0en\0version\u{0}2.1"));
        assert_ne!(u, urn("CRAFT Code\0es\0version\u{0}2.1"));
        let hex = u.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(hex.len(), 36);
        assert_eq!(&hex[14..15], "8");
        assert!(matches!(&hex[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn xml_text_drops_control_characters() {
        assert_eq!(xml("a\u{1}<b>&\n"), "a&lt;b&gt;&amp;\n");
    }
}
