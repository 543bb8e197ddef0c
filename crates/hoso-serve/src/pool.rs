//! A few read-only register connections kept open (opening SQLite per request would cost more
//! than the lookup). The register is reached only through its public API, so a second backend
//! slots in behind [`Pool::get`].

use std::sync::Mutex;

use hoso_office::{Config, OfficeError};
use hoso_register::Register;

/// Connections kept when idle.
const KEEP: usize = 8;

pub(crate) struct Pool {
    /// Opened through hoso-office, so the pinned key and the listed witnesses apply.
    config: Config,
    idle: Mutex<Vec<Register>>,
}

/// A connection on loan; it goes back to the pool when dropped.
pub(crate) struct Lease<'p> {
    pool: &'p Pool,
    reg: Option<Register>,
}

impl Pool {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn get(&self) -> Result<Lease<'_>, OfficeError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let reg = match idle {
            Some(r) => r,
            None => {
                if !self.config.register.exists() {
                    return Err(OfficeError::NoRegister(self.config.register.clone()));
                }
                hoso_office::register::open_read_only(&self.config)?
            }
        };
        Ok(Lease {
            pool: self,
            reg: Some(reg),
        })
    }
}

impl std::ops::Deref for Lease<'_> {
    type Target = Register;
    fn deref(&self) -> &Register {
        self.reg.as_ref().expect("present until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let (Some(reg), Ok(mut idle)) = (self.reg.take(), self.pool.idle.lock()) {
            if idle.len() < KEEP {
                idle.push(reg);
            }
        }
    }
}
