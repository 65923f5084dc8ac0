//! A lunr 2.3.9 index, built as `lunr.Builder` builds one and written as
//! `JSON.stringify(index)` writes it, byte for byte: the shape
//! `lunr.Index.load` reads.
//!
//! Scoring is lunr's BM25 (k1 1.2, b 0.75), with the same floating-point
//! operations in the same order and the same rounding to three decimals, so
//! the vectors are the numbers lunr.js would compute.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::pipeline::{Pipeline, SearchLanguage};

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

/// The fields of every document, in the order lunr is told them.
pub const FIELDS: [Field; 3] =
    [Field { name: "title", boost: 10.0 }, Field { name: "body", boost: 1.0 }, Field { name: "id", boost: 10.0 }];

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// One field of one document: its length in terms, and each term's frequency
/// in order of first appearance.
type FieldTerms = (usize, Vec<(String, usize)>);

struct Posting {
    index: usize,
    /// For each field, the documents (by number) that hold the term there.
    docs: [BTreeSet<usize>; 3],
}

/// Builds the serialised index of `docs` (each the text of [`FIELDS`], in
/// order; a document's ref is its position) for `language`.
pub fn build(docs: &[[&str; 3]], language: SearchLanguage) -> String {
    let pipeline = Pipeline::new(language);
    let mut inverted: HashMap<String, Posting> = HashMap::new();
    let mut next_index = 0;
    // Per document and field: the field's length and its terms' frequencies,
    // terms in order of first appearance.
    let mut field_terms: Vec<[FieldTerms; 3]> = Vec::with_capacity(docs.len());

    for (doc, texts) in docs.iter().enumerate() {
        let mut per_field: [FieldTerms; 3] = Default::default();
        for (f, text) in texts.iter().enumerate() {
            let terms = pipeline.terms(text);
            let mut freqs: Vec<(String, usize)> = Vec::new();
            let mut seen: HashMap<String, usize> = HashMap::new();
            for term in &terms {
                match seen.get(term) {
                    Some(&i) => freqs[i].1 += 1,
                    None => {
                        seen.insert(term.clone(), freqs.len());
                        freqs.push((term.clone(), 1));
                    }
                }
                let posting = inverted.entry(term.clone()).or_insert_with(|| {
                    next_index += 1;
                    Posting { index: next_index - 1, docs: Default::default() }
                });
                posting.docs[f].insert(doc);
            }
            per_field[f] = (terms.len(), freqs);
        }
        field_terms.push(per_field);
    }

    // Average field lengths: every document has every field.
    let mut average = [0.0_f64; 3];
    for (f, avg) in average.iter_mut().enumerate() {
        let total: usize = field_terms.iter().map(|d| d[f].0).sum();
        *avg = total as f64 / docs.len() as f64;
    }

    let document_count = docs.len() as f64;
    let mut idf_cache: HashMap<&str, f64> = HashMap::new();
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
    for (doc, per_field) in field_terms.iter().enumerate() {
        for (f, (length, freqs)) in per_field.iter().enumerate() {
            let mut elements: Vec<(usize, f64)> = Vec::with_capacity(freqs.len());
            for (term, tf) in freqs {
                let posting = &inverted[term];
                let idf = *idf_cache.entry(term.as_str()).or_insert_with(|| {
                    let with_term: usize = posting.docs.iter().map(BTreeSet::len).sum();
                    let with_term = with_term as f64;
                    let x = (document_count - with_term + 0.5) / (with_term + 0.5);
                    (1.0 + x.abs()).ln()
                });
                let tf = *tf as f64;
                let mut score = idf * ((K1 + 1.0) * tf) / (K1 * (1.0 - B + B * (*length as f64 / average[f])) + tf);
                score *= FIELDS[f].boost;
                elements.push((posting.index, (score * 1000.0).round() / 1000.0));
            }
            elements.sort_by_key(|e| e.0);
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("[\"");
            out.push_str(FIELDS[f].name);
            let _ = write!(out, "/{doc}\",[");
            for (i, (index, score)) in elements.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{index},");
                push_js_number(&mut out, *score);
            }
            out.push_str("]]");
        }
    }
    out.push_str("],\"invertedIndex\":[");
    let mut terms: Vec<(&String, &Posting)> = inverted.iter().collect();
    terms.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    for (i, (term, posting)) in terms.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_json_str(&mut out, term);
        let _ = write!(out, ",{{\"_index\":{}", posting.index);
        for (f, field) in FIELDS.iter().enumerate() {
            let _ = write!(out, ",\"{}\":{{", field.name);
            for (j, doc) in posting.docs[f].iter().enumerate() {
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
        let json = build(&[["Hello", "a — world 3.1.2", ""], ["x", "worlds", "1.1"]], SearchLanguage::English);
        assert!(json.starts_with(
            "{\"version\":\"2.3.9\",\"fields\":[\"title\",\"body\",\"id\"],\"fieldVectors\":[[\"title/0\",[0,"
        ));
        assert!(json.contains("[\"3.1.2\",{\"_index\":3,\"title\":{},\"body\":{\"0\":{}},\"id\":{}}]"));
        assert!(json.ends_with("\"pipeline\":[\"stemmer\"]}"));
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
            "{\"version\":\"2.3.9\",\"fields\":[\"title\",\"body\",\"id\"],\"fieldVectors\":[],\"invertedIndex\":[],\"pipeline\":[\"trimmer-craftpub\"]}"
        );
    }
}
