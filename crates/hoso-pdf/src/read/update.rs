//! Incremental updates (ISO 32000-1 §7.5.6): new and changed objects appended after the
//! original bytes, followed by a cross-reference section in the original's style (a classic table
//! for table and hybrid files, an xref stream for xref-stream files) whose trailer chains to the
//! previous one with `/Prev` and keeps the first `/ID` element (§14.4).

use sha2::{Digest, Sha256};

use super::file::{PdfFile, Source, XrefKind};
use super::object::{write_object, Dict, ObjRef, Object};

/// An incremental update being assembled. Object numbers come from its one allocator.
#[must_use = "an update does nothing until written"]
pub struct IncrementalUpdate {
    base_len: u64,
    needs_eol: bool,
    prev_xref: u64,
    kind: XrefKind,
    trailer: Dict,
    next_num: u32,
    objects: Vec<(ObjRef, Vec<u8>)>,
}

/// The bytes of a finished update and where each object starts in them.
pub struct UpdateBytes {
    /// The bytes to append to the original file.
    pub bytes: Vec<u8>,
    /// For each object written, the offset of `n g obj` within `bytes`.
    pub offsets: Vec<(ObjRef, usize)>,
}

impl UpdateBytes {
    /// The offset within `bytes` of the first byte of the body of `r` (after `n g obj\n`).
    pub fn body_offset(&self, r: ObjRef) -> Option<usize> {
        let &(_, off) = self.offsets.iter().find(|(o, _)| *o == r)?;
        Some(off + format!("{} {} obj\n", r.num, r.gen).len())
    }
}

impl IncrementalUpdate {
    /// Starts an update on top of `file`'s newest revision.
    pub fn new<S: Source>(file: &PdfFile<S>) -> std::io::Result<Self> {
        let len = file.len();
        let mut last = [0u8; 1];
        let n = file.source().read_at(len.saturating_sub(1), &mut last)?;
        let needs_eol = n == 1 && last[0] != b'\n' && last[0] != b'\r';
        let kind = file.revisions().last().map_or(XrefKind::Table, |r| r.kind);
        let old = file.trailer();
        let mut trailer = Dict::new();
        for key in ["Root", "Info"] {
            if let Some(v) = old.get(key) {
                trailer.set(key, v.clone());
            }
        }
        let id0 = old
            .get("ID")
            .and_then(Object::as_array)
            .and_then(|a| a.first())
            .and_then(Object::as_string)
            .map(<[u8]>::to_vec);
        let id0 = id0.unwrap_or_else(|| {
            let mut h = Sha256::new();
            h.update(len.to_le_bytes());
            h.update(file.startxref().to_le_bytes());
            h.finalize()[..16].to_vec()
        });
        trailer.set("ID", Object::Array(vec![Object::String(id0)]));
        Ok(Self {
            base_len: len,
            needs_eol,
            prev_xref: file.startxref(),
            kind,
            trailer,
            next_num: file.size(),
            objects: Vec::new(),
        })
    }

    /// The length of the original file: the update's bytes begin at this offset.
    pub fn base_len(&self) -> u64 {
        self.base_len
    }

    /// Allocates a new object number (generation 0).
    pub fn allocate(&mut self) -> ObjRef {
        let r = ObjRef::new(self.next_num);
        self.next_num += 1;
        r
    }

    /// Adds or replaces object `r` with `obj`.
    pub fn put(&mut self, r: ObjRef, obj: &Object) {
        let mut body = Vec::new();
        write_object(&mut body, obj);
        self.put_raw(r, body);
    }

    /// Adds object `r` with an already serialised body.
    pub fn put_raw(&mut self, r: ObjRef, body: Vec<u8>) {
        self.objects.retain(|(o, _)| *o != r);
        self.objects.push((r, body));
    }

    /// Serialises the update: an optional EOL, the objects, the xref section and the trailer.
    pub fn finish(mut self) -> UpdateBytes {
        let mut out = Vec::new();
        if self.needs_eol {
            out.push(b'\n');
        }
        let mut offsets = Vec::new();
        for (r, body) in &self.objects {
            offsets.push((*r, out.len()));
            out.extend_from_slice(format!("{} {} obj\n", r.num, r.gen).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        // The /ID second element changes with each update (§14.4).
        let mut h = Sha256::new();
        h.update(self.base_len.to_le_bytes());
        for (_, b) in &self.objects {
            h.update(b);
        }
        let id1 = h.finalize()[..16].to_vec();
        if let Some(Object::Array(id)) = self.trailer.get("ID").cloned() {
            let mut id = id;
            id.truncate(1);
            id.push(Object::String(id1));
            self.trailer.set("ID", Object::Array(id));
        }
        self.trailer
            .set("Prev", Object::Integer(self.prev_xref as i64));
        let abs = |off: usize| self.base_len + off as u64;
        let mut rows: Vec<(u32, u64)> = offsets.iter().map(|(r, o)| (r.num, abs(*o))).collect();
        match self.kind {
            XrefKind::Table | XrefKind::Hybrid => {
                rows.sort_unstable();
                let xref_at = abs(out.len());
                out.extend_from_slice(b"xref\n");
                for group in subsections(&rows) {
                    out.extend_from_slice(format!("{} {}\n", group[0].0, group.len()).as_bytes());
                    for (_, off) in group {
                        out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
                    }
                }
                let mut t = self.trailer.clone();
                t.set("Size", Object::Integer(i64::from(self.next_num)));
                out.extend_from_slice(b"trailer\n");
                write_object(&mut out, &Object::Dict(t));
                out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
            }
            XrefKind::Stream => {
                let xr = ObjRef::new(self.next_num);
                self.next_num += 1;
                let xref_at = abs(out.len());
                rows.push((xr.num, xref_at));
                rows.sort_unstable();
                let width = offset_width(xref_at);
                let mut data = Vec::new();
                let mut index = Vec::new();
                for group in subsections(&rows) {
                    index.push(Object::Integer(i64::from(group[0].0)));
                    index.push(Object::Integer(group.len() as i64));
                    for (_, off) in group {
                        data.push(1u8);
                        data.extend_from_slice(&off.to_be_bytes()[8 - width..]);
                        data.push(0);
                    }
                }
                let mut d = self.trailer.clone();
                d.set("Type", Object::name("XRef"))
                    .set("Size", Object::Integer(i64::from(self.next_num)))
                    .set("Index", Object::Array(index))
                    .set(
                        "W",
                        Object::Array(vec![
                            Object::Integer(1),
                            Object::Integer(width as i64),
                            Object::Integer(1),
                        ]),
                    );
                let stream = Object::Stream(Box::new(super::object::Stream {
                    dict: d,
                    data: super::object::StreamData::Owned(data),
                }));
                out.extend_from_slice(format!("{} 0 obj\n", xr.num).as_bytes());
                write_object(&mut out, &stream);
                out.extend_from_slice(b"\nendobj\n");
                out.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
            }
        }
        UpdateBytes {
            bytes: out,
            offsets,
        }
    }
}

fn offset_width(max: u64) -> usize {
    let bits = 64 - max.leading_zeros() as usize;
    bits.div_ceil(8).max(1)
}

/// Splits sorted rows into runs of consecutive object numbers.
fn subsections(rows: &[(u32, u64)]) -> Vec<&[(u32, u64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].0 != rows[i - 1].0 + 1 {
            if start < i {
                out.push(&rows[start..i]);
            }
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::file::PdfFile;

    /// A one-page PDF with a classic xref table, offsets computed here.
    pub(crate) fn tiny_pdf() -> Vec<u8> {
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ];
        crate::read::classic_pdf(&objs, " /ID [<0102> <0304>]")
    }

    #[test]
    fn appended_table_update_reads_back_with_prev_chain_and_id() {
        let orig = tiny_pdf();
        let f = PdfFile::open(orig.clone()).unwrap();
        let mut u = IncrementalUpdate::new(&f).unwrap();
        let r = u.allocate();
        assert_eq!(r.num, 4);
        u.put(r, &Object::Integer(42));
        let mut page = f.get(ObjRef::new(3)).unwrap().as_dict().unwrap().clone();
        page.set("Rotate", Object::Integer(90));
        u.put(ObjRef::new(3), &Object::Dict(page));
        let upd = u.finish();
        let mut all = orig.clone();
        all.extend_from_slice(&upd.bytes);
        assert_eq!(&all[..orig.len()], &orig[..], "original bytes untouched");
        let g = PdfFile::open(all).unwrap();
        assert_eq!(g.revisions().len(), 2);
        assert_eq!(g.get(r).unwrap(), Object::Integer(42));
        let (pr, pd) = g.first_page().unwrap();
        assert_eq!(pr, ObjRef::new(3));
        assert_eq!(pd.get("Rotate"), Some(&Object::Integer(90)));
        let id = g.trailer().get("ID").unwrap().as_array().unwrap();
        assert_eq!(id[0], Object::String(vec![1, 2]));
        assert_ne!(id[1], Object::String(vec![3, 4]));
    }
}
