//! Copying pages of existing PDFs into a dossier (ISO 32000-1 §7.7.3), keeping PDF/A-2 rules:
//! encrypted files are refused, every font must be embedded, LZW streams are re-encoded as Flate
//! (ISO 19005-2 §6.1.7.2), annotations, actions and page-level JavaScript are not carried over,
//! `/Interpolate`, `/OPI` and `/Alternates` are dropped (§6.2.8, §6.2.9), and each page gets a
//! `/DefaultCMYK` colour space so DeviceCMYK content is allowed next to the sRGB OutputIntent
//! (§6.2.4.3).

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId};
use pdf_writer::Ref;

use crate::error::{InputError, PdfError, PdfaViolation};
use crate::writer::{compress, DossierWriter, PagePlacement};

/// Keys never copied: PDF/A forbids them or they point outside the page.
const DROPPED_KEYS: &[&[u8]] = &[
    b"Interpolate",
    b"OPI",
    b"Alternates",
    b"AA",
    b"JS",
    b"Annots",
    b"Parent",
    b"StructParents",
    b"StructParent",
    b"PieceInfo",
    b"Thumb",
    b"B",
];

/// The object number standing for the generated CMYK profile while serialising.
const CMYK_PLACEHOLDER: ObjectId = (u32::MAX, u16::MAX);

/// An opened source PDF whose pages can be copied into one dossier; objects shared by several
/// pages (fonts, images) are copied once.
pub struct PdfImporter {
    doc: Document,
    pages: Vec<ObjectId>,
    map: HashMap<ObjectId, Ref>,
}

impl PdfImporter {
    /// Parses a PDF held in memory.
    pub fn load(data: &[u8]) -> Result<Self, InputError> {
        if data.is_empty() {
            return Err(InputError::Empty);
        }
        // lopdf parses every object with no resource limits: hoso's reader checks them first.
        crate::read::file::preflight(data).map_err(|e| InputError::BadPdf {
            reason: e.to_string(),
        })?;
        let doc = Document::load_mem(data).map_err(|e| {
            let msg = e.to_string();
            if msg.to_lowercase().contains("encrypt") || msg.to_lowercase().contains("password") {
                InputError::EncryptedPdf
            } else {
                InputError::BadPdf { reason: msg }
            }
        })?;
        if doc.was_encrypted() || doc.is_encrypted() || doc.trailer.get(b"Encrypt").is_ok() {
            return Err(InputError::EncryptedPdf);
        }
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if pages.is_empty() {
            return Err(InputError::BadPdf {
                reason: "the document has no pages".into(),
            });
        }
        Ok(Self {
            doc,
            pages,
            map: HashMap::new(),
        })
    }

    /// Number of pages.
    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }

    /// Copies page `page_no` (1-based) into the dossier.
    pub fn import_page<W: Write>(
        &mut self,
        writer: &mut DossierWriter<W>,
        page_no: u32,
    ) -> Result<PagePlacement, PdfError> {
        let bad = |reason: &str| InputError::BadPdfPage {
            page: page_no,
            reason: reason.to_owned(),
        };
        let page_id = *self
            .pages
            .get(page_no as usize - 1)
            .ok_or_else(|| bad("no such page"))?;
        let page = self
            .doc
            .get_dictionary(page_id)
            .map_err(|e| bad(&e.to_string()))?
            .clone();
        let media_box = self
            .inherited(&page, b"MediaBox")
            .and_then(|o| self.number_array(&o))
            .filter(|b| b.len() == 4)
            .ok_or_else(|| bad("missing or malformed /MediaBox"))?;
        let crop_box = self
            .inherited(&page, b"CropBox")
            .and_then(|o| self.number_array(&o))
            .filter(|b| b.len() == 4);
        let rotate = self
            .inherited(&page, b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0)
            .saturating_add(i64::from(writer.rotation()))
            .rem_euclid(360);
        let mut resources = match self.inherited(&page, b"Resources") {
            Some(Object::Reference(id)) => self
                .doc
                .get_dictionary(id)
                .map_err(|e| bad(&e.to_string()))?
                .clone(),
            Some(Object::Dictionary(d)) => d,
            _ => Dictionary::new(),
        };
        self.check_fonts(&resources, page_no, &mut HashSet::new())?;

        // /DefaultCMYK in the page's colour spaces (ISO 32000-1 §8.6.5.6).
        let cmyk = writer.cmyk_profile()?;
        let mut spaces = match resources.get(b"ColorSpace") {
            Ok(Object::Reference(id)) => self.doc.get_dictionary(*id).cloned().unwrap_or_default(),
            Ok(Object::Dictionary(d)) => d.clone(),
            _ => Dictionary::new(),
        };
        spaces.set(
            "DefaultCMYK",
            Object::Array(vec![
                Object::Name(b"ICCBased".to_vec()),
                Object::Reference(CMYK_PLACEHOLDER),
            ]),
        );
        resources.set("ColorSpace", Object::Dictionary(spaces));

        let mut body = Vec::new();
        let mut queue = VecDeque::new();
        body.extend(b"<< /Type /Page /Parent ");
        write_ref(&mut body, writer.pages_root());
        body.extend(b" /MediaBox ");
        write_numbers(&mut body, &media_box);
        if let Some(cb) = &crop_box {
            body.extend(b" /CropBox ");
            write_numbers(&mut body, cb);
        }
        if rotate != 0 {
            body.extend(format!(" /Rotate {rotate}").as_bytes());
        }
        body.extend(b" /Resources ");
        self.serialize(
            &Object::Dictionary(resources),
            &mut body,
            writer,
            &mut queue,
            cmyk,
        );
        for key in [b"Contents".as_slice(), b"Group"] {
            if let Ok(v) = page.get(key) {
                body.push(b' ');
                write_name(&mut body, key);
                body.push(b' ');
                self.serialize(v, &mut body, writer, &mut queue, cmyk);
            }
        }
        body.extend(b" >>");
        self.drain(writer, &mut queue, page_no, cmyk)?;
        let page_ref = writer.alloc().bump();
        writer.write_raw_object(page_ref, &body)?;
        writer.push_page_ref(page_ref);

        let (w, h) = (
            f64::from(media_box[2] - media_box[0]).abs(),
            f64::from(media_box[3] - media_box[1]).abs(),
        );
        let (w, h) = if rotate % 180 == 90 { (h, w) } else { (w, h) };
        Ok(PagePlacement {
            width_pt: w,
            height_pt: h,
            dpi: None,
            fitted_to_a4: false,
        })
    }

    /// Follows `/Parent` for inheritable page attributes (ISO 32000-1 §7.7.3.4).
    fn inherited(&self, page: &Dictionary, key: &[u8]) -> Option<Object> {
        let mut dict = page.clone();
        for _ in 0..64 {
            if let Ok(v) = dict.get(key) {
                return Some(v.clone());
            }
            let parent = dict.get(b"Parent").ok()?.as_reference().ok()?;
            dict = self.doc.get_dictionary(parent).ok()?.clone();
        }
        None
    }

    fn resolve<'a>(&'a self, obj: &'a Object) -> &'a Object {
        let mut o = obj;
        for _ in 0..32 {
            match o {
                Object::Reference(id) => match self.doc.get_object(*id) {
                    Ok(next) => o = next,
                    Err(_) => return &Object::Null,
                },
                _ => return o,
            }
        }
        &Object::Null
    }

    fn number_array(&self, obj: &Object) -> Option<Vec<f32>> {
        match self.resolve(obj) {
            Object::Array(items) => items
                .iter()
                .map(|i| match self.resolve(i) {
                    Object::Integer(n) => Some(*n as f32),
                    Object::Real(r) => Some(*r),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    fn dict<'a>(&'a self, obj: &'a Object) -> Option<&'a Dictionary> {
        match self.resolve(obj) {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// ISO 19005-2 §6.2.11.4.1: font programs embedded, in fonts and in form XObjects' fonts.
    fn check_fonts(
        &self,
        resources: &Dictionary,
        page: u32,
        seen: &mut HashSet<ObjectId>,
    ) -> Result<(), PdfaViolation> {
        if let Some(fonts) = resources.get(b"Font").ok().and_then(|f| self.dict(f)) {
            for (_, font) in fonts.iter() {
                if let Object::Reference(id) = font {
                    if !seen.insert(*id) {
                        continue;
                    }
                }
                let Some(font) = self.dict(font) else {
                    continue;
                };
                self.check_font(font, page, seen)?;
            }
        }
        if let Some(xobjects) = resources.get(b"XObject").ok().and_then(|x| self.dict(x)) {
            for (_, xo) in xobjects.iter() {
                if let Object::Reference(id) = xo {
                    if !seen.insert(*id) {
                        continue;
                    }
                }
                let Some(form) = self.dict(xo) else { continue };
                if form.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form".as_slice()) {
                    if let Some(res) = form.get(b"Resources").ok().and_then(|r| self.dict(r)) {
                        self.check_fonts(res, page, seen)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn check_font(
        &self,
        font: &Dictionary,
        page: u32,
        seen: &mut HashSet<ObjectId>,
    ) -> Result<(), PdfaViolation> {
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let name = || {
            font.get(b"BaseFont")
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_else(|_| "?".into())
        };
        match subtype {
            b"Type3" => {
                if let Some(res) = font.get(b"Resources").ok().and_then(|r| self.dict(r)) {
                    self.check_fonts(res, page, seen)?;
                }
                Ok(())
            }
            b"Type0" => {
                let descendant =
                    font.get(b"DescendantFonts")
                        .ok()
                        .and_then(|d| match self.resolve(d) {
                            Object::Array(a) => a.first().and_then(|f| self.dict(f)),
                            _ => None,
                        });
                match descendant {
                    Some(d) => self.check_font(d, page, seen),
                    None => Err(PdfaViolation::UnembeddedFont { page, font: name() }),
                }
            }
            _ => {
                let embedded = font
                    .get(b"FontDescriptor")
                    .ok()
                    .and_then(|d| self.dict(d))
                    .is_some_and(|d| {
                        [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                            .iter()
                            .any(|k| d.get(k).is_ok())
                    });
                if embedded {
                    Ok(())
                } else {
                    Err(PdfaViolation::UnembeddedFont { page, font: name() })
                }
            }
        }
    }

    /// Serialises `obj`, renumbering references and queueing referenced objects for copying.
    fn serialize<W: Write>(
        &mut self,
        obj: &Object,
        out: &mut Vec<u8>,
        writer: &mut DossierWriter<W>,
        queue: &mut VecDeque<(ObjectId, Ref)>,
        cmyk: Ref,
    ) {
        match obj {
            Object::Null => out.extend(b"null"),
            Object::Boolean(b) => out.extend(if *b { b"true".as_slice() } else { b"false" }),
            Object::Integer(i) => out.extend(i.to_string().as_bytes()),
            Object::Real(r) => write_real(out, *r),
            Object::Name(n) => write_name(out, n),
            Object::String(s, _) => {
                out.push(b'<');
                for b in s {
                    out.extend(format!("{b:02X}").as_bytes());
                }
                out.push(b'>');
            }
            Object::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    self.serialize(item, out, writer, queue, cmyk);
                }
                out.push(b']');
            }
            Object::Dictionary(d) => self.serialize_dict(d, None, out, writer, queue, cmyk),
            Object::Stream(s) => {
                // A stream can only be an indirect object; reached directly it is serialised
                // as its dictionary by `drain`.
                self.serialize_dict(&s.dict, None, out, writer, queue, cmyk)
            }
            Object::Reference(id) if *id == CMYK_PLACEHOLDER => write_ref(out, cmyk),
            Object::Reference(id) => {
                let r = match self.map.get(id) {
                    Some(r) => *r,
                    None => {
                        let r = writer.alloc().bump();
                        self.map.insert(*id, r);
                        queue.push_back((*id, r));
                        r
                    }
                };
                write_ref(out, r);
            }
        }
    }

    fn serialize_dict<W: Write>(
        &mut self,
        d: &Dictionary,
        length: Option<usize>,
        out: &mut Vec<u8>,
        writer: &mut DossierWriter<W>,
        queue: &mut VecDeque<(ObjectId, Ref)>,
        cmyk: Ref,
    ) {
        out.extend(b"<<");
        for (k, v) in d.iter() {
            if DROPPED_KEYS.contains(&k.as_slice())
                || (length.is_some() && k.as_slice() == b"Length")
            {
                continue;
            }
            out.push(b' ');
            write_name(out, k);
            out.push(b' ');
            self.serialize(v, out, writer, queue, cmyk);
        }
        if let Some(len) = length {
            out.extend(format!(" /Length {len}").as_bytes());
        }
        out.extend(b" >>");
    }

    /// Copies every queued object, following references breadth-first.
    fn drain<W: Write>(
        &mut self,
        writer: &mut DossierWriter<W>,
        queue: &mut VecDeque<(ObjectId, Ref)>,
        page: u32,
        cmyk: Ref,
    ) -> Result<(), PdfError> {
        while let Some((old, new)) = queue.pop_front() {
            let obj = match self.doc.get_object(old) {
                Ok(o) => o.clone(),
                // ISO 32000-1 §7.3.10: a reference to a missing object is null.
                Err(_) => Object::Null,
            };
            let mut body = Vec::new();
            match &obj {
                Object::Stream(s) => {
                    let mut dict = s.dict.clone();
                    let mut content = s.content.clone();
                    if uses_lzw(&dict) {
                        let plain = s.decompressed_content().map_err(|_| {
                            PdfaViolation::UndecodableStream {
                                page,
                                filter: "LZWDecode".into(),
                            }
                        })?;
                        content = compress(&plain);
                        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                        dict.remove(b"DecodeParms");
                    }
                    self.serialize_dict(&dict, Some(content.len()), &mut body, writer, queue, cmyk);
                    body.extend(b"\nstream\n");
                    body.extend(&content);
                    body.extend(b"\nendstream");
                }
                other => self.serialize(other, &mut body, writer, queue, cmyk),
            }
            writer.write_raw_object(new, &body)?;
        }
        Ok(())
    }
}

fn uses_lzw(d: &Dictionary) -> bool {
    match d.get(b"Filter") {
        Ok(Object::Name(n)) => n == b"LZWDecode",
        Ok(Object::Array(a)) => a
            .iter()
            .any(|f| f.as_name().ok() == Some(b"LZWDecode".as_slice())),
        _ => false,
    }
}

fn write_ref(out: &mut Vec<u8>, r: Ref) {
    out.extend(format!("{} 0 R", r.get()).as_bytes());
}

fn write_real(out: &mut Vec<u8>, r: f32) {
    if !r.is_finite() {
        out.push(b'0');
        return;
    }
    let s = format!("{r:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    out.extend(if s.is_empty() || s == "-" { "0" } else { s }.as_bytes());
}

fn write_numbers(out: &mut Vec<u8>, nums: &[f32]) {
    out.push(b'[');
    for (i, n) in nums.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write_real(out, *n);
    }
    out.push(b']');
}

/// A name with `#xx` escapes for delimiters and bytes outside `!`..`~` (ISO 32000-1 §7.3.5).
fn write_name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if (0x21..=0x7E).contains(&b) && !b"#()<>[]{}/%".contains(&b) {
            out.push(b);
        } else {
            out.extend(format!("#{b:02X}").as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_reals_are_written_per_spec() {
        let mut out = Vec::new();
        write_name(&mut out, b"A B#/x");
        assert_eq!(out, b"/A#20B#23#2Fx");
        let mut out = Vec::new();
        write_real(&mut out, 0.5);
        out.push(b' ');
        write_real(&mut out, 612.0);
        out.push(b' ');
        write_real(&mut out, -0.00001);
        assert_eq!(String::from_utf8(out).unwrap(), "0.5 612 -0.00001");
    }

    #[test]
    fn encrypted_and_empty_inputs_are_refused() {
        assert!(matches!(PdfImporter::load(b""), Err(InputError::Empty)));
        assert!(matches!(
            PdfImporter::load(b"%PDF-1.4\nnot really"),
            Err(InputError::BadPdf { .. })
        ));
    }
}
