//! `cargo xtask bench pdfa [CORPUS]`: runs hoso's PDF/A validator over the veraPDF test suite
//! (github.com/veraPDF/veraPDF-corpus, folders PDF_A-2b and PDF_A-3b; files are named
//! `…-pass-…` or `…-fail-…` after the clause they test) and prints agreement per clause family,
//! crashes and hangs. CORPUS is a checkout of that repository or a bare git directory of it
//! (its PDF_A-2b and PDF_A-3b folders are exported to target/verapdf-corpus); the default is
//! `$VERAPDF_CORPUS`. The corpus is not part of this repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use hoso_pdf::pdfa::{self, Level};

use crate::env;

const HANG: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Tally {
    files: usize,
    agree: usize,
    clause: usize,
    fails: usize,
}

pub fn run(args: &[&str]) -> Result<()> {
    let corpus = match args.first() {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var_os("VERAPDF_CORPUS").context(
            "give the veraPDF-corpus checkout: cargo xtask bench pdfa PATH (or VERAPDF_CORPUS)",
        )?),
    };
    let root = prepare(&corpus)?;
    let verbose = args.contains(&"-v");
    let mut files = Vec::new();
    for folder in ["PDF_A-2b", "PDF_A-3b"] {
        collect(&root.join(folder), &mut files)?;
    }
    files.sort();
    if files.is_empty() {
        bail!("no PDFs under {}/PDF_A-2b or PDF_A-3b", root.display());
    }
    let mut by_family: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut crashes, mut hangs, mut unreadable) = (0usize, 0usize, 0usize);
    let mut disagreements = Vec::new();
    let started = Instant::now();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap_or(path);
        let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
        let folder = parts.next().unwrap_or_default();
        let family = parts.next().unwrap_or_default();
        let family = if family.ends_with(".pdf") {
            "6.8 Embedded files".into()
        } else {
            family
        };
        let level = Level::parse(if folder.contains("3b") { "3b" } else { "2b" })
            .expect("valid level literal");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expect_pass = name.contains("-pass-");
        let clause = expected_clause(&name);
        let data = std::fs::read(path)?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let r = std::panic::catch_unwind(|| pdfa::check(&data, Some(level)));
            let _ = tx.send(r);
        });
        let t = by_family.entry(family.clone()).or_default();
        t.files += 1;
        let outcome = match rx.recv_timeout(HANG) {
            Err(_) => {
                hangs += 1;
                disagreements.push(format!("HANG {}", rel.display()));
                continue;
            }
            Ok(Err(_)) => {
                crashes += 1;
                disagreements.push(format!("CRASH {}", rel.display()));
                continue;
            }
            Ok(Ok(r)) => r,
        };
        let (passed, clauses): (bool, Vec<&str>) = match &outcome {
            Ok(rep) => (
                rep.is_conforming(),
                rep.findings.iter().map(|f| f.clause).collect(),
            ),
            Err(_) => {
                unreadable += 1;
                (false, Vec::new())
            }
        };
        if passed == expect_pass {
            t.agree += 1;
        } else {
            let why = match &outcome {
                Ok(rep) => rep
                    .findings
                    .iter()
                    .take(3)
                    .map(|f| format!("§{} {}", f.clause, f.detail))
                    .collect::<Vec<_>>()
                    .join(" | "),
                Err(e) => format!("unreadable: {e}"),
            };
            disagreements.push(format!(
                "{} expected {} got {}: {why}",
                rel.display(),
                if expect_pass { "pass" } else { "fail" },
                if passed { "pass" } else { "fail" }
            ));
        }
        if !expect_pass {
            t.fails += 1;
            if clauses
                .iter()
                .any(|c| clause.starts_with(c) || c.starts_with(&clause))
            {
                t.clause += 1;
            }
        }
    }
    let total: usize = by_family.values().map(|t| t.files).sum();
    let agree: usize = by_family.values().map(|t| t.agree).sum();
    let fails: usize = by_family.values().map(|t| t.fails).sum();
    let clause_ok: usize = by_family.values().map(|t| t.clause).sum();
    println!(
        "veraPDF corpus, PDF_A-2b + PDF_A-3b: {total} files in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<44} {:>6} {:>7} {:>7} {:>14}",
        "family", "files", "agree", "%", "fail→clause"
    );
    for (fam, t) in &by_family {
        println!(
            "{:<44} {:>6} {:>7} {:>6.1}% {:>8}/{:<5}",
            fam,
            t.files,
            t.agree,
            100.0 * t.agree as f64 / t.files.max(1) as f64,
            t.clause,
            t.fails
        );
    }
    println!(
        "{:<44} {:>6} {:>7} {:>6.1}% {:>8}/{:<5}",
        "TOTAL",
        total,
        agree,
        100.0 * agree as f64 / total.max(1) as f64,
        clause_ok,
        fails
    );
    println!("crashes: {crashes}, hangs (> {} s): {hangs}, unreadable (counted as not conforming): {unreadable}", HANG.as_secs());
    if verbose {
        for d in &disagreements {
            println!("  {d}");
        }
    } else {
        println!("({} disagreements; -v lists them)", disagreements.len());
    }
    Ok(())
}

/// `veraPDF test suite 6-2-11-3-2-t01-fail-a.pdf` → `6.2.11.3.2`.
fn expected_clause(name: &str) -> String {
    let stem = name.trim_start_matches("veraPDF test suite ");
    let mut out = Vec::new();
    for p in stem.split('-') {
        if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() {
            out.push(p);
        } else {
            break;
        }
    }
    out.join(".")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
    Ok(())
}

/// A work tree with the two folders: the path itself, or an export of a bare git directory.
fn prepare(corpus: &Path) -> Result<PathBuf> {
    if corpus.join("PDF_A-2b").is_dir() {
        return Ok(corpus.to_path_buf());
    }
    let out = env::target_dir().join("verapdf-corpus");
    if out.join("PDF_A-2b").is_dir() {
        return Ok(out);
    }
    std::fs::create_dir_all(&out)?;
    let archive = Command::new("git")
        .arg("--git-dir")
        .arg(corpus)
        .args(["archive", "--format=tar", "HEAD", "PDF_A-2b", "PDF_A-3b"])
        .output()
        .context("git archive")?;
    // A partial mirror may miss objects outside these folders; fail only on an empty export.
    if archive.stdout.is_empty() {
        bail!(
            "{} is neither a veraPDF-corpus checkout nor its git directory: {}",
            corpus.display(),
            String::from_utf8_lossy(&archive.stderr)
        );
    }
    let mut tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .context("tar")?;
    std::io::Write::write_all(tar.stdin.as_mut().context("tar stdin")?, &archive.stdout)?;
    drop(tar.stdin.take());
    if !tar.wait()?.success() {
        bail!("tar failed");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_come_from_file_names() {
        assert_eq!(
            expected_clause("veraPDF test suite 6-2-11-3-2-t01-fail-a.pdf"),
            "6.2.11.3.2"
        );
        assert_eq!(
            expected_clause("veraPDF test suite 6-8-t02-pass-c.pdf"),
            "6.8"
        );
    }
}
