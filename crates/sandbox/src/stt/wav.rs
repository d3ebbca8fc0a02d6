//! A WAV file's duration from its header (RIFF/WAVE: `fmt ` gives the bytes
//! per second, `data` the sound's length), as a transcription server reads
//! it before decoding. Chunks are word-aligned; a `data` size larger than
//! the file (0xFFFFFFFF from an encoder writing to a pipe) counts what is
//! there.

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The sound's length in seconds, if `file` is a WAV file with a sound.
pub fn duration(file: &[u8]) -> Option<f64> {
    if file.get(0..4)? != b"RIFF" || file.get(8..12)? != b"WAVE" {
        return None;
    }
    let mut at = 12;
    let mut byte_rate = None;
    while at + 8 <= file.len() {
        let id = &file[at..at + 4];
        let size = u32_at(file, at + 4)? as usize;
        let body = at + 8;
        match id {
            b"fmt " => {
                let channels = u16_at(file, body + 2)?;
                let rate = u32_at(file, body + 4)?;
                let bits = u16_at(file, body + 14)?;
                if channels == 0 || rate == 0 || bits == 0 {
                    return None;
                }
                byte_rate = Some(u32_at(file, body + 8)?).filter(|r| *r > 0);
            }
            b"data" => {
                let len = size.min(file.len() - body);
                return Some(len as f64 / f64::from(byte_rate?));
            }
            _ => {}
        }
        at = body.checked_add(size)?.checked_add(size % 2)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mono 16 kHz 16-bit WAV of `samples` silent samples.
    pub fn wav(samples: usize) -> Vec<u8> {
        let data = samples * 2;
        let mut b = Vec::new();
        b.extend(b"RIFF");
        b.extend(((36 + data) as u32).to_le_bytes());
        b.extend(b"WAVEfmt ");
        b.extend(16u32.to_le_bytes());
        b.extend(1u16.to_le_bytes());
        b.extend(1u16.to_le_bytes());
        b.extend(16_000u32.to_le_bytes());
        b.extend(32_000u32.to_le_bytes());
        b.extend(2u16.to_le_bytes());
        b.extend(16u16.to_le_bytes());
        b.extend(b"data");
        b.extend((data as u32).to_le_bytes());
        b.extend(vec![0u8; data]);
        b
    }

    #[test]
    fn the_duration_comes_from_the_header() {
        assert_eq!(duration(&wav(48_000)), Some(3.0));
        // A LIST chunk before the data, and a data size left open.
        let mut w = wav(16_000);
        let data_at = w.windows(4).position(|x| x == b"data").unwrap();
        let list = [b"LIST".as_slice(), &3u32.to_le_bytes(), b"abc\0"].concat();
        w.splice(data_at..data_at, list);
        let size_at = w.windows(4).position(|x| x == b"data").unwrap() + 4;
        w[size_at..size_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(duration(&w), Some(1.0));
        assert_eq!(duration(b"ID3\x04not a wav"), None);
        assert_eq!(duration(&wav(10)[..30]), None, "cut before the data chunk");
    }
}
