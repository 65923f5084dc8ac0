//! The page for developers, `developers.html`: what each data export holds,
//! an example of each cut from the real exports of the site being built, and
//! the stability promise.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::json;

use super::{LangContext, RenderError, SiteFiles, SiteIndex, Theme, insert_search};
use crate::api;
use crate::model::*;
use crate::urls;

/// JSON that keeps the order of object keys, so that an example shows a
/// file's fields in the order the file has them.
#[derive(Debug, Clone)]
enum Ordered {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_none<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Ordered::Null, Ordered::Number))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Ordered, E> {
                Ok(Ordered::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered::Object(entries))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Null => serializer.serialize_unit(),
            Ordered::Bool(b) => serializer.serialize_bool(*b),
            Ordered::Number(n) => n.serialize(serializer),
            Ordered::String(s) => serializer.serialize_str(s),
            Ordered::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Ordered::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The longest string an example shows whole.
const MAX_STRING: usize = 140;

/// Cuts a JSON value down for an example: arrays to their first `keep`
/// items and a note of how many more there are, long strings to
/// [`MAX_STRING`] characters. `keep` shrinks with depth.
fn cut(value: Ordered, keep: usize) -> Ordered {
    match value {
        Ordered::String(s) if s.chars().count() > MAX_STRING => {
            Ordered::String(format!("{}…", s.chars().take(MAX_STRING).collect::<String>()))
        }
        Ordered::Array(items) => {
            let total = items.len();
            let inner = keep.saturating_sub(1).max(1);
            let mut out: Vec<Ordered> = items.into_iter().take(keep).map(|v| cut(v, inner)).collect();
            if total > keep {
                out.push(Ordered::String(format!("… {} more", total - keep)));
            }
            Ordered::Array(out)
        }
        Ordered::Object(entries) => Ordered::Object(entries.into_iter().map(|(k, v)| (k, cut(v, keep))).collect()),
        other => other,
    }
}

/// An example of the JSON file at `path`, cut down; empty when there is no such file.
fn json_example(files: &SiteFiles, path: &str, keep: usize) -> String {
    let Some(bytes) = files.get(path) else { return String::new() };
    match serde_json::from_slice::<Ordered>(bytes) {
        Ok(value) => serde_json::to_string_pretty(&cut(value, keep)).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The header and the first `rows` records of a CSV file (records end with
/// CRLF; line breaks inside cells are LF), without the byte-order mark.
fn csv_example(files: &SiteFiles, path: &str, rows: usize) -> String {
    let Some(bytes) = files.get(path) else { return String::new() };
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix(api::csv::BOM).unwrap_or(&text);
    text.split("\r\n").take(rows + 1).collect::<Vec<_>>().join("\n")
}

/// The exports the page cuts its examples from: those of the latest
/// version (or the last one) in the source language, and for the
/// per-translation exports in the first translation.
pub struct Examples {
    version: String,
    edition: String,
    history: String,
    vocabulary: String,
    amendments: Option<String>,
    csv: String,
    status: String,
    diff: Option<String>,
    criteria: String,
    search: String,
}

impl Examples {
    /// The example exports of `project`, if it has a version to show.
    pub fn new(site_pairs: &[(String, String)], project: &Project, languages: &[Language]) -> Option<Examples> {
        let source = languages.first()?;
        let version = project.latest().or(project.versions.last())?;
        let code = source.code.as_str();
        // A translation shows the translation fields; the source language when there is none.
        let translation = languages.get(1).map_or(code, |l| l.code.as_str());
        // The history of the first requirement that has more than one version, else of the first one.
        let (lineages, _) = crate::diff::lineages(project);
        let lineage = lineages.iter().find(|l| l.steps.len() > 1).or(lineages.first());
        let amendments = project.versions.iter().rev().find(|v| api::history::has_amendments(project, v));
        Some(Examples {
            version: version.id.clone(),
            edition: urls::edition_json(code, &version.id),
            history: lineage.map(|l| urls::history_json(translation, &l.name)).unwrap_or_default(),
            vocabulary: urls::vocabulary_json(translation),
            amendments: amendments.map(|v| urls::amendments_json(&v.id)),
            csv: urls::edition_csv(code, &version.id),
            status: urls::status_json(translation, &version.id),
            diff: site_pairs.first().map(|(from, to)| urls::diff_json(code, from, to)),
            criteria: urls::criteria_jsonld(&version.id),
            search: urls::search_index_json(code, &version.id),
        })
    }

    /// Whether the file at `path` is one the page cuts an example from
    /// (`api/index.json` aside, which is always kept).
    pub fn wants(&self, path: &str) -> bool {
        [&self.edition, &self.history, &self.vocabulary, &self.csv, &self.status, &self.criteria, &self.search]
            .into_iter()
            .chain(self.diff.as_ref())
            .chain(self.amendments.as_ref())
            .any(|p| p == path)
    }
}

/// `developers.html`, with examples cut from `sources` (which holds the
/// files [`Examples::wants`], and `api/index.json`).
pub fn render(
    site: &SiteIndex,
    project: &Project,
    theme: &Theme,
    languages: &[Language],
    sources: &SiteFiles,
) -> Result<SiteFiles, RenderError> {
    let mut files = SiteFiles::new();
    let Some(source) = languages.first() else { return Ok(files) };
    let Some(paths) = Examples::new(&site.pairs, project, languages) else { return Ok(files) };
    let lc = LangContext::new(site, project, theme, source, languages);
    let page = urls::DEVELOPERS.to_owned();
    let mut ctx = lc.base(&page);
    insert_search(&mut ctx, &lc, project.latest().or(project.versions.last()));
    let link = |path: &str| sources.contains_key(path).then(|| path.to_owned());
    let examples = json!({
        "index": { "path": urls::API_INDEX, "example": json_example(sources, urls::API_INDEX, 1) },
        "edition": { "path": link(&paths.edition), "example": json_example(sources, &paths.edition, 1) },
        "history": { "path": link(&paths.history), "example": json_example(sources, &paths.history, 2) },
        "vocabulary": { "path": link(&paths.vocabulary), "example": json_example(sources, &paths.vocabulary, 2) },
        "amendments": { "path": paths.amendments.as_deref().and_then(link), "example": paths.amendments.as_deref().map(|d| json_example(sources, d, 1)).unwrap_or_default() },
        "csv": { "path": link(&paths.csv), "example": csv_example(sources, &paths.csv, 2) },
        "status": { "path": link(&paths.status), "example": json_example(sources, &paths.status, 2) },
        "diff": { "path": paths.diff.as_deref().and_then(link), "example": paths.diff.as_deref().map(|d| json_example(sources, d, 1)).unwrap_or_default() },
        "criteria": { "path": link(&paths.criteria), "example": json_example(sources, &paths.criteria, 1) },
        "search": { "path": link(&paths.search), "example": json_example(sources, &paths.search, 1) },
    });
    let schemas: Vec<_> = api::schema::NAMES.iter().map(|n| json!({ "name": n, "path": urls::schema(n) })).collect();
    ctx.insert("examples", &examples);
    ctx.insert("schemas", &schemas);
    ctx.insert("format_version", api::FORMAT_VERSION);
    ctx.insert("example_version", &paths.version);
    ctx.insert("csv_columns", &api::csv::COLUMNS);
    files.insert(page.clone(), theme.render("developers.html", &page, &ctx)?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_keep_key_order_and_are_cut() {
        let value: Ordered = serde_json::from_str(r#"{"z": 1, "a": [1, 2, 3], "m": "x"}"#).unwrap();
        let text = serde_json::to_string(&cut(value, 1)).unwrap();
        assert_eq!(text, r#"{"z":1,"a":[1,"… 2 more"],"m":"x"}"#);
    }
}
