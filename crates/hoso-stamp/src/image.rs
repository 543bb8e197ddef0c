//! Seal and signature images: PNG decoded to RGB + alpha (the alpha becomes an `/SMask`, ISO
//! 32000-1 §11.6.5.3, allowed in PDF/A-2, ISO 19005-2 §6.4), physical size from `pHYs`, and the
//! checks of Decree 30/2020/NĐ-CP Appendix I part I: transparent background, red seal, blue
//! signature, seal at its real size.

use std::io::Cursor;

use crate::error::{ImageRule, StampError};
use crate::units::mm;

/// Smallest share of fully transparent pixels for a "transparent background".
const MIN_TRANSPARENT_SHARE: f64 = 0.20;
/// Smallest share of the ink that must have the prescribed colour.
const MIN_INK_COLOUR_SHARE: f64 = 0.80;
/// Seal sizes accepted as real, in mm (Vietnamese official seals are roughly 30–45 mm across).
pub const SEAL_MM_RANGE: (f64, f64) = (20.0, 60.0);

/// A decoded PNG ready to embed.
#[derive(Debug, Clone, PartialEq)]
pub struct StampImage {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    alpha: Vec<u8>,
    /// Pixels per metre (x, y) from `pHYs`, when the unit is the metre.
    ppm: Option<(u32, u32)>,
}

impl StampImage {
    /// Decodes a PNG of any colour type and bit depth.
    pub fn from_png(data: &[u8]) -> Result<Self, StampError> {
        let png_err = |e: png::DecodingError| StampError::Png(e.to_string());
        let mut dec = png::Decoder::new(Cursor::new(data));
        dec.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = dec.read_info().map_err(png_err)?;
        let ppm = reader.info().pixel_dims.and_then(|d| {
            (d.unit == png::Unit::Meter && d.xppu > 0 && d.yppu > 0).then_some((d.xppu, d.yppu))
        });
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| StampError::Png("image too large".into()))?;
        let mut buf = vec![0u8; size];
        let out = reader.next_frame(&mut buf).map_err(png_err)?;
        let (w, h) = (out.width, out.height);
        let n = (w as usize) * (h as usize);
        let mut rgb = Vec::with_capacity(n * 3);
        let mut alpha = Vec::with_capacity(n);
        let stride = out.line_size;
        for row in buf.chunks(stride).take(h as usize) {
            for px in 0..w as usize {
                let (r, g, b, a) = match out.color_type {
                    png::ColorType::Grayscale => {
                        let v = row[px];
                        (v, v, v, 255)
                    }
                    png::ColorType::GrayscaleAlpha => {
                        let v = row[px * 2];
                        (v, v, v, row[px * 2 + 1])
                    }
                    png::ColorType::Rgb => (row[px * 3], row[px * 3 + 1], row[px * 3 + 2], 255),
                    png::ColorType::Rgba => (
                        row[px * 4],
                        row[px * 4 + 1],
                        row[px * 4 + 2],
                        row[px * 4 + 3],
                    ),
                    png::ColorType::Indexed => {
                        return Err(StampError::Png("palette was not expanded".into()))
                    }
                };
                rgb.extend([r, g, b]);
                alpha.push(a);
            }
        }
        if alpha.len() != n {
            return Err(StampError::Png("truncated image data".into()));
        }
        Ok(Self {
            width: w,
            height: h,
            rgb,
            alpha,
            ppm,
        })
    }

    /// Width in pixels.
    pub fn width_px(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height_px(&self) -> u32 {
        self.height
    }

    /// RGB samples, 8 bits each, row by row.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// Alpha samples (255 = opaque).
    pub fn alpha(&self) -> &[u8] {
        &self.alpha
    }

    /// Whether any pixel is not fully opaque (an `/SMask` is needed).
    pub fn has_alpha(&self) -> bool {
        self.alpha.iter().any(|&a| a != 255)
    }

    /// Physical size in mm from the PNG's `pHYs`, when it gives one in pixels per metre.
    pub fn physical_size_mm(&self) -> Option<(f64, f64)> {
        self.ppm.map(|(x, y)| {
            (
                f64::from(self.width) * 1000.0 / f64::from(x),
                f64::from(self.height) * 1000.0 / f64::from(y),
            )
        })
    }

    /// Height / width.
    pub fn aspect(&self) -> f32 {
        self.height as f32 / self.width as f32
    }

    fn transparent_share(&self) -> f64 {
        let clear = self.alpha.iter().filter(|&&a| a == 0).count();
        clear as f64 / self.alpha.len().max(1) as f64
    }

    /// Share of the ink (pixels at least half opaque) for which `is_colour(r, g, b)` holds.
    fn ink_share(&self, is_colour: impl Fn(i32, i32, i32) -> bool) -> f64 {
        let mut ink = 0usize;
        let mut hit = 0usize;
        for (px, &a) in self.rgb.chunks_exact(3).zip(&self.alpha) {
            if a >= 128 {
                ink += 1;
                if is_colour(i32::from(px[0]), i32::from(px[1]), i32::from(px[2])) {
                    hit += 1;
                }
            }
        }
        hit as f64 / ink.max(1) as f64
    }

    fn check_transparent(&self) -> Result<(), ImageRule> {
        let share = self.transparent_share();
        if share < MIN_TRANSPARENT_SHARE {
            return Err(ImageRule::NotTransparent {
                transparent_percent: share * 100.0,
            });
        }
        Ok(())
    }

    /// Decree 30/2020 Appendix I part I for the organisation's seal: transparent background,
    /// red, shown at the seal's real size. The size is `seal_mm` (the seal's width) when given,
    /// else the PNG's `pHYs`. Returns the size to draw, in points.
    pub fn check_seal(&self, seal_mm: Option<f64>) -> Result<(f32, f32), ImageRule> {
        self.check_transparent()?;
        let red = self.ink_share(|r, g, b| r >= 120 && r >= g + 60 && r >= b + 60);
        if red < MIN_INK_COLOUR_SHARE {
            return Err(ImageRule::SealNotRed {
                percent: red * 100.0,
            });
        }
        let (w_mm, h_mm) = match (seal_mm, self.physical_size_mm()) {
            (Some(w), _) => (w, w * f64::from(self.aspect())),
            (None, Some(s)) => s,
            (None, None) => return Err(ImageRule::SealSizeUnknown),
        };
        let (min_mm, max_mm) = SEAL_MM_RANGE;
        let ok = |v: f64| v.is_finite() && (min_mm..=max_mm).contains(&v);
        if !ok(w_mm) || !ok(h_mm) {
            return Err(ImageRule::SealSize {
                width_mm: w_mm,
                height_mm: h_mm,
                min_mm,
                max_mm,
            });
        }
        Ok((mm(w_mm as f32), mm(h_mm as f32)))
    }

    /// Decree 30/2020 Appendix I part I for the competent person's signature image:
    /// transparent background, blue.
    pub fn check_signature(&self) -> Result<(), ImageRule> {
        self.check_transparent()?;
        let blue = self.ink_share(|r, g, b| b >= 100 && b >= r + 40 && b >= g + 20);
        if blue < MIN_INK_COLOUR_SHARE {
            return Err(ImageRule::SignatureNotBlue {
                percent: blue * 100.0,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RGBA PNG of a filled disc of `ink` on a transparent (or white) ground, with `pHYs`.
    pub(crate) fn disc_png(
        side: u32,
        ink: [u8; 3],
        transparent: bool,
        ppm: Option<u32>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, side, side);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            if let Some(p) = ppm {
                enc.set_pixel_dims(Some(png::PixelDimensions {
                    xppu: p,
                    yppu: p,
                    unit: png::Unit::Meter,
                }));
            }
            let mut w = enc.write_header().unwrap();
            let c = side as f32 / 2.0;
            let mut data = Vec::new();
            for y in 0..side {
                for x in 0..side {
                    let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
                    if d < c * 0.9 && d > c * 0.75 {
                        data.extend(ink);
                        data.push(255);
                    } else if transparent {
                        data.extend([0, 0, 0, 0]);
                    } else {
                        data.extend([255, 255, 255, 255]);
                    }
                }
            }
            w.write_image_data(&data).unwrap();
        }
        out
    }

    #[test]
    fn seal_size_comes_from_phys() {
        // 400 px at 10000 px/m = 40 mm.
        let img = StampImage::from_png(&disc_png(400, [210, 20, 30], true, Some(10_000))).unwrap();
        let (w, h) = img.check_seal(None).unwrap();
        assert!((crate::units::to_mm(w) - 40.0).abs() < 0.01);
        assert!((crate::units::to_mm(h) - 40.0).abs() < 0.01);
    }

    #[test]
    fn white_ground_is_refused_naming_the_rule() {
        let img = StampImage::from_png(&disc_png(100, [210, 20, 30], false, Some(2500))).unwrap();
        let e = img.check_seal(None).unwrap_err();
        assert!(matches!(e, ImageRule::NotTransparent { .. }));
        assert!(e.to_string().contains("Phụ lục I"), "{e}");
    }

    #[test]
    fn blue_seal_is_refused() {
        let img = StampImage::from_png(&disc_png(100, [20, 40, 200], true, Some(2500))).unwrap();
        assert!(matches!(
            img.check_seal(None),
            Err(ImageRule::SealNotRed { .. })
        ));
        assert!(img.check_signature().is_ok());
    }

    #[test]
    fn absurd_size_and_unknown_size_are_refused() {
        // 400 px at 1000 px/m = 400 mm.
        let img = StampImage::from_png(&disc_png(400, [210, 20, 30], true, Some(1000))).unwrap();
        assert!(matches!(
            img.check_seal(None),
            Err(ImageRule::SealSize { .. })
        ));
        assert!(img.check_seal(Some(38.0)).is_ok());
        let img = StampImage::from_png(&disc_png(100, [210, 20, 30], true, None)).unwrap();
        assert_eq!(img.check_seal(None), Err(ImageRule::SealSizeUnknown));
    }

    #[test]
    fn garbage_is_a_png_error() {
        assert!(matches!(
            StampImage::from_png(b"not a png"),
            Err(StampError::Png(_))
        ));
    }
}
