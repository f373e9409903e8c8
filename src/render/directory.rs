//! Template data for boroughs and their services directories, built once per build and shared
//! by borough pages, category pages and the `services`/`borough_list` shortcodes.
//!
//! Each service carries schema.org JSON-LD, serialised here and made safe to sit inside a
//! `<script>` element (`<` escaped), so templates never assemble JSON by hand.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::config::Config;
use crate::model::Site;
use crate::model::boroughs::Borough;
use crate::parse::services::Service;
use crate::render::context::{LangView, Summary};

/// Borough views by slug, plus the alphabetical list.
#[derive(Debug, Default)]
pub struct DirectoryData {
    /// Full view of each borough: contact, grouped services, campaigns.
    pub by_slug: HashMap<String, Value>,
    /// `[{slug, name, path}]` in alphabetical order.
    pub list: Value,
    /// Category keys, for error messages.
    pub categories: Vec<String>,
}

/// Builds the views.
pub fn build(site: &Site) -> DirectoryData {
    let campaigns: Vec<Value> = site
        .docs
        .iter()
        .filter(|d| {
            d.lang() == site.config.default_language().code
                && !d.is_section()
                && d.key().starts_with("campaigns/")
                && d.parsed
                    .front
                    .taxonomies
                    .audiences
                    .iter()
                    .any(|a| a == "boroughs")
        })
        .map(|d| serde_json::to_value(Summary::of(d)).unwrap_or(Value::Null))
        .collect();
    let mut by_slug = HashMap::new();
    for b in &site.boroughs {
        by_slug.insert(
            b.slug.clone(),
            borough_view(&site.config, site, b, &campaigns),
        );
    }
    let list = Value::Array(
        site.boroughs
            .iter()
            .map(|b| json!({"slug": b.slug, "name": b.name, "path": b.path}))
            .collect(),
    );
    DirectoryData {
        by_slug,
        list,
        categories: site.config.categories.clone(),
    }
}

fn borough_view(config: &Config, site: &Site, b: &Borough, campaigns: &[Value]) -> Value {
    let extra = &site.docs[b.doc].parsed.front.extra;
    let groups: Vec<Value> = config
        .categories
        .iter()
        .filter_map(|cat| {
            let services: Vec<Value> = b.directory.services.iter().filter(|s| &s.category == cat).map(|s| service_view(config, b, s)).collect();
            (!services.is_empty()).then(|| json!({"key": cat, "path": format!("{}services/{cat}/", b.path), "services": services}))
        })
        .collect();
    json!({
        "slug": b.slug,
        "name": b.name,
        "path": b.path,
        "ons_code": extra.get("ons_code"),
        "inner": extra.get("inner"),
        "contact": b.directory.contact.as_ref().map(|c| service_view(config, b, c)),
        "count": b.directory.services.len(),
        "groups": groups,
        "campaigns": campaigns,
        // Packs are listed in the default language: borough data is written once, in English.
        "packs": crate::packs::for_borough(site, &config.default_language().code, &b.slug),
    })
}

fn service_view(config: &Config, b: &Borough, s: &Service) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    let names: Vec<Value> = s
        .languages
        .iter()
        .filter_map(|code| config.language(code))
        .map(|l| serde_json::to_value(LangView::of(l)).unwrap_or(Value::Null))
        .collect();
    if let Value::Object(map) = &mut v {
        map.insert("language_names".into(), Value::Array(names));
        map.insert("jsonld".into(), Value::String(json_ld(b, s)));
    }
    v
}

/// schema.org description of a service, safe inside `<script type="application/ld+json">`.
fn json_ld(b: &Borough, s: &Service) -> String {
    let mut o = serde_json::Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("Organization"));
    o.insert("name".into(), json!(s.name));
    o.insert("description".into(), json!(s.description));
    if let Some(p) = &s.phone {
        o.insert("telephone".into(), json!(p));
    }
    if let Some(e) = &s.email {
        o.insert("email".into(), json!(e));
    }
    if let Some(w) = &s.website {
        o.insert("url".into(), json!(w));
    }
    if s.address.is_some() || s.postcode.is_some() {
        o.insert(
            "address".into(),
            json!({"@type": "PostalAddress", "streetAddress": s.address, "postalCode": s.postcode, "addressLocality": b.name, "addressRegion": "London", "addressCountry": "GB"}),
        );
    }
    o.insert(
        "areaServed".into(),
        json!({"@type": "AdministrativeArea", "name": b.name}),
    );
    if !s.languages.is_empty() {
        o.insert("knowsLanguage".into(), json!(s.languages));
    }
    Value::Object(o)
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::services::Directory;

    #[test]
    fn json_ld_cannot_close_the_script_element() {
        let b = Borough {
            slug: "x".into(),
            name: "X".into(),
            doc: 0,
            path: "/boroughs/x/".into(),
            directory: Directory::default(),
        };
        let s = Service {
            name: "</script><script>alert(1)</script>".into(),
            category: "food".into(),
            description: "a & b".into(),
            phone: None,
            tel: None,
            website: None,
            email: None,
            address: None,
            postcode: None,
            hours: None,
            languages: vec![],
            last_verified: None,
            sample: true,
            due_for_review: false,
            line: 1,
        };
        let out = json_ld(&b, &s);
        assert!(!out.contains('<') && !out.contains('&'), "{out}");
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
