//! Visited sets for graph walks over a PDF's objects: page tree `/Kids`, form field `/Kids` and
//! `/Fields`, name and number trees, Type0 `/DescendantFonts`, `/SMask` chains, outlines. A file
//! may make any of them cyclic or share one node a hundred thousand times; with a [`Visited`]
//! each indirect object is entered once and the walk as a whole is bounded.

use std::collections::HashSet;

use super::file::{PdfFile, Source};
use super::object::{Dict, ObjRef, Object};
use super::PdfError;

/// Default bound on the distinct nodes of one walk.
pub const DEFAULT_MAX_NODES: usize = 1_000_000;
/// Deepest nesting a tree walk follows.
pub const MAX_TREE_DEPTH: usize = 256;

/// The objects one walk has entered.
#[derive(Debug, Clone)]
pub struct Visited {
    seen: HashSet<ObjRef>,
    max: usize,
    what: &'static str,
}

impl Visited {
    /// A walk over `what` (for messages: "page tree", "form fields", ...), bounded by
    /// [`DEFAULT_MAX_NODES`].
    pub fn new(what: &'static str) -> Self {
        Self::with_limit(what, DEFAULT_MAX_NODES)
    }

    /// A walk bounded by `max` distinct nodes.
    pub fn with_limit(what: &'static str, max: usize) -> Self {
        Self {
            seen: HashSet::new(),
            max,
            what,
        }
    }

    /// True the first time `r` is met, false after (a cycle or a shared node: do not descend);
    /// an error once the walk has entered more than its limit of nodes.
    pub fn first_visit(&mut self, r: ObjRef) -> Result<bool, PdfError> {
        if self.seen.contains(&r) {
            return Ok(false);
        }
        if self.seen.len() >= self.max {
            return Err(PdfError::limit(
                "nodes of one walk",
                self.max as u64,
                format!("{} at object {} {}", self.what, r.num, r.gen),
            ));
        }
        self.seen.insert(r);
        Ok(true)
    }

    /// As [`Visited::first_visit`] for any object: direct objects are always new (they cannot
    /// form cycles), references are checked.
    pub fn first_visit_obj(&mut self, o: &Object) -> Result<bool, PdfError> {
        match o {
            Object::Ref(r) => self.first_visit(*r),
            _ => Ok(true),
        }
    }

    /// Whether `r` was entered.
    pub fn contains(&self, r: ObjRef) -> bool {
        self.seen.contains(&r)
    }

    /// Number of distinct nodes entered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True before the first node.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

impl<S: Source> PdfFile<S> {
    /// Every page of the document in order, with its dictionary (ISO 32000-1 §7.7.3.2). Cycles,
    /// repeated kids and over-deep trees end the walk at that node instead of looping.
    pub fn pages(&self) -> Result<Vec<(ObjRef, Dict)>, PdfError> {
        let cat = self
            .dict_of(&Object::Ref(self.catalog_ref()?))?
            .ok_or(PdfError::MissingKey {
                key: "Root",
                object: "trailer",
            })?;
        let root = cat
            .get("Pages")
            .and_then(Object::as_ref)
            .ok_or(PdfError::MissingKey {
                key: "Pages",
                object: "catalog",
            })?;
        let mut seen = Visited::new("page tree");
        let mut out = Vec::new();
        let mut stack = vec![(root, 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_TREE_DEPTH || !seen.first_visit(node)? {
                continue;
            }
            let Some(d) = self.dict_of(&Object::Ref(node))? else {
                continue;
            };
            if d.name("Type") == Some(b"Page") {
                out.push((node, d));
                continue;
            }
            for k in d
                .get("Kids")
                .and_then(Object::as_array)
                .unwrap_or(&[])
                .iter()
                .rev()
                .filter_map(Object::as_ref)
            {
                stack.push((k, depth + 1));
            }
        }
        Ok(out)
    }

    /// An inheritable page attribute (ISO 32000-1 §7.7.3.4, Table 30: `/Resources`,
    /// `/MediaBox`, `/CropBox`, `/Rotate`): the page's own value, else the nearest ancestor's
    /// through `/Parent`, resolved one level. Each ancestor is entered once and at most
    /// [`MAX_TREE_DEPTH`] of them.
    pub fn inherited(&self, page: &Dict, key: &str) -> Result<Option<Object>, PdfError> {
        let mut seen = Visited::new("page tree (/Parent)");
        let mut node = page.clone();
        for _ in 0..MAX_TREE_DEPTH {
            if let Some(v) = node.get(key) {
                return self.resolve(v).map(Some);
            }
            let Some(parent) = node.get("Parent").and_then(Object::as_ref) else {
                return Ok(None);
            };
            if !seen.first_visit(parent)? {
                return Ok(None);
            }
            match self.dict_of(&Object::Ref(parent))? {
                Some(d) => node = d,
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    /// A page's content (§7.8.2): its `/Contents` stream, or the streams of its array joined by
    /// a newline (the division between streams falls on token boundaries), decoded.
    pub fn page_content(&self, page: &Dict) -> Result<Vec<u8>, PdfError> {
        let mut out = Vec::new();
        let contents = match page.get("Contents") {
            Some(c) => self.resolve(c)?,
            None => return Ok(out),
        };
        let parts = match contents {
            Object::Array(a) => a,
            one => vec![one],
        };
        for part in parts {
            if let Object::Stream(s) = self.resolve(&part)? {
                if !out.is_empty() {
                    out.push(b'\n');
                }
                out.extend_from_slice(&self.stream_bytes(&s)?);
            }
        }
        Ok(out)
    }

    /// The key/value pairs of a name tree (§7.9.6) rooted at `root`, leaves in order; each node
    /// is entered once.
    pub fn name_tree(&self, root: &Object) -> Result<Vec<(Vec<u8>, Object)>, PdfError> {
        let mut seen = Visited::new("name tree");
        let mut out = Vec::new();
        let mut stack = vec![(root.clone(), 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_TREE_DEPTH || !seen.first_visit_obj(&node)? {
                continue;
            }
            let Some(d) = self.dict_of(&node)? else {
                continue;
            };
            if let Some(names) = d.get("Names") {
                let names = self.resolve(names)?;
                for pair in names.as_array().unwrap_or(&[]).chunks_exact(2) {
                    if let Some(k) = pair[0].as_string() {
                        out.push((k.to_vec(), pair[1].clone()));
                    }
                }
            }
            if let Some(kids) = d.get("Kids") {
                let kids = self.resolve(kids)?;
                for k in kids.as_array().unwrap_or(&[]).iter().rev() {
                    stack.push((k.clone(), depth + 1));
                }
            }
        }
        Ok(out)
    }

    /// Follows a chain of objects through `key` (an `/SMask` of an `/SMask`, `/DescendantFonts`
    /// of a Type0 font, `/Next` of outline items, `/Parent` of a field) from `start`, each object
    /// once: the dictionaries in order, ending at a missing key, a non-dictionary or a cycle.
    /// An array value is followed through its first element.
    pub fn chain(&self, start: &Object, key: &str) -> Result<Vec<Dict>, PdfError> {
        let mut seen = Visited::new("chain");
        let mut out = Vec::new();
        let mut next = Some(start.clone());
        while let Some(o) = next.take() {
            if !seen.first_visit_obj(&o)? {
                break;
            }
            let Some(d) = self.dict_of(&o)? else { break };
            next = match d.get(key) {
                Some(Object::Array(a)) => a.first().cloned(),
                Some(v) => Some(v.clone()),
                None => None,
            };
            out.push(d);
            if out.len() > DEFAULT_MAX_NODES {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_referencing_kids_and_shared_nodes_end_the_walk() {
        let pdf = crate::read::classic_pdf(
            &[
                "<< /Type /Catalog /Pages 2 0 R /Names << /Dests 4 0 R >> >>",
                "<< /Type /Pages /Kids [2 0 R 3 0 R 3 0 R 2 0 R] /Count 2 >>",
                "<< /Type /Page /Parent 2 0 R /SMask 5 0 R >>",
                "<< /Kids [4 0 R 4 0 R] /Names [(a) 1 (b) 2] >>",
                "<< /SMask 5 0 R /DescendantFonts [5 0 R] >>",
            ],
            "",
        );
        let f = PdfFile::open(pdf).unwrap();
        let pages = f.pages().unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].0, ObjRef::new(3));
        let names = f.name_tree(&Object::Ref(ObjRef::new(4))).unwrap();
        assert_eq!(names.len(), 2);
        assert_eq!(
            f.chain(&Object::Ref(ObjRef::new(5)), "SMask")
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            f.chain(&Object::Ref(ObjRef::new(5)), "DescendantFonts")
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn inherited_attributes_follow_parents_once() {
        let pdf = crate::read::classic_pdf(
            &[
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 /Parent 4 0 R >>",
                "<< /Type /Page /Parent 2 0 R /Contents [5 0 R 5 0 R] >>",
                "<< /Type /Pages /Parent 2 0 R /MediaBox 6 0 R >>",
                "<< /Length 3 >>\nstream\nq Q\nendstream",
                "[0 0 10 20]",
            ],
            "",
        );
        let f = PdfFile::open(pdf).unwrap();
        let (_, page) = f.pages().unwrap().remove(0);
        assert_eq!(
            f.inherited(&page, "Rotate").unwrap(),
            Some(Object::Integer(90))
        );
        let mb = f.inherited(&page, "MediaBox").unwrap().unwrap();
        assert_eq!(mb.as_array().map(<[Object]>::len), Some(4));
        // 2 → 4 → 2 is a cycle: the walk ends instead of looping.
        assert_eq!(f.inherited(&page, "CropBox").unwrap(), None);
        assert_eq!(f.page_content(&page).unwrap(), b"q Q\nq Q");
        let mut pages = 0;
        assert!(!f
            .any_object(|o| {
                pages += usize::from(o.as_dict().and_then(|d| d.name("Type")) == Some(b"Page"));
                false
            })
            .unwrap());
        assert_eq!(pages, 1);
    }

    #[test]
    fn walk_limit_is_a_typed_error() {
        let mut v = Visited::with_limit("form fields", 2);
        assert!(v.first_visit(ObjRef::new(1)).unwrap());
        assert!(!v.first_visit(ObjRef::new(1)).unwrap());
        assert!(v.first_visit(ObjRef::new(2)).unwrap());
        match v.first_visit(ObjRef::new(3)) {
            Err(PdfError::LimitExceeded { object, .. }) => assert!(object.contains("form fields")),
            other => panic!("{other:?}"),
        }
    }
}
