//! The streaming PDF/A writer: pages go to the output as they arrive, so memory stays flat however
//! many pages a dossier has; the document-level objects (page tree, outlines, metadata,
//! OutputIntent, associated file) and the cross-reference table are written by
//! [`DossierWriter::finish`].
//!
//! Object numbers come from one allocator ([`RefAlloc`]); every indirect object is written through
//! [`DossierWriter::write_object`], which records its byte offset for the xref table
//! (ISO 32000-1 §7.5.4).

use std::io::{self, Write};

use pdf_writer::types::{AssociationKind, NumberingStyle};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};

use crate::font::{self, FontSubset};
use crate::icc;
use crate::raster::{Dpi, ImageColor, ImageEncoding, ImageStrip, RasterPage};
use crate::text_layer::{self, TextLayer};
use crate::xmp::{self, DocumentInfo, PdfaLevel};

/// A4 in points (ISO 216: 210 × 297 mm).
pub const A4_PT: (f64, f64) = (595.276, 841.89);

/// Resolutions outside this range are treated as missing (a scan at 10 dpi or 20 000 dpi is a
/// metadata error, not a real scan).
const SANE_DPI: std::ops::RangeInclusive<f64> = 50.0..=4800.0;

/// One allocator of object numbers per document (ISO 32000-1 §7.3.10).
#[derive(Debug)]
pub struct RefAlloc(i32);

impl RefAlloc {
    /// Returns the next unused object number.
    #[must_use]
    pub fn bump(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }

    /// The highest number handed out.
    pub fn last(&self) -> i32 {
        self.0
    }
}

/// Somewhere indirect objects can be written: the dossier writer, or an incremental update.
pub trait ObjectSink {
    /// A fresh object number.
    fn alloc(&mut self) -> Ref;
    /// Writes a chunk holding exactly one indirect object.
    fn write_object(&mut self, chunk: &Chunk) -> io::Result<()>;
}

impl<W: Write> ObjectSink for DossierWriter<W> {
    fn alloc(&mut self) -> Ref {
        self.alloc.bump()
    }

    fn write_object(&mut self, chunk: &Chunk) -> io::Result<()> {
        DossierWriter::write_object(self, chunk)
    }
}

/// Where and how big a page came out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PagePlacement {
    /// Page width in points.
    pub width_pt: f64,
    /// Page height in points.
    pub height_pt: f64,
    /// The resolution used to size the page; `None` when it was fitted to A4.
    pub dpi: Option<Dpi>,
    /// True when the file's resolution was missing or absurd and the page was fitted to A4.
    pub fitted_to_a4: bool,
}

/// A file embedded as a PDF/A-3 associated file (ISO 19005-3 §6.8, ISO 32000-2 §14.13).
#[derive(Debug, Clone)]
pub struct Attachment {
    /// File name shown to readers, e.g. `manifest.json`.
    pub name: String,
    /// MIME type, e.g. `application/json`.
    pub mime: String,
    /// Human description.
    pub description: String,
    /// The bytes.
    pub data: Vec<u8>,
}

struct Section {
    title: String,
    first_page: usize,
}

/// Writes a PDF/A dossier page by page.
pub struct DossierWriter<W: Write> {
    out: W,
    pos: u64,
    alloc: RefAlloc,
    offsets: Vec<(i32, u64)>,
    catalog: Ref,
    pages_root: Ref,
    page_refs: Vec<Ref>,
    sections: Vec<Section>,
    cmyk_profile: Option<Ref>,
    digest: Sha256,
    text_font: Option<(FontSubset<'static>, Ref)>,
    rotation: u16,
    xmp_extension: Option<xmp::XmpExtension>,
}

impl<W: Write> DossierWriter<W> {
    /// Writes the header (ISO 32000-1 §7.5.2; the binary comment line ISO 19005-2 §6.1.2 asks for).
    pub fn new(mut out: W) -> io::Result<Self> {
        let header = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
        out.write_all(header)?;
        let mut alloc = RefAlloc(0);
        let catalog = alloc.bump();
        let pages_root = alloc.bump();
        Ok(Self {
            out,
            pos: header.len() as u64,
            alloc,
            offsets: Vec::new(),
            catalog,
            pages_root,
            page_refs: Vec::new(),
            sections: Vec::new(),
            cmyk_profile: None,
            digest: Sha256::new(),
            text_font: None,
            rotation: 0,
            xmp_extension: None,
        })
    }

    /// The object-number allocator.
    pub fn alloc(&mut self) -> &mut RefAlloc {
        &mut self.alloc
    }

    /// The page tree root every page names as `/Parent`.
    pub fn pages_root(&self) -> Ref {
        self.pages_root
    }

    /// Turns the pages added from now on by `degrees` clockwise when displayed (`/Rotate`,
    /// ISO 32000-1 §7.7.3.3; added to an imported page's own). Anything but a multiple of 90 is
    /// rounded down to one.
    pub fn set_rotation(&mut self, degrees: u16) {
        self.rotation = (degrees / 90 % 4) * 90;
    }

    /// The rotation [`DossierWriter::set_rotation`] set.
    pub fn rotation(&self) -> u16 {
        self.rotation
    }

    /// Pages written so far.
    pub fn page_count(&self) -> usize {
        self.page_refs.len()
    }

    /// Writes a chunk holding exactly one indirect object.
    pub fn write_object(&mut self, chunk: &Chunk) -> io::Result<()> {
        let mut refs = chunk.refs();
        let (Some(id), None) = (refs.next(), refs.next()) else {
            return Err(io::Error::other("a chunk must hold exactly one object"));
        };
        self.offsets.push((id.get(), self.pos));
        self.emit(chunk.as_bytes())
    }

    /// Writes an indirect object whose body (`<< … >>`, or a dictionary and stream) is already
    /// serialised.
    pub fn write_raw_object(&mut self, id: Ref, body: &[u8]) -> io::Result<()> {
        self.offsets.push((id.get(), self.pos));
        self.emit(format!("{} 0 obj\n", id.get()).as_bytes())?;
        self.emit(body)?;
        self.emit(b"\nendobj\n\n")
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.pos += bytes.len() as u64;
        Ok(())
    }

    /// Starts a document of the dossier: the next page begins its outline entry and page labels.
    pub fn start_section(&mut self, title: &str) {
        self.sections.push(Section {
            title: title.to_owned(),
            first_page: self.page_refs.len(),
        });
    }

    /// The `/ICCBased` CMYK colour space stream, written once on first use.
    pub fn cmyk_profile(&mut self) -> io::Result<Ref> {
        if let Some(r) = self.cmyk_profile {
            return Ok(r);
        }
        let id = self.alloc.bump();
        let profile = compress(&icc::cmyk_profile());
        let mut c = Chunk::new();
        c.icc_profile(id, &profile)
            .n(4)
            .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
            .filter(Filter::FlateDecode);
        self.write_object(&c)?;
        self.cmyk_profile = Some(id);
        Ok(id)
    }

    /// Adds a page showing a raster image at its physical size.
    pub fn add_raster_page(&mut self, page: &RasterPage) -> io::Result<PagePlacement> {
        self.add_raster_page_with_text(page, None).map(|(p, _)| p)
    }

    /// Adds a raster page with an invisible OCR text layer over it (text render mode 3,
    /// ISO 32000-1 §9.3.6), written line by line along each line's baseline in the embedded Tinos
    /// subset (see [`crate::text_layer`]). Returns the placement and the number of characters dropped
    /// because the font has no glyph for them.
    pub fn add_raster_page_with_text(
        &mut self,
        page: &RasterPage,
        layer: Option<&TextLayer>,
    ) -> io::Result<(PagePlacement, usize)> {
        let placement = page_size(page.width(), page.height(), page.dpi);
        let (w, h) = (placement.width_pt, placement.height_pt);
        let total_rows = f64::from(page.height().max(1));
        let mut content = Content::new();
        let mut names = Vec::with_capacity(page.strips.len());
        let mut y_rows = 0u32;
        for (i, strip) in page.strips.iter().enumerate() {
            let id = self.write_image(strip)?;
            let name = format!("Im{i}");
            let strip_h = h * f64::from(strip.height) / total_rows;
            y_rows += strip.height;
            let y = h - h * f64::from(y_rows) / total_rows;
            content.save_state();
            content.transform([w as f32, 0.0, 0.0, strip_h as f32, 0.0, y as f32]);
            content.x_object(Name(name.as_bytes()));
            content.restore_state();
            names.push((name, id));
        }
        let mut body = content.finish();
        let mut dropped = 0;
        let mut font_ref = None;
        if let Some(layer) =
            layer.filter(|l| l.words().next().is_some() && l.width_px > 0 && l.height_px > 0)
        {
            let (text, n) = self.text_layer_ops(layer, w, h);
            dropped = n;
            if !text.is_empty() {
                body.extend(text);
                font_ref = self.text_font.as_ref().map(|(_, r)| *r);
            }
        }
        let content_id = self.alloc.bump();
        let mut c = Chunk::new();
        c.stream(content_id, &compress(&body))
            .filter(Filter::FlateDecode);
        self.write_object(&c)?;

        let page_id = self.alloc.bump();
        let mut c = Chunk::new();
        let mut p = c.page(page_id);
        p.parent(self.pages_root)
            .media_box(Rect::new(0.0, 0.0, w as f32, h as f32))
            .contents(content_id);
        if self.rotation != 0 {
            p.rotate(i32::from(self.rotation));
        }
        let mut res = p.resources();
        let mut xobjects = res.x_objects();
        for (name, id) in &names {
            xobjects.pair(Name(name.as_bytes()), *id);
        }
        xobjects.finish();
        if let Some(f) = font_ref {
            res.fonts().pair(Name(b"OCR"), f);
        }
        res.finish();
        p.finish();
        self.write_object(&c)?;
        self.page_refs.push(page_id);
        Ok((placement, dropped))
    }

    /// Content-stream operators for an invisible text layer on a page of `w` × `h` points, in
    /// the document's one OCR font subset.
    fn text_layer_ops(&mut self, layer: &TextLayer, w: f64, h: f64) -> (Vec<u8>, usize) {
        if self.text_font.is_none() {
            let id = self.alloc.bump();
            self.text_font = Some((FontSubset::new(font::tinos_static()), id));
        }
        let Some((subset, _)) = self.text_font.as_mut() else {
            return (Vec::new(), 0);
        };
        text_layer::layer_operators(layer, subset, "OCR", w, h)
    }

    /// Adds a page drawn by a content stream, with the fonts it names in `/Resources /Font`.
    pub fn add_content_page(
        &mut self,
        width_pt: f32,
        height_pt: f32,
        content: &[u8],
        fonts: &[(&str, Ref)],
    ) -> io::Result<()> {
        let content_id = self.alloc.bump();
        let mut c = Chunk::new();
        c.stream(content_id, &compress(content))
            .filter(Filter::FlateDecode);
        self.write_object(&c)?;
        let page_id = self.alloc.bump();
        let mut c = Chunk::new();
        let mut p = c.page(page_id);
        p.parent(self.pages_root)
            .media_box(Rect::new(0.0, 0.0, width_pt, height_pt))
            .contents(content_id);
        let mut res = p.resources();
        let mut f = res.fonts();
        for (name, id) in fonts {
            f.pair(Name(name.as_bytes()), *id);
        }
        f.finish();
        res.finish();
        p.finish();
        self.write_object(&c)?;
        self.page_refs.push(page_id);
        Ok(())
    }

    /// Registers a page object written by the caller (imported PDF pages).
    pub fn push_page_ref(&mut self, page: Ref) {
        self.page_refs.push(page);
    }

    fn write_image(&mut self, strip: &ImageStrip) -> io::Result<Ref> {
        let mask = match &strip.soft_mask {
            Some(m) => Some(self.write_image(m)?),
            None => None,
        };
        let cmyk = match strip.color {
            ImageColor::Cmyk => Some(self.cmyk_profile()?),
            _ => None,
        };
        let id = self.alloc.bump();
        let mut c = Chunk::new();
        let mut img = c.image_xobject(id, &strip.data);
        img.width(strip.width as i32)
            .height(strip.height as i32)
            .bits_per_component(i32::from(strip.bits));
        match (&strip.color, cmyk) {
            (ImageColor::Gray, _) => img.color_space().device_gray(),
            (ImageColor::Rgb, _) => img.color_space().device_rgb(),
            (ImageColor::Cmyk, Some(profile)) => img.color_space().icc_based(profile),
            (ImageColor::Cmyk, None) => unreachable!("profile written above"),
            (ImageColor::Indexed(palette), _) => img.color_space().indexed(
                Name(b"DeviceRGB"),
                (palette.len() / 3) as i32 - 1,
                palette,
            ),
        }
        if strip.inverted {
            let n = usize::from(strip.color.components());
            img.decode((0..n).flat_map(|_| [1.0, 0.0]));
        }
        if let Some(m) = mask {
            img.s_mask(m);
        }
        match strip.encoding {
            ImageEncoding::Dct => {
                img.filter(Filter::DctDecode);
            }
            ImageEncoding::Flate { png_predictors } => {
                img.filter(Filter::FlateDecode);
                if png_predictors {
                    img.decode_parms()
                        .predictor(pdf_writer::types::Predictor::PngOptimum)
                        .colors(i32::from(strip.color.components()))
                        .bits_per_component(i32::from(strip.bits))
                        .columns(strip.width as i32);
                }
            }
            ImageEncoding::CcittG4 { black_is_1 } => {
                img.filter(Filter::CcittFaxDecode);
                img.decode_parms()
                    .k(-1)
                    .columns(strip.width as i32)
                    .rows(strip.height as i32)
                    .black_is_1(black_is_1);
            }
        }
        img.finish();
        self.write_object(&c)?;
        Ok(id)
    }

    /// Adds `extension` (declared as a PDF/A extension schema) to the XMP packet [`Self::finish`]
    /// writes.
    pub fn set_xmp_extension(&mut self, extension: xmp::XmpExtension) {
        self.xmp_extension = Some(extension);
    }

    /// Writes the document-level objects, the xref table and the trailer.
    pub fn finish(mut self, info: &DocumentInfo, attachment: Option<&Attachment>) -> io::Result<W> {
        let level = if attachment.is_some() {
            PdfaLevel::A3b
        } else {
            PdfaLevel::A2b
        };
        // Page tree (ISO 32000-1 §7.7.3.2), flat: readers handle thousands of kids.
        let mut c = Chunk::new();
        c.pages(self.pages_root)
            .kids(self.page_refs.iter().copied())
            .count(self.page_refs.len() as i32);
        self.write_object(&c)?;

        if let Some((subset, id)) = self.text_font.take() {
            if !subset.is_empty() {
                subset.write_as(id, &mut self).map_err(io::Error::other)?;
            }
        }
        let outline = self.write_outline()?;
        let labels = self.write_page_labels()?;

        let xmp_bytes = xmp::packet_with(info, level, self.xmp_extension.as_ref());
        self.digest.update(&xmp_bytes);
        let metadata = self.alloc.bump();
        let mut c = Chunk::new();
        // ISO 19005-2 §6.6.2.1: the metadata stream is not filtered.
        c.metadata(metadata, &xmp_bytes);
        self.write_object(&c)?;

        let srgb = self.alloc.bump();
        let profile = compress(&icc::srgb_profile());
        let mut c = Chunk::new();
        c.icc_profile(srgb, &profile)
            .n(3)
            .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
            .filter(Filter::FlateDecode);
        self.write_object(&c)?;

        let files = match attachment {
            Some(a) => Some(self.write_attachment(a, info)?),
            None => None,
        };

        let info_id = self.alloc.bump();
        let date = pdf_date(info.created);
        let mut c = Chunk::new();
        let mut d = c
            .indirect(info_id)
            .start::<pdf_writer::writers::DocumentInfo>();
        d.title(TextStr(&info.title))
            .creator(TextStr(&info.creator_tool))
            .producer(TextStr(&info.producer))
            .creation_date(date)
            .modified_date(date);
        if let Some(a) = &info.author {
            d.author(TextStr(a));
        }
        if let Some(s) = &info.subject {
            d.subject(TextStr(s));
        }
        if let Some(k) = &info.keywords {
            d.keywords(TextStr(k));
        }
        d.finish();
        self.write_object(&c)?;

        let mut c = Chunk::new();
        let mut cat = c
            .indirect(self.catalog)
            .start::<pdf_writer::writers::Catalog>();
        cat.pages(self.pages_root).metadata(metadata);
        cat.lang(TextStr(&info.language));
        if let Some(o) = outline {
            cat.outlines(o);
            cat.page_mode(pdf_writer::types::PageMode::UseOutlines);
        }
        if !labels.is_empty() {
            let mut tree = cat.page_labels();
            let mut nums = tree.nums();
            for (start, id) in &labels {
                nums.insert(*start as i32, *id);
            }
        }
        cat.output_intents()
            .push()
            .subtype(pdf_writer::types::OutputIntentSubtype::PDFA)
            .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
            .info(TextStr("sRGB IEC61966-2.1"))
            .dest_output_profile(srgb);
        if let Some((spec, name)) = &files {
            // PDF/A-3 (ISO 19005-3 §6.8): the catalog's /AF and the /EmbeddedFiles name tree
            // reference the same indirect file specification.
            cat.insert(Name(b"AF")).array().item(*spec);
            cat.names()
                .embedded_files()
                .names()
                .insert(Str(name.as_bytes()), *spec);
        }
        cat.finish();
        self.write_object(&c)?;

        self.write_xref_and_trailer(info_id)?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn write_outline(&mut self) -> io::Result<Option<Ref>> {
        if self.sections.is_empty() {
            return Ok(None);
        }
        let root = self.alloc.bump();
        let items: Vec<Ref> = self.sections.iter().map(|_| self.alloc.bump()).collect();
        let mut c = Chunk::new();
        c.outline(root)
            .first(items[0])
            .last(items[items.len() - 1])
            .count(items.len() as i32);
        self.write_object(&c)?;
        for (i, id) in items.iter().enumerate() {
            let page = self
                .page_refs
                .get(self.sections[i].first_page)
                .or(self.page_refs.last())
                .copied();
            let mut c = Chunk::new();
            let mut item = c.outline_item(*id);
            item.title(TextStr(&self.sections[i].title)).parent(root);
            if i > 0 {
                item.prev(items[i - 1]);
            }
            if let Some(next) = items.get(i + 1) {
                item.next(*next);
            }
            if let Some(page) = page {
                item.dest().page(page).fit();
            }
            item.finish();
            self.write_object(&c)?;
        }
        Ok(Some(root))
    }

    fn write_page_labels(&mut self) -> io::Result<Vec<(usize, Ref)>> {
        let mut labels = Vec::new();
        let starts: Vec<usize> = self.sections.iter().map(|s| s.first_page).collect();
        for (i, start) in starts.into_iter().enumerate() {
            if start >= self.page_refs.len() || labels.iter().any(|(s, _)| *s == start) {
                continue;
            }
            let id = self.alloc.bump();
            let mut c = Chunk::new();
            let prefix = format!("{}-", i + 1);
            c.indirect(id)
                .start::<pdf_writer::writers::PageLabel>()
                .style(NumberingStyle::Arabic)
                .prefix(TextStr(&prefix));
            self.write_object(&c)?;
            labels.push((start, id));
        }
        Ok(labels)
    }

    fn write_attachment(
        &mut self,
        a: &Attachment,
        info: &DocumentInfo,
    ) -> io::Result<(Ref, String)> {
        let file = self.alloc.bump();
        let spec = self.alloc.bump();
        let compressed = compress(&a.data);
        let mut c = Chunk::new();
        let mut ef = c.embedded_file(file, &compressed);
        ef.filter(Filter::FlateDecode);
        ef.subtype(Name(a.mime.as_bytes()));
        // /CheckSum would be an MD5 (ISO 32000-1 §7.11.4.2); it is optional and the manifest's own
        // integrity is carried by the signature and the register, so none is written.
        ef.params()
            .size(a.data.len() as i32)
            .modification_date(pdf_date(info.created));
        ef.finish();
        self.write_object(&c)?;
        let mut c = Chunk::new();
        c.file_spec(spec)
            .path(Str(a.name.as_bytes()))
            .unic_file(TextStr(&a.name))
            .description(TextStr(&a.description))
            .association_kind(AssociationKind::Data)
            .embedded_file_with_unicode(file);
        self.write_object(&c)?;
        Ok((spec, a.name.clone()))
    }

    fn write_xref_and_trailer(&mut self, info: Ref) -> io::Result<()> {
        let size = self.alloc.last() as usize + 1;
        let mut table = vec![None; size];
        for (id, off) in &self.offsets {
            if let Some(slot) = table.get_mut(*id as usize) {
                *slot = Some(*off);
            }
        }
        for (id, off) in &self.offsets {
            self.digest.update(id.to_be_bytes());
            self.digest.update(off.to_be_bytes());
        }
        let xref_pos = self.pos;
        let mut x = String::with_capacity(20 * size + 200);
        x.push_str(&format!("xref\n0 {size}\n0000000000 65535 f\r\n"));
        for slot in table.iter().skip(1) {
            match slot {
                Some(off) => x.push_str(&format!("{off:010} 00000 n\r\n")),
                None => x.push_str("0000000000 00000 f\r\n"),
            }
        }
        // ISO 19005-2 §6.1.3: the trailer has an /ID (ISO 32000-1 §14.4).
        let digest = self.digest.clone().finalize();
        let id_hex: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
        x.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} 0 R /Info {} 0 R /ID [<{id_hex}> <{id_hex}>] >>\nstartxref\n{xref_pos}\n%%EOF\n",
            self.catalog.get(),
            info.get()
        ));
        self.emit(x.as_bytes())
    }
}

/// The page size for an image: its physical size at the declared resolution, or fitted into A4
/// (portrait or landscape, whichever matches the image) when the resolution is missing or absurd.
pub fn page_size(width_px: u32, height_px: u32, dpi: Option<Dpi>) -> PagePlacement {
    let (w, h) = (f64::from(width_px.max(1)), f64::from(height_px.max(1)));
    if let Some(d) = dpi.filter(|d| SANE_DPI.contains(&d.x) && SANE_DPI.contains(&d.y)) {
        let (wp, hp) = (w / d.x * 72.0, h / d.y * 72.0);
        // Smaller than a stamp or larger than A0 twice over: the resolution is wrong.
        let mm = |pt: f64| pt / 72.0 * 25.4;
        if (10.0..=2400.0).contains(&mm(wp)) && (10.0..=2400.0).contains(&mm(hp)) {
            return PagePlacement {
                width_pt: wp,
                height_pt: hp,
                dpi: Some(d),
                fitted_to_a4: false,
            };
        }
    }
    let (aw, ah) = if w > h { (A4_PT.1, A4_PT.0) } else { A4_PT };
    let scale = (aw / w).min(ah / h);
    PagePlacement {
        width_pt: w * scale,
        height_pt: h * scale,
        dpi: None,
        fitted_to_a4: true,
    }
}

/// A PDF date (ISO 32000-1 §7.9.4) for an instant, in its own offset.
pub fn pdf_date(t: time::OffsetDateTime) -> pdf_writer::Date {
    let (oh, om, _) = t.offset().as_hms();
    pdf_writer::Date::new(t.year() as u16)
        .month(u8::from(t.month()))
        .day(t.day())
        .hour(t.hour())
        .minute(t.minute())
        .second(t.second())
        .utc_offset_hour(oh)
        .utc_offset_minute(om.unsigned_abs())
}

/// zlib at the default level.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}
