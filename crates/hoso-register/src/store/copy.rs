//! Copy numbers (Decree 30/2020 Art. 22: a series per organisation, form and year): reserved
//! inside the write transaction that appends the copy's entry, so a failed signature gives the
//! number back and the series stays gap-free.

use super::*;

impl Register {
    /// Reserves the next copy number of `org` for this year (Vietnam time), holding the
    /// register's write lock until the reservation is committed or dropped.
    ///
    /// The number is allocated inside the transaction that will append the copy's entry: if
    /// signing fails, dropping the reservation (or [`CopyReservation::abort`]) rolls it back
    /// and the number is not consumed, so numbers stay gap-free. Other writers wait while a
    /// reservation is open (up to the 30 s busy timeout), so sign promptly.
    pub fn reserve_copy(&mut self, org: &str, form: CopyForm) -> Result<CopyReservation<'_>> {
        check_organisation(org)?;
        self.begin()?;
        let now = self.now();
        let year = u32::try_from(now.year()).map_err(|_| RegisterError::OutOfRange(0))?;
        let allocated: Result<u32> = self
            .conn
            .prepare_cached(
                "INSERT INTO copy_counters (org, year, last) VALUES (?1, ?2, 1) \
                 ON CONFLICT (org, year) DO UPDATE SET last = last + 1 RETURNING last",
            )
            .and_then(|mut s| s.query_row(params![org, year], |r| r.get(0)))
            .map_err(RegisterError::from);
        match allocated {
            Ok(number) => Ok(CopyReservation {
                number: CopyNumber {
                    org: org.to_owned(),
                    year,
                    number,
                    form,
                },
                now,
                register: self,
                open: true,
            }),
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    /// Allocates a copy number, runs `sign` with it (stamp and sign the copy, return the
    /// SHA-256 of the signed file), and appends the copy's entry — all in one transaction.
    /// If `sign` fails, nothing is written and the number is not consumed.
    pub fn append_copy<E>(
        &mut self,
        org: &str,
        form: CopyForm,
        template: NewEntry,
        sign: impl FnOnce(&CopyNumber) -> std::result::Result<Hash, E>,
    ) -> std::result::Result<Appended, AppendCopyError<E>> {
        let reservation = self
            .reserve_copy(org, form)
            .map_err(AppendCopyError::Register)?;
        let sha256 = match sign(reservation.number()) {
            Ok(h) => h,
            Err(e) => {
                reservation.abort();
                return Err(AppendCopyError::Sign(e));
            }
        };
        reservation
            .commit(NewEntry {
                kind: EntryKind::Copy,
                sha256,
                ..template
            })
            .map_err(AppendCopyError::Register)
    }
}

/// The error of [`Register::append_copy`]: the register's, or the signing step's.
#[derive(Debug, thiserror::Error)]
pub enum AppendCopyError<E> {
    /// The register failed.
    #[error(transparent)]
    Register(RegisterError),
    /// The signing step failed; no number was consumed.
    #[error("signing the copy failed; its number was not used: {0}")]
    Sign(E),
}

/// A copy number held inside an open write transaction; see [`Register::reserve_copy`].
#[must_use = "a reservation does nothing until committed; dropping it gives the number back"]
pub struct CopyReservation<'r> {
    register: &'r mut Register,
    number: CopyNumber,
    now: OffsetDateTime,
    open: bool,
}

impl CopyReservation<'_> {
    /// The reserved number, to print on the copy ("Số: 05/SY-UBND").
    pub fn number(&self) -> &CopyNumber {
        &self.number
    }

    /// The time that will be recorded for the entry, ISO 8601 in +07:00.
    pub fn time(&self) -> String {
        format_vietnam(self.now)
    }

    /// Appends the copy's entry (its kind becomes [`EntryKind::Copy`]) with the reserved
    /// number and commits.
    pub fn commit(mut self, entry: NewEntry) -> Result<Appended> {
        let entry = NewEntry {
            kind: EntryKind::Copy,
            ..entry
        }
        .validated();
        let result = match entry {
            Ok(entry) => self
                .register
                .write_and_commit(vec![(entry, Some(self.number.clone()))], self.now),
            Err(e) => Err(e.into()),
        };
        if result.is_err() {
            self.register.rollback();
        }
        self.open = false;
        result
    }

    /// Gives the number back: nothing is written.
    pub fn abort(mut self) {
        self.register.rollback();
        self.open = false;
    }
}

impl Drop for CopyReservation<'_> {
    fn drop(&mut self) {
        if self.open {
            self.register.rollback();
        }
    }
}
