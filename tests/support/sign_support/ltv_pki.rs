//! A test-only DEMO PKI for long-term validation (issue 8), made by OpenSSL's command line in a
//! private directory, and its revocation services on 127.0.0.1:
//!
//! - `HOSO DEMO LTV Test Root` (P-256, 10 years), which also signs OCSP responses and the CRL;
//! - signers (P-256 or RSA 2048) whose authorityInfoAccess names the OCSP responder and whose
//!   cRLDistributionPoints names the CRL, both on 127.0.0.1 ports chosen when the PKI is made;
//! - a TSA certificate with the same extensions, for a local RFC 3161 TSA;
//! - `openssl ocsp` as the responder over an `index.txt` the test writes (OpenSSL `ca` database
//!   format), and a tiny HTTP server for the CRL (`openssl ca -gencrl`, DER).
//!
//! Nothing here is used by hoso itself: every check runs independent tools.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{openssl, run, text, tsa::TestTsa};

/// The PKI and its running services. Dropping it stops the responder and the servers.
pub struct LtvPki {
    /// The directory holding everything.
    pub dir: tempfile::TempDir,
    /// OCSP port.
    pub ocsp_port: u16,
    /// CRL HTTP port.
    pub crl_port: u16,
    ocsp: Option<Child>,
    crl_stop: Arc<AtomicBool>,
    /// CRL downloads served.
    pub crl_served: Arc<AtomicUsize>,
    entries: Vec<String>,
}

/// A certificate the PKI issued.
pub struct Issued {
    /// The certificate, PEM.
    pub cert: PathBuf,
    /// Its key, PEM.
    pub key: PathBuf,
    /// A PKCS#12 with key, certificate and root, PIN `1234`.
    pub p12: PathBuf,
    /// The serial number, hex.
    pub serial: String,
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn openssl_ok(args: &[&str], cwd: &Path) {
    let o = run(Command::new(openssl()).current_dir(cwd).args(args));
    assert!(o.status.success(), "openssl {args:?}: {}", text(&o));
}

/// UTC now as an OpenSSL database time (`YYMMDDHHMMSSZ`).
fn db_time_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        t.year() % 100,
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl LtvPki {
    /// Makes the root and starts nothing yet.
    pub fn new() -> Self {
        Self::with_ports(free_port(), free_port())
    }

    /// As [`LtvPki::new`] with given service ports: a second PKI on the first one's ports has a
    /// root of the same name but another key, i.e. a forged responder and CRL issuer.
    pub fn with_ports(ocsp_port: u16, crl_port: u16) -> Self {
        let dir = tempfile::tempdir().expect("pki dir");
        let d = dir.path();
        openssl_ok(
            &[
                "req",
                "-utf8",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "root.key",
                "-out",
                "root.pem",
                "-days",
                "3650",
                "-subj",
                "/C=VN/O=HOSO DEMO PKI/CN=HOSO DEMO LTV Test Root",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
            d,
        );
        std::fs::write(d.join("crlnumber"), "1000\n").expect("crlnumber");
        std::fs::write(
            d.join("ca.cnf"),
            "[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndatabase = index.txt\n\
             crlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n\
             unique_subject = no\n",
        )
        .expect("ca.cnf");
        let pki = Self {
            dir,
            ocsp_port,
            crl_port,
            ocsp: None,
            crl_stop: Arc::new(AtomicBool::new(false)),
            crl_served: Arc::new(AtomicUsize::new(0)),
            entries: Vec::new(),
        };
        pki.write_index();
        pki
    }

    /// The root certificate.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root.pem")
    }

    fn write_index(&self) {
        let mut s = String::new();
        for e in &self.entries {
            s.push_str(e);
            s.push('\n');
        }
        std::fs::write(self.dir.path().join("index.txt"), s).expect("index.txt");
    }

    /// Issues a certificate named `cn`, valid `days` days from now, with AIA/CRL-DP pointing at
    /// the local services; `tsa` adds the critical timeStamping extendedKeyUsage.
    pub fn issue(&mut self, name: &str, cn: &str, days: u32, tsa: bool, rsa: bool) -> Issued {
        let d = self.dir.path().to_path_buf();
        let serial = format!("{:04X}", 0x1000 + self.entries.len() + 1);
        let key = format!("{name}.key");
        let newkey: &[&str] = if rsa {
            &["-newkey", "rsa:2048"]
        } else {
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        };
        let mut args = vec!["req", "-new", "-utf8"];
        args.extend_from_slice(newkey);
        let subj = format!("/C=VN/O=HOSO DEMO PKI/CN={cn}");
        let csr = format!("{name}.csr");
        args.extend_from_slice(&["-nodes", "-keyout", &key, "-out", &csr, "-subj", &subj]);
        openssl_ok(&args, &d);
        let usage = if tsa {
            "keyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n"
        } else {
            "keyUsage=critical,digitalSignature,nonRepudiation\n"
        };
        let ext = format!(
            "[v3]\nbasicConstraints=CA:FALSE\n{usage}\
             authorityInfoAccess=OCSP;URI:http://127.0.0.1:{}/\n\
             crlDistributionPoints=URI:http://127.0.0.1:{}/root.crl\n",
            self.ocsp_port, self.crl_port
        );
        let extfile = format!("{name}.ext");
        std::fs::write(d.join(&extfile), ext).expect("ext");
        let cert = format!("{name}.pem");
        let days_s = days.to_string();
        openssl_ok(
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "root.pem",
                "-CAkey",
                "root.key",
                "-set_serial",
                &format!("0x{serial}"),
                "-days",
                &days_s,
                "-sha256",
                "-extfile",
                &extfile,
                "-extensions",
                "v3",
                "-out",
                &cert,
            ],
            &d,
        );
        let p12 = format!("{name}.p12");
        openssl_ok(
            &[
                "pkcs12",
                "-export",
                "-inkey",
                &key,
                "-in",
                &cert,
                "-certfile",
                "root.pem",
                "-passout",
                "pass:1234",
                "-out",
                &p12,
            ],
            &d,
        );
        // OpenSSL ca database line: status, expiry, revocation, serial, file, subject.
        self.entries.push(format!(
            "V\t491231235959Z\t\t{serial}\tunknown\t/C=VN/O=HOSO DEMO PKI/CN={cn}"
        ));
        self.write_index();
        Issued {
            cert: d.join(cert),
            key: d.join(key),
            p12: d.join(p12),
            serial,
        }
    }

    /// Marks `serial` revoked now in the database, and regenerates the CRL.
    pub fn revoke(&mut self, serial: &str) {
        let now = db_time_now();
        for e in &mut self.entries {
            let cols: Vec<&str> = e.split('\t').collect();
            if cols[3] == serial {
                *e = format!(
                    "R\t{}\t{now},keyCompromise\t{}",
                    cols[1],
                    cols[3..].join("\t")
                );
            }
        }
        self.write_index();
        self.gen_crl();
    }

    /// Removes `serial` from the database, so the responder answers "unknown" for it (and the
    /// CRL, which lists only revoked serials, does not mention it).
    pub fn forget(&mut self, serial: &str) {
        self.entries
            .retain(|e| e.split('\t').nth(3) != Some(serial));
        self.write_index();
        self.gen_crl();
    }

    /// Writes `root.crl` (DER) from the database.
    pub fn gen_crl(&self) {
        let d = self.dir.path();
        openssl_ok(
            &[
                "ca",
                "-config",
                "ca.cnf",
                "-gencrl",
                "-keyfile",
                "root.key",
                "-cert",
                "root.pem",
                "-out",
                "root.crl.pem",
            ],
            d,
        );
        openssl_ok(
            &[
                "crl",
                "-in",
                "root.crl.pem",
                "-outform",
                "DER",
                "-out",
                "root.crl",
            ],
            d,
        );
    }

    /// Starts `openssl ocsp` and the CRL server.
    pub fn start(&mut self) {
        self.gen_crl();
        // A fresh flag: a stopped CRL server's thread may still hold the old one.
        self.crl_stop = Arc::new(AtomicBool::new(false));
        let d = self.dir.path();
        let child = Command::new(openssl())
            .current_dir(d)
            .args(["ocsp", "-index", "index.txt", "-port"])
            .arg(self.ocsp_port.to_string())
            .args([
                "-rsigner",
                "root.pem",
                "-rkey",
                "root.key",
                "-CA",
                "root.pem",
                "-ndays",
                "1",
                "-ignore_err",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(d.join("ocsp.log")).expect("ocsp.log"))
            .spawn()
            .expect("start openssl ocsp");
        self.ocsp = Some(child);
        let listener = TcpListener::bind(("127.0.0.1", self.crl_port)).expect("bind CRL port");
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = self.crl_stop.clone();
        let served = self.crl_served.clone();
        let crl = d.join("root.crl");
        std::thread::spawn(move || loop {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            let _ = stream.set_nonblocking(false);
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).unwrap_or(0) == 0 || l.trim().is_empty() {
                    break;
                }
            }
            let mut stream = stream;
            let (status, body) = match std::fs::read(&crl) {
                Ok(b) if first.starts_with("GET /root.crl") => ("200 OK", b),
                _ => ("404 Not Found", Vec::new()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/pkix-crl\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
            served.fetch_add(1, Ordering::SeqCst);
        });
        // Wait until the responder says it listens. Not by connecting: OpenSSL 3.0's responder
        // with -ignore_err spins forever on a connection closed without a request.
        let log = d.join("ocsp.log");
        for _ in 0..200 {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            if said.contains("waiting for OCSP client connections") {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("openssl ocsp did not start on port {}", self.ocsp_port);
    }

    /// Stops the OCSP responder and the CRL server, so later checks can only use what the
    /// file holds.
    pub fn stop(&mut self) {
        self.stop_ocsp();
        self.stop_crl();
    }

    /// Stops only the OCSP responder (the CRL stays served).
    pub fn stop_ocsp(&mut self) {
        if let Some(mut c) = self.ocsp.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stops only the CRL server.
    pub fn stop_crl(&mut self) {
        self.crl_stop.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(60));
    }

    /// A local TSA whose certificate this PKI issued (with revocation URLs).
    pub fn tsa(&mut self) -> TestTsa {
        let t = self.issue(
            "tsa",
            "HOSO DEMO LTV Time-Stamping Authority",
            3650,
            true,
            false,
        );
        TestTsa::start_with(t.key, t.cert, self.root())
    }

    /// Asks `openssl ocsp` (the client) about `cert`: its one-line status.
    pub fn openssl_ocsp_status(&self, cert: &Path) -> String {
        let o = run(Command::new(openssl())
            .current_dir(self.dir.path())
            .args([
                "ocsp", "-issuer", "root.pem", "-CAfile", "root.pem", "-cert",
            ])
            .arg(cert)
            .arg("-url")
            .arg(format!("http://127.0.0.1:{}/", self.ocsp_port)));
        text(&o)
    }
}

impl Default for LtvPki {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for LtvPki {
    fn drop(&mut self) {
        self.stop();
    }
}
