//! Raster page images ready to embed: what each input format becomes before it is written.
//!
//! A [`RasterPage`] is one or more [`ImageStrip`]s stacked top to bottom (a multi-strip CCITT G4
//! TIFF page keeps each strip's bytes as they are), plus the resolution the file declares.

/// Colour space of an embedded image (ISO 32000-1 §8.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageColor {
    /// `/DeviceGray` (allowed in PDF/A-2 with an OutputIntent, ISO 19005-2 §6.2.4.3).
    Gray,
    /// `/DeviceRGB` (matches the sRGB OutputIntent).
    Rgb,
    /// CMYK, written as `/ICCBased` with the generated CMYK profile (never bare DeviceCMYK).
    Cmyk,
    /// `/Indexed /DeviceRGB` with a palette of `3 × n` bytes.
    Indexed(Vec<u8>),
}

impl ImageColor {
    /// Components per pixel in the image data.
    pub fn components(&self) -> u8 {
        match self {
            ImageColor::Gray | ImageColor::Indexed(_) => 1,
            ImageColor::Rgb => 3,
            ImageColor::Cmyk => 4,
        }
    }
}

/// How the image bytes are encoded (ISO 32000-1 §7.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageEncoding {
    /// The JPEG file's bytes as they are (`/DCTDecode`).
    Dct,
    /// zlib data; `png_predictors` when every row starts with a PNG filter-type byte
    /// (`/DecodeParms << /Predictor 15 >>`).
    Flate {
        /// Rows carry PNG filter bytes.
        png_predictors: bool,
    },
    /// CCITT Group 4 (`/CCITTFaxDecode`, `/K -1`).
    CcittG4 {
        /// `/BlackIs1`: 1 bits are black.
        black_is_1: bool,
    },
}

/// One image XObject.
#[derive(Debug, Clone)]
pub struct ImageStrip {
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// Colour space.
    pub color: ImageColor,
    /// Bits per component: 1, 2, 4, 8 or 16.
    pub bits: u8,
    /// Encoding of `data`.
    pub encoding: ImageEncoding,
    /// `/Decode` inverted (Adobe CMYK JPEGs, TIFF BlackIsZero G4, min-is-white greys).
    pub inverted: bool,
    /// Encoded bytes.
    pub data: Vec<u8>,
    /// Alpha as a soft mask (`/SMask`, allowed in PDF/A-2): a grey image of the same size.
    pub soft_mask: Option<Box<ImageStrip>>,
}

/// Dots per inch, horizontally and vertically.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dpi {
    /// Horizontal.
    pub x: f64,
    /// Vertical.
    pub y: f64,
}

/// A page made of images.
#[derive(Debug, Clone)]
pub struct RasterPage {
    /// Strips from top to bottom, all of the same width.
    pub strips: Vec<ImageStrip>,
    /// Resolution the file declares, if any.
    pub dpi: Option<Dpi>,
}

impl RasterPage {
    /// A page of one image.
    pub fn single(strip: ImageStrip, dpi: Option<Dpi>) -> Self {
        Self {
            strips: vec![strip],
            dpi,
        }
    }

    /// Pixel width.
    pub fn width(&self) -> u32 {
        self.strips.first().map_or(0, |s| s.width)
    }

    /// Pixel height (sum of the strips).
    pub fn height(&self) -> u32 {
        self.strips.iter().map(|s| s.height).sum()
    }
}

/// zlib-compresses raw rows, prefixing each with the PNG "Up" filter (type 2), which suits scans
/// (rows resemble the row above) and is what `/Predictor 15` decodes.
pub fn deflate_rows_with_up_filter(raw: &[u8], row_len: usize) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(raw.len() / 4),
        flate2::Compression::new(6),
    );
    let mut filtered = Vec::with_capacity(row_len + 1);
    let mut prev: &[u8] = &[];
    for row in raw.chunks(row_len.max(1)) {
        filtered.clear();
        filtered.push(2);
        if prev.is_empty() {
            filtered.extend_from_slice(row);
        } else {
            filtered.extend(row.iter().zip(prev).map(|(a, b)| a.wrapping_sub(*b)));
        }
        // Writing into a Vec cannot fail.
        let _ = enc.write_all(&filtered);
        prev = row;
    }
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn up_filter_round_trips() {
        let raw: Vec<u8> = (0..60u8).collect();
        let z = deflate_rows_with_up_filter(&raw, 20);
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&z[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.len(), 63);
        assert_eq!(out[0], 2);
        assert_eq!(&out[1..21], &raw[0..20]);
        // Second row: each byte minus the byte above = 20.
        assert!(out[22..42].iter().all(|&b| b == 20));
    }
}
