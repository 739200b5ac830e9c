//! What the SDK does not do for us at the C boundary: the event-schema version symbol, and a
//! panic guard so no Rust panic ever unwinds into libsinsp.
//!
//! The symbol goes away when the SDK exports its own (falco_plugin > 0.5.1 on its main branch).

use std::any::Any;
use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The driver event schema we parse. libs >= 0.22 asks every plugin that extracts from
/// syscall events; without this symbol it assumes 3.0.0 and refuses live 4.x drivers
/// ("major versions disagree", falco-plugin-facts §0.1). 4.0.0 is what the official
/// container plugin returns: we read no parameter newer than schema 4.0.
#[unsafe(no_mangle)]
pub extern "C-unwind" fn plugin_get_required_event_schema_version(_: *mut c_void) -> *const c_char {
    c"4.0.0".as_ptr()
}

/// Run `f`, turning a panic into `Err(message)`. The plugin is left in whatever state `f`
/// left it in, so callers drop cached state on `Err`.
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
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

    #[test]
    fn panics_become_errors() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        assert_eq!(
            catch_panic(|| -> u8 { panic!("boom {}", 1) }),
            Err("boom 1".to_string())
        );
        assert_eq!(
            catch_panic(|| -> u8 { panic!("static") }),
            Err("static".to_string())
        );
    }
}
