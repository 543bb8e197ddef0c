//! Finding the workspace, installing outside tools, and running commands.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::deps;

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        None => workspace_root().join("target"),
    }
}

/// The project's Python venv for validators and peer tools.
pub fn venv_dir() -> PathBuf {
    target_dir().join("venv")
}

/// Runs `cargo ARGS` in `dir` with the venv's `bin/` first on `PATH`.
pub fn cargo(dir: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir).args(args);
    with_venv_path(&mut cmd);
    run_tool(&mut cmd)
}

/// Puts the venv's `bin/` first on the command's `PATH`.
pub fn with_venv_path(cmd: &mut Command) {
    let bin = venv_dir().join("bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut parts = vec![bin];
    parts.extend(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(parts) {
        cmd.env("PATH", joined);
    }
    cmd.env("HOSO_VENV", venv_dir());
    // Tesseract's OpenMP teams oversubscribe the cores next to hoso's one engine per core (see
    // `limit_openmp_threads` in hoso-cli); library tests run in-process, so set it here too.
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        cmd.env("OMP_THREAD_LIMIT", "1");
    }
}

/// Runs a command, failing with its name when it does not exit 0.
pub fn run_tool(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("could not start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!(
            "{:?} {:?} failed: {status}",
            cmd.get_program(),
            cmd.get_args().collect::<Vec<_>>()
        );
    }
    Ok(())
}

/// Installs every missing Debian package and the venv's Python packages; does nothing when all
/// are present.
pub fn ensure_all() -> Result<()> {
    ensure_apt(deps::BUILD_APT)?;
    ensure_apt(deps::APT)?;
    ensure_venv(deps::PIP)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn apt_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Installs the Debian packages that are missing, with apt-get as root or through sudo.
pub fn ensure_apt(packages: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !apt_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!(
        "xtask: cài gói Debian còn thiếu / installing missing Debian packages: {}",
        missing.join(" ")
    );
    let sudo: &[&str] = if is_root() {
        &[]
    } else if Command::new("sudo")
        .arg("-n")
        .arg("true")
        .status()
        .is_ok_and(|s| s.success())
    {
        &["sudo", "-n"]
    } else {
        bail!(
            "thiếu gói / missing packages; run as root or install them:\n  sudo apt-get install -y {}",
            missing.join(" ")
        );
    };
    let apt = |args: &[&str]| -> Result<()> {
        let mut full: Vec<&str> = sudo.to_vec();
        full.push("apt-get");
        full.extend_from_slice(args);
        let mut cmd = Command::new(full[0]);
        cmd.args(&full[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        run_tool(&mut cmd)
    };
    apt(&["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(missing.iter().copied());
    apt(&args)
}

/// Creates `target/venv` and installs the Python requirements when the list changed.
pub fn ensure_venv(requirements: &[(&str, &str)]) -> Result<()> {
    let venv = venv_dir();
    let stamp = venv.join(".hoso-requirements");
    let wanted: String = requirements
        .iter()
        .chain(deps::PIP_NO_DEPS)
        .map(|(r, _)| format!("{r}\n"))
        .collect();
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted)
        && venv.join("bin/python").exists()
    {
        return Ok(());
    }
    eprintln!(
        "xtask: chuẩn bị môi trường Python / preparing the Python venv in {}",
        venv.display()
    );
    if !venv.join("bin/python").exists() {
        std::fs::create_dir_all(target_dir())?;
        run_tool(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    let mut cmd = Command::new(venv.join("bin/python"));
    cmd.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]);
    cmd.args(requirements.iter().map(|(r, _)| *r));
    run_tool(&mut cmd)?;
    let mut no_deps = Command::new(venv.join("bin/python"));
    no_deps.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
    ]);
    no_deps.args(deps::PIP_NO_DEPS.iter().map(|(r, _)| *r));
    run_tool(&mut no_deps)?;
    std::fs::write(&stamp, wanted)?;
    Ok(())
}
