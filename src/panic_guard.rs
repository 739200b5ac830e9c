//! Panics as errors, described without echoing attacker text raw.
//!
//! A panic is a bug, but what it was about (an argv, a path) may be attacker-chosen, and
//! std's default hook prints the payload as is on stderr: a slice panic quotes up to 256
//! bytes of the string, escape sequences and newlines included. [`install_hook`] replaces
//! that hook; inside [`catch_panic`] it only notes where the panic happened, and the caller
//! reports the escaped message itself (the plugin to Falco's log, `enrich` on its error
//! stream). Used by both adapters: the plugin's extractors and `enrich`'s lines.

use crate::report::escape;
use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe, Location};
use std::sync::Once;

/// Bound of a described panic, location included: one log line.
const MAX_MESSAGE: usize = 300;
/// Bound of a panic no guard catches (a failed assertion in a test, with its diff).
const MAX_UNGUARDED_MESSAGE: usize = 8192;

thread_local! {
    /// How many [`catch_panic`] calls this thread is inside.
    static GUARDED: Cell<u32> = const { Cell::new(0) };
    /// Where the last guarded panic on this thread happened, for its description.
    static LOCATION: Cell<Option<String>> = const { Cell::new(None) };
}

#[cfg(test)]
thread_local! {
    static FORCE_PANIC: Cell<bool> = const { Cell::new(false) };
}

/// Test hook: the next [`catch_panic`] on this thread panics inside its guard, so an
/// adapter's test can show that a panic in its work is caught and handled.
#[cfg(test)]
pub(crate) fn force_next_panic() {
    FORCE_PANIC.with(|f| f.set(true));
}

/// Run `f`, turning a panic into `Err(description)`: its message, escaped and bounded, and
/// where it happened when [`install_hook`] is in place. The caller owns whatever state `f`
/// left half-done (the plugin drops its cache).
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    // Runs per field extraction: two thread-local updates, nothing else. LOCATION needs no
    // reset: the hook writes it on every guarded panic before the `Err` below reads it.
    GUARDED.with(|g| g.set(g.get() + 1));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        #[cfg(test)]
        if FORCE_PANIC.with(|f| f.replace(false)) {
            panic!("test hook: forced panic");
        }
        f()
    }));
    GUARDED.with(|g| g.set(g.get() - 1));
    outcome.map_err(|payload| describe(payload.as_ref(), LOCATION.with(Cell::take), MAX_MESSAGE))
}

/// Replace std's panic hook (once per process; for a cdylib, per copy of std, so Falco's
/// other plugins keep theirs). Guarded panics are only located; any other is printed escaped
/// on stderr, as the default hook would print it raw.
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            // `try_with`: a panic while the thread's locals are torn down must not panic
            // again inside the hook (that aborts).
            if GUARDED.try_with(Cell::get).unwrap_or(0) > 0 {
                let _ = LOCATION.try_with(|l| l.set(info.location().map(at)));
            } else {
                eprintln!(
                    "falco-triage: panicked (a bug, please report it): {}",
                    describe(
                        info.payload(),
                        info.location().map(at),
                        MAX_UNGUARDED_MESSAGE
                    )
                );
            }
        }));
    });
}

fn at(location: &Location) -> String {
    format!("{}:{}", location.file(), location.line())
}

fn describe(payload: &(dyn Any + Send), location: Option<String>, max: usize) -> String {
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "non-string panic payload"
    };
    // The location first: the bound cuts a long message, not where it came from.
    match location {
        Some(at) => escape(&format!("at {at}: {message}"), max),
        None => escape(message, max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        install_hook();
        let err = catch_panic(|| -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert!(err.starts_with("at src/panic_guard.rs:"), "{err}");
        assert!(err.ends_with(": boom 1"), "{err}");
        let err = catch_panic(|| -> u8 { panic!("static") }).unwrap_err();
        assert!(err.ends_with(": static"), "{err}");
        // Nested guards: the inner one reports, the outer one sees no panic.
        let outer = catch_panic(|| catch_panic(|| -> u8 { panic!("inner") }));
        assert!(outer.is_ok_and(|inner| inner.is_err_and(|e| e.ends_with(": inner"))));
        // The test hook fires once, inside the guard.
        force_next_panic();
        let err = catch_panic(|| 7).unwrap_err();
        assert!(err.ends_with(": test hook: forced panic"), "{err}");
        assert_eq!(catch_panic(|| 7), Ok(7));
    }

    #[test]
    fn attacker_text_in_a_panic_comes_out_escaped_and_bounded() {
        install_hook();
        // A slice panic quotes the string it was slicing.
        let hostile = format!("\x1b[2J\nFAKE LOG LINE{}", "x".repeat(1000));
        let err = catch_panic(|| hostile[..hostile.len() + 1].len()).unwrap_err();
        assert!(err.starts_with("at src/panic_guard.rs:"), "{err}");
        assert!(err.contains("FAKE LOG LINE"), "{err}");
        assert!(!err.chars().any(char::is_control), "{err:?}");
        assert!(
            err.chars().count() <= MAX_MESSAGE,
            "{}",
            err.chars().count()
        );
        let err = catch_panic(|| -> u8 { std::panic::panic_any(5u8) }).unwrap_err();
        assert!(err.ends_with(": non-string panic payload"), "{err}");
    }
}
