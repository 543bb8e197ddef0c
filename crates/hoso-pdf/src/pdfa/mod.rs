//! The PDF/A validator behind `hoso check`: reads a file with [`crate::read`] and tests it
//! rule by rule against ISO 19005-1, -2 and -3 (levels B and U), as the file declares in its
//! XMP `pdfaid` or at a level the caller names. Every failure is a [`Finding`] naming its rule
//! ([`rules::RULES`] holds the clause numbers), the object and the page.
//!
//! What it does not check: tagged structure (level A), PostScript-level font internals beyond
//! widths and glyph presence, the colour values themselves.
//!
//! ```no_run
//! let data = std::fs::read("dossier.pdf")?;
//! let report = hoso_pdf::pdfa::check(&data, None)?;
//! for f in &report.findings {
//!     println!("{} {}: {}", f.clause, f.object.unwrap_or(0), f.detail);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Match arms here hold several checks each; folding one into a guard would make the next arm
// catch the passing case, so the lint's suggestion is not equivalent.
#![allow(clippy::collapsible_match)]

mod fonts;
mod graphics;
pub mod rules;
mod structure;
mod xmp;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::read::{Dict, FileSource, ObjRef, Object, PdfFile, Source, Stream, XrefEntry};
pub use rules::{rule, Conformance, Family, Level, Part, Rule, RuleId, RULES};

/// Findings kept per rule; the rest are counted in [`Report::suppressed`].
const MAX_FINDINGS_PER_RULE: usize = 20;
/// Objects read at most (ISO 19005-2 §6.1.13 allows 8 388 607).
const MAX_OBJECTS: u32 = 8_388_607;
/// Decoded bytes the checker may inflate in total (content streams, fonts, XMP, profiles).
const DECODE_BUDGET: u64 = 2 << 30;

/// Why a file could not be checked at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// Reading the file failed.
    #[error("không đọc được tệp / cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// Not a PDF this reader can open (no xref, truncated, …).
    #[error("không mở được PDF / cannot open the PDF: {0}")]
    Unreadable(#[from] crate::read::PdfError),
}

/// One rule failure.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The rule.
    pub rule: RuleId,
    /// Its ISO 19005 clause for the level checked.
    pub clause: &'static str,
    /// Its family.
    pub family: Family,
    /// Page (1-based) where it was found, when it belongs to a page.
    pub page: Option<u32>,
    /// Object number, when it belongs to an object.
    pub object: Option<u32>,
    /// What exactly is wrong.
    pub detail: String,
}

impl Finding {
    /// The table row of this finding's rule.
    pub fn rule_row(&self) -> &'static Rule {
        rule(self.rule)
    }
}

/// The result of checking one file.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The level checked.
    pub level: Level,
    /// The level the file declares in its XMP, if any.
    pub declared: Option<Level>,
    /// Number of pages.
    pub pages: u32,
    /// Every failure found (at most 20 per rule).
    pub findings: Vec<Finding>,
    /// Failures found beyond the 20 kept per rule.
    pub suppressed: usize,
}

impl Report {
    /// True when no rule failed.
    pub fn is_conforming(&self) -> bool {
        self.findings.is_empty()
    }

    /// The distinct rules that failed, in table order.
    pub fn failed_rules(&self) -> Vec<RuleId> {
        let mut r: Vec<RuleId> = self.findings.iter().map(|f| f.rule).collect();
        r.sort();
        r.dedup();
        r
    }
}

/// Checks a PDF file on disk; see [`check`].
///
/// The file is read where the rules look (object headers, the cross-reference sections, the
/// end of the file, the streams a rule decodes), never whole: a 150 MB scan dossier's image
/// data is not read at all.
pub fn check_file(path: &Path, level: Option<Level>) -> Result<Report, CheckError> {
    let src = FileSource::new(std::fs::File::open(path)?)?;
    check_source(&src, level)
}

/// Checks a PDF held in memory at `level`, or at the level its XMP declares (PDF/A-2b when it
/// declares none, which is itself a finding).
pub fn check(data: &[u8], level: Option<Level>) -> Result<Report, CheckError> {
    check_source(&data, level)
}

fn check_source(src: &dyn Source, level: Option<Level>) -> Result<Report, CheckError> {
    let file = PdfFile::open(src)?;
    let mut cx = Checker::new(file, level);
    cx.run();
    Ok(cx.into_report())
}

/// What colour space family the OutputIntent's profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntentSpace {
    Gray,
    Rgb,
    Cmyk,
    Other,
}

/// The state of one check run.
pub(crate) struct Checker<'a> {
    pub(crate) file: PdfFile<&'a dyn Source>,
    pub(crate) level: Level,
    pub(crate) forced: bool,
    pub(crate) declared: Option<Level>,
    pub(crate) objects: HashMap<u32, Object>,
    pub(crate) findings: Vec<Finding>,
    per_rule: HashMap<RuleId, usize>,
    suppressed: usize,
    pub(crate) budget: u64,
    pub(crate) intent: Option<IntentSpace>,
    pub(crate) pages: Vec<(ObjRef, Dict)>,
    /// Object number → first page that uses it (fonts, XObjects, …).
    pub(crate) page_of: HashMap<u32, u32>,
    /// Font object number → character codes shown with it.
    pub(crate) font_use: HashMap<u32, HashSet<u32>>,
    /// Colorant name → alternate space and tint transform of its first Separation array.
    pub(crate) separations: HashMap<Vec<u8>, (Object, Object)>,
}

static NULL: Object = Object::Null;

impl<'a> Checker<'a> {
    fn new(file: PdfFile<&'a dyn Source>, level: Option<Level>) -> Self {
        Self {
            file,
            level: level.unwrap_or(Level {
                part: Part::Two,
                conformance: Conformance::B,
            }),
            forced: level.is_some(),
            declared: None,
            objects: HashMap::new(),
            findings: Vec::new(),
            per_rule: HashMap::new(),
            suppressed: 0,
            budget: DECODE_BUDGET,
            intent: None,
            pages: Vec::new(),
            page_of: HashMap::new(),
            font_use: HashMap::new(),
            separations: HashMap::new(),
        }
    }

    fn run(&mut self) {
        self.load_objects();
        // The level comes first: every other rule depends on it.
        xmp::check_metadata(self);
        structure::check_file_structure(self);
        self.collect_pages();
        structure::check_page_boxes(self);
        graphics::check_output_intents(self);
        graphics::check_pages(self);
        structure::check_objects(self);
        fonts::check_fonts(self);
        structure::check_interactive(self);
    }

    fn into_report(self) -> Report {
        Report {
            level: self.level,
            declared: self.declared,
            pages: self.pages.len() as u32,
            findings: self.findings,
            suppressed: self.suppressed,
        }
    }

    /// Records a failure of `id`, if the rule applies at the level checked.
    pub(crate) fn fail(
        &mut self,
        id: RuleId,
        page: Option<u32>,
        object: Option<u32>,
        detail: impl Into<String>,
    ) {
        let row = rule(id);
        if !row.applies(self.level) {
            return;
        }
        let Some(clause) = row.clause(self.level.part) else {
            return;
        };
        let n = self.per_rule.entry(id).or_insert(0);
        *n += 1;
        if *n > MAX_FINDINGS_PER_RULE {
            self.suppressed += 1;
            return;
        }
        let page = page.or_else(|| object.and_then(|o| self.page_of.get(&o).copied()));
        self.findings.push(Finding {
            rule: id,
            clause,
            family: row.family,
            page,
            object,
            detail: detail.into(),
        });
    }

    pub(crate) fn part1(&self) -> bool {
        self.level.part == Part::One
    }

    /// Reads every object the cross-reference table lists.
    fn load_objects(&mut self) {
        let size = self.file.size().min(MAX_OBJECTS);
        for num in 1..size {
            let Some(entry) = self.file.entry(num) else {
                continue;
            };
            let gen = match entry {
                XrefEntry::Free => continue,
                XrefEntry::InFile { gen, .. } => gen,
                XrefEntry::InStream { .. } => 0,
            };
            match self.file.get(ObjRef { num, gen }) {
                Ok(o) => {
                    self.objects.insert(num, o);
                }
                Err(e) => {
                    self.objects.insert(num, Object::Null);
                    self.fail(
                        RuleId::ObjectSyntax,
                        None,
                        Some(num),
                        format!("đối tượng không đọc được / the object cannot be read: {e}"),
                    );
                }
            }
        }
    }

    /// Follows references (a few levels) to the object they name; `null` when missing.
    pub(crate) fn resolve<'o>(&'o self, o: &'o Object) -> &'o Object {
        let mut cur = o;
        for _ in 0..16 {
            match cur {
                Object::Ref(r) => match self.objects.get(&r.num) {
                    Some(next) => cur = next,
                    None => return &NULL,
                },
                _ => return cur,
            }
        }
        &NULL
    }

    /// The dictionary `o` is or names (also a stream's dictionary).
    pub(crate) fn dict<'o>(&'o self, o: &'o Object) -> Option<&'o Dict> {
        self.resolve(o).as_dict()
    }

    /// `d[key]` resolved.
    pub(crate) fn get<'o>(&'o self, d: &'o Dict, key: &str) -> &'o Object {
        d.get(key).map_or(&NULL, |o| self.resolve(o))
    }

    /// A number (integer or real) after resolving.
    pub(crate) fn number(&self, o: &Object) -> Option<f64> {
        match self.resolve(o) {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(*r),
            _ => None,
        }
    }

    /// The stream `o` names, if it is one.
    pub(crate) fn stream<'o>(&'o self, o: &'o Object) -> Option<&'o Stream> {
        match self.resolve(o) {
            Object::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// A stream's decoded data, drawing from the decode budget; `None` when the filters are
    /// not readable here or the budget is spent.
    pub(crate) fn decode(&mut self, s: &Stream) -> Option<Vec<u8>> {
        if self.budget == 0 {
            return None;
        }
        let data = self.file.stream_data(s).ok()?;
        self.budget = self.budget.saturating_sub(data.len() as u64);
        Some(data)
    }

    /// The file's length in bytes.
    pub(crate) fn file_len(&self) -> u64 {
        self.file.source().len()
    }

    /// Up to `len` bytes at `at` (fewer at the end of the file, none when unreadable).
    pub(crate) fn bytes(&self, at: u64, len: usize) -> Vec<u8> {
        let len = len.min(self.file_len().saturating_sub(at) as usize);
        let mut buf = vec![0; len];
        match self.file.source().read_at(at, &mut buf) {
            Ok(n) => buf.truncate(n),
            Err(_) => buf.clear(),
        }
        buf
    }

    /// The byte at `at`.
    pub(crate) fn byte(&self, at: u64) -> Option<u8> {
        self.bytes(at, 1).first().copied()
    }

    /// The offset of the first `needle` in `[from, end)`, read 64 KiB at a time.
    pub(crate) fn find(&self, from: u64, end: u64, needle: &[u8]) -> Option<u64> {
        const CHUNK: usize = 1 << 16;
        let end = end.min(self.file_len());
        let mut at = from;
        while at < end {
            let want = CHUNK.min((end - at) as usize);
            let chunk = self.bytes(at, want);
            if let Some(p) = chunk.windows(needle.len()).position(|w| w == needle) {
                return Some(at + p as u64);
            }
            if chunk.len() < needle.len() || at + (chunk.len() as u64) >= end {
                return None;
            }
            // Overlap by the needle's length minus one, so a match across chunks is found.
            at += (chunk.len() - (needle.len() - 1)) as u64;
        }
        None
    }

    /// The catalog dictionary.
    pub(crate) fn catalog(&self) -> Option<Dict> {
        let root = self.file.trailer().get("Root")?;
        self.dict(root).cloned()
    }

    /// Walks the page tree (ISO 32000-1 §7.7.3) with a visited set, keeping inheritable
    /// attributes resolved into each page's dictionary.
    fn collect_pages(&mut self) {
        let Some(cat) = self.catalog() else { return };
        let Some(root) = cat.get("Pages").and_then(Object::as_ref) else {
            return;
        };
        let mut seen = HashSet::new();
        let mut stack = vec![(root, Dict::new(), 0usize)];
        while let Some((r, inherited, depth)) = stack.pop() {
            if !seen.insert(r.num) || depth > 64 || self.pages.len() >= MAX_OBJECTS as usize {
                continue;
            }
            let Some(node) = self.objects.get(&r.num).and_then(Object::as_dict).cloned() else {
                continue;
            };
            let mut inh = inherited.clone();
            for key in ["Resources", "MediaBox", "CropBox", "Rotate"] {
                if let Some(v) = node.get(key) {
                    inh.set(key, v.clone());
                }
            }
            match node.get("Kids").map(|k| self.resolve(k)) {
                Some(Object::Array(kids)) if node.name("Type") != Some(b"Page") => {
                    for k in kids.iter().rev() {
                        if let Some(kr) = k.as_ref() {
                            stack.push((kr, inh.clone(), depth + 1));
                        }
                    }
                }
                _ => {
                    let mut page = node;
                    for (k, v) in inh.iter() {
                        let key = String::from_utf8_lossy(k).into_owned();
                        if page.get(&key).is_none() {
                            page.set(&key, v.clone());
                        }
                    }
                    self.pages.push((r, page));
                }
            }
        }
    }

    /// Notes that object `num` is used on `page` (first use wins).
    pub(crate) fn mark_page(&mut self, num: u32, page: u32) {
        self.page_of.entry(num).or_insert(page);
    }
}

/// A name as text for messages.
pub(crate) fn show(n: &[u8]) -> String {
    String::from_utf8_lossy(n).into_owned()
}
