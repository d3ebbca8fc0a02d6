//! `lantoa lint [FILE] [--json] [--style old|new]`: the lint on a file or standard
//! input, with no database and no settings. Exit code 0 when clean or only
//! warnings, 1 when there is an error-severity finding, 2 when the input cannot be
//! read as UTF-8 text.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::domain::Locale;
use crate::i18n::Tr;
use crate::lint::{Finding, Rules, Severity, ToneStyle, legacy, lint, visible};

#[derive(Serialize)]
struct Reported<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    line: usize,
    column: usize,
    message: String,
}

/// 1-based line and column (in chars) of each byte offset, in one pass.
fn positions(text: &str, findings: &[Finding]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&k| findings[k].start);
    let mut out = vec![(1, 1); findings.len()];
    let (mut line, mut col) = (1, 1);
    let mut chars = text.char_indices().peekable();
    for k in order {
        while let Some(&(i, c)) = chars.peek() {
            if i >= findings[k].start {
                break;
            }
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            chars.next();
        }
        out[k] = (line, col);
    }
    out
}

pub fn run(file: Option<&Path>, json: bool, style: ToneStyle) -> ExitCode {
    let tr = Tr::new(Locale::Vi);
    let read = match file {
        Some(p) => std::fs::read(p),
        None => {
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).map(|_| b)
        }
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let path = file.map_or("stdin".into(), |p| p.display().to_string());
            eprintln!(
                "lantoa: {}",
                tr.t_args(
                    "lint-cli-unreadable",
                    &[("path", path), ("error", e.to_string())]
                )
            );
            return ExitCode::from(2);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let msg = match legacy::guess_bytes(e.as_bytes()) {
                Some((encoding, command)) => tr.t_args(
                    "lint-cli-not-utf8-legacy",
                    &[("encoding", encoding.into()), ("command", command.into())],
                ),
                None => tr.t("lint-cli-not-utf8"),
            };
            eprintln!("lantoa: {msg}");
            return ExitCode::from(2);
        }
    };
    let findings = lint(&text, &Rules::seeded(style));
    let at = positions(&text, &findings);
    if json {
        let reported: Vec<Reported> = findings
            .iter()
            .zip(&at)
            .map(|(f, &(line, column))| Reported {
                finding: f,
                line,
                column,
                message: f.message(&tr),
            })
            .collect();
        match serde_json::to_string_pretty(&reported) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("lantoa: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for (f, (line, col)) in findings.iter().zip(&at) {
            let severity = tr.t(&format!("lint-severity-{}", f.severity.code()));
            let fix = match f.suggestion.as_deref() {
                Some("") => format!(" (→ {})", tr.t("lint-remove")),
                Some(s) => format!(" (→ “{}”)", visible(s, 80)),
                None => String::new(),
            };
            println!(
                "{line}:{col} {severity} {}: {}{fix}",
                f.rule,
                f.message(&tr)
            );
        }
    }
    if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
