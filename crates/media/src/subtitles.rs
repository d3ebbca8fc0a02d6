//! Vietnamese subtitles for a clip (issue 18): reading and writing SubRip and
//! WebVTT files, checking cues against reading-speed and layout limits, burning
//! them into the picture with libass, and the audio a subtitle editor needs (a
//! waveform picture, a 16 kHz mono WAV for speech recognition).
//!
//! Nothing here stores or shows anything. A file that cannot be read is a
//! [`ParseError`] and a cue that breaks a rule a [`CueProblem`]; each carries a
//! stable code that is also its Fluent message id (`locales/{vi,en}/subtitles.ftl`).
//!
//! - [`parse`] (SRT or WebVTT, told apart by [`detect`]), [`to_srt`], [`to_vtt`]
//! - [`check`] with [`Limits`]
//! - [`to_ass`] / [`write_ass`] with a [`Style`] and the [`Margins`] of the
//!   platforms' own buttons and captions ([`margins_for`]), then [`burn_in`]
//! - [`waveform`], [`audio_for_speech`]

mod ass;
mod audio;
mod check;
mod parse;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use ass::{Margins, Position, Style, burn_in, margins_for, to_ass, write_ass};
pub use audio::{audio_for_speech, waveform};
pub use check::{CueProblem, Limits, check, visible_chars};
pub use parse::{MAX_BYTES, MAX_CUES, detect, parse, parse_srt, parse_vtt, to_srt, to_vtt};

/// One subtitle: when it shows and what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    pub start_ms: i64,
    pub end_ms: i64,
    /// The lines joined by '\n', NFC, without markup (italics, positions, voice
    /// tags are dropped; their words are kept).
    pub text: String,
    /// A machine draft (speech recognition) that no person has reviewed yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// 0..1, from speech recognition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

/// Why a subtitle file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line of the file.
    pub line: usize,
    /// Stable id, also the Fluent message id, e.g. "subs-bad-timing".
    pub code: &'static str,
    /// The offending text, shortened to 60 characters.
    pub detail: String,
}

impl ParseError {
    /// The arguments of the error's message: `line` and `detail`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("line", self.line.to_string()),
            ("detail", self.detail.clone()),
        ]
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at line {}: {}", self.code, self.line, self.detail)
    }
}

impl std::error::Error for ParseError {}

/// A subtitle file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Srt,
    Vtt,
}
