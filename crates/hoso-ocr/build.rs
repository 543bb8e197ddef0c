//! Links libtesseract (Debian `libtesseract-dev`), found through pkg-config.

fn main() {
    if let Err(e) = pkg_config::Config::new()
        .atleast_version("4.1")
        .probe("tesseract")
    {
        println!(
            "cargo:warning=libtesseract not found through pkg-config ({e}); \
             install it with `sudo apt-get install -y libtesseract-dev tesseract-ocr-vie`"
        );
        println!("cargo:rustc-link-lib=tesseract");
    }
}
