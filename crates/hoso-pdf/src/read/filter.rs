//! Stream filters needed to read structure and content: FlateDecode (ISO 32000-1 §7.4.4) and
//! LZWDecode (§7.4.4, which PDF/A forbids and the importer re-encodes), both with PNG and TIFF
//! predictors (§7.4.4.4). Image filters (DCT, CCITT, JBIG2, JPX) are never decoded here.

use std::io::Read;

use super::object::{Dict, Object};
use super::{stream_at, PdfError};

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
                    .take(max_len.saturating_add(1))
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
            b"LZWDecode" | b"LZW" => {
                let p = parms.get(i).copied().flatten();
                let early = p.is_none_or(|p| int(p, "EarlyChange", 1) != 0);
                let out = lzw(&data, early, max_len, offset)?;
                data = match p {
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

/// LZW (§7.4.4.2): 8-bit codes growing to 12 bits, MSB first; `early` is `/EarlyChange 1`
/// (the code width grows one code early, as in TIFF). Output over `max_len` is refused while
/// decoding; a missing end-of-data code ends the data where the input ends.
fn lzw(data: &[u8], early: bool, max_len: u64, offset: u64) -> Result<Vec<u8>, PdfError> {
    use weezl::{decode::Decoder, BitOrder, LzwStatus};
    let mut dec = if early {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Decoder::new(BitOrder::Msb, 8)
    };
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut input = data;
    loop {
        let r = dec.decode_bytes(input, &mut buf);
        input = input.get(r.consumed_in..).unwrap_or(&[]);
        out.extend_from_slice(&buf[..r.consumed_out]);
        if out.len() as u64 > max_len {
            return Err(PdfError::BadStream {
                what: "decoded size",
                offset,
            });
        }
        match r.status {
            Ok(LzwStatus::Done | LzwStatus::NoProgress) => return Ok(out),
            Ok(LzwStatus::Ok) if r.consumed_in == 0 && r.consumed_out == 0 => return Ok(out),
            Ok(LzwStatus::Ok) => {}
            Err(_) => {
                return Err(PdfError::BadStream {
                    what: "LZWDecode",
                    offset,
                })
            }
        }
    }
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
    if colors == 0 || colors > 32 || !matches!(bpc, 1 | 2 | 4 | 8 | 16) {
        return Err(bad());
    }
    let bpp = (colors * bpc).div_ceil(8).max(1);
    // /Columns is checked against the data before any row buffer is allocated: a row cannot be
    // longer than the whole decoded stream.
    let row_len = columns
        .checked_mul(colors * bpc)
        .map(|bits| bits.div_ceil(8))
        .filter(|&r| r > 0 && r <= data.len().max(1))
        .ok_or_else(|| {
            PdfError::limit(
                "predictor row (/Columns × /Colors × /BitsPerComponent)",
                data.len() as u64,
                stream_at(offset),
            )
        })?;
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
    png_unfilter(&data, row_len, bpp).ok_or_else(bad)
}

/// Reverses PNG row filters (ISO/IEC 15948 §9, PDF §7.4.4.4): `data` is rows of one tag byte and
/// `row_len` bytes (a short last row is padded with zeros), `bpp` bytes per pixel. `None` for a
/// tag other than 0–4. Used by stream decoding and by the image reader of `reopen`.
pub(crate) fn png_unfilter(data: &[u8], row_len: usize, bpp: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row_len];
    let mut row = vec![0u8; row_len];
    for chunk in data.chunks(row_len + 1) {
        let (&tag, src) = chunk.split_first()?;
        row[..src.len()].copy_from_slice(src);
        row[src.len()..].fill(0);
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
                _ => return None,
            };
            row[i] = row[i].wrapping_add(add);
        }
        out.extend_from_slice(&row);
        std::mem::swap(&mut prev, &mut row);
    }
    Some(out)
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

    /// LZW-encodes `data` with 9-bit codes only (clear, literals, EOD), which every decoder reads
    /// the same way whatever `/EarlyChange` says as long as the table stays small.
    fn lzw_literals(data: &[u8]) -> Vec<u8> {
        let mut codes = vec![256u16];
        codes.extend(data.iter().map(|&b| u16::from(b)));
        codes.push(257);
        let mut bits = 0u32;
        let mut n = 0;
        let mut out = Vec::new();
        for c in codes {
            bits = (bits << 9) | u32::from(c);
            n += 9;
            while n >= 8 {
                out.push((bits >> (n - 8)) as u8);
                n -= 8;
                bits &= (1 << n) - 1;
            }
        }
        if n > 0 {
            out.push((bits << (8 - n)) as u8);
        }
        out
    }

    #[test]
    fn lzw_streams_decode_and_respect_the_size_limit() {
        let mut d = Dict::new();
        d.set("Filter", Object::name("LZWDecode"));
        let enc = lzw_literals(b"BT /F1 12 Tf ET");
        assert_eq!(
            decode(&d, enc.clone(), 0, 1 << 20).unwrap(),
            b"BT /F1 12 Tf ET"
        );
        assert!(matches!(
            decode(&d, enc, 5, 4),
            Err(PdfError::BadStream {
                what: "decoded size",
                offset: 5
            })
        ));
        // The ISO 32000-1 §7.4.4.2 example: 2D 2D 2D 2D 2D 41 2D 2D 2D 42 (EarlyChange 1).
        let example = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        assert_eq!(
            decode(&d, example.to_vec(), 0, 1 << 20).unwrap(),
            [0x2D, 0x2D, 0x2D, 0x2D, 0x2D, 0x41, 0x2D, 0x2D, 0x2D, 0x42]
        );
    }

    #[test]
    fn huge_columns_are_refused_before_allocating() {
        for cols in [i64::MAX, 1 << 40, 9] {
            let mut p = Dict::new();
            p.set("Predictor", Object::Integer(12))
                .set("Columns", Object::Integer(cols))
                .set("Colors", Object::Integer(32))
                .set("BitsPerComponent", Object::Integer(16));
            match unpredict(&p, vec![0; 8], 77) {
                Err(PdfError::LimitExceeded { object, .. }) => assert!(object.contains("77")),
                other => panic!("{cols}: {other:?}"),
            }
        }
    }
}
