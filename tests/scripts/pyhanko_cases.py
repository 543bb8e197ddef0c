"""Files made by pyHanko for hoso's modification-analysis tests (issue 14, point 2).

Usage: python pyhanko_cases.py CASE IN OUT [ARGS...]

  sign IN OUT P12 FIELD [certify-P|-] [x1,y1,x2,y2|-]
      PAdES signature in FIELD (created when missing; visible when a box is given), certifying
      with DocMDP P when given.
  version-ext IN OUT P12 FIELD
      a later signer raises the catalog /Version to 2.0 and registers an ISO 32002-style developer
      extension, then signs (all in the signed revision).
  fill IN OUT FIELD VALUE
      fills the text field FIELD: new /V and a new widget appearance stream.
  kid-field IN OUT NAME
      adds an empty signature field NAME whose widget is a separate kid annotation on page 1.
  dss-ts IN OUT TSA_URL CERT_PEM...
      adds the certificates to the DSS (in place when one exists) and a document timestamp.
"""

import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.extensions import DeveloperExtension
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation.dss import DocumentSecurityStore


def pades_meta(field, certify=None):
    kw = {}
    if certify is not None:
        kw = dict(certify=True, docmdp_permissions=fields.MDPPerm(certify))
    return signers.PdfSignatureMetadata(
        field_name=field, subfilter=fields.SigSeedSubFilter.PADES, **kw
    )


def sign(inp, out, p12, field, certify="-", box="-", before=None):
    signer = signers.SimpleSigner.load_pkcs12(p12, passphrase=b"1234")
    with open(inp, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        if before is not None:
            before(w)
        spec = None
        if box != "-":
            x1, y1, x2, y2 = (int(v) for v in box.split(","))
            spec = fields.SigFieldSpec(field, box=(x1, y1, x2, y2), on_page=0)
        meta = pades_meta(field, None if certify == "-" else int(certify))
        with open(out, "wb") as o:
            signers.sign_pdf(w, meta, signer=signer, output=o, new_field_spec=spec)


def version_ext(inp, out, p12, field):
    def bump(w):
        w.ensure_output_version((2, 0))
        w.register_extension(
            DeveloperExtension(
                prefix_name=generic.NameObject("/ISO_"),
                base_version=generic.NameObject("/2.0"),
                extension_level=32002,
                url="https://www.iso.org/standard/45876.html",
            )
        )
        w.update_root()

    sign(inp, out, p12, field, before=bump)


def fill(inp, out, name, value):
    with open(inp, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        for ref in w.root["/AcroForm"]["/Fields"]:
            fld = ref.get_object()
            if fld.get("/T") != name:
                continue
            fld["/V"] = generic.TextStringObject(value)
            r = fld["/Rect"]
            ap = generic.StreamObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/XObject"),
                    generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                    generic.NameObject("/BBox"): generic.ArrayObject(
                        [generic.FloatObject(0), generic.FloatObject(0),
                         generic.FloatObject(float(r[2]) - float(r[0])),
                         generic.FloatObject(float(r[3]) - float(r[1]))]
                    ),
                },
                stream_data=f"/Tx BMC BT 0 g 2 4 Td ({value}) Tj ET EMC".encode(),
            )
            fld["/AP"] = generic.DictionaryObject(
                {generic.NameObject("/N"): w.add_object(ap)}
            )
            w.mark_update(ref)
        with open(out, "wb") as o:
            w.write(o)


def kid_field(inp, out, name):
    with open(inp, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        page_ref = w.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        field = generic.DictionaryObject(
            {
                generic.NameObject("/FT"): generic.NameObject("/Sig"),
                generic.NameObject("/T"): generic.TextStringObject(name),
            }
        )
        field_ref = w.add_object(field)
        widget = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
                generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(0)] * 4),
                generic.NameObject("/F"): generic.NumberObject(132),
                generic.NameObject("/P"): page_ref,
                generic.NameObject("/Parent"): field_ref,
            }
        )
        widget_ref = w.add_object(widget)
        field["/Kids"] = generic.ArrayObject([widget_ref])
        annots = page.get("/Annots")
        if annots is None:
            page["/Annots"] = generic.ArrayObject([widget_ref])
            w.mark_update(page_ref)
        else:
            annots.append(widget_ref)
            w.update_container(annots)
        af = w.root["/AcroForm"]
        af["/Fields"].append(field_ref)
        w.update_container(af["/Fields"])
        with open(out, "wb") as o:
            w.write(o)


def dss_ts(inp, out, url, *pems):
    certs = [load_cert_from_pemder(p) for p in pems]
    with open(inp, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        # Updates an existing DSS in place (same object, new arrays), or adds one.
        DocumentSecurityStore.supply_dss_in_writer(w, None, certs=certs)
        ts = timestamps.HTTPTimeStamper(url)
        with open(out, "wb") as o:
            signers.PdfTimeStamper(ts).timestamp_pdf(w, "sha256", output=o)


CASES = {
    "sign": sign,
    "version-ext": version_ext,
    "fill": fill,
    "kid-field": kid_field,
    "dss-ts": dss_ts,
}

if __name__ == "__main__":
    CASES[sys.argv[1]](*sys.argv[2:])
