//! A local RFC 3161 TSA for tests: a tiny HTTP server on 127.0.0.1 (one thread, one request at
//! a time) answering each `application/timestamp-query` POST with `openssl ts -reply`, signed by
//! the demo TSA certificate. An implementation independent of hoso's own CMS code.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::{certs, openssl, text};

/// A running test TSA.
pub struct TestTsa {
    /// `http://127.0.0.1:PORT/tsa`.
    pub url: String,
    /// How many requests were answered.
    pub served: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

fn config(dir: &std::path::Path) -> PathBuf {
    let cnf = dir.join("tsa.cnf");
    std::fs::write(dir.join("serial"), "01\n").expect("serial");
    std::fs::write(
        &cnf,
        format!(
            "[ tsa ]\ndefault_tsa = tsa_config1\n\n[ tsa_config1 ]\ndir = {}\n\
             serial = $dir/serial\ncrypto_device = builtin\nsigner_digest = sha256\n\
             default_policy = 1.3.6.1.4.1.55555.1.1\ndigests = sha256, sha384, sha512\n\
             accuracy = secs:1\nordering = no\ntsa_name = yes\ness_cert_id_chain = no\n\
             ess_cert_id_alg = sha256\n",
            dir.display()
        ),
    )
    .expect("tsa.cnf");
    cnf
}

impl TestTsa {
    /// Starts the TSA in a background thread.
    pub fn start() -> Self {
        Self::start_with(
            certs().join("demo-tsa-key.pem"),
            certs().join("demo-tsa.pem"),
            certs().join("demo-chain.pem"),
        )
    }

    /// Starts a TSA signing with `key` and certificate `signer`, `chain` added to its tokens.
    pub fn start_with(key: PathBuf, signer: PathBuf, chain: PathBuf) -> Self {
        let openssl = openssl();
        let dir = tempfile::tempdir().expect("tsa dir");
        let cnf = config(dir.path());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let served = Arc::new(AtomicUsize::new(0));
        let count = served.clone();
        let work = dir.path().to_path_buf();
        std::thread::spawn(move || {
            for (i, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l
                        .to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                    {
                        len = v.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; len];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let q = work.join(format!("q{i}.tsq"));
                let r = work.join(format!("r{i}.tsr"));
                std::fs::write(&q, &body).expect("write query");
                let o = Command::new(&openssl)
                    .args(["ts", "-reply", "-config"])
                    .arg(&cnf)
                    .arg("-queryfile")
                    .arg(&q)
                    .arg("-inkey")
                    .arg(&key)
                    .arg("-signer")
                    .arg(&signer)
                    .arg("-chain")
                    .arg(&chain)
                    .arg("-out")
                    .arg(&r)
                    .output()
                    .expect("openssl ts -reply");
                let (status, reply) = match std::fs::read(&r) {
                    Ok(b) if o.status.success() => ("200 OK", b),
                    _ => {
                        eprintln!("test TSA: openssl failed: {}", text(&o));
                        ("500 Internal Server Error", Vec::new())
                    }
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/timestamp-reply\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&reply);
                count.fetch_add(1, Ordering::SeqCst);
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/tsa"),
            served,
            _dir: dir,
        }
    }
}

/// A URL on 127.0.0.1 where nothing listens.
pub fn dead_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}/tsa")
}
