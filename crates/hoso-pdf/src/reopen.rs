//! Reading back image-only pages of an existing PDF (one hoso made, or img2pdf-style scans), so a
//! text layer can be added without touching the image bytes: each page whose content only paints
//! images is turned back into a [`RasterPage`] whose strips carry the original encoded streams,
//! and each strip can be decoded to grey for OCR ([`strip_to_gray`]).

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::error::InputError;
use crate::raster::{Dpi, ImageColor, ImageEncoding, ImageStrip, RasterPage};

/// A page of an existing PDF.
#[derive(Debug, Clone)]
pub enum ExistingPage {
    /// The page only paints images, top to bottom, full width: they can carry a text layer.
    Raster(RasterPage),
    /// Anything else (text already there, vector drawing, unusual layout): kept as it is.
    Keep,
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        other => other,
    }
}

fn num(doc: &Document, o: &Object) -> Option<f64> {
    match resolve(doc, o) {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    let mut id = page;
    for _ in 0..64 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(v) = dict.get(key) {
            return Some(v.clone());
        }
        id = dict.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

/// What an existing PDF holds, page by page.
#[derive(Debug, Clone)]
pub struct ExistingPdf {
    /// Every page, classified.
    pub pages: Vec<ExistingPage>,
    /// The file carries a signature (a `/Sig` dictionary or signature field).
    pub signed: bool,
    /// The Info dictionary's title.
    pub title: Option<String>,
}

/// Reads a PDF held in memory, refusing encrypted files.
pub fn read_existing(data: &[u8]) -> Result<ExistingPdf, InputError> {
    let doc = Document::load_mem(data).map_err(|e| InputError::BadPdf {
        reason: e.to_string(),
    })?;
    if doc.was_encrypted() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(InputError::EncryptedPdf);
    }
    let pages = doc
        .get_pages()
        .into_values()
        .map(|id| classify(&doc, id).unwrap_or(ExistingPage::Keep))
        .collect();
    let signed = doc.objects.values().any(|o| match o {
        Object::Dictionary(d) => {
            let name = |k: &[u8]| d.get(k).and_then(Object::as_name).ok();
            name(b"Type") == Some(b"Sig".as_slice()) || name(b"FT") == Some(b"Sig".as_slice())
        }
        _ => false,
    });
    let title = doc
        .trailer
        .get(b"Info")
        .ok()
        .map(|i| resolve(&doc, i))
        .and_then(|i| i.as_dict().ok())
        .and_then(|d| d.get(b"Title").ok())
        .and_then(|t| t.as_str().ok())
        .map(text_string);
    Ok(ExistingPdf {
        pages,
        signed,
        title,
    })
}

/// A PDF text string (ISO 32000-1 §7.9.2.2): UTF-16BE with BOM, else PDFDocEncoding read as
/// Latin-1 (exact for the ASCII range, close enough for a title).
fn text_string(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        b.iter().map(|&c| char::from(c)).collect()
    }
}

fn classify(doc: &Document, id: ObjectId) -> Option<ExistingPage> {
    let media = match inherited(doc, id, b"MediaBox")? {
        Object::Array(a) if a.len() == 4 => a
            .iter()
            .map(|o| num(doc, o))
            .collect::<Option<Vec<f64>>>()?,
        Object::Reference(r) => match doc.get_object(r).ok()? {
            Object::Array(a) if a.len() == 4 => a
                .iter()
                .map(|o| num(doc, o))
                .collect::<Option<Vec<f64>>>()?,
            _ => return None,
        },
        _ => return None,
    };
    if inherited(doc, id, b"Rotate")
        .and_then(|r| r.as_i64().ok())
        .unwrap_or(0)
        % 360
        != 0
    {
        return None;
    }
    let (w_pt, h_pt) = ((media[2] - media[0]).abs(), (media[3] - media[1]).abs());
    let content = doc.get_page_content(id);
    // Text already there, or anything but image painting and graphics-state operators: keep.
    let ops = lopdf::content::Content::decode(&content).ok()?.operations;
    if ops
        .iter()
        .any(|op| !matches!(op.operator.as_str(), "q" | "Q" | "cm" | "Do"))
    {
        return None;
    }
    let names: Vec<Vec<u8>> = ops
        .iter()
        .filter(|op| op.operator == "Do")
        .filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec))
        .collect();
    if names.is_empty() {
        return None;
    }
    let resources = match inherited(doc, id, b"Resources")? {
        Object::Reference(r) => doc.get_dictionary(r).ok()?.clone(),
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let xobjects = match resources.get(b"XObject").ok().map(|o| resolve(doc, o))? {
        Object::Dictionary(d) => d.clone(),
        _ => return None,
    };
    let mut strips = Vec::with_capacity(names.len());
    for name in &names {
        let Object::Stream(s) = resolve(doc, xobjects.get(name).ok()?) else {
            return None;
        };
        strips.push(strip_from_stream(doc, &s.dict, &s.content)?);
    }
    // Strips stacked top to bottom, all as wide as the page (hoso's and img2pdf's layout).
    let width = strips[0].width;
    if strips.iter().any(|s| s.width != width) {
        return None;
    }
    let height: u32 = strips.iter().map(|s| s.height).sum();
    let dpi = Dpi {
        x: f64::from(width) * 72.0 / w_pt,
        y: f64::from(height) * 72.0 / h_pt,
    };
    Some(ExistingPage::Raster(RasterPage {
        strips,
        dpi: Some(dpi),
    }))
}

fn strip_from_stream(doc: &Document, dict: &Dictionary, data: &[u8]) -> Option<ImageStrip> {
    if dict.get(b"Subtype").ok()?.as_name().ok()? != b"Image" || dict.get(b"ImageMask").is_ok() {
        return None;
    }
    let get_int = |k: &[u8]| dict.get(k).ok().and_then(|o| num(doc, o)).map(|v| v as i64);
    let width = u32::try_from(get_int(b"Width")?).ok()?;
    let height = u32::try_from(get_int(b"Height")?).ok()?;
    let bits = u8::try_from(get_int(b"BitsPerComponent").unwrap_or(1)).ok()?;
    let filter = match dict.get(b"Filter").ok().map(|o| resolve(doc, o)) {
        Some(Object::Name(n)) => Some(n.clone()),
        Some(Object::Array(a)) if a.len() == 1 => Some(a[0].as_name().ok()?.to_vec()),
        None => None,
        _ => return None,
    };
    let parms = match dict.get(b"DecodeParms").ok().map(|o| resolve(doc, o)) {
        Some(Object::Dictionary(d)) => Some(d.clone()),
        Some(Object::Array(a)) if a.len() == 1 => match resolve(doc, &a[0]) {
            Object::Dictionary(d) => Some(d.clone()),
            _ => None,
        },
        _ => None,
    };
    let parm = |k: &[u8]| {
        parms
            .as_ref()
            .and_then(|p| p.get(k).ok())
            .and_then(|o| num(doc, o))
    };
    let encoding = match filter.as_deref() {
        Some(b"DCTDecode") => ImageEncoding::Dct,
        Some(b"FlateDecode") => {
            let predictor = parm(b"Predictor").unwrap_or(1.0) as i64;
            if predictor != 1 && predictor < 10 {
                return None;
            }
            ImageEncoding::Flate {
                png_predictors: predictor >= 10,
            }
        }
        Some(b"CCITTFaxDecode") if parm(b"K").unwrap_or(0.0) < 0.0 => ImageEncoding::CcittG4 {
            black_is_1: parms
                .as_ref()
                .and_then(|p| p.get(b"BlackIs1").ok())
                .and_then(|o| o.as_bool().ok())
                .unwrap_or(false),
        },
        _ => return None,
    };
    let color = match resolve(doc, dict.get(b"ColorSpace").ok()?) {
        Object::Name(n) if n == b"DeviceGray" => ImageColor::Gray,
        Object::Name(n) if n == b"DeviceRGB" => ImageColor::Rgb,
        Object::Array(a) if a.first()?.as_name().ok()? == b"ICCBased" => {
            let Object::Stream(s) = resolve(doc, a.get(1)?) else {
                return None;
            };
            match s.dict.get(b"N").ok().and_then(|o| num(doc, o))? as i64 {
                1 => ImageColor::Gray,
                3 => ImageColor::Rgb,
                4 => ImageColor::Cmyk,
                _ => return None,
            }
        }
        Object::Array(a) if a.first()?.as_name().ok()? == b"Indexed" && a.len() == 4 => {
            if resolve(doc, &a[1]).as_name().ok()? != b"DeviceRGB" {
                return None;
            }
            let lookup = match resolve(doc, &a[3]) {
                Object::String(s, _) => s.clone(),
                Object::Stream(s) => s
                    .decompressed_content()
                    .unwrap_or_else(|_| s.content.clone()),
                _ => return None,
            };
            ImageColor::Indexed(lookup)
        }
        _ => return None,
    };
    let inverted = match dict.get(b"Decode").ok().map(|o| resolve(doc, o)) {
        Some(Object::Array(a)) => a.first().and_then(|o| num(doc, o)) == Some(1.0),
        _ => false,
    };
    let soft_mask = match dict.get(b"SMask").ok().map(|o| resolve(doc, o)) {
        Some(Object::Stream(s)) => Some(Box::new(strip_from_stream(doc, &s.dict, &s.content)?)),
        _ => None,
    };
    Some(ImageStrip {
        width,
        height,
        color,
        bits,
        encoding,
        inverted,
        data: data.to_vec(),
        soft_mask,
    })
}

/// Decodes a strip to 8-bit grey (white = 255) for OCR. The strip itself is not changed.
pub fn strip_to_gray(s: &ImageStrip) -> Result<Vec<u8>, InputError> {
    let err = |r: &str| InputError::BadPdf {
        reason: format!("image: {r}"),
    };
    let (w, h) = (s.width as usize, s.height as usize);
    let raw_len = check_strip_size(s).map_err(|r| err(&r))?;
    let mut gray: Vec<u8> = match s.encoding {
        ImageEncoding::Dct => {
            let img = image::load_from_memory_with_format(&s.data, image::ImageFormat::Jpeg)
                .map_err(|e| err(&e.to_string()))?;
            img.to_luma8().into_raw()
        }
        // The decoder reports run colours; /BlackIs1 only sets the filter's output bit convention.
        ImageEncoding::CcittG4 { .. } => {
            let mut out = Vec::with_capacity(w * h);
            fax::decoder::decode_g4(s.data.iter().copied(), s.width, Some(s.height), |line| {
                for c in fax::decoder::pels(line, s.width) {
                    out.push(if c == fax::Color::Black { 0 } else { 255 });
                }
            })
            .ok_or_else(|| err("CCITT G4 data does not decode"))?;
            out
        }
        ImageEncoding::Flate { png_predictors } => {
            let mut raw = Vec::new();
            use std::io::Read;
            flate2::read::ZlibDecoder::new(&s.data[..])
                .take(raw_len.saturating_add(1))
                .read_to_end(&mut raw)
                .map_err(|e| err(&e.to_string()))?;
            let comps = usize::from(s.color.components());
            let row = (w * comps * usize::from(s.bits)).div_ceil(8);
            let raw = if png_predictors {
                unfilter_png(
                    &raw,
                    row,
                    (comps * usize::from(s.bits)).div_ceil(8).max(1),
                    h,
                )
                .ok_or_else(|| err("PNG predictor rows are truncated"))?
            } else {
                raw
            };
            samples_to_gray(&raw, s, row).ok_or_else(|| err("image data shorter than its size"))?
        }
    };
    if s.inverted && !matches!(s.color, ImageColor::Cmyk) {
        gray.iter_mut().for_each(|v| *v = 255 - *v);
    }
    if gray.len() < w * h {
        return Err(err("decoded image shorter than its size"));
    }
    gray.truncate(w * h);
    Ok(gray)
}

/// Largest image decoded for OCR, in pixels (A0 at 600 dpi is about 5.6 × 10⁸).
const MAX_PIXELS: u64 = 1 << 30;

/// Checks /Width × /Height × components against the encoded bytes before anything is allocated
/// from them; returns the decoded byte count a Flate strip may produce (with PNG tag bytes).
fn check_strip_size(s: &ImageStrip) -> Result<u64, String> {
    let (w, h) = (u64::from(s.width), u64::from(s.height));
    let enc = s.data.len() as u64;
    let too_big = || format!("{w}×{h} pixels are too many for {enc} encoded bytes");
    let pixels = w
        .checked_mul(h)
        .filter(|&p| p <= MAX_PIXELS)
        .ok_or_else(too_big)?;
    let comps = u64::from(s.color.components());
    let row = w
        .checked_mul(comps * u64::from(s.bits.max(1)))
        .map(|b| b.div_ceil(8) + 1)
        .ok_or_else(too_big)?;
    let raw = row.checked_mul(h).ok_or_else(too_big)?;
    let fits = match s.encoding {
        // Deflate expands at most 1032:1.
        ImageEncoding::Flate { .. } => raw <= enc.saturating_mul(1032).saturating_add(1 << 16),
        // Every 8×8 block of every component costs at least two bits.
        ImageEncoding::Dct => pixels <= enc.saturating_mul(256).saturating_add(1 << 20),
        // Every row costs at least one bit.
        ImageEncoding::CcittG4 { .. } => h <= enc.saturating_mul(8).saturating_add(64),
    };
    if fits {
        Ok(raw)
    } else {
        Err(too_big())
    }
}

/// Reverses PNG row filters (ISO/IEC 15948 §9) on `h` rows of `row` bytes, `bpp` bytes per pixel.
fn unfilter_png(data: &[u8], row: usize, bpp: usize, h: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; row * h];
    for y in 0..h {
        let src = data.get(y * (row + 1)..(y + 1) * (row + 1))?;
        let (kind, line) = (src[0], &src[1..]);
        let (before, cur) = out.split_at_mut(y * row);
        let prev = if y == 0 {
            None
        } else {
            Some(&before[(y - 1) * row..])
        };
        let cur = &mut cur[..row];
        for x in 0..row {
            let a = if x >= bpp { cur[x - bpp] } else { 0 };
            let b = prev.map_or(0, |p| p[x]);
            let c = if x >= bpp {
                prev.map_or(0, |p| p[x - bpp])
            } else {
                0
            };
            let pred = match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => return None,
            };
            cur[x] = line[x].wrapping_add(pred);
        }
    }
    Some(out)
}

fn samples_to_gray(raw: &[u8], s: &ImageStrip, row: usize) -> Option<Vec<u8>> {
    let (w, h) = (s.width as usize, s.height as usize);
    let bits = usize::from(s.bits);
    let sample = |y: usize, i: usize| -> Option<u8> {
        let line = raw.get(y * row..(y + 1) * row)?;
        Some(match bits {
            8 => line[i],
            16 => line[i * 2],
            1 | 2 | 4 => {
                let bit = i * bits;
                let v = (line[bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1);
                (u32::from(v) * 255 / ((1 << bits) - 1)) as u8
            }
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let v = match &s.color {
                ImageColor::Gray => sample(y, x)?,
                ImageColor::Rgb => {
                    let (r, g, b) = (
                        sample(y, 3 * x)?,
                        sample(y, 3 * x + 1)?,
                        sample(y, 3 * x + 2)?,
                    );
                    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
                }
                ImageColor::Cmyk => {
                    let k = sample(y, 4 * x + 3)?;
                    let c = (u32::from(sample(y, 4 * x)?)
                        + u32::from(sample(y, 4 * x + 1)?)
                        + u32::from(sample(y, 4 * x + 2)?))
                        / 3;
                    255u8.saturating_sub(c as u8).saturating_sub(k)
                }
                ImageColor::Indexed(lut) => {
                    let bits_idx = {
                        let line = raw.get(y * row..(y + 1) * row)?;
                        match bits {
                            8 => usize::from(line[x]),
                            1 | 2 | 4 => {
                                let bit = x * bits;
                                usize::from(
                                    (line[bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1),
                                )
                            }
                            _ => return None,
                        }
                    };
                    let p = lut.get(3 * bits_idx..3 * bits_idx + 3)?;
                    ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000)
                        as u8
                }
            };
            out.push(v);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_unfilter_reverses_every_filter_type() {
        // Two rows of 3 bytes, bpp 1: row 0 with Sub, row 1 with Paeth.
        let raw = [1u8, 10, 5, 5, 4, 20, 0, 0];
        let out = unfilter_png(&raw, 3, 1, 2).unwrap();
        assert_eq!(&out[..3], &[10, 15, 20]);
        // Paeth: x0: a=0,b=10,c=0 → b → 30; x1: a=30,b=15,c=10 → p=35 → pa=5,pb=20,pc=25 → a → 30; x2: a=30,b=20,c=15 → p=35 → pa=5 → a → 30.
        assert_eq!(&out[3..], &[30, 30, 30]);
    }
}
