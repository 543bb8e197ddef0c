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
        "build-essential",
        "C toolchain for the desktop app's GTK/WebKit bindings",
    ),
    ("pkg-config", "finds GTK and WebKitGTK for the desktop app"),
    (
        "libwebkit2gtk-4.1-dev",
        "WebKitGTK for the desktop app (Tauri v2)",
    ),
    ("xvfb", "headless X server for the desktop WebDriver test"),
    (
        "webkit2gtk-driver",
        "WebKitWebDriver, driven by tauri-driver in the desktop test",
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
    ("img2pdf>=0.5", "peer tool for `cargo xtask bench build`"),
];
