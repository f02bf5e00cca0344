//! The document library's integration tests, one binary.

mod bad_documents;
mod overlays;
mod selection_security;
mod single_file;
mod vendored;
