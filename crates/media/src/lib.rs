//! The media layer: everything Lantoa knows about a video file, learnt by driving
//! `ffprobe` and `ffmpeg` as subprocesses. No database, no HTTP: callers hand in a
//! path and get back plain data (`Probe`, `Validation`, `QcReport`, compliance).
//!
//! User-facing text never lives here. A finding is a [`Problem`]: a stable code,
//! which is also the Fluent message id in `locales/{vi,en}/main.ftl` (section
//! `## Media`), plus named arguments for that message. Subtitles have their own
//! codes and file (`subs-…`, `locales/{vi,en}/subtitles.ftl`).

pub mod probe;
pub mod qc;
pub mod renditions;
pub mod specs;
pub mod subprocess;
pub mod subtitles;
pub mod validate;

#[cfg(test)]
pub(crate) mod testutil;

use serde::{Deserialize, Serialize};

use crate::subprocess::SubprocessError;

/// Why a media operation could not run to its end. Logs get the detail; users get
/// the message behind [`MediaError::code`].
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// ffprobe or ffmpeg did not run to a good end (deadline, start, exit).
    #[error(transparent)]
    Process(#[from] SubprocessError),
    /// The process output was not what we expected.
    #[error("unexpected output: {0}")]
    Parse(String),
    /// Reading or writing a file failed.
    #[error("i/o: {0}")]
    Io(String),
}

impl MediaError {
    /// The stable code (and `.ftl` message id) shown to users for this error.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::Process(SubprocessError::Timeout { .. }) => "media-error-timeout",
            MediaError::Process(SubprocessError::Spawn(_)) => "media-error-spawn",
            MediaError::Process(SubprocessError::Failed { .. }) => "media-error-failed",
            MediaError::Process(SubprocessError::TooMuchOutput { .. }) | MediaError::Parse(_) => {
                "media-error-parse"
            }
            MediaError::Process(SubprocessError::Io(_)) | MediaError::Io(_) => "media-error-io",
        }
    }

    /// The error as a user-facing problem; internal detail stays in the logs.
    pub fn problem(&self) -> Problem {
        match self {
            MediaError::Process(SubprocessError::Timeout { secs, .. }) => {
                Problem::new(self.code()).with("secs", secs)
            }
            _ => Problem::new(self.code()),
        }
    }

    /// Whether running the same work again may succeed (a timeout or a transient
    /// I/O error) rather than fail the same way (a broken file, a missing binary).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            MediaError::Process(SubprocessError::Timeout { .. } | SubprocessError::Io(_))
                | MediaError::Io(_)
        )
    }
}

impl From<std::io::Error> for MediaError {
    fn from(e: std::io::Error) -> Self {
        MediaError::Io(e.to_string())
    }
}

/// A problem found in a file: a stable code (also the .ftl message id, e.g.
/// "media-not-video") and named args.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub code: String,
    pub args: Vec<(String, String)>,
}

impl Problem {
    pub fn new(code: &str) -> Problem {
        Problem {
            code: code.to_string(),
            args: Vec::new(),
        }
    }

    /// Adds a named argument for the message.
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> Problem {
        self.args.push((name.to_string(), value.to_string()));
        self
    }

    /// The value of argument `name`, if present.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the desk accepts from an upload. Checked by [`validate::validate`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MediaLimits {
    pub min_duration_s: f64,
    pub max_duration_s: f64,
    pub max_width: u32,
    pub max_height: u32,
    pub max_fps: f64,
    pub max_size_bytes: u64,
    pub probe_timeout_s: u64,
}

impl Default for MediaLimits {
    fn default() -> Self {
        MediaLimits {
            min_duration_s: 1.0,
            max_duration_s: 600.0,
            max_width: 4096,
            max_height: 4096,
            max_fps: 120.0,
            max_size_bytes: 4 * 1024 * 1024 * 1024,
            probe_timeout_s: 30,
        }
    }
}

/// A number for a message argument: at most two decimals, no trailing zeros
/// ("600", "2.5", "29.97").
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return "?".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Bytes as megabytes for a message argument (1 MB = 1 000 000 bytes, as
/// platforms state their limits).
pub(crate) fn mb(bytes: u64) -> String {
    num(bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_are_short() {
        assert_eq!(num(600.0), "600");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(29.97), "29.97");
        assert_eq!(num(-0.001), "0");
        assert_eq!(mb(52_428_800), "52.43");
    }

    #[test]
    fn errors_map_to_stable_codes() {
        let e = MediaError::from(SubprocessError::Timeout {
            what: "ffprobe".into(),
            secs: 30,
        });
        assert_eq!(
            e.problem(),
            Problem::new("media-error-timeout").with("secs", 30)
        );
        assert!(e.is_retryable());
        assert!(!MediaError::from(SubprocessError::Spawn("x".into())).is_retryable());
    }
}
