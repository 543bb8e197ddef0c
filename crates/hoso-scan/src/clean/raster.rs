//! Small raster helpers shared by the cleanup steps: luma, box downsampling, histograms and
//! Otsu's threshold, and the dark region connected to the image border.

use image::{GrayImage, RgbImage};

/// ITU-R BT.601 luma in 8-bit fixed point: (77 R + 150 G + 29 B) / 256.
pub fn luma(rgb: &RgbImage) -> GrayImage {
    let (w, h) = rgb.dimensions();
    let mut out = Vec::with_capacity(w as usize * h as usize);
    out.extend(
        rgb.as_raw()
            .chunks_exact(3)
            .map(|p| ((77 * p[0] as u32 + 150 * p[1] as u32 + 29 * p[2] as u32) >> 8) as u8),
    );
    GrayImage::from_raw(w, h, out).expect("buffer sized from the image's own dimensions")
}

/// Averages `factor`×`factor` blocks; edge blocks that do not fit are dropped.
pub fn downsample(grey: &GrayImage, factor: u32) -> GrayImage {
    if factor <= 1 {
        return grey.clone();
    }
    let (w, h) = grey.dimensions();
    let (sw, sh) = ((w / factor).max(1), (h / factor).max(1));
    let src = grey.as_raw();
    let f = factor as usize;
    let mut sums = vec![0u32; sw as usize];
    let mut out = Vec::with_capacity(sw as usize * sh as usize);
    let area = (f * f) as u32;
    for by in 0..sh as usize {
        sums.iter_mut().for_each(|s| *s = 0);
        for y in by * f..((by + 1) * f).min(h as usize) {
            let row = &src[y * w as usize..(y + 1) * w as usize];
            for (bx, s) in sums.iter_mut().enumerate() {
                let start = bx * f;
                let end = (start + f).min(row.len());
                *s += row[start..end].iter().map(|&v| v as u32).sum::<u32>();
            }
        }
        out.extend(sums.iter().map(|&s| (s / area) as u8));
    }
    GrayImage::from_raw(sw, sh, out).expect("buffer sized from the computed dimensions")
}

/// Histogram of an 8-bit image.
pub fn histogram(grey: &GrayImage) -> [u64; 256] {
    let mut h = [0u64; 256];
    for &v in grey.as_raw() {
        h[v as usize] += 1;
    }
    h
}

/// The smallest level at or below which `fraction` of the pixels lie.
pub fn percentile(hist: &[u64; 256], fraction: f64) -> u8 {
    let total: u64 = hist.iter().sum();
    let want = (total as f64 * fraction).ceil() as u64;
    let mut acc = 0;
    for (level, &n) in hist.iter().enumerate() {
        acc += n;
        if acc >= want.max(1) {
            return level as u8;
        }
    }
    255
}

/// Otsu's threshold on the image (the level that best separates dark from light).
pub fn otsu(grey: &GrayImage) -> u8 {
    imageproc::contrast::otsu_level(grey)
}

/// Marks pixels darker than `threshold` that are 4-connected to the image border: the scanner
/// background around a sheet of paper.
pub fn dark_border_region(grey: &GrayImage, threshold: u8) -> Vec<bool> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let px = grey.as_raw();
    let mut mark = vec![false; w * h];
    let mut stack: Vec<usize> = Vec::new();
    let seed = |i: usize, mark: &mut Vec<bool>, stack: &mut Vec<usize>| {
        if px[i] < threshold && !mark[i] {
            mark[i] = true;
            stack.push(i);
        }
    };
    for x in 0..w {
        seed(x, &mut mark, &mut stack);
        seed((h - 1) * w + x, &mut mark, &mut stack);
    }
    for y in 0..h {
        seed(y * w, &mut mark, &mut stack);
        seed(y * w + w - 1, &mut mark, &mut stack);
    }
    while let Some(i) = stack.pop() {
        let (x, y) = (i % w, i / w);
        let mut visit = |j: usize| {
            if px[j] < threshold && !mark[j] {
                mark[j] = true;
                stack.push(j);
            }
        };
        if x > 0 {
            visit(i - 1);
        }
        if x + 1 < w {
            visit(i + 1);
        }
        if y > 0 {
            visit(i - w);
        }
        if y + 1 < h {
            visit(i + w);
        }
    }
    mark
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsample_averages_blocks() {
        let g = GrayImage::from_fn(4, 2, |x, _| image::Luma([if x < 2 { 0 } else { 200 }]));
        let s = downsample(&g, 2);
        assert_eq!(s.dimensions(), (2, 1));
        assert_eq!(s.as_raw(), &vec![0, 200]);
    }

    #[test]
    fn border_region_stops_at_paper() {
        // 6x6 dark frame one pixel wide around light paper holding one dark "ink" pixel.
        let g = GrayImage::from_fn(6, 6, |x, y| {
            let edge = x == 0 || y == 0 || x == 5 || y == 5;
            image::Luma([if edge || (x, y) == (3, 3) { 10 } else { 240 }])
        });
        let m = dark_border_region(&g, 128);
        assert!(m[0] && m[5 * 6 + 5]);
        assert!(!m[3 * 6 + 3], "ink inside the paper is not background");
        assert_eq!(m.iter().filter(|&&b| b).count(), 20);
    }

    #[test]
    fn percentile_finds_levels() {
        let g = GrayImage::from_fn(10, 10, |x, _| image::Luma([(x * 20) as u8]));
        let h = histogram(&g);
        assert_eq!(percentile(&h, 0.5), 80);
        assert_eq!(percentile(&h, 1.0), 180);
    }
}
