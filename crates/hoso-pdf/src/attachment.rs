//! Reading embedded files back (ISO 32000-1 §7.11.4, the `/EmbeddedFiles` name tree), e.g. the
//! dossier manifest hoso embeds as a PDF/A-3 associated file.

use crate::error::InputError;
use crate::read::{Object, PdfFile};

fn bad_pdf(e: crate::read::PdfError) -> InputError {
    InputError::BadPdf {
        reason: e.to_string(),
    }
}

/// The bytes of the embedded file called `name`, or `None` when the PDF has no such file.
pub fn read_embedded_file(pdf: &[u8], name: &str) -> Result<Option<Vec<u8>>, InputError> {
    let file = PdfFile::open(pdf).map_err(bad_pdf)?;
    let dict = |o: &Object| file.dict_of(o).ok().flatten();
    let Some(tree) = file
        .trailer()
        .get("Root")
        .and_then(dict)
        .and_then(|root| root.get("Names").and_then(dict))
        .and_then(|names| names.get("EmbeddedFiles").cloned())
    else {
        return Ok(None);
    };
    // The name tree (§7.9.6), each node entered once.
    for (key, spec) in file.name_tree(&tree).map_err(bad_pdf)? {
        if key != name.as_bytes() {
            continue;
        }
        let stream = dict(&spec)
            .and_then(|s| s.get("EF").and_then(dict))
            .and_then(|ef| ef.get("UF").or_else(|| ef.get("F")).cloned())
            .map(|f| file.resolve(&f))
            .transpose()
            .map_err(bad_pdf)?;
        if let Some(Object::Stream(s)) = stream {
            return file.stream_data(&s).map(Some).map_err(bad_pdf);
        }
    }
    Ok(None)
}
