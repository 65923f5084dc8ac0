//! The `craftpub` command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use craftpub::diagnostics::{Diagnostics, Severity};
use craftpub::diff::{self, ShownText};
use craftpub::localize::Localizer;
use craftpub::status::ops_to_terminal;

/// mimalloc: rendering allocates and frees millions of small strings (Tera
/// contexts and lookups, HTML, word diffs), which it does about a fifth
/// faster than the system allocator (see README, "Performance"). Built
/// with its `no_thp` feature: huge pages cost memory and saved no time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Prints a line to stdout, ignoring a closed pipe (e.g. `craftpub diff | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Prints `value` as indented JSON on standard output; a value serde_json
/// refuses is an error on standard error (false), never an empty output.
fn print_json<T: serde::Serialize>(value: &T) -> bool {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            out!("{text}");
            true
        }
        Err(e) => {
            eprintln!("error: the JSON output could not be made: {e}");
            false
        }
    }
}

/// Publishes the CRAFT Code: versions, diffs, translations, search and exports.
#[derive(Parser)]
#[command(name = "craftpub", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the sources, then build the site (nothing is written on error).
    Build {
        /// The project folder, holding standard/, translations/ and theme/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// The absolute http(s) URL the site is published at, e.g.
        /// https://craftcode.example/ (replaces base_url in standard.toml).
        #[arg(long, value_name = "URL", value_parser = parse_base_url)]
        base_url: Option<String>,
    },
    /// Check the sources and report every problem, with file, line and fix.
    Check {
        /// The project folder, holding standard/, translations/ and theme/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print the diagnostics (github: GitHub Actions annotations).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Report translation coverage: outdated and missing requirements per language and version.
    Status {
        /// The project folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Only this language.
        #[arg(long = "lang")]
        lang: Option<String>,
        /// Only this version.
        #[arg(long)]
        version: Option<String>,
        /// Instead of the coverage, review the glossary terms: list the current
        /// translated requirements whose English uses a glossary term but whose
        /// translation has none of the language's forms of it (a hint, not an error).
        #[arg(long)]
        terms: bool,
        /// Text for people, JSON for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show what changed between two versions, word by word.
    Diff {
        /// The earlier version.
        from: String,
        /// The later version.
        to: String,
        /// The project folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Show the text in this language (changes are classified on the English text).
        #[arg(long = "lang")]
        lang: Option<String>,
        /// Text for people (coloured on a terminal), JSON for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Start a translation, or bring one up to a version; mark translations as updated.
    Translate {
        /// The language code, e.g. es, pt-BR, sw.
        lang: String,
        /// The project folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The version to bring the translation up to [default: the current version].
        #[arg(long)]
        version: Option<String>,
        /// For a new language: its English name.
        #[arg(long)]
        name: Option<String>,
        /// For a new language: its name in the language itself.
        #[arg(long)]
        native_name: Option<String>,
        /// For a new language: ltr or rtl.
        #[arg(long)]
        dir: Option<String>,
        /// For a new language: the search pipeline (en, es, fr, pt, or none).
        #[arg(long)]
        search: Option<String>,
        /// Instead of scaffolding: record that these requirements (IDs) or chapters
        /// (file names without .md) now translate the current English text.
        #[arg(long, num_args = 1.., value_name = "ID|CHAPTER")]
        mark_updated: Vec<String>,
        /// The form to start or update: Markdown files, or a gettext PO catalogue
        /// (translations/LANG/VERSION.po, for CAT tools).
        #[arg(long, value_enum, default_value_t = TranslationForm::Md)]
        format: TranslationForm,
        /// Instead of scaffolding: convert the language (every version, or only
        /// --version) and its interface strings to this form, losslessly.
        #[arg(long, value_enum, value_name = "md|po")]
        convert: Option<TranslationForm>,
    },
    /// The maintainers' cycle: open the next version as a draft, release a draft.
    Version {
        #[command(subcommand)]
        action: VersionAction,
    },
    /// Append an entry to a version's amendments.toml for each change no entry
    /// declares yet, grouped by module, with likely renumberings proposed;
    /// their rationales are left for you to write (check fails until then).
    Amend {
        /// The version to amend [default: the newest draft].
        version: Option<String>,
        /// The project folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Text for people, JSON for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Serve a live preview of the whole site; pages reload when a source is
    /// saved, and show the errors over the page while there are any.
    Serve {
        /// The project folder, holding standard/, translations/ and theme/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
}

#[derive(Subcommand)]
enum VersionAction {
    /// Create standard/ID/ as a draft copied from the current (or given)
    /// version: status = "draft", previous set, today's date, the chapters
    /// copied and an amendments.toml that explains its format.
    New {
        /// The new version's ID; it must sort after every version there (e.g. 2.2).
        id: String,
        /// The version to copy and revise [default: the current version].
        #[arg(long)]
        from: Option<String>,
        /// The day the draft is opened, YYYY-MM-DD [default: today, UTC].
        #[arg(long)]
        date: Option<String>,
        /// The project folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Text for people, JSON for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Release a draft: it becomes current and the former current version
    /// superseded (refused while craftpub check has errors).
    Release {
        /// The draft to release.
        id: String,
        /// The release date, YYYY-MM-DD [default: today, UTC].
        #[arg(long)]
        date: Option<String>,
        /// The project folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Text for people, JSON for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum TranslationForm {
    Md,
    Po,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Github,
}

/// `--base-url`: an absolute http(s) URL, normalised to end in one `/`.
fn parse_base_url(text: &str) -> Result<String, craftpub::urls::BaseUrlError> {
    craftpub::urls::base_url(text)
}

fn print_diagnostics(diags: &Diagnostics, format: CheckFormat) {
    match format {
        CheckFormat::Text => {
            for d in diags.sorted() {
                eprintln!("{d}");
            }
            if !diags.is_empty() {
                eprintln!("{} error(s), {} warning(s)", diags.error_count(), diags.warning_count());
            }
        }
        CheckFormat::Json => {
            let json = serde_json::json!({
                "errors": diags.error_count(),
                "warnings": diags.warning_count(),
                "diagnostics": diags.sorted(),
            });
            print_json(&json);
        }
        CheckFormat::Github => {
            // https://docs.github.com/actions/reference/workflow-commands-for-github-actions
            let esc = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
            let esc_prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
            for d in diags.sorted() {
                let level = if d.severity == Severity::Error { "error" } else { "warning" };
                let line = if d.line > 0 { format!(",line={}", d.line) } else { String::new() };
                out!(
                    "::{level} file={}{line},title={}::{}",
                    esc_prop(&d.file.to_string_lossy()),
                    esc_prop("craftpub check"),
                    esc(&format!("{}\nfix: {}", d.message, d.fix))
                );
            }
        }
    }
}

/// Loads and checks, printing diagnostics; None (after printing) on errors.
fn load_checked(root: &Path) -> Option<(craftpub::model::Project, craftpub::render::Theme)> {
    let (project, theme, diags) = craftpub::check(root);
    if diags.has_errors() {
        print_diagnostics(&diags, CheckFormat::Text);
        return None;
    }
    theme.map(|t| (project, t))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { root, bind, port } => serve(root, bind, port),
        Command::Version { action: VersionAction::New { id, from, date, root, format } } => {
            cycle_result(craftpub::cycle::new_version(&root, &id, from.as_deref(), date.as_deref()), format, |r| {
                eprintln!("created  {}: draft {} revising {}, dated {}", r.dir.display(), r.id, r.from, r.date);
                for f in &r.files {
                    eprintln!("  {}", f.display());
                }
                eprintln!("{}", r.translations);
                eprintln!("rule for drafts: {}", r.draft_rule);
                eprintln!(
                    "next: edit the chapters, run craftpub amend {} to draft the amendment history, write its rationales, then craftpub version release {}",
                    r.id, r.id
                );
            })
        }
        Command::Version { action: VersionAction::Release { id, date, root, format } } => {
            cycle_result(craftpub::cycle::release(&root, &id, date.as_deref()), format, |r| {
                eprintln!("released {} on {}", r.id, r.date);
                for f in &r.files {
                    eprintln!("changed  {}: {}", f.path.display(), f.changes.join(", "));
                }
                match &r.latest.0 {
                    Some(old) => eprintln!("/<lang>/latest/ moves from {old} to {} at the next build", r.latest.1),
                    None => eprintln!("/<lang>/latest/ is {} from the next build", r.latest.1),
                }
                eprintln!(
                    "feed: a new entry \"{}\" dated {} ({}); the draft's entry, opened {}, stays",
                    r.feed_entry.title, r.feed_entry.date, r.feed_entry.summary, r.draft_date
                );
            })
        }
        Command::Amend { version, root, format } => {
            cycle_result(craftpub::amend::amend(&root, version.as_deref()), format, |r| {
                if r.entries.is_empty() {
                    eprintln!(
                        "nothing to add: every change from {} to {} is declared in {}",
                        r.previous,
                        r.version,
                        r.file.display()
                    );
                    return;
                }
                let verb = if r.created { "created" } else { "appended to" };
                eprintln!(
                    "{verb} {}: {} entr{}",
                    r.file.display(),
                    r.entries.len(),
                    if r.entries.len() == 1 { "y" } else { "ies" }
                );
                for e in &r.entries {
                    eprintln!("  {} ({})", e.id, e.title);
                    for n in &e.notes {
                        eprintln!("    {n}");
                    }
                }
                eprintln!("next: write each entry's rationale (craftpub check names those still empty)");
            })
        }
        Command::Check { root, format } => {
            let (_, _, diags) = craftpub::check(&root);
            print_diagnostics(&diags, format);
            if diags.has_errors() {
                ExitCode::from(1)
            } else {
                if let CheckFormat::Text = format {
                    eprintln!("craftpub check: no errors");
                }
                ExitCode::SUCCESS
            }
        }
        Command::Build { root, out, base_url } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            match craftpub::build_at(&root, &out, base_url.as_deref()) {
                Ok(report) => {
                    print_diagnostics(&report.diagnostics, CheckFormat::Text);
                    if report.base_url.is_none() {
                        eprintln!("note: {}", craftpub::NO_BASE_URL);
                    }
                    for warning in report.written.host_warnings() {
                        eprintln!("warning: {warning}; see the README's \"Publishing\" section");
                    }
                    eprintln!("craftpub build: wrote {} to {}", report.written.summary(), out.display());
                    ExitCode::SUCCESS
                }
                Err(craftpub::BuildError::Sources(diags)) => {
                    print_diagnostics(&diags, CheckFormat::Text);
                    eprintln!("craftpub build: nothing written; {} is unchanged", out.display());
                    ExitCode::from(1)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!("craftpub build: nothing written; {} is unchanged", out.display());
                    ExitCode::from(1)
                }
            }
        }
        Command::Status { root, lang, version, terms, format } => {
            let Some((project, theme)) = load_checked(&root) else { return ExitCode::from(1) };
            if let Some(l) = &lang
                && project.translation(l).is_none()
            {
                eprintln!(
                    "error: there is no translation \"{l}\" in translations/ (craftpub translate {l} starts one)"
                );
                return ExitCode::from(2);
            }
            if let Some(v) = &version
                && project.version(v).is_none()
            {
                eprintln!("error: there is no version \"{v}\" in standard/");
                return ExitCode::from(2);
            }
            if terms {
                return print_term_review(&root, &project, lang.as_deref(), version.as_deref(), format);
            }
            let report =
                craftpub::status::report(&project, theme.english_strings(), lang.as_deref(), version.as_deref());
            match format {
                Format::Json => {
                    if !print_json(&report) {
                        return ExitCode::from(1);
                    }
                }
                Format::Text => {
                    let colour = std::io::stdout().is_terminal();
                    for e in &report {
                        out!(
                            "{} {}: {} current, {} outdated, {} missing (of {})",
                            e.lang,
                            e.version,
                            e.coverage.current,
                            e.coverage.outdated,
                            e.coverage.missing,
                            e.total
                        );
                        for o in &e.outdated {
                            let from = o
                                .translated_from
                                .as_deref()
                                .map(|v| format!(", translated from {v}"))
                                .unwrap_or_default();
                            out!("  outdated {} {} ({}:{}{from})", o.id, o.title, o.file, o.line);
                            if !o.english_changes.is_empty() {
                                for line in ops_to_terminal(&o.english_changes, colour).lines() {
                                    out!("      {line}");
                                }
                            }
                        }
                        for m in &e.missing {
                            out!("  missing  {} {}", m.id, m.title);
                        }
                        for c in &e.chapters {
                            let from = c
                                .translated_from
                                .as_deref()
                                .map(|v| format!(", translated from {v}"))
                                .unwrap_or_default();
                            let file = c.file.as_deref().map(|f| format!(" {f}")).unwrap_or_default();
                            out!(
                                "  chapter {} ({}.md): {} {}{file}{from}",
                                c.title,
                                c.slug,
                                c.parts_label(),
                                c.status.as_str()
                            );
                            for line in ops_to_terminal(&c.english_changes, colour).lines() {
                                out!("      {line}");
                            }
                        }
                        if !e.strings.missing.is_empty() {
                            out!(
                                "  interface strings: {} of {} translated; missing: {}",
                                e.strings.translated,
                                e.strings.total,
                                e.strings.missing.join(", ")
                            );
                        }
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Command::Diff { from, to, root, lang, format } => {
            let Some((project, _)) = load_checked(&root) else { return ExitCode::from(1) };
            let (Some(a), Some(b)) = (project.version(&from), project.version(&to)) else {
                let ids: Vec<&str> = project.versions.iter().map(|v| v.id.as_str()).collect();
                eprintln!("error: unknown version; the versions are: {}", ids.join(", "));
                return ExitCode::from(2);
            };
            let localizer = match &lang {
                Some(l) if project.translation(l).is_none() && *l != project.standard.source_language => {
                    eprintln!("error: there is no language \"{l}\"");
                    return ExitCode::from(2);
                }
                Some(l) => Localizer::new(&project, l),
                None => Localizer::new(&project, &project.standard.source_language),
            };
            let shown = |v: &craftpub::model::Version, r: &craftpub::model::Requirement| {
                let local = localizer.requirement(
                    project.version(&v.id).unwrap_or(v),
                    project.version(&v.id).and_then(|x| x.requirement(&r.id)).map(|(_, r)| r).unwrap_or(r),
                );
                ShownText {
                    title: local.title().to_owned(),
                    body: local.body().to_owned(),
                    guidance: local.guidance().map(str::to_owned),
                }
            };
            let d = diff::compare_in(&project, a, b, &shown);
            let (lineages, lineage_index) = diff::lineages(&project);
            match format {
                Format::Json => match craftpub::api::diff_json(
                    &project,
                    &craftpub::api::edition::History { lineages: &lineages, index: &lineage_index },
                    &localizer,
                    &d,
                    lang.as_deref().unwrap_or(&project.standard.source_language),
                ) {
                    Ok(json) => out!("{}", String::from_utf8_lossy(&json)),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(1);
                    }
                },
                Format::Text => {
                    use std::io::Write as _;
                    let _ =
                        std::io::stdout().lock().write_all(diff_text(&d, std::io::stdout().is_terminal()).as_bytes());
                }
            }
            ExitCode::SUCCESS
        }
        Command::Translate { lang, root, version, name, native_name, dir, search, mark_updated, format, convert } => {
            let Some((project, theme)) = load_checked(&root) else { return ExitCode::from(1) };
            if let Some(form) = convert {
                let Some(source) = project.translation(&lang) else {
                    eprintln!("error: there is no translation \"{lang}\" in translations/ to convert");
                    return ExitCode::from(2);
                };
                let form = if form == TranslationForm::Po {
                    craftpub::catalogue::Form::Po
                } else {
                    craftpub::catalogue::Form::Markdown
                };
                return match craftpub::catalogue::convert(
                    &root,
                    &project,
                    theme.english_strings(),
                    source,
                    form,
                    version.as_deref(),
                ) {
                    Ok(files) => {
                        for f in files {
                            eprintln!("wrote {}", f.display());
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(1)
                    }
                };
            }
            let version = match version.or_else(|| project.latest().map(|v| v.id.clone())) {
                Some(v) => v,
                None => {
                    eprintln!("error: no version to translate; pass --version");
                    return ExitCode::from(2);
                }
            };
            if !mark_updated.is_empty() {
                return match craftpub::scaffold::mark_updated(&root, &project, &lang, &version, &mark_updated) {
                    Ok(files) => {
                        for f in files {
                            eprintln!("updated {}", f.display());
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(1)
                    }
                };
            }
            let new = craftpub::scaffold::NewLanguage { name, native_name, dir, search };
            if format == TranslationForm::Po {
                match craftpub::scaffold::start_language(&root, &project, &lang, &new) {
                    Ok(report) => {
                        for f in report.created.iter().chain(&report.updated) {
                            eprintln!("wrote    {}", f.display());
                        }
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(1);
                    }
                }
                let Some((project, theme)) = load_checked(&root) else { return ExitCode::from(1) };
                let (Some(source), Some(v)) = (project.translation(&lang), project.version(&version)) else {
                    eprintln!("error: there is no version {version} in standard/");
                    return ExitCode::from(2);
                };
                return match craftpub::catalogue::scaffold_po(&root, &project, theme.english_strings(), source, v) {
                    Ok(files) => {
                        for f in files {
                            eprintln!("wrote    {}", f.display());
                        }
                        eprintln!(
                            "translations/{lang}/{version}.po is up to date with the English: translate the empty and fuzzy messages; craftpub status --lang {lang} lists what is left"
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(1)
                    }
                };
            }
            match craftpub::scaffold::scaffold(&root, &project, theme.english_source(), &lang, &version, &new) {
                Ok(report) => {
                    for f in &report.created {
                        eprintln!("created  {}", f.display());
                    }
                    for f in &report.extended {
                        eprintln!("extended {}", f.display());
                    }
                    for f in &report.updated {
                        eprintln!("updated  {}", f.display());
                    }
                    eprintln!(
                        "{} requirement(s) to translate or update in translations/{lang}/{version}/ (marked untranslated: true, or with an old source:); craftpub status --lang {lang} lists them",
                        report.added
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Prints the result of a cycle command: its report (JSON on stdout, or
/// text by `text`), or its diagnostics; exit 1 for errors in the sources, 2
/// for a command that cannot be done as asked.
fn cycle_result<T: serde::Serialize>(
    result: Result<T, craftpub::cycle::CycleError>,
    format: Format,
    text: impl FnOnce(&T),
) -> ExitCode {
    use craftpub::cycle::CycleError;
    match result {
        Ok(report) => {
            match format {
                Format::Json => {
                    if !print_json(&report) {
                        return ExitCode::from(1);
                    }
                }
                Format::Text => text(&report),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let check_format = match format {
                Format::Json => CheckFormat::Json,
                Format::Text => CheckFormat::Text,
            };
            match e.diagnostics() {
                Some(d) => print_diagnostics(d, check_format),
                None => eprintln!("error: {e}"),
            }
            match e {
                CycleError::Refused(_) => ExitCode::from(2),
                CycleError::Sources(_) => {
                    eprintln!("nothing changed: fix the errors first (craftpub check lists them)");
                    ExitCode::from(1)
                }
                CycleError::Io { .. } => ExitCode::from(1),
            }
        }
    }
}

/// `craftpub serve`: runs until Ctrl-C (SIGINT) or SIGTERM, then exits 0.
fn serve(root: PathBuf, bind: std::net::IpAddr, port: u16) -> ExitCode {
    use std::io::Write;
    let (stop_tx, stop_rx) = std::sync::mpsc::channel();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    }) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return ExitCode::from(1);
    }
    let options = craftpub::serve::Options { root, bind, port, ..Default::default() };
    let server = match craftpub::serve::Server::start(&options) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // The one line on stdout, for people and for programs that start us.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Serving on {}", server.url());
    let _ = out.flush();
    drop(out);
    let _ = writeln!(std::io::stderr(), "craftpub serve: press Ctrl-C to stop");
    let _ = stop_rx.recv();
    server.shutdown();
    let _ = writeln!(std::io::stderr(), "craftpub serve: stopped");
    ExitCode::SUCCESS
}

/// The text form of a diff: counts, then each change with its word diff.
fn diff_text(d: &diff::VersionDiff, colour: bool) -> String {
    let mut out = format!("Changes from {} to {}:", d.from, d.to);
    for (kind, n) in d.counts() {
        out.push_str(&format!(" {n} {kind},"));
    }
    out.pop();
    let effects: Vec<String> = d
        .effect_counts()
        .into_iter()
        .filter(|(k, n)| *n > 0 && *k != "neutral")
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if !effects.is_empty() {
        out.push_str(&format!("; metadata made {}", effects.join(", ")));
    }
    out.push('\n');
    let mut module = String::new();
    for c in d.changes.iter().filter(|c| c.change != diff::ChangeKind::Unchanged) {
        if c.module != module {
            module = c.module.clone();
            out.push_str(&format!("\nModule {module}\n"));
        }
        let id = match (&c.old_id, &c.id) {
            (Some(o), Some(n)) if o != n => format!("{o} -> {n}"),
            (_, Some(n)) => n.clone(),
            (Some(o), None) => o.clone(),
            _ => String::new(),
        };
        let effect =
            c.effect.filter(|e| *e != diff::Effect::Neutral).map(|e| format!(" [{}]", e.as_str())).unwrap_or_default();
        out.push_str(&format!(
            "\n{} {id}: {}{effect}\n",
            c.change.as_str().to_uppercase(),
            ops_to_terminal(&c.title_ops, colour)
        ));
        if let Some(m) = &c.metadata {
            for (field, value) in diff::metadata_fields(m) {
                let op = if c.change == diff::ChangeKind::Removed { diff::Op::Delete } else { diff::Op::Insert };
                out.push_str(&format!("  {field}: {}\n", ops_to_terminal(&[diff::WordOp { op, text: value }], colour)));
            }
        }
        if let Some(s) = &c.section {
            out.push_str(&format!(
                "  section: {} -> {}\n",
                s.old.as_deref().unwrap_or("(none)"),
                s.new.as_deref().unwrap_or("(none)")
            ));
        }
        for m in &c.meta {
            out.push_str(&format!(
                "  {}: {} ({})\n",
                m.field,
                ops_to_terminal(
                    &[
                        diff::WordOp { op: diff::Op::Delete, text: m.old.clone() },
                        diff::WordOp { op: diff::Op::Insert, text: m.new.clone() }
                    ],
                    colour
                ),
                m.effect.as_str()
            ));
        }
        if c.text_changed {
            for line in ops_to_terminal(&c.body_ops, colour).lines() {
                out.push_str(&format!("  {line}\n"));
            }
            if !c.guidance_ops.is_empty() {
                out.push_str("  Guidance:\n");
                for line in ops_to_terminal(&c.guidance_ops, colour).lines() {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
        for a in &c.amendments {
            out.push_str(&format!("  Why ({} {}): {}\n", a.version, a.id, a.title));
        }
    }
    if !d.chapters.is_empty() {
        out.push_str("\nChapter texts (prose and headings, apart from requirements)\n");
    }
    for c in &d.chapters {
        out.push_str(&format!(
            "\n{} {} {}: {}\n",
            c.change.as_str().to_uppercase(),
            c.kind_name(),
            c.slug,
            ops_to_terminal(&c.title_ops, colour)
        ));
        for line in ops_to_terminal(&c.text_ops, colour).lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// `craftpub status --terms`: the glossary review of every edition asked for
/// (every translation and version by default), as text or JSON.
fn print_term_review(
    root: &std::path::Path,
    project: &craftpub::model::Project,
    lang: Option<&str>,
    version: Option<&str>,
    format: Format,
) -> ExitCode {
    let mut reports = Vec::new();
    for t in project.translations.iter().filter(|t| lang.is_none_or(|l| l == t.language.code)) {
        for v in project.versions.iter().filter(|v| version.is_none_or(|id| id == v.id)) {
            reports.extend(craftpub::termbase::hints(project, &t.language.code, v, root));
        }
    }
    match format {
        Format::Json => {
            if !print_json(&reports) {
                return ExitCode::from(1);
            }
        }
        Format::Text => {
            for r in &reports {
                out!(
                    "{} {}: {} glossary terms, {} paired in translations/{}/terms.toml; {} current requirements checked, {} hint(s)",
                    r.lang,
                    r.version,
                    r.terms,
                    r.paired,
                    r.lang,
                    r.checked,
                    r.hints.len()
                );
                for h in &r.hints {
                    out!(
                        "  hint {} {} ({}:{}): the English uses \"{}\", the translation none of: {}",
                        h.id,
                        h.title,
                        h.file,
                        h.line,
                        h.term,
                        h.forms.join(", ")
                    );
                }
                if !r.unpaired.is_empty() {
                    out!("  not paired in terms.toml: {}", r.unpaired.join(", "));
                }
                if !r.unknown.is_empty() {
                    out!("  in terms.toml but a term of no version's glossary: {}", r.unknown.join(", "));
                }
            }
        }
    }
    ExitCode::SUCCESS
}
