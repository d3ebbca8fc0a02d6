//! What a file is: `ffprobe` JSON turned into a [`Probe`], plus what ffprobe does
//! not say directly, read from the file itself: whether an MP4/MOV has its index
//! (`moov`) before the media data (`mdat`), whether a top-level box runs past the
//! end of the file (a truncated upload), and a Matroska file's DocType (MKV vs WebM).
//!
//! How failures surface: a missing binary, a timeout or an unreadable path are a
//! [`MediaError`] (the job failed, maybe retry). A file ffprobe cannot make sense of
//! (not media, corrupt, truncated before its index) is `Ok` with
//! [`Probe::probe_error`] set and no streams: that is a fact about the upload, and
//! [`super::validate::validate`] turns it into a problem for the user.
//!
//! Rotation convention: [`VideoStream::rotation_deg`] is the counter-clockwise
//! angle the player turns the coded picture, as ffprobe prints the "Display Matrix"
//! side data, normalised to 0/90/180/270. The legacy `rotate` tag is clockwise and
//! is converted. Display dimensions swap for 90/270; the sample aspect ratio is
//! taken as square (anamorphic social video is rare).

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::MediaError;
use crate::subprocess::Subprocess;

/// Relative difference between average and base frame rate above which a stream
/// counts as variable frame rate.
const VFR_TOLERANCE: f64 = 0.02;
/// Bound on the number of top-level boxes scanned (a real file has a handful).
const MAX_BOXES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// ffprobe's `format_name`, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm".
    pub format_names: String,
    /// Normalised: "mp4" | "mov" | "mkv" | "webm" | "3gp" | "m4a" | ffprobe's first
    /// format name for anything else; "" when unreadable.
    pub container: String,
    pub duration_s: Option<f64>,
    /// From the file system, not from ffprobe.
    pub size_bytes: u64,
    /// Overall bit rate in bit/s.
    pub bit_rate: Option<u64>,
    pub video: Option<VideoStream>,
    pub audio: Option<AudioStream>,
    /// MP4/MOV only: `moov` before `mdat` (fragmented files count as front).
    pub moov_at_front: Option<bool>,
    /// MP4/MOV only: a top-level box claims more bytes than the file has.
    pub truncated: bool,
    /// Set when ffprobe could not read the file: the tail of its stderr (for logs).
    pub probe_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoStream {
    /// ffprobe's stream index, used to address this stream in ffmpeg.
    pub index: u32,
    pub codec: String,
    pub profile: Option<String>,
    /// Frame size as stored (before rotation).
    pub width: u32,
    pub height: u32,
    /// 0, 90, 180 or 270; see the module docs for the convention.
    pub rotation_deg: u32,
    /// Frame size as shown (after rotation).
    pub display_width: u32,
    pub display_height: u32,
    /// e.g. "9:16", "16:9", "1:1".
    pub display_aspect: String,
    pub avg_fps: f64,
    pub r_fps: f64,
    pub variable_frame_rate: bool,
    pub pix_fmt: Option<String>,
    /// `nb_frames` when the container states it.
    pub frames: Option<u64>,
    pub bit_rate: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioStream {
    pub index: u32,
    pub codec: String,
    pub profile: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    pub bit_rate: Option<u64>,
}

impl Probe {
    /// Whether ffprobe read the file at all.
    pub fn readable(&self) -> bool {
        self.probe_error.is_none()
    }

    /// Duration, falling back to frames ÷ frame rate.
    pub fn duration(&self) -> Option<f64> {
        self.duration_s
            .filter(|d| d.is_finite() && *d > 0.0)
            .or_else(|| {
                let v = self.video.as_ref()?;
                let frames = v.frames? as f64;
                (v.avg_fps > 0.0).then(|| frames / v.avg_fps)
            })
    }

    /// Whether the container is one of the ISO base media (MP4/MOV) family.
    pub fn is_iso_bmff(&self) -> bool {
        self.format_names
            .split(',')
            .any(|n| n == "mp4" || n == "mov")
    }
}

impl VideoStream {
    /// The shorter displayed side.
    pub fn short_side(&self) -> u32 {
        self.display_width.min(self.display_height)
    }

    /// The frame rate to reason with: the average, or the base rate when the
    /// container gives no average.
    pub fn fps(&self) -> f64 {
        if self.avg_fps > 0.0 {
            self.avg_fps
        } else {
            self.r_fps
        }
    }
}

/// Probes `file` with ffprobe (killed after `timeout`) and reads its box layout.
pub async fn probe(file: &Path, timeout: Duration) -> Result<Probe, MediaError> {
    let meta = tokio::fs::metadata(file)
        .await
        .map_err(|e| MediaError::Io(format!("{}: {e}", file.display())))?;
    if !meta.is_file() {
        return Err(MediaError::Io(format!(
            "{}: not a regular file",
            file.display()
        )));
    }
    let size_bytes = meta.len();

    let ran = Subprocess::new("ffprobe", timeout)
        .what("ffprobe")
        .args(["-v", "error", "-protocol_whitelist", "file"])
        .args(["-print_format", "json", "-show_format", "-show_streams"])
        .arg(file_url(file))
        .output()
        .await;
    let owned = file.to_path_buf();
    let layout = tokio::task::spawn_blocking(move || read_layout(&owned))
        .await
        .map_err(|e| MediaError::Io(format!("layout reader: {e}")))?
        .map_err(|e| MediaError::Io(format!("{}: {e}", file.display())))?;

    match ran {
        Ok(out) => parse(&out.stdout, size_bytes, &layout),
        Err(crate::subprocess::SubprocessError::Failed { stderr_tail, .. }) => {
            tracing::info!(file = %file.display(), error = %stderr_tail, "ffprobe could not read the file");
            Ok(unreadable(size_bytes, &layout, stderr_tail))
        }
        Err(e) => Err(e.into()),
    }
}

/// `file:` + path, for ffmpeg inputs and outputs: a name like `http:…` or
/// `concat:…` is never taken as a protocol, a leading `-` never as an option.
pub(crate) fn file_url(file: &Path) -> OsString {
    let mut s = OsString::from("file:");
    s.push(file.as_os_str());
    s
}

/// What the file's own bytes say, independent of ffprobe.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// The file starts like an ISO base media file (first box is `ftyp`).
    pub iso_bmff: bool,
    pub boxes: Option<BoxScan>,
    /// Matroska EBML DocType ("webm", "matroska").
    pub ebml_doctype: Option<String>,
}

/// The top-level boxes of an MP4/MOV file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoxScan {
    /// (type, offset, size) in file order.
    pub boxes: Vec<(String, u64, u64)>,
    pub moov_at_front: Option<bool>,
    /// A box claims more bytes than the file has.
    pub truncated: bool,
    /// A box header made no sense (size smaller than its header, unprintable type).
    pub malformed: bool,
}

fn read_layout(path: &Path) -> std::io::Result<Layout> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = [0u8; 64];
    let n = read_up_to(&mut f, &mut head)?;
    let head = &head[..n];
    let iso_bmff = head.len() >= 8 && &head[4..8] == b"ftyp";
    let boxes = if iso_bmff || looks_like_quicktime(head) {
        f.seek(SeekFrom::Start(0))?;
        Some(scan_boxes(&mut f, len)?)
    } else {
        None
    };
    Ok(Layout {
        iso_bmff,
        boxes,
        ebml_doctype: ebml_doctype(head),
    })
}

/// Old QuickTime files may start with `moov`, `mdat`, `wide` or `free`.
fn looks_like_quicktime(head: &[u8]) -> bool {
    head.len() >= 8 && matches!(&head[4..8], b"moov" | b"mdat" | b"wide" | b"free" | b"skip")
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Walks the top-level boxes by their headers only (size, type, 64-bit largesize,
/// size 0 = to end of file), seeking over payloads: a few reads whatever the size.
pub fn scan_boxes<R: Read + Seek>(r: &mut R, len: u64) -> std::io::Result<BoxScan> {
    let mut scan = BoxScan::default();
    let mut pos = 0u64;
    while pos < len && scan.boxes.len() < MAX_BOXES {
        if len - pos < 8 {
            scan.truncated = true;
            break;
        }
        r.seek(SeekFrom::Start(pos))?;
        let mut hdr = [0u8; 8];
        r.read_exact(&mut hdr)?;
        let size32 = u32::from_be_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
        let kind = &hdr[4..8];
        if !kind.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
            scan.malformed = true;
            break;
        }
        let (size, header) = match size32 {
            0 => (len - pos, 8),
            1 => {
                if len - pos < 16 {
                    scan.truncated = true;
                    break;
                }
                let mut large = [0u8; 8];
                r.read_exact(&mut large)?;
                (u64::from_be_bytes(large), 16)
            }
            n => (u64::from(n), 8),
        };
        if size < header {
            scan.malformed = true;
            break;
        }
        let kind = String::from_utf8_lossy(kind).into_owned();
        scan.boxes.push((kind, pos, size));
        match pos.checked_add(size) {
            Some(end) if end <= len => pos = end,
            _ => {
                scan.truncated = true;
                break;
            }
        }
    }
    let first = |t: &str| scan.boxes.iter().position(|(k, _, _)| k == t);
    scan.moov_at_front = match (first("moov"), first("mdat")) {
        (Some(moov), Some(mdat)) => Some(moov < mdat),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    };
    Ok(scan)
}

/// The DocType string of an EBML (Matroska/WebM) header, if `head` starts with one.
fn ebml_doctype(head: &[u8]) -> Option<String> {
    if !head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return None;
    }
    let at = head.windows(2).position(|w| w == [0x42, 0x82])? + 2;
    let size_byte = *head.get(at)?;
    // One-byte EBML size (marker bit 0x80); DocType strings are short.
    if size_byte & 0x80 == 0 {
        return None;
    }
    let len = usize::from(size_byte & 0x7F);
    let raw = head.get(at + 1..at + 1 + len)?;
    Some(
        String::from_utf8_lossy(raw)
            .trim_end_matches('\0')
            .to_string(),
    )
}

fn unreadable(size_bytes: u64, layout: &Layout, error: String) -> Probe {
    let boxes = layout.boxes.as_ref();
    Probe {
        format_names: String::new(),
        container: String::new(),
        duration_s: None,
        size_bytes,
        bit_rate: None,
        video: None,
        audio: None,
        moov_at_front: boxes.and_then(|b| b.moov_at_front),
        truncated: boxes.is_some_and(|b| b.truncated),
        probe_error: Some(if error.is_empty() {
            "ffprobe failed without a message".into()
        } else {
            error
        }),
    }
}

#[derive(Debug, Deserialize)]
struct RawOutput {
    #[serde(default)]
    streams: Vec<RawStream>,
    format: Option<RawFormat>,
}

#[derive(Debug, Deserialize)]
struct RawFormat {
    format_name: Option<String>,
    duration: Option<String>,
    bit_rate: Option<String>,
    #[serde(default)]
    tags: HashMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct RawStream {
    #[serde(default)]
    index: u32,
    codec_type: Option<String>,
    codec_name: Option<String>,
    profile: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    pix_fmt: Option<String>,
    r_frame_rate: Option<String>,
    avg_frame_rate: Option<String>,
    nb_frames: Option<String>,
    duration: Option<String>,
    bit_rate: Option<String>,
    sample_rate: Option<String>,
    channels: Option<u32>,
    #[serde(default)]
    disposition: HashMap<String, serde_json::Value>,
    #[serde(default)]
    tags: HashMap<String, serde_json::Value>,
    #[serde(default)]
    side_data_list: Vec<RawSideData>,
}

#[derive(Debug, Deserialize)]
struct RawSideData {
    side_data_type: Option<String>,
    rotation: Option<f64>,
}

fn tag<'a>(tags: &'a HashMap<String, serde_json::Value>, key: &str) -> Option<&'a str> {
    tags.get(key).and_then(|v| v.as_str())
}

/// Turns ffprobe's JSON (and what the file's bytes say) into a [`Probe`].
pub fn parse(json: &str, size_bytes: u64, layout: &Layout) -> Result<Probe, MediaError> {
    let raw: RawOutput =
        serde_json::from_str(json).map_err(|e| MediaError::Parse(format!("ffprobe JSON: {e}")))?;
    let Some(format) = raw.format else {
        return Ok(unreadable(
            size_bytes,
            layout,
            "ffprobe reported no format".into(),
        ));
    };
    let format_names = format.format_name.unwrap_or_default();
    let container = normalise_container(
        &format_names,
        tag(&format.tags, "major_brand"),
        layout.ebml_doctype.as_deref(),
    );

    let is_cover = |s: &RawStream| {
        s.disposition
            .get("attached_pic")
            .and_then(|v| v.as_i64())
            .is_some_and(|v| v == 1)
    };
    let video = raw
        .streams
        .iter()
        .find(|s| s.codec_type.as_deref() == Some("video") && !is_cover(s))
        .map(video_stream);
    let audio = raw
        .streams
        .iter()
        .find(|s| s.codec_type.as_deref() == Some("audio"))
        .map(|s| AudioStream {
            index: s.index,
            codec: s.codec_name.clone().unwrap_or_default(),
            profile: s.profile.clone(),
            sample_rate: s.sample_rate.as_deref().and_then(|v| v.parse().ok()),
            channels: s.channels,
            bit_rate: parse_u64(s.bit_rate.as_deref()),
        });

    let video_duration = raw
        .streams
        .iter()
        .find(|s| s.codec_type.as_deref() == Some("video") && !is_cover(s))
        .and_then(|s| parse_f64(s.duration.as_deref()));
    let duration_s = parse_f64(format.duration.as_deref()).or(video_duration);

    let iso = format_names.split(',').any(|n| n == "mp4" || n == "mov");
    let boxes = layout.boxes.as_ref().filter(|_| iso);
    Ok(Probe {
        format_names,
        container,
        duration_s,
        size_bytes,
        bit_rate: parse_u64(format.bit_rate.as_deref()),
        video,
        audio,
        moov_at_front: boxes.and_then(|b| b.moov_at_front),
        truncated: boxes.is_some_and(|b| b.truncated),
        probe_error: None,
    })
}

fn video_stream(s: &RawStream) -> VideoStream {
    let width = s.width.unwrap_or(0);
    let height = s.height.unwrap_or(0);
    let rotation_deg = rotation(s);
    let (display_width, display_height) = if rotation_deg % 180 == 90 {
        (height, width)
    } else {
        (width, height)
    };
    let avg_fps = parse_rate(s.avg_frame_rate.as_deref());
    let r_fps = parse_rate(s.r_frame_rate.as_deref());
    let variable_frame_rate =
        avg_fps > 0.0 && r_fps > 0.0 && ((avg_fps - r_fps).abs() / r_fps) > VFR_TOLERANCE;
    VideoStream {
        index: s.index,
        codec: s.codec_name.clone().unwrap_or_default(),
        profile: s.profile.clone(),
        width,
        height,
        rotation_deg,
        display_width,
        display_height,
        display_aspect: aspect(display_width, display_height),
        avg_fps,
        r_fps,
        variable_frame_rate,
        pix_fmt: s.pix_fmt.clone(),
        frames: parse_u64(s.nb_frames.as_deref()),
        bit_rate: parse_u64(s.bit_rate.as_deref()),
    }
}

/// Counter-clockwise rotation in 0/90/180/270 from the display matrix, else from
/// the legacy clockwise `rotate` tag.
fn rotation(s: &RawStream) -> u32 {
    let ccw = s
        .side_data_list
        .iter()
        .find(|d| d.side_data_type.as_deref() == Some("Display Matrix"))
        .and_then(|d| d.rotation)
        .or_else(|| {
            let cw: f64 = tag(&s.tags, "rotate")?.trim().parse().ok()?;
            Some(-cw)
        })
        .unwrap_or(0.0);
    if !ccw.is_finite() {
        return 0;
    }
    let quarter = (ccw / 90.0).round() as i64;
    (quarter.rem_euclid(4) * 90) as u32
}

fn normalise_container(
    format_names: &str,
    major_brand: Option<&str>,
    doctype: Option<&str>,
) -> String {
    let names: Vec<&str> = format_names.split(',').collect();
    if names.contains(&"mov") || names.contains(&"mp4") {
        let brand = major_brand.unwrap_or("").trim();
        return match brand {
            "qt" => "mov",
            b if b.starts_with("3g") => "3gp",
            "M4A" | "M4B" => "m4a",
            _ => "mp4",
        }
        .into();
    }
    if names.contains(&"matroska") || names.contains(&"webm") {
        return match doctype {
            Some("webm") => "webm",
            _ => "mkv",
        }
        .into();
    }
    names.first().copied().unwrap_or_default().to_string()
}

/// The media type of a file in `container` (as [`Probe::container`] names it),
/// for serving it: decided by what ffprobe found inside, never by the file name
/// the uploader chose. Anything unknown is plain bytes.
pub fn content_type(container: &str) -> &'static str {
    match container {
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "3gp" => "video/3gpp",
        "m4a" => "audio/mp4",
        _ => "application/octet-stream",
    }
}

/// "9:16" for 1080×1920; common shapes are named even when pixels are a little
/// off (e.g. 1080×1918 → "9:16"); otherwise the reduced ratio.
pub fn aspect(w: u32, h: u32) -> String {
    if w == 0 || h == 0 {
        return "0:0".into();
    }
    let g = gcd(w, h);
    let (rw, rh) = (w / g, h / g);
    if rw <= 32 && rh <= 32 {
        return format!("{rw}:{rh}");
    }
    const COMMON: [(u32, u32); 11] = [
        (9, 16),
        (16, 9),
        (1, 1),
        (4, 5),
        (5, 4),
        (3, 4),
        (4, 3),
        (2, 3),
        (3, 2),
        (21, 9),
        (9, 21),
    ];
    let r = f64::from(w) / f64::from(h);
    COMMON
        .iter()
        .find(|(a, b)| (r / (f64::from(*a) / f64::from(*b)) - 1.0).abs() < 0.01)
        .map(|(a, b)| format!("{a}:{b}"))
        .unwrap_or_else(|| format!("{rw}:{rh}"))
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn parse_rate(s: Option<&str>) -> f64 {
    let Some(s) = s else { return 0.0 };
    let v = match s.split_once('/') {
        Some((n, d)) => {
            let (n, d) = (
                n.parse::<f64>().unwrap_or(0.0),
                d.parse::<f64>().unwrap_or(0.0),
            );
            if d > 0.0 { n / d } else { 0.0 }
        }
        None => s.parse().unwrap_or(0.0),
    };
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

fn parse_f64(s: Option<&str>) -> Option<f64> {
    s?.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

fn parse_u64(s: Option<&str>) -> Option<u64> {
    s?.trim().parse().ok()
}

#[cfg(test)]
mod tests;
