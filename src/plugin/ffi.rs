//! What the SDK does not do for us at the C boundary: the event-schema version symbol. (The
//! panic guard that keeps a Rust panic from unwinding into libsinsp is
//! [`crate::panic_guard`], shared with `enrich`.)
//!
//! The symbol goes away when the SDK exports its own (falco_plugin > 0.5.1 on its main branch).

use std::ffi::{c_char, c_void};

/// The driver event schema we parse. libs >= 0.22 asks every plugin that extracts from
/// syscall events; without this symbol it assumes 3.0.0 and refuses live 4.x drivers
/// ("major versions disagree", falco-plugin-facts §0.1). 4.0.0 is what the official
/// container plugin returns: we read no parameter newer than schema 4.0.
#[unsafe(no_mangle)]
pub extern "C-unwind" fn plugin_get_required_event_schema_version(_: *mut c_void) -> *const c_char {
    c"4.0.0".as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn schema_version_is_4() {
        let v = plugin_get_required_event_schema_version(std::ptr::null_mut());
        // SAFETY: the function returns a pointer to a static C string literal.
        assert_eq!(unsafe { CStr::from_ptr(v) }, c"4.0.0");
    }
}
