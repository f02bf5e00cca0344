//! Giving the system back what loading a document freed.
//!
//! Loading Akua's 1.6 MB document for `--spec` parses it into trees several
//! times its size; the model kept is a fraction of that. glibc's allocator
//! returns freed memory only from the top of its heaps, so with the model's
//! allocations in between, about 20 MB of freed pages stayed resident
//! (37 MB in all against 16 MB after `malloc_trim`, measured in
//! docs/performance.md). Other allocators (musl, macOS) return large freed
//! runs themselves, so this does nothing there.

/// Asks the allocator to return its free pages to the system. Call it after
/// a burst of frees, off the request path: glibc locks each arena in turn.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn release_freed() {
    // SAFETY: `malloc_trim` takes no pointers and has no preconditions; glibc
    // serialises it with every other allocator call through the arena locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Elsewhere the allocator returns large freed runs itself.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_freed() {}
