//! JPEG input: the file's bytes go into the PDF as they are (`/DCTDecode`); only the markers are
//! read (ITU-T T.81 §B.1), to learn size, components, resolution and the Adobe colour transform,
//! and to refuse truncated files.

use crate::error::InputError;
use crate::raster::{Dpi, ImageColor, ImageEncoding, ImageStrip, RasterPage};

/// What the markers say about a JPEG.
#[derive(Debug, Clone, PartialEq)]
pub struct JpegInfo {
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// 1 (grey), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).
    pub components: u8,
    /// Progressive (SOF2) rather than baseline/extended sequential.
    pub progressive: bool,
    /// An Adobe APP14 segment is present (its CMYK data is stored inverted).
    pub adobe: bool,
    /// JFIF or EXIF resolution.
    pub dpi: Option<Dpi>,
}

/// Reads the markers of a whole JPEG file and checks it ends with EOI.
pub fn parse(data: &[u8]) -> Result<JpegInfo, InputError> {
    if data.is_empty() {
        return Err(InputError::Empty);
    }
    if data.len() < 2 || data[0] != 0xFF || data[1] != 0xD8 {
        return Err(InputError::UnknownFormat);
    }
    let mut pos = 2;
    let mut frame: Option<(u32, u32, u8, bool)> = None;
    let mut adobe = false;
    let mut jfif_dpi = None;
    let mut seen_jfif = false;
    let mut exif_dpi = None;
    loop {
        // Markers may be preceded by fill bytes 0xFF (T.81 §B.1.1.2).
        while pos < data.len() && data[pos] == 0xFF {
            pos += 1;
        }
        if pos >= data.len() || data[pos - 1] != 0xFF {
            return Err(InputError::TruncatedJpeg {
                what: "marker segments",
            });
        }
        let marker = data[pos];
        pos += 1;
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => continue,
            0xD9 => {
                return Err(InputError::TruncatedJpeg {
                    what: "no image data before EOI",
                })
            }
            _ => {}
        }
        if pos + 2 > data.len() {
            return Err(InputError::TruncatedJpeg {
                what: "segment length",
            });
        }
        let len = usize::from(u16::from_be_bytes([data[pos], data[pos + 1]]));
        if len < 2 || pos + len > data.len() {
            return Err(InputError::TruncatedJpeg {
                what: "segment body",
            });
        }
        let body = &data[pos + 2..pos + len];
        match marker {
            0xC0..=0xC2 => {
                if body.len() < 6 {
                    return Err(InputError::TruncatedJpeg {
                        what: "frame header",
                    });
                }
                let precision = body[0];
                let height = u32::from(u16::from_be_bytes([body[1], body[2]]));
                let width = u32::from(u16::from_be_bytes([body[3], body[4]]));
                let comps = body[5];
                if precision != 8 {
                    return Err(InputError::UnsupportedJpeg {
                        reason: format!("{precision}-bit samples"),
                    });
                }
                if width == 0 || height == 0 {
                    return Err(InputError::UnsupportedJpeg {
                        reason: "zero width or height (DNL marker)".into(),
                    });
                }
                if !matches!(comps, 1 | 3 | 4) {
                    return Err(InputError::UnsupportedJpeg {
                        reason: format!("{comps} colour components"),
                    });
                }
                frame = Some((width, height, comps, marker == 0xC2));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(InputError::UnsupportedJpeg {
                    reason: "lossless, hierarchical or arithmetic-coded JPEG".into(),
                })
            }
            // Only the first JFIF APP0 counts (JFIF 1.02: it directly follows SOI).
            0xE0 if !seen_jfif && body.starts_with(b"JFIF\0") && body.len() >= 12 => {
                seen_jfif = true;
                let units = body[7];
                let x = f64::from(u16::from_be_bytes([body[8], body[9]]));
                let y = f64::from(u16::from_be_bytes([body[10], body[11]]));
                jfif_dpi = match units {
                    1 => Some(Dpi { x, y }),
                    2 => Some(Dpi {
                        x: x * 2.54,
                        y: y * 2.54,
                    }),
                    _ => None,
                };
            }
            0xE1 if body.starts_with(b"Exif\0\0") => exif_dpi = exif_resolution(&body[6..]),
            0xEE if body.starts_with(b"Adobe") => adobe = true,
            0xDA => break,
            _ => {}
        }
        pos += len;
    }
    let Some((width, height, components, progressive)) = frame else {
        return Err(InputError::UnsupportedJpeg {
            reason: "no frame header before the scan".into(),
        });
    };
    // After SOS only entropy-coded data, RSTn and (for progressive) further segments follow; a
    // 0xFF 0xD9 pair can only be EOI there (T.81 §B.1.1.5), so its absence means truncation.
    let tail_start = data.len().saturating_sub(64 * 1024).max(pos);
    if !data[tail_start..].windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(InputError::TruncatedJpeg {
            what: "missing end-of-image marker",
        });
    }
    Ok(JpegInfo {
        width,
        height,
        components,
        progressive,
        adobe,
        dpi: jfif_dpi.or(exif_dpi).filter(|d| d.x > 0.0 && d.y > 0.0),
    })
}

/// XResolution / YResolution / ResolutionUnit from EXIF IFD0 (CIPA DC-008 §4.6.4).
fn exif_resolution(tiff: &[u8]) -> Option<Dpi> {
    let le = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |o: usize| -> Option<u16> {
        let b = tiff.get(o..o + 2)?;
        Some(if le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    };
    let u32_at = |o: usize| -> Option<u32> {
        let b = tiff.get(o..o + 4)?;
        Some(if le {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = usize::from(u16_at(ifd)?);
    let (mut x, mut y, mut unit) = (None, None, 2u16);
    for i in 0..count.min(256) {
        let e = ifd + 2 + 12 * i;
        let tag = u16_at(e)?;
        let rational = || -> Option<f64> {
            let off = u32_at(e + 8)? as usize;
            let (n, d) = (u32_at(off)?, u32_at(off + 4)?);
            (d != 0).then(|| f64::from(n) / f64::from(d))
        };
        match tag {
            0x011A => x = rational(),
            0x011B => y = rational(),
            0x0128 => unit = u16_at(e + 8)?,
            _ => {}
        }
    }
    let f = match unit {
        2 => 1.0,
        3 => 2.54,
        _ => return None,
    };
    Some(Dpi {
        x: x? * f,
        y: y? * f,
    })
}

/// The page for a JPEG file: its bytes unchanged.
pub fn page(data: Vec<u8>) -> Result<RasterPage, InputError> {
    let info = parse(&data)?;
    let color = match info.components {
        1 => ImageColor::Gray,
        3 => ImageColor::Rgb,
        _ => ImageColor::Cmyk,
    };
    Ok(RasterPage::single(
        ImageStrip {
            width: info.width,
            height: info.height,
            color,
            bits: 8,
            encoding: ImageEncoding::Dct,
            // Adobe applications store CMYK JPEG samples inverted; the APP14 marker says so.
            inverted: info.components == 4 && info.adobe,
            data,
            soft_mask: None,
        },
        info.dpi,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(img: image::DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
        out
    }

    #[test]
    fn rgb_jpeg_size_and_components() {
        let data = encode(image::DynamicImage::new_rgb8(40, 30));
        let info = parse(&data).unwrap();
        assert_eq!((info.width, info.height, info.components), (40, 30, 3));
        assert!(!info.progressive);
    }

    #[test]
    fn grey_jpeg_is_one_component() {
        let data = encode(image::DynamicImage::new_luma8(10, 12));
        let info = parse(&data).unwrap();
        assert_eq!((info.width, info.height, info.components), (10, 12, 1));
    }

    #[test]
    fn truncated_jpeg_is_refused() {
        let data = encode(image::DynamicImage::new_rgb8(64, 64));
        for cut in [3, 20, data.len() / 2, data.len() - 2] {
            let err = parse(&data[..cut]).unwrap_err();
            assert!(
                matches!(err, InputError::TruncatedJpeg { .. }),
                "cut {cut}: {err:?}"
            );
        }
    }

    #[test]
    fn empty_and_foreign_files() {
        assert!(matches!(parse(b""), Err(InputError::Empty)));
        assert!(matches!(parse(b"%PDF-1.7"), Err(InputError::UnknownFormat)));
    }

    #[test]
    fn jfif_density_in_dots_per_cm_becomes_dpi() {
        let mut data = encode(image::DynamicImage::new_rgb8(8, 8));
        // Replace the encoder's APP0 (if any) by inserting our own right after SOI.
        let app0 = [
            0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 2, 0, 79, 0, 79, 0, 0,
        ];
        data.splice(2..2, app0);
        let info = parse(&data).unwrap();
        let dpi = info.dpi.unwrap();
        assert!((dpi.x - 200.66).abs() < 0.01, "{dpi:?}");
    }

    #[test]
    fn page_keeps_bytes_exactly() {
        let data = encode(image::DynamicImage::new_rgb8(16, 16));
        let page = page(data.clone()).unwrap();
        assert_eq!(page.strips[0].data, data);
        assert_eq!(page.strips[0].encoding, ImageEncoding::Dct);
    }
}
