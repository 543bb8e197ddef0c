//! hoso-desktop: the desktop door onto the hoso crates (Tauri v2). It parses its arguments,
//! opens one window — the officer's (every screen) or the citizens' kiosk (verification only) —
//! and answers the page's commands, each a few lines into hoso-office — the flows the `hoso` CLI
//! calls too, so both write the same files and the same register entries (see [`commands`]). The page is `ui/` (plain HTML, CSS, ES modules), compiled into the
//! binary and served through Tauri's custom protocol under a strict CSP; what each window may
//! call is fixed by `capabilities/officer.json` and `capabilities/kiosk.json`.
//!
//! ```text
//! hoso-desktop [--workspace DIR] [FILE...]     officer: FILEs are imported into Số hóa
//! hoso-desktop --kiosk [--idle-seconds N] [--usb-root DIR]
//!                                              kiosk: full screen, verify only
//! ```

#![forbid(unsafe_code)]

mod commands;
mod error;
mod form;
mod office;
#[cfg(test)]
mod parity_tests;
mod sources;
mod state;
mod usb;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context;
use clap::Parser;
use tauri::{DragDropEvent, Emitter, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use state::{Mode, Session};

/// Hồ sơ số: số hóa, ký số, tra cứu / digitize, sign, verify.
#[derive(Parser, Debug)]
#[command(name = "hoso-desktop", version)]
struct Args {
    /// Chế độ quầy tra cứu cho công dân / citizens' kiosk: full screen, verify only.
    #[arg(long)]
    kiosk: bool,
    /// Quầy: số giây không thao tác trước khi về màn hình đầu / kiosk: idle seconds before reset.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=3600))]
    idle_seconds: u32,
    /// Thư mục làm việc: hồ sơ, cài đặt, sổ đăng ký / the workspace: dossiers, settings, register
    /// (default $HOSO_WORKSPACE or ~/HoSo).
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,
    /// Ảnh quét hoặc PDF để nhập vào Số hóa / scans or PDFs to import (officer mode).
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Quầy: thư mục gắn ổ USB (khi không phải /media) / kiosk: a folder where USB drives are
    /// mounted, listed by "Chọn tệp từ USB" besides the removable drives found (repeatable).
    #[arg(long, value_name = "DIR")]
    usb_root: Vec<PathBuf>,
    /// Added by WebKitWebDriver when it launches the app for a WebDriver session.
    #[arg(long, hide = true)]
    automation: bool,
}

/// Process settings read by libraries when they load, before `main` runs: so when one is missing
/// the app starts itself again with all of them set (the same door as
/// `hoso_office::limit_openmp_threads`, which explains the OpenMP one).
/// - `OMP_THREAD_LIMIT=1`: one Tesseract engine per core without OpenMP teams on top.
/// - `MALLOC_ARENA_MAX=2`, `MALLOC_MMAP_THRESHOLD_=4194304`: thumbnails decode whole scans
///   (≈ 12 MB each) on the blocking pool's threads; with glibc's defaults each thread gets its own
///   arena and the freed buffers stay in them, so the app's RSS grew with every page browsed.
const PROCESS_ENV: [(&str, &str); 3] = [
    ("OMP_THREAD_LIMIT", "1"),
    ("MALLOC_ARENA_MAX", "2"),
    ("MALLOC_MMAP_THRESHOLD_", "4194304"),
];

fn tune_process() {
    if PROCESS_ENV
        .iter()
        .all(|(k, _)| std::env::var_os(k).is_some())
    {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let mut cmd = std::process::Command::new(exe);
            cmd.args(std::env::args_os().skip(1));
            for (k, v) in PROCESS_ENV {
                if std::env::var_os(k).is_none() {
                    cmd.env(k, v);
                }
            }
            // exec only returns on failure; then carry on with the defaults.
            let _ = cmd.exec();
        }
    }
}

fn main() -> ExitCode {
    tune_process();
    let started = SystemTime::now();
    let args = Args::parse();
    match run(args, started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hoso-desktop: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Only the app's own pages, served by the custom protocol, may load in a window.
fn is_app_url(url: &tauri::Url) -> bool {
    matches!(url.scheme(), "tauri") || url.host_str() == Some("tauri.localhost")
}

fn run(args: Args, started: SystemTime) -> anyhow::Result<()> {
    let mode = if args.kiosk {
        Mode::Kiosk
    } else {
        Mode::Officer
    };
    // The workspace, register, station and settings come from hoso-office's resolver, the same
    // the CLI uses: `--workspace`, `HOSO_WORKSPACE`, `HOSO_REGISTER`, `HOSO_STATION`, the
    // settings file.
    let office = office::Office::open(args.workspace.clone())?;
    let session = Session::new(mode, office.workspace(), started, args.idle_seconds);
    let startup_files = if mode == Mode::Officer {
        args.files
    } else {
        Vec::new()
    };
    with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .manage(office)
        .manage(usb::UsbPicker::new(args.usb_root))
        .setup(move |app| {
            match mode {
                Mode::Officer => open_officer_window(app.handle())?,
                Mode::Kiosk => open_kiosk_window(app.handle())?,
            }
            if !startup_files.is_empty() {
                import_in_background(app.handle().clone(), startup_files.clone());
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .context("không chạy được ứng dụng / the app could not run")
}

/// Every command the pages may call (each window's capability file grants its share).
fn with_commands(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::digitize::pick_files,
        commands::digitize::list_sources,
        commands::digitize::remove_sources,
        commands::digitize::source_preview,
        commands::digitize::validate_dossier,
        commands::digitize::build_dossier,
        commands::cancel_flow,
        commands::draft::save_draft,
        commands::draft::restore_draft,
        commands::open::open_document,
        commands::open::save_document_as,
        commands::sign::unlock_key,
        commands::sign::lock_key,
        commands::sign::token_status,
        commands::sign::pick_pdfs,
        commands::sign::sign_documents,
        commands::sign::page_preview,
        commands::sign::signature_box,
        commands::verify::verify_document,
        commands::verify::pick_pdf_to_verify,
        commands::verify::lookup_qr,
        commands::verify::usb_documents,
        commands::verify::open_usb_document,
        commands::verify::save_verify_report,
        commands::register::register_page,
        commands::register::register_audit,
        commands::register::register_export,
        commands::settings::get_settings,
        commands::settings::save_settings,
        commands::settings::pick_p12,
        commands::settings::add_trust_root,
        commands::settings::set_key_source,
        commands::settings::token_modules,
        commands::settings::pick_pkcs11,
        commands::settings::pick_stamp_image,
        commands::report::report_period,
        commands::report::make_report_files,
        commands::backup::pick_backup_dir,
        commands::backup::clear_backup_dir,
        commands::backup::backup_now_to_all,
        commands::backup::check_backup,
        commands::copy::next_copy_number,
        commands::copy::make_copies,
        commands::scan::list_scanners,
        commands::scan::scan,
        commands::scan::cancel_scan,
    ])
}

/// Imports files off the main thread and tells the officer's page the new list.
fn import_in_background(app: tauri::AppHandle, paths: Vec<PathBuf>) {
    tauri::async_runtime::spawn_blocking(move || {
        let list = app.state::<Session>().import(&paths);
        // The page also asks for the list when it starts, so a missed event loses nothing.
        let _ = app.emit_to("main", "sources-changed", list);
    });
}

fn open_officer_window(app: &tauri::AppHandle) -> tauri::Result<()> {
    let window = WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
        .title("Hồ sơ số")
        .inner_size(1200.0, 780.0)
        .min_inner_size(900.0, 600.0)
        .on_navigation(is_app_url)
        .build()?;
    let handle = app.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
            import_in_background(handle.clone(), paths.clone());
        }
    });
    Ok(())
}

/// Full-screen-sized, undecorated, on top. `fullscreen` alone is ignored without a window
/// manager (bare X servers in kiosks and tests), so the window is also sized to the monitor.
fn open_kiosk_window(app: &tauri::AppHandle) -> tauri::Result<()> {
    let (w, h) = match app.primary_monitor()? {
        Some(m) => {
            let size = m.size().to_logical::<f64>(m.scale_factor());
            (size.width, size.height)
        }
        None => (1280.0, 800.0),
    };
    // A file dropped on the kiosk is taken by the native handler (the web view never navigates
    // to it) and becomes the one document the kiosk checks; nothing else of the file system is
    // reachable from the kiosk.
    let window = WebviewWindowBuilder::new(app, "kiosk", WebviewUrl::App("index.html".into()))
        .title("Tra cứu hồ sơ")
        .position(0.0, 0.0)
        .inner_size(w, h)
        .decorations(false)
        .fullscreen(true)
        .always_on_top(true)
        .resizable(false)
        .on_navigation(is_app_url)
        .build()?;
    let handle = app.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
            if let Some(p) = paths.first() {
                let doc = handle
                    .state::<office::Office>()
                    .add_document(p.clone(), None, None);
                let _ = handle.emit_to("kiosk", "verify-document", doc);
            }
        }
    });
    Ok(())
}
