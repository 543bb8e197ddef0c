//! One progress and cancel interface for every long flow. A flow takes a [`Watch`]: it reports
//! [`Event`]s to it (the CLI draws indicatif bars, the app forwards them to the page) and stops
//! at the next page or file once [`Cancel::cancel`] was called (Ctrl-C in the CLI, the Cancel
//! button in the app). A cancelled flow leaves no output and registers nothing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

/// A flag another thread sets to stop a flow. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag not yet set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the flow to stop at the next page or file.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Clears the flag, for the next run.
    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }

    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

/// What a flow reports while it runs.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Event {
    /// Build: every input was read; `pages` will be written.
    Planned {
        /// Total pages.
        pages: usize,
    },
    /// Build: pages cleaned so far (deskew, crop, blank pages).
    Clean {
        /// Pages done.
        done: usize,
        /// Pages to clean.
        total: usize,
    },
    /// Build: pages recognised so far (OCR).
    Ocr {
        /// Pages done.
        done: usize,
        /// Pages to recognise.
        total: usize,
    },
    /// Build: one more page written.
    Page {
        /// Pages written.
        done: usize,
        /// Total pages.
        total: usize,
        /// File name of the page's source.
        file: String,
    },
    /// Build: closing the file.
    Finishing,
    /// Sign or copy many: one more file finished (done or failed).
    File {
        /// Files finished.
        done: usize,
        /// Files in the batch.
        total: usize,
        /// The file just finished (its name).
        name: String,
        /// Whether it succeeded.
        ok: bool,
    },
}

impl From<hoso_dossier::BuildEvent> for Event {
    fn from(e: hoso_dossier::BuildEvent) -> Self {
        use hoso_dossier::BuildEvent as B;
        match e {
            B::Planned { pages } => Event::Planned { pages },
            B::Clean { done, total } => Event::Clean { done, total },
            B::Ocr { done, total } => Event::Ocr { done, total },
            B::Page { done, total, file } => Event::Page {
                done,
                total,
                file: file_name(&file),
            },
            B::Finishing => Event::Finishing,
        }
    }
}

pub(crate) fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A flow's listener and its cancel flag.
pub struct Watch<'a> {
    on_event: &'a (dyn Fn(Event) + Sync),
    cancel: Cancel,
}

impl<'a> Watch<'a> {
    /// Reports to `on_event`; stops when `cancel` is set.
    pub fn new(on_event: &'a (dyn Fn(Event) + Sync), cancel: Cancel) -> Self {
        Self { on_event, cancel }
    }

    /// Nobody listens and nothing cancels.
    pub fn quiet() -> Watch<'static> {
        Watch {
            on_event: &|_| {},
            cancel: Cancel::new(),
        }
    }

    /// Reports one event.
    pub fn emit(&self, e: Event) {
        (self.on_event)(e)
    }

    /// Whether the flow should stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The cancel flag.
    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }
}
