//! The glossary as a termbase, for CAT tools, and the review hint that
//! compares the translated requirements with it.
//!
//! A language's termbase is the glossary of the current version (the newest
//! released one): each English term with its definition (the glossary
//! chapter's table, `standard/<version>/`), and the language's term(s) for it
//! where `translations/<lang>/terms.toml` pairs them (a translated glossary is
//! sorted in its own language, so its rows cannot be paired with the English
//! ones by position), with the translated definition where the language's
//! glossary is current and has a row for the term. Written as TBX
//! (`api/<lang>/glossary.tbx`: a TBX-Basic `martif` document, which
//! translate-toolkit, Weblate, Crowdin and OmegaT read) and as CSV
//! (`api/<lang>/glossary.csv`, translate-toolkit's and Weblate's columns
//! `source,target,developer_comments`).
//!
//! [`hints`] lists the current translated requirements whose English text
//! uses a paired term but whose translation uses none of the language's
//! forms of it: a hint for review (`craftpub status --terms`), not an error,
//! since words inflect.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use crate::files::{Bytes, SiteFiles};
use crate::localize::{Localizer, TranslationStatus};
use crate::model::*;
use crate::search::{glossary_rows, is_unicode_word, unaccent};
use crate::urls;

/// One concept of a termbase: an English glossary term and its translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TermEntry {
    /// The English term, as the glossary's first column writes it.
    pub english: String,
    /// Its English definition (plain text).
    pub definition: String,
    /// The language's term(s) for it, the preferred one first; empty when
    /// `terms.toml` does not pair it.
    pub translated: Vec<String>,
    /// The translated definition, where the language's glossary of this
    /// version is current and has a row for the preferred term.
    pub translated_definition: Option<String>,
}

/// A language's termbase: the current version's glossary with its terms.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Termbase {
    /// The language's code.
    pub lang: String,
    /// The language's English name.
    pub lang_name: String,
    /// The version whose glossary it is.
    pub version: String,
    /// The standard's short title.
    pub standard: String,
    /// The glossary chapters it was made from, relative to the root.
    pub sources: Vec<String>,
    /// One entry per English term, in glossary order.
    pub entries: Vec<TermEntry>,
}

impl Termbase {
    /// How many entries have a translated term.
    pub fn translated(&self) -> usize {
        self.entries.iter().filter(|e| !e.translated.is_empty()).count()
    }

    /// The termbase as TBX-Basic (a `martif` document): one `termEntry` per
    /// English term, with an English `langSet` (definition, term) and, where
    /// the term is paired, one for the language (definition where known,
    /// one `tig` per form, the preferred first).
    pub fn to_tbx(&self) -> String {
        let e = xml_escape;
        let mut out = String::new();
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<martif type=\"TBX-Basic\" xml:lang=\"en\">\n");
        out.push_str("  <martifHeader>\n    <fileDesc>\n");
        out.push_str(&format!(
            "      <titleStmt><title>{} {} glossary: English and {} ({})</title></titleStmt>\n",
            e(&self.standard),
            e(&self.version),
            e(&self.lang_name),
            e(&self.lang)
        ));
        out.push_str(&format!(
            "      <sourceDesc><p>{}</p></sourceDesc>\n",
            e(&self
                .sources
                .iter()
                .chain([&format!("translations/{}/terms.toml", self.lang)])
                .cloned()
                .collect::<Vec<_>>()
                .join(", "))
        ));
        out.push_str("    </fileDesc>\n");
        out.push_str("    <encodingDesc><p type=\"XCSURI\">TBXBasicXCSV02.xcs</p></encodingDesc>\n");
        out.push_str("  </martifHeader>\n  <text>\n    <body>\n");
        let mut ids = BTreeSet::new();
        for entry in &self.entries {
            let base = format!("term-{}", urls::title_slug(&entry.english));
            let mut id = base.clone();
            let mut n = 1;
            while !ids.insert(id.clone()) {
                n += 1;
                id = format!("{base}-{n}");
            }
            out.push_str(&format!("      <termEntry id=\"{}\">\n", e(&id)));
            out.push_str("        <langSet xml:lang=\"en\">\n");
            out.push_str(&format!("          <descrip type=\"definition\">{}</descrip>\n", e(&entry.definition)));
            out.push_str(&format!("          <tig><term>{}</term></tig>\n", e(&entry.english)));
            out.push_str("        </langSet>\n");
            if !entry.translated.is_empty() {
                out.push_str(&format!("        <langSet xml:lang=\"{}\">\n", e(&self.lang)));
                if let Some(d) = &entry.translated_definition {
                    out.push_str(&format!("          <descrip type=\"definition\">{}</descrip>\n", e(d)));
                }
                for form in &entry.translated {
                    out.push_str(&format!("          <tig><term>{}</term></tig>\n", e(form)));
                }
                out.push_str("        </langSet>\n");
            }
            out.push_str("      </termEntry>\n");
        }
        out.push_str("    </body>\n  </text>\n</martif>\n");
        out
    }

    /// The termbase as CSV with the header `"source","target","developer_comments"`
    /// (translate-toolkit's and Weblate's column names; Crowdin asks which
    /// column is which on import): one row per English term, its preferred
    /// translation (empty when not paired) and its English definition.
    pub fn to_csv(&self) -> String {
        // Every field quoted: translate-toolkit (and so Weblate) guesses the
        // dialect from the text, and takes spaces for the delimiter otherwise.
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(Vec::new());
        // Writing to memory cannot fail.
        w.write_record(["source", "target", "developer_comments"]).ok();
        for entry in &self.entries {
            let target = entry.translated.first().map_or("", String::as_str);
            w.write_record([entry.english.as_str(), target, entry.definition.as_str()]).ok();
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// `text` escaped for XML element content and attribute values (`&`, `<`,
/// `>`, `"`, `'`), without the characters XML 1.0 does not allow.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The rows (term, definition) of the glossary chapters of `blocks`' chapter
/// kind, in order.
fn rows_of(blocks: &[Block]) -> Vec<(String, String)> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose { text, .. } => Some(glossary_rows(text)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The English glossary of `version`: (term, definition), in order.
pub fn english_glossary(version: &Version) -> Vec<(String, String)> {
    version.chapters.iter().filter(|c| c.kind == ChapterKind::Glossary).flat_map(|c| rows_of(&c.blocks)).collect()
}

/// The termbase of `language` (a translation, not the source language) for
/// the current version; `None` for the source language or when no version
/// is current.
pub fn termbase(project: &Project, localizer: &Localizer, language: &Language) -> Option<Termbase> {
    if localizer.is_source() {
        return None;
    }
    let version = project.latest()?;
    let terms = project.translation(&language.code).map(|l| &l.terms);
    let mut translated_rows: BTreeMap<String, String> = BTreeMap::new();
    let mut sources = Vec::new();
    for chapter in version.chapters.iter().filter(|c| c.kind == ChapterKind::Glossary) {
        sources.push(format!("standard/{}/{}.md", version.id, chapter.slug));
        let local = localizer.chapter(version, chapter);
        if let (TranslationStatus::Current, Some(t)) = (local.status, local.translation) {
            for (term, definition) in rows_of(&t.blocks) {
                translated_rows.entry(fold(&term)).or_insert(definition);
            }
        }
    }
    let entries = english_glossary(version)
        .into_iter()
        .map(|(english, definition)| {
            let translated = terms.and_then(|t| t.get(&english)).cloned().unwrap_or_default();
            let translated_definition = translated.first().and_then(|f| translated_rows.get(&fold(f))).cloned();
            TermEntry { english, definition, translated, translated_definition }
        })
        .collect();
    Some(Termbase {
        lang: language.code.clone(),
        lang_name: language.name.clone(),
        version: version.id.clone(),
        standard: project.standard.title.clone(),
        sources,
        entries,
    })
}

/// The termbase files of `language`: `api/<lang>/glossary.tbx` and
/// `api/<lang>/glossary.csv` (none for the source language).
pub fn files(project: &Project, localizer: &Localizer, language: &Language) -> SiteFiles {
    let mut files = SiteFiles::new();
    if let Some(tb) = termbase(project, localizer, language) {
        files.insert(urls::termbase_tbx(&language.code), Bytes::from(tb.to_tbx()));
        files.insert(urls::termbase_csv(&language.code), Bytes::from(tb.to_csv()));
    }
    files
}

/// Lower case, without accents, whitespace collapsed: how terms are compared.
fn fold(text: &str) -> String {
    words(text).join(" ")
}

/// The words of `text`, lower-cased and without accents (split at every
/// character that is not a letter or digit, so `l'amalgame` is two words).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .chars()
        .map(unaccent)
        .collect::<String>()
        .split(|c: char| !is_unicode_word(c))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The forms a glossary term stands for in running text: the term, and for
/// `Term (ABBR)` the term without the parenthesis and the abbreviation.
fn forms_of(term: &str) -> Vec<String> {
    let mut forms = vec![term.to_owned()];
    if let (Some(open), true) = (term.find('('), term.trim_end().ends_with(')')) {
        let head = term[..open].trim();
        let inner = term[open + 1..term.trim_end().len() - 1].trim();
        forms = [head, inner].into_iter().filter(|s| !s.is_empty()).map(str::to_owned).collect();
    }
    forms
}

/// How many letters an inflected word may have beyond its glossary form.
const INFLECTION: usize = 3;

/// A form, as words to find in a row; an abbreviation or a word with
/// digits (`3T`, `AMP`) must be found whole, a longer word also inflected:
/// a text word may extend it (`comprador` finds `compradores`), and its last
/// letter may change (`commodity` finds `commodities`).
struct Pattern {
    words: Vec<(String, bool)>,
}

impl Pattern {
    fn new(form: &str) -> Self {
        let exact_form = form.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase())
            || form.chars().any(|c| c.is_ascii_digit());
        let words = words(form).into_iter().map(|w| (w.clone(), exact_form || w.chars().count() < 4)).collect();
        Pattern { words }
    }

    fn word_matches(pattern: &str, exact: bool, word: &str) -> bool {
        if exact {
            return pattern == word;
        }
        let n = pattern.chars().count();
        let stem: String = pattern.chars().take(n - 1).collect();
        // An inflection adds a few letters (`-s`, `-es`, `-as`, `-ies`), not a
        // derivation (`amalgam`, `amalgamation`).
        word.starts_with(&stem) && word.chars().count() <= n + INFLECTION
    }

    fn found_in(&self, text: &[String]) -> bool {
        if self.words.is_empty() || text.len() < self.words.len() {
            return false;
        }
        text.windows(self.words.len())
            .any(|w| w.iter().zip(&self.words).all(|(word, (p, exact))| Self::word_matches(p, *exact, word)))
    }
}

/// Whether any form of any of `terms` is in the words `text`.
fn uses_any(terms: &[String], text: &[String]) -> bool {
    terms.iter().flat_map(|t| forms_of(t)).any(|f| Pattern::new(&f).found_in(text))
}

/// One hint: a current translated requirement whose English uses a glossary
/// term but whose translation has none of the language's forms of it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TermHint {
    /// The requirement's ID.
    pub id: String,
    /// Its translated title.
    pub title: String,
    /// The English glossary term its English text uses.
    pub term: String,
    /// The language's forms of the term, none of which its translation uses.
    pub forms: Vec<String>,
    /// The file holding the translation, relative to the root.
    pub file: String,
    /// The line of the requirement block.
    pub line: usize,
}

/// The glossary review of one edition (a version in a language).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TermReport {
    /// The language's code.
    pub lang: String,
    /// The version.
    pub version: String,
    /// Terms in the version's English glossary.
    pub terms: usize,
    /// Of which `terms.toml` pairs with a term of the language.
    pub paired: usize,
    /// The English glossary terms `terms.toml` does not pair.
    pub unpaired: Vec<String>,
    /// Keys of `terms.toml` that are terms of no version's English glossary
    /// (a typo, or a term since removed).
    pub unknown: Vec<String>,
    /// Current translated requirements checked.
    pub checked: usize,
    /// The hints, in reading order.
    pub hints: Vec<TermHint>,
}

/// The plain words of a requirement's title, body and guidance.
fn requirement_words(title: &str, body: &str, guidance: Option<&str>) -> Vec<String> {
    let mut text = String::from(title);
    for part in [Some(body), guidance].into_iter().flatten() {
        text.push(' ');
        text.push_str(&crate::markdown::to_plain_text(part));
    }
    words(&text)
}

/// The glossary review of `version` in the translation `lang` (see the
/// module's documentation); `None` when `lang` is not a translation.
pub fn hints(project: &Project, lang: &str, version: &Version, root: &Path) -> Option<TermReport> {
    let source = project.translation(lang).filter(|_| lang != project.standard.source_language)?;
    let localizer = Localizer::new(project, lang);
    let glossary = english_glossary(version);
    let every_version: Vec<Vec<(String, String)>> = project.versions.iter().map(english_glossary).collect();
    let english_terms: BTreeSet<&str> = every_version.iter().flatten().map(|(t, _)| t.as_str()).collect();
    let pairs: Vec<(&str, &Vec<String>)> =
        glossary.iter().filter_map(|(t, _)| source.terms.get(t).map(|forms| (t.as_str(), forms))).collect();
    let mut report = TermReport {
        lang: lang.to_owned(),
        version: version.id.clone(),
        terms: glossary.len(),
        paired: pairs.len(),
        unpaired: glossary.iter().filter(|(t, _)| !source.terms.contains_key(t)).map(|(t, _)| t.clone()).collect(),
        unknown: source.terms.keys().filter(|k| !english_terms.contains(k.as_str())).cloned().collect(),
        checked: 0,
        hints: Vec::new(),
    };
    let patterns: Vec<(&str, &Vec<String>, Vec<Pattern>)> = pairs
        .iter()
        .map(|(english, forms)| (*english, *forms, forms_of(english).iter().map(|f| Pattern::new(f)).collect()))
        .collect();
    for local in localizer.requirements(version) {
        let (TranslationStatus::Current, Some(t)) = (local.status, local.translation) else { continue };
        report.checked += 1;
        let r = local.source;
        let english = requirement_words(&r.title, &r.body, r.guidance.as_deref());
        let translated = requirement_words(&t.title, &t.body, t.guidance.as_deref());
        for (term, forms, english_patterns) in &patterns {
            if english_patterns.iter().any(|p| p.found_in(&english)) && !uses_any(forms, &translated) {
                report.hints.push(TermHint {
                    id: r.id.clone(),
                    title: t.title.clone(),
                    term: (*term).to_owned(),
                    forms: (*forms).clone(),
                    file: t.file.strip_prefix(root).unwrap_or(&t.file).to_string_lossy().replace('\\', "/"),
                    line: t.line,
                });
            }
        }
    }
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<String> {
        words(text)
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("A & B <c> \"d\" 'e'\u{1}"), "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;");
    }

    #[test]
    fn terms_are_found_inflected_and_without_accents() {
        assert!(uses_any(&["Parte interesada".into()], &w("las partes interesadas locales")));
        assert!(uses_any(&["Mitigación".into()], &w("la MITIGACION del riesgo")));
        assert!(uses_any(&["Commodity".into()], &w("for all commodities")));
        assert!(uses_any(&["Minería artesanal y de pequeña escala (MAPE)".into()], &w("la MAPE")));
        assert!(!uses_any(&["AMP".into()], &w("amplify the ample")));
        assert!(uses_any(&["AMP".into()], &w("the AMP's")));
        assert!(!uses_any(&["Debida diligencia".into()], &w("la diligencia debida")));
        assert!(!uses_any(&["Amalgam".into()], &w("no amalgamation of whole ore")));
        assert!(uses_any(&["Seleccionador de mineral".into()], &w("las seleccionadoras de mineral")));
    }

    #[test]
    fn a_parenthesised_abbreviation_is_a_form_of_its_own() {
        assert_eq!(forms_of("Artisanal and small-scale mining (ASM)"), ["Artisanal and small-scale mining", "ASM"]);
        assert_eq!(forms_of("Buyer"), ["Buyer"]);
    }
}
