//! Copying pages of existing PDFs into a dossier (ISO 32000-1 §7.7.3), keeping PDF/A-2 rules:
//! encrypted files are refused, every font must be embedded, LZW streams are re-encoded as Flate
//! (ISO 19005-2 §6.1.7.2), annotations, actions and page-level JavaScript are not carried over,
//! `/Interpolate`, `/OPI` and `/Alternates` are dropped (§6.2.8, §6.2.9), and each page gets a
//! `/DefaultCMYK` colour space so DeviceCMYK content is allowed next to the sRGB OutputIntent
//! (§6.2.4.3).
//!
//! Fonts are repaired where that does not change what the page shows: an embedded TrueType
//! CIDFont without `/CIDToGIDMap` gets `/CIDToGIDMap /Identity` (ISO 19005-2 §6.2.11.3.2; the
//! ISO 32000-1 default, so glyph selection is unchanged) when every CID it uses is a glyph of
//! its font program, and `/W` entries that disagree with the font program's advance widths
//! (§6.2.11.5) are rewritten from it. Every repair and every dropped action is listed in
//! [`PdfImporter::repairs`].

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;

use pdf_writer::Ref;

use crate::error::{InputError, PdfError, PdfaViolation};
use crate::read::{self, Dict, ObjRef, Object, PdfFile, Stream};
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

/// Keys whose dropping is worth telling the officer: actions and JavaScript (ISO 19005-2 §6.5.1,
/// §6.5.2) and annotations (§6.3), which hoso does not carry over.
const NOTED_DROPS: &[&[u8]] = &[b"AA", b"JS", b"Annots"];

/// The largest difference between a `/W` entry and the font program's advance width, in
/// thousandths of text space, that still counts as consistent (as veraPDF does for §6.2.11.5).
const WIDTH_TOLERANCE: f64 = 1.0;

/// What the importer changed or dropped in a copied page to keep the dossier PDF/A.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Page of the source PDF (1-based).
    pub page: u32,
    /// Object number in the source PDF.
    pub object: u32,
    /// What was done.
    pub kind: RepairKind,
}

/// The kinds of [`Repair`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepairKind {
    /// ISO 19005-2 §6.2.11.3.2: `/CIDToGIDMap /Identity` added to a TrueType CIDFont.
    CidToGidMapAdded {
        /// The font's /BaseFont.
        font: String,
    },
    /// ISO 19005-2 §6.2.11.5: `/W` rewritten from the embedded font program's advance widths.
    WidthsRebuilt {
        /// The font's /BaseFont.
        font: String,
        /// How many CIDs had a width that disagreed.
        mismatched: usize,
    },
    /// ISO 19005-2 §6.5, §6.3: an action, JavaScript or the annotations were not copied.
    Dropped {
        /// The key that was left out (`AA`, `JS`, `Annots`).
        key: String,
    },
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (p, o) = (self.page, self.object);
        match &self.kind {
            RepairKind::CidToGidMapAdded { font } => write!(
                f,
                "trang {p}, đối tượng {o}: thêm /CIDToGIDMap /Identity cho phông \"{font}\" / page {p}, object {o}: added /CIDToGIDMap /Identity to font \"{font}\" (ISO 19005-2 §6.2.11.3.2)"
            ),
            RepairKind::WidthsRebuilt { font, mismatched } => write!(
                f,
                "trang {p}, đối tượng {o}: dựng lại /W của phông \"{font}\" theo chương trình phông ({mismatched} độ rộng sai) / page {p}, object {o}: rebuilt /W of font \"{font}\" from its font program ({mismatched} widths disagreed; ISO 19005-2 §6.2.11.5)"
            ),
            RepairKind::Dropped { key } => write!(
                f,
                "trang {p}, đối tượng {o}: bỏ /{key} (hành động, JavaScript hoặc chú thích) / page {p}, object {o}: left out /{key} (actions, JavaScript or annotations; ISO 19005-2 §6.5, §6.3)"
            ),
        }
    }
}

/// The reference standing for the generated CMYK profile while serialising.
const CMYK_PLACEHOLDER: ObjRef = ObjRef {
    num: u32::MAX,
    gen: u16::MAX,
};

/// An opened source PDF whose pages can be copied into one dossier; objects shared by several
/// pages (fonts, images) are copied once. It is read with hoso's own reader ([`crate::read`]):
/// objects are loaded as they are needed, under the reader's limits.
pub struct PdfImporter {
    file: PdfFile<Vec<u8>>,
    pages: Vec<(ObjRef, Dict)>,
    map: HashMap<ObjRef, Ref>,
    repairs: Vec<Repair>,
}

fn bad_pdf(e: read::PdfError) -> InputError {
    InputError::BadPdf {
        reason: e.to_string(),
    }
}

impl PdfImporter {
    /// Parses a PDF held in memory.
    pub fn load(data: &[u8]) -> Result<Self, InputError> {
        if data.is_empty() {
            return Err(InputError::Empty);
        }
        let file = PdfFile::open(data.to_vec()).map_err(bad_pdf)?;
        if file.trailer().get("Encrypt").is_some() {
            return Err(InputError::EncryptedPdf);
        }
        let pages = file.pages().map_err(bad_pdf)?;
        if pages.is_empty() {
            return Err(InputError::BadPdf {
                reason: "the document has no pages".into(),
            });
        }
        Ok(Self {
            file,
            pages,
            map: HashMap::new(),
            repairs: Vec::new(),
        })
    }

    /// Everything changed or left out so far to keep the copied pages PDF/A, in order.
    pub fn repairs(&self) -> &[Repair] {
        &self.repairs
    }

    /// Number of pages.
    pub fn page_count(&self) -> u32 {
        u32::try_from(self.pages.len()).unwrap_or(u32::MAX)
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
        let bad_read = |e: read::PdfError| InputError::BadPdfPage {
            page: page_no,
            reason: e.to_string(),
        };
        let (page_id, page) = (page_no as usize)
            .checked_sub(1)
            .and_then(|i| self.pages.get(i))
            .cloned()
            .ok_or_else(|| bad("no such page"))?;
        let media_box = self
            .file
            .inherited(&page, "MediaBox")
            .map_err(bad_read)?
            .and_then(|o| self.number_array(&o))
            .filter(|b| b.len() == 4)
            .ok_or_else(|| bad("missing or malformed /MediaBox"))?;
        let crop_box = self
            .file
            .inherited(&page, "CropBox")
            .map_err(bad_read)?
            .and_then(|o| self.number_array(&o))
            .filter(|b| b.len() == 4);
        let rotate = self
            .file
            .inherited(&page, "Rotate")
            .map_err(bad_read)?
            .and_then(|o| o.as_i64())
            .unwrap_or(0)
            .saturating_add(i64::from(writer.rotation()))
            .rem_euclid(360);
        let mut resources = match self.file.inherited(&page, "Resources").map_err(bad_read)? {
            Some(o) => o.as_dict().cloned().unwrap_or_default(),
            None => Dict::new(),
        };
        self.check_fonts(&resources, page_no, &mut HashSet::new())
            .map_err(|e| match e {
                Checked::Violation(v) => PdfError::from(v),
                Checked::Read(e) => PdfError::from(bad_read(e)),
            })?;

        // /DefaultCMYK in the page's colour spaces (ISO 32000-1 §8.6.5.6).
        let cmyk = writer.cmyk_profile()?;
        let mut spaces = match resources.get("ColorSpace") {
            Some(o) => self.dict(o).unwrap_or_default(),
            None => Dict::new(),
        };
        spaces.set(
            "DefaultCMYK",
            Object::Array(vec![
                Object::name("ICCBased"),
                Object::Ref(CMYK_PLACEHOLDER),
            ]),
        );
        resources.set("ColorSpace", Object::Dict(spaces));

        for key in NOTED_DROPS {
            if page.get_bytes(key).is_some() {
                self.repairs.push(Repair {
                    page: page_no,
                    object: page_id.num,
                    kind: RepairKind::Dropped {
                        key: String::from_utf8_lossy(key).into_owned(),
                    },
                });
            }
        }
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
            &Object::Dict(resources),
            &mut body,
            writer,
            &mut queue,
            cmyk,
        );
        for key in [b"Contents".as_slice(), b"Group"] {
            if let Some(v) = page.get_bytes(key) {
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
            (media_box[2] - media_box[0]).abs(),
            (media_box[3] - media_box[1]).abs(),
        );
        let (w, h) = if rotate % 180 == 90 { (h, w) } else { (w, h) };
        Ok(PagePlacement {
            width_pt: w,
            height_pt: h,
            dpi: None,
            fitted_to_a4: false,
        })
    }

    /// Resolves one level; a reference that does not load is null (§7.3.10).
    fn resolve(&self, obj: &Object) -> Object {
        self.file.resolve(obj).unwrap_or(Object::Null)
    }

    fn number_array(&self, obj: &Object) -> Option<Vec<f64>> {
        match self.resolve(obj) {
            Object::Array(items) => items.iter().map(|i| self.number(i)).collect(),
            _ => None,
        }
    }

    fn number(&self, obj: &Object) -> Option<f64> {
        match self.resolve(obj) {
            Object::Integer(n) => Some(n as f64),
            Object::Real(r) if r.is_finite() => Some(r),
            _ => None,
        }
    }

    fn dict(&self, obj: &Object) -> Option<Dict> {
        self.resolve(obj).as_dict().cloned()
    }

    /// ISO 19005-2 §6.2.11.4.1: font programs embedded, in fonts and in form XObjects' fonts.
    /// `seen` holds every font, descendant font and form entered: each is checked once, so a
    /// self-referencing `/DescendantFonts` or `/Resources` ends the walk.
    fn check_fonts(
        &self,
        resources: &Dict,
        page: u32,
        seen: &mut HashSet<ObjRef>,
    ) -> Result<(), Checked> {
        if let Some(fonts) = resources.get("Font").and_then(|f| self.dict(f)) {
            for (_, font) in fonts.iter() {
                if !first_visit(seen, font)? {
                    continue;
                }
                let Some(font) = self.dict(font) else {
                    continue;
                };
                self.check_font(&font, page, seen)?;
            }
        }
        if let Some(xobjects) = resources.get("XObject").and_then(|x| self.dict(x)) {
            for (_, xo) in xobjects.iter() {
                if !first_visit(seen, xo)? {
                    continue;
                }
                let Some(form) = self.dict(xo) else { continue };
                if form.name("Subtype") == Some(b"Form") {
                    if let Some(res) = form.get("Resources").and_then(|r| self.dict(r)) {
                        self.check_fonts(&res, page, seen)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn check_font(
        &self,
        font: &Dict,
        page: u32,
        seen: &mut HashSet<ObjRef>,
    ) -> Result<(), Checked> {
        let subtype = font.name("Subtype").unwrap_or(b"");
        let name = || {
            font.name("BaseFont")
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_else(|| "?".into())
        };
        match subtype {
            b"Type3" => {
                if let Some(res) = font.get("Resources").and_then(|r| self.dict(r)) {
                    self.check_fonts(&res, page, seen)?;
                }
                Ok(())
            }
            b"Type0" => {
                let first = font
                    .get("DescendantFonts")
                    .map(|d| self.resolve(d))
                    .and_then(|d| d.as_array().and_then(|a| a.first().cloned()));
                let Some(first) = first else {
                    return Err(PdfaViolation::UnembeddedFont { page, font: name() }.into());
                };
                // ISO 32000-1 §9.7.6: the descendant is a CIDFont. A Type0 there — this very
                // font through a self-reference, or another one — is never followed: the walk
                // ends and the font counts as not embedded. A CIDFont already checked (shared
                // by several Type0 fonts) is not checked again.
                match self.dict(&first) {
                    Some(d) if d.name("Subtype") != Some(b"Type0") => {
                        if first_visit(seen, &first)? {
                            self.check_font(&d, page, seen)
                        } else {
                            Ok(())
                        }
                    }
                    _ => Err(PdfaViolation::UnembeddedFont { page, font: name() }.into()),
                }
            }
            _ => {
                let embedded = font
                    .get("FontDescriptor")
                    .and_then(|d| self.dict(d))
                    .is_some_and(|d| {
                        ["FontFile", "FontFile2", "FontFile3"]
                            .iter()
                            .any(|k| d.get(k).is_some())
                    });
                if embedded {
                    Ok(())
                } else {
                    Err(PdfaViolation::UnembeddedFont { page, font: name() }.into())
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
        queue: &mut VecDeque<(ObjRef, Ref)>,
        cmyk: Ref,
    ) {
        match obj {
            Object::Null => out.extend(b"null"),
            Object::Bool(b) => out.extend(if *b { b"true".as_slice() } else { b"false" }),
            Object::Integer(i) => out.extend(i.to_string().as_bytes()),
            Object::Real(r) => write_real(out, *r),
            Object::Name(n) => write_name(out, n),
            Object::String(s) => {
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
            Object::Dict(d) => self.serialize_dict(d, None, out, writer, queue, cmyk),
            Object::Stream(s) => {
                // A stream can only be an indirect object; reached directly it is serialised
                // as its dictionary by `drain`.
                self.serialize_dict(&s.dict, None, out, writer, queue, cmyk)
            }
            Object::Ref(id) if *id == CMYK_PLACEHOLDER => write_ref(out, cmyk),
            Object::Ref(id) => {
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
        d: &Dict,
        length: Option<usize>,
        out: &mut Vec<u8>,
        writer: &mut DossierWriter<W>,
        queue: &mut VecDeque<(ObjRef, Ref)>,
        cmyk: Ref,
    ) {
        out.extend(b"<<");
        for (k, v) in d.iter() {
            if DROPPED_KEYS.contains(&k) || (length.is_some() && k == b"Length") {
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
        queue: &mut VecDeque<(ObjRef, Ref)>,
        page: u32,
        cmyk: Ref,
    ) -> Result<(), PdfError> {
        let bad_read = |e: read::PdfError| InputError::BadPdfPage {
            page,
            reason: e.to_string(),
        };
        while let Some((old, new)) = queue.pop_front() {
            let obj = match self.file.get(old) {
                Ok(o) => o,
                Err(e @ read::PdfError::LimitExceeded { .. }) => return Err(bad_read(e).into()),
                // ISO 32000-1 §7.3.10: a reference to a missing object is null; an object
                // that does not parse is treated the same.
                Err(_) => Object::Null,
            };
            let mut body = Vec::new();
            let obj = match obj {
                Object::Dict(mut d) => {
                    self.repair_dict(&mut d, old, page);
                    Object::Dict(d)
                }
                other => other,
            };
            match &obj {
                Object::Stream(s) => {
                    let mut dict = s.dict.clone();
                    let content = if uses_lzw(&dict) {
                        let plain = self.file.stream_data(s).map_err(|e| match e {
                            e @ read::PdfError::LimitExceeded { .. } => PdfError::from(bad_read(e)),
                            _ => PdfaViolation::UndecodableStream {
                                page,
                                filter: "LZWDecode".into(),
                            }
                            .into(),
                        })?;
                        dict.set("Filter", Object::name("FlateDecode"));
                        dict.remove("DecodeParms");
                        compress(&plain)
                    } else {
                        self.file.stream_raw(s).map_err(bad_read)?
                    };
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

/// A font check's failure: a PDF/A violation, or the file could not be read.
enum Checked {
    Violation(PdfaViolation),
    Read(read::PdfError),
}

impl From<PdfaViolation> for Checked {
    fn from(v: PdfaViolation) -> Self {
        Checked::Violation(v)
    }
}

/// True the first time a referenced object is met (direct objects are always new); a walk
/// that enters more than [`read::walk::DEFAULT_MAX_NODES`] objects is a limit error.
fn first_visit(seen: &mut HashSet<ObjRef>, o: &Object) -> Result<bool, Checked> {
    let Object::Ref(r) = o else { return Ok(true) };
    if seen.contains(r) {
        return Ok(false);
    }
    if seen.len() >= read::walk::DEFAULT_MAX_NODES {
        return Err(Checked::Read(read::PdfError::limit(
            "nodes of one walk",
            read::walk::DEFAULT_MAX_NODES as u64,
            format!("fonts and forms at object {} {}", r.num, r.gen),
        )));
    }
    seen.insert(*r);
    Ok(true)
}

impl PdfImporter {
    /// Repairs a dictionary about to be copied, recording what changed.
    fn repair_dict(&mut self, d: &mut Dict, id: ObjRef, page: u32) {
        for key in NOTED_DROPS {
            if *key != b"Annots" && d.get_bytes(key).is_some() {
                self.repairs.push(Repair {
                    page,
                    object: id.num,
                    kind: RepairKind::Dropped {
                        key: String::from_utf8_lossy(key).into_owned(),
                    },
                });
            }
        }
        if d.name("Subtype") == Some(b"CIDFontType2") {
            self.repair_cid_truetype(d, id, page);
        }
    }

    /// ISO 19005-2 §6.2.11.3.2 and §6.2.11.5 for a TrueType CIDFont with an embedded program.
    fn repair_cid_truetype(&mut self, d: &mut Dict, id: ObjRef, page: u32) {
        let font = d
            .name("BaseFont")
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|| "?".into());
        let Some(program) = self.font_program(d) else {
            return;
        };
        let Ok(face) = ttf_parser::Face::parse(&program, 0) else {
            return;
        };
        let glyphs = face.number_of_glyphs();
        let widths = d
            .get("W")
            .map(|w| parse_cid_widths(&self.resolve_numbers(w)))
            .unwrap_or_default();
        let identity = match d.get("CIDToGIDMap").map(|o| self.resolve(o)) {
            Some(Object::Name(n)) => n == b"Identity",
            Some(_) => false,
            None => {
                // Absent: ISO 32000-1 §9.7.4.2 already reads it as Identity, so writing it out
                // changes nothing a viewer does, as long as the CIDs are glyphs of the program.
                if widths.iter().all(|(cid, _)| *cid < u32::from(glyphs)) {
                    d.set("CIDToGIDMap", Object::name("Identity"));
                    self.repairs.push(Repair {
                        page,
                        object: id.num,
                        kind: RepairKind::CidToGidMapAdded { font: font.clone() },
                    });
                    true
                } else {
                    false
                }
            }
        };
        if !identity {
            return;
        }
        let upem = f64::from(face.units_per_em().max(1));
        let program_width = |cid: u32| -> Option<f64> {
            let gid = u16::try_from(cid).ok()?;
            let adv = face.glyph_hor_advance(ttf_parser::GlyphId(gid))?;
            Some(f64::from(adv) * 1000.0 / upem)
        };
        let mismatched = widths
            .iter()
            .filter(|(cid, w)| program_width(*cid).is_some_and(|p| (p - w).abs() > WIDTH_TOLERANCE))
            .count();
        if mismatched == 0 {
            return;
        }
        let mut rebuilt = Vec::with_capacity(widths.len() * 3);
        for (cid, w) in &widths {
            let width = program_width(*cid).unwrap_or(*w);
            rebuilt.push(Object::Integer(i64::from(*cid)));
            rebuilt.push(Object::Array(vec![Object::Real(f64::from(
                width.round() as f32
            ))]));
        }
        d.set("W", Object::Array(rebuilt));
        self.repairs.push(Repair {
            page,
            object: id.num,
            kind: RepairKind::WidthsRebuilt { font, mismatched },
        });
    }

    /// The decoded `/FontFile2` of a CIDFont's descriptor.
    fn font_program(&self, font: &Dict) -> Option<Vec<u8>> {
        let desc = font.get("FontDescriptor").and_then(|d| self.dict(d))?;
        let file: Box<Stream> = match self.resolve(desc.get("FontFile2")?) {
            Object::Stream(s) => s,
            _ => return None,
        };
        self.file.stream_data(&file).ok()
    }

    /// An array with its references resolved one level (numbers and nested arrays).
    fn resolve_numbers(&self, obj: &Object) -> Vec<WItem> {
        let Object::Array(items) = self.resolve(obj) else {
            return Vec::new();
        };
        items
            .iter()
            .map(|i| match self.resolve(i) {
                Object::Integer(n) => WItem::Num(n as f64),
                Object::Real(r) => WItem::Num(r),
                Object::Array(a) => WItem::List(
                    a.iter()
                        .map(|x| self.number(x).unwrap_or(f64::NAN))
                        .collect(),
                ),
                _ => WItem::Num(f64::NAN),
            })
            .collect()
    }
}

/// One item of a CIDFont `/W` array.
enum WItem {
    Num(f64),
    List(Vec<f64>),
}

/// The CID → width pairs of a `/W` array (ISO 32000-1 §9.7.4.3): `c [w1 w2 …]` and
/// `c_first c_last w`; malformed tails are ignored, ranges are capped at 65 536 CIDs.
fn parse_cid_widths(items: &[WItem]) -> Vec<(u32, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < items.len() {
        let WItem::Num(first) = items[i] else { break };
        if !(0.0..=65535.0).contains(&first) {
            break;
        }
        let first = first as u32;
        match &items[i + 1] {
            WItem::List(ws) => {
                for (k, w) in ws.iter().enumerate().take(65536) {
                    if w.is_finite() {
                        out.push((first + k as u32, *w));
                    }
                }
                i += 2;
            }
            WItem::Num(last) => {
                let Some(WItem::Num(w)) = items.get(i + 2) else {
                    break;
                };
                if !(0.0..=65535.0).contains(last) || !w.is_finite() {
                    break;
                }
                for cid in first..=(*last as u32).max(first) {
                    out.push((cid, *w));
                }
                i += 3;
            }
        }
    }
    out
}

fn uses_lzw(d: &Dict) -> bool {
    let lzw = |n: &[u8]| n == b"LZWDecode" || n == b"LZW";
    match d.get("Filter") {
        Some(Object::Name(n)) => lzw(n),
        Some(Object::Array(a)) => a.iter().filter_map(Object::as_name).any(lzw),
        _ => false,
    }
}

fn write_ref(out: &mut Vec<u8>, r: Ref) {
    out.extend(format!("{} 0 R", r.get()).as_bytes());
}

fn write_real(out: &mut Vec<u8>, r: f64) {
    if !r.is_finite() {
        out.push(b'0');
        return;
    }
    let s = format!("{r:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    out.extend(if s.is_empty() || s == "-" { "0" } else { s }.as_bytes());
}

fn write_numbers(out: &mut Vec<u8>, nums: &[f64]) {
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
