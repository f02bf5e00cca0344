//! The builder's allocations: made once and kept for the process, so the
//! model built at run time has the `&'static` shape of the generated one.
//!
//! While [`Arena::enter`]'s guard lives, they come from one bump arena
//! (`bumpalo`) per build, so the model sits in a few contiguous chunks: the
//! builder's temporaries, freed around it, then leave whole pages the
//! allocator can give back (`mock-server` asks it to): for Akua's document
//! the server's heap keeps 1 MB less resident than with the model allocated
//! piece by piece among the temporaries (docs/performance.md).

use std::cell::Cell;

use bumpalo::Bump;

thread_local! {
    /// The arena of the build running on this thread, if any.
    static ARENA: Cell<Option<&'static Bump>> = const { Cell::new(None) };
}

/// A build's arena, kept for the process like everything in it.
pub(super) struct Arena {
    previous: Option<&'static Bump>,
}

impl Arena {
    /// Routes this thread's [`leak`], [`text`] and [`slice`] to a new arena
    /// until the guard drops.
    pub(super) fn enter() -> Self {
        let arena: &'static Bump = Box::leak(Box::new(Bump::new()));
        Self {
            previous: ARENA.replace(Some(arena)),
        }
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        ARENA.set(self.previous);
    }
}

pub(super) fn leak<T>(value: T) -> &'static T {
    match ARENA.get() {
        Some(arena) => arena.alloc(value),
        None => Box::leak(Box::new(value)),
    }
}

pub(super) fn text(value: &str) -> &'static str {
    match ARENA.get() {
        Some(arena) => arena.alloc_str(value),
        None => Box::leak(value.to_owned().into_boxed_str()),
    }
}

pub(super) fn slice<T>(items: Vec<T>) -> &'static [T] {
    match ARENA.get() {
        Some(arena) => arena.alloc_slice_fill_iter(items),
        None => Box::leak(items.into_boxed_slice()),
    }
}

/// Each distinct string leaked once: names, media types and formats repeat
/// across a document's operations and schemas.
#[derive(Default)]
pub(super) struct Strings(std::collections::HashSet<&'static str>);

impl Strings {
    pub(super) fn get(&mut self, value: &str) -> &'static str {
        if let Some(kept) = self.0.get(value) {
            return kept;
        }
        let kept = text(value);
        self.0.insert(kept);
        kept
    }
}
