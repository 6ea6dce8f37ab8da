//! The steps commands share, one file per concept: reading and judging a cluster
//! ([`inspect`]), the waits around a change ([`conclude`]), the lists of NODEs ([`nodes`]),
//! bringing a node in ([`newcomer`]), moving slots ([`migrate`]), metrics ([`metrics`]), and the
//! executors `apply` shares with the command that made the plan (`formation`, `removal`,
//! `repair`, `roles`, [`reconcile`]).
//!
//! A command file reads like its algorithm by calling these; no command file imports another.

pub mod conclude;
pub mod formation;
pub mod heal;
pub mod inspect;
pub mod keys_target;
pub mod metrics;
pub mod migrate;
pub mod newcomer;
pub mod nodes;
pub mod reconcile;
pub mod removal;
pub mod repair;
pub mod roles;
