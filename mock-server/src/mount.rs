//! A provider mounted at a base path on this server.

use crate::model::Provider;

/// A provider mounted at a base path on this server.
#[derive(Clone)]
pub struct Mount {
    /// The provider.
    pub provider: &'static Provider,
    /// Its base path: `/akua/v1` when serving everything, `/v1` with `--provider akua`.
    pub base_path: String,
}

/// Names the provider rather than printing its model: a whole document's
/// schemas are deep enough to overflow a thread's stack when formatted.
impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mount")
            .field("provider", &self.provider.name)
            .field("operations", &self.provider.operations.len())
            .field("base_path", &self.base_path)
            .finish()
    }
}
