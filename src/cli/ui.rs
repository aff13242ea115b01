//! The one place that decides colour and where text goes: data to stdout, diagnostics and
//! progress to stderr.

use std::io::{BufRead, IsTerminal, Write};

use crate::diag::{render, Diagnostic, Diagnostics, SourceMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Clone, Debug)]
pub struct Ui {
    pub color_out: bool,
    pub color_err: bool,
}

impl Ui {
    pub fn new(choice: ColorChoice, no_color: bool) -> Ui {
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match choice {
            _ if no_color => false,
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !env_off,
        };
        Ui {
            color_out: decide(std::io::stdout().is_terminal()),
            color_err: decide(std::io::stderr().is_terminal()),
        }
    }

    pub fn out(&self, text: &str) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(text.as_bytes());
        let _ = o.flush();
    }

    pub fn err(&self, text: &str) {
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(text.as_bytes());
        let _ = e.flush();
    }

    pub fn diagnostics(&self, diags: &Diagnostics, sources: &SourceMap) {
        if diags.is_empty() {
            return;
        }
        let sorted = diags.clone().sorted();
        // Warnings first, errors last, so the reason for failing is what stays on screen.
        let mut warnings = Diagnostics::new();
        let mut errors = Diagnostics::new();
        for d in sorted {
            if d.is_error() {
                errors.push(d);
            } else {
                warnings.push(d);
            }
        }
        for group in [warnings, errors] {
            if !group.is_empty() {
                self.err(&format!("\n{}", render(&group, sources, self.color_err)));
            }
        }
    }

    pub fn error(&self, d: Diagnostic) {
        self.diagnostics(&d.into(), &SourceMap::new());
    }

    /// Asks `question` on a terminal and returns whether the answer was "yes". Without a
    /// terminal it reports that it cannot ask, with `skip` (how to go on without asking) as
    /// the hint, and returns false.
    pub fn confirm(&self, question: &str, detail: &str, skip: &str) -> bool {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() && std::env::var_os("CLUSTERFORM_CONFIRM_FROM_STDIN").is_none() {
            self.error(
                Diagnostic::error("No confirmation possible")
                    .detail(
                        "Standard input is not a terminal, so clusterform cannot ask for approval.",
                    )
                    .hint(skip),
            );
            return false;
        }
        self.err(&format!(
            "\n{question}\n  {}\n\n  Enter a value: ",
            detail.replace('\n', "\n  ")
        ));
        let mut line = String::new();
        let _ = stdin.lock().read_line(&mut line);
        line.trim() == "yes"
    }
}
