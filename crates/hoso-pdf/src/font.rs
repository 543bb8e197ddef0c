//! Embedded fonts with Vietnamese glyphs: a subset of a TrueType font written as a Type0 /
//! CIDFontType2 font with `Identity-H` encoding, a `/W` widths array and a `/ToUnicode` CMap, so
//! every letter renders and copy, paste and search return the NFC text (ISO 32000-1 §9.7, §9.10.3;
//! PDF/A-2 requires the font program embedded, ISO 19005-2 §6.2.11.4).
//!
//! Start from [`Font::tinos`] (bundled, metric-compatible with Times New Roman, which Decree
//! 30/2020/NĐ-CP prescribes but which cannot be redistributed), then a [`FontSubset`] per output:
//! [`FontSubset::encode`] turns text into the 2-byte codes a content stream shows, and fails on a
//! character the font lacks instead of drawing a box; [`FontSubset::write`] writes the objects.

use std::collections::BTreeMap;
use std::io;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};
use unicode_normalization::UnicodeNormalization;

use crate::writer::{compress, ObjectSink};

/// Tinos Regular, SIL OFL 1.1 (assets/fonts/OFL-1.1.txt).
static TINOS_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Tinos-Regular.ttf");
/// Tinos Bold, SIL OFL 1.1.
static TINOS_BOLD: &[u8] = include_bytes!("../../../assets/fonts/Tinos-Bold.ttf");

/// Why text cannot be set in a font.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FontError {
    /// The font file cannot be parsed.
    #[error("tệp phông chữ hỏng / broken font file: {0}")]
    Parse(String),
    /// A character the font has no glyph for.
    #[error("phông {font} không có ký tự '{ch}' (U+{code:04X}) / font {font} has no glyph for '{ch}' (U+{code:04X})")]
    MissingGlyph {
        /// Font name.
        font: String,
        /// The character.
        ch: char,
        /// Its code point.
        code: u32,
    },
    /// Subsetting failed.
    #[error("không cắt gọn được phông chữ / font subsetting failed: {0}")]
    Subset(String),
}

/// A parsed TrueType font.
pub struct Font {
    data: std::borrow::Cow<'static, [u8]>,
    name: String,
    units_per_em: f32,
    ascender: f32,
    descender: f32,
    cap_height: f32,
    letter_span: f32,
    bbox: [f32; 4],
    italic_angle: f32,
    cmap: BTreeMap<char, u16>,
    advances: Vec<u16>,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The bundled Tinos Regular, parsed once for the process.
pub fn tinos_static() -> &'static Font {
    static FONT: std::sync::OnceLock<Font> = std::sync::OnceLock::new();
    FONT.get_or_init(Font::tinos)
}

impl Font {
    /// The bundled Tinos Regular.
    pub fn tinos() -> Self {
        Self::parse(std::borrow::Cow::Borrowed(TINOS_REGULAR)).expect("bundled font parses")
    }

    /// The bundled Tinos Bold.
    pub fn tinos_bold() -> Self {
        Self::parse(std::borrow::Cow::Borrowed(TINOS_BOLD)).expect("bundled font parses")
    }

    /// A TrueType font from bytes.
    pub fn from_bytes(data: Vec<u8>) -> Result<Self, FontError> {
        Self::parse(std::borrow::Cow::Owned(data))
    }

    fn parse(data: std::borrow::Cow<'static, [u8]>) -> Result<Self, FontError> {
        let face =
            ttf_parser::Face::parse(&data, 0).map_err(|e| FontError::Parse(e.to_string()))?;
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "Font".into())
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "");
        let mut cmap = BTreeMap::new();
        if let Some(table) = face.tables().cmap {
            for sub in table.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let (Some(ch), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) {
                        cmap.entry(ch).or_insert(g.0);
                    }
                });
            }
        }
        let advances = (0..face.number_of_glyphs())
            .map(|g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0))
            .collect();
        let b = face.global_bounding_box();
        let glyph_box = |ch: char| {
            face.glyph_index(ch)
                .and_then(|g| face.glyph_bounding_box(g))
        };
        let letter_span = match (glyph_box('d'), glyph_box('p')) {
            (Some(d), Some(p)) if d.y_max > p.y_min => f32::from(d.y_max) - f32::from(p.y_min),
            _ => f32::from(face.ascender()) - f32::from(face.descender()),
        };
        Ok(Self {
            name,
            units_per_em: f32::from(face.units_per_em()),
            ascender: f32::from(face.ascender()),
            descender: f32::from(face.descender()),
            cap_height: f32::from(face.capital_height().unwrap_or(face.ascender())),
            letter_span,
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max].map(f32::from),
            italic_angle: face.italic_angle(),
            cmap,
            advances,
            data,
        })
    }

    /// PostScript name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Glyph for a character.
    pub fn glyph(&self, ch: char) -> Result<u16, FontError> {
        self.cmap
            .get(&ch)
            .copied()
            .filter(|g| *g != 0)
            .ok_or_else(|| FontError::MissingGlyph {
                font: self.name.clone(),
                ch,
                code: ch as u32,
            })
    }

    /// Width of `text` (NFC) at `size` points, in points.
    pub fn width(&self, text: &str, size: f32) -> Result<f32, FontError> {
        let mut units = 0.0;
        for ch in text.nfc() {
            units += f32::from(
                self.advances
                    .get(usize::from(self.glyph(ch)?))
                    .copied()
                    .unwrap_or(0),
            );
        }
        Ok(units / self.units_per_em * size)
    }

    /// Ascender in points at `size`.
    pub fn ascent(&self, size: f32) -> f32 {
        self.ascender / self.units_per_em * size
    }

    /// Descender (negative) in points at `size`.
    pub fn descent(&self, size: f32) -> f32 {
        self.descender / self.units_per_em * size
    }

    /// Height from the bottom of `p` to the top of `d` in points at `size`: the span of plain
    /// Latin letters, which Tesseract reports as a text line's row height (x-height plus
    /// ascenders plus descenders), so a row height divided by this at size 1 is a font size.
    pub fn letter_span(&self, size: f32) -> f32 {
        self.letter_span / self.units_per_em * size
    }

    fn to_pdf_units(&self, v: f32) -> f32 {
        v / self.units_per_em * 1000.0
    }
}

/// The glyphs one output uses of a [`Font`].
pub struct FontSubset<'f> {
    font: &'f Font,
    remapper: subsetter::GlyphRemapper,
    /// New glyph id (= CID) → the text it stands for.
    to_unicode: BTreeMap<u16, String>,
}

impl<'f> FontSubset<'f> {
    /// An empty subset.
    pub fn new(font: &'f Font) -> Self {
        let mut remapper = subsetter::GlyphRemapper::new();
        remapper.remap(0);
        Self {
            font,
            remapper,
            to_unicode: BTreeMap::new(),
        }
    }

    /// The font.
    pub fn font(&self) -> &'f Font {
        self.font
    }

    /// Encodes `text` (normalised to NFC) as 2-byte CIDs for a `Tj` string; every character must
    /// have a glyph.
    pub fn encode(&mut self, text: &str) -> Result<Vec<u8>, FontError> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for ch in text.nfc() {
            let gid = self.font.glyph(ch)?;
            let cid = self.remapper.remap(gid);
            self.to_unicode.entry(cid).or_insert_with(|| ch.to_string());
            out.extend(cid.to_be_bytes());
        }
        Ok(out)
    }

    /// Writes the font program subset, descriptor, CID font, ToUnicode CMap and Type0 font;
    /// returns the Type0 font to name in `/Resources /Font`.
    pub fn write(&self, sink: &mut dyn ObjectSink) -> Result<Ref, FontSubsetWriteError> {
        let type0 = sink.alloc();
        self.write_as(type0, sink)?;
        Ok(type0)
    }

    /// Like [`FontSubset::write`], with the Type0 font's object number chosen beforehand (pages
    /// that use the font can be written before the subset is complete).
    pub fn write_as(
        &self,
        type0: Ref,
        sink: &mut dyn ObjectSink,
    ) -> Result<(), FontSubsetWriteError> {
        let font = self.font;
        let subset = subsetter::subset(&font.data, 0, &self.remapper)
            .map_err(|e| FontError::Subset(format!("{e:?}")))?;
        // Subset tag (ISO 32000-1 §9.6.4): six capitals derived from the glyph set.
        let mut tag_seed: u32 = 2166136261;
        for g in self.remapper.remapped_gids() {
            tag_seed = (tag_seed ^ u32::from(g)).wrapping_mul(16777619);
        }
        let tag: String = (0..6)
            .map(|i| (b'A' + ((tag_seed >> (i * 5)) % 26) as u8) as char)
            .collect();
        let base_font = format!("{tag}+{}", font.name);

        let (cid, descriptor, file, cmap) =
            (sink.alloc(), sink.alloc(), sink.alloc(), sink.alloc());

        let mut c = Chunk::new();
        let compressed = compress(&subset);
        c.stream(file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);
        sink.write_object(&c)?;

        let mut c = Chunk::new();
        c.font_descriptor(descriptor)
            .name(Name(base_font.as_bytes()))
            .flags(FontFlags::SERIF | FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                font.to_pdf_units(font.bbox[0]),
                font.to_pdf_units(font.bbox[1]),
                font.to_pdf_units(font.bbox[2]),
                font.to_pdf_units(font.bbox[3]),
            ))
            .italic_angle(font.italic_angle)
            .ascent(font.to_pdf_units(font.ascender))
            .descent(font.to_pdf_units(font.descender))
            .cap_height(font.to_pdf_units(font.cap_height))
            .stem_v(80.0)
            .font_file2(file);
        sink.write_object(&c)?;

        let mut c = Chunk::new();
        let mut cid_font = c.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(Name(base_font.as_bytes()))
            .system_info(SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            })
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut widths = cid_font.widths();
            for (new, old) in self.remapper.remapped_gids().enumerate() {
                let w = font.advances.get(usize::from(old)).copied().unwrap_or(0);
                widths.consecutive(new as u16, [font.to_pdf_units(f32::from(w))]);
            }
        }
        cid_font.finish();
        sink.write_object(&c)?;

        let info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        };
        let mut map = UnicodeCmap::new(Name(b"Adobe-Identity-UCS"), info);
        for (cid, text) in &self.to_unicode {
            map.pair_with_multiple(*cid, text.chars());
        }
        let cmap_bytes = map.finish();
        let mut c = Chunk::new();
        c.cmap(cmap, &cmap_bytes)
            .writing_mode(pdf_writer::writers::WMode::Horizontal)
            .system_info(info);
        sink.write_object(&c)?;

        let mut c = Chunk::new();
        c.type0_font(type0)
            .base_font(Name(base_font.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        sink.write_object(&c)?;
        Ok(())
    }

    /// Keeps only the characters the font has; returns the kept text and how many were dropped.
    pub fn filter_supported(&self, text: &str) -> (String, usize) {
        let mut dropped = 0;
        let kept = text
            .nfc()
            .filter(|c| {
                let ok = self.font.glyph(*c).is_ok();
                dropped += usize::from(!ok);
                ok
            })
            .collect();
        (kept, dropped)
    }

    /// True when no text was encoded yet.
    pub fn is_empty(&self) -> bool {
        self.to_unicode.is_empty()
    }
}

/// Writing a font subset failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FontSubsetWriteError {
    /// The font could not be subset.
    #[error(transparent)]
    Font(#[from] FontError),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tinos_has_every_vietnamese_letter() {
        let font = Font::tinos();
        let letters = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";
        for ch in letters.chars().chain(letters.to_uppercase().chars()) {
            assert!(font.glyph(ch).is_ok(), "{ch}");
        }
    }

    #[test]
    fn missing_glyph_is_an_error_naming_the_character() {
        let font = Font::tinos();
        let mut s = FontSubset::new(&font);
        let err = s.encode("Hồ sơ ☃").unwrap_err();
        assert_eq!(
            err,
            FontError::MissingGlyph {
                font: "Tinos".into(),
                ch: '☃',
                code: 0x2603
            }
        );
    }

    #[test]
    fn decomposed_input_is_encoded_as_nfc() {
        let font = Font::tinos();
        let mut a = FontSubset::new(&font);
        let mut b = FontSubset::new(&font);
        // "ệ" precomposed vs e + circumflex + dot below.
        assert_eq!(
            a.encode("\u{1EC7}").unwrap(),
            b.encode("e\u{0302}\u{0323}").unwrap()
        );
        assert_eq!(a.encode("ệ").unwrap().len(), 2);
    }

    #[test]
    fn tinos_letter_span_is_between_cap_height_and_font_box() {
        let font = Font::tinos();
        let span = font.letter_span(1.0);
        assert!(
            span > 0.8 && span < font.ascent(1.0) - font.descent(1.0),
            "{span}"
        );
    }

    #[test]
    fn width_scales_with_size() {
        let font = Font::tinos();
        let w10 = font.width("SAO Y", 10.0).unwrap();
        let w20 = font.width("SAO Y", 20.0).unwrap();
        assert!(w10 > 20.0 && w10 < 40.0, "{w10}");
        assert!((w20 - 2.0 * w10).abs() < 1e-3);
    }
}
