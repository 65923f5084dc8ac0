//! The Portuguese stemmer as lunr-languages 1.22.0 has it (`stemmer-pt`).
//!
//! lunr-languages ships an older generation of the Snowball Portuguese
//! stemmer than `rust-stemmers` does. The two agree on every word except
//! those ending in four suffix pairs of the standard-suffix step: where
//! Snowball today lists `-ução`/`-uções` (to `-u`) and `-logia`/`-logias` (to
//! `-log`), lunr-languages lists the Spanish spellings `-ución`/`-uciones`
//! and `-logía`/`-logías`. This module reproduces lunr-languages exactly on
//! top of `rust-stemmers`:
//!
//! - a word ending in a lunr-only suffix whose start lies in R2 is given to
//!   `rust-stemmers` with the modern spelling, which it maps to the same
//!   replacement; outside R2 both stemmers skip the step alike;
//! - a word ending in a modern-only suffix is given with one letter of the
//!   suffix masked, so the step does not apply (as in lunr-languages), and the
//!   letter is put back afterwards.
//!
//! Known differences remain on odd strings that are not Portuguese words:
//! lunr-languages' port deletes a final `-i` after `c` without checking the
//! RV region (`ências` gives `ênc` there, `ênci` here), and reads a
//! written `~` as the prelude's nasal mark. On the 428,000 words of Debian's
//! Portuguese word list the two agree on every word; `tests/search/` checks
//! the fixture vocabulary against the shipped script.

use rust_stemmers::{Algorithm, Stemmer};

/// A private-use character that stands in for a masked letter.
const MASK: char = '\u{F8FF}';

/// Snowball's Portuguese vowels.
fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'á' | 'é' | 'í' | 'ó' | 'ú' | 'â' | 'ê' | 'ô')
}

/// The start of R2 in the word as the stemmer sees it (after its prelude,
/// which writes `ã` and `õ` as `a~` and `o~`), in characters.
fn r2_start(word: &[char]) -> usize {
    let mut i = 0;
    for _ in 0..2 {
        while i < word.len() && !is_vowel(word[i]) {
            i += 1;
        }
        while i < word.len() && is_vowel(word[i]) {
            i += 1;
        }
        if i >= word.len() {
            return word.len();
        }
        i += 1;
    }
    i
}

fn prelude(word: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'ã' => out.extend(['a', '~']),
            'õ' => out.extend(['o', '~']),
            c => out.push(c),
        }
    }
    out
}

/// Stems one token as lunr-languages' `stemmer-pt` does.
pub fn stem(stemmer: &Stemmer, word: &str) -> String {
    // lunr-only suffixes, and the modern spelling that has the same effect.
    const LUNR_ONLY: [(&str, &str); 4] =
        [("uciones", "uções"), ("ución", "ução"), ("logías", "logias"), ("logía", "logia")];
    for (old, modern) in LUNR_ONLY {
        if let Some(stem) = word.strip_suffix(old) {
            let prepared = prelude(word);
            let suffix_start = prepared.len() - old.chars().count();
            if r2_start(&prepared) <= suffix_start {
                return stemmer.stem(&format!("{stem}{modern}")).into_owned();
            }
            return stemmer.stem(word).into_owned();
        }
    }
    // Modern-only suffixes, with the letter to mask (counted from the end).
    const MODERN_ONLY: [(&str, usize); 4] = [("uções", 4), ("ução", 3), ("logias", 6), ("logia", 5)];
    for (suffix, from_end) in MODERN_ONLY {
        if word.ends_with(suffix) && !word.contains(MASK) {
            let mut chars: Vec<char> = word.chars().collect();
            let at = chars.len() - from_end;
            let letter = chars[at];
            chars[at] = MASK;
            let masked: String = chars.into_iter().collect();
            return stemmer.stem(&masked).replace(MASK, letter.encode_utf8(&mut [0; 4]));
        }
    }
    stemmer.stem(word).into_owned()
}

/// A Portuguese stemmer.
pub fn stemmer() -> Stemmer {
    Stemmer::create(Algorithm::Portuguese)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_lunr_languages_on_the_differing_suffixes() {
        let s = stemmer();
        for (word, expected) in [
            ("produção", "produçã"),
            ("produções", "produçõ"),
            ("evoluciones", "evolu"),
            ("mercúrio", "mercúri"),
            ("trabalho", "trabalh"),
            ("infantil", "infantil"),
        ] {
            assert_eq!(stem(&s, word), expected, "{word}");
        }
    }
}
