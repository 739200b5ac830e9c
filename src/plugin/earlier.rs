//! The paging images of processes that may exec again: wrappers and shims re-exec in place
//! (`python3` through the pyenv shim, then `pyenv exec python3`, then the interpreter, all
//! one process with one parent), so the thread table's lineage cannot show that an exec
//! repeats a payload its own process already carried. Only execs that paged are kept, and
//! only until the table is full, when it starts over: memory is bounded by
//! `CAPACITY * (MAX_ARGS_BYTES + a few hundred bytes)`, and a benign exec costs one lookup in
//! a map that is usually empty.

use crate::analysis::Ancestor;
use crate::facts::ExecFacts;
use std::collections::HashMap;

/// Distinct processes remembered; more paging execs than this clears the table.
const CAPACITY: usize = 256;
/// argv[1..] kept per image: as an ancestor's (`lineage::MAX_ANCESTOR_ARGS*`).
const MAX_ARGS: usize = 32;
const MAX_ARGS_BYTES: usize = 4096;

#[derive(Debug, Default)]
pub struct EarlierImages {
    /// tid -> (the parent it had, the image). The parent guards against a reused tid.
    by_tid: HashMap<i64, (Option<i64>, Ancestor)>,
}

impl EarlierImages {
    /// The newest paging image `tid` ran before, if its parent is still the same.
    pub fn get(&self, tid: i64, ptid: Option<i64>) -> Option<Ancestor> {
        if self.by_tid.is_empty() {
            return None;
        }
        match self.by_tid.get(&tid) {
            Some((parent, image)) if *parent == ptid => Some(image.clone()),
            _ => None,
        }
    }

    /// Remembers the exec `tid` just made, which paged.
    pub fn remember(&mut self, tid: i64, facts: &ExecFacts) {
        if self.by_tid.len() >= CAPACITY && !self.by_tid.contains_key(&tid) {
            self.by_tid.clear();
        }
        let mut used = 0;
        let args = facts
            .argv
            .iter()
            .skip(1)
            .take(MAX_ARGS)
            .take_while(|a| {
                used += a.len();
                used <= MAX_ARGS_BYTES
            })
            .cloned()
            .collect();
        let image = Ancestor {
            comm: facts.comm.clone().unwrap_or_default(),
            exe: facts.exe_path.clone(),
            args,
        };
        self.by_tid.insert(tid, (facts.ptid, image));
    }

    pub fn clear(&mut self) {
        self.by_tid.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_tid.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(argv: &[&str], ptid: i64) -> ExecFacts {
        let mut f = ExecFacts::from_argv(argv.iter().copied());
        f.ptid = Some(ptid);
        f.comm = Some(argv[0].into());
        f
    }

    #[test]
    fn remembers_per_process_and_checks_the_parent() {
        let mut images = EarlierImages::default();
        assert_eq!(images.get(7, Some(1)), None);
        images.remember(7, &exec(&["python3", "-c", "code"], 1));
        let image = images.get(7, Some(1)).expect("remembered");
        assert_eq!(image.comm, "python3");
        assert_eq!(image.args, ["-c", "code"]);
        // Another process, or the same tid under another parent (reused): nothing.
        assert_eq!(images.get(8, Some(1)), None);
        assert_eq!(images.get(7, Some(2)), None);
    }

    #[test]
    fn bounded_in_entries_and_bytes() {
        let mut images = EarlierImages::default();
        for tid in 0..(CAPACITY as i64 + 10) {
            images.remember(tid, &exec(&["nc", "-e", "/bin/sh"], 1));
            assert!(images.len() <= CAPACITY);
        }
        let long = "x".repeat(1000);
        let argv: Vec<&str> = std::iter::once("sh")
            .chain(std::iter::repeat_n(long.as_str(), 100))
            .collect();
        images.remember(1, &exec(&argv, 1));
        let kept = images.get(1, Some(1)).expect("remembered").args;
        assert!(kept.iter().map(String::len).sum::<usize>() <= MAX_ARGS_BYTES);
        assert_eq!(kept.len(), 4);
    }
}
