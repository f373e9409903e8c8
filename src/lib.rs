//! hubgen: a static site generator for London's mental-health campaign resource hub.
//!
//! The pipeline runs one way, one module per stage:
//! `config` → `load` → `parse` → `model` → `pdf` → `render` → `search` → `write`, driven by
//! `build` (`write` takes each file as it is made).
//! `serve` rebuilds on every save and serves the output with live reload.
//! `diagnostics` carries editors' errors between them; `i18n` holds the UI strings.
//! `lint` adds `hubgen check`'s editorial lints; `accounting` sums up what became of each file.
//! `scaffold` is `hubgen new`; `dates` counts days and writes dates out in each language;
//! `gitdates` reads pages' last commit dates for `updated`. `packs` knows which documents are
//! information packs and where each borough's copy goes (rendered by `render::packs`); `pdf`
//! typesets packs and leaflets with typst before `render` links them. `nfc` tells whether
//! text is already in Unicode NFC, for `load` and the search index.

#![warn(missing_docs)]
// Diagnostics are returned only on the cold path (a broken file); boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod accounting;
pub mod build;
pub mod cli;
pub mod config;
pub mod dates;
pub mod diagnostics;
pub mod gitdates;
pub mod i18n;
pub mod lint;
pub mod load;
pub mod model;
pub mod nfc;
pub mod packs;
pub mod parse;
pub mod pdf;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod translations;
pub mod write;

pub use build::{BuildOptions, BuildReport, Failure, build};
