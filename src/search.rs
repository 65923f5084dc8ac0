//! Search in the reader's language: a prebuilt lunr index per edition.
//!
//! For each edition, [`edition_files`] writes `search-index.js` (for the
//! page: it assigns the data to `window.craftpubSearch`, so it loads from
//! `file://` too, where fetching JSON fails) and `search-index.json` (the
//! same data, for programs). The data holds the serialised lunr 2.3.9 index
//! in exactly the shape `lunr.Index.load` reads, and per document the title,
//! requirement ID, URL and text that result snippets show.
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

use crate::markdown;
use crate::model::{Block, Chapter, Version};
use crate::urls;

pub use lunr_index::{FIELDS, Field, LUNR_VERSION};
pub use pipeline::{Pipeline, SearchLanguage, UNICODE_TRIMMER, tokenize};
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
const SECTION_SNIPPET_CHARS: usize = 600;

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
}

/// One searchable document of an edition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// What it stands for.
    pub kind: DocKind,
    /// The requirement ID; empty for sections and chapters.
    pub id: String,
    /// The title: the requirement's, the section heading, or the chapter's.
    pub title: String,
    /// The indexed text, plain: a requirement's body and guidance, or a
    /// section's prose.
    pub body: String,
    /// The text a result's snippet is cut from: a requirement's body, or the
    /// start of a section's prose.
    pub snippet: String,
    /// The URL, relative to the edition's folder (where the index file is).
    pub url: String,
    /// The title of the chapter it belongs to.
    pub chapter: String,
}

/// Plain text of Markdown, with `[[ID]]` cross-references written as `ID`.
fn plain(markdown_text: &str) -> String {
    let text = markdown::to_plain_text(markdown_text);
    let refs = crate::markdown::cross_references(&text);
    if refs.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (id, offset) in refs {
        out.push_str(&text[from..offset]);
        out.push_str(id);
        from = offset + id.len() + 4;
    }
    out.push_str(&text[from..]);
    out
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

/// The documents of one chapter, in reading order.
pub fn chapter_documents(lang: &str, version: &str, chapter: &Chapter) -> Vec<Document> {
    let page = edition_relative(lang, version, &urls::chapter(lang, version, &chapter.slug));
    let mut docs = Vec::new();
    let mut current = Document {
        kind: DocKind::Chapter,
        id: String::new(),
        title: chapter.title.clone(),
        body: String::new(),
        snippet: String::new(),
        url: page.clone(),
        chapter: chapter.title.clone(),
    };
    let finish = |doc: &mut Document| {
        doc.body = doc.body.trim().to_owned();
        doc.snippet = shorten(&doc.body, SECTION_SNIPPET_CHARS);
    };
    let mut requirements = Vec::new();
    for block in &chapter.blocks {
        match block {
            Block::Prose { text, .. } => {
                current.body.push(' ');
                current.body.push_str(&plain(text));
            }
            Block::Section(section) => {
                finish(&mut current);
                let next = Document {
                    kind: DocKind::Section,
                    id: String::new(),
                    title: section.title.clone(),
                    body: String::new(),
                    snippet: String::new(),
                    url: format!("{page}#{}", section.anchor),
                    chapter: chapter.title.clone(),
                };
                docs.push(std::mem::replace(&mut current, next));
                docs.append(&mut requirements);
            }
            Block::Requirement(r) => {
                let body = plain(&r.body);
                let mut text = body.clone();
                if let Some(guidance) = &r.guidance {
                    text.push(' ');
                    text.push_str(&plain(guidance));
                }
                requirements.push(Document {
                    kind: DocKind::Requirement,
                    id: r.id.clone(),
                    title: r.title.clone(),
                    body: text,
                    snippet: body,
                    url: format!("{page}#{}", urls::requirement_anchor(&r.id)),
                    chapter: chapter.title.clone(),
                });
            }
        }
    }
    finish(&mut current);
    docs.push(current);
    docs.append(&mut requirements);
    docs
}

/// Every document of an edition: for each chapter, its opening, its sections
/// and its requirements.
pub fn documents(lang: &str, version: &Version) -> Vec<Document> {
    version.chapters.iter().flat_map(|c| chapter_documents(lang, &version.id, c)).collect()
}

/// The serialised lunr index of `docs`, exactly as `JSON.stringify` of the
/// index lunr.js would build from them writes it.
pub fn lunr_index(docs: &[Document], language: SearchLanguage) -> String {
    let fields: Vec<[&str; 3]> = docs.iter().map(|d| [d.title.as_str(), d.body.as_str(), d.id.as_str()]).collect();
    lunr_index::build(&fields, language)
}

/// The search data of an edition as one JSON object: `lang` (the pipeline,
/// see [`SearchLanguage::code`]), `format_version` and `$schema` (as every
/// data export has, see [`crate::api`]), `fields` (name to boost), `docs` (per
/// document `t` title, `i` ID, `u` URL relative to the edition folder, `x`
/// snippet text, `c` chapter title) and `index` (the serialised lunr index;
/// document refs are positions in `docs`).
pub fn search_data(docs: &[Document], language: SearchLanguage) -> String {
    let meta: Vec<Value> =
        docs.iter().map(|d| json!({ "t": d.title, "i": d.id, "u": d.url, "x": d.snippet, "c": d.chapter })).collect();
    let mut out = String::new();
    out.push_str("{\"lang\":");
    lunr_index::push_json_str(&mut out, language.code());
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
    out.push_str(&lunr_index(docs, language));
    out.push('}');
    out
}

/// The start of every `search-index.js`, up to the language code.
const SCRIPT_PREFIX: &str = "window.craftpubSearch={\"lang\":\"";

/// The search files of the edition `lang`/`version`, paths relative to the
/// site root: `search-index.js` and `search-index.json`.
pub fn edition_files(lang: &str, version: &str, docs: &[Document], language: SearchLanguage) -> Vec<(String, Vec<u8>)> {
    let data = search_data(docs, language);
    let script = format!("window.craftpubSearch={data};\n");
    debug_assert!(script.starts_with(SCRIPT_PREFIX));
    vec![
        (urls::search_index_script(lang, version), script.into_bytes()),
        (urls::search_index_json(lang, version), format!("{data}\n").into_bytes()),
    ]
}

/// The language code named by a `search-index.js` written by [`edition_files`].
fn script_language(script: &[u8]) -> Option<SearchLanguage> {
    let rest = script.strip_prefix(SCRIPT_PREFIX.as_bytes())?;
    let end = rest.iter().position(|&b| b == b'"')?;
    let code = std::str::from_utf8(&rest[..end]).ok()?;
    Some(SearchLanguage::from_code(code))
}

/// What the templates need for the search box of a page that searches the
/// edition `lang`/`version`: `action` (the search page), `index` (the data
/// script), `scripts` (lunr and the language's files, in loading order) and
/// `lang`. Paths are relative to the site root.
pub fn page_context(lang: &str, version: &str, language: SearchLanguage) -> Value {
    json!({
        "action": urls::search_page(lang, version),
        "index": urls::search_index_script(lang, version),
        "scripts": vendor::scripts(language),
        "lang": language.code(),
    })
}

/// The languages of the search indexes among `files` (rendered site files).
pub fn languages_in<'a>(files: impl IntoIterator<Item = (&'a String, &'a bytes::Bytes)>) -> Vec<SearchLanguage> {
    let mut langs: Vec<SearchLanguage> = files
        .into_iter()
        .filter(|(path, _)| path.ends_with("/search-index.js"))
        .filter_map(|(_, bytes)| script_language(bytes))
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
        assert_eq!(plain("See [[3.1.2]] and *this*."), "See 3.1.2 and this.");
    }

    #[test]
    fn edition_files_name_their_language() {
        let files = edition_files("es", "2.1", &[], SearchLanguage::Spanish);
        assert_eq!(files[0].0, "es/2.1/search-index.js");
        let map: crate::files::SiteFiles = files.into_iter().map(|(p, b)| (p, b.into())).collect();
        assert_eq!(languages_in(&map), vec![SearchLanguage::Spanish]);
    }
}
