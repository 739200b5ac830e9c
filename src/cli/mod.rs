//! The `falco-triage` command line: one module per subcommand.

pub mod bench;
