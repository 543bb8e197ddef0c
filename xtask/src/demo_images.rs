//! `cargo xtask certs` (also `cargo xtask certs images`): the DEMO seal and the DEMO handwritten
//! signature images, drawn here from scratch (no fonts, no outside files).
//!
//! - `certs/demo-seal.png`: a round red seal, 40 mm across at 300 dpi (its `pHYs` says so), on a
//!   transparent ground, whose ring reads "HOSO DEMO * KHONG CO GIA TRI *" ("no validity") and
//!   whose centre reads "DEMO" — never a real organisation's seal.
//! - `certs/demo-signature.png`: a blue scribble on a transparent ground, 60 × 24 mm at 300 dpi.
//!
//! These are what Decree 30/2020/NĐ-CP Appendix I asks of such images (red seal at real size,
//! blue signature, PNG with transparent background); hoso-stamp checks the same rules.

use std::f32::consts::PI;
use std::path::Path;

use anyhow::{Context, Result};

/// 300 dpi in pixels per metre, for `pHYs`.
const PPM_300_DPI: u32 = 11_811;
const SEAL_RED: [u8; 3] = [218, 30, 40];
const INK_BLUE: [u8; 3] = [20, 50, 170];

/// 5×7 capitals, one row per byte, bit 4 = leftmost column.
fn glyph(c: char) -> [u8; 7] {
    match c {
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        '*' => [0x00, 0x04, 0x15, 0x0E, 0x15, 0x04, 0x00],
        _ => [0; 7],
    }
}

/// Whether `(u, v)` — glyph cells, origin at the glyph's centre, v up — is inked.
fn in_glyph(c: char, u: f32, v: f32) -> bool {
    let col = (u + 2.5).floor();
    let row_from_bottom = (v + 3.5).floor();
    if !(0.0..5.0).contains(&col) || !(0.0..7.0).contains(&row_from_bottom) {
        return false;
    }
    let row = 6 - row_from_bottom as usize;
    glyph(c)[row] & (0x10 >> col as u32) != 0
}

/// Renders `inked(x, y)` (y up, pixel units) with 4×4 supersampling into RGBA.
fn render(w: u32, h: u32, ink: [u8; 3], inked: impl Fn(f32, f32) -> bool) -> Vec<u8> {
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for py in 0..h {
        for px in 0..w {
            let mut hits = 0u32;
            for sy in 0..4 {
                for sx in 0..4 {
                    let x = px as f32 + (sx as f32 + 0.5) / 4.0;
                    let y = (h - py) as f32 - (sy as f32 + 0.5) / 4.0;
                    hits += u32::from(inked(x, y));
                }
            }
            out.extend(ink);
            out.push((hits * 255 / 16) as u8);
        }
    }
    out
}

fn write_png(path: &Path, w: u32, h: u32, rgba: &[u8]) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(f), w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: PPM_300_DPI,
        yppu: PPM_300_DPI,
        unit: png::Unit::Meter,
    }));
    let mut wr = enc.write_header()?;
    wr.write_image_data(rgba)?;
    wr.finish()?;
    Ok(())
}

/// The seal: 40 mm = 472 px at 300 dpi.
fn seal() -> (u32, Vec<u8>) {
    let side = 472u32;
    let c = side as f32 / 2.0;
    let ring_text: Vec<char> = "HOSO DEMO * KHONG CO GIA TRI * ".chars().collect();
    let n = ring_text.len() as f32;
    let text_r = c * 0.75;
    let cell = c * 0.022;
    let big = c * 0.03;
    let inked = |x: f32, y: f32| {
        let (dx, dy) = (x - c, y - c);
        let r = (dx * dx + dy * dy).sqrt();
        if (c * 0.93..c * 0.985).contains(&r) || (c * 0.55..c * 0.575).contains(&r) {
            return true;
        }
        if (c * 0.6..c * 0.9).contains(&r) {
            // Ring text, clockwise from the top left, letters standing on the inner side.
            let phi = dy.atan2(dx);
            let start = PI / 2.0 + PI * 0.85;
            let step = 2.0 * PI / n;
            let k = ((start - phi).rem_euclid(2.0 * PI) / step + 0.5).floor();
            let theta = start - k * step;
            let ch = ring_text[(k as usize) % ring_text.len()];
            let (cx, cy) = (c + text_r * theta.cos(), c + text_r * theta.sin());
            let (ux, uy) = (theta.sin(), -theta.cos());
            let (vx, vy) = (theta.cos(), theta.sin());
            let (ex, ey) = (x - cx, y - cy);
            return in_glyph(ch, (ex * ux + ey * uy) / cell, (ex * vx + ey * vy) / cell);
        }
        if r < c * 0.5 {
            // "DEMO" across the middle.
            let word = ['D', 'E', 'M', 'O'];
            let u = dx / big;
            let v = dy / big;
            let slot = ((u + 13.0) / 6.5).floor();
            if (0.0..4.0).contains(&slot) {
                let local_u = u + 13.0 - slot * 6.5 - 3.25;
                return in_glyph(word[slot as usize], local_u, v);
            }
        }
        false
    };
    (side, render(side, side, SEAL_RED, inked))
}

/// The signature: 60 × 24 mm = 709 × 283 px at 300 dpi; strokes stamped as discs along a curve.
fn signature() -> (u32, u32, Vec<u8>) {
    let (w, h) = (709u32, 283u32);
    let mut alpha = vec![0f32; (w * h) as usize];
    let radius = 4.0f32;
    let mut stamp = |x: f32, y: f32| {
        let (x0, x1) = (
            (x - radius - 1.0).max(0.0) as u32,
            (x + radius + 1.0).min(w as f32 - 1.0) as u32,
        );
        let (y0, y1) = (
            (y - radius - 1.0).max(0.0) as u32,
            (y + radius + 1.0).min(h as f32 - 1.0) as u32,
        );
        for py in y0..=y1 {
            for px in x0..=x1 {
                let d = ((px as f32 + 0.5 - x).powi(2) + (py as f32 + 0.5 - y).powi(2)).sqrt();
                let a = (radius + 0.5 - d).clamp(0.0, 1.0);
                let i = (py * w + px) as usize;
                alpha[i] = alpha[i].max(a);
            }
        }
    };
    let steps = 6000;
    for i in 0..=steps {
        let t = i as f32 / steps as f32;
        // A running loop-and-swash: loops from the fast sine, drift from t.
        let x = w as f32 * (0.08 + 0.78 * t + 0.05 * (t * 2.0 * PI * 7.0).sin());
        let y = h as f32 * (0.5 + 0.28 * (t * 2.0 * PI * 7.0).cos() * (1.0 - 0.5 * t) - 0.1 * t);
        stamp(x, y);
    }
    for i in 0..=2000 {
        let t = i as f32 / 2000.0;
        let x = w as f32 * (0.12 + 0.8 * t);
        let y = h as f32 * (0.82 - 0.1 * (t * PI).sin());
        stamp(x, y);
    }
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for a in alpha {
        out.extend(INK_BLUE);
        out.push((a * 255.0) as u8);
    }
    (w, h, out)
}

/// Writes both images into `dir`.
pub fn generate(dir: &Path) -> Result<()> {
    let (side, rgba) = seal();
    write_png(&dir.join("demo-seal.png"), side, side, &rgba)?;
    let (w, h, rgba) = signature();
    write_png(&dir.join("demo-signature.png"), w, h, &rgba)?;
    Ok(())
}
