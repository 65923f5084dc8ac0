//! The model of a standard: what loading produces and every later stage reads.
//!
//! Everything is kept in a stable order (versions oldest first, chapters in
//! their stated order, requirements in document order), so that all output
//! derived from the model is deterministic.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde::Serialize;

pub mod fingerprint;

/// The whole project: the standard's metadata and every version.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder the project was loaded from (the one holding `standard/`
    /// and `translations/`); reports give file paths relative to it.
    pub root: std::path::PathBuf,
    /// The standard's metadata, from `standard/standard.toml`.
    pub standard: StandardMeta,
    /// Every version, oldest first.
    pub versions: Vec<Version>,
    /// The translations, sorted by language code.
    pub translations: Vec<LanguageSource>,
    /// Lookups built on first use (`Default::default()` when building a
    /// project by hand). The model is not changed once loaded.
    pub lookup: Lookup<ProjectLookup>,
}

/// A value derived from the project, computed once by the first thread that
/// needs it (see [`Project::derived`]).
type DerivedCell = Arc<OnceLock<Arc<dyn Any + Send + Sync>>>;

/// The project's lookups: versions by ID, English texts by fingerprint.
#[derive(Debug)]
pub struct ProjectLookup {
    /// Version ID -> position in `versions` (the first one with the ID).
    versions: HashMap<String, usize>,
    /// English fingerprint -> the last (newest) requirement with that text:
    /// (version position, requirement position in reading order).
    english: OnceLock<HashMap<String, (usize, usize)>>,
    /// Values later stages derived from the project (diffs of version pairs,
    /// word diffs), by their type and a 128-bit key.
    derived: Mutex<HashMap<(TypeId, u128), DerivedCell>>,
}

impl Project {
    fn lookups(&self) -> &ProjectLookup {
        self.lookup.get(|| {
            let mut versions = HashMap::new();
            for (i, v) in self.versions.iter().enumerate() {
                versions.entry(v.id.clone()).or_insert(i);
            }
            ProjectLookup { versions, english: OnceLock::new(), derived: Mutex::default() }
        })
    }

    /// The position of the version with the given ID in `versions`.
    pub fn version_position(&self, id: &str) -> Option<usize> {
        match self.lookups().versions.get(id) {
            Some(&i) if self.versions.get(i).is_some_and(|v| v.id == id) => Some(i),
            _ => self.versions.iter().position(|v| v.id == id),
        }
    }

    /// The version with the given ID.
    pub fn version(&self, id: &str) -> Option<&Version> {
        self.version_position(id).map(|i| &self.versions[i])
    }

    /// The version readers get at `/<lang>/latest/`: the one whose status is current.
    pub fn latest(&self) -> Option<&Version> {
        self.versions.iter().rev().find(|v| v.status == Status::Current)
    }

    /// The newest English requirement whose text has the fingerprint `fp`
    /// (the last one in version order, then reading order), with its version.
    pub fn english_text(&self, fp: &str) -> Option<(&Version, &Requirement)> {
        let english = self.lookups().english.get_or_init(|| {
            let mut map = HashMap::new();
            for (vi, v) in self.versions.iter().enumerate() {
                for (ri, fp) in v.fingerprints().iter().enumerate() {
                    map.insert(fp.clone(), (vi, ri));
                }
            }
            map
        });
        let &(vi, ri) = english.get(fp)?;
        let v = self.versions.get(vi)?;
        v.requirement_at(ri).map(|r| (v, r))
    }

    /// The value of type `T` derived from the project under `key`, computed
    /// by `compute` the first time any thread asks for it, and kept as long
    /// as the project: later stages memoise what many of them need this way
    /// (the diff of a pair of versions, the word diff of two texts) without
    /// the model knowing their types. `key` must identify the value among
    /// those of type `T`; [`Project::key_of`] makes one from texts.
    pub fn derived<T: Any + Send + Sync>(&self, key: u128, compute: impl FnOnce() -> T) -> Arc<T> {
        let cell = {
            let mut derived = self.lookups().derived.lock().unwrap_or_else(PoisonError::into_inner);
            derived.entry((TypeId::of::<T>(), key)).or_default().clone()
        };
        let value = cell.get_or_init(|| Arc::new(compute())).clone();
        // The cell was made for `T` (its key holds `T`'s TypeId).
        value.downcast::<T>().unwrap_or_else(|_| unreachable!("a derived value of another type under T's key"))
    }

    /// A 128-bit key for [`Project::derived`] from a list of texts.
    pub fn key_of(parts: &[&str]) -> u128 {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hash, Hasher};
        let hash = |seed: u8| {
            let mut h = BuildHasherDefault::<DefaultHasher>::default().build_hasher();
            seed.hash(&mut h);
            parts.hash(&mut h);
            h.finish()
        };
        (u128::from(hash(1)) << 64) | u128::from(hash(2))
    }

    /// The IDs requirement `id` of version `version` had in earlier versions,
    /// newest first, following renumberings declared in amendment histories.
    pub fn earlier_ids(&self, version: &str, id: &str) -> Vec<(String, String)> {
        self.earlier(version, id).map(|(v, id)| (v.id.clone(), id.to_owned())).collect()
    }

    /// What [`Project::earlier_ids`] gives, without allocating: each earlier
    /// version and the requirement's ID there, newest first.
    pub fn earlier<'p>(&'p self, version: &str, id: &'p str) -> Earlier<'p> {
        Earlier { project: self, current: self.version(version), id, steps: 0 }
    }

    /// The languages of the site: the source language first, then each translation.
    pub fn languages(&self) -> Vec<Language> {
        let code = self.standard.source_language.clone();
        let name = if code == "en" { "English".to_owned() } else { code.clone() };
        let source =
            Language { name: name.clone(), native_name: name, dir: Direction::Ltr, search: code.clone(), code };
        std::iter::once(source).chain(self.translations.iter().map(|t| t.language.clone())).collect()
    }

    /// The translations of the language with code `code`.
    pub fn translation(&self, code: &str) -> Option<&LanguageSource> {
        self.translations.iter().find(|t| t.language.code == code)
    }
}

/// The walk of [`Project::earlier`]: a requirement's earlier versions and IDs.
pub struct Earlier<'p> {
    project: &'p Project,
    current: Option<&'p Version>,
    id: &'p str,
    steps: usize,
}

impl<'p> Iterator for Earlier<'p> {
    type Item = (&'p Version, &'p str);

    fn next(&mut self) -> Option<Self::Item> {
        let v = self.current.take()?;
        let prev = v.previous.as_deref().and_then(|p| self.project.version(p))?;
        if self.steps >= self.project.versions.len() {
            return None; // a cycle of previous versions; reported by check
        }
        let prev_id = v.renumbered_from(self.id).unwrap_or(self.id);
        prev.requirement(prev_id)?;
        self.steps += 1;
        self.id = prev_id;
        self.current = Some(prev);
        Some((prev, prev_id))
    }
}

/// A lookup table built on first use from the value that holds it, which
/// must not change afterwards. Cloning the holder gives it an empty table.
pub struct Lookup<T>(OnceLock<T>);

impl<T> Lookup<T> {
    /// The table, built by `build` on first use.
    pub fn get(&self, build: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(build)
    }
}

impl<T> Default for Lookup<T> {
    fn default() -> Self {
        Lookup(OnceLock::new())
    }
}

impl<T> Clone for Lookup<T> {
    fn clone(&self) -> Self {
        Lookup::default()
    }
}

impl<T> fmt::Debug for Lookup<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.get().is_some() { "Lookup(built)" } else { "Lookup(empty)" })
    }
}

/// The standard's metadata.
#[derive(Debug, Clone, Serialize)]
pub struct StandardMeta {
    /// Short title, e.g. "CRAFT Code".
    pub title: String,
    /// Full title, e.g. "Code of Risk-mitigation for ASM engaging in Formal Trade".
    pub full_title: String,
    /// Who publishes the standard.
    pub publisher: String,
    /// The licence, e.g. "CC BY-SA 4.0".
    pub license: String,
    /// Where the licence text is.
    pub license_url: String,
    /// The language of the official text, e.g. "en".
    pub source_language: String,
    /// Markdown shown on the front page.
    pub notice: String,
    /// The absolute URL the site is published at, ending in `/` (checked by
    /// [`crate::urls::base_url`]); empty when it is not known.
    pub base_url: String,
    /// Publish diffs between every pair of versions, not only those of
    /// [`crate::diff::published_pairs`]'s rule.
    pub all_diffs: bool,
    /// Whether a change of a chapter's own text (its prose, headings or
    /// title) needs an amendment entry naming the chapter (`chapters =
    /// ["introduction"]`), as a requirement's change does.
    pub prose_amendments: bool,
}

/// Where a version stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not yet released.
    Draft,
    /// The version in force.
    Current,
    /// Replaced by a newer version.
    Superseded,
}

impl Status {
    /// The name used in sources and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Current => "current",
            Status::Superseded => "superseded",
        }
    }
}

/// One version of the standard.
#[derive(Debug, Clone)]
pub struct Version {
    /// The version's ID, e.g. "2.1"; also its folder name.
    pub id: String,
    /// The release date, YYYY-MM-DD.
    pub date: String,
    /// Draft, current or superseded.
    pub status: Status,
    /// The version this one revises.
    pub previous: Option<String>,
    /// The chapters in reading order.
    pub chapters: Vec<Chapter>,
    /// What changed since the previous version, and why.
    pub amendments: Vec<Amendment>,
    /// The folder the version was loaded from.
    pub dir: PathBuf,
    /// The amendment file, when there is one.
    pub amendments_file: Option<PathBuf>,
    /// For a released version that was first published as a draft: the day
    /// the draft was opened for comment (`draft_date` in version.toml, set
    /// by `craftpub version release`).
    pub draft_date: Option<String>,
    /// The public consultation on a draft, when version.toml names one.
    pub consultation: Option<Consultation>,
    /// Lookups built on first use (`Default::default()` when building a
    /// version by hand). The model is not changed once loaded.
    pub lookup: Lookup<VersionLookup>,
}

/// A version's lookups: requirements by ID, renumberings by new ID, and the
/// fingerprints of the English texts.
#[derive(Debug)]
pub struct VersionLookup {
    /// Requirement ID -> (chapter, block, position in reading order), of the
    /// first requirement with the ID.
    positions: HashMap<String, (usize, usize, usize)>,
    /// Every requirement, in reading order: (chapter, block).
    order: Vec<(usize, usize)>,
    /// Requirement ID -> the slug of its chapter (the last one with the ID).
    slugs: BTreeMap<String, String>,
    /// New ID -> previous ID, from the first renumbering that names it.
    renumbered: HashMap<String, String>,
    /// The fingerprint of each requirement's text, in reading order.
    fingerprints: OnceLock<Vec<String>>,
    /// The fingerprint of each chapter's own text, in chapter order.
    chapter_fingerprints: OnceLock<Vec<String>>,
}

impl Version {
    fn lookups(&self) -> &VersionLookup {
        self.lookup.get(|| {
            let mut positions = HashMap::new();
            let mut order = Vec::new();
            let mut slugs = BTreeMap::new();
            for (ci, c) in self.chapters.iter().enumerate() {
                for (bi, b) in c.blocks.iter().enumerate() {
                    if let Block::Requirement(r) = b {
                        positions.entry(r.id.clone()).or_insert((ci, bi, order.len()));
                        order.push((ci, bi));
                        slugs.insert(r.id.clone(), c.slug.clone());
                    }
                }
            }
            let mut renumbered = HashMap::new();
            for r in self.amendments.iter().flat_map(|a| &a.renumbered) {
                renumbered.entry(r.to.clone()).or_insert_with(|| r.from.clone());
            }
            VersionLookup {
                positions,
                order,
                slugs,
                renumbered,
                fingerprints: OnceLock::new(),
                chapter_fingerprints: OnceLock::new(),
            }
        })
    }

    fn block(&self, (ci, bi): (usize, usize)) -> Option<(&Chapter, &Requirement)> {
        let c = self.chapters.get(ci)?;
        match c.blocks.get(bi)? {
            Block::Requirement(r) => Some((c, r)),
            _ => None,
        }
    }

    /// Every requirement of the version, in reading order.
    pub fn requirements(&self) -> impl Iterator<Item = (&Chapter, &Requirement)> {
        self.chapters.iter().flat_map(|c| c.requirements().map(move |r| (c, r)))
    }

    /// The requirement with the given ID, and its chapter.
    pub fn requirement(&self, id: &str) -> Option<(&Chapter, &Requirement)> {
        match self.lookups().positions.get(id) {
            Some(&(ci, bi, _)) => self.block((ci, bi)).filter(|(_, r)| r.id == id),
            None => None,
        }
    }

    /// The position of requirement `r` (one of this version's) in reading order.
    pub fn requirement_position(&self, r: &Requirement) -> Option<usize> {
        let &(ci, bi, n) = self.lookups().positions.get(&r.id)?;
        let (_, found) = self.block((ci, bi))?;
        if std::ptr::eq(found, r) {
            return Some(n);
        }
        // A later requirement with the same ID (an error the check reports).
        let order = &self.lookups().order;
        (0..order.len()).find(|&i| self.block(order[i]).is_some_and(|(_, x)| std::ptr::eq(x, r)))
    }

    /// The `n`-th requirement in reading order.
    pub fn requirement_at(&self, n: usize) -> Option<&Requirement> {
        self.lookups().order.get(n).and_then(|&p| self.block(p)).map(|(_, r)| r)
    }

    /// The chapter with the given slug.
    pub fn chapter(&self, slug: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.slug == slug)
    }

    /// A map from requirement ID to the slug of the chapter that holds it.
    pub fn requirement_index(&self) -> &BTreeMap<String, String> {
        &self.lookups().slugs
    }

    /// The ID that requirement `id` had in the previous version, when an
    /// amendment entry of this version declares its renumbering.
    pub fn renumbered_from(&self, id: &str) -> Option<&str> {
        self.lookups().renumbered.get(id).map(String::as_str)
    }

    /// The fingerprint of every requirement's text, in reading order.
    pub fn fingerprints(&self) -> &[String] {
        self.lookups()
            .fingerprints
            .get_or_init(|| self.requirements().map(|(_, r)| fingerprint::of_requirement(r)).collect())
    }

    /// The fingerprint of requirement `r`'s text (see [`fingerprint::of_requirement`]).
    pub fn fingerprint_of(&self, r: &Requirement) -> String {
        match self.requirement_position(r) {
            Some(n) => self.fingerprints()[n].clone(),
            None => fingerprint::of_requirement(r),
        }
    }

    /// The fingerprint of chapter `c`'s own text (see [`fingerprint::of_chapter`]).
    pub fn chapter_fingerprint(&self, c: &Chapter) -> String {
        let all = self
            .lookups()
            .chapter_fingerprints
            .get_or_init(|| self.chapters.iter().map(fingerprint::of_chapter).collect());
        match self.chapters.iter().position(|x| std::ptr::eq(x, c)) {
            Some(i) => all[i].clone(),
            None => fingerprint::of_chapter(c),
        }
    }
}

/// What kind of chapter a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChapterKind {
    /// The introduction.
    Introduction,
    /// A module of requirements.
    Module,
    /// A scheme with its own requirements (e.g. CRAFT-UA).
    Scheme,
    /// The glossary.
    Glossary,
    /// An annex.
    Annex,
}

impl ChapterKind {
    /// Parses the name used in front matter.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "introduction" => ChapterKind::Introduction,
            "module" => ChapterKind::Module,
            "scheme" => ChapterKind::Scheme,
            "glossary" => ChapterKind::Glossary,
            "annex" => ChapterKind::Annex,
            _ => return None,
        })
    }
}

/// One chapter: a Markdown file of a version.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// The file name without `.md`; the chapter's URL and its key across versions.
    pub slug: String,
    /// The title from front matter.
    pub title: String,
    /// Introduction, module, scheme, glossary or annex.
    pub kind: ChapterKind,
    /// For modules and schemes: the first number of their requirement IDs.
    pub module: Option<String>,
    /// The chapter's content in document order.
    pub blocks: Vec<Block>,
    /// The file it was loaded from.
    pub file: PathBuf,
}

impl Chapter {
    /// The chapter's requirements in document order.
    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Requirement(r) => Some(r),
            _ => None,
        })
    }

    /// The chapter's sections in document order.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Section(s) => Some(s),
            _ => None,
        })
    }
}

/// A piece of a chapter.
#[derive(Debug, Clone)]
pub enum Block {
    /// Markdown prose; `line` is the file line it starts on.
    Prose {
        /// The Markdown text.
        text: String,
        /// The line of the file where it starts.
        line: usize,
    },
    /// A `##` section heading.
    Section(Section),
    /// A requirement block.
    Requirement(Requirement),
}

/// A section heading of a chapter.
#[derive(Debug, Clone)]
pub struct Section {
    /// The anchor, derived from the heading.
    pub anchor: String,
    /// The heading text.
    pub title: String,
    /// The line of the heading.
    pub line: usize,
}

/// Declares a closed vocabulary of metadata values: the enum, and one table
/// of its values' source names (as written in sources and exports) from
/// which parsing ([`Vocabulary::parse`]), [`Vocabulary::name`], serde and the
/// JSON Schema all come, so a name is written once.
macro_rules! vocabulary {
    (
        #[doc = $doc:literal]
        pub enum $name:ident {
            $( #[doc = $variant_doc:literal] $variant:ident = $text:literal, )+
        }
    ) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( #[doc = $variant_doc] $variant, )+
        }

        impl Vocabulary for $name {
            const VALUES: &'static [(&'static str, Self)] = &[$( ($text, $name::$variant), )+];

            fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": $doc.trim(),
                    "oneOf": [ $( { "type": "string", "const": $text, "description": $variant_doc.trim() }, )+ ]
                })
            }
        }
    };
}

vocabulary! {
    /// Who a requirement applies to.
    pub enum Role {
        /// The artisanal and small-scale mineral producer.
        Producer = "producer",
        /// Buyers: aggregators, traders, processors.
        Buyer = "buyer",
        /// CRAFT implementers.
        Implementer = "implementer",
        /// Scheme operators.
        SchemeOperator = "scheme-operator",
    }
}

vocabulary! {
    /// Whether a requirement must or should be met.
    pub enum Level {
        /// Must be met.
        Obligation = "obligation",
        /// Should be met.
        Recommendation = "recommendation",
    }
}

vocabulary! {
    /// When a requirement must be met.
    pub enum Timeframe {
        /// From the start.
        Immediately = "immediately",
        /// Within 12 months.
        Months12 = "12-months",
        /// Within 24 months.
        Months24 = "24-months",
        /// Within 36 months.
        Months36 = "36-months",
    }
}

vocabulary! {
    /// An OECD Annex II risk a requirement addresses.
    pub enum OecdRisk {
        /// Torture, forced labour, worst forms of child labour, gross abuses.
        SeriousAbuses = "serious-abuses",
        /// Direct or indirect support to non-state armed groups.
        ArmedGroups = "armed-groups",
        /// Public or private security forces.
        SecurityForces = "security-forces",
        /// Bribery and fraudulent misrepresentation of origin.
        BriberyMisrepresentation = "bribery-misrepresentation",
        /// Money laundering.
        MoneyLaundering = "money-laundering",
        /// Payment of taxes, fees and royalties due to governments.
        TaxesRoyalties = "taxes-royalties",
    }
}

vocabulary! {
    /// A commodity a requirement can be specific to.
    pub enum Commodity {
        /// Gold.
        Gold = "gold",
        /// Tin, tantalum, tungsten.
        ThreeT = "3t",
        /// Cobalt.
        Cobalt = "cobalt",
        /// Gemstones.
        Gemstones = "gemstones",
    }
}

/// A closed vocabulary of metadata values, written in sources in kebab-case
/// (declared with `vocabulary!`, which gives each its one table of names).
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value with its source name.
    const VALUES: &'static [(&'static str, Self)];

    /// Parses a source name.
    fn parse(s: &str) -> Option<Self> {
        Self::VALUES.iter().find(|(n, _)| *n == s).map(|(_, v)| *v)
    }

    /// The source name.
    fn name(self) -> &'static str;

    /// The allowed names, for error messages.
    fn allowed() -> String {
        Self::VALUES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    }
}

/// A requirement's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementMeta {
    /// Who it applies to.
    pub applies_to: Vec<Role>,
    /// Obligation or recommendation.
    pub level: Level,
    /// When it must be met.
    pub timeframe: Timeframe,
    /// The OECD Annex II risks it addresses.
    pub oecd: Vec<OecdRisk>,
    /// The commodities it is specific to; empty means all.
    pub commodities: Vec<Commodity>,
}

/// One requirement (criterion) of the standard.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The stable ID, e.g. "3.1.2".
    pub id: String,
    /// The title.
    pub title: String,
    /// The metadata.
    pub meta: RequirementMeta,
    /// The body, Markdown.
    pub body: String,
    /// The guidance, Markdown, when there is some.
    pub guidance: Option<String>,
    /// The anchor of the section it belongs to, if any.
    pub section: Option<String>,
    /// The file it was loaded from.
    pub file: PathBuf,
    /// The line of its opening `::: requirement` line.
    pub line: usize,
    /// The line where its body starts.
    pub body_line: usize,
    /// The line where its guidance starts (0 without guidance).
    pub guidance_line: usize,
}

/// Serialises an amendment entry's chapters as their names.
fn chapter_names<S: serde::Serializer>(chapters: &[(String, usize)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(chapters.iter().map(|(name, _)| name))
}

/// One entry of a version's amendment history.
#[derive(Debug, Clone, Serialize)]
pub struct Amendment {
    /// The entry's ID, unique in its version.
    pub id: String,
    /// A one-line summary.
    pub title: String,
    /// Why the change was made, Markdown.
    pub rationale: String,
    /// IDs new in this version.
    pub added: Vec<String>,
    /// IDs of the previous version that are gone.
    pub removed: Vec<String>,
    /// IDs whose text or metadata changed.
    pub modified: Vec<String>,
    /// Renumberings, previous ID to new ID.
    pub renumbered: Vec<Renumbering>,
    /// The chapters (file names without `.md`) whose own text the entry
    /// changes, with the line each is named on.
    #[serde(serialize_with = "chapter_names")]
    pub chapters: Vec<(String, usize)>,
    /// The line of the entry in the amendment file.
    #[serde(skip)]
    pub line: usize,
    /// The line of the entry's `rationale`.
    #[serde(skip)]
    pub rationale_line: usize,
    /// The line where each requirement ID is named in the entry.
    #[serde(skip)]
    pub id_lines: BTreeMap<String, usize>,
}

/// A public consultation on a draft: `[consultation]` in its version.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consultation {
    /// The last day comments are taken, YYYY-MM-DD (inclusive).
    pub closes: String,
    /// Where comments go: a URL template (`http`, `https` or `mailto`) with
    /// `{id}`, `{version}` and `{title}` placeholders, filled in
    /// percent-encoded for each requirement.
    pub comments: String,
}

/// A requirement that changed its ID between two versions.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Renumbering {
    /// The ID in the previous version.
    pub from: String,
    /// The ID in this version.
    pub to: String,
    /// The 1-based line of the entry in amendments.toml (0 when made in memory).
    #[serde(skip)]
    pub line: usize,
}

impl fmt::Display for Renumbering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {}", self.from, self.to)
    }
}

/// Writing direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

impl Direction {
    /// `ltr` or `rtl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// A language the site is published in.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Language {
    /// BCP 47 code, e.g. "es"; also the folder name under translations/.
    pub code: String,
    /// English name, e.g. "Spanish".
    pub name: String,
    /// Name in the language itself, e.g. "Español".
    pub native_name: String,
    /// Writing direction.
    pub dir: Direction,
    /// The lunr-languages pipeline search uses ("en", "es", "fr", "pt", ...),
    /// or "none" for no stemming.
    pub search: String,
}

/// One language of translations/: its metadata, interface strings and
/// translated chapters per version.
#[derive(Debug, Clone)]
pub struct LanguageSource {
    /// The language's metadata.
    pub language: Language,
    /// The interface strings it translates (same shape as theme/strings.toml).
    pub strings: toml::Table,
    /// The strings file, for diagnostics.
    pub strings_file: PathBuf,
    /// Translated chapters: version ID, then chapter slug.
    pub versions: BTreeMap<String, BTreeMap<String, TranslatedChapter>>,
    /// The language's folder.
    pub dir: PathBuf,
    /// The termbase's pairing (`terms.toml`): each English glossary term,
    /// the language's term(s) for it, the preferred one first.
    pub terms: BTreeMap<String, Vec<String>>,
}

/// A translated chapter file: `translations/<lang>/<version>/<slug>.md`.
#[derive(Debug, Clone)]
pub struct TranslatedChapter {
    /// The translated title.
    pub title: String,
    /// Fingerprint of the English prose it translates, if given.
    pub source: Option<String>,
    /// Marked untranslated by the scaffold: its title and prose are still English.
    pub untranslated: bool,
    /// Prose and section headings in order (requirements are kept apart).
    pub blocks: Vec<Block>,
    /// The translated requirements, in file order.
    pub requirements: Vec<TranslatedRequirement>,
    /// The file.
    pub file: PathBuf,
}

/// A translated requirement block.
#[derive(Debug, Clone)]
pub struct TranslatedRequirement {
    /// The requirement's ID (the English one).
    pub id: String,
    /// The translated title.
    pub title: String,
    /// The fingerprint of the English text it translates.
    pub source: String,
    /// Marked untranslated by the scaffold: it still holds the English text.
    pub untranslated: bool,
    /// The translated body.
    pub body: String,
    /// The translated guidance.
    pub guidance: Option<String>,
    /// The file it is in.
    pub file: PathBuf,
    /// The line of its opening line.
    pub line: usize,
    /// The line where its body starts.
    pub body_line: usize,
    /// The line where its guidance starts (0 without guidance).
    pub guidance_line: usize,
}
