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
//! edition's release date, fixed permissions, fixed compression level
//! ([`super::zipfile`]). The files every download of a language shares are
//! compressed once ([`DownloadAssets`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::SiteFiles;
use super::links::{Href, resolve, rewrite_hrefs};
use super::zipfile::{Entry, ZipError, ZipWriter};
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
    pub source: ZipError,
}

/// The site path of the download of the edition `lang`/`version`.
pub fn download_path(project: &Project, lang: &str, version: &str) -> String {
    urls::download(lang, version, &urls::title_slug(&project.standard.title))
}

/// A size for people: `840 bytes`, `84 kB`, `1.2 MB` (SI units, rounded up).
pub fn human_size(bytes: usize) -> String {
    match bytes {
        0..1000 => format!("{bytes} bytes"),
        1000..1_000_000 => format!("{} kB", bytes.div_ceil(1000)),
        _ => format!("{}.{} MB", bytes / 1_000_000, (bytes % 1_000_000).div_ceil(100_000).min(9)),
    }
}

/// The files of no language that the downloads of one language take: the
/// theme's assets, and the search scripts of the language with their
/// licences; each compressed once, for all the language's editions.
pub struct DownloadAssets {
    entries: BTreeMap<String, Entry>,
}

impl DownloadAssets {
    /// Picks the files `language`'s downloads need from `shared` (the
    /// theme's static files and the search scripts) and compresses them.
    pub fn new(language: &Language, shared: &SiteFiles) -> Result<DownloadAssets, DownloadError> {
        let wanted_scripts: BTreeSet<String> =
            search::scripts(SearchLanguage::from_code(&language.search)).into_iter().collect();
        let needed = shared.iter().filter(|(path, _)| {
            let asset = path.strip_prefix("assets/").is_some_and(|rest| !rest.contains('/'));
            let lunr = wanted_scripts.contains(path.as_str()) || path.starts_with("assets/lunr/LICENSE");
            asset || lunr
        });
        let entries = needed
            .map(|(path, bytes)| {
                Entry::new(path, bytes)
                    .map(|entry| (path.clone(), entry))
                    .map_err(|source| DownloadError { path: path.clone(), source })
            })
            .collect::<Result<_, _>>()?;
        Ok(DownloadAssets { entries })
    }
}

/// The download of the edition `version` in `language`, made from
/// `edition` (the edition's rendered pages and search index) and `assets`:
/// the zip file, and the edition's home page with the download's size.
pub fn download(
    project: &Project,
    language: &Language,
    version: &Version,
    assets: &DownloadAssets,
    edition: &SiteFiles,
) -> Result<SiteFiles, DownloadError> {
    let mut files = edition.clone();
    add_download(project, language, version, assets, &mut files)?;
    let home = urls::edition_home(&language.code, &version.id);
    let zip = download_path(project, &language.code, &version.id);
    Ok(files.into_iter().filter(|(path, _)| *path == home || *path == zip).collect())
}

/// Makes the download of the edition `version` in `language` from `files`
/// (the edition's rendered pages and search index) and `assets`, and adds
/// it, and its size to the edition's home page.
fn add_download(
    project: &Project,
    language: &Language,
    version: &Version,
    assets: &DownloadAssets,
    files: &mut SiteFiles,
) -> Result<(), DownloadError> {
    let home = urls::edition_home(&language.code, &version.id);
    if !files.contains_key(&home) {
        return Ok(());
    }
    let path = download_path(project, &language.code, &version.id);
    let bytes = edition_zip(project, language, version, files, assets)
        .map_err(|source| DownloadError { path: path.clone(), source })?;
    if let Some(page) = files.get_mut(&home) {
        let html = String::from_utf8_lossy(page).replace(
            SIZE_MARKER,
            &format!(" <span class=\"muted\">(ZIP, {})</span>", escape(&human_size(bytes.len()))),
        );
        *page = html.into();
    }
    files.insert(path, bytes.into());
    Ok(())
}

/// The pages and the search index of an edition's download, from `files`,
/// at their site paths, before links are rewritten.
fn edition_files(language: &Language, version: &Version, files: &SiteFiles) -> SiteFiles {
    let dir = urls::edition_dir(&language.code, &version.id);
    let index_script = urls::search_index_script(&language.code, &version.id);
    files
        .range(dir.clone()..)
        .take_while(|(path, _)| path.starts_with(&dir))
        .filter(|(path, _)| {
            path.strip_prefix(&dir)
                .is_some_and(|rest| !rest.contains('/') && (rest.ends_with(".html") || **path == index_script))
        })
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// The zip file of one edition.
fn edition_zip(
    project: &Project,
    language: &Language,
    version: &Version,
    files: &SiteFiles,
    assets: &DownloadAssets,
) -> Result<Vec<u8>, ZipError> {
    let code = &language.code;
    let mut contents = edition_files(language, version, files);
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
        .into(),
    );
    let inside: BTreeSet<String> = contents.keys().chain(assets.entries.keys()).cloned().collect();
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
        *bytes = rewritten.into();
    }

    let folder = format!("{}-{code}-{}", urls::title_slug(&project.standard.title), version.id);
    let mut entries: BTreeMap<&str, Cow<Entry>> =
        assets.entries.iter().map(|(path, entry)| (path.as_str(), Cow::Borrowed(entry))).collect();
    for (path, bytes) in &contents {
        entries.insert(path, Cow::Owned(Entry::new(path, bytes)?));
    }
    let mut zip = ZipWriter::new(&version.date);
    for (path, entry) in entries {
        zip.add(&format!("{folder}/{path}"), &entry)?;
    }
    zip.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sizes() {
        assert_eq!(urls::title_slug("CRAFT Code"), "craft-code");
        assert_eq!(urls::title_slug("Código ✓"), "c-digo");
        assert_eq!(urls::title_slug("✓"), "standard");
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(84_001), "85 kB");
        assert_eq!(human_size(1_234_567), "1.3 MB");
    }
}
