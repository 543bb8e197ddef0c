"""pyHanko doing what `hoso sign --batch` does, for `cargo xtask bench batch`: sign every PDF of
a directory into another, PAdES B-B, in one Python process (so interpreter start-up is paid
once, as hoso pays its own once), with a PKCS#12 file or a PKCS#11 token.

usage: bench_batch.py p12 IN_DIR OUT_DIR P12 PIN CA_PEM
       bench_batch.py pkcs11 IN_DIR OUT_DIR MODULE TOKEN_LABEL KEY_LABEL PIN CA_PEM
"""

import os
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers


def main() -> None:
    mode, in_dir, out_dir = sys.argv[1:4]
    session = None
    if mode == "p12":
        p12, pin, ca = sys.argv[4:7]
        signer = signers.SimpleSigner.load_pkcs12(
            p12, passphrase=pin.encode(), ca_chain_files=(ca,)
        )
    else:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        module, token, key, pin, ca = sys.argv[4:9]
        session = open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=token), user_pin=pin
        )
        signer = PKCS11Signer(
            session,
            cert_label=key,
            key_label=key,
            ca_chain=[load_cert_from_pemder(ca)],
        )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES
    )
    os.makedirs(out_dir, exist_ok=True)
    done = 0
    for name in sorted(os.listdir(in_dir)):
        if not name.lower().endswith(".pdf"):
            continue
        with open(os.path.join(in_dir, name), "rb") as inf:
            writer = IncrementalPdfFileWriter(inf)
            with open(os.path.join(out_dir, name), "wb") as outf:
                signers.sign_pdf(writer, meta, signer=signer, output=outf)
        done += 1
    if session is not None:
        session.close()
    print(done)


if __name__ == "__main__":
    main()
