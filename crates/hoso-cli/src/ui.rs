//! Terminal presentation: errors, progress bars, and Ctrl-C as the flows' cancel.

use hoso_office::{Cancel, Event};
use indicatif::{ProgressBar, ProgressStyle};

/// Prints an error chain to stderr.
pub fn print_error(e: &anyhow::Error) {
    eprintln!("Lỗi / error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  do / caused by: {cause}");
    }
}

/// A cancel flag set by Ctrl-C (the flow stops at the next page or file and leaves nothing).
pub fn ctrl_c() -> Cancel {
    let cancel = Cancel::new();
    let flag = cancel.clone();
    // Only one handler per process; a second flow in the same process keeps the first's.
    let _ = ctrlc::set_handler(move || {
        eprintln!("\nĐang hủy… / cancelling…");
        flag.cancel();
    });
    cancel
}

/// A progress bar on stderr (hidden when stderr is not a terminal).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar with a message and no length yet.
    pub fn new(message: &'static str) -> Self {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(message);
        Self { bar }
    }

    fn stage(&self, first: bool, message: &'static str, done: usize, total: usize) {
        if first {
            self.bar.set_message(message);
            self.bar.set_length(total as u64);
        }
        self.bar.set_position(done as u64);
    }

    /// Follows a flow.
    pub fn on_event(&self, e: &Event) {
        match e {
            Event::Planned { pages } => self.bar.set_length(*pages as u64),
            Event::Clean { done, total } => {
                self.stage(*done == 1, "Làm sạch trang / cleaning pages", *done, *total)
            }
            Event::Ocr { done, total } => {
                self.stage(*done == 1, "OCR tiếng Việt / OCR", *done, *total)
            }
            Event::Page { done, total, .. } => {
                self.stage(*done == 1, "Ghi trang / writing pages", *done, *total)
            }
            Event::Finishing => self.bar.set_message("Hoàn tất / finishing"),
            Event::File {
                done,
                total,
                name,
                ok,
            } => {
                self.bar.set_length(*total as u64);
                self.bar.set_position(*done as u64);
                if !ok {
                    self.bar.println(format!("Lỗi / failed: {name}"));
                }
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The lines every flow that writes a file prints under its first: the file's hash, its
/// register entry and QR payload, and the notes for the officer.
pub fn print_registered(sha256: &str, registered: &hoso_office::Registered, warnings: &[String]) {
    println!("  SHA-256: {sha256}");
    println!(
        "  Mục sổ / register entry: {} · QR: {}",
        registered.seq, registered.qr
    );
    for w in warnings {
        println!("  Lưu ý / note: {w}");
    }
}
