//! The document library's integration tests, one binary.

mod bad_documents;
mod corpus;
mod overlays;
mod selection_security;
mod single_file;
mod vendored;
