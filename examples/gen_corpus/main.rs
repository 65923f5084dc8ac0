//! Writes a generated project of any size, for benchmarks: a valid
//! `standard/` (versions with realistic, fully declared changes),
//! `translations/` (partly translated languages, with correct `source:`
//! fingerprints) and a copy of the theme; optionally the same content as a
//! Hugo site, to compare with.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --out DIR --versions 20 --languages 10 \
//!     --modules 10 --requirements 50 --seed 1 [--hugo HUGO_DIR]
//! ```
//!
//! The same arguments always give the same bytes. `--languages` counts every
//! language of the site, English included. `benches/scale.sh` uses it.

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Writes a generated CRAFT Code project (and optionally a Hugo site of the same content).
#[derive(Parser)]
#[command(name = "gen_corpus")]
struct Args {
    /// The project folder to write (created; must be empty or a folder this generator wrote).
    #[arg(long)]
    out: PathBuf,
    /// How many versions of the standard.
    #[arg(long, default_value_t = 3)]
    versions: usize,
    /// How many languages, English included.
    #[arg(long, default_value_t = 3)]
    languages: usize,
    /// How many modules (chapters with requirements) per version.
    #[arg(long, default_value_t = 5)]
    modules: usize,
    /// How many requirements per module in the first version.
    #[arg(long, default_value_t = 20)]
    requirements: usize,
    /// The seed of the pseudo-random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The theme to copy [default: this repository's theme/].
    #[arg(long)]
    theme: Option<PathBuf>,
    /// Also write the same content, as craftpub shows it per language and
    /// version, as a Hugo site in this folder.
    #[arg(long)]
    hugo: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let size = corpus::Size {
        versions: args.versions,
        languages: args.languages,
        modules: args.modules,
        requirements: args.requirements,
    };
    let theme = args.theme.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("theme"));
    let stats = match corpus::generate(&args.out, size, args.seed, &theme) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "gen_corpus: {} versions, {} languages, {} English requirements, {} translated requirement blocks, {} source files, {} bytes of Markdown in {}",
        size.versions,
        size.languages,
        stats.english_requirements,
        stats.translated_requirements,
        stats.files,
        stats.markdown_bytes,
        args.out.display()
    );
    if let Some(hugo) = args.hugo {
        match corpus::write_hugo(&args.out, &hugo) {
            Ok(h) => eprintln!(
                "gen_corpus: Hugo site with {} pages, {} bytes of Markdown in {}",
                h.pages,
                h.markdown_bytes,
                hugo.display()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
