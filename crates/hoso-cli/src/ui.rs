//! Terminal presentation: errors and progress.

/// Prints an error chain to stderr.
pub fn print_error(e: &anyhow::Error) {
    eprintln!("Lỗi / error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  do / caused by: {cause}");
    }
}
