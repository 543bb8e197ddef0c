//! Fonts (ISO 19005-2 §6.2.11; ISO 19005-1 §6.3), checked for every font a content stream
//! selects with `Tf`, against the character codes it shows: dictionaries, embedding,
//! CIDToGIDMap, CMaps, CIDSet/CharSet, widths against the font program (TrueType and OpenType
//! read with `ttf-parser`), TrueType encodings, ToUnicode (levels U and A) and `.notdef`.

use std::collections::{HashMap, HashSet};

use super::{show, Checker, RuleId};
use crate::read::content::{self, Event, Operand};
use crate::read::{Dict, Object};

/// Allowed difference between a dictionary width and the program's, in 1/1000 em.
const WIDTH_TOLERANCE: f64 = 1.0;

const STANDARD_14: &[&[u8]] = &[
    b"Times-Roman",
    b"Times-Bold",
    b"Times-Italic",
    b"Times-BoldItalic",
    b"Helvetica",
    b"Helvetica-Bold",
    b"Helvetica-Oblique",
    b"Helvetica-BoldOblique",
    b"Courier",
    b"Courier-Bold",
    b"Courier-Oblique",
    b"Courier-BoldOblique",
    b"Symbol",
    b"ZapfDingbats",
];

/// Predefined CMaps (ISO 32000-1 Table 118) are names ending in -H or -V from these families.
fn predefined_cmap(n: &[u8]) -> bool {
    let s = show(n);
    (s.ends_with("-H") || s.ends_with("-V"))
        && [
            "Identity", "GB", "GBK", "GBpc", "GBK2K", "UniGB", "B5", "ETen", "ETenms", "HKscs",
            "CNS", "UniCNS", "83pv", "90ms", "90msp", "90pv", "Add", "EUC", "Ext", "H", "V",
            "UniJIS", "KSC", "KSCms", "KSCpc", "UniKS", "78",
        ]
        .iter()
        .any(|p| s.starts_with(p))
}

/// Code → Unicode for WinAnsiEncoding's 0x80..0x9F (ISO 32000-1 Annex D.2); other codes map
/// to the same Latin-1 value.
fn win_ansi(code: u8) -> Option<char> {
    const HIGH: [u32; 32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
        0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ];
    match code {
        0x80..=0x9F => char::from_u32(HIGH[usize::from(code - 0x80)]).filter(|c| *c != '\0'),
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(code)),
        _ => None,
    }
}

struct Program {
    data: Vec<u8>,
}

/// Checks every font used for rendering.
pub(crate) fn check_fonts(cx: &mut Checker<'_>) {
    let mut used: Vec<(u32, HashSet<u32>)> =
        cx.font_use.iter().map(|(k, v)| (*k, v.clone())).collect();
    used.sort_by_key(|u| u.0);
    let mut seen = HashSet::new();
    for (num, codes) in used {
        if !seen.insert(num) {
            continue;
        }
        let Some(font) = cx.objects.get(&num).and_then(Object::as_dict).cloned() else {
            continue;
        };
        check_font(cx, num, &font, &codes);
    }
}

fn base_font(d: &Dict) -> String {
    d.name("BaseFont").map(show).unwrap_or_else(|| "?".into())
}

fn check_font(cx: &mut Checker<'_>, num: u32, font: &Dict, codes: &HashSet<u32>) {
    let sub = font.name("Subtype").unwrap_or(b"").to_vec();
    let name = base_font(font);
    match sub.as_slice() {
        b"Type0" => check_type0(cx, num, font, codes, &name),
        b"Type3" => {
            if cx.level.needs_unicode() && font.get("ToUnicode").is_none() {
                cx.fail(RuleId::ToUnicode, None, Some(num), format!("phông Type3 \"{name}\" thiếu ToUnicode / Type 3 font \"{name}\" has no ToUnicode"));
            }
        }
        b"Type1" | b"MMType1" | b"TrueType" => check_simple(cx, num, font, codes, &name, &sub),
        _ => cx.fail(
            RuleId::FontDictionary,
            None,
            Some(num),
            format!("phông \"{name}\" có /Subtype lạ / font \"{name}\" has an unknown /Subtype"),
        ),
    }
}

/// The decoded font program of a descriptor, and which key held it.
fn program(cx: &mut Checker<'_>, desc: &Dict) -> (Option<&'static str>, Option<Program>) {
    for key in ["FontFile", "FontFile2", "FontFile3"] {
        if let Some(o) = desc.get(key).cloned() {
            let Some(s) = cx.stream(&o).cloned() else {
                return (Some(key), None);
            };
            let data = cx.decode(&s).map(|data| Program { data });
            return (Some(key), data);
        }
    }
    (None, None)
}

fn embedded_or_fail(
    cx: &mut Checker<'_>,
    num: u32,
    desc: Option<&Dict>,
    name: &str,
) -> Option<Option<Program>> {
    let Some(desc) = desc else {
        cx.fail(RuleId::FontEmbedded, None, Some(num), format!("phông \"{name}\" không nhúng (không có FontDescriptor) / font \"{name}\" is not embedded (no FontDescriptor)"));
        return None;
    };
    match program(cx, desc) {
        (None, _) => {
            cx.fail(
                RuleId::FontEmbedded,
                None,
                Some(num),
                format!("phông \"{name}\" không được nhúng / font \"{name}\" is not embedded"),
            );
            None
        }
        (Some(_), p) => Some(p),
    }
}

fn is_subset(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 7 && b[6] == b'+' && b[..6].iter().all(u8::is_ascii_uppercase)
}

fn check_simple(
    cx: &mut Checker<'_>,
    num: u32,
    font: &Dict,
    codes: &HashSet<u32>,
    name: &str,
    sub: &[u8],
) {
    let std14 = STANDARD_14.contains(&name.as_bytes());
    let first = cx.get(font, "FirstChar").as_i64();
    let last = cx.get(font, "LastChar").as_i64();
    let widths: Option<Vec<f64>> = match cx.get(font, "Widths") {
        Object::Array(a) => Some(a.iter().map(|w| cx.number(w).unwrap_or(f64::NAN)).collect()),
        _ => None,
    };
    match (first, last, &widths) {
        (Some(f), Some(l), Some(w)) => {
            if l < f || (l - f + 1) as usize != w.len() {
                cx.fail(RuleId::FontDictionary, None, Some(num), format!("/Widths của \"{name}\" có {} mục, cần {} / /Widths of \"{name}\" has {} entries, needs {}", w.len(), l - f + 1, w.len(), l - f + 1));
            }
        }
        _ if !std14 => cx.fail(RuleId::FontDictionary, None, Some(num), format!("phông \"{name}\" thiếu FirstChar/LastChar/Widths / font \"{name}\" lacks FirstChar, LastChar or Widths")),
        _ => {}
    }
    let desc = font.get("FontDescriptor").and_then(|d| cx.dict(d)).cloned();
    let Some(prog) = embedded_or_fail(cx, num, desc.as_ref(), name) else {
        return;
    };
    let desc = desc.unwrap_or_default();
    let flags = cx.get(&desc, "Flags").as_i64().unwrap_or(0);
    let symbolic = flags & 4 != 0;
    if cx.part1() && sub != b"TrueType" && is_subset(name) && desc.get("CharSet").is_none() {
        cx.fail(
            RuleId::SubsetCharSet,
            None,
            Some(num),
            format!("phông con \"{name}\" thiếu /CharSet / subset font \"{name}\" has no /CharSet"),
        );
    }
    let encoding = font.get("Encoding").map(|e| cx.resolve(e).clone());
    let differences = differences(cx, encoding.as_ref());
    if sub == b"TrueType" {
        check_truetype_encoding(cx, num, name, symbolic, encoding.as_ref(), prog.as_ref());
    }
    if cx.level.needs_unicode() {
        let tu = font.get("ToUnicode").and_then(|t| cx.stream(t)).cloned();
        let map = tu.and_then(|s| cx.decode(&s)).map(|d| parse_to_unicode(&d));
        for &c in codes {
            let mapped = match &map {
                Some(m) => m.get(&c).is_some_and(|u| {
                    !u.is_empty() && u.iter().all(|&x| x != 0 && x != 0xFEFF && x != 0xFFFE)
                }),
                None => {
                    !symbolic
                        && match differences.get(&c) {
                            Some(g) => glyph_name_unicode(g).is_some(),
                            None => u8::try_from(c).ok().and_then(win_ansi).is_some(),
                        }
                }
            };
            if !mapped {
                cx.fail(RuleId::ToUnicode, None, Some(num), format!("mã {c} của phông \"{name}\" không ánh xạ Unicode / code {c} of font \"{name}\" has no Unicode mapping"));
                break;
            }
        }
    }
    let Some(prog) = prog else {
        cx.fail(RuleId::FontEmbedded, None, Some(num), format!("chương trình phông \"{name}\" không đọc được / the font program of \"{name}\" cannot be read"));
        return;
    };
    let Ok(face) = ttf_parser::Face::parse(&prog.data, 0) else {
        if sub == b"TrueType" {
            cx.fail(RuleId::FontEmbedded, None, Some(num), format!("chương trình TrueType \"{name}\" hỏng / the TrueType program of \"{name}\" is malformed"));
        }
        return;
    };
    let upem = f64::from(face.units_per_em().max(1));
    let mut codes: Vec<u32> = codes.iter().copied().collect();
    codes.sort_unstable();
    for c in codes {
        let gid = simple_gid(&face, c, symbolic, differences.get(&c), encoding.as_ref());
        match gid {
            None | Some(0) => {
                cx.fail(
                    RuleId::Notdef,
                    None,
                    Some(num),
                    format!(
                        "mã {c} của \"{name}\" vẽ .notdef / code {c} of \"{name}\" shows .notdef"
                    ),
                );
                continue;
            }
            Some(g) => {
                let (Some(f), Some(w)) = (first, &widths) else {
                    continue;
                };
                let Some(dict_w) = usize::try_from(i64::from(c) - f)
                    .ok()
                    .and_then(|i| w.get(i))
                    .copied()
                else {
                    continue;
                };
                if let Some(adv) = face.glyph_hor_advance(ttf_parser::GlyphId(g)) {
                    let prog_w = f64::from(adv) * 1000.0 / upem;
                    if (prog_w - dict_w).abs() > WIDTH_TOLERANCE {
                        cx.fail(RuleId::FontWidths, None, Some(num), format!("\"{name}\" mã {c}: /Widths {dict_w} ≠ {prog_w:.0} trong phông / \"{name}\" code {c}: /Widths {dict_w} but {prog_w:.0} in the font program"));
                        break;
                    }
                }
            }
        }
    }
}

/// §6.2.11.6 TrueType encodings.
fn check_truetype_encoding(
    cx: &mut Checker<'_>,
    num: u32,
    name: &str,
    symbolic: bool,
    enc: Option<&Object>,
    prog: Option<&Program>,
) {
    let face = prog.and_then(|p| ttf_parser::Face::parse(&p.data, 0).ok());
    let subtables: Vec<(u16, u16)> = face
        .as_ref()
        .and_then(|f| f.tables().cmap)
        .map(|c| {
            c.subtables
                .into_iter()
                .map(|s| (s.platform_id as u16, s.encoding_id))
                .collect()
        })
        .unwrap_or_default();
    if symbolic {
        if enc.is_some() && !cx.part1() {
            cx.fail(RuleId::TrueTypeEncoding, None, Some(num), format!("TrueType ký hiệu \"{name}\" có /Encoding / symbolic TrueType \"{name}\" has an /Encoding"));
        }
        if face.is_some() && subtables.len() != 1 && !subtables.contains(&(3, 0)) {
            cx.fail(RuleId::TrueTypeEncoding, None, Some(num), format!("TrueType ký hiệu \"{name}\" cần cmap (3,0) hoặc đúng một cmap / symbolic TrueType \"{name}\" needs a (3,0) cmap or exactly one cmap"));
        }
    } else {
        let base = match enc {
            Some(Object::Name(n)) => Some(n.clone()),
            Some(Object::Dict(d)) => d.name("BaseEncoding").map(<[u8]>::to_vec),
            _ => None,
        };
        // An /Encoding dictionary needs its /BaseEncoding too (veraPDF agrees: 6-2-11-6-t02).
        let enc_ok = matches!(
            base.as_deref(),
            Some(b"MacRomanEncoding" | b"WinAnsiEncoding")
        );
        if !enc_ok && !cx.part1() {
            cx.fail(RuleId::TrueTypeEncoding, None, Some(num), format!("TrueType không ký hiệu \"{name}\" cần MacRoman hoặc WinAnsi / non-symbolic TrueType \"{name}\" needs MacRomanEncoding or WinAnsiEncoding"));
        }
        if face.is_some()
            && !subtables.contains(&(3, 1))
            && !subtables.contains(&(1, 0))
            && !cx.part1()
        {
            cx.fail(RuleId::TrueTypeEncoding, None, Some(num), format!("TrueType \"{name}\" thiếu cmap (3,1) hoặc (1,0) / TrueType \"{name}\" has no (3,1) or (1,0) cmap"));
        }
    }
}

/// The glyph a simple TrueType font shows for `code` (ISO 32000-1 §9.6.6.4).
fn simple_gid(
    face: &ttf_parser::Face<'_>,
    code: u32,
    symbolic: bool,
    diff: Option<&Vec<u8>>,
    enc: Option<&Object>,
) -> Option<u16> {
    let cmap = face.tables().cmap?;
    let lookup = |pid: u16, eid: u16, c: u32| {
        cmap.subtables
            .into_iter()
            .filter(|s| s.platform_id as u16 == pid && s.encoding_id == eid)
            .find_map(|s| s.glyph_index(c))
            .map(|g| g.0)
    };
    if let Some(name) = diff {
        if let Some(g) = face.glyph_index_by_name(&show(name)) {
            return Some(g.0);
        }
        if let Some(u) = glyph_name_unicode(name) {
            if let Some(g) = lookup(3, 1, u32::from(u)) {
                return Some(g);
            }
        }
    }
    if symbolic || enc.is_none() {
        return lookup(3, 0, code)
            .or_else(|| lookup(3, 0, 0xF000 + code))
            .or_else(|| lookup(1, 0, code))
            .or_else(|| {
                cmap.subtables
                    .into_iter()
                    .find_map(|s| s.glyph_index(code))
                    .map(|g| g.0)
            });
    }
    let u = u8::try_from(code).ok().and_then(win_ansi).map(u32::from);
    u.and_then(|u| lookup(3, 1, u))
        .or_else(|| lookup(1, 0, code))
        .or_else(|| lookup(3, 0, code))
        .or_else(|| lookup(3, 0, 0xF000 + code))
}

/// Unicode of a glyph name: `uniXXXX`, `uXXXX`, single characters and a few common names.
fn glyph_name_unicode(name: &[u8]) -> Option<u16> {
    let s = show(name);
    if let Some(h) = s.strip_prefix("uni").or_else(|| s.strip_prefix('u')) {
        if h.len() >= 4 {
            return u16::from_str_radix(&h[..4], 16).ok();
        }
    }
    if s.len() == 1 {
        return s.chars().next().map(|c| c as u16);
    }
    const NAMES: &[(&str, u16)] = &[
        ("space", 0x20),
        ("exclam", 0x21),
        ("quotedbl", 0x22),
        ("numbersign", 0x23),
        ("dollar", 0x24),
        ("percent", 0x25),
        ("ampersand", 0x26),
        ("quotesingle", 0x27),
        ("parenleft", 0x28),
        ("parenright", 0x29),
        ("asterisk", 0x2A),
        ("plus", 0x2B),
        ("comma", 0x2C),
        ("hyphen", 0x2D),
        ("period", 0x2E),
        ("slash", 0x2F),
        ("zero", 0x30),
        ("one", 0x31),
        ("two", 0x32),
        ("three", 0x33),
        ("four", 0x34),
        ("five", 0x35),
        ("six", 0x36),
        ("seven", 0x37),
        ("eight", 0x38),
        ("nine", 0x39),
        ("colon", 0x3A),
        ("semicolon", 0x3B),
        ("less", 0x3C),
        ("equal", 0x3D),
        ("greater", 0x3E),
        ("question", 0x3F),
        ("at", 0x40),
        ("bracketleft", 0x5B),
        ("backslash", 0x5C),
        ("bracketright", 0x5D),
        ("underscore", 0x5F),
        ("bullet", 0x2022),
        ("endash", 0x2013),
        ("emdash", 0x2014),
        ("quoteleft", 0x2018),
        ("quoteright", 0x2019),
    ];
    NAMES.iter().find(|(n, _)| *n == s).map(|(_, u)| *u)
}

/// The `/Differences` of an encoding dictionary: code → glyph name.
fn differences(cx: &Checker<'_>, enc: Option<&Object>) -> HashMap<u32, Vec<u8>> {
    let mut out = HashMap::new();
    let Some(Object::Dict(d)) = enc else {
        return out;
    };
    let Object::Array(items) = cx.get(d, "Differences") else {
        return out;
    };
    let mut code = 0u32;
    for it in items {
        match cx.resolve(it) {
            Object::Integer(i) => code = u32::try_from(*i).unwrap_or(0),
            Object::Name(n) => {
                out.insert(code, n.clone());
                code = code.saturating_add(1);
            }
            _ => {}
        }
    }
    out
}

fn check_type0(cx: &mut Checker<'_>, num: u32, font: &Dict, codes: &HashSet<u32>, name: &str) {
    let desc_font = match cx.get(font, "DescendantFonts") {
        Object::Array(a) if a.len() == 1 => a.first().cloned(),
        _ => None,
    };
    let Some(cid_obj) = desc_font else {
        cx.fail(RuleId::FontDictionary, None, Some(num), format!("phông Type0 \"{name}\" cần đúng một DescendantFonts / Type 0 font \"{name}\" needs exactly one descendant"));
        return;
    };
    let cid_num = cid_obj.as_ref().map_or(num, |r| r.num);
    let Some(cid) = cx.dict(&cid_obj).cloned() else {
        return;
    };
    let enc = font.get("Encoding").map(|e| cx.resolve(e).clone());
    let identity =
        matches!(&enc, Some(Object::Name(n)) if n == b"Identity-H" || n == b"Identity-V");
    let csi = |cx: &Checker<'_>, d: &Dict| -> Option<(Vec<u8>, Vec<u8>)> {
        let c = cx.dict(d.get("CIDSystemInfo")?)?;
        Some((
            cx.get(c, "Registry").as_string()?.to_vec(),
            cx.get(c, "Ordering").as_string()?.to_vec(),
        ))
    };
    let cid_csi = csi(cx, &cid);
    match &enc {
        Some(Object::Name(n)) => {
            if !predefined_cmap(n) {
                cx.fail(RuleId::CMapEmbedded, None, Some(num), format!("CMap /{} không chuẩn và không nhúng / CMap /{} is neither predefined nor embedded", show(n), show(n)));
            }
        }
        Some(Object::Stream(s)) => {
            let cmap_csi = csi(cx, &s.dict);
            if cmap_csi.is_some() && cid_csi.is_some() && cmap_csi != cid_csi {
                cx.fail(RuleId::CidSystemInfo, None, Some(num), format!("CIDSystemInfo của \"{name}\" khác CMap / \"{name}\": CIDSystemInfo differs from its CMap's"));
            }
            // §6.2.11.3.3: the dictionary's /WMode agrees with the embedded CMap program's.
            let dict_wmode = s.dict.get("WMode").and_then(Object::as_i64).unwrap_or(0);
            let s = s.clone();
            if let Some(program) = cx.decode(&s) {
                let mut prog_wmode = None;
                content::walk(&program, |ev| {
                    if let Event::Op(b"def", [Operand::Name(k), Operand::Number(v)]) = ev {
                        if k == b"WMode" {
                            prog_wmode = Some(*v as i64);
                        }
                    }
                });
                if prog_wmode.is_some_and(|w| w != dict_wmode) {
                    cx.fail(RuleId::CMapEmbedded, None, Some(num), format!("/WMode {dict_wmode} của CMap khác chương trình CMap / CMap /WMode {dict_wmode} disagrees with the embedded CMap"));
                }
            }
            if let Some(Object::Name(u)) = s.dict.get("UseCMap") {
                if !predefined_cmap(u) {
                    cx.fail(
                        RuleId::CMapEmbedded,
                        None,
                        Some(num),
                        "UseCMap trỏ CMap không chuẩn / UseCMap names a non-predefined CMap",
                    );
                }
            }
        }
        _ => cx.fail(
            RuleId::FontDictionary,
            None,
            Some(num),
            format!(
                "phông Type0 \"{name}\" thiếu /Encoding / Type 0 font \"{name}\" has no /Encoding"
            ),
        ),
    }
    let sub = cid.name("Subtype").unwrap_or(b"").to_vec();
    let desc = cid.get("FontDescriptor").and_then(|d| cx.dict(d)).cloned();
    let Some(prog) = embedded_or_fail(cx, cid_num, desc.as_ref(), name) else {
        return;
    };
    let desc = desc.unwrap_or_default();
    let map = cid.get("CIDToGIDMap").map(|m| cx.resolve(m).clone());
    let gid_map: Option<Vec<u8>> = match &map {
        Some(Object::Stream(s)) => cx.decode(s),
        _ => None,
    };
    if sub.as_slice() == b"CIDFontType2" {
        let ok = match &map {
            Some(Object::Name(n)) => n == b"Identity",
            Some(Object::Stream(_)) => true,
            _ => false,
        };
        if !ok {
            cx.fail(RuleId::CidToGidMap, None, Some(cid_num), format!("CIDFontType2 \"{name}\" thiếu /CIDToGIDMap / CIDFontType2 \"{name}\" has no /CIDToGIDMap"));
        }
    }
    if cx.part1() && is_subset(name) && desc.get("CIDSet").is_none() {
        cx.fail(
            RuleId::SubsetCharSet,
            None,
            Some(cid_num),
            format!("phông con \"{name}\" thiếu /CIDSet / subset font \"{name}\" has no /CIDSet"),
        );
    }
    let face = prog
        .as_ref()
        .and_then(|p| ttf_parser::Face::parse(&p.data, 0).ok());
    if prog.is_none() || (sub.as_slice() == b"CIDFontType2" && face.is_none()) {
        cx.fail(RuleId::FontEmbedded, None, Some(cid_num), format!("chương trình phông \"{name}\" không đọc được / the font program of \"{name}\" cannot be read"));
    }
    let to_gid = |cidv: u32| -> Option<u16> {
        match &gid_map {
            Some(m) => {
                let i = usize::try_from(cidv).ok()?.checked_mul(2)?;
                Some(u16::from_be_bytes([*m.get(i)?, *m.get(i + 1)?]))
            }
            None => u16::try_from(cidv).ok(),
        }
    };
    // §6.2.11.4.2: a CIDSet, if present, lists every glyph of the program.
    if let (Some(face), Some(cs)) = (
        &face,
        desc.get("CIDSet").and_then(|c| cx.stream(c)).cloned(),
    ) {
        if !cx.part1() && gid_map.is_none() {
            if let Some(bits) = cx.decode(&cs) {
                let missing = (0..face.number_of_glyphs()).find(|&g| {
                    face.glyph_bounding_box(ttf_parser::GlyphId(g)).is_some()
                        && bits
                            .get(usize::from(g / 8))
                            .is_none_or(|b| b & (0x80 >> (g % 8)) == 0)
                });
                if let Some(g) = missing {
                    cx.fail(RuleId::SubsetCharSet, None, Some(cid_num), format!("/CIDSet của \"{name}\" thiếu CID {g} / the /CIDSet of \"{name}\" misses CID {g}"));
                }
            }
        }
    }
    let widths = cid_widths(cx, &cid);
    let dw = cx.get(&cid, "DW").as_i64().map_or(1000.0, |d| d as f64);
    let mut sorted: Vec<u32> = codes.iter().copied().collect();
    sorted.sort_unstable();
    if let Some(face) = &face {
        let upem = f64::from(face.units_per_em().max(1));
        for &code in &sorted {
            if !identity {
                break;
            }
            let Some(gid) = to_gid(code) else { continue };
            if gid == 0 || gid >= face.number_of_glyphs() {
                cx.fail(RuleId::Notdef, None, Some(cid_num), format!("CID {code} của \"{name}\" vẽ .notdef / CID {code} of \"{name}\" shows .notdef"));
                continue;
            }
            let dict_w = widths.get(&code).copied().unwrap_or(dw);
            if let Some(adv) = face.glyph_hor_advance(ttf_parser::GlyphId(gid)) {
                let prog_w = f64::from(adv) * 1000.0 / upem;
                if (prog_w - dict_w).abs() > WIDTH_TOLERANCE {
                    cx.fail(RuleId::FontWidths, None, Some(cid_num), format!("\"{name}\" CID {code}: /W {dict_w} ≠ {prog_w:.0} trong phông / \"{name}\" CID {code}: /W {dict_w} but {prog_w:.0} in the font program"));
                    break;
                }
            }
        }
    }
    if cx.level.needs_unicode() {
        let standard_ordering = cid_csi.as_ref().is_some_and(|(r, o)| {
            r == b"Adobe" && matches!(o.as_slice(), b"GB1" | b"CNS1" | b"Japan1" | b"Korea1")
        }) && !identity;
        let tu = font.get("ToUnicode").and_then(|t| cx.stream(t)).cloned();
        match tu.and_then(|s| cx.decode(&s)).map(|d| parse_to_unicode(&d)) {
            Some(m) => {
                if let Some(c) = sorted.iter().find(|c| {
                    m.get(c).is_none_or(|u| {
                        u.is_empty() || u.iter().any(|&x| x == 0 || x == 0xFEFF || x == 0xFFFE)
                    })
                }) {
                    cx.fail(RuleId::ToUnicode, None, Some(num), format!("mã {c} của \"{name}\" không ánh xạ Unicode / code {c} of \"{name}\" has no Unicode mapping"));
                }
            }
            None if !standard_ordering => cx.fail(
                RuleId::ToUnicode,
                None,
                Some(num),
                format!("phông \"{name}\" thiếu ToUnicode / font \"{name}\" has no ToUnicode"),
            ),
            None => {}
        }
    }
}

/// CID → width of a CIDFont's `/W` (ISO 32000-1 §9.7.4.3).
fn cid_widths(cx: &Checker<'_>, cid: &Dict) -> HashMap<u32, f64> {
    let mut out = HashMap::new();
    let Object::Array(items) = cx.get(cid, "W") else {
        return out;
    };
    let mut i = 0;
    while i + 1 < items.len() && out.len() < 1 << 17 {
        let Some(first) = cx.number(&items[i]).filter(|f| (0.0..=65535.0).contains(f)) else {
            break;
        };
        match cx.resolve(&items[i + 1]) {
            Object::Array(ws) => {
                for (k, w) in ws.iter().enumerate().take(65536) {
                    if let Some(w) = cx.number(w) {
                        out.insert(first as u32 + k as u32, w);
                    }
                }
                i += 2;
            }
            other => {
                let (Some(last), Some(w)) = (
                    cx.number(other),
                    items.get(i + 2).and_then(|w| cx.number(w)),
                ) else {
                    break;
                };
                let last = last.clamp(first, first + 65535.0) as u32;
                for c in first as u32..=last {
                    out.insert(c, w);
                }
                i += 3;
            }
        }
    }
    out
}

/// Code → UTF-16 units of a ToUnicode CMap (ISO 32000-1 §9.10.3): bfchar and bfrange.
fn parse_to_unicode(data: &[u8]) -> HashMap<u32, Vec<u16>> {
    let mut out = HashMap::new();
    let code = |s: &[u8]| s.iter().take(4).fold(0u32, |a, &b| (a << 8) | u32::from(b));
    let units = |s: &[u8]| -> Vec<u16> {
        s.chunks(2)
            .map(|c| (u16::from(c[0]) << 8) | u16::from(*c.get(1).unwrap_or(&0)))
            .collect()
    };
    content::walk(data, |ev| {
        let Event::Op(op, args) = ev else { return };
        match op {
            b"endbfchar" => {
                for pair in args.chunks(2) {
                    if let [Operand::Str(src), Operand::Str(dst)] = pair {
                        out.insert(code(src), units(dst));
                    }
                }
            }
            b"endbfrange" => {
                for tri in args.chunks(3) {
                    let [Operand::Str(lo), Operand::Str(hi), dst] = tri else {
                        continue;
                    };
                    let (lo, hi) = (code(lo), code(hi));
                    if hi < lo || hi - lo > 65535 {
                        continue;
                    }
                    match dst {
                        Operand::Str(d) => {
                            let base = units(d);
                            for (k, c) in (lo..=hi).enumerate() {
                                let mut u = base.clone();
                                if let Some(last) = u.last_mut() {
                                    *last = last.wrapping_add(k as u16);
                                }
                                out.insert(c, u);
                            }
                        }
                        Operand::Array(items) => {
                            for (c, d) in (lo..=hi).zip(items) {
                                if let Operand::Str(d) = d {
                                    out.insert(c, units(d));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_cmaps_are_read() {
        let m = parse_to_unicode(b"2 beginbfchar <0003> <0020> <0041> <00410042> endbfchar 1 beginbfrange <0010> <0012> <0061> endbfrange");
        assert_eq!(m.get(&3), Some(&vec![0x20]));
        assert_eq!(m.get(&0x41), Some(&vec![0x41, 0x42]));
        assert_eq!(m.get(&0x12), Some(&vec![0x63]));
    }

    #[test]
    fn subset_names_and_cmaps() {
        assert!(is_subset("ETADSI+LiberationSerif-Bold"));
        assert!(!is_subset("LiberationSerif"));
        assert!(predefined_cmap(b"Identity-H"));
        assert!(predefined_cmap(b"UniJIS-UCS2-H"));
        assert!(!predefined_cmap(b"MyCMap"));
        assert_eq!(win_ansi(0x80), Some('€'));
    }
}
