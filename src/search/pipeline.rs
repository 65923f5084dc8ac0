//! Text processing exactly as lunr and lunr-languages do it in the browser:
//! the tokenizer, then per language a trimmer, an elision strip (French,
//! Portuguese), a stop-word filter, an accent fold and a stemmer.
//!
//! Three pipeline functions are craftpub's own, registered by `search.js`
//! (and so by the page and by the lunr.js side of the equivalence test):
//! `trimmer-craftpub` (see [`UNICODE_TRIMMER`]), `elision-craftpub` (drops
//! an elided article or pronoun and its apostrophe from the start of a
//! token: `l'eau` is `eau`) and `fold-craftpub` (the token without its
//! accents, `ñ` and `ç` too, before the stemmer: phones often type without
//! them; lunr-languages' French folds the same way). The tokenizer splits at the Ethiopic wordspace `፡` (U+1361) as at
//! a space (`search.js` sets `lunr.tokenizer.separator` to the same rule).

use std::collections::HashSet;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::{porter, portuguese, stopwords};

/// Which lunr pipeline an edition's index uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SearchLanguage {
    /// lunr's own pipeline: `trimmer`, `stopWordFilter`, `stemmer` (Porter).
    English,
    /// lunr-languages' Spanish, with `fold-craftpub` before the stemmer, so
    /// that `minería` and `mineria`, `niños` and `ninos` meet.
    Spanish,
    /// lunr-languages' French (which folds accents before stemming), with
    /// `elision-craftpub` after the trimmer.
    French,
    /// lunr-languages' Portuguese, with `elision-craftpub` after the
    /// trimmer and `fold-craftpub` before the stemmer.
    Portuguese,
    /// Any other language: lunr's tokenizer and lower-casing, and a trimmer
    /// that keeps letters and digits of every script (`trimmer-craftpub`,
    /// registered by `search.js`); no stop words, no stemming.
    Unstemmed,
}

impl SearchLanguage {
    /// The pipeline for a language code: `en`, `es`, `fr`, `pt` (a region
    /// subtag such as `pt-BR` is ignored); anything else is [`Unstemmed`](Self::Unstemmed).
    pub fn from_code(code: &str) -> SearchLanguage {
        let primary = code.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => SearchLanguage::English,
            "es" => SearchLanguage::Spanish,
            "fr" => SearchLanguage::French,
            "pt" => SearchLanguage::Portuguese,
            _ => SearchLanguage::Unstemmed,
        }
    }

    /// The code `search.js` knows the pipeline by: `en`, `es`, `fr`, `pt` or `none`.
    pub fn code(self) -> &'static str {
        match self {
            SearchLanguage::English => "en",
            SearchLanguage::Spanish => "es",
            SearchLanguage::French => "fr",
            SearchLanguage::Portuguese => "pt",
            SearchLanguage::Unstemmed => "none",
        }
    }

    /// The labels of the search pipeline that the serialised index names, in
    /// order; `lunr.Index.load` looks each up among the registered functions.
    pub fn search_pipeline(self) -> &'static [&'static str] {
        match self {
            SearchLanguage::English => &["stemmer"],
            SearchLanguage::Spanish => &["trimmer-es", FOLD, "stemmer-es"],
            SearchLanguage::French => &["trimmer-fr", ELISION, "accentFold-fr", "stemmer-fr"],
            SearchLanguage::Portuguese => &["trimmer-pt", ELISION, FOLD, "stemmer-pt"],
            SearchLanguage::Unstemmed => &[UNICODE_TRIMMER],
        }
    }

    fn steps(self) -> &'static [Step] {
        match self {
            SearchLanguage::English => &[Step::LunrTrimmer, Step::StopWords, Step::Porter],
            SearchLanguage::Spanish => &[Step::LatinTrimmer, Step::StopWords, Step::Fold, Step::Snowball],
            SearchLanguage::French => {
                &[Step::LatinTrimmer, Step::Elision, Step::StopWords, Step::FoldFrench, Step::Snowball]
            }
            SearchLanguage::Portuguese => {
                &[Step::LatinTrimmer, Step::Elision, Step::StopWords, Step::Fold, Step::Portuguese]
            }
            SearchLanguage::Unstemmed => &[Step::UnicodeTrimmer],
        }
    }

    fn stop_words(self) -> &'static HashSet<&'static str> {
        static SETS: [OnceLock<HashSet<&'static str>>; 4] = [const { OnceLock::new() }; 4];
        let (slot, list) = match self {
            SearchLanguage::English => (0, stopwords::ENGLISH),
            SearchLanguage::Spanish => (1, stopwords::SPANISH),
            SearchLanguage::French => (2, stopwords::FRENCH),
            SearchLanguage::Portuguese => (3, stopwords::PORTUGUESE),
            SearchLanguage::Unstemmed => {
                static EMPTY: OnceLock<HashSet<&'static str>> = OnceLock::new();
                return EMPTY.get_or_init(HashSet::new);
            }
        };
        SETS[slot].get_or_init(|| list.iter().copied().collect())
    }
}

/// The label under which `search.js` registers the Unicode trimmer.
pub const UNICODE_TRIMMER: &str = "trimmer-craftpub";
/// The label of the elision strip (French, Portuguese).
pub const ELISION: &str = "elision-craftpub";
/// The label of the accent fold that keeps both spellings.
pub const FOLD: &str = "fold-craftpub";

#[derive(Debug, Clone, Copy)]
enum Step {
    LunrTrimmer,
    LatinTrimmer,
    UnicodeTrimmer,
    StopWords,
    Elision,
    Fold,
    FoldFrench,
    Porter,
    Snowball,
    Portuguese,
}

/// JavaScript's `\s`: WhiteSpace and LineTerminator of ECMAScript.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// lunr's tokenizer as `search.js` sets it: lower-cases the text, then
/// splits it on runs of whitespace, hyphens and the Ethiopic wordspace
/// (`/[\s\-\u1361]+/`). `3.1.2` stays one token.
pub fn tokenize(text: &str) -> Vec<String> {
    split_tokens(&text.to_lowercase()).map(str::to_owned).collect()
}

/// The tokens of text that is already lower-cased (see [`tokenize`]).
pub(super) fn split_tokens(lowered: &str) -> impl Iterator<Item = &str> {
    lowered.split(|c| is_js_space(c) || c == '-' || c == ETHIOPIC_WORDSPACE).filter(|t| !t.is_empty())
}

/// The Ethiopic wordspace `፡`, which separates words in Amharic text.
const ETHIOPIC_WORDSPACE: char = '\u{1361}';

/// `\w` of JavaScript without the `u` flag.
fn is_ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The word characters of lunr-languages' Latin-script trimmers (identical
/// for `es`, `fr` and `pt`), plus the ASCII digits its trimmer adds.
fn is_latin_word(c: char) -> bool {
    const RANGES: &[(u32, u32)] = &[
        (0x30, 0x39),
        (0x41, 0x5A),
        (0x61, 0x7A),
        (0xAA, 0xAA),
        (0xBA, 0xBA),
        (0xC0, 0xD6),
        (0xD8, 0xF6),
        (0xF8, 0x2B8),
        (0x2E0, 0x2E4),
        (0x1D00, 0x1D25),
        (0x1D2C, 0x1D5C),
        (0x1D62, 0x1D65),
        (0x1D6B, 0x1D77),
        (0x1D79, 0x1DBE),
        (0x1E00, 0x1EFF),
        (0x2071, 0x2071),
        (0x207F, 0x207F),
        (0x2090, 0x209C),
        (0x212A, 0x212B),
        (0x2132, 0x2132),
        (0x214E, 0x214E),
        (0x2160, 0x2188),
        (0x2C60, 0x2C7F),
        (0xA722, 0xA787),
        (0xA78B, 0xA7AD),
        (0xA7B0, 0xA7B7),
        (0xA7F7, 0xA7FF),
        (0xAB30, 0xAB5A),
        (0xAB5C, 0xAB64),
        (0xFB00, 0xFB06),
        (0xFF21, 0xFF3A),
        (0xFF41, 0xFF5A),
    ];
    let c = c as u32;
    RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// The word characters of `trimmer-craftpub`: letters and digits of every
/// script, as `/[\p{Alphabetic}\p{N}_]/u` in the page.
pub fn is_unicode_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn trim(token: &str, is_word: fn(char) -> bool) -> String {
    token.trim_start_matches(|c| !is_word(c)).trim_end_matches(|c| !is_word(c)).to_owned()
}

/// A lower-case Latin letter without its accent (`search.js` has the same table).
pub fn unaccent(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

/// `fold-craftpub`: the token without accents (before the stemmer, at
/// index and query time alike, as lunr-languages' French folds).
fn fold(token: &str) -> String {
    token.chars().map(unaccent).collect()
}

/// `elision-craftpub`: the token without a leading elided word and its
/// apostrophe (`l'`, `d'`, `qu'`, `jusqu'`, ... with `'` or `’`); a token
/// that is nothing else is kept.
fn elide(token: String) -> String {
    const ELIDED: [&str; 13] = ["c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"];
    if let Some(at) = token.find(['\'', '\u{2019}']) {
        let (head, rest) = token.split_at(at);
        let rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
        if !rest.is_empty() && ELIDED.contains(&head) {
            return rest.to_owned();
        }
    }
    token
}

/// `accentFold-fr`: replaces the token by its folded form.
fn fold_french(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    for c in token.chars() {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => out.push('a'),
            'ç' | 'Ç' => out.push('c'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => out.push('e'),
            'î' | 'ï' | 'Î' | 'Ï' => out.push('i'),
            'ô' | 'ö' | 'Ô' | 'Ö' => out.push('o'),
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => out.push('u'),
            'Ÿ' | 'ÿ' => out.push('y'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            c => out.push(c),
        }
    }
    out
}

/// The private-use characters that stand for UTF-16 surrogates (high, then low).
const HIGH_STAND_IN: u32 = 0xE000;
const LOW_STAND_IN: u32 = 0xE400;
const STAND_IN_END: u32 = 0xE7FF;

/// Runs a Snowball stemmer on `token` as the browser's would: JavaScript
/// stemmers count a character beyond U+FFFF as two (surrogate) units, so each
/// such character is given to `stem` as two private-use stand-ins, and put
/// back afterwards.
fn as_utf16(token: &str, stem: impl Fn(&str) -> String) -> String {
    let wide = token.chars().any(|c| c as u32 > 0xFFFF);
    let clash = token.chars().any(|c| (HIGH_STAND_IN..=STAND_IN_END).contains(&(c as u32)));
    if !wide || clash {
        return stem(token);
    }
    let mut units = String::with_capacity(token.len() * 2);
    for c in token.chars() {
        let mut buf = [0u16; 2];
        match c.encode_utf16(&mut buf) {
            [high, low] => {
                let high = HIGH_STAND_IN + u32::from(*high) - 0xD800;
                let low = LOW_STAND_IN + u32::from(*low) - 0xDC00;
                units.extend(char::from_u32(high).into_iter().chain(char::from_u32(low)));
            }
            _ => units.push(c),
        }
    }
    let stemmed: Vec<char> = stem(&units).chars().collect();
    let mut out = String::with_capacity(stemmed.len() * 2);
    let mut i = 0;
    while i < stemmed.len() {
        let c = stemmed[i] as u32;
        let next = stemmed.get(i + 1).map(|&n| n as u32);
        if (HIGH_STAND_IN..LOW_STAND_IN).contains(&c)
            && let Some(low) = next.filter(|n| (LOW_STAND_IN..=STAND_IN_END).contains(n))
        {
            let high = (c - HIGH_STAND_IN) as u16 + 0xD800;
            let low = (low - LOW_STAND_IN) as u16 + 0xDC00;
            out.push_str(&String::from_utf16_lossy(&[high, low]));
            i += 2;
        } else if (HIGH_STAND_IN..=STAND_IN_END).contains(&c) {
            // Half a character: the browser's stemmer cut it too.
            out.push('\u{FFFD}');
            i += 1;
        } else {
            out.push(stemmed[i]);
            i += 1;
        }
    }
    out
}

/// A language's index-time pipeline, ready to run on many tokens.
pub struct Pipeline {
    language: SearchLanguage,
    snowball: Option<Stemmer>,
}

impl Pipeline {
    /// The pipeline lunr runs on documents for `language`.
    pub fn new(language: SearchLanguage) -> Pipeline {
        let snowball = match language {
            SearchLanguage::Spanish => Some(Stemmer::create(Algorithm::Spanish)),
            SearchLanguage::French => Some(Stemmer::create(Algorithm::French)),
            SearchLanguage::Portuguese => Some(portuguese::stemmer()),
            _ => None,
        };
        Pipeline { language, snowball }
    }

    /// Runs the tokens through every step, as `lunr.Pipeline.run` does: a
    /// step may drop a token (stop words) or turn it into two (the accent
    /// fold). A token the trimmer empties is kept as the empty term, as lunr
    /// keeps it.
    pub fn run(&self, tokens: Vec<String>) -> Vec<String> {
        let mut tokens = tokens;
        for step in self.language.steps() {
            let mut next = Vec::with_capacity(tokens.len());
            for token in tokens {
                match step {
                    Step::LunrTrimmer => next.push(trim(&token, is_ascii_word)),
                    Step::LatinTrimmer => next.push(trim(&token, is_latin_word)),
                    Step::UnicodeTrimmer => next.push(trim(&token, is_unicode_word)),
                    Step::StopWords => {
                        if !self.language.stop_words().contains(token.as_str()) {
                            next.push(token);
                        }
                    }
                    Step::Elision => next.push(elide(token)),
                    Step::Fold => next.push(fold(&token)),
                    Step::FoldFrench => next.push(fold_french(&token)),
                    Step::Porter => next.push(porter::stem(&token)),
                    Step::Snowball => match &self.snowball {
                        Some(s) => next.push(as_utf16(&token, |t| s.stem(t).into_owned())),
                        None => next.push(token),
                    },
                    Step::Portuguese => match &self.snowball {
                        Some(s) => next.push(as_utf16(&token, |t| portuguese::stem(s, t))),
                        None => next.push(token),
                    },
                }
            }
            tokens = next;
        }
        tokens
    }

    /// Tokenizes `text` and runs the pipeline: the terms lunr would index.
    pub fn terms(&self, text: &str) -> Vec<String> {
        self.run(tokenize(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: &str, text: &str) -> Vec<String> {
        Pipeline::new(SearchLanguage::from_code(lang)).terms(text)
    }

    #[test]
    fn requirement_ids_stay_whole() {
        for lang in ["en", "es", "fr", "pt", "sw", "am"] {
            let t = terms(lang, "See 3.1.2, and (3.1.3).");
            assert!(t.contains(&"3.1.2".to_owned()), "{lang}: {t:?}");
            assert!(t.contains(&"3.1.3".to_owned()), "{lang}: {t:?}");
        }
    }

    /// Expected terms as lunr.js and lunr-languages give them.
    #[test]
    fn languages_stem_and_fold() {
        assert_eq!(terms("en", "The children's labour"), ["children'", "labour"]);
        assert_eq!(terms("es", "trabajo infantil minería niños"), ["trabaj", "infantil", "mineri", "nin"]);
        assert_eq!(terms("fr", "Sécurité des enfants"), ["securit", "enfant"]);
        assert_eq!(terms("fr", "l'eau d’approvisionnement"), ["eau", "approvision"]);
        assert_eq!(terms("pt", "trabalho infantil mercúrio"), ["trabalh", "infantil", "mercuri"]);
        assert_eq!(terms("am", "የልጆች ጉልበት።"), ["የልጆች", "ጉልበት"]);
        assert_eq!(terms("xx", "— Ünïcødé"), ["", "ünïcødé"]);
    }

    /// Issue 22: Amharic text that separates words with `፡` is searchable by word.
    #[test]
    fn the_ethiopic_wordspace_splits_words() {
        assert_eq!(terms("am", "የልጆች፡ጉልበት፡ሥራ።"), ["የልጆች", "ጉልበት", "ሥራ"]);
        assert_eq!(tokenize("ሀ፡፡ለ"), ["ሀ", "ለ"]);
    }
}
