//! Page orientation: which quarter turn makes the text upright.
//!
//! First the direction of the text lines (rows or columns, from the projection profiles), then
//! which side is "up": in Latin-script text, and more so in Vietnamese with its tone marks and
//! circumflexes, more ink sits above a line's x-height band (ascenders, capitals, diacritics)
//! than below it (descenders, the dot of *nặng*). Summed over all lines of the page the
//! asymmetry says where the top of the page is.

use image::GrayImage;

/// The result of [`detect`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Orientation {
    /// Clockwise quarter turn that makes the page upright: 0, 90, 180 or 270.
    pub quarter_turn_cw: u16,
    /// Ink above minus below the x-height bands, over their sum (0 = undecided).
    pub confidence: f64,
}

/// Detects the orientation of a deskewed, cropped page from its ink mask.
///
/// `ink` holds one byte per pixel (non-zero = ink) of a `w`×`h` image.
pub fn detect(ink: &[u8], w: usize, h: usize) -> Orientation {
    let mut rows = vec![0u32; h];
    let mut cols = vec![0u32; w];
    for (y, line) in ink.chunks_exact(w).enumerate() {
        for (x, &v) in line.iter().enumerate() {
            if v != 0 {
                rows[y] += 1;
                cols[x] += 1;
            }
        }
    }
    let horizontal = peakedness(&rows) >= peakedness(&cols);
    let profile = if horizontal { &rows } else { &cols };
    let asym = asymmetry(profile);
    let quarter_turn_cw = match (horizontal, asym >= 0.0) {
        // Rows, more ink towards smaller y: the top is up already.
        (true, true) => 0,
        (true, false) => 180,
        // Columns, more ink towards smaller x: the top of the page is on the left.
        (false, true) => 90,
        (false, false) => 270,
    };
    Orientation {
        quarter_turn_cw,
        confidence: asym.abs(),
    }
}

/// Energy of a profile relative to a flat one of the same mass (1.0 = no structure).
fn peakedness(p: &[u32]) -> f64 {
    let sum: f64 = p.iter().map(|&v| v as f64).sum();
    if sum == 0.0 {
        return 0.0;
    }
    let sq: f64 = p.iter().map(|&v| (v as f64) * (v as f64)).sum();
    sq * p.len() as f64 / (sum * sum)
}

/// Ink above the x-height band minus ink below it, over their sum, across all text lines of the
/// profile (index grows downwards along the lines' normal).
fn asymmetry(p: &[u32]) -> f64 {
    let max = p.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return 0.0;
    }
    let floor = (max as f64 * 0.02) as u32;
    let mut segments: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, &v) in p.iter().chain(std::iter::once(&0)).enumerate() {
        match (v > floor, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                segments.push((s, i - 1));
                start = None;
            }
            _ => {}
        }
    }
    if segments.is_empty() {
        return 0.0;
    }
    let mut heights: Vec<usize> = segments.iter().map(|(a, b)| b - a + 1).collect();
    heights.sort_unstable();
    let median = heights[heights.len() / 2];
    // Diacritics can stand apart from their line by a thin gap: merge such slivers.
    let gap = (median / 3).max(1);
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in segments {
        match merged.last_mut() {
            Some(last) if a - last.1 - 1 <= gap => last.1 = b,
            _ => merged.push((a, b)),
        }
    }
    let (mut above, mut below) = (0f64, 0f64);
    for (a, b) in merged {
        let seg = &p[a..=b];
        if seg.len() < 4 || seg.len() > 6 * median.max(4) {
            continue; // specks, rules, pictures
        }
        let peak = seg.iter().copied().max().unwrap_or(0);
        let core: Vec<usize> = seg
            .iter()
            .enumerate()
            .filter(|(_, &v)| v * 2 >= peak)
            .map(|(i, _)| i)
            .collect();
        let (Some(&ca), Some(&cb)) = (core.first(), core.last()) else {
            continue;
        };
        above += seg[..ca].iter().map(|&v| v as f64).sum::<f64>();
        below += seg[cb + 1..].iter().map(|&v| v as f64).sum::<f64>();
    }
    if above + below == 0.0 {
        0.0
    } else {
        (above - below) / (above + below)
    }
}

/// Turns an image clockwise by a quarter-turn multiple.
pub fn turn_cw<I>(
    img: &I,
    quarter_turn_cw: u16,
) -> image::ImageBuffer<I::Pixel, Vec<<I::Pixel as image::Pixel>::Subpixel>>
where
    I: image::GenericImageView,
    I::Pixel: 'static,
{
    match quarter_turn_cw {
        90 => image::imageops::rotate90(img),
        180 => image::imageops::rotate180(img),
        270 => image::imageops::rotate270(img),
        _ => {
            let mut out = image::ImageBuffer::new(img.width(), img.height());
            // Infallible: same dimensions.
            let _ = image::GenericImage::copy_from(&mut out, img, 0, 0);
            out
        }
    }
}

/// A luma image thresholded into an ink mask (1 = ink).
pub fn ink_mask(grey: &GrayImage, threshold: u8) -> Vec<u8> {
    grey.as_raw()
        .iter()
        .map(|&v| u8::from(v < threshold))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines whose profile has a tall part above a core band and a short tail below.
    fn page(flip: bool, transpose: bool) -> (Vec<u8>, usize, usize) {
        let (w, h) = (200usize, 300usize);
        let mut ink = vec![0u8; w * h];
        for line in 0..10 {
            let top = 20 + line * 26;
            for dy in 0..16 {
                // rows 0..5 ascender zone (sparse), 5..12 core (dense), 12..16 descender (sparser)
                let every = match dy {
                    0..=4 => 4,
                    5..=11 => 1,
                    _ => 9,
                };
                for x in (10..190).step_by(every) {
                    let y = top + dy;
                    let y = if flip { h - 1 - y } else { y };
                    ink[y * w + x] = 1;
                }
            }
        }
        if transpose {
            let mut t = vec![0u8; w * h];
            for y in 0..h {
                for x in 0..w {
                    t[x * h + y] = ink[y * w + x];
                }
            }
            (t, h, w)
        } else {
            (ink, w, h)
        }
    }

    #[test]
    fn upright_and_upside_down() {
        let (ink, w, h) = page(false, false);
        assert_eq!(detect(&ink, w, h).quarter_turn_cw, 0);
        let (ink, w, h) = page(true, false);
        assert_eq!(detect(&ink, w, h).quarter_turn_cw, 180);
    }

    #[test]
    fn quarter_turned_pages() {
        // Transposed upright page: top of the page on the left.
        let (ink, w, h) = page(false, true);
        assert_eq!(detect(&ink, w, h).quarter_turn_cw, 90);
        let (ink, w, h) = page(true, true);
        assert_eq!(detect(&ink, w, h).quarter_turn_cw, 270);
    }
}
