//! Reading a language's translations from gettext PO catalogues:
//! `translations/<lang>/<version>.po` (chapters and requirements) and
//! `translations/<lang>/strings.po` (interface strings).
//!
//! Each message is one segment, no larger than a paragraph, named by its
//! `msgctxt`: `<chapter> title`, `<chapter> heading <k>`, `<chapter> text <k>.<p>`
//! (piece `k` of the chapter's headings and prose, paragraph `p`), `<id> title`,
//! `<id> body <p>`, `<id> guidance <p>` (a part written as one message, when
//! its paragraphs do not pair with the English ones, has no `<p>`). The
//! English is the `msgid`. A segment is translated when its `msgstr` is set
//! and it is not fuzzy. The catalogue is read into the same model as the
//! Markdown form, with the fingerprint of the English each requirement and
//! chapter was translated from (a fuzzy segment's previous `#| msgid`), so
//! statuses, reuse and fallback are exactly those of the Markdown form.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::model::fingerprint;
use crate::model::*;
use crate::po::{self, Entry};

/// Splits Markdown into paragraphs: runs of lines between blank lines
/// (blank lines inside fenced code do not split).
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str()) {
                fence = None;
            }
        } else if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(t.chars().take_while(|c| *c == '`' || *c == '~').collect());
        }
        if line.trim().is_empty() && fence.is_none() {
            if !cur.is_empty() {
                out.push(cur.join("\n"));
                cur.clear();
            }
        } else {
            cur.push(line.trim_end());
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("\n"));
    }
    out
}

/// What a message's context names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    /// A chapter's title.
    ChapterTitle(String),
    /// Piece `k` (1-based) of a chapter: a heading.
    Heading(String, usize),
    /// Piece `k` of a chapter: prose, paragraph `p` (None: the whole piece).
    Text(String, usize, Option<usize>),
    /// A requirement's title.
    Title(String),
    /// A requirement's body, paragraph `p` (None: the whole body).
    Body(String, Option<usize>),
    /// A requirement's guidance, paragraph `p` (None: the whole guidance).
    Guidance(String, Option<usize>),
}

impl Segment {
    /// The `msgctxt` naming the segment.
    pub fn context(&self) -> String {
        let p = |p: &Option<usize>| p.map(|p| format!(" {p}")).unwrap_or_default();
        match self {
            Segment::ChapterTitle(s) => format!("{s} title"),
            Segment::Heading(s, k) => format!("{s} heading {k}"),
            Segment::Text(s, k, para) => match para {
                Some(q) => format!("{s} text {k}.{q}"),
                None => format!("{s} text {k}"),
            },
            Segment::Title(id) => format!("{id} title"),
            Segment::Body(id, n) => format!("{id} body{}", p(n)),
            Segment::Guidance(id, n) => format!("{id} guidance{}", p(n)),
        }
    }

    /// Reads a context back.
    pub fn parse(ctxt: &str) -> Option<Segment> {
        let parts: Vec<&str> = ctxt.split(' ').collect();
        let owner = (*parts.first()?).to_owned();
        let num = |s: &str| s.parse::<usize>().ok().filter(|n| *n > 0);
        let is_id = super::is_requirement_id(&owner);
        Some(match (is_id, &parts[1..]) {
            (false, ["title"]) => Segment::ChapterTitle(owner),
            (false, ["heading", k]) => Segment::Heading(owner, num(k)?),
            (false, ["text", k]) => match k.split_once('.') {
                Some((k, p)) => Segment::Text(owner, num(k)?, Some(num(p)?)),
                None => Segment::Text(owner, num(k)?, None),
            },
            (true, ["title"]) => Segment::Title(owner),
            (true, ["body"]) => Segment::Body(owner, None),
            (true, ["body", p]) => Segment::Body(owner, Some(num(p)?)),
            (true, ["guidance"]) => Segment::Guidance(owner, None),
            (true, ["guidance", p]) => Segment::Guidance(owner, Some(num(p)?)),
            _ => return None,
        })
    }
}

/// The text a segment stands for in the English a translation was made
/// from: the previous English of a fuzzy message, else its msgid; None when
/// a fuzzy message does not say its previous English.
fn origin(e: &Entry) -> Option<&str> {
    match (e.is_fuzzy(), &e.previous) {
        (false, _) => Some(&e.msgid),
        (true, Some(p)) => Some(p),
        (true, None) => None,
    }
}

/// The start of the translator comment `craftpub source X for Y`.
pub const SOURCE_NOTE: &str = "craftpub source ";

/// The fingerprint to record: X of a comment `craftpub source X for Y` on
/// the title message while the messages give Y (the English translated from
/// is not in `standard/`, or the translation lacks pieces), else `computed`.
fn recorded(title: Option<&Entry>, computed: String) -> String {
    let note = title.and_then(|e| e.comments.iter().find_map(|c| c.strip_prefix(SOURCE_NOTE)));
    match note.and_then(|n| n.split_once(" for ")) {
        Some((x, y)) if y == computed && fingerprint::is_valid(x) => x.to_owned(),
        _ => computed,
    }
}

/// The fingerprint of an incomplete translation: never one of an English text.
fn incomplete(parts: &[&str]) -> String {
    fingerprint::of_parts("\u{0}incomplete", &parts.join("\n"), None)
}

/// Joins a part's messages (sorted by paragraph) into its text: the
/// translation where there is one, else the English; and the English it was
/// made from.
struct Joined {
    shown: String,
    origin: Option<String>,
    all_empty: bool,
    any_empty: bool,
}

fn join(entries: &[&Entry]) -> Joined {
    let shown: Vec<&str> =
        entries.iter().map(|e| if e.msgstr.is_empty() { e.msgid.as_str() } else { &e.msgstr }).collect();
    let origins: Option<Vec<&str>> = entries.iter().map(|e| origin(e)).collect();
    Joined {
        shown: shown.join("\n\n"),
        origin: origins.map(|o| o.join("\n\n")),
        all_empty: entries.iter().all(|e| e.msgstr.is_empty()),
        any_empty: entries.iter().any(|e| e.msgstr.is_empty()),
    }
}

/// Reads `translations/<lang>/<version>.po` into translated chapters, by slug.
pub fn load_catalogue(path: &Path, text: &str, diags: &mut Diagnostics) -> BTreeMap<String, TranslatedChapter> {
    let mut chapters = BTreeMap::new();
    let catalogue = match po::parse(text) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                diags.error(path, e.line, e.message, e.fix);
            }
            return chapters;
        }
    };
    // Group the messages by chapter and by requirement.
    let mut by_chapter: BTreeMap<String, Vec<(Segment, &Entry)>> = BTreeMap::new();
    let mut by_requirement: BTreeMap<String, Vec<(Segment, &Entry)>> = BTreeMap::new();
    let mut requirement_chapter: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for e in catalogue.entries.iter().filter(|e| !e.obsolete) {
        let ctxt = context_of(e).unwrap_or_default();
        let ctxt = ctxt.as_str();
        let Some(segment) = Segment::parse(ctxt) else {
            diags.error(
                path,
                e.line,
                format!("msgctxt \"{ctxt}\" names no part of the Code"),
                "keep the msgctxt craftpub wrote (e.g. \"3.1.2 body 1\" or \"module-3 title\")",
            );
            continue;
        };
        if let Some(first) = seen.insert(ctxt.to_owned(), e.line) {
            diags.error(
                path,
                e.line,
                format!("msgctxt \"{ctxt}\" is given twice (also at line {first})"),
                "keep one message per msgctxt",
            );
            continue;
        }
        // A requirement's chapter is named by the reference line craftpub writes.
        match &segment {
            Segment::ChapterTitle(s) | Segment::Heading(s, _) | Segment::Text(s, _, _) => {
                by_chapter.entry(s.clone()).or_default().push((segment, e))
            }
            Segment::Title(id) | Segment::Body(id, _) | Segment::Guidance(id, _) => {
                if let Some(slug) =
                    e.references.iter().flat_map(|r| r.split_whitespace()).find_map(chapter_of_reference)
                {
                    requirement_chapter.entry(id.clone()).or_insert(slug);
                }
                by_requirement.entry(id.clone()).or_default().push((segment, e))
            }
        }
    }
    for (slug, mut segs) in by_chapter {
        segs.sort_by(|a, b| a.0.cmp(&b.0));
        let title = segs.iter().find(|(s, _)| matches!(s, Segment::ChapterTitle(_))).map(|(_, e)| *e);
        let mut pieces: BTreeMap<usize, Vec<(Option<usize>, &Entry)>> = BTreeMap::new();
        let mut headings = BTreeMap::new();
        for (s, e) in &segs {
            match s {
                Segment::Heading(_, k) => {
                    headings.insert(*k, *e);
                }
                Segment::Text(_, k, p) => pieces.entry(*k).or_default().push((*p, *e)),
                _ => {}
            }
        }
        let mut blocks = Vec::new();
        let mut english_blocks = Vec::new();
        let mut all: Vec<&Entry> = title.into_iter().collect();
        let mut known = true;
        let max = headings.keys().chain(pieces.keys()).copied().max().unwrap_or(0);
        for k in 1..=max {
            if let Some(e) = headings.get(&k) {
                let shown = if e.msgstr.is_empty() { &e.msgid } else { &e.msgstr };
                blocks.push(Block::Section(Section {
                    anchor: super::slugify(shown),
                    title: shown.clone(),
                    line: e.line,
                }));
                match origin(e) {
                    Some(o) => english_blocks.push(Block::Section(Section {
                        anchor: String::new(),
                        title: o.to_owned(),
                        line: 0,
                    })),
                    None => known = false,
                }
                all.push(e);
            } else if let Some(parts) = pieces.get(&k) {
                let entries: Vec<&Entry> = parts.iter().map(|(_, e)| *e).collect();
                let j = join(&entries);
                blocks.push(Block::Prose { text: j.shown + "\n", line: entries[0].line });
                match j.origin {
                    Some(o) => english_blocks.push(Block::Prose { text: o, line: 0 }),
                    None => known = false,
                }
                all.extend(entries);
            }
        }
        let all_empty = all.iter().all(|e| e.msgstr.is_empty());
        let any_empty = all.iter().any(|e| e.msgstr.is_empty());
        let english_title = title.and_then(origin).unwrap_or("");
        let source = if known && (all_empty || !any_empty) {
            let english = Chapter {
                slug: slug.clone(),
                title: english_title.to_owned(),
                kind: ChapterKind::Annex,
                module: None,
                blocks: english_blocks,
                file: path.to_path_buf(),
            };
            fingerprint::of_chapter(&english)
        } else {
            incomplete(&all.iter().map(|e| e.msgid.as_str()).collect::<Vec<_>>())
        };
        let source = recorded(title, source);
        let shown_title = title.map(|e| if e.msgstr.is_empty() { e.msgid.clone() } else { e.msgstr.clone() });
        chapters.insert(
            slug.clone(),
            TranslatedChapter {
                title: shown_title.unwrap_or_default(),
                source: Some(source),
                untranslated: all_empty,
                blocks,
                requirements: Vec::new(),
                file: path.to_path_buf(),
            },
        );
    }
    for (id, mut segs) in by_requirement {
        segs.sort_by(|a, b| a.0.cmp(&b.0));
        let line = segs.first().map_or(0, |(_, e)| e.line);
        let Some(title) = segs.iter().find(|(s, _)| matches!(s, Segment::Title(_))).map(|(_, e)| *e) else {
            diags.error(
                path,
                line,
                format!("requirement {id} has no title message"),
                format!("add the message with msgctxt \"{id} title\" (craftpub translate LANG --format po writes it)"),
            );
            continue;
        };
        let body: Vec<&Entry> = segs.iter().filter(|(s, _)| matches!(s, Segment::Body(..))).map(|(_, e)| *e).collect();
        let guidance: Vec<&Entry> =
            segs.iter().filter(|(s, _)| matches!(s, Segment::Guidance(..))).map(|(_, e)| *e).collect();
        let b = join(&body);
        let g = (!guidance.is_empty()).then(|| join(&guidance));
        let t = join(&[title]);
        let all_empty = t.all_empty && b.all_empty && g.as_ref().is_none_or(|g| g.all_empty);
        let any_empty = t.any_empty || b.any_empty || g.as_ref().is_some_and(|g| g.any_empty);
        let origins = (t.origin.clone(), b.origin.clone(), g.as_ref().map(|g| g.origin.clone()));
        let source = match origins {
            (Some(t), Some(b), g) if all_empty || !any_empty => match g {
                None => fingerprint::of_parts(&t, &b, None),
                Some(Some(g)) => fingerprint::of_parts(&t, &b, Some(&g)),
                Some(None) => incomplete(&[&title.msgid]),
            },
            _ => incomplete(&segs.iter().map(|(_, e)| e.msgid.as_str()).collect::<Vec<_>>()),
        };
        let source = recorded(Some(title), source);
        let slug = requirement_chapter.get(&id).cloned().unwrap_or_default();
        let chapter = chapters.entry(slug.clone()).or_insert_with(|| TranslatedChapter {
            title: String::new(),
            source: None,
            untranslated: true,
            blocks: Vec::new(),
            requirements: Vec::new(),
            file: path.to_path_buf(),
        });
        chapter.requirements.push(TranslatedRequirement {
            id: id.clone(),
            title: t.shown,
            source,
            untranslated: all_empty,
            body: b.shown.trim_end().to_owned() + "\n",
            guidance: g.map(|g| g.shown.trim().to_owned() + "\n"),
            file: path.to_path_buf(),
            line,
            body_line: body.first().map_or(line, |e| e.msgstr_line),
            guidance_line: guidance.first().map_or(0, |e| e.msgstr_line),
        });
    }
    chapters
}

/// The context as a reference token (`craftpub/1.1.1/body/1`): translate-toolkit's
/// XLIFF conversion keeps references but not `msgctxt`.
pub fn context_reference(ctxt: &str) -> String {
    format!("craftpub/{}", ctxt.replace(' ', "/"))
}

/// The context of a message: its `msgctxt`, else the one its references name.
/// (A tool may replace a `msgctxt` with one of its own, as `xliff2po` does
/// for equal English texts: then the reference names the context.)
fn context_of(e: &Entry) -> Option<String> {
    // (xliff2po joins the references of equal English texts without a space.)
    let named = |s: &str| {
        s.split_whitespace()
            .find_map(|r| r.strip_prefix("craftpub/"))
            .map(|c| c.split("standard/").next().unwrap_or(c).replace('/', " "))
    };
    if let Some(c) = &e.msgctxt {
        if let Some(x) = named(c) {
            return Some(x);
        }
        if Segment::parse(c).is_some() || (c.contains('.') && !c.contains(' ')) {
            return Some(c.clone());
        }
    }
    e.references.iter().find_map(|r| named(r)).or_else(|| e.msgctxt.clone())
}

/// The chapter slug in a reference `standard/<version>/<slug>.md:<line>`.
pub fn chapter_of_reference(r: &str) -> Option<String> {
    let file = r.rsplit_once(':').map_or(r, |(f, _)| f);
    if !file.starts_with("standard/") {
        return None;
    }
    let name = file.rsplit('/').next()?;
    name.strip_suffix(".md").map(str::to_owned)
}

/// Reads `translations/<lang>/strings.po`: the translated interface strings
/// (`msgctxt` is `table.key`), in the shape of `theme/strings.toml`.
pub fn load_strings(path: &Path, text: &str, diags: &mut Diagnostics) -> toml::Table {
    let mut table = toml::Table::new();
    let catalogue = match po::parse(text) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                diags.error(path, e.line, e.message, e.fix);
            }
            return table;
        }
    };
    for e in catalogue.entries.iter().filter(|e| !e.obsolete && e.is_translated()) {
        let ctxt = context_of(e).unwrap_or_default();
        let ctxt = ctxt.as_str();
        let Some((group, key)) = ctxt.split_once('.') else {
            diags.error(
                path,
                e.line,
                format!("msgctxt \"{ctxt}\" is not table.key"),
                "keep the msgctxt craftpub wrote, e.g. \"ui.search_button\"",
            );
            continue;
        };
        if let toml::Value::Table(t) =
            table.entry(group.to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new()))
        {
            t.insert(key.to_owned(), toml::Value::String(e.msgstr.clone()));
        }
    }
    table
}
