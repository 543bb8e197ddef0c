//! Rotation of the page by the estimated skew, fused with the crop so only the kept pixels are
//! computed, and the paper box in the deskewed frame.
//!
//! The *deskewed frame* is the input image rotated about its centre by minus the skew, keeping
//! the input's width and height; crop boxes in the report are in that frame. Rotations are
//! visual: counter-clockwise positive, as a person sees the page on screen (y grows downwards).

use image::RgbImage;
use serde::{Deserialize, Serialize};

/// An axis-aligned box in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixelBox {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl PixelBox {
    /// The whole of a `width`×`height` image.
    pub fn full(width: u32, height: u32) -> Self {
        PixelBox {
            x: 0,
            y: 0,
            width,
            height,
        }
    }

    /// Intersection over union with another box.
    pub fn iou(&self, other: &PixelBox) -> f64 {
        let x0 = self.x.max(other.x) as f64;
        let y0 = self.y.max(other.y) as f64;
        let x1 = (self.x + self.width).min(other.x + other.width) as f64;
        let y1 = (self.y + self.height).min(other.y + other.height) as f64;
        let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
        let union = self.area() + other.area() - inter;
        if union <= 0.0 {
            0.0
        } else {
            inter / union
        }
    }

    fn area(&self) -> f64 {
        self.width as f64 * self.height as f64
    }
}

/// Maps a point given relative to the image centre by a visual counter-clockwise rotation.
pub fn rotate_ccw(x: f64, y: f64, degrees: f64) -> (f64, f64) {
    let (s, c) = degrees.to_radians().sin_cos();
    (x * c + y * s, -x * s + y * c)
}

/// Produces the `crop` region of the deskewed frame: each output pixel is sampled bilinearly
/// from the input rotated back by `skew_degrees`; samples outside the input are white.
pub fn deskew_and_crop(src: &RgbImage, skew_degrees: f64, crop: PixelBox) -> RgbImage {
    if skew_degrees.abs() < 0.02 {
        return image::imageops::crop_imm(src, crop.x, crop.y, crop.width, crop.height).to_image();
    }
    let (w, h) = src.dimensions();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let (s, c) = skew_degrees.to_radians().sin_cos();
    let raw = src.as_raw();
    let stride = w as usize * 3;
    let mut out = vec![255u8; crop.width as usize * crop.height as usize * 3];
    // A deskewed-frame point q maps back to the input by rotating CCW by the skew:
    // p = R(skew)(q - centre) + centre. Step along the output row incrementally.
    for (v, row) in out.chunks_exact_mut(crop.width as usize * 3).enumerate() {
        let qy = (crop.y as f64 + v as f64 + 0.5) - cy;
        let qx0 = crop.x as f64 + 0.5 - cx;
        let mut px = qx0 * c + qy * s + cx - 0.5;
        let mut py = -qx0 * s + qy * c + cy - 0.5;
        for out_px in row.chunks_exact_mut(3) {
            if px >= 0.0 && py >= 0.0 && px < (w - 1) as f64 && py < (h - 1) as f64 {
                let (x0, y0) = (px as usize, py as usize);
                let (fx, fy) = (px - x0 as f64, py - y0 as f64);
                let wx = (fx * 256.0) as u32;
                let wy = (fy * 256.0) as u32;
                let i = y0 * stride + x0 * 3;
                for ch in 0..3 {
                    let a = raw[i + ch] as u32;
                    let b = raw[i + 3 + ch] as u32;
                    let cc = raw[i + stride + ch] as u32;
                    let d = raw[i + stride + 3 + ch] as u32;
                    let top = a * (256 - wx) + b * wx;
                    let bottom = cc * (256 - wx) + d * wx;
                    out_px[ch] = ((top * (256 - wy) + bottom * wy + (1 << 15)) >> 16) as u8;
                }
            }
            px += c;
            py -= s;
        }
    }
    RgbImage::from_raw(crop.width, crop.height, out).expect("buffer sized from the crop box")
}

/// Finds the sheet of paper in the deskewed frame.
///
/// `background` marks scanner-background pixels of a `w`×`h` analysis image that is `factor`
/// times smaller than the input. Paper pixels are rotated into the deskewed frame and counted
/// per row and column; the paper spans the longest run of rows (columns) holding at least half
/// the fullest row's (column's) count. Returns `None` when there is no background to remove.
pub fn paper_box(
    background: &[bool],
    w: u32,
    h: u32,
    factor: u32,
    skew_degrees: f64,
    full: (u32, u32),
) -> Option<PixelBox> {
    let bg_count = background.iter().filter(|&&b| b).count();
    if (bg_count as f64) < 0.002 * background.len() as f64 {
        return None;
    }
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let mut rows = vec![0u32; h as usize];
    let mut cols = vec![0u32; w as usize];
    for y in 0..h as usize {
        for x in 0..w as usize {
            if background[y * w as usize + x] {
                continue;
            }
            let (qx, qy) = rotate_ccw(x as f64 + 0.5 - cx, y as f64 + 0.5 - cy, -skew_degrees);
            let (qx, qy) = (qx + cx, qy + cy);
            if qx >= 0.0 && qy >= 0.0 && qx < w as f64 && qy < h as f64 {
                rows[qy as usize] += 1;
                cols[qx as usize] += 1;
            }
        }
    }
    let (y0, y1) = longest_run(&rows)?;
    let (x0, x1) = longest_run(&cols)?;
    let f = factor as f64;
    let (fw, fh) = full;
    // Scale the analysis-pixel edges to the input, keeping the box inside the frame.
    let to_full = |lo: usize, hi: usize, limit: u32| -> (u32, u32) {
        let a = ((lo as f64) * f).round().clamp(0.0, limit as f64) as u32;
        let b = ((hi as f64 + 1.0) * f).round().clamp(0.0, limit as f64) as u32;
        (a, b.max(a + 1).min(limit))
    };
    let (bx0, bx1) = to_full(x0, x1, fw);
    let (by0, by1) = to_full(y0, y1, fh);
    Some(PixelBox {
        x: bx0,
        y: by0,
        width: bx1.saturating_sub(bx0).max(1),
        height: by1.saturating_sub(by0).max(1),
    })
}

fn longest_run(counts: &[u32]) -> Option<(usize, usize)> {
    let max = *counts.iter().max()?;
    if max == 0 {
        return None;
    }
    let thr = max / 2;
    let mut best: Option<(usize, usize)> = None;
    let mut start = None;
    for (i, &c) in counts.iter().chain(std::iter::once(&0)).enumerate() {
        match (c > thr, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if best.is_none_or(|(a, b)| i - s > b - a + 1) {
                    best = Some((s, i - 1));
                }
                start = None;
            }
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iou_of_boxes() {
        let a = PixelBox::full(10, 10);
        let b = PixelBox {
            x: 5,
            y: 0,
            width: 10,
            height: 10,
        };
        assert!((a.iou(&a) - 1.0).abs() < 1e-12);
        assert!((a.iou(&b) - 50.0 / 150.0).abs() < 1e-12);
    }

    #[test]
    fn rotation_is_visually_counter_clockwise() {
        // A point to the right of the centre goes up (smaller y) when turned 90° CCW.
        let (x, y) = rotate_ccw(1.0, 0.0, 90.0);
        assert!(x.abs() < 1e-12 && (y + 1.0).abs() < 1e-12);
    }

    #[test]
    fn deskew_without_angle_is_a_plain_crop() {
        let src = RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8, y as u8, 0]));
        let b = PixelBox {
            x: 2,
            y: 3,
            width: 4,
            height: 2,
        };
        let out = deskew_and_crop(&src, 0.0, b);
        assert_eq!(out.get_pixel(0, 0), &image::Rgb([2, 3, 0]));
    }

    #[test]
    fn longest_run_picks_the_paper() {
        let counts = [0, 9, 0, 0, 10, 10, 9, 10, 0, 1];
        assert_eq!(longest_run(&counts), Some((4, 7)));
    }
}
