//! The schema model, introspection of a live database into it, and the diff of two models.

pub mod ddl;
pub mod diff;
pub mod introspect;
pub mod model;
pub mod preview;
pub mod scratch;

pub use model::Schema;
pub mod at_version;
pub mod compare;
pub mod drift;
pub mod roundtrip;
