//! The model of a standard: what loading produces and every later stage reads.
//!
//! Everything is kept in a stable order (versions oldest first, chapters in
//! their stated order, requirements in document order), so that all output
//! derived from the model is deterministic.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// The whole project: the standard's metadata and every version.
#[derive(Debug, Clone)]
pub struct Project {
    /// The standard's metadata, from `standard/standard.toml`.
    pub standard: StandardMeta,
    /// Every version, oldest first.
    pub versions: Vec<Version>,
    /// The translations, sorted by language code.
    pub translations: Vec<LanguageSource>,
}

impl Project {
    /// The version with the given ID.
    pub fn version(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The version readers get at `/<lang>/latest/`: the one whose status is current.
    pub fn latest(&self) -> Option<&Version> {
        self.versions.iter().rev().find(|v| v.status == Status::Current)
    }

    /// The IDs requirement `id` of version `version` had in earlier versions,
    /// newest first, following renumberings declared in amendment histories.
    pub fn earlier_ids(&self, version: &str, id: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut current = self.version(version);
        let mut id = id.to_owned();
        while let Some(v) = current {
            let Some(prev) = v.previous.as_deref().and_then(|p| self.version(p)) else { break };
            if out.len() >= self.versions.len() {
                break; // a cycle of previous versions; reported by check
            }
            let renumbered = v.amendments.iter().flat_map(|a| &a.renumbered).find(|r| r.to == id);
            let prev_id = renumbered.map(|r| r.from.clone()).unwrap_or_else(|| id.clone());
            if prev.requirement(&prev_id).is_none() {
                break;
            }
            out.push((prev.id.clone(), prev_id.clone()));
            id = prev_id;
            current = Some(prev);
        }
        out
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
    /// The absolute URL the site is published at, for the sitemap; may be empty.
    pub base_url: String,
    /// Publish diffs between every pair of versions, not only consecutive ones
    /// and each against the latest.
    pub all_diffs: bool,
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
}

impl Version {
    /// Every requirement of the version, in reading order.
    pub fn requirements(&self) -> impl Iterator<Item = (&Chapter, &Requirement)> {
        self.chapters.iter().flat_map(|c| c.requirements().map(move |r| (c, r)))
    }

    /// The requirement with the given ID, and its chapter.
    pub fn requirement(&self, id: &str) -> Option<(&Chapter, &Requirement)> {
        self.requirements().find(|(_, r)| r.id == id)
    }

    /// The chapter with the given slug.
    pub fn chapter(&self, slug: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.slug == slug)
    }

    /// A map from requirement ID to the slug of the chapter that holds it.
    pub fn requirement_index(&self) -> BTreeMap<String, String> {
        self.requirements().map(|(c, r)| (r.id.clone(), c.slug.clone())).collect()
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

/// Who a requirement applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The artisanal and small-scale mineral producer.
    Producer,
    /// Buyers: aggregators, traders, processors.
    Buyer,
    /// CRAFT implementers.
    Implementer,
    /// Scheme operators.
    SchemeOperator,
}

/// Whether a requirement must or should be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Must be met.
    Obligation,
    /// Should be met.
    Recommendation,
}

/// When a requirement must be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
pub enum Timeframe {
    /// From the start.
    #[serde(rename = "immediately")]
    Immediately,
    /// Within 12 months.
    #[serde(rename = "12-months")]
    Months12,
    /// Within 24 months.
    #[serde(rename = "24-months")]
    Months24,
    /// Within 36 months.
    #[serde(rename = "36-months")]
    Months36,
}

/// An OECD Annex II risk a requirement addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OecdRisk {
    /// Torture, forced labour, worst forms of child labour, gross abuses.
    SeriousAbuses,
    /// Direct or indirect support to non-state armed groups.
    ArmedGroups,
    /// Public or private security forces.
    SecurityForces,
    /// Bribery and fraudulent misrepresentation of origin.
    BriberyMisrepresentation,
    /// Money laundering.
    MoneyLaundering,
    /// Payment of taxes, fees and royalties due to governments.
    TaxesRoyalties,
}

/// A commodity a requirement can be specific to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Commodity {
    /// Gold.
    Gold,
    /// Tin, tantalum, tungsten.
    #[serde(rename = "3t")]
    ThreeT,
    /// Cobalt.
    Cobalt,
    /// Gemstones.
    Gemstones,
}

/// A closed vocabulary of metadata values, written in sources in kebab-case.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value with its source name.
    const VALUES: &'static [(&'static str, Self)];

    /// Parses a source name.
    fn parse(s: &str) -> Option<Self> {
        Self::VALUES.iter().find(|(n, _)| *n == s).map(|(_, v)| *v)
    }

    /// The source name.
    fn name(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::VALUES.iter().find(|(_, v)| *v == self).map(|(n, _)| *n).unwrap_or("")
    }

    /// The allowed names, for error messages.
    fn allowed() -> String {
        Self::VALUES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    }
}

impl Vocabulary for Role {
    const VALUES: &'static [(&'static str, Self)] = &[
        ("producer", Role::Producer),
        ("buyer", Role::Buyer),
        ("implementer", Role::Implementer),
        ("scheme-operator", Role::SchemeOperator),
    ];
}

impl Vocabulary for Level {
    const VALUES: &'static [(&'static str, Self)] =
        &[("obligation", Level::Obligation), ("recommendation", Level::Recommendation)];
}

impl Vocabulary for Timeframe {
    const VALUES: &'static [(&'static str, Self)] = &[
        ("immediately", Timeframe::Immediately),
        ("12-months", Timeframe::Months12),
        ("24-months", Timeframe::Months24),
        ("36-months", Timeframe::Months36),
    ];
}

impl Vocabulary for OecdRisk {
    const VALUES: &'static [(&'static str, Self)] = &[
        ("serious-abuses", OecdRisk::SeriousAbuses),
        ("armed-groups", OecdRisk::ArmedGroups),
        ("security-forces", OecdRisk::SecurityForces),
        ("bribery-misrepresentation", OecdRisk::BriberyMisrepresentation),
        ("money-laundering", OecdRisk::MoneyLaundering),
        ("taxes-royalties", OecdRisk::TaxesRoyalties),
    ];
}

impl Vocabulary for Commodity {
    const VALUES: &'static [(&'static str, Self)] = &[
        ("gold", Commodity::Gold),
        ("3t", Commodity::ThreeT),
        ("cobalt", Commodity::Cobalt),
        ("gemstones", Commodity::Gemstones),
    ];
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
    /// The line of the entry in the amendment file.
    #[serde(skip)]
    pub line: usize,
    /// The line where each requirement ID is named in the entry.
    #[serde(skip)]
    pub id_lines: BTreeMap<String, usize>,
}

/// A requirement that changed its ID between two versions.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Renumbering {
    /// The ID in the previous version.
    pub from: String,
    /// The ID in this version.
    pub to: String,
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
