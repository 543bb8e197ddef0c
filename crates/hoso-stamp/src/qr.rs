//! Verification QR codes (ISO/IEC 18004), drawn as filled vector modules so they stay sharp at
//! any print or render resolution.

use qrcode::{EcLevel, QrCode};

use crate::error::StampError;

/// Modules of quiet zone on each side (ISO/IEC 18004 §6.3.8 asks for 4).
pub const QUIET_ZONE_MODULES: usize = 4;

/// A QR symbol: its dark modules and size.
#[derive(Debug, Clone, PartialEq)]
pub struct QrMark {
    text: String,
    width: usize,
    dark: Vec<bool>,
}

impl QrMark {
    /// Encodes `text` with error correction level M (15 % of the symbol may be damaged).
    pub fn new(text: &str) -> Result<Self, StampError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| StampError::Qr(e.to_string()))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(Self {
            text: text.to_owned(),
            width,
            dark,
        })
    }

    /// The encoded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Modules per side, without the quiet zone.
    pub fn modules(&self) -> usize {
        self.width
    }

    /// Modules per side with the quiet zone.
    pub fn modules_with_quiet_zone(&self) -> usize {
        self.width + 2 * QUIET_ZONE_MODULES
    }

    /// Runs of dark modules per row, top row first: `(row, first column, length)`.
    pub(crate) fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.dark[row * self.width + col] {
                    let start = col;
                    while col < self.width && self.dark[row * self.width + col] {
                        col += 1;
                    }
                    runs.push((row, start, col - start));
                } else {
                    col += 1;
                }
            }
        }
        runs
    }

    /// Whether module `(row, col)` is dark.
    pub fn is_dark(&self, row: usize, col: usize) -> bool {
        row < self.width && col < self.width && self.dark[row * self.width + col]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_decodes_back_with_rqrr() {
        let text = "HS1:DEMO.EXAMPLE:12:ABCDEFGHIJKLMNOPQRSTUVWXYZ\n05/SY-UBND";
        let q = QrMark::new(text).unwrap();
        let scale = 4;
        let side = q.modules_with_quiet_zone() * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (c, r) = (x / scale, y / scale);
            let z = QUIET_ZONE_MODULES;
            if r >= z && c >= z && q.is_dark(r - z, c - z) {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, text);
    }
}
