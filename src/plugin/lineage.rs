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
use crate::facts::decode::lossy_within;
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

/// What one walk found.
#[derive(Debug, Default)]
pub struct Walk {
    pub lineage: Lineage,
    /// `container_id` of the exec'ing thread, when the container plugin provides it.
    pub container_id: Option<String>,
    /// Table entries read.
    pub reads: u64,
}

/// One ancestor's entry, read in full before deciding whether to go on.
struct Row {
    ancestor: Ancestor,
    pid: Option<i64>,
    vpid: Option<i64>,
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

    /// Walk the parents of `tid`, nearest first. `ptid` is the event's own parent thread id
    /// (preferred: it is what the kernel said); without it the table's is used.
    pub fn walk(
        &self,
        reader: &impl TableReader,
        tid: i64,
        ptid: Option<i64>,
        depth: usize,
    ) -> Walk {
        let mut walk = Walk::default();
        let mut next = ptid;
        if next.is_none() || self.container_id.is_some() {
            walk.reads += 1;
            if let Ok(own) = self.table.get_entry(reader, &tid) {
                next = next.or_else(|| own.read_field(reader, &self.ptid).ok());
                walk.container_id = self.container_id.as_ref().and_then(|field| {
                    let id = own.read_field(reader, field).ok()?;
                    let id = String::from_utf8_lossy(id.to_bytes());
                    (!id.is_empty()).then(|| crate::report::escape(&id, 64))
                });
            }
        }

        // The tids read so far, to stop at a cycle. `lineage_depth` is at most 16 (config),
        // so the array holds every tid of a walk; the modulo only keeps the index in bounds.
        let mut seen = [tid; 17];
        let mut reads = 1usize;
        while walk.lineage.ancestors.len() < depth {
            // ptid 0 (the kernel) and -1 (unknown) have no entry worth reading.
            let Some(parent) = next.filter(|p| *p > 0 && !seen.contains(p)) else {
                break;
            };
            seen[reads % seen.len()] = parent;
            reads += 1;
            walk.reads += 1;
            let position = walk.lineage.ancestors.len();
            let Some(row) = self.read_row(reader, parent, position) else {
                break;
            };
            walk.lineage.ancestors.push(row.ancestor);
            if row.pid == Some(1) || row.vpid == Some(1) {
                break;
            }
            next = row.ptid;
        }
        walk.lineage.known = !walk.lineage.ancestors.is_empty();
        walk
    }

    /// Read one entry, the ancestor at `position` (0: the parent); `None` when missing or a
    /// placeholder. Its arguments only when the analysis reads them
    /// ([`crate::analysis::detectors::ancestor_args_read`]): a nested table read per argument
    /// is most of a row's cost.
    fn read_row(&self, reader: &impl TableReader, tid: i64, position: usize) -> Option<Row> {
        let entry = self.table.get_entry(reader, &tid).ok()?;
        let comm = string(entry.read_field(reader, &self.comm).ok())?;
        if comm == "<NA>" {
            return None;
        }
        let exe_path = self
            .exe_path
            .as_ref()
            .and_then(|f| string(entry.read_field(reader, f).ok()));
        let exe = exe_path.or_else(|| string(entry.read_field(reader, &self.exe).ok()));
        let args = self
            .args
            .as_ref()
            .filter(|_| crate::analysis::detectors::ancestor_args_read(position, &comm))
            .map(|(table_field, value_field)| {
                let Ok(args) = entry.read_field(reader, table_field) else {
                    return Vec::new();
                };
                let size = args.get_size(reader).unwrap_or(0).min(MAX_ANCESTOR_ARGS);
                // Each value is converted while its entry is held: no copy of the raw bytes.
                let mut values = Vec::with_capacity(size);
                let mut budget = MAX_ANCESTOR_ARGS_BYTES;
                for i in 0..size as u64 {
                    if values.len() >= MAX_ANCESTOR_ARGS {
                        break;
                    }
                    let Ok(arg) = args.get_entry(reader, &i) else {
                        break;
                    };
                    let Ok(value) = arg.read_field(reader, value_field) else {
                        break;
                    };
                    let (text, cut) = lossy_within(value.to_bytes(), budget);
                    if cut {
                        if !text.is_empty() {
                            values.push(text);
                        }
                        break;
                    }
                    budget -= text.len();
                    values.push(text);
                }
                values
            })
            .unwrap_or_default();
        Some(Row {
            ancestor: Ancestor { comm, exe, args },
            pid: entry.read_field(reader, &self.pid).ok(),
            vpid: entry.read_field(reader, &self.vpid).ok(),
            ptid: entry.read_field(reader, &self.ptid).ok(),
        })
    }
}

/// A non-empty, bounded (on the text kept), lossy UTF-8 copy of a table string.
fn string(value: Option<&CStr>) -> Option<String> {
    let (text, _) = lossy_within(value?.to_bytes(), MAX_STRING_BYTES);
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    #[test]
    fn table_strings_are_bounded_on_the_text_kept() {
        // 0xff becomes U+FFFD (three bytes): the bound holds after the replacement.
        let invalid = CString::new(vec![0xffu8; 5000]).expect("no NUL");
        let text = string(Some(&invalid)).expect("non-empty");
        assert!(text.len() <= MAX_STRING_BYTES);
        assert!(text.chars().all(|c| c == '\u{fffd}'));
        assert_eq!(string(Some(c"")), None);
        assert_eq!(string(None), None);
        assert_eq!(string(Some(c"bash")).as_deref(), Some("bash"));
    }
}
