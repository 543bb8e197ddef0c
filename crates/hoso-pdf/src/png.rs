//! PNG input (ISO/IEC 15948). Opaque, non-interlaced PNGs keep their zlib data as it is — the
//! IDAT stream already is `/FlateDecode` with PNG predictors (ISO 32000-1 §7.4.4.4). PNGs with
//! alpha, a tRNS chunk or interlacing are decoded and written as Flate rows with an `/SMask`.

use std::io::{Cursor, Read};

use crate::error::InputError;
use crate::raster::{
    deflate_rows_with_up_filter, Dpi, ImageColor, ImageEncoding, ImageStrip, RasterPage,
};

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
/// Deflate expands at most 1032:1 (RFC 1951 longest match per bit): more declared pixel data
/// than that over the IDAT bytes is a lie, refused before any buffer is sized from it.
const MAX_DEFLATE_RATIO: u64 = 1032;
/// Largest decoded image accepted (an A0 page at 600 dpi in RGBA is well under it).
const MAX_DECODED: u64 = 2 << 30;

/// The filtered-row bytes the header promises, checked against the compressed data.
fn check_size(info: &PngInfo, idat_len: u64) -> Result<u64, InputError> {
    let samples = match info.color_type {
        2 => 3u64,
        4 => 2,
        6 => 4,
        _ => 1,
    };
    let expected = u64::from(info.width)
        .checked_mul(samples * u64::from(info.bit_depth))
        .map(|bits| bits.div_ceil(8) + 1)
        .and_then(|row| row.checked_mul(u64::from(info.height)))
        .filter(|&n| n <= MAX_DECODED)
        .ok_or_else(|| {
            bad(format!(
                "kích thước {}×{} quá lớn / image size {}×{} is too large",
                info.width, info.height, info.width, info.height
            ))
        })?;
    if expected
        > idat_len
            .saturating_mul(MAX_DEFLATE_RATIO)
            .saturating_add(1 << 16)
    {
        return Err(bad(format!(
            "{}×{} pixels cannot come from {idat_len} bytes of image data (damaged header?)",
            info.width, info.height
        )));
    }
    Ok(expected)
}

/// What the IHDR and ancillary chunks say.
#[derive(Debug, Clone, PartialEq)]
pub struct PngInfo {
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// Bits per sample.
    pub bit_depth: u8,
    /// 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA.
    pub color_type: u8,
    /// Adam7 interlacing.
    pub interlaced: bool,
    /// A tRNS chunk is present.
    pub has_trns: bool,
    /// From pHYs.
    pub dpi: Option<Dpi>,
}

fn bad(reason: impl Into<String>) -> InputError {
    InputError::BadPng {
        reason: reason.into(),
    }
}

struct Chunks<'a> {
    info: PngInfo,
    palette: Option<&'a [u8]>,
    idat: Vec<&'a [u8]>,
}

fn read_chunks(data: &[u8]) -> Result<Chunks<'_>, InputError> {
    if data.is_empty() {
        return Err(InputError::Empty);
    }
    if !data.starts_with(SIGNATURE) {
        return Err(InputError::UnknownFormat);
    }
    let mut pos = 8;
    let mut info = None;
    let mut palette = None;
    let mut idat = Vec::new();
    let mut has_trns = false;
    let mut dpi = None;
    loop {
        let Some(header) = data.get(pos..pos + 8) else {
            return Err(bad("truncated: the file ends before IEND"));
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind: [u8; 4] = [header[4], header[5], header[6], header[7]];
        let Some(body) = data.get(pos + 8..pos + 8 + len) else {
            return Err(bad(format!(
                "truncated inside the {} chunk",
                String::from_utf8_lossy(&kind)
            )));
        };
        let Some(crc) = data.get(pos + 8 + len..pos + 12 + len) else {
            return Err(bad("truncated: missing chunk CRC"));
        };
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&kind);
        hasher.update(body);
        if hasher.finalize() != u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]) {
            return Err(bad(format!(
                "CRC mismatch in the {} chunk (the file is damaged)",
                String::from_utf8_lossy(&kind)
            )));
        }
        match &kind {
            b"IHDR" if body.len() == 13 => {
                let width = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                let height = u32::from_be_bytes([body[4], body[5], body[6], body[7]]);
                if width == 0 || height == 0 {
                    return Err(bad("zero width or height"));
                }
                info = Some((width, height, body[8], body[9], body[12] == 1));
            }
            b"PLTE" => palette = Some(body),
            b"tRNS" => has_trns = true,
            b"pHYs" if body.len() == 9 && body[8] == 1 => {
                let x = f64::from(u32::from_be_bytes([body[0], body[1], body[2], body[3]]));
                let y = f64::from(u32::from_be_bytes([body[4], body[5], body[6], body[7]]));
                // Pixels per metre → dots per inch.
                dpi = Some(Dpi {
                    x: x * 0.0254,
                    y: y * 0.0254,
                });
            }
            b"IDAT" => idat.push(body),
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    let (width, height, bit_depth, color_type, interlaced) =
        info.ok_or_else(|| bad("missing IHDR chunk"))?;
    let valid = matches!(
        (color_type, bit_depth),
        (0, 1 | 2 | 4 | 8 | 16) | (2 | 4 | 6, 8 | 16) | (3, 1 | 2 | 4 | 8)
    );
    if !valid {
        return Err(bad(format!(
            "invalid colour type {color_type} with bit depth {bit_depth}"
        )));
    }
    if idat.is_empty() {
        return Err(bad("no image data (IDAT)"));
    }
    Ok(Chunks {
        info: PngInfo {
            width,
            height,
            bit_depth,
            color_type,
            interlaced,
            has_trns,
            dpi: dpi.filter(|d| d.x > 0.0 && d.y > 0.0),
        },
        palette,
        idat,
    })
}

/// Reads the chunk headers and checks every CRC.
pub fn parse(data: &[u8]) -> Result<PngInfo, InputError> {
    read_chunks(data).map(|c| c.info)
}

/// The page for a PNG file.
pub fn page(data: &[u8]) -> Result<RasterPage, InputError> {
    let chunks = read_chunks(data)?;
    let info = chunks.info.clone();
    check_size(&info, chunks.idat.iter().map(|c| c.len() as u64).sum())?;
    let pass_through = !info.interlaced && !info.has_trns && matches!(info.color_type, 0 | 2 | 3);
    let strip = if pass_through {
        pass_through_strip(&chunks)?
    } else {
        decoded_strip(data)?
    };
    Ok(RasterPage::single(strip, info.dpi))
}

fn pass_through_strip(chunks: &Chunks<'_>) -> Result<ImageStrip, InputError> {
    let info = &chunks.info;
    let zdata: Vec<u8> = chunks.idat.concat();
    // Check the zlib stream decodes to exactly the expected rows, without keeping the pixels.
    let expected = check_size(info, zdata.len() as u64)?;
    let mut sink = std::io::sink();
    let decoded = std::io::copy(
        &mut flate2::read::ZlibDecoder::new(&zdata[..]).take(expected + 1),
        &mut sink,
    )
    .map_err(|e| bad(format!("image data does not decompress: {e}")))?;
    if decoded != expected {
        return Err(bad(format!(
            "image data holds {decoded} bytes, {expected} expected (truncated?)"
        )));
    }
    let color = match info.color_type {
        0 => ImageColor::Gray,
        2 => ImageColor::Rgb,
        _ => {
            let plte = chunks
                .palette
                .filter(|p| !p.is_empty() && p.len() % 3 == 0 && p.len() <= 768)
                .ok_or_else(|| bad("palette image without a valid PLTE chunk"))?;
            ImageColor::Indexed(plte.to_vec())
        }
    };
    Ok(ImageStrip {
        width: info.width,
        height: info.height,
        color,
        bits: info.bit_depth,
        encoding: ImageEncoding::Flate {
            png_predictors: true,
        },
        inverted: false,
        data: zdata,
        soft_mask: None,
    })
}

fn decoded_strip(data: &[u8]) -> Result<ImageStrip, InputError> {
    let mut decoder = png::Decoder::new(Cursor::new(data));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
    let size = reader
        .output_buffer_size()
        .filter(|&n| n as u64 <= MAX_DECODED)
        .ok_or_else(|| bad("image too large"))?;
    let mut buf = vec![0; size];
    let out = reader
        .next_frame(&mut buf)
        .map_err(|e| bad(e.to_string()))?;
    buf.truncate(out.line_size * out.height as usize);
    let bytes_per_sample = if out.bit_depth == png::BitDepth::Sixteen {
        2
    } else {
        1
    };
    let (channels, has_alpha, color) = match out.color_type {
        png::ColorType::Grayscale => (1, false, ImageColor::Gray),
        png::ColorType::GrayscaleAlpha => (2, true, ImageColor::Gray),
        png::ColorType::Rgb => (3, false, ImageColor::Rgb),
        png::ColorType::Rgba => (4, true, ImageColor::Rgb),
        png::ColorType::Indexed => return Err(bad("palette left unexpanded")),
    };
    let bits = match out.bit_depth {
        png::BitDepth::Sixteen => 16,
        png::BitDepth::Eight => 8,
        other => {
            return Err(bad(format!(
                "unexpected bit depth {other:?} after expansion"
            )))
        }
    };
    let (w, h) = (out.width as usize, out.height as usize);
    let px = channels * bytes_per_sample;
    let color_px = (channels - usize::from(has_alpha)) * bytes_per_sample;
    let (color_data, alpha) = if has_alpha {
        let mut c = Vec::with_capacity(w * h * color_px);
        let mut a = Vec::with_capacity(w * h * bytes_per_sample);
        for p in buf.chunks_exact(px) {
            c.extend_from_slice(&p[..color_px]);
            a.extend_from_slice(&p[color_px..]);
        }
        (c, Some(a))
    } else {
        (buf, None)
    };
    let soft_mask = alpha.map(|a| {
        Box::new(ImageStrip {
            width: out.width,
            height: out.height,
            color: ImageColor::Gray,
            bits,
            encoding: ImageEncoding::Flate {
                png_predictors: true,
            },
            inverted: false,
            data: deflate_rows_with_up_filter(&a, w * bytes_per_sample),
            soft_mask: None,
        })
    });
    Ok(ImageStrip {
        width: out.width,
        height: out.height,
        color,
        bits,
        encoding: ImageEncoding::Flate {
            png_predictors: true,
        },
        inverted: false,
        data: deflate_rows_with_up_filter(&color_data, w * color_px),
        soft_mask,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(img: image::DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn inflate(z: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(z)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn opaque_rgb_passes_idat_through() {
        let data = encode(image::DynamicImage::new_rgb8(30, 20));
        let page = page(&data).unwrap();
        let s = &page.strips[0];
        assert_eq!((s.width, s.height, s.bits), (30, 20, 8));
        assert_eq!(s.color, ImageColor::Rgb);
        assert!(s.soft_mask.is_none());
        assert_eq!(inflate(&s.data).len(), 20 * (30 * 3 + 1));
    }

    #[test]
    fn sixteen_bit_grey_keeps_sixteen_bits() {
        let img = image::DynamicImage::ImageLuma16(image::ImageBuffer::from_pixel(
            5,
            4,
            image::Luma([40000u16]),
        ));
        let page = page(&encode(img)).unwrap();
        assert_eq!(page.strips[0].bits, 16);
        assert_eq!(page.strips[0].color, ImageColor::Gray);
    }

    #[test]
    fn rgba_splits_alpha_into_soft_mask() {
        let img = image::DynamicImage::ImageRgba8(image::ImageBuffer::from_fn(4, 3, |x, _| {
            image::Rgba([200, 10, 10, (x * 60) as u8])
        }));
        let page = page(&encode(img)).unwrap();
        let s = &page.strips[0];
        assert_eq!(s.color, ImageColor::Rgb);
        let mask = s.soft_mask.as_ref().expect("alpha becomes an SMask");
        let rows = inflate(&mask.data);
        // Row 0: Up-filter byte then the alpha values 0, 60, 120, 180.
        assert_eq!(&rows[..5], &[2, 0, 60, 120, 180]);
        let colour = inflate(&s.data);
        assert_eq!(&colour[1..4], &[200, 10, 10]);
    }

    #[test]
    fn damaged_and_truncated_pngs_are_refused() {
        let data = encode(image::DynamicImage::new_rgb8(30, 20));
        let truncated = &data[..data.len() - 20];
        assert!(matches!(page(truncated), Err(InputError::BadPng { .. })));
        let mut flipped = data.clone();
        let n = flipped.len();
        flipped[n / 2] ^= 0x55;
        assert!(matches!(page(&flipped), Err(InputError::BadPng { .. })));
    }

    #[test]
    fn huge_declared_size_is_refused_before_allocation() {
        let mut png = encode(image::DynamicImage::ImageRgba8(image::RgbaImage::new(4, 4)));
        // IHDR data starts at byte 16: claim 100 000 × 100 000 and fix the CRC.
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32fast::hash(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = page(&png).unwrap_err().to_string();
        assert!(e.contains("100000"), "{e}");
    }

    #[test]
    fn phys_in_pixels_per_metre_becomes_dpi() {
        let data = encode(image::DynamicImage::new_luma8(3, 3));
        // Insert a pHYs chunk for 7874 px/m (200 dpi) right after IHDR (8 + 25 bytes).
        let mut chunk = Vec::new();
        let body: Vec<u8> = [7874u32.to_be_bytes(), 7874u32.to_be_bytes()]
            .concat()
            .into_iter()
            .chain([1u8])
            .collect();
        chunk.extend((body.len() as u32).to_be_bytes());
        let mut h = crc32fast::Hasher::new();
        h.update(b"pHYs");
        h.update(&body);
        chunk.extend(b"pHYs");
        chunk.extend(&body);
        chunk.extend(h.finalize().to_be_bytes());
        let mut with = data.clone();
        with.splice(33..33, chunk);
        let dpi = parse(&with).unwrap().dpi.unwrap();
        assert!((dpi.x - 200.0).abs() < 0.01, "{dpi:?}");
    }
}
