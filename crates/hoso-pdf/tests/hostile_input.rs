//! Parsers of outside input never panic: valid files are truncated and have bytes flipped at
//! random (a fixed-seed xorshift, so failures reproduce), and every parser must return Ok or Err.

use std::io::Cursor;
use std::path::Path;

use hoso_pdf::import::PdfImporter;
use hoso_pdf::tiff::TiffPages;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name),
    )
    .expect("fixture")
}

/// Truncations at many points, then random 1–8 byte flips (header-heavy, where parsers branch).
fn mutants(data: &[u8], seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut rng = XorShift(seed);
    let mut out = Vec::with_capacity(count + 64);
    for i in 0..64 {
        out.push(data[..data.len() * i / 64].to_vec());
    }
    for _ in 0..count {
        let mut m = data.to_vec();
        for _ in 0..1 + rng.next() % 8 {
            let span = if rng.next().is_multiple_of(2) {
                512.min(m.len())
            } else {
                m.len()
            };
            let at = (rng.next() as usize) % span.max(1);
            m[at] = rng.next() as u8;
        }
        out.push(m);
    }
    out
}

#[test]
fn jpeg_parser_survives_mutations() {
    for m in mutants(&fixture("to_khai_a4_200dpi.jpg"), 1, 600) {
        let _ = hoso_pdf::jpeg::page(m);
    }
}

#[test]
fn png_parser_survives_mutations() {
    for m in mutants(&fixture("to_khai_trang2_gray_a4_150dpi.png"), 2, 1500) {
        let _ = hoso_pdf::png::page(&m);
    }
}

#[test]
fn tiff_reader_survives_mutations() {
    for m in mutants(&fixture("giay_chung_sinh_g4_2pages.tiff"), 3, 3000) {
        if let Ok(pages) = TiffPages::open(Cursor::new(&m)) {
            for p in pages.take(4) {
                let _ = p;
            }
        }
        let _ = TiffPages::count(Cursor::new(&m));
    }
}

#[test]
fn pdf_importer_survives_mutations() {
    let data = fixture("cong_van_1page.pdf");
    for m in mutants(&data, 4, 120) {
        if let Ok(mut imp) = PdfImporter::load(&m) {
            let mut w = hoso_pdf::DossierWriter::new(Vec::new()).unwrap();
            for n in 1..=imp.page_count().min(3) {
                let _ = imp.import_page(&mut w, n);
            }
        }
    }
}
