//! The command line as a shell would read it.
