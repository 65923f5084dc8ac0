//! Loading `translations/<lang>/`: each language's metadata, interface
//! strings and translated chapters, which mirror `standard/<version>/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;
use walkdir::WalkDir;

use super::{RawBlock, parse_blocks, parse_toml, read_source, slugify, split_front_matter};
use crate::diagnostics::{Diagnostics, line_of};
use crate::model::fingerprint;
use crate::model::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageToml {
    code: Spanned<String>,
    name: String,
    native_name: String,
    dir: Spanned<String>,
    search: Spanned<String>,
}

/// Why a code cannot name a translation, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}; {fix}")]
pub struct LanguageCodeError {
    /// What is wrong with the code.
    pub message: String,
    /// What to write instead.
    pub fix: String,
}

/// Checks that `code` can name a translation: a BCP 47 tag
/// (language\[-Script\]\[-REGION\]\[-variant...\]) in its canonical case, whose
/// language is an ISO 639 language written with its shortest code (`am`, not
/// `amh`), whose region is not a private-use one (`ZZ`, `XA`...), and which
/// is not the source language (whose text is `standard/` itself).
pub fn check_language_code(code: &str, source_language: &str) -> Result<(), LanguageCodeError> {
    let err = |message: String, fix: String| Err(LanguageCodeError { message, fix });
    let not_a_tag = || {
        err(
            format!("\"{code}\" is not a BCP 47 language code"),
            "use a code such as es, pt-BR, sr-Latn or sw (language, then optionally -Script and -REGION)".to_owned(),
        )
    };
    let parts: Vec<&str> = code.split('-').collect();
    if code.is_empty()
        || code.len() > 35
        || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return not_a_tag();
    }
    let mut canonical = Vec::new();
    let language = parts[0].to_ascii_lowercase();
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return not_a_tag();
    }
    canonical.push(language.clone());
    let mut rest = &parts[1..];
    if let Some(script) = rest.first().filter(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic())) {
        canonical.push(script[..1].to_ascii_uppercase() + &script[1..].to_ascii_lowercase());
        rest = &rest[1..];
    }
    let mut region = None;
    if let Some(r) = rest.first().filter(|p| {
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
            || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
    }) {
        region = Some(r.to_ascii_uppercase());
        canonical.push(r.to_ascii_uppercase());
        rest = &rest[1..];
    }
    for variant in rest {
        let ok = (5..=8).contains(&variant.len()) || (variant.len() == 4 && variant.as_bytes()[0].is_ascii_digit());
        if !ok {
            return not_a_tag();
        }
        canonical.push(variant.to_ascii_lowercase());
    }
    let canonical = canonical.join("-");
    if canonical.eq_ignore_ascii_case(source_language) {
        return err(
            format!("\"{code}\" is the source language: its text is standard/ itself, not a translation"),
            "translate into another language".to_owned(),
        );
    }
    if canonical != code {
        return err(format!("\"{code}\" is not in the canonical case of BCP 47"), format!("write it {canonical}"));
    }
    let known = match language.len() {
        2 => isolang::Language::from_639_1(&language).is_some(),
        _ => match isolang::Language::from_639_3(&language) {
            Some(l) => {
                if let Some(short) = l.to_639_1() {
                    let fixed =
                        std::iter::once(short).chain(canonical.split('-').skip(1)).collect::<Vec<_>>().join("-");
                    return err(
                        format!("\"{language}\" has a shorter code, which BCP 47 requires"),
                        format!("write {fixed}"),
                    );
                }
                true
            }
            None => false,
        },
    };
    if !known {
        return err(
            format!("\"{language}\" is not an ISO 639 language"),
            "use the language's ISO 639-1 code (e.g. am, es, sw) or, where there is none, its ISO 639-3 code"
                .to_owned(),
        );
    }
    if let Some(r) = region {
        let b = r.as_bytes();
        let private = r == "AA" || r == "ZZ" || (b[0] == b'Q' && b[1] >= b'M') || b[0] == b'X';
        if private {
            return err(
                format!("\"{r}\" is a private-use region, not a country or area"),
                "use an ISO 3166 region (e.g. BR, MX, 419) or leave the region out".to_owned(),
            );
        }
    }
    Ok(())
}

/// The search pipelines a language can name (see [`crate::search::SearchLanguage`]).
pub const SEARCH_CHOICES: &[&str] = &["en", "es", "fr", "pt", "none"];

/// Checks a `search` value: `Err` holds the fix, naming the choices.
pub fn check_search(search: &str) -> Result<(), String> {
    if crate::search::SearchLanguage::from_code(search).code() == search {
        return Ok(());
    }
    Err(format!(
        "use one of {} (none: words are matched without stemming, for every other language)",
        SEARCH_CHOICES.join(", ")
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslatedFrontMatter {
    title: String,
    source: Option<Spanned<String>>,
    #[serde(default)]
    untranslated: bool,
}

/// Loads every language under `root/translations/`, sorted by code.
pub fn load_translations(root: &Path, source_language: &str, diags: &mut Diagnostics) -> Vec<LanguageSource> {
    let dir = root.join("translations");
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    // Languages are read in parallel; their diagnostics are kept in folder order.
    let entries: Vec<_> = WalkDir::new(&dir).min_depth(1).max_depth(1).sort_by_file_name().into_iter().collect();
    let loaded: Vec<(Option<LanguageSource>, Diagnostics)> = entries
        .par_iter()
        .map(|entry| {
            let mut diags = diags.fork();
            let Ok(entry) = entry else {
                diags.error(&dir, 0, "cannot read an entry of translations/", "remove the broken entry");
                return (None, diags);
            };
            if entry.file_type().is_dir() {
                return (load_language(entry.path(), source_language, &mut diags), diags);
            }
            diags.warning(
                entry.path(),
                0,
                "files directly in translations/ are ignored",
                "put each language's files in translations/<code>/",
            );
            (None, diags)
        })
        .collect();
    for (language, language_diags) in loaded {
        diags.append(language_diags);
        out.extend(language);
    }
    out
}

fn load_language(dir: &Path, source_language: &str, diags: &mut Diagnostics) -> Option<LanguageSource> {
    let folder = dir.file_name()?.to_string_lossy().into_owned();
    if let Err(e) = check_language_code(&folder, source_language) {
        diags.error(dir, 0, format!("translations/{folder}/: {}", e.message), e.fix);
        return None;
    }
    let meta_file = dir.join("language.toml");
    if !meta_file.is_file() {
        diags.error(
            &meta_file,
            0,
            format!("language folder {folder} has no language.toml"),
            "add language.toml with code, name, native_name, dir and search (see the translators' guide)",
        );
        return None;
    }
    let text = read_source(&meta_file, diags)?;
    let meta: LanguageToml = parse_toml(&text, &meta_file, 1, "language metadata", diags)?;
    if *meta.code.get_ref() != folder {
        diags.error(
            &meta_file,
            line_of(&text, meta.code.span().start),
            format!("code \"{}\" differs from the folder name \"{folder}\"", meta.code.get_ref()),
            format!("set code = \"{folder}\" or rename the folder"),
        );
    }
    let dir_value = match meta.dir.get_ref().as_str() {
        "ltr" => Direction::Ltr,
        "rtl" => Direction::Rtl,
        other => {
            diags.error(
                &meta_file,
                line_of(&text, meta.dir.span().start),
                format!("unknown direction \"{other}\""),
                "use dir = \"ltr\" (left to right) or \"rtl\" (right to left)",
            );
            Direction::Ltr
        }
    };
    if let Err(fix) = check_search(meta.search.get_ref()) {
        diags.error(
            &meta_file,
            line_of(&text, meta.search.span().start),
            format!("unknown search pipeline \"{}\"", meta.search.get_ref()),
            fix,
        );
    }
    let language = Language {
        code: folder.clone(),
        name: meta.name,
        native_name: meta.native_name,
        dir: dir_value,
        search: meta.search.into_inner(),
    };

    let strings_po = dir.join("strings.po");
    let strings_file = if strings_po.is_file() { strings_po.clone() } else { dir.join("strings.toml") };
    if strings_po.is_file() && dir.join("strings.toml").is_file() {
        diags.error(
            &strings_po,
            0,
            "the interface strings are kept both in strings.toml and strings.po",
            "keep one of them (craftpub translate LANG --convert md|po converts)",
        );
    }
    let strings = if strings_po.is_file() {
        read_source(&strings_po, diags).map(|t| super::po::load_strings(&strings_po, &t, diags)).unwrap_or_default()
    } else if strings_file.is_file() {
        read_source(&strings_file, diags)
            .and_then(|t| parse_toml::<toml::Table>(&t, &strings_file, 1, "interface strings", diags))
            .unwrap_or_default()
    } else {
        diags.warning(
            &strings_file,
            0,
            "no interface strings: the English ones are shown",
            "copy theme/strings.toml here and translate the values (craftpub translate does it)",
        );
        toml::Table::new()
    };

    let mut versions = BTreeMap::new();
    for entry in WalkDir::new(dir).min_depth(1).max_depth(1).sort_by_file_name().into_iter().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let po_version = name.strip_suffix(".po").filter(|v| *v != "strings" && entry.file_type().is_file());
        if entry.file_type().is_dir() || po_version.is_some() {
            let (version, chapters) = match po_version {
                Some(v) => (
                    v.to_owned(),
                    read_source(entry.path(), diags)
                        .map(|t| super::po::load_catalogue(entry.path(), &t, diags))
                        .unwrap_or_default(),
                ),
                None => (name.clone(), load_translated_version(entry.path(), diags)),
            };
            if versions.contains_key(&version) {
                diags.error(
                    entry.path(),
                    0,
                    format!("version {version} is kept both as Markdown ({version}/) and as PO ({version}.po)"),
                    "keep one form per version (craftpub translate LANG --version V --convert md|po converts)",
                );
                continue;
            }
            versions.insert(version, chapters);
        } else if !["language.toml", "strings.toml", "strings.po", TERMS_FILE].contains(&name.as_str()) {
            diags.warning(
                entry.path(),
                0,
                "this file is not part of the translation and is ignored",
                "translations/<lang>/ holds language.toml, strings.toml, terms.toml and one folder per version",
            );
        }
    }
    let terms = load_terms(&dir.join(TERMS_FILE), diags);
    Some(LanguageSource { language, strings, strings_file, versions, dir: dir.to_path_buf(), terms })
}

/// The file that pairs the English glossary terms with a language's terms.
pub const TERMS_FILE: &str = "terms.toml";

/// Reads `terms.toml` (absent: no pairs): `"English term" = "term"` or
/// `= ["term", "other form"]`, the preferred form first. A value that is
/// not a non-empty string or list of them is an error naming its line.
fn load_terms(file: &Path, diags: &mut Diagnostics) -> BTreeMap<String, Vec<String>> {
    let mut terms = BTreeMap::new();
    if !file.is_file() {
        return terms;
    }
    let Some(text) = read_source(file, diags) else { return terms };
    let Some(table) = parse_toml::<toml::Table>(&text, file, 1, "glossary term pairs", diags) else {
        return terms;
    };
    for (english, value) in &table {
        let forms: Option<Vec<String>> = match value {
            toml::Value::String(s) => Some(vec![s.trim().to_owned()]),
            toml::Value::Array(items) => {
                items.iter().map(|v| v.as_str().map(|s| s.trim().to_owned())).collect::<Option<Vec<_>>>()
            }
            _ => None,
        };
        match forms.filter(|f| !f.is_empty() && f.iter().all(|s| !s.is_empty())) {
            Some(forms) => {
                terms.insert(english.trim().to_owned(), forms);
            }
            None => diags.error(
                file,
                key_line(&text, english),
                format!("the term pair \"{english}\" has no term in this language"),
                format!("write \"{english}\" = \"the term\" (or a list of forms, the preferred one first)"),
            ),
        }
    }
    terms
}

/// The line of `key`'s first appearance as a key in the TOML `text` (1 when not found).
fn key_line(text: &str, key: &str) -> usize {
    let quoted = format!("\"{key}\"");
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(&quoted) || (l.starts_with(key) && l[key.len()..].trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

fn load_translated_version(dir: &Path, diags: &mut Diagnostics) -> BTreeMap<String, TranslatedChapter> {
    let mut chapters = BTreeMap::new();
    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let Ok(entry) = entry else {
            diags.error(
                dir,
                0,
                "cannot read an entry of the folder (a broken link or a loop?)",
                "remove the broken entry",
            );
            continue;
        };
        let path = entry.path();
        if entry.file_type().is_dir() || super::is_editor_file(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let is_md = path.extension().is_some_and(|e| e == "md") && entry.depth() == 1;
        if !is_md {
            diags.warning(
                path,
                0,
                "only .md files mirroring standard/<version>/ are read here",
                "remove the file or rename it to match an English chapter",
            );
            continue;
        }
        let slug = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if let Some(chapter) = read_source(path, diags).and_then(|text| parse_translated_chapter(path, &text, diags)) {
            chapters.insert(slug, chapter);
        }
    }
    chapters
}

fn parse_translated_chapter(file: &Path, text: &str, diags: &mut Diagnostics) -> Option<TranslatedChapter> {
    let (front, body, body_line) = split_front_matter(file, text, diags)?;
    let fm: TranslatedFrontMatter = parse_toml(front, file, 2, "front matter", diags)?;
    let source = fm.source.map(|s| {
        if !fingerprint::is_valid(s.get_ref()) {
            diags.error(
                file,
                1 + line_of(front, s.span().start),
                format!("source \"{}\" is not a fingerprint", s.get_ref()),
                "run craftpub translate LANG --version V --mark-updated CHAPTER to record the current one",
            );
        }
        s.into_inner()
    });
    let mut blocks = Vec::new();
    let mut requirements = Vec::new();
    for raw in parse_blocks(file, body, body_line, diags) {
        match raw {
            // Prose as the PO form reads it too: no blank lines around it.
            RawBlock::Prose(text, line) => blocks.push(Block::Prose { text: text.trim().to_owned() + "\n", line }),
            RawBlock::Section(title, line) => {
                blocks.push(Block::Section(Section { anchor: slugify(&title), title, line }))
            }
            RawBlock::Requirement(raw) => {
                let mut title = None;
                let mut source = None;
                let mut untranslated = false;
                let mut seen = BTreeSet::new();
                for (key, value, line) in &raw.fields {
                    if !seen.insert(key.clone()) {
                        diags.error(
                            file,
                            *line,
                            format!("metadata key \"{key}\" is given twice"),
                            "keep one line per key",
                        );
                        continue;
                    }
                    match key.as_str() {
                        "title" => title = Some(value.clone()),
                        "source" if fingerprint::is_valid(value) => source = Some(value.clone()),
                        "source" => diags.error(
                            file,
                            *line,
                            format!("source \"{value}\" is not a fingerprint"),
                            format!(
                                "run craftpub translate LANG --version V --mark-updated {} after updating the text",
                                raw.id
                            ),
                        ),
                        "untranslated" => untranslated = value == "true",
                        "applies-to" | "level" | "timeframe" | "oecd" | "commodities" => diags.error(
                            file,
                            *line,
                            format!("{key} is metadata of the English text and is not translated"),
                            format!("remove the {key} line: translations give only title and source"),
                        ),
                        _ => diags.error(
                            file,
                            *line,
                            format!("unknown key \"{key}\" in translated requirement {}", raw.id),
                            "a translated requirement has title, source and, while untranslated, untranslated: true",
                        ),
                    }
                }
                if title.is_none() {
                    diags.error(
                        file,
                        raw.line,
                        format!("translated requirement {} has no title", raw.id),
                        format!("add a line \"title: ...\" right after ::: requirement {}", raw.id),
                    );
                }
                let Some(source) = source else {
                    if !raw.fields.iter().any(|(k, _, _)| k == "source") {
                        diags.error(
                            file,
                            raw.line,
                            format!("translated requirement {} has no source fingerprint", raw.id),
                            "add source: with the fingerprint of the English text (craftpub translate writes it)",
                        );
                    }
                    continue;
                };
                requirements.push(TranslatedRequirement {
                    id: raw.id,
                    title: title.unwrap_or_default(),
                    source,
                    untranslated,
                    body: raw.body,
                    guidance: raw.guidance,
                    file: file.to_path_buf(),
                    line: raw.line,
                    body_line: raw.body_line,
                    guidance_line: raw.guidance_line,
                });
            }
        }
    }
    Some(TranslatedChapter {
        title: fm.title,
        source,
        untranslated: fm.untranslated,
        blocks,
        requirements,
        file: file.to_path_buf(),
    })
}
