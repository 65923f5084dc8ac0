//! Permanent URLs: what earlier builds of these sources published that this
//! build no longer makes, and where each went.
//!
//! Earlier builds are derived from the sources, deterministically: the
//! versions in order are the standard's record, so the build made when
//! version *k* was the newest one is the build of the versions up to *k*,
//! with the newest released of them as the current version. Each of those
//! builds published a diff for each of its versions against the previous
//! one and against its current version (every pair with `all_diffs`), and
//! a history page per requirement lineage, named after its newest ID. A
//! release supersedes some diff pairs (1.0-2.1 once 2.2 is out); a
//! renumbering gives a lineage a new name (5.4.2 becomes 5.4.3); a chapter
//! the current version drops leaves `latest/<chapter>.html`. Each such
//! URL gets a small page (and, for data, a JSON stub) saying where the
//! content went and why: see [`crate::render::moved`] and
//! [`crate::api::moved`].

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::{self, Lineage};
use crate::model::{Project, Status};

/// A history page an earlier build published under a name the lineage no
/// longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedHistory {
    /// The name the earlier build used (its page: `<lang>/history/<name>.html`).
    pub name: String,
    /// The lineage's name now.
    pub now: String,
    /// The requirement's ID in the newest version the earlier build had.
    pub old_id: String,
    /// The version that gave it a new ID, and that ID (absent when only the
    /// name changed, for another lineage took it).
    pub renumbered: Option<(String, String)>,
}

/// A diff an earlier build published that this build does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupersededDiff {
    /// The earlier version.
    pub from: String,
    /// The later version.
    pub to: String,
    /// The release after which the pair was no longer published.
    pub since: String,
    /// The published diffs that cover it: `from` against the current
    /// version, and `to` against its previous one (those published).
    pub instead: Vec<(String, String)>,
}

/// A `<lang>/latest/<chapter>.html` an earlier build published for a
/// chapter the current version does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedLatest {
    /// The chapter's file name without `.md`.
    pub slug: String,
    /// The newest version that has it.
    pub version: String,
}

/// Every URL of an earlier build that this build does not make as content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gone {
    /// History pages whose lineage has a new name, by old name.
    pub histories: Vec<MovedHistory>,
    /// Diff pairs no longer published, sorted.
    pub diffs: Vec<SupersededDiff>,
    /// `latest/` chapters the current version no longer has, sorted.
    pub latest: Vec<MovedLatest>,
}

impl Gone {
    /// Whether every earlier URL is still made as content.
    pub fn is_empty(&self) -> bool {
        self.histories.is_empty() && self.diffs.is_empty() && self.latest.is_empty()
    }
}

/// The diff pairs the build of the first `n` versions published (see the
/// module documentation).
pub fn pairs_upto(project: &Project, n: usize) -> BTreeSet<(String, String)> {
    let versions = &project.versions[..n.min(project.versions.len())];
    let mut pairs = BTreeSet::new();
    if project.standard.all_diffs {
        for (i, a) in versions.iter().enumerate() {
            for b in &versions[i + 1..] {
                pairs.insert((a.id.clone(), b.id.clone()));
            }
        }
        return pairs;
    }
    for v in versions {
        if let Some(p) = v.previous.as_deref().filter(|p| versions.iter().any(|x| x.id == *p)) {
            pairs.insert((p.to_owned(), v.id.clone()));
        }
    }
    // Its current version: the newest released one (drafts were drafts then too).
    if let Some(li) = versions.iter().rposition(|v| v.status != Status::Draft) {
        for v in &versions[..li] {
            pairs.insert((v.id.clone(), versions[li].id.clone()));
        }
    }
    pairs
}

/// What every earlier build published that this one (`lineages`, `pairs`:
/// what it makes) does not make as content.
pub fn gone(project: &Project, lineages: &[Lineage], pairs: &[(String, String)]) -> Gone {
    let n = project.versions.len();
    let now_names: BTreeSet<&str> = lineages.iter().map(|l| l.name.as_str()).collect();
    let now_pairs: BTreeSet<(String, String)> = pairs.iter().cloned().collect();
    let mut histories: BTreeMap<String, MovedHistory> = BTreeMap::new();
    let mut diffs: BTreeMap<(String, String), SupersededDiff> = BTreeMap::new();
    let latest = project.latest().map(|v| v.id.clone());
    for k in 1..n {
        // The build of versions[..k]: its history names ...
        for l in diff::lineages_upto(project, k) {
            if now_names.contains(l.name.as_str()) || histories.contains_key(&l.name) {
                continue;
            }
            let Some((vid, id)) = l.steps.last() else { continue };
            let Some(now) = lineages.iter().find(|x| x.steps.iter().any(|s| s.0 == *vid && s.1 == *id)) else {
                continue;
            };
            let after = now.steps.iter().skip_while(|s| !(s.0 == *vid && s.1 == *id)).skip(1).find(|s| s.1 != *id);
            histories.insert(
                l.name.clone(),
                MovedHistory {
                    name: l.name.clone(),
                    now: now.name.clone(),
                    old_id: id.clone(),
                    renumbered: after.cloned(),
                },
            );
        }
        // ... and its diffs.
        for (from, to) in pairs_upto(project, k) {
            if now_pairs.contains(&(from.clone(), to.clone())) || diffs.contains_key(&(from.clone(), to.clone())) {
                continue;
            }
            // The release after which it went: the first released version after `k` whose build lacks it.
            let since = (k + 1..=n)
                .find(|&j| !pairs_upto(project, j).contains(&(from.clone(), to.clone())))
                .and_then(|j| project.versions.get(j - 1))
                .map(|v| v.id.clone())
                .unwrap_or_default();
            let mut instead = Vec::new();
            if let Some(l) = &latest {
                instead.push((from.clone(), l.clone()));
            }
            if let Some(p) = project.version(&to).and_then(|v| v.previous.clone()) {
                instead.push((p, to.clone()));
            }
            instead.retain(|p| now_pairs.contains(p));
            instead.dedup();
            diffs.insert((from.clone(), to.clone()), SupersededDiff { from, to, since, instead });
        }
    }
    // The `latest/` chapters of every earlier current version.
    let now_latest = project.latest();
    let mut latest_gone: BTreeMap<String, MovedLatest> = BTreeMap::new();
    for v in project.versions.iter().filter(|v| v.status != Status::Draft) {
        for c in &v.chapters {
            if now_latest.is_some_and(|l| l.chapter(&c.slug).is_none()) {
                let newest = project.versions.iter().rev().find(|x| x.chapter(&c.slug).is_some()).unwrap_or(v);
                latest_gone
                    .entry(c.slug.clone())
                    .or_insert(MovedLatest { slug: c.slug.clone(), version: newest.id.clone() });
            }
        }
    }
    Gone {
        histories: histories.into_values().collect(),
        diffs: diffs.into_values().collect(),
        latest: latest_gone.into_values().collect(),
    }
}
