//! Subtitles: the tracks of a version (one per language), the digest the
//! approval carries over them, the agency's style and reading limits, and how
//! each channel receives them. The cue type, the file formats, the checks and
//! the burning in are the media layer's (`media::subtitles`); this module says
//! what they mean for a clip that goes out.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Invalid;
pub use crate::media::subtitles::{Cue, Limits, Position, Style};

/// Languages offered first when adding a track, Vietnamese first: English and
/// the languages of the province's peoples that agencies broadcast in
/// (ISO 639 codes). Any other well-formed tag is accepted too.
pub const LANGS: [&str; 12] = [
    "vi", "en", "km", "hmn", "tyz", "nut", "mtq", "rad", "jra", "bdq", "cjm", "zh",
];

/// The language Lantoa burns in when a clip has several tracks.
pub const FIRST_LANG: &str = "vi";

/// At most this many tracks per version.
pub const MAX_TRACKS: usize = 8;

/// A language tag as typed: lower-case ISO 639 letters (2–3), optionally a
/// region or script subtag (`vi`, `en-GB`, `hmn`, `zh-Hans`).
pub fn parse_lang(s: &str) -> Result<String, Invalid> {
    let s = s.trim();
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok && s.len() <= 16 {
        Ok(s.to_string())
    } else {
        Err(Invalid::new("lang", "subs-invalid-lang"))
    }
}

/// One language's cues of a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub lang: String,
    pub cues: Vec<Cue>,
}

/// A cue as the digest covers it: its times, its text and whether it is
/// still a machine draft (a confidence figure is not covered).
type Covered<'a> = (i64, i64, &'a str, bool);

/// The SHA-256 of a version's tracks in canonical form, sorted by language;
/// None when it has none with a cue, so a version without subtitles keeps
/// the digest it had before subtitles existed.
pub fn digest(tracks: &[Track]) -> Option<String> {
    let mut kept: Vec<(&str, Vec<Covered>)> = tracks
        .iter()
        .filter(|t| !t.cues.is_empty())
        .map(|t| {
            let cues = t
                .cues
                .iter()
                .map(|c| (c.start_ms, c.end_ms, c.text.as_str(), c.draft))
                .collect();
            (t.lang.as_str(), cues)
        })
        .collect();
    if kept.is_empty() {
        return None;
    }
    kept.sort_by(|a, b| a.0.cmp(b.0));
    let mut h = Sha256::new();
    h.update(b"lantoa-subtitles-v1\n");
    h.update(serde_json::to_vec(&kept).unwrap_or_default());
    Some(hex::encode(h.finalize()))
}

/// The track a burned-in rendition shows: Vietnamese when there is one, else
/// the first with cues.
pub fn burned_track(tracks: &[Track]) -> Option<&Track> {
    let with_cues = || tracks.iter().filter(|t| !t.cues.is_empty());
    with_cues()
        .find(|t| t.lang == FIRST_LANG)
        .or_else(|| with_cues().next())
}

/// What a channel was told to do with subtitles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// A caption track where the platform takes one, otherwise burned in.
    #[default]
    Auto,
    Burn,
    Track,
    Off,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [
        Delivery::Auto,
        Delivery::Burn,
        Delivery::Track,
        Delivery::Off,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Auto => "auto",
            Delivery::Burn => "burn",
            Delivery::Track => "track",
            Delivery::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// How subtitles actually reach a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sent {
    /// As caption tracks beside the video (viewers turn them on).
    Track,
    /// Drawn into the picture.
    Burned,
}

impl Sent {
    pub fn as_str(self) -> &'static str {
        match self {
            Sent::Track => "track",
            Sent::Burned => "burned",
        }
    }
}

/// Whether a platform takes caption tracks through its API: YouTube
/// (`captions.insert`) and the agency's own outlet (`<track>`). Facebook's
/// Reels Publishing API, TikTok's Content Posting API and Zalo's article
/// API take none, so subtitles reach them burned in.
pub fn takes_track(platform: &str) -> bool {
    matches!(platform, "youtube" | super::outlet::OUTLET)
}

/// How a channel of `platform`, told `chosen`, receives subtitles; None: not
/// at all. A track asked of a platform that takes none is burned in instead.
pub fn delivery(platform: &str, chosen: Delivery) -> Option<Sent> {
    match chosen {
        Delivery::Off => None,
        // The outlet's player shows tracks; its media is the version's own.
        Delivery::Burn if platform == super::outlet::OUTLET => Some(Sent::Track),
        Delivery::Burn => Some(Sent::Burned),
        Delivery::Auto | Delivery::Track if takes_track(platform) => Some(Sent::Track),
        Delivery::Auto | Delivery::Track => Some(Sent::Burned),
    }
}

/// The agency's subtitle settings: the burned-in style and the reading limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub style: Style,
    pub limits: Limits,
}

/// Fonts the setup installs that draw every Vietnamese letter.
pub const FONTS: [&str; 3] = ["Noto Sans", "Noto Serif", "DejaVu Sans"];

impl Default for Settings {
    /// Text 3 % of the frame's height, and lines of at most 26 characters:
    /// what fits across a 9:16 frame between the platforms' UI zones (18 %
    /// kept clear on each side) at that size. The widescreen guidance's 42
    /// characters would wrap to three lines on a phone; its 17 characters a
    /// second stand.
    fn default() -> Self {
        Settings {
            style: Style {
                font: FONTS[0].into(),
                size_pct: 3,
                box_: true,
                position: Position::Bottom,
            },
            limits: Limits {
                max_line_chars: 26,
                ..Limits::default()
            },
        }
    }
}

impl Settings {
    /// The settings if every value is in its range.
    pub fn checked(self) -> Result<Settings, Invalid> {
        let s = &self.style;
        let l = &self.limits;
        if !FONTS.contains(&s.font.as_str()) {
            return Err(Invalid::new("font", "subs-invalid-font"));
        }
        if !(2..=10).contains(&s.size_pct) {
            return Err(Invalid::new("size_pct", "subs-invalid-size"));
        }
        if !(8.0..=30.0).contains(&l.max_cps) {
            return Err(Invalid::new("max_cps", "subs-invalid-cps"));
        }
        if !(16..=80).contains(&l.max_line_chars) || !(1..=3).contains(&l.max_lines) {
            return Err(Invalid::new("max_line_chars", "subs-invalid-lines"));
        }
        Ok(self)
    }

    /// The SHA-256 of the style (what a burned rendition depends on).
    pub fn style_digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(serde_json::to_vec(&self.style).unwrap_or_default());
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(a: i64, b: i64, t: &str) -> Cue {
        Cue {
            start_ms: a,
            end_ms: b,
            text: t.into(),
            draft: false,
            confidence: None,
        }
    }

    #[test]
    fn digest_is_none_without_cues_and_changes_with_any_cue() {
        assert_eq!(digest(&[]), None);
        let empty = Track {
            lang: "vi".into(),
            cues: vec![],
        };
        assert_eq!(digest(&[empty]), None);
        let a = Track {
            lang: "vi".into(),
            cues: vec![cue(0, 1000, "Xin chào")],
        };
        let mut b = a.clone();
        b.cues[0].end_ms = 1001;
        let mut c = a.clone();
        c.cues[0].text = "Xin chao".into();
        let mut d = a.clone();
        d.cues[0].draft = true;
        let da = digest(std::slice::from_ref(&a));
        for other in [b, c, d] {
            assert_ne!(da, digest(&[other]));
        }
        // Order of tracks does not matter; a confidence figure does not count.
        let en = Track {
            lang: "en".into(),
            cues: vec![cue(0, 1000, "Hello")],
        };
        let mut a2 = a.clone();
        a2.cues[0].confidence = Some(0.4);
        assert_eq!(digest(&[a.clone(), en.clone()]), digest(&[en, a2]));
    }

    #[test]
    fn languages_and_delivery() {
        for ok in ["vi", "en-GB", "hmn", "zh-Hans"] {
            assert!(parse_lang(ok).is_ok(), "{ok}");
        }
        for bad in ["", "VI", "v", "vi_VN", "tiếng", "vi-", "abcd"] {
            assert!(parse_lang(bad).is_err(), "{bad}");
        }
        assert_eq!(delivery("youtube", Delivery::Auto), Some(Sent::Track));
        assert_eq!(delivery("tiktok", Delivery::Auto), Some(Sent::Burned));
        assert_eq!(delivery("tiktok", Delivery::Track), Some(Sent::Burned));
        assert_eq!(delivery("youtube", Delivery::Burn), Some(Sent::Burned));
        assert_eq!(delivery("facebook", Delivery::Off), None);
        assert_eq!(delivery("outlet", Delivery::Auto), Some(Sent::Track));
        assert_eq!(delivery("outlet", Delivery::Burn), Some(Sent::Track));
    }

    #[test]
    fn settings_ranges() {
        assert!(Settings::default().checked().is_ok());
        let mut s = Settings::default();
        s.style.font = "Comic Sans".into();
        assert!(s.checked().is_err());
        let mut s = Settings::default();
        s.limits.max_cps = 50.0;
        assert!(s.checked().is_err());
    }
}
