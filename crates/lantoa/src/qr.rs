//! QR codes for a survey's public address, drawn by the server as SVG (for
//! print, sharp at any size) and PNG (for chat apps and slides). The code's
//! modules come from `qrcodegen`; the PNG is written here: a signature and
//! three chunks (IHDR, IDAT, IEND), the pixels deflated by `flate2`.

use std::io::Write as _;

use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of white around the code, as the standard asks.
const QUIET: i32 = 4;

fn code(text: &str) -> Option<QrCode> {
    QrCode::encode_text(text, QrCodeEcc::Medium).ok()
}

/// The code as an SVG document, one path of dark squares.
pub fn svg(text: &str) -> Option<String> {
    let qr = code(text)?;
    let size = qr.size();
    let full = size + 2 * QUIET;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + QUIET, y + QUIET));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" \
         shape-rendering=\"crispEdges\" role=\"img\"><rect width=\"100%\" height=\"100%\" \
         fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// The code as a grayscale PNG, `scale` pixels a module.
pub fn png(text: &str, scale: u32) -> Option<Vec<u8>> {
    let qr = code(text)?;
    let scale = scale.clamp(1, 32);
    let modules = (qr.size() + 2 * QUIET) as u32;
    let side = modules * scale;
    let mut raw = Vec::with_capacity(((side + 1) * side) as usize);
    for py in 0..side {
        raw.push(0); // filter: none
        let y = (py / scale) as i32 - QUIET;
        for px in 0..side {
            let x = (px / scale) as i32 - QUIET;
            raw.push(if qr.get_module(x, y) { 0 } else { 255 });
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).ok()?;
    let idat = z.finish().ok()?;
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    // 8-bit grayscale, deflate, no filter method, no interlace.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    Some(out)
}

/// A PNG chunk: length, type, data, CRC-32 of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_is_well_formed_and_holds_the_modules() {
        let p = png("https://lantoa.example/s/abc", 4).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&p[12..16], b"IHDR");
        let side = u32::from_be_bytes([p[16], p[17], p[18], p[19]]);
        let qr = code("https://lantoa.example/s/abc").unwrap();
        assert_eq!(side, (qr.size() as u32 + 8) * 4);
        // The IHDR's CRC is the one zlib computes.
        let mut crc = flate2::Crc::new();
        crc.update(&p[12..29]);
        assert_eq!(&p[29..33], &crc.sum().to_be_bytes());
        // The pixels inflate back to side × (side + 1) bytes.
        let idat_len = u32::from_be_bytes([p[33], p[34], p[35], p[36]]) as usize;
        assert_eq!(&p[37..41], b"IDAT");
        let mut d = flate2::read::ZlibDecoder::new(&p[41..41 + idat_len]);
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut d, &mut raw).unwrap();
        assert_eq!(raw.len(), (side * (side + 1)) as usize);
        // The quiet zone is white; the finder pattern's corner is black.
        assert_eq!(raw[1], 255);
        let row = (4 * 4) as usize * (side as usize + 1);
        assert_eq!(raw[row + 1 + 16], 0);
        assert!(p.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
    }

    #[test]
    fn the_svg_draws_the_same_code() {
        let s = svg("https://lantoa.example/s/abc").unwrap();
        assert!(s.starts_with("<svg") && s.contains("M4,4h1v1h-1z"));
    }
}
