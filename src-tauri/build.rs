//! Compiles tauri.conf.json, ui/ and the capabilities into the binary.
//!
//! Every app command is listed here so that Tauri generates an `allow-<command>` permission for it
//! and denies it to any window whose capability file does not name it (least privilege: the kiosk
//! window gets only what verification needs).

fn main() {
    println!("cargo:rerun-if-changed=../ui");
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "pick_files",
        "list_sources",
        "remove_sources",
        "source_preview",
        "validate_dossier",
        "build_dossier",
        "cancel_flow",
        "save_draft",
        "restore_draft",
        "open_document",
        "save_document_as",
        "unlock_key",
        "lock_key",
        "token_status",
        "pick_pdfs",
        "sign_documents",
        "page_preview",
        "signature_box",
        "verify_document",
        "pick_pdf_to_verify",
        "save_verify_report",
        "lookup_qr",
        "usb_documents",
        "open_usb_document",
        "register_page",
        "register_audit",
        "register_export",
        "get_settings",
        "save_settings",
        "pick_p12",
        "add_trust_root",
        "set_key_source",
        "token_modules",
        "pick_pkcs11",
        "pick_stamp_image",
        "report_period",
        "make_report_files",
        "pick_backup_dir",
        "clear_backup_dir",
        "backup_now_to_all",
        "check_backup",
        "next_copy_number",
        "make_copies",
        "list_scanners",
        "scan",
        "cancel_scan",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build: invalid tauri.conf.json, capabilities or icons");
}
