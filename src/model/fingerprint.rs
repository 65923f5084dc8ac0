//! Fingerprints of English source text, recorded by translations.
//!
//! A translation records the fingerprint of the English text it was made
//! from. The fingerprint is taken of the *normalised* text, every run of
//! whitespace made one space, so reflowing lines or re-indenting Markdown
//! does not make a translation outdated; any change of words does.
//! Format: the first 16 hex digits of the SHA-256 of the normalised text.

use sha2::{Digest, Sha256};

use super::{Block, Chapter, Requirement};

/// The length of a fingerprint in hex digits.
pub const LEN: usize = 16;

fn normalise_into(out: &mut String, text: &str) {
    for word in text.split_whitespace() {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('\n');
}

fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    hash.iter().take(LEN / 2).map(|b| format!("{b:02x}")).collect()
}

/// The fingerprint of a requirement's translatable text: title, body, guidance.
pub fn of_requirement(r: &Requirement) -> String {
    of_parts(&r.title, &r.body, r.guidance.as_deref())
}

/// The fingerprint of a title, a body and guidance.
pub fn of_parts(title: &str, body: &str, guidance: Option<&str>) -> String {
    let mut text = String::new();
    normalise_into(&mut text, title);
    normalise_into(&mut text, body);
    normalise_into(&mut text, guidance.unwrap_or(""));
    digest(&text)
}

/// The fingerprint of a chapter's own text: its title, prose and section
/// headings (its requirements have fingerprints of their own).
pub fn of_chapter(c: &Chapter) -> String {
    let mut text = String::new();
    normalise_into(&mut text, &c.title);
    for block in &c.blocks {
        match block {
            Block::Prose { text: t, .. } => normalise_into(&mut text, t),
            Block::Section(s) => normalise_into(&mut text, &s.title),
            Block::Requirement(_) => {}
        }
    }
    digest(&text)
}

/// Whether `s` is a well-formed fingerprint.
pub fn is_valid(s: &str) -> bool {
    s.len() == LEN && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflowing_does_not_change_the_fingerprint() {
        let a = of_parts("Title", "One two\nthree  four.\n", None);
        let b = of_parts("Title", "One two three\n   four.", Some("  \n"));
        assert_eq!(a, b);
        assert!(is_valid(&a));
    }

    #[test]
    fn changing_a_word_changes_it() {
        assert_ne!(of_parts("Title", "One two", None), of_parts("Title", "One too", None));
        assert_ne!(of_parts("Title", "One two", None), of_parts("Title", "One", Some("two")));
    }
}
