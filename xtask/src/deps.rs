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
    ("sqlite3", "hand edits of the register in the tamper tests"),
    (
        "openssl",
        "independent Ed25519 check of register checkpoints",
    ),
];

/// Python packages installed into the project's venv under `target/venv`: (requirement, why).
pub const PIP: &[(&str, &str)] = &[
    ("pikepdf>=9", "structural PDF/A checks"),
    ("img2pdf>=0.5", "peer tool for `cargo xtask bench build`"),
];
