//! What the tests and benchmarks need from outside Cargo, in one place.
//!
//! Each issue that brings a new outside tool adds it here; `cargo xtask test` installs what is
//! missing and nothing else, so a second run installs nothing.

/// Debian packages: (package, why).
pub const APT: &[(&str, &str)] = &[
    (
        "poppler-utils",
        "pdfinfo, pdffonts, pdfimages, pdftoppm, pdftotext, pdfsig",
    ),
    ("qpdf", "qpdf --check"),
    ("python3-venv", "a venv for the Python validators"),
    ("ghostscript", "independent renderer used by the PDF tests"),
    (
        "openssl",
        "openssl cms -verify and the local RFC 3161 test TSA (openssl ts -reply)",
    ),
    (
        "libnss3-tools",
        "certutil: the NSS trust store pdfsig reads",
    ),
];

/// Python packages installed into the project's venv under `target/venv`: (requirement, why).
pub const PIP: &[(&str, &str)] = &[
    ("pikepdf>=9", "structural PDF/A checks"),
    ("img2pdf>=0.5", "peer tool for `cargo xtask bench build`"),
    (
        "pyhanko>=0.25",
        "independent PAdES validator and signer for the interop tests",
    ),
    (
        "pyhanko-cli>=0.1",
        "the `pyhanko` command (sign addsig, sign validate)",
    ),
];
