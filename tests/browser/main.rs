//! Real-browser quality gates on the real hub: WCAG 2.2 AA with axe-core, valid HTML with the
//! Nu checker, right-to-left layout, privacy (no request leaves the origin; CSP holds), page
//! weight, and use without JavaScript. Chromium is Debian's, found on PATH; the checkers come
//! from `tools/browser` (`npm ci`). A missing tool is a loud SKIPPED line, a failure under
//! `CI=true`.

mod a11y;
mod html;
mod live_reload;
mod nojs;
mod print;
mod privacy;
mod rtl;
mod search;
mod support;
mod weight;
