//! Drawing an [`Appearance`] into a page's own content, in an incremental update (ISO 32000-1
//! §7.5.6), rather than into a widget annotation.
//!
//! A certified copy's verification mark (the QR code and its caption) is hoso's addition, not part
//! of the organisation's signature, whose appearance Decree 30/2020/NĐ-CP Appendix I part II
//! limits to the text block. Written into the page *before* the organisation signs, the mark is
//! part of the signed document: the signature covers it, and changing it afterwards is a change
//! to signed page content that every validator reports.
//!
//! The page's content streams are wrapped in `q … Q` (§8.4.2) so whatever graphics state they
//! leave does not move the mark, then the mark is painted as a form XObject (§8.10) through
//! `cm` + `Do`. The page gets its own `/Resources` (a copy of the inherited or shared one plus
//! the form), so no other page changes.

use std::path::Path;

use hoso_pdf::atomic::AtomicFile;
use hoso_pdf::read::update::IncrementalUpdate;
use hoso_pdf::read::{Dict, FileSource, ObjRef, Object, PdfFile, Stream, StreamData};
use hoso_pdf::ObjectSink;
use pdf_writer::{Chunk, Ref};

use crate::appearance::Appearance;
use crate::error::StampError;
use crate::units::Rect;

/// The resource name the mark is painted by (a suffix is added if the page already uses it).
const MARK_NAME: &str = "HosoMark";

/// An [`ObjectSink`] numbering objects straight from the update's one allocator.
struct UpdateSink<'a> {
    up: &'a mut IncrementalUpdate,
}

impl ObjectSink for UpdateSink<'_> {
    fn alloc(&mut self) -> Ref {
        Ref::new(self.up.allocate().num as i32)
    }

    fn write_object(&mut self, chunk: &Chunk) -> std::io::Result<()> {
        let id = chunk
            .refs()
            .next()
            .ok_or_else(|| std::io::Error::other("an empty PDF object chunk"))?;
        let b = chunk.as_bytes();
        let start = b
            .windows(4)
            .position(|w| w == b"obj\n")
            .map(|p| p + 4)
            .ok_or_else(|| std::io::Error::other("a chunk without `obj`"))?;
        let end = b
            .windows(6)
            .rposition(|w| w == b"endobj")
            .filter(|e| *e >= start)
            .ok_or_else(|| std::io::Error::other("a chunk without `endobj`"))?;
        let body = &b[start..end];
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        let num = u32::try_from(id.get()).map_err(std::io::Error::other)?;
        self.up.put_raw(ObjRef::new(num), body.to_vec());
        Ok(())
    }
}

fn stream(data: &[u8]) -> Object {
    Object::Stream(Box::new(Stream {
        dict: Dict::new(),
        data: StreamData::Owned(data.to_vec()),
    }))
}

/// Writes `input` plus one incremental update to `output` (temporary file, then rename): page
/// `page_index` (0-based) paints `ap` at `rect` (default user space) over its own content.
/// `input` is only read.
pub fn draw_into_page(
    input: &Path,
    output: &Path,
    page_index: usize,
    ap: &Appearance,
    rect: Rect,
) -> Result<(), StampError> {
    let f = std::fs::File::open(input)?;
    let file = PdfFile::open(FileSource::new(f)?)?;
    if file.trailer().get("Encrypt").is_some() {
        return Err(StampError::Encrypted);
    }
    let pages = file.pages()?;
    let (page_ref, page) = pages
        .get(page_index)
        .cloned()
        .ok_or(StampError::NoSuchPage {
            page: page_index + 1,
            count: pages.len(),
        })?;
    let mut up = IncrementalUpdate::new(&file)?;
    let form = ap.write(&mut UpdateSink { up: &mut up })?;
    let form = ObjRef::new(u32::try_from(form.get()).map_err(std::io::Error::other)?);

    // The page's resources, made its own, with the mark's form under a free name.
    let mut resources = match file.inherited(&page, "Resources")? {
        Some(Object::Dict(d)) => d,
        _ => Dict::new(),
    };
    let mut xobjects = match resources.get("XObject") {
        Some(x) => file.dict_of(x)?.unwrap_or_default(),
        None => Dict::new(),
    };
    let name = (1..)
        .map(|i| match i {
            1 => MARK_NAME.to_owned(),
            n => format!("{MARK_NAME}{n}"),
        })
        .find(|n| xobjects.get(n).is_none())
        .expect("an unused name exists");
    xobjects.set(&name, Object::Ref(form));
    resources.set("XObject", Object::Dict(xobjects));

    // `q` before the old content, `Q` and the mark after it.
    let old: Vec<Object> = match page.get("Contents") {
        Some(Object::Ref(r)) => match file.get(*r)? {
            Object::Array(a) => a,
            _ => vec![Object::Ref(*r)],
        },
        Some(Object::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let before = up.allocate();
    up.put(before, &stream(b"q\n"));
    let after = up.allocate();
    let paint = format!(
        "\nQ\nq 1 0 0 1 {:.3} {:.3} cm /{name} Do Q\n",
        rect.x, rect.y
    );
    up.put(after, &stream(paint.as_bytes()));
    let mut contents = vec![Object::Ref(before)];
    contents.extend(old);
    contents.push(Object::Ref(after));

    let mut page = page;
    page.set("Contents", Object::Array(contents));
    page.set("Resources", Object::Dict(resources));
    up.put(page_ref, &Object::Dict(page));
    let update = up.finish();

    let mut out = AtomicFile::create(output)?;
    out.append_prefix_of(input, file.len(), false)?;
    std::io::Write::write_all(&mut out, &update.bytes)?;
    out.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{QrMark, TextBlock};

    /// Two pages sharing one indirect `/Resources` through their parent, page 1 with one content
    /// stream that leaves a `cm` unbalanced.
    fn two_pages() -> Vec<u8> {
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Resources 6 0 R /MediaBox [0 0 200 200] >>",
            "<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
            "<< /Type /Page /Parent 2 0 R >>",
            "<< /Length 14 >>\nstream\n2 0 0 2 0 0 cm\nendstream",
            "<< /XObject << /HosoMark 7 0 R >> >>",
            "<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length 0 >>\nstream\n\nendstream",
        ];
        hoso_pdf::read::classic_pdf(&objs, "")
    }

    #[test]
    fn the_mark_is_painted_in_page_content_with_its_own_resources() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.pdf");
        std::fs::write(&input, two_pages()).expect("write");
        let out = dir.path().join("out.pdf");
        let mut ap = Appearance::new(60.0, 20.0);
        ap.qr(
            &QrMark::new("HS1:TEST:1:AAAA").expect("qr"),
            40.0,
            0.0,
            20.0,
        );
        ap.text(
            &TextBlock::new(&["Tra cứu bản sao"], 7.0).expect("text"),
            0.0,
            5.0,
        );
        let rect = Rect {
            x: 10.0,
            y: 12.0,
            w: 60.0,
            h: 20.0,
        };
        draw_into_page(&input, &out, 0, &ap, rect).expect("drawn");
        let orig = std::fs::read(&input).expect("read");
        let all = std::fs::read(&out).expect("read out");
        assert!(all.starts_with(&orig), "an incremental update");

        let g = PdfFile::open(FileSource::new(std::fs::File::open(&out).expect("o")).expect("s"))
            .expect("parse");
        let pages = g.pages().expect("pages");
        let (_, p1) = &pages[0];
        let contents = p1
            .get("Contents")
            .and_then(Object::as_array)
            .expect("an array");
        assert_eq!(contents.len(), 3, "q, the old stream, Q + mark");
        let text: Vec<String> = contents
            .iter()
            .map(|c| match g.resolve(c).expect("stream") {
                Object::Stream(s) => {
                    String::from_utf8_lossy(&g.stream_data(&s).expect("data")).into_owned()
                }
                other => panic!("not a stream: {other:?}"),
            })
            .collect();
        assert_eq!(text[0].trim(), "q");
        assert!(text[1].contains("2 0 0 2 0 0 cm"));
        assert!(
            text[2].contains("Q\nq 1 0 0 1 10.000 12.000 cm /HosoMark2 Do Q"),
            "the used name is not taken over: {}",
            text[2]
        );
        let res = g
            .dict_of(p1.get("Resources").expect("own resources"))
            .expect("r")
            .expect("d");
        let xo = g
            .dict_of(res.get("XObject").expect("x"))
            .expect("x")
            .expect("d");
        assert_eq!(xo.get("HosoMark"), Some(&Object::Ref(ObjRef::new(7))));
        let form = xo.get("HosoMark2").and_then(Object::as_ref).expect("form");
        let Object::Stream(form) = g.get(form).expect("form") else {
            panic!("form is a stream")
        };
        assert_eq!(form.dict.name("Subtype"), Some(&b"Form"[..]));
        // Page 2 and the shared resources are unchanged.
        assert!(pages[1].1.get("Resources").is_none());
        assert!(pages[1].1.get("Contents").is_none());
    }

    #[test]
    fn a_page_beyond_the_document_is_refused_and_nothing_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.pdf");
        std::fs::write(&input, two_pages()).expect("write");
        let out = dir.path().join("out.pdf");
        let ap = Appearance::new(1.0, 1.0);
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 1.0,
            h: 1.0,
        };
        let e = draw_into_page(&input, &out, 2, &ap, r).unwrap_err();
        assert!(
            matches!(e, StampError::NoSuchPage { page: 3, count: 2 }),
            "{e}"
        );
        assert!(!out.exists());
    }
}
