//! Lines of text set in the bundled Tinos (metric-compatible with Times New Roman, which Decree
//! 30/2020/NĐ-CP Appendix I part I prescribes).

use hoso_pdf::font::{tinos_static, Font};

use crate::error::StampError;

/// Left-aligned lines of text in one size, measured when built: a character Tinos lacks is an
/// error here, before anything is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBlock {
    lines: Vec<String>,
    size_pt: f32,
    leading_pt: f32,
    width_pt: f32,
}

impl TextBlock {
    /// `lines` in Tinos Regular at `size_pt`, line spacing 1.2 × size.
    pub fn new(lines: &[&str], size_pt: f32) -> Result<Self, StampError> {
        let font = Self::font();
        let mut width_pt = 0.0f32;
        for l in lines {
            width_pt = width_pt.max(font.width(l, size_pt)?);
        }
        Ok(Self {
            lines: lines.iter().map(|s| (*s).to_owned()).collect(),
            size_pt,
            leading_pt: size_pt * 1.2,
            width_pt,
        })
    }

    /// The font every block is set in.
    pub(crate) fn font() -> &'static Font {
        tinos_static()
    }

    /// The lines.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Font size in points.
    pub fn size_pt(&self) -> f32 {
        self.size_pt
    }

    /// Distance between baselines.
    pub fn leading_pt(&self) -> f32 {
        self.leading_pt
    }

    /// Width of the longest line.
    pub fn width_pt(&self) -> f32 {
        self.width_pt
    }

    /// From the top of the first line's ascender to the bottom of the last line's descender.
    pub fn height_pt(&self) -> f32 {
        let f = Self::font();
        let n = self.lines.len().max(1) as f32;
        f.ascent(self.size_pt) - f.descent(self.size_pt) + (n - 1.0) * self.leading_pt
    }

    /// Baseline of line `i`, measured down from the block's top.
    pub(crate) fn baseline_from_top(&self, i: usize) -> f32 {
        Self::font().ascent(self.size_pt) + i as f32 * self.leading_pt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_glyph_is_an_error_not_a_box() {
        let err = TextBlock::new(&["SAO Y", "Ủy ban ☃"], 10.0).unwrap_err();
        assert!(matches!(err, StampError::Font(_)), "{err}");
    }

    #[test]
    fn height_grows_by_one_leading_per_line() {
        let one = TextBlock::new(&["a"], 10.0).unwrap();
        let three = TextBlock::new(&["a", "b", "c"], 10.0).unwrap();
        assert!((three.height_pt() - one.height_pt() - 24.0).abs() < 1e-3);
    }
}
