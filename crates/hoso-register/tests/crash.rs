//! Crash safety: a child process appends in a loop (single entries, batches, copies) and is
//! killed with SIGKILL at random moments, many times; after each kill the register must audit
//! clean, with every entry covered by a signed tree head and copy numbers gap-free.
//!
//! `harness = false`: the same binary is the child when started with `--child <path>`.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use hoso_register::{
    sha256_bytes, AuditOptions, CopyForm, CreateOptions, EntryKind, NewEntry, Register,
};

const KILLS: u32 = 40;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let Some(path) = args.get(2) else {
            eprintln!("usage: crash --child <register>");
            return ExitCode::from(2);
        };
        child(Path::new(path));
    }
    // `cargo test` passes filters and flags such as `--list`; only `--list` needs an answer.
    if args.iter().any(|a| a == "--list") {
        println!("kill_appender_at_random_moments: test");
        return ExitCode::SUCCESS;
    }
    let start = std::time::Instant::now();
    parent();
    println!("test kill_appender_at_random_moments ... ok");
    println!(
        "\ntest result: ok. 1 passed; 0 failed; finished in {:.2}s",
        start.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// Appends forever; the parent kills it.
fn child(path: &Path) -> ! {
    let mut reg = Register::open(path).expect("child opens the register");
    let mut i: u64 = std::process::id().into();
    loop {
        i += 1;
        let e = |k: u64| {
            let mut e = NewEntry::new(EntryKind::Dossier, sha256_bytes(&k.to_be_bytes()));
            e.title = Some(format!("Hồ sơ {k}"));
            e
        };
        match i % 4 {
            0 => {
                reg.append_batch((0..(i % 17 + 2)).map(|k| e(i * 100 + k)).collect())
                    .expect("batch append");
            }
            1 => {
                reg.append_copy("UBND", CopyForm::SaoY, e(i), |n| {
                    Ok::<_, &str>(sha256_bytes(n.to_string().as_bytes()))
                })
                .expect("copy append");
            }
            _ => {
                reg.append(e(i)).expect("append");
            }
        }
    }
}

/// xorshift64*, seeded from the clock: different moments on every run, printed for replay.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn parent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("register.sqlite");
    Register::create(&path, &CreateOptions::for_station("crash")).expect("create");
    let seed = std::env::var("HOSO_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("crash test seed (HOSO_CRASH_SEED): {seed}");
    let mut rng = Rng(seed);
    let exe = std::env::current_exe().expect("own path");
    let mut previous = 0u64;
    let mut grew = 0u32;
    for round in 0..KILLS {
        let mut child = Command::new(&exe)
            .arg("--child")
            .arg(&path)
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn child");
        let delay = Duration::from_millis(20 + rng.next() % 180);
        let start = Instant::now();
        while start.elapsed() < delay {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("round {round}: child exited by itself: {status}");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().expect("SIGKILL the child");
        child.wait().expect("reap the child");

        let reg = Register::open_read_only(&path).expect("open after kill");
        let report = reg.audit(&AuditOptions::default()).expect("audit");
        assert!(
            report.is_clean(),
            "round {round} (seed {seed}): {:?}",
            report.findings
        );
        let size = reg.size().expect("size");
        assert_eq!(reg.entry_count().expect("count"), size, "round {round}");
        assert!(size >= previous, "round {round}: the register shrank");
        if size > previous {
            grew += 1;
        }
        previous = size;
    }
    assert!(
        grew >= KILLS / 2,
        "the child appended in only {grew} of {KILLS} rounds: the test did not exercise appends"
    );
    eprintln!("{KILLS} kills, {previous} entries, all audits clean");
}
