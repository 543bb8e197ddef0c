//! A Form XObject (ISO 32000-1 §8.10) used as a widget's normal appearance (§12.5.5): text in
//! an embedded Tinos subset, PNG images with soft masks, QR codes as vector modules.

use hoso_pdf::font::FontSubset;
use hoso_pdf::writer::compress;
use hoso_pdf::ObjectSink;
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect as PdfRect, Ref, Str};

use crate::error::StampError;
use crate::image::StampImage;
use crate::qr::{QrMark, QUIET_ZONE_MODULES};
use crate::text::TextBlock;
use crate::units::Rect;

#[derive(Debug, Clone)]
enum Item {
    Text {
        block: TextBlock,
        x: f32,
        y: f32,
    },
    Image {
        image: StampImage,
        at: Rect,
    },
    Qr {
        mark: QrMark,
        x: f32,
        y: f32,
        side: f32,
    },
}

/// What one widget shows, in its own coordinate space: `(0, 0)` bottom left to
/// `(width, height)` top right — the `/BBox`, mapped onto the widget's `/Rect`.
#[derive(Debug, Clone)]
pub struct Appearance {
    width: f32,
    height: f32,
    items: Vec<Item>,
}

impl Appearance {
    /// An empty appearance of `width × height` points.
    pub fn new(width_pt: f32, height_pt: f32) -> Self {
        Self {
            width: width_pt,
            height: height_pt,
            items: Vec::new(),
        }
    }

    /// Width in points.
    pub fn width_pt(&self) -> f32 {
        self.width
    }

    /// Height in points.
    pub fn height_pt(&self) -> f32 {
        self.height
    }

    /// Draws `block` in black with its bottom-left corner at `(x, y)`.
    pub fn text(&mut self, block: &TextBlock, x: f32, y: f32) -> &mut Self {
        self.items.push(Item::Text {
            block: block.clone(),
            x,
            y,
        });
        self
    }

    /// Draws `image` stretched to `at`.
    pub fn image(&mut self, image: &StampImage, at: Rect) -> &mut Self {
        self.items.push(Item::Image {
            image: image.clone(),
            at,
        });
        self
    }

    /// Draws `mark` (with its quiet zone, white) as a `side`-point square with its bottom-left
    /// corner at `(x, y)`.
    pub fn qr(&mut self, mark: &QrMark, x: f32, y: f32, side: f32) -> &mut Self {
        self.items.push(Item::Qr {
            mark: mark.clone(),
            x,
            y,
            side,
        });
        self
    }

    /// Several appearances, each placed at its rectangle on the page, as one appearance over
    /// the rectangle enclosing them all. One widget can then show parts far apart on a page:
    /// poppler (22.12) does not read a signature field whose widgets are `/Kids`, so a copy's
    /// text block and QR mark share one widget of the organisation's signature.
    pub fn merge(parts: &[(Appearance, Rect)]) -> Option<(Appearance, Rect)> {
        let union = parts.iter().map(|(_, r)| *r).reduce(|a, b| a.union(&b))?;
        let mut out = Appearance::new(union.w, union.h);
        for (ap, r) in parts {
            let (dx, dy) = (r.x - union.x, r.y - union.y);
            for item in &ap.items {
                out.items.push(match item.clone() {
                    Item::Text { block, x, y } => Item::Text {
                        block,
                        x: x + dx,
                        y: y + dy,
                    },
                    Item::Image { image, at } => Item::Image {
                        image,
                        at: Rect {
                            x: at.x + dx,
                            y: at.y + dy,
                            ..at
                        },
                    },
                    Item::Qr { mark, x, y, side } => Item::Qr {
                        mark,
                        x: x + dx,
                        y: y + dy,
                        side,
                    },
                });
            }
        }
        Some((out, union))
    }

    /// Writes the form XObject and everything it uses into `sink`; returns the form.
    pub fn write(&self, sink: &mut dyn ObjectSink) -> Result<Ref, StampError> {
        let form = sink.alloc();
        let mut content = Content::new();
        let mut subset = FontSubset::new(TextBlock::font());
        let mut images: Vec<(String, Ref)> = Vec::new();
        for item in &self.items {
            match item {
                Item::Text { block, x, y } => {
                    content.save_state();
                    content.set_fill_gray(0.0);
                    content.begin_text();
                    content.set_font(Name(b"F1"), block.size_pt());
                    let top = y + block.height_pt();
                    for (i, line) in block.lines().iter().enumerate() {
                        let codes = subset.encode(line)?;
                        let base = top - block.baseline_from_top(i);
                        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, base]);
                        content.show(Str(&codes));
                    }
                    content.end_text();
                    content.restore_state();
                }
                Item::Image { image, at } => {
                    let name = format!("Im{}", images.len() + 1);
                    let r = write_image(image, sink)?;
                    images.push((name.clone(), r));
                    content.save_state();
                    content.transform([at.w, 0.0, 0.0, at.h, at.x, at.y]);
                    content.x_object(Name(name.as_bytes()));
                    content.restore_state();
                }
                Item::Qr { mark, x, y, side } => draw_qr(&mut content, mark, *x, *y, *side),
            }
        }
        let font = if subset.is_empty() {
            None
        } else {
            Some(subset.write(sink).map_err(|e| match e {
                hoso_pdf::font::FontSubsetWriteError::Font(f) => StampError::Font(f),
                hoso_pdf::font::FontSubsetWriteError::Io(io) => StampError::Io(io),
                _ => StampError::Io(std::io::Error::other(e.to_string())),
            })?)
        };
        let data = compress(&content.finish());
        let mut c = Chunk::new();
        let mut x = c.form_xobject(form, &data);
        x.filter(Filter::FlateDecode);
        x.bbox(PdfRect::new(0.0, 0.0, self.width, self.height));
        let mut res = x.resources();
        if let Some(f) = font {
            res.fonts().pair(Name(b"F1"), f);
        }
        if !images.is_empty() {
            let mut xo = res.x_objects();
            for (n, r) in &images {
                xo.pair(Name(n.as_bytes()), *r);
            }
        }
        res.finish();
        x.finish();
        sink.write_object(&c)?;
        Ok(form)
    }
}

/// An 8-bit DeviceRGB image XObject (ISO 32000-1 §8.9.5) with its alpha as an 8-bit DeviceGray
/// `/SMask` (§11.6.5.3).
fn write_image(image: &StampImage, sink: &mut dyn ObjectSink) -> Result<Ref, StampError> {
    let id = sink.alloc();
    let smask = if image.has_alpha() {
        let r = sink.alloc();
        let mut c = Chunk::new();
        let data = compress(image.alpha());
        let mut m = c.image_xobject(r, &data);
        m.width(image.width_px() as i32)
            .height(image.height_px() as i32)
            .bits_per_component(8);
        m.filter(Filter::FlateDecode);
        m.color_space().device_gray();
        m.finish();
        sink.write_object(&c)?;
        Some(r)
    } else {
        None
    };
    let mut c = Chunk::new();
    let data = compress(image.rgb());
    let mut im = c.image_xobject(id, &data);
    im.width(image.width_px() as i32)
        .height(image.height_px() as i32)
        .bits_per_component(8);
    im.filter(Filter::FlateDecode);
    im.color_space().device_rgb();
    if let Some(m) = smask {
        im.s_mask(m);
    }
    im.finish();
    sink.write_object(&c)?;
    Ok(id)
}

fn draw_qr(content: &mut Content, mark: &QrMark, x: f32, y: f32, side: f32) {
    let m = side / mark.modules_with_quiet_zone() as f32;
    let z = QUIET_ZONE_MODULES as f32;
    content.save_state();
    content.set_fill_gray(1.0);
    content.rect(x, y, side, side);
    content.fill_nonzero();
    content.set_fill_gray(0.0);
    for (row, col, len) in mark.dark_runs() {
        let top = y + side - (z + row as f32) * m;
        content.rect(x + (z + col as f32) * m, top - m, len as f32 * m, m);
    }
    content.fill_nonzero();
    content.restore_state();
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sink(i32, Vec<Chunk>);
    impl ObjectSink for Sink {
        fn alloc(&mut self) -> Ref {
            self.0 += 1;
            Ref::new(self.0)
        }
        fn write_object(&mut self, chunk: &Chunk) -> std::io::Result<()> {
            self.1.push(chunk.clone());
            Ok(())
        }
    }

    #[test]
    fn text_appearance_writes_form_and_font_objects() {
        let block = TextBlock::new(&["SAO Y", "Ủy ban nhân dân"], 10.0).unwrap();
        let mut ap = Appearance::new(block.width_pt(), block.height_pt());
        ap.text(&block, 0.0, 0.0);
        let mut sink = Sink(0, Vec::new());
        let form = ap.write(&mut sink).unwrap();
        assert_eq!(form, Ref::new(1));
        // form + Type0 + CIDFont + descriptor + font file + ToUnicode
        assert_eq!(sink.1.len(), 6);
        let all: Vec<u8> = sink.1.iter().flat_map(|c| c.as_bytes().to_vec()).collect();
        let text = String::from_utf8_lossy(&all);
        assert!(text.contains("/Subtype /Form"));
        assert!(text.contains("/ToUnicode"));
        assert!(text.contains("/F1"));
    }
}
