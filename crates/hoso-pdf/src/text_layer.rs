//! The invisible OCR text layer of a raster page (text render mode 3, ISO 32000-1 §9.3.6).
//!
//! The layer is written line by line, as Tesseract's own PDF renderer does: each text line gets
//! one text matrix turned to its baseline's angle (`Tm`, ISO 32000-1 §9.4.2), and its words follow
//! along that baseline in reading order (`Td`), each set in the embedded Tinos subset at the
//! line's font size and stretched (`Tz`, §9.3.4) to the word's length, with a space after it. On
//! a scan that is a little askew, text extractors (pdftotext, pypdf) then see one line of one size
//! where the page has one, so copy, paste and search read the words in order; the word boxes stay
//! on the words.
//!
//! Start from [`TextLayer`]: what OCR found on one page, in image pixels.

use crate::font::FontSubset;

/// An invisible text layer for a raster page: text lines with their baselines and words, in image
/// pixels (origin top left), as OCR reports them.
#[derive(Debug, Clone, Default)]
pub struct TextLayer {
    /// Width of the image the coordinates refer to.
    pub width_px: u32,
    /// Height of the image the coordinates refer to.
    pub height_px: u32,
    /// Lines in reading order.
    pub lines: Vec<TextLine>,
}

impl TextLayer {
    /// Every word, line after line.
    pub fn words(&self) -> impl Iterator<Item = &TextWord> {
        self.lines.iter().flat_map(|l| l.words.iter())
    }

    /// The words in reading order separated by single spaces.
    pub fn plain_text(&self) -> String {
        self.words()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One line of a [`TextLayer`].
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The baseline through two points, left end first: `[x1, y1, x2, y2]` in pixels. Its angle
    /// is the angle the line's text is set at.
    pub baseline: [f64; 4],
    /// Height of the line's letters from descender to ascender (the span of `p` to `d`), in
    /// pixels; 0 when unknown, then the words' boxes give the size.
    pub row_height_px: f64,
    /// The words in reading order.
    pub words: Vec<TextWord>,
}

/// One word of a [`TextLine`].
#[derive(Debug, Clone, PartialEq)]
pub struct TextWord {
    /// The text (any normalisation; NFC is applied).
    pub text: String,
    /// Left edge in pixels.
    pub left: u32,
    /// Top edge in pixels.
    pub top: u32,
    /// Right edge in pixels.
    pub right: u32,
    /// Bottom edge in pixels.
    pub bottom: u32,
}

/// Image pixels to page points (origin bottom left, y up).
struct PageScale {
    sx: f64,
    sy: f64,
    height_pt: f64,
}

impl PageScale {
    fn point(&self, x: f64, y: f64) -> (f64, f64) {
        (x * self.sx, self.height_pt - y * self.sy)
    }
}

/// A word placed on its line's baseline: where it starts along the baseline and how long it is,
/// in points.
struct Placed {
    start: f64,
    length: f64,
    text: String,
}

/// Where a word's box lies along a baseline of direction `dir` through `origin` (points).
///
/// The box of a word set at angle φ is the axis-aligned box of a rectangle of length `L` and
/// height `h`: `W = L|cos φ| + h|sin φ|`, `H = L|sin φ| + h|cos φ|`; solving for `L` undoes the
/// widening that the tilt adds. The box's centre is the rectangle's centre, so the word starts
/// half its length before the centre's projection on the baseline.
fn place_on_baseline(
    word: &TextWord,
    scale: &PageScale,
    origin: (f64, f64),
    dir: (f64, f64),
) -> (f64, f64) {
    let (x0, y0) = scale.point(f64::from(word.left), f64::from(word.top));
    let (x1, y1) = scale.point(f64::from(word.right), f64::from(word.bottom));
    let (w, h) = ((x1 - x0).abs(), (y1 - y0).abs());
    let centre = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let along = (centre.0 - origin.0) * dir.0 + (centre.1 - origin.1) * dir.1;
    let (c, s) = (dir.0.abs(), dir.1.abs());
    let det = c * c - s * s;
    let solved = (w * c - h * s) / det;
    // Near 45° the two readings cannot be told apart; there the wider side is the length.
    let length = if det.abs() >= 0.5 && solved > 0.0 {
        solved
    } else if c >= s {
        w
    } else {
        h
    };
    (along - length / 2.0, length)
}

/// Perpendicular height of a word's letters, by the same solution as [`place_on_baseline`].
fn letter_height(word: &TextWord, scale: &PageScale, dir: (f64, f64)) -> f64 {
    let w = f64::from(word.right.saturating_sub(word.left)) * scale.sx;
    let h = f64::from(word.bottom.saturating_sub(word.top)) * scale.sy;
    let (c, s) = (dir.0.abs(), dir.1.abs());
    let det = c * c - s * s;
    let solved = (h * c - w * s) / det;
    if det.abs() >= 0.5 && solved > 0.0 {
        solved
    } else if c >= s {
        h
    } else {
        w
    }
}

/// The least height, in em, of the tallest letters of a line of text, accents included (Tinos:
/// capitals with an accent above reach about 0.92 em, `g` goes 0.22 em below the baseline).
const TALLEST_INK_EM: f64 = 0.9;

/// How far, as a fraction of the font size, one line's words may rise or fall from its first word
/// and still be read as one line by poppler (pdftotext, Evince, Okular): its line builder takes
/// words whose baselines lie within half the font size of the line's first word
/// (`maxIntraLineDelta` in poppler's `TextOutputDev.cc`), with a margin for rounding.
const POPPLER_LINE_RISE: f64 = 0.45;

/// The direction and start (the first word's origin) the line is written with.
///
/// Along the fitted baseline when the line rises or falls less than [`POPPLER_LINE_RISE`] × the
/// font size from end to end, which on a full-width line of 12 pt text is up to about 0.7° of
/// skew. A steeper line would be cut by poppler into pieces that it then sorts by height, so the
/// end of a line rising to the right comes out before its beginning (the reading-order bug of
/// issue #22, which Tesseract's own PDF renderer has as well); such a line is turned only as far
/// as poppler still reads it as one line, about its middle, so words near its ends sit up to
/// (rise − allowed rise) / 2 above or below their place on the image.
fn poppler_safe_baseline(
    origin: (f64, f64),
    dir: (f64, f64),
    placed: &[Placed],
    size: f64,
) -> ((f64, f64), (f64, f64)) {
    let first = placed.first().map_or(0.0, |p| p.start);
    let end = placed
        .iter()
        .map(|p| p.start + p.length)
        .fold(first, f64::max);
    let span = end - first;
    let at = |d: (f64, f64), o: (f64, f64), u: f64| (o.0 + u * d.0, o.1 + u * d.1);
    let start = at(dir, origin, first);
    let allowed = POPPLER_LINE_RISE * size;
    // Only lines that run mostly left to right are flattened; vertical text is left as it is.
    if span <= 0.0 || dir.0.abs() < dir.1.abs() || (span * dir.1).abs() <= allowed {
        return (dir, start);
    }
    let middle = at(dir, origin, (first + end) / 2.0);
    let rise = (allowed / span).min(1.0).copysign(dir.1);
    let run = (1.0 - rise * rise).sqrt().copysign(dir.0);
    let flat = (run, rise);
    (flat, at(flat, middle, -span / 2.0))
}

/// Content-stream operators (`BT … ET`) for an invisible text layer on a page of
/// `width_pt` × `height_pt` points, using `font` under the resource name `/{font_name}`. Returns
/// the operators (empty when no word could be set) and how many characters were left out because
/// the font has no glyph for them.
pub(crate) fn layer_operators(
    layer: &TextLayer,
    subset: &mut FontSubset<'_>,
    font_name: &str,
    width_pt: f64,
    height_pt: f64,
) -> (Vec<u8>, usize) {
    if layer.width_px == 0 || layer.height_px == 0 {
        return (Vec::new(), 0);
    }
    let scale = PageScale {
        sx: width_pt / f64::from(layer.width_px),
        sy: height_pt / f64::from(layer.height_px),
        height_pt,
    };
    let font = subset.font();
    let font_box = f64::from(font.ascent(1.0) - font.descent(1.0));
    let letter_span = f64::from(font.letter_span(1.0));
    let mut ops = String::from("\nBT 3 Tr\n");
    let mut dropped = 0;
    let mut written = 0;
    for line in &layer.lines {
        let [bx1, by1, bx2, by2] = line.baseline;
        let origin = scale.point(bx1, by1);
        let end = scale.point(bx2, by2);
        let (dx, dy) = (end.0 - origin.0, end.1 - origin.1);
        let len = dx.hypot(dy);
        let dir = if len > 0.0 && len.is_finite() {
            (dx / len, dy / len)
        } else {
            (1.0, 0.0)
        };
        let mut placed = Vec::with_capacity(line.words.len());
        let mut tallest: f64 = 0.0;
        for word in &line.words {
            let (text, n) = subset.filter_supported(&word.text);
            dropped += n;
            if text.is_empty() || word.right <= word.left || word.bottom <= word.top {
                continue;
            }
            tallest = tallest.max(letter_height(word, &scale, dir));
            let (start, length) = place_on_baseline(word, &scale, origin, dir);
            placed.push(Placed {
                start,
                length,
                text,
            });
        }
        if placed.is_empty() {
            continue;
        }
        // Tesseract's row height spans `p` to `d`. On a line of capitals with Vietnamese accents
        // it counts the accents as ascenders and comes out too tall, so it is capped by the
        // tallest word: a line's tallest letters, accents included, span at least
        // TALLEST_INK_EM of the font size. Without a row height the tallest word fills the
        // font's box.
        let row_height_pt = line.row_height_px * scale.sy;
        let size = if row_height_pt > 0.0 && letter_span > 0.0 {
            (row_height_pt / letter_span).min(tallest / TALLEST_INK_EM)
        } else {
            tallest / font_box
        }
        .clamp(1.0, 1000.0);
        let first = &placed[0];
        let (dir, (ox, oy)) = poppler_safe_baseline(origin, dir, &placed, size);
        ops.push_str(&format!(
            "/{font_name} {size:.2} Tf {:.5} {:.5} {:.5} {:.5} {ox:.2} {oy:.2} Tm\n",
            dir.0,
            dir.1,
            // + 0.0 turns -0 into 0 for a level line.
            -dir.1 + 0.0,
            dir.0
        ));
        let mut at = first.start;
        for (i, word) in placed.iter().enumerate() {
            let natural = f64::from(font.width(&word.text, size as f32).unwrap_or(0.0));
            if natural <= 0.0 {
                continue;
            }
            // The space after each word (the line's last too) keeps words apart for extractors
            // that read the operators in order rather than by position.
            let Ok(codes) = subset.encode(&format!("{} ", word.text)) else {
                continue;
            };
            let stretch = (word.length / natural * 100.0).clamp(1.0, 1000.0);
            if i > 0 {
                ops.push_str(&format!("{:.2} 0 Td ", word.start - at));
                at = word.start;
            }
            let hex: String = codes.iter().map(|b| format!("{b:02X}")).collect();
            ops.push_str(&format!("{stretch:.2} Tz <{hex}> Tj\n"));
            written += 1;
        }
    }
    if written == 0 {
        return (Vec::new(), dropped);
    }
    ops.push_str("ET\n");
    (ops.into_bytes(), dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::Font;

    fn word(text: &str, left: u32, top: u32, right: u32, bottom: u32) -> TextWord {
        TextWord {
            text: text.into(),
            left,
            top,
            right,
            bottom,
        }
    }

    fn ops(layer: &TextLayer) -> String {
        let font = Font::tinos();
        let mut subset = FontSubset::new(&font);
        let (bytes, dropped) = layer_operators(layer, &mut subset, "OCR", 1000.0, 1000.0);
        assert_eq!(dropped, 0);
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn level_line_is_one_matrix_and_words_step_along_it() {
        let layer = TextLayer {
            width_px: 1000,
            height_px: 1000,
            lines: vec![TextLine {
                baseline: [100.0, 100.0, 400.0, 100.0],
                row_height_px: 20.0,
                words: vec![word("ab", 100, 80, 200, 104), word("cd", 300, 80, 400, 104)],
            }],
        };
        let text = ops(&layer);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "BT 3 Tr");
        // One Tf and Tm for the line, at the first word's start on the baseline (y flipped).
        let size = 20.0 / Font::tinos().letter_span(1.0);
        assert_eq!(
            lines[2],
            format!("/OCR {size:.2} Tf 1.00000 0.00000 0.00000 1.00000 100.00 900.00 Tm")
        );
        assert!(lines[3].ends_with(" Tj") && lines[3].contains(" Tz <"));
        assert!(lines[4].starts_with("200.00 0 Td "), "{}", lines[4]);
        assert_eq!(lines[5], "ET");
        assert_eq!(text.matches(" Tm").count(), 1);
    }

    #[test]
    fn tilted_line_turns_the_matrix_and_keeps_word_lengths() {
        // Rising 1° to the right on the image (y down): counter-clockwise on the page.
        let angle = 1f64.to_radians();
        let y_at = |x: f64| 500.0 - (x - 100.0) * angle.tan();
        let layer = TextLayer {
            width_px: 1000,
            height_px: 1000,
            lines: vec![TextLine {
                baseline: [100.0, 500.0, 900.0, y_at(900.0)],
                row_height_px: 0.0,
                words: vec![word("Hồ", 100, 470, 160, 506)],
            }],
        };
        let text = ops(&layer);
        let tm = text.lines().nth(2).unwrap();
        let nums: Vec<f64> = tm
            .split_whitespace()
            .skip(3)
            .take(4)
            .map(|v| v.parse().unwrap())
            .collect();
        assert!((nums[0] - angle.cos()).abs() < 1e-4 && (nums[1] - angle.sin()).abs() < 1e-4);
        assert!((nums[2] + angle.sin()).abs() < 1e-4 && (nums[3] - angle.cos()).abs() < 1e-4);
        // The word's length undoes the widening by its height's tilt: shorter than its box.
        let (start, length) = place_on_baseline(
            &layer.lines[0].words[0],
            &PageScale {
                sx: 1.0,
                sy: 1.0,
                height_pt: 1000.0,
            },
            (100.0, 500.0),
            (angle.cos(), angle.sin()),
        );
        assert!(length < 60.0 && length > 58.5, "{length}");
        assert!(start.abs() < 1.0, "{start}");
    }

    #[test]
    fn characters_without_glyph_are_counted_and_empty_layers_write_nothing() {
        let font = Font::tinos();
        let mut subset = FontSubset::new(&font);
        let layer = TextLayer {
            width_px: 100,
            height_px: 100,
            lines: vec![TextLine {
                baseline: [0.0, 50.0, 100.0, 50.0],
                row_height_px: 10.0,
                words: vec![word("☃", 10, 40, 20, 52)],
            }],
        };
        let (bytes, dropped) = layer_operators(&layer, &mut subset, "OCR", 100.0, 100.0);
        assert!(bytes.is_empty());
        assert_eq!(dropped, 1);
    }
}
