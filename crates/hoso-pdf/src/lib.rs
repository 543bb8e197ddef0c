//! hoso-pdf: the PDF/A dossier writer (work in progress).

pub mod atomic;
