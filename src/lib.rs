//! falco-triage: every exec judged inside Falco.
//!
//! One event flows top to bottom: an adapter (the Falco plugin in [`plugin`], or the
//! `falco-triage` command) builds [`facts::ExecFacts`] and a [`analysis::Lineage`], the
//! [`analysis`] runs the detectors over them and scores a [`analysis::Verdict`], and
//! [`report`] renders it (summary line, evidence, JSON, text). The core (facts, analysis,
//! knowledge, report) knows nothing of FFI, Falco or the command line.

pub mod analysis;
#[doc(hidden)]
pub mod bench_corpus;
pub mod capture;
pub mod cli;
pub mod facts;
pub mod knowledge;
pub mod panic_guard;
pub mod report;
mod text;

pub mod plugin;
