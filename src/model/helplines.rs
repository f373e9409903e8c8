//! National support lines from `content/helplines.toml`, shown in every page's "Get help now" area.

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::load::DataFile;

/// One national or London-wide support line.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Helpline {
    /// Service name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Phone number as people read it.
    pub phone: Option<String>,
    /// `tel:` form of the phone number (filled in on load).
    #[serde(default)]
    pub tel: Option<String>,
    /// Text-message instruction (e.g. "SHOUT to 85258").
    pub text: Option<String>,
    /// `sms:` link for the text service (filled in on load).
    #[serde(default)]
    pub sms: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Opening hours.
    pub hours: Option<String>,
    /// When someone last checked the facts.
    #[serde(skip_serializing)]
    pub last_verified: Option<toml::value::Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "service", default)]
    services: Vec<Helpline>,
}

/// Parses the helplines file.
pub fn parse(file: &DataFile) -> Result<Vec<Helpline>, Vec<Diagnostic>> {
    let parsed: File = toml::from_str(&file.text).map_err(|e| {
        vec![crate::parse::front_matter::toml_diagnostic(
            &file.display,
            &file.text,
            0,
            &e,
            &[
                "name",
                "description",
                "phone",
                "text",
                "website",
                "hours",
                "last_verified",
            ],
        )]
    })?;
    let mut out = parsed.services;
    for h in &mut out {
        h.tel = h.phone.as_ref().map(|p| {
            format!(
                "tel:{}",
                p.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect::<String>()
            )
        });
        // "SHOUT to 85258" → sms:85258 with the keyword as the message body.
        h.sms = h.text.as_ref().and_then(|t| {
            let (word, number) = t.split_once(" to ")?;
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            (!digits.is_empty()).then(|| format!("sms:{digits}?body={}", word.trim()))
        });
    }
    Ok(out)
}
