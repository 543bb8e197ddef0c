//! Witnesses, both sides: this office co-signing another office's tree heads (`hoso register
//! witness`), and this register asking a witness, keeping its cosignature and counting the
//! cosignatures of the witnesses the settings list (c2sp.org/tlog-witness, tlog-cosignature).

use std::path::Path;

use hoso_register::witness::CosignerKey;
pub use hoso_register::witness::{Cosignature, Witness, WitnessError};
use hoso_register::{Register, VerifierKey};
use serde::Serialize;

use super::{open_register, pinned_key};
use crate::config::Config;
use crate::error::OfficeError;

/// The witnesses the settings list, parsed.
pub fn configured_witnesses(config: &Config) -> Result<Vec<CosignerKey>, OfficeError> {
    Ok(super::configured_witness_keys(config)?)
}

/// The logs a witness run from this station co-signs: the keys given, else the pinned key of
/// the configured register. A witness never takes a log key from the log's own database.
pub fn witnessed_logs(config: &Config, keys: &[String]) -> Result<Vec<VerifierKey>, OfficeError> {
    let logs: Vec<VerifierKey> = if keys.is_empty() {
        pinned_key(config)?.into_iter().collect()
    } else {
        keys.iter()
            .map(|k| VerifierKey::parse(k).map_err(OfficeError::BadVerifierKey))
            .collect::<Result<_, _>>()?
    };
    if logs.is_empty() {
        return Err(OfficeError::MissingSetting(
            "khóa của sổ được chứng kiến (--log-key hoặc register_key) / the witnessed log's key (--log-key or register_key)",
        ));
    }
    Ok(logs)
}

/// The default witness name of this station: `witness/<station slug>`.
pub fn default_witness_name(config: &Config) -> String {
    format!("witness/{}", hoso_register::ascii_slug(&config.station))
}

/// Opens (creating the first time) the witness whose state is in `dir`.
pub fn open_witness(
    dir: &Path,
    name: &str,
    logs: Vec<VerifierKey>,
) -> Result<Witness, OfficeError> {
    Ok(Witness::open(dir, name, logs)?)
}

/// Handles one `add-checkpoint` request body: the response body (cosignature lines), or the
/// refusal with its HTTP status ([`WitnessError::http_status`]).
pub fn add_checkpoint(witness: &Witness, body: &str) -> Result<String, WitnessError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    witness.add_checkpoint(body, now)
}

/// The `add-checkpoint` request for the configured register's latest tree head, from `old`
/// (default: the size `witness` last co-signed here, else 0).
pub fn witness_request(
    config: &Config,
    old: Option<u64>,
    witness: Option<&str>,
) -> Result<String, OfficeError> {
    let reg = super::open_read_only(config)?;
    reg.check_pin()?;
    let old = match (old, witness) {
        (Some(o), _) => o,
        (None, Some(w)) => reg.last_cosigned_size(w)?,
        (None, None) => 0,
    };
    Ok(reg.witness_request(old)?.to_body())
}

/// What a witness round kept.
#[derive(Debug, Clone, Serialize)]
pub struct Cosigned {
    /// The tree size co-signed.
    pub size: u64,
    /// The cosignatures of known witnesses kept.
    pub cosignatures: Vec<Cosignature>,
}

/// Keeps the cosignatures of a witness's response on the tree head of `size` (default: the
/// latest); only those of witnesses listed in the settings are kept.
pub fn add_cosignatures(
    config: &Config,
    size: Option<u64>,
    response: &str,
) -> Result<Cosigned, OfficeError> {
    let mut reg = open_register(config)?;
    let size = match size {
        Some(s) => s,
        None => reg.size()?,
    };
    let cosignatures = reg.add_cosignatures(size, response)?;
    Ok(Cosigned { size, cosignatures })
}

/// One round with a witness reached in-process (its state directory on this machine or a
/// mounted share): request from the size it last co-signed here, retry once from the size it
/// says it has (409, as c2sp.org/tlog-witness suggests), and keep its cosignature.
pub fn cosign_with(config: &Config, witness: &Witness) -> Result<Cosigned, OfficeError> {
    let mut reg: Register = open_register(config)?;
    let name = witness.verifier().name().to_owned();
    let old = reg.last_cosigned_size(&name)?;
    let response = match add_checkpoint(witness, &reg.witness_request(old)?.to_body()) {
        Err(WitnessError::Conflict { latest }) if latest != old => {
            add_checkpoint(witness, &reg.witness_request(latest)?.to_body())?
        }
        other => other?,
    };
    let size = reg.size()?;
    let cosignatures = reg.add_cosignatures(size, &response)?;
    Ok(Cosigned { size, cosignatures })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::tests::config;
    use crate::register::{lookup, pin, register_one, EntryKind, Lookup, NewEntry, Query};

    #[test]
    fn a_local_witness_cosigns_and_lookups_count_the_listed_witnesses() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cfg = config(dir.path());
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"%PDF-1.7 witnessed").expect("write");
        register_one(&cfg, &file, NewEntry::new(EntryKind::Dossier, [0; 32])).expect("append");
        let pinned = pin(&cfg).expect("pin");
        cfg.register_key = Some(pinned.vkey.clone());
        // No log key given: the witness takes the pinned one.
        let logs = witnessed_logs(&cfg, &[]).expect("logs");
        let w = open_witness(&dir.path().join("w"), "tinh.example/w1", logs).expect("witness");
        // Not yet listed in the settings: the cosignature is ignored.
        assert!(cosign_with(&cfg, &w)
            .expect("round")
            .cosignatures
            .is_empty());
        cfg.settings
            .set("witnesses", &w.verifier().to_string())
            .expect("set");
        let done = cosign_with(&cfg, &w).expect("round");
        assert_eq!((done.size, done.cosignatures.len()), (1, 1));
        let reg = crate::register::open_read_only(&cfg).expect("open");
        let Lookup::Found { results, .. } = lookup(&reg, &Query::File(file)).expect("lookup")
        else {
            panic!("not found")
        };
        assert_eq!(results[0].status.witnesses, 1);
        // The request a remote witness gets: `old <size>`, proof lines, a blank line, the note.
        let body = witness_request(&cfg, None, Some("tinh.example/w1")).expect("request");
        assert!(body.starts_with("old 1\n\nhoso/test\n1\n"), "{body}");
        assert_eq!(
            add_checkpoint(&w, &body)
                .expect("same head again")
                .lines()
                .count(),
            1
        );
    }
}
