//! `cargo xtask bench serve [--release] [--secs N] [--conns N] [--entries N]`: `hoso serve`'s
//! page requests per second for `/v/<payload>` under a bounded load generator on loopback.
//!
//! A register of `--entries` files is made with `hoso register append`; `hoso serve` runs on a
//! free 127.0.0.1 port with the rate limiter on but out of reach; `--conns` keep-alive HTTP/1.1
//! connections (one thread each) ask for the pages of random entries for `--secs` seconds.
//! Prints requests/s, latency p50/p99 and the server's status mix. The generator shares the
//! machine's cores with the server, so the figure is a floor.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::env;

struct Opts {
    release: bool,
    secs: u64,
    conns: usize,
    entries: usize,
}

fn parse(args: &[&str]) -> Result<Opts> {
    let mut o = Opts {
        release: false,
        secs: 10,
        conns: 8,
        entries: 200,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = || -> Result<u64> {
            it.next()
                .context("a number after the flag")?
                .parse()
                .context("a number")
        };
        match *a {
            "--release" => o.release = true,
            "--secs" => o.secs = num()?.clamp(1, 60),
            "--conns" => o.conns = usize::try_from(num()?.clamp(1, 64))?,
            "--entries" => o.entries = usize::try_from(num()?.clamp(1, 100_000))?,
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(o)
}

pub fn run(args: &[&str]) -> Result<()> {
    let o = parse(args)?;
    let root = env::workspace_root();
    let mut build = vec!["build", "-q", "-p", "hoso-cli"];
    if o.release {
        build.push("--release");
    }
    env::cargo(&root, &build)?;
    let hoso = env::target_dir()
        .join(if o.release { "release" } else { "debug" })
        .join("hoso");
    let dir = tempfile_dir()?;
    let reg = dir.join("register.sqlite");
    let mut payloads = Vec::new();
    for i in 0..o.entries {
        let f = dir.join("f.pdf");
        std::fs::write(&f, format!("%PDF-1.7 bench {i}"))?;
        let out = Command::new(&hoso)
            .arg("register")
            .arg("--register")
            .arg(&reg)
            .args(["--station", "bench"])
            .arg("append")
            .arg(&f)
            .args(["--kind", "dossier", "--title", "Hồ sơ đo tốc độ", "--json"])
            .env("HOSO_WORKSPACE", dir.join("ws"))
            .output()?;
        if !out.status.success() {
            bail!("append: {}", String::from_utf8_lossy(&out.stderr));
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let qr = v["qr"]
            .as_str()
            .or_else(|| v["entries"][0]["qr"].as_str())
            .context("the payload in append --json")?
            .to_owned();
        payloads.push(qr);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut server = Command::new(&hoso)
        .arg("serve")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--register")
        .arg(&reg)
        .args(["--per-minute", "1000000000", "--burst", "1000000000"])
        .env("HOSO_WORKSPACE", dir.join("ws"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut ready = String::new();
    BufReader::new(server.stdout.take().context("stdout")?).read_line(&mut ready)?;
    println!(
        "hoso serve ({} build), {} entries, {} keep-alive connections, {} s on 127.0.0.1:",
        if o.release {
            "release"
        } else {
            "debug: dependencies opt-level 2, hoso crates unoptimised"
        },
        o.entries,
        o.conns,
        o.secs
    );
    let deadline = Instant::now() + Duration::from_secs(o.secs);
    let started = Instant::now();
    let threads: Vec<_> = (0..o.conns)
        .map(|t| {
            let payloads = payloads.clone();
            std::thread::spawn(move || load(port, &payloads, t, deadline))
        })
        .collect();
    let mut lat = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    for t in threads {
        let (l, s) = t
            .join()
            .map_err(|_| anyhow::anyhow!("generator thread"))??;
        lat.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_insert(0u64) += v;
        }
    }
    let took = started.elapsed().as_secs_f64();
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map_or(0.0, |d: &Duration| d.as_secs_f64() * 1000.0)
    };
    println!(
        "  GET /v/<payload>: {} requests, {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, statuses {statuses:?}",
        lat.len(),
        lat.len() as f64 / took,
        pct(0.50),
        pct(0.99)
    );
    Ok(())
}

type Load = (Vec<Duration>, Vec<(u16, u64)>);

/// One keep-alive connection asking for pages until `deadline`.
fn load(port: u16, payloads: &[String], seed: usize, deadline: Instant) -> Result<Load> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_nodelay(true)?;
    let mut r = BufReader::new(s.try_clone()?);
    let mut lat = Vec::new();
    let mut statuses = std::collections::HashMap::new();
    let mut x = seed as u64 * 2_654_435_761 + 1;
    while Instant::now() < deadline {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let p = &payloads[(x % payloads.len() as u64) as usize];
        let t = Instant::now();
        write!(s, "GET /v/{p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
        let mut line = String::new();
        r.read_line(&mut line)?;
        let status: u16 = line.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
        let mut len = 0usize;
        loop {
            line.clear();
            r.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body)?;
        lat.push(t.elapsed());
        *statuses.entry(status).or_insert(0u64) += 1;
    }
    Ok((lat, statuses.into_iter().collect()))
}

fn tempfile_dir() -> Result<PathBuf> {
    let d = env::target_dir().join(format!("bench-serve-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
