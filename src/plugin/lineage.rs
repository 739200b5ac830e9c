//! The parent chain of an exec, read from libsinsp's `threads` table.
//!
//! At init we look up the table and its fields once (libs `threadinfo.cpp` names and types,
//! falco-plugin-facts §4); a host without the table, or with different types, simply has no
//! lineage. At extraction we walk from the exec'ing thread's parent upwards, at most
//! `lineage_depth` entries, and stop at init (pid 1), at a container's init (vpid 1), at a
//! missing or placeholder entry (`comm` `<NA>`, `ptid` -1) and at a cycle. Entries and nested
//! tables are dropped before the walk returns: libsinsp recycles them after the callback.
//!
//! Not here: judging the chain (the analysis does), writing to the table.

use crate::analysis::{Ancestor, Lineage};
use crate::facts::decode::{lossy_into, set_text, Refill};
use falco_plugin::tables::import::{Field, RuntimeEntry, Table};
use falco_plugin::tables::{TableReader, TablesInput};
use std::ffi::CStr;

/// Comm is at most 16 bytes in the kernel; exe and exe_path at most PATH_MAX.
const MAX_STRING_BYTES: usize = 4096;
/// Ancestor argv kept: enough to see `sh -c '...'`, not a whole `xargs` batch.
const MAX_ANCESTOR_ARGS: usize = 32;
const MAX_ANCESTOR_ARGS_BYTES: usize = 4096;

pub struct ThreadTag;
pub struct ArgTag;
type Thread = RuntimeEntry<ThreadTag>;
type Arg = RuntimeEntry<ArgTag>;
type ArgsTable = Table<u64, Arg>;

/// The `threads` table and the fields we read, looked up once at init.
pub struct ThreadTable {
    table: Table<i64, Thread>,
    comm: Field<CStr, Thread>,
    exe: Field<CStr, Thread>,
    exe_path: Option<Field<CStr, Thread>>,
    pid: Field<i64, Thread>,
    ptid: Field<i64, Thread>,
    vpid: Field<i64, Thread>,
    args: Option<(Field<ArgsTable, Thread>, Field<CStr, Arg>)>,
    /// Added by the official container plugin, if it was loaded before us.
    container_id: Option<Field<CStr, Thread>>,
}

/// What one walk found besides the ancestors.
#[derive(Debug, Default)]
pub struct Walk {
    /// Table entries read.
    pub reads: u64,
    /// The parent's thread id, when the walk found the parent and did not read its arguments
    /// ([`ThreadTable::read_parent_args`] reads them when they are needed).
    pub parent_args_unread: Option<i64>,
}

/// Where an ancestor's entry says the walk goes on.
struct Links {
    /// Whether the entry's arguments were read.
    args_read: bool,
    /// Init: of the host (pid 1) or of a container (vpid 1).
    init: bool,
    ptid: Option<i64>,
}

impl ThreadTable {
    /// Look up the table and its fields. Fails when the host has no `threads` table or a
    /// required field is missing or typed differently.
    pub fn open(input: &TablesInput) -> anyhow::Result<Self> {
        let table: Table<i64, Thread> = input.get_table(c"threads")?;
        let args = table
            .get_table_field::<u64, ArgsTable, Arg, _, _>(input, c"args", |args| {
                args.get_field(input, c"value")
            })
            .ok();
        Ok(ThreadTable {
            comm: table.get_field(input, c"comm")?,
            exe: table.get_field(input, c"exe")?,
            exe_path: table.get_field(input, c"exe_path").ok(),
            pid: table.get_field(input, c"pid")?,
            ptid: table.get_field(input, c"ptid")?,
            vpid: table.get_field(input, c"vpid")?,
            args,
            container_id: table.get_field(input, c"container_id").ok(),
            table,
        })
    }

    /// Whether the container plugin's `container_id` field was found at init.
    pub fn has_container_id(&self) -> bool {
        self.container_id.is_some()
    }

    /// `container_id` of thread `tid`, when the container plugin provides it (escaped, at
    /// most 64 characters).
    pub fn container_id(&self, reader: &impl TableReader, tid: i64) -> Option<String> {
        let field = self.container_id.as_ref()?;
        let own = self.table.get_entry(reader, &tid).ok()?;
        let id = own.read_field(reader, field).ok()?;
        let id = String::from_utf8_lossy(id.to_bytes());
        (!id.is_empty()).then(|| crate::report::escape(&id, 64))
    }

    /// Walk the parents of `tid`, nearest first, into `lineage` (its entries' text buffers
    /// reused, so a walk like the one before allocates nothing). `ptid` is the event's own
    /// parent thread id (preferred: it is what the kernel said); without it the table's is
    /// used. `lineage.earlier` is left for the caller.
    pub fn walk(
        &self,
        reader: &impl TableReader,
        tid: i64,
        ptid: Option<i64>,
        depth: usize,
        lineage: &mut Lineage,
    ) -> Walk {
        let mut walk = Walk::default();
        let mut next = ptid;
        if next.is_none() {
            walk.reads += 1;
            if let Ok(own) = self.table.get_entry(reader, &tid) {
                next = own.read_field(reader, &self.ptid).ok();
            }
        }

        // The tids read so far, to stop at a cycle. `lineage_depth` is at most 16 (config),
        // so the array holds every tid of a walk; the modulo only keeps the index in bounds.
        let mut seen = [tid; 17];
        let mut reads = 1usize;
        let ancestors = &mut lineage.ancestors;
        let mut found = 0;
        while found < depth {
            // ptid 0 (the kernel) and -1 (unknown) have no entry worth reading.
            let Some(parent) = next.filter(|p| *p > 0 && !seen.contains(p)) else {
                break;
            };
            seen[reads % seen.len()] = parent;
            reads += 1;
            walk.reads += 1;
            if found == ancestors.len() {
                ancestors.push(Ancestor::default());
            }
            let Some(links) = self.read_row(reader, parent, &mut ancestors[found]) else {
                break;
            };
            if found == 0 && !links.args_read {
                walk.parent_args_unread = Some(parent);
            }
            found += 1;
            if links.init {
                break;
            }
            next = links.ptid;
        }
        ancestors.truncate(found);
        lineage.known = found > 0;
        walk
    }

    /// Read one entry into `into`; `None` when missing or a placeholder (then `into` holds
    /// nothing worth keeping). Its arguments only when the analysis reads them
    /// ([`crate::analysis::detectors::ancestor_args_read`]): a nested table read per argument
    /// is most of a row's cost.
    fn read_row(&self, reader: &impl TableReader, tid: i64, into: &mut Ancestor) -> Option<Links> {
        let entry = self.table.get_entry(reader, &tid).ok()?;
        let comm = entry.read_field(reader, &self.comm).ok()?.to_bytes();
        if comm.is_empty() || comm == b"<NA>" {
            return None;
        }
        lossy_into(&mut into.comm, comm, MAX_STRING_BYTES);
        let exe_path = self
            .exe_path
            .as_ref()
            .and_then(|f| entry.read_field(reader, f).ok())
            .map(CStr::to_bytes)
            .filter(|p| !p.is_empty());
        let exe = exe_path.or_else(|| {
            let exe = entry.read_field(reader, &self.exe).ok()?.to_bytes();
            (!exe.is_empty()).then_some(exe)
        });
        set_text(&mut into.exe, exe, MAX_STRING_BYTES);
        let args_read = crate::analysis::detectors::ancestor_args_read(&into.comm);
        if args_read {
            self.read_args(reader, &entry, &mut into.args);
        } else {
            into.args.clear();
        }
        // vpid is the pid in the process's own namespace: the pid itself on the host, so a
        // known vpid settles both kinds of init; the pid is read only when it is unknown.
        let init = match entry.read_field(reader, &self.vpid).ok() {
            Some(vpid) if vpid > 0 => vpid == 1,
            _ => entry.read_field(reader, &self.pid).ok() == Some(1),
        };
        Some(Links {
            args_read,
            init,
            ptid: entry.read_field(reader, &self.ptid).ok(),
        })
    }

    /// The parent's arguments, into `lineage`'s first ancestor, when the walk did not read
    /// them: for [`crate::analysis::mark_repeat`], which compares them with the exec's own.
    pub fn read_parent_args(&self, reader: &impl TableReader, walk: &Walk, lineage: &mut Lineage) {
        let (Some(tid), Some(parent)) = (walk.parent_args_unread, lineage.ancestors.first_mut())
        else {
            return;
        };
        if let Ok(entry) = self.table.get_entry(reader, &tid) {
            self.read_args(reader, &entry, &mut parent.args);
        }
    }

    /// An entry's arguments into `args` (its strings reused), bounded.
    fn read_args(&self, reader: &impl TableReader, entry: &Thread, args: &mut Vec<String>) {
        let mut args = Refill::new(args, MAX_ANCESTOR_ARGS_BYTES);
        let Some((table_field, value_field)) = &self.args else {
            return;
        };
        let Ok(table) = entry.read_field(reader, table_field) else {
            return;
        };
        let size = table.get_size(reader).unwrap_or(0).min(MAX_ANCESTOR_ARGS);
        for i in 0..size as u64 {
            let Ok(arg) = table.get_entry(reader, &i) else {
                return;
            };
            let Ok(value) = arg.read_field(reader, value_field) else {
                return;
            };
            // Each value is converted while its entry is held: no copy of the raw bytes.
            if !args.push(value.to_bytes(), |text| !text.is_empty()) {
                return;
            }
        }
    }
}
