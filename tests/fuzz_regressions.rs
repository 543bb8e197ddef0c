//! The fuzz regression suite (issue #15): every input under `fuzz/regressions/<target>/` (each a
//! crash, timeout or out-of-memory a fuzzer once found, kept under version control) and every
//! committed seed under `fuzz/seeds/<target>/` goes through the same entry point as the fuzz
//! target, in the normal test run. An input that panics fails here.

#[path = "../fuzz/src/entries.rs"]
mod entries;

use std::path::Path;

fn inputs(kind: &str, target: &str) -> Vec<std::path::PathBuf> {
    let dir = hoso_e2e::root().join("fuzz").join(kind).join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn run_all(kind: &str) -> usize {
    let mut n = 0;
    for (target, entry) in entries::TARGETS {
        for file in inputs(kind, target) {
            let data = std::fs::read(&file).unwrap();
            eprintln!("{target}: {}", rel(&file));
            entry(&data);
            n += 1;
        }
    }
    n
}

fn rel(p: &Path) -> String {
    p.strip_prefix(hoso_e2e::root())
        .unwrap_or(p)
        .display()
        .to_string()
}

#[test]
fn regression_inputs_run_cleanly() {
    let n = run_all("regressions");
    eprintln!("{n} regression inputs");
}

#[test]
fn seeds_run_cleanly_and_every_target_has_some() {
    for (target, _) in entries::TARGETS {
        assert!(
            !inputs("seeds", target).is_empty(),
            "fuzz/seeds/{target}/ is empty"
        );
    }
    assert!(run_all("seeds") >= entries::TARGETS.len());
}
