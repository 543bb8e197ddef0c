//! What changed after a signed revision, judged by the role each object had in that revision
//! (the incremental saving attack of Mladenov et al. 2019, the shadow attacks and the sneaky
//! signatures of Mainka et al. 2021 all need changed or added objects).
//!
//! The signed revision is trusted data: walking from its trailer and catalog gives every object
//! a role (page content, resources, annotation, form field, `/Info`, `/Metadata`, DSS, ...).
//! A later revision's object is then judged by that role, never by the `/Type` or `/Subtype` it
//! claims now (CONVENTIONS.md habit 13). Allowed: new signature fields and their widgets (hidden
//! or with an empty appearance unless a later signature covers them), the filling and signing of
//! existing fields, `/Annots`, `/Fields`, AcroForm and catalog entries growing to hold them,
//! `/Version` and `/Extensions`, the document information and XMP metadata the signed revision
//! named, and the DSS. Under DocMDP P=3 also new annotations. Everything else is illegal:
//! page content, resources, the page tree, other annotations, deleted objects, objects filling
//! references that dangled at signing time (whatever they claim to be), a trailer pointing
//! `/Root` or `/Info` elsewhere, and bytes after the last `%%EOF` that are not a revision.
//!
//! Only dictionaries are read; no stream is decoded except small signature appearances.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::report::{Change, ChangeKind, ModificationLevel};
use crate::pdf::object::same;
use crate::pdf::{Dict, ObjRef, Object, PdfError, PdfFile, Source, XrefEntry};

/// The outcome of the analysis for one signature.
pub(crate) struct LevelReport {
    /// The most severe change.
    pub level: ModificationLevel,
    /// Reasons, joined.
    pub detail: String,
    /// Every change, with page and rectangle where known.
    pub changes: Vec<Change>,
    /// Pages (0-based, in the final file) that later revisions touched.
    pub touched_pages: BTreeSet<u32>,
    /// The rectangles of later signatures' widgets on each final page (0-based).
    pub later_signature_rects: Vec<(u32, [f64; 4])>,
}

/// Objects visited per walk before giving up (each visit reads one dictionary).
const MAX_VISITS: usize = 2_000_000;
/// Nesting of direct objects and page trees followed.
const MAX_DEPTH: usize = 64;
/// Largest appearance stream decoded to see whether it draws anything.
const MAX_APPEARANCE: u64 = 1 << 20;

/// The role an object had in the signed revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Catalog,
    Info,
    Metadata,
    Dss,
    PageTree,
    Page(u32),
    Content(u32),
    Resource(Option<u32>),
    Annots(u32),
    Annotation(u32),
    AnnotPart(u32),
    AcroForm,
    FieldList,
    Field { sig: bool, signed: bool },
    FieldPart { sig: bool },
    SigValue,
    Other,
}

impl Role {
    fn page(self) -> Option<u32> {
        match self {
            Role::Page(p)
            | Role::Content(p)
            | Role::Resource(Some(p))
            | Role::Annots(p)
            | Role::Annotation(p)
            | Role::AnnotPart(p) => Some(p),
            _ => None,
        }
    }

    /// Roles given by structure (they add to an object's roles); the others are inherited by
    /// whatever a walk reaches first.
    fn structural(self) -> bool {
        matches!(
            self,
            Role::Page(_) | Role::Annotation(_) | Role::Field { .. } | Role::Catalog | Role::Info
        )
    }

    fn describe(self) -> String {
        match self {
            Role::Catalog => "the document catalog".into(),
            Role::Info => "the document information dictionary".into(),
            Role::Metadata => "the XMP metadata".into(),
            Role::Dss => "the DSS".into(),
            Role::PageTree => "the page tree".into(),
            Role::Page(p) => format!("page {}", p + 1),
            Role::Content(p) => format!("content of page {}", p + 1),
            Role::Resource(Some(p)) => format!("resources of page {}", p + 1),
            Role::Resource(None) => "shared resources".into(),
            Role::Annots(p) => format!("the annotation list of page {}", p + 1),
            Role::Annotation(p) => format!("an annotation on page {}", p + 1),
            Role::AnnotPart(p) => format!("an annotation's appearance on page {}", p + 1),
            Role::AcroForm => "the interactive form".into(),
            Role::FieldList => "a list of form fields".into(),
            Role::Field { sig: true, .. } => "a signature field".into(),
            Role::Field { sig: false, .. } => "a form field".into(),
            Role::FieldPart { .. } => "a form field's value or appearance".into(),
            Role::SigValue => "a signature dictionary".into(),
            Role::Other => "a document-level object".into(),
        }
    }

    fn kind(self) -> ChangeKind {
        match self {
            Role::Catalog | Role::AcroForm | Role::FieldList => ChangeKind::Catalog,
            Role::Info => ChangeKind::DocumentInfo,
            Role::Metadata => ChangeKind::Metadata,
            Role::Dss => ChangeKind::Dss,
            Role::PageTree | Role::Page(_) | Role::Annots(_) => ChangeKind::Page,
            Role::Content(_) | Role::Resource(_) => ChangeKind::PageContent,
            Role::Annotation(_) | Role::AnnotPart(_) => ChangeKind::Annotation,
            Role::Field { sig: true, .. } | Role::SigValue => ChangeKind::SignatureField,
            Role::Field { sig: false, .. } | Role::FieldPart { .. } => ChangeKind::FormField,
            Role::Other => ChangeKind::Other,
        }
    }
}

/// The merged cross-reference entries of a file (newest wins), built from its revisions.
fn merged<S: Source>(f: &PdfFile<S>) -> HashMap<u32, XrefEntry> {
    let mut m = HashMap::new();
    for r in f.revisions() {
        for (&n, &e) in &r.entries {
            m.insert(n, e);
        }
    }
    m
}

fn exists(e: Option<&XrefEntry>) -> bool {
    matches!(
        e,
        Some(XrefEntry::InFile { .. }) | Some(XrefEntry::InStream { .. })
    )
}

fn rect_of(d: &Dict) -> Option<[f64; 4]> {
    let a = d.get("Rect")?.as_array()?;
    let n: Vec<f64> = a
        .iter()
        .filter_map(|o| match o {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(*r),
            _ => None,
        })
        .collect();
    (n.len() == 4).then(|| {
        [
            n[0].min(n[2]),
            n[1].min(n[3]),
            n[0].max(n[2]),
            n[1].max(n[3]),
        ]
    })
}

/// Roles of the signed revision's objects, found by walking from its trailer and catalog.
struct Roles<'a, S: Source> {
    file: &'a PdfFile<S>,
    entries: &'a HashMap<u32, XrefEntry>,
    map: HashMap<u32, Vec<Role>>,
    /// Object numbers referenced but not defined when signed, with what referred to them.
    dangling: HashMap<u32, Vec<Role>>,
    rects: HashMap<u32, [f64; 4]>,
    visits: usize,
    pages: u32,
}

impl<'a, S: Source> Roles<'a, S> {
    fn build(file: &'a PdfFile<S>, entries: &'a HashMap<u32, XrefEntry>) -> Self {
        let mut r = Roles {
            file,
            entries,
            map: HashMap::new(),
            dangling: HashMap::new(),
            rects: HashMap::new(),
            visits: 0,
            pages: 0,
        };
        let trailer = file.trailer().clone();
        let catalog = trailer.get("Root").cloned().unwrap_or(Object::Null);
        r.value(&catalog, Role::Catalog, 0);
        let cat = file.dict_of(&catalog).ok().flatten().unwrap_or_default();
        // Fields first, so widgets and their appearances are judged as form parts; then pages.
        if let Some(af) = cat.get("AcroForm") {
            r.value(af, Role::AcroForm, 0);
        }
        if let Some(p) = cat.get("Pages") {
            r.page_tree(p, 0);
        }
        if let Some(i) = trailer.get("Info") {
            r.value(i, Role::Info, 0);
        }
        for (k, v) in cat.iter() {
            let role = match k {
                b"Pages" | b"AcroForm" => continue,
                b"Metadata" => Role::Metadata,
                b"DSS" => Role::Dss,
                _ => Role::Other,
            };
            r.value(v, role, 0);
        }
        r
    }

    /// Marks `num` with `role`; returns its object when it should be expanded.
    fn mark(&mut self, num: u32, role: Role, referrer: Role) -> Option<Object> {
        if !exists(self.entries.get(&num)) {
            self.dangling.entry(num).or_default().push(referrer);
            return None;
        }
        let roles = self.map.entry(num).or_default();
        if roles.contains(&role) {
            return None;
        }
        let first = roles.is_empty();
        if !first && !role.structural() {
            return None;
        }
        roles.push(role);
        self.visits += 1;
        if self.visits > MAX_VISITS {
            return None;
        }
        let obj = self.file.get(ObjRef::new(num)).ok()?;
        if !first && !matches!(role, Role::Field { .. }) {
            // An annotation already walked as a field widget: remember where it is only.
            if let (Role::Annotation(_), Some(d)) = (role, obj.as_dict()) {
                if let Some(r) = rect_of(d) {
                    self.rects.insert(num, r);
                }
            }
            return None;
        }
        Some(obj)
    }

    /// Walks a value (direct or referenced) with a role inherited by all it reaches.
    fn value(&mut self, o: &Object, role: Role, depth: usize) {
        self.value_from(o, role, role, depth);
    }

    fn value_from(&mut self, o: &Object, role: Role, referrer: Role, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match o {
            Object::Ref(r) => {
                if let Some(obj) = self.mark(r.num, role, referrer) {
                    self.expand(r.num, &obj, role, depth + 1);
                }
            }
            Object::Array(a) => {
                for x in a {
                    self.value_from(x, role, referrer, depth + 1);
                }
            }
            Object::Dict(_) | Object::Stream(_) => self.expand(0, o, role, depth + 1),
            _ => {}
        }
    }

    fn expand(&mut self, num: u32, obj: &Object, role: Role, depth: usize) {
        let Some(d) = obj.as_dict() else {
            if let Object::Array(a) = obj {
                let child = match role {
                    Role::FieldList => None,
                    Role::Annots(p) => Some(Role::Annotation(p)),
                    other => Some(other),
                };
                for x in a {
                    match child {
                        Some(c) => self.value_from(x, c, role, depth + 1),
                        None => self.field(x, None, false, depth + 1),
                    }
                }
            }
            return;
        };
        match role {
            Role::AcroForm => {
                for (k, v) in d.iter() {
                    match k {
                        b"Fields" => self.field_list(v, depth + 1),
                        b"DR" => self.value(v, Role::Resource(None), depth + 1),
                        _ => self.value(v, Role::Other, depth + 1),
                    }
                }
            }
            Role::Annotation(p) => {
                if let Some(r) = rect_of(d) {
                    self.rects.insert(num, r);
                }
                for (k, v) in d.iter() {
                    if matches!(k, b"P" | b"Parent") {
                        continue;
                    }
                    let c = if k == b"Popup" {
                        Role::Annotation(p)
                    } else {
                        Role::AnnotPart(p)
                    };
                    self.value_from(v, c, role, depth + 1);
                }
            }
            Role::Catalog => {} // its keys are walked by `build`
            _ => {
                for (k, v) in d.iter() {
                    // Back links lead to structure walked with its own role.
                    if matches!(k, b"P" | b"Parent") && !matches!(role, Role::Other) {
                        continue;
                    }
                    self.value_from(v, role, role, depth + 1);
                }
            }
        }
    }

    fn field_list(&mut self, v: &Object, depth: usize) {
        if let Object::Ref(r) = v {
            if self.mark(r.num, Role::FieldList, Role::AcroForm).is_none() {
                return;
            }
        }
        let arr = self.file.resolve(v).unwrap_or(Object::Null);
        for item in arr.as_array().unwrap_or(&[]) {
            self.field(item, None, false, depth + 1);
        }
    }

    /// A form field or widget kid (ISO 32000-1 §12.7.3.1), with inherited `/FT`.
    fn field(&mut self, item: &Object, ft: Option<Vec<u8>>, parent_signed: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let d = match self.file.dict_of(item) {
            Ok(Some(d)) => d,
            _ => {
                if let Object::Ref(r) = item {
                    if !exists(self.entries.get(&r.num)) {
                        self.dangling
                            .entry(r.num)
                            .or_default()
                            .push(Role::FieldList);
                    }
                }
                return;
            }
        };
        let ft = d.name("FT").map(<[u8]>::to_vec).or(ft);
        let sig = ft.as_deref() == Some(b"Sig");
        let signed = parent_signed || d.get("V").is_some();
        let role = Role::Field { sig, signed };
        if let Object::Ref(r) = item {
            if self.mark(r.num, role, Role::FieldList).is_none() {
                return;
            }
        }
        for (k, v) in d.iter() {
            match k {
                b"Parent" | b"P" => {}
                b"Kids" => {
                    if let Object::Ref(r) = v {
                        if self.mark(r.num, Role::FieldList, role).is_none() {
                            continue;
                        }
                    }
                    let kids = self.file.resolve(v).unwrap_or(Object::Null);
                    for kid in kids.as_array().unwrap_or(&[]) {
                        self.field(kid, ft.clone(), signed, depth + 1);
                    }
                }
                b"V" if sig => self.value_from(v, Role::SigValue, role, depth + 1),
                _ => self.value_from(v, Role::FieldPart { sig }, role, depth + 1),
            }
        }
    }

    /// The page tree in document order (§7.7.3), numbering pages from 0.
    fn page_tree(&mut self, node: &Object, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(r) = node.as_ref() else { return };
        let d = match self.file.dict_of(node) {
            Ok(Some(d)) => d,
            _ => {
                if !exists(self.entries.get(&r.num)) {
                    self.dangling.entry(r.num).or_default().push(Role::PageTree);
                }
                return;
            }
        };
        if let Some(kids) = d.get("Kids") {
            if self.mark(r.num, Role::PageTree, Role::PageTree).is_none() {
                return;
            }
            for (k, v) in d.iter() {
                match k {
                    b"Kids" | b"Parent" => {}
                    _ => self.value(v, Role::Resource(None), depth + 1),
                }
            }
            if let Object::Ref(kr) = kids {
                if self.mark(kr.num, Role::PageTree, Role::PageTree).is_none() {
                    return;
                }
            }
            let kids = self.file.resolve(kids).unwrap_or(Object::Null);
            for kid in kids.as_array().unwrap_or(&[]) {
                self.page_tree(kid, depth + 1);
            }
            return;
        }
        let p = self.pages;
        self.pages += 1;
        if self.mark(r.num, Role::Page(p), Role::PageTree).is_none() {
            return;
        }
        for (k, v) in d.iter() {
            match k {
                b"Parent" => {}
                b"Contents" => self.value_from(v, Role::Content(p), Role::Page(p), depth + 1),
                b"Annots" => match v {
                    Object::Ref(ar) => {
                        if let Some(arr) = self.mark(ar.num, Role::Annots(p), Role::Page(p)) {
                            self.expand(ar.num, &arr, Role::Annots(p), depth + 1);
                        }
                    }
                    other => {
                        for a in other.as_array().unwrap_or(&[]) {
                            self.value_from(a, Role::Annotation(p), Role::Annots(p), depth + 1);
                        }
                    }
                },
                _ => self.value_from(v, Role::Resource(Some(p)), Role::Page(p), depth + 1),
            }
        }
    }
}

/// Whether `new` equals `old` except for the keys in `allowed`.
fn same_except(old: &Dict, new: &Dict, allowed: &[&str]) -> bool {
    let keys: BTreeSet<&[u8]> = old
        .iter()
        .map(|(k, _)| k)
        .chain(new.iter().map(|(k, _)| k))
        .collect();
    keys.into_iter().all(|k| {
        allowed.iter().any(|a| a.as_bytes() == k) || {
            let key = String::from_utf8_lossy(k);
            match (old.get(&key), new.get(&key)) {
                (Some(a), Some(b)) => same(a, b),
                (None, None) => true,
                _ => false,
            }
        }
    })
}

fn array_items(o: &Object) -> Vec<Object> {
    o.as_array().map(<[Object]>::to_vec).unwrap_or_default()
}

/// Where a new array entry may come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Growth {
    /// `/Fields` or a field's `/Kids`: only signature fields.
    Fields,
    /// A page's `/Annots` (0-based page).
    Annots(u32),
}

struct Ctx<'a, P: Source, F: Source> {
    signed: &'a PdfFile<P>,
    full: &'a PdfFile<F>,
    roles: Roles<'a, P>,
    /// Annotation object number → 0-based page in the final file.
    final_pages: HashMap<u32, u32>,
    level: ModificationLevel,
    changes: Vec<Change>,
    touched_pages: BTreeSet<u32>,
    touched_signed_pages: BTreeSet<u32>,
}

impl<P: Source, F: Source> Ctx<'_, P, F> {
    fn raise(
        &mut self,
        level: ModificationLevel,
        kind: ChangeKind,
        page: Option<u32>,
        rect: Option<[f64; 4]>,
        object: Option<u32>,
        detail: String,
    ) {
        self.level = self.level.max(level);
        // An invisible signature widget shows nothing: no page needs rendering for it.
        let invisible = kind == ChangeKind::SignatureField
            && rect.is_none_or(|r| (r[2] - r[0]).abs() < 0.01 || (r[3] - r[1]).abs() < 0.01);
        if let (Some(p), false) = (page, invisible) {
            self.touched_pages.insert(p);
        }
        // Keep every illegal change, and enough of the others to explain the verdict.
        if level == ModificationLevel::Illegal || self.changes.len() < 32 {
            self.changes.push(Change {
                kind,
                level,
                page: page.map(|p| p + 1),
                rect,
                object,
                detail,
            });
        }
    }

    fn illegal(&mut self, role: Role, num: Option<u32>, detail: String) {
        let rect = num.and_then(|n| self.roles.rects.get(&n).copied());
        if let Some(p) = role.page() {
            self.touched_signed_pages.insert(p);
        }
        self.raise(
            ModificationLevel::Illegal,
            role.kind(),
            role.page(),
            rect,
            num,
            detail,
        );
    }

    /// The final file's widget/field dictionary claims to be a signature field.
    fn is_sig_field(&self, d: &Dict) -> bool {
        if d.name("FT") == Some(b"Sig") {
            return true;
        }
        let mut cur = d.get("Parent").cloned();
        for _ in 0..MAX_DEPTH {
            let Some(p) = cur else { return false };
            let Ok(Some(pd)) = self.full.dict_of(&p) else {
                return false;
            };
            if let Some(ft) = pd.name("FT") {
                return ft == b"Sig";
            }
            cur = pd.get("Parent").cloned();
        }
        false
    }

    /// Judges the new entries of an array that may only grow.
    fn check_growth(
        &mut self,
        role: Role,
        num: Option<u32>,
        old: &[Object],
        new: &[Object],
        g: Growth,
    ) {
        let what = role.describe();
        // References (the usual /Fields and /Annots items) by sets: linear for 100 000 entries.
        let new_refs: HashSet<ObjRef> = new.iter().filter_map(Object::as_ref).collect();
        let old_refs: HashSet<ObjRef> = old.iter().filter_map(Object::as_ref).collect();
        let kept = old.iter().all(|o| match o.as_ref() {
            Some(r) => new_refs.contains(&r),
            None => new.iter().any(|n| same(o, n)),
        });
        if !kept {
            self.illegal(
                role,
                num,
                format!("{what}: existing entries were removed or replaced"),
            );
            return;
        }
        let mut seen = HashSet::new();
        for n in new.iter().filter(|n| match n.as_ref() {
            Some(r) => !old_refs.contains(&r) && seen.insert(r),
            None => !old.iter().any(|o| same(o, n)),
        }) {
            if let Some(r) = n.as_ref() {
                if let Some(rs) = self.roles.map.get(&r.num).cloned() {
                    // An object that already had a role is moved into the list.
                    let was = rs.first().map(|x| x.describe()).unwrap_or_default();
                    self.illegal(
                        role,
                        Some(r.num),
                        format!(
                            "{what}: object {} ({was} when signed) was added to it",
                            r.num
                        ),
                    );
                    continue;
                }
            }
            let d = self.full.dict_of(n).ok().flatten().unwrap_or_default();
            let page = match g {
                Growth::Annots(p) => Some(p),
                Growth::Fields => n
                    .as_ref()
                    .and_then(|r| self.final_pages.get(&r.num).copied()),
            };
            if self.is_sig_field(&d) {
                self.raise(
                    ModificationLevel::FormFillingAndSignatures,
                    ChangeKind::SignatureField,
                    page,
                    rect_of(&d),
                    n.as_ref().map(|r| r.num),
                    format!("{what}: a signature field was added"),
                );
            } else if g != Growth::Fields && d.get("Subtype").is_some() && d.get("Rect").is_some() {
                self.raise(
                    ModificationLevel::Annotations,
                    ChangeKind::Annotation,
                    page,
                    rect_of(&d),
                    n.as_ref().map(|r| r.num),
                    format!("{what}: an annotation was added"),
                );
            } else {
                self.illegal(
                    role,
                    n.as_ref().map(|r| r.num),
                    format!("{what}: an entry that is not a signature field was added"),
                );
            }
        }
    }

    fn classify_acroform(&mut self, num: Option<u32>, od: &Dict, nd: &Dict) {
        if !same_except(
            od,
            nd,
            &["Fields", "SigFlags", "DR", "DA", "NeedAppearances"],
        ) {
            self.illegal(
                Role::AcroForm,
                num,
                "the AcroForm was changed beyond /Fields, /SigFlags, /DR and /DA".into(),
            );
            return;
        }
        let old_f = self
            .signed
            .resolve(od.get("Fields").unwrap_or(&Object::Null))
            .unwrap_or(Object::Null);
        let new_f = self
            .full
            .resolve(nd.get("Fields").unwrap_or(&Object::Null))
            .unwrap_or(Object::Null);
        self.check_growth(
            Role::FieldList,
            num,
            &array_items(&old_f),
            &array_items(&new_f),
            Growth::Fields,
        );
    }

    fn classify_catalog(&mut self, num: u32, od: &Dict, nd: &Dict) {
        const ALLOWED: &[&str] = &["AcroForm", "DSS", "Metadata", "Version", "Extensions"];
        if !same_except(od, nd, ALLOWED) {
            self.illegal(
                Role::Catalog,
                Some(num),
                "the document catalog was changed beyond /AcroForm, /DSS, /Metadata, /Version and /Extensions".into(),
            );
            return;
        }
        // /Metadata may name a new stream, never another object of the signed revision.
        if let Some(Object::Ref(m)) = nd.get("Metadata") {
            let was = od.get("Metadata").and_then(Object::as_ref);
            if was != Some(*m) && self.roles.map.contains_key(&m.num) {
                self.illegal(
                    Role::Catalog,
                    Some(num),
                    format!("the catalog's /Metadata now names object {}, which had another role when signed", m.num),
                );
            }
        }
        self.raise(
            ModificationLevel::LtvUpdates,
            ChangeKind::Catalog,
            None,
            None,
            Some(num),
            "the catalog was updated (/AcroForm, /DSS, /Metadata, /Version or /Extensions)".into(),
        );
        match (od.get("AcroForm"), nd.get("AcroForm")) {
            (Some(Object::Ref(a)), Some(Object::Ref(b))) if a == b => {}
            (o, Some(n)) => {
                // Direct or newly added AcroForm: compare what it holds.
                if let Object::Ref(b) = n {
                    if self.roles.map.contains_key(&b.num) && o.is_some() {
                        self.illegal(
                            Role::AcroForm,
                            Some(num),
                            format!("the catalog's /AcroForm now names object {}", b.num),
                        );
                        return;
                    }
                }
                let oa = o
                    .and_then(|o| self.signed.dict_of(o).ok().flatten())
                    .unwrap_or_default();
                let na = self.full.dict_of(n).ok().flatten().unwrap_or_default();
                self.classify_acroform(None, &oa, &na);
            }
            (Some(_), None) => self.illegal(
                Role::AcroForm,
                Some(num),
                "the interactive form was removed".into(),
            ),
            (None, None) => {}
        }
    }

    /// Judges a changed object of the signed revision by each of its roles there.
    fn classify_changed(&mut self, num: u32, roles: &[Role], old: &Object, new: &Object) {
        // A widget that is also a form field is judged as the field.
        let as_field = roles.iter().any(|r| matches!(r, Role::Field { .. }));
        for &role in roles {
            if as_field && matches!(role, Role::Annotation(_)) {
                continue;
            }
            self.classify_role(num, role, old, new);
        }
    }

    fn classify_role(&mut self, num: u32, role: Role, old: &Object, new: &Object) {
        let od = old.as_dict();
        let nd = new.as_dict();
        match role {
            Role::Info | Role::Metadata | Role::Dss => self.raise(
                ModificationLevel::LtvUpdates,
                role.kind(),
                None,
                None,
                Some(num),
                format!("{} was updated", role.describe()),
            ),
            Role::Catalog => match (od, nd) {
                (Some(o), Some(n)) => self.classify_catalog(num, o, n),
                _ => self.illegal(
                    role,
                    Some(num),
                    "the catalog is no longer a dictionary".into(),
                ),
            },
            Role::AcroForm => match (od, nd) {
                (Some(o), Some(n)) => self.classify_acroform(Some(num), o, n),
                _ => self.illegal(
                    role,
                    Some(num),
                    "the AcroForm is no longer a dictionary".into(),
                ),
            },
            Role::FieldList => self.check_growth(
                role,
                Some(num),
                &array_items(old),
                &array_items(new),
                Growth::Fields,
            ),
            Role::Annots(p) => self.check_growth(
                role,
                Some(num),
                &array_items(old),
                &array_items(new),
                Growth::Annots(self.final_page_of_signed(p)),
            ),
            Role::Page(p) => {
                let (Some(o), Some(n)) = (od, nd) else {
                    self.illegal(role, Some(num), format!("page {} was replaced", p + 1));
                    return;
                };
                if !same_except(o, n, &["Annots"]) {
                    self.illegal(
                        role,
                        Some(num),
                        format!(
                            "page {} was changed (content, resources or geometry)",
                            p + 1
                        ),
                    );
                    return;
                }
                let (oa, na) = (o.get("Annots"), n.get("Annots"));
                if let (Some(Object::Ref(a)), Some(Object::Ref(b))) = (oa, na) {
                    if a == b {
                        return; // the array object itself is judged on its own
                    }
                }
                let old_a = oa
                    .map(|a| self.signed.resolve(a).unwrap_or(Object::Null))
                    .unwrap_or(Object::Null);
                let new_a = na
                    .map(|a| self.full.resolve(a).unwrap_or(Object::Null))
                    .unwrap_or(Object::Null);
                self.check_growth(
                    Role::Annots(p),
                    Some(num),
                    &array_items(&old_a),
                    &array_items(&new_a),
                    Growth::Annots(self.final_page_of_signed(p)),
                );
            }
            Role::Field {
                sig: true,
                signed: false,
            } => {
                let ok = matches!((od, nd), (Some(o), Some(n)) if same_except(o, n, &["V", "AP", "AS", "F", "Lock"]));
                if ok {
                    let page = self.final_pages.get(&num).copied();
                    self.raise(
                        ModificationLevel::FormFillingAndSignatures,
                        ChangeKind::SignatureField,
                        page,
                        nd.and_then(rect_of),
                        Some(num),
                        format!("empty signature field {num} was filled or signed"),
                    );
                } else {
                    self.illegal(
                        role,
                        Some(num),
                        format!(
                            "signature field {num} was changed beyond its value and appearance"
                        ),
                    );
                }
            }
            Role::Field { sig: false, .. } => {
                let ok =
                    matches!((od, nd), (Some(o), Some(n)) if same_except(o, n, &["V", "AP", "AS"]));
                if ok {
                    let page = self.final_pages.get(&num).copied();
                    self.raise(
                        ModificationLevel::FormFillingAndSignatures,
                        ChangeKind::FormField,
                        page,
                        nd.and_then(rect_of),
                        Some(num),
                        format!("form field {num} was filled"),
                    );
                } else {
                    self.illegal(
                        role,
                        Some(num),
                        format!("form field {num} was changed beyond its value and appearance"),
                    );
                }
            }
            Role::FieldPart { sig: false } => self.raise(
                ModificationLevel::FormFillingAndSignatures,
                ChangeKind::FormField,
                None,
                None,
                Some(num),
                format!("a form field's value or appearance (object {num}) was replaced"),
            ),
            _ => self.illegal(
                role,
                Some(num),
                format!("object {num}, {} when signed, was changed", role.describe()),
            ),
        }
    }

    /// The final page index of a signed page (page insertions are illegal and reported apart,
    /// so the index is the same when nothing else is wrong).
    fn final_page_of_signed(&self, p: u32) -> u32 {
        p
    }
}

/// Annotation object numbers → 0-based page index, and the page count, of a file.
fn annotation_pages<S: Source>(f: &PdfFile<S>) -> (HashMap<u32, u32>, u32) {
    fn walk<S: Source>(
        f: &PdfFile<S>,
        node: &Object,
        out: &mut HashMap<u32, u32>,
        count: &mut u32,
        seen: &mut HashSet<u32>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH || seen.len() > MAX_VISITS {
            return;
        }
        if let Some(r) = node.as_ref() {
            if !seen.insert(r.num) {
                return;
            }
        }
        let Ok(Some(d)) = f.dict_of(node) else { return };
        if let Some(kids) = d.get("Kids") {
            let kids = f.resolve(kids).unwrap_or(Object::Null);
            for k in kids.as_array().unwrap_or(&[]) {
                walk(f, k, out, count, seen, depth + 1);
            }
            return;
        }
        if let Some(a) = d.get("Annots") {
            let a = f.resolve(a).unwrap_or(Object::Null);
            for x in a.as_array().unwrap_or(&[]) {
                if let Some(r) = x.as_ref() {
                    out.entry(r.num).or_insert(*count);
                }
            }
        }
        *count += 1;
    }
    let mut out = HashMap::new();
    let mut count = 0;
    let cat = f
        .catalog_ref()
        .ok()
        .and_then(|c| f.get(c).ok())
        .and_then(|c| c.as_dict().cloned())
        .unwrap_or_default();
    if let Some(p) = cat.get("Pages") {
        walk(f, p, &mut out, &mut count, &mut HashSet::new(), 0);
    }
    (out, count)
}

/// Where the object `num` of the final file is defined (its offset, or its object stream's).
fn definition_offset(entries: &HashMap<u32, XrefEntry>, num: u32) -> Option<u64> {
    match entries.get(&num)? {
        XrefEntry::InFile { offset, .. } => Some(*offset),
        XrefEntry::InStream { stream, .. } => match entries.get(stream)? {
            XrefEntry::InFile { offset, .. } => Some(*offset),
            _ => None,
        },
        XrefEntry::Free => None,
    }
}

/// Whether a widget shows anything: a non-empty rectangle, not hidden, and an appearance
/// stream that draws (ISO 32000-1 §12.5.3 flags, §12.5.5 appearance streams).
fn draws_something<S: Source>(f: &PdfFile<S>, w: &Dict) -> bool {
    let Some(r) = rect_of(w) else { return false };
    if (r[2] - r[0]).abs() < 0.01 || (r[3] - r[1]).abs() < 0.01 {
        return false;
    }
    let flags = w.get("F").and_then(Object::as_i64).unwrap_or(0);
    if flags & (2 | 32) != 0 {
        return false;
    }
    let Some(ap) = w.get("AP").and_then(|a| f.dict_of(a).ok().flatten()) else {
        return false;
    };
    let Some(n) = ap.get("N") else { return false };
    let n = f.resolve(n).unwrap_or(Object::Null);
    let streams: Vec<Object> = match &n {
        Object::Stream(_) => vec![n.clone()],
        Object::Dict(states) => states
            .iter()
            .filter_map(|(_, v)| f.resolve(v).ok())
            .collect(),
        _ => Vec::new(),
    };
    streams.iter().any(|s| match s {
        Object::Stream(s) => match f.stream_len(s) {
            Ok(len) if len <= MAX_APPEARANCE => match f.stream_data(s) {
                Ok(data) => data.iter().any(|c| !crate::pdf::parse::is_white(*c)),
                Err(_) => true,
            },
            _ => true,
        },
        _ => false,
    })
}

/// Bytes after the `%%EOF` that ends the final revision which are not white space: an update
/// written without cross-reference data or `startxref` (ISO 32000-1 §7.5.5, §7.5.6).
fn trailing_bytes<S: Source>(full: &PdfFile<S>, signed_len: u64) -> Option<(u64, u64)> {
    let src = full.source();
    let len = full.len();
    let from = len.saturating_sub(2048);
    let mut buf = vec![0; (len - from) as usize];
    let n = src.read_at(from, &mut buf).ok()?;
    buf.truncate(n);
    let pos = buf.windows(9).rposition(|w| w == b"startxref")?;
    let mut i = pos + 9;
    while i < buf.len() && crate::pdf::parse::is_white(buf[i]) {
        i += 1;
    }
    while i < buf.len() && buf[i].is_ascii_digit() {
        i += 1;
    }
    while i < buf.len() && crate::pdf::parse::is_white(buf[i]) {
        i += 1;
    }
    if buf[i..].starts_with(b"%%EOF") {
        i += 5;
    }
    // Bytes the signature covers are not a change, whatever they are.
    let start = (from + i as u64).max(signed_len);
    let rest = buf.get((start - from) as usize..).unwrap_or(&[]);
    let junk = rest.iter().any(|c| !crate::pdf::parse::is_white(*c));
    junk.then_some((start, rest.len() as u64))
}

/// With no revision after the signed one, any byte after it that is not white space (an object
/// without cross-reference data, or a `startxref` repeating the signed one) is an unsigned
/// change. Reads only the bytes after the signed revision.
fn unsigned_tail<S: Source>(full: &PdfFile<S>, signed_len: u64) -> Option<(u64, u64)> {
    let len = full.len();
    let mut buf = vec![0u8; 1 << 16];
    let mut at = signed_len;
    while at < len {
        let want = usize::try_from(len - at)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = full.source().read_at(at, &mut buf[..want]).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(i) = buf[..n]
            .iter()
            .position(|c| !crate::pdf::parse::is_white(*c))
        {
            let start = at + i as u64;
            return Some((start, len - start));
        }
        at += n as u64;
    }
    None
}

/// Compares the signed revision (`signed`, the first `signed_len` bytes) with the whole file.
pub(crate) fn analyse<P: Source, F: Source>(
    signed: &PdfFile<P>,
    full: &PdfFile<F>,
    signed_len: u64,
) -> Result<LevelReport, PdfError> {
    let later: Vec<_> = full
        .revisions()
        .iter()
        .filter(|r| r.xref_offset >= signed_len)
        .collect();
    let garbage = if later.is_empty() {
        unsigned_tail(full, signed_len)
    } else {
        trailing_bytes(full, signed_len)
    };
    if later.is_empty() && garbage.is_none() {
        return Ok(LevelReport {
            level: ModificationLevel::None,
            detail: String::new(),
            changes: Vec::new(),
            touched_pages: BTreeSet::new(),
            later_signature_rects: Vec::new(),
        });
    }
    let signed_entries = merged(signed);
    let full_entries = merged(full);
    let roles = Roles::build(signed, &signed_entries);
    let (final_pages, final_count) = annotation_pages(full);
    let mut ctx = Ctx {
        signed,
        full,
        roles,
        final_pages,
        level: ModificationLevel::None,
        changes: Vec::new(),
        touched_pages: BTreeSet::new(),
        touched_signed_pages: BTreeSet::new(),
    };
    if let Some((at, n)) = garbage {
        ctx.raise(
            ModificationLevel::Illegal,
            ChangeKind::AppendedBytes,
            None,
            None,
            None,
            format!("{n} bytes were appended at byte {at} after the last %%EOF without a cross-reference section and startxref: an unsigned change that some readers apply"),
        );
    }
    if ctx.roles.visits > MAX_VISITS {
        ctx.raise(
            ModificationLevel::Illegal,
            ChangeKind::Other,
            None,
            None,
            None,
            "the signed revision has too many objects to judge changes by role".into(),
        );
    }
    if ctx.roles.pages != final_count {
        ctx.raise(
            ModificationLevel::Illegal,
            ChangeKind::PageCount,
            None,
            None,
            None,
            format!(
                "the signed revision has {} pages, the final file {final_count}",
                ctx.roles.pages
            ),
        );
    }
    trailer_checks(&mut ctx)?;

    // Every object whose entry differs from the signed revision's, whichever section lists it,
    // and every object defined in the appended bytes or in a changed object stream.
    let mut changed: BTreeSet<u32> = BTreeSet::new();
    for r in &later {
        changed.extend(r.entries.keys().copied());
    }
    for (&n, e) in &full_entries {
        let moved = signed_entries.get(&n) != Some(e);
        let appended = matches!(e, XrefEntry::InFile { offset, .. } if *offset >= signed_len);
        if moved || appended {
            changed.insert(n);
        }
    }
    let in_changed_stream: Vec<u32> = full_entries
        .iter()
        .filter(
            |(_, e)| matches!(e, XrefEntry::InStream { stream, .. } if changed.contains(stream)),
        )
        .map(|(&n, _)| n)
        .collect();
    changed.extend(in_changed_stream);

    let mut new_sig_widgets = Vec::new();
    for &num in &changed {
        let roles = ctx.roles.map.get(&num).cloned().unwrap_or_default();
        let old_exists = exists(signed_entries.get(&num));
        let new_exists = exists(full_entries.get(&num));
        if !new_exists {
            if old_exists && !roles.is_empty() {
                let r = roles[0];
                ctx.illegal(
                    r,
                    Some(num),
                    format!("object {num}, {} when signed, was deleted", r.describe()),
                );
            }
            continue;
        }
        let new = match full.get(ObjRef::new(num)) {
            Ok(o) => o,
            Err(e) => {
                ctx.raise(
                    ModificationLevel::Illegal,
                    ChangeKind::Other,
                    None,
                    None,
                    Some(num),
                    format!("object {num} of a later revision cannot be read: {e}"),
                );
                continue;
            }
        };
        if !old_exists {
            if let Some(referrers) = ctx.roles.dangling.get(&num).cloned() {
                for r in referrers {
                    if matches!(r, Role::Info | Role::Metadata | Role::Dss) {
                        ctx.raise(
                            ModificationLevel::LtvUpdates,
                            r.kind(),
                            None,
                            None,
                            Some(num),
                            format!(
                                "object {num} was added where {} referred to it",
                                r.describe()
                            ),
                        );
                    } else {
                        ctx.touched_signed_pages.extend(r.page());
                        ctx.raise(
                            ModificationLevel::Illegal,
                            ChangeKind::DanglingReference,
                            r.page(),
                            None,
                            Some(num),
                            format!(
                                "object {num} fills a reference from {} that dangled when signed (whatever it claims to be, it changes what refers to it)",
                                r.describe()
                            ),
                        );
                    }
                }
            }
            new_sig_widgets.push(num);
            continue;
        }
        if roles.is_empty() {
            // Reached from nothing when signed: judged by whatever refers to it now.
            new_sig_widgets.push(num);
            continue;
        }
        let old = match signed.get(ObjRef::new(num)) {
            Ok(o) => o,
            Err(_) => Object::Null,
        };
        if same(&old, &new) {
            continue;
        }
        if roles.iter().any(|r| {
            matches!(
                r,
                Role::Field {
                    sig: true,
                    signed: false
                }
            )
        }) {
            new_sig_widgets.push(num);
        }
        ctx.classify_changed(num, &roles, &old, &new);
    }

    let later_rects = sneaky_signatures(&mut ctx, &full_entries, &new_sig_widgets, signed_len)?;

    let detail = if ctx.changes.is_empty() {
        "only objects were added (no existing object changed)".to_owned()
    } else {
        let mut seen = HashSet::new();
        ctx.changes
            .iter()
            .filter(|c| seen.insert(c.detail.clone()))
            .take(12)
            .map(|c| c.detail.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    Ok(LevelReport {
        level: if ctx.level == ModificationLevel::None {
            ModificationLevel::FormFillingAndSignatures
        } else {
            ctx.level
        },
        detail,
        changes: ctx.changes,
        touched_pages: ctx.touched_pages,
        later_signature_rects: later_rects,
    })
}

/// The final trailer must name the signed catalog, and `/Info` only the signed information
/// dictionary or a new object; `/Encrypt` may not appear.
fn trailer_checks<P: Source, F: Source>(ctx: &mut Ctx<'_, P, F>) -> Result<(), PdfError> {
    if ctx.full.catalog_ref()? != ctx.signed.catalog_ref()? {
        ctx.raise(
            ModificationLevel::Illegal,
            ChangeKind::Trailer,
            None,
            None,
            None,
            "the trailer points at a different document catalog".into(),
        );
    }
    let old_info = ctx.signed.trailer().get("Info").and_then(Object::as_ref);
    let new_info = ctx.full.trailer().get("Info").and_then(Object::as_ref);
    if let Some(ni) = new_info {
        if Some(ni) != old_info {
            if let Some(rs) = ctx.roles.map.get(&ni.num).cloned() {
                let was = rs[0];
                ctx.touched_signed_pages.extend(was.page());
                ctx.raise(
                    ModificationLevel::Illegal,
                    ChangeKind::Trailer,
                    was.page(),
                    None,
                    Some(ni.num),
                    format!(
                        "the trailer's /Info now names object {}, which was {} when signed",
                        ni.num,
                        was.describe()
                    ),
                );
            } else if ctx.roles.dangling.contains_key(&ni.num) {
                ctx.raise(
                    ModificationLevel::Illegal,
                    ChangeKind::Trailer,
                    None,
                    None,
                    Some(ni.num),
                    format!(
                        "the trailer's /Info names object {}, a reference that dangled when signed",
                        ni.num
                    ),
                );
            } else {
                ctx.raise(
                    ModificationLevel::LtvUpdates,
                    ChangeKind::DocumentInfo,
                    None,
                    None,
                    Some(ni.num),
                    "a new document information dictionary was written".into(),
                );
            }
        }
    }
    if ctx.full.trailer().get("Encrypt").is_some() && ctx.signed.trailer().get("Encrypt").is_none()
    {
        ctx.raise(
            ModificationLevel::Illegal,
            ChangeKind::Trailer,
            None,
            None,
            None,
            "encryption was added after signing".into(),
        );
    }
    Ok(())
}

/// Unsigned signature widgets added or changed after signing must be invisible or empty,
/// unless a later signature covers them (Mainka et al., "Shadow attacks", and the "sneaky
/// signature" class of their 2021 follow-up). Returns the rectangles of later signatures'
/// widgets, which the visual comparison leaves out.
fn sneaky_signatures<P: Source, F: Source>(
    ctx: &mut Ctx<'_, P, F>,
    full_entries: &HashMap<u32, XrefEntry>,
    candidates: &[u32],
    signed_len: u64,
) -> Result<Vec<(u32, [f64; 4])>, PdfError> {
    let full = ctx.full;
    // Ends of the signatures made after this one.
    let mut fields = Vec::new();
    let cat = full
        .get(full.catalog_ref()?)?
        .as_dict()
        .cloned()
        .unwrap_or_default();
    if let Some(af) = cat
        .get("AcroForm")
        .and_then(|a| full.dict_of(a).ok().flatten())
    {
        if let Some(f) = af.get("Fields") {
            crate::sign::collect_fields(full, f, &mut fields, 0)?;
        }
    }
    let mut later_ends = Vec::new();
    let mut later_rects = Vec::new();
    for (_, d) in &fields {
        if d.name("FT") != Some(b"Sig") {
            continue;
        }
        let Some(v) = d.get("V").and_then(|v| full.dict_of(v).ok().flatten()) else {
            continue;
        };
        let end = v
            .get("ByteRange")
            .and_then(Object::as_array)
            .map(|a| a.iter().filter_map(Object::as_i64).skip(2).sum::<i64>())
            .and_then(|e| u64::try_from(e).ok())
            .unwrap_or(0);
        if end > signed_len {
            later_ends.push(end);
        }
    }
    let covered = |num: u32, extra: Option<u64>| {
        let at = definition_offset(full_entries, num).max(extra);
        at.is_some_and(|at| later_ends.iter().any(|&e| at < e))
    };
    let candidates: HashSet<u32> = candidates.iter().copied().collect();
    for (fref, d) in &fields {
        let sig = d.name("FT") == Some(b"Sig");
        if !sig {
            continue;
        }
        // The widgets: the field itself when merged, else its kids.
        let mut widgets: Vec<(Option<u32>, Dict)> = Vec::new();
        if d.get("Rect").is_some() {
            widgets.push((fref.map(|r| r.num), d.clone()));
        }
        if let Some(k) = d.get("Kids") {
            let kids = full.resolve(k).unwrap_or(Object::Null);
            for kid in kids.as_array().unwrap_or(&[]) {
                if let Ok(Some(kd)) = full.dict_of(kid) {
                    widgets.push((kid.as_ref().map(|r| r.num).or(fref.map(|r| r.num)), kd));
                }
            }
        }
        let field_changed = fref.is_some_and(|r| candidates.contains(&r.num));
        for (wnum, w) in widgets {
            let changed = field_changed || wnum.is_some_and(|n| candidates.contains(&n));
            let page = wnum.and_then(|n| ctx.final_pages.get(&n).copied());
            let ap_at = w
                .get("AP")
                .and_then(|a| full.dict_of(a).ok().flatten())
                .and_then(|ap| ap.get("N").and_then(Object::as_ref))
                .and_then(|n| definition_offset(full_entries, n.num));
            let is_later = wnum.is_some_and(|n| covered(n, ap_at));
            if let (true, Some(p), Some(r)) = (is_later, page, rect_of(&w)) {
                later_rects.push((p, r));
            }
            if !changed || is_later {
                continue;
            }
            if draws_something(full, &w) {
                let rect = rect_of(&w);
                ctx.raise(
                    ModificationLevel::Illegal,
                    ChangeKind::SneakySignature,
                    page,
                    rect,
                    wnum,
                    format!(
                        "a signature widget with a visible appearance that no later signature covers was added after signing{}{}",
                        page.map(|p| format!(" on page {}", p + 1)).unwrap_or_default(),
                        rect.map(|r| format!(" at [{:.0} {:.0} {:.0} {:.0}]", r[0], r[1], r[2], r[3]))
                            .unwrap_or_default()
                    ),
                );
            }
        }
    }
    Ok(later_rects)
}

/// Renders the pages later revisions touched, in the signed revision and in the final file,
/// and compares them (see [`super::visual`]). Skipped when the structural analysis already
/// found an illegal change. The differences are added to `changes`; the returned text is a
/// warning for the report when something differs or could not be compared.
pub(crate) fn visual_check<S: Source + ?Sized>(
    src: &S,
    signed_len: u64,
    report: &LevelReport,
    changes: &mut Vec<Change>,
) -> VisualOutcome {
    if report.level == ModificationLevel::Illegal || report.touched_pages.is_empty() {
        return VisualOutcome::Skipped;
    }
    let mut expected = report.later_signature_rects.clone();
    let mut new_annotations = Vec::new();
    for c in &report.changes {
        let (Some(p), Some(r)) = (c.page, c.rect) else {
            continue;
        };
        let p = p.saturating_sub(1);
        match c.kind {
            ChangeKind::FormField | ChangeKind::SignatureField => expected.push((p, r)),
            ChangeKind::Annotation => {
                expected.push((p, r));
                new_annotations.push((p, r));
            }
            _ => {}
        }
    }
    let req = super::visual::Request {
        pages: report.touched_pages.iter().copied().collect(),
        expected: &expected,
        new_annotations: &new_annotations,
    };
    match super::visual::compare(src, signed_len, &req) {
        Ok(found) if found.is_empty() => VisualOutcome::Same,
        Ok(found) => {
            let text = found
                .iter()
                .map(|c| c.detail.clone())
                .collect::<Vec<_>>()
                .join("; ");
            changes.extend(found);
            VisualOutcome::Differs(format!(
                "visual comparison with the signed revision: {text}"
            ))
        }
        Err(why) => VisualOutcome::NotDone(format!("visual comparison not done: {why}")),
    }
}

/// What the rendered comparison found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VisualOutcome {
    /// Not run: the structural analysis already said INVALID, or no page was touched.
    Skipped,
    /// The touched pages render as they did when signed (outside expected appearances).
    Same,
    /// Pixels, page count or a new annotation over signed content differ (the finding).
    Differs(String),
    /// The comparison could not run (too large, unreadable for the renderer).
    NotDone(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::{classic_pdf, Prefix};

    fn append(base: &[u8], objs: &[(u32, &str)], trailer_extra: &str) -> Vec<u8> {
        let prev = crate::pdf::file::find_startxref(base).expect("startxref");
        let mut out = base.to_vec();
        let mut rows = Vec::new();
        for (n, body) in objs {
            rows.push((*n, out.len()));
            out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
        }
        let x = out.len();
        out.extend_from_slice(b"xref\n");
        for (n, off) in &rows {
            out.extend_from_slice(format!("{n} 1\n{off:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 60 /Root 1 0 R /Prev {prev}{trailer_extra} >>\nstartxref\n{x}\n%%EOF\n")
                .as_bytes(),
        );
        out
    }

    fn base() -> Vec<u8> {
        classic_pdf(
            &[
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] >> >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [4 0 R 50 0 R] /Annots [] >>",
                "<< /Length 8 >>\nstream\n0 0 m S\n\nendstream",
                "<< /Producer (x) >>",
            ],
            " /Info 5 0 R",
        )
    }

    fn run(full: &[u8], signed_len: usize) -> LevelReport {
        let signed = PdfFile::open(Prefix {
            inner: full,
            len: signed_len as u64,
        })
        .expect("signed");
        let f = PdfFile::open(full.to_vec()).expect("full");
        analyse(&signed, &f, signed_len as u64).expect("analyse")
    }

    const EVIL: &str = "<< /Length 20 >>\nstream\nBT (evil) Tj ET    \nendstream";

    #[test]
    fn info_pointed_at_page_content_is_a_content_change() {
        let b = base();
        let t = append(&b, &[(4, EVIL)], " /Info 4 0 R");
        let r = run(&t, b.len());
        assert_eq!(r.level, ModificationLevel::Illegal, "{}", r.detail);
        assert!(
            r.changes.iter().any(|c| c.kind == ChangeKind::Trailer),
            "{}",
            r.detail
        );
        assert!(r
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::PageContent && c.page == Some(1)));
    }

    #[test]
    fn a_dangling_reference_filled_by_an_object_stream_is_illegal() {
        let b = base();
        let t = append(&b, &[(50, "<< /Type /ObjStm /N 0 /First 0 /Length 20 >>\nstream\nBT (evil) Tj ET    \nendstream")], "");
        let r = run(&t, b.len());
        assert_eq!(r.level, ModificationLevel::Illegal, "{}", r.detail);
        assert!(r
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::DanglingReference && c.page == Some(1)));
    }

    #[test]
    fn info_update_alone_is_ltv_level() {
        let b = base();
        let t = append(&b, &[(5, "<< /Producer (y) >>")], " /Info 5 0 R");
        let r = run(&t, b.len());
        assert_eq!(r.level, ModificationLevel::LtvUpdates, "{}", r.detail);
    }

    #[test]
    fn bytes_after_eof_are_an_unsigned_change() {
        let b = base();
        let mut t = b.clone();
        t.extend_from_slice(b"4 0 obj\n<< /Length 3 >>\nstream\nabc\nendstream\nendobj\n");
        let r = run(&t, b.len());
        assert_eq!(r.level, ModificationLevel::Illegal);
        assert!(r
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::AppendedBytes));
        // A startxref repeating the signed one does not make the object a revision.
        let mut again = t.clone();
        again.extend_from_slice(
            format!(
                "startxref\n{}\n%%EOF\n",
                crate::pdf::file::find_startxref(b.as_slice()).expect("sx")
            )
            .as_bytes(),
        );
        assert_eq!(run(&again, b.len()).level, ModificationLevel::Illegal);
        let mut ws = b.clone();
        ws.extend_from_slice(b"\r\n\n");
        assert_eq!(run(&ws, b.len()).level, ModificationLevel::None);
    }

    #[test]
    fn visible_unsigned_signature_widget_is_sneaky() {
        let b = base();
        let ap = "<< /Type /XObject /Subtype /Form /BBox [0 0 100 50] /Length 20 >>\nstream\n0 0 100 50 re f     \nendstream";
        let widget = "<< /Type /Annot /Subtype /Widget /FT /Sig /T (S2) /Rect [10 10 110 60] /F 4 /P 3 0 R /AP << /N 7 0 R >> >>";
        let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [4 0 R 50 0 R] /Annots [6 0 R] >>";
        let cat = "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>";
        let t = append(&b, &[(7, ap), (6, widget), (3, page), (1, cat)], "");
        let r = run(&t, b.len());
        assert_eq!(r.level, ModificationLevel::Illegal, "{}", r.detail);
        let c = r
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::SneakySignature)
            .expect("sneaky");
        assert_eq!((c.page, c.rect), (Some(1), Some([10.0, 10.0, 110.0, 60.0])));
        // The same widget hidden is a plain new signature field.
        let hidden = widget.replace("/F 4", "/F 6");
        let t = append(&b, &[(7, ap), (6, &hidden), (3, page), (1, cat)], "");
        let r = run(&t, b.len());
        assert_eq!(
            r.level,
            ModificationLevel::FormFillingAndSignatures,
            "{}",
            r.detail
        );
    }
}
