//! `cargo xtask <command>`: the project's own commands, as the README lists them.
//!
//! - `demo`  — the tour of the product on the checked-in fixtures.
//! - `test`  — installs what the tests need (idempotently), then fmt, clippy and every test.
//! - `bench` — benchmarks against peer tools in the same run.
//! - `app`   — builds and starts the desktop app.

mod app;
mod bench;
mod bench_batch;
mod bench_build;
mod bench_cleanup;
mod bench_ocr;
mod bench_pdfa;
mod bench_register;
mod bench_report;
mod bench_serve;
mod bench_sign;
mod certs;
mod demo_copy;
mod demo_images;
mod demo_sign;
mod deps;
mod env;
mod fuzz;
/// The OCR tests' character error rate, compiled from their one copy (xtask uses part of it).
#[allow(dead_code)]
#[path = "../../tests/support/text_accuracy.rs"]
mod text_accuracy;
mod windows;

use std::process::ExitCode;

use anyhow::{bail, Result};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    match args.first().map(String::as_str) {
        Some("demo") => demo(&rest),
        Some("test") => test(&rest),
        Some("bench") => bench::run(&rest),
        Some("setup") => env::ensure_all(),
        Some("certs") if rest.first() == Some(&"images") => {
            demo_images::generate(&env::workspace_root().join("certs"))
        }
        Some("certs") => certs::generate(&env::workspace_root().join("certs")),
        Some("app") => app::run(&rest),
        Some("fuzz") => fuzz::run(&rest),
        Some("windows") => windows::run(&rest),
        _ => bail!(
            "usage: cargo xtask (demo | test | bench <build> | setup | app | fuzz | windows)\n\
             demo   — dựng hồ sơ mẫu / build the sample dossier from fixtures/\n\
             test   — cài công cụ kiểm thử và chạy mọi kiểm thử / install test tools, run every test\n\
             bench  — đo hiệu năng so với công cụ khác / benchmarks against peer tools\n\
             setup  — chỉ cài công cụ / only install the tools\n\
             app    — dựng và mở ứng dụng máy tính / build and start the desktop app\n\
             fuzz   — chạy fuzzing / run the fuzz targets: fuzz [TARGET] [--secs N]\n\
             windows — dựng hoso.exe, kiểm thử dưới Wine / cross-build hoso.exe: windows [--release] [test]"
        ),
    }
}

/// `cargo xtask test`: install what is missing, then fmt, clippy, and the whole test suite.
fn test(extra: &[&str]) -> Result<()> {
    env::ensure_all()?;
    let root = env::workspace_root();
    // Every command that writes a file registers it; tests that name no workspace must not
    // fill the user's own (~/HoSo) register.
    if std::env::var_os("HOSO_WORKSPACE").is_none() {
        let workspace = env::target_dir().join("test-workspace");
        std::fs::create_dir_all(&workspace)?;
        std::env::set_var("HOSO_WORKSPACE", workspace);
    }
    env::cargo(&root, &["fmt", "--all", "--", "--check"])?;
    env::cargo(
        &root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // The desktop app's tests need tauri-driver and run after everything else.
    let mut args = vec!["test", "--workspace", "--exclude", app::PACKAGE];
    args.extend_from_slice(extra);
    env::cargo(&root, &args)?;
    app::test(extra)
}

/// `cargo xtask demo`: build the `hoso` binary and take the tour on `fixtures/`.
fn demo(_extra: &[&str]) -> Result<()> {
    env::ensure_apt(deps::BUILD_APT)?;
    let root = env::workspace_root();
    env::cargo(&root, &["build", "--quiet", "--release", "-p", "hoso-cli"])?;
    let hoso = env::target_dir().join("release").join("hoso");
    let out = root.join("out").join("demo");
    std::fs::create_dir_all(&out)?;
    let fixtures = root.join("fixtures");
    let dossier = out.join("000.00.15.H12-261129-0001.pdf");
    let f = |name: &str| fixtures.join(name).display().to_string();
    env::run_tool(
        std::process::Command::new(&hoso)
            .arg("build")
            .arg("--ocr")
            .arg("--out")
            .arg(&dossier)
            .args(["--code", "000.00.15.H12-261129-0001"])
            .args([
                "--title",
                "Hồ sơ mẫu: đăng ký khai sinh / sample dossier: birth registration",
            ])
            .args(["--doc", "Tờ khai đăng ký khai sinh"])
            .arg(f("to_khai_a4_200dpi.jpg"))
            .arg(f("to_khai_trang2_gray_a4_150dpi.png"))
            .args(["--doc", "Giấy chứng sinh"])
            .arg(f("giay_chung_sinh_g4_2pages.tiff"))
            .args(["--doc", "Công văn kèm theo"])
            .arg(f("cong_van_1page.pdf")),
    )?;
    println!();
    let signed = demo_sign::sign_and_verify(&hoso, &dossier, &out)?;
    println!();
    println!("Ghi vào sổ đăng ký / entering both files in the register:");
    let register = out.join("register.sqlite");
    for (file, kind) in [(&dossier, "dossier"), (&signed, "signed")] {
        env::run_tool(
            std::process::Command::new(&hoso)
                .args([
                    "register",
                    "append",
                    "--kind",
                    kind,
                    "--station",
                    "Một cửa DEMO",
                ])
                .args(["--code", "000.00.15.H12-261129-0001", "--register"])
                .arg(&register)
                .arg(file),
        )?;
    }
    println!();
    println!("Tra cứu bản đã ký trong sổ / looking up the signed file:");
    env::run_tool(
        std::process::Command::new(&hoso)
            .args(["register", "lookup", "--register"])
            .arg(&register)
            .arg(&signed),
    )?;
    println!();
    let copy = demo_copy::copy_and_look_up(&hoso, &signed, &register, &out)?;
    println!();
    println!("Tìm theo nội dung (không dấu) / search by content, without diacritics:");
    env::run_tool(
        std::process::Command::new(&hoso)
            .args(["search", "-a", "nguyen thi hoa", "--index"])
            .arg(out.join("search.sqlite"))
            .arg(&dossier),
    )?;
    println!();
    println!(
        "Hồ sơ mẫu (PDF/A-3b, có lớp chữ OCR) / sample dossier: {}",
        dossier.display()
    );
    println!(
        "Bản đã ký số (PAdES) / signed copy:                    {}",
        signed.display()
    );
    println!(
        "Bản sao điện tử (sao y) / certified copy:              {}",
        copy.display()
    );
    Ok(())
}
