//! A lunr 2.3.9 index, built as `lunr.Builder` builds one and written as
//! `JSON.stringify(index)` writes it, byte for byte: the shape
//! `lunr.Index.load` reads.
//!
//! Scoring is lunr's BM25 (k1 1.2, b 0.75), with the same floating-point
//! operations in the same order and the same rounding to three decimals, so
//! the vectors are the numbers lunr.js would compute.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write;
use std::hash::{BuildHasherDefault, Hasher};

use super::pipeline::{Pipeline, SearchLanguage, split_tokens};

/// The lunr version whose serialised shape is written.
pub const LUNR_VERSION: &str = "2.3.9";

/// An indexed field and its boost.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The field's name in the index.
    pub name: &'static str,
    /// lunr's build-time boost for the field.
    pub boost: f64,
}

/// The number of indexed fields.
pub const FIELD_COUNT: usize = 2;

/// The fields of every document, in the order lunr is told them. A
/// requirement's ID is not a field: `search.js` matches typed IDs against
/// the documents' IDs itself (exactly, and as a prefix while typing), which
/// keeps a term and a vector per document out of the index.
pub const FIELDS: [Field; FIELD_COUNT] = [Field { name: "title", boost: 10.0 }, Field { name: "body", boost: 1.0 }];

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// One field of one document: its length in terms, and each term's
/// frequency (term number, count) in order of first appearance.
type FieldTerms = (usize, Vec<(usize, usize)>);

/// Builds the serialised index of `docs` (each its ref, ascending, and the
/// text of [`FIELDS`], in order) for `language`.
///
/// Terms are numbered in order of first appearance, which is the `_index`
/// lunr gives them. The pipeline works token by token, so each distinct
/// token goes through it once.
pub fn build(docs: &[(usize, [&str; FIELD_COUNT])], language: SearchLanguage) -> String {
    let pipeline = Pipeline::new(language);
    // Token -> the numbers of its terms.
    let mut token_terms: HashMap<String, Vec<usize>, FastHash> = HashMap::default();
    // Term -> number, number -> term, and per term the documents that hold
    // it in each field (ascending).
    let mut numbers: HashMap<String, usize, FastHash> = HashMap::default();
    let mut terms: Vec<String> = Vec::new();
    let mut postings: Vec<[Vec<usize>; FIELD_COUNT]> = Vec::new();
    // Per term: where it is in the current field's frequencies, valid when
    // its stamp is the current field's.
    let mut slot: Vec<(usize, usize)> = Vec::new();
    let mut stamp = 0;
    let mut field_terms: Vec<[FieldTerms; FIELD_COUNT]> = Vec::with_capacity(docs.len());

    for &(doc, ref texts) in docs {
        let mut per_field: [FieldTerms; FIELD_COUNT] = Default::default();
        for (f, text) in texts.iter().enumerate() {
            stamp += 1;
            let lowered = text.to_lowercase();
            let (length, freqs) = &mut per_field[f];
            for token in split_tokens(&lowered) {
                let ids = match token_terms.get(token) {
                    Some(ids) => ids,
                    None => {
                        let mut ids = Vec::new();
                        for term in pipeline.run(vec![token.to_owned()]) {
                            let n = *numbers.entry(term).or_insert_with_key(|term| {
                                terms.push(term.clone());
                                postings.push(Default::default());
                                slot.push((0, 0));
                                terms.len() - 1
                            });
                            ids.push(n);
                        }
                        token_terms.entry(token.to_owned()).or_insert(ids)
                    }
                };
                for &n in ids {
                    *length += 1;
                    match slot[n] {
                        (s, i) if s == stamp => freqs[i].1 += 1,
                        _ => {
                            slot[n] = (stamp, freqs.len());
                            freqs.push((n, 1));
                        }
                    }
                    let docs = &mut postings[n][f];
                    if docs.last() != Some(&doc) {
                        docs.push(doc);
                    }
                }
            }
        }
        field_terms.push(per_field);
    }

    // Average field lengths: every document has every field.
    let mut average = [0.0_f64; FIELD_COUNT];
    for (f, avg) in average.iter_mut().enumerate() {
        let total: usize = field_terms.iter().map(|d| d[f].0).sum();
        *avg = total as f64 / docs.len() as f64;
    }

    let document_count = docs.len() as f64;
    let idf: Vec<f64> = postings
        .iter()
        .map(|p| {
            let with_term = p.iter().map(Vec::len).sum::<usize>() as f64;
            let x = (document_count - with_term + 0.5) / (with_term + 0.5);
            (1.0 + x.abs()).ln()
        })
        .collect();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("{\"version\":");
    push_json_str(&mut out, LUNR_VERSION);
    out.push_str(",\"fields\":[");
    for (i, field) in FIELDS.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&mut out, field.name);
    }
    out.push_str("],\"fieldVectors\":[");
    let mut first = true;
    let mut elements: Vec<(usize, f64)> = Vec::new();
    for (&(doc, _), per_field) in docs.iter().zip(&field_terms) {
        for (f, (length, freqs)) in per_field.iter().enumerate() {
            elements.clear();
            for &(n, tf) in freqs {
                let tf = tf as f64;
                let mut score = idf[n] * ((K1 + 1.0) * tf) / (K1 * (1.0 - B + B * (*length as f64 / average[f])) + tf);
                score *= FIELDS[f].boost;
                elements.push((n, (score * 1000.0).round() / 1000.0));
            }
            elements.sort_by_key(|e| e.0);
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("[\"");
            out.push_str(FIELDS[f].name);
            let _ = write!(out, "/{doc}\",[");
            for (i, &(index, score)) in elements.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_int(&mut out, index as u64);
                out.push(',');
                push_score(&mut out, score);
            }
            out.push_str("]]");
        }
    }
    out.push_str("],\"invertedIndex\":[");
    // Terms in the order of JavaScript's string comparison (UTF-16 code units).
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by(|&a, &b| utf16_cmp(&terms[a], &terms[b]));
    for (i, &n) in order.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_json_str(&mut out, &terms[n]);
        let _ = write!(out, ",{{\"_index\":{n}");
        for (f, field) in FIELDS.iter().enumerate() {
            let _ = write!(out, ",\"{}\":{{", field.name);
            for (j, doc) in postings[n][f].iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "\"{doc}\":{{}}");
            }
            out.push('}');
        }
        out.push_str("}]");
    }
    out.push_str("],\"pipeline\":[");
    for (i, label) in language.search_pipeline().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&mut out, label);
    }
    out.push_str("]}");
    out
}

/// A fast hash for short strings (FxHash, as in rustc): the index's maps
/// are private and their order never shows, so no protection from chosen
/// collisions is needed.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FastHash = BuildHasherDefault<FastHasher>;

/// Appends a number in decimal.
fn push_int(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[i..]).unwrap_or("0"));
}

/// Appends a score rounded to thousandths as JavaScript prints it: the
/// shortest decimal that reads back the same, which for a multiple of 0.001
/// (nearest double) is its thousandths without trailing zeros.
fn push_score(out: &mut String, x: f64) {
    let thousandths = (x * 1000.0).round();
    if !(0.0..1e15).contains(&thousandths) || thousandths / 1000.0 != x {
        push_js_number(out, x);
        return;
    }
    let n = thousandths as u64;
    push_int(out, n / 1000);
    let frac = n % 1000;
    if frac != 0 {
        out.push('.');
        let digits = [b'0' + (frac / 100) as u8, b'0' + (frac / 10 % 10) as u8, b'0' + (frac % 10) as u8];
        let len = if digits[2] != b'0' {
            3
        } else if digits[1] != b'0' {
            2
        } else {
            1
        };
        out.push_str(std::str::from_utf8(&digits[..len]).unwrap_or(""));
    }
}

/// Compares strings as JavaScript does: by UTF-16 code units. That is byte
/// order, except that characters beyond U+FFFF (four bytes in UTF-8, a
/// surrogate pair in UTF-16) sort before U+E000 to U+FFFF.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let common = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    match (x.get(common), y.get(common)) {
        // Bytes below 0xEE start characters (or continue ones) that both
        // encodings order alike.
        (Some(&p), Some(&q)) if p < 0xEE && q < 0xEE => p.cmp(&q),
        (Some(_), Some(_)) => {
            let start = (0..=common).rev().find(|&i| a.is_char_boundary(i) && b.is_char_boundary(i)).unwrap_or(0);
            a[start..].encode_utf16().cmp(b[start..].encode_utf16())
        }
        (p, q) => p.is_some().cmp(&q.is_some()),
    }
}

/// Appends `s` as a JSON string, escaped as `JSON.stringify` escapes it.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a number as JavaScript prints it (integers without a fraction;
/// otherwise the shortest decimal that reads back the same).
fn push_js_number(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str("null");
    } else if x == 0.0 {
        out.push('0');
    } else if x.fract() == 0.0 && x.abs() < 1e21 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let _ = write!(out, "{x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_like_lunr() {
        // Checked against JSON.stringify of lunr.js 2.3.9 with the same
        // fields and boosts; tests/search/equivalence.mjs does this for
        // every fixture.
        let json = build(&[(0, ["Hello", "a — world 3.1.2"]), (1, ["x", "worlds 1.1"])], SearchLanguage::English);
        assert!(
            json.starts_with(
                "{\"version\":\"2.3.9\",\"fields\":[\"title\",\"body\"],\"fieldVectors\":[[\"title/0\",[0,"
            )
        );
        assert!(json.contains("[\"3.1.2\",{\"_index\":3,\"title\":{},\"body\":{\"0\":{}}}]"));
        assert!(json.ends_with("\"pipeline\":[\"stemmer\"]}"));
    }

    #[test]
    fn scores_print_as_numbers_do() {
        for k in (0..20_000u32).chain([123_456, 1_000_000, 99_999_999]) {
            let x = (f64::from(k) * 1.000_37 * 1000.0).round() / 1000.0;
            let (mut a, mut b) = (String::new(), String::new());
            push_score(&mut a, x);
            push_js_number(&mut b, x);
            assert_eq!(a, b, "{x}");
        }
    }

    #[test]
    fn numbers_print_as_in_javascript() {
        let mut s = String::new();
        for x in [0.0, 1.0, 1.234, 0.001, 12.5, 6.931] {
            push_js_number(&mut s, x);
            s.push(' ');
        }
        assert_eq!(s, "0 1 1.234 0.001 12.5 6.931 ");
    }

    #[test]
    fn empty_input_is_an_empty_index() {
        let json = build(&[], SearchLanguage::Unstemmed);
        assert_eq!(
            json,
            "{\"version\":\"2.3.9\",\"fields\":[\"title\",\"body\"],\"fieldVectors\":[],\"invertedIndex\":[],\"pipeline\":[\"trimmer-craftpub\"]}"
        );
    }
}
