//! The self-assessment format: what an edition's checklist page
//! (`<lang>/<version>/checklist.html`) exports and imports, described by the
//! published schema `api/schema/assessment.schema.json`.
//!
//! An assessment is made in the reader's browser and never leaves it unless
//! the reader exports it; craftpub writes no assessment itself. The types
//! below exist to generate the schema (and for programs that read one), and
//! the checklist page validates every imported file against the same schema
//! before it changes anything.
//!
//! Unlike the exports, an assessment is input to the page, so its schema is
//! strict: no field it does not name, every string bounded.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The longest note the checklist takes, in characters (the page's
/// `maxlength`, and the schema's `maxLength`).
pub const NOTE_MAX: usize = 2000;

/// One self-assessment against one edition of the standard.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentExport {
    /// The schema this file follows: the schema's `$id`.
    #[serde(rename = "$schema")]
    #[schemars(length(max = 300))]
    pub schema: String,
    /// The export format's version.
    pub format_version: String,
    /// The standard's title, e.g. `CRAFT Code`.
    #[schemars(length(min = 1, max = 200))]
    pub standard: String,
    /// The version assessed, e.g. `2.1`.
    #[schemars(length(min = 1, max = 40), regex(pattern = r"^[0-9A-Za-z][0-9A-Za-z.\-]*$"))]
    pub version: String,
    /// The language of the edition the checklist was filled in.
    #[schemars(length(min = 1, max = 35), regex(pattern = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"))]
    pub lang: String,
    /// When it was exported, as the browser's clock gave it (RFC 3339).
    #[schemars(length(max = 40))]
    pub saved: String,
    /// The roles chosen (e.g. `producer`, `buyer`); empty: every role.
    #[schemars(length(max = 20))]
    pub roles: Vec<Code>,
    /// The commodities chosen (e.g. `gold`, `3t`); empty: every commodity.
    #[schemars(length(max = 20))]
    pub commodities: Vec<Code>,
    /// One answer per requirement answered, in the order of the edition.
    #[schemars(length(max = 5000))]
    pub answers: Vec<Answer>,
}

/// A vocabulary code (a role or a commodity), as the exports write them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(transparent)]
pub struct Code(#[schemars(length(min = 1, max = 40), regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))] pub String);

/// Where an assessor stands on one requirement.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The requirement's ID in the version assessed.
    #[schemars(length(min = 1, max = 40), regex(pattern = r"^[0-9]+(\.[0-9]+)*$"))]
    pub id: String,
    /// The requirement's status.
    pub status: AnswerStatus,
    /// A free-text note: plain text, never read as HTML, and holding no
    /// markup (no `<` followed by a letter, `/`, `!` or `?`).
    #[schemars(length(max = NOTE_MAX), regex(pattern = r"^([^<]|<[^A-Za-z/!?])*<?$"))]
    pub note: String,
    /// Set when the requirement changed since the answer was given: the
    /// version the answer was given for (see "carrying an assessment over").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 40))]
    pub changed_since: Option<String>,
}

/// The status of one requirement in an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerStatus {
    /// Not started.
    NotStarted,
    /// In progress.
    InProgress,
    /// Met.
    Met,
    /// Does not apply to this producer or buyer.
    NotApplicable,
}

impl AnswerStatus {
    /// Every status, in the order the checklist shows them, with its code.
    pub const ALL: [(AnswerStatus, &'static str); 4] = [
        (AnswerStatus::NotStarted, "not-started"),
        (AnswerStatus::InProgress, "in-progress"),
        (AnswerStatus::Met, "met"),
        (AnswerStatus::NotApplicable, "not-applicable"),
    ];
}

/// The columns of an assessment as CSV, in order: one row per answer, the
/// assessment's own fields repeated on every row so that a row read alone
/// still says what it belongs to.
pub const CSV_COLUMNS: [&str; 8] = ["standard", "version", "lang", "roles", "commodities", "id", "status", "note"];
