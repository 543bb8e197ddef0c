//! Skew estimation by projection profiles.
//!
//! Text lines are the strongest straight structure on a page. Shearing the ink pixels by
//! `tan a` and histogramming them along the text direction gives a profile whose energy
//! (sum of squared bins) peaks when `a` equals the skew. We search both families — text lines
//! running across (rows) or along (columns, a page turned a quarter) — coarsely over ±10.5°,
//! then finely around the best angle, and interpolate the peak with a parabola.

/// Which way the text lines run in the image as scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFamily {
    /// Lines run left–right (page upright or upside down).
    Rows,
    /// Lines run top–bottom (page turned a quarter).
    Columns,
}

/// The result of [`estimate`].
#[derive(Debug, Clone, Copy)]
pub struct SkewEstimate {
    /// Skew in degrees, counter-clockwise positive.
    pub degrees: f64,
    /// Direction of the text lines.
    pub family: LineFamily,
    /// Profile energy at the best angle relative to a flat profile (1.0 = no structure).
    pub peakedness: f64,
}

/// Largest skew searched, in degrees (a little beyond the ±10° promised).
pub const MAX_SKEW_DEGREES: f64 = 10.5;

/// At most this many ink points take part; more are subsampled evenly.
const MAX_POINTS: usize = 250_000;

/// Estimates the skew from ink points given as coordinates relative to the image centre.
pub fn estimate(points: &[(f32, f32)]) -> Option<SkewEstimate> {
    if points.len() < 200 {
        return None;
    }
    let stride = points.len().div_ceil(MAX_POINTS);
    let pts: Vec<(f32, f32)> = points.iter().step_by(stride).copied().collect();
    let extent = pts
        .iter()
        .fold(0f32, |m, &(x, y)| m.max(x.abs()).max(y.abs()));
    let rows = search(&pts, extent, LineFamily::Rows);
    let cols = search(&pts, extent, LineFamily::Columns);
    let best = if rows.peakedness >= cols.peakedness {
        rows
    } else {
        cols
    };
    Some(best)
}

fn search(pts: &[(f32, f32)], extent: f32, family: LineFamily) -> SkewEstimate {
    let mut profile = Profile::new(extent);
    let coarse = (-21..=21).map(|i| i as f64 * 0.5);
    let (a0, _) = best_of(coarse, |a| profile.energy(pts, a, family));
    let fine = (-12..=12).map(|i| a0 + i as f64 * 0.05);
    let (a1, e1) = best_of(fine, |a| profile.energy(pts, a, family));
    // Parabolic interpolation of the peak on a 0.02° grid around the fine maximum.
    let h = 0.02;
    let (em, ep) = (
        profile.energy(pts, a1 - h, family),
        profile.energy(pts, a1 + h, family),
    );
    let denom = em - 2.0 * e1 + ep;
    let offset = if denom < 0.0 {
        (0.5 * (em - ep) / denom * h).clamp(-h, h)
    } else {
        0.0
    };
    let n = pts.len() as f64;
    SkewEstimate {
        degrees: a1 + offset,
        family,
        peakedness: e1 * profile.bins.len() as f64 / (n * n),
    }
}

fn best_of(angles: impl Iterator<Item = f64>, mut f: impl FnMut(f64) -> f64) -> (f64, f64) {
    let mut best = (0.0, f64::MIN);
    for a in angles {
        let e = f(a);
        if e > best.1 {
            best = (a, e);
        }
    }
    best
}

struct Profile {
    bins: Vec<f32>,
    offset: f32,
}

impl Profile {
    fn new(extent: f32) -> Self {
        let reach = extent * (1.0 + (MAX_SKEW_DEGREES + 1.0).to_radians().tan() as f32) + 2.0;
        Profile {
            bins: vec![0.0; (2.0 * reach) as usize + 2],
            offset: reach,
        }
    }

    /// Sum of squared bins of the projection sheared by `degrees`, with linear splatting so the
    /// energy varies smoothly with the angle.
    fn energy(&mut self, pts: &[(f32, f32)], degrees: f64, family: LineFamily) -> f64 {
        self.bins.iter_mut().for_each(|b| *b = 0.0);
        let t = degrees.to_radians().tan() as f32;
        let last = self.bins.len() - 2;
        for &(x, y) in pts {
            let u = match family {
                LineFamily::Rows => y + x * t,
                LineFamily::Columns => x - y * t,
            } + self.offset;
            let i = (u as usize).min(last);
            let frac = u - i as f32;
            self.bins[i] += 1.0 - frac;
            self.bins[i + 1] += frac;
        }
        self.bins.iter().map(|&b| (b as f64) * (b as f64)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dashed horizontal "text lines" rotated counter-clockwise by `deg` (y down).
    fn lines(deg: f64, vertical: bool) -> Vec<(f32, f32)> {
        let (s, c) = deg.to_radians().sin_cos();
        let mut pts = Vec::new();
        for line in -15..15 {
            for x in -300..300 {
                if (x / 7) % 3 == 0 {
                    continue;
                }
                for dy in 0..5 {
                    let (px, py) = (x as f64, (line * 20 + dy) as f64);
                    let (px, py) = if vertical { (py, px) } else { (px, py) };
                    // CCW rotation as seen on screen: (x, y) -> (x c + y s, -x s + y c).
                    pts.push(((px * c + py * s) as f32, (-px * s + py * c) as f32));
                }
            }
        }
        pts
    }

    #[test]
    fn finds_ccw_positive_skew_of_rows_and_columns() {
        for &deg in &[-9.7, -3.3, 0.0, 0.8, 6.25, 10.0] {
            let e = estimate(&lines(deg, false)).expect("enough points");
            assert_eq!(e.family, LineFamily::Rows);
            assert!(
                (e.degrees - deg).abs() < 0.1,
                "rows {deg}: got {}",
                e.degrees
            );
            let e = estimate(&lines(deg, true)).expect("enough points");
            assert_eq!(e.family, LineFamily::Columns);
            assert!(
                (e.degrees - deg).abs() < 0.1,
                "cols {deg}: got {}",
                e.degrees
            );
        }
    }
}
