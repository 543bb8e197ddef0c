//! Reading an existing PDF just enough to place a stamp: page geometry, the signer block near
//! the end of a page (Decree 30/2020/NĐ-CP Appendix I: the signature goes between the signer's
//! title line and name line, in the right-hand column), and the visible signature widgets
//! already on a page (the seal overlaps the person's signature).
//!
//! The signer block is found from the text the page shows — real text or a hoso OCR layer —
//! by interpreting the content stream's text positioning (ISO 32000-1 §9.4.2) under the current
//! transformation matrix (§8.3.4): the lowest pair of right-column lines separated by a gap tall
//! enough to sign in is taken as title (above) and name (below).

use hoso_pdf::read::content::{self, Event, Operand};
use hoso_pdf::read::{Dict, ObjRef, Object, PdfFile};

use crate::error::StampError;
use crate::units::{mm, Rect};

/// Smallest vertical gap between title and name baselines that leaves room to sign.
const MIN_SIGNING_GAP_PT: f32 = 36.0;

/// A page of a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageGeometry {
    /// 0-based page index.
    pub index: usize,
    /// `/MediaBox` (inherited if need be), in points.
    pub media_box: Rect,
    /// `/Rotate` in degrees.
    pub rotate: i64,
}

/// Where a signature image goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignerBlock {
    /// 0-based page index.
    pub page_index: usize,
    /// Centre of the space between title and name lines.
    pub centre: (f32, f32),
    /// Height available there.
    pub max_height: f32,
    /// Whether it was found from the page's text (false: the default right-column position).
    pub found: bool,
}

/// An opened document, read with hoso's own reader ([`hoso_pdf::read`]) under its limits.
pub struct PdfPages {
    file: PdfFile<Vec<u8>>,
    pages: Vec<(ObjRef, Dict)>,
}

impl std::fmt::Debug for PdfPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("pages", &self.pages.len())
            .finish_non_exhaustive()
    }
}

impl PdfPages {
    /// Parses `pdf`.
    pub fn parse(pdf: &[u8]) -> Result<Self, StampError> {
        let file = PdfFile::open(pdf.to_vec())?;
        let pages = file.pages()?;
        Ok(Self { file, pages })
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page_dict(&self, index: usize) -> Result<&Dict, StampError> {
        self.pages
            .get(index)
            .map(|(_, d)| d)
            .ok_or(StampError::NoSuchPage {
                page: index + 1,
                count: self.pages.len(),
            })
    }

    fn resolve(&self, o: &Object) -> Object {
        self.file.resolve(o).unwrap_or(Object::Null)
    }

    fn number(&self, o: &Object) -> Option<f32> {
        match self.resolve(o) {
            Object::Integer(i) => Some(i as f32),
            Object::Real(r) if r.is_finite() => Some(r as f32),
            _ => None,
        }
    }

    /// Geometry of page `index` (0-based).
    pub fn page(&self, index: usize) -> Result<PageGeometry, StampError> {
        let page = self.page_dict(index)?;
        let mb = self
            .file
            .inherited(page, "MediaBox")?
            .and_then(|o| {
                o.as_array().map(|a| {
                    a.iter()
                        .filter_map(|v| self.number(v))
                        .collect::<Vec<f32>>()
                })
            })
            .filter(|v| v.len() == 4)
            .unwrap_or_else(|| vec![0.0, 0.0, 595.276, 841.89]);
        let rotate = self
            .file
            .inherited(page, "Rotate")?
            .and_then(|o| o.as_i64())
            .unwrap_or(0);
        Ok(PageGeometry {
            index,
            media_box: Rect {
                x: mb[0].min(mb[2]),
                y: mb[1].min(mb[3]),
                w: (mb[2] - mb[0]).abs(),
                h: (mb[3] - mb[1]).abs(),
            },
            rotate,
        })
    }

    /// Rectangles of the visible signature widgets on page `index`, in `/Annots` order.
    pub fn signature_widgets(&self, index: usize) -> Result<Vec<Rect>, StampError> {
        let page = self.page_dict(index)?;
        let annots = match page.get("Annots").map(|a| self.resolve(a)) {
            Some(Object::Array(a)) => a,
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for a in &annots {
            let Some(a) = self.resolve(a).as_dict().cloned() else {
                continue;
            };
            let is_sig = a.name("FT") == Some(b"Sig")
                || a.get("Parent")
                    .map(|p| self.resolve(p))
                    .and_then(|p| p.as_dict().and_then(|p| p.name("FT").map(<[u8]>::to_vec)))
                    .as_deref()
                    == Some(b"Sig");
            let rect: Vec<f32> = match a.get("Rect").map(|r| self.resolve(r)) {
                Some(Object::Array(r)) => r.iter().filter_map(|v| self.number(v)).collect(),
                _ => Vec::new(),
            };
            if is_sig && rect.len() == 4 {
                let r = Rect {
                    x: rect[0].min(rect[2]),
                    y: rect[1].min(rect[3]),
                    w: (rect[2] - rect[0]).abs(),
                    h: (rect[3] - rect[1]).abs(),
                };
                if r.w > 1.0 && r.h > 1.0 {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    /// The signer block on page `index`: found from its text, else the default position in
    /// the right-hand column 60 mm above the bottom edge.
    pub fn signer_block(&self, index: usize) -> Result<SignerBlock, StampError> {
        let page = self.page(index)?;
        let runs = self.text_runs(self.page_dict(index)?);
        Ok(find_signer_block(&runs, &page).unwrap_or(SignerBlock {
            page_index: index,
            centre: (
                page.media_box.x + page.media_box.w * 0.72,
                page.media_box.y + mm(60.0),
            ),
            max_height: mm(20.0),
            found: false,
        }))
    }

    /// The text runs of a page; a page whose content or resources cannot be read has none (the
    /// stamp then goes to the default position).
    fn text_runs(&self, page: &Dict) -> Vec<TextRun> {
        let Ok(content) = self.file.page_content(page) else {
            return Vec::new();
        };
        let fonts = self
            .file
            .inherited(page, "Resources")
            .ok()
            .flatten()
            .and_then(|r| r.as_dict().and_then(|r| r.get("Font").cloned()))
            .map(|f| self.resolve(&f))
            .and_then(|f| f.as_dict().cloned())
            .unwrap_or_default();
        let two_byte = |name: &[u8]| {
            fonts
                .get_bytes(name)
                .map(|f| self.resolve(f))
                .is_some_and(|f| f.as_dict().and_then(|d| d.name("Subtype")) == Some(b"Type0"))
        };
        interpret(&content, two_byte)
    }
}

/// A shown string: start point, estimated end, baseline y and size, in default user space.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TextRun {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
}

type Matrix = [f32; 6];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn nums(ops: &[Operand]) -> Vec<f32> {
    ops.iter()
        .filter_map(Operand::number)
        .map(|n| n as f32)
        .collect()
}

/// Text positioning and showing operators (ISO 32000-1 §9.4) under q/Q/cm (§8.4.4).
fn interpret(content: &[u8], two_byte: impl Fn(&[u8]) -> bool) -> Vec<TextRun> {
    let mut runs = Vec::new();
    let mut ctm = IDENTITY;
    let mut stack: Vec<Matrix> = Vec::new();
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let (mut size, mut leading, mut wide) = (0.0f32, 0.0f32, false);
    content::walk(content, |ev| {
        let Event::Op(op, operands) = ev else { return };
        let n = nums(operands);
        match op {
            b"q" => stack.push(ctm),
            b"Q" => ctm = stack.pop().unwrap_or(IDENTITY),
            b"cm" if n.len() == 6 => ctm = mul(&[n[0], n[1], n[2], n[3], n[4], n[5]], &ctm),
            b"BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            b"Tf" => {
                size = n.first().copied().unwrap_or(0.0);
                wide = operands
                    .first()
                    .and_then(Operand::name)
                    .is_some_and(&two_byte);
            }
            b"TL" => leading = n.first().copied().unwrap_or(0.0),
            b"Tm" if n.len() == 6 => {
                tlm = [n[0], n[1], n[2], n[3], n[4], n[5]];
                tm = tlm;
            }
            b"Td" | b"TD" if n.len() == 2 => {
                if op == b"TD" {
                    leading = -n[1];
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, n[0], n[1]], &tlm);
                tm = tlm;
            }
            b"T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                tm = tlm;
            }
            b"Tj" | b"TJ" | b"'" | b"\"" => {
                if op == b"'" || op == b"\"" {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                    tm = tlm;
                }
                let bytes: usize = operands
                    .iter()
                    .map(|o| match o {
                        Operand::Str(s) => s.len(),
                        Operand::Array(a) => a
                            .iter()
                            .map(|x| match x {
                                Operand::Str(s) => s.len(),
                                _ => 0,
                            })
                            .sum(),
                        _ => 0,
                    })
                    .sum();
                let glyphs = if wide { bytes / 2 } else { bytes } as f32;
                let width_text = glyphs * size * 0.5;
                let m = mul(&tm, &ctm);
                let scale_y = (m[2] * m[2] + m[3] * m[3]).sqrt();
                let scale_x = (m[0] * m[0] + m[1] * m[1]).sqrt();
                if size > 0.0 && glyphs > 0.0 {
                    runs.push(TextRun {
                        x0: m[4],
                        x1: m[4] + width_text * scale_x,
                        y: m[5],
                        size: size * scale_y,
                    });
                }
                tm = mul(&[1.0, 0.0, 0.0, 1.0, width_text, 0.0], &tm);
            }
            _ => {}
        }
    });
    runs
}

/// A line: runs at about the same baseline.
#[derive(Debug, Clone, Copy)]
struct Line {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
}

fn find_signer_block(runs: &[TextRun], page: &PageGeometry) -> Option<SignerBlock> {
    let mb = page.media_box;
    let mut runs: Vec<TextRun> = runs
        .iter()
        .copied()
        .filter(|r| {
            r.size > 2.0
                && r.y > mb.y + mm(10.0)
                && r.y < mb.y + mb.h * 0.65
                && (r.x0 + r.x1) / 2.0 > mb.x + mb.w * 0.45
        })
        .collect();
    runs.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut lines: Vec<Line> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            Some(l) if (l.y - r.y).abs() < 0.5 * l.size.max(r.size) => {
                l.x0 = l.x0.min(r.x0);
                l.x1 = l.x1.max(r.x1);
                l.size = l.size.max(r.size);
            }
            _ => lines.push(Line {
                x0: r.x0,
                x1: r.x1,
                y: r.y,
                size: r.size,
            }),
        }
    }
    // From the bottom up: the first (name, title) pair with room to sign between them.
    for pair in lines.windows(2).rev() {
        let (title, name) = (pair[0], pair[1]);
        let gap = title.y - name.y;
        if gap >= MIN_SIGNING_GAP_PT {
            let top = title.y - 0.3 * title.size;
            let bottom = name.y + 0.8 * name.size;
            let cx = ((title.x0 + title.x1) / 2.0 + (name.x0 + name.x1) / 2.0) / 2.0;
            return Some(SignerBlock {
                page_index: page.index,
                centre: (cx, (top + bottom) / 2.0),
                max_height: (top - bottom).max(mm(8.0)),
                found: true,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: f32, y: f32) -> TextRun {
        TextRun {
            x0: x,
            x1: x + 80.0,
            y,
            size: 13.0,
        }
    }

    #[test]
    fn title_and_name_with_a_gap_make_the_block() {
        let page = PageGeometry {
            index: 0,
            media_box: Rect {
                x: 0.0,
                y: 0.0,
                w: 595.0,
                h: 842.0,
            },
            rotate: 0,
        };
        // Body text on the left, "Nơi nhận" on the left, title and name on the right.
        let runs = [
            run(90.0, 500.0),
            run(350.0, 400.0),
            run(90.0, 390.0),
            run(350.0, 300.0),
        ];
        let b = find_signer_block(&runs, &page).unwrap();
        assert!(b.found);
        assert!((b.centre.0 - 390.0).abs() < 1.0, "{b:?}");
        assert!(b.centre.1 > 300.0 && b.centre.1 < 400.0, "{b:?}");
        assert!(find_signer_block(&runs[..2], &page).is_none());
    }
}
