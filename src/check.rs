//! Checking: the rules that span files and versions, run on a loaded
//! [`Project`]. Problems within one file are found while loading; this stage
//! finds duplicate IDs, broken cross-references, broken version links and
//! amendment entries that name requirements that do not exist.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostics, line_of};
use crate::load::cross_references;
use crate::model::*;

/// Runs every cross-file check on `project`.
pub fn check_project(root: &Path, project: &Project, diags: &mut Diagnostics) {
    check_versions(root, project, diags);
    for version in &project.versions {
        check_requirement_ids(version, diags);
        check_cross_references(version, diags);
        check_amendments(project, version, diags);
    }
}

fn version_file(v: &Version) -> std::path::PathBuf {
    v.dir.join("version.toml")
}

fn check_versions(root: &Path, project: &Project, diags: &mut Diagnostics) {
    let current: Vec<&Version> = project.versions.iter().filter(|v| v.status == Status::Current).collect();
    if current.is_empty() && !project.versions.is_empty() {
        diags.error(
            &root.join("standard"),
            0,
            "no version has status = \"current\"",
            "set status = \"current\" in the version.toml of the version in force",
        );
    }
    for extra in current.iter().skip(1) {
        diags.error(
            &version_file(extra),
            0,
            format!("version {} is current, and so is version {}", extra.id, current[0].id),
            "only one version can be current: set the older one to \"superseded\"",
        );
    }
    for v in &project.versions {
        if let Some(prev) = &v.previous
            && project.version(prev).is_none()
        {
            diags.error(
                &version_file(v),
                0,
                format!("previous version \"{prev}\" does not exist"),
                "set previous to the ID of an existing version folder, or remove it for the first version",
            );
        }
    }
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
    let before = previous.map(|p| p.requirement_index()).unwrap_or_default();
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
}
