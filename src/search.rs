//! Search in the reader's language: a prebuilt lunr index per edition.
//!
//! For each edition, [`edition_files`] writes `search-index.json`, which the
//! page fetches and programs read; the edition's download carries the same
//! data as `search-index.js` ([`download_script`]: it assigns the data to
//! `window.craftpubSearch`, so it loads from `file://`, where fetching JSON
//! fails). The data holds serialised lunr 2.3.9 indexes in exactly the
//! shape `lunr.Index.load` reads, and per document the title, requirement
//! ID, URL and the texts that result snippets show.
//!
//! Each text is indexed with the pipeline of its own language: in a
//! translated edition, the text shown in English (where a translation is
//! missing) goes into a second index with the source language's pipeline,
//! and the page runs a query through both ([`search_data`]).
//!
//! The index is built in Rust, and its terms are the terms lunr.js and
//! lunr-languages would produce in the browser: the same tokenizer, trimmer,
//! stop words and stemmer per language (see [`SearchLanguage`]), and lunr's
//! scoring to the same three decimals. `tests/search/equivalence.mjs` proves
//! it: it rebuilds every index with lunr.js from the same documents and
//! compares them byte for byte, and their results query by query.
//!
//! [`Vendor`] takes lunr.js and the lunr-languages files a page needs from
//! `theme/node_modules` (pinned by `theme/package-lock.json`, installed with
//! `npm ci`, which a build runs itself when they are missing) into
//! `assets/lunr/`. `theme/static/search.js` loads them, and the index, on
//! the first use of the search box only.

mod lunr_index;
mod pipeline;
mod porter;
mod portuguese;
mod stopwords;
mod vendor;

use serde::Serialize;
use serde_json::{Value, json};

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::localize::{LocalChapter, LocalRequirement};
use crate::markdown;
use crate::model::{Block, Chapter, ChapterKind, Version};
use crate::urls;

pub use lunr_index::{FIELD_COUNT, FIELDS, Field, LUNR_VERSION};
pub use pipeline::{ELISION, FOLD, Pipeline, SearchLanguage, UNICODE_TRIMMER, is_unicode_word, tokenize, unaccent};
pub use vendor::{Vendor, VendorError, scripts};

/// The stop words of a language's pipeline (none for [`SearchLanguage::Unstemmed`]).
pub fn stop_words(language: SearchLanguage) -> &'static [&'static str] {
    match language {
        SearchLanguage::English => stopwords::ENGLISH,
        SearchLanguage::Spanish => stopwords::SPANISH,
        SearchLanguage::French => stopwords::FRENCH,
        SearchLanguage::Portuguese => stopwords::PORTUGUESE,
        SearchLanguage::Unstemmed => &[],
    }
}

/// The longest snippet text kept for a section or a chapter's introduction.
const SECTION_SNIPPET_CHARS: usize = 160;

/// What a search result stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// A requirement.
    Requirement,
    /// A `##` section of a chapter, with the prose under it.
    Section,
    /// A chapter's opening prose, before its first section.
    Chapter,
    /// One entry (a table row) of the glossary.
    Term,
}

/// One searchable document of an edition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// What it stands for.
    pub kind: DocKind,
    /// The requirement ID; empty for the other kinds.
    pub id: String,
    /// The title: the requirement's, the section heading, the chapter's, or
    /// the glossary term.
    pub title: String,
    /// The indexed text, plain: a requirement's body, guidance and section
    /// heading, a section's prose, or a term's meaning.
    pub body: String,
    /// The text a result's snippet is cut from: a requirement's body, or the
    /// start of a section's prose.
    pub snippet: String,
    /// A requirement's guidance, for snippets of matches there; else empty.
    pub guidance: String,
    /// The URL, relative to the edition's folder (where the index file is).
    pub url: String,
    /// The title of the chapter it belongs to.
    pub chapter: String,
    /// In a translated edition, the source language's code when the text is
    /// shown in that language (no translation); `None` otherwise.
    pub source_language: Option<String>,
}

/// The rows of the tables in `markdown_text` (first cell, the other cells),
/// and its plain text outside them.
fn table_rows(markdown_text: &str) -> (Vec<(String, String)>, String) {
    let mut rows = Vec::new();
    let mut outside = String::new();
    let (mut in_table, mut in_head) = (false, false);
    let mut cells: Vec<String> = Vec::new();
    for event in Parser::new_ext(markdown_text, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES) {
        match &event {
            Event::Start(Tag::Table(_)) => in_table = true,
            Event::End(TagEnd::Table) => in_table = false,
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                cells.clear();
            }
            Event::Start(Tag::TableCell) => cells.push(String::new()),
            Event::End(TagEnd::TableRow) => {
                let mut texts = cells.drain(..).map(|c| markdown::ids_as_text(&markdown::normalise_ws(&c)));
                if let Some(first) = texts.next().filter(|f| !f.is_empty()) {
                    rows.push((first, texts.collect::<Vec<_>>().join(" ")));
                }
            }
            _ if in_table && !in_head => {
                if let Some(cell) = cells.last_mut() {
                    markdown::push_plain(cell, &event);
                }
            }
            _ if in_table => {}
            _ => markdown::push_plain(&mut outside, &event),
        }
    }
    (rows, markdown::ids_as_text(&markdown::normalise_ws(&outside)))
}

/// The rows of a glossary's tables in `markdown_text`, as plain text: the
/// term (the first cell) and its meaning (the other cells). The glossary's
/// search documents and the termbase ([`crate::termbase`]) read it so.
pub fn glossary_rows(markdown_text: &str) -> Vec<(String, String)> {
    table_rows(markdown_text).0
}

/// The first `max` characters of `text`, cut at a word boundary.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => {
            let cut = text[..end].rfind(' ').unwrap_or(end);
            format!("{}…", text[..cut].trim_end())
        }
    }
}

/// `path` (relative to the site root) relative to the folder of the edition
/// `lang`/`version`.
fn edition_relative(lang: &str, version: &str, path: &str) -> String {
    let dir = urls::edition_dir(lang, version);
    match path.strip_prefix(&dir) {
        Some(rest) => rest.to_owned(),
        None => format!("{}{path}", urls::to_root(&dir)),
    }
}

/// Which texts of a chapter are shown in the source language: the title,
/// and each block (in order).
struct Shown<'a> {
    source: Option<&'a str>,
    title: bool,
    blocks: Vec<bool>,
}

impl Shown<'_> {
    fn language(&self, in_source: bool) -> Option<String> {
        self.source.filter(|_| in_source).map(str::to_owned)
    }
}

/// The documents of one chapter of the source edition, in reading order.
pub fn chapter_documents(lang: &str, version: &str, chapter: &Chapter) -> Vec<Document> {
    let shown = Shown { source: None, title: false, blocks: vec![false; chapter.blocks.len()] };
    chapter_docs(lang, version, chapter, &shown)
}

fn chapter_docs(lang: &str, version: &str, chapter: &Chapter, shown: &Shown) -> Vec<Document> {
    let page = edition_relative(lang, version, &urls::chapter(lang, version, &chapter.slug));
    let mut docs = Vec::new();
    let blank = |kind, title: &str, url: String, language| Document {
        kind,
        id: String::new(),
        title: title.to_owned(),
        body: String::new(),
        snippet: String::new(),
        guidance: String::new(),
        url,
        chapter: chapter.title.clone(),
        source_language: language,
    };
    let mut current = blank(DocKind::Chapter, &chapter.title, page.clone(), shown.language(shown.title));
    let finish = |doc: &mut Document| {
        doc.body = doc.body.trim().to_owned();
        doc.snippet = shorten(&doc.body, SECTION_SNIPPET_CHARS);
    };
    let mut requirements = Vec::new();
    let mut terms = Vec::new();
    let mut heading = String::new();
    for (block, &in_source) in chapter.blocks.iter().zip(&shown.blocks) {
        match block {
            Block::Prose { text, .. } if chapter.kind == ChapterKind::Glossary => {
                let (rows, rest) = table_rows(text);
                current.body.push(' ');
                current.body.push_str(&rest);
                for (term, meaning) in rows {
                    let mut doc = blank(DocKind::Term, &term, page.clone(), shown.language(in_source));
                    doc.snippet.clone_from(&meaning);
                    doc.body = meaning;
                    terms.push(doc);
                }
            }
            Block::Prose { text, .. } => {
                current.body.push(' ');
                current.body.push_str(&markdown::to_plain_text(text));
            }
            Block::Section(section) => {
                finish(&mut current);
                heading.clone_from(&section.title);
                let next = blank(
                    DocKind::Section,
                    &section.title,
                    format!("{page}#{}", section.anchor),
                    shown.language(in_source),
                );
                docs.push(std::mem::replace(&mut current, next));
                docs.append(&mut requirements);
                docs.append(&mut terms);
            }
            Block::Requirement(r) => {
                let body = markdown::to_plain_text(&r.body);
                let guidance = r.guidance.as_deref().map(markdown::to_plain_text).unwrap_or_default();
                let mut text = body.clone();
                for more in [&guidance, &heading] {
                    if !more.is_empty() {
                        text.push(' ');
                        text.push_str(more);
                    }
                }
                requirements.push(Document {
                    kind: DocKind::Requirement,
                    id: r.id.clone(),
                    title: r.title.clone(),
                    body: text,
                    snippet: body,
                    guidance,
                    url: format!("{page}#{}", urls::requirement_anchor(&r.id)),
                    chapter: chapter.title.clone(),
                    source_language: shown.language(in_source),
                });
            }
        }
    }
    finish(&mut current);
    docs.push(current);
    docs.append(&mut requirements);
    docs.append(&mut terms);
    docs
}

/// Every document of the source edition: for each chapter, its opening,
/// its sections and its requirements.
pub fn documents(lang: &str, version: &Version) -> Vec<Document> {
    version.chapters.iter().flat_map(|c| chapter_documents(lang, &version.id, c)).collect()
}

/// Every document of an edition as its pages show it: the translated text
/// where there is one, the source text elsewhere. `source` is the source
/// language's code for a translated edition (its documents in that language
/// say so), `None` for the source edition.
pub fn edition_documents(
    lang: &str,
    version: &str,
    chapters: &[LocalChapter],
    requirements: &BTreeMap<&str, LocalRequirement>,
    source: Option<&str>,
) -> Vec<Document> {
    let mut docs = Vec::new();
    for lch in chapters {
        let mut chapter = lch.source.clone();
        chapter.title = lch.title().to_owned();
        let mut shown = Shown { source, title: lch.translation.is_none(), blocks: Vec::new() };
        let mut n = 0;
        for block in &mut chapter.blocks {
            let in_source = match block {
                Block::Prose { text, .. } => {
                    let (local, english) = lch.prose(n);
                    *text = local.to_owned();
                    n += 1;
                    english
                }
                Block::Section(s) => {
                    let (local, english) = lch.prose(n);
                    s.title = local.to_owned();
                    n += 1;
                    english
                }
                Block::Requirement(r) => match requirements.get(r.id.as_str()) {
                    Some(local) => {
                        r.title = local.title().to_owned();
                        r.body = local.body().to_owned();
                        r.guidance = local.guidance().map(str::to_owned);
                        local.is_fallback()
                    }
                    None => true,
                },
            };
            shown.blocks.push(in_source);
        }
        docs.extend(chapter_docs(lang, version, &chapter, &shown));
    }
    docs
}

/// The serialised lunr index of the documents at `refs` (positions in
/// `docs`), exactly as `JSON.stringify` of the index lunr.js would build
/// from them writes it.
pub fn lunr_index(docs: &[Document], refs: &[usize], language: SearchLanguage) -> String {
    let fields: Vec<(usize, [&str; 2])> =
        refs.iter().map(|&i| (i, [docs[i].title.as_str(), docs[i].body.as_str()])).collect();
    lunr_index::build(&fields, language)
}

/// The search data of an edition as one JSON object: `lang` (the edition's
/// pipeline, see [`SearchLanguage::code`]) and, when some of its text is
/// shown in the source language, `fallback_lang` (that language's
/// pipeline); `format_version` and `$schema` (as every data export has, see
/// [`crate::api`]), `fields` (name to boost), `docs` (per document `t`
/// title, `i` requirement ID, `u` URL relative to the edition folder, `x`
/// snippet text, `c` chapter title, and where they apply `g` guidance, `k`
/// kind (`s` section, `t` glossary term), `r` a section's requirements (as
/// refs) and `l` the language of a text shown untranslated), `index` (the
/// serialised lunr index of the documents in the edition's language;
/// document refs are positions in `docs`) and `fallback_index` (that of the
/// documents in the source language).
pub fn search_data(docs: &[Document], language: SearchLanguage) -> String {
    let mut meta: Vec<Value> = Vec::with_capacity(docs.len());
    let mut section: Option<usize> = None;
    for (n, d) in docs.iter().enumerate() {
        let mut m = json!({ "t": d.title, "i": d.id, "u": d.url, "x": d.snippet, "c": d.chapter });
        if !d.guidance.is_empty() {
            m["g"] = json!(d.guidance);
        }
        match d.kind {
            DocKind::Section => {
                m["k"] = json!("s");
                m["r"] = json!([]);
                section = Some(n);
            }
            DocKind::Term => m["k"] = json!("t"),
            DocKind::Chapter => section = None,
            DocKind::Requirement => {
                if let Some(list) = section.and_then(|s| meta.get_mut(s)).and_then(|s| s["r"].as_array_mut()) {
                    list.push(json!(n));
                }
            }
        }
        if let Some(l) = &d.source_language {
            m["l"] = json!(l);
        }
        meta.push(m);
    }
    let (own, fallback): (Vec<usize>, Vec<usize>) = (0..docs.len()).partition(|&i| docs[i].source_language.is_none());
    let fallback_language = docs.iter().find_map(|d| d.source_language.as_deref()).map(SearchLanguage::from_code);
    let mut out = String::new();
    out.push_str("{\"lang\":");
    lunr_index::push_json_str(&mut out, language.code());
    if let Some(l) = fallback_language {
        out.push_str(",\"fallback_lang\":");
        lunr_index::push_json_str(&mut out, l.code());
    }
    out.push_str(&format!(
        ",\"format_version\":\"{}\",\"$schema\":\"{}\"",
        crate::api::FORMAT_VERSION,
        crate::api::schema_url("search")
    ));
    out.push_str(",\"fields\":{");
    for (i, field) in FIELDS.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{}\":{}", field.name, field.boost));
    }
    out.push('}');
    out.push_str(",\"docs\":");
    out.push_str(&Value::Array(meta).to_string());
    out.push_str(",\"index\":");
    out.push_str(&lunr_index(docs, &own, language));
    if let Some(l) = fallback_language {
        out.push_str(",\"fallback_index\":");
        out.push_str(&lunr_index(docs, &fallback, l));
    }
    out.push('}');
    out
}

/// What the download's `search-index.js` starts with.
const SCRIPT_PREFIX: &str = "window.craftpubSearch=";

/// The search file of the edition `lang`/`version` on the site, its path
/// relative to the site root: `search-index.json`. (The download makes its
/// `search-index.js` from it, see [`download_script`].)
pub fn edition_files(lang: &str, version: &str, docs: &[Document], language: SearchLanguage) -> Vec<(String, Vec<u8>)> {
    let data = search_data(docs, language);
    vec![(urls::search_index_json(lang, version), format!("{data}\n").into_bytes())]
}

/// For the download of the edition `lang`/`version`: its `search-index.js`
/// (path and bytes), made from the site's `search-index.json` among `files`,
/// for pages opened from `file://`, where `fetch` fails but a script loads.
pub fn download_script(lang: &str, version: &str, files: &crate::files::SiteFiles) -> Option<(String, bytes::Bytes)> {
    let json = files.get(&urls::search_index_json(lang, version))?;
    let data = json.strip_suffix(b"\n").unwrap_or(json);
    let mut script = Vec::with_capacity(data.len() + SCRIPT_PREFIX.len() + 2);
    script.extend_from_slice(SCRIPT_PREFIX.as_bytes());
    script.extend_from_slice(data);
    script.extend_from_slice(b";\n");
    Some((urls::search_index_script(lang, version), script.into()))
}

/// The pipelines named at the start of a `search-index.json` written by
/// [`edition_files`]: `lang`, and `fallback_lang` if there is one.
fn data_languages(data: &[u8]) -> Vec<SearchLanguage> {
    let mut out = Vec::new();
    let mut rest = data;
    for key in ["{\"lang\":\"", ",\"fallback_lang\":\""] {
        let Some(after) = rest.strip_prefix(key.as_bytes()) else { break };
        let Some(end) = after.iter().position(|&b| b == b'"') else { break };
        let Ok(code) = std::str::from_utf8(&after[..end]) else { break };
        out.push(SearchLanguage::from_code(code));
        rest = &after[end + 1..];
    }
    out
}

/// What the templates need for the search box of a page that searches the
/// edition `lang`/`version`: `action` (the search page), `index` (the
/// search data; `search.js` loads `search-index.js` beside it instead when
/// the page is opened from `file://`), `scripts` (lunr and the language's
/// files, in loading order) and `lang`. Paths are relative to the site root.
pub fn page_context(lang: &str, version: &str, language: SearchLanguage) -> Value {
    json!({
        "action": urls::search_page(lang, version),
        "index": urls::search_index_json(lang, version),
        "scripts": vendor::scripts(language),
        "lang": language.code(),
    })
}

/// The languages of the search indexes among `files` (rendered site files).
pub fn languages_in<'a>(files: impl IntoIterator<Item = (&'a String, &'a bytes::Bytes)>) -> Vec<SearchLanguage> {
    let mut langs: Vec<SearchLanguage> = files
        .into_iter()
        .filter(|(path, _)| path.ends_with("/search-index.json"))
        .flat_map(|(_, bytes)| data_languages(bytes))
        .collect();
    langs.sort();
    langs.dedup();
    langs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_at_a_word() {
        assert_eq!(shorten("one two three", 100), "one two three");
        assert_eq!(shorten("one two three", 9), "one two…");
        assert_eq!(shorten("ሕፃናት ሥራ", 3), "ሕፃና…");
    }

    #[test]
    fn cross_references_read_as_ids() {
        assert_eq!(markdown::to_plain_text("See [[3.1.2]] and *this*."), "See 3.1.2 and this.");
    }

    #[test]
    fn table_cells_and_list_items_keep_their_words_apart() {
        assert_eq!(
            markdown::to_plain_text("| AMP | The producer. |\n|---|---|\n| Retort | A device. |"),
            "AMP The producer. Retort A device."
        );
        assert_eq!(markdown::to_plain_text("- one\n- two\n\nthree"), "one two three");
        let (rows, rest) = table_rows("Intro.\n\n| Term | Meaning |\n|---|---|\n| Retort | A closed *device*. |\n");
        assert_eq!(rows, [("Retort".to_owned(), "A closed device.".to_owned())]);
        assert_eq!(rest, "Intro.");
    }

    #[test]
    fn edition_files_name_their_language() {
        let files = edition_files("es", "2.1", &[], SearchLanguage::Spanish);
        assert_eq!(files[0].0, "es/2.1/search-index.json");
        let map: crate::files::SiteFiles = files.into_iter().map(|(p, b)| (p, b.into())).collect();
        assert_eq!(languages_in(&map), vec![SearchLanguage::Spanish]);
        let (path, script) = download_script("es", "2.1", &map).unwrap();
        assert_eq!(path, "es/2.1/search-index.js");
        assert!(script.starts_with(b"window.craftpubSearch={\"lang\":\"es\""));
        assert!(script.ends_with(b"};\n"));
    }

    #[test]
    fn untranslated_text_names_its_language() {
        let doc = |l: Option<&str>| Document {
            kind: DocKind::Requirement,
            id: "1.1".into(),
            title: "Mercury".into(),
            body: "mercury".into(),
            snippet: String::new(),
            guidance: String::new(),
            url: String::new(),
            chapter: String::new(),
            source_language: l.map(str::to_owned),
        };
        let data = search_data(&[doc(None), doc(Some("en"))], SearchLanguage::Unstemmed);
        assert!(data.starts_with("{\"lang\":\"none\",\"fallback_lang\":\"en\","), "{data}");
        assert!(data.contains(",\"l\":\"en\""), "{data}");
        assert!(data.contains("\"fallback_index\":{"), "{data}");
        let map: crate::files::SiteFiles = [("sw/2.1/search-index.json".to_owned(), data.into_bytes().into())].into();
        assert_eq!(languages_in(&map), vec![SearchLanguage::English, SearchLanguage::Unstemmed]);
    }
}
