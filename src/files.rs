//! The files of a site as the stages hand them on: path relative to the
//! output folder, and bytes. A leaf: every stage that makes or takes files
//! uses it, and it uses none of them.

use std::collections::BTreeMap;

pub use bytes::Bytes;

/// The files of a rendered site (or of one part of it): path relative to the
/// output folder, and bytes. [`Bytes`] is shared, not copied, when cloned:
/// `craftpub serve` takes the files of the parts it reuses from the last
/// site this way.
pub type SiteFiles = BTreeMap<String, Bytes>;
