//! TIFF input (TIFF 6.0), one page per IFD. CCITT G4 bilevel strips go into the PDF as they are
//! (`/CCITTFaxDecode /K -1`, one image per strip); uncompressed, PackBits, LZW, Deflate and JPEG
//! pages are decoded with the `tiff` crate and written losslessly as Flate rows.

use std::io::{Read, Seek, SeekFrom};

use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;
use tiff::ColorType;

use crate::error::InputError;
use crate::raster::{
    deflate_rows_with_up_filter, Dpi, ImageColor, ImageEncoding, ImageStrip, RasterPage,
};

/// Compression tag values (TIFF 6.0 §3, §8, §9; TIFF Technical Note 2; Adobe Deflate).
mod compression {
    pub const NONE: u16 = 1;
    pub const CCITT_RLE: u16 = 2;
    pub const FAX3: u16 = 3;
    pub const FAX4: u16 = 4;
    pub const LZW: u16 = 5;
    pub const OLD_JPEG: u16 = 6;
    pub const JPEG: u16 = 7;
    pub const ADOBE_DEFLATE: u16 = 8;
    pub const PACKBITS: u16 = 32773;
    pub const DEFLATE: u16 = 32946;
}

fn compression_name(c: u16) -> &'static str {
    match c {
        compression::CCITT_RLE => "CCITT modified Huffman RLE",
        compression::FAX3 => "CCITT Group 3 fax",
        compression::OLD_JPEG => "old-style JPEG",
        34712 => "JPEG 2000",
        34887..=34889 => "JBIG",
        50000 => "Zstandard",
        34925 => "LZMA",
        _ => "unknown",
    }
}

/// Pages of a TIFF file, decoded one at a time.
pub struct TiffPages<R: Read + Seek> {
    decoder: Decoder<R>,
    page: u32,
    done: bool,
}

impl<R: Read + Seek> TiffPages<R> {
    /// Opens the first IFD.
    pub fn open(mut reader: R) -> Result<Self, InputError> {
        // A0 at 600 dpi in 8-bit RGB is 1.7 GB; a page larger than 2 GiB decoded is a broken
        // header, not a scan, and must not make the officer's machine run out of memory. No
        // TIFF compression expands more than about 1100:1 (Deflate 1032:1), so a page is also
        // bounded by the file's size.
        let file_len = reader.seek(SeekFrom::End(0))?;
        reader.seek(SeekFrom::Start(0))?;
        let by_file = usize::try_from(file_len.saturating_mul(1100).saturating_add(1 << 20))
            .unwrap_or(usize::MAX);
        let mut limits = Limits::unlimited();
        limits.decoding_buffer_size = by_file.min(2 << 30);
        limits.intermediate_buffer_size = 256 << 20;
        limits.ifd_value_size = 64 << 20;
        let decoder = Decoder::new(reader)
            .map_err(|e| bad(1, e))?
            .with_limits(limits);
        Ok(Self {
            decoder,
            page: 0,
            done: false,
        })
    }

    /// Counts the pages (IFDs) without decoding them.
    pub fn count(reader: R) -> Result<u32, InputError> {
        let mut pages = Self::open(reader)?;
        let mut n = 1;
        while pages.decoder.more_images() {
            pages.decoder.next_image().map_err(|e| bad(n + 1, e))?;
            n += 1;
        }
        Ok(n)
    }

    fn tag_u16(&mut self, tag: Tag) -> Result<Option<u16>, InputError> {
        let page = self.page;
        self.decoder
            .find_tag_unsigned::<u16>(tag)
            .map_err(|e| bad(page, e))
    }

    fn dpi(&mut self) -> Option<Dpi> {
        let x = self.resolution(Tag::XResolution)?;
        let y = self.resolution(Tag::YResolution)?;
        let unit = self
            .decoder
            .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
            .ok()
            .flatten()
            .unwrap_or(2);
        let f = match unit {
            2 => 1.0,
            3 => 2.54,
            _ => return None,
        };
        Some(Dpi { x: x * f, y: y * f }).filter(|d| d.x > 0.0 && d.y > 0.0)
    }

    /// XResolution and YResolution are RATIONAL (TIFF 6.0 §8).
    fn resolution(&mut self, tag: Tag) -> Option<f64> {
        match self.decoder.find_tag(tag).ok()?? {
            tiff::decoder::ifd::Value::Rational(n, d) if d != 0 => {
                Some(f64::from(n) / f64::from(d))
            }
            other => other.into_f64().ok(),
        }
    }

    fn read_page(&mut self) -> Result<RasterPage, InputError> {
        let page = self.page;
        let compression = self.tag_u16(Tag::Compression)?.unwrap_or(compression::NONE);
        let dpi = self.dpi();
        match compression {
            compression::FAX4 => self.g4_page(dpi),
            compression::NONE
            | compression::LZW
            | compression::JPEG
            | compression::ADOBE_DEFLATE
            | compression::DEFLATE
            | compression::PACKBITS => self.decoded_page(dpi),
            other => Err(InputError::UnsupportedTiffCompression {
                page,
                compression: other,
                name: compression_name(other),
            }),
        }
    }

    /// CCITT G4 strips as they are (T.6); FillOrder 2 bytes are bit-reversed, which is lossless.
    fn g4_page(&mut self, dpi: Option<Dpi>) -> Result<RasterPage, InputError> {
        let page = self.page;
        let (width, height) = self.decoder.dimensions().map_err(|e| bad(page, e))?;
        let bits = self.tag_u16(Tag::BitsPerSample)?.unwrap_or(1);
        let spp = self.tag_u16(Tag::SamplesPerPixel)?.unwrap_or(1);
        if bits != 1 || spp != 1 {
            return Err(bad_msg(page, "CCITT G4 page that is not bilevel"));
        }
        let photometric = self.tag_u16(Tag::PhotometricInterpretation)?.unwrap_or(0);
        let fill_order = self.tag_u16(Tag::FillOrder)?.unwrap_or(1);
        let offsets = self
            .decoder
            .find_tag_unsigned_vec::<u64>(Tag::StripOffsets)
            .map_err(|e| bad(page, e))?
            .ok_or_else(|| {
                bad_msg(
                    page,
                    "tiled CCITT G4 pages are not supported; save as strips",
                )
            })?;
        let counts = self
            .decoder
            .find_tag_unsigned_vec::<u64>(Tag::StripByteCounts)
            .map_err(|e| bad(page, e))?
            .ok_or_else(|| bad_msg(page, "missing StripByteCounts"))?;
        if offsets.len() != counts.len() || offsets.is_empty() {
            return Err(bad_msg(page, "StripOffsets and StripByteCounts disagree"));
        }
        let rows_per_strip = self
            .decoder
            .find_tag_unsigned::<u32>(Tag::RowsPerStrip)
            .map_err(|e| bad(page, e))?
            .unwrap_or(height)
            .clamp(1, height.max(1));
        // Strips are bounded by the file: their count by its bytes, their total size by its size
        // (each strip is read into memory once).
        let file_len = self.decoder.inner().seek(SeekFrom::End(0))?;
        let total = counts
            .iter()
            .try_fold(0u64, |a, &c| a.checked_add(c))
            .unwrap_or(u64::MAX);
        if offsets.len() as u64 > file_len || total > file_len {
            return Err(bad_msg(
                page,
                "strips add up to more than the file holds (damaged StripByteCounts?)",
            ));
        }
        let mut strips = Vec::with_capacity(offsets.len());
        let mut row = 0u32;
        for (&off, &count) in offsets.iter().zip(&counts) {
            if row >= height {
                break;
            }
            let rows = rows_per_strip.min(height - row);
            let len = usize::try_from(count).map_err(|_| bad_msg(page, "strip too large"))?;
            let r = self.decoder.inner();
            let end = r.seek(SeekFrom::End(0))?;
            if off.checked_add(count).is_none_or(|e| e > end) {
                return Err(bad_msg(
                    page,
                    "a strip lies beyond the end of the file (truncated?)",
                ));
            }
            r.seek(SeekFrom::Start(off))?;
            let mut data = vec![0; len];
            r.read_exact(&mut data)?;
            if fill_order == 2 {
                data.iter_mut().for_each(|b| *b = b.reverse_bits());
            }
            strips.push(ImageStrip {
                width,
                height: rows,
                color: ImageColor::Gray,
                bits: 1,
                encoding: ImageEncoding::CcittG4 { black_is_1: false },
                // The codes describe white and black runs for WhiteIsZero (0); BlackIsZero flips.
                inverted: photometric == 1,
                data,
                soft_mask: None,
            });
            row += rows;
        }
        if row < height {
            return Err(bad_msg(
                page,
                "strips cover fewer rows than the image height",
            ));
        }
        Ok(RasterPage { strips, dpi })
    }

    fn decoded_page(&mut self, dpi: Option<Dpi>) -> Result<RasterPage, InputError> {
        let page = self.page;
        let (width, height) = self.decoder.dimensions().map_err(|e| bad(page, e))?;
        if self.tag_u16(Tag::PhotometricInterpretation)? == Some(3)
            && self.tag_u16(Tag::BitsPerSample)? != Some(4)
        {
            // The tiff crate decodes only 4-bit palettes.
            return Err(bad_msg(
                page,
                "indexed-colour (palette) TIFF is not supported: re-save it as RGB or greyscale",
            ));
        }
        let color_type = self.decoder.colortype().map_err(|e| bad(page, e))?;
        let palette = match color_type {
            ColorType::Palette(_) => Some(
                self.decoder
                    .get_tag_u16_vec(Tag::ColorMap)
                    .map_err(|e| bad(page, e))?,
            ),
            _ => None,
        };
        let raw = match self.decoder.read_image().map_err(|e| bad(page, e))? {
            DecodingResult::U8(v) => v,
            DecodingResult::U16(v) => v.iter().flat_map(|s| s.to_be_bytes()).collect(),
            _ => return Err(bad_msg(page, "floating-point or 32-bit samples")),
        };
        let (color, bits, channels, alpha) = match color_type {
            ColorType::Gray(b) => (ImageColor::Gray, b, 1, false),
            ColorType::GrayA(b) => (ImageColor::Gray, b, 2, true),
            ColorType::RGB(b) | ColorType::YCbCr(b) => (ImageColor::Rgb, b, 3, false),
            ColorType::RGBA(b) => (ImageColor::Rgb, b, 4, true),
            ColorType::CMYK(b) => (ImageColor::Cmyk, b, 4, false),
            ColorType::Palette(b) => {
                let map = palette.unwrap_or_default();
                let n = 1usize << b;
                if map.len() != 3 * n {
                    return Err(bad_msg(page, "ColorMap size does not match the bit depth"));
                }
                // TIFF ColorMap: all reds, then greens, then blues, 16 bits each (§5).
                let mut plte = Vec::with_capacity(3 * n);
                for i in 0..n {
                    for c in 0..3 {
                        plte.push((map[c * n + i] >> 8) as u8);
                    }
                }
                (ImageColor::Indexed(plte), b, 1, false)
            }
            other => {
                return Err(bad_msg(
                    page,
                    &format!("colour type {other:?} is not supported"),
                ))
            }
        };
        if !matches!(bits, 1 | 2 | 4 | 8 | 16) || (alpha && bits < 8) {
            return Err(bad_msg(
                page,
                &format!("{bits}-bit samples are not supported"),
            ));
        }
        let bytes_per_sample = if bits == 16 { 2 } else { 1 };
        let (color_data, alpha_data) = if alpha {
            let px = channels * bytes_per_sample;
            let cpx = (channels - 1) * bytes_per_sample;
            let mut c = Vec::with_capacity(raw.len() / channels * (channels - 1));
            let mut a = Vec::with_capacity(raw.len() / channels);
            for p in raw.chunks_exact(px) {
                c.extend_from_slice(&p[..cpx]);
                a.extend_from_slice(&p[cpx..]);
            }
            (c, Some(a))
        } else {
            (raw, None)
        };
        let color_channels = channels - usize::from(alpha);
        let row_len = (width as usize * color_channels * usize::from(bits)).div_ceil(8);
        if color_data.len() < row_len * height as usize {
            return Err(bad_msg(page, "decoded data is shorter than the image"));
        }
        let soft_mask = alpha_data.map(|a| {
            Box::new(ImageStrip {
                width,
                height,
                color: ImageColor::Gray,
                bits,
                encoding: ImageEncoding::Flate {
                    png_predictors: true,
                },
                inverted: false,
                data: deflate_rows_with_up_filter(&a, width as usize * bytes_per_sample),
                soft_mask: None,
            })
        });
        Ok(RasterPage::single(
            ImageStrip {
                width,
                height,
                color,
                bits,
                encoding: ImageEncoding::Flate {
                    png_predictors: true,
                },
                inverted: false,
                data: deflate_rows_with_up_filter(
                    &color_data[..row_len * height as usize],
                    row_len,
                ),
                soft_mask,
            },
            dpi,
        ))
    }
}

impl<R: Read + Seek> Iterator for TiffPages<R> {
    type Item = Result<RasterPage, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.page > 0 {
            if !self.decoder.more_images() {
                self.done = true;
                return None;
            }
            if let Err(e) = self.decoder.next_image() {
                self.done = true;
                return Some(Err(bad(self.page + 1, e)));
            }
        }
        self.page += 1;
        let result = self.read_page();
        if result.is_err() {
            self.done = true;
        }
        Some(result)
    }
}

fn bad(page: u32, e: tiff::TiffError) -> InputError {
    match e {
        tiff::TiffError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            InputError::BadTiff {
                page,
                reason: "the file ends early (truncated)".into(),
            }
        }
        e => InputError::BadTiff {
            page,
            reason: e.to_string(),
        },
    }
}

fn bad_msg(page: u32, reason: &str) -> InputError {
    InputError::BadTiff {
        page,
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use tiff::encoder::{colortype, Compression, TiffEncoder};

    fn two_page_tiff() -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut t = TiffEncoder::new(&mut buf)
            .unwrap()
            .with_compression(Compression::Lzw);
        let gray: Vec<u8> = (0..(20 * 10)).map(|i| (i % 256) as u8).collect();
        t.write_image::<colortype::Gray8>(20, 10, &gray).unwrap();
        let rgb: Vec<u8> = vec![7; 8 * 6 * 3];
        t.write_image::<colortype::RGB8>(8, 6, &rgb).unwrap();
        buf.into_inner()
    }

    #[test]
    fn multi_page_lzw() {
        let data = two_page_tiff();
        assert_eq!(TiffPages::count(Cursor::new(&data)).unwrap(), 2);
        let pages: Vec<_> = TiffPages::open(Cursor::new(&data))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!((pages[0].width(), pages[0].height()), (20, 10));
        assert_eq!(pages[0].strips[0].color, ImageColor::Gray);
        assert_eq!((pages[1].width(), pages[1].height()), (8, 6));
        assert_eq!(pages[1].strips[0].color, ImageColor::Rgb);
        let mut rows = Vec::new();
        flate2::read::ZlibDecoder::new(&pages[0].strips[0].data[..])
            .read_to_end(&mut rows)
            .unwrap();
        assert_eq!(&rows[1..21], &(0..20).collect::<Vec<u8>>()[..]);
    }

    #[test]
    fn truncated_tiff_names_the_page() {
        let data = two_page_tiff();
        let cut = &data[..data.len() - 30];
        let err = TiffPages::open(Cursor::new(cut))
            .and_then(|p| p.collect::<Result<Vec<_>, _>>())
            .unwrap_err();
        assert!(matches!(err, InputError::BadTiff { .. }), "{err:?}");
    }
}
