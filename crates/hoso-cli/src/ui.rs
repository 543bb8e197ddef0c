//! Terminal presentation: errors and progress bars.

use indicatif::{ProgressBar, ProgressStyle};

/// Prints an error chain to stderr.
pub fn print_error(e: &anyhow::Error) {
    eprintln!("Lỗi / error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  do / caused by: {cause}");
    }
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

    /// Follows a dossier build.
    pub fn on_build_event(&mut self, e: &hoso_dossier::BuildEvent) {
        match e {
            hoso_dossier::BuildEvent::Planned { pages } => self.bar.set_length(*pages as u64),
            hoso_dossier::BuildEvent::Clean { done, total } => {
                if *done == 1 {
                    self.bar.set_message("Làm sạch trang / cleaning pages");
                    self.bar.set_length(*total as u64);
                }
                self.bar.set_position(*done as u64);
            }
            hoso_dossier::BuildEvent::Ocr { done, total } => {
                if *done == 1 {
                    self.bar.set_message("OCR tiếng Việt / OCR");
                    self.bar.set_length(*total as u64);
                }
                self.bar.set_position(*done as u64);
            }
            hoso_dossier::BuildEvent::Page { done, total, .. } => {
                if *done == 1 {
                    self.bar.set_message("Ghi trang / writing pages");
                    self.bar.set_length(*total as u64);
                }
                self.bar.set_position(*done as u64)
            }
            hoso_dossier::BuildEvent::Finishing => self.bar.set_message("Hoàn tất / finishing"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
