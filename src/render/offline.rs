//! Downloads for offline reading: one zip file per edition, at
//! `<lang>/<version>/download/<title>-<lang>-<version>.zip`.
//!
//! A download holds one folder named like the file; in it the edition's
//! pages (home, chapters, whole-edition page, amendment history, search
//! page) at their site paths, the theme's assets, the edition's search index
//! and the lunr scripts its language needs, with their licences, and an
//! `index.html` that opens the edition. Unzipped, it works from disk
//! (`file://`), search included: every link inside is relative.
//!
//! Links to pages that are not in the download (other versions and
//! languages, diffs, histories, the feed) point to the online site when the
//! standard has a `base_url`; without one they are removed, their text kept.
//!
//! The bytes are deterministic: entries sorted by path, every timestamp the
//! edition's release date, fixed permissions, fixed compression level.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::SiteFiles;
use super::links::{Href, resolve, rewrite_hrefs};
use crate::markdown::escape;
use crate::model::{Language, Project, Version};
use crate::search::{self, SearchLanguage};
use crate::urls;

/// Where an edition's home page shows the size of its download; replaced
/// when the download is made.
pub const SIZE_MARKER: &str = "<!--download-size-->";

/// Why a download could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot make the download {path}: {source}")]
pub struct DownloadError {
    /// The download's path in the site.
    pub path: String,
    /// What the zip writer said.
    pub source: zip::result::ZipError,
}

/// The standard's title as a file name: lowercase ASCII letters and digits
/// joined by `-` ("CRAFT Code" gives `craft-code`).
pub fn title_slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() { "standard".to_owned() } else { words.join("-") }
}

/// The site path of the download of the edition `lang`/`version`.
pub fn download_path(project: &Project, lang: &str, version: &str) -> String {
    urls::download(lang, version, &title_slug(&project.standard.title))
}

/// A size for people: `840 bytes`, `84 kB`, `1.2 MB` (SI units, rounded up).
pub fn human_size(bytes: usize) -> String {
    match bytes {
        0..1000 => format!("{bytes} bytes"),
        1000..1_000_000 => format!("{} kB", bytes.div_ceil(1000)),
        _ => format!("{}.{} MB", bytes / 1_000_000, (bytes % 1_000_000).div_ceil(100_000).min(9)),
    }
}

/// Makes the download of the edition `version` in `language` from `files`
/// (the edition's rendered pages and search index) and adds it, and its
/// size to the edition's home page. `shared` holds the files of no language
/// that a download takes: the theme's assets and the search scripts.
pub fn add_download(
    project: &Project,
    language: &Language,
    version: &Version,
    shared: &SiteFiles,
    files: &mut SiteFiles,
) -> Result<(), DownloadError> {
    let home = urls::edition_home(&language.code, &version.id);
    if !files.contains_key(&home) {
        return Ok(());
    }
    let path = download_path(project, &language.code, &version.id);
    let bytes = edition_zip(project, language, version, files, shared)
        .map_err(|source| DownloadError { path: path.clone(), source })?;
    if let Some(page) = files.get_mut(&home) {
        let html = String::from_utf8_lossy(page).replace(
            SIZE_MARKER,
            &format!(" <span class=\"muted\">(ZIP, {})</span>", escape(&human_size(bytes.len()))),
        );
        *page = html.into_bytes();
    }
    files.insert(path, bytes);
    Ok(())
}

/// The files of an edition's download, at their site paths, before links
/// are rewritten: from `files` its pages and search index, from `shared`
/// the assets and the search scripts its language needs.
fn edition_files(
    language: &Language,
    version: &Version,
    files: &SiteFiles,
    shared: &SiteFiles,
) -> BTreeMap<String, Vec<u8>> {
    let dir = urls::edition_dir(&language.code, &version.id);
    let search_lang = SearchLanguage::from_code(&language.search);
    let scripts = search::page_context(&language.code, &version.id, search_lang);
    let wanted_scripts: BTreeSet<&str> =
        scripts["scripts"].as_array().into_iter().flatten().filter_map(|s| s.as_str()).collect();
    let index_script = search::index_script(&language.code, &version.id);
    let in_edition = files.range(dir.clone()..).take_while(|(path, _)| path.starts_with(&dir)).filter(|(path, _)| {
        path.strip_prefix(&dir)
            .is_some_and(|rest| !rest.contains('/') && (rest.ends_with(".html") || **path == index_script))
    });
    let needed = shared.iter().filter(|(path, _)| {
        let asset = path.strip_prefix("assets/").is_some_and(|rest| !rest.contains('/'));
        let lunr = wanted_scripts.contains(path.as_str()) || path.starts_with("assets/lunr/LICENSE");
        asset || lunr
    });
    in_edition.chain(needed).map(|(p, b)| (p.clone(), b.clone())).collect()
}

/// The zip file of one edition.
fn edition_zip(
    project: &Project,
    language: &Language,
    version: &Version,
    files: &SiteFiles,
    shared: &SiteFiles,
) -> Result<Vec<u8>, zip::result::ZipError> {
    let code = &language.code;
    let mut contents = edition_files(language, version, files, shared);
    let home = urls::edition_home(code, &version.id);
    contents.insert(
        "index.html".into(),
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} {v}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={home}\">\n</head>\n<body>\n<main><p><a href=\"{home}\">{title} {v}</a></p></main>\n</body>\n</html>\n",
            lang = escape(code),
            dir = language.dir.as_str(),
            title = escape(&project.standard.title),
            v = escape(&version.id),
            home = escape(&home),
        )
        .into_bytes(),
    );
    let inside: BTreeSet<String> = contents.keys().cloned().collect();
    for (path, bytes) in contents.iter_mut() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes).replace(SIZE_MARKER, "");
        let rewritten = rewrite_hrefs(&html, |href| match resolve(path, href) {
            None => Href::Keep,
            Some((target, _)) if inside.contains(&target) => Href::Keep,
            Some((target, suffix)) => match super::meta::absolute(project, &target) {
                Some(online) => Href::To(format!("{online}{suffix}")),
                None => Href::Drop,
            },
        });
        *bytes = rewritten.into_bytes();
    }

    let folder = format!("{}-{code}-{}", title_slug(&project.standard.title), version.id);
    let time = release_time(&version.date);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in &contents {
        zip.start_file(format!("{folder}/{path}"), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The release date (YYYY-MM-DD) as a zip timestamp, at midnight.
fn release_time(date: &str) -> DateTime {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<u16>().unwrap_or(0));
    let (y, m, d) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    DateTime::from_date_and_time(y, m as u8, d as u8, 0, 0, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sizes() {
        assert_eq!(title_slug("CRAFT Code"), "craft-code");
        assert_eq!(title_slug("Código ✓"), "c-digo");
        assert_eq!(title_slug("✓"), "standard");
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(84_001), "85 kB");
        assert_eq!(human_size(1_234_567), "1.3 MB");
    }

    #[test]
    fn release_dates_become_timestamps() {
        let t = release_time("2024-10-01");
        assert_eq!((t.year(), t.month(), t.day()), (2024, 10, 1));
        assert_eq!(release_time("bad"), DateTime::default());
    }
}
