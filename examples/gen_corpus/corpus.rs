//! The corpus generator behind `examples/gen_corpus`, also used by
//! `tests/corpus.rs` (at a tiny size) to prove that what it writes passes
//! `craftpub check`.
//!
//! The first version has `modules` modules of `requirements` requirements,
//! in up to five sections each. Every later version changes the previous
//! one as standards change: some requirements reworded, a few with a new
//! level or timeframe, a few removed, added or moved to another section
//! (renumbered), some chapter prose reworded; every change is declared in
//! the version's `amendments.toml`. The first requirement of each section is
//! never removed or moved, so cross-references (which point only at those)
//! stay valid in every version.
//!
//! Each translation has its own activity: it translates some versions (most
//! chapters, most requirements of them), sometimes leaves a changed
//! requirement as it was translated from the previous English text, and
//! reuses nothing by copying: craftpub finds reusable translations by their
//! fingerprints. The result mixes current, outdated and missing
//! requirements; one language in four has interface strings only.
//!
//! Translated text is a pseudo-language: each English word maps to a word
//! made of the language's syllables (Latin with accents, Arabic, Ethiopic or
//! Cyrillic script), so search pipelines, right-to-left layout and word
//! diffs see text of a realistic shape.
//!
//! Everything is deterministic from the seed (splitmix64, no crate).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use craftpub::model::fingerprint;
use craftpub::model::{Block, Chapter, ChapterKind, Section as ModelSection};

/// The size of a corpus.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Versions of the standard.
    pub versions: usize,
    /// Languages of the site, English included.
    pub languages: usize,
    /// Modules per version.
    pub modules: usize,
    /// Requirements per module in the first version.
    pub requirements: usize,
}

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Requirements of all English versions.
    pub english_requirements: usize,
    /// Requirement blocks in translation files.
    pub translated_requirements: usize,
    /// Source files written (standard/ and translations/).
    pub files: usize,
    /// Bytes of Markdown written (standard/ and translations/).
    pub markdown_bytes: usize,
}

/// What [`write_hugo`] wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct HugoStats {
    /// Content pages (chapters; section lists not counted).
    pub pages: usize,
    /// Bytes of Markdown.
    pub markdown_bytes: usize,
}

/// The marker that says a folder was written by this generator (and may be replaced).
pub const MARKER: &str = ".craftpub-corpus";

// ---------------------------------------------------------------------------
// Pseudo-random numbers.

/// splitmix64: small, fast, good enough for text.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed and a stream label.
    pub fn new(seed: u64, stream: &str) -> Self {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for b in stream.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// English text.

#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "producer", "buyer", "implementer", "operator", "miner", "worker", "community", "authority", "mine", "site",
    "shaft", "pit", "tunnel", "ore", "mineral", "gold", "tin", "cobalt", "gemstone", "mercury", "cyanide", "water",
    "tailings", "waste", "record", "register", "report", "plan", "policy", "procedure", "grievance", "complaint",
    "payment", "tax", "royalty", "permit", "licence", "contract", "receipt", "sale", "lot", "batch", "origin",
    "route", "transport", "security", "guard", "risk", "hazard", "accident", "injury", "training", "equipment",
    "helmet", "ventilation", "support", "timber", "explosive", "child", "woman", "family", "member", "assembly",
    "leader", "committee", "organisation", "cooperative", "association", "land", "owner", "right", "consent",
    "agreement", "dispute", "conflict", "bribe", "fee", "price", "market", "trader", "exporter", "refiner", "smelter",
    "auditor", "assessment", "evidence", "document", "notebook", "map", "area", "boundary", "river", "forest", "soil",
    "dust", "noise", "health", "clinic", "school", "wage", "income", "loan", "account", "bank", "improvement",
    "progress", "milestone", "deadline", "goal", "indicator", "sample", "test", "laboratory",
];

#[rustfmt::skip]
const VERBS: &[&str] = &[
    "keeps", "records", "reports", "checks", "reviews", "assesses", "monitors", "prevents", "reduces", "replaces",
    "trains", "informs", "consults", "pays", "declares", "registers", "stores", "protects", "restores", "identifies",
    "documents", "publishes", "shares", "explains", "agrees", "verifies", "updates", "signs", "maintains", "improves",
    "limits", "avoids", "follows", "adopts", "supports", "describes", "names", "lists", "measures",
];

#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "written", "simple", "clear", "local", "legal", "informal", "formal", "safe", "unsafe", "regular", "annual",
    "monthly", "accurate", "complete", "public", "private", "independent", "responsible", "artisanal", "small",
    "serious", "immediate", "reasonable", "fair", "direct", "indirect", "national", "relevant", "trained",
    "protective", "basic", "existing", "new", "current", "agreed",
];

#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "its", "for", "with", "on", "by", "that", "each", "every", "or", "at",
    "from", "where", "when", "all", "any", "before", "after", "under", "within",
];

const ROLES: &[&str] = &["producer", "buyer", "implementer", "scheme-operator"];
const TIMEFRAMES: &[&str] = &["immediately", "12-months", "24-months", "36-months"];
#[rustfmt::skip]
const OECD: &[&str] = &[
    "serious-abuses", "armed-groups", "security-forces", "bribery-misrepresentation", "money-laundering",
    "taxes-royalties",
];
const COMMODITIES: &[&str] = &["gold", "3t", "cobalt", "gemstones"];

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A sentence of `min..=max` words, roughly subject, verb, object, complements.
fn sentence(rng: &mut Rng, min: usize, max: usize) -> String {
    let n = rng.range(min, max);
    let mut words: Vec<String> = vec!["the".into(), rng.pick(NOUNS).to_string(), rng.pick(VERBS).to_string()];
    while words.len() < n {
        let w = match rng.below(10) {
            0..=3 => rng.pick(FUNCTION_WORDS),
            4..=5 => rng.pick(ADJECTIVES),
            _ => rng.pick(NOUNS),
        };
        words.push(w.to_string());
    }
    if rng.chance(0.08) {
        let i = rng.range(3, words.len() - 1);
        words[i] = format!("**{}**", words[i]);
    }
    let mut s = words.join(" ");
    s = capitalise(&s);
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, lo: usize, hi: usize) -> String {
    let sentences = rng.range(lo, hi);
    (0..sentences).map(|_| sentence(rng, 8, 15)).collect::<Vec<_>>().join(" ")
}

fn title(rng: &mut Rng) -> String {
    let n = rng.range(2, 5);
    let mut words = vec![rng.pick(ADJECTIVES).to_string()];
    while words.len() < n {
        words.push(if rng.chance(0.3) { rng.pick(FUNCTION_WORDS) } else { rng.pick(NOUNS) }.to_string());
    }
    words.push(rng.pick(NOUNS).to_string());
    capitalise(&words.join(" "))
}

/// Wraps a paragraph at 76 columns (lists are kept as they are).
fn wrap(text: &str) -> String {
    if text.contains('\n') {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut col = 0;
    for word in text.split(' ') {
        if col > 0 && col + 1 + word.chars().count() > 76 {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.chars().count();
    }
    out
}

fn markdown_of(paragraphs: &[String]) -> String {
    paragraphs.iter().map(|p| wrap(p)).collect::<Vec<_>>().join("\n\n")
}

/// Changes 1 to 3 words of the text's paragraphs; returns whether anything changed.
fn reword(rng: &mut Rng, paragraphs: &mut [String]) -> bool {
    let original = paragraphs.to_vec();
    let mut changed = false;
    for _ in 0..rng.range(1, 3) {
        let p = rng.below(paragraphs.len());
        if paragraphs[p].contains('\n') {
            continue;
        }
        let mut words: Vec<String> = paragraphs[p].split(' ').map(str::to_owned).collect();
        let candidates: Vec<usize> = (0..words.len())
            .filter(|&i| NOUNS.contains(&words[i].as_str()) || ADJECTIVES.contains(&words[i].as_str()))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let i = *rng.pick(&candidates);
        let list = if NOUNS.contains(&words[i].as_str()) { NOUNS } else { ADJECTIVES };
        let mut new = rng.pick(list).to_string();
        while new == words[i] {
            new = rng.pick(list).to_string();
        }
        words[i] = new;
        paragraphs[p] = words.join(" ");
        changed = true;
    }
    // Two replacements can undo each other: then a sentence is added.
    if !changed || paragraphs == original.as_slice() || rng.chance(0.15) {
        // A sentence added at the end of the last paragraph.
        let last = paragraphs.len() - 1;
        if paragraphs[last].contains('\n') {
            paragraphs[last].push_str(&format!("\n- {}", sentence(rng, 5, 9)));
        } else {
            let s = sentence(rng, 6, 12);
            paragraphs[last].push(' ');
            paragraphs[last].push_str(&s);
        }
        changed = true;
    }
    changed
}

// ---------------------------------------------------------------------------
// The English standard.

#[derive(Clone)]
struct Req {
    module: usize,
    section: usize,
    n: usize,
    title: String,
    body: Vec<String>,
    guidance: Option<Vec<String>>,
    applies_to: Vec<&'static str>,
    level: &'static str,
    timeframe: &'static str,
    oecd: Vec<&'static str>,
    commodities: Vec<&'static str>,
}

impl Req {
    fn id(&self) -> String {
        format!("{}.{}.{}", self.module, self.section, self.n)
    }
    fn body_md(&self) -> String {
        markdown_of(&self.body)
    }
    fn guidance_md(&self) -> Option<String> {
        self.guidance.as_ref().map(|g| markdown_of(g))
    }
    fn fingerprint(&self) -> String {
        fingerprint::of_parts(&self.title, &self.body_md(), self.guidance_md().as_deref())
    }
}

/// A cross-reference target: the first requirement of a section, which is
/// never removed or moved.
fn anchor_ref(rng: &mut Rng, modules: usize, sections: usize) -> String {
    format!("[[{}.{}.1]]", rng.range(1, modules), rng.range(1, sections))
}

fn new_req(rng: &mut Rng, module: usize, section: usize, n: usize, modules: usize, sections: usize) -> Req {
    let mut body = vec![paragraph(rng, 3, 4)];
    match rng.below(10) {
        0..=5 => body.push(paragraph(rng, 2, 3)),
        6..=7 => {
            let items: Vec<String> = (0..rng.range(2, 4)).map(|_| format!("- {}", sentence(rng, 5, 10))).collect();
            body.push(items.join("\n"));
        }
        _ => {}
    }
    if rng.chance(0.2) {
        let r = anchor_ref(rng, modules, sections);
        let last = body.len() - 1;
        if body[last].contains('\n') {
            body.push(format!("See also {r}."));
        } else {
            body[last].push_str(&format!(" See also {r}."));
        }
    }
    let guidance = rng.chance(0.75).then(|| {
        let mut g = vec![paragraph(rng, 2, 4)];
        if rng.chance(0.3) {
            g.push(paragraph(rng, 2, 2));
        }
        g
    });
    let mut applies_to = vec![ROLES[0]];
    if rng.chance(0.3) {
        applies_to.push(ROLES[1]);
    }
    if rng.chance(0.1) {
        applies_to = vec![*rng.pick(ROLES)];
    }
    let oecd = if rng.chance(0.3) { vec![*rng.pick(OECD)] } else { Vec::new() };
    let commodities = if rng.chance(0.15) { vec![*rng.pick(COMMODITIES)] } else { Vec::new() };
    Req {
        module,
        section,
        n,
        title: title(rng),
        body,
        guidance,
        applies_to,
        level: if rng.chance(0.8) { "obligation" } else { "recommendation" },
        timeframe: TIMEFRAMES[rng.below(TIMEFRAMES.len())],
        oecd,
        commodities,
    }
}

#[derive(Clone)]
struct SectionState {
    title: String,
    prose: String,
    reqs: Vec<Rc<Req>>,
    next_n: usize,
}

#[derive(Clone)]
struct ModuleState {
    title: String,
    intro: Vec<String>,
    sections: Vec<SectionState>,
}

/// A chapter without requirements: opening prose and titled sections of prose.
#[derive(Clone)]
struct ProseChapter {
    slug: &'static str,
    kind: &'static str,
    title: String,
    intro: String,
    sections: Vec<(String, String)>,
}

#[derive(Clone, Default)]
struct Changes {
    /// (module, id) of requirements whose text changed.
    reworded: Vec<(usize, String)>,
    /// IDs whose metadata changed.
    meta: Vec<String>,
    added: Vec<String>,
    removed: Vec<String>,
    renumbered: Vec<(String, String)>,
    /// ID -> the requirement as it was in the previous version (text changes only).
    before: HashMap<String, Rc<Req>>,
}

#[derive(Clone)]
struct VersionState {
    id: String,
    date: String,
    modules: Vec<ModuleState>,
    introduction: ProseChapter,
    glossary: ProseChapter,
    changes: Changes,
}

fn version_id(k: usize) -> String {
    format!("{}.{}", 1 + k / 4, k % 4)
}

fn version_date(k: usize) -> String {
    format!("{:04}-{:02}-{:02}", 2001 + k, 1 + (k * 5) % 12, 1 + (k * 7) % 28)
}

fn prose_chapter(rng: &mut Rng, slug: &'static str, kind: &'static str, title: &str, sections: usize) -> ProseChapter {
    ProseChapter {
        slug,
        kind,
        title: title.to_owned(),
        intro: paragraph(rng, 3, 3),
        sections: (0..sections).map(|_| (capitalise(rng.pick::<&str>(NOUNS)), paragraph(rng, 2, 2))).collect(),
    }
}

fn sections_per_module(requirements: usize) -> usize {
    (requirements / 4).clamp(1, 5)
}

fn first_version(rng: &mut Rng, size: Size) -> VersionState {
    let sections = sections_per_module(size.requirements);
    let mut modules = Vec::new();
    for m in 1..=size.modules {
        let mut secs: Vec<SectionState> = (1..=sections)
            .map(|s| SectionState {
                title: format!("{m}.{s} {}", title(rng)),
                prose: paragraph(rng, 1, 2),
                reqs: Vec::new(),
                next_n: 1,
            })
            .collect();
        for i in 0..size.requirements {
            let s = i * sections / size.requirements;
            let n = secs[s].next_n;
            secs[s].next_n += 1;
            secs[s].reqs.push(Rc::new(new_req(rng, m, s + 1, n, size.modules, sections)));
        }
        let mut intro = vec![paragraph(rng, 3, 3), paragraph(rng, 2, 2)];
        intro[1].push_str(&format!(" This module builds on {}.", anchor_ref(rng, size.modules, sections)));
        modules.push(ModuleState { title: format!("Module {m}: {}", title(rng)), intro, sections: secs });
    }
    VersionState {
        id: version_id(0),
        date: version_date(0),
        modules,
        introduction: prose_chapter(rng, "introduction", "introduction", "Introduction", 3),
        glossary: prose_chapter(rng, "glossary", "glossary", "Glossary", 6),
        changes: Changes::default(),
    }
}

/// The next version: every change drawn at random, and recorded.
fn next_version(rng: &mut Rng, prev: &VersionState, k: usize, size: Size) -> VersionState {
    let sections = sections_per_module(size.requirements);
    let mut v = prev.clone();
    v.id = version_id(k);
    v.date = version_date(k);
    let mut ch = Changes::default();
    for (mi, module) in v.modules.iter_mut().enumerate() {
        let m = mi + 1;
        let mut moving: Vec<(usize, Rc<Req>)> = Vec::new();
        for si in 0..module.sections.len() {
            let old = std::mem::take(&mut module.sections[si].reqs);
            let mut kept = Vec::new();
            for r in old {
                let anchor = r.n == 1;
                let roll = rng.below(1000);
                let (remove, renumber, words, meta) = if anchor {
                    (false, false, roll < 50, (50..60).contains(&roll))
                } else {
                    (
                        roll < 15,
                        (15..22).contains(&roll) && sections > 1,
                        (22..72).contains(&roll),
                        (72..82).contains(&roll),
                    )
                };
                if remove {
                    ch.removed.push(r.id());
                } else if renumber {
                    let mut to = rng.below(sections);
                    while to == si {
                        to = rng.below(sections);
                    }
                    moving.push((to, r));
                } else if words {
                    let mut new = (*r).clone();
                    let mut text = new.body.clone();
                    if rng.chance(0.2)
                        && let Some(g) = new.guidance.as_mut()
                    {
                        reword(rng, g);
                    } else {
                        reword(rng, &mut text);
                    }
                    new.body = text;
                    ch.before.insert(r.id(), r.clone());
                    ch.reworded.push((m, r.id()));
                    kept.push(Rc::new(new));
                } else if meta {
                    let mut new = (*r).clone();
                    if rng.chance(0.5) {
                        new.level = if new.level == "obligation" { "recommendation" } else { "obligation" };
                    } else {
                        let mut t = *rng.pick(TIMEFRAMES);
                        while t == new.timeframe {
                            t = *rng.pick(TIMEFRAMES);
                        }
                        new.timeframe = t;
                    }
                    ch.meta.push(r.id());
                    kept.push(Rc::new(new));
                } else {
                    kept.push(r);
                }
            }
            module.sections[si].reqs = kept;
        }
        for (to, r) in moving {
            let sec = &mut module.sections[to];
            let mut new = (*r).clone();
            new.section = to + 1;
            new.n = sec.next_n;
            sec.next_n += 1;
            ch.renumbered.push((r.id(), new.id()));
            sec.reqs.push(Rc::new(new));
        }
        for si in 0..module.sections.len() {
            let count = module.sections[si].reqs.len();
            for _ in 0..count {
                if rng.chance(0.015) {
                    let sec = &mut module.sections[si];
                    let n = sec.next_n;
                    sec.next_n += 1;
                    let r = new_req(rng, m, si + 1, n, size.modules, sections);
                    ch.added.push(r.id());
                    sec.reqs.push(Rc::new(r));
                }
            }
        }
        if rng.chance(0.15) {
            reword(rng, &mut module.intro);
        }
    }
    for chapter in [&mut v.introduction, &mut v.glossary] {
        if rng.chance(0.2) {
            let mut p = vec![chapter.intro.clone()];
            reword(rng, &mut p);
            chapter.intro = p.remove(0);
        }
    }
    v.changes = ch;
    v
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(ids: &[String]) -> String {
    format!("[{}]", ids.iter().map(|i| toml_str(i)).collect::<Vec<_>>().join(", "))
}

fn module_markdown(m: usize, module: &ModuleState) -> String {
    let mut out = format!("+++\ntitle = {}\nkind = \"module\"\nmodule = \"{m}\"\n+++\n\n", toml_str(&module.title));
    out.push_str(&markdown_of(&module.intro));
    out.push('\n');
    for s in &module.sections {
        let _ = write!(out, "\n## {}\n\n{}\n", s.title, wrap(&s.prose));
        for r in &s.reqs {
            let _ = write!(
                out,
                "\n::: requirement {}\ntitle: {}\napplies-to: {}\nlevel: {}\ntimeframe: {}\n",
                r.id(),
                r.title,
                r.applies_to.join(", "),
                r.level,
                r.timeframe
            );
            if !r.oecd.is_empty() {
                let _ = writeln!(out, "oecd: {}", r.oecd.join(", "));
            }
            if !r.commodities.is_empty() {
                let _ = writeln!(out, "commodities: {}", r.commodities.join(", "));
            }
            let _ = write!(out, "\n{}\n", r.body_md());
            if let Some(g) = r.guidance_md() {
                let _ = write!(out, "\n--- guidance\n\n{g}\n");
            }
            out.push_str(":::\n");
        }
    }
    out
}

fn prose_markdown(c: &ProseChapter) -> String {
    let mut out = format!("+++\ntitle = {}\nkind = \"{}\"\n+++\n\n{}\n", toml_str(&c.title), c.kind, wrap(&c.intro));
    for (t, p) in &c.sections {
        let _ = write!(out, "\n## {t}\n\n{}\n", wrap(p));
    }
    out
}

/// The model chapter of a module, for its fingerprint (title, prose, headings).
fn module_model(module: &ModuleState) -> Chapter {
    let mut blocks = vec![Block::Prose { text: markdown_of(&module.intro), line: 0 }];
    for s in &module.sections {
        blocks.push(Block::Section(ModelSection { anchor: String::new(), title: s.title.clone(), line: 0 }));
        blocks.push(Block::Prose { text: s.prose.clone(), line: 0 });
    }
    Chapter {
        slug: String::new(),
        title: module.title.clone(),
        kind: ChapterKind::Module,
        module: None,
        blocks,
        file: PathBuf::new(),
    }
}

fn prose_model(c: &ProseChapter) -> Chapter {
    let mut blocks = vec![Block::Prose { text: c.intro.clone(), line: 0 }];
    for (t, p) in &c.sections {
        blocks.push(Block::Section(ModelSection { anchor: String::new(), title: t.clone(), line: 0 }));
        blocks.push(Block::Prose { text: p.clone(), line: 0 });
    }
    Chapter {
        slug: String::new(),
        title: c.title.clone(),
        kind: ChapterKind::Introduction,
        module: None,
        blocks,
        file: PathBuf::new(),
    }
}

fn amendments_toml(rng: &mut Rng, v: &VersionState, previous: &str) -> String {
    let mut out = format!("# What changed from version {previous} to version {}, and why.\n", v.id);
    let ch = &v.changes;
    let mut entry = |id: &str, title: &str, key: &str, list: String, rng: &mut Rng| {
        let _ = write!(
            out,
            "\n[[amendment]]\nid = {}\ntitle = {}\nrationale = \"\"\"\n{}\n\"\"\"\n{key} = {list}\n",
            toml_str(id),
            toml_str(title),
            wrap(&paragraph(rng, 2, 2))
        );
    };
    let mut by_module: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (m, id) in &ch.reworded {
        by_module.entry(*m).or_default().push(id.clone());
    }
    for (m, ids) in by_module {
        entry(
            &format!("wording-module-{m}"),
            &format!("Clearer wording in module {m}"),
            "modified",
            toml_list(&ids),
            rng,
        );
    }
    if !ch.meta.is_empty() {
        entry("levels-and-timeframes", "Levels and timeframes reviewed", "modified", toml_list(&ch.meta), rng);
    }
    if !ch.added.is_empty() {
        entry("new-requirements", "New requirements", "added", toml_list(&ch.added), rng);
    }
    if !ch.removed.is_empty() {
        entry("withdrawn", "Requirements withdrawn", "removed", toml_list(&ch.removed), rng);
    }
    if !ch.renumbered.is_empty() {
        let list = ch
            .renumbered
            .iter()
            .map(|(f, t)| format!("{{ from = {}, to = {} }}", toml_str(f), toml_str(t)))
            .collect::<Vec<_>>()
            .join(", ");
        entry("moved", "Requirements moved to the section they belong to", "renumbered", format!("[{list}]"), rng);
    }
    out
}

// ---------------------------------------------------------------------------
// Translations.

#[derive(Clone, Copy)]
struct LangSpec {
    code: &'static str,
    name: &'static str,
    native: &'static str,
    dir: &'static str,
    search: &'static str,
    syllables: &'static [&'static str],
}

const LATIN_ES: &[&str] =
    &["ma", "ra", "ción", "de", "lo", "que", "mi", "ne", "ro", "ta", "es", "pa", "ño", "dad", "gí"];
const LATIN_FR: &[&str] = &["é", "re", "ment", "la", "tion", "ou", "eau", "con", "pro", "se", "gè", "quê", "ai", "ter"];
const LATIN_PT: &[&str] = &["ção", "mi", "ne", "ra", "ões", "de", "lho", "ã", "do", "ca", "vi", "ên", "ru", "to"];
const LATIN_SW: &[&str] = &["ku", "wa", "ji", "ma", "ta", "ni", "sha", "za", "mba", "ki", "u", "ya", "li", "nga"];
const ARABIC: &[&str] = &["ال", "مع", "دن", "عا", "مل", "شر", "كة", "تج", "ار", "سج", "ل", "ين", "حق", "وق"];
const ETHIOPIC: &[&str] = &["ሥራ", "ማዕ", "ድን", "ሰራ", "ተኛ", "ወር", "ቅ", "ሕግ", "ፃና", "ት", "ገበ", "ያ", "መብ", "ቶች"];
const CYRILLIC: &[&str] = &["ра", "бо", "та", "ру", "да", "зо", "ло", "то", "про", "из", "во", "ди", "тель", "ние"];
const LATIN_GENERIC: &[&str] =
    &["ka", "lu", "me", "ban", "tor", "sin", "gu", "pe", "ri", "an", "ol", "ver", "ung", "ti"];

const LANGUAGES: &[LangSpec] = &[
    LangSpec { code: "es", name: "Spanish", native: "Español", dir: "ltr", search: "es", syllables: LATIN_ES },
    LangSpec { code: "fr", name: "French", native: "Français", dir: "ltr", search: "fr", syllables: LATIN_FR },
    LangSpec { code: "pt", name: "Portuguese", native: "Português", dir: "ltr", search: "pt", syllables: LATIN_PT },
    LangSpec { code: "sw", name: "Swahili", native: "Kiswahili", dir: "ltr", search: "none", syllables: LATIN_SW },
    LangSpec { code: "ar", name: "Arabic", native: "العربية", dir: "rtl", search: "none", syllables: ARABIC },
    LangSpec { code: "am", name: "Amharic", native: "አማርኛ", dir: "ltr", search: "none", syllables: ETHIOPIC },
    LangSpec { code: "ru", name: "Russian", native: "Русский", dir: "ltr", search: "none", syllables: CYRILLIC },
    LangSpec {
        code: "id",
        name: "Indonesian",
        native: "Bahasa Indonesia",
        dir: "ltr",
        search: "none",
        syllables: LATIN_GENERIC,
    },
    LangSpec { code: "de", name: "German", native: "Deutsch", dir: "ltr", search: "none", syllables: LATIN_GENERIC },
    LangSpec { code: "it", name: "Italian", native: "Italiano", dir: "ltr", search: "none", syllables: LATIN_ES },
    LangSpec { code: "tr", name: "Turkish", native: "Türkçe", dir: "ltr", search: "none", syllables: LATIN_GENERIC },
];

/// A pseudo-language: every English word maps to one word of its syllables.
struct PseudoLanguage {
    code: String,
    syllables: &'static [&'static str],
    words: HashMap<String, String>,
}

impl PseudoLanguage {
    fn word(&mut self, english: &str) -> String {
        if let Some(w) = self.words.get(english) {
            return w.clone();
        }
        let lower = english.to_lowercase();
        let mut rng = Rng::new(0, &format!("{}/{lower}", self.code));
        let n = (lower.len() / 3).clamp(1, 4);
        let mut w: String = (0..n).map(|_| *rng.pick(self.syllables)).collect();
        if english.chars().next().is_some_and(char::is_uppercase) {
            w = capitalise(&w);
        }
        self.words.insert(english.to_owned(), w.clone());
        w
    }

    /// Translates every run of ASCII letters; everything else (Markdown,
    /// cross-references, numbers, punctuation) is kept.
    fn text(&mut self, english: &str) -> String {
        let mut out = String::with_capacity(english.len() * 2);
        let mut word = String::new();
        for c in english.chars() {
            if c.is_ascii_alphabetic() {
                word.push(c);
            } else {
                if !word.is_empty() {
                    out.push_str(&self.word(&word));
                    word.clear();
                }
                out.push(c);
            }
        }
        if !word.is_empty() {
            out.push_str(&self.word(&word));
        }
        out
    }
}

/// How much of the standard a translation covers: the share of versions it
/// translates (0: interface strings only).
fn activity(lang_index: usize) -> f64 {
    match lang_index % 4 {
        1 => 0.7,
        2 => 0.45,
        3 => 0.25,
        _ => 0.0,
    }
}

fn spec(i: usize) -> LangSpec {
    match LANGUAGES.get(i) {
        Some(s) => *s,
        None => LangSpec {
            code: Box::leak(format!("x{i}").into_boxed_str()),
            name: Box::leak(format!("Language {i}").into_boxed_str()),
            native: Box::leak(format!("Language {i}").into_boxed_str()),
            dir: "ltr",
            search: "none",
            syllables: LATIN_GENERIC,
        },
    }
}

fn translated_requirement(out: &mut String, lang: &mut PseudoLanguage, r: &Req, source: &str, untranslated: bool) {
    let (title, body, guidance) = if untranslated {
        (r.title.clone(), r.body_md(), r.guidance_md())
    } else {
        (lang.text(&r.title), lang.text(&r.body_md()), r.guidance_md().map(|g| lang.text(&g)))
    };
    let _ = write!(out, "\n::: requirement {}\ntitle: {title}\nsource: {source}\n", r.id());
    if untranslated {
        out.push_str("untranslated: true\n");
    }
    let _ = write!(out, "\n{body}\n");
    if let Some(g) = guidance {
        let _ = write!(out, "\n--- guidance\n\n{g}\n");
    }
    out.push_str(":::\n");
}

/// Writes one translated version of one language; returns the number of requirement blocks.
fn write_translated_version(
    rng: &mut Rng,
    lang: &mut PseudoLanguage,
    v: &VersionState,
    dir: &Path,
    stats: &mut Stats,
) -> io::Result<usize> {
    fs::create_dir_all(dir)?;
    let mut blocks = 0;
    for (mi, module) in v.modules.iter().enumerate() {
        if !rng.chance(0.85) {
            continue;
        }
        let fp = fingerprint::of_chapter(&module_model(module));
        let mut out = format!("+++\ntitle = {}\nsource = \"{fp}\"\n+++\n\n", toml_str(&lang.text(&module.title)));
        out.push_str(&lang.text(&markdown_of(&module.intro)));
        out.push('\n');
        for s in &module.sections {
            let _ = write!(out, "\n## {}\n\n{}\n", lang.text(&s.title), lang.text(&wrap(&s.prose)));
            for r in &s.reqs {
                if !rng.chance(0.9) {
                    continue;
                }
                let before = v.changes.before.get(&r.id());
                if let Some(old) = before.filter(|_| rng.chance(0.3)) {
                    // Translated before the English changed, and not updated since.
                    translated_requirement(&mut out, lang, old, &old.fingerprint(), false);
                } else {
                    translated_requirement(&mut out, lang, r, &r.fingerprint(), rng.chance(0.03));
                }
                blocks += 1;
            }
        }
        write_counted(&dir.join(format!("module-{}.md", mi + 1)), &out, stats)?;
    }
    for c in [&v.introduction, &v.glossary] {
        if !rng.chance(0.7) {
            continue;
        }
        let fp = fingerprint::of_chapter(&prose_model(c));
        let mut out = format!(
            "+++\ntitle = {}\nsource = \"{fp}\"\n+++\n\n{}\n",
            toml_str(&lang.text(&c.title)),
            lang.text(&wrap(&c.intro))
        );
        for (t, p) in &c.sections {
            let _ = write!(out, "\n## {}\n\n{}\n", lang.text(t), lang.text(&wrap(p)));
        }
        write_counted(&dir.join(format!("{}.md", c.slug)), &out, stats)?;
    }
    Ok(blocks)
}

fn translated_strings(lang: &mut PseudoLanguage, table: &toml::Table, drop_some: bool, rng: &mut Rng) -> toml::Table {
    let mut out = toml::Table::new();
    for (k, v) in table {
        match v {
            toml::Value::Table(t) => {
                out.insert(k.clone(), toml::Value::Table(translated_strings(lang, t, drop_some, rng)));
            }
            toml::Value::String(s) => {
                if drop_some && rng.chance(0.05) {
                    continue;
                }
                // Placeholders such as {from} stay as they are.
                let mut text = String::new();
                for (i, part) in s.split(['{', '}']).enumerate() {
                    if i % 2 == 1 {
                        let _ = write!(text, "{{{part}}}");
                    } else {
                        text.push_str(&lang.text(part));
                    }
                }
                out.insert(k.clone(), toml::Value::String(text));
            }
            other => {
                out.insert(k.clone(), other.clone());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Writing.

fn write_counted(path: &Path, text: &str, stats: &mut Stats) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text)?;
    stats.files += 1;
    if path.extension().is_some_and(|e| e == "md") {
        stats.markdown_bytes += text.len();
    }
    Ok(())
}

/// Empties `out` (which must be empty, missing, or written by this generator) and marks it.
fn prepare(out: &Path) -> io::Result<()> {
    if out.exists() {
        let empty = fs::read_dir(out)?.next().is_none();
        if !empty && !out.join(MARKER).is_file() {
            return Err(io::Error::other(format!(
                "{} is not empty and was not written by gen_corpus (no {MARKER}); choose another --out",
                out.display()
            )));
        }
        for entry in fs::read_dir(out)? {
            let path = entry?.path();
            if path.is_dir() && !path.is_symlink() {
                fs::remove_dir_all(&path)?;
            } else {
                fs::remove_file(&path)?;
            }
        }
    }
    fs::create_dir_all(out)?;
    fs::write(out.join(MARKER), "Written by examples/gen_corpus; replaced by every run.\n")
}

fn copy_theme(from: &Path, to: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(from).map_err(io::Error::other)?;
        if rel.components().any(|c| c.as_os_str() == "node_modules") {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest)?;
        } else {
            fs::copy(entry.path(), &dest)?;
        }
    }
    // Search assets come from the theme's node_modules; link them rather
    // than copy (without them, craftpub build runs npm ci itself).
    let modules = fs::canonicalize(from.join("node_modules"));
    #[cfg(unix)]
    if let Ok(modules) = modules {
        std::os::unix::fs::symlink(modules, to.join("node_modules"))?;
    }
    Ok(())
}

/// Writes the project of `size` into `out`, from `seed`, with a copy of `theme`.
pub fn generate(out: &Path, size: Size, seed: u64, theme: &Path) -> io::Result<Stats> {
    if size.versions == 0 || size.languages == 0 || size.modules == 0 || size.requirements == 0 {
        return Err(io::Error::other("every size must be at least 1"));
    }
    prepare(out)?;
    let mut stats = Stats::default();
    let mut rng = Rng::new(seed, "standard");

    // The English versions.
    let mut versions = vec![first_version(&mut rng, size)];
    for k in 1..size.versions {
        let next = next_version(&mut rng, &versions[k - 1], k, size);
        versions.push(next);
    }
    let standard = out.join("standard");
    write_counted(
        &standard.join("standard.toml"),
        &format!(
            "title = \"CRAFT Code (generated)\"\nfull_title = \"Code of Risk-mitigation for ASM engaging in Formal Trade\"\n\
             publisher = \"gen_corpus\"\nlicense = \"CC BY-SA 4.0\"\nlicense_url = \"https://creativecommons.org/licenses/by-sa/4.0/\"\n\
             source_language = \"en\"\nnotice = \"\"\"\nA generated corpus (seed {seed}) for benchmarks: {} versions, {} languages, {} modules of {} requirements.\n\"\"\"\n",
            size.versions, size.languages, size.modules, size.requirements
        ),
        &mut stats,
    )?;
    for (k, v) in versions.iter().enumerate() {
        let dir = standard.join(&v.id);
        let mut chapters = vec!["introduction.md".to_owned()];
        chapters.extend((1..=size.modules).map(|m| format!("module-{m}.md")));
        chapters.push("glossary.md".to_owned());
        let mut meta = format!(
            "id = \"{}\"\ndate = \"{}\"\nstatus = \"{}\"\n",
            v.id,
            v.date,
            if k + 1 == versions.len() { "current" } else { "superseded" }
        );
        if k > 0 {
            let _ = writeln!(meta, "previous = \"{}\"", versions[k - 1].id);
        }
        let _ = writeln!(meta, "chapters = {}", toml_list(&chapters));
        write_counted(&dir.join("version.toml"), &meta, &mut stats)?;
        write_counted(&dir.join("introduction.md"), &prose_markdown(&v.introduction), &mut stats)?;
        write_counted(&dir.join("glossary.md"), &prose_markdown(&v.glossary), &mut stats)?;
        for (mi, module) in v.modules.iter().enumerate() {
            write_counted(&dir.join(format!("module-{}.md", mi + 1)), &module_markdown(mi + 1, module), &mut stats)?;
            stats.english_requirements += module.sections.iter().map(|s| s.reqs.len()).sum::<usize>();
        }
        if k > 0 {
            let text = amendments_toml(&mut rng, v, &versions[k - 1].id);
            write_counted(&dir.join("amendments.toml"), &text, &mut stats)?;
        }
    }

    // The translations.
    let english_strings: toml::Table = toml::from_str(&fs::read_to_string(theme.join("strings.toml"))?)
        .map_err(|e| io::Error::other(format!("theme/strings.toml: {e}")))?;
    for i in 1..size.languages {
        let spec = spec(i - 1);
        let mut rng = Rng::new(seed, &format!("translation/{i}"));
        let mut lang = PseudoLanguage { code: spec.code.to_owned(), syllables: spec.syllables, words: HashMap::new() };
        let dir = out.join("translations").join(spec.code);
        write_counted(
            &dir.join("language.toml"),
            &format!(
                "code = {}\nname = {}\nnative_name = {}\ndir = \"{}\"\nsearch = \"{}\"\n",
                toml_str(spec.code),
                toml_str(spec.name),
                toml_str(spec.native),
                spec.dir,
                spec.search
            ),
            &mut stats,
        )?;
        let strings = translated_strings(&mut lang, &english_strings, i % 3 == 2, &mut rng);
        write_counted(&dir.join("strings.toml"), &toml::to_string(&strings).map_err(io::Error::other)?, &mut stats)?;
        let activity = activity(i);
        for (k, v) in versions.iter().enumerate() {
            let chosen = rng.chance(activity) || (i == 1 && k + 1 == versions.len());
            if activity > 0.0 && chosen {
                stats.translated_requirements +=
                    write_translated_version(&mut rng, &mut lang, v, &dir.join(&v.id), &mut stats)?;
            }
        }
    }

    copy_theme(theme, &out.join("theme"))?;
    Ok(stats)
}

// ---------------------------------------------------------------------------
// The same content as a Hugo site.

const HUGO_CONFIG: &str = r#"baseURL = "https://example.org/"
title = "CRAFT Code (generated)"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]

[markup.goldmark.renderer]
unsafe = false

[markup.tableOfContents]
startLevel = 2
endLevel = 3
"#;

const HUGO_SINGLE: &str = r#"<!DOCTYPE html>
<html lang="{{ .Params.lang }}" dir="{{ .Params.dir }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body>
<nav>{{ range .Parent.Pages.ByWeight }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<aside>{{ .TableOfContents }}</aside>
<main><h1>{{ .Title }}</h1>
{{ .Content }}
</main>
</body>
</html>
"#;

const HUGO_LIST: &str = r#"<!DOCTYPE html>
<html lang="{{ .Params.lang }}">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body>
</html>
"#;

/// `[[ID]]` as a Markdown link to the requirement's page and anchor in Hugo's layout.
fn hugo_refs(text: &str, index: &BTreeMap<String, String>) -> String {
    let refs = craftpub::markdown::cross_references(text);
    if refs.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut from = 0;
    for (id, offset) in refs {
        out.push_str(&text[from..offset]);
        match index.get(id) {
            Some(slug) => {
                let _ = write!(out, "[{id}](../{slug}/#req-{id})");
            }
            None => out.push_str(&text[offset..offset + id.len() + 4]),
        }
        from = offset + id.len() + 4;
    }
    out.push_str(&text[from..]);
    out
}

/// Writes, into `out`, a Hugo site with one page per chapter, language and
/// version of the project at `root`: the text craftpub shows there
/// (translation, outdated translation or English), requirements as headings
/// with their metadata, body and guidance.
pub fn write_hugo(root: &Path, out: &Path) -> io::Result<HugoStats> {
    use craftpub::localize::{Localizer, TranslationStatus};

    let mut diags = craftpub::diagnostics::Diagnostics::new(root);
    let project = craftpub::load::load_project(root, &mut diags);
    if diags.has_errors() {
        return Err(io::Error::other(format!("{} has errors; run craftpub check", root.display())));
    }
    prepare(out)?;
    fs::write(out.join("config.toml"), HUGO_CONFIG)?;
    let layouts = out.join("layouts/_default");
    fs::create_dir_all(&layouts)?;
    fs::write(layouts.join("single.html"), HUGO_SINGLE)?;
    fs::write(layouts.join("list.html"), HUGO_LIST)?;
    let content = out.join("content");
    let mut stats = HugoStats::default();
    let section = |path: &Path, title: &str, lang: &str| {
        fs::create_dir_all(path)?;
        fs::write(path.join("_index.md"), format!("+++\ntitle = {}\nlang = \"{lang}\"\n+++\n", toml_str(title)))
    };
    for language in project.languages() {
        let localizer = Localizer::new(&project, &language.code);
        let lang_dir = content.join(&language.code);
        section(&lang_dir, &language.native_name, &language.code)?;
        for v in &project.versions {
            let dir = lang_dir.join(&v.id);
            section(&dir, &format!("{} {}", project.standard.title, v.id), &language.code)?;
            let index = v.requirement_index();
            for (weight, c) in v.chapters.iter().enumerate() {
                let lch = localizer.chapter(v, c);
                let mut md = format!(
                    "+++\ntitle = {}\nweight = {weight}\nlang = \"{}\"\ndir = \"{}\"\n+++\n\n",
                    toml_str(lch.title()),
                    language.code,
                    language.dir.as_str()
                );
                let mut n = 0;
                for block in &c.blocks {
                    match block {
                        Block::Prose { .. } => {
                            md.push_str(&hugo_refs(lch.prose(n).0, index));
                            md.push('\n');
                            n += 1;
                        }
                        Block::Section(s) => {
                            let _ = write!(md, "## {} {{#{}}}\n\n", lch.prose(n).0, s.anchor);
                            n += 1;
                        }
                        Block::Requirement(r) => {
                            let local = localizer.requirement(v, r);
                            let _ = write!(md, "### {} {} {{#req-{}}}\n\n", r.id, local.title(), r.id);
                            let _ = write!(
                                md,
                                "*{} · {} · {}*\n\n",
                                r.meta
                                    .applies_to
                                    .iter()
                                    .map(|x| craftpub::model::Vocabulary::name(*x))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                craftpub::model::Vocabulary::name(r.meta.level),
                                craftpub::model::Vocabulary::name(r.meta.timeframe)
                            );
                            match local.status {
                                TranslationStatus::Outdated => {
                                    md.push_str("> The English text has changed since this translation was made.\n\n")
                                }
                                TranslationStatus::Missing if !localizer.is_source() => {
                                    md.push_str("> Not translated yet: the English text is shown.\n\n")
                                }
                                _ => {}
                            }
                            md.push_str(&hugo_refs(local.body(), index));
                            if let Some(g) = local.guidance() {
                                md.push_str("\n**Guidance**\n\n");
                                md.push_str(&hugo_refs(g, index));
                            }
                            md.push('\n');
                        }
                    }
                }
                fs::write(dir.join(format!("{}.md", c.slug)), &md)?;
                stats.pages += 1;
                stats.markdown_bytes += md.len();
            }
        }
    }
    Ok(stats)
}
