//! Where configuration comes from outside the code: the process
//! environment, or a test's map in its place.

use std::ffi::OsString;

/// Reads an environment variable: the process's, or a test's map.
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// The process environment, as an [`Env`].
pub(crate) fn process_env(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}
