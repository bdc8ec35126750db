//! The actions, one file (or folder) per Gandi area; each action is a type
//! implementing `catalog::Action` beside its handler, and `catalog::ACTIONS`
//! lists them all. `common` holds what several areas share.

pub mod account;
pub mod billing;
pub mod certificates;
pub mod common;
pub mod dns;
pub mod domains;
pub mod email;
pub mod meta;
