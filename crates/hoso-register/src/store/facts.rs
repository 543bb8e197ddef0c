//! Reading the report facts (schema version 2) for the Decision 766/QĐ-TTg indicators: per
//! dossier, and counted per day, station, role and copy form — aggregated by SQLite over the
//! indexed facts table, so a month's report reads only that month's rows.

use super::*;
use crate::entry::Role;

/// One dossier as the facts of its entries describe it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DossierFacts {
    /// Dossier code.
    pub dossier_code: String,
    /// Procedure code (the first one recorded).
    pub procedure_code: Option<String>,
    /// The station that registered its earliest received date.
    pub station: String,
    /// Earliest received date, `YYYY-MM-DD`.
    pub received_on: Option<String>,
    /// Latest resolved date, `YYYY-MM-DD`.
    pub resolved_on: Option<String>,
    /// Some entry is a digitized component.
    pub digitized: bool,
    /// Some entry is a reused component.
    pub reused: bool,
    /// Some entry is a (digitized) result.
    pub result: bool,
}

/// How many entries of one role (and copy form) one station registered on one day.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// `YYYY-MM-DD` (Vietnam time).
    pub day: String,
    /// Station name.
    pub station: String,
    /// Role.
    pub role: Role,
    /// Copy form, for copies.
    pub copy_form: Option<CopyForm>,
    /// Number of entries.
    pub count: u64,
}

impl Register {
    /// Every dossier received or resolved between `from` and `to` (`YYYY-MM-DD`, inclusive),
    /// with what its entries say about it, ordered by code.
    pub fn dossier_facts(&self, from: &str, to: &str) -> Result<Vec<DossierFacts>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH touched AS (
                 SELECT dossier_code FROM entry_facts
                  WHERE received_on BETWEEN ?1 AND ?2 AND dossier_code IS NOT NULL
                 UNION
                 SELECT dossier_code FROM entry_facts
                  WHERE resolved_on BETWEEN ?1 AND ?2 AND dossier_code IS NOT NULL)
             SELECT dossier_code,
                    (SELECT procedure_code FROM entry_facts p
                      WHERE p.dossier_code = f.dossier_code AND procedure_code IS NOT NULL
                      ORDER BY seq LIMIT 1),
                    coalesce((SELECT station FROM entry_facts s
                      WHERE s.dossier_code = f.dossier_code AND received_on IS NOT NULL
                      ORDER BY received_on, seq LIMIT 1), min(station)),
                    min(received_on), max(resolved_on),
                    max(role = 'digitized'), max(role = 'reused'), max(role = 'result')
               FROM entry_facts f
              WHERE dossier_code IN touched
              GROUP BY dossier_code ORDER BY dossier_code",
        )?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok(DossierFacts {
                dossier_code: r.get(0)?,
                procedure_code: r.get(1)?,
                station: r.get(2)?,
                received_on: r.get(3)?,
                resolved_on: r.get(4)?,
                digitized: r.get::<_, i64>(5)? != 0,
                reused: r.get::<_, i64>(6)? != 0,
                result: r.get::<_, i64>(7)? != 0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Entries registered between `from` and `to` (`YYYY-MM-DD`, inclusive), counted per day,
    /// station, role and copy form.
    pub fn tallies(&self, from: &str, to: &str) -> Result<Vec<Tally>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, station, role, copy_form, count(*) FROM entry_facts
              WHERE day BETWEEN ?1 AND ?2
              GROUP BY day, station, role, copy_form ORDER BY day, station, role, copy_form",
        )?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (day, station, role, form, count) = row?;
            out.push(Tally {
                day,
                station,
                role: role.parse().unwrap_or(Role::Other),
                copy_form: form.and_then(|f| f.parse().ok()),
                count: count.max(0) as u64,
            });
        }
        Ok(out)
    }

    /// The earliest entry of the file `sha256` registered for a dossier other than
    /// `dossier_code` — when a new dossier includes it, that is a reuse (Decision 766/QĐ-TTg).
    pub fn earlier_in_other_dossier(
        &self,
        sha256: &Hash,
        dossier_code: &str,
    ) -> Result<Option<u64>> {
        let seq: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT min(seq) FROM entries WHERE sha256 = ?1
                  AND dossier_code IS NOT NULL AND dossier_code != ?2",
            )?
            .query_row(params![&sha256[..], dossier_code], |r| r.get(0))?;
        Ok(seq.map(|s| s.max(0) as u64))
    }
}

impl Register {
    /// Whether the facts row of `entry` is present and equal to what its fields say.
    pub(crate) fn facts_match(&self, entry: &Entry) -> Result<bool> {
        type Row = (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
        );
        let stored: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT role, day, station, dossier_code, procedure_code, received_on, \
                 resolved_on, reuse_of, copy_form FROM entry_facts WHERE seq = ?1",
            )?
            .query_row([to_i64(entry.seq)?], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })
            .optional()?;
        let f = entry.facts();
        let want: Row = (
            f.role.as_str().to_owned(),
            entry.time.get(..10).unwrap_or(&entry.time).to_owned(),
            entry.station.clone(),
            entry.dossier_code.clone(),
            f.procedure_code,
            f.received_on,
            f.resolved_on,
            f.reuse_of.map(to_i64).transpose()?,
            entry.copy.as_ref().map(|c| c.form.symbol().to_owned()),
        );
        Ok(stored.as_ref() == Some(&want))
    }
}

impl Register {
    /// Every entry of the dossier `code`, oldest first.
    pub fn entries_for_dossier(&self, code: &str) -> Result<Vec<Entry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE seq IN \
             (SELECT seq FROM entry_facts WHERE dossier_code = ?1) ORDER BY seq"
        ))?;
        let rows = stmt.query_map([code], |r| Ok(entry_from_row(r)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??.0);
        }
        Ok(out)
    }
}

impl Register {
    /// Every distinct file hash in the register (for backups), in no particular order.
    pub fn distinct_sha256(&self) -> Result<Vec<Hash>> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT sha256 FROM entries")?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        let mut out = Vec::new();
        for row in rows {
            if let Ok(h) = Hash::try_from(row?.as_slice()) {
                out.push(h);
            }
        }
        Ok(out)
    }

    /// Writes a consistent copy of the whole database to `path` (SQLite `VACUUM INTO`: one read
    /// transaction, WAL content included); `path` must not exist.
    pub fn copy_database_to(&self, path: &Path) -> Result<()> {
        let target = path.to_string_lossy().into_owned();
        self.conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }
}
