//! Signing many PDFs with one signer: files are prepared, written and hashed on several threads
//! at once, and the signer (a token behind a mutex, or a PKCS#12 key) is asked for one digest
//! per file. A bad file fails alone; every outcome is reported, in input order.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::sign::{sign_pdf, SignError, SignOptions, SignedDocument};
use crate::signer::Signer;
use crate::tsp::TsaClient;

/// One file to sign.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BatchJob {
    /// The PDF to sign (only read).
    pub input: PathBuf,
    /// Where the signed copy goes.
    pub output: PathBuf,
}

/// Why a batch could not be planned (nothing is signed after any of these).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchPlanError {
    /// An input path does not exist or cannot be listed.
    #[error("{path}: {source}")]
    Input {
        /// The path given.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// No PDF among the inputs.
    #[error("no PDF files among the inputs")]
    NoInputs,
    /// Two inputs would be written to the same output name.
    #[error("two inputs have the same file name {name:?}; the outputs would collide")]
    DuplicateName {
        /// The file name.
        name: String,
    },
    /// An output would overwrite its own input.
    #[error("the output {0} would overwrite its input")]
    OverwritesInput(PathBuf),
}

/// Expands `inputs` (PDF files, or directories whose `*.pdf` files are taken, sorted by name, not
/// recursively) into jobs writing `out_dir/<file name>`.
pub fn plan(inputs: &[PathBuf], out_dir: &Path) -> Result<Vec<BatchJob>, BatchPlanError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BatchPlanError::Input { path, source }
    };
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(io(input))?;
        if meta.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(io(input))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    if files.is_empty() {
        return Err(BatchPlanError::NoInputs);
    }
    let mut seen = std::collections::HashSet::new();
    let mut jobs = Vec::with_capacity(files.len());
    for input in files {
        let name = input
            .file_name()
            .ok_or_else(|| BatchPlanError::Input {
                path: input.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"),
            })?
            .to_owned();
        if !seen.insert(name.clone()) {
            return Err(BatchPlanError::DuplicateName {
                name: name.to_string_lossy().into_owned(),
            });
        }
        let output = out_dir.join(&name);
        let same = match (
            std::fs::canonicalize(&input),
            std::fs::canonicalize(&output),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(BatchPlanError::OverwritesInput(output));
        }
        jobs.push(BatchJob { input, output });
    }
    Ok(jobs)
}

/// A file signed in a batch.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchSigned {
    /// What [`sign_pdf`] reports.
    pub document: SignedDocument,
    /// SHA-256 of the committed output, for the register.
    #[serde(serialize_with = "hex_serialize")]
    pub sha256: [u8; 32],
}

fn hex_serialize<S: serde::Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hoso_pdf::hex(h))
}

/// The outcome of one job.
pub type BatchResult = Result<BatchSigned, SignError>;

fn sign_one(
    job: &BatchJob,
    opts: &SignOptions,
    signer: &(dyn Signer + Sync),
    tsa: Option<&TsaClient>,
) -> BatchResult {
    let document = sign_pdf(&job.input, &job.output, opts, signer, tsa)?;
    let sha256 = document.sha256;
    Ok(BatchSigned { document, sha256 })
}

/// Signs every job with `signer` on `threads` worker threads (at least one). `on_done` runs on
/// the calling thread as each job finishes, in completion order, with the job's index; the
/// returned results are in job order. A failed job leaves no output file.
pub fn sign_batch(
    jobs: &[BatchJob],
    opts: &SignOptions,
    signer: &(dyn Signer + Sync),
    tsa: Option<&TsaClient>,
    threads: usize,
    mut on_done: impl FnMut(usize, &BatchResult),
) -> Vec<BatchResult> {
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, jobs.len().max(1));
    let mut results: Vec<Option<BatchResult>> = (0..jobs.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel::<(usize, BatchResult)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let next = &next;
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let r = sign_one(job, opts, signer, tsa);
                if tx.send((i, r)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            on_done(i, &r);
            results[i] = Some(r);
        }
    });
    results
        .into_iter()
        .zip(jobs)
        .map(|(r, job)| {
            r.unwrap_or_else(|| {
                // Only reachable if a worker panicked before reporting.
                Err(SignError::Io {
                    path: job.input.clone(),
                    source: std::io::Error::other("worker thread stopped"),
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn plan_expands_directories_and_refuses_collisions() {
        let d = tempfile::tempdir().expect("tempdir");
        let a = d.path().join("a");
        let b = d.path().join("b");
        std::fs::create_dir_all(&a).expect("mkdir");
        std::fs::create_dir_all(&b).expect("mkdir");
        for n in ["2.pdf", "1.PDF", "notes.txt"] {
            std::fs::write(a.join(n), b"%PDF").expect("write");
        }
        std::fs::write(b.join("1.PDF"), b"%PDF").expect("write");
        let out = d.path().join("out");
        let jobs = plan(std::slice::from_ref(&a), &out).expect("plan");
        let names: Vec<_> = jobs
            .iter()
            .map(|j| j.output.file_name().expect("name").to_owned())
            .collect();
        assert_eq!(names, ["1.PDF", "2.pdf"]);
        assert!(matches!(
            plan(&[a.clone(), b.join("1.PDF")], &out),
            Err(BatchPlanError::DuplicateName { .. })
        ));
        assert!(matches!(
            plan(std::slice::from_ref(&a), &a),
            Err(BatchPlanError::OverwritesInput(_))
        ));
        assert!(matches!(
            plan(&[d.path().join("missing.pdf")], &out),
            Err(BatchPlanError::Input { .. })
        ));
        let empty = d.path().join("empty");
        std::fs::create_dir_all(&empty).expect("mkdir");
        assert!(matches!(
            plan(&[empty], &out),
            Err(BatchPlanError::NoInputs)
        ));
    }

    /// A one-page PDF with a classic xref table.
    fn one_page(text: &str) -> Vec<u8> {
        let content = format!("BT /F1 12 Tf 20 100 Td ({text}) Tj ET");
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>".to_owned(),
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            ),
        ];
        let objs: Vec<&str> = objs.iter().map(String::as_str).collect();
        crate::pdf::classic_pdf(&objs, "")
    }

    /// Counts digests signed, so the test sees one signature per good file and none for a bad.
    struct Counting<'a> {
        inner: &'a crate::signer::Pkcs12Signer,
        count: std::sync::atomic::AtomicUsize,
    }

    impl Signer for Counting<'_> {
        fn certificate_chain(&self) -> &[x509_cert::Certificate] {
            self.inner.certificate_chain()
        }
        fn algorithm(&self) -> crate::signer::SignatureAlgorithm {
            self.inner.algorithm()
        }
        fn max_signature_len(&self) -> usize {
            self.inner.max_signature_len()
        }
        fn sign_digest(&self, d: &[u8; 32]) -> Result<Vec<u8>, crate::signer::SignerError> {
            self.count.fetch_add(1, Ordering::SeqCst);
            self.inner.sign_digest(d)
        }
    }

    #[test]
    fn a_bad_file_fails_alone_and_results_keep_job_order() {
        let d = tempfile::tempdir().expect("tempdir");
        let input = d.path().join("in");
        std::fs::create_dir_all(&input).expect("mkdir");
        for i in 0..6 {
            let data = if i == 3 {
                b"%PDF-1.7 not really".to_vec()
            } else {
                one_page(&format!("Doc {i}"))
            };
            std::fs::write(input.join(format!("d{i}.pdf")), data).expect("write");
        }
        let out = d.path().join("out");
        std::fs::create_dir_all(&out).expect("mkdir");
        let jobs = plan(&[input], &out).expect("plan");
        let p12 = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../certs/demo-staff-p256.p12");
        let inner =
            crate::signer::Pkcs12Signer::open(&p12, "1234", Default::default()).expect("demo p12");
        let signer = Counting {
            inner: &inner,
            count: AtomicUsize::new(0),
        };
        let mut seen = Vec::new();
        let results = sign_batch(&jobs, &SignOptions::default(), &signer, None, 3, |i, r| {
            seen.push((i, r.is_ok()))
        });
        seen.sort();
        assert_eq!(
            seen,
            (0..6).map(|i| (i, i != 3)).collect::<Vec<_>>(),
            "on_done once per job"
        );
        assert_eq!(signer.count.load(Ordering::SeqCst), 5);
        for (i, (r, job)) in results.iter().zip(&jobs).enumerate() {
            if i == 3 {
                assert!(matches!(r, Err(SignError::Pdf(_))), "{r:?}");
                assert!(!job.output.exists(), "no output for the bad file");
            } else {
                let done = r.as_ref().expect("signed");
                assert_eq!(done.document.path, job.output);
                let bytes = std::fs::read(&job.output).expect("output");
                assert_eq!(done.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
                let input = std::fs::read(&job.input).expect("input");
                assert_eq!(
                    done.document.input_sha256,
                    <[u8; 32]>::from(Sha256::digest(&input))
                );
            }
        }
        let leftovers = std::fs::read_dir(&out).expect("list").count();
        assert_eq!(leftovers, 5, "no temporary files left behind");
    }
}
