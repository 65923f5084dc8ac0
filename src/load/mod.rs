//! Loading: reads `standard/` into the [`model`](crate::model), recording every
//! problem as a diagnostic instead of stopping at the first.
//!
//! Files are visited with walkdir in sorted order. Each file is read once,
//! checked for UTF-8, stripped of a byte-order mark and normalised to `\n`
//! line endings before it is parsed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostics, line_of};
use crate::model::*;

pub mod po;
mod translations;
pub use translations::{LanguageCodeError, SEARCH_CHOICES, check_language_code, check_search, load_translations};

/// Reads a source file as text: UTF-8, without a byte-order mark, with `\n`
/// line endings. Records an error and returns `None` when it cannot.
pub fn read_source(path: &Path, diags: &mut Diagnostics) -> Option<String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.error(path, 0, format!("cannot read the file: {e}"), "check that the file exists and is readable");
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(normalise_text(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            diags.error(
                path,
                line,
                format!("the file is not valid UTF-8 (byte {valid})"),
                "save the file as UTF-8 in your editor",
            );
            None
        }
    }
}

/// Strips a byte-order mark and turns CRLF and CR line endings into `\n`.
pub fn normalise_text(text: String) -> String {
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text }
}

/// Parses TOML text into `T`, recording a diagnostic with the line of the
/// fault. `first_line` is the file line the text starts on.
pub fn parse_toml<T: for<'de> Deserialize<'de>>(
    text: &str,
    file: &Path,
    first_line: usize,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1) + first_line - 1;
            diags.error(
                file,
                line,
                format!("{what}: {}", e.message().trim()),
                format!("correct the {what} (TOML); the format is in README.md, section \"Source format\""),
            );
            None
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardToml {
    title: String,
    full_title: String,
    publisher: String,
    license: String,
    license_url: String,
    source_language: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    base_url: String,
    #[serde(default)]
    all_diffs: bool,
    #[serde(default)]
    prose_amendments: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionToml {
    id: Spanned<String>,
    date: Spanned<String>,
    status: Spanned<String>,
    previous: Option<Spanned<String>>,
    chapters: Vec<Spanned<String>>,
    #[serde(default)]
    draft_date: Option<Spanned<String>>,
    #[serde(default)]
    consultation: Option<ConsultationToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsultationToml {
    closes: Spanned<String>,
    comments: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    kind: Spanned<String>,
    module: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmendmentsToml {
    #[serde(default)]
    amendment: Vec<Spanned<AmendmentToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmendmentToml {
    id: String,
    title: String,
    rationale: Spanned<String>,
    #[serde(default)]
    added: Vec<Spanned<String>>,
    #[serde(default)]
    removed: Vec<Spanned<String>>,
    #[serde(default)]
    modified: Vec<Spanned<String>>,
    #[serde(default)]
    renumbered: Vec<Spanned<RenumberingToml>>,
    #[serde(default)]
    chapters: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RenumberingToml {
    from: String,
    to: String,
}

/// Loads the project at `root` (the folder holding `standard/`).
///
/// Returns the model of everything that could be read, even when there were
/// errors, so that checking can report further problems in the same run.
pub fn load_project(root: &Path, diags: &mut Diagnostics) -> Project {
    let standard_dir = root.join("standard");
    let standard_file = standard_dir.join("standard.toml");
    let standard = load_standard_meta(&standard_file, diags);

    let mut versions = Vec::new();
    if !standard_dir.is_dir() {
        diags.error(
            &standard_dir,
            0,
            "the folder standard/ is missing",
            "run craftpub from the project root, or pass --root DIR",
        );
    } else {
        // Versions are read in parallel; their diagnostics are kept in folder order.
        let entries: Vec<_> =
            WalkDir::new(&standard_dir).min_depth(1).max_depth(1).sort_by_file_name().into_iter().collect();
        let loaded: Vec<(Option<Version>, Diagnostics)> = entries
            .par_iter()
            .map(|entry| {
                let mut diags = diags.fork();
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| standard_dir.clone());
                        diags.error(&path, 0, format!("cannot read: {e}"), "remove the broken entry");
                        return (None, diags);
                    }
                };
                let path = entry.path();
                if entry.file_type().is_dir() {
                    return (load_version(path, &mut diags), diags);
                } else if path != standard_file {
                    diags.warning(
                        path,
                        0,
                        "this file is not part of the standard and is ignored",
                        "move it out of standard/ or into a version folder",
                    );
                }
                (None, diags)
            })
            .collect();
        for (version, version_diags) in loaded {
            diags.append(version_diags);
            versions.extend(version);
        }
    }
    versions.sort_by(|a: &Version, b: &Version| (&a.date, version_key(&a.id)).cmp(&(&b.date, version_key(&b.id))));
    let translations = load_translations(root, &standard.source_language, diags);
    Project { root: root.to_path_buf(), standard, versions, translations, lookup: Default::default() }
}

/// Whether a file name is an editor's temporary, backup, swap or lock file,
/// or hidden: `.#x.md`, `#x.md#`, `x.md~`, `.x.md.swp`, `4913`... Such files
/// are not sources and are skipped everywhere.
pub fn is_editor_file(name: &str) -> bool {
    const SUFFIXES: [&str; 9] = ["~", ".swp", ".swo", ".swx", ".tmp", ".temp", ".kate-swp", ".crswap", ".orig"];
    name.starts_with('.')
        || name.starts_with('#')
        || name == "4913"
        || name.contains("___jb_")
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// A sort key that orders "2.10" after "2.9".
pub fn version_key(id: &str) -> Vec<(u64, String)> {
    id.split('.').map(|p| (p.parse().unwrap_or(u64::MAX), p.to_owned())).collect()
}

fn load_standard_meta(file: &Path, diags: &mut Diagnostics) -> StandardMeta {
    let parsed = if file.is_file() {
        read_source(file, diags).and_then(|text| {
            let mut parsed = parse_toml::<StandardToml>(&text, file, 1, "standard metadata", diags)?;
            if !parsed.base_url.is_empty() {
                match crate::urls::base_url(&parsed.base_url) {
                    Ok(base) => parsed.base_url = base,
                    Err(e) => {
                        let line = text.lines().position(|l| l.trim_start().starts_with("base_url")).map_or(0, |i| i + 1);
                        diags.error(
                            file,
                            line,
                            format!("base_url: {e}"),
                            "set base_url to the address the site is published at, e.g. \"https://craftcode.example/\", or remove it",
                        );
                        parsed.base_url.clear();
                    }
                }
            }
            Some(parsed)
        })
    } else {
        diags.error(
            file,
            0,
            "standard.toml is missing",
            "create standard/standard.toml with title, full_title, publisher, license, license_url and source_language",
        );
        None
    };
    match parsed {
        Some(s) => StandardMeta {
            title: s.title,
            full_title: s.full_title,
            publisher: s.publisher,
            license: s.license,
            license_url: s.license_url,
            source_language: s.source_language,
            notice: s.notice,
            base_url: s.base_url,
            all_diffs: s.all_diffs,
            prose_amendments: s.prose_amendments,
        },
        None => StandardMeta {
            title: "Untitled standard".into(),
            full_title: String::new(),
            publisher: String::new(),
            license: String::new(),
            license_url: String::new(),
            source_language: "en".into(),
            notice: String::new(),
            base_url: String::new(),
            all_diffs: false,
            prose_amendments: false,
        },
    }
}

fn load_version(dir: &Path, diags: &mut Diagnostics) -> Option<Version> {
    let folder = dir.file_name()?.to_string_lossy().into_owned();
    let meta_file = dir.join("version.toml");
    if !meta_file.is_file() {
        diags.error(
            &meta_file,
            0,
            format!("version folder {folder} has no version.toml"),
            "add version.toml with id, date, status and chapters (see README.md)",
        );
        return None;
    }
    let text = read_source(&meta_file, diags)?;
    let meta: VersionToml = parse_toml(&text, &meta_file, 1, "version metadata", diags)?;
    let line = |s: &std::ops::Range<usize>| line_of(&text, s.start);

    if *meta.id.get_ref() != folder {
        diags.error(
            &meta_file,
            line(&meta.id.span()),
            format!("id \"{}\" differs from the folder name \"{folder}\"", meta.id.get_ref()),
            format!("set id = \"{folder}\" or rename the folder"),
        );
    }
    if !is_iso_date(meta.date.get_ref()) {
        diags.error(
            &meta_file,
            line(&meta.date.span()),
            format!("date \"{}\" is not a date", meta.date.get_ref()),
            "write the release date as YYYY-MM-DD, e.g. \"2024-10-01\"",
        );
    }
    if let Some(d) = &meta.draft_date
        && !is_iso_date(d.get_ref())
    {
        diags.error(
            &meta_file,
            line(&d.span()),
            format!("draft_date \"{}\" is not a date", d.get_ref()),
            "write the day the draft was opened for comment as YYYY-MM-DD, or remove draft_date",
        );
    }
    let consultation = meta.consultation.as_ref().map(|c| {
        if !is_iso_date(c.closes.get_ref()) {
            diags.error(
                &meta_file,
                line(&c.closes.span()),
                format!("consultation closes \"{}\" is not a date", c.closes.get_ref()),
                "write the last day comments are taken as YYYY-MM-DD, e.g. \"2026-03-31\"",
            );
        }
        if let Err(e) = crate::consultation::validate_template(c.comments.get_ref()) {
            diags.error(&meta_file, line(&c.comments.span()), e.to_string(), e.fix());
        }
        Consultation { closes: c.closes.get_ref().clone(), comments: c.comments.get_ref().clone() }
    });
    let status = match meta.status.get_ref().as_str() {
        "draft" => Status::Draft,
        "current" => Status::Current,
        "superseded" => Status::Superseded,
        other => {
            diags.error(
                &meta_file,
                line(&meta.status.span()),
                format!("unknown status \"{other}\""),
                "use one of: draft, current, superseded",
            );
            Status::Draft
        }
    };

    // The chapters, in their stated order; then every other file of the folder.
    let mut listed = BTreeSet::new();
    let mut chapters = Vec::new();
    for name in &meta.chapters {
        let l = line(&name.span());
        let name = name.get_ref();
        if !listed.insert(name.clone()) {
            diags.error(&meta_file, l, format!("chapter \"{name}\" is listed twice"), "list each chapter file once");
            continue;
        }
        if !name.ends_with(".md") || name.contains('/') || name.contains('\\') {
            diags.error(
                &meta_file,
                l,
                format!("chapter \"{name}\" is not a Markdown file name"),
                "list file names like \"module-1.md\" from this version's folder",
            );
            continue;
        }
        let file = dir.join(name);
        if !file.is_file() {
            diags.error(
                &meta_file,
                l,
                format!("chapter file \"{name}\" does not exist"),
                format!("create {folder}/{name} or remove it from chapters"),
            );
            continue;
        }
        if let Some(text) = read_source(&file, diags)
            && let Some(ch) = parse_chapter(&file, &text, diags)
        {
            chapters.push(ch);
        }
    }

    let amendments_file = dir.join("amendments.toml");
    let mut amendments = Vec::new();
    let has_amendments = amendments_file.is_file();
    if has_amendments && let Some(text) = read_source(&amendments_file, diags) {
        amendments = parse_amendments(&amendments_file, &text, diags);
    }

    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let Ok(entry) = entry else {
            diags.error(
                dir,
                0,
                "cannot read an entry of the version folder (a broken link or a loop?)",
                "remove the broken entry",
            );
            continue;
        };
        let path = entry.path();
        let rel = path.strip_prefix(dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
        if is_editor_file(&entry.file_name().to_string_lossy()) {
            continue;
        }
        if entry.file_type().is_dir() || rel == "version.toml" || rel == "amendments.toml" {
            continue;
        }
        if rel.ends_with(".md") {
            if !listed.contains(&rel) {
                diags.error(
                    path,
                    0,
                    format!("{rel} belongs to no chapter: it is not listed in version.toml"),
                    format!("add \"{rel}\" to chapters in {folder}/version.toml, or delete the file"),
                );
            }
        } else {
            diags.warning(
                path,
                0,
                "this file is not a chapter and is ignored",
                "remove it, or rename it to .md and list it in version.toml",
            );
        }
    }

    Some(Version {
        id: meta.id.into_inner(),
        date: meta.date.into_inner(),
        status,
        previous: meta.previous.as_ref().map(|p| p.get_ref().clone()),
        chapters,
        amendments,
        dir: dir.to_path_buf(),
        amendments_file: has_amendments.then_some(amendments_file),
        draft_date: meta.draft_date.as_ref().map(|d| d.get_ref().clone()),
        consultation,
        lookup: Default::default(),
    })
    .inspect(|v| {
        if let Some(p) = &meta.previous
            && *p.get_ref() == v.id
        {
            diags.error(
                &meta_file,
                line(&p.span()),
                "a version cannot be its own previous version",
                "set previous to the version this one revises",
            );
        }
    })
}

/// Whether `s` is a date written YYYY-MM-DD.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

fn parse_amendments(file: &Path, text: &str, diags: &mut Diagnostics) -> Vec<Amendment> {
    let Some(parsed) = parse_toml::<AmendmentsToml>(text, file, 1, "amendment history", diags) else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for entry in parsed.amendment {
        let line = line_of(text, entry.span().start);
        let a = entry.into_inner();
        if !seen.insert(a.id.clone()) {
            diags.error(
                file,
                line,
                format!("amendment id \"{}\" is used twice", a.id),
                "give each amendment entry its own id",
            );
        }
        let mut id_lines = BTreeMap::new();
        let ids = |list: Vec<Spanned<String>>, id_lines: &mut BTreeMap<String, usize>| -> Vec<String> {
            list.into_iter()
                .map(|s| {
                    id_lines.entry(s.get_ref().clone()).or_insert_with(|| line_of(text, s.span().start));
                    s.into_inner()
                })
                .collect()
        };
        let added = ids(a.added, &mut id_lines);
        let removed = ids(a.removed, &mut id_lines);
        let modified = ids(a.modified, &mut id_lines);
        let renumbered = a
            .renumbered
            .into_iter()
            .map(|r| {
                let l = line_of(text, r.span().start);
                let r = r.into_inner();
                id_lines.entry(r.from.clone()).or_insert(l);
                id_lines.entry(r.to.clone()).or_insert(l);
                Renumbering { from: r.from, to: r.to, line: l }
            })
            .collect();
        let chapters: Vec<(String, usize)> =
            a.chapters.into_iter().map(|c| (c.get_ref().clone(), line_of(text, c.span().start))).collect();
        let rationale_line = line_of(text, a.rationale.span().start);
        out.push(Amendment {
            id: a.id,
            title: a.title,
            rationale: a.rationale.into_inner(),
            rationale_line,
            added,
            removed,
            modified,
            renumbered,
            chapters,
            line,
            id_lines,
        });
    }
    out
}

/// A requirement block as written, before its metadata is interpreted.
#[derive(Debug, Clone)]
pub struct RawRequirement {
    /// The ID on the opening line.
    pub id: String,
    /// The metadata lines: key, value, line.
    pub fields: Vec<(String, String, usize)>,
    /// The body Markdown.
    pub body: String,
    /// The guidance Markdown.
    pub guidance: Option<String>,
    /// The line of the opening line.
    pub line: usize,
    /// The line where the body starts.
    pub body_line: usize,
    /// The line where the guidance starts (0 without guidance).
    pub guidance_line: usize,
}

/// A piece of a chapter as written.
#[derive(Debug, Clone)]
pub enum RawBlock {
    /// Markdown prose and the line it starts on.
    Prose(String, usize),
    /// A `##` heading: text and line.
    Section(String, usize),
    /// A requirement block.
    Requirement(RawRequirement),
}

/// Splits a chapter into its front matter (text, first line) and the rest
/// (text, first line). Records an error when the front matter is missing or
/// not closed.
pub fn split_front_matter<'a>(
    file: &Path,
    text: &'a str,
    diags: &mut Diagnostics,
) -> Option<(&'a str, &'a str, usize)> {
    let Some(rest) = text.strip_prefix("+++\n") else {
        diags.error(
            file,
            1,
            "the chapter does not start with front matter",
            "start the file with a line +++, the chapter's title and kind in TOML, and another line +++",
        );
        return None;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = front.matches('\n').count() + 3;
            return Some((front, body, body_line));
        }
        offset += line.len();
    }
    diags.error(file, 1, "the front matter is not closed", "end the front matter with a line containing only +++");
    None
}

/// Splits chapter Markdown (after its front matter) into prose, sections and
/// requirement blocks. `first_line` is the file line the text starts on.
pub fn parse_blocks(file: &Path, text: &str, first_line: usize, diags: &mut Diagnostics) -> Vec<RawBlock> {
    enum Part {
        Meta,
        Body,
        Guidance,
    }
    let mut blocks = Vec::new();
    let mut prose = String::new();
    let mut prose_line = first_line;
    let mut current: Option<(RawRequirement, Part, String, String)> = None;
    let mut fence: Option<String> = None;

    let flush_prose = |prose: &mut String, prose_line: usize, blocks: &mut Vec<RawBlock>| {
        if !prose.trim().is_empty() {
            blocks.push(RawBlock::Prose(std::mem::take(prose), prose_line));
        }
        prose.clear();
    };
    let close = |req: (RawRequirement, Part, String, String), blocks: &mut Vec<RawBlock>| {
        let (mut r, _, body, guidance) = req;
        r.body = body.trim_end().to_owned() + "\n";
        let g = guidance.trim();
        r.guidance = (!g.is_empty()).then(|| g.to_owned() + "\n");
        blocks.push(RawBlock::Requirement(r));
    };

    for (i, raw_line) in text.split('\n').enumerate() {
        let line_no = first_line + i;
        let trimmed = raw_line.trim_end();
        // Fenced code is opaque: no blocks or headings inside it.
        if let Some(f) = &fence {
            if trimmed.trim_start().starts_with(f.as_str()) {
                fence = None;
            }
        } else if let Some(f) = code_fence(trimmed) {
            fence = Some(f);
        } else if let Some(rest) = trimmed.strip_prefix(":::") {
            let rest = rest.trim();
            if rest.is_empty() {
                match current.take() {
                    Some(req) => close(req, &mut blocks),
                    None => diags.error(
                        file,
                        line_no,
                        "a closing ::: with no open requirement",
                        "remove this line, or open the block with ::: requirement ID",
                    ),
                }
                prose_line = line_no + 1;
                continue;
            }
            if let Some(id) = rest.strip_prefix("requirement") {
                if let Some(req) = current.take() {
                    diags.error(
                        file,
                        req.0.line,
                        format!("requirement {} is not closed before the next one starts", req.0.id),
                        "end the block with a line containing only :::",
                    );
                    close(req, &mut blocks);
                }
                flush_prose(&mut prose, prose_line, &mut blocks);
                let id = id.trim().to_owned();
                if !is_requirement_id(&id) {
                    diags.error(
                        file,
                        line_no,
                        format!("\"{id}\" is not a requirement ID"),
                        "write the ID as numbers separated by dots, e.g. ::: requirement 3.1.2",
                    );
                }
                let r = RawRequirement {
                    id,
                    fields: Vec::new(),
                    body: String::new(),
                    guidance: None,
                    line: line_no,
                    body_line: line_no + 1,
                    guidance_line: 0,
                };
                current = Some((r, Part::Meta, String::new(), String::new()));
                continue;
            }
            diags.error(
                file,
                line_no,
                format!("unknown block \"::: {rest}\""),
                "blocks open with ::: requirement ID and close with :::",
            );
            continue;
        }

        match &mut current {
            Some((r, part, body, guidance)) => match part {
                Part::Meta if trimmed.is_empty() => {
                    *part = Part::Body;
                    r.body_line = line_no + 1;
                }
                Part::Meta => match trimmed.split_once(':') {
                    Some((k, v)) if !k.trim().is_empty() && !k.contains(' ') => {
                        r.fields.push((k.trim().to_owned(), v.trim().to_owned(), line_no))
                    }
                    _ => diags.error(file, line_no, format!("\"{trimmed}\" is not a metadata line"), "write metadata as key: value lines right after ::: requirement, then a blank line before the text"),
                },
                Part::Body if trimmed == "--- guidance" => {
                    *part = Part::Guidance;
                    r.guidance_line = line_no + 1;
                }
                Part::Body => {
                    body.push_str(raw_line);
                    body.push('\n');
                }
                Part::Guidance => {
                    guidance.push_str(raw_line);
                    guidance.push('\n');
                }
            },
            None => {
                if fence.is_none()
                    && let Some(h) = trimmed.strip_prefix("## ") {
                        flush_prose(&mut prose, prose_line, &mut blocks);
                        blocks.push(RawBlock::Section(h.trim().trim_end_matches('#').trim().to_owned(), line_no));
                        prose_line = line_no + 1;
                        continue;
                    }
                if prose.is_empty() {
                    prose_line = line_no;
                }
                prose.push_str(raw_line);
                prose.push('\n');
            }
        }
    }
    if let Some(req) = current.take() {
        diags.error(
            file,
            req.0.line,
            format!("requirement {} is not closed", req.0.id),
            "end the block with a line containing only :::",
        );
        close(req, &mut blocks);
    }
    flush_prose(&mut prose, prose_line, &mut blocks);
    blocks
}

fn code_fence(line: &str) -> Option<String> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    for c in ['`', '~'] {
        let n = t.chars().take_while(|&x| x == c).count();
        if n >= 3 {
            return Some(std::iter::repeat_n(c, n).collect());
        }
    }
    None
}

/// Whether `id` is a requirement ID: numbers separated by dots, e.g. `3.1.2`.
pub fn is_requirement_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id.split('.').all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Turns a heading into an anchor: lowercase letters and digits joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() { "section".into() } else { out }
}

fn parse_chapter(file: &Path, text: &str, diags: &mut Diagnostics) -> Option<Chapter> {
    let slug = file.file_stem()?.to_string_lossy().into_owned();
    let (front, body, body_line) = split_front_matter(file, text, diags)?;
    let fm: FrontMatter = parse_toml(front, file, 2, "front matter", diags)?;
    let kind = match ChapterKind::parse(fm.kind.get_ref()) {
        Some(k) => k,
        None => {
            diags.error(
                file,
                1 + line_of(front, fm.kind.span().start),
                format!("unknown chapter kind \"{}\"", fm.kind.get_ref()),
                "use one of: introduction, module, scheme, glossary, annex",
            );
            ChapterKind::Annex
        }
    };
    let module = fm.module.as_ref().map(|m| m.get_ref().clone());
    if matches!(kind, ChapterKind::Module | ChapterKind::Scheme) && module.is_none() {
        diags.error(
            file,
            2,
            "a module or scheme chapter needs a module number",
            "add module = \"N\" to the front matter, N being the first number of its requirement IDs",
        );
    }
    let mut section: Option<String> = None;
    let mut blocks = Vec::new();
    let mut anchors = BTreeSet::new();
    for raw in parse_blocks(file, body, body_line, diags) {
        match raw {
            RawBlock::Prose(text, line) => blocks.push(Block::Prose { text, line }),
            RawBlock::Section(title, line) => {
                let base = slugify(&title);
                let mut anchor = base.clone();
                let mut n = 2;
                while !anchors.insert(anchor.clone()) {
                    anchor = format!("{base}-{n}");
                    n += 1;
                }
                section = Some(anchor.clone());
                blocks.push(Block::Section(Section { anchor, title, line }));
            }
            RawBlock::Requirement(raw) => {
                if let Some(r) = interpret_requirement(file, raw, section.clone(), diags) {
                    blocks.push(Block::Requirement(r));
                }
            }
        }
    }
    Some(Chapter { slug, title: fm.title, kind, module, blocks, file: file.to_path_buf() })
}

fn parse_list<T: Vocabulary + PartialEq>(
    value: &str,
    key: &str,
    file: &Path,
    line: usize,
    diags: &mut Diagnostics,
) -> Vec<T> {
    let mut out = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match T::parse(item) {
            Some(v) if !out.contains(&v) => out.push(v),
            Some(_) => diags.error(file, line, format!("{key}: \"{item}\" is given twice"), "name each value once"),
            None => diags.error(
                file,
                line,
                format!("{key}: unknown value \"{item}\""),
                format!("use one or more of: {}", T::allowed()),
            ),
        }
    }
    out
}

fn interpret_requirement(
    file: &Path,
    raw: RawRequirement,
    section: Option<String>,
    diags: &mut Diagnostics,
) -> Option<Requirement> {
    let mut title = None;
    let mut applies_to = None;
    let mut level = None;
    let mut timeframe = None;
    let mut oecd = Vec::new();
    let mut commodities = Vec::new();
    let mut seen = BTreeSet::new();
    for (key, value, line) in &raw.fields {
        let line = *line;
        if !seen.insert(key.as_str()) {
            diags.error(file, line, format!("metadata key \"{key}\" is given twice"), "keep one line per key");
            continue;
        }
        match key.as_str() {
            "title" if value.is_empty() => {
                diags.error(file, line, "the title is empty", "write the requirement's title after title:")
            }
            "title" => title = Some(value.clone()),
            "applies-to" => {
                let roles = parse_list::<Role>(value, key, file, line, diags);
                if roles.is_empty() {
                    diags.error(
                        file,
                        line,
                        "applies-to names nobody",
                        format!("name one or more of: {}", Role::allowed()),
                    );
                }
                applies_to = Some(roles);
            }
            "level" => match Level::parse(value) {
                Some(l) => level = Some(l),
                None => diags.error(
                    file,
                    line,
                    format!("level: unknown value \"{value}\""),
                    format!("use one of: {}", Level::allowed()),
                ),
            },
            "timeframe" => match Timeframe::parse(value) {
                Some(t) => timeframe = Some(t),
                None => diags.error(
                    file,
                    line,
                    format!("timeframe: unknown value \"{value}\""),
                    format!("use one of: {}", Timeframe::allowed()),
                ),
            },
            "oecd" => oecd = parse_list::<OecdRisk>(value, key, file, line, diags),
            "commodities" => commodities = parse_list::<Commodity>(value, key, file, line, diags),
            _ => diags.error(
                file,
                line,
                format!("unknown metadata key \"{key}\" in requirement {}", raw.id),
                "use title, applies-to, level, timeframe, oecd or commodities",
            ),
        }
    }
    for (key, present) in [
        ("title", title.is_some()),
        ("applies-to", applies_to.is_some()),
        ("level", level.is_some()),
        ("timeframe", timeframe.is_some()),
    ] {
        if !present && !seen.contains(key) {
            diags.error(
                file,
                raw.line,
                format!("requirement {} has no {key}", raw.id),
                format!("add a line \"{key}: ...\" right after ::: requirement {}", raw.id),
            );
        }
    }
    if raw.body.trim().is_empty() {
        diags.error(
            file,
            raw.line,
            format!("requirement {} has no text", raw.id),
            "write the requirement's text after its metadata and a blank line",
        );
    }
    Some(Requirement {
        id: raw.id,
        title: title.unwrap_or_default(),
        meta: RequirementMeta {
            applies_to: applies_to.unwrap_or_default(),
            level: level.unwrap_or(Level::Obligation),
            timeframe: timeframe.unwrap_or(Timeframe::Immediately),
            oecd,
            commodities,
        },
        body: raw.body,
        guidance: raw.guidance,
        section,
        file: file.to_path_buf(),
        line: raw.line,
        body_line: raw.body_line,
        guidance_line: raw.guidance_line,
    })
}
