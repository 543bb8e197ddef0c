//! Issue #15 point 5: a `hoso build` killed with SIGKILL keeps the old output and leaves its
//! hidden temporary file; the next run writing into that folder removes it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hoso_e2e::fixture;
use hoso_e2e::sign_support::hoso;

fn temps(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(".out.pdf.") && n.ends_with(".tmp"))
        })
        .collect()
}

fn build(out: &Path, inputs: &[PathBuf]) -> Command {
    let mut c = Command::new(hoso());
    c.arg("build")
        .arg("--out")
        .arg(out)
        .arg("--code")
        .arg("000.00.15.H12-261129-0001")
        .arg("--title")
        .arg("Kiểm thử")
        .args(inputs)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

#[test]
fn sigkilled_build_leaves_a_temp_file_that_the_next_run_removes() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in");
    std::fs::create_dir(&src).unwrap();
    let jpeg = fixture("to_khai_a4_200dpi.jpg");
    let inputs: Vec<PathBuf> = (0..1500)
        .map(|i| {
            let p = src.join(format!("trang_{i:03}.jpg"));
            std::fs::copy(&jpeg, &p).unwrap();
            p
        })
        .collect();
    let out = dir.path().join("out.pdf");
    std::fs::write(&out, b"old output").unwrap();
    // Runs killed while writing leave their temporary files behind. A kill can land just after
    // the rename (the write itself takes a few tens of milliseconds here); then the output is the
    // new, complete PDF and nothing is left, which is also correct.
    let mut left_behind = 0;
    for _ in 0..3 {
        let mut child = build(&out, &inputs).spawn().unwrap();
        let pid = child.id();
        let start = Instant::now();
        let mine = |dir: &Path| {
            temps(dir)
                .into_iter()
                .any(|p| p.to_string_lossy().contains(&format!(".{pid}-")))
        };
        while !mine(dir.path()) && start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(1));
        }
        // SIGKILL while it writes (no destructor runs).
        child.kill().unwrap();
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        if status.signal() == Some(9) && mine(dir.path()) {
            left_behind += 1;
            let now = std::fs::read(&out).unwrap();
            assert!(
                now == b"old output" || now.starts_with(b"%PDF-"),
                "the output is the old one or a whole new PDF"
            );
        }
    }
    assert!(left_behind >= 1, "no killed run left its temporary file");
    // Each run already swept the temporary file of the run killed before it: three kills leave
    // at most the last one's.
    assert!(temps(dir.path()).len() <= 1, "{:?}", temps(dir.path()));
    // The next run into the folder sweeps them and writes the output.
    let status = build(&out, &inputs[..2]).status().unwrap();
    assert!(status.success());
    assert!(temps(dir.path()).is_empty(), "{:?}", temps(dir.path()));
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
}
