//! Integration tests: the real `hubgen` binary on fixture sites in `tests/fixtures/`.

mod build;
mod check;
mod editor;
mod hub;
mod i18n;
mod invalid;
mod minify;
mod packs;
mod pdf;
mod search;
mod serve;
mod services;
mod snapshots;
mod support;
