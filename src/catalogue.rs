//! The PO form of a translation, written: a version's catalogue from the
//! model (whichever form it was read from), its update against changed
//! English like `msgmerge`, the Markdown form written back, and the
//! conversion of a language between the two forms.
//!
//! Catalogues live beside the Markdown form in `translations/<lang>/`:
//! `<version>.po` for a version's chapters and requirements, `strings.po`
//! for the interface strings. One catalogue per version, because a version
//! is what a translator updates and what a CAT tool (a Weblate component,
//! file mask `translations/*/2.1.po`) is pointed at; reuse across versions
//! is craftpub's, by fingerprint, as in the Markdown form.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::load::po::{Segment, paragraphs};
use crate::model::*;
use crate::po::{self, Catalogue, Entry};

/// Why a conversion or an update could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// A translated chapter's headings and prose do not pair with the English ones.
    #[error("{0}: its headings and prose do not mirror the English chapter's; fix the check's warning first")]
    Unaligned(PathBuf),
    /// A catalogue could not be read.
    #[error("{0}: line {1}: {2}")]
    Malformed(PathBuf, usize, String),
    /// A file could not be read or written.
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// The version is kept in the other form.
    #[error("{0} is kept as Markdown; convert it first: craftpub translate {1} --version {2} --convert po")]
    OtherForm(PathBuf, String, String),
}

fn entry(segment: &Segment, english: &str, from: &str, translated: &str, note: String, reference: String) -> Entry {
    let mut e = Entry {
        extracted: vec![note],
        // The context again as a reference, which XLIFF round trips keep.
        references: vec![format!("{reference} {}", crate::load::po::context_reference(&segment.context()))],
        msgctxt: Some(segment.context()),
        msgid: english.to_owned(),
        msgstr: translated.to_owned(),
        ..Default::default()
    };
    if from != english {
        e.set_fuzzy(true);
        e.previous = Some(from.to_owned());
    }
    e
}

/// A part (body, guidance, prose piece) as messages: one per paragraph when
/// the English now, the English translated from and the translation have as
/// many paragraphs, else one for the whole part.
fn part_entries(
    out: &mut Vec<Entry>,
    make: &dyn Fn(Option<usize>) -> Segment,
    now: &str,
    from: &str,
    translated: &str,
    what: &str,
    reference: &str,
) {
    let (n, f, t) = (paragraphs(now), paragraphs(from), paragraphs(translated));
    if n.len() == f.len() && (translated.is_empty() || t.len() == f.len()) && !n.is_empty() {
        let count = f.len();
        for (i, (n, f)) in n.iter().zip(&f).enumerate() {
            let tr = t.get(i).map_or("", String::as_str);
            let note = format!("{what}, paragraph {} of {count}", i + 1);
            out.push(entry(&make(Some(i + 1)), n, f, tr, note, reference.to_owned()));
        }
    } else {
        let join = |p: &[String]| p.join("\n\n");
        out.push(entry(&make(None), &join(&n), &join(&f), &join(&t), what.to_owned(), reference.to_owned()));
    }
}

fn reference(version: &str, slug: &str, line: usize) -> String {
    format!("standard/{version}/{slug}.md:{line}")
}

/// The messages of one English requirement: `t` its translation (None: all empty).
fn requirement_entries(
    project: &Project,
    v: &Version,
    slug: &str,
    r: &Requirement,
    t: Option<&TranslatedRequirement>,
) -> Vec<Entry> {
    let known = match t {
        Some(t) if !t.untranslated => project.english_text(&t.source).map(|(_, r)| r),
        _ => Some(r),
    };
    let from = known.unwrap_or(r);
    let empty = t.is_none_or(|t| t.untranslated);
    let tr = |s: &str| if empty { String::new() } else { s.to_owned() };
    let reference = reference(&v.id, slug, r.line);
    let mut out = vec![entry(
        &Segment::Title(r.id.clone()),
        &r.title,
        &from.title,
        &tr(t.map_or("", |t| &t.title)),
        format!("Requirement {}: title", r.id),
        reference.clone(),
    )];
    part_entries(
        &mut out,
        &|p| Segment::Body(r.id.clone(), p),
        &r.body,
        &from.body,
        &tr(t.map_or("", |t| &t.body)),
        &format!("Requirement {}: text", r.id),
        &reference,
    );
    let guidance_now = r.guidance.as_deref().or(from.guidance.as_deref());
    let translated_guidance = t.and_then(|t| t.guidance.as_deref());
    if let Some(now) = guidance_now
        && (empty || translated_guidance.is_some())
    {
        part_entries(
            &mut out,
            &|p| Segment::Guidance(r.id.clone(), p),
            now,
            from.guidance.as_deref().unwrap_or(now),
            &tr(translated_guidance.unwrap_or("")),
            &format!("Requirement {}: guidance", r.id),
            &reference,
        );
    }
    if known.is_none() {
        unknown_origin(&mut out, t.map_or("", |t| &t.source));
    }
    out
}

/// Marks messages whose English origin is not in `standard/`: fuzzy, and
/// the fingerprint recorded in a comment, so that converting back keeps it.
fn unknown_origin(out: &mut [Entry], fp: &str) {
    for e in out.iter_mut() {
        e.set_fuzzy(true);
        e.previous = None;
    }
    let _ = fp;
}

/// Records on the title message of each chapter and requirement whose
/// recorded fingerprint the messages do not give (English not in
/// `standard/`, or pieces the translation lacks) `craftpub source X for Y`:
/// the reader takes X while the messages give Y, i.e. until they change.
fn record_sources(catalogue: &mut Catalogue, chapters: &BTreeMap<String, TranslatedChapter>) {
    let mut diags = crate::diagnostics::Diagnostics::default();
    let read = crate::load::po::load_catalogue(Path::new(""), &po::write(catalogue), &mut diags);
    let mut notes: HashMap<String, String> = HashMap::new();
    for (slug, t) in chapters {
        let Some(r) = read.get(slug) else { continue };
        if let (Some(want), Some(got)) = (&t.source, &r.source)
            && want != got
            && !r.title.is_empty()
        {
            notes.insert(format!("{slug} title"), format!("{}{want} for {got}", crate::load::po::SOURCE_NOTE));
        }
        for tr in &t.requirements {
            let got = read.values().flat_map(|c| &c.requirements).find(|x| x.id == tr.id);
            if let Some(got) = got
                && got.source != tr.source
            {
                notes.insert(
                    format!("{} title", tr.id),
                    format!("{}{} for {}", crate::load::po::SOURCE_NOTE, tr.source, got.source),
                );
            }
        }
    }
    for e in &mut catalogue.entries {
        if let Some(note) = e.msgctxt.as_deref().and_then(|c| notes.get(c)) {
            e.comments.push(note.clone());
        }
    }
}

fn pieces(blocks: &[Block]) -> Vec<&Block> {
    blocks.iter().filter(|b| !matches!(b, Block::Requirement(_))).collect()
}

/// The English chapter whose own text has the fingerprint `fp`.
fn english_chapter<'p>(project: &'p Project, fp: &str) -> Option<&'p Chapter> {
    project.versions.iter().rev().find_map(|v| v.chapters.iter().find(|c| v.chapter_fingerprint(c) == fp))
}

/// The messages of a chapter's own text: `t` its translation (None: all empty).
fn chapter_entries(
    project: &Project,
    v: &Version,
    c: &Chapter,
    t: Option<&TranslatedChapter>,
) -> Result<Vec<Entry>, CatalogueError> {
    let known = match t {
        Some(t) if !t.untranslated => t.source.as_deref().map_or(Some(c), |fp| english_chapter(project, fp)),
        _ => Some(c),
    };
    let from = known.unwrap_or(c);
    let empty = t.is_none_or(|t| t.untranslated);
    let reference = reference(&v.id, &c.slug, 1);
    let mut out = vec![entry(
        &Segment::ChapterTitle(c.slug.clone()),
        &c.title,
        &from.title,
        &if empty { String::new() } else { t.map_or(String::new(), |t| t.title.clone()) },
        format!("Chapter {}: title", c.slug),
        reference.clone(),
    )];
    let (now, was) = (pieces(&c.blocks), pieces(&from.blocks));
    let translated = t.filter(|_| !empty).map(|t| pieces(&t.blocks));
    let count = translated.as_ref().map_or(now.len(), |t| t.len());
    for k in 0..count {
        let tr = translated.as_ref().and_then(|t| t.get(k).copied());
        let n = now.get(k).copied();
        let f = was.get(k).copied().or(n);
        let same = |a: Option<&Block>, b: Option<&Block>| {
            matches!(
                (a, b),
                (Some(Block::Prose { .. }), Some(Block::Prose { .. }))
                    | (Some(Block::Section(_)), Some(Block::Section(_)))
            )
        };
        let kind_of = tr.or(n);
        if tr.is_some() && !same(tr, f) {
            return Err(CatalogueError::Unaligned(t.map(|t| t.file.clone()).unwrap_or_default()));
        }
        let n = if same(n, kind_of) { n } else { f };
        let text = |b: Option<&Block>| match b {
            Some(Block::Prose { text, .. }) => text.trim().to_owned(),
            Some(Block::Section(s)) => s.title.clone(),
            _ => String::new(),
        };
        let line = |b: Option<&Block>| match b {
            Some(Block::Prose { line, .. }) => *line,
            Some(Block::Section(s)) => s.line,
            _ => 1,
        };
        let reference = super::catalogue::reference(&v.id, &c.slug, line(n));
        match kind_of {
            Some(Block::Section(_)) => out.push(entry(
                &Segment::Heading(c.slug.clone(), k + 1),
                &text(n),
                &text(f),
                &text(tr),
                format!("Chapter {}: heading", c.slug),
                reference,
            )),
            _ => part_entries(
                &mut out,
                &|p| Segment::Text(c.slug.clone(), k + 1, p),
                &text(n),
                &text(f),
                &text(tr),
                &format!("Chapter {}: text", c.slug),
                &reference,
            ),
        }
    }
    if known.is_none() {
        unknown_origin(&mut out, t.and_then(|t| t.source.as_deref()).unwrap_or(""));
    }
    Ok(out)
}

/// The catalogue of what a language's `version` folder (or catalogue)
/// holds, as read into the model: the conversion to the PO form. Only what
/// the translation holds is written, so converting back gives the same files.
pub fn catalogue_of(project: &Project, lang: &LanguageSource, version: &Version) -> Result<Catalogue, CatalogueError> {
    let empty = BTreeMap::new();
    let chapters = lang.versions.get(&version.id).unwrap_or(&empty);
    let mut entries = Vec::new();
    for c in &version.chapters {
        let Some(t) = chapters.get(&c.slug) else { continue };
        if !(t.untranslated && t.title.is_empty()) {
            entries.extend(chapter_entries(project, version, c, Some(t))?);
        }
        for r in c.requirements() {
            if let Some(tr) = t.requirements.iter().find(|x| x.id == r.id) {
                entries.extend(requirement_entries(project, version, &c.slug, r, Some(tr)));
            }
        }
    }
    let mut catalogue = Catalogue {
        header_comments: header_comments(project, version),
        header: po::header(&lang.language.code, &title(project, version), &version.date),
        entries,
    };
    record_sources(&mut catalogue, chapters);
    Ok(catalogue)
}

fn title(project: &Project, v: &Version) -> String {
    format!("{} {}", project.standard.title, v.id)
}

fn header_comments(project: &Project, v: &Version) -> Vec<String> {
    vec![
        format!("{} {}: chapters and requirements to translate.", project.standard.title, v.id),
        "msgctxt names where each text stands; fuzzy entries show the English they were".to_owned(),
        "translated from (#| msgid). Check with: craftpub check; craftpub status --lang LANG".to_owned(),
    ]
}

/// The template of a version: every segment of its English, untranslated.
pub fn template(project: &Project, version: &Version) -> Catalogue {
    let mut entries = Vec::new();
    for c in &version.chapters {
        entries.extend(chapter_entries(project, version, c, None).unwrap_or_default());
        for r in c.requirements() {
            entries.extend(requirement_entries(project, version, &c.slug, r, None));
        }
    }
    Catalogue {
        header_comments: header_comments(project, version),
        header: po::header("", &title(project, version), &version.date),
        entries,
    }
}

/// Updates `existing` (the language's catalogue of `version`, if any) to the
/// English of `version`, as `msgmerge --previous` does: unchanged English
/// keeps its message; changed English keeps the translation, fuzzy, with the
/// previous English as `#| msgid`; new English is empty unless the language
/// translated the same English elsewhere (any version, either form), then
/// that translation is taken; translated messages whose English is gone are
/// kept as obsolete `#~`. Translated text is never lost.
pub fn update(project: &Project, lang: &LanguageSource, version: &Version, existing: Option<&Catalogue>) -> Catalogue {
    let mut out = template(project, version);
    out.header = po::header(&lang.language.code, &title(project, version), &version.date);
    if let Some(e) = existing {
        out.header_comments = e.header_comments.clone();
        if !e.header.is_empty() {
            out.header = e.header.clone();
        }
    }
    // Translations of the same English in any version, by (context, English) and by English.
    let mut by_context: HashMap<(String, String), String> = HashMap::new();
    let mut by_english: HashMap<String, String> = HashMap::new();
    for v in &project.versions {
        if !lang.versions.contains_key(&v.id) {
            continue;
        }
        let Ok(c) = catalogue_of(project, lang, v) else { continue };
        for e in c.entries.into_iter().filter(|e| e.is_translated()) {
            by_english.insert(e.msgid.clone(), e.msgstr.clone());
            by_context.insert((e.msgctxt.clone().unwrap_or_default(), e.msgid), e.msgstr);
        }
    }
    merge(&mut out, existing, &by_context, &by_english);
    out
}

/// Merges the messages of `existing` into the template `out` (see [`update`]).
fn merge(
    out: &mut Catalogue,
    existing: Option<&Catalogue>,
    by_context: &HashMap<(String, String), String>,
    by_english: &HashMap<String, String>,
) {
    let old: HashMap<&str, &Entry> = existing
        .map(|c| c.entries.iter().filter(|e| !e.obsolete).map(|e| (e.msgctxt.as_deref().unwrap_or(""), e)).collect())
        .unwrap_or_default();
    let mut used = std::collections::HashSet::new();
    for e in &mut out.entries {
        let ctxt = e.msgctxt.clone().unwrap_or_default();
        match old.get(ctxt.as_str()) {
            // Reflowed English (only whitespace changed) keeps its message as it is.
            Some(o) if o.msgid.split_whitespace().eq(e.msgid.split_whitespace()) => {
                used.insert(ctxt.clone());
                e.msgstr = o.msgstr.clone();
                e.flags = o.flags.clone();
                e.previous = o.previous.clone();
                e.comments = o.comments.clone();
            }
            Some(o) if !o.msgstr.is_empty() => {
                used.insert(ctxt.clone());
                e.msgstr = o.msgstr.clone();
                e.comments = o.comments.clone();
                e.set_fuzzy(true);
                e.previous =
                    Some(if o.is_fuzzy() { o.previous.clone().unwrap_or(o.msgid.clone()) } else { o.msgid.clone() });
            }
            _ => {
                let found = by_context.get(&(ctxt.clone(), e.msgid.clone())).or_else(|| by_english.get(&e.msgid));
                if let Some(t) = found {
                    e.msgstr = t.clone();
                    e.set_fuzzy(false);
                    e.previous = None;
                }
            }
        }
    }
    if let Some(c) = existing {
        for o in &c.entries {
            let ctxt = o.msgctxt.as_deref().unwrap_or("");
            if !used.contains(ctxt)
                && !o.msgstr.is_empty()
                && !out.entries.iter().any(|e| e.msgctxt.as_deref() == Some(ctxt))
            {
                let mut gone = o.clone();
                gone.obsolete = true;
                gone.previous = None;
                gone.set_fuzzy(false);
                out.entries.push(gone);
            }
        }
    }
}

/// The Markdown form of one translated chapter, as `craftpub translate` writes it.
pub fn markdown_of(english: &Chapter, t: &TranslatedChapter) -> String {
    let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut text = format!("+++\ntitle = {}\n", q(&t.title));
    if let Some(fp) = &t.source {
        let _ = writeln!(text, "source = \"{fp}\"");
    }
    if t.untranslated {
        text.push_str("untranslated = true   # remove once the title and text are translated\n");
    }
    text.push_str("+++\n\n");
    let translated = pieces(&t.blocks);
    let mut n = 0;
    let mut placed = std::collections::HashSet::new();
    let piece = |text: &mut String, b: &Block| match b {
        Block::Section(s) => {
            let _ = writeln!(text, "## {}\n", s.title);
        }
        Block::Prose { text: p, .. } => {
            text.push_str(p.trim());
            text.push_str("\n\n");
        }
        Block::Requirement(_) => {}
    };
    for b in &english.blocks {
        match b {
            Block::Requirement(r) => {
                if let Some(tr) = t.requirements.iter().find(|x| x.id == r.id) {
                    placed.insert(tr.id.clone());
                    text.push_str(&block(tr));
                }
            }
            _ => {
                if let Some(p) = translated.get(n) {
                    piece(&mut text, p);
                }
                n += 1;
            }
        }
    }
    for p in translated.iter().skip(n) {
        piece(&mut text, p);
    }
    for tr in t.requirements.iter().filter(|x| !placed.contains(&x.id)) {
        text.push_str(&block(tr));
    }
    text.trim_end().to_owned() + "\n"
}

fn block(t: &TranslatedRequirement) -> String {
    crate::scaffold::requirement_block(&t.id, &t.title, &t.source, t.untranslated, &t.body, t.guidance.as_deref())
}

/// The interface strings as a catalogue: every English string, translated or empty.
pub fn strings_catalogue(lang: &str, date: &str, english: &toml::Table, translated: &toml::Table) -> Catalogue {
    let mut entries = Vec::new();
    for (group, values) in english {
        let Some(values) = values.as_table() else { continue };
        let theirs = translated.get(group).and_then(|t| t.as_table());
        for (key, value) in values {
            let Some(en) = value.as_str().filter(|en| !en.is_empty()) else { continue };
            let tr = theirs.and_then(|t| t.get(key)).and_then(|v| v.as_str()).unwrap_or("");
            entries.push(Entry {
                extracted: vec!["Interface string (theme/strings.toml)".to_owned()],
                references: vec![crate::load::po::context_reference(&format!("{group}.{key}"))],
                msgctxt: Some(format!("{group}.{key}")),
                msgid: en.to_owned(),
                msgstr: tr.to_owned(),
                ..Default::default()
            });
        }
    }
    Catalogue {
        header_comments: vec![
            "Interface strings of the site: translate msgstr; an empty one shows in English.".to_owned(),
        ],
        header: po::header(lang, "craftpub interface strings", date),
        entries,
    }
}

/// The interface strings as `strings.toml`: translated ones set, the others
/// commented out with their English.
pub fn strings_toml(english: &toml::Table, translated: &toml::Table) -> String {
    let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut out = String::from(
        "# Interface strings. Translate a line and remove its leading \"# \"; a string\n# left commented out is shown in English (marked as English) and counted as\n# missing by craftpub check and craftpub status.\n",
    );
    for (group, values) in english {
        let Some(values) = values.as_table() else { continue };
        let theirs = translated.get(group).and_then(|t| t.as_table());
        let _ = write!(out, "\n[{group}]\n");
        for (key, value) in values {
            let k = crate::scaffold::toml_key(key);
            match theirs.and_then(|t| t.get(key)).and_then(|v| v.as_str()).or(value.as_str().filter(|v| v.is_empty())) {
                Some(t) => {
                    let _ = writeln!(out, "{k} = {}", q(t));
                }
                None => {
                    let _ = writeln!(out, "# {k} = {}", q(value.as_str().unwrap_or("")));
                }
            }
        }
    }
    out
}

/// The form a language's translations are kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Markdown files mirroring `standard/`, and `strings.toml`.
    Markdown,
    /// gettext PO catalogues: `<version>.po`, `strings.po`.
    Po,
}

fn latest_date(project: &Project) -> String {
    project.latest().or(project.versions.last()).map_or_else(String::new, |v| v.date.clone())
}

fn write_file(path: &Path, text: &str) -> Result<(), CatalogueError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CatalogueError::Io(dir.to_path_buf(), e))?;
    }
    std::fs::write(path, text).map_err(|e| CatalogueError::Io(path.to_path_buf(), e))
}

fn remove(path: &Path) -> Result<(), CatalogueError> {
    let r = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    r.map_err(|e| CatalogueError::Io(path.to_path_buf(), e))
}

/// Converts language `lang` (every version, or only `only`) and its
/// interface strings to `form`; returns the files written. Lossless: the
/// conversion back gives the same files. Everything is computed before
/// anything is written.
pub fn convert(
    root: &Path,
    project: &Project,
    english_strings: &toml::Table,
    lang: &LanguageSource,
    form: Form,
    only: Option<&str>,
) -> Result<Vec<PathBuf>, CatalogueError> {
    let dir = root.join("translations").join(&lang.language.code);
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    let mut removes: Vec<PathBuf> = Vec::new();
    for (vid, chapters) in &lang.versions {
        if only.is_some_and(|o| o != vid) {
            continue;
        }
        let Some(v) = project.version(vid) else { continue };
        let md = dir.join(vid);
        let po_file = dir.join(format!("{vid}.po"));
        match form {
            Form::Po if md.is_dir() => {
                writes.push((po_file, po::write(&catalogue_of(project, lang, v)?)));
                removes.push(md);
            }
            Form::Markdown if po_file.is_file() => {
                for c in &v.chapters {
                    if let Some(t) = chapters.get(&c.slug) {
                        writes.push((md.join(format!("{}.md", c.slug)), markdown_of(c, t)));
                    }
                }
                removes.push(po_file);
            }
            _ => {}
        }
    }
    if only.is_none() {
        let (toml_file, po_file) = (dir.join("strings.toml"), dir.join("strings.po"));
        match form {
            Form::Po if toml_file.is_file() => {
                writes.push((
                    po_file,
                    po::write(&strings_catalogue(
                        &lang.language.code,
                        &latest_date(project),
                        english_strings,
                        &lang.strings,
                    )),
                ));
                removes.push(toml_file);
            }
            Form::Markdown if po_file.is_file() => {
                writes.push((toml_file, strings_toml(english_strings, &lang.strings)));
                removes.push(po_file);
            }
            _ => {}
        }
    }
    for r in &removes {
        remove(r)?;
    }
    for (path, text) in &writes {
        write_file(path, text)?;
    }
    Ok(writes.into_iter().map(|(p, _)| p).collect())
}

/// `craftpub translate LANG --format po`: creates or updates the version's
/// catalogue (see [`update`]) and, for a new language, `strings.po`.
pub fn scaffold_po(
    root: &Path,
    project: &Project,
    english_strings: &toml::Table,
    lang: &LanguageSource,
    version: &Version,
) -> Result<Vec<PathBuf>, CatalogueError> {
    let dir = root.join("translations").join(&lang.language.code);
    if dir.join(&version.id).is_dir() {
        return Err(CatalogueError::OtherForm(dir.join(&version.id), lang.language.code.clone(), version.id.clone()));
    }
    let path = dir.join(format!("{}.po", version.id));
    let existing = if path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| CatalogueError::Io(path.clone(), e))?;
        Some(po::parse(&text).map_err(|e| CatalogueError::Malformed(path.clone(), e[0].line, e[0].message.clone()))?)
    } else {
        None
    };
    let mut written = Vec::new();
    let text = po::write(&update(project, lang, version, existing.as_ref()));
    if existing.is_none() || std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        write_file(&path, &text)?;
        written.push(path);
    }
    let strings_po = dir.join("strings.po");
    if strings_po.is_file() || !dir.join("strings.toml").is_file() {
        let mut catalogue =
            strings_catalogue(&lang.language.code, &latest_date(project), english_strings, &toml::Table::new());
        let existing = match std::fs::read_to_string(&strings_po) {
            Ok(text) => Some(
                po::parse(&text)
                    .map_err(|e| CatalogueError::Malformed(strings_po.clone(), e[0].line, e[0].message.clone()))?,
            ),
            Err(_) => None,
        };
        merge(&mut catalogue, existing.as_ref(), &HashMap::new(), &HashMap::new());
        if let Some(e) = &existing {
            catalogue.header_comments = e.header_comments.clone();
        }
        let text = po::write(&catalogue);
        if std::fs::read_to_string(&strings_po).ok().as_deref() != Some(text.as_str()) {
            write_file(&strings_po, &text)?;
            written.push(strings_po);
        }
    }
    Ok(written)
}
