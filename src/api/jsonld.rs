//! A version's criteria as a JSON-LD catalogue, `api/<version>/criteria.jsonld`,
//! in the shape of the UN Transparency Protocol's Sustainability Vocabulary
//! Catalog (SVC): a `ConformitySchemeVocabulary` whose `scheme` is the
//! version of the Code and whose `conformityCriterion` tree is modules, then
//! sections, then requirements, each a `Criterion` with an `id` (a URI),
//! `name`, `description`, `status`, `tag`s and `subCriterion`s, so that a
//! digital product passport or a conformity credential can name one
//! requirement of one version unambiguously.
//!
//! - `id`s are the requirements' canonical pages (source language, with
//!   anchor): absolute when the standard sets `base_url`, else relative to
//!   the catalogue (JSON-LD resolves them against the catalogue's own URL,
//!   as every other export's references).
//! - OECD Annex II alignment, where a requirement's `oecd` metadata declares
//!   it: the criterion's `oecdAnnexII` lists the risks (an `id` within the OECD
//!   Due Diligence Guidance, the code of the sources and the risk's name) and
//!   its tags include `oecd-annex-ii:<risk>`; the catalogue's
//!   `regulatoryAlignment` names the Guidance.
//! - The other metadata are tags: `level:…`, `timeframe:…`, `applies-to:…`,
//!   `commodity:…`.
//! - `status` follows the version's: `active` (current), `deprecated`
//!   (superseded) or `proposed` (draft).
//! - The `@context` is inline and complete (every term is mapped, to the UNTP
//!   SVC and core namespaces or to schema.org), so the file can be processed
//!   offline. The sources do not classify requirements by UNTP conformity
//!   topic, so criteria carry no `conformityTopic`.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::{FORMAT_VERSION, Links, schema_url};
use crate::markdown;
use crate::model::*;
use crate::urls;

/// The OECD Due Diligence Guidance for Responsible Supply Chains of Minerals
/// from Conflict-Affected and High-Risk Areas (third edition), by its DOI.
pub const OECD_DDG: &str = "https://doi.org/10.1787/9789264252479-en";

/// `api/<version>/criteria.jsonld`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CriteriaCatalogue {
    /// The JSON-LD context: every term used, mapped to an IRI.
    #[serde(rename = "@context")]
    pub context: Value,
    /// The schema this file follows.
    #[serde(rename = "$schema")]
    #[schemars(extend("format" = "uri-reference"))]
    pub schema: String,
    /// The export format's version.
    pub format_version: &'static str,
    /// `["ConformitySchemeVocabulary"]`.
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    /// This catalogue's URI.
    #[schemars(extend("format" = "uri-reference"))]
    pub id: String,
    /// The conformity scheme: this version of the standard.
    pub scheme: Scheme,
    /// The criteria tree: modules, their sections, their requirements.
    #[serde(rename = "conformityCriterion")]
    pub conformity_criterion: Vec<Criterion>,
    /// The regulations and guidance the scheme is aligned with.
    #[serde(rename = "regulatoryAlignment")]
    pub regulatory_alignment: Vec<Regulation>,
}

/// The conformity scheme a catalogue describes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Scheme {
    /// `["ConformityScheme"]`.
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    /// The version's home page in the source language.
    #[schemars(extend("format" = "uri-reference"))]
    pub id: String,
    /// The standard's short title.
    pub name: String,
    /// The standard's full title.
    pub description: String,
    /// The version's ID.
    pub version: String,
    /// The version's release date, YYYY-MM-DD.
    #[serde(rename = "validFrom")]
    pub valid_from: String,
    /// The publisher.
    pub owner: Party,
    /// The licence's URL.
    pub license: String,
}

/// An organisation.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Party {
    /// `["Party"]`.
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    /// Its URI, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name.
    pub name: String,
}

/// A regulation or guidance the scheme is aligned with.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Regulation {
    /// `["Regulation"]`.
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    /// Its URI.
    pub id: String,
    /// Its title.
    pub name: String,
    /// Who administers it.
    #[serde(rename = "administeredBy")]
    pub administered_by: Party,
}

/// One criterion: a module, a section or a requirement.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Criterion {
    /// `["Criterion"]`.
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    /// Its URI: the page (and anchor) where it is published.
    #[schemars(extend("format" = "uri-reference"))]
    pub id: String,
    /// Its identifier in the Code: a module number, a section heading's
    /// anchor, or a requirement ID.
    pub identifier: String,
    /// Its name: the module's or section's title, the requirement's title.
    pub name: String,
    /// Its text, plain (Markdown removed); absent when it has none (a
    /// section without prose).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// `active`, `deprecated` or `proposed`, from the version's status.
    #[schemars(extend("enum" = ["active", "deprecated", "proposed"]))]
    pub status: &'static str,
    /// Context labels: `level:…`, `timeframe:…`, `applies-to:…`,
    /// `commodity:…`, `oecd-annex-ii:…`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    /// The OECD Annex II risks it addresses.
    #[serde(rename = "oecdAnnexII", skip_serializing_if = "Vec::is_empty")]
    pub oecd_annex_ii: Vec<AnnexIIRisk>,
    /// Its parts: a module's sections, a section's requirements.
    #[serde(rename = "subCriterion", skip_serializing_if = "Vec::is_empty")]
    pub sub_criterion: Vec<Criterion>,
}

/// An OECD Annex II risk.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AnnexIIRisk {
    /// Its URI within the OECD Due Diligence Guidance.
    pub id: String,
    /// Its code in the sources, e.g. `serious-abuses`.
    pub identifier: String,
    /// Its name.
    pub name: String,
}

/// The name of an OECD Annex II risk.
pub fn annex_ii_name(risk: OecdRisk) -> &'static str {
    match risk {
        OecdRisk::SeriousAbuses => "Serious abuses associated with the extraction, transport or trade of minerals",
        OecdRisk::ArmedGroups => "Direct or indirect support to non-state armed groups",
        OecdRisk::SecurityForces => "Public or private security forces",
        OecdRisk::BriberyMisrepresentation => "Bribery and fraudulent misrepresentation of the origin of minerals",
        OecdRisk::MoneyLaundering => "Money laundering",
        OecdRisk::TaxesRoyalties => "Payment of taxes, fees and royalties due to governments",
    }
}

/// The JSON-LD context of every catalogue.
fn context() -> Value {
    let svc = |t: &str| format!("https://test.uncefact.org/vocabulary/untp/svc/0/{t}");
    let core = |t: &str| format!("https://test.uncefact.org/vocabulary/untp/core/0/{t}");
    let sdo = |t: &str| format!("https://schema.org/{t}");
    json!({
        "id": "@id",
        "type": "@type",
        "ConformitySchemeVocabulary": svc("ConformitySchemeVocabulary"),
        "ConformityScheme": svc("ConformityScheme"),
        "Criterion": svc("Criterion"),
        "Party": core("Party"),
        "Regulation": core("Regulation"),
        "scheme": { "@id": svc("scheme"), "@type": "@id" },
        "conformityCriterion": { "@id": svc("conformityCriterion"), "@container": "@list" },
        "subCriterion": { "@id": svc("subCriterion"), "@container": "@list" },
        "regulatoryAlignment": { "@id": svc("regulatoryAlignment"), "@container": "@set" },
        "status": svc("status"),
        "tag": { "@id": svc("tag"), "@container": "@set" },
        "owner": svc("owner"),
        "administeredBy": core("administeredBy"),
        "validFrom": { "@id": svc("validFrom"), "@type": "http://www.w3.org/2001/XMLSchema#date" },
        "version": sdo("version"),
        "name": sdo("name"),
        "description": sdo("description"),
        "identifier": sdo("identifier"),
        "license": { "@id": sdo("license"), "@type": "@id" },
        "oecdAnnexII": { "@id": sdo("about"), "@container": "@set" },
        "$schema": { "@id": sdo("isBasedOn"), "@type": "@id" },
        "format_version": sdo("schemaVersion"),
    })
}

fn tags(meta: &RequirementMeta) -> Vec<String> {
    let mut tags = vec![format!("level:{}", meta.level.name()), format!("timeframe:{}", meta.timeframe.name())];
    tags.extend(meta.applies_to.iter().map(|r| format!("applies-to:{}", r.name())));
    tags.extend(meta.commodities.iter().map(|c| format!("commodity:{}", c.name())));
    tags.extend(meta.oecd.iter().map(|o| format!("oecd-annex-ii:{}", o.name())));
    tags
}

/// The criteria catalogue of `version`, in the source language.
pub fn catalogue(project: &Project, links: &Links, version: &Version) -> CriteriaCatalogue {
    let lang = project.standard.source_language.as_str();
    let file = urls::criteria_jsonld(&version.id);
    let uri = |path: &str| links.href(&file, path);
    let status = match version.status {
        Status::Current => "active",
        Status::Superseded => "deprecated",
        Status::Draft => "proposed",
    };
    let criterion = |id: String, identifier: &str, name: &str, description: String| Criterion {
        kind: vec!["Criterion"],
        id,
        identifier: identifier.to_owned(),
        name: name.to_owned(),
        description,
        status,
        tag: Vec::new(),
        oecd_annex_ii: Vec::new(),
        sub_criterion: Vec::new(),
    };
    let mut modules = Vec::new();
    let mut any_oecd = false;
    for chapter in version.chapters.iter().filter(|c| c.requirements().next().is_some()) {
        let page = urls::chapter(lang, &version.id, &chapter.slug);
        let identifier = chapter.module.clone().unwrap_or_else(|| chapter.slug.clone());
        let mut intro = String::new();
        let mut module = criterion(uri(&page), &identifier, &chapter.title, String::new());
        let mut in_section = false;
        for block in &chapter.blocks {
            match block {
                Block::Prose { text, .. } => {
                    let target = match module.sub_criterion.last_mut() {
                        Some(section) if in_section => &mut section.description,
                        _ => &mut intro,
                    };
                    if !target.is_empty() {
                        target.push(' ');
                    }
                    target.push_str(&markdown::to_plain_text(text));
                }
                Block::Section(s) => {
                    in_section = true;
                    let id = format!("{}#{}", uri(&page), s.anchor);
                    module.sub_criterion.push(criterion(id, &s.anchor, &s.title, String::new()));
                }
                Block::Requirement(r) => {
                    let mut c = criterion(
                        uri(&urls::requirement(lang, &version.id, &chapter.slug, &r.id)),
                        &r.id,
                        &r.title,
                        markdown::to_plain_text(&r.body),
                    );
                    c.tag = tags(&r.meta);
                    c.oecd_annex_ii = r
                        .meta
                        .oecd
                        .iter()
                        .map(|&o| AnnexIIRisk {
                            id: format!("{OECD_DDG}#annex-ii-{}", o.name()),
                            identifier: o.name().to_owned(),
                            name: annex_ii_name(o).to_owned(),
                        })
                        .collect();
                    any_oecd |= !c.oecd_annex_ii.is_empty();
                    match module.sub_criterion.last_mut() {
                        Some(section) if in_section => section.sub_criterion.push(c),
                        _ => module.sub_criterion.push(c),
                    }
                }
            }
        }
        module.description = intro;
        modules.push(module);
    }
    let regulatory_alignment = any_oecd
        .then(|| Regulation {
            kind: vec!["Regulation"],
            id: OECD_DDG.to_owned(),
            name: "OECD Due Diligence Guidance for Responsible Supply Chains of Minerals from Conflict-Affected and \
                   High-Risk Areas"
                .to_owned(),
            administered_by: Party {
                kind: vec!["Party"],
                id: Some("https://www.oecd.org/".to_owned()),
                name: "Organisation for Economic Co-operation and Development (OECD)".to_owned(),
            },
        })
        .into_iter()
        .collect();
    CriteriaCatalogue {
        context: context(),
        schema: schema_url("criteria"),
        format_version: FORMAT_VERSION,
        kind: vec!["ConformitySchemeVocabulary"],
        id: uri(&urls::criteria_jsonld(&version.id)),
        scheme: Scheme {
            kind: vec!["ConformityScheme"],
            id: uri(&urls::edition_home(lang, &version.id)),
            name: project.standard.title.clone(),
            description: project.standard.full_title.clone(),
            version: version.id.clone(),
            valid_from: version.date.clone(),
            owner: Party { kind: vec!["Party"], id: None, name: project.standard.publisher.clone() },
            license: project.standard.license_url.clone(),
        },
        conformity_criterion: modules,
        regulatory_alignment,
    }
}
