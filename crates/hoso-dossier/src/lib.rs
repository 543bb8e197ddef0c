//! hoso-dossier: the dossier model (work in progress).
