//! XMP metadata packet for PDF/A (ISO 19005-2 §6.6; XMP ISO 16684-1).
//!
//! Only standard schemas are used (dc, xmp, pdf, pdfaid), so no PDF/A extension schema is needed.
//! Values agree with the Info dictionary the writer emits (ISO 19005-2 §6.6.3 / ISO 32000-1 §14.3.3).

/// The document-level facts written both to XMP and to the Info dictionary.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    /// dc:title / Info /Title.
    pub title: String,
    /// dc:creator / Info /Author (optional).
    pub author: Option<String>,
    /// dc:description / Info /Subject (optional).
    pub subject: Option<String>,
    /// pdf:Keywords / Info /Keywords (optional).
    pub keywords: Option<String>,
    /// xmp:CreatorTool / Info /Creator.
    pub creator_tool: String,
    /// pdf:Producer / Info /Producer.
    pub producer: String,
    /// dc:language (RFC 3066), e.g. `vi`.
    pub language: String,
    /// xmp:CreateDate = xmp:ModifyDate = xmp:MetadataDate, Info /CreationDate and /ModDate.
    pub created: time::OffsetDateTime,
}

/// PDF/A part and conformance level (pdfaid schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfaLevel {
    /// PDF/A-2b (ISO 19005-2, level B).
    A2b,
    /// PDF/A-3b (ISO 19005-3, level B): allows embedded files of any type as associated files.
    A3b,
}

impl PdfaLevel {
    /// pdfaid:part.
    pub fn part(self) -> u8 {
        match self {
            PdfaLevel::A2b => 2,
            PdfaLevel::A3b => 3,
        }
    }
}

/// ISO 8601 with the offset, seconds precision: `2026-11-29T09:15:02+07:00`.
pub fn iso8601(t: time::OffsetDateTime) -> String {
    let off = t.offset();
    let (h, m, _) = off.as_hms();
    let sign = if off.is_negative() { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        sign,
        h.unsigned_abs(),
        m.unsigned_abs()
    )
}

/// Escapes text for an XML attribute or element (XML 1.0 §2.4, §3.1): the five markup
/// characters become entities and the control characters XML 1.0 does not allow are dropped.
/// The workspace's one XML escape (XMP here, METS/PREMIS/DC in hoso-office's E-ARK export).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Properties outside the predefined schemas, with the PDF/A extension schema that declares
/// them (ISO 19005-2 §6.6.2.3.2; the `pdfaExtension`/`pdfaSchema`/`pdfaProperty` schemas of
/// ISO 19005-1 Technical Corrigendum 2). Every property is of value type Text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XmpExtension {
    /// pdfaSchema:namespaceURI (ends in `/` or `#`).
    pub namespace: String,
    /// pdfaSchema:prefix.
    pub prefix: String,
    /// pdfaSchema:schema, a description of the schema.
    pub schema: String,
    /// The properties, in order.
    pub properties: Vec<XmpProperty>,
}

/// One Text property of an [`XmpExtension`] and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct XmpProperty {
    /// pdfaProperty:name, an XML name.
    pub name: String,
    /// pdfaProperty:description.
    pub description: String,
    /// The value written.
    pub value: String,
}

fn push_extension(x: &mut String, e: &XmpExtension) {
    x.push_str("  <rdf:Description rdf:about=\"\"\n");
    x.push_str("    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n");
    x.push_str("    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n");
    x.push_str("    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n");
    x.push_str("   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n");
    x.push_str(&format!(
        "    <pdfaSchema:schema>{}</pdfaSchema:schema>\n    <pdfaSchema:namespaceURI>{}</pdfaSchema:namespaceURI>\n    <pdfaSchema:prefix>{}</pdfaSchema:prefix>\n",
        xml_escape(&e.schema),
        xml_escape(&e.namespace),
        xml_escape(&e.prefix)
    ));
    x.push_str("    <pdfaSchema:property><rdf:Seq>\n");
    for p in &e.properties {
        x.push_str(&format!(
            "     <rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>{}</pdfaProperty:description></rdf:li>\n",
            xml_escape(&p.name),
            xml_escape(&p.description)
        ));
    }
    x.push_str("    </rdf:Seq></pdfaSchema:property>\n");
    x.push_str("   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n  </rdf:Description>\n");
    x.push_str(&format!(
        "  <rdf:Description rdf:about=\"\" xmlns:{}=\"{}\">\n",
        xml_escape(&e.prefix),
        xml_escape(&e.namespace)
    ));
    for p in &e.properties {
        x.push_str(&format!(
            "   <{pre}:{n}>{v}</{pre}:{n}>\n",
            pre = xml_escape(&e.prefix),
            n = xml_escape(&p.name),
            v = xml_escape(&p.value)
        ));
    }
    x.push_str("  </rdf:Description>\n");
}

/// The UTF-8 XMP packet, with trailing padding so it can be updated in place.
pub fn packet(info: &DocumentInfo, level: PdfaLevel) -> Vec<u8> {
    packet_with(info, level, None)
}

/// [`packet`] with the properties of `extension` and the extension schema declaring them.
pub fn packet_with(
    info: &DocumentInfo,
    level: PdfaLevel,
    extension: Option<&XmpExtension>,
) -> Vec<u8> {
    let date = iso8601(info.created);
    let mut x = String::new();
    x.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str(" <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str("  <rdf:Description rdf:about=\"\"\n");
    x.push_str("    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n");
    x.push_str("    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n");
    x.push_str("    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n");
    x.push_str("    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n");
    x.push_str(&format!("   <pdfaid:part>{}</pdfaid:part>\n", level.part()));
    x.push_str("   <pdfaid:conformance>B</pdfaid:conformance>\n");
    x.push_str("   <dc:format>application/pdf</dc:format>\n");
    x.push_str(&format!(
        "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
        xml_escape(&info.title)
    ));
    if let Some(a) = &info.author {
        x.push_str(&format!(
            "   <dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            xml_escape(a)
        ));
    }
    if let Some(s) = &info.subject {
        x.push_str(&format!(
            "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            xml_escape(s)
        ));
    }
    x.push_str(&format!(
        "   <dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n",
        xml_escape(&info.language)
    ));
    if let Some(k) = &info.keywords {
        x.push_str(&format!(
            "   <pdf:Keywords>{}</pdf:Keywords>\n",
            xml_escape(k)
        ));
    }
    x.push_str(&format!(
        "   <pdf:Producer>{}</pdf:Producer>\n",
        xml_escape(&info.producer)
    ));
    x.push_str(&format!(
        "   <xmp:CreatorTool>{}</xmp:CreatorTool>\n",
        xml_escape(&info.creator_tool)
    ));
    x.push_str(&format!("   <xmp:CreateDate>{date}</xmp:CreateDate>\n"));
    x.push_str(&format!("   <xmp:ModifyDate>{date}</xmp:ModifyDate>\n"));
    x.push_str(&format!("   <xmp:MetadataDate>{date}</xmp:MetadataDate>\n"));
    x.push_str("  </rdf:Description>\n");
    if let Some(e) = extension.filter(|e| !e.properties.is_empty()) {
        push_extension(&mut x, e);
    }
    x.push_str(" </rdf:RDF>\n</x:xmpmeta>\n");
    for _ in 0..20 {
        x.push_str(&" ".repeat(99));
        x.push('\n');
    }
    x.push_str("<?xpacket end=\"w\"?>");
    x.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> DocumentInfo {
        DocumentInfo {
            title: "Hồ sơ <đăng ký> & khai sinh".into(),
            author: None,
            subject: None,
            keywords: Some("khai sinh".into()),
            creator_tool: "hoso".into(),
            producer: "hoso-pdf".into(),
            language: "vi".into(),
            created: time::macros::datetime!(2026-11-29 09:15:02 +07:00),
        }
    }

    #[test]
    fn dates_are_iso8601_with_vietnam_offset() {
        assert_eq!(iso8601(info().created), "2026-11-29T09:15:02+07:00");
    }

    #[test]
    fn packet_declares_level_and_escapes_text() {
        let p = String::from_utf8(packet(&info(), PdfaLevel::A3b)).unwrap();
        assert!(p.contains("<pdfaid:part>3</pdfaid:part>"));
        assert!(p.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
        assert!(p.contains("Hồ sơ &lt;đăng ký&gt; &amp; khai sinh"));
        assert!(p.contains("<xmp:CreateDate>2026-11-29T09:15:02+07:00</xmp:CreateDate>"));
        assert!(p.ends_with("<?xpacket end=\"w\"?>"));
    }
}
