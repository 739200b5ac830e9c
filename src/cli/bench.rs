//! `falco-triage bench`: the hot path measured on the user's machine, on the built-in exec mix
//! of [`crate::bench_corpus`] (16 benign execs, 4 attacks): nanoseconds per analysis, per
//! decode, and per event for every `triage.*` field through the plugin's C ABI.
//!
//! The plugin path loads the real `libfalco_triage.so` (next to this binary, or `--plugin`)
//! with `dlopen` and calls `plugin_extract_fields` once per field, as libsinsp does. That is
//! the code Falco runs, exports and panic guard included, rather than an in-process copy. It
//! runs without a `threads` table (Falco's lives in libsinsp), so no lineage walk is timed
//! here: `cargo bench --features runner-harness` measures that one.
//!
//! Each operation is timed alone, so the median and p99 are of single execs, not of batch
//! averages. The cost of the two clock reads around it (measured first, as the median time
//! of an empty operation: ~300 ns on a slow virtual machine) is subtracted from every sample
//! and reported as `timer_overhead_ns`.
//!
//! Through the plugin, two things are timed on fresh events: the first field (`triage.risk`,
//! what a rule condition reads on every exec: decode, analysis and one C call) and all the
//! fields. Their ratio shows the per-event cache at work: the other fields are read from it.
//!
//! The cost per exec is then measured on realistic events ([`bench_corpus::realistic`]: a
//! plain benign exec, a mix of recorded real work, an attack, each with an environment of
//! real size): the first field's time and the instructions it retires in user space
//! ([`super::instructions`]), and the decode and analysis of the mix alone. Where the kernel
//! gives no instruction counter the report says why instead of a number.
//!
//! Not here: analysis logic, the criterion benches (`benches/`).

use super::instructions::Counter;
use crate::analysis::analyze;
use crate::bench_corpus::{self, Sample};
use crate::facts::DecodeLimits;
use anyhow::{bail, Context};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Options of `falco-triage bench`.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Seconds of measurement in all, split between analysis, decode and the plugin.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The plugin library to time (default: libfalco_triage.so next to this binary, then
    /// /usr/share/falco/plugins/libfalco_triage.so).
    #[arg(long)]
    pub plugin: Option<PathBuf>,
}

/// Most samples kept per measurement (8 bytes each), so a long run stays bounded.
const MAX_SAMPLES: usize = 4_000_000;

/// Distribution of single-operation times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub samples: usize,
    pub median_ns: u64,
    pub p99_ns: u64,
    pub mean_ns: f64,
}

impl Stats {
    fn of(mut ns: Vec<u64>) -> Stats {
        ns.sort_unstable();
        let at = |q: f64| {
            let i = ((ns.len() as f64 - 1.0) * q).round() as usize;
            ns.get(i).copied().unwrap_or(0)
        };
        let mean_ns = if ns.is_empty() {
            0.0
        } else {
            ns.iter().sum::<u64>() as f64 / ns.len() as f64
        };
        Stats {
            samples: ns.len(),
            median_ns: at(0.5),
            p99_ns: at(0.99),
            mean_ns,
        }
    }

    fn json(&self, prefix: &str, out: &mut serde_json::Map<String, serde_json::Value>) {
        out.insert(format!("{prefix}_median_ns"), self.median_ns.into());
        out.insert(format!("{prefix}_p99_ns"), self.p99_ns.into());
        out.insert(
            format!("{prefix}_mean_ns"),
            (self.mean_ns.round() as u64).into(),
        );
        out.insert(format!("{prefix}_samples"), self.samples.into());
    }
}

/// The median cost of timing nothing: two clock reads.
fn timer_overhead() -> u64 {
    measure(Duration::from_millis(50), 0, |_| {}).median_ns
}

/// Time `op(i)` for i = 0, 1, 2... one call at a time, for `budget` after a warm-up of a tenth
/// of it; `overhead` (the clock reads) is taken off every sample.
fn measure(budget: Duration, overhead: u64, mut op: impl FnMut(usize)) -> Stats {
    let warm_up = Instant::now();
    let mut i = 0;
    while warm_up.elapsed() < budget / 10 {
        op(i);
        i += 1;
    }
    let mut ns = Vec::with_capacity(1 << 16);
    let start = Instant::now();
    while start.elapsed() < budget && ns.len() < MAX_SAMPLES {
        let t = Instant::now();
        op(i);
        ns.push((t.elapsed().as_nanos() as u64).saturating_sub(overhead));
        i += 1;
    }
    Stats::of(ns)
}

/// The cost per exec of one set of realistic events, measured one way.
#[derive(Debug, Clone)]
pub struct Cost {
    /// The JSON key prefix: `plain`, `realistic_mix` and `attack` for the first field of
    /// each set through the C ABI, `realistic_mix_decode` and `realistic_mix_analysis` for
    /// the mix's decode and analysis alone.
    pub key: &'static str,
    pub label: &'static str,
    pub time: Stats,
    /// Mean user-space instructions per exec; `None` when the counter could not be opened.
    pub instructions: Option<u64>,
}

/// Mean instructions per call of `op(i)` over `calls` calls; `None` when the counter is not
/// open (the report carries why) or could not be read.
fn instructions_per_call(
    counter: &Result<Counter, String>,
    calls: usize,
    mut op: impl FnMut(usize),
) -> Option<u64> {
    let counter = counter.as_ref().ok()?;
    let total = counter.count(|| (0..calls).for_each(&mut op)).ok()?;
    Some(total / calls.max(1) as u64)
}

/// What one `falco-triage bench` run found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Median time of two clock reads, subtracted from every sample.
    pub timer_overhead_ns: u64,
    pub analysis: Stats,
    pub decode: Stats,
    /// `triage.risk` alone on fresh events: decode + analysis through the plugin. None when
    /// the plugin library could not be loaded (see `plugin_error`).
    pub first_field: Option<Stats>,
    /// Every field on fresh events.
    pub all_fields: Option<Stats>,
    pub fields: usize,
    pub plugin_path: Option<PathBuf>,
    pub plugin_error: Option<String>,
    pub mix: usize,
    pub attacks: usize,
    /// Cost per exec on the realistic events.
    pub costs: Vec<Cost>,
    /// Why instructions could not be counted, when they could not.
    pub instructions_error: Option<String>,
}

/// Measure on the built-in mix.
pub fn measure_all(args: &BenchArgs) -> anyhow::Result<Report> {
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 3600.0) {
        bail!("--seconds must be between 0 and 3600, not {}", args.seconds);
    }
    let total = Duration::from_secs_f64(args.seconds);
    let mix: Vec<Sample> = bench_corpus::mix();
    let limits = DecodeLimits::default();

    let overhead = timer_overhead();
    let analysis = measure(total * 2 / 10, overhead, |i| {
        let s = &mix[i % mix.len()];
        black_box(analyze(black_box(&s.facts), &s.lineage));
    });
    let decode = measure(total * 15 / 100, overhead, |i| {
        let s = &mix[i % mix.len()];
        black_box(bench_corpus::decode(black_box(&s.event), &limits));
    });

    let realistic = bench_corpus::realistic();
    let counter = Counter::open().map_err(|e| format!("perf_event_open: {e}"));
    let mut costs = Vec::new();
    let budget = total * 5 / 100;
    let calls = 2_000;
    let rmix = &realistic.mix;
    costs.push(Cost {
        key: "realistic_mix_decode",
        label: "decode, realistic mix",
        time: measure(budget, overhead, |i| {
            black_box(bench_corpus::decode(
                black_box(&rmix[i % rmix.len()].event),
                &limits,
            ));
        }),
        instructions: instructions_per_call(&counter, calls, |i| {
            black_box(bench_corpus::decode(
                black_box(&rmix[i % rmix.len()].event),
                &limits,
            ));
        }),
    });
    costs.push(Cost {
        key: "realistic_mix_analysis",
        label: "analysis, realistic mix",
        time: measure(budget, overhead, |i| {
            let s = &rmix[i % rmix.len()];
            black_box(analyze(black_box(&s.facts), &s.lineage));
        }),
        instructions: instructions_per_call(&counter, calls, |i| {
            let s = &rmix[i % rmix.len()];
            black_box(analyze(black_box(&s.facts), &s.lineage));
        }),
    });

    let (plugin_stats, fields, plugin_path, plugin_error) = match plugin_library(args) {
        Err(e) => (None, 0, None, Some(format!("{e:#}"))),
        Ok(path) => match cabi::Plugin::load(&path) {
            Err(e) => (None, 0, Some(path), Some(format!("{e:#}"))),
            Ok(mut plugin) => {
                // One pass first: a field that fails is reported, not timed.
                let check = mix
                    .iter()
                    .enumerate()
                    .try_for_each(|(n, s)| plugin.extract_all(&s.event, n as u64 + 1));
                match check {
                    Err(e) => (None, 0, Some(path), Some(format!("{e:#}"))),
                    Ok(()) => {
                        // A new event number per exec: the plugin's cache serves only the
                        // fields of one event.
                        let mut evtnum = mix.len() as u64;
                        let first = measure(total * 15 / 100, overhead, |i| {
                            let s = &mix[i % mix.len()];
                            evtnum += 1;
                            let _ = black_box(plugin.extract_first(&s.event, evtnum));
                        });
                        let all = measure(total * 2 / 10, overhead, |i| {
                            let s = &mix[i % mix.len()];
                            evtnum += 1;
                            let _ = black_box(plugin.extract_all(&s.event, evtnum));
                        });
                        for (key, label, set) in [
                            (
                                "plain",
                                "first field, plain benign exec",
                                std::slice::from_ref(&realistic.plain),
                            ),
                            (
                                "realistic_mix",
                                "first field, realistic mix",
                                &realistic.mix[..],
                            ),
                            (
                                "attack",
                                "first field, attack",
                                std::slice::from_ref(&realistic.attack),
                            ),
                        ] {
                            let time = measure(budget, overhead, |i| {
                                evtnum += 1;
                                let _ = black_box(
                                    plugin.extract_first(&set[i % set.len()].event, evtnum),
                                );
                            });
                            let instructions = instructions_per_call(&counter, calls, |i| {
                                evtnum += 1;
                                let _ = black_box(
                                    plugin.extract_first(&set[i % set.len()].event, evtnum),
                                );
                            });
                            costs.push(Cost {
                                key,
                                label,
                                time,
                                instructions,
                            });
                        }
                        (Some((first, all)), plugin.field_count(), Some(path), None)
                    }
                }
            }
        },
    };

    Ok(Report {
        timer_overhead_ns: overhead,
        analysis,
        decode,
        first_field: plugin_stats.map(|(first, _)| first),
        all_fields: plugin_stats.map(|(_, all)| all),
        fields,
        plugin_path,
        plugin_error,
        mix: mix.len(),
        attacks: mix.iter().filter(|s| s.malicious).count(),
        costs,
        instructions_error: counter.err(),
    })
}

fn plugin_library(args: &BenchArgs) -> anyhow::Result<PathBuf> {
    if let Some(path) = &args.plugin {
        return Ok(path.clone());
    }
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(PathBuf::from))
    {
        candidates.push(dir.join("libfalco_triage.so"));
    }
    candidates.push(PathBuf::from("/usr/share/falco/plugins/libfalco_triage.so"));
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .with_context(|| {
            format!(
                "no plugin library at {}: build it (cargo build --release) or pass --plugin PATH",
                candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        })
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| (a as f64 / b as f64 * 100.0).round() / 100.0)
}

impl Report {
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("timer_overhead_ns".into(), self.timer_overhead_ns.into());
        self.analysis.json("analysis", &mut out);
        self.decode.json("decode", &mut out);
        for (prefix, stats) in [
            ("first_field", &self.first_field),
            ("all_fields", &self.all_fields),
        ] {
            match stats {
                Some(s) => s.json(prefix, &mut out),
                None => {
                    for key in ["median", "p99"] {
                        out.insert(format!("{prefix}_{key}_ns"), serde_json::Value::Null);
                    }
                }
            }
        }
        out.insert("fields".into(), self.fields.into());
        out.insert(
            "all_fields_vs_analysis".into(),
            self.all_fields
                .and_then(|s| ratio(s.median_ns, self.analysis.median_ns))
                .into(),
        );
        out.insert(
            "all_fields_vs_first_field".into(),
            self.all_fields
                .zip(self.first_field)
                .and_then(|(all, first)| ratio(all.median_ns, first.median_ns))
                .into(),
        );
        out.insert(
            "decode_vs_analysis".into(),
            ratio(self.decode.median_ns, self.analysis.median_ns).into(),
        );
        out.insert("lineage_in_all_fields".into(), false.into());
        out.insert("mix_execs".into(), self.mix.into());
        out.insert("mix_attacks".into(), self.attacks.into());
        out.insert(
            "plugin".into(),
            self.plugin_path
                .as_ref()
                .map(|p| p.display().to_string())
                .into(),
        );
        if let Some(e) = &self.plugin_error {
            out.insert("plugin_error".into(), e.clone().into());
        }
        for cost in &self.costs {
            cost.time.json(cost.key, &mut out);
            out.insert(
                format!("{}_instructions", cost.key),
                cost.instructions.into(),
            );
        }
        out.insert(
            "instructions_error".into(),
            self.instructions_error.clone().into(),
        );
        serde_json::Value::Object(out)
    }

    pub fn to_text(&self) -> String {
        // Wide enough for the longest label, "first field (triage.risk) via the plugin C ABI".
        const LABEL: usize = 48;
        let us = |ns: u64| format!("{:.2} us", ns as f64 / 1000.0);
        let row = |label: &str, s: &Stats| {
            format!(
                "{label:<LABEL$} {:>10} {:>10} {:>10}\n",
                us(s.median_ns),
                us(s.p99_ns),
                s.samples
            )
        };
        let mut out = format!(
            "falco-triage bench: built-in mix of {} execs ({} attacks), one operation per sample\n(timer overhead {} ns subtracted)\n\n{:<LABEL$} {:>10} {:>10} {:>10}\n",
            self.mix, self.attacks, self.timer_overhead_ns, "", "median", "p99", "samples"
        );
        out += &row("analysis (facts + lineage -> verdict)", &self.analysis);
        out += &row("decode (raw execve exit -> facts)", &self.decode);
        match self.first_field.zip(self.all_fields) {
            Some((first, all)) => {
                out += &row("first field (triage.risk) via the plugin C ABI", &first);
                out += &row(
                    &format!("all {} fields via the plugin C ABI", self.fields),
                    &all,
                );
                out += &format!(
                    "\nall fields / first field: {:.2}x   all fields / analysis: {:.2}x   decode / analysis: {:.2}x\n",
                    ratio(all.median_ns, first.median_ns).unwrap_or(0.0),
                    ratio(all.median_ns, self.analysis.median_ns).unwrap_or(0.0),
                    ratio(self.decode.median_ns, self.analysis.median_ns).unwrap_or(0.0)
                );
                if let Some(p) = &self.plugin_path {
                    out += &format!(
                        "plugin: {} (no threads table: lineage not included)\n",
                        p.display()
                    );
                }
            }
            None => {
                out += &format!(
                    "\nplugin path not measured: {}\n",
                    self.plugin_error.as_deref().unwrap_or("unknown error")
                );
            }
        }
        out += &format!(
            "\nCost per exec on realistic events (recorded real work, 40-60 environment variables):\n{:<LABEL$} {:>10} {:>10} {:>14}\n",
            "", "median", "p99", "instructions"
        );
        for cost in &self.costs {
            out += &format!(
                "{:<LABEL$} {:>10} {:>10} {:>14}\n",
                cost.label,
                us(cost.time.median_ns),
                us(cost.time.p99_ns),
                cost.instructions
                    .map_or_else(|| "-".to_string(), |n| n.to_string())
            );
        }
        if let Some(e) = &self.instructions_error {
            out += &format!("instructions not counted: {e}\n");
        }
        out
    }
}

/// Run `falco-triage bench`.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let report = measure_all(&args)?;
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}

/// The plugin library through its C ABI, as libsinsp loads it. The only unsafe code of the
/// command line.
mod cabi {
    use anyhow::{bail, Context};
    use falco_plugin::api::{
        ss_plugin_event, ss_plugin_event_input, ss_plugin_extract_field,
        ss_plugin_field_extract_input, ss_plugin_init_input, ss_plugin_log_severity,
        ss_plugin_owner_t, ss_plugin_rc, ss_plugin_t, ss_plugin_table_reader_vtable,
        ss_plugin_table_reader_vtable_ext,
    };
    use std::ffi::{c_char, c_void, CStr, CString};
    use std::path::Path;

    type NoArgString = unsafe extern "C-unwind" fn() -> *const c_char;
    type InitFn = unsafe extern "C-unwind" fn(
        *const ss_plugin_init_input,
        *mut ss_plugin_rc,
    ) -> *mut ss_plugin_t;
    type DestroyFn = unsafe extern "C-unwind" fn(*mut ss_plugin_t);
    type LastErrorFn = unsafe extern "C-unwind" fn(*mut ss_plugin_t) -> *const c_char;
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

    struct Field {
        name: CString,
        ftype: u32,
        list: bool,
    }

    /// A loaded, initialised plugin. The library stays loaded for the life of the process
    /// (no dlclose: the plugin's thread-locals may outlive it).
    pub struct Plugin {
        plugin: *mut ss_plugin_t,
        destroy: DestroyFn,
        last_error: LastErrorFn,
        extract: ExtractFn,
        fields: Vec<Field>,
    }

    fn dl_error() -> String {
        // SAFETY: dlerror returns null or a valid C string.
        let e = unsafe { libc::dlerror() };
        if e.is_null() {
            "unknown dlopen error".to_string()
        } else {
            // SAFETY: non-null, NUL-terminated, valid until the next dl call.
            unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
        }
    }

    /// # Safety
    /// `F` must be a function pointer type matching the symbol's real signature.
    unsafe fn symbol<F: Copy>(handle: *mut c_void, name: &CStr) -> anyhow::Result<F> {
        // SAFETY: valid handle and C string.
        let sym = unsafe { libc::dlsym(handle, name.as_ptr()) };
        if sym.is_null() {
            bail!(
                "{} is not exported: not a Falco plugin, or built with --features runner-harness",
                name.to_string_lossy()
            );
        }
        if std::mem::size_of::<F>() != std::mem::size_of::<*mut c_void>() {
            bail!("internal error: {name:?} is not a function pointer type");
        }
        // SAFETY: the caller names the symbol's real signature; sizes checked above.
        Ok(unsafe { std::mem::transmute_copy(&sym) })
    }

    impl Plugin {
        pub fn load(path: &Path) -> anyhow::Result<Plugin> {
            let c_path = CString::new(path.as_os_str().as_encoded_bytes())
                .context("plugin path contains a NUL byte")?;
            // SAFETY: dlopen with a valid C string.
            let handle =
                unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
            if handle.is_null() {
                bail!("cannot load {}: {}", path.display(), dl_error());
            }
            // SAFETY: the signatures are those of the Falco plugin API (falco_plugin::api).
            let (get_fields, init, destroy, last_error, extract) = unsafe {
                (
                    symbol::<NoArgString>(handle, c"plugin_get_fields")?,
                    symbol::<InitFn>(handle, c"plugin_init")?,
                    symbol::<DestroyFn>(handle, c"plugin_destroy")?,
                    symbol::<LastErrorFn>(handle, c"plugin_get_last_error")?,
                    symbol::<ExtractFn>(handle, c"plugin_extract_fields")?,
                )
            };
            // SAFETY: returns a static NUL-terminated JSON string.
            let json = unsafe { CStr::from_ptr(get_fields()) }.to_string_lossy();
            let declared: Vec<serde_json::Value> =
                serde_json::from_str(&json).context("plugin_get_fields is not a JSON array")?;
            let fields = declared
                .iter()
                .map(|f| {
                    let name = f["name"].as_str().context("a field without a name")?;
                    let ftype = match f["type"].as_str() {
                        Some("uint64") => 8,
                        Some("string") => 9,
                        Some("reltime") => 20,
                        Some("abstime") => 21,
                        Some("bool") => 25,
                        Some("ipaddr") => 40,
                        Some("ipnet") => 41,
                        other => bail!("{name}: unknown field type {other:?}"),
                    };
                    Ok(Field {
                        name: CString::new(name).context("field name with a NUL byte")?,
                        ftype,
                        list: f["isList"].as_bool().unwrap_or(false),
                    })
                })
                .collect::<anyhow::Result<Vec<Field>>>()?;

            let input = ss_plugin_init_input {
                config: c"{}".as_ptr(),
                owner: std::ptr::null_mut(),
                get_owner_last_error: Some(no_owner_error),
                tables: std::ptr::null(),
                log_fn: Some(discard_log),
            };
            let mut rc: ss_plugin_rc = -1;
            // SAFETY: input outlives the call; rc is a valid out pointer.
            let plugin = unsafe { init(&input, &mut rc) };
            if plugin.is_null() {
                bail!("plugin_init returned no plugin");
            }
            let loaded = Plugin {
                plugin,
                destroy,
                last_error,
                extract,
                fields,
            };
            if rc != 0 {
                bail!("plugin_init failed: {}", loaded.error());
            }
            Ok(loaded)
        }

        pub fn field_count(&self) -> usize {
            self.fields.len()
        }

        fn error(&self) -> String {
            // SAFETY: live handle; returns null or a C string valid until the next call.
            let e = unsafe { (self.last_error)(self.plugin) };
            if e.is_null() {
                String::new()
            } else {
                // SAFETY: non-null, NUL-terminated.
                unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
            }
        }

        /// Every declared field of `event` (a raw syscall event), one call per field, as
        /// libsinsp asks for them.
        pub fn extract_all(&mut self, event: &[u8], evtnum: u64) -> anyhow::Result<()> {
            self.extract(event, evtnum, 0..self.fields.len())
        }

        /// `triage.risk` alone: what a rule condition reads on every exec.
        pub fn extract_first(&mut self, event: &[u8], evtnum: u64) -> anyhow::Result<()> {
            let id = self
                .fields
                .iter()
                .position(|f| f.name.as_c_str() == c"triage.risk")
                .context("the plugin has no triage.risk field")?;
            self.extract(event, evtnum, id..id + 1)
        }

        fn extract(
            &mut self,
            event: &[u8],
            evtnum: u64,
            ids: std::ops::Range<usize>,
        ) -> anyhow::Result<()> {
            let event_input = ss_plugin_event_input {
                evt: event.as_ptr() as *const ss_plugin_event,
                evtnum,
                evtsrc: c"syscall".as_ptr(),
            };
            for (id, field) in self
                .fields
                .iter()
                .enumerate()
                .skip(ids.start)
                .take(ids.len())
            {
                // SAFETY: all-zero is a valid ss_plugin_extract_field (null pointers, zero
                // lengths) and valid vtables of absent functions (this host has no tables).
                let (mut request, table_reader, mut reader_ext): (
                    ss_plugin_extract_field,
                    ss_plugin_table_reader_vtable,
                    ss_plugin_table_reader_vtable_ext,
                ) = unsafe { (std::mem::zeroed(), std::mem::zeroed(), std::mem::zeroed()) };
                request.field = field.name.as_ptr();
                request.ftype = field.ftype;
                request.flist = u32::from(field.list);
                request.field_id = id as u32;
                let input = ss_plugin_field_extract_input {
                    owner: std::ptr::null_mut(),
                    get_owner_last_error: Some(no_owner_error),
                    num_fields: 1,
                    fields: &mut request,
                    table_reader,
                    table_reader_ext: &mut reader_ext,
                    value_offsets: std::ptr::null_mut(),
                };
                // SAFETY: every pointer outlives the call; the plugin owns the results.
                let rc = unsafe { (self.extract)(self.plugin, &event_input, &input) };
                if rc != 0 {
                    bail!(
                        "extracting {}: {}",
                        field.name.to_string_lossy(),
                        self.error()
                    );
                }
                std::hint::black_box(request.res_len);
            }
            Ok(())
        }
    }

    impl Drop for Plugin {
        fn drop(&mut self) {
            // SAFETY: a live handle, destroyed once.
            unsafe { (self.destroy)(self.plugin) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_are_order_statistics() {
        let s = Stats::of((1..=100).rev().collect());
        assert_eq!((s.samples, s.median_ns, s.p99_ns), (100, 51, 99));
        assert_eq!(s.mean_ns, 50.5);
        assert_eq!(Stats::of(Vec::new()).median_ns, 0);
    }

    #[test]
    fn json_has_the_documented_keys_even_without_the_plugin() {
        let args = BenchArgs {
            seconds: 0.05,
            json: true,
            plugin: Some(PathBuf::from("/nonexistent/libfalco_triage.so")),
        };
        let report = measure_all(&args).expect("bench runs");
        let json = report.to_json();
        for key in [
            "analysis_median_ns",
            "analysis_p99_ns",
            "decode_median_ns",
            "first_field_median_ns",
            "all_fields_median_ns",
            "timer_overhead_ns",
            "realistic_mix_analysis_median_ns",
            "realistic_mix_decode_instructions",
            "instructions_error",
        ] {
            assert!(json.get(key).is_some(), "{key} missing in {json}");
        }
        assert!(json["analysis_samples"].as_u64().unwrap_or(0) > 0);
        assert!(json["all_fields_median_ns"].is_null());
        assert!(json["plugin_error"]
            .as_str()
            .is_some_and(|e| e.contains("/nonexistent")));
        assert!(report.to_text().contains("plugin path not measured"));
    }

    #[test]
    fn text_columns_line_up_for_every_row() {
        let stats = Stats::of(vec![1_500, 2_500, 12_000]);
        let report = Report {
            timer_overhead_ns: 20,
            analysis: stats,
            decode: stats,
            first_field: Some(stats),
            all_fields: Some(stats),
            fields: 22,
            plugin_path: None,
            plugin_error: None,
            mix: 20,
            attacks: 4,
            costs: Vec::new(),
            instructions_error: None,
        };
        let text = report.to_text();
        let rows: Vec<&str> = text.lines().filter(|l| l.ends_with(" 3")).collect();
        assert_eq!(rows.len(), 4, "{text}");
        // Each row ends in the same three right-aligned columns, so the label column is
        // wide enough for every label.
        for row in &rows {
            assert_eq!(row.len(), rows[0].len(), "{text}");
            assert!(row.contains("  2.50 us"), "{row}");
        }
    }

    #[test]
    fn bad_durations_are_refused() {
        for seconds in [0.0, -1.0, f64::NAN, 1e9] {
            let args = BenchArgs {
                seconds,
                json: false,
                plugin: None,
            };
            assert!(measure_all(&args).is_err(), "{seconds}");
        }
    }
}
