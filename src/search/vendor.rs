//! lunr.js and lunr-languages, from `theme/node_modules` into `assets/lunr/`.
//!
//! The packages are pinned by `theme/package-lock.json`; no third-party code
//! is committed. When `theme/node_modules` is missing, a build runs `npm ci`
//! in `theme/` itself, so a fresh clone builds with `cargo run --release --
//! build` alone (given Node.js and npm).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::lunr_index::LUNR_VERSION;
use super::pipeline::SearchLanguage;
use crate::files::SiteFiles;
use crate::urls::SEARCH_SCRIPT;

/// The lunr-languages version whose pipelines the index reproduces.
pub const LUNR_LANGUAGES_VERSION: &str = "1.22.0";

/// Where the vendored files go, below the site root.
const ASSET_DIR: &str = "assets/lunr/";

/// A vendored file: where it is below `node_modules`, and its name in `assets/lunr/`.
struct Asset {
    source: &'static str,
    name: &'static str,
}

const LUNR: Asset = Asset { source: "lunr/lunr.min.js", name: "lunr.min.js" };
const SUPPORT: Asset =
    Asset { source: "lunr-languages/min/lunr.stemmer.support.min.js", name: "lunr.stemmer.support.min.js" };
const ES: Asset = Asset { source: "lunr-languages/min/lunr.es.min.js", name: "lunr.es.min.js" };
const FR: Asset = Asset { source: "lunr-languages/min/lunr.fr.min.js", name: "lunr.fr.min.js" };
const PT: Asset = Asset { source: "lunr-languages/min/lunr.pt.min.js", name: "lunr.pt.min.js" };
/// The packages' licences, shipped beside their code.
const LICENSES: [Asset; 2] = [
    Asset { source: "lunr/LICENSE", name: "LICENSE-lunr.txt" },
    Asset { source: "lunr-languages/LICENSE", name: "LICENSE-lunr-languages.txt" },
];

fn assets(language: SearchLanguage) -> &'static [Asset] {
    match language {
        SearchLanguage::English | SearchLanguage::Unstemmed => &[LUNR],
        SearchLanguage::Spanish => &[LUNR, SUPPORT, ES],
        SearchLanguage::French => &[LUNR, SUPPORT, FR],
        SearchLanguage::Portuguese => &[LUNR, SUPPORT, PT],
    }
}

/// The scripts a page of `language` loads before its index, in order, as
/// paths below the site root.
pub fn scripts(language: SearchLanguage) -> Vec<String> {
    assets(language).iter().map(|a| format!("{ASSET_DIR}{}", a.name)).collect()
}

/// `search.js` as readers download it: without its comment lines (a line
/// that is all `//` comment, or a `/* ... */` comment that starts a line
/// and ends one), blank lines and indentation. The theme's file is written
/// for people; this keeps every line of code as it is, so nothing changes
/// its meaning (the file's own lines never start inside a string or a
/// regular expression).
pub fn compact(script: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(script);
    let mut out = String::with_capacity(text.len());
    let mut in_comment = false;
    for line in text.lines() {
        let code = line.trim();
        if in_comment {
            in_comment = !code.ends_with("*/");
            continue;
        }
        if code.is_empty() || code.starts_with("//") {
            continue;
        }
        if code.starts_with("/*") && (code.find("*/").is_none() || code.ends_with("*/")) {
            in_comment = !code.ends_with("*/") || code == "/*";
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out.into_bytes()
}

/// Why the search scripts could not be had.
#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    /// `theme/node_modules` is missing and npm is not installed.
    #[error(
        "{dir}/node_modules is missing and npm was not found ({source}); install Node.js and npm (Debian: apt-get install npm), then run `npm ci` in {dir}, or run `bash .ci/run`"
    )]
    NpmMissing {
        /// The theme folder.
        dir: PathBuf,
        /// Why npm could not be started.
        source: io::Error,
    },
    /// `npm ci` failed.
    #[error("`npm ci` in {dir} failed ({status}); fix what npm says below and run `npm ci` in {dir} again:\n{output}")]
    NpmFailed {
        /// The theme folder.
        dir: PathBuf,
        /// npm's exit status.
        status: String,
        /// The end of npm's output.
        output: String,
    },
    /// A file that should be in `node_modules` is not there.
    #[error("cannot read {path}: {source}; reinstall the theme's packages with `npm ci` in {dir}")]
    Missing {
        /// The file.
        path: PathBuf,
        /// The theme folder.
        dir: PathBuf,
        /// The reading error.
        source: io::Error,
    },
    /// An installed package is not the version the index is built for.
    #[error(
        "{package} {found} is installed in {dir}/node_modules, but craftpub builds indexes for {package} {expected}; run `npm ci` in {dir} to install the pinned version"
    )]
    WrongVersion {
        /// The package.
        package: &'static str,
        /// The installed version.
        found: String,
        /// The version craftpub needs.
        expected: &'static str,
        /// The theme folder.
        dir: PathBuf,
    },
}

/// The vendored files, read from `theme/node_modules`.
#[derive(Debug, Clone)]
pub struct Vendor {
    files: BTreeMap<&'static str, bytes::Bytes>,
}

fn installed_version(dir: &Path, package: &str) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("node_modules").join(package).join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("version")?.as_str().map(str::to_owned)
}

fn run_npm_ci(dir: &Path) -> Result<(), VendorError> {
    eprintln!(
        "craftpub build: {}/node_modules is missing; running `npm ci` in {} (lunr and lunr-languages, pinned by package-lock.json)",
        dir.display(),
        dir.display()
    );
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .map_err(|source| VendorError::NpmMissing { dir: dir.to_path_buf(), source })?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(20)..].join("\n");
    Err(VendorError::NpmFailed { dir: dir.to_path_buf(), status: output.status.to_string(), output: tail })
}

impl Vendor {
    /// Reads the vendored files from `theme_dir/node_modules`, running `npm
    /// ci` in `theme_dir` first when the packages are not installed.
    pub fn prepare(theme_dir: &Path) -> Result<Vendor, VendorError> {
        let modules = theme_dir.join("node_modules");
        let installed =
            installed_version(theme_dir, "lunr").is_some() && installed_version(theme_dir, "lunr-languages").is_some();
        if !installed {
            run_npm_ci(theme_dir)?;
        }
        for (package, expected) in [("lunr", LUNR_VERSION), ("lunr-languages", LUNR_LANGUAGES_VERSION)] {
            let found = installed_version(theme_dir, package).unwrap_or_else(|| "nothing".into());
            if found != expected {
                return Err(VendorError::WrongVersion { package, found, expected, dir: theme_dir.to_path_buf() });
            }
        }
        let mut files = BTreeMap::new();
        for asset in [&LUNR, &SUPPORT, &ES, &FR, &PT].into_iter().chain(&LICENSES) {
            let path = modules.join(asset.source);
            let bytes = std::fs::read(&path).map_err(|source| VendorError::Missing {
                path: path.clone(),
                dir: theme_dir.to_path_buf(),
                source,
            })?;
            files.insert(asset.name, bytes.into());
        }
        Ok(Vendor { files })
    }

    /// Adds to `site` the scripts that search indexes of `languages` need
    /// (and the packages' licences), for a site whose indexes are elsewhere;
    /// and replaces the theme's `assets/search.js` by its [`compact`] form.
    pub fn add_for(&self, languages: &[SearchLanguage], site: &mut SiteFiles) {
        if languages.is_empty() {
            return;
        }
        if let Some(script) = site.get(SEARCH_SCRIPT) {
            let small = compact(script);
            site.insert(SEARCH_SCRIPT.to_owned(), small.into());
        }
        let mut wanted: Vec<&Asset> = languages.iter().flat_map(|l| assets(*l)).collect();
        wanted.extend(&LICENSES);
        for asset in wanted {
            if let Some(bytes) = self.files.get(asset.name) {
                site.insert(format!("{ASSET_DIR}{}", asset.name), bytes.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_drops_comments_and_indentation_only() {
        let js = b"/* a\n * b */\n(function () {\n  // note\n  var a = 1; // kept\n  /* one line */\n  var re = /[*]/g;\n\n})();\n";
        assert_eq!(
            String::from_utf8(compact(js)).unwrap(),
            "(function () {\nvar a = 1; // kept\nvar re = /[*]/g;\n})();\n"
        );
    }
}
