//! Stream filters needed to read structure: FlateDecode (ISO 32000-1 §7.4.4) with PNG and TIFF
//! predictors (§7.4.4.4). Other filters only appear on content and images, which are never read.

use std::io::Read;

use super::object::{Dict, Object};
use super::PdfError;

/// Decodes `raw` by the stream's `/Filter` and `/DecodeParms`, refusing output over `max_len`.
pub fn decode(dict: &Dict, raw: Vec<u8>, offset: u64, max_len: u64) -> Result<Vec<u8>, PdfError> {
    let filters: Vec<&[u8]> = match dict.get("Filter") {
        None => Vec::new(),
        Some(Object::Name(n)) => vec![n.as_slice()],
        Some(Object::Array(a)) => a.iter().filter_map(Object::as_name).collect(),
        Some(_) => {
            return Err(PdfError::BadStream {
                what: "Filter",
                offset,
            })
        }
    };
    let parms: Vec<Option<&Dict>> = match dict.get("DecodeParms") {
        Some(Object::Dict(d)) => vec![Some(d)],
        Some(Object::Array(a)) => a.iter().map(Object::as_dict).collect(),
        _ => Vec::new(),
    };
    let mut data = raw;
    for (i, f) in filters.iter().enumerate() {
        match *f {
            b"FlateDecode" | b"Fl" => {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(data.as_slice())
                    .take(max_len + 1)
                    .read_to_end(&mut out)
                    .map_err(|_| PdfError::BadStream {
                        what: "FlateDecode",
                        offset,
                    })?;
                if out.len() as u64 > max_len {
                    return Err(PdfError::BadStream {
                        what: "decoded size",
                        offset,
                    });
                }
                data = match parms.get(i).copied().flatten() {
                    Some(p) => unpredict(p, out, offset)?,
                    None => out,
                };
            }
            _ => {
                return Err(PdfError::BadStream {
                    what: "unsupported filter on a structural stream",
                    offset,
                })
            }
        }
    }
    Ok(data)
}

fn int(p: &Dict, key: &str, default: i64) -> i64 {
    p.get(key).and_then(Object::as_i64).unwrap_or(default)
}

/// Undoes a predictor (§7.4.4.4, Table 9): 2 = TIFF, ≥ 10 = PNG with a per-row tag byte.
fn unpredict(p: &Dict, data: Vec<u8>, offset: u64) -> Result<Vec<u8>, PdfError> {
    let predictor = int(p, "Predictor", 1);
    if predictor == 1 {
        return Ok(data);
    }
    let bad = || PdfError::BadStream {
        what: "DecodeParms",
        offset,
    };
    let colors = usize::try_from(int(p, "Colors", 1)).map_err(|_| bad())?;
    let bpc = usize::try_from(int(p, "BitsPerComponent", 8)).map_err(|_| bad())?;
    let columns = usize::try_from(int(p, "Columns", 1)).map_err(|_| bad())?;
    let bpp = (colors * bpc).div_ceil(8).max(1);
    let row_len = (colors * bpc * columns).div_ceil(8);
    if row_len == 0 || colors > 32 || bpc > 16 {
        return Err(bad());
    }
    if predictor == 2 {
        if bpc != 8 {
            return Err(bad());
        }
        let mut out = data;
        for row in out.chunks_mut(row_len) {
            for i in bpp..row.len() {
                row[i] = row[i].wrapping_add(row[i - bpp]);
            }
        }
        return Ok(out);
    }
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row_len];
    for chunk in data.chunks(row_len + 1) {
        let (&tag, src) = chunk.split_first().ok_or_else(bad)?;
        let mut row = src.to_vec();
        row.resize(row_len, 0);
        for i in 0..row_len {
            let a = if i >= bpp { row[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            let add = match tag {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return Err(bad()),
            };
            row[i] = row[i].wrapping_add(add);
        }
        out.extend_from_slice(&row);
        prev = row;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_up_predictor_round_trip() {
        // Two rows of 3 columns, PNG Up (tag 2) on the second.
        let encoded = vec![0, 1, 2, 3, 2, 1, 1, 1];
        let mut p = Dict::new();
        p.set("Predictor", Object::Integer(12))
            .set("Columns", Object::Integer(3));
        assert_eq!(unpredict(&p, encoded, 0).unwrap(), vec![1, 2, 3, 2, 3, 4]);
    }
}
