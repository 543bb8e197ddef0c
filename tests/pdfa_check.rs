//! `hoso check` (hoso_pdf::pdfa) against known verdicts: a conforming base file written by hoso,
//! hand-made files that each break one rule (made here by incremental updates of the base, at
//! least two per rule family) with the ISO 19005 clause that must be named, conforming files
//! from other tools (Ghostscript's PDF/A-2 output with its sRGB profile), and the imported
//! cairo/LibreOffice-style page of fixtures/cong_van_1page.pdf before and after hoso repairs it.

use std::path::Path;

use hoso_e2e::*;
use hoso_pdf::font::{Font, FontSubset};
use hoso_pdf::pdfa::{self, Level};
use hoso_pdf::read::{object::write_object, Dict, Object, PdfFile};
use hoso_pdf::{DocumentInfo, DossierWriter, ObjectSink};

fn info() -> DocumentInfo {
    DocumentInfo {
        title: "Kiểm tra PDF/A".into(),
        author: Some("hoso".into()),
        subject: None,
        keywords: None,
        creator_tool: "hoso tests".into(),
        producer: "hoso-pdf".into(),
        language: "vi".into(),
        created: time::OffsetDateTime::UNIX_EPOCH,
    }
}

/// A PDF/A-2b page by hoso: DeviceRGB fill (allowed under the sRGB intent) and embedded text.
fn base_pdf() -> Vec<u8> {
    let font = Font::tinos();
    let mut subset = FontSubset::new(&font);
    let text = subset.encode("Hồ sơ số").expect("Tinos has these glyphs");
    let mut w = DossierWriter::new(Vec::new()).expect("writer");
    let font_ref = subset
        .write(&mut w as &mut dyn ObjectSink)
        .expect("font written");
    let mut content = b"q 0 0 1 rg 72 72 100 100 re f BT /F1 24 Tf 72 700 Td <".to_vec();
    for b in &text {
        content.extend(format!("{b:02X}").as_bytes());
    }
    content.extend(b"> Tj ET Q");
    w.add_content_page(595.0, 842.0, &content, &[("F1", font_ref)])
        .expect("page");
    w.finish(&info(), None).expect("finish")
}

/// An incremental update of `base` replacing or adding `objects`, with `trailer_extra`; the
/// trailer keeps /Root and /ID unless `drop_id`.
fn update(base: &[u8], objects: &[(u32, Vec<u8>)], drop_id: bool) -> Vec<u8> {
    let file = PdfFile::open(base.to_vec()).expect("base opens");
    let trailer = file.trailer().clone();
    let prev = file.startxref();
    let mut out = base.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets = Vec::new();
    for (num, body) in objects {
        offsets.push((*num, out.len()));
        out.extend(format!("{num} 0 obj\n").as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(b"xref\n");
    offsets.sort();
    for (num, off) in &offsets {
        out.extend(format!("{num} 1\n{off:010} 00000 n\r\n").as_bytes());
    }
    let size = offsets
        .iter()
        .map(|o| o.0 + 1)
        .max()
        .unwrap_or(0)
        .max(file.size());
    let mut t = Dict::new();
    t.set("Size", Object::Integer(i64::from(size)));
    t.set("Root", trailer.get("Root").expect("root").clone());
    if let Some(i) = trailer.get("Info") {
        t.set("Info", i.clone());
    }
    if !drop_id {
        if let Some(id) = trailer.get("ID") {
            t.set("ID", id.clone());
        }
    }
    t.set("Prev", Object::Integer(prev as i64));
    out.extend(b"trailer\n");
    write_object(&mut out, &Object::Dict(t));
    out.extend(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

struct Base {
    data: Vec<u8>,
    catalog: (u32, Dict),
    page: (u32, Dict),
    size: u32,
}

fn base() -> Base {
    let data = base_pdf();
    let file = PdfFile::open(data.clone()).expect("opens");
    let root = file.catalog_ref().expect("root");
    let catalog = file
        .get(root)
        .expect("catalog")
        .as_dict()
        .expect("dict")
        .clone();
    let (pr, page) = file.first_page().expect("page");
    let size = file.size();
    Base {
        data,
        catalog: (root.num, catalog),
        page: (pr.num, page),
        size,
    }
}

fn ser(d: &Dict) -> Vec<u8> {
    let mut v = Vec::new();
    write_object(&mut v, &Object::Dict(d.clone()));
    v
}

fn raw(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut v = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    v.extend(data);
    v.extend(b"\nendstream");
    v
}

impl Base {
    /// The page with `key` set to `value` (raw PDF syntax objects appended as new numbers).
    fn with_page(&self, edit: impl FnOnce(&mut Dict, u32) -> Vec<(u32, Vec<u8>)>) -> Vec<u8> {
        let mut page = self.page.1.clone();
        let mut objs = edit(&mut page, self.size);
        objs.push((self.page.0, ser(&page)));
        update(&self.data, &objs, false)
    }
    fn with_catalog(&self, edit: impl FnOnce(&mut Dict, u32) -> Vec<(u32, Vec<u8>)>) -> Vec<u8> {
        let mut cat = self.catalog.1.clone();
        let mut objs = edit(&mut cat, self.size);
        objs.push((self.catalog.0, ser(&cat)));
        update(&self.data, &objs, false)
    }
    /// Adds a content stream drawing `ops` after the page's own.
    fn with_content(&self, ops: &str, resources: Option<&str>) -> Vec<u8> {
        self.with_page(|p, n| {
            let old = p.get("Contents").cloned().expect("contents");
            p.set(
                "Contents",
                Object::Array(vec![old, Object::Ref(hoso_pdf::read::ObjRef::new(n))]),
            );
            let mut objs = vec![(n, stream("", ops.as_bytes()))];
            if let Some(r) = resources {
                p.set("Resources", Object::Ref(hoso_pdf::read::ObjRef::new(n + 1)));
                objs.push((n + 1, raw(r)));
            }
            objs
        })
    }
    fn with_annotation(&self, annot: &str) -> Vec<u8> {
        self.with_page(|p, n| {
            p.set(
                "Annots",
                Object::Array(vec![Object::Ref(hoso_pdf::read::ObjRef::new(n))]),
            );
            vec![(n, raw(annot))]
        })
    }
}

fn check(data: &[u8], level: Option<&str>) -> pdfa::Report {
    pdfa::check(data, level.map(|l| Level::parse(l).expect("level"))).expect("readable")
}

fn assert_fails_with(name: &str, data: &[u8], level: Option<&str>, clause: &str) {
    let r = match pdfa::check(data, level.map(|l| Level::parse(l).expect("level"))) {
        Ok(r) => r,
        // A file whose structure is too broken to open fails the structure rules (exit 2).
        Err(e) => {
            assert!(
                clause.starts_with("6.1."),
                "{name}: unreadable ({e}), expected §{clause}"
            );
            return;
        }
    };
    let clauses: Vec<&str> = r.findings.iter().map(|f| f.clause).collect();
    assert!(
        clauses.contains(&clause),
        "{name}: expected a failure of §{clause}, got {:#?}",
        r.findings
    );
}

fn page_resources(b: &Base) -> String {
    // The base page's resources with one extra entry, as raw syntax for a new object.
    let mut v = Vec::new();
    let res = b.page.1.get("Resources").expect("resources").clone();
    write_object(&mut v, &res);
    String::from_utf8(v).expect("ascii")
}

#[test]
fn hoso_output_conforms() {
    let b = base();
    let r = check(&b.data, None);
    assert!(r.is_conforming(), "{:#?}", r.findings);
    assert_eq!(r.declared.map(|l| l.to_string()), Some("PDF/A-2b".into()));
    // At level U too: the Tinos subset carries a ToUnicode map.
    let r = check(&b.data, Some("2u"));
    assert!(r.is_conforming(), "{:#?}", r.findings);
}

#[test]
fn file_structure_violations_are_named() {
    let b = base();
    let mut header = b.data.clone();
    header[5..8].copy_from_slice(b"2.0");
    assert_fails_with("header", &header, None, "6.1.2");
    let mut binary = b.data.clone();
    let at = binary.iter().position(|&c| c == b'\n').expect("eol") + 2;
    binary[at..at + 4].copy_from_slice(b"abcd");
    assert_fails_with("binary comment", &binary, None, "6.1.2");
    let mut tail = b.data.clone();
    tail.extend(b"garbage after the end\n");
    assert_fails_with("data after EOF", &tail, None, "6.1.3");
    let no_id = update(&b.data, &[], true);
    assert_fails_with("no ID", &no_id, None, "6.1.3");
    let odd_hex = b.with_page(|p, _| {
        p.set("Foo", Object::Integer(1));
        Vec::new()
    });
    let odd_hex = String::from_utf8_lossy(&odd_hex).replacen("/Foo 1", "/Foo <ABC>", 1);
    assert_fails_with("odd hex string", odd_hex.as_bytes(), None, "6.1.6");
    let lzw = b.with_content("q Q", None);
    let lzw = String::from_utf8_lossy(&lzw).into_owned();
    let lzw = lzw.replacen("<< /Length 3 >>", "<< /Filter /LZWDecode /Length 3 >>", 1);
    assert_fails_with("LZW", lzw.as_bytes(), None, "6.1.7.2");
    let bad_len = String::from_utf8_lossy(&b.with_content("q Q", None)).replacen(
        "/Length 3 >>",
        "/Length 9 >>",
        1,
    );
    assert_fails_with("stream length", bad_len.as_bytes(), None, "6.1.7.1");
}

#[test]
fn metadata_violations_are_named() {
    let b = base();
    let no_meta = b.with_catalog(|c, _| {
        c.remove("Metadata");
        Vec::new()
    });
    assert_fails_with("no metadata", &no_meta, None, "6.6.2.1");
    let xmp = |body: &str| {
        format!("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" pdfaid:part=\"2\" pdfaid:conformance=\"B\"/>{body}</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>")
    };
    let with_xmp = |x: String| {
        b.with_catalog(|c, n| {
            c.set("Metadata", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
            vec![(n, stream("/Type /Metadata /Subtype /XML", x.as_bytes()))]
        })
    };
    assert!(
        check(&with_xmp(xmp("")), None).is_conforming(),
        "minimal XMP conforms"
    );
    let unknown = with_xmp(xmp(
        "<rdf:Description rdf:about=\"\" xmlns:my=\"http://example.invalid/my/\" my:thing=\"x\"/>",
    ));
    assert_fails_with("undeclared schema", &unknown, None, "6.6.2.3");
    let wrong_type = with_xmp(xmp("<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmp:CreateDate=\"yesterday\"/>"));
    assert_fails_with("wrong value type", &wrong_type, None, "6.6.2.3");
    let broken = with_xmp(xmp("<rdf:Description>"));
    assert_fails_with("malformed XML", &broken, None, "6.6.2.1");
    let part3 = with_xmp(xmp("").replace("pdfaid:part=\"2\"", "pdfaid:part=\"3\""));
    assert_fails_with("declared part differs", &part3, Some("2b"), "6.6.4");
    let prefix = with_xmp(
        xmp("")
            .replace("xmlns:pdfaid=", "xmlns:id=")
            .replace("pdfaid:part", "id:part")
            .replace("pdfaid:conformance", "id:conformance"),
    );
    assert_fails_with("pdfaid written with another prefix", &prefix, None, "6.6.4");
    let schema_prefix = with_xmp(xmp("<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" xmlns:s=\"http://www.aiim.org/pdfa/ns/schema#\"><pdfaExtension:schemas><rdf:Bag/></pdfaExtension:schemas></rdf:Description><rdf:Description rdf:about=\"\" xmlns:s=\"http://www.aiim.org/pdfa/ns/schema#\" s:schema=\"x\"/>"));
    assert_fails_with("extension schema prefix", &schema_prefix, None, "6.6.2.3");
}

/// Info ⇔ XMP: ISO 19005-1 §6.7.3 requires it; ISO 19005-2/-3 do not (no clause of §6.6 ties the
/// Info dictionary to XMP; veraPDF's 2b/3b profiles have no such rule), so a title that differs
/// fails at 1b and passes at 2b and 2u.
#[test]
fn info_must_match_xmp_in_part_1_only() {
    let b = base();
    let info_ref = {
        let file = PdfFile::open(b.data.clone()).expect("opens");
        file.trailer()
            .get("Info")
            .and_then(Object::as_ref)
            .expect("hoso writes /Info")
    };
    let other_title = update(
        &b.data,
        &[(
            info_ref.num,
            raw("<< /Title (Another title) /Producer (hoso-pdf) >>"),
        )],
        false,
    );
    assert_fails_with("Info title differs (1b)", &other_title, Some("1b"), "6.7.3");
    for level in [None, Some("2b"), Some("2u")] {
        let r = check(&other_title, level);
        assert!(
            r.is_conforming(),
            "{level:?}: Info need not match XMP: {:#?}",
            r.findings
        );
    }
    // The same file with Info as XMP says it is not reported at 1b.
    let r = check(&b.data, Some("1b"));
    assert!(
        !r.findings.iter().any(|f| f.clause == "6.7.3"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn colour_violations_are_named() {
    let b = base();
    let cmyk = b.with_content("0 0 0 1 k 0 0 10 10 re f", None);
    assert_fails_with("DeviceCMYK under sRGB", &cmyk, None, "6.2.4.3");
    let no_intent = b.with_catalog(|c, _| {
        c.remove("OutputIntents");
        Vec::new()
    });
    assert_fails_with("DeviceRGB without intent", &no_intent, None, "6.2.4.3");
    let intent = b.with_catalog(|c, n| {
        c.set(
            "OutputIntents",
            Object::Array(vec![Object::Ref(hoso_pdf::read::ObjRef::new(n))]),
        );
        vec![(
            n,
            raw("<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (x) >>"),
        )]
    });
    assert_fails_with("intent without profile", &intent, None, "6.2.3");
    let ri = b.with_content("/Foo ri", None);
    assert_fails_with("rendering intent", &ri, None, "6.2.6");

    // Spot colours (§6.2.4.4): one name, one alternate and tint transform; DeviceN spot
    // colorants listed in /Colorants.
    let red = "<< /FunctionType 2 /Domain [0 1] /C0 [1 1 1] /C1 [1 0 0] /N 1 >>";
    let green = "<< /FunctionType 2 /Domain [0 1] /C0 [1 1 1] /C1 [0 1 0] /N 1 >>";
    let spaces = |entries: String| {
        let res = page_resources(&b).replacen("<<", &format!("<< /ColorSpace << {entries} >>"), 1);
        b.with_content(
            "/CS0 cs 1 sc 0 0 5 5 re f /CS1 cs 1 sc 5 5 5 5 re f",
            Some(&res),
        )
    };
    let two_golds = spaces(format!(
        "/CS0 [/Separation /Gold /DeviceRGB {red}] /CS1 [/Separation /Gold /DeviceRGB {green}]"
    ));
    assert_fails_with(
        "one colorant, two tint transforms",
        &two_golds,
        None,
        "6.2.4.4",
    );
    let bare_devicen = spaces(format!(
        "/CS0 [/Separation /Gold /DeviceRGB {red}] /CS1 [/DeviceN [/Gold] /DeviceRGB {red}]"
    ));
    assert_fails_with(
        "DeviceN spot colorant without /Colorants",
        &bare_devicen,
        None,
        "6.2.4.4",
    );
    let listed = spaces(format!(
        "/CS0 [/Separation /Gold /DeviceRGB {red}] /CS1 [/DeviceN [/Gold] /DeviceRGB {red} << /Colorants << /Gold [/Separation /Gold /DeviceRGB {red}] >> >>]"
    ));
    let r = check(&listed, None);
    assert!(
        r.is_conforming(),
        "consistent spot colours: {:#?}",
        r.findings
    );
}

#[test]
fn font_violations_are_named() {
    let b = base();
    let res = page_resources(&b).replacen("/Font <<", "/Font << /H 999 0 R", 1);
    let unembedded = b.with_page(|p, n| {
        let old = p.get("Contents").cloned().expect("contents");
        p.set("Contents", Object::Array(vec![old, Object::Ref(hoso_pdf::read::ObjRef::new(n))]));
        p.set("Resources", Object::Ref(hoso_pdf::read::ObjRef::new(n + 1)));
        vec![
            (n, stream("", b"BT /H 12 Tf (A) Tj ET")),
            (n + 1, raw(&res)),
            (999, raw("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")),
        ]
    });
    assert_fails_with("font not embedded", &unembedded, None, "6.2.11.4.1");
    // The imported page as cairo wrote it: CIDFontType2 without /CIDToGIDMap.
    let original = std::fs::read(fixture("cong_van_1page.pdf")).expect("fixture");
    assert_fails_with("cairo CIDFont", &original, Some("2b"), "6.2.11.3.2");
    // Widths: change the descendant font's /W to disagree with the program.
    let file = PdfFile::open(b.data.clone()).expect("opens");
    let cid_num = (1..file.size())
        .find(|&n| {
            file.get(hoso_pdf::read::ObjRef::new(n))
                .ok()
                .and_then(|o| {
                    o.as_dict()
                        .map(|d| d.name("Subtype") == Some(b"CIDFontType2"))
                })
                .unwrap_or(false)
        })
        .expect("a CIDFontType2");
    let mut cid = file
        .get(hoso_pdf::read::ObjRef::new(cid_num))
        .expect("cid")
        .as_dict()
        .expect("dict")
        .clone();
    cid.set(
        "W",
        Object::Array(vec![
            Object::Integer(0),
            Object::Array((0..40).map(|_| Object::Integer(100)).collect()),
        ]),
    );
    cid.remove("DW");
    let widths = update(&b.data, &[(cid_num, ser(&cid))], false);
    assert_fails_with("widths", &widths, None, "6.2.11.5");
    cid.remove("CIDToGIDMap");
    let no_map = update(&b.data, &[(cid_num, ser(&cid))], false);
    assert_fails_with("no CIDToGIDMap", &no_map, None, "6.2.11.3.2");
}

#[test]
fn graphics_and_transparency_violations_are_named() {
    let b = base();
    let gs = |entry: &str| {
        let res =
            page_resources(&b).replacen("<<", &format!("<< /ExtGState << /G0 << {entry} >> >>"), 1);
        b.with_content("/G0 gs", Some(&res))
    };
    assert_fails_with("blend mode", &gs("/BM /Dissolve"), None, "6.2.10");
    assert_fails_with("transfer function", &gs("/TR /Identity"), None, "6.2.5");
    // Part 1 forbids transparency altogether.
    assert_fails_with(
        "constant alpha in part 1",
        &gs("/ca 0.5"),
        Some("1b"),
        "6.4",
    );
    assert_fails_with(
        "soft mask in part 1",
        &gs("/SMask << /S /Luminosity /G 1 0 R >>"),
        Some("1b"),
        "6.4",
    );
}

#[test]
fn annotation_violations_are_named() {
    let b = base();
    let ap = "/AP << /N 998 0 R >>";
    let no_print = b.with_annotation(&format!(
        "<< /Type /Annot /Subtype /Square /Rect [0 0 10 10] {ap} >>"
    ));
    assert_fails_with("no print flag", &no_print, None, "6.3.2");
    let no_ap = b.with_annotation("<< /Type /Annot /Subtype /Square /Rect [0 0 10 10] /F 4 >>");
    assert_fails_with("no appearance", &no_ap, None, "6.3.3");
    let movie = b.with_annotation("<< /Type /Annot /Subtype /Movie /Rect [0 0 10 10] /F 4 >>");
    assert_fails_with("movie annotation", &movie, None, "6.3.1");
}

#[test]
fn action_form_and_optional_content_violations_are_named() {
    let b = base();
    let js = b.with_catalog(|c, n| {
        c.set("OpenAction", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
        vec![(
            n,
            raw("<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"),
        )]
    });
    assert_fails_with("JavaScript", &js, None, "6.5.1");
    let launch = b.with_annotation("<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /F 4 /A << /S /Launch /F (calc.exe) >> >>");
    assert_fails_with("Launch", &launch, None, "6.5.1");
    let aa = b.with_page(|p, _| {
        p.set("AA", Object::Dict(Dict::new()));
        Vec::new()
    });
    assert_fails_with("page AA", &aa, None, "6.5.2");
    let need = b.with_catalog(|c, n| {
        c.set("AcroForm", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
        vec![(n, raw("<< /Fields [] /NeedAppearances true >>"))]
    });
    assert_fails_with("NeedAppearances", &need, None, "6.4.1");
    let xfa = b.with_catalog(|c, n| {
        c.set("AcroForm", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
        vec![(n, raw("<< /Fields [] /XFA (x) >>"))]
    });
    assert_fails_with("XFA", &xfa, None, "6.4.2");
    let oc = b.with_catalog(|c, n| {
        c.set("OCProperties", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
        vec![(n, raw("<< /OCGs [] /D << /Order [] >> >>"))]
    });
    assert_fails_with("OC config without name", &oc, None, "6.9");
    assert_fails_with("OC in part 1", &oc, Some("1b"), "6.1.13");
}

#[test]
fn embedded_file_and_signature_violations_are_named() {
    let b = base();
    let attach = |spec: &str| {
        b.with_catalog(|c, n| {
            c.set("Names", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
            vec![
                (
                    n,
                    raw(&format!(
                        "<< /EmbeddedFiles << /Names [(a.txt) {} 0 R] >> >>",
                        n + 1
                    )),
                ),
                (n + 1, raw(spec)),
                (
                    n + 2,
                    stream("/Type /EmbeddedFile /Subtype /text#2Fplain", b"hello"),
                ),
            ]
        })
    };
    let spec = format!(
        "<< /Type /Filespec /F (a.txt) /UF (a.txt) /EF << /F {} 0 R >> >>",
        b.size + 2
    );
    let plain = attach(&spec);
    assert_fails_with("non-PDF/A file in part 2", &plain, Some("2b"), "6.8");
    assert_fails_with(
        "no AFRelationship or /AF in part 3",
        &plain,
        Some("3b"),
        "6.8",
    );
    let perms = b.with_catalog(|c, _| {
        let mut p = Dict::new();
        p.set("Foo", Object::Null);
        c.set("Perms", Object::Dict(p));
        Vec::new()
    });
    assert_fails_with("Perms", &perms, None, "6.1.12");
    let sig = b.with_catalog(|c, n| {
        c.set("AcroForm", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
        vec![
            (n, raw(&format!("<< /Fields [{} 0 R] /SigFlags 3 >>", n + 1))),
            (n + 1, raw(&format!("<< /FT /Sig /T (S) /V {} 0 R >>", n + 2))),
            (n + 2, raw("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <00> >>")),
        ]
    });
    assert_fails_with("ByteRange", &sig, None, "6.4.3");
}

/// Rules added after a run over the veraPDF corpus: each breaks one requirement that passed
/// unnoticed before, and the untouched base file still conforms (checked in
/// `hoso_output_conforms`).
#[test]
fn limits_operators_widget_actions_and_docmdp_references_are_named() {
    let b = base();
    let unknown = b.with_content("q 1 0 0 1 0 0 cm BX 1 2 hoso_op EX Q", None);
    assert_fails_with("operator between BX/EX", &unknown, None, "6.2.2");
    assert_fails_with("operator in part 1", &unknown, Some("1b"), "6.2.10");
    let interpolated = b.with_content(
        "q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /RGB /BPC 8 /I true ID \x00\x00\x00 EI Q",
        None,
    );
    assert_fails_with("inline image /I true", &interpolated, None, "6.2.8");
    let known = b.with_content("q 1 0 0 1 0 0 cm BX EX 0 0 m 10 10 l S Q", None);
    let r = check(&known, None);
    assert!(r.is_conforming(), "standard operators: {:#?}", r.findings);

    let widget = b.with_annotation(
        "<< /Type /Annot /Subtype /Widget /FT /Btn /T (b) /Rect [0 0 10 10] /F 4 /AP << /N << >> >> /A << /S /GoTo /D [0 /Fit] >> >>",
    );
    assert_fails_with("widget /A", &widget, None, "6.4.1");

    for (name, bx) in [("tiny", "[0 0 2 500]"), ("huge", "[0 0 595 14401]")] {
        let page = b.with_page(|p, _| {
            p.set(
                "CropBox",
                Object::Array(
                    bx.trim_matches(['[', ']'])
                        .split(' ')
                        .map(|n| Object::Integer(n.parse().expect("number")))
                        .collect(),
                ),
            );
            Vec::new()
        });
        assert_fails_with(name, &page, None, "6.1.13");
    }

    let docmdp = b.with_catalog(|c, n| {
        let mut p = Dict::new();
        p.set("DocMDP", Object::Ref(hoso_pdf::read::ObjRef::new(n)));
        c.set("Perms", Object::Dict(p));
        vec![(
            n,
            raw("<< /Type /Sig /Reference [<< /Type /SigRef /TransformMethod /DocMDP /DigestMethod /MD5 >>] >>"),
        )]
    });
    assert_fails_with("DocMDP reference digest", &docmdp, None, "6.1.12");

    // The same 15 header bytes with a blank line before the binary comment.
    let mut blank = b.data.clone();
    assert!(blank.starts_with(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"));
    blank[..15].copy_from_slice(b"%PDF-1.7\n\n%\xE2\xE3\xCF\xD3");
    assert_fails_with(
        "blank line before the binary comment",
        &blank,
        None,
        "6.1.2",
    );
    let no_id = update(&b.data, &[], true);
    let at = no_id
        .windows(10)
        .rposition(|w| w == b"trailer\n<<")
        .expect("the update's trailer")
        + 10;
    let mut empty_id = no_id[..at].to_vec();
    empty_id.extend(b" /ID [<> <>]");
    empty_id.extend(&no_id[at..]);
    assert_fails_with("empty /ID strings", &empty_id, None, "6.1.3");
}

/// Ghostscript's PDF/A-2 output, with the sRGB profile Debian ships and a PDFA_def.ps.
#[test]
fn ghostscript_pdfa2_output_conforms() {
    let dir = tempfile::tempdir().expect("tmp");
    let icc = Path::new("/usr/share/color/icc/ghostscript/srgb.icc");
    assert!(
        icc.is_file(),
        "install ghostscript: sudo apt-get install -y ghostscript"
    );
    let def = dir.path().join("PDFA_def.ps");
    std::fs::write(
        &def,
        format!(
            "/ICCProfile ({}) def\n[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark\n[{{icc_PDFA}} << /N 3 >> /PUT pdfmark\n[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark\n[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark\n[{{OutputIntent_PDFA}} << /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {{icc_PDFA}} /OutputConditionIdentifier (sRGB) >> /PUT pdfmark\n[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark\n",
            icc.display()
        ),
    )
    .expect("def");
    let ps = dir.path().join("in.ps");
    std::fs::write(&ps, "%!PS\n/Times-Roman findfont 24 scalefont setfont 72 700 moveto (Ho so so) show\n0 0 1 setrgbcolor 72 72 100 100 rectfill showpage\n").expect("ps");
    let out = dir.path().join("gs.pdf");
    let o = tool("gs", "ghostscript")
        .args([
            "-dNOSAFER",
            "-dPDFA=2",
            "-dBATCH",
            "-dNOPAUSE",
            "-dQUIET",
            "-sDEVICE=pdfwrite",
            "-sColorConversionStrategy=RGB",
            "-dPDFACompatibilityPolicy=1",
        ])
        .arg(format!("-sOutputFile={}", out.display()))
        .arg(&def)
        .arg(&ps)
        .output()
        .expect("gs runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = pdfa::check_file(&out, None).expect("readable");
    assert!(r.is_conforming(), "Ghostscript PDF/A-2b: {:#?}", r.findings);
}

/// Reads a binary PPM (P6) as (width, height, RGB bytes).
fn read_ppm(path: &Path) -> (usize, usize, Vec<u8>) {
    let data = std::fs::read(path).expect("ppm");
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while data[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !data[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h) = (fields[1].parse().expect("w"), fields[2].parse().expect("h"));
    (w, h, data[i + 1..].to_vec())
}

fn render_100dpi(pdf: &Path, page: u32, stem: &Path) -> (usize, usize, Vec<u8>) {
    let o = tool("pdftoppm", "poppler-utils")
        .args([
            "-r",
            "100",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            "-singlefile",
        ])
        .arg(pdf)
        .arg(stem)
        .output()
        .expect("pdftoppm runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    read_ppm(&stem.with_extension("ppm"))
}

/// Issue 23 point 3: the cairo page of cong_van_1page.pdf is repaired on import (two
/// CIDFontType2 fonts get /CIDToGIDMap /Identity), the result conforms, and it renders the same
/// as the original at 100 dpi (fewer than 0.1% of pixels differ).
#[test]
fn imported_page_is_repaired_and_renders_the_same() {
    let dir = tempfile::tempdir().expect("tmp");
    let original = fixture("cong_van_1page.pdf");
    let before = check(&std::fs::read(&original).expect("fixture"), Some("2b"));
    assert!(
        before.findings.iter().any(|f| f.clause == "6.2.11.3.2"),
        "{:#?}",
        before.findings
    );

    let mut importer =
        hoso_pdf::import::PdfImporter::load(&std::fs::read(&original).expect("fixture"))
            .expect("loads");
    let mut w = DossierWriter::new(Vec::new()).expect("writer");
    importer.import_page(&mut w, 1).expect("imports");
    let repairs: Vec<String> = importer.repairs().iter().map(ToString::to_string).collect();
    let added = importer
        .repairs()
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                hoso_pdf::import::RepairKind::CidToGidMapAdded { .. }
            )
        })
        .count();
    assert_eq!(added, 2, "{repairs:#?}");
    let out = dir.path().join("imported.pdf");
    std::fs::write(&out, w.finish(&info(), None).expect("finish")).expect("write");

    let after = pdfa::check_file(&out, None).expect("readable");
    assert!(after.is_conforming(), "{:#?}", after.findings);

    let (w1, h1, a) = render_100dpi(&original, 1, &dir.path().join("a"));
    let (w2, h2, b) = render_100dpi(&out, 1, &dir.path().join("b"));
    assert_eq!((w1, h1), (w2, h2), "same page size");
    let differing = a.chunks(3).zip(b.chunks(3)).filter(|(p, q)| p != q).count();
    let share = differing as f64 / (w1 * h1) as f64;
    println!(
        "pixel diff at 100 dpi: {differing} of {} pixels ({:.4}%)",
        w1 * h1,
        share * 100.0
    );
    assert!(
        share < 0.001,
        "{differing} pixels differ ({:.3}%)",
        share * 100.0
    );
}

/// Issue 23 point 3: the files `cargo xtask demo` makes — the dossier with the imported
/// LibreOffice-style page of `fixtures/cong_van_1page.pdf` and an OCR layer, its signed file
/// and the sao y copy of that — pass `hoso check` (exit 0) and the project's independent pikepdf
/// script, and every flow's outcome says so.
#[test]
fn demo_dossier_signed_file_and_copy_conform() {
    use hoso_e2e::sign_support::{certs, hoso, pin_file, run, text};
    use std::process::Command;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ws = d.join("HoSo");
    std::fs::create_dir_all(&ws).expect("workspace");
    let pin = pin_file(d);
    let hoso_in = |args: &[&std::ffi::OsStr]| {
        let o = run(Command::new(hoso())
            .args(args)
            .env("HOSO_WORKSPACE", &ws)
            .env("HOSO_STATION", "demo")
            .env_remove("HOSO_REGISTER")
            .env_remove("HOSO_SETTINGS"));
        assert!(o.status.success(), "hoso {args:?}: {}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("hoso {args:?} printed no JSON ({e}): {}", text(&o)));
        v
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let dossier = d.join("demo.pdf");
    let jpg = fixture("to_khai_a4_200dpi.jpg");
    let letter = fixture("cong_van_1page.pdf");
    let built = hoso_in(&[
        os("build"),
        os("--ocr"),
        os("--out"),
        dossier.as_os_str(),
        os("--code"),
        os("000.00.15.H12-261129-0001"),
        os("--title"),
        os("Hồ sơ mẫu"),
        os("--doc"),
        os("Tờ khai"),
        jpg.as_os_str(),
        os("--doc"),
        os("Công văn kèm theo"),
        letter.as_os_str(),
        os("--json"),
    ]);
    let signed = d.join("demo.signed.pdf");
    let p12 = certs().join("demo-staff-rsa.p12");
    let s = hoso_in(&[
        os("sign"),
        dossier.as_os_str(),
        os("--p12"),
        p12.as_os_str(),
        os("--pin-file"),
        pin.as_os_str(),
        os("--out"),
        signed.as_os_str(),
        os("--reason"),
        os("Phê duyệt hồ sơ"),
        os("--location"),
        os("UBND DEMO xã Hòa Bình"),
        os("--json"),
    ]);
    // The dossier holds a born-digital PDF, so Decree 30 Art. 25 allows no sao y of it: the
    // demo issues a trích sao of its scanned page, as `cargo xtask demo` does.
    let copy = d.join("demo.trich-sao.pdf");
    let org = certs().join("demo-org.p12");
    let c = hoso_in(&[
        os("copy"),
        signed.as_os_str(),
        os("--form"),
        os("trich-sao"),
        os("--pages"),
        os("1"),
        os("--out"),
        copy.as_os_str(),
        os("--org-p12"),
        org.as_os_str(),
        os("--pin-file"),
        pin.as_os_str(),
        os("--org"),
        os("UBND DEMO xã Hòa Bình"),
        os("--org-code"),
        os("UBND"),
        os("--json"),
    ]);
    // A trích sao is a new document of the chosen pages, without the dossier's attached
    // manifest, so it is PDF/A-2b.
    for (name, file, outcome, level) in [
        ("dossier", &dossier, &built["pdfa_check"], "PDF/A-3b"),
        ("signed", &signed, &s["pdfa"], "PDF/A-3b"),
        ("copy", &copy, &c["pdfa"], "PDF/A-2b"),
    ] {
        assert_eq!(
            (outcome["conforming"].as_bool(), outcome["level"].as_str()),
            (Some(true), Some(level)),
            "{name}: {outcome:#}"
        );
        let o = run(Command::new(hoso()).arg("check").arg(file));
        assert_eq!(o.status.code(), Some(0), "hoso check {name}: {}", text(&o));
        let (ok, report) = pdfa_check(file);
        assert!(ok, "pdfa_check.py {name}: {report}");
    }
}

/// Issue 23 point 3, `--rasterize-nonconforming`: a page with a font that is not embedded and
/// the pages of a file encrypted by qpdf (empty user password) stop the build, naming the rule
/// and the option; with the option they become 300 dpi images, listed in the manifest and the
/// warnings, the dossier conforms (hoso check and the independent script) and each page looks
/// like the original at 100 dpi.
#[test]
fn nonconforming_pages_become_images_when_asked() {
    use hoso_e2e::sign_support::{hoso, run, text};
    use std::process::Command;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // Text in Helvetica without the font program, what many office exports write.
    let plain =
        hoso_e2e::sign_support::pdfs::classic(d, "giay_xac_nhan.pdf", "Giay xac nhan so 12");
    let locked = d.join("cong_van_khoa.pdf");
    let o = tool("qpdf", "qpdf")
        .args(["--encrypt", "", "chu-so-huu", "256", "--"])
        .arg(fixture("cong_van_1page.pdf"))
        .arg(&locked)
        .output()
        .expect("qpdf runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let build = |input: &Path, out: &Path, rasterize: bool| {
        let mut cmd = Command::new(hoso());
        cmd.arg("build")
            .arg("--out")
            .arg(out)
            .args([
                "--code",
                "000.00.15.H12-261207-0009",
                "--title",
                "Hồ sơ có trang PDF lỗi",
            ])
            .arg("--register")
            .arg(d.join("so.sqlite"))
            .args(["--station", "test", "--json"])
            .arg(input);
        if rasterize {
            cmd.arg("--rasterize-nonconforming");
        }
        run(&mut cmd)
    };
    for (input, words) in [
        (&plain, "\"Helvetica\" không được nhúng"),
        (&locked, "PDF được mã hóa"),
    ] {
        let out = d.join("refused.pdf");
        let o = build(input, &out, false);
        let said = text(&o);
        assert!(!o.status.success(), "{said}");
        assert!(
            said.contains(words) && said.contains("--rasterize-nonconforming"),
            "{said}"
        );
        assert!(!out.exists(), "nothing is written when the page is refused");
    }

    for (name, input) in [("font", &plain), ("encrypted", &locked)] {
        let out = d.join(format!("{name}.pdf"));
        let o = build(input, &out, true);
        assert!(o.status.success(), "{name}: {}", text(&o));
        let report: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{name}: no JSON ({e}): {}", text(&o)));
        let pdf = std::fs::read(&out).expect("dossier");
        let manifest: serde_json::Value = serde_json::from_slice(
            &hoso_pdf::attachment::read_embedded_file(&pdf, "manifest.json")
                .expect("readable")
                .expect("the manifest is attached"),
        )
        .expect("manifest JSON");
        let pages = &manifest["documents"][0]["sources"][0]["rasterized_pages"];
        assert_eq!(
            pages.as_array().map(Vec::len),
            Some(1),
            "{name}: {manifest:#}"
        );
        assert_eq!(
            (pages[0]["page"].as_u64(), pages[0]["dpi"].as_u64()),
            (Some(1), Some(300))
        );
        assert!(
            report["warnings"].to_string().contains("300 dpi"),
            "{name}: the warning says the page is now an image: {report:#}"
        );

        let checked = pdfa::check_file(&out, None).expect("readable");
        assert!(checked.is_conforming(), "{name}: {:#?}", checked.findings);
        let (ok, script) = pdfa_check(&out);
        assert!(ok, "{name}: pdfa_check.py: {script}");

        // The page looks as before: the same size at 100 dpi, about as much ink, and each ink
        // pixel of the original has a pixel within 96 levels of it in the drawn page, at most
        // one pixel away (the renderers place glyphs a fraction of a pixel apart).
        let (w1, h1, a) = render_100dpi(input, 1, &d.join(format!("{name}-a")));
        let (w2, h2, b) = render_100dpi(&out, 1, &d.join(format!("{name}-b")));
        assert!(
            w1.abs_diff(w2) <= 1 && h1.abs_diff(h2) <= 1,
            "{name}: {w1}×{h1} became {w2}×{h2}"
        );
        let (w, h) = (w1.min(w2), h1.min(h2));
        let px = |img: &[u8], width: usize, x: usize, y: usize| {
            let i = (y * width + x) * 3;
            [img[i], img[i + 1], img[i + 2]]
        };
        let inked = |p: [u8; 3]| p.iter().any(|&c| c < 128);
        let (mut ink_a, mut ink_b, mut far) = (0usize, 0usize, 0usize);
        for y in 1..h - 1 {
            for x in 1..w - 1 {
                let p = px(&a, w1, x, y);
                ink_b += usize::from(inked(px(&b, w2, x, y)));
                if !inked(p) {
                    continue;
                }
                ink_a += 1;
                let near = (y - 1..=y + 1).any(|yy| {
                    (x - 1..=x + 1).any(|xx| {
                        let q = px(&b, w2, xx, yy);
                        p.iter().zip(q).all(|(c, e)| c.abs_diff(e) <= 96)
                    })
                });
                far += usize::from(!near);
            }
        }
        println!("{name}: ink {ink_a} → {ink_b} pixels; {far} ink pixels with nothing near them");
        assert!(ink_a > 500, "{name}: the original page has visible content");
        assert!(
            (ink_b as f64) > 0.75 * ink_a as f64 && (ink_b as f64) < 1.33 * ink_a as f64,
            "{name}: ink {ink_a} became {ink_b}"
        );
        assert!(
            (far as f64) < 0.15 * ink_a as f64,
            "{name}: {far} of {ink_a} ink pixels are missing from the drawn page"
        );
    }
}
