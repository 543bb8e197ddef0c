//! Metadata (ISO 19005-2 §6.6; ISO 19005-1 §6.7): the XMP packet, `pdfaid`, the Info
//! dictionary (part 1), and the schemas every property must come from (§6.6.2.3): the
//! predefined schemas of the XMP Specification 2005 with their value types, or extension
//! schemas declared in the packet itself.

use std::collections::HashMap;

use super::{show, Checker, Conformance, Level, Part, RuleId};
use crate::read::Object;

/// An XML element with namespaces resolved.
#[derive(Debug, Default)]
struct El {
    ns: String,
    name: String,
    attrs: Vec<(String, String, String)>,
    children: Vec<El>,
    text: String,
    /// On the root only: the prefix each element or attribute of a PDF/A namespace was written
    /// with, `(namespace, prefix)`, once per pair.
    reserved_prefixes: Vec<(String, String)>,
}

/// The prefixes ISO 19005 fixes for its own XMP namespaces (part 2 §6.6.2.3.3 and §6.6.4).
const RESERVED_PREFIXES: &[(&str, &str)] = &[
    (PDFAID, "pdfaid"),
    (EXT, "pdfaExtension"),
    (EXT_SCHEMA, "pdfaSchema"),
    (EXT_PROPERTY, "pdfaProperty"),
    (EXT_TYPE, "pdfaType"),
    (EXT_FIELD, "pdfaField"),
];

/// An RDF value (XMP Specification part 1 §7).
#[derive(Debug)]
enum Val {
    Simple(String),
    Array(&'static str, Vec<Val>, bool),
    Struct(Vec<(String, String, Val)>),
}

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const PDFAID: &str = "http://www.aiim.org/pdfa/ns/id/";
const EXT: &str = "http://www.aiim.org/pdfa/ns/extension/";
const EXT_SCHEMA: &str = "http://www.aiim.org/pdfa/ns/schema#";
const EXT_PROPERTY: &str = "http://www.aiim.org/pdfa/ns/property#";
const EXT_TYPE: &str = "http://www.aiim.org/pdfa/ns/type#";
const EXT_FIELD: &str = "http://www.aiim.org/pdfa/ns/field#";

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find(';') else {
            out.push_str(&rest[i..]);
            return out;
        };
        out.push_str(&entity(&after[..j]));
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

fn entity(e: &str) -> String {
    match e {
        "amp" => "&".into(),
        "lt" => "<".into(),
        "gt" => ">".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        _ => {
            let n = e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()));
            n.and_then(char::from_u32)
                .map(String::from)
                .unwrap_or_default()
        }
    }
}

/// Parses XML into a namespace-resolved tree; `Err` when it is not well-formed.
fn parse_xml(data: &[u8]) -> Result<El, String> {
    use quick_xml::events::Event as X;
    let text = std::str::from_utf8(data).map_err(|_| "không phải UTF-8 / not UTF-8".to_owned())?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<(El, Vec<(String, String)>)> = vec![(El::default(), Vec::new())];
    let mut scopes: Vec<Vec<(String, String)>> = vec![vec![("xml".into(), XML_NS.into())]];
    let resolve = |scopes: &[Vec<(String, String)>], prefix: &str| -> Option<String> {
        scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.clone())
    };
    let split = |q: &str| match q.split_once(':') {
        Some((p, l)) => (p.to_owned(), l.to_owned()),
        None => (String::new(), q.to_owned()),
    };
    let mut depth = 0usize;
    let mut reserved: Vec<(String, String)> = Vec::new();
    let mut note = |ns: &str, p: &str| {
        if RESERVED_PREFIXES.iter().any(|(n, _)| *n == ns)
            && !reserved.iter().any(|(n, q)| n == ns && q == p)
            && reserved.len() < 64
        {
            reserved.push((ns.to_owned(), p.to_owned()));
        }
    };
    loop {
        let ev = reader.read_event().map_err(|e| e.to_string())?;
        match ev {
            X::Start(ref s) | X::Empty(ref s) => {
                depth += 1;
                if depth > 256 {
                    return Err("lồng quá sâu / nested too deep".into());
                }
                let qname = s.name().as_ref().to_owned();
                let mut scope = Vec::new();
                let mut raw_attrs = Vec::new();
                for a in s.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    let key = a.key.as_ref().to_owned();
                    let value = unescape(&a.value);
                    if key == "xmlns" {
                        scope.push((String::new(), value));
                    } else if let Some(p) = key.strip_prefix("xmlns:") {
                        scope.push((p.to_owned(), value));
                    } else {
                        raw_attrs.push((key, value));
                    }
                }
                scopes.push(scope);
                let (p, l) = split(&qname);
                let ns = resolve(&scopes, &p)
                    .ok_or_else(|| format!("tiền tố chưa khai báo / undeclared prefix {p}"))?;
                note(&ns, &p);
                let mut attrs = Vec::new();
                for (k, v) in raw_attrs {
                    let (ap, al) = split(&k);
                    let ans = if ap.is_empty() {
                        String::new()
                    } else {
                        resolve(&scopes, &ap).ok_or_else(|| {
                            format!("tiền tố chưa khai báo / undeclared prefix {ap}")
                        })?
                    };
                    note(&ans, &ap);
                    attrs.push((ans, al, v));
                }
                let el = El {
                    ns,
                    name: l,
                    attrs,
                    ..El::default()
                };
                if matches!(ev, X::Empty(_)) {
                    scopes.pop();
                    depth -= 1;
                    if let Some(top) = stack.last_mut() {
                        top.0.children.push(el);
                    }
                } else {
                    stack.push((el, Vec::new()));
                }
            }
            X::End(_) => {
                depth = depth.saturating_sub(1);
                scopes.pop();
                let (el, _) = stack.pop().ok_or("thẻ đóng thừa / stray end tag")?;
                let top = stack.last_mut().ok_or("thẻ đóng thừa / stray end tag")?;
                top.0.children.push(el);
            }
            X::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.0.text.push_str(&unescape(&t.into_inner()));
                }
            }
            X::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.0.text.push_str(&t.into_inner());
                }
            }
            X::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    top.0.text.push_str(&entity(&r.into_inner()));
                }
            }
            X::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("thẻ chưa đóng / unclosed element".into());
    }
    let mut root = stack.pop().map(|s| s.0).unwrap_or_default();
    root.reserved_prefixes = reserved;
    Ok(root)
}

fn find_all<'e>(el: &'e El, ns: &str, name: &str, out: &mut Vec<&'e El>) {
    if el.ns == ns && el.name == name {
        out.push(el);
    }
    for c in &el.children {
        find_all(c, ns, name, out);
    }
}

/// The value of a property element (RDF/XML syntax, XMP part 1 §7.9).
fn value_of(el: &El) -> Val {
    let parse_type = el
        .attrs
        .iter()
        .find(|(n, l, _)| n == RDF && l == "parseType")
        .map(|a| a.2.as_str());
    if parse_type == Some("Resource") {
        return Val::Struct(
            el.children
                .iter()
                .map(|c| (c.ns.clone(), c.name.clone(), value_of(c)))
                .collect(),
        );
    }
    if let Some(res) = el
        .attrs
        .iter()
        .find(|(n, l, _)| n == RDF && l == "resource")
    {
        return Val::Simple(res.2.clone());
    }
    let fields: Vec<(String, String, Val)> = el
        .attrs
        .iter()
        .filter(|(n, _, _)| n != RDF && n != XML_NS && !n.is_empty())
        .map(|(n, l, v)| (n.clone(), l.clone(), Val::Simple(v.clone())))
        .collect();
    if !fields.is_empty() && el.children.is_empty() {
        return Val::Struct(fields);
    }
    let Some(child) = el.children.first() else {
        return Val::Simple(el.text.trim().to_owned());
    };
    if child.ns == RDF {
        match child.name.as_str() {
            kind @ ("Bag" | "Seq" | "Alt") => {
                let kind: &'static str = match kind {
                    "Bag" => "Bag",
                    "Seq" => "Seq",
                    _ => "Alt",
                };
                let items: Vec<&El> = child
                    .children
                    .iter()
                    .filter(|c| c.ns == RDF && c.name == "li")
                    .collect();
                let lang = !items.is_empty()
                    && items
                        .iter()
                        .all(|i| i.attrs.iter().any(|(n, l, _)| n == XML_NS && l == "lang"));
                return Val::Array(kind, items.iter().map(|i| value_of(i)).collect(), lang);
            }
            "Description" => {
                let mut f: Vec<(String, String, Val)> = child
                    .attrs
                    .iter()
                    .filter(|(n, _, _)| n != RDF && !n.is_empty() && n != XML_NS)
                    .map(|(n, l, v)| (n.clone(), l.clone(), Val::Simple(v.clone())))
                    .collect();
                f.extend(
                    child
                        .children
                        .iter()
                        .map(|c| (c.ns.clone(), c.name.clone(), value_of(c))),
                );
                return Val::Struct(f);
            }
            _ => {}
        }
    }
    Val::Struct(
        el.children
            .iter()
            .map(|c| (c.ns.clone(), c.name.clone(), value_of(c)))
            .collect(),
    )
}

/// Every top-level property: (namespace, name, value).
fn properties(root: &El) -> Vec<(String, String, Val)> {
    let mut descs = Vec::new();
    find_all(root, RDF, "Description", &mut descs);
    let mut out = Vec::new();
    for d in descs {
        // Only descriptions directly under rdf:RDF carry top-level properties.
        for (n, l, v) in &d.attrs {
            if n != RDF && n != XML_NS && !n.is_empty() {
                out.push((n.clone(), l.clone(), Val::Simple(v.clone())));
            }
        }
        for c in &d.children {
            out.push((c.ns.clone(), c.name.clone(), value_of(c)));
        }
    }
    out
}

fn rdf_root(root: &El) -> Option<&El> {
    let mut v = Vec::new();
    find_all(root, RDF, "RDF", &mut v);
    v.first().copied()
}

fn simple<'v>(props: &'v [(String, String, Val)], ns: &str, name: &str) -> Option<&'v str> {
    props
        .iter()
        .find(|(n, l, _)| n == ns && l == name)
        .and_then(|(_, _, v)| match v {
            Val::Simple(s) => Some(s.as_str()),
            _ => None,
        })
}

/// §6.6: metadata stream, packet header, pdfaid (which sets the level), Info, schemas.
pub(crate) fn check_metadata(cx: &mut Checker<'_>) {
    let cat = cx.catalog();
    let cat_num = cx
        .file
        .trailer()
        .get("Root")
        .and_then(Object::as_ref)
        .map(|r| r.num);
    let meta = cat.as_ref().and_then(|c| c.get("Metadata").cloned());
    let stream = meta.as_ref().and_then(|m| cx.stream(m)).cloned();
    let meta_num = meta.as_ref().and_then(Object::as_ref).map(|r| r.num);
    let Some(stream) = stream else {
        cx.fail(
            RuleId::MetadataMissing,
            None,
            cat_num,
            "catalog không có /Metadata / the catalog has no /Metadata stream",
        );
        if !cx.forced {
            cx.fail(RuleId::PdfaIdentification, None, cat_num, "không khai báo PDF/A; kiểm theo PDF/A-2b / no PDF/A declaration; checked as PDF/A-2b");
        }
        return;
    };
    let data = cx.decode(&stream);
    let Some(data) = data else {
        cx.fail(
            RuleId::XmpWellFormed,
            None,
            meta_num,
            "luồng metadata không giải mã được / the metadata stream cannot be decoded",
        );
        return;
    };
    let parsed = parse_xml(strip_packet(&data));
    let (props, root) = match parsed {
        Ok(root) => (properties(rdf_root(&root).unwrap_or(&root)), Some(root)),
        Err(e) => {
            cx.fail(
                RuleId::XmpWellFormed,
                None,
                meta_num,
                format!("XMP không hợp lệ / malformed XMP: {e}"),
            );
            (Vec::new(), None)
        }
    };
    // pdfaid first: it decides which rules apply.
    let part = simple(&props, PDFAID, "part").map(str::trim);
    let conf = simple(&props, PDFAID, "conformance").map(str::trim);
    let declared = match (part, conf) {
        (Some(p), Some(c)) => Level::parse(&format!("{p}{}", c.to_ascii_lowercase())),
        _ => None,
    };
    cx.declared = declared;
    if !cx.forced {
        if let Some(d) = declared {
            cx.level = d;
        }
    }
    for (ns, p) in root
        .as_ref()
        .map(|r| r.reserved_prefixes.clone())
        .unwrap_or_default()
    {
        let Some((_, want)) = RESERVED_PREFIXES.iter().find(|(n, _)| *n == ns) else {
            continue;
        };
        if p != *want {
            let id = if ns == PDFAID {
                RuleId::PdfaIdentification
            } else {
                RuleId::XmpSchemas
            };
            cx.fail(
                id,
                None,
                meta_num,
                format!("tiền tố {p}: cho {ns} phải là {want} / prefix {p}: {ns} must use {want}"),
            );
        }
    }
    if cx.part1() && stream.dict.get("Filter").is_some() {
        cx.fail(
            RuleId::MetadataFiltered,
            None,
            meta_num,
            "luồng metadata có /Filter / the metadata stream has /Filter",
        );
    }
    if let Some(header) = packet_header(&data) {
        if header.contains("bytes=") || header.contains("encoding=") {
            cx.fail(
                RuleId::XmpPacketHeader,
                None,
                meta_num,
                "tiêu đề xpacket có bytes/encoding / the xpacket header has bytes or encoding",
            );
        }
    }
    let conf_ok = |c: &str, part: Part| match part {
        Part::One => matches!(c, "A" | "B"),
        _ => matches!(c, "A" | "B" | "U"),
    };
    match (part, conf, declared) {
        (Some(p), Some(c), Some(d)) if conf_ok(c, d.part) => {
            if p.parse::<u8>().ok() != Some(cx.level.part.number()) {
                cx.fail(RuleId::PdfaIdentification, None, meta_num, format!("pdfaid:part {p} khác mức kiểm {} / pdfaid:part {p} but checking {}", cx.level, cx.level));
            }
        }
        _ if root.is_some() => cx.fail(
            RuleId::PdfaIdentification,
            None,
            meta_num,
            format!("pdfaid:part/conformance thiếu hoặc sai ({}/{}) / pdfaid:part or conformance missing or invalid", part.unwrap_or("-"), conf.unwrap_or("-")),
        ),
        _ => {}
    }
    if cx.level.conformance == Conformance::A {
        // Tagging is not checked; check the rest as level U.
        cx.level.conformance = if cx.part1() {
            Conformance::B
        } else {
            Conformance::U
        };
    }
    if let Some(root) = &root {
        check_schemas(cx, root, &props, meta_num);
    }
    check_info(cx, &props);
}

fn strip_packet(data: &[u8]) -> &[u8] {
    // The xpacket processing instructions are XML PIs; a BOM or padding before is trimmed.
    let start = data.iter().position(|&b| b == b'<').unwrap_or(0);
    let end = data
        .iter()
        .rposition(|&b| b == b'>')
        .map_or(data.len(), |e| e + 1);
    &data[start..end.max(start)]
}

fn packet_header(data: &[u8]) -> Option<String> {
    let i = data.windows(8).position(|w| w == b"<?xpacke")?;
    let j = data[i..].windows(2).position(|w| w == b"?>")?;
    Some(String::from_utf8_lossy(&data[i..i + j]).into_owned())
}

/// Part 1 §6.7.3: Info entries have XMP equivalents with the same value. Parts 2 and 3 have
/// no such rule (see the table row), so nothing is checked there.
fn check_info(cx: &mut Checker<'_>, props: &[(String, String, Val)]) {
    if !cx.part1() {
        return;
    }
    let Some(info_obj) = cx.file.trailer().get("Info").cloned() else {
        return;
    };
    let num = info_obj.as_ref().map(|r| r.num);
    let Some(info) = cx.dict(&info_obj).cloned() else {
        return;
    };
    const DC: &str = "http://purl.org/dc/elements/1.1/";
    const XMP: &str = "http://ns.adobe.com/xap/1.0/";
    const PDF: &str = "http://ns.adobe.com/pdf/1.3/";
    let first = |ns: &str, name: &str| -> Option<String> {
        props
            .iter()
            .find(|(n, l, _)| n == ns && l == name)
            .and_then(|(_, _, v)| match v {
                Val::Simple(s) => Some(s.clone()),
                Val::Array(_, items, _) => items.first().and_then(|i| match i {
                    Val::Simple(s) => Some(s.clone()),
                    _ => None,
                }),
                _ => None,
            })
    };
    for (key, ns, name) in [
        ("Title", DC, "title"),
        ("Author", DC, "creator"),
        ("Subject", DC, "description"),
        ("Keywords", PDF, "Keywords"),
        ("Creator", XMP, "CreatorTool"),
        ("Producer", PDF, "Producer"),
    ] {
        let Some(v) = info.get(key).map(|v| cx.resolve(v).clone()) else {
            continue;
        };
        let Some(s) = v.as_string() else { continue };
        let text = crate::read::object::decode_text(s);
        if first(ns, name).as_deref() != Some(text.as_str()) {
            cx.fail(
                RuleId::InfoMatchesXmp,
                None,
                num,
                format!("Info /{key} khác XMP / Info /{key} differs from XMP"),
            );
        }
    }
    for (key, name) in [("CreationDate", "CreateDate"), ("ModDate", "ModifyDate")] {
        if info.get(key).is_some() && first(XMP, name).is_none() {
            cx.fail(
                RuleId::InfoMatchesXmp,
                None,
                num,
                format!("Info /{key} không có xmp:{name} / Info /{key} has no xmp:{name}"),
            );
        }
    }
}

/// A value type of the XMP Specification 2005 (part 2 §8.2 and the schema chapters).
#[derive(Clone, Copy)]
enum Ty {
    Text,
    Int,
    Real,
    Bool,
    Date,
    Rational,
    LangAlt,
    Struct,
    Bag(&'static Ty),
    Seq(&'static Ty),
    Alt(&'static Ty),
    Any,
}

const T: Ty = Ty::Text;
const BAG_T: Ty = Ty::Bag(&Ty::Text);
const SEQ_T: Ty = Ty::Seq(&Ty::Text);
const SEQ_I: Ty = Ty::Seq(&Ty::Int);
const SEQ_R: Ty = Ty::Seq(&Ty::Rational);
const SEQ_D: Ty = Ty::Seq(&Ty::Date);
const BAG_S: Ty = Ty::Bag(&Ty::Struct);
const SEQ_S: Ty = Ty::Seq(&Ty::Struct);
const ALT_S: Ty = Ty::Alt(&Ty::Struct);

type Schema = (&'static str, &'static [(&'static str, Ty)]);

/// The predefined schemas PDF/A accepts without an extension schema.
const PREDEFINED: &[Schema] = &[
    (
        "http://purl.org/dc/elements/1.1/",
        &[
            ("contributor", BAG_T),
            ("coverage", T),
            ("creator", SEQ_T),
            ("date", SEQ_D),
            ("description", Ty::LangAlt),
            ("format", T),
            ("identifier", T),
            ("language", BAG_T),
            ("publisher", BAG_T),
            ("relation", BAG_T),
            ("rights", Ty::LangAlt),
            ("source", T),
            ("subject", BAG_T),
            ("title", Ty::LangAlt),
            ("type", BAG_T),
        ],
    ),
    (
        "http://ns.adobe.com/xap/1.0/",
        &[
            ("Advisory", BAG_T),
            ("BaseURL", T),
            ("CreateDate", Ty::Date),
            ("CreatorTool", T),
            ("Identifier", BAG_T),
            ("Label", T),
            ("MetadataDate", Ty::Date),
            ("ModifyDate", Ty::Date),
            ("Nickname", T),
            ("Rating", Ty::Real),
            ("Thumbnails", ALT_S),
        ],
    ),
    (
        "http://ns.adobe.com/xap/1.0/rights/",
        &[
            ("Certificate", T),
            ("Marked", Ty::Bool),
            ("Owner", BAG_T),
            ("UsageTerms", Ty::LangAlt),
            ("WebStatement", T),
        ],
    ),
    (
        "http://ns.adobe.com/xap/1.0/mm/",
        &[
            ("DerivedFrom", Ty::Struct),
            ("DocumentID", T),
            ("History", SEQ_S),
            ("Ingredients", BAG_S),
            ("InstanceID", T),
            ("LastURL", T),
            ("ManagedFrom", Ty::Struct),
            ("Manager", T),
            ("ManageTo", T),
            ("ManageUI", T),
            ("ManagerVariant", T),
            ("OriginalDocumentID", T),
            ("RenditionClass", T),
            ("RenditionParams", T),
            ("RenditionOf", Ty::Struct),
            ("SaveID", Ty::Int),
            ("VersionID", T),
            ("Versions", SEQ_S),
        ],
    ),
    ("http://ns.adobe.com/xap/1.0/bj/", &[("JobRef", BAG_S)]),
    (
        "http://ns.adobe.com/xap/1.0/t/pg/",
        &[
            ("MaxPageSize", Ty::Struct),
            ("NPages", Ty::Int),
            ("Fonts", BAG_S),
            ("Colorants", SEQ_S),
            ("PlateNames", SEQ_T),
        ],
    ),
    (
        "http://ns.adobe.com/xmp/1.0/DynamicMedia/",
        &[
            ("projectRef", Ty::Struct),
            ("videoFrameRate", T),
            ("videoFrameSize", Ty::Struct),
            ("videoPixelAspectRatio", Ty::Rational),
            ("videoPixelDepth", T),
            ("videoColorSpace", T),
            ("videoAlphaMode", T),
            ("videoAlphaPremultipleColor", Ty::Struct),
            ("videoAlphaUnityIsTransparent", Ty::Bool),
            ("videoCompressor", T),
            ("videoFieldOrder", T),
            ("pullDown", T),
            ("audioSampleRate", Ty::Int),
            ("audioSampleType", T),
            ("audioChannelType", T),
            ("audioCompressor", T),
            ("speakerPlacement", T),
            ("fileDataRate", Ty::Rational),
            ("tapeName", T),
            ("altTapeName", T),
            ("startTimecode", Ty::Struct),
            ("altTimecode", Ty::Struct),
            ("duration", Ty::Struct),
            ("scene", T),
            ("shotName", T),
            ("shotDate", Ty::Date),
            ("shotLocation", T),
            ("logComment", T),
            ("markers", SEQ_S),
            ("contributedMedia", BAG_S),
            ("absPeakAudioFilePath", T),
            ("relativePeakAudioFilePath", T),
            ("videoModDate", Ty::Date),
            ("audioModDate", Ty::Date),
            ("metadataModDate", Ty::Date),
            ("artist", T),
            ("album", T),
            ("trackNumber", Ty::Int),
            ("genre", T),
            ("copyright", T),
            ("releaseDate", Ty::Date),
            ("composer", T),
            ("engineer", T),
            ("tempo", Ty::Real),
            ("instrument", T),
            ("introTime", Ty::Struct),
            ("outCue", Ty::Struct),
            ("relativeTimestamp", Ty::Struct),
            ("loop", Ty::Bool),
            ("numberOfBeats", Ty::Real),
            ("key", T),
            ("stretchMode", T),
            ("timeScaleParams", Ty::Struct),
            ("resampleParams", Ty::Struct),
            ("beatSpliceParams", Ty::Struct),
            ("timeSignature", T),
            ("scaleType", T),
        ],
    ),
    (
        "http://ns.adobe.com/pdf/1.3/",
        &[
            ("Keywords", T),
            ("PDFVersion", T),
            ("Producer", T),
            ("Trapped", T),
        ],
    ),
    (
        "http://ns.adobe.com/photoshop/1.0/",
        &[
            ("AuthorsPosition", T),
            ("CaptionWriter", T),
            ("Category", T),
            ("City", T),
            ("ColorMode", Ty::Int),
            ("Country", T),
            ("Credit", T),
            ("DateCreated", Ty::Date),
            ("Headline", T),
            ("History", T),
            ("ICCProfile", T),
            ("Instructions", T),
            ("Source", T),
            ("State", T),
            ("SupplementalCategories", BAG_T),
            ("TransmissionReference", T),
            ("Urgency", Ty::Int),
        ],
    ),
    (
        "http://ns.adobe.com/tiff/1.0/",
        &[
            ("ImageWidth", Ty::Int),
            ("ImageLength", Ty::Int),
            ("BitsPerSample", SEQ_I),
            ("Compression", Ty::Int),
            ("PhotometricInterpretation", Ty::Int),
            ("Orientation", Ty::Int),
            ("SamplesPerPixel", Ty::Int),
            ("PlanarConfiguration", Ty::Int),
            ("YCbCrSubSampling", SEQ_I),
            ("YCbCrPositioning", Ty::Int),
            ("XResolution", Ty::Rational),
            ("YResolution", Ty::Rational),
            ("ResolutionUnit", Ty::Int),
            ("TransferFunction", SEQ_I),
            ("WhitePoint", SEQ_R),
            ("PrimaryChromaticities", SEQ_R),
            ("YCbCrCoefficients", SEQ_R),
            ("ReferenceBlackWhite", SEQ_R),
            ("DateTime", Ty::Date),
            ("ImageDescription", Ty::LangAlt),
            ("Make", T),
            ("Model", T),
            ("Software", T),
            ("Artist", T),
            ("Copyright", Ty::LangAlt),
        ],
    ),
    (
        "http://ns.adobe.com/exif/1.0/",
        &[
            ("ExifVersion", T),
            ("FlashpixVersion", T),
            ("ColorSpace", Ty::Int),
            ("ComponentsConfiguration", SEQ_I),
            ("CompressedBitsPerPixel", Ty::Rational),
            ("PixelXDimension", Ty::Int),
            ("PixelYDimension", Ty::Int),
            ("UserComment", Ty::LangAlt),
            ("RelatedSoundFile", T),
            ("DateTimeOriginal", Ty::Date),
            ("DateTimeDigitized", Ty::Date),
            ("ExposureTime", Ty::Rational),
            ("FNumber", Ty::Rational),
            ("ExposureProgram", Ty::Int),
            ("SpectralSensitivity", T),
            ("ISOSpeedRatings", SEQ_I),
            ("OECF", Ty::Struct),
            ("ShutterSpeedValue", Ty::Rational),
            ("ApertureValue", Ty::Rational),
            ("BrightnessValue", Ty::Rational),
            ("ExposureBiasValue", Ty::Rational),
            ("MaxApertureValue", Ty::Rational),
            ("SubjectDistance", Ty::Rational),
            ("MeteringMode", Ty::Int),
            ("LightSource", Ty::Int),
            ("Flash", Ty::Struct),
            ("FocalLength", Ty::Rational),
            ("SubjectArea", SEQ_I),
            ("FlashEnergy", Ty::Rational),
            ("SpatialFrequencyResponse", Ty::Struct),
            ("FocalPlaneXResolution", Ty::Rational),
            ("FocalPlaneYResolution", Ty::Rational),
            ("FocalPlaneResolutionUnit", Ty::Int),
            ("SubjectLocation", SEQ_I),
            ("ExposureIndex", Ty::Rational),
            ("SensingMethod", Ty::Int),
            ("FileSource", Ty::Int),
            ("SceneType", Ty::Int),
            ("CFAPattern", Ty::Struct),
            ("CustomRendered", Ty::Int),
            ("ExposureMode", Ty::Int),
            ("WhiteBalance", Ty::Int),
            ("DigitalZoomRatio", Ty::Rational),
            ("FocalLengthIn35mmFilm", Ty::Int),
            ("SceneCaptureType", Ty::Int),
            ("GainControl", Ty::Int),
            ("Contrast", Ty::Int),
            ("Saturation", Ty::Int),
            ("Sharpness", Ty::Int),
            ("DeviceSettingDescription", Ty::Struct),
            ("SubjectDistanceRange", Ty::Int),
            ("ImageUniqueID", T),
            ("GPSVersionID", T),
            ("GPSLatitude", T),
            ("GPSLongitude", T),
            ("GPSAltitudeRef", Ty::Int),
            ("GPSAltitude", Ty::Rational),
            ("GPSTimeStamp", Ty::Date),
            ("GPSSatellites", T),
            ("GPSStatus", T),
            ("GPSMeasureMode", T),
            ("GPSDOP", Ty::Rational),
            ("GPSSpeedRef", T),
            ("GPSSpeed", Ty::Rational),
            ("GPSTrackRef", T),
            ("GPSTrack", Ty::Rational),
            ("GPSImgDirectionRef", T),
            ("GPSImgDirection", Ty::Rational),
            ("GPSMapDatum", T),
            ("GPSDestLatitude", T),
            ("GPSDestLongitude", T),
            ("GPSDestBearingRef", T),
            ("GPSDestBearing", Ty::Rational),
            ("GPSDestDistanceRef", T),
            ("GPSDestDistance", Ty::Rational),
            ("GPSProcessingMethod", T),
            ("GPSAreaInformation", T),
            ("GPSDifferential", Ty::Int),
        ],
    ),
    (
        "http://ns.adobe.com/exif/1.0/aux/",
        &[("Lens", T), ("SerialNumber", T)],
    ),
    (
        "http://ns.adobe.com/camera-raw-settings/1.0/",
        &[
            ("AutoBrightness", Ty::Bool),
            ("AutoContrast", Ty::Bool),
            ("AutoExposure", Ty::Bool),
            ("AutoShadows", Ty::Bool),
            ("BlueHue", Ty::Int),
            ("BlueSaturation", Ty::Int),
            ("Brightness", Ty::Int),
            ("CameraProfile", T),
            ("ChromaticAberrationB", Ty::Int),
            ("ChromaticAberrationR", Ty::Int),
            ("ColorNoiseReduction", Ty::Int),
            ("Contrast", Ty::Int),
            ("CropTop", Ty::Real),
            ("CropLeft", Ty::Real),
            ("CropBottom", Ty::Real),
            ("CropRight", Ty::Real),
            ("CropAngle", Ty::Real),
            ("CropWidth", Ty::Real),
            ("CropHeight", Ty::Real),
            ("CropUnits", Ty::Int),
            ("Exposure", Ty::Real),
            ("GreenHue", Ty::Int),
            ("GreenSaturation", Ty::Int),
            ("HasCrop", Ty::Bool),
            ("HasSettings", Ty::Bool),
            ("LuminanceSmoothing", Ty::Int),
            ("RawFileName", T),
            ("RedHue", Ty::Int),
            ("RedSaturation", Ty::Int),
            ("Saturation", Ty::Int),
            ("Shadows", Ty::Int),
            ("ShadowTint", Ty::Int),
            ("Sharpness", Ty::Int),
            ("Temperature", Ty::Int),
            ("Tint", Ty::Int),
            ("ToneCurve", SEQ_T),
            ("ToneCurveName", T),
            ("Version", T),
            ("VignetteAmount", Ty::Int),
            ("VignetteMidpoint", Ty::Int),
            ("WhiteBalance", T),
        ],
    ),
    (
        PDFAID,
        &[
            ("part", Ty::Int),
            ("conformance", T),
            ("amd", T),
            ("corr", T),
        ],
    ),
    (EXT, &[("schemas", BAG_S)]),
];

fn is_int(s: &str) -> bool {
    let s = s.trim();
    let d = s.strip_prefix(['-', '+']).unwrap_or(s);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
}

fn is_real(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.parse::<f64>().is_ok() && !s.contains(['e', 'E', 'n', 'N', 'i'])
}

/// XMP Date (a subset of ISO 8601, XMP part 1 §8.2.1.1).
fn is_date(s: &str) -> bool {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
    };
    if !digits(0..4) {
        return false;
    }
    match b.len() {
        4 => return true,
        7 => return b[4] == b'-' && digits(5..7),
        10 => return b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => {}
    }
    if b.len() < 16
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || b[10] != b'T'
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
    {
        return false;
    }
    let mut i = 16;
    if b.get(i) == Some(&b':') {
        if !digits(i + 1..i + 3) {
            return false;
        }
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return false;
            }
            i += n;
        }
    }
    match b.get(i) {
        None => true,
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            b.len() == i + 6 && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

fn is_rational(s: &str) -> bool {
    s.trim()
        .split_once('/')
        .is_some_and(|(n, d)| is_int(n) && is_int(d))
}

fn type_ok(ty: Ty, v: &Val) -> bool {
    match (ty, v) {
        (Ty::Any, _) => true,
        (Ty::Text, Val::Simple(_)) => true,
        (Ty::Int, Val::Simple(s)) => is_int(s),
        (Ty::Real, Val::Simple(s)) => is_real(s),
        (Ty::Bool, Val::Simple(s)) => s.trim() == "True" || s.trim() == "False",
        (Ty::Date, Val::Simple(s)) => is_date(s),
        (Ty::Rational, Val::Simple(s)) => is_rational(s),
        (Ty::LangAlt, Val::Array("Alt", items, lang)) => *lang || items.is_empty(),
        (Ty::Struct, Val::Struct(_)) => true,
        (Ty::Bag(t), Val::Array("Bag", items, _))
        | (Ty::Seq(t), Val::Array("Seq", items, _))
        | (Ty::Alt(t), Val::Array("Alt", items, _)) => items.iter().all(|i| type_ok(*t, i)),
        _ => false,
    }
}

/// A type named by an extension schema's `pdfaProperty:valueType`.
fn ext_type(name: &str, own_types: &[String]) -> Option<Ty> {
    let base = |n: &str| -> Option<Ty> {
        Some(match n {
            "Text" | "AgentName" | "ProperName" | "MIMEType" | "Locale" | "URI" | "URL"
            | "XPath" | "RenditionClass" | "GPSCoordinate" | "Choice" | "Open Choice"
            | "Closed Choice" => T,
            "Integer" => Ty::Int,
            "Real" => Ty::Real,
            "Boolean" => Ty::Bool,
            "Date" => Ty::Date,
            "Rational" => Ty::Rational,
            "Lang Alt" => Ty::LangAlt,
            "Dimensions" | "Font" | "Colorant" | "Job" | "ResourceEvent" | "ResourceRef"
            | "Version" | "Thumbnail" | "Flash" | "OECF/SFR" | "CFAPattern" | "DeviceSettings"
            | "Marker" | "Media" | "ProjectLink" | "Time" | "Timecode" | "beatSpliceStretch"
            | "resampleStretch" | "timeScaleStretch" => Ty::Struct,
            _ if own_types.iter().any(|t| t == n) => Ty::Struct,
            _ if n.starts_with("Closed Choice of ") || n.starts_with("Open Choice of ") => Ty::Any,
            _ => return None,
        })
    };
    let n = name.trim();
    for (prefix, wrap) in [("Bag ", 0), ("Seq ", 1), ("Alt ", 2)] {
        if let Some(inner) = n.strip_prefix(prefix) {
            let t = base(inner.trim())?;
            // Leaked once per distinct type name at most: the set of base types is small.
            let leaked: &'static Ty = match t {
                Ty::Text => &Ty::Text,
                Ty::Int => &Ty::Int,
                Ty::Real => &Ty::Real,
                Ty::Bool => &Ty::Bool,
                Ty::Date => &Ty::Date,
                Ty::Rational => &Ty::Rational,
                Ty::LangAlt => &Ty::LangAlt,
                Ty::Struct => &Ty::Struct,
                _ => &Ty::Any,
            };
            return Some(match wrap {
                0 => Ty::Bag(leaked),
                1 => Ty::Seq(leaked),
                _ => Ty::Alt(leaked),
            });
        }
    }
    base(n)
}

/// A declared extension schema: namespace → property name → value type.
type Declared = HashMap<String, HashMap<String, Option<Ty>>>;

fn struct_field<'v>(fields: &'v [(String, String, Val)], ns: &str, name: &str) -> Option<&'v Val> {
    fields
        .iter()
        .find(|(n, l, _)| n == ns && l == name)
        .map(|(_, _, v)| v)
}

/// §6.6.2.3.2-3: the pdfaExtension:schemas description and what it declares.
fn read_extension_schemas(
    cx: &mut Checker<'_>,
    props: &[(String, String, Val)],
    num: Option<u32>,
) -> Declared {
    let mut out: Declared = HashMap::new();
    for (ns, name, v) in props {
        if ns != EXT || name != "schemas" {
            continue;
        }
        let Val::Array("Bag", schemas, _) = v else {
            cx.fail(
                RuleId::XmpSchemas,
                None,
                num,
                "pdfaExtension:schemas không phải Bag / pdfaExtension:schemas is not a Bag",
            );
            continue;
        };
        for s in schemas {
            let Val::Struct(f) = s else {
                cx.fail(
                    RuleId::XmpSchemas,
                    None,
                    num,
                    "lược đồ mở rộng không phải cấu trúc / an extension schema is not a structure",
                );
                continue;
            };
            let mut bad = f.iter().any(|(n, l, _)| {
                n != EXT_SCHEMA
                    || !matches!(
                        l.as_str(),
                        "schema" | "namespaceURI" | "prefix" | "property" | "valueType"
                    )
            });
            let uri = match struct_field(f, EXT_SCHEMA, "namespaceURI") {
                Some(Val::Simple(u)) => u.clone(),
                _ => {
                    bad = true;
                    String::new()
                }
            };
            if !matches!(struct_field(f, EXT_SCHEMA, "prefix"), Some(Val::Simple(_)))
                || !matches!(struct_field(f, EXT_SCHEMA, "schema"), Some(Val::Simple(_)))
            {
                bad = true;
            }
            let mut own_types = Vec::new();
            if let Some(vt) = struct_field(f, EXT_SCHEMA, "valueType") {
                match vt {
                    Val::Array("Seq", types, _) => {
                        for t in types {
                            let Val::Struct(tf) = t else {
                                bad = true;
                                continue;
                            };
                            if tf.iter().any(|(n, l, _)| {
                                n != EXT_TYPE
                                    || !matches!(
                                        l.as_str(),
                                        "type"
                                            | "namespaceURI"
                                            | "prefix"
                                            | "description"
                                            | "field"
                                    )
                            }) {
                                bad = true;
                            }
                            match struct_field(tf, EXT_TYPE, "type") {
                                Some(Val::Simple(n)) => own_types.push(n.clone()),
                                _ => bad = true,
                            }
                            for k in ["namespaceURI", "prefix", "description"] {
                                if !matches!(struct_field(tf, EXT_TYPE, k), Some(Val::Simple(_))) {
                                    bad = true;
                                }
                            }
                            if let Some(fields) = struct_field(tf, EXT_TYPE, "field") {
                                match fields {
                                    Val::Array("Seq", fs, _) => {
                                        for fd in fs {
                                            let Val::Struct(ff) = fd else {
                                                bad = true;
                                                continue;
                                            };
                                            if ff.iter().any(|(n, l, _)| {
                                                n != EXT_FIELD
                                                    || !matches!(
                                                        l.as_str(),
                                                        "name" | "valueType" | "description"
                                                    )
                                            }) {
                                                bad = true;
                                            }
                                            for k in ["name", "valueType", "description"] {
                                                if !matches!(
                                                    struct_field(ff, EXT_FIELD, k),
                                                    Some(Val::Simple(_))
                                                ) {
                                                    bad = true;
                                                }
                                            }
                                        }
                                    }
                                    _ => bad = true,
                                }
                            }
                        }
                    }
                    _ => bad = true,
                }
            }
            let mut declared = HashMap::new();
            match struct_field(f, EXT_SCHEMA, "property") {
                Some(Val::Array("Seq", ps, _)) => {
                    for p in ps {
                        let Val::Struct(pf) = p else {
                            bad = true;
                            continue;
                        };
                        if pf.iter().any(|(n, l, _)| {
                            n != EXT_PROPERTY
                                || !matches!(
                                    l.as_str(),
                                    "name" | "valueType" | "category" | "description"
                                )
                        }) {
                            bad = true;
                        }
                        let name = match struct_field(pf, EXT_PROPERTY, "name") {
                            Some(Val::Simple(n)) => n.clone(),
                            _ => {
                                bad = true;
                                continue;
                            }
                        };
                        let ty = match struct_field(pf, EXT_PROPERTY, "valueType") {
                            Some(Val::Simple(t)) => {
                                let t = ext_type(t, &own_types);
                                if t.is_none() {
                                    bad = true;
                                }
                                t
                            }
                            _ => {
                                bad = true;
                                None
                            }
                        };
                        match struct_field(pf, EXT_PROPERTY, "category") {
                            Some(Val::Simple(c)) if c == "internal" || c == "external" => {}
                            _ => bad = true,
                        }
                        if !matches!(
                            struct_field(pf, EXT_PROPERTY, "description"),
                            Some(Val::Simple(_))
                        ) {
                            bad = true;
                        }
                        declared.insert(name, ty);
                    }
                }
                None => {}
                Some(_) => bad = true,
            }
            if bad {
                cx.fail(RuleId::XmpSchemas, None, num, format!("lược đồ mở rộng {uri} sai cấu trúc / the extension schema {uri} is malformed"));
            }
            out.entry(uri).or_default().extend(declared);
        }
    }
    out
}

fn check_schemas(
    cx: &mut Checker<'_>,
    _root: &El,
    props: &[(String, String, Val)],
    num: Option<u32>,
) {
    let declared = read_extension_schemas(cx, props, num);
    for (ns, name, v) in props {
        if let Some((_, list)) = PREDEFINED.iter().find(|(u, _)| u == ns) {
            match list.iter().find(|(n, _)| n == name) {
                Some((_, ty)) => {
                    if !type_ok(*ty, v) {
                        cx.fail(RuleId::XmpSchemas, None, num, format!("thuộc tính {name} ({ns}) sai kiểu giá trị / property {name} ({ns}) has the wrong value type"));
                    }
                }
                None if declared.get(ns).is_some_and(|d| d.contains_key(name)) => {}
                None => cx.fail(RuleId::XmpSchemas, None, num, format!("thuộc tính {name} không có trong lược đồ {ns} / property {name} is not in schema {ns}")),
            }
            continue;
        }
        match declared.get(ns).and_then(|d| d.get(name)) {
            Some(Some(ty)) => {
                if !type_ok(*ty, v) {
                    cx.fail(RuleId::XmpSchemas, None, num, format!("thuộc tính {name} ({ns}) sai kiểu khai báo / property {name} ({ns}) does not match its declared type"));
                }
            }
            Some(None) => {}
            None => cx.fail(RuleId::XmpSchemas, None, num, format!("thuộc tính {name} ({ns}) không thuộc lược đồ định sẵn hay mở rộng / property {name} ({ns}) is in no predefined or extension schema")),
        }
    }
    let _ = show;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_namespaces_remember_their_prefixes() {
        let x = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:id="http://www.aiim.org/pdfa/ns/id/" id:part="2"/></rdf:RDF></x:xmpmeta>"#;
        let root = parse_xml(x).unwrap();
        assert_eq!(
            root.reserved_prefixes,
            vec![(PDFAID.to_owned(), "id".to_owned())]
        );
    }

    #[test]
    fn dates_and_numbers() {
        for d in [
            "2016",
            "2016-02",
            "2016-02-01",
            "2016-02-01T13:19+01:00",
            "2016-02-01T13:19:21.5Z",
            "2016-02-01T13:19:21",
        ] {
            assert!(is_date(d), "{d}");
        }
        for d in ["16-02-01", "2016-02-01T13", "2016/02/01", "yesterday"] {
            assert!(!is_date(d), "{d}");
        }
        assert!(is_int("-12") && !is_int("1.5"));
        assert!(is_rational("72/1") && !is_rational("72"));
    }

    #[test]
    fn xmp_properties_are_read_in_all_rdf_forms() {
        let x = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" pdfaid:part="2"><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">T</rdf:li></rdf:Alt></dc:title></rdf:Description>
</rdf:RDF></x:xmpmeta>"#;
        let root = parse_xml(x).unwrap();
        let props = properties(rdf_root(&root).unwrap());
        assert_eq!(simple(&props, PDFAID, "part"), Some("2"));
        assert_eq!(simple(&props, PDFAID, "conformance"), Some("B"));
        let title = props.iter().find(|p| p.1 == "title").unwrap();
        assert!(type_ok(Ty::LangAlt, &title.2));
        assert!(parse_xml(b"<a><b></a>").is_err());
    }
}
