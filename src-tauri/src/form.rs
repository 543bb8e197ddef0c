//! The Số hóa form as the page sends it: hoso-office's [`hoso_office::form::DossierForm`] with
//! its page files named by the session's ids, which only the session can turn into paths — so
//! the page never names a path of its own choosing.

use std::path::PathBuf;

use crate::error::AppError;
use crate::state::Session;

pub use hoso_office::form::BuildChoices;

/// The form, page files by session id.
pub type DossierForm = hoso_office::form::DossierForm<u64>;

/// The path of an imported file, or why there is none (shown next to the document's files).
pub fn source_path(session: &Session) -> impl Fn(&u64) -> Result<PathBuf, String> + '_ {
    |id| {
        session
            .source(*id)
            .map(|s| s.path)
            .ok_or_else(|| AppError::UnknownSource(*id).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Mode;
    use hoso_office::form::DocumentForm;
    use std::path::Path;

    fn session() -> Session {
        let s = Session::new(
            Mode::Officer,
            std::env::temp_dir(),
            std::time::SystemTime::now(),
            60,
        );
        let jpg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/to_khai_a4_200dpi.jpg");
        s.import(&[jpg]);
        s
    }

    #[test]
    fn imported_ids_become_paths_and_unknown_ids_are_flagged() {
        let session = session();
        let mut form = DossierForm {
            code: "000.00.15.H12-261129-0001".into(),
            title: "Khai sinh".into(),
            documents: vec![DocumentForm {
                sources: vec![1],
                ..Default::default()
            }],
            ..Default::default()
        };
        let spec = form.to_spec(source_path(&session)).unwrap();
        assert!(spec.documents[0].files[0].ends_with("to_khai_a4_200dpi.jpg"));
        form.documents[0].sources.push(9);
        let p = form.to_spec(source_path(&session)).unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, "doc.1.sources");
        assert!(p[0].message.contains("số 9"), "{}", p[0].message);
    }
}
