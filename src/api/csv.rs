//! An edition's requirements as CSV, for spreadsheets:
//! `api/<lang>/<version>/requirements.csv`.
//!
//! The file follows RFC 4180: a header row, comma-separated fields, fields
//! quoted when they hold a comma, a quote or a line break (quotes doubled),
//! and CRLF at the end of every record. Line breaks inside a text stay as
//! they are (LF), so multi-line Markdown is intact in one cell. It is UTF-8
//! and starts with a byte-order mark: Excel takes a CSV file without one for
//! the local legacy code page and garbles every non-ASCII letter, while
//! LibreOffice and CSV libraries read the mark as UTF-8's signature (Python:
//! `encoding="utf-8-sig"`).
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a
//! formula. So that text from the sources can never do that (a Markdown list
//! starts with `-`), such a cell is written with a leading apostrophe `'`
//! (and so is one that starts with an apostrophe, so that the rule can be
//! undone: [`unguard`] removes one leading apostrophe).
//!
//! The columns ([`COLUMNS`]) are the fields of the edition JSON's
//! requirements: list values are joined with `, ` as in the sources; the
//! translation columns are empty in the source language; `since` is the
//! first version the requirement is in; `earlier_ids` lists the earlier
//! versions in which it had another ID as `version:id`, newest first;
//! `url` is the JSON's: relative to the file (which is in the edition
//! JSON's folder), absolute when the standard sets `base_url`.

use super::edition::{EditionExport, RequirementExport};
use crate::model::Vocabulary;

/// The header row.
pub const COLUMNS: [&str; 19] = [
    "id",
    "module",
    "chapter",
    "section",
    "title",
    "text",
    "guidance",
    "applies-to",
    "level",
    "timeframe",
    "oecd",
    "commodities",
    "text_lang",
    "translation_status",
    "translated_from_fingerprint",
    "fingerprint",
    "since",
    "earlier_ids",
    "url",
];

/// The byte-order mark the file starts with.
pub const BOM: &str = "\u{feff}";

/// Prefixes with `'` a cell that a spreadsheet would run as a formula, or
/// that starts with `'`.
pub fn guard(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// The cell's text as the sources have it: [`guard`] undone.
pub fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

fn list<T: Vocabulary + PartialEq>(values: &[T]) -> String {
    values.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
}

/// The cells of one requirement, in the order of [`COLUMNS`].
pub fn row(r: &RequirementExport) -> [String; COLUMNS.len()] {
    let m = &r.metadata;
    [
        r.id.clone(),
        r.module.clone(),
        r.chapter.clone(),
        r.section.clone().unwrap_or_default(),
        r.title.clone(),
        r.text.clone(),
        r.guidance.clone().unwrap_or_default(),
        list(&m.applies_to),
        m.level.name().to_owned(),
        m.timeframe.name().to_owned(),
        list(&m.oecd),
        list(&m.commodities),
        r.text_lang.clone(),
        r.translation_status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        r.translated_from_fingerprint.clone().unwrap_or_default(),
        r.fingerprint.clone(),
        r.since.clone(),
        r.earlier_ids.iter().map(|e| format!("{}:{}", e.version, e.id)).collect::<Vec<_>>().join(", "),
        r.url.clone(),
    ]
}

/// The CSV of an edition's requirements.
pub fn edition_csv(edition: &EditionExport) -> Vec<u8> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(BOM.as_bytes().to_vec());
    // Writing to a Vec cannot fail.
    writer.write_record(COLUMNS).ok();
    for r in &edition.requirements {
        writer.write_record(row(r).iter().map(|c| guard(c))).ok();
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded_and_unguarded() {
        for text in ["=1+1", "+x", "- item", "@SUM(A1)", "plain", "'quoted", "'=x", "''=x", ""] {
            assert_eq!(unguard(&guard(text)), text);
        }
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("plain - text"), "plain - text");
    }
}
