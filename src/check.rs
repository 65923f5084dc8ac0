//! Checking: the rules that span files and versions, run on a loaded
//! [`Project`]. Problems within one file are found while loading; this stage
//! finds duplicate IDs, broken cross-references, broken version links and
//! amendment entries that name requirements that do not exist.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostics, line_of};
use crate::diff::ChangeKind;
use crate::markdown::cross_references;
use crate::model::*;

/// Runs every cross-file check on `project`.
pub fn check_project(root: &Path, project: &Project, diags: &mut Diagnostics) {
    check_structure(root, project, diags);
    // Comparing versions is only meaningful once each one is sound.
    let sound = !diags.has_errors();
    check_drafts(project, diags);
    check_rationales(project, diags);
    if sound {
        check_amendment_coverage(project, diags);
    }
}

/// The checks that make each version sound on its own: one current
/// version, existing previous versions, unique and well-placed IDs,
/// cross-references, and amendment entries that name existing requirements.
/// `craftpub amend` needs these to pass before it compares versions.
pub fn check_structure(root: &Path, project: &Project, diags: &mut Diagnostics) {
    check_versions(root, project, diags);
    for version in &project.versions {
        check_requirement_ids(version, diags);
        check_cross_references(version, diags);
        check_amendments(project, version, diags);
    }
}

/// The rule for drafts, as `craftpub version new` and `craftpub check` state it.
pub const DRAFT_RULE: &str = "drafts form one line after the current version: each draft revises the current \
version or another draft, no two drafts revise the same version, and a released version never revises a draft \
(so drafts are released in order)";

/// The 1-based line where `key = ...` starts in a version's version.toml, or 0.
fn key_line(v: &Version, key: &str) -> usize {
    let text = std::fs::read_to_string(version_file(v)).unwrap_or_default();
    text.lines()
        .position(|l| l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with('=')))
        .map_or(0, |i| i + 1)
}

/// Several drafts: see [`DRAFT_RULE`]. Two drafts that revise the same
/// version would fork every requirement's history.
pub fn check_drafts(project: &Project, diags: &mut Diagnostics) {
    let mut revising: BTreeMap<&str, &Version> = BTreeMap::new();
    for v in &project.versions {
        let Some(prev) = v.previous.as_deref().and_then(|p| project.version(p)) else { continue };
        if v.status == Status::Draft {
            if prev.status == Status::Superseded {
                diags.error(
                    &version_file(v),
                    key_line(v, "previous"),
                    format!("draft {} revises {}, which is superseded: {DRAFT_RULE}", v.id, prev.id),
                    format!(
                        "set previous to the current version{} or to the draft this one follows",
                        project.latest().map(|l| format!(" (\"{}\")", l.id)).unwrap_or_default()
                    ),
                );
            }
            if let Some(first) = revising.insert(&prev.id, v) {
                diags.error(
                    &version_file(v),
                    key_line(v, "previous"),
                    format!("drafts {} and {} both revise {}: {DRAFT_RULE}", first.id, v.id, prev.id),
                    format!(
                        "set previous = \"{}\" in {}/version.toml to follow the other draft, or remove one of the drafts",
                        first.id, v.id
                    ),
                );
            }
        } else if prev.status == Status::Draft {
            diags.error(
                &version_file(v),
                key_line(v, "status"),
                format!("version {} is released but revises draft {}: {DRAFT_RULE}", v.id, prev.id),
                format!("release {} first (craftpub version release {}), or set status = \"draft\"", prev.id, prev.id),
            );
        }
    }
}

/// Every amendment entry gives a rationale: an empty one (as `craftpub
/// amend` leaves it) is an error naming the entry.
pub fn check_rationales(project: &Project, diags: &mut Diagnostics) {
    for v in &project.versions {
        let Some(file) = &v.amendments_file else { continue };
        for a in v.amendments.iter().filter(|a| a.rationale.trim().is_empty()) {
            diags.error(
                file,
                a.rationale_line,
                format!("amendment \"{}\" ({}) has no rationale", a.id, a.title),
                "write why the change was made: rationale = \"\"\"...\"\"\"",
            );
        }
    }
}

/// How similar (see [`crate::diff::similarity`]) the texts of a removed and
/// an added requirement must be for the pair to count as a renumbering.
pub const RENUMBER_SIMILARITY: f32 = 0.8;

/// A change between a version and its previous one that no amendment entry declares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Undeclared {
    /// `added`, `removed`, `modified` or `renumbered` (a likely renumbering:
    /// a removal and an addition of nearly the same text).
    pub change: ChangeKind,
    /// The ID in the version (absent for a removal).
    pub id: Option<String>,
    /// The ID in the previous version (absent for an addition).
    pub old_id: Option<String>,
    /// The module: the first number of the ID (the new one where there is one).
    pub module: String,
    /// What changed, for people: "text", or each metadata change with its effect.
    pub detail: String,
}

/// The text two requirements are compared on to find renumberings.
fn renumber_text(r: &Requirement) -> String {
    format!("{}\n{}", r.title, r.body)
}

/// The changes from `version`'s previous version that its amendment history
/// does not declare yet, in the diff's order, with likely renumberings
/// proposed (what `craftpub amend` writes, and the check asks for).
pub fn undeclared_changes(project: &Project, version: &Version) -> Vec<Undeclared> {
    let Some(previous) = version.previous.as_deref().and_then(|p| project.version(p)) else { return Vec::new() };
    let diff = crate::diff::compare(project, previous, version);
    let named = |list: fn(&Amendment) -> &Vec<String>, id: &str| {
        version.amendments.iter().any(|a| list(a).iter().any(|x| x == id))
    };
    let mut out = Vec::new();
    for c in &diff.changes {
        let detail = if c.text_changed && c.change != ChangeKind::Added && c.change != ChangeKind::Removed {
            let mut d = vec!["text".to_owned()];
            d.extend(c.meta.iter().map(|m| format!("{} {} -> {} ({})", m.field, m.old, m.new, m.effect.as_str())));
            d.join("; ")
        } else {
            c.meta
                .iter()
                .map(|m| format!("{} {} -> {} ({})", m.field, m.old, m.new, m.effect.as_str()))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let undeclared = match c.change {
            ChangeKind::Added => c.id.as_deref().is_some_and(|id| !named(|a| &a.added, id)),
            ChangeKind::Removed => c.old_id.as_deref().is_some_and(|id| !named(|a| &a.removed, id)),
            ChangeKind::Modified => c.id.as_deref().is_some_and(|id| !named(|a| &a.modified, id)),
            ChangeKind::Renumbered | ChangeKind::Unchanged => false,
        };
        if undeclared {
            out.push(Undeclared {
                change: c.change,
                id: c.id.clone(),
                old_id: c.old_id.clone(),
                module: c.module.clone(),
                detail,
            });
        }
    }
    // Likely renumberings: the most similar pairs first, each requirement in one pair.
    let mut pairs = Vec::new();
    for (ai, a) in out.iter().enumerate().filter(|(_, u)| u.change == ChangeKind::Added) {
        let Some((_, new)) = a.id.as_deref().and_then(|id| version.requirement(id)) else { continue };
        for (ri, r) in out.iter().enumerate().filter(|(_, u)| u.change == ChangeKind::Removed) {
            let Some((_, old)) = r.old_id.as_deref().and_then(|id| previous.requirement(id)) else { continue };
            let sim = crate::diff::similarity(&renumber_text(old), &renumber_text(new));
            if sim >= RENUMBER_SIMILARITY {
                pairs.push((std::cmp::Reverse((sim * 1e6) as u64), ai, ri));
            }
        }
    }
    pairs.sort();
    let mut used = BTreeSet::new();
    let mut renumbered = Vec::new();
    for (_, ai, ri) in pairs {
        if used.contains(&ai) || used.contains(&ri) {
            continue;
        }
        used.insert(ai);
        used.insert(ri);
        let (new_id, old_id) = (out[ai].id.clone(), out[ri].old_id.clone());
        let text_changed = match (
            new_id.as_deref().and_then(|i| version.requirement(i)),
            old_id.as_deref().and_then(|i| previous.requirement(i)),
        ) {
            (Some((_, n)), Some((_, o))) => renumber_text(n) != renumber_text(o) || n.guidance != o.guidance,
            _ => false,
        };
        renumbered.push((
            ai,
            Undeclared {
                change: ChangeKind::Renumbered,
                id: new_id,
                old_id,
                module: out[ai].module.clone(),
                detail: if text_changed { "moved, text changed".into() } else { "moved".into() },
            },
        ));
    }
    let mut result: Vec<Undeclared> = Vec::new();
    for (i, u) in out.into_iter().enumerate() {
        if let Some((_, r)) = renumbered.iter().find(|(ai, _)| *ai == i) {
            result.push(r.clone());
        } else if !used.contains(&i) {
            result.push(u);
        }
    }
    result
}

fn version_file(v: &Version) -> std::path::PathBuf {
    v.dir.join("version.toml")
}

/// The folder of a version, relative to the project: `standard/2.1`.
fn folder_of(v: &Version) -> String {
    let name = v.dir.file_name().unwrap_or_default().to_string_lossy();
    format!("standard/{name}")
}

fn check_versions(root: &Path, project: &Project, diags: &mut Diagnostics) {
    // Two folders claiming one version (a folder copied, its id not yet changed).
    let mut by_id: BTreeMap<&str, Vec<&Version>> = BTreeMap::new();
    for v in &project.versions {
        by_id.entry(&v.id).or_default().push(v);
    }
    for (id, claims) in by_id.iter().filter(|(_, c)| c.len() > 1) {
        let folders: Vec<String> = claims.iter().map(|v| folder_of(v)).collect();
        for v in claims {
            diags.error(
                &version_file(v),
                key_line(v, "id"),
                format!("version {id} is claimed by {} folders: {}", claims.len(), folders.join(" and ")),
                format!("set id in {}/version.toml to its folder name (each version has one folder)", folder_of(v)),
            );
        }
    }
    let current: Vec<&Version> = project.versions.iter().filter(|v| v.status == Status::Current).collect();
    if current.is_empty() && !project.versions.is_empty() {
        // At the newest version's status line, naming every version's status.
        let statuses: Vec<String> = project
            .versions
            .iter()
            .map(|v| {
                format!("{} is {} ({}/version.toml:{})", v.id, v.status.as_str(), folder_of(v), key_line(v, "status"))
            })
            .collect();
        let newest = project.versions.iter().max_by_key(|v| crate::load::version_key(&v.id));
        let (file, line) = newest.map_or((root.join("standard"), 0), |v| (version_file(v), key_line(v, "status")));
        diags.error(
            &file,
            line,
            format!("no version has status = \"current\": {}", statuses.join(", ")),
            "set status = \"current\" in the version.toml of the version in force",
        );
    }
    for extra in current.iter().skip(1) {
        diags.error(
            &version_file(extra),
            key_line(extra, "status"),
            format!(
                "version {} ({}) is current, and so is version {} ({})",
                extra.id,
                folder_of(extra),
                current[0].id,
                folder_of(current[0])
            ),
            "only one version can be current: set the older one to \"superseded\"",
        );
    }
    for v in &project.versions {
        match v.previous.as_deref().map(|p| (p, project.version(p))) {
            Some((prev, None)) => {
                let ids: Vec<&str> = project.versions.iter().map(|x| x.id.as_str()).filter(|x| *x != v.id).collect();
                diags.error(
                    &version_file(v),
                    key_line(v, "previous"),
                    format!("previous version \"{prev}\" does not exist"),
                    format!(
                        "set previous to the ID of an existing version folder ({}), or remove it for the first version",
                        ids.join(", ")
                    ),
                );
            }
            // Dates are ISO (checked when loading), so they compare as text.
            Some((_, Some(p))) if v.date < p.date && is_date(&v.date) && is_date(&p.date) => {
                diags.error(
                    &version_file(v),
                    key_line(v, "date"),
                    format!(
                        "version {} is dated {}, before the version it revises ({} of {})",
                        v.id, v.date, p.id, p.date
                    ),
                    format!("correct the date: a version comes after its previous one (after {})", p.date),
                );
            }
            _ => {}
        }
    }
}

/// Whether `s` looks like a YYYY-MM-DD date (the loader reports those that do not).
fn is_date(s: &str) -> bool {
    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-'
}

fn check_requirement_ids(version: &Version, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Requirement> = BTreeMap::new();
    for chapter in &version.chapters {
        for r in chapter.requirements() {
            if let Some(first) = seen.get(r.id.as_str()) {
                diags.error(
                    &r.file,
                    r.line,
                    format!(
                        "requirement ID {} is already used at {}:{}",
                        r.id,
                        first.file.file_name().unwrap_or_default().to_string_lossy(),
                        first.line
                    ),
                    "give this requirement a new ID; IDs are unique within a version",
                );
            } else {
                seen.insert(&r.id, r);
            }
            match &chapter.module {
                Some(m) if matches!(chapter.kind, ChapterKind::Module | ChapterKind::Scheme) => {
                    if r.id.split('.').next() != Some(m.as_str()) {
                        diags.error(
                            &r.file,
                            r.line,
                            format!("requirement {} is in module {m}", r.id),
                            format!("number it {m}.x.y, or move it to module {}", r.id.split('.').next().unwrap_or("")),
                        );
                    }
                }
                _ => diags.error(
                    &r.file,
                    r.line,
                    format!("requirement {} is in a chapter that is not a module or scheme", r.id),
                    "move it to a module chapter, or set kind = \"module\" in the front matter",
                ),
            }
        }
    }
}

fn check_cross_references(version: &Version, diags: &mut Diagnostics) {
    let index = version.requirement_index();
    let mut check_text = |file: &Path, text: &str, first_line: usize| {
        for (id, offset) in cross_references(text) {
            if !index.contains_key(id) {
                diags.error(
                    file,
                    first_line + line_of(text, offset) - 1,
                    format!("cross-reference [[{id}]] names no requirement of version {}", version.id),
                    "correct the ID, or remove the reference",
                );
            }
        }
    };
    for chapter in &version.chapters {
        for block in &chapter.blocks {
            match block {
                Block::Prose { text, line } => check_text(&chapter.file, text, *line),
                Block::Requirement(r) => {
                    check_text(&chapter.file, &r.body, r.body_line);
                    if let Some(g) = &r.guidance {
                        check_text(&chapter.file, g, r.guidance_line);
                    }
                }
                Block::Section(_) => {}
            }
        }
    }
}

fn check_amendments(project: &Project, version: &Version, diags: &mut Diagnostics) {
    let Some(file) = &version.amendments_file else {
        return;
    };
    let previous = version.previous.as_deref().and_then(|p| project.version(p));
    if version.previous.is_none() && !version.amendments.is_empty() {
        diags.error(
            file,
            version.amendments[0].line,
            format!("version {} has no previous version, so nothing to amend", version.id),
            "remove amendments.toml, or set previous in version.toml",
        );
        return;
    }
    let here = version.requirement_index();
    let none = BTreeMap::new();
    let before = previous.map_or(&none, |p| p.requirement_index());
    let prev_id = version.previous.as_deref().unwrap_or("");
    for a in &version.amendments {
        let line = |id: &str| a.id_lines.get(id).copied().unwrap_or(a.line);
        let new_ids = a.added.iter().chain(&a.modified).chain(a.renumbered.iter().map(|r| &r.to));
        for id in new_ids {
            if !here.contains_key(id) {
                diags.error(
                    file,
                    line(id),
                    format!("amendment \"{}\" names {id}, which does not exist in version {}", a.id, version.id),
                    "correct the ID, or remove it from the entry",
                );
            }
        }
        if previous.is_some() {
            for id in a.removed.iter().chain(a.renumbered.iter().map(|r| &r.from)) {
                if !before.contains_key(id) {
                    diags.error(
                        file,
                        line(id),
                        format!("amendment \"{}\" names {id}, which does not exist in version {prev_id}", a.id),
                        "correct the ID: removed and renumbered-from IDs are those of the previous version",
                    );
                }
            }
        }
    }
    if previous.is_some() {
        check_renumberings(version, prev_id, here, before, file, diags);
    }
}

/// The renumberings of `version` as a whole: each moves a requirement of the
/// previous version that is gone from this one to an ID that is free (not
/// used by the previous version, unless that requirement moved or was
/// removed), and no two move the same requirement or onto the same ID.
fn check_renumberings(
    version: &Version,
    prev_id: &str,
    here: &BTreeMap<String, String>,
    before: &BTreeMap<String, String>,
    file: &Path,
    diags: &mut Diagnostics,
) {
    let entries: Vec<(&Amendment, &Renumbering)> =
        version.amendments.iter().flat_map(|a| a.renumbered.iter().map(move |r| (a, r))).collect();
    let line = |a: &Amendment, r: &Renumbering| if r.line > 0 { r.line } else { a.line };
    let moved_away: BTreeSet<&str> = entries.iter().map(|(_, r)| r.from.as_str()).collect();
    let targets: BTreeSet<&str> = entries.iter().map(|(_, r)| r.to.as_str()).collect();
    let removed: BTreeSet<&str> =
        version.amendments.iter().flat_map(|a| a.removed.iter().map(String::as_str)).collect();
    let mut first_to: BTreeMap<&str, (&Amendment, &Renumbering)> = BTreeMap::new();
    let mut first_from: BTreeMap<&str, (&Amendment, &Renumbering)> = BTreeMap::new();
    for &(a, r) in &entries {
        let at = line(a, r);
        if r.from == r.to {
            diags.error(
                file,
                at,
                format!("amendment \"{}\" renumbers {} to itself", a.id, r.from),
                "remove the renumbering: a requirement that keeps its ID is listed in modified, if it changed",
            );
            continue;
        }
        if let Some((fa, fr)) = first_to.insert(&r.to, (a, r)) {
            diags.error(
                file,
                at,
                format!(
                    "amendment \"{}\" renumbers {} to {}, but line {} (amendment \"{}\") already renumbers {} to {}",
                    a.id,
                    r.from,
                    r.to,
                    line(fa, fr),
                    fa.id,
                    fr.from,
                    fr.to
                ),
                "give each renumbered requirement its own new ID",
            );
        }
        if let Some((fa, fr)) = first_from.insert(&r.from, (a, r)) {
            diags.error(
                file,
                at,
                format!(
                    "amendment \"{}\" renumbers {} to {}, but line {} (amendment \"{}\") already renumbers it to {}",
                    a.id,
                    r.from,
                    r.to,
                    line(fa, fr),
                    fa.id,
                    fr.to
                ),
                "keep one renumbering of each requirement",
            );
        }
        // The old ID must be gone, unless another requirement moved onto it.
        if here.contains_key(&r.from) && before.contains_key(&r.from) && !targets.contains(r.from.as_str()) {
            diags.error(
                file,
                at,
                format!(
                    "amendment \"{}\" renumbers {} to {}, but {} still exists in version {}",
                    a.id, r.from, r.to, r.from, version.id
                ),
                format!(
                    "if {} kept its ID, remove the renumbering (list it in modified if it changed); if it moved, give the requirement now numbered {} in {} its new ID",
                    r.from, r.from, version.id
                ),
            );
        }
        // The new ID must be free, unless its holder moved away or was removed.
        if here.contains_key(&r.to)
            && before.contains_key(&r.to)
            && !moved_away.contains(r.to.as_str())
            && !removed.contains(r.to.as_str())
        {
            diags.error(
                file,
                at,
                format!(
                    "amendment \"{}\" renumbers {} to {}, but {} exists in both {prev_id} and {}: it is that requirement's ID",
                    a.id, r.from, r.to, r.to, version.id
                ),
                format!(
                    "correct the target to the ID {} has in {}, or if {} of {prev_id} moved too, declare its renumbering",
                    r.from, version.id, r.to
                ),
            );
        }
    }
}

/// Checks every translation against the English sources: versions, chapters
/// and requirement IDs that exist in English, no duplicates, and interface
/// strings that cover the theme's (missing ones are warnings: English shows).
pub fn check_translations(project: &Project, english_strings: Option<&toml::Table>, diags: &mut Diagnostics) {
    let (lineages, _) = crate::diff::lineages(project);
    // Every (requirement ID, fingerprint) of the English texts, to hold each
    // translated block's ID against the text its fingerprint belongs to.
    let english_ids: std::collections::HashSet<(&str, &str)> = project
        .versions
        .iter()
        .flat_map(|v| v.requirements().map(|(_, r)| r.id.as_str()).zip(v.fingerprints().iter().map(String::as_str)))
        .collect();
    // Languages are checked in parallel; diagnostics are kept in order.
    let checked: Vec<Diagnostics> = project
        .translations
        .par_iter()
        .map(|lang| {
            let mut lang_diags = diags.fork();
            check_translation(project, english_strings, &lineages, &english_ids, lang, &mut lang_diags);
            lang_diags
        })
        .collect();
    for lang_diags in checked {
        diags.append(lang_diags);
    }
}

/// [`check_translations`] for one language.
fn check_translation(
    project: &Project,
    english_strings: Option<&toml::Table>,
    lineages: &[crate::diff::Lineage],
    english_ids: &std::collections::HashSet<(&str, &str)>,
    lang: &LanguageSource,
    diags: &mut Diagnostics,
) {
    if let Some(english) = english_strings {
        check_strings(english, &lang.strings, &lang.strings_file, "", diags);
    }
    for (version_id, chapters) in &lang.versions {
        let Some(version) = project.version(version_id) else {
            let dir = lang.dir.join(version_id);
            diags.error(
                &dir,
                0,
                format!("there is no English version {version_id} to translate"),
                "rename the folder to an existing version of standard/, or remove it",
            );
            continue;
        };
        let english_chapter_of = version.requirement_index();
        let mut seen: BTreeMap<&str, &TranslatedRequirement> = BTreeMap::new();
        for (slug, chapter) in chapters {
            let Some(english) = version.chapter(slug) else {
                diags.error(
                    &chapter.file,
                    0,
                    format!("{slug}.md has no English counterpart in standard/{version_id}/"),
                    "name the file after an English chapter of the same version, or remove it",
                );
                continue;
            };
            if chapter.source.is_none() && !chapter.untranslated {
                diags.warning(
                    &chapter.file,
                    1,
                    "the chapter records no source fingerprint, so its prose cannot be tracked as outdated",
                    format!(
                        "run craftpub translate {} --version {version_id} --mark-updated {slug}",
                        lang.language.code
                    ),
                );
            }
            let english_pieces = english.blocks.iter().filter(|b| matches!(b, Block::Section(_))).count();
            let pieces = chapter.blocks.iter().filter(|b| matches!(b, Block::Section(_))).count();
            if pieces != english_pieces {
                diags.warning(
                    &chapter.file,
                    1,
                    format!("{pieces} section headings, where the English chapter has {english_pieces}"),
                    "mirror the English chapter's ## headings one for one, so each is matched to its translation",
                );
            }
            for t in &chapter.requirements {
                if let Some(first) = seen.get(t.id.as_str()) {
                    diags.error(
                        &t.file,
                        t.line,
                        format!(
                            "requirement {} is translated twice (also at {}:{})",
                            t.id,
                            first.file.file_name().unwrap_or_default().to_string_lossy(),
                            first.line
                        ),
                        "keep one translation of each requirement per version",
                    );
                    continue;
                }
                seen.insert(&t.id, t);
                match english_chapter_of.get(&t.id) {
                    None => diags.error(
                        &t.file,
                        t.line,
                        format!("requirement {} does not exist in English version {version_id}", t.id),
                        "correct the ID to the English one, or remove the block",
                    ),
                    Some(s) if s != slug => diags.warning(
                        &t.file,
                        t.line,
                        format!("requirement {} is in {s}.md in English", t.id),
                        format!("move the block to {s}.md, mirroring the English files"),
                    ),
                    Some(_) => {}
                }
                let under_its_id = |id: &str| english_ids.contains(&(id, t.source.as_str()));
                if !under_its_id(&t.id)
                    && !project.earlier(version_id, &t.id).any(|(_, id)| under_its_id(id))
                    && let Some((v, r)) = project.english_text(&t.source)
                {
                    diags.error(
                        &t.file,
                        t.line,
                        format!(
                            "the source fingerprint of requirement {} is the English text of requirement {} (version {})",
                            t.id, r.id, v.id
                        ),
                        format!(
                            "put this translation under ::: requirement {}, or if it translates {} run craftpub translate {} --version {version_id} --mark-updated {}",
                            r.id, t.id, lang.language.code, t.id
                        ),
                    );
                }
                for (n, line) in t.body.lines().enumerate() {
                    if let Some(word) = line.trim_end().strip_prefix("--- ")
                        && !word.trim().is_empty()
                        && !word.starts_with('-')
                    {
                        diags.error(
                            &t.file,
                            t.body_line + n,
                            format!("\"{}\" looks like a translated guidance marker; the guidance would show as part of the text", line.trim()),
                            "write the marker as --- guidance (it is not translated; the heading shown is the interface string ui.guidance)",
                        );
                    }
                }
                let mut refs: Vec<(&str, usize)> = cross_references(&t.body)
                    .into_iter()
                    .map(|(id, o)| (id, t.body_line + line_of(&t.body, o) - 1))
                    .collect();
                if let Some(g) = &t.guidance {
                    refs.extend(
                        cross_references(g).into_iter().map(|(id, o)| (id, t.guidance_line + line_of(g, o) - 1)),
                    );
                }
                check_translated_refs(lineages, version, &t.file, &refs, diags);
            }
            for block in &chapter.blocks {
                if let Block::Prose { text, line } = block {
                    let refs: Vec<(&str, usize)> =
                        cross_references(text).into_iter().map(|(id, o)| (id, line + line_of(text, o) - 1)).collect();
                    check_translated_refs(lineages, version, &chapter.file, &refs, diags);
                }
            }
        }
    }
}

/// Cross-references in translated text: an ID of the version is fine; an ID
/// that the requirement had in another version resolves (a warning asks to
/// update it); anything else is an error.
fn check_translated_refs(
    lineages: &[crate::diff::Lineage],
    version: &Version,
    file: &Path,
    refs: &[(&str, usize)],
    diags: &mut Diagnostics,
) {
    let index = version.requirement_index();
    for &(id, line) in refs {
        if index.contains_key(id) {
            continue;
        }
        match crate::diff::id_in_version(lineages, &version.id, id) {
            Some(now) => diags.warning(
                file,
                line,
                format!("cross-reference [[{id}]] is requirement {now} in version {}", version.id),
                format!("write [[{now}]]"),
            ),
            None => diags.error(
                file,
                line,
                format!("cross-reference [[{id}]] names no requirement of version {}", version.id),
                "correct the ID, or remove the reference",
            ),
        }
    }
}

fn check_strings(english: &toml::Table, translated: &toml::Table, file: &Path, prefix: &str, diags: &mut Diagnostics) {
    let mut missing = Vec::new();
    collect_missing(english, translated, prefix, &mut missing);
    if !missing.is_empty() && file.is_file() {
        let count = missing.len();
        let more = if count > 8 { format!(" and {} more", count - 8) } else { String::new() };
        missing.truncate(8);
        diags.warning(
            file,
            0,
            format!("{count} interface string(s) not translated, English is shown: {}{more}", missing.join(", ")),
            "translate them in strings.toml (craftpub translate LANG adds each one there commented out, with its English text)",
        );
    }
    let mut unknown = Vec::new();
    collect_missing(translated, english, prefix, &mut unknown);
    if !unknown.is_empty() {
        diags.warning(
            file,
            0,
            format!("unknown interface string(s), ignored: {}", unknown.join(", ")),
            "remove them, or correct their names to those of theme/strings.toml",
        );
    }
}

fn collect_missing(from: &toml::Table, other: &toml::Table, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in from {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match (value, other.get(key)) {
            (toml::Value::Table(a), Some(toml::Value::Table(b))) => collect_missing(a, b, &name, out),
            // Counted string by string, as craftpub status does.
            (toml::Value::Table(a), None) => collect_missing(a, &toml::Table::new(), &name, out),
            (toml::Value::String(s), None) if s.is_empty() => {}
            (_, None) => out.push(name),
            _ => {}
        }
    }
}

/// Holds each version's amendment history against the changes computed from
/// the texts: every change has an entry, every entry names a real change, and
/// a removal plus an addition of nearly the same text is a renumbering that
/// should be declared.
pub fn check_amendment_coverage(project: &Project, diags: &mut Diagnostics) {
    // Each version is compared with its previous one in parallel; diagnostics are kept in order.
    let checked: Vec<Diagnostics> = project
        .versions
        .par_iter()
        .map(|version| {
            let mut version_diags = diags.fork();
            check_version_coverage(project, version, &mut version_diags);
            version_diags
        })
        .collect();
    for version_diags in checked {
        diags.append(version_diags);
    }
}

/// [`check_amendment_coverage`] for one version.
fn check_version_coverage(project: &Project, version: &Version, diags: &mut Diagnostics) {
    let Some(previous) = version.previous.as_deref().and_then(|p| project.version(p)) else { return };
    let file = version.amendments_file.clone().unwrap_or_else(|| version.dir.join("amendments.toml"));
    let diff = crate::diff::compare(project, previous, version);
    let declared = |list: fn(&Amendment) -> Vec<&String>, id: &str| {
        version.amendments.iter().find(|a| list(a).iter().any(|x| *x == id))
    };
    let mut named_new: BTreeMap<&str, ChangeKindDeclared> = BTreeMap::new();
    for a in &version.amendments {
        for id in &a.added {
            named_new.insert(id, ChangeKindDeclared::Added);
        }
        for id in &a.modified {
            named_new.insert(id, ChangeKindDeclared::Modified);
        }
        for r in &a.renumbered {
            named_new.insert(&r.to, ChangeKindDeclared::Renumbered);
        }
    }
    let named_removed: BTreeSet<&str> =
        version.amendments.iter().flat_map(|a| a.removed.iter().map(String::as_str)).collect();
    let ln = |id: &str| version.amendments.iter().find_map(|a| a.id_lines.get(id).copied()).unwrap_or(0);

    let at =
        |v: &Version, id: &str| v.requirement(id).map(|(_, r)| (r.file.clone(), r.line)).unwrap_or((file.clone(), 0));
    // Likely renumberings (a removal and an addition of nearly the same
    // text, each requirement in its best pair): the one error for each is
    // the renumbering to declare, not "list it in added / removed".
    let likely = likely_renumberings(previous, version, &diff);
    let paired_new: BTreeSet<&str> = likely.iter().map(|(_, new, _)| new.as_str()).collect();
    let paired_old: BTreeSet<&str> = likely.iter().map(|(old, _, _)| old.as_str()).collect();
    for (old_id, new_id, sim) in &likely {
        let Some((_, new)) = version.requirement(new_id) else { continue };
        diags.error(
            &new.file,
            new.line,
            format!(
                "{new_id} is new and {old_id} was removed, but their texts are {:.0}% the same: an undeclared renumbering?",
                sim * 100.0
            ),
            format!(
                "declare it in {}: renumbered = [{{ from = \"{old_id}\", to = \"{new_id}\" }}]",
                diags.shown(&file)
            ),
        );
    }
    for c in &diff.changes {
        let fix_entry = format!("add it to an entry of {} that gives the reason for the change", diags.shown(&file));
        let fix_entry = fix_entry.as_str();
        match c.change {
            ChangeKind::Added => {
                let id = c.id.as_deref().unwrap_or("");
                if declared(|a| a.added.iter().collect(), id).is_none() && !paired_new.contains(id) {
                    let (f, l) = at(version, id);
                    diags.error(
                        &f,
                        l,
                        format!("requirement {id} is new in {} but no amendment entry lists it in added", version.id),
                        fix_entry,
                    );
                }
            }
            ChangeKind::Removed => {
                let id = c.old_id.as_deref().unwrap_or("");
                if !named_removed.contains(id) && !paired_old.contains(id) {
                    let (f, l) = at(previous, id);
                    diags.error(
                        &f,
                        l,
                        format!(
                            "requirement {id} of {} is gone from {} but no amendment entry lists it in removed",
                            previous.id, version.id
                        ),
                        format!("{fix_entry} (removed), or declare its renumbering"),
                    );
                }
            }
            ChangeKind::Modified => {
                let id = c.id.as_deref().unwrap_or("");
                if declared(|a| a.modified.iter().collect(), id).is_none() {
                    let (f, l) = at(version, id);
                    let mut parts: Vec<String> = Vec::new();
                    if c.text_changed {
                        parts.push("its text".into());
                    }
                    parts.extend(c.meta.iter().map(|m| format!("{} \"{}\" -> \"{}\"", m.field, m.old, m.new)));
                    let what = parts.join("; ");
                    diags.error(
                        &f,
                        l,
                        format!(
                            "requirement {id} changed ({what}) since {} but no amendment entry lists it in modified",
                            previous.id
                        ),
                        fix_entry,
                    );
                }
            }
            ChangeKind::Renumbered | ChangeKind::Unchanged => {
                // A declared renumbering is its own entry; unchanged ones must not be named.
                let id = c.id.as_deref().unwrap_or("");
                if c.change == ChangeKind::Unchanged && named_new.contains_key(id) {
                    let kind = named_new[id].as_str();
                    diags.error(
                        &file,
                        ln(id),
                        format!("requirement {id} is listed as {kind}, but it did not change since {}", previous.id),
                        "remove it from the entry, or make the change the entry describes",
                    );
                }
            }
        }
        if let (ChangeKind::Modified, Some(id)) = (c.change, c.id.as_deref())
            && named_new.get(id) == Some(&ChangeKindDeclared::Added)
        {
            diags.error(
                &file,
                ln(id),
                format!("requirement {id} is listed as added, but it exists in {}", previous.id),
                "list it in modified instead",
            );
        }
    }
    check_prose_coverage(project, version, previous, &file, &diff, diags);
    // Entries naming an added requirement that existed before (and was not renumbered).
    for (id, kind) in &named_new {
        if *kind == ChangeKindDeclared::Added
            && let Some(c) = diff.changes.iter().find(|c| c.id.as_deref() == Some(*id))
            && (c.change == ChangeKind::Unchanged || c.change == ChangeKind::Renumbered)
        {
            diags.error(
                &file,
                ln(id),
                format!("requirement {id} is listed as added, but it continues a requirement of {}", previous.id),
                "remove it from added",
            );
        }
    }
    for id in &named_removed {
        if version.requirement(id).is_some()
            && diff.changes.iter().any(|c| c.old_id.as_deref() == Some(*id) && c.change != ChangeKind::Removed)
        {
            diags.error(
                &file,
                ln(id),
                format!("requirement {id} is listed as removed, but it is still in {}", version.id),
                "remove it from removed, or delete the requirement",
            );
        }
    }
}

/// With `prose_amendments = true` in standard.toml: every chapter whose own
/// text changed is named in an entry's `chapters`, and every chapter an
/// entry names did change. Without it, `chapters` is optional but must name
/// chapters whose text changed.
fn check_prose_coverage(
    project: &Project,
    version: &Version,
    previous: &Version,
    file: &Path,
    diff: &crate::diff::VersionDiff,
    diags: &mut Diagnostics,
) {
    let changed: BTreeSet<&str> = diff.chapters.iter().map(|c| c.slug.as_str()).collect();
    let named: BTreeSet<&str> =
        version.amendments.iter().flat_map(|a| a.chapters.iter().map(|(c, _)| c.as_str())).collect();
    if project.standard.prose_amendments {
        for c in diff.chapters.iter().filter(|c| !named.contains(c.slug.as_str())) {
            let at = version.chapter(&c.slug).or_else(|| previous.chapter(&c.slug)).map(|ch| ch.file.clone());
            diags.error(
                &at.unwrap_or_else(|| file.to_path_buf()),
                1,
                format!(
                    "the text of chapter {} ({}) changed since {} but no amendment entry lists it in chapters",
                    c.slug,
                    c.change.as_str(),
                    previous.id
                ),
                format!(
                    "add chapters = [\"{}\"] to an entry of {} that gives the reason (standard.toml sets prose_amendments = true)",
                    c.slug,
                    diags.shown(file)
                ),
            );
        }
    }
    for a in &version.amendments {
        for (slug, line) in a.chapters.iter().filter(|(c, _)| !changed.contains(c.as_str())) {
            let exists = version.chapter(slug).is_some() || previous.chapter(slug).is_some();
            diags.error(
                file,
                *line,
                if exists {
                    format!("amendment \"{}\" names chapter {slug}, whose text did not change since {}", a.id, previous.id)
                } else {
                    format!("amendment \"{}\" names chapter {slug}, which is in neither {} nor {}", a.id, previous.id, version.id)
                },
                "remove it from chapters, or name a chapter (its file name without .md) whose prose or headings changed",
            );
        }
    }
}

/// The likely renumberings of a diff: (old ID, new ID, similarity) for each
/// removed and added requirement whose texts are at least
/// [`RENUMBER_SIMILARITY`] the same, the most similar pairs first, each
/// requirement in one pair.
fn likely_renumberings(
    previous: &Version,
    version: &Version,
    diff: &crate::diff::VersionDiff,
) -> Vec<(String, String, f32)> {
    let removed: Vec<(&str, &Requirement)> = diff
        .changes
        .iter()
        .filter(|c| c.change == ChangeKind::Removed)
        .filter_map(|c| c.old_id.as_deref().and_then(|i| previous.requirement(i)).map(|(_, r)| (r.id.as_str(), r)))
        .collect();
    let mut pairs = Vec::new();
    for added in diff.changes.iter().filter(|c| c.change == ChangeKind::Added) {
        let Some((_, new)) = added.id.as_deref().and_then(|i| version.requirement(i)) else { continue };
        for (old_id, old) in &removed {
            let sim = crate::diff::similarity(&renumber_text(old), &renumber_text(new));
            if sim >= RENUMBER_SIMILARITY {
                pairs.push((std::cmp::Reverse((sim * 1e6) as u64), old_id.to_string(), new.id.clone(), sim));
            }
        }
    }
    pairs.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    let (mut used_old, mut used_new) = (BTreeSet::new(), BTreeSet::new());
    let mut out = Vec::new();
    for (_, old, new, sim) in pairs {
        if used_old.contains(&old) || used_new.contains(&new) {
            continue;
        }
        used_old.insert(old.clone());
        used_new.insert(new.clone());
        out.push((old, new, sim));
    }
    out
}

/// The kind of change an amendment entry declares for an ID of the new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeKindDeclared {
    Added,
    Modified,
    Renumbered,
}

impl ChangeKindDeclared {
    fn as_str(self) -> &'static str {
        match self {
            ChangeKindDeclared::Added => "added",
            ChangeKindDeclared::Modified => "modified",
            ChangeKindDeclared::Renumbered => "renumbered",
        }
    }
}
