//! The Falco plugin adapter.
