//! The demo's media: the test-pattern clips its reporter uploads, and the
//! subtitle track one of them carries.

use crate::error::Result;

/// A Vietnamese subtitle track for the last demo clip, as its reporter
/// would write it (the editor shows it; its second cue reads too fast).
pub(super) async fn subtitles(
    caller: &crate::service::Caller,
    clip: crate::domain::ClipId,
) -> Result<()> {
    let srt = "1\n00:00:00,500 --> 00:00:03,000\nChợ phiên họp mỗi sáng Chủ nhật\n\n\
               2\n00:00:03,200 --> 00:00:04,400\nĐồng bào mang rau rừng, mật ong và thổ cẩm\n\n\
               3\n00:00:05,000 --> 00:00:08,000\nMời bà con đến thăm chợ\n";
    let edit = crate::service::review::TrackEdit {
        lang: "vi".into(),
        cues: crate::service::review::parse_subtitles(srt.as_bytes())?,
        revision: None,
        origin: "hand",
    };
    crate::service::review::save_track(caller, clip, edit).await?;
    Ok(())
}

/// A 12-second 540×960 test pattern with a tone, as a phone would upload.
pub(super) async fn test_pattern(file: &std::path::Path, tone_hz: u32) -> Result<()> {
    let status = tokio::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=540x960:rate=25:duration=12",
        ])
        .args(["-f", "lavfi", "-i"])
        .arg(format!(
            "sine=frequency={tone_hz}:sample_rate=48000:duration=12"
        ))
        .args([
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        ])
        .args(["-c:a", "aac", "-shortest", "-movflags", "+faststart"])
        .arg(file)
        .status()
        .await
        .map_err(|e| crate::error::Error::Internal(format!("ffmpeg: {e}")))?;
    if !status.success() {
        return Err(crate::error::Error::Internal("ffmpeg failed".into()));
    }
    Ok(())
}
