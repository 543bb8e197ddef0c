//! What changed after a signed revision, object by object (the incremental saving attack of
//! Mladenov et al. 2019 and the shadow attacks of Mainka et al. 2021 all need changed or added
//! objects; each is classified here against a whitelist, and anything else is illegal).
//!
//! Allowed: new signature fields and their widgets, appearance streams and signature dictionaries
//! (later signatures); `/Annots`, `/Fields`, AcroForm and catalog entries growing to hold them;
//! document information, XMP metadata and DSS (LTV) updates. Under DocMDP P=3 also new
//! annotations. Everything else — page content, resources, other fields' values, removed
//! objects, objects filling references that dangled at signing time — is illegal.

use std::collections::{BTreeSet, HashSet};

use super::report::ModificationLevel;
use crate::pdf::object::same;
use crate::pdf::{Dict, ObjRef, Object, PdfError, PdfFile, Source, XrefEntry};

pub(crate) struct LevelReport {
    pub level: ModificationLevel,
    pub detail: String,
}

fn refs_in(o: &Object, out: &mut HashSet<u32>) {
    match o {
        Object::Ref(r) => {
            out.insert(r.num);
        }
        Object::Array(a) => a.iter().for_each(|x| refs_in(x, out)),
        Object::Dict(d) => d.iter().for_each(|(_, v)| refs_in(v, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, v)| refs_in(v, out)),
        _ => {}
    }
}

fn array_refs(o: Option<&Object>) -> Vec<Object> {
    o.and_then(Object::as_array)
        .map(<[Object]>::to_vec)
        .unwrap_or_default()
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

/// Whether every item of `old` is still in `new` (in order-insensitive terms).
fn superset(old: &[Object], new: &[Object]) -> bool {
    // References (the usual /Fields and /Annots items) by a set: linear for 100 000 entries.
    let new_refs: HashSet<ObjRef> = new.iter().filter_map(Object::as_ref).collect();
    let new_direct: Vec<&Object> = new.iter().filter(|n| n.as_ref().is_none()).collect();
    old.iter().all(|o| match o.as_ref() {
        Some(r) => new_refs.contains(&r),
        None => new_direct.iter().any(|n| same(o, n)),
    })
}

struct Ctx<'a, P: Source, F: Source> {
    signed: &'a PdfFile<P>,
    full: &'a PdfFile<F>,
    level: ModificationLevel,
    reasons: Vec<String>,
}

impl<P: Source, F: Source> Ctx<'_, P, F> {
    fn raise(&mut self, level: ModificationLevel, why: String) {
        if level > self.level {
            self.level = level;
        }
        if level == ModificationLevel::Illegal || self.reasons.len() < 8 {
            self.reasons.push(why);
        }
    }

    /// Whether the object at `o` (in the full file) is a signature field/widget.
    fn is_sig_field(&self, o: &Object) -> Result<bool, PdfError> {
        let Some(d) = self.full.dict_of(o)? else {
            return Ok(false);
        };
        if d.name("FT") == Some(b"Sig") {
            return Ok(true);
        }
        match d.get("Parent") {
            Some(p) => Ok(self
                .full
                .dict_of(p)?
                .is_some_and(|pd| pd.name("FT") == Some(b"Sig"))),
            None => Ok(false),
        }
    }

    fn is_annotation(&self, o: &Object) -> Result<bool, PdfError> {
        Ok(self
            .full
            .dict_of(o)?
            .is_some_and(|d| d.get("Subtype").is_some() && d.get("Rect").is_some()))
    }

    /// Classifies new items of an array that may only grow by signature fields (or annotations).
    fn check_growth(&mut self, what: &str, old: &[Object], new: &[Object]) -> Result<(), PdfError> {
        if !superset(old, new) {
            self.raise(
                ModificationLevel::Illegal,
                format!("{what}: existing entries were removed or replaced"),
            );
            return Ok(());
        }
        let old_refs: HashSet<ObjRef> = old.iter().filter_map(Object::as_ref).collect();
        let mut seen = HashSet::new();
        for n in new.iter().filter(|n| match n.as_ref() {
            Some(r) => !old_refs.contains(&r) && seen.insert(r),
            None => !old.iter().any(|o| same(o, n)),
        }) {
            if self.is_sig_field(n)? {
                self.raise(
                    ModificationLevel::FormFillingAndSignatures,
                    format!("{what}: a signature field was added"),
                );
            } else if self.is_annotation(n)? {
                self.raise(
                    ModificationLevel::Annotations,
                    format!("{what}: an annotation was added"),
                );
            } else {
                self.raise(
                    ModificationLevel::Illegal,
                    format!("{what}: a non-signature entry was added"),
                );
            }
        }
        Ok(())
    }

    fn classify_changed(&mut self, num: u32, old: &Object, new: &Object) -> Result<(), PdfError> {
        let root = self.full.catalog_ref()?.num;
        let info = self.full.trailer().get("Info").and_then(Object::as_ref);
        let (Some(od), Some(nd)) = (old.as_dict(), new.as_dict()) else {
            // Arrays: /Annots or /Fields held indirectly.
            if let (Some(oa), Some(na)) = (old.as_array(), new.as_array()) {
                return self.check_growth(&format!("array object {num}"), oa, na);
            }
            self.raise(
                ModificationLevel::Illegal,
                format!("object {num} was changed"),
            );
            return Ok(());
        };
        let ty = nd
            .name("Type")
            .map(|t| String::from_utf8_lossy(t).into_owned());
        if num == root {
            if !same_except(od, nd, &["AcroForm", "DSS", "Metadata"]) {
                self.raise(
                    ModificationLevel::Illegal,
                    "the document catalog was changed beyond AcroForm/DSS/Metadata".into(),
                );
            } else {
                self.raise(
                    ModificationLevel::LtvUpdates,
                    "the catalog was updated (AcroForm/DSS/Metadata)".into(),
                );
            }
            if let (Some(oa), Some(na)) = (od.get("AcroForm"), nd.get("AcroForm")) {
                if oa.as_ref().is_none() && na.as_ref().is_none() {
                    let oa = oa.as_dict().cloned().unwrap_or_default();
                    let na = na.as_dict().cloned().unwrap_or_default();
                    self.classify_acroform(&oa, &na)?;
                }
            }
            return Ok(());
        }
        if info.is_some_and(|i| i.num == num) {
            self.raise(
                ModificationLevel::LtvUpdates,
                "the document information dictionary was updated".into(),
            );
            return Ok(());
        }
        if matches!(ty.as_deref(), Some("DSS") | Some("VRI")) {
            // ISO 32000-2 §12.8.4.3: validation data may be added after any signature.
            self.raise(
                ModificationLevel::LtvUpdates,
                "the document security store (DSS) was updated".into(),
            );
            return Ok(());
        }
        if ty.as_deref() == Some("Metadata") {
            self.raise(
                ModificationLevel::LtvUpdates,
                "XMP metadata was updated".into(),
            );
            return Ok(());
        }
        if ty.as_deref() == Some("Page") {
            if !same_except(od, nd, &["Annots"]) {
                self.raise(
                    ModificationLevel::Illegal,
                    format!("page object {num} was changed (content, resources or geometry)"),
                );
                return Ok(());
            }
            let old_a = self
                .signed
                .resolve(od.get("Annots").unwrap_or(&Object::Null))?;
            let new_a = self
                .full
                .resolve(nd.get("Annots").unwrap_or(&Object::Null))?;
            return self.check_growth(
                &format!("/Annots of page {num}"),
                &array_refs(Some(&old_a)),
                &array_refs(Some(&new_a)),
            );
        }
        if od.get("Fields").is_some() || nd.get("Fields").is_some() {
            return self.classify_acroform(od, nd);
        }
        if od.name("FT") == Some(b"Sig") && od.get("V").is_none() {
            // An empty signature field being signed.
            if same_except(od, nd, &["V", "AP", "F"]) {
                self.raise(
                    ModificationLevel::FormFillingAndSignatures,
                    format!("empty signature field {num} was signed"),
                );
                return Ok(());
            }
        }
        self.raise(
            ModificationLevel::Illegal,
            format!(
                "object {num}{} was changed",
                ty.map(|t| format!(" (/Type /{t})")).unwrap_or_default()
            ),
        );
        Ok(())
    }

    fn classify_acroform(&mut self, od: &Dict, nd: &Dict) -> Result<(), PdfError> {
        if !same_except(od, nd, &["Fields", "SigFlags", "DR", "DA"]) {
            self.raise(
                ModificationLevel::Illegal,
                "the AcroForm was changed beyond Fields/SigFlags".into(),
            );
            return Ok(());
        }
        let old_f = self
            .signed
            .resolve(od.get("Fields").unwrap_or(&Object::Null))?;
        let new_f = self
            .full
            .resolve(nd.get("Fields").unwrap_or(&Object::Null))?;
        self.check_growth(
            "/Fields",
            &array_refs(Some(&old_f)),
            &array_refs(Some(&new_f)),
        )
    }
}

/// Compares the signed revision with the whole file.
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
    let mut ctx = Ctx {
        signed,
        full,
        level: ModificationLevel::None,
        reasons: Vec::new(),
    };
    if later.is_empty() {
        return Ok(LevelReport {
            level: ModificationLevel::None,
            detail: String::new(),
        });
    }
    if full.catalog_ref()? != signed.catalog_ref()? {
        ctx.raise(
            ModificationLevel::Illegal,
            "the trailer points at a different document catalog".into(),
        );
    }
    let mut changed: BTreeSet<u32> = BTreeSet::new();
    for r in &later {
        changed.extend(r.entries.keys().copied());
    }
    let mut added = Vec::new();
    let mut referenced_by_update: HashSet<u32> = HashSet::new();
    let trailer_refs = {
        let mut s = HashSet::new();
        refs_in(&Object::Dict(full.trailer().clone()), &mut s);
        s
    };
    for &num in &changed {
        let existed = matches!(
            signed.entry(num),
            Some(XrefEntry::InFile { .. }) | Some(XrefEntry::InStream { .. })
        );
        let new = full.get(ObjRef::new(num))?;
        if !existed {
            if matches!(full.entry(num), Some(XrefEntry::Free) | None) {
                continue;
            }
            // Only references from changed or added objects count: an unchanged object
            // rewritten verbatim must not vouch for an object that its old reference dangled to.
            refs_in(&new, &mut referenced_by_update);
            added.push((num, new));
            continue;
        }
        let old = signed.get(ObjRef::new(num))?;
        if matches!(full.entry(num), Some(XrefEntry::Free) | None) {
            ctx.raise(
                ModificationLevel::Illegal,
                format!("object {num} was deleted"),
            );
            continue;
        }
        if same(&old, &new) {
            continue;
        }
        refs_in(&new, &mut referenced_by_update);
        ctx.classify_changed(num, &old, &new)?;
    }
    for (num, obj) in &added {
        let ty = obj.as_dict().and_then(|d| d.name("Type")).unwrap_or(b"");
        if ty == b"XRef" || ty == b"ObjStm" {
            continue;
        }
        if !referenced_by_update.contains(num) && !trailer_refs.contains(num) {
            ctx.raise(
                ModificationLevel::Illegal,
                format!(
                    "object {num} was added without being referenced by the update (it may fill a reference that dangled when signed)"
                ),
            );
        }
    }
    let detail = if ctx.reasons.is_empty() {
        "only objects were added (no existing object changed)".to_owned()
    } else {
        ctx.reasons.join("; ")
    };
    Ok(LevelReport {
        level: if ctx.level == ModificationLevel::None {
            ModificationLevel::FormFillingAndSignatures
        } else {
            ctx.level
        },
        detail,
    })
}
