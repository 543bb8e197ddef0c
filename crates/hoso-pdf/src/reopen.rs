//! Reading back image-only pages of an existing PDF (one hoso made, or img2pdf-style scans), so a
//! text layer can be added without touching the image bytes: each page whose content only paints
//! images is turned back into a [`RasterPage`] whose strips carry the original encoded streams,
//! and each strip can be decoded to grey for OCR ([`strip_to_gray`]).

use crate::error::InputError;
use crate::raster::{Dpi, ImageColor, ImageEncoding, ImageStrip, RasterPage};
use crate::read::content::{self, Event};
use crate::read::object::decode_text;
use crate::read::{Dict, Object, PdfFile, Stream, Visited};

/// A page of an existing PDF.
#[derive(Debug, Clone)]
pub enum ExistingPage {
    /// The page only paints images, top to bottom, full width: they can carry a text layer.
    Raster(RasterPage),
    /// Anything else (text already there, vector drawing, unusual layout): kept as it is.
    Keep,
}

type File = PdfFile<Vec<u8>>;

fn resolve(file: &File, o: &Object) -> Object {
    file.resolve(o).unwrap_or(Object::Null)
}

fn num(file: &File, o: &Object) -> Option<f64> {
    match resolve(file, o) {
        Object::Integer(i) => Some(i as f64),
        Object::Real(r) if r.is_finite() => Some(r),
        _ => None,
    }
}

fn inherited(file: &File, page: &Dict, key: &str) -> Option<Object> {
    file.inherited(page, key).ok().flatten()
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

fn bad_pdf(e: crate::read::PdfError) -> InputError {
    InputError::BadPdf {
        reason: e.to_string(),
    }
}

/// Reads a PDF held in memory, refusing encrypted files.
pub fn read_existing(data: &[u8]) -> Result<ExistingPdf, InputError> {
    let file = PdfFile::open(data.to_vec()).map_err(bad_pdf)?;
    if file.trailer().get("Encrypt").is_some() {
        return Err(InputError::EncryptedPdf);
    }
    let pages = file
        .pages()
        .map_err(bad_pdf)?
        .iter()
        .map(|(_, page)| classify(&file, page).unwrap_or(ExistingPage::Keep))
        .collect();
    // Any signature dictionary or signature field, wherever it is (ISO 32000-1 §12.8.1,
    // §12.7.4.5): reopening must not break a signature.
    let signed = file
        .any_object(|o| match o {
            Object::Dict(d) => d.name("Type") == Some(b"Sig") || d.name("FT") == Some(b"Sig"),
            _ => false,
        })
        .map_err(bad_pdf)?;
    let title = file
        .trailer()
        .get("Info")
        .map(|i| resolve(&file, i))
        .and_then(|i| i.as_dict().and_then(|d| d.get("Title").cloned()))
        .map(|t| resolve(&file, &t))
        .and_then(|t| t.as_string().map(decode_text));
    Ok(ExistingPdf {
        pages,
        signed,
        title,
    })
}

fn classify(file: &File, page: &Dict) -> Option<ExistingPage> {
    let media = match inherited(file, page, "MediaBox")? {
        Object::Array(a) if a.len() == 4 => a
            .iter()
            .map(|o| num(file, o))
            .collect::<Option<Vec<f64>>>()?,
        _ => return None,
    };
    if inherited(file, page, "Rotate")
        .and_then(|r| r.as_i64())
        .unwrap_or(0)
        % 360
        != 0
    {
        return None;
    }
    let (w_pt, h_pt) = ((media[2] - media[0]).abs(), (media[3] - media[1]).abs());
    let content = file.page_content(page).ok()?;
    // Text already there, or anything but image painting and graphics-state operators: keep.
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut other = false;
    content::walk(&content, |ev| match ev {
        Event::Op(b"Do", args) => match args.first().and_then(content::Operand::name) {
            Some(n) => names.push(n.to_vec()),
            None => other = true,
        },
        Event::Op(b"q" | b"Q" | b"cm", _) => {}
        _ => other = true,
    });
    if other || names.is_empty() {
        return None;
    }
    let resources = inherited(file, page, "Resources")?.as_dict()?.clone();
    let xobjects = resolve(file, resources.get("XObject")?).as_dict()?.clone();
    let mut strips = Vec::with_capacity(names.len());
    for name in &names {
        let Object::Stream(s) = resolve(file, xobjects.get_bytes(name)?) else {
            return None;
        };
        let mut masks = Visited::new("/SMask");
        if let Some(Object::Ref(r)) = xobjects.get_bytes(name) {
            masks.first_visit(*r).ok()?;
        }
        strips.push(strip_from_stream(file, &s, Some(&mut masks))?);
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

/// An image XObject as a strip carrying its encoded bytes. `masks` holds the image's own
/// reference: an `/SMask` pointing back at it (a self-referencing soft mask) makes the page one
/// to keep as it is. A soft mask is read with `masks` `None`: its own `/SMask` is not followed,
/// so no chain of masks is walked.
fn strip_from_stream(file: &File, s: &Stream, masks: Option<&mut Visited>) -> Option<ImageStrip> {
    let dict = &s.dict;
    if dict.name("Subtype")? != b"Image" || dict.get("ImageMask").is_some() {
        return None;
    }
    let get_int = |k: &str| dict.get(k).and_then(|o| num(file, o)).map(|v| v as i64);
    let width = u32::try_from(get_int("Width")?).ok()?;
    let height = u32::try_from(get_int("Height")?).ok()?;
    let bits = u8::try_from(get_int("BitsPerComponent").unwrap_or(1)).ok()?;
    let filter = match dict.get("Filter").map(|o| resolve(file, o)) {
        Some(Object::Name(n)) => Some(n),
        Some(Object::Array(a)) if a.len() == 1 => Some(a[0].as_name()?.to_vec()),
        None => None,
        _ => return None,
    };
    let parms = match dict.get("DecodeParms").map(|o| resolve(file, o)) {
        Some(Object::Dict(d)) => Some(d),
        Some(Object::Array(a)) if a.len() == 1 => resolve(file, &a[0]).as_dict().cloned(),
        _ => None,
    };
    let parm = |k: &str| {
        parms
            .as_ref()
            .and_then(|p| p.get(k))
            .and_then(|o| num(file, o))
    };
    let encoding = match filter.as_deref() {
        Some(b"DCTDecode") => ImageEncoding::Dct,
        Some(b"FlateDecode") => {
            let predictor = parm("Predictor").unwrap_or(1.0) as i64;
            if predictor != 1 && predictor < 10 {
                return None;
            }
            ImageEncoding::Flate {
                png_predictors: predictor >= 10,
            }
        }
        Some(b"CCITTFaxDecode") if parm("K").unwrap_or(0.0) < 0.0 => ImageEncoding::CcittG4 {
            black_is_1: parms
                .as_ref()
                .and_then(|p| p.get("BlackIs1"))
                .is_some_and(|o| resolve(file, o) == Object::Bool(true)),
        },
        _ => return None,
    };
    let color = match resolve(file, dict.get("ColorSpace")?) {
        Object::Name(n) if n == b"DeviceGray" => ImageColor::Gray,
        Object::Name(n) if n == b"DeviceRGB" => ImageColor::Rgb,
        Object::Array(a) if a.first()?.as_name()? == b"ICCBased" => {
            let Object::Stream(s) = resolve(file, a.get(1)?) else {
                return None;
            };
            match s.dict.get("N").and_then(|o| num(file, o))? as i64 {
                1 => ImageColor::Gray,
                3 => ImageColor::Rgb,
                4 => ImageColor::Cmyk,
                _ => return None,
            }
        }
        Object::Array(a) if a.first()?.as_name()? == b"Indexed" && a.len() == 4 => {
            if resolve(file, &a[1]).as_name()? != b"DeviceRGB" {
                return None;
            }
            let lookup = match resolve(file, &a[3]) {
                Object::String(s) => s,
                Object::Stream(s) => file.stream_data(&s).or_else(|_| file.stream_raw(&s)).ok()?,
                _ => return None,
            };
            ImageColor::Indexed(lookup)
        }
        _ => return None,
    };
    let inverted = match dict.get("Decode").map(|o| resolve(file, o)) {
        Some(Object::Array(a)) => a.first().and_then(|o| num(file, o)) == Some(1.0),
        _ => false,
    };
    let soft_mask = match (dict.get("SMask"), masks) {
        // Entered as a mask: its own /SMask is not followed.
        (Some(_), None) | (None, _) => None,
        (Some(m), Some(masks)) => {
            // The image itself or a mask met before on this walk: a cycle. Keep the page.
            if !masks.first_visit_obj(m).ok()? {
                return None;
            }
            match resolve(file, m) {
                Object::Stream(ms) => Some(Box::new(strip_from_stream(file, &ms, None)?)),
                _ => None,
            }
        }
    };
    Some(ImageStrip {
        width,
        height,
        color,
        bits,
        encoding,
        inverted,
        data: file.stream_raw(s).ok()?,
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

/// Reverses PNG row filters on exactly `h` rows of `row` bytes (`None` when the data holds fewer
/// rows or a bad tag); the filters themselves are the stream decoder's.
fn unfilter_png(data: &[u8], row: usize, bpp: usize, h: usize) -> Option<Vec<u8>> {
    let rows = data.get(..h.checked_mul(row.checked_add(1)?)?)?;
    crate::read::filter::png_unfilter(rows, row, bpp)
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
