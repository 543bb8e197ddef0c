//! Visible signature widgets: what a signature field shows and where (ISO 32000-1 §12.7.4.5
//! signature fields, §12.5.6.19 widget annotations, §12.5.5 appearance streams).
//!
//! A [`VisibleSignature`] is one or more [`Widget`]s — a page, a `/Rect` and the objects of a
//! normal appearance (`/AP /N`), built by any drawing code (hoso-stamp) through
//! [`hoso_pdf::ObjectSink`] with local object numbers. Signing renumbers them into its
//! incremental update. Several widgets make one field with `/Kids` (e.g. the copy's text block
//! at the top right and its QR mark in the bottom margin): everything drawn belongs to the
//! signature field, so later signatures and earlier ones see only a new signature field — the
//! change ISO 32000-1 §12.8.2.2 (DocMDP P=2) and PAdES validators allow — and the drawing is
//! covered by the new signature. Widgets are printed and locked (`/F 132`) and always carry an
//! `/AP`, as PDF/A-2 asks (ISO 19005-2 §6.3.3).

use hoso_pdf::ObjectSink;
use pdf_writer::{Chunk, Ref};

use crate::pdf::object::text_string;
use crate::pdf::update::IncrementalUpdate;
use crate::pdf::{Dict, FileSource, ObjRef, Object, PdfError, PdfFile};
use crate::sign::SignError;

/// The objects of one appearance stream, numbered locally from 1.
#[derive(Clone, Default)]
pub struct AppearanceObjects {
    last: i32,
    chunks: Vec<Chunk>,
    form: Option<Ref>,
}

impl std::fmt::Debug for AppearanceObjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppearanceObjects")
            .field("objects", &self.chunks.len())
            .field("form", &self.form)
            .finish()
    }
}

impl ObjectSink for AppearanceObjects {
    fn alloc(&mut self) -> Ref {
        self.last += 1;
        Ref::new(self.last)
    }

    fn write_object(&mut self, chunk: &Chunk) -> std::io::Result<()> {
        self.chunks.push(chunk.clone());
        Ok(())
    }
}

impl AppearanceObjects {
    /// Runs `draw`, which writes a form XObject and what it uses and returns the form.
    pub fn build<E>(draw: impl FnOnce(&mut dyn ObjectSink) -> Result<Ref, E>) -> Result<Self, E> {
        let mut me = Self::default();
        let form = draw(&mut me)?;
        me.form = Some(form);
        Ok(me)
    }

    /// The form XObject to use as `/AP /N`.
    pub fn form(&self) -> Option<Ref> {
        self.form
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.chunks.len()
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }
}

/// One widget annotation of the signature field.
#[derive(Clone, Debug)]
pub struct Widget {
    /// 0-based page index.
    pub page_index: usize,
    /// `/Rect` `[llx lly urx ury]` in default user space.
    pub rect: [f32; 4],
    /// Its normal appearance.
    pub appearance: AppearanceObjects,
}

/// What a visible signature shows: its widgets, the first being the signature's own place.
#[derive(Clone, Debug, Default)]
pub struct VisibleSignature {
    /// The widgets.
    pub widgets: Vec<Widget>,
}

/// Every page of `file` in order, walking `/Pages` (cycle- and depth-safe).
pub(crate) fn pages(file: &PdfFile<FileSource>) -> Result<Vec<(ObjRef, Dict)>, PdfError> {
    file.pages()
}

/// The body of the single indirect object in `chunk` (between `n g obj` and `endobj`).
fn object_body(chunk: &Chunk) -> Option<Vec<u8>> {
    let b = chunk.as_bytes();
    let start = b.windows(4).position(|w| w == b"obj\n")? + 4;
    let end = b.windows(6).rposition(|w| w == b"endobj")?;
    let body = b.get(start..end)?;
    let trimmed = body.strip_suffix(b"\n").unwrap_or(body);
    Some(trimmed.to_vec())
}

/// Renumbers `ap`'s objects into `up`; returns the form's new reference.
fn put_appearance(up: &mut IncrementalUpdate, ap: &AppearanceObjects) -> Result<ObjRef, SignError> {
    let form = ap.form.ok_or(SignError::AppearanceWithoutForm)?;
    let map: Vec<ObjRef> = (0..ap.last).map(|_| up.allocate()).collect();
    let to_new = |r: Ref| -> Ref {
        usize::try_from(r.get() - 1)
            .ok()
            .and_then(|i| map.get(i))
            .map_or(r, |n| Ref::new(n.num as i32))
    };
    for chunk in &ap.chunks {
        let renumbered = chunk.renumber(to_new);
        let Some(id) = renumbered.refs().next() else {
            continue;
        };
        let body = object_body(&renumbered).ok_or(SignError::AppearanceWithoutForm)?;
        up.put_raw(ObjRef::new(id.get() as u32), body);
    }
    let new = to_new(form);
    Ok(ObjRef::new(new.get() as u32))
}

fn rect(r: [f32; 4]) -> Object {
    Object::Array(r.iter().map(|v| Object::Real(f64::from(*v))).collect())
}

/// Writes the signature field `field_ref` (value `sig_ref`) with the widgets of `vis`, and adds
/// each widget to its page's `/Annots`.
pub(crate) fn put_visible_field(
    file: &PdfFile<FileSource>,
    up: &mut IncrementalUpdate,
    vis: &VisibleSignature,
    field_ref: ObjRef,
    sig_ref: ObjRef,
    field_name: &str,
) -> Result<(), SignError> {
    let all = pages(file)?;
    let mut annots_per_page: Vec<(ObjRef, Dict, Vec<ObjRef>)> = Vec::new();
    let single = vis.widgets.len() == 1;
    let mut kids = Vec::new();
    for w in &vis.widgets {
        let (page_ref, page) = all
            .get(w.page_index)
            .cloned()
            .ok_or(SignError::NoSuchPage {
                page: w.page_index + 1,
                count: all.len(),
            })?;
        let form = put_appearance(up, &w.appearance)?;
        let widget_ref = if single { field_ref } else { up.allocate() };
        let mut n = Dict::new();
        n.set("N", Object::Ref(form));
        let mut d = Dict::new();
        d.set("Type", Object::name("Annot"))
            .set("Subtype", Object::name("Widget"));
        if single {
            d.set("FT", Object::name("Sig"))
                .set("T", text_string(field_name))
                .set("V", Object::Ref(sig_ref));
        } else {
            d.set("Parent", Object::Ref(field_ref));
        }
        d.set("F", Object::Integer(132))
            .set("Rect", rect(w.rect))
            .set("P", Object::Ref(page_ref))
            .set("AP", Object::Dict(n));
        up.put(widget_ref, &Object::Dict(d));
        kids.push(Object::Ref(widget_ref));
        match annots_per_page.iter_mut().find(|(r, _, _)| *r == page_ref) {
            Some((_, _, list)) => list.push(widget_ref),
            None => annots_per_page.push((page_ref, page, vec![widget_ref])),
        }
    }
    if vis.widgets.is_empty() {
        return Err(SignError::AppearanceWithoutForm);
    }
    if !single {
        let mut f = Dict::new();
        f.set("FT", Object::name("Sig"))
            .set("T", text_string(field_name))
            .set("V", Object::Ref(sig_ref))
            .set("Kids", Object::Array(kids));
        up.put(field_ref, &Object::Dict(f));
    }
    for (page_ref, page, new) in annots_per_page {
        let add = new.into_iter().map(Object::Ref);
        match page.get("Annots") {
            Some(Object::Ref(r)) => {
                let mut arr = file
                    .get(*r)?
                    .as_array()
                    .map(<[Object]>::to_vec)
                    .unwrap_or_default();
                arr.extend(add);
                up.put(*r, &Object::Array(arr));
            }
            other => {
                let mut arr = other
                    .and_then(Object::as_array)
                    .map(<[Object]>::to_vec)
                    .unwrap_or_default();
                arr.extend(add);
                let mut page = page.clone();
                page.set("Annots", Object::Array(arr));
                up.put(page_ref, &Object::Dict(page));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::update::IncrementalUpdate;
    use pdf_writer::{Chunk, Finish, Name, Rect as PdfRect};

    /// A two-page PDF with a classic xref table.
    fn two_pages() -> Vec<u8> {
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [] >>",
        ];
        crate::pdf::classic_pdf(&objs, "")
    }

    /// An appearance of two objects: a form using an image XObject.
    fn appearance() -> AppearanceObjects {
        AppearanceObjects::build(|sink| -> std::io::Result<Ref> {
            let form = sink.alloc();
            let image = sink.alloc();
            let mut c = Chunk::new();
            let mut im = c.image_xobject(image, &[255, 0, 0]);
            im.width(1).height(1).bits_per_component(8);
            im.color_space().device_rgb();
            im.finish();
            sink.write_object(&c)?;
            let mut c = Chunk::new();
            let mut f = c.form_xobject(form, b"q 10 0 0 10 0 0 cm /Im1 Do Q");
            f.bbox(PdfRect::new(0.0, 0.0, 10.0, 10.0));
            f.resources().x_objects().pair(Name(b"Im1"), image);
            f.finish();
            sink.write_object(&c)?;
            Ok(form)
        })
        .expect("drawing into memory cannot fail")
    }

    fn open(bytes: &[u8]) -> (tempfile::NamedTempFile, PdfFile<FileSource>) {
        let mut t = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut t, bytes).expect("write");
        let f = std::fs::File::open(t.path()).expect("open");
        let file = PdfFile::open(FileSource::new(f).expect("source")).expect("parse");
        (t, file)
    }

    #[test]
    fn widget_and_renumbered_appearance_read_back_on_the_right_page() {
        let orig = two_pages();
        let (_t, file) = open(&orig);
        let mut up = IncrementalUpdate::new(&file).expect("update");
        let (sig, field) = (up.allocate(), up.allocate());
        up.put(sig, &Object::Integer(0));
        let vis = VisibleSignature {
            widgets: vec![Widget {
                page_index: 1,
                rect: [10.0, 20.0, 60.0, 40.0],
                appearance: appearance(),
            }],
        };
        put_visible_field(&file, &mut up, &vis, field, sig, "Sig1").expect("visible field");
        let mut all = orig.clone();
        all.extend_from_slice(&up.finish().bytes);
        let (_t2, g) = open(&all);
        let w = g
            .get(field)
            .expect("widget")
            .as_dict()
            .cloned()
            .expect("dict");
        assert_eq!(w.name("FT"), Some(&b"Sig"[..]));
        assert_eq!(w.get("P"), Some(&Object::Ref(ObjRef::new(4))));
        let ap = g
            .dict_of(w.get("AP").expect("/AP"))
            .expect("ap")
            .expect("dict");
        let form = g.resolve(ap.get("N").expect("/N")).expect("form");
        let Object::Stream(form) = form else {
            panic!("/AP /N is a stream: {form:?}")
        };
        let res = g
            .dict_of(form.dict.get("Resources").expect("res"))
            .expect("r")
            .expect("d");
        let xo = g
            .dict_of(res.get("XObject").expect("xobject"))
            .expect("x")
            .expect("d");
        let im = xo.get("Im1").and_then(Object::as_ref).expect("image ref");
        assert!(im.num >= 5, "renumbered past the original objects: {im:?}");
        let Object::Stream(img) = g.get(im).expect("image") else {
            panic!("image is a stream")
        };
        assert_eq!(img.dict.name("Subtype"), Some(&b"Image"[..]));
        let page2 = g.get(ObjRef::new(4)).expect("page 2");
        let annots = page2
            .as_dict()
            .and_then(|d| d.get("Annots"))
            .and_then(Object::as_array);
        assert_eq!(annots, Some(&[Object::Ref(field)][..]));
    }

    #[test]
    fn a_page_beyond_the_document_is_refused() {
        let (_t, file) = open(&two_pages());
        let mut up = IncrementalUpdate::new(&file).expect("update");
        let (sig, field) = (up.allocate(), up.allocate());
        let vis = VisibleSignature {
            widgets: vec![Widget {
                page_index: 2,
                rect: [0.0; 4],
                appearance: appearance(),
            }],
        };
        let e = put_visible_field(&file, &mut up, &vis, field, sig, "S").unwrap_err();
        assert!(
            matches!(e, SignError::NoSuchPage { page: 3, count: 2 }),
            "{e}"
        );
        let empty = VisibleSignature::default();
        let e = put_visible_field(&file, &mut up, &empty, field, sig, "S").unwrap_err();
        assert!(matches!(e, SignError::AppearanceWithoutForm), "{e}");
    }
}
