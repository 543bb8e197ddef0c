//! Graphics (ISO 19005-2 §6.2): the OutputIntent (§6.2.3), colour spaces and their use of it
//! (§6.2.4), graphics states (§6.2.5), rendering intents (§6.2.6), images (§6.2.8), XObjects
//! (§6.2.9), transparency (§6.2.10; ISO 19005-1 §6.4), and the content-stream walk that also
//! collects which character codes each font shows.

use std::collections::{HashMap, HashSet};

use super::{show, Checker, IntentSpace, RuleId};
use crate::read::content::{self, Event, Operand};
use crate::read::{Dict, Object};

const STANDARD_INTENTS: &[&[u8]] = &[
    b"RelativeColorimetric",
    b"AbsoluteColorimetric",
    b"Perceptual",
    b"Saturation",
];
const BLEND_MODES: &[&[u8]] = &[
    b"Normal",
    b"Compatible",
    b"Multiply",
    b"Screen",
    b"Overlay",
    b"Darken",
    b"Lighten",
    b"ColorDodge",
    b"ColorBurn",
    b"HardLight",
    b"SoftLight",
    b"Difference",
    b"Exclusion",
    b"Hue",
    b"Saturation",
    b"Color",
    b"Luminosity",
];

/// The colour space an ICC profile header declares (ICC.1 §7.2.6), and its major version.
fn icc_header(p: &[u8]) -> Option<(IntentSpace, u8, [u8; 4])> {
    if p.len() < 128 || &p[36..40] != b"acsp" {
        return None;
    }
    let space = match &p[16..20] {
        b"GRAY" => IntentSpace::Gray,
        b"RGB " => IntentSpace::Rgb,
        b"CMYK" => IntentSpace::Cmyk,
        _ => IntentSpace::Other,
    };
    let class = [p[12], p[13], p[14], p[15]];
    Some((space, p[8], class))
}

fn components(s: IntentSpace) -> Option<i64> {
    match s {
        IntentSpace::Gray => Some(1),
        IntentSpace::Rgb => Some(3),
        IntentSpace::Cmyk => Some(4),
        IntentSpace::Other => None,
    }
}

/// §6.2.3: the PDF/A OutputIntent and its profile.
pub(crate) fn check_output_intents(cx: &mut Checker<'_>) {
    let Some(cat) = cx.catalog() else { return };
    let intents = match cat.get("OutputIntents").map(|o| cx.resolve(o)) {
        Some(Object::Array(a)) => a.clone(),
        _ => return,
    };
    let mut profiles = HashSet::new();
    for it in &intents {
        let num = it.as_ref().map(|r| r.num);
        let Some(d) = cx.dict(it).cloned() else {
            continue;
        };
        let Some(prof_obj) = d.get("DestOutputProfile").cloned() else {
            if d.name("S") == Some(b"GTS_PDFA1") {
                cx.fail(RuleId::OutputIntent, None, num, "OutputIntent thiếu DestOutputProfile / the OutputIntent has no DestOutputProfile");
            }
            continue;
        };
        if d.get("DestOutputProfileRef").is_some() {
            cx.fail(RuleId::OutputIntent, None, num, "OutputIntent có /DestOutputProfileRef / the OutputIntent has /DestOutputProfileRef");
        }
        profiles.insert(prof_obj.as_ref().map_or(0, |r| r.num));
        let Some(s) = cx.stream(&prof_obj).cloned() else {
            cx.fail(
                RuleId::OutputIntent,
                None,
                num,
                "DestOutputProfile không phải luồng / DestOutputProfile is not a stream",
            );
            continue;
        };
        let header = cx.decode(&s).and_then(|p| icc_header(&p));
        match header {
            None => cx.fail(
                RuleId::OutputIntent,
                None,
                num,
                "profile ICC hỏng / the ICC profile is malformed",
            ),
            Some((space, major, class)) => {
                let class_ok = matches!(&class, b"prtr" | b"mntr");
                let version_ok = if cx.part1() { major < 4 } else { major <= 4 };
                if !class_ok || !version_ok || space == IntentSpace::Other {
                    cx.fail(
                        RuleId::OutputIntent,
                        None,
                        num,
                        format!("profile ICC lớp {} phiên bản {major} không dùng được / ICC profile class {} version {major} is not allowed", show(&class), show(&class)),
                    );
                }
                if let (Some(n), Some(want)) = (cx.get(&s.dict, "N").as_i64(), components(space)) {
                    if n != want {
                        cx.fail(RuleId::OutputIntent, None, num, format!("/N {n} khác profile ({want}) / /N {n} disagrees with the profile ({want})"));
                    }
                }
                // Only the PDF/A intent calibrates Device colour: a GTS_PDFX intent alone
                // leaves them uncalibrated (§6.2.4.3).
                if d.name("S") == Some(b"GTS_PDFA1") {
                    cx.intent = Some(space);
                }
            }
        }
    }
    if profiles.len() > 1 {
        cx.fail(
            RuleId::OutputIntent,
            None,
            None,
            "các OutputIntent dùng profile khác nhau / the OutputIntents use different profiles",
        );
    }
}

/// Rules of one dictionary wherever it is: images, XObjects, graphics states.
pub(crate) fn check_graphics_dict(cx: &mut Checker<'_>, num: u32, d: &Dict, is_stream: bool) {
    let sub = d.name("Subtype");
    if is_stream && sub == Some(b"Image") {
        for key in ["Alternates", "OPI"] {
            if d.get(key).is_some() {
                cx.fail(
                    RuleId::Images,
                    None,
                    Some(num),
                    format!("ảnh có /{key} / the image has /{key}"),
                );
            }
        }
        if matches!(cx.get(d, "Interpolate"), Object::Bool(true)) {
            cx.fail(
                RuleId::Images,
                None,
                Some(num),
                "ảnh có /Interpolate true / the image has /Interpolate true",
            );
        }
        if let Some(bpc) = cx.get(d, "BitsPerComponent").as_i64() {
            if ![1, 2, 4, 8, 16].contains(&bpc) {
                cx.fail(
                    RuleId::Images,
                    None,
                    Some(num),
                    format!("BitsPerComponent {bpc}"),
                );
            }
        }
        if let Some(ri) = cx.get(d, "Intent").as_name().map(<[u8]>::to_vec) {
            let ri = ri.as_slice();
            if !STANDARD_INTENTS.contains(&ri) {
                cx.fail(
                    RuleId::RenderingIntent,
                    None,
                    Some(num),
                    format!("/Intent /{}", show(ri)),
                );
            }
        }
        if cx.part1() && d.get("SMask").is_some() {
            cx.fail(
                RuleId::SoftMask,
                None,
                Some(num),
                "ảnh có /SMask / the image has /SMask",
            );
        }
    }
    if is_stream && sub == Some(b"Form") {
        for key in ["OPI", "Ref"] {
            if d.get(key).is_some() {
                cx.fail(
                    RuleId::XObjects,
                    None,
                    Some(num),
                    format!("form XObject có /{key} / the form XObject has /{key}"),
                );
            }
        }
        if d.name("Subtype2") == Some(b"PS") || d.get("PS").is_some() {
            cx.fail(
                RuleId::XObjects,
                None,
                Some(num),
                "form XObject PostScript / a PostScript form XObject",
            );
        }
        if cx.part1() {
            let is_tg = d
                .get("Group")
                .and_then(|g| cx.dict(g))
                .is_some_and(|g| g.name("S") == Some(b"Transparency"));
            {
                if is_tg {
                    cx.fail(
                        RuleId::TransparencyGroup,
                        None,
                        Some(num),
                        "nhóm trong suốt / a transparency group",
                    );
                }
            }
        }
    }
    if is_stream && sub == Some(b"PS") {
        cx.fail(
            RuleId::XObjects,
            None,
            Some(num),
            "XObject PostScript / a PostScript XObject",
        );
    }
    let is_gs = d.name("Type") == Some(b"ExtGState")
        || (d.get("Subtype").is_none()
            && d.get("Type").is_none()
            && [
                "BM", "TR", "TR2", "HTP", "HTO", "SMask", "CA", "ca", "HT", "RI",
            ]
            .iter()
            .any(|k| d.get(k).is_some())
            && d.get("S").is_none());
    if !is_gs {
        return;
    }
    if d.get("TR").is_some() {
        cx.fail(
            RuleId::ExtGState,
            None,
            Some(num),
            "ExtGState có /TR / the ExtGState has /TR",
        );
    }
    if let Some(tr2) = d.get("TR2") {
        if cx.resolve(tr2).as_name() != Some(b"Default") {
            cx.fail(
                RuleId::ExtGState,
                None,
                Some(num),
                "ExtGState có /TR2 khác /Default / /TR2 other than /Default",
            );
        }
    }
    for key in ["HTP", "HTO"] {
        if d.get(key).is_some() {
            cx.fail(
                RuleId::ExtGState,
                None,
                Some(num),
                format!("ExtGState có /{key} / the ExtGState has /{key}"),
            );
        }
    }
    if let Some(ht) = d.get("HT").and_then(|h| cx.dict(h)).cloned() {
        let t = cx.get(&ht, "HalftoneType").as_i64();
        if !matches!(t, Some(1 | 5)) || ht.get("HalftoneName").is_some() {
            cx.fail(RuleId::ExtGState, None, Some(num), "halftone không phải loại 1 hoặc 5, hoặc có /HalftoneName / halftone not of type 1 or 5, or with /HalftoneName");
        }
        if ht.get("TransferFunction").is_some() && !cx.part1() {
            cx.fail(
                RuleId::ExtGState,
                None,
                Some(num),
                "halftone có /TransferFunction / the halftone has /TransferFunction",
            );
        }
    }
    if let Some(ri) = cx.get(d, "RI").as_name().map(<[u8]>::to_vec) {
        let ri = ri.as_slice();
        if !STANDARD_INTENTS.contains(&ri) {
            cx.fail(
                RuleId::RenderingIntent,
                None,
                Some(num),
                format!("/RI /{}", show(ri)),
            );
        }
    }
    let bm_names: Vec<Vec<u8>> = match cx.get(d, "BM") {
        Object::Name(n) => vec![n.clone()],
        Object::Array(a) => a
            .iter()
            .filter_map(|x| x.as_name().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    };
    for bm in bm_names {
        let ok = if cx.part1() {
            matches!(bm.as_slice(), b"Normal" | b"Compatible")
        } else {
            BLEND_MODES.contains(&bm.as_slice())
        };
        if !ok {
            cx.fail(
                RuleId::BlendMode,
                None,
                Some(num),
                format!("/BM /{}", show(&bm)),
            );
        }
    }
    if cx.part1() {
        if let Some(sm) = d.get("SMask") {
            if cx.resolve(sm).as_name() != Some(b"None") {
                cx.fail(
                    RuleId::SoftMask,
                    None,
                    Some(num),
                    "ExtGState có /SMask / the ExtGState has /SMask",
                );
            }
        }
        for key in ["CA", "ca"] {
            if let Some(v) = d.get(key).and_then(|v| cx.number(v)) {
                if (v - 1.0).abs() > 1e-6 {
                    cx.fail(
                        RuleId::ConstantAlpha,
                        None,
                        Some(num),
                        format!("/{key} {v}"),
                    );
                }
            }
        }
    }
}

/// §6.2.4.2 ICCBased /N, ISO 19005-2 §6.1.13 DeviceN colorant count.
pub(crate) fn check_colour_space_array(cx: &mut Checker<'_>, num: u32, a: &[Object]) {
    match a.first().and_then(Object::as_name) {
        Some(b"ICCBased") if a.len() == 2 => {
            let Some(s) = cx.stream(&a[1]).cloned() else {
                return;
            };
            let n = cx.get(&s.dict, "N").as_i64();
            let header = cx.decode(&s).and_then(|p| icc_header(&p));
            match header {
                None => cx.fail(
                    RuleId::IccProfile,
                    None,
                    Some(num),
                    "profile ICCBased hỏng / malformed ICCBased profile",
                ),
                Some((space, major, _)) => {
                    if components(space).is_some_and(|c| Some(c) != n)
                        || !matches!(n, Some(1 | 3 | 4))
                    {
                        cx.fail(
                            RuleId::IccProfile,
                            None,
                            Some(num),
                            format!(
                                "/N {} khác profile / /N {} disagrees with the profile",
                                n.unwrap_or(0),
                                n.unwrap_or(0)
                            ),
                        );
                    }
                    if major > 4 || (cx.part1() && major >= 4) {
                        cx.fail(
                            RuleId::IccProfile,
                            None,
                            Some(num),
                            format!("profile ICC phiên bản {major} / ICC profile version {major}"),
                        );
                    }
                }
            }
        }
        Some(b"Separation") if a.len() == 4 && !cx.part1() => {
            check_separation(cx, num, a);
        }
        Some(b"DeviceN") if a.len() >= 4 => {
            if !cx.part1() {
                check_devicen_colorants(cx, num, a);
            }
            let n = cx.resolve(&a[1]).as_array().map_or(0, <[Object]>::len);
            let max = if cx.part1() { 8 } else { 32 };
            if n > max {
                cx.fail(
                    RuleId::ImplementationLimits,
                    None,
                    Some(num),
                    format!("DeviceN {n} màu / DeviceN with {n} colorants"),
                );
            }
        }
        _ => {}
    }
}

/// ISO 19005-2 §6.2.4.4: every Separation of one colorant name has the same alternate space
/// and tint transform as the first one seen.
fn check_separation(cx: &mut Checker<'_>, num: u32, a: &[Object]) {
    let Some(name) = cx.resolve(&a[1]).as_name().map(<[u8]>::to_vec) else {
        return;
    };
    if name == b"All" || name == b"None" {
        return;
    }
    let Some((alt, tint)) = cx.separations.get(&name).cloned() else {
        if cx.separations.len() < 1024 {
            cx.separations.insert(name, (a[2].clone(), a[3].clone()));
        }
        return;
    };
    for (what, first, this) in [
        (("không gian thay thế", "alternate space"), &alt, &a[2]),
        (("hàm chuyển sắc", "tint transform"), &tint, &a[3]),
    ] {
        if !same_object(cx, first, this) {
            cx.fail(
                RuleId::SeparationDeviceN,
                None,
                Some(num),
                format!(
                    "màu /{} có hai {} khác nhau / colorant /{} has two different {}s",
                    show(&name),
                    what.0,
                    show(&name),
                    what.1
                ),
            );
        }
    }
}

/// Two objects name the same thing: the same reference, or equal values compared by structure
/// (dictionaries key by key wherever they sit in the file; streams by dictionary and decoded
/// data).
fn same_object(cx: &mut Checker<'_>, a: &Object, b: &Object) -> bool {
    same_at(cx, a, b, 0)
}

fn same_at(cx: &mut Checker<'_>, a: &Object, b: &Object, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    if let (Some(x), Some(y)) = (a.as_ref(), b.as_ref()) {
        if x == y {
            return true;
        }
    }
    let (x, y) = (cx.resolve(a).clone(), cx.resolve(b).clone());
    let same_dicts = |cx: &mut Checker<'_>, p: &Dict, q: &Dict| {
        let keys = |d: &Dict| {
            let mut k: Vec<Vec<u8>> = d
                .iter()
                .map(|(k, _)| k.to_vec())
                .filter(|k| k != b"Length")
                .collect();
            k.sort();
            k
        };
        keys(p) == keys(q)
            && p.iter().filter(|(k, _)| *k != b"Length").all(|(k, v)| {
                q.get(&show(k))
                    .is_some_and(|w| same_at(cx, v, &w.clone(), depth + 1))
            })
    };
    match (&x, &y) {
        (Object::Stream(p), Object::Stream(q)) => {
            same_dicts(cx, &p.dict, &q.dict)
                && cx
                    .decode(p)
                    .is_some_and(|d| cx.decode(q).is_some_and(|e| d == e))
        }
        (Object::Dict(p), Object::Dict(q)) => same_dicts(cx, p, q),
        (Object::Array(p), Object::Array(q)) => {
            p.len() == q.len() && p.iter().zip(q).all(|(v, w)| same_at(cx, v, w, depth + 1))
        }
        _ => x == y,
    }
}

/// ISO 19005-2 §6.2.4.4: a DeviceN space's spot colorants (names other than the process
/// colorants and None) each have an entry in its attributes' /Colorants dictionary.
fn check_devicen_colorants(cx: &mut Checker<'_>, num: u32, a: &[Object]) {
    let names: Vec<Vec<u8>> = cx
        .resolve(&a[1])
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|x| x.as_name().map(<[u8]>::to_vec))
                .collect()
        })
        .unwrap_or_default();
    let attrs = a
        .get(4)
        .and_then(|x| cx.dict(x))
        .cloned()
        .unwrap_or_default();
    let colorants = attrs
        .get("Colorants")
        .and_then(|c| cx.dict(c))
        .cloned()
        .unwrap_or_default();
    let process: Vec<Vec<u8>> = match attrs
        .get("Process")
        .and_then(|p| cx.dict(p))
        .map(|p| cx.get(p, "Components").clone())
    {
        Some(Object::Array(c)) => c
            .iter()
            .filter_map(|x| x.as_name().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    };
    for n in names {
        let is_process = matches!(
            n.as_slice(),
            b"Cyan" | b"Magenta" | b"Yellow" | b"Black" | b"None"
        ) || process.contains(&n);
        if !is_process && colorants.get(&show(&n)).is_none() {
            cx.fail(
                RuleId::SeparationDeviceN,
                None,
                Some(num),
                format!(
                    "DeviceN: màu pha /{} không có trong /Colorants / spot colorant /{} is not in /Colorants",
                    show(&n),
                    show(&n)
                ),
            );
        }
    }
}

/// Which device family a colour space uses without an ICC profile, resolving named
/// resources, Indexed bases, Separation/DeviceN alternates and Pattern bases.
fn device_uses(
    cx: &Checker<'_>,
    cs: &Object,
    res: &Dict,
    out: &mut HashSet<&'static str>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    match cx.resolve(cs) {
        Object::Name(n) => match n.as_slice() {
            b"DeviceRGB" | b"RGB" => {
                out.insert("RGB");
            }
            b"DeviceCMYK" | b"CMYK" => {
                out.insert("CMYK");
            }
            b"DeviceGray" | b"G" => {
                out.insert("Gray");
            }
            b"Pattern" => {}
            other => {
                let key = show(other);
                if let Some(spaces) = res.get("ColorSpace").and_then(|s| cx.dict(s)) {
                    if let Some(v) = spaces.get(&key) {
                        device_uses(cx, v, res, out, depth + 1);
                    }
                }
            }
        },
        Object::Array(a) => match a.first().and_then(Object::as_name) {
            Some(b"Indexed" | b"I") if a.len() > 1 => device_uses(cx, &a[1], res, out, depth + 1),
            Some(b"Separation") if a.len() > 2 => device_uses(cx, &a[2], res, out, depth + 1),
            Some(b"DeviceN") if a.len() > 2 => device_uses(cx, &a[2], res, out, depth + 1),
            Some(b"Pattern") if a.len() > 1 => device_uses(cx, &a[1], res, out, depth + 1),
            Some(n @ (b"DeviceRGB" | b"DeviceCMYK" | b"DeviceGray")) => {
                device_uses(cx, &Object::Name(n.to_vec()), res, out, depth + 1)
            }
            _ => {}
        },
        _ => {}
    }
}

/// One content stream to walk: its data, resources and the page it belongs to.
struct Job {
    data: Vec<u8>,
    res: Dict,
    page_res: Dict,
    page: u32,
    object: Option<u32>,
}

/// Walks every page's content, forms, patterns and annotation appearances.
pub(crate) fn check_pages(cx: &mut Checker<'_>) {
    let pages = cx.pages.clone();
    let mut seen_forms = HashSet::new();
    for (i, (pref, page)) in pages.iter().enumerate() {
        let pno = i as u32 + 1;
        cx.mark_page(pref.num, pno);
        let res = page
            .get("Resources")
            .and_then(|r| cx.dict(r))
            .cloned()
            .unwrap_or_default();
        let mut data = Vec::new();
        let contents: Vec<Object> = match page.get("Contents") {
            Some(Object::Array(a)) => a.clone(),
            Some(o) => match cx.resolve(o) {
                Object::Array(a) => a.clone(),
                _ => vec![o.clone()],
            },
            None => Vec::new(),
        };
        for c in &contents {
            if let Some(s) = cx.stream(c).cloned() {
                if let Some(d) = cx.decode(&s) {
                    data.extend_from_slice(&d);
                    data.push(b'\n');
                }
            }
        }
        check_page_group(cx, page, pno, pref.num, &res);
        let job = Job {
            data,
            res: res.clone(),
            page_res: res,
            page: pno,
            object: Some(pref.num),
        };
        run_jobs(cx, job, &mut seen_forms);
    }
}

/// Annotation appearance streams are content too (§6.2.4.3 applies to them).
pub(crate) fn check_appearance(cx: &mut Checker<'_>, page: u32, ap: &Dict) {
    let mut streams = Vec::new();
    for (_, v) in ap.iter() {
        match cx.resolve(v) {
            Object::Stream(_) => streams.push(v.clone()),
            Object::Dict(d) => streams.extend(d.iter().map(|(_, x)| x.clone())),
            _ => {}
        }
    }
    let mut seen = HashSet::new();
    for s in streams {
        let num = s.as_ref().map(|r| r.num);
        let Some(st) = cx.stream(&s).cloned() else {
            continue;
        };
        if num.is_some_and(|n| !seen.insert(n)) {
            continue;
        }
        let Some(data) = cx.decode(&st) else { continue };
        let res = st
            .dict
            .get("Resources")
            .and_then(|r| cx.dict(r))
            .cloned()
            .unwrap_or_default();
        let job = Job {
            data,
            res: res.clone(),
            page_res: res,
            page,
            object: num,
        };
        run_jobs(cx, job, &mut HashSet::new());
    }
}

fn check_page_group(cx: &mut Checker<'_>, page: &Dict, pno: u32, num: u32, res: &Dict) {
    let group = page.get("Group").and_then(|g| cx.dict(g)).cloned();
    if let Some(g) = &group {
        if g.name("S") == Some(b"Transparency") {
            if cx.part1() {
                cx.fail(
                    RuleId::TransparencyGroup,
                    Some(pno),
                    Some(num),
                    "trang có nhóm trong suốt / the page has a transparency group",
                );
            }
            if let Some(cs) = g.get("CS") {
                let mut uses = HashSet::new();
                device_uses(cx, cs, res, &mut uses, 0);
                report_device(cx, &uses, res, res, pno, Some(num));
            }
        }
    }
}

fn run_jobs(cx: &mut Checker<'_>, first: Job, seen_forms: &mut HashSet<u32>) {
    let mut queue = vec![first];
    let mut steps = 0usize;
    while let Some(job) = queue.pop() {
        steps += 1;
        if steps > 100_000 {
            break;
        }
        walk_content(cx, &job, seen_forms, &mut queue);
    }
}

fn walk_content(
    cx: &mut Checker<'_>,
    job: &Job,
    seen_forms: &mut HashSet<u32>,
    queue: &mut Vec<Job>,
) {
    let mut uses: HashSet<&'static str> = HashSet::new();
    let mut depth = 0i32;
    let mut max_depth = 0i32;
    let mut font: Option<(u32, bool)> = None;
    let mut shown: HashMap<u32, HashSet<u32>> = HashMap::new();
    let mut xobjects: Vec<Vec<u8>> = Vec::new();
    let mut inline_bad = Vec::new();
    let mut shadings: Vec<Vec<u8>> = Vec::new();
    let mut gs_names: Vec<Vec<u8>> = Vec::new();
    let mut intents: Vec<Vec<u8>> = Vec::new();
    let res = job.res.clone();
    let fonts = res
        .get("Font")
        .and_then(|f| cx.dict(f))
        .cloned()
        .unwrap_or_default();
    let mut unknown: Vec<Vec<u8>> = Vec::new();
    let mut interpolated = false;
    content::walk(&job.data, |ev| match ev {
        Event::Op(op, args) => {
            if !OPERATORS.contains(&op) && unknown.len() < 8 && !unknown.iter().any(|u| u == op) {
                unknown.push(op.to_vec());
            }
            match op {
                b"q" => {
                    depth += 1;
                    max_depth = max_depth.max(depth);
                }
                b"Q" => depth -= 1,
                b"rg" | b"RG" => {
                    uses.insert("RGB");
                }
                b"k" | b"K" => {
                    uses.insert("CMYK");
                }
                b"g" | b"G" => {
                    uses.insert("Gray");
                }
                b"cs" | b"CS" => {
                    if let Some(n) = args.first().and_then(Operand::name) {
                        device_uses(cx, &Object::Name(n.to_vec()), &res, &mut uses, 0);
                    }
                }
                b"ri" => {
                    if let Some(n) = args.first().and_then(Operand::name) {
                        intents.push(n.to_vec());
                    }
                }
                b"Do" => {
                    if let Some(n) = args.first().and_then(Operand::name) {
                        xobjects.push(n.to_vec());
                    }
                }
                b"sh" => {
                    if let Some(n) = args.first().and_then(Operand::name) {
                        shadings.push(n.to_vec());
                    }
                }
                b"gs" => {
                    if let Some(n) = args.first().and_then(Operand::name) {
                        gs_names.push(n.to_vec());
                    }
                }
                b"Tf" => {
                    font = args.first().and_then(Operand::name).and_then(|n| {
                        let r = fonts.get(&show(n))?.as_ref()?;
                        let two_byte = cx
                            .objects
                            .get(&r.num)
                            .and_then(Object::as_dict)
                            .is_some_and(|d| d.name("Subtype") == Some(b"Type0"));
                        Some((r.num, two_byte))
                    });
                    if let Some((f, _)) = font {
                        shown.entry(f).or_default();
                    }
                }
                b"Tj" | b"'" | b"\"" | b"TJ" => {
                    if let Some((f, two)) = font {
                        let set = shown.entry(f).or_default();
                        let mut add = |s: &[u8]| {
                            if two {
                                for c in s.chunks(2) {
                                    let code =
                                        (u32::from(c[0]) << 8) | u32::from(*c.get(1).unwrap_or(&0));
                                    if set.len() < 65_536 {
                                        set.insert(code);
                                    }
                                }
                            } else {
                                for &b in s {
                                    set.insert(u32::from(b));
                                }
                            }
                        };
                        for a in args {
                            match a {
                                Operand::Str(s) => add(s),
                                Operand::Array(items) => {
                                    for it in items {
                                        if let Operand::Str(s) = it {
                                            add(s);
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Event::InlineImage(d) => {
            for (k, v) in d {
                match (k.as_slice(), v) {
                    (b"CS" | b"ColorSpace", Operand::Name(n)) => {
                        device_uses(cx, &Object::Name(n.clone()), &res, &mut uses, 0);
                    }
                    (b"F" | b"Filter", Operand::Name(n)) => inline_bad.extend(bad_inline_filter(n)),
                    (b"F" | b"Filter", Operand::Array(a)) => {
                        for f in a.iter().filter_map(Operand::name) {
                            inline_bad.extend(bad_inline_filter(f));
                        }
                    }
                    (b"I" | b"Interpolate", Operand::Bool(true)) => interpolated = true,
                    (b"Intent", Operand::Name(n)) => intents.push(n.clone()),
                    _ => {}
                }
            }
        }
    });
    let (page, object) = (job.page, job.object);
    if interpolated {
        cx.fail(
            RuleId::Images,
            Some(page),
            object,
            "ảnh nội tuyến có /I true / an inline image has /I true",
        );
    }
    for op in unknown {
        cx.fail(
            RuleId::ContentOperator,
            Some(page),
            object,
            format!(
                "toán tử `{}` không có trong ISO 32000-1 / operator `{}` is not defined in ISO 32000-1",
                show(&op),
                show(&op)
            ),
        );
    }
    if max_depth > 28 {
        cx.fail(
            RuleId::ImplementationLimits,
            Some(page),
            object,
            format!("q lồng {max_depth} mức / q nested {max_depth} deep"),
        );
    }
    for f in inline_bad {
        cx.fail(
            RuleId::InlineImage,
            Some(page),
            object,
            format!("ảnh nội tuyến dùng /{f} / an inline image uses /{f}"),
        );
    }
    for ri in intents {
        if !STANDARD_INTENTS.contains(&ri.as_slice()) {
            cx.fail(
                RuleId::RenderingIntent,
                Some(page),
                object,
                format!("ri /{}", show(&ri)),
            );
        }
    }
    for (f, codes) in shown {
        cx.mark_page(f, page);
        cx.font_use.entry(f).or_default().extend(codes);
    }
    let mut transparent = false;
    if let Some(ext) = res.get("ExtGState").and_then(|e| cx.dict(e)).cloned() {
        for n in gs_names {
            let Some(g) = ext.get(&show(&n)).cloned() else {
                continue;
            };
            if let Some(r) = g.as_ref() {
                cx.mark_page(r.num, page);
            }
            if let Some(gd) = cx.dict(&g) {
                let alpha = |k: &str| {
                    gd.get(k)
                        .and_then(|v| cx.number(v))
                        .is_some_and(|a| a < 1.0)
                };
                let smask = gd
                    .get("SMask")
                    .is_some_and(|m| cx.resolve(m).as_name() != Some(b"None"));
                let bm = gd.get("BM").is_some_and(|b| {
                    !matches!(cx.resolve(b).as_name(), Some(b"Normal" | b"Compatible"))
                });
                transparent |= alpha("CA") || alpha("ca") || smask || bm;
            }
        }
    }
    let shading_dict = res
        .get("Shading")
        .and_then(|s| cx.dict(s))
        .cloned()
        .unwrap_or_default();
    for n in shadings {
        if let Some(sh) = shading_dict.get(&show(&n)).and_then(|s| cx.dict(s)) {
            if let Some(cs) = sh.get("ColorSpace") {
                device_uses(cx, cs, &res, &mut uses, 0);
            }
        }
    }
    let xdict = res
        .get("XObject")
        .and_then(|x| cx.dict(x))
        .cloned()
        .unwrap_or_default();
    for n in xobjects {
        let Some(xo) = xdict.get(&show(&n)).cloned() else {
            continue;
        };
        let num = xo.as_ref().map(|r| r.num);
        if let Some(num) = num {
            cx.mark_page(num, page);
        }
        let Some(s) = cx.stream(&xo).cloned() else {
            continue;
        };
        match s.dict.name("Subtype") {
            Some(b"Image") => {
                if s.dict
                    .get("ImageMask")
                    .is_none_or(|m| !matches!(cx.resolve(m), Object::Bool(true)))
                {
                    if let Some(cs) = s.dict.get("ColorSpace") {
                        device_uses(cx, cs, &res, &mut uses, 0);
                    }
                }
            }
            Some(b"Form") => {
                if num.is_some_and(|n| !seen_forms.insert(n)) {
                    continue;
                }
                let Some(data) = cx.decode(&s) else { continue };
                let fres = s
                    .dict
                    .get("Resources")
                    .and_then(|r| cx.dict(r))
                    .cloned()
                    .unwrap_or_else(|| res.clone());
                if let Some(g) = s.dict.get("Group").and_then(|g| cx.dict(g)) {
                    if let Some(cs) = g.get("CS") {
                        device_uses(cx, cs, &fres, &mut uses, 0);
                    }
                }
                queue.push(Job {
                    data,
                    res: fres,
                    page_res: job.page_res.clone(),
                    page,
                    object: num,
                });
            }
            _ => {}
        }
    }
    // Tiling patterns are content of their own.
    if let Some(pats) = res.get("Pattern").and_then(|p| cx.dict(p)).cloned() {
        for (_, p) in pats.iter() {
            let num = p.as_ref().map(|r| r.num);
            if num.is_some_and(|n| !seen_forms.insert(n)) {
                continue;
            }
            let Some(s) = cx.stream(p).cloned() else {
                if let Some(pd) = cx.dict(p).cloned() {
                    if let Some(sh) = pd.get("Shading").and_then(|s| cx.dict(s)).cloned() {
                        if let Some(cs) = sh.get("ColorSpace") {
                            device_uses(cx, cs, &res, &mut uses, 0);
                        }
                    }
                }
                continue;
            };
            if s.dict.get("PaintType").and_then(|p| cx.number(p)) == Some(2.0) {
                // Uncoloured patterns take their colour from the pattern colour space.
            }
            let Some(data) = cx.decode(&s) else { continue };
            let pres = s
                .dict
                .get("Resources")
                .and_then(|r| cx.dict(r))
                .cloned()
                .unwrap_or_default();
            queue.push(Job {
                data,
                res: pres,
                page_res: job.page_res.clone(),
                page,
                object: num,
            });
        }
    }
    // §6.2.10: transparency needs a blending colour space: the page group's /CS or the
    // OutputIntent.
    if transparent && cx.intent.is_none() {
        let page_cs = cx
            .pages
            .get(page as usize - 1)
            .and_then(|(_, p)| p.get("Group").cloned())
            .and_then(|g| cx.dict(&g).map(|d| d.get("CS").is_some()))
            .unwrap_or(false);
        if !page_cs {
            cx.fail(RuleId::TransparencyGroup, Some(page), object, "trong suốt mà không có OutputIntent hay /CS của nhóm trang / transparency without an OutputIntent or a page group /CS");
        }
    }
    report_device(cx, &uses, &res, &job.page_res, page, object);
}

fn bad_inline_filter(n: &[u8]) -> Option<String> {
    matches!(n, b"LZWDecode" | b"LZW" | b"Crypt" | b"JPXDecode").then(|| show(n))
}

/// §6.2.4.3: device colour spaces need a matching OutputIntent or a Default colour space.
fn report_device(
    cx: &mut Checker<'_>,
    uses: &HashSet<&'static str>,
    res: &Dict,
    page_res: &Dict,
    page: u32,
    object: Option<u32>,
) {
    let has_default = |cx: &Checker<'_>, key: &str| {
        [res, page_res].iter().any(|r| {
            r.get("ColorSpace")
                .and_then(|s| cx.dict(s))
                .is_some_and(|s| s.get(key).is_some())
        })
    };
    let intent = cx.intent;
    let mut sorted: Vec<&&str> = uses.iter().collect();
    sorted.sort();
    for u in sorted {
        let (ok, id, default) = match *u {
            "RGB" => (
                intent == Some(IntentSpace::Rgb),
                RuleId::DeviceRgb,
                "DefaultRGB",
            ),
            "CMYK" => (
                intent == Some(IntentSpace::Cmyk),
                RuleId::DeviceCmyk,
                "DefaultCMYK",
            ),
            _ => (intent.is_some(), RuleId::DeviceGray, "DefaultGray"),
        };
        if !ok && !has_default(cx, default) {
            let what = match intent {
                Some(_) => "OutputIntent khác loại / an OutputIntent of another colour space",
                None => "không có OutputIntent / no OutputIntent",
            };
            cx.fail(id, Some(page), object, format!("dùng Device{u}: {what}, không có /{default} / uses Device{u} with {what} and no /{default}"));
        }
    }
}

/// Every content stream operator of ISO 32000-1 Annex A (`BI`/`ID`/`EI` are read as an inline
/// image); anything else fails §6.2.2 even between `BX` and `EX`.
const OPERATORS: &[&[u8]] = &[
    b"b", b"B", b"b*", b"B*", b"BDC", b"BMC", b"BT", b"BX", b"c", b"cm", b"CS", b"cs", b"d", b"d0",
    b"d1", b"Do", b"DP", b"EMC", b"ET", b"EX", b"f", b"F", b"f*", b"G", b"g", b"gs", b"h", b"i",
    b"j", b"J", b"K", b"k", b"l", b"m", b"M", b"MP", b"n", b"q", b"Q", b"re", b"RG", b"rg", b"ri",
    b"s", b"S", b"SC", b"sc", b"SCN", b"scn", b"sh", b"T*", b"Tc", b"Td", b"TD", b"Tf", b"Tj",
    b"TJ", b"TL", b"Tm", b"Tr", b"Ts", b"Tw", b"Tz", b"v", b"w", b"W", b"W*", b"y", b"'", b"\"",
];
