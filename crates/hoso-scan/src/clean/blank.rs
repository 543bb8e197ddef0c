//! Blank-page detection that ignores bleed-through and scanner noise.
//!
//! The page (deskewed and cropped, at about 100 dpi) is cut into blocks about 1 mm square.
//! A block holds ink when its mean is well below the local paper level (the brightest block
//! mean nearby): bleed-through from the other side is faint and blurred, so it darkens a block
//! by far less than a stroke does; isolated noise pixels are averaged away. Ink blocks that have
//! no ink neighbour (dust, a single speck) do not count. The score is the fraction of the page
//! covered by the remaining ink blocks.

use image::GrayImage;

/// The result of [`score`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlankScore {
    /// Fraction of the page's blocks that hold connected ink (0 for an empty page).
    pub ink_fraction: f64,
}

/// How much darker than the local paper a block must be to hold ink (8-bit levels).
const INK_CONTRAST: u32 = 40;

/// Scores a page for emptiness. `grey` is the analysis image at `dpi` dots per inch.
pub fn score(grey: &GrayImage, dpi: u32) -> BlankScore {
    let (w, h) = grey.dimensions();
    // Ignore a 4% margin: shadows of the paper edge and punch holes are not content.
    let (mx, my) = (w / 25, h / 25);
    let block = ((dpi as f64 / 25.4).round() as u32).max(2);
    let (bw, bh) = (
        (w.saturating_sub(2 * mx)) / block,
        (h.saturating_sub(2 * my)) / block,
    );
    if bw < 3 || bh < 3 {
        return BlankScore { ink_fraction: 0.0 };
    }
    let px = grey.as_raw();
    let mut means = vec![0u32; (bw * bh) as usize];
    for by in 0..bh {
        for bx in 0..bw {
            let mut sum = 0u32;
            for y in 0..block {
                let row = ((my + by * block + y) * w + mx + bx * block) as usize;
                sum += px[row..row + block as usize]
                    .iter()
                    .map(|&v| v as u32)
                    .sum::<u32>();
            }
            means[(by * bw + bx) as usize] = sum / (block * block);
        }
    }
    let paper = local_max(&means, bw as usize, bh as usize, 4);
    let ink: Vec<bool> = means
        .iter()
        .zip(&paper)
        .map(|(&m, &p)| m + INK_CONTRAST < p)
        .collect();
    let (bw, bh) = (bw as usize, bh as usize);
    let mut connected = 0usize;
    for y in 0..bh {
        for x in 0..bw {
            if !ink[y * bw + x] {
                continue;
            }
            let has_neighbour = (y.saturating_sub(1)..=(y + 1).min(bh - 1)).any(|ny| {
                (x.saturating_sub(1)..=(x + 1).min(bw - 1))
                    .any(|nx| (nx, ny) != (x, y) && ink[ny * bw + nx])
            });
            if has_neighbour {
                connected += 1;
            }
        }
    }
    BlankScore {
        ink_fraction: connected as f64 / (bw * bh) as f64,
    }
}

/// Maximum over a (2r+1)² neighbourhood, separably.
fn local_max(v: &[u32], w: usize, h: usize, r: usize) -> Vec<u32> {
    let mut tmp = vec![0u32; v.len()];
    for y in 0..h {
        for x in 0..w {
            let lo = x.saturating_sub(r);
            let hi = (x + r).min(w - 1);
            tmp[y * w + x] = v[y * w + lo..=y * w + hi]
                .iter()
                .copied()
                .max()
                .unwrap_or(0);
        }
    }
    let mut out = vec![0u32; v.len()];
    for y in 0..h {
        let lo = y.saturating_sub(r);
        let hi = (y + r).min(h - 1);
        for x in 0..w {
            out[y * w + x] = (lo..=hi).map(|yy| tmp[yy * w + x]).max().unwrap_or(0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_page_scores_zero_and_text_scores_more() {
        let empty = GrayImage::from_pixel(400, 500, image::Luma([235]));
        assert_eq!(score(&empty, 100).ink_fraction, 0.0);
        let mut text = empty.clone();
        for y in 100..110 {
            for x in 50..350 {
                if x % 3 == 0 {
                    text.put_pixel(x, y, image::Luma([20]));
                }
            }
        }
        assert!(score(&text, 100).ink_fraction > 0.005);
    }

    #[test]
    fn single_specks_and_faint_shading_do_not_count() {
        let mut page = GrayImage::from_pixel(400, 500, image::Luma([235]));
        page.put_pixel(200, 200, image::Luma([0]));
        page.put_pixel(201, 200, image::Luma([0]));
        for y in 300..340 {
            for x in 60..340 {
                page.put_pixel(x, y, image::Luma([205])); // bleed-through-like shading
            }
        }
        assert_eq!(score(&page, 100).ink_fraction, 0.0);
    }
}
