//! The `craftpub` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use craftpub::diagnostics::Diagnostics;

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
    },
    /// Check the sources and report every problem, with file, line and fix.
    Check {
        /// The project folder, holding standard/, translations/ and theme/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print the diagnostics.
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

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn print_diagnostics(diags: &Diagnostics, format: Format) {
    match format {
        Format::Text => {
            for d in diags.sorted() {
                eprintln!("{d}");
            }
            if !diags.is_empty() {
                eprintln!(
                    "{} error(s), {} warning(s)",
                    diags.error_count(),
                    diags.warning_count()
                );
            }
        }
        Format::Json => {
            let json = serde_json::json!({
                "errors": diags.error_count(),
                "warnings": diags.warning_count(),
                "diagnostics": diags.sorted(),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { root, bind, port } => serve(root, bind, port),
        Command::Check { root, format } => {
            let (_, _, diags) = craftpub::check(&root);
            print_diagnostics(&diags, format);
            if diags.has_errors() {
                ExitCode::from(1)
            } else {
                if let Format::Text = format {
                    eprintln!("craftpub check: no errors");
                }
                ExitCode::SUCCESS
            }
        }
        Command::Build { root, out } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            match craftpub::build(&root, &out) {
                Ok(report) => {
                    print_diagnostics(&report.diagnostics, Format::Text);
                    eprintln!(
                        "craftpub build: wrote {} files to {}",
                        report.files,
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(craftpub::BuildError::Sources(diags)) => {
                    print_diagnostics(&diags, Format::Text);
                    eprintln!(
                        "craftpub build: nothing written; {} is unchanged",
                        out.display()
                    );
                    ExitCode::from(1)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!(
                        "craftpub build: nothing written; {} is unchanged",
                        out.display()
                    );
                    ExitCode::from(1)
                }
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
    let options = craftpub::serve::Options {
        root,
        bind,
        port,
        ..Default::default()
    };
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
