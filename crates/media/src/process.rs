//! Media subprocesses (`ffprobe`, `ffmpeg`) run through the crate's one
//! subprocess helper (`crate::subprocess`: deadline, group kill, parent-death
//! signal, bounded stderr); its errors become [`super::MediaError`] with `?`.

pub use crate::subprocess::{Job, Output};
