//! Reading embedded files back (ISO 32000-1 §7.11.4, the `/EmbeddedFiles` name tree), e.g. the
//! dossier manifest hoso embeds as a PDF/A-3 associated file.

use lopdf::{Dictionary, Document, Object};

use crate::error::InputError;

/// The bytes of the embedded file called `name`, or `None` when the PDF has no such file.
pub fn read_embedded_file(pdf: &[u8], name: &str) -> Result<Option<Vec<u8>>, InputError> {
    let doc = Document::load_mem(pdf).map_err(|e| InputError::BadPdf {
        reason: e.to_string(),
    })?;
    let resolve = |o: &Object| -> Option<Object> {
        match o {
            Object::Reference(id) => doc.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let dict = |o: &Object| -> Option<Dictionary> {
        match resolve(o)? {
            Object::Dictionary(d) => Some(d),
            _ => None,
        }
    };
    let Some(tree) = doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(dict)
        .and_then(|root| root.get(b"Names").ok().and_then(dict))
        .and_then(|names| names.get(b"EmbeddedFiles").ok().and_then(dict))
    else {
        return Ok(None);
    };
    // Walk the name tree (ISO 32000-1 §7.9.6), depth-limited against cycles.
    let mut stack = vec![(tree, 0u32)];
    while let Some((node, depth)) = stack.pop() {
        if depth > 32 {
            continue;
        }
        if let Ok(Object::Array(pairs)) = node
            .get(b"Names")
            .map(|o| resolve(o).unwrap_or(Object::Null))
        {
            for pair in pairs.chunks(2) {
                let [key, spec] = pair else { continue };
                let Some(Object::String(key, _)) = resolve(key) else {
                    continue;
                };
                if key != name.as_bytes() {
                    continue;
                }
                let stream = dict(spec)
                    .and_then(|s| s.get(b"EF").ok().and_then(dict))
                    .and_then(|ef| {
                        ef.get(b"UF")
                            .or_else(|_| ef.get(b"F"))
                            .ok()
                            .and_then(resolve)
                    });
                if let Some(Object::Stream(s)) = stream {
                    let data = if s.dict.get(b"Filter").is_ok() {
                        s.decompressed_content().map_err(|e| InputError::BadPdf {
                            reason: e.to_string(),
                        })?
                    } else {
                        s.content.clone()
                    };
                    return Ok(Some(data));
                }
            }
        }
        if let Ok(Object::Array(kids)) = node
            .get(b"Kids")
            .map(|o| resolve(o).unwrap_or(Object::Null))
        {
            stack.extend(kids.iter().filter_map(dict).map(|k| (k, depth + 1)));
        }
    }
    Ok(None)
}
