//! `craftpub amend [VERSION]`: drafts a version's amendment history.
//!
//! It compares the version with its previous one (the diff of
//! [`crate::diff`], following the renumberings already declared), finds
//! every change no entry declares yet ([`crate::check::undeclared_changes`],
//! which proposes a removal and an addition of nearly the same text as a
//! renumbering) and appends one entry per module for them, with an empty
//! rationale that `craftpub check` reports until the maintainer writes it.
//! The entries already in the file are never rewritten or reordered: the
//! new text is appended to the file's bytes. Running it again adds nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::Undeclared;
use crate::cycle::{CycleError, amendments_header, toml_string};
use crate::diagnostics::Diagnostics;
use crate::diff::ChangeKind;
use crate::load::version_key;
use crate::model::{Project, Renumbering, Status, Version};

/// One entry `craftpub amend` appended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DraftedEntry {
    /// The entry's ID.
    pub id: String,
    /// The module its changes are in.
    pub module: String,
    /// Its title.
    pub title: String,
    /// Requirements added.
    pub added: Vec<String>,
    /// Requirements removed.
    pub removed: Vec<String>,
    /// Requirements modified.
    pub modified: Vec<String>,
    /// Likely renumberings, proposed.
    pub renumbered: Vec<Renumbering>,
    /// What changed, per requirement ID, for the maintainer.
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// What `craftpub amend` did.
#[derive(Debug, Serialize)]
pub struct AmendReport {
    /// The version amended.
    pub version: String,
    /// Its previous version.
    pub previous: String,
    /// The amendment file.
    pub file: PathBuf,
    /// Whether the file was created.
    pub created: bool,
    /// The entries appended (none when every change was declared).
    pub entries: Vec<DraftedEntry>,
}

fn refuse(root: &Path, file: &Path, message: impl Into<String>, fix: impl Into<String>) -> CycleError {
    let mut d = Diagnostics::new(root);
    d.error(file, 0, message, fix);
    CycleError::Refused(d)
}

/// The version `amend` works on: the one named, or the newest draft.
fn target<'p>(root: &Path, project: &'p Project, version: Option<&str>) -> Result<&'p Version, CycleError> {
    match version {
        Some(id) => project.version(id).ok_or_else(|| {
            let all: Vec<&str> = project.versions.iter().map(|v| v.id.as_str()).collect();
            refuse(
                root,
                &root.join("standard").join(id),
                format!("there is no version {id}"),
                format!("name one of: {}", all.join(", ")),
            )
        }),
        None => project.versions.iter().rev().find(|v| v.status == Status::Draft).ok_or_else(|| {
            refuse(
                root,
                &root.join("standard"),
                "there is no draft to amend",
                "start one with craftpub version new ID, or name the version: craftpub amend VERSION",
            )
        }),
    }
}

/// Groups undeclared changes into one entry per module, with IDs not used in `taken`.
pub fn draft_entries(project: &Project, version: &Version, changes: &[Undeclared]) -> Vec<DraftedEntry> {
    let mut by_module: BTreeMap<Vec<(u64, String)>, DraftedEntry> = BTreeMap::new();
    for u in changes {
        let e = by_module
            .entry(version_key(&u.module))
            .or_insert_with(|| DraftedEntry { module: u.module.clone(), ..Default::default() });
        let (id, old) = (u.id.clone().unwrap_or_default(), u.old_id.clone().unwrap_or_default());
        match u.change {
            ChangeKind::Added => {
                e.notes.push(format!("added {id}"));
                e.added.push(id);
            }
            ChangeKind::Removed => {
                e.notes.push(format!("removed {old}"));
                e.removed.push(old);
            }
            ChangeKind::Modified => {
                e.notes.push(format!("modified {id}: {}", u.detail));
                e.modified.push(id);
            }
            ChangeKind::Renumbered => {
                e.notes.push(format!(
                    "renumbered {old} -> {id} (proposed: their texts are nearly the same; {})",
                    u.detail
                ));
                e.renumbered.push(Renumbering { from: old, to: id, line: 0 });
            }
            ChangeKind::Unchanged => {}
        }
    }
    let mut taken: BTreeSet<String> = version.amendments.iter().map(|a| a.id.clone()).collect();
    let previous = version.previous.as_deref().and_then(|p| project.version(p));
    by_module
        .into_values()
        .map(|mut e| {
            let base = format!("module-{}", e.module);
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(id.clone());
            e.id = id;
            let chapter = version
                .chapters
                .iter()
                .chain(previous.map(|p| p.chapters.as_slice()).unwrap_or_default())
                .find(|c| c.module.as_deref() == Some(e.module.as_str()));
            e.title = match chapter {
                Some(c) => format!("Changes in {}", c.title),
                None => format!("Changes in module {}", e.module),
            };
            e
        })
        .collect()
}

/// The TOML text of drafted entries, to append to an amendment file.
pub fn entries_toml(entries: &[DraftedEntry], date: &str) -> String {
    let list = |ids: &[String]| ids.iter().map(|i| toml_string(i)).collect::<Vec<_>>().join(", ");
    let mut out = String::new();
    for e in entries {
        out.push_str(&format!(
            "\n# Drafted by craftpub amend on {date}. Write the rationale: why these\n\
             # changes were made (craftpub check fails while it is empty); split,\n\
             # merge or retitle the entry as you see fit.\n"
        ));
        for n in &e.notes {
            out.push_str(&format!("#   {n}\n"));
        }
        out.push_str(&format!(
            "[[amendment]]\nid = {}\ntitle = {}\nrationale = \"\"\n",
            toml_string(&e.id),
            toml_string(&e.title)
        ));
        if !e.added.is_empty() {
            out.push_str(&format!("added = [{}]\n", list(&e.added)));
        }
        if !e.removed.is_empty() {
            out.push_str(&format!("removed = [{}]\n", list(&e.removed)));
        }
        if !e.modified.is_empty() {
            out.push_str(&format!("modified = [{}]\n", list(&e.modified)));
        }
        if !e.renumbered.is_empty() {
            let r: Vec<String> = e
                .renumbered
                .iter()
                .map(|r| format!("{{ from = {}, to = {} }}", toml_string(&r.from), toml_string(&r.to)))
                .collect();
            out.push_str(&format!("renumbered = [{}]\n", r.join(", ")));
        }
    }
    out
}

/// `craftpub amend [VERSION]`: appends entries for the undeclared changes
/// of `version` (default: the newest draft).
pub fn amend(root: &Path, version: Option<&str>) -> Result<AmendReport, CycleError> {
    let mut diags = Diagnostics::new(root);
    let project = crate::load::load_project(root, &mut diags);
    crate::check::check_structure(root, &project, &mut diags);
    if diags.has_errors() {
        return Err(CycleError::Sources(diags));
    }
    let v = target(root, &project, version)?;
    let Some(previous) = v.previous.as_deref().and_then(|p| project.version(p)) else {
        return Err(refuse(
            root,
            &v.dir.join("version.toml"),
            format!("version {} has no previous version, so nothing to amend", v.id),
            "set previous in version.toml to the version this one revises",
        ));
    };
    let file = v.dir.join("amendments.toml");
    let changes = crate::check::undeclared_changes(&project, v);
    let entries = draft_entries(&project, v, &changes);
    let created = !file.exists();
    if !entries.is_empty() {
        let mut text = if created {
            amendments_header(&v.id, &previous.id)
        } else {
            fs::read_to_string(&file).map_err(|source| CycleError::Io { path: file.clone(), source })?
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&entries_toml(&entries, &crate::cycle::today()));
        let tmp = file.with_extension("toml.craftpub-amend");
        fs::write(&tmp, &text).map_err(|source| CycleError::Io { path: tmp.clone(), source })?;
        fs::rename(&tmp, &file).map_err(|source| CycleError::Io { path: file.clone(), source })?;
    }
    Ok(AmendReport {
        version: v.id.clone(),
        previous: previous.id.clone(),
        file,
        created: created && !entries.is_empty(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_valid_toml_with_an_empty_rationale() {
        let e = DraftedEntry {
            id: "module-3".into(),
            module: "3".into(),
            title: "Changes in \"Module 3\"".into(),
            added: vec!["3.4.1".into()],
            removed: vec!["3.2.2".into()],
            modified: vec!["3.1.1".into()],
            renumbered: vec![Renumbering { from: "3.2.1".into(), to: "3.3.1".into(), line: 0 }],
            notes: vec!["modified 3.1.1: text".into()],
        };
        let text = entries_toml(&[e], "2026-01-01");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        let a = &parsed["amendment"][0];
        assert_eq!(a["id"].as_str(), Some("module-3"));
        assert_eq!(a["title"].as_str(), Some("Changes in \"Module 3\""));
        assert_eq!(a["rationale"].as_str(), Some(""));
        assert_eq!(a["renumbered"][0]["to"].as_str(), Some("3.3.1"));
        assert_eq!(a["removed"][0].as_str(), Some("3.2.2"));
        assert!(text.contains("#   modified 3.1.1: text\n"));
    }
}
