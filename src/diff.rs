//! Diffs between versions: requirements matched across versions by ID
//! (following renumberings declared in amendment histories), each change
//! classified, and a word-level diff of every changed text.
//!
//! The word diff is aware of Markdown: a link, a cross-reference `[[ID]]` or a
//! code span is one token, and emphasis markers are tokens of their own, so a
//! changed link or emphasis does not shred the sentence around it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use similar::{Algorithm, DiffOp, TextDiff};

use crate::model::*;

pub mod effect;

pub use effect::Effect;

/// What happened to a requirement between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// New in the later version.
    Added,
    /// Gone from the later version.
    Removed,
    /// Same ID, text or metadata changed.
    Modified,
    /// New ID (with or without changes).
    Renumbered,
    /// Same ID, same text and metadata.
    Unchanged,
}

impl ChangeKind {
    /// The name used in exports and pages.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Modified => "modified",
            ChangeKind::Renumbered => "renumbered",
            ChangeKind::Unchanged => "unchanged",
        }
    }
}

/// What a word operation does to the text: serialised (in the diff JSON)
/// as `equal`, `insert` or `delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Text in both versions.
    Equal,
    /// Text only in the later version.
    Insert,
    /// Text only in the earlier version.
    Delete,
}

/// One operation of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WordOp {
    /// `equal`, `insert` or `delete`.
    pub op: Op,
    /// The text, Markdown source.
    pub text: String,
}

/// A metadata field that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MetaChange {
    /// The field, as in the sources (e.g. `level`).
    #[schemars(extend("enum" = ["applies-to", "level", "timeframe", "oecd", "commodities"]))]
    pub field: &'static str,
    /// Its value before, as in the sources.
    pub old: String,
    /// Its value after.
    pub new: String,
    /// What the change does to what the requirement demands (see [`effect`]).
    pub effect: Effect,
}

/// A reference to the amendment entry that declares a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AmendmentRef {
    /// The version whose amendment history holds the entry.
    pub version: String,
    /// The entry's ID.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its rationale, Markdown.
    pub rationale: String,
}

/// The change of one requirement between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementChange {
    /// The ID in the later version (absent when removed).
    pub id: Option<String>,
    /// The ID in the earlier version (absent when added).
    pub old_id: Option<String>,
    /// What happened.
    pub change: ChangeKind,
    /// The module (first number of the ID, later version's when present).
    pub module: String,
    /// Title in the earlier and later version.
    pub old_title: Option<String>,
    /// Title in the later version.
    pub new_title: Option<String>,
    /// Whether title, body or guidance changed.
    pub text_changed: bool,
    /// Word diff of the title.
    pub title_ops: Vec<WordOp>,
    /// Word diff of the body.
    pub body_ops: Vec<WordOp>,
    /// Word diff of the guidance.
    pub guidance_ops: Vec<WordOp>,
    /// Metadata that changed.
    pub meta: Vec<MetaChange>,
    /// The overall effect of the metadata changes (see [`effect`]); `None`
    /// when no metadata changed (and for added and removed requirements).
    pub effect: Option<Effect>,
    /// The amendment entries that declare this change.
    pub amendments: Vec<AmendmentRef>,
    /// Whether the word operations show the source (English) text because
    /// the translation shown did not follow the change (it is outdated).
    pub text_in_source_language: bool,
    /// The section it moved from and to, when its section's heading differs
    /// (for changed requirements in both versions; an unchanged one under a
    /// renamed heading shows in the chapter's text change).
    pub section: Option<SectionMove>,
    /// The whole metadata of an added requirement (the later version's) or
    /// a removed one (the earlier version's): every field is new, or gone.
    pub metadata: Option<RequirementMeta>,
}

/// A requirement that moved to another section (its heading's text differs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SectionMove {
    /// The heading of its section in the earlier version (null: no section).
    pub old: Option<String>,
    /// The heading of its section in the later version (null: no section).
    pub new: Option<String>,
}

/// A change of a chapter's own text, apart from its requirements: its
/// title, its section headings and its prose (the introduction, a module's
/// opening text, the glossary, an annex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChapterChange {
    /// The chapter's file name without `.md`: its key across versions.
    pub slug: String,
    /// Its kind (the later version's when it is in both).
    pub kind: ChapterKind,
    /// For modules and schemes, the module number.
    pub module: Option<String>,
    /// `added`, `removed` or `modified`.
    pub change: ChangeKind,
    /// The title in the earlier version (null when added).
    pub old_title: Option<String>,
    /// The title in the later version (null when removed).
    pub new_title: Option<String>,
    /// Word operations on the title.
    pub title_ops: Vec<WordOp>,
    /// Word operations on the chapter's own text, Markdown: its prose
    /// pieces and `## ` section headings in order, paragraphs apart.
    pub text_ops: Vec<WordOp>,
}

/// The changes between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct VersionDiff {
    /// The earlier version.
    pub from: String,
    /// The later version.
    pub to: String,
    /// Every requirement of either version, in the later version's order,
    /// removed ones after the requirement that preceded them.
    pub changes: Vec<RequirementChange>,
    /// The chapters whose own text changed (or that were added or removed),
    /// in the later version's order, removed ones at the end; in English
    /// (the source language) in every language's diff.
    pub chapters: Vec<ChapterChange>,
}

impl ChapterChange {
    /// The chapter's kind as in the sources (`introduction`, `module`...).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ChapterKind::Introduction => "introduction",
            ChapterKind::Module => "module",
            ChapterKind::Scheme => "scheme",
            ChapterKind::Glossary => "glossary",
            ChapterKind::Annex => "annex",
        }
    }
}

/// A chapter's own text as a diff compares it: its prose and section
/// headings (as `## ` lines) in order, paragraphs apart.
pub fn chapter_text(c: &Chapter) -> String {
    let mut pieces: Vec<String> = Vec::new();
    for b in &c.blocks {
        match b {
            Block::Prose { text, .. } if !text.trim().is_empty() => pieces.push(text.trim().to_owned()),
            Block::Section(s) => pieces.push(format!("## {}", s.title)),
            _ => {}
        }
    }
    pieces.join("\n\n")
}

/// The chapters whose own text differs between `from` and `to`.
fn chapter_changes(project: &Project, from: &Version, to: &Version) -> Vec<ChapterChange> {
    let whole =
        |op: Op, text: &str| if text.is_empty() { Vec::new() } else { vec![WordOp { op, text: text.to_owned() }] };
    let mut out = Vec::new();
    for c in &to.chapters {
        let new_text = chapter_text(c);
        match from.chapter(&c.slug) {
            Some(o) => {
                let old_text = chapter_text(o);
                if o.title == c.title && same_words(&old_text, &new_text) {
                    continue;
                }
                let title_ops = if o.title == c.title {
                    whole(Op::Equal, &c.title)
                } else {
                    memo_word_diff(project, &o.title, &c.title)
                };
                let text_ops = if same_words(&old_text, &new_text) {
                    whole(Op::Equal, &new_text)
                } else {
                    memo_word_diff(project, &old_text, &new_text)
                };
                out.push(ChapterChange {
                    slug: c.slug.clone(),
                    kind: c.kind,
                    module: c.module.clone(),
                    change: ChangeKind::Modified,
                    old_title: Some(o.title.clone()),
                    new_title: Some(c.title.clone()),
                    title_ops,
                    text_ops,
                });
            }
            None => out.push(ChapterChange {
                slug: c.slug.clone(),
                kind: c.kind,
                module: c.module.clone(),
                change: ChangeKind::Added,
                old_title: None,
                new_title: Some(c.title.clone()),
                title_ops: whole(Op::Insert, &c.title),
                text_ops: whole(Op::Insert, &new_text),
            }),
        }
    }
    for o in from.chapters.iter().filter(|o| to.chapter(&o.slug).is_none()) {
        out.push(ChapterChange {
            slug: o.slug.clone(),
            kind: o.kind,
            module: o.module.clone(),
            change: ChangeKind::Removed,
            old_title: Some(o.title.clone()),
            new_title: None,
            title_ops: whole(Op::Delete, &o.title),
            text_ops: whole(Op::Delete, &chapter_text(o)),
        });
    }
    out
}

/// The heading of the section requirement `r` of `v` is in.
fn section_title<'v>(v: &'v Version, r: &Requirement) -> Option<&'v str> {
    let anchor = r.section.as_deref()?;
    v.chapters.iter().flat_map(|c| c.sections()).find(|s| s.anchor == anchor).map(|s| s.title.as_str())
}

/// The section move of a requirement from `o` (in `from`) to `r` (in `to`), if its section's heading differs.
fn section_move(from: &Version, o: &Requirement, to: &Version, r: &Requirement) -> Option<SectionMove> {
    let (old, new) = (section_title(from, o), section_title(to, r));
    (old != new).then(|| SectionMove { old: old.map(str::to_owned), new: new.map(str::to_owned) })
}

impl VersionDiff {
    /// How many requirements had each kind of change.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts: BTreeMap<&'static str, usize> =
            ["added", "removed", "modified", "renumbered", "unchanged"].into_iter().map(|k| (k, 0)).collect();
        for c in &self.changes {
            *counts.entry(c.change.as_str()).or_default() += 1;
        }
        counts
    }

    /// How many requirements became stricter, looser, or mixed (and neutral)
    /// through their metadata changes.
    pub fn effect_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts: BTreeMap<&'static str, usize> =
            ["stricter", "looser", "mixed", "neutral"].into_iter().map(|k| (k, 0)).collect();
        for e in self.changes.iter().filter_map(|c| c.effect) {
            *counts.entry(e.as_str()).or_default() += 1;
        }
        counts
    }
}

/// Splits Markdown into diff tokens (see the module documentation).
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().unwrap_or(' ');
        let len = if c.is_whitespace() {
            rest.find(|x: char| !x.is_whitespace()).unwrap_or(rest.len())
        } else if rest.starts_with("[[") {
            rest.find("]]").map(|e| e + 2).filter(|&e| !rest[..e].contains('\n')).unwrap_or(1)
        } else if c == '[' {
            link_len(rest).unwrap_or(1)
        } else if c == '`' {
            rest[1..].find('`').map(|e| e + 2).unwrap_or(1)
        } else if c == '*' || c == '_' {
            rest.find(|x: char| x != c).unwrap_or(rest.len())
        } else if c.is_alphanumeric() {
            let mut end = 0;
            for (k, ch) in rest.char_indices() {
                // Keep words like "don't" and "3.1.2" whole.
                let joiner = (ch == '\'' || ch == '’' || ch == '.' || ch == '-') && k > 0;
                let next_alnum = rest[k + ch.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric);
                if ch.is_alphanumeric() || (joiner && next_alnum) {
                    end = k + ch.len_utf8();
                } else {
                    break;
                }
            }
            end.max(c.len_utf8())
        } else {
            c.len_utf8()
        };
        out.push(&text[i..i + len]);
        i += len;
    }
    out
}

/// The length of an inline link `[text](url)` at the start of `s`.
fn link_len(s: &str) -> Option<usize> {
    let close = s.find(']')?;
    if s[..close].contains('\n') {
        return None;
    }
    let after = &s[close + 1..];
    if after.starts_with('(') { after.find(')').map(|e| close + 1 + e + 1) } else { None }
}

/// A word-level diff of two Markdown texts.
pub fn word_diff(old: &str, new: &str) -> Vec<WordOp> {
    let old_tokens = tokens(old);
    let new_tokens = tokens(new);
    // Compare with every run of whitespace alike, so reflowed lines are equal.
    fn key<'t>(t: &&'t str) -> &'t str {
        match t.trim().is_empty() {
            true if t.matches('\n').count() > 1 => "\n\n",
            true => " ",
            false => t,
        }
    }
    let old_keys: Vec<&str> = old_tokens.iter().map(key).collect();
    let new_keys: Vec<&str> = new_tokens.iter().map(key).collect();
    let diff = TextDiff::configure().algorithm(Algorithm::Patience).diff_slices(&old_keys, &new_keys);
    let mut ops: Vec<WordOp> = Vec::new();
    let mut push = |op: Op, parts: &[&str]| {
        let text: String = parts.concat();
        if text.is_empty() {
            return;
        }
        match ops.last_mut() {
            Some(last) if last.op == op => last.text.push_str(&text),
            _ => ops.push(WordOp { op, text }),
        }
    };
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { new_index, len, .. } => push(Op::Equal, &new_tokens[new_index..new_index + len]),
            DiffOp::Delete { old_index, old_len, .. } => push(Op::Delete, &old_tokens[old_index..old_index + old_len]),
            DiffOp::Insert { new_index, new_len, .. } => push(Op::Insert, &new_tokens[new_index..new_index + new_len]),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                push(Op::Delete, &old_tokens[old_index..old_index + old_len]);
                push(Op::Insert, &new_tokens[new_index..new_index + new_len]);
            }
        }
    }
    absorb_lone_spaces(ops)
}

/// Turns `delete a` `equal " "` `delete b` into one deletion (and the same for
/// insertions), so that a rewritten phrase reads as one change.
fn absorb_lone_spaces(ops: Vec<WordOp>) -> Vec<WordOp> {
    let mut out: Vec<WordOp> = Vec::new();
    let mut i = 0;
    while i < ops.len() {
        let op = &ops[i];
        let lone_space = op.op == Op::Equal && op.text.trim().is_empty() && !op.text.contains('\n');
        if lone_space && i > 0 && i + 2 < ops.len() + 1 {
            let prev_changed = out.len() >= 2
                && out[out.len() - 1].op != Op::Equal
                && out[out.len() - 2].op != Op::Equal
                && out[out.len() - 1].op != out[out.len() - 2].op;
            let next = ops.get(i + 1).map(|o| o.op != Op::Equal).unwrap_or(false);
            let next2 = ops.get(i + 2).map(|o| o.op != Op::Equal).unwrap_or(false);
            if prev_changed && next && next2 {
                let n = out.len();
                out[n - 2].text.push_str(&op.text);
                out[n - 1].text.push_str(&op.text);
                i += 1;
                continue;
            }
        }
        match out.last_mut() {
            Some(last) if last.op == op.op => last.text.push_str(&op.text),
            _ => out.push(op.clone()),
        }
        // Merge "delete, insert, delete, insert" into "delete, insert".
        let n = out.len();
        if n >= 4
            && out[n - 1].op == Op::Insert
            && out[n - 2].op == Op::Delete
            && out[n - 3].op == Op::Insert
            && out[n - 4].op == Op::Delete
        {
            let ins = out.pop().map(|o| o.text).unwrap_or_default();
            let del = out.pop().map(|o| o.text).unwrap_or_default();
            let n = out.len();
            out[n - 2].text.push_str(&del);
            out[n - 1].text.push_str(&ins);
        }
        i += 1;
    }
    out
}

/// How similar two texts are, from 0 (nothing shared) to 1 (identical), by words.
pub fn similarity(old: &str, new: &str) -> f32 {
    let a: Vec<&str> = tokens(old).into_iter().filter(|w| !w.trim().is_empty()).collect();
    let b: Vec<&str> = tokens(new).into_iter().filter(|w| !w.trim().is_empty()).collect();
    TextDiff::configure().algorithm(Algorithm::Patience).diff_slices(&a, &b).ratio()
}

/// Each metadata field of `m` with its value, as in the sources (lists
/// joined by ", "); the optional lists only when not empty.
pub fn metadata_fields(m: &RequirementMeta) -> Vec<(&'static str, String)> {
    fn list<T: Vocabulary + PartialEq>(v: &[T]) -> String {
        v.iter().map(|x| x.name()).collect::<Vec<_>>().join(", ")
    }
    let mut out = vec![
        ("applies-to", list(&m.applies_to)),
        ("level", m.level.name().to_owned()),
        ("timeframe", m.timeframe.name().to_owned()),
    ];
    if !m.oecd.is_empty() {
        out.push(("oecd", list(&m.oecd)));
    }
    if !m.commodities.is_empty() {
        out.push(("commodities", list(&m.commodities)));
    }
    out
}

fn meta_changes(old: &RequirementMeta, new: &RequirementMeta) -> Vec<MetaChange> {
    fn list<T: Vocabulary + PartialEq>(v: &[T]) -> String {
        v.iter().map(|x| x.name()).collect::<Vec<_>>().join(", ")
    }
    let fields = [
        (
            "applies-to",
            list(&old.applies_to),
            list(&new.applies_to),
            effect::of_roles(&old.applies_to, &new.applies_to),
        ),
        ("level", old.level.name().to_owned(), new.level.name().to_owned(), effect::of_level(old.level, new.level)),
        (
            "timeframe",
            old.timeframe.name().to_owned(),
            new.timeframe.name().to_owned(),
            effect::of_timeframe(old.timeframe, new.timeframe),
        ),
        ("oecd", list(&old.oecd), list(&new.oecd), effect::of_oecd()),
        (
            "commodities",
            list(&old.commodities),
            list(&new.commodities),
            effect::of_commodities(&old.commodities, &new.commodities),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, a, b, _)| a != b)
        .map(|(field, old, new, effect)| MetaChange { field, old, new, effect })
        .collect()
}

/// Maps each requirement ID of `to` to its ID in `from`, following the
/// renumberings of every version in between; requirements new since `from`
/// are absent.
pub fn id_map(project: &Project, from: &Version, to: &Version) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let from_ids = from.requirement_index();
    let mut ancestor = None;
    for (_, r) in to.requirements() {
        if from.id == to.id {
            map.insert(r.id.clone(), r.id.clone());
            continue;
        }
        let mut lineage = project.earlier(&to.id, &r.id).peekable();
        let has_lineage = lineage.peek().is_some();
        if let Some((_, old)) = lineage.find(|(v, _)| v.id == from.id) {
            map.insert(r.id.clone(), old.to_owned());
        } else if !has_lineage
            && from_ids.contains_key(&r.id)
            && !*ancestor.get_or_insert_with(|| is_ancestor(project, from, to))
        {
            // Versions outside one line of descent: match by ID.
            map.insert(r.id.clone(), r.id.clone());
        }
    }
    map
}

/// Whether `a` is `b` or one of its previous versions.
pub fn is_ancestor(project: &Project, a: &Version, b: &Version) -> bool {
    let mut current = Some(b);
    let mut steps = 0;
    while let Some(v) = current {
        if v.id == a.id {
            return true;
        }
        steps += 1;
        if steps > project.versions.len() {
            return false;
        }
        current = v.previous.as_deref().and_then(|p| project.version(p));
    }
    false
}

/// The amendment entries of the versions after `from` up to `to`, indexed
/// by the (version, requirement ID) pairs they name, to find those that
/// explain one requirement's change.
struct AmendmentIndex<'p> {
    /// The versions from `to` back to the one after `from` (or to the first).
    chain: Vec<&'p Version>,
    /// (version, ID) -> (position in `chain`, entry) of each entry naming it.
    names: HashMap<(&'p str, &'p str), Vec<(usize, usize)>>,
}

impl<'p> AmendmentIndex<'p> {
    fn new(project: &'p Project, from: &Version, to: &'p Version) -> Self {
        let mut chain = Vec::new();
        let mut current = Some(to);
        while let Some(v) = current {
            if v.id == from.id || chain.len() > project.versions.len() {
                break;
            }
            chain.push(v);
            current = v.previous.as_deref().and_then(|p| project.version(p));
        }
        let mut names: HashMap<(&str, &str), Vec<(usize, usize)>> = HashMap::new();
        for (k, v) in chain.iter().enumerate() {
            let prev = v.previous.as_deref().unwrap_or("");
            for (j, a) in v.amendments.iter().enumerate() {
                let new_ids = a.added.iter().chain(&a.modified).chain(a.renumbered.iter().map(|r| &r.to));
                let old_ids = a.removed.iter().chain(a.renumbered.iter().map(|r| &r.from));
                let keys = new_ids.map(|id| (v.id.as_str(), id.as_str())).chain(old_ids.map(|id| (prev, id.as_str())));
                for key in keys {
                    let list = names.entry(key).or_default();
                    if list.last() != Some(&(k, j)) {
                        list.push((k, j));
                    }
                }
            }
        }
        AmendmentIndex { chain, names }
    }

    /// The entries that name any of `ids` (one requirement's lineage), oldest
    /// version first and, within a version, last entry first.
    fn refs(&self, ids: &[(&str, &str)]) -> Vec<AmendmentRef> {
        let mut hits: Vec<(usize, usize)> =
            ids.iter().filter_map(|key| self.names.get(key)).flatten().copied().collect();
        hits.sort_unstable();
        hits.dedup();
        // Walking back from `to`, stop after the version that takes the count past 64.
        let mut keep = hits.len();
        for (n, &(k, _)) in hits.iter().enumerate() {
            if n > 64 && hits[n - 1].0 != k {
                keep = n;
                break;
            }
        }
        hits.truncate(keep);
        hits.iter()
            .rev()
            .map(|&(k, j)| {
                let (v, a) = (self.chain[k], &self.chain[k].amendments[j]);
                AmendmentRef {
                    version: v.id.clone(),
                    id: a.id.clone(),
                    title: a.title.clone(),
                    rationale: a.rationale.clone(),
                }
            })
            .collect()
    }
}

/// Whether two texts are the same once every run of whitespace is one space
/// (as [`crate::markdown::normalise_ws`] makes them), without allocating.
fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// The text of a requirement as one language shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownText {
    /// The title.
    pub title: String,
    /// The body.
    pub body: String,
    /// The guidance.
    pub guidance: Option<String>,
}

impl ShownText {
    /// The English text of `r`.
    pub fn of(r: &Requirement) -> Self {
        ShownText { title: r.title.clone(), body: r.body.clone(), guidance: r.guidance.clone() }
    }
}

/// Compares two versions of the standard, in English.
pub fn compare(project: &Project, from: &Version, to: &Version) -> VersionDiff {
    english_diff(project, from, to).as_ref().clone()
}

/// The English diff of two versions, computed once per project and pair
/// (when both are the project's versions), for every language to start from.
fn english_diff(project: &Project, from: &Version, to: &Version) -> Arc<VersionDiff> {
    let compute = || compare_with(project, from, to, &|_, r| ShownText::of(r));
    let position = |v: &Version| project.version_position(&v.id).filter(|&i| std::ptr::eq(&project.versions[i], v));
    match (position(from), position(to)) {
        (Some(a), Some(b)) => project.derived(((a as u128) << 64) | b as u128, compute),
        _ => Arc::new(compute()),
    }
}

/// The word diff of `old` and `new`, computed once per project: the same two
/// texts come back in many diffs (each version against the latest, every
/// language showing English).
fn memo_word_diff(project: &Project, old: &str, new: &str) -> Vec<WordOp> {
    project.derived(Project::key_of(&[old, new]), || word_diff(old, new)).as_ref().clone()
}

/// Compares two versions; changes are classified on the English text, and
/// word operations are computed on the text `shown` gives (a translation).
///
/// Everything but the text shown is the English diff's, computed once for
/// all languages; so are the word operations wherever a language shows the
/// English text (missing translations, and outdated ones, whose change is
/// shown in English). Only translated texts that changed are diffed here.
pub fn compare_in(
    project: &Project,
    from: &Version,
    to: &Version,
    shown: &dyn Fn(&Version, &Requirement) -> ShownText,
) -> VersionDiff {
    let english = english_diff(project, from, to);
    let changes = english
        .changes
        .iter()
        .map(|e| {
            let old = e.old_id.as_deref().and_then(|id| from.requirement(id)).map(|(_, r)| r);
            let new = e.id.as_deref().and_then(|id| to.requirement(id)).map(|(_, r)| r);
            localize_change(project, e, (from, old), (to, new), shown)
        })
        .collect();
    VersionDiff { from: from.id.clone(), to: to.id.clone(), changes, chapters: english.chapters.clone() }
}

/// The change `e` of the English diff as a language shows it (see
/// [`compare_with`], which this follows for one requirement).
fn localize_change(
    project: &Project,
    e: &RequirementChange,
    (from, old): (&Version, Option<&Requirement>),
    (to, new): (&Version, Option<&Requirement>),
    shown: &dyn Fn(&Version, &Requirement) -> ShownText,
) -> RequirementChange {
    let with_ops = |old_title: Option<String>, new_title: Option<String>, ops: [Vec<WordOp>; 3], stale: bool| {
        let [title_ops, body_ops, guidance_ops] = ops;
        RequirementChange {
            id: e.id.clone(),
            old_id: e.old_id.clone(),
            change: e.change,
            module: e.module.clone(),
            old_title,
            new_title,
            text_changed: e.text_changed,
            title_ops,
            body_ops,
            guidance_ops,
            meta: e.meta.clone(),
            effect: e.effect,
            amendments: e.amendments.clone(),
            text_in_source_language: stale,
            section: e.section.clone(),
            metadata: e.metadata.clone(),
        }
    };
    let one = |op: Op, text: &str| vec![WordOp { op, text: text.to_owned() }];
    let whole = |op: Op, t: ShownText| {
        let ops = [
            one(op, &t.title),
            one(op, t.body.trim_end()),
            t.guidance.iter().flat_map(|g| one(op, g.trim_end())).collect(),
        ];
        (t.title, ops)
    };
    match (e.change, old, new) {
        (ChangeKind::Removed, Some(o), _) => {
            let (title, ops) = whole(Op::Delete, shown(from, o));
            with_ops(Some(title), None, ops, false)
        }
        (ChangeKind::Added, _, Some(r)) => {
            let (title, ops) = whole(Op::Insert, shown(to, r));
            with_ops(None, Some(title), ops, false)
        }
        (_, Some(o), Some(r)) => {
            let new_text = shown(to, r);
            let shown_old = shown(from, o);
            let stale = e.text_changed && shown_old == new_text;
            let english =
                |t: &ShownText, x: &Requirement| t.title == x.title && t.body == x.body && t.guidance == x.guidance;
            if stale || (english(&shown_old, o) && english(&new_text, r)) {
                // The English text: the English diff's operations.
                return RequirementChange { text_in_source_language: stale, ..e.clone() };
            }
            let diff_or_equal = |a: &str, b: &str| {
                if e.text_changed {
                    memo_word_diff(project, a.trim_end(), b.trim_end())
                } else {
                    vec![WordOp { op: Op::Equal, text: b.trim_end().to_owned() }]
                }
            };
            let ops = [
                diff_or_equal(&shown_old.title, &new_text.title),
                diff_or_equal(&shown_old.body, &new_text.body),
                match (&shown_old.guidance, &new_text.guidance) {
                    (None, None) => Vec::new(),
                    (a, b) => diff_or_equal(a.as_deref().unwrap_or(""), b.as_deref().unwrap_or("")),
                },
            ];
            with_ops(Some(shown_old.title), Some(new_text.title), ops, false)
        }
        // The requirement is not where the English diff found it: keep that.
        _ => e.clone(),
    }
}

/// Compares two versions, computing word operations on the text `shown` gives.
fn compare_with(
    project: &Project,
    from: &Version,
    to: &Version,
    shown: &dyn Fn(&Version, &Requirement) -> ShownText,
) -> VersionDiff {
    let map = id_map(project, from, to);
    let matched_old: BTreeSet<&String> = map.values().collect();
    let module_of = |id: &str| id.split('.').next().unwrap_or("").to_owned();
    let index = AmendmentIndex::new(project, from, to);
    // The amendment entries that name any ID of the lineage of `id` in `version`.
    let amendments_for = |version: &Version, id: &str| {
        let ids: Vec<(&str, &str)> = std::iter::once((version.id.as_str(), id))
            .chain(project.earlier(&version.id, id).map(|(v, id)| (v.id.as_str(), id)))
            .collect();
        index.refs(&ids)
    };
    // Removed requirements, keyed by the ID of the requirement before them in `from`.
    let mut removed_after: BTreeMap<Option<String>, Vec<&Requirement>> = BTreeMap::new();
    let mut last: Option<String> = None;
    for (_, r) in from.requirements() {
        if !matched_old.contains(&r.id) {
            removed_after.entry(last.clone()).or_default().push(r);
        } else {
            last = Some(r.id.clone());
        }
    }

    let mut changes = Vec::new();
    let emit_removed = |after: Option<String>,
                        removed_after: &mut BTreeMap<Option<String>, Vec<&Requirement>>,
                        changes: &mut Vec<RequirementChange>| {
        for r in removed_after.remove(&after).unwrap_or_default() {
            let t = shown(from, r);
            changes.push(RequirementChange {
                id: None,
                old_id: Some(r.id.clone()),
                change: ChangeKind::Removed,
                module: module_of(&r.id),
                old_title: Some(t.title.clone()),
                new_title: None,
                text_changed: true,
                title_ops: vec![WordOp { op: Op::Delete, text: t.title.clone() }],
                body_ops: vec![WordOp { op: Op::Delete, text: t.body.trim_end().to_owned() }],
                guidance_ops: t
                    .guidance
                    .iter()
                    .map(|g| WordOp { op: Op::Delete, text: g.trim_end().to_owned() })
                    .collect(),
                meta: Vec::new(),
                effect: None,
                amendments: amendments_for(from, &r.id),
                text_in_source_language: false,
                section: None,
                metadata: Some(r.meta.clone()),
            });
        }
    };
    emit_removed(None, &mut removed_after, &mut changes);
    for (_, r) in to.requirements() {
        let old = map.get(&r.id).and_then(|o| from.requirement(o)).map(|(_, o)| o);
        let new_text = shown(to, r);
        let change = match old {
            None => RequirementChange {
                id: Some(r.id.clone()),
                old_id: None,
                change: ChangeKind::Added,
                module: module_of(&r.id),
                old_title: None,
                new_title: Some(new_text.title.clone()),
                text_changed: true,
                title_ops: vec![WordOp { op: Op::Insert, text: new_text.title.clone() }],
                body_ops: vec![WordOp { op: Op::Insert, text: new_text.body.trim_end().to_owned() }],
                guidance_ops: new_text
                    .guidance
                    .iter()
                    .map(|g| WordOp { op: Op::Insert, text: g.trim_end().to_owned() })
                    .collect(),
                meta: Vec::new(),
                effect: None,
                amendments: amendments_for(to, &r.id),
                text_in_source_language: false,
                section: None,
                metadata: Some(r.meta.clone()),
            },
            Some(o) => {
                let text_changed = o.title != r.title
                    || !same_words(&o.body, &r.body)
                    || match (&o.guidance, &r.guidance) {
                        (Some(a), Some(b)) => !same_words(a, b),
                        (a, b) => a.is_some() != b.is_some(),
                    };
                let meta = meta_changes(&o.meta, &r.meta);
                let kind = if o.id != r.id {
                    ChangeKind::Renumbered
                } else if text_changed || !meta.is_empty() {
                    ChangeKind::Modified
                } else {
                    ChangeKind::Unchanged
                };
                let (r_id, o_id) = (r.id.clone(), o.id.clone());
                let section = if kind == ChangeKind::Unchanged { None } else { section_move(from, o, to, r) };
                let diff_or_equal = |a: &str, b: &str| {
                    if text_changed {
                        memo_word_diff(project, a.trim_end(), b.trim_end())
                    } else {
                        vec![WordOp { op: Op::Equal, text: b.trim_end().to_owned() }]
                    }
                };
                let shown_old = shown(from, o);
                // A translation that did not follow the English change: show the English change.
                let stale = text_changed
                    && shown_old.title == new_text.title
                    && shown_old.body == new_text.body
                    && shown_old.guidance == new_text.guidance;
                let (o, r) = if stale { (ShownText::of(o), &ShownText::of(r)) } else { (shown_old, &new_text) };
                RequirementChange {
                    id: Some(r_id.clone()),
                    old_id: Some(o_id),
                    change: kind,
                    module: module_of(&r_id),
                    old_title: Some(o.title.clone()),
                    new_title: Some(r.title.clone()),
                    text_changed,
                    title_ops: diff_or_equal(&o.title, &r.title),
                    body_ops: diff_or_equal(&o.body, &r.body),
                    guidance_ops: match (&o.guidance, &r.guidance) {
                        (None, None) => Vec::new(),
                        (a, b) => diff_or_equal(a.as_deref().unwrap_or(""), b.as_deref().unwrap_or("")),
                    },
                    effect: (!meta.is_empty()).then(|| Effect::combine(meta.iter().map(|m| m.effect))),
                    meta,
                    amendments: if kind == ChangeKind::Unchanged { Vec::new() } else { amendments_for(to, &r_id) },
                    text_in_source_language: stale,
                    section,
                    metadata: None,
                }
            }
        };
        changes.push(change);
        if let Some(old_id) = map.get(&r.id) {
            emit_removed(Some(old_id.clone()), &mut removed_after, &mut changes);
        }
    }
    // Anything left (its predecessor was itself removed): at the end, in order.
    let rest: Vec<Option<String>> = removed_after.keys().cloned().collect();
    for key in rest {
        emit_removed(key, &mut removed_after, &mut changes);
    }
    VersionDiff { from: from.id.clone(), to: to.id.clone(), changes, chapters: chapter_changes(project, from, to) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(ops: &[WordOp]) -> String {
        ops.iter()
            .map(|o| match o.op {
                Op::Insert => format!("{{+{}+}}", o.text),
                Op::Delete => format!("[-{}-]", o.text),
                _ => o.text.clone(),
            })
            .collect()
    }

    #[test]
    fn words_are_diffed_whole() {
        let ops = word_diff("The producer keeps a list of members.", "The producer keeps a register of all members.");
        assert_eq!(render(&ops), "The producer keeps a [-list-]{+register+} of {+all +}members.");
    }

    #[test]
    fn a_changed_link_is_one_token() {
        let ops = word_diff("See [the guide](https://a.example/x) now.", "See [the guide](https://a.example/y) now.");
        assert_eq!(render(&ops), "See [-[the guide](https://a.example/x)-]{+[the guide](https://a.example/y)+} now.");
    }

    #[test]
    fn emphasis_does_not_shred_the_sentence() {
        let ops = word_diff("Trade stops at once.", "Trade stops **at once**.");
        assert_eq!(render(&ops), "Trade stops {+**+}at once{+**+}.");
    }

    #[test]
    fn ids_and_cross_references_stay_whole() {
        assert_eq!(tokens("See [[3.1.2]] and 3.1.2."), vec!["See", " ", "[[3.1.2]]", " ", "and", " ", "3.1.2", "."]);
    }

    #[test]
    fn similarity_of_texts() {
        assert!(similarity("a b c d e f g h", "a b c d e f g x") > 0.8);
        assert!(similarity("a b c d", "w x y z") < 0.2);
    }
}

/// The version pairs the site publishes diffs for: each version against its
/// previous one, and against the latest the versions a reader may still be
/// on: the last version of each earlier series (`1.3` of `1.x`: its readers
/// skipped nothing in between) and every version of the latest's series; or
/// every ordered pair (older, newer) when `all` is set. Sorted, without
/// duplicates. (Against the latest from every version, the pairs grow with
/// the square of the versions: on the large generated corpus they were 85 %
/// of the diff pages' bytes.)
pub fn published_pairs(project: &Project, all: bool) -> Vec<(String, String)> {
    let mut pairs = BTreeSet::new();
    let order = |id: &str| project.versions.iter().position(|v| v.id == id).unwrap_or(0);
    let series = |id: &str| id.split('.').next().unwrap_or(id).to_owned();
    if all {
        for (i, a) in project.versions.iter().enumerate() {
            for b in &project.versions[i + 1..] {
                pairs.insert((a.id.clone(), b.id.clone()));
            }
        }
    } else {
        for v in &project.versions {
            if let Some(p) = v.previous.as_deref().filter(|p| project.version(p).is_some()) {
                pairs.insert((p.to_owned(), v.id.clone()));
            }
        }
        if let Some(latest) = project.latest() {
            let earlier: Vec<&Version> = project.versions.iter().filter(|v| order(&v.id) < order(&latest.id)).collect();
            for (i, v) in earlier.iter().enumerate() {
                let last_of_series = earlier.get(i + 1).is_none_or(|next| series(&next.id) != series(&v.id));
                if last_of_series || series(&v.id) == series(&latest.id) {
                    pairs.insert((v.id.clone(), latest.id.clone()));
                }
            }
        }
    }
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort_by_key(|(a, b)| (order(b), order(a)));
    pairs
}

/// One requirement followed through the versions: its ID in each version it
/// is in, oldest first.
#[derive(Debug, Clone)]
pub struct Lineage {
    /// The name of its history page: its ID in the newest version it is in
    /// (suffixed with that version when two lineages would share a name).
    pub name: String,
    /// (version, ID) in each version it is in, oldest first.
    pub steps: Vec<(String, String)>,
}

/// Every requirement's lineage, and an index from (version, ID) to the
/// lineage's position.
pub fn lineages(project: &Project) -> (Vec<Lineage>, BTreeMap<(String, String), usize>) {
    lineages_of(project, project.versions.len())
}

/// The lineages a build of the first `n` versions alone had (what an
/// earlier build published: see [`crate::permanence`]).
pub fn lineages_upto(project: &Project, n: usize) -> Vec<Lineage> {
    lineages_of(project, n).0
}

/// [`lineages`] of the first `n` versions.
fn lineages_of(project: &Project, n: usize) -> (Vec<Lineage>, BTreeMap<(String, String), usize>) {
    let mut out: Vec<Lineage> = Vec::new();
    let mut index = BTreeMap::new();
    let mut names = BTreeSet::new();
    for v in project.versions[..n.min(project.versions.len())].iter().rev() {
        for (_, r) in v.requirements() {
            if index.contains_key(&(v.id.clone(), r.id.clone())) {
                continue;
            }
            let mut steps = vec![(v.id.clone(), r.id.clone())];
            for step in project.earlier_ids(&v.id, &r.id) {
                if index.contains_key(&step) {
                    break;
                }
                steps.push(step);
            }
            steps.reverse();
            let mut name = r.id.clone();
            if !names.insert(name.clone()) {
                name = format!("{}-v{}", r.id, v.id);
                names.insert(name.clone());
            }
            for s in &steps {
                index.insert(s.clone(), out.len());
            }
            out.push(Lineage { name, steps });
        }
    }
    (out, index)
}

/// Finds what requirement `id` (an ID from any version) is called in
/// `version`, following lineages: for cross-references in text carried over
/// from another version. `None` when it has no counterpart there.
pub fn id_in_version<'l>(lineages: &'l [Lineage], version: &str, id: &str) -> Option<&'l str> {
    lineages
        .iter()
        .filter(|l| l.steps.iter().any(|(_, x)| x == id))
        .find_map(|l| l.steps.iter().find(|(v, _)| v == version).map(|(_, x)| x.as_str()))
}
