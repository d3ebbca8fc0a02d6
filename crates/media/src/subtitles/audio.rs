//! The audio a subtitle editor needs: a picture of the sound's shape to place
//! cues against, and the audio as speech recognition takes it. A clip without
//! an audio stream gets neither (the functions say so with `false`).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::MediaError;
use crate::probe::{file_url, probe};
use crate::renditions::{ffmpeg, ffmpeg_input, push};

/// The waveform's colour (on a transparent background).
const WAVE_COLOUR: &str = "0x1f6feb";

/// Whether `input` has an audio stream, and the time left of `deadline` after
/// finding out.
async fn has_audio(input: &Path, deadline: Duration) -> Result<(bool, Duration), MediaError> {
    let started = Instant::now();
    let p = probe(input, deadline).await?;
    Ok((
        p.audio.is_some(),
        deadline.saturating_sub(started.elapsed()),
    ))
}

/// Draws the first audio stream of `input`, mixed to mono, as a `width` ×
/// `height` PNG in one colour on a transparent background. The amplitude is on
/// a square-root scale, so quiet speech shows beside loud music. `false` (and no
/// file) when `input` has no audio.
pub async fn waveform(
    input: &Path,
    output_png: &Path,
    width: u32,
    height: u32,
    deadline: Duration,
) -> Result<bool, MediaError> {
    let (audio, left) = has_audio(input, deadline).await?;
    if !audio {
        return Ok(false);
    }
    let (w, h) = (width.max(1), height.max(1));
    let mut args = ffmpeg_input(Path::new(&file_url(input)));
    push(&mut args, "-filter_complex");
    args.push(
        format!(
            "[0:a:0]aformat=channel_layouts=mono,\
             showwavespic=s={w}x{h}:split_channels=0:scale=sqrt:colors={WAVE_COLOUR}[wave]"
        )
        .into(),
    );
    // -update 1: the name is a file, never an image2 pattern ("%d").
    push(
        &mut args,
        "-map [wave] -frames:v 1 -c:v png -f image2 -update 1",
    );
    args.push(file_url(output_png));
    ffmpeg("ffmpeg waveform", args, left).await?;
    Ok(true)
}

/// The first audio stream of `input` as a 16 kHz mono 16-bit PCM WAV, the
/// input speech-to-text engines expect. `false` (and no file) when `input` has
/// no audio.
pub async fn audio_for_speech(
    input: &Path,
    output_wav: &Path,
    deadline: Duration,
) -> Result<bool, MediaError> {
    let (audio, left) = has_audio(input, deadline).await?;
    if !audio {
        return Ok(false);
    }
    let mut args = ffmpeg_input(Path::new(&file_url(input)));
    push(
        &mut args,
        "-map 0:a:0 -vn -ac 1 -ar 16000 -c:a pcm_s16le -f wav",
    );
    args.push(file_url(output_wav));
    ffmpeg("ffmpeg speech audio", args, left).await?;
    Ok(true)
}
