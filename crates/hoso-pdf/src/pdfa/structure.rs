//! File structure (ISO 19005-2 §6.1), and the rules checked on every object wherever it sits:
//! actions and JavaScript (§6.5), streams, limits; then the interactive features: annotations
//! (§6.3), forms (§6.4), optional content (§6.9), embedded files (§6.8), signatures (§6.4.3).

use std::collections::HashSet;

use super::{graphics, show, Checker, RuleId};
use crate::read::{Dict, Object, StreamData, XrefEntry, XrefKind};

fn is_eol(c: u8) -> bool {
    c == b'\r' || c == b'\n'
}

fn is_white(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Header, binary comment, trailer, end of file, cross-reference syntax and, for every object
/// at a file offset, its `obj`/`endobj`/`stream`/`endstream` framing and hexadecimal strings.
pub(crate) fn check_file_structure(cx: &mut Checker<'_>) {
    let data = cx.bytes(0, 1024);
    // §6.1.2: %PDF-1.n at offset 0, then a comment with four bytes above 127.
    let max_minor = if cx.part1() { b'4' } else { b'7' };
    let header_ok = data.len() >= 8
        && data.starts_with(b"%PDF-1.")
        && (b'0'..=max_minor).contains(&data[7])
        && data.get(8).is_none_or(|c| is_eol(*c));
    if !header_ok {
        let shown = show(&data[..data.len().min(9)]);
        cx.fail(
            RuleId::Header,
            None,
            None,
            format!("tiêu đề / header: {shown:?}"),
        );
    }
    // One EOL (CR, LF or CR LF) between the header and the binary comment, not a blank line.
    let i = if data.get(8..10) == Some(b"\r\n".as_slice()) {
        10
    } else {
        9
    };
    let binary_ok = data.get(i) == Some(&b'%')
        && data.len() >= i + 5
        && data[i + 1..i + 5].iter().all(|&b| b > 127);
    if !binary_ok {
        cx.fail(
            RuleId::BinaryComment,
            None,
            None,
            "không có dòng chú thích nhị phân sau tiêu đề / no binary comment after the header",
        );
    }
    // §6.1.3: nothing after the last %%EOF but one EOL.
    let data = cx.bytes(cx.file_len().saturating_sub(16), 16);
    let mut end = data.len();
    if data[..end].ends_with(b"\r\n") {
        end -= 2;
    } else if data[..end].ends_with(b"\n") || data[..end].ends_with(b"\r") {
        end -= 1;
    }
    if !data[..end].ends_with(b"%%EOF") {
        cx.fail(
            RuleId::DataAfterEof,
            None,
            None,
            "tệp không kết thúc bằng %%EOF / the file does not end with %%EOF",
        );
    }
    let trailer = cx.file.trailer().clone();
    if trailer.get("Encrypt").is_some() {
        cx.fail(
            RuleId::Encrypted,
            None,
            None,
            "trailer có /Encrypt / the trailer has /Encrypt",
        );
    }
    let id_ok = trailer
        .get("ID")
        .map(|i| cx.resolve(i))
        .and_then(Object::as_array)
        .is_some_and(|a| {
            a.len() == 2
                && a.iter()
                    .all(|s| s.as_string().is_some_and(|s| !s.is_empty()))
        });
    if !id_ok {
        cx.fail(
            RuleId::TrailerId,
            None,
            None,
            "trailer thiếu /ID hợp lệ / the trailer has no valid /ID",
        );
    }
    if cx.part1()
        && cx
            .file
            .revisions()
            .iter()
            .any(|r| r.kind != XrefKind::Table)
    {
        cx.fail(
            RuleId::XrefSyntax,
            None,
            None,
            "luồng tham chiếu chéo không có trong PDF 1.4 / cross-reference streams are not PDF 1.4",
        );
    }
    let offsets: Vec<u64> = cx
        .file
        .revisions()
        .iter()
        .filter(|r| r.kind != XrefKind::Stream)
        .map(|r| r.xref_offset)
        .collect();
    for off in offsets {
        let tail = cx.bytes(off + 4, 128);
        let eol = if tail.starts_with(b"\r\n") {
            2
        } else if tail.first().is_some_and(|c| is_eol(*c)) {
            1
        } else {
            0
        };
        let header = tail.get(eol..).unwrap_or_default();
        let ok = eol > 0
            && header.first().is_some_and(u8::is_ascii_digit)
            && subsection_header_ok(header);
        if !ok {
            cx.fail(
                RuleId::XrefSyntax,
                None,
                None,
                format!(
                    "bảng xref tại byte {off} sai cú pháp / malformed xref table at byte {off}"
                ),
            );
        }
    }
    let size = cx.file.size().min(super::MAX_OBJECTS);
    for num in 1..size {
        if let Some(XrefEntry::InFile { offset, .. }) = cx.file.entry(num) {
            check_object_framing(cx, num, offset);
        }
    }
}

/// `first count` separated by one space and ended by an EOL (§6.1.4).
fn subsection_header_ok(h: &[u8]) -> bool {
    let d1 = h.iter().take_while(|c| c.is_ascii_digit()).count();
    if h.get(d1) != Some(&b' ') {
        return false;
    }
    let rest = &h[d1 + 1..];
    let d2 = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    d2 > 0 && rest.get(d2).is_some_and(|c| is_eol(*c))
}

/// How far past an object's start its `endobj` is looked for: object text (dictionaries,
/// arrays, strings; not stream data) longer than this is not checked for hex strings and
/// `endobj` placement, so a file without `endobj` keywords cannot make the check quadratic.
const MAX_OBJECT_TEXT: u64 = 4 << 20;

/// §6.1.9 `n g obj` framing, §6.1.7.1 stream keywords and length, §6.1.6 hex strings.
fn check_object_framing(cx: &mut Checker<'_>, num: u32, at: u64) {
    let head = cx.bytes(at, 64);
    if head.is_empty() {
        return;
    }
    let d1 = head.iter().take_while(|c| c.is_ascii_digit()).count();
    let ok_head = d1 > 0 && head.get(d1) == Some(&b' ') && {
        let r = &head[d1 + 1..];
        let d2 = r.iter().take_while(|c| c.is_ascii_digit()).count();
        d2 > 0
            && r.get(d2) == Some(&b' ')
            && r[d2 + 1..].starts_with(b"obj")
            && r.get(d2 + 4).is_some_and(|c| is_eol(*c))
    };
    let preceded = at == 0 || cx.byte(at - 1).is_some_and(is_eol);
    if !ok_head || !preceded {
        cx.fail(
            RuleId::ObjectSyntax,
            None,
            Some(num),
            "`n g obj` không cách bằng đúng một dấu cách hoặc thiếu EOL / `n g obj` not separated by single spaces or not followed by an EOL",
        );
    }
    let body_start = at
        + head
            .iter()
            .position(|&c| c == b'j')
            .map_or(0, |p| p as u64 + 1);
    let mut scan_end = body_start.saturating_add(MAX_OBJECT_TEXT);
    let mut after_body = None;
    if let Some(Object::Stream(s)) = cx.objects.get(&num).cloned() {
        if let StreamData::InFile { start } = s.data {
            scan_end = start;
            let before = cx.bytes(start.saturating_sub(8), start.min(8) as usize);
            let keyword_ok = start >= 7
                && before.last() == Some(&b'\n')
                && (before[..before.len() - 1].ends_with(b"stream")
                    || before[..before.len() - 1].ends_with(b"stream\r"));
            if !keyword_ok {
                cx.fail(
                    RuleId::StreamSyntax,
                    None,
                    Some(num),
                    "sau `stream` không phải CRLF hoặc LF / `stream` is not followed by CRLF or LF",
                );
            }
            let len = cx.file.stream_len(&s).ok();
            let tail = len
                .and_then(|l| start.checked_add(l))
                .filter(|e| *e <= cx.file_len())
                .map(|e| cx.bytes(e, 16));
            let eol = tail.as_deref().map_or(0, |t| {
                if t.starts_with(b"\r\n") {
                    2
                } else if t.first().is_some_and(|c| is_eol(*c)) {
                    1
                } else {
                    0
                }
            });
            let end_ok = tail
                .as_deref()
                .is_some_and(|t| eol > 0 && t[eol..].starts_with(b"endstream"));
            if !end_ok {
                cx.fail(
                    RuleId::StreamSyntax,
                    None,
                    Some(num),
                    "/Length không khớp số byte hoặc thiếu EOL trước `endstream` / /Length does not match the data or no EOL before `endstream`",
                );
            }
            // Where `endstream` ends: right after the data when /Length is right, else the
            // first `endstream` after the data start (a scan only for broken files).
            after_body = if end_ok {
                len.map(|l| start + l + eol as u64 + 9)
            } else {
                cx.find(start, u64::MAX, b"endstream").map(|p| p + 9)
            };
        }
    }
    // Hexadecimal strings in the object's text (not its stream data).
    let text_end = cx.find(body_start, scan_end, b"endobj").unwrap_or(scan_end);
    let text = cx.bytes(body_start, text_end.saturating_sub(body_start) as usize);
    if let Some(bad) = first_bad_hex_string(&text) {
        cx.fail(RuleId::HexString, None, Some(num), bad);
    }
    // `endobj` preceded and followed by an EOL.
    let from = after_body.unwrap_or(body_start);
    if let Some(e) = cx.find(from, from.saturating_add(MAX_OBJECT_TEXT), b"endobj") {
        let before_ok = e > 0 && cx.byte(e - 1).is_some_and(is_eol);
        let after_ok = cx.byte(e + 6).is_none_or(|c| is_eol(c) || c == b'%');
        if !before_ok || !after_ok {
            cx.fail(
                RuleId::ObjectSyntax,
                None,
                Some(num),
                "`endobj` không nằm giữa hai EOL / `endobj` is not between EOL markers",
            );
        }
    }
}

/// The first hexadecimal string with a non-hex character or an odd digit count.
fn first_bad_hex_string(t: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b'%' => {
                while i < t.len() && !is_eol(t[i]) {
                    i += 1;
                }
            }
            b'(' => {
                let mut depth = 0usize;
                while i < t.len() {
                    match t[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'<' if t.get(i + 1) == Some(&b'<') => i += 1,
            b'<' => {
                let start = i;
                let mut digits = 0usize;
                i += 1;
                while i < t.len() && t[i] != b'>' {
                    if t[i].is_ascii_hexdigit() {
                        digits += 1;
                    } else if !is_white(t[i]) {
                        return Some(format!(
                            "chuỗi hex có ký tự lạ / a hexadecimal string holds a non-hex character ({})",
                            show(&t[start..(i + 1).min(t.len())])
                        ));
                    }
                    i += 1;
                }
                if digits % 2 == 1 {
                    return Some(
                        "chuỗi hex có số chữ số lẻ / a hexadecimal string has an odd number of digits"
                            .into(),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

const FORBIDDEN_ACTIONS: &[&[u8]] = &[
    b"Launch",
    b"Sound",
    b"Movie",
    b"ResetForm",
    b"ImportData",
    b"Hide",
    b"SetOCGState",
    b"Rendition",
    b"Trans",
    b"GoTo3DView",
    b"JavaScript",
    b"SetState",
    b"NOP",
];
const NAMED_ALLOWED: &[&[u8]] = &[b"NextPage", b"PrevPage", b"FirstPage", b"LastPage"];

/// Rules that hold for an object wherever it is: limits, names, streams, actions, and the
/// graphics rules of images, XObjects, graphics states and colour spaces.
pub(crate) fn check_objects(cx: &mut Checker<'_>) {
    let mut nums: Vec<u32> = cx.objects.keys().copied().collect();
    nums.sort_unstable();
    for num in nums {
        let Some(obj) = cx.objects.get(&num).cloned() else {
            continue;
        };
        walk_object(cx, num, &obj, 0);
    }
}

fn walk_object(cx: &mut Checker<'_>, num: u32, o: &Object, depth: usize) {
    if depth > 48 {
        return;
    }
    match o {
        Object::Integer(i) => {
            if i32::try_from(*i).is_err() {
                cx.fail(
                    RuleId::ImplementationLimits,
                    None,
                    Some(num),
                    format!("số nguyên ngoài 32 bit / integer out of 32-bit range: {i}"),
                );
            }
        }
        Object::Real(r) => {
            let limit = if cx.part1() { 32767.0 } else { 3.403e38 };
            if r.abs() > limit {
                cx.fail(
                    RuleId::ImplementationLimits,
                    None,
                    Some(num),
                    format!("số thực quá lớn / real out of range: {r}"),
                );
            }
        }
        Object::String(s) => {
            if s.len() > 32767 {
                cx.fail(
                    RuleId::ImplementationLimits,
                    None,
                    Some(num),
                    format!("chuỗi dài {} byte / string of {} bytes", s.len(), s.len()),
                );
            }
        }
        Object::Name(n) => check_name(cx, num, n),
        Object::Array(a) => {
            if cx.part1() && a.len() > 8191 {
                cx.fail(
                    RuleId::ImplementationLimits,
                    None,
                    Some(num),
                    "mảng quá 8191 phần tử / array over 8191 elements",
                );
            }
            graphics::check_colour_space_array(cx, num, a);
            for item in a {
                walk_object(cx, num, item, depth + 1);
            }
        }
        Object::Dict(d) => {
            check_dict(cx, num, d, false);
            for (k, v) in d.iter() {
                check_name(cx, num, k);
                walk_object(cx, num, v, depth + 1);
            }
        }
        Object::Stream(s) => {
            check_dict(cx, num, &s.dict, true);
            for (k, v) in s.dict.iter() {
                check_name(cx, num, k);
                walk_object(cx, num, v, depth + 1);
            }
        }
        _ => {}
    }
}

fn check_name(cx: &mut Checker<'_>, num: u32, n: &[u8]) {
    if n.len() > 127 {
        cx.fail(
            RuleId::ImplementationLimits,
            None,
            Some(num),
            format!("tên dài {} byte / name of {} bytes", n.len(), n.len()),
        );
    }
    if std::str::from_utf8(n).is_err() {
        cx.fail(
            RuleId::NameUtf8,
            None,
            Some(num),
            "tên không phải UTF-8 / a name is not UTF-8",
        );
    }
}

fn filters(cx: &Checker<'_>, d: &Dict, key: &str) -> Vec<Vec<u8>> {
    match cx.get(d, key) {
        Object::Name(n) => vec![n.clone()],
        Object::Array(a) => a
            .iter()
            .filter_map(|f| cx.resolve(f).as_name().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    }
}

fn check_dict(cx: &mut Checker<'_>, num: u32, d: &Dict, is_stream: bool) {
    if is_stream {
        for key in ["F", "FFilter", "FDecodeParms"] {
            if d.get(key).is_some() {
                cx.fail(
                    RuleId::ExternalStream,
                    None,
                    Some(num),
                    format!("luồng có /{key} / the stream has /{key}"),
                );
            }
        }
        for f in filters(cx, d, "Filter") {
            let bad = matches!(f.as_slice(), b"LZWDecode" | b"LZW" | b"Crypt")
                || (cx.part1() && f.as_slice() == b"JPXDecode");
            if bad {
                cx.fail(
                    RuleId::ForbiddenFilter,
                    None,
                    Some(num),
                    format!("bộ lọc /{} / filter /{}", show(&f), show(&f)),
                );
            }
        }
    }
    // §6.5.1: actions.
    if let Some(s) = d.name("S") {
        let is_action = d.name("Type") == Some(b"Action")
            || d.get("Next").is_some()
            || !matches!(
                d.name("Type"),
                Some(b"Group" | b"OutputIntent" | b"Mask" | b"StructElem" | b"MarkInfo")
            );
        if is_action && FORBIDDEN_ACTIONS.contains(&s) {
            cx.fail(
                RuleId::ForbiddenAction,
                None,
                Some(num),
                format!("hành động /{} / a /{} action", show(s), show(s)),
            );
        }
        if is_action && s == b"Named" {
            let n = d.name("N").unwrap_or(b"");
            if !NAMED_ALLOWED.contains(&n) {
                cx.fail(
                    RuleId::ForbiddenAction,
                    None,
                    Some(num),
                    format!("hành động Named /{} / a Named action /{}", show(n), show(n)),
                );
            }
        }
    }
    if d.get("JS").is_some() && d.name("S").is_none_or(|s| s == b"JavaScript") {
        cx.fail(
            RuleId::ForbiddenAction,
            None,
            Some(num),
            "có JavaScript (/JS) / JavaScript (/JS) present",
        );
    }
    if d.get("AA").is_some() {
        cx.fail(
            RuleId::AdditionalActions,
            None,
            Some(num),
            "có /AA (hành động bổ sung) / has /AA (additional actions)",
        );
    }
    graphics::check_graphics_dict(cx, num, d, is_stream);
}

/// Annotations per page, forms, optional content, embedded files, signatures, permissions.
pub(crate) fn check_interactive(cx: &mut Checker<'_>) {
    let pages = cx.pages.clone();
    for (i, (pref, page)) in pages.iter().enumerate() {
        let pno = i as u32 + 1;
        let annots = match page.get("Annots").map(|a| cx.resolve(a)) {
            Some(Object::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        for a in &annots {
            let num = a.as_ref().map_or(pref.num, |r| r.num);
            if let Some(ad) = cx.dict(a).cloned() {
                check_annotation(cx, pno, num, &ad);
            }
        }
    }
    let Some(cat) = cx.catalog() else { return };
    let cat_num = cx
        .file
        .trailer()
        .get("Root")
        .and_then(Object::as_ref)
        .map(|r| r.num);
    if let Some(form) = cat.get("AcroForm").and_then(|f| cx.dict(f)).cloned() {
        if matches!(cx.get(&form, "NeedAppearances"), Object::Bool(true)) {
            cx.fail(
                RuleId::NeedAppearances,
                None,
                cat_num,
                "/NeedAppearances true",
            );
        }
        if form.get("XFA").is_some() {
            cx.fail(
                RuleId::Xfa,
                None,
                cat_num,
                "AcroForm có /XFA / the AcroForm has /XFA",
            );
        }
        check_signatures(cx, &form);
    }
    if matches!(cx.get(&cat, "NeedsRendering"), Object::Bool(true)) {
        cx.fail(
            RuleId::Xfa,
            None,
            cat_num,
            "catalog có /NeedsRendering true / the catalog has /NeedsRendering true",
        );
    }
    if let Some(perms) = cat.get("Perms").and_then(|p| cx.dict(p)).cloned() {
        if let Some(sig) = perms.get("DocMDP").and_then(|d| cx.dict(d)).cloned() {
            check_docmdp_references(cx, &sig, cat_num);
        }
        for (k, _) in perms.iter() {
            if k != b"DocMDP" && k != b"UR3" {
                cx.fail(
                    RuleId::Permissions,
                    None,
                    cat_num,
                    format!("/Perms có /{} / /Perms holds /{}", show(k), show(k)),
                );
            }
        }
    }
    check_optional_content(cx, &cat, cat_num);
    check_embedded_files(cx, &cat, cat_num);
}

/// §6.1.12: with a DocMDP signature, its signature references carry no digest of their own.
fn check_docmdp_references(cx: &mut Checker<'_>, sig: &Dict, cat_num: Option<u32>) {
    let refs = match cx.get(sig, "Reference") {
        Object::Array(a) => a.clone(),
        _ => return,
    };
    for r in refs.iter().take(64) {
        let Some(d) = cx.dict(r).cloned() else {
            continue;
        };
        for key in ["DigestLocation", "DigestMethod", "DigestValue"] {
            if d.get(key).is_some() {
                cx.fail(
                    RuleId::Permissions,
                    None,
                    cat_num,
                    format!("tham chiếu chữ ký DocMDP có /{key} / a DocMDP signature reference has /{key}"),
                );
            }
        }
    }
}

/// §6.1.13 (part 2), §6.1.12 (part 1): every page boundary is 3 to 14 400 units wide and high.
pub(crate) fn check_page_boxes(cx: &mut Checker<'_>) {
    let pages = cx.pages.clone();
    for (i, (pref, page)) in pages.iter().enumerate() {
        for key in ["MediaBox", "CropBox", "BleedBox", "TrimBox", "ArtBox"] {
            let Object::Array(r) = cx.get(page, key).clone() else {
                continue;
            };
            let v: Vec<f64> = r.iter().filter_map(|x| cx.number(x)).collect();
            if v.len() != 4 {
                continue;
            }
            let (w, h) = ((v[2] - v[0]).abs(), (v[3] - v[1]).abs());
            if !(3.0..=14_400.0).contains(&w) || !(3.0..=14_400.0).contains(&h) {
                cx.fail(
                    RuleId::ImplementationLimits,
                    Some(i as u32 + 1),
                    Some(pref.num),
                    format!("/{key} {w:.1} × {h:.1}: cần 3 đến 14 400 đơn vị / must be 3 to 14 400 units"),
                );
            }
        }
    }
}

const ANNOT_TYPES: &[&[u8]] = &[
    b"Text",
    b"Link",
    b"FreeText",
    b"Line",
    b"Square",
    b"Circle",
    b"Polygon",
    b"PolyLine",
    b"Highlight",
    b"Underline",
    b"Squiggly",
    b"StrikeOut",
    b"Stamp",
    b"Caret",
    b"Ink",
    b"Popup",
    b"FileAttachment",
    b"Widget",
    b"PrinterMark",
    b"TrapNet",
    b"Watermark",
    b"Redact",
    b"Sound",
    b"Movie",
    b"Screen",
    b"3D",
    b"RichMedia",
];

fn check_annotation(cx: &mut Checker<'_>, page: u32, num: u32, a: &Dict) {
    let sub = cx.get(a, "Subtype").as_name().unwrap_or(b"").to_vec();
    let forbidden = matches!(
        sub.as_slice(),
        b"Sound" | b"Movie" | b"Screen" | b"3D" | b"RichMedia"
    ) || (cx.part1() && sub.as_slice() == b"FileAttachment")
        || !ANNOT_TYPES.contains(&sub.as_slice());
    if forbidden {
        cx.fail(
            RuleId::AnnotationType,
            Some(page),
            Some(num),
            format!("chú thích /{} / a /{} annotation", show(&sub), show(&sub)),
        );
    }
    let flags = cx
        .number(a.get("F").unwrap_or(&Object::Null))
        .map(|f| f as i64);
    if sub.as_slice() != b"Popup" {
        match flags {
            None => cx.fail(RuleId::AnnotationFlags, Some(page), Some(num), "thiếu /F (cờ Print) / no /F (Print flag)"),
            Some(f) if f & 4 == 0 || f & (1 | 2 | 32 | 256) != 0 => cx.fail(
                RuleId::AnnotationFlags,
                Some(page),
                Some(num),
                format!("/F {f}: cần Print, không Invisible/Hidden/NoView/ToggleNoView / needs Print and not Invisible, Hidden, NoView or ToggleNoView"),
            ),
            _ => {}
        }
    }
    if cx.part1() {
        if let Some(ca) = a.get("CA").and_then(|c| cx.number(c)) {
            if (ca - 1.0).abs() > f64::EPSILON {
                cx.fail(
                    RuleId::AnnotationFlags,
                    Some(page),
                    Some(num),
                    format!("/CA {ca}"),
                );
            }
        }
    }
    // §6.3.3: appearance streams.
    let zero_rect = match cx.get(a, "Rect") {
        Object::Array(r) if r.len() == 4 => {
            let v: Vec<f64> = r.iter().filter_map(|x| cx.number(x)).collect();
            v.len() == 4 && (v[2] - v[0]).abs() < f64::EPSILON && (v[3] - v[1]).abs() < f64::EPSILON
        }
        _ => false,
    };
    let exempt = matches!(sub.as_slice(), b"Popup" | b"Link") || zero_rect;
    let ap = a.get("AP").and_then(|x| cx.dict(x)).cloned();
    match ap {
        None if !exempt && !cx.part1() => cx.fail(
            RuleId::AnnotationAppearance,
            Some(page),
            Some(num),
            "thiếu /AP / no appearance dictionary (/AP)",
        ),
        None => {}
        Some(ap) => {
            if ap.get("D").is_some() || ap.get("R").is_some() {
                cx.fail(
                    RuleId::AnnotationAppearance,
                    Some(page),
                    Some(num),
                    "/AP có /D hoặc /R / /AP holds /D or /R",
                );
            }
            let is_button = sub.as_slice() == b"Widget"
                && field_type(cx, a).as_deref() == Some(b"Btn".as_slice());
            match ap.get("N").map(|n| cx.resolve(n)) {
                Some(Object::Stream(_)) if !is_button => {}
                Some(Object::Dict(_)) | Some(Object::Stream(_)) if is_button => {}
                Some(Object::Dict(_)) => cx.fail(
                    RuleId::AnnotationAppearance,
                    Some(page),
                    Some(num),
                    "/AP /N là từ điển nhưng không phải nút bấm / /AP /N is a dictionary on a non-button annotation",
                ),
                _ if !exempt => cx.fail(RuleId::AnnotationAppearance, Some(page), Some(num), "/AP thiếu /N / /AP has no /N"),
                _ => {}
            }
        }
    }
    if sub.as_slice() == b"Widget" && a.get("A").is_some() {
        cx.fail(
            RuleId::WidgetAction,
            Some(page),
            Some(num),
            "chú thích Widget có /A / a Widget annotation has an /A action",
        );
    }
    if let Some(ap) = a.get("AP").and_then(|x| cx.dict(x)).cloned() {
        graphics::check_appearance(cx, page, &ap);
    }
}

fn field_type(cx: &Checker<'_>, a: &Dict) -> Option<Vec<u8>> {
    let mut d = a.clone();
    for _ in 0..32 {
        if let Some(ft) = cx.get(&d, "FT").as_name() {
            return Some(ft.to_vec());
        }
        d = cx.dict(d.get("Parent")?)?.clone();
    }
    None
}

/// §6.4.3 (part 2): each signature's /ByteRange leaves out exactly its /Contents string.
fn check_signatures(cx: &mut Checker<'_>, form: &Dict) {
    let fields = match cx.get(form, "Fields") {
        Object::Array(a) => a.clone(),
        _ => return,
    };
    let mut stack: Vec<(Object, usize)> = fields.into_iter().map(|f| (f, 0)).collect();
    let mut seen = HashSet::new();
    while let Some((f, depth)) = stack.pop() {
        if depth > 32 {
            continue;
        }
        if let Some(r) = f.as_ref() {
            if !seen.insert(r.num) {
                continue;
            }
        }
        let Some(fd) = cx.dict(&f).cloned() else {
            continue;
        };
        if let Object::Array(kids) = cx.get(&fd, "Kids") {
            for k in kids.clone() {
                stack.push((k, depth + 1));
            }
        }
        if cx.get(&fd, "FT").as_name() != Some(b"Sig") {
            continue;
        }
        let Some(vref) = fd.get("V").and_then(Object::as_ref) else {
            continue;
        };
        let Some(sig) = cx.objects.get(&vref.num).and_then(Object::as_dict).cloned() else {
            continue;
        };
        let br: Vec<i64> = match cx.get(&sig, "ByteRange") {
            Object::Array(a) => a.iter().filter_map(|x| cx.resolve(x).as_i64()).collect(),
            _ => Vec::new(),
        };
        let span = sig.value_span("Contents");
        let ok = match (br.as_slice(), span) {
            ([0, a, b, c], Some((s, e))) => {
                *a as u64 == s
                    && *b as u64 == e
                    && (b.saturating_add(*c)) as u64 <= cx.file_len()
                    && cx.byte(s) == Some(b'<')
            }
            _ => false,
        };
        if !ok {
            cx.fail(
                RuleId::SignatureByteRange,
                None,
                Some(vref.num),
                "/ByteRange không loại trừ đúng /Contents hoặc /Contents không phải chuỗi hex / /ByteRange does not exclude exactly /Contents, or /Contents is not a hex string",
            );
        }
    }
}

/// §6.9 (part 2), §6.1.13 (part 1).
fn check_optional_content(cx: &mut Checker<'_>, cat: &Dict, cat_num: Option<u32>) {
    let Some(ocp) = cat.get("OCProperties").and_then(|o| cx.dict(o)).cloned() else {
        return;
    };
    if cx.part1() {
        cx.fail(
            RuleId::OptionalContent,
            None,
            cat_num,
            "có /OCProperties / optional content present",
        );
        return;
    }
    let mut configs = Vec::new();
    if let Some(d) = ocp.get("D").and_then(|d| cx.dict(d)).cloned() {
        configs.push(d);
    }
    if let Object::Array(a) = cx.get(&ocp, "Configs") {
        for c in a.clone() {
            if let Some(d) = cx.dict(&c).cloned() {
                configs.push(d);
            }
        }
    }
    let mut names = HashSet::new();
    for c in &configs {
        match cx.get(c, "Name").as_string() {
            Some(n) => {
                if !names.insert(n.to_vec()) {
                    cx.fail(
                        RuleId::OptionalContent,
                        None,
                        cat_num,
                        "hai cấu hình OC trùng /Name / two OC configurations share a /Name",
                    );
                }
            }
            None => cx.fail(
                RuleId::OptionalContent,
                None,
                cat_num,
                "cấu hình OC thiếu /Name / an OC configuration has no /Name",
            ),
        }
        if c.get("AS").is_some() {
            cx.fail(
                RuleId::OptionalContent,
                None,
                cat_num,
                "cấu hình OC có /AS / an OC configuration has /AS",
            );
        }
    }
    if let Object::Array(ocgs) = cx.get(&ocp, "OCGs") {
        for g in ocgs.clone() {
            let num = g.as_ref().map(|r| r.num);
            if cx
                .dict(&g)
                .is_some_and(|d| cx.get(d, "Name").as_string().is_none())
            {
                cx.fail(
                    RuleId::OptionalContent,
                    None,
                    num,
                    "OCG thiếu /Name / an OCG has no /Name",
                );
            }
        }
    }
}

/// §6.8: embedded files (part 1: none; part 2: PDF/A; part 3: associated files).
fn check_embedded_files(cx: &mut Checker<'_>, cat: &Dict, cat_num: Option<u32>) {
    let mut specs: Vec<(Option<u32>, Dict)> = Vec::new();
    for (num, o) in cx.objects.iter() {
        if let Some(d) = o.as_dict() {
            if d.get("EF").is_some()
                && (d.name("Type") == Some(b"Filespec")
                    || d.get("F").is_some()
                    || d.get("UF").is_some())
            {
                specs.push((Some(*num), d.clone()));
            }
        }
    }
    specs.sort_by_key(|s| s.0);
    if cx.part1() {
        let names = cat.get("Names").and_then(|n| cx.dict(n));
        if names.is_some_and(|n| n.get("EmbeddedFiles").is_some()) {
            cx.fail(
                RuleId::EmbeddedFile,
                None,
                cat_num,
                "có /EmbeddedFiles / embedded files present",
            );
        }
        return;
    }
    // Objects listed in some /AF array.
    let mut in_af = HashSet::new();
    for o in cx.objects.values() {
        if let Some(d) = o.as_dict() {
            if let Some(Object::Array(af)) = d.get("AF").map(|a| cx.resolve(a)) {
                for r in af.iter().filter_map(Object::as_ref) {
                    in_af.insert(r.num);
                }
            }
        }
    }
    for (num, spec) in specs {
        let ef = spec
            .get("EF")
            .and_then(|e| cx.dict(e))
            .cloned()
            .unwrap_or_default();
        let file = ef
            .get("F")
            .or_else(|| ef.get("UF"))
            .and_then(|f| cx.stream(f))
            .cloned();
        if cx.level.part == super::Part::Two {
            let is_pdfa = file
                .as_ref()
                .and_then(|s| cx.decode(s))
                .is_some_and(|b| b.starts_with(b"%PDF") && find(&b, b"pdfaid").is_some());
            if !is_pdfa {
                cx.fail(
                    RuleId::EmbeddedFile,
                    None,
                    num,
                    "tệp nhúng không phải PDF/A / the embedded file is not PDF/A",
                );
            }
            continue;
        }
        if spec.get("F").is_none() || spec.get("UF").is_none() {
            cx.fail(
                RuleId::EmbeddedFile,
                None,
                num,
                "đặc tả tệp thiếu /F hoặc /UF / the file specification lacks /F or /UF",
            );
        }
        let mime_ok = file
            .as_ref()
            .is_some_and(|s| s.dict.name("Subtype").is_some());
        if !mime_ok {
            cx.fail(RuleId::EmbeddedFile, None, num, "luồng tệp nhúng thiếu /Subtype (MIME) / the embedded file stream has no MIME /Subtype");
        }
        match cx.get(&spec, "AFRelationship").as_name() {
            Some(b"Source" | b"Data" | b"Alternative" | b"Supplement" | b"Unspecified") => {}
            Some(_) if false => {}
            _ => cx.fail(
                RuleId::AssociatedFile,
                None,
                num,
                "thiếu /AFRelationship hợp lệ / no valid /AFRelationship",
            ),
        }
        if num.is_some_and(|n| !in_af.contains(&n)) {
            cx.fail(
                RuleId::AssociatedFile,
                None,
                num,
                "đặc tả tệp không nằm trong /AF nào / the file specification is in no /AF array",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_strings_are_checked_outside_literals() {
        assert!(first_bad_hex_string(b"<< /ID [<0A1B> <ff>] >>").is_none());
        assert!(first_bad_hex_string(b"<< /A <0A1> >>").is_some());
        assert!(first_bad_hex_string(b"<< /A <0G> >>").is_some());
        assert!(first_bad_hex_string(b"<< /A (<0G>) >>").is_none());
    }

    #[test]
    fn subsection_headers() {
        assert!(subsection_header_ok(b"0 12\n"));
        assert!(!subsection_header_ok(b"0  12\n"));
        assert!(!subsection_header_ok(b"0 12 \n"));
    }
}
