//! What the tests and benchmarks need from outside Cargo, in one place.
//!
//! Each issue that brings a new outside tool adds it here; `cargo xtask test` installs what is
//! missing and nothing else, so a second run installs nothing.

/// Debian packages the build itself needs (`cargo xtask demo` installs these too).
pub const BUILD_APT: &[(&str, &str)] = &[
    (
        "pkg-config",
        "finds system libraries for -sys crates (GTK/WebKit of the app)",
    ),
    (
        "libtesseract5",
        "Tesseract's C library, loaded at run time by hoso-ocr (only OCR needs it)",
    ),
    ("tesseract-ocr", "Tesseract engine data (osd, eng)"),
    ("tesseract-ocr-vie", "Vietnamese OCR model"),
    (
        "libsane-dev",
        "libsane for hoso-scan's SANE layer (links -lsane)",
    ),
];

/// Debian packages the tests and benchmarks need: (package, why).
pub const APT: &[(&str, &str)] = &[
    (
        "poppler-utils",
        "pdfinfo, pdffonts, pdfimages, pdftoppm, pdftotext, pdfsig",
    ),
    ("qpdf", "qpdf --check"),
    ("python3-venv", "a venv for the Python validators"),
    ("ghostscript", "independent renderer used by the PDF tests"),
    (
        "sane-utils",
        "scanimage, the SANE `test` backend's peer in the scan tests",
    ),
    ("unpaper", "peer tool for `cargo xtask bench cleanup`"),
    (
        "fonts-dejavu-core",
        "fonts for the synthetic scans of the cleanup tests",
    ),
    (
        "imagemagick",
        "skews and noises pages for the OCR tests; reads back cleaned pages in the scan tests",
    ),
    ("libtiff-tools", "tiffinfo checks the CCITT G4 TIFF pages"),
    (
        "openssl",
        "openssl cms -verify and the local RFC 3161 test TSA (openssl ts -reply)",
    ),
    (
        "libnss3-tools",
        "certutil: the NSS trust store pdfsig reads",
    ),
    ("sqlite3", "hand edits of the register in the tamper tests"),
    (
        "libxml2-utils",
        "xmllint: validates `hoso verify --etsi-xml` against the ETSI TS 119 102-2 schema",
    ),
    (
        "build-essential",
        "C toolchain for the desktop app's GTK/WebKit bindings",
    ),
    (
        "libwebkit2gtk-4.1-dev",
        "WebKitGTK for the desktop app (Tauri v2)",
    ),
    ("xvfb", "headless X server for the desktop WebDriver test"),
    (
        "webkit2gtk-driver",
        "WebKitWebDriver, driven by tauri-driver in the desktop test",
    ),
    (
        "softhsm2",
        "a real PKCS#11 token for the token and batch signing tests and `cargo xtask bench batch`",
    ),
    (
        "chromium",
        "headless browser in which the `hoso serve` page test (tests/serve_page.rs) runs",
    ),
    (
        "chromium-driver",
        "chromedriver: the WebDriver server that test drives Chromium through",
    ),
    (
        "curl",
        "checks `hoso serve` over HTTPS with a test certificate",
    ),
    (
        "opensc",
        "pkcs11-tool: imports the demo keys and certificates onto the SoftHSM2 test tokens",
    ),
];

/// What `cargo xtask app` needs to build and start the desktop app (a subset of [`APT`]).
pub const APP_APT: &[(&str, &str)] = &[
    ("build-essential", "C toolchain for the GTK/WebKit bindings"),
    ("pkg-config", "finds GTK and WebKitGTK"),
    ("libwebkit2gtk-4.1-dev", "WebKitGTK (Tauri v2)"),
];

/// Python packages installed into the project's venv under `target/venv`: (requirement, why).
pub const PIP: &[(&str, &str)] = &[
    ("pikepdf>=9", "structural PDF/A checks"),
    (
        "pypdf>=4",
        "a second text extractor (after pdftotext) in the OCR reading-order tests",
    ),
    (
        "pyhanko>=0.25",
        "independent PAdES validator and signer for the interop tests",
    ),
    (
        "pyhanko-cli>=0.1",
        "the `pyhanko` command (sign addsig, sign validate)",
    ),
    (
        "importlib-resources>=6",
        "needed by eark-validator (installed without its pins, see PIP_NO_DEPS)",
    ),
    (
        "pydantic>=2",
        "needed by eark-validator (installed without its pins, see PIP_NO_DEPS)",
    ),
    ("lxml>=5.4", "pyHanko and eark-validator share one lxml"),
];

/// Python packages installed with `--no-deps` after [`PIP`]: eark-validator 1.1.3 pins
/// `lxml==5.1.0`, which pyHanko cannot use; it runs unchanged on the newer lxml above (see
/// ../shared/eark/README.md). The E-ARK tests run it through fixtures/eark/validator/validate.py
/// (the team's ../shared/eark wrapper, copied into the repository so a clean clone has it).
pub const PIP_NO_DEPS: &[(&str, &str)] = &[(
    "eark-validator==1.1.3",
    "the E-ARK reference validator for the export-eark tests",
)];

/// Python packages only the benchmarks need (installed by `cargo xtask bench`, not by tests).
pub const BENCH_PIP: &[(&str, &str)] = &[
    ("img2pdf>=0.5", "peer tool for `cargo xtask bench build`"),
    ("ocrmypdf>=16", "peer tool for `cargo xtask bench ocr`"),
    (
        "python-pkcs11>=0.7",
        "pyHanko's PKCS#11 signer, the token peer for `cargo xtask bench batch`",
    ),
];

/// Debian packages `cargo xtask windows` needs to cross-build `hoso.exe` and run it here.
pub const WINDOWS_APT: &[(&str, &str)] = &[
    (
        "mingw-w64",
        "the x86_64-w64-mingw32 linker and C compiler for the x86_64-pc-windows-gnu target",
    ),
    (
        "wine64",
        "runs hoso.exe on this machine for the end-to-end tests (loader /usr/lib/wine/wine64)",
    ),
];
