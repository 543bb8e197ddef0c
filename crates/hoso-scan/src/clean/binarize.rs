//! Sauvola adaptive thresholding into a bilevel page.
//!
//! J. Sauvola, M. Pietikäinen, "Adaptive document image binarization", Pattern Recognition
//! 33 (2000): threshold T = m · (1 + k · (s / R − 1)) over a window around each pixel, with the
//! local mean m and standard deviation s computed from integral images.

use image::GrayImage;

/// Parameters of the Sauvola threshold.
#[derive(Debug, Clone, Copy)]
pub struct Sauvola {
    /// Window side in pixels (odd).
    pub window: u32,
    /// Sensitivity k.
    pub k: f64,
    /// Dynamic range of the standard deviation R.
    pub r: f64,
}

impl Sauvola {
    /// Defaults for a page at `dpi`: a window of about 3 mm, k = 0.2, R = 128.
    pub fn for_dpi(dpi: u32) -> Self {
        Sauvola {
            window: ((dpi as f64 / 8.0) as u32) | 1,
            k: 0.2,
            r: 128.0,
        }
    }
}

/// A bilevel image, one byte per pixel: `true` = black.
#[derive(Debug, Clone)]
pub struct Bilevel {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Row-major pixels, `true` for black.
    pub black: Vec<bool>,
}

impl Bilevel {
    /// As an 8-bit image (black 0, white 255).
    pub fn to_luma(&self) -> GrayImage {
        let px = self
            .black
            .iter()
            .map(|&b| if b { 0 } else { 255 })
            .collect();
        GrayImage::from_raw(self.width, self.height, px)
            .expect("buffer sized from the image's own dimensions")
    }
}

/// Binarizes `grey` with Sauvola's method.
pub fn sauvola(grey: &GrayImage, p: Sauvola) -> Bilevel {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let px = grey.as_raw();
    // Integral images with a zero row and column in front.
    let iw = w + 1;
    let mut sum = vec![0u64; iw * (h + 1)];
    let mut sq = vec![0u64; iw * (h + 1)];
    for y in 0..h {
        let (mut rs, mut rq) = (0u64, 0u64);
        for x in 0..w {
            let v = px[y * w + x] as u64;
            rs += v;
            rq += v * v;
            sum[(y + 1) * iw + x + 1] = sum[y * iw + x + 1] + rs;
            sq[(y + 1) * iw + x + 1] = sq[y * iw + x + 1] + rq;
        }
    }
    let r = (p.window / 2) as usize;
    let mut black = vec![false; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let n = ((y1 - y0) * (x1 - x0)) as f64;
            let box_sum = |t: &[u64]| {
                (t[y1 * iw + x1] + t[y0 * iw + x0] - t[y0 * iw + x1] - t[y1 * iw + x0]) as f64
            };
            let mean = box_sum(&sum) / n;
            let var = (box_sum(&sq) / n - mean * mean).max(0.0);
            let t = mean * (1.0 + p.k * (var.sqrt() / p.r - 1.0));
            black[y * w + x] = (px[y * w + x] as f64) < t;
        }
    }
    Bilevel {
        width: w as u32,
        height: h as u32,
        black,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_on_uneven_paper_binarizes_cleanly() {
        // Paper shading from 180 to 250 left to right, with dark strokes.
        let g = GrayImage::from_fn(200, 60, |x, y| {
            let paper = 180 + (x * 70 / 200) as u8;
            let stroke = x % 20 < 3 && (20..40).contains(&y);
            image::Luma([if stroke { paper / 4 } else { paper }])
        });
        let b = sauvola(&g, Sauvola::for_dpi(200));
        let blacks = b.black.iter().filter(|&&v| v).count();
        assert_eq!(blacks, 10 * 3 * 20, "exactly the strokes are black");
    }
}
