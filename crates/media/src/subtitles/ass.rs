//! Burning subtitles into the picture: the cues written as an ASS script sized
//! to the frame (so libass places them in pixels of the output), kept clear of
//! the platforms' own buttons and captions, then one ffmpeg run that decodes
//! once, draws them with libass and encodes once.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Cue;
use crate::MediaError;
use crate::probe::file_url;
use crate::renditions::{ffmpeg, ffmpeg_input, push};
use crate::specs::safe_area;

/// Where cues sit on the frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    #[default]
    Bottom,
    Top,
    Middle,
}

/// How burnt-in cues look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Style {
    /// Font family, found through fontconfig (or in the fonts folder given to
    /// [`burn_in`]).
    pub font: String,
    /// Height of a line of text, in percent of the frame's height.
    pub size_pct: u32,
    /// An opaque box behind the text (else a black outline around the letters).
    pub box_: bool,
    pub position: Position,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            // Debian's fonts-noto-core: every Vietnamese letter and tone mark.
            font: "Noto Sans".into(),
            size_pct: 4,
            box_: true,
            position: Position::Bottom,
        }
    }
}

/// The edges of the frame to keep text off, in percent of the frame: the
/// platforms draw their own buttons and captions there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Margins {
    pub bottom_pct: u32,
    pub top_pct: u32,
    /// Left and right alike, so the text stays centred.
    pub side_pct: u32,
}

impl Default for Margins {
    /// Broadcast "title safe" (the inner 90 % of the frame), for a clip meant
    /// for no platform in particular.
    fn default() -> Margins {
        Margins {
            bottom_pct: 5,
            top_pct: 5,
            side_pct: 5,
        }
    }
}

/// The margins that keep cues clear of every listed platform's interface (the
/// largest of their safe areas, each side the larger of left and right), and
/// never less than [`Margins::default`]. Unknown ids are left out.
pub fn margins_for(ids: &[&str]) -> Margins {
    ids.iter()
        .filter_map(|id| safe_area(id))
        .fold(Margins::default(), |m, a| Margins {
            bottom_pct: m.bottom_pct.max(a.bottom_pct),
            top_pct: m.top_pct.max(a.top_pct),
            side_pct: m.side_pct.max(a.left_pct).max(a.right_pct),
        })
}

/// `pct` percent of `of`, rounded.
fn pct(of: u32, pct: u32) -> u64 {
    (u64::from(of) * u64::from(pct) + 50) / 100
}

/// `ms` as an ASS time, `H:MM:SS.cc`.
fn ass_time(ms: i64) -> String {
    let cs = (ms.max(0) + 5) / 10;
    format!(
        "{}:{:02}:{:02}.{:02}",
        cs / 360_000,
        cs / 6000 % 60,
        cs / 100 % 60,
        cs % 100
    )
}

/// A cue's text as an ASS event's: lines joined by `\N`; braces escaped so
/// they are not read as override blocks; a backslash followed by a word
/// joiner, so "\N", "\n" or "\h" typed in a cue stay as typed.
fn ass_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\\N");
        }
        for c in line.chars() {
            match c {
                '\\' => out.push_str("\\\u{2060}"),
                '{' => out.push_str("\\{"),
                '}' => out.push_str("\\}"),
                '\r' => {}
                c => out.push(c),
            }
        }
    }
    out
}

/// The cues as an ASS script for a `width` × `height` frame: the script's
/// coordinates are the frame's pixels, so font size and margins are exact.
pub fn to_ass(cues: &[Cue], style: &Style, margins: &Margins, width: u32, height: u32) -> String {
    let (w, h) = (width.max(1), height.max(1));
    let size = pct(h, style.size_pct.clamp(1, 25)).max(1);
    // The box is drawn `outline` pixels around the text: it stays clear of the
    // margins too.
    let (border_style, outline, shadow) = if style.box_ {
        (3, (size / 5).max(1), 0)
    } else {
        (1, (size / 12).max(1), (size / 30).max(1))
    };
    let (alignment, margin_v) = match style.position {
        Position::Bottom => (2, pct(h, margins.bottom_pct.min(45)) + outline),
        Position::Top => (8, pct(h, margins.top_pct.min(45)) + outline),
        Position::Middle => (5, 0),
    };
    let side = pct(w, margins.side_pct.min(45)) + outline;
    let font: String = style
        .font
        .chars()
        .map(|c| if c == ',' || c.is_control() { ' ' } else { c })
        .collect();
    let font = match font.trim() {
        "" => "Noto Sans",
        f => f,
    };
    let mut out = format!(
        "[Script Info]\n\
         ; Written by Lantoa\n\
         ScriptType: v4.00+\n\
         PlayResX: {w}\n\
         PlayResY: {h}\n\
         WrapStyle: 0\n\
         ScaledBorderAndShadow: yes\n\
         YCbCr Matrix: None\n\
         \n\
         [V4+ Styles]\n\
         Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
         Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, \
         Alignment, MarginL, MarginR, MarginV, Encoding\n\
         Style: Default,{font},{size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,\
         0,0,0,0,100,100,0,0,{border_style},{outline},{shadow},{alignment},{side},{side},{margin_v},1\n\
         \n\
         [Events]\n\
         Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    );
    for c in cues
        .iter()
        .filter(|c| c.end_ms > c.start_ms && !c.text.trim().is_empty())
    {
        out.push_str(&format!(
            "Dialogue: 0,{},{},Default,,0,0,0,,{}\n",
            ass_time(c.start_ms),
            ass_time(c.end_ms),
            ass_text(&c.text)
        ));
    }
    out
}

/// Writes [`to_ass`] to `path`, for [`burn_in`].
pub fn write_ass(
    path: &Path,
    cues: &[Cue],
    style: &Style,
    margins: &Margins,
    width: u32,
    height: u32,
) -> Result<(), MediaError> {
    std::fs::write(path, to_ass(cues, style, margins, width, height))?;
    Ok(())
}

/// `path` as a filter option value, quoted for the option parser (so ':' and
/// '\' are plain characters; a quote is closed, escaped and reopened).
fn option_value(path: &Path) -> Result<String, MediaError> {
    let s = path
        .to_str()
        .ok_or_else(|| MediaError::Io(format!("{}: path is not UTF-8", path.display())))?;
    Ok(format!("'{}'", s.replace('\'', r"'\''")))
}

/// Filter arguments escaped for the filtergraph parser, the level above the
/// option parser: each of `\ ' [ ] , ;` behind a backslash.
fn graph_escape(args: &str) -> String {
    let mut out = String::with_capacity(args.len() + 8);
    for c in args.chars() {
        if matches!(c, '\\' | '\'' | '[' | ']' | ',' | ';') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The `ass` filter drawing the script `ass`, written for a `width` × `height`
/// picture (libass corrects the aspect when the decoded frame's differs).
fn ass_filter(
    ass: &Path,
    fonts_dir: Option<&Path>,
    width: u32,
    height: u32,
) -> Result<String, MediaError> {
    let mut args = format!(
        "filename={}:original_size={}x{}",
        option_value(ass)?,
        width.max(1),
        height.max(1)
    );
    if let Some(dir) = fonts_dir {
        args.push_str(&format!(":fontsdir={}", option_value(dir)?));
    }
    Ok(format!("ass={}", graph_escape(&args)))
}

/// Draws the ASS script `ass` (see [`write_ass`]) into `input`'s picture and
/// writes `output`: one decode, one H.264 encode (the size and the displayed
/// orientation kept), the audio copied as it is. `width` × `height` is the
/// displayed size the script was written for.
pub async fn burn_in(
    input: &Path,
    output: &Path,
    ass: &Path,
    fonts_dir: Option<&Path>,
    width: u32,
    height: u32,
    deadline: Duration,
) -> Result<(), MediaError> {
    let filter = ass_filter(ass, fonts_dir, width, height)?;
    // `file:` names: a path is never read as a protocol or an option.
    let mut args = ffmpeg_input(Path::new(&file_url(input)));
    push(&mut args, "-map 0:v:0 -map 0:a? -vf");
    args.push(filter.into());
    push(
        &mut args,
        "-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a copy -movflags +faststart",
    );
    args.push(file_url(output));
    ffmpeg("ffmpeg burn-in", args, deadline).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: i64, end_ms: i64, text: &str) -> Cue {
        Cue {
            start_ms,
            end_ms,
            text: text.into(),
            draft: false,
            confidence: None,
        }
    }

    fn style_line(ass: &str) -> Vec<String> {
        let line = ass.lines().find(|l| l.starts_with("Style: ")).unwrap();
        line["Style: ".len()..]
            .split(',')
            .map(String::from)
            .collect()
    }

    #[test]
    fn the_script_is_sized_to_the_frame_and_clear_of_the_margins() {
        let m = Margins {
            bottom_pct: 35,
            top_pct: 15,
            side_pct: 18,
        };
        let ass = to_ass(
            &[cue(1000, 2500, "Xin chào")],
            &Style::default(),
            &m,
            1080,
            1920,
        );
        assert!(
            ass.contains("PlayResX: 1080\nPlayResY: 1920\nWrapStyle: 0\n"),
            "{ass}"
        );
        let s = style_line(&ass);
        // Name, font, size (4 % of 1920), …, BorderStyle 3 (box), Outline (the
        // box's padding), Shadow, Alignment 2 (bottom centre), margins.
        assert_eq!(
            (s[0].as_str(), s[1].as_str(), s[2].as_str()),
            ("Default", "Noto Sans", "77")
        );
        assert_eq!(&s[15..22], ["3", "15", "0", "2", "209", "209", "687"]);
        assert!(ass.ends_with("Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,Xin chào\n"));
    }

    #[test]
    fn outline_style_and_other_positions() {
        let style = Style {
            font: "DejaVu, Sans".into(),
            box_: false,
            position: Position::Top,
            ..Style::default()
        };
        let s = style_line(&to_ass(&[], &style, &Margins::default(), 360, 640));
        assert_eq!(s[1], "DejaVu  Sans");
        assert_eq!(&s[15..22], ["1", "2", "1", "8", "20", "20", "34"]);
        let middle = Style {
            position: Position::Middle,
            ..Style::default()
        };
        let s = style_line(&to_ass(&[], &middle, &Margins::default(), 360, 640));
        assert_eq!((s[18].as_str(), s[21].as_str()), ("5", "0"));
    }

    #[test]
    fn cue_text_cannot_inject_ass_markup() {
        let ass = to_ass(
            &[cue(0, 1000, "{\\an8}Lên trên\nC:\\New}")],
            &Style::default(),
            &Margins::default(),
            360,
            640,
        );
        let event = ass.lines().last().unwrap();
        assert!(
            event.ends_with(",,\\{\\\u{2060}an8\\}Lên trên\\NC:\\\u{2060}New\\}"),
            "{event}"
        );
    }

    #[test]
    fn cues_with_nothing_to_show_are_left_out_and_times_are_centiseconds() {
        let ass = to_ass(
            &[
                cue(0, 0, "zero"),
                cue(10, 5, "backwards"),
                cue(0, 10, " "),
                cue(3_723_456, 3_723_999, "late"),
            ],
            &Style::default(),
            &Margins::default(),
            360,
            640,
        );
        let events: Vec<&str> = ass.lines().filter(|l| l.starts_with("Dialogue")).collect();
        assert_eq!(
            events,
            ["Dialogue: 0,1:02:03.46,1:02:04.00,Default,,0,0,0,,late"]
        );
    }

    #[test]
    fn paths_are_escaped_for_both_levels_of_the_filtergraph() {
        let f = ass_filter(
            Path::new("/tmp/it's a: [test],x;y/s.ass"),
            Some(Path::new("/fonts")),
            1080,
            1920,
        )
        .unwrap();
        assert_eq!(
            f,
            r"ass=filename=\'/tmp/it\'\\\'\'s a: \[test\]\,x\;y/s.ass\':original_size=1080x1920:fontsdir=\'/fonts\'"
        );
    }

    #[test]
    fn margins_cover_every_target_platform() {
        assert_eq!(margins_for(&[]), Margins::default());
        assert_eq!(margins_for(&["no_such_platform"]), Margins::default());
        let all = margins_for(&["youtube_shorts", "facebook_reels", "tiktok", "zalo_oa"]);
        for id in ["youtube_shorts", "facebook_reels", "tiktok", "zalo_oa"] {
            let a = safe_area(id).unwrap();
            assert!(
                all.bottom_pct >= a.bottom_pct && all.top_pct >= a.top_pct,
                "{id}"
            );
            assert!(all.side_pct >= a.left_pct.max(a.right_pct), "{id}");
        }
        let reels = safe_area("facebook_reels").unwrap();
        let m = margins_for(&["facebook_reels"]);
        assert_eq!(
            (m.bottom_pct, m.top_pct, m.side_pct),
            (
                reels.bottom_pct,
                reels.top_pct,
                reels.left_pct.max(reels.right_pct)
            )
        );
    }

    #[test]
    fn a_style_reads_from_partial_json() {
        let s: Style = serde_json::from_str(r#"{"position":"top"}"#).unwrap();
        assert_eq!(
            s,
            Style {
                position: Position::Top,
                ..Style::default()
            }
        );
    }
}
