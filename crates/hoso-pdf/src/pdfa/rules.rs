//! The rule table: every PDF/A requirement `hoso check` tests, with its clause in ISO 19005-1
//! (PDF/A-1), ISO 19005-2 (PDF/A-2) and ISO 19005-3 (PDF/A-3, which keeps part 2's numbering),
//! what it means and what to do about a failure. One row per [`RuleId`]; nothing else in the
//! validator carries clause numbers.

use serde::Serialize;

/// A PDF/A part (ISO 19005-n).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Part {
    /// ISO 19005-1 (PDF 1.4 based).
    One,
    /// ISO 19005-2 (PDF 1.7 based).
    Two,
    /// ISO 19005-3 (part 2 plus embedded files of any kind).
    Three,
}

impl Part {
    /// The number written as `pdfaid:part`.
    pub fn number(self) -> u8 {
        match self {
            Part::One => 1,
            Part::Two => 2,
            Part::Three => 3,
        }
    }
}

/// A conformance level; `A` is read as `U` plus tagging, which hoso does not check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Conformance {
    /// Level B: visual appearance.
    B,
    /// Level U: B plus Unicode for all text (parts 2 and 3).
    U,
    /// Level A: U plus logical structure (tagging is not checked by hoso).
    A,
}

/// A PDF/A level such as 2b or 3u.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Level {
    /// The part.
    pub part: Part,
    /// The conformance level.
    pub conformance: Conformance,
}

impl Level {
    /// Parses `1b`, `2b`, `2u`, `3b`, `3u` (and `1a`/`2a`/`3a`), case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.strip_prefix("pdf/a-").unwrap_or(&s);
        let mut c = s.chars();
        let part = match c.next()? {
            '1' => Part::One,
            '2' => Part::Two,
            '3' => Part::Three,
            _ => return None,
        };
        let conformance = match (c.next()?, c.next()) {
            ('b', None) => Conformance::B,
            ('u', None) if part != Part::One => Conformance::U,
            ('a', None) => Conformance::A,
            _ => return None,
        };
        Some(Self { part, conformance })
    }

    /// True for U and A: every glyph must map to Unicode.
    pub fn needs_unicode(self) -> bool {
        matches!(self.conformance, Conformance::U | Conformance::A)
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = match self.conformance {
            Conformance::B => 'b',
            Conformance::U => 'u',
            Conformance::A => 'a',
        };
        write!(f, "PDF/A-{}{}", self.part.number(), c)
    }
}

/// The rule families of issue 23, used to group results and corpus agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Family {
    /// Header, trailer, xref, streams, objects, limits, encryption.
    FileStructure,
    /// XMP packet, pdfaid, Info ⇔ XMP, extension schemas.
    Metadata,
    /// OutputIntent and colour spaces.
    Colour,
    /// Fonts.
    Fonts,
    /// Transparency, blend modes, other graphics state.
    Graphics,
    /// Annotations.
    Annotations,
    /// Actions and JavaScript.
    Actions,
    /// Interactive forms.
    Forms,
    /// Optional content.
    OptionalContent,
    /// Embedded files and associated files.
    EmbeddedFiles,
    /// Signatures and permissions.
    Signatures,
}

/// Identifies one rule of [`RULES`].
#[allow(missing_docs)] // each variant is documented by its row in RULES
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub enum RuleId {
    Header,
    BinaryComment,
    TrailerId,
    Encrypted,
    DataAfterEof,
    XrefSyntax,
    HexString,
    StreamSyntax,
    ExternalStream,
    ForbiddenFilter,
    NameUtf8,
    ObjectSyntax,
    InlineImage,
    ContentOperator,
    Permissions,
    ImplementationLimits,
    MetadataMissing,
    MetadataFiltered,
    XmpWellFormed,
    XmpPacketHeader,
    PdfaIdentification,
    InfoMatchesXmp,
    XmpSchemas,
    OutputIntent,
    IccProfile,
    DeviceRgb,
    DeviceCmyk,
    DeviceGray,
    SeparationDeviceN,
    RenderingIntent,
    FontDictionary,
    CidSystemInfo,
    CidToGidMap,
    CMapEmbedded,
    FontEmbedded,
    SubsetCharSet,
    FontWidths,
    TrueTypeEncoding,
    ToUnicode,
    Notdef,
    SoftMask,
    BlendMode,
    ConstantAlpha,
    TransparencyGroup,
    ExtGState,
    Images,
    XObjects,
    AnnotationType,
    AnnotationFlags,
    AnnotationAppearance,
    ForbiddenAction,
    AdditionalActions,
    NeedAppearances,
    WidgetAction,
    Xfa,
    OptionalContent,
    EmbeddedFile,
    AssociatedFile,
    SignatureByteRange,
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Which rule.
    pub id: RuleId,
    /// Its family.
    pub family: Family,
    /// Clause of ISO 19005-1, or `None` when part 1 has no such rule.
    pub part1: Option<&'static str>,
    /// Clause of ISO 19005-2 and ISO 19005-3, or `None` when only part 1 has it.
    pub part2: Option<&'static str>,
    /// Only for levels U and A.
    pub unicode_only: bool,
    /// What the rule requires (Vietnamese / English).
    pub requirement: &'static str,
    /// What to do when it fails (Vietnamese / English).
    pub fix: &'static str,
}

impl Rule {
    /// The clause for `part`, if the rule applies to it.
    pub fn clause(&self, part: Part) -> Option<&'static str> {
        match part {
            Part::One => self.part1,
            Part::Two | Part::Three => self.part2,
        }
    }

    /// True when the rule applies at `level`.
    pub fn applies(&self, level: Level) -> bool {
        self.clause(level.part).is_some() && (!self.unicode_only || level.needs_unicode())
    }
}

macro_rules! rule {
    ($id:ident, $fam:ident, $p1:expr, $p2:expr, $u:expr, $req:expr, $fix:expr) => {
        Rule {
            id: RuleId::$id,
            family: Family::$fam,
            part1: $p1,
            part2: $p2,
            unicode_only: $u,
            requirement: $req,
            fix: $fix,
        }
    };
}

const REMAKE: &str = "xuất lại tệp bằng công cụ tạo PDF/A (hoặc nhập lại vào hoso) / re-export the file with a PDF/A-capable tool (or import it into hoso again)";

/// Every rule, in clause order.
pub const RULES: &[Rule] = &[
    rule!(Header, FileStructure, Some("6.1.2"), Some("6.1.2"), false,
        "tệp bắt đầu bằng %PDF-1.n tại byte 0 / the file starts with %PDF-1.n at byte 0 (n ≤ 4 for part 1, ≤ 7 for parts 2-3)", REMAKE),
    rule!(BinaryComment, FileStructure, Some("6.1.2"), Some("6.1.2"), false,
        "dòng thứ hai là chú thích có ít nhất 4 byte > 127 / the header is followed by a comment of at least four bytes above 127", REMAKE),
    rule!(TrailerId, FileStructure, Some("6.1.3"), Some("6.1.3"), false,
        "trailer có /ID / the trailer has an /ID", REMAKE),
    rule!(Encrypted, FileStructure, Some("6.1.3"), Some("6.1.3"), false,
        "không mã hóa (/Encrypt) / no encryption (/Encrypt)",
        "gỡ mật khẩu: `qpdf --decrypt vào.pdf ra.pdf` / remove the password: `qpdf --decrypt in.pdf out.pdf`"),
    rule!(DataAfterEof, FileStructure, Some("6.1.3"), Some("6.1.3"), false,
        "không có dữ liệu sau %%EOF cuối / no data after the last %%EOF (one end-of-line allowed)",
        "cắt bỏ phần thừa sau %%EOF / cut what follows the last %%EOF"),
    rule!(XrefSyntax, FileStructure, Some("6.1.4"), Some("6.1.4"), false,
        "bảng xref đúng cú pháp (từ khóa xref, một EOL, tiêu đề phần con một dấu cách) / cross-reference syntax: `xref`, one EOL, subsection headers with one space", REMAKE),
    rule!(HexString, FileStructure, Some("6.1.6"), Some("6.1.6"), false,
        "chuỗi hex có số chữ số chẵn và chỉ gồm chữ số hex / hexadecimal strings have an even number of hex digits only", REMAKE),
    rule!(StreamSyntax, FileStructure, Some("6.1.7"), Some("6.1.7.1"), false,
        "`stream` theo sau bởi CRLF hoặc LF, EOL trước `endstream`, /Length đúng số byte / `stream` followed by CRLF or LF, EOL before `endstream`, /Length equal to the byte count", REMAKE),
    rule!(ExternalStream, FileStructure, Some("6.1.7"), Some("6.1.7.1"), false,
        "luồng không trỏ ra ngoài (/F, /FFilter, /FDecodeParms) / streams carry no /F, /FFilter or /FDecodeParms", REMAKE),
    rule!(ForbiddenFilter, FileStructure, Some("6.1.10"), Some("6.1.7.2"), false,
        "không dùng LZWDecode hay Crypt / no LZWDecode or Crypt filter (and no JPX in part 1)",
        "nén lại bằng Flate (hoso làm việc này khi nhập trang) / re-encode with Flate (hoso does this when importing pages)"),
    rule!(NameUtf8, FileStructure, None, Some("6.1.8"), false,
        "tên là UTF-8 hợp lệ / names are valid UTF-8", REMAKE),
    rule!(ObjectSyntax, FileStructure, Some("6.1.8"), Some("6.1.9"), false,
        "`n g obj` và `endobj` tách bằng khoảng trắng/EOL đúng chuẩn / `n g obj` and `endobj` separated by single white space and EOLs", REMAKE),
    rule!(InlineImage, FileStructure, Some("6.2.4"), Some("6.1.10"), false,
        "ảnh nội tuyến không dùng LZW/Crypt, không /I true (part 1) / inline images use no LZW or Crypt filter", REMAKE),
    rule!(ContentOperator, Graphics, Some("6.2.10"), Some("6.2.2"), false,
        "luồng nội dung chỉ dùng toán tử của ISO 32000-1, kể cả giữa BX/EX / content streams use only ISO 32000-1 operators, even between BX and EX", REMAKE),
    rule!(Permissions, Signatures, None, Some("6.1.12"), false,
        "/Perms chỉ có /DocMDP hoặc /UR3 / /Perms holds only /DocMDP or /UR3", REMAKE),
    rule!(ImplementationLimits, FileStructure, Some("6.1.12"), Some("6.1.13"), false,
        "trong giới hạn: chuỗi ≤ 32767 byte, tên ≤ 127 byte, số nguyên 32 bit, ≤ 8388607 đối tượng, q lồng ≤ 28, DeviceN ≤ 32 (8 ở part 1) / within limits: strings ≤ 32767 bytes, names ≤ 127 bytes, 32-bit integers, ≤ 8388607 objects, q nesting ≤ 28, DeviceN ≤ 32 colorants", REMAKE),
    rule!(MetadataMissing, Metadata, Some("6.7.2"), Some("6.6.2.1"), false,
        "catalog có /Metadata là luồng XMP / the catalog has a /Metadata XMP stream",
        "tạo lại tệp với siêu dữ liệu XMP / remake the file with XMP metadata"),
    rule!(MetadataFiltered, Metadata, Some("6.7.2"), None, false,
        "luồng metadata không có /Filter (part 1) / the metadata stream has no /Filter (part 1)", REMAKE),
    rule!(XmpWellFormed, Metadata, Some("6.7.9"), Some("6.6.2.1"), false,
        "gói XMP là XML/RDF hợp lệ / the XMP packet is well-formed XML/RDF", REMAKE),
    rule!(XmpPacketHeader, Metadata, Some("6.7.5"), Some("6.6.2.1"), false,
        "tiêu đề xpacket không có thuộc tính bytes/encoding / the xpacket header has no bytes or encoding attribute", REMAKE),
    rule!(PdfaIdentification, Metadata, Some("6.7.11"), Some("6.6.4"), false,
        "XMP có pdfaid:part và pdfaid:conformance hợp lệ / XMP declares pdfaid:part and a valid pdfaid:conformance",
        "ghi đúng pdfaid vào XMP / write the right pdfaid properties into the XMP"),
    // Part 1 only: ISO 19005-2/-3 dropped the requirement (§6.6.2.1 asks for a well-formed XMP
    // packet, §6.6.2.3 for known schemas, §6.6.4 for pdfaid; none ties the Info dictionary to
    // XMP, and veraPDF's PDFA_2_B/3_B profiles hold no such rule).
    rule!(InfoMatchesXmp, Metadata, Some("6.7.3"), None, false,
        "từ điển Info khớp XMP (Title, Author, Subject, Keywords, Creator, Producer, ngày; chỉ PDF/A-1) / the Info dictionary agrees with XMP (title, author, subject, keywords, creator, producer, dates; PDF/A-1 only)",
        "đồng bộ Info và XMP, hoặc bỏ mục Info thừa / make Info and XMP agree, or drop the extra Info entry"),
    rule!(XmpSchemas, Metadata, Some("6.7.8"), Some("6.6.2.3"), false,
        "mọi thuộc tính XMP thuộc lược đồ định sẵn đúng kiểu, hoặc được khai báo trong lược đồ mở rộng hợp lệ / every XMP property belongs to a predefined schema with the right value type, or to a valid extension schema",
        "xóa thuộc tính lạ hoặc khai báo nó trong pdfaExtension:schemas / remove the unknown property or declare it in pdfaExtension:schemas"),
    rule!(OutputIntent, Colour, Some("6.2.2"), Some("6.2.3"), false,
        "OutputIntent /GTS_PDFA1 có DestOutputProfile ICC hợp lệ (N = 1, 3 hoặc 4); nhiều intent thì cùng một profile / a /GTS_PDFA1 OutputIntent with a valid ICC DestOutputProfile (N 1, 3 or 4); several intents share one profile",
        "nhúng một OutputIntent sRGB (hoso làm khi dựng hồ sơ) / embed an sRGB OutputIntent (hoso builds do)"),
    rule!(IccProfile, Colour, Some("6.2.3.2"), Some("6.2.4.2"), false,
        "không gian ICCBased có /N khớp profile, profile hợp lệ / ICCBased colour spaces: /N matches a valid embedded profile", REMAKE),
    rule!(DeviceRgb, Colour, Some("6.2.3.3"), Some("6.2.4.3"), false,
        "DeviceRGB chỉ dùng khi OutputIntent là RGB hoặc có /DefaultRGB / DeviceRGB only under an RGB OutputIntent or a /DefaultRGB",
        "thêm OutputIntent RGB hoặc /DefaultRGB / add an RGB OutputIntent or a /DefaultRGB colour space"),
    rule!(DeviceCmyk, Colour, Some("6.2.3.3"), Some("6.2.4.3"), false,
        "DeviceCMYK chỉ dùng khi OutputIntent là CMYK hoặc có /DefaultCMYK / DeviceCMYK only under a CMYK OutputIntent or a /DefaultCMYK",
        "thêm /DefaultCMYK (hoso làm khi nhập trang) / add a /DefaultCMYK colour space (hoso does when importing pages)"),
    rule!(DeviceGray, Colour, Some("6.2.3.3"), Some("6.2.4.3"), false,
        "DeviceGray chỉ dùng khi có OutputIntent hoặc /DefaultGray / DeviceGray only with an OutputIntent or a /DefaultGray",
        "thêm OutputIntent / add an OutputIntent"),
    rule!(SeparationDeviceN, Colour, None, Some("6.2.4.4"), false,
        "Separation cùng tên màu có cùng không gian thay thế và hàm chuyển sắc; mỗi màu pha của DeviceN có trong /Colorants / Separations of one colorant name share alternate space and tint transform; every DeviceN spot colorant has a /Colorants entry", REMAKE),
    rule!(RenderingIntent, Colour, Some("6.2.9"), Some("6.2.6"), false,
        "ý định kết xuất chỉ là một trong bốn tên chuẩn / rendering intents are one of the four standard names", REMAKE),
    rule!(FontDictionary, Fonts, Some("6.3.2"), Some("6.2.11.2"), false,
        "từ điển phông đủ khóa bắt buộc (Subtype, BaseFont, FirstChar, LastChar, Widths) / font dictionaries carry their required keys", REMAKE),
    rule!(CidSystemInfo, Fonts, Some("6.3.3.1"), Some("6.2.11.3.1"), false,
        "CIDSystemInfo của CIDFont tương thích với CMap của phông Type0 / the CIDFont's CIDSystemInfo is compatible with the Type0 font's CMap", REMAKE),
    rule!(CidToGidMap, Fonts, Some("6.3.3.2"), Some("6.2.11.3.2"), false,
        "CIDFontType2 nhúng có /CIDToGIDMap (Identity hoặc luồng) / an embedded CIDFontType2 has a /CIDToGIDMap (Identity or a stream)",
        "nhập trang qua hoso (tự thêm /CIDToGIDMap /Identity) / import the page through hoso, which adds /CIDToGIDMap /Identity"),
    rule!(CMapEmbedded, Fonts, Some("6.3.3.3"), Some("6.2.11.3.3"), false,
        "CMap không chuẩn được nhúng, WMode khớp / non-standard CMaps are embedded and their WMode agrees", REMAKE),
    rule!(FontEmbedded, Fonts, Some("6.3.4"), Some("6.2.11.4.1"), false,
        "mọi chương trình phông được nhúng và đọc được / every font program is embedded and readable",
        "xuất lại tệp với \"nhúng mọi phông\" / re-export with \"embed all fonts\""),
    rule!(SubsetCharSet, Fonts, Some("6.3.5"), Some("6.2.11.4.2"), false,
        "phông con: /CharSet (Type1) hoặc /CIDSet (CIDFont) đầy đủ; part 1 bắt buộc có / subset fonts: /CharSet (Type 1) or /CIDSet (CIDFont) lists every glyph (required in part 1, complete if present in parts 2-3)",
        "bỏ /CIDSet, /CharSet sai hoặc xuất lại tệp / remove the wrong /CIDSet or /CharSet, or re-export"),
    rule!(FontWidths, Fonts, Some("6.3.6"), Some("6.2.11.5"), false,
        "độ rộng /Widths, /W khớp chương trình phông / /Widths and /W agree with the font program's advance widths",
        "nhập trang qua hoso (dựng lại /W) hoặc xuất lại tệp / import the page through hoso (rebuilds /W) or re-export"),
    rule!(TrueTypeEncoding, Fonts, Some("6.3.7"), Some("6.2.11.6"), false,
        "TrueType ký hiệu có bảng cmap (3,0) hoặc một cmap, không /Encoding; không ký hiệu dùng MacRoman/WinAnsi / symbolic TrueType: one cmap or (3,0), no /Encoding; non-symbolic: MacRoman or WinAnsi with a (3,1) or (1,0) cmap", REMAKE),
    rule!(ToUnicode, Fonts, None, Some("6.2.11.7"), true,
        "mọi glyph ánh xạ được sang Unicode (ToUnicode hoặc mã hóa chuẩn) / every glyph maps to Unicode (ToUnicode or a standard encoding)",
        "xuất lại tệp với ToUnicode, hoặc khai báo mức b / re-export with ToUnicode maps, or declare level b"),
    rule!(Notdef, Fonts, None, Some("6.2.11.8"), false,
        "không vẽ glyph .notdef / no .notdef glyph is shown", REMAKE),
    rule!(SoftMask, Graphics, Some("6.4"), None, false,
        "không có mặt nạ mềm (/SMask) (part 1) / no soft masks (/SMask other than /None) in part 1",
        "làm phẳng độ trong suốt hoặc khai báo PDF/A-2 / flatten transparency or declare PDF/A-2"),
    rule!(BlendMode, Graphics, Some("6.4"), Some("6.2.10"), false,
        "chế độ hòa trộn chuẩn (part 1: Normal/Compatible) / standard blend modes (part 1: Normal or Compatible only)", REMAKE),
    rule!(ConstantAlpha, Graphics, Some("6.4"), None, false,
        "/CA và /ca bằng 1.0 (part 1) / /CA and /ca are 1.0 (part 1)", REMAKE),
    rule!(TransparencyGroup, Graphics, Some("6.4"), Some("6.2.10"), false,
        "part 1: không nhóm trong suốt; part 2-3: trang trong suốt có /CS nhóm hoặc OutputIntent / part 1: no transparency groups; parts 2-3: transparency needs a group /CS or an OutputIntent", REMAKE),
    rule!(ExtGState, Graphics, Some("6.2.8"), Some("6.2.5"), false,
        "ExtGState không có /TR, /TR2 (trừ Default), /HTP, /HTO; halftone loại 1 hoặc 5 / ExtGState has no /TR, /TR2 other than /Default, /HTP, /HTO; halftones of type 1 or 5", REMAKE),
    rule!(Images, Graphics, Some("6.2.4"), Some("6.2.8"), false,
        "ảnh: không /Alternates, /OPI, /Interpolate true; JPX hợp lệ; BitsPerComponent 1,2,4,8,16 / images: no /Alternates, /OPI or /Interpolate true; BitsPerComponent 1, 2, 4, 8 or 16", REMAKE),
    rule!(XObjects, Graphics, Some("6.2.5"), Some("6.2.9"), false,
        "XObject: không PostScript, /OPI, /Ref, /Subtype2 PS / XObjects: no PostScript XObjects, /OPI, /Ref or /Subtype2 /PS", REMAKE),
    rule!(AnnotationType, Annotations, Some("6.5.2"), Some("6.3.1"), false,
        "không chú thích loại 3D, Sound, Screen, Movie (và FileAttachment ở part 1) hay loại lạ / no 3D, Sound, Screen, Movie (nor FileAttachment in part 1) or unknown annotations",
        "xóa chú thích đó / delete that annotation"),
    rule!(AnnotationFlags, Annotations, Some("6.5.3"), Some("6.3.2"), false,
        "chú thích có cờ Print, không Hidden/Invisible/NoView/ToggleNoView; /CA = 1 / annotations have the Print flag and not Hidden, Invisible, NoView or ToggleNoView; /CA is 1.0",
        "đặt cờ /F 4 / set /F 4"),
    rule!(AnnotationAppearance, Annotations, Some("6.5.3"), Some("6.3.3"), false,
        "chú thích (trừ Popup, Link) có /AP chỉ với /N là luồng (từ điển cho nút bấm) / annotations other than Popup and Link have an /AP with only /N, a stream (a dictionary for buttons)",
        "tạo lại hình hiển thị của chú thích / regenerate the annotation's appearance"),
    rule!(ForbiddenAction, Actions, Some("6.6.1"), Some("6.5.1"), false,
        "không hành động Launch, Sound, Movie, ResetForm, ImportData, Hide, SetOCGState, Rendition, Trans, GoTo3DView, JavaScript; Named chỉ Next/Prev/First/LastPage / no Launch, Sound, Movie, ResetForm, ImportData, Hide, SetOCGState, Rendition, Trans, GoTo3DView or JavaScript actions; Named only NextPage, PrevPage, FirstPage, LastPage",
        "xóa hành động/JavaScript (hoso bỏ chúng khi nhập trang) / remove the action or JavaScript (hoso drops them when importing pages)"),
    rule!(AdditionalActions, Actions, Some("6.6.2"), Some("6.5.2"), false,
        "không /AA ở catalog, trang, trường biểu mẫu / no /AA in the catalog, pages, form fields or widgets",
        "xóa /AA / remove /AA"),
    rule!(NeedAppearances, Forms, Some("6.9"), Some("6.4.1"), false,
        "/NeedAppearances không là true / /NeedAppearances is not true", "tạo hình hiển thị cho các trường rồi bỏ cờ / generate field appearances and drop the flag"),
    rule!(WidgetAction, Forms, None, Some("6.4.1"), false,
        "chú thích Widget không có /A / a Widget annotation has no /A action",
        "xóa /A của trường (hoso bỏ hành động khi nhập trang) / remove the field's /A action (hoso drops actions when importing pages)"),
    rule!(Xfa, Forms, None, Some("6.4.2"), false,
        "không có /XFA, không /NeedsRendering / no /XFA form and no /NeedsRendering", REMAKE),
    rule!(OptionalContent, OptionalContent, Some("6.1.13"), Some("6.9"), false,
        "part 1: không nội dung tùy chọn; part 2-3: mỗi OCG và cấu hình có /Name riêng, không /AS / part 1: no optional content; parts 2-3: every OCG and configuration has a unique /Name, no /AS", REMAKE),
    rule!(EmbeddedFile, EmbeddedFiles, Some("6.1.11"), Some("6.8"), false,
        "part 1: không tệp nhúng; part 2: tệp nhúng là PDF/A; part 3: tệp nhúng có /F, /UF, /Subtype (MIME), /Params /ModDate / part 1: no embedded files; part 2: embedded files are PDF/A; part 3: each has /F, /UF, a MIME /Subtype and /Params /ModDate",
        "bỏ tệp nhúng hoặc khai báo PDF/A-3 / remove the embedded file or declare PDF/A-3"),
    rule!(AssociatedFile, EmbeddedFiles, None, Some("6.8"), false,
        "part 3: mỗi đặc tả tệp có /AFRelationship và được trỏ từ một /AF / part 3: each file specification has /AFRelationship and is listed in an /AF array",
        "thêm /AF và /AFRelationship (hoso làm khi đính kèm manifest) / add /AF and /AFRelationship (hoso does for the manifest)"),
    rule!(SignatureByteRange, Signatures, None, Some("6.4.3"), false,
        "chữ ký: /ByteRange phủ toàn tệp trừ /Contents; /Contents là chuỗi hex / signatures: /ByteRange covers the whole file except /Contents, which is a hexadecimal string",
        "ký lại bằng hoso (ký gia tăng, không ghi đè) / sign again with hoso (incremental, nothing rewritten)"),
];

/// The table row of `id`.
pub fn rule(id: RuleId) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .expect("every RuleId has a row in RULES (checked by a unit test)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_one_row_and_a_clause() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "{:?} twice", r.id);
            assert!(
                r.part1.is_some() || r.part2.is_some(),
                "{:?} has no clause",
                r.id
            );
            for c in [r.part1, r.part2].into_iter().flatten() {
                assert!(c.starts_with("6."), "{:?}: clause {c}", r.id);
            }
        }
        assert_eq!(rule(RuleId::CidToGidMap).part2, Some("6.2.11.3.2"));
        // Info ⇔ XMP is a PDF/A-1 rule (§6.7.3); parts 2 and 3 do not have it.
        assert_eq!(rule(RuleId::InfoMatchesXmp).part1, Some("6.7.3"));
        assert!(!rule(RuleId::InfoMatchesXmp).applies(Level::parse("2b").expect("2b")));
        assert!(!rule(RuleId::InfoMatchesXmp).applies(Level::parse("3u").expect("3u")));
    }

    #[test]
    fn levels_parse() {
        assert_eq!(
            Level::parse("2u").map(|l| l.to_string()),
            Some("PDF/A-2u".into())
        );
        assert_eq!(Level::parse("PDF/A-3B").map(|l| l.part), Some(Part::Three));
        assert!(Level::parse("1u").is_none());
        assert!(Level::parse("4").is_none());
    }
}
