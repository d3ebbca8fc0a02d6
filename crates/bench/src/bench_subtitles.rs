//! `lantoa-bench subtitles`: burning cues into a clip with Lantoa's burn-in
//! (`media::subtitles`: an ASS script sized to the frame, ffmpeg's `ass`
//! filter) against one hand-written ffmpeg command drawing the same cues from
//! an SRT with the `subtitles` filter, both with the same encoder settings.
//! Rounds alternate which of the two runs first, so a busy neighbour or a warm
//! cache favours neither; the medians are compared.

use std::path::Path;
use std::time::{Duration, Instant};

use lantoa::media::subtitles::{Cue, Style, burn_in, margins_for, to_srt, write_ass};

use crate::bench::{ffmpeg, lavfi_clip, s, tempfile_dir};

#[derive(clap::Args, Debug)]
pub struct Options {
    /// Timed rounds, each running both commands.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Length of the generated 1080×1920 30 fps clip, in seconds.
    #[arg(long, default_value_t = 30)]
    pub seconds: u32,
    /// Cues spread evenly over the clip.
    #[arg(long, default_value_t = 20)]
    pub cues: usize,
}

const LINES: [&str; 6] = [
    "Xin chào Hà Nội",
    "Người dân đã được hỗ trợ\nngay trong đêm",
    "Ủy ban nhân dân tỉnh họp khẩn",
    "Mưa lớn kéo dài ở miền Trung",
    "Giá xăng giảm từ 15 giờ chiều nay",
    "Nước sông Hồng lên nhanh,\nđê vẫn an toàn",
];

/// `n` cues over `seconds`, each on screen for most of its share.
fn cues(n: usize, seconds: u32) -> Vec<Cue> {
    let slot = i64::from(seconds) * 1000 / n.max(1) as i64;
    (0..n)
        .map(|i| Cue {
            start_ms: i as i64 * slot,
            end_ms: i as i64 * slot + slot * 9 / 10,
            text: LINES[i % LINES.len()].into(),
            draft: false,
            confidence: None,
        })
        .collect()
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The hand-written baseline: the `subtitles` filter reading the SRT.
async fn hand_written(clip: &Path, srt: &Path, out: &Path, font: &str) -> anyhow::Result<f64> {
    let vf = format!(
        "subtitles={}:force_style='Fontname={font},BorderStyle=3,Outline=3,MarginV=100'",
        s(srt)
    );
    #[rustfmt::skip]
    let args = [
        "-i", s(clip), "-map", "0:v:0", "-map", "0:a?", "-vf", &vf,
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-c:a", "copy", "-movflags", "+faststart", s(out),
    ];
    ffmpeg(&args).await
}

/// Lantoa's step: the ASS script written, then `burn_in`.
async fn lantoa(clip: &Path, cues: &[Cue], dir: &Path, out: &Path) -> anyhow::Result<f64> {
    let t = Instant::now();
    let ass = dir.join("cues.ass");
    let margins = margins_for(&["youtube_shorts", "facebook_reels", "tiktok", "zalo_oa"]);
    write_ass(&ass, cues, &Style::default(), &margins, 1080, 1920)?;
    burn_in(clip, out, &ass, None, 1080, 1920, Duration::from_secs(3600)).await?;
    Ok(t.elapsed().as_secs_f64())
}

/// Entry point of `lantoa-bench subtitles`.
pub async fn subtitles(o: Options) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let r = run(&dir, &o).await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    r
}

async fn run(dir: &Path, o: &Options) -> anyhow::Result<()> {
    let clip = dir.join("clip.mp4");
    println!(
        "generating a {} s 1080×1920 30 fps H.264/AAC clip …",
        o.seconds
    );
    let made = lavfi_clip(&clip, 1080, 1920, o.seconds).await?;
    println!("  made in {made:.1} s");
    let cues = cues(o.cues, o.seconds);
    let srt = dir.join("cues.srt");
    tokio::fs::write(&srt, to_srt(&cues)).await?;
    let font = Style::default().font;

    let (mut base, mut ours) = (Vec::new(), Vec::new());
    for round in 0..o.rounds.max(1) {
        let (b_out, o_out) = (dir.join("hand.mp4"), dir.join("lantoa.mp4"));
        if round % 2 == 0 {
            base.push(hand_written(&clip, &srt, &b_out, &font).await?);
            ours.push(lantoa(&clip, &cues, dir, &o_out).await?);
        } else {
            ours.push(lantoa(&clip, &cues, dir, &o_out).await?);
            base.push(hand_written(&clip, &srt, &b_out, &font).await?);
        }
        let size = tokio::fs::metadata(&o_out).await?.len();
        anyhow::ensure!(size > 0, "burn_in wrote an empty file");
        println!(
            "  round {}: hand-written {:.2} s, Lantoa {:.2} s",
            round + 1,
            base[round],
            ours[round]
        );
    }
    let (b, l) = (median(&base), median(&ours));
    println!();
    println!(
        "{} cues burnt into a {} s 1080×1920 clip (libx264 veryfast, CRF 20, audio copied), median of {} rounds",
        cues.len(),
        o.seconds,
        base.len()
    );
    println!(
        "  {:<46} {:>8.2} s",
        "one hand-written ffmpeg command (subtitles=)", b
    );
    println!(
        "  {:<46} {:>8.2} s",
        "Lantoa burn_in (ASS script + ass=)", l
    );
    println!(
        "  {:<46} {:>8.2}×  (target ≤ 1.1×)",
        "Lantoa / hand-written command",
        l / b
    );
    Ok(())
}
