"""Mechanical PDF/A-2b / PDF/A-3b checks with pikepdf (no veraPDF is available here).

usage: pdfa_check.py FILE.pdf [--part 2|3]

Checks the rules of ISO 19005-2/-3 that can be decided by reading the file's structure:
header, trailer ID, no encryption, XMP (pdfaid, agreement with Info), OutputIntent and its ICC
profile (parsed by LittleCMS through Pillow), forbidden filters, keys and actions, embedded
fonts, annotation flags, DeviceCMYK use, embedded files (PDF/A-3 associated files).
Prints every failure and exits 1 if there is one; prints "PDF/A check OK" otherwise.
"""
import io
import re
import sys
from datetime import datetime, timezone

import pikepdf
from pikepdf import Name

failures = []


def fail(msg):
    failures.append(msg)


def as_instant(value):
    """PDF date (D:YYYYMMDDHHmmSS+HH'mm') or ISO 8601 -> aware datetime."""
    s = str(value)
    if s.startswith("D:"):
        m = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'\d{2}'?)?", s)
        if not m:
            return None
        y, mo, d, h, mi, se, tz = m.groups()
        iso = f"{y}-{mo}-{d}T{h}:{mi}:{se}"
        if tz and tz != "Z":
            iso += tz[:3] + ":" + tz[4:6]
        else:
            iso += "+00:00"
        return datetime.fromisoformat(iso)
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def check_header(path):
    with open(path, "rb") as f:
        head = f.read(64)
    if not re.match(rb"%PDF-1\.[0-7]\r?\n", head):
        fail("header is not %PDF-1.x on its own line (ISO 19005-2 6.1.2)")
    second = head.split(b"\n", 1)[1] if b"\n" in head else b""
    if not (second.startswith(b"%") and sum(1 for b in second[1:5] if b > 127) == 4):
        fail("second line is not a comment with four bytes > 127 (ISO 19005-2 6.1.2)")


def check_trailer(pdf):
    if "/Encrypt" in pdf.trailer:
        fail("file is encrypted (ISO 19005-2 6.1.3)")
    ids = pdf.trailer.get("/ID")
    if ids is None or len(ids) != 2:
        fail("trailer has no /ID array of two strings (ISO 19005-2 6.1.3)")


def check_xmp(pdf, part):
    root = pdf.Root
    meta = root.get("/Metadata")
    if meta is None:
        fail("catalog has no /Metadata stream (ISO 19005-2 6.6.2.1)")
        return
    if "/Filter" in meta:
        fail("metadata stream is filtered")
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        got_part = xmp.get("pdfaid:part")
        conf = xmp.get("pdfaid:conformance")
        if str(got_part) != str(part):
            fail(f"pdfaid:part is {got_part!r}, expected {part}")
        if conf != "B":
            fail(f"pdfaid:conformance is {conf!r}, expected 'B'")
        info = pdf.trailer.get("/Info")
        if info is None:
            return
        pairs = [("/Title", "dc:title"), ("/Producer", "pdf:Producer"), ("/Creator", "xmp:CreatorTool"),
                 ("/Keywords", "pdf:Keywords"), ("/Subject", "dc:description")]
        for key, prop in pairs:
            if key in info:
                xv = xmp.get(prop)
                if xv is None or str(xv) != str(info[key]):
                    fail(f"Info {key} = {str(info[key])!r} but XMP {prop} = {xv!r} (ISO 19005-2 6.6.3)")
        for key, prop in [("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")]:
            if key in info:
                a, b = as_instant(info[key]), as_instant(xmp.get(prop, ""))
                if a is None or b is None or a.astimezone(timezone.utc) != b.astimezone(timezone.utc):
                    fail(f"Info {key} and XMP {prop} are not the same instant (ISO 19005-2 6.6.3)")


def icc_space(data):
    return data[16:20]


def check_icc(data, n, where):
    expected = {1: b"GRAY", 3: b"RGB ", 4: b"CMYK"}.get(int(n))
    if icc_space(data) != expected:
        fail(f"{where}: ICC colour space {icc_space(data)!r} does not match /N {n}")
    try:
        from PIL import ImageCms
        prof = ImageCms.ImageCmsProfile(io.BytesIO(data))
        srgb = ImageCms.createProfile("sRGB")
        mode = {1: "L", 3: "RGB", 4: "CMYK"}[int(n)]
        ImageCms.buildTransform(prof, srgb, mode, "RGB")
    except Exception as e:  # LittleCMS refused the profile
        fail(f"{where}: ICC profile rejected by LittleCMS: {e}")


def check_output_intent(pdf):
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        fail("no /OutputIntents (ISO 19005-2 6.2.3)")
        return None
    pdfa = [i for i in intents if i.get("/S") == Name.GTS_PDFA1]
    if not pdfa:
        fail("no OutputIntent with /S /GTS_PDFA1")
        return None
    prof = pdfa[0].get("/DestOutputProfile")
    if prof is None:
        fail("PDF/A OutputIntent without /DestOutputProfile")
        return None
    data = prof.read_bytes()
    check_icc(data, prof.get("/N", 0), "OutputIntent")
    return icc_space(data)


FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
                     "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}


def walk_objects(pdf):
    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj


def filters_of(obj):
    f = obj.get("/Filter")
    if f is None:
        return []
    return [str(x) for x in f] if isinstance(f, pikepdf.Array) else [str(f)]


def check_objects(pdf, part):
    for obj in walk_objects(pdf):
        if isinstance(obj, pikepdf.Stream):
            if "/LZWDecode" in filters_of(obj):
                fail(f"object {obj.objgen}: LZWDecode filter (ISO 19005-2 6.1.7.2)")
            if "/F" in obj or "/FFilter" in obj:
                fail(f"object {obj.objgen}: external stream data (ISO 19005-2 6.1.7.1)")
        if obj.get("/S") in [Name(a) for a in FORBIDDEN_ACTIONS]:
            fail(f"object {obj.objgen}: forbidden action {obj.get('/S')} (ISO 19005-2 6.5.1)")
        if "/JS" in obj:
            fail(f"object {obj.objgen}: JavaScript")
        if obj.get("/Subtype") == Name.Image:
            if obj.get("/Interpolate") is True:
                fail(f"image {obj.objgen}: /Interpolate true (ISO 19005-2 6.2.8)")
            for k in ("/Alternates", "/OPI"):
                if k in obj:
                    fail(f"image {obj.objgen}: {k} (ISO 19005-2 6.2.8)")
        if obj.get("/Subtype") == Name.PS or obj.get("/Subtype2") == Name.PS:
            fail(f"object {obj.objgen}: PostScript XObject (ISO 19005-2 6.2.9)")
        if obj.get("/Type") == Name.Font and obj.get("/Subtype") not in (Name.Type3, Name.Type0):
            fd = obj.get("/FontDescriptor")
            if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                fail(f"font {obj.get('/BaseFont')} is not embedded (ISO 19005-2 6.2.11.4.1)")
        if obj.get("/Type") == Name.Annot or "/Rect" in obj and "/Subtype" in obj and "/P" in obj:
            sub = obj.get("/Subtype")
            if sub != Name.Popup:
                flags = int(obj.get("/F", 0))
                if not flags & 4 or flags & (1 | 2 | 32):
                    fail(f"annotation {obj.objgen}: /F must set Print and not Hidden/Invisible/NoView")
                rect = [float(x) for x in obj.get("/Rect", [0, 0, 0, 0])]
                zero = rect[0] == rect[2] or rect[1] == rect[3]
                if sub != Name.Link and not zero and "/AP" not in obj:
                    fail(f"annotation {obj.objgen}: no appearance stream (ISO 19005-2 6.3.3)")
        if obj.get("/Subtype") == Name.Image:
            check_colorspace(obj.get("/ColorSpace"), f"image {obj.objgen}")


def check_colorspace(cs, where):
    """ICCBased colour spaces carry a valid profile whose /N matches it."""
    if isinstance(cs, pikepdf.Array) and len(cs) >= 2:
        if cs[0] == Name.ICCBased:
            check_icc(cs[1].read_bytes(), cs[1].get("/N", 0), where)
        elif cs[0] == Name.Indexed:
            check_colorspace(cs[1], where)


def check_pages(pdf, intent_space):
    if len(pdf.pages) == 0:
        fail("no pages")
    for n, page in enumerate(pdf.pages, 1):
        if "/MediaBox" not in page.obj and page.obj.get("/Parent", {}).get("/MediaBox") is None:
            fail(f"page {n}: no /MediaBox")
        res = page.obj.get("/Resources", pikepdf.Dictionary())
        spaces = res.get("/ColorSpace", pikepdf.Dictionary())
        for name, cs in spaces.items():
            check_colorspace(cs, f"page {n} colour space {name}")
        for name, xo in res.get("/XObject", pikepdf.Dictionary()).items():
            cs = xo.get("/ColorSpace")
            if cs == Name.DeviceCMYK and intent_space != b"CMYK" and "/DefaultCMYK" not in spaces:
                fail(f"page {n}: image {name} in DeviceCMYK with an RGB OutputIntent (ISO 19005-2 6.2.4.3)")
            if cs == Name.DeviceRGB and intent_space != b"RGB " and "/DefaultRGB" not in spaces:
                fail(f"page {n}: image {name} in DeviceRGB without an RGB OutputIntent")


def check_embedded_files(pdf, part):
    names = pdf.Root.get("/Names", pikepdf.Dictionary())
    ef_tree = names.get("/EmbeddedFiles")
    if ef_tree is None:
        return
    if part < 3:
        fail("embedded files in a PDF/A-2 file (only PDF/A-3 allows arbitrary ones)")
    af = pdf.Root.get("/AF", pikepdf.Array())
    af_ids = {x.objgen for x in af}
    entries = list(ef_tree.get("/Names", pikepdf.Array()))
    for i in range(0, len(entries), 2):
        spec = entries[i + 1]
        label = str(entries[i])
        if "/AFRelationship" not in spec:
            fail(f"embedded file {label}: no /AFRelationship (ISO 19005-3 6.8)")
        if spec.objgen not in af_ids:
            fail(f"embedded file {label}: file specification not listed in the catalog /AF")
        if "/F" not in spec or "/UF" not in spec:
            fail(f"embedded file {label}: file specification lacks /F and /UF")
        ef = spec.get("/EF", pikepdf.Dictionary()).get("/F")
        if ef is None:
            fail(f"embedded file {label}: no /EF /F stream")
            continue
        if "/Subtype" not in ef:
            fail(f"embedded file {label}: no MIME /Subtype")
        if "/ModDate" not in ef.get("/Params", pikepdf.Dictionary()):
            fail(f"embedded file {label}: no /Params /ModDate")


def main():
    path = sys.argv[1]
    part = int(sys.argv[sys.argv.index("--part") + 1]) if "--part" in sys.argv else None
    check_header(path)
    with pikepdf.open(path) as pdf:
        if part is None:
            part = 3 if "/EmbeddedFiles" in pdf.Root.get("/Names", pikepdf.Dictionary()) else 2
        check_trailer(pdf)
        check_xmp(pdf, part)
        space = check_output_intent(pdf)
        check_objects(pdf, part)
        check_pages(pdf, space)
        check_embedded_files(pdf, part)
        if "/Names" in pdf.Root and "/JavaScript" in pdf.Root.Names:
            fail("document-level JavaScript")
        if "/OpenAction" in pdf.Root and pdf.Root.OpenAction.get("/S") == Name.JavaScript:
            fail("JavaScript OpenAction")
    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print(f"PDF/A check OK (PDF/A-{part}B)")


if __name__ == "__main__":
    main()
