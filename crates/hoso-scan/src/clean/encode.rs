//! Encoding of cleaned pages: baseline JPEG (colour or grey) with its resolution, and bilevel
//! pages as CCITT Group 4 in a TIFF file.
//!
//! ITU-T T.6 (Group 4 facsimile coding); TIFF 6.0 §11 (bilevel, Compression = 4) and §8
//! (ResolutionUnit, XResolution, YResolution).

use std::io::Write;

use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use image::{ExtendedColorType, GrayImage, RgbImage};

use super::binarize::Bilevel;

/// Writes an RGB page as a 24-bit baseline JPEG carrying `dpi` in its JFIF header.
pub fn jpeg_rgb(img: &RgbImage, dpi: u32, quality: u8, out: impl Write) -> image::ImageResult<()> {
    let mut enc = JpegEncoder::new_with_quality(out, quality);
    enc.set_pixel_density(PixelDensity::dpi(dpi.min(u16::MAX as u32) as u16));
    enc.encode(
        img.as_raw(),
        img.width(),
        img.height(),
        ExtendedColorType::Rgb8,
    )
}

/// Writes a grey page as an 8-bit baseline JPEG carrying `dpi` in its JFIF header.
pub fn jpeg_grey(
    img: &GrayImage,
    dpi: u32,
    quality: u8,
    out: impl Write,
) -> image::ImageResult<()> {
    let mut enc = JpegEncoder::new_with_quality(out, quality);
    enc.set_pixel_density(PixelDensity::dpi(dpi.min(u16::MAX as u32) as u16));
    enc.encode(
        img.as_raw(),
        img.width(),
        img.height(),
        ExtendedColorType::L8,
    )
}

/// CCITT Group 4 (ITU-T T.6) data of a bilevel page, as PDF's `/CCITTFaxDecode` with `/K -1`
/// and TIFF's Compression 4 expect it (no EOL codes; the EOFB is written).
pub fn g4(img: &Bilevel) -> Vec<u8> {
    let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
    let w = img.width as usize;
    for row in img.black.chunks_exact(w.max(1)) {
        let pels = row.iter().map(|&b| {
            if b {
                fax::Color::Black
            } else {
                fax::Color::White
            }
        });
        // VecWriter cannot fail (its error type is Infallible).
        let _ = enc.encode_line(pels, img.width);
    }
    match enc.finish() {
        Ok(w) => w.finish(),
        Err(never) => match never {},
    }
}

/// Writes a bilevel page as a single-strip TIFF with CCITT Group 4 compression.
pub fn tiff_g4(img: &Bilevel, dpi: u32, mut out: impl Write) -> std::io::Result<()> {
    let data = g4(img);
    // (tag, type, value): type 3 SHORT, 4 LONG, 5 RATIONAL (value = offset, filled below).
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    let entries: [(u16, u16, u32); 12] = [
        (256, LONG, img.width),         // ImageWidth
        (257, LONG, img.height),        // ImageLength
        (258, SHORT, 1),                // BitsPerSample
        (259, SHORT, 4),                // Compression: CCITT T.6
        (262, SHORT, 0),                // PhotometricInterpretation: WhiteIsZero
        (273, LONG, 0),                 // StripOffsets (filled below)
        (277, SHORT, 1),                // SamplesPerPixel
        (278, LONG, img.height),        // RowsPerStrip
        (279, LONG, data.len() as u32), // StripByteCounts
        (282, RATIONAL, 0),             // XResolution
        (283, RATIONAL, 0),             // YResolution
        (296, SHORT, 2),                // ResolutionUnit: inch
    ];
    let ifd_len = 2 + 12 * entries.len() + 4;
    let rationals_at = 8 + ifd_len as u32;
    let data_at = rationals_at + 16;
    let mut head = Vec::with_capacity(data_at as usize);
    head.extend_from_slice(b"II*\0");
    head.extend_from_slice(&8u32.to_le_bytes());
    head.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, typ, value) in entries {
        let value = match tag {
            273 => data_at,
            282 => rationals_at,
            283 => rationals_at + 8,
            _ => value,
        };
        head.extend_from_slice(&tag.to_le_bytes());
        head.extend_from_slice(&typ.to_le_bytes());
        head.extend_from_slice(&1u32.to_le_bytes());
        if typ == SHORT {
            head.extend_from_slice(&(value as u16).to_le_bytes());
            head.extend_from_slice(&[0, 0]);
        } else {
            head.extend_from_slice(&value.to_le_bytes());
        }
    }
    head.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    for _ in 0..2 {
        head.extend_from_slice(&dpi.to_le_bytes());
        head.extend_from_slice(&1u32.to_le_bytes());
    }
    out.write_all(&head)?;
    out.write_all(&data)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g4_round_trips_through_the_decoder() {
        let (w, h) = (37u32, 11u32);
        let black: Vec<bool> = (0..w * h).map(|i| (i % w) * (i / w) % 5 == 1).collect();
        let img = Bilevel {
            width: w,
            height: h,
            black: black.clone(),
        };
        let data = g4(&img);
        let mut decoded = Vec::new();
        fax::decoder::decode_g4(data.iter().copied(), w, Some(h), |line| {
            let mut row = vec![false; w as usize];
            // `line` lists colour-change positions starting with white.
            let mut colour = false;
            let mut last = 0usize;
            for &t in line {
                for v in row.iter_mut().take(t as usize).skip(last) {
                    *v = colour;
                }
                last = t as usize;
                colour = !colour;
            }
            for v in row.iter_mut().skip(last) {
                *v = colour;
            }
            decoded.extend(row);
        })
        .expect("valid G4");
        assert_eq!(decoded, black);
    }
}
