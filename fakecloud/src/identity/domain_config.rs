//! Domain-specific configuration (`/v3/domains/{id}/config`, keystone/resource/core.py's
//! DomainConfigManager): per domain, options of the `identity` and `ldap` groups that Keystone's
//! domain-specific drivers would read. Only the options Keystone allows may be stored; the LDAP
//! password is stored but never shown. fakecloud serves every domain from its own store whatever the
//! configuration says: the configuration is data for the tools that read it back.

use super::error::{Outcome, Refusal};
use super::model::{DomainConfig, Identity, DEFAULT_DOMAIN_ID};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The options Keystone lets a domain set, with the defaults of keystone.conf
/// (`GET /v3/domains/config/default`), in Keystone's order.
const SHOWN: &[(&str, &[(&str, DefaultValue)])] = &[
    ("identity", &[("driver", DefaultValue::Str("sql")), ("list_limit", DefaultValue::Null)]),
    (
        "ldap",
        &[
            ("url", DefaultValue::Str("ldap://localhost")),
            ("user", DefaultValue::Null),
            ("suffix", DefaultValue::Str("cn=example,cn=com")),
            ("query_scope", DefaultValue::Str("one")),
            ("page_size", DefaultValue::Int(0)),
            ("alias_dereferencing", DefaultValue::Str("default")),
            ("debug_level", DefaultValue::Null),
            ("chase_referrals", DefaultValue::Null),
            ("user_tree_dn", DefaultValue::Null),
            ("user_filter", DefaultValue::Null),
            ("user_objectclass", DefaultValue::Str("inetOrgPerson")),
            ("user_id_attribute", DefaultValue::Str("cn")),
            ("user_name_attribute", DefaultValue::Str("sn")),
            ("user_mail_attribute", DefaultValue::Str("mail")),
            ("user_description_attribute", DefaultValue::Str("description")),
            ("user_pass_attribute", DefaultValue::Str("userPassword")),
            ("user_enabled_attribute", DefaultValue::Str("enabled")),
            ("user_enabled_invert", DefaultValue::Bool(false)),
            ("user_enabled_mask", DefaultValue::Int(0)),
            ("user_enabled_default", DefaultValue::Str("True")),
            ("user_attribute_ignore", DefaultValue::List(&["default_project_id"])),
            ("user_default_project_id_attribute", DefaultValue::Null),
            ("user_enabled_emulation", DefaultValue::Bool(false)),
            ("user_enabled_emulation_dn", DefaultValue::Null),
            ("user_enabled_emulation_use_group_config", DefaultValue::Bool(false)),
            ("user_additional_attribute_mapping", DefaultValue::List(&[])),
            ("group_tree_dn", DefaultValue::Null),
            ("group_filter", DefaultValue::Null),
            ("group_objectclass", DefaultValue::Str("groupOfNames")),
            ("group_id_attribute", DefaultValue::Str("cn")),
            ("group_name_attribute", DefaultValue::Str("ou")),
            ("group_members_are_ids", DefaultValue::Bool(false)),
            ("group_member_attribute", DefaultValue::Str("member")),
            ("group_desc_attribute", DefaultValue::Str("description")),
            ("group_attribute_ignore", DefaultValue::List(&[])),
            ("group_additional_attribute_mapping", DefaultValue::List(&[])),
            ("tls_cacertfile", DefaultValue::Null),
            ("tls_cacertdir", DefaultValue::Null),
            ("use_tls", DefaultValue::Bool(false)),
            ("tls_req_cert", DefaultValue::Str("demand")),
            ("use_pool", DefaultValue::Bool(true)),
            ("pool_size", DefaultValue::Int(10)),
            ("pool_retry_max", DefaultValue::Int(3)),
            ("pool_retry_delay", DefaultValue::Float(0.1)),
            ("pool_connection_timeout", DefaultValue::Int(-1)),
            ("pool_connection_lifetime", DefaultValue::Int(600)),
            ("use_auth_pool", DefaultValue::Bool(true)),
            ("auth_pool_size", DefaultValue::Int(100)),
            ("auth_pool_connection_lifetime", DefaultValue::Int(60)),
        ],
    ),
];

/// Options that are stored but never shown.
const SENSITIVE: &[(&str, &str)] = &[("ldap", "password")];

/// The group Keystone answers from its own `[security_compliance]` settings, for the default
/// domain only; fakecloud sets no password rules, so both are null.
pub const SECURITY_COMPLIANCE: &str = "security_compliance";
const SECURITY_COMPLIANCE_OPTIONS: [&str; 2] = ["password_regex", "password_regex_description"];

#[derive(Clone, Copy)]
enum DefaultValue {
    Null,
    Str(&'static str),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(&'static [&'static str]),
}

impl DefaultValue {
    fn json(self) -> Value {
        match self {
            DefaultValue::Null => Value::Null,
            DefaultValue::Str(s) => json!(s),
            DefaultValue::Int(i) => json!(i),
            DefaultValue::Float(f) => json!(f),
            DefaultValue::Bool(b) => json!(b),
            DefaultValue::List(l) => json!(l),
        }
    }
}

fn invalid(reason: impl std::fmt::Display) -> Refusal {
    Refusal::Forbidden(format!("Invalid domain specific configuration: {reason}."))
}

fn config_not_found(domain_id: &str, what: &str) -> Refusal {
    Refusal::NotFound(format!("Could not find {what} in domain configuration for domain {domain_id}."))
}

fn what(group: Option<&str>, option: Option<&str>) -> String {
    match (group, option) {
        (Some(g), Some(o)) => format!("option {o} in group {g}"),
        (Some(g), None) => format!("group {g}"),
        _ => "any options".into(),
    }
}

fn shown_options(group: &str) -> Option<&'static [(&'static str, DefaultValue)]> {
    SHOWN.iter().find(|(g, _)| *g == group).map(|(_, o)| *o)
}

fn is_sensitive(group: &str, option: &str) -> bool {
    SENSITIVE.contains(&(group, option))
}

/// `_assert_valid_group_and_option`.
fn check_group_and_option(group: Option<&str>, option: Option<&str>) -> Outcome<()> {
    let Some(group) = group else { return Ok(()) };
    let known_group = shown_options(group).is_some() || SENSITIVE.iter().any(|(g, _)| *g == group);
    if !known_group {
        return Err(invalid(format_args!("Group {group} is not supported for domain specific configurations")));
    }
    if let Some(option) = option {
        let shown = shown_options(group).is_some_and(|opts| opts.iter().any(|(o, _)| *o == option));
        if !shown && !is_sensitive(group, option) {
            return Err(invalid(format_args!("Option {option} in group {group} is not supported for domain specific configurations")));
        }
    }
    Ok(())
}

/// `_assert_valid_config`: a non-empty object of non-empty groups of allowed options.
fn checked_config(config: &Value) -> Outcome<DomainConfig> {
    let groups = match config {
        Value::Object(g) if !g.is_empty() => g,
        _ => return Err(invalid("No options specified")),
    };
    let mut out = DomainConfig::new();
    for (group, options) in groups {
        let options = match options {
            Value::Object(o) if !o.is_empty() => o,
            _ => return Err(invalid(format_args!("The value of group {group} specified in the config should be a dictionary of options"))),
        };
        for (option, value) in options {
            check_group_and_option(Some(group), Some(option))?;
            out.entry(group.clone()).or_default().insert(option.clone(), value.clone());
        }
    }
    Ok(out)
}

/// The shown part of a configuration, as Keystone renders it: groups of options, or a single
/// option's value under its name when one option was asked for.
fn render(config: &DomainConfig, group: Option<&str>, option: Option<&str>) -> Value {
    let mut out = Map::new();
    for (g, options) in config.iter().filter(|(g, _)| group.is_none_or(|want| want == g.as_str())) {
        let shown: Map<String, Value> = options
            .iter()
            .filter(|(o, _)| !is_sensitive(g, o) && option.is_none_or(|want| want == o.as_str()))
            .map(|(o, v)| (o.clone(), v.clone()))
            .collect();
        if let Some(o) = option {
            if let Some(v) = shown.get(o) {
                return json!({ o: v });
            }
        } else if !shown.is_empty() {
            out.insert(g.clone(), Value::Object(shown));
        }
    }
    Value::Object(out)
}

fn is_empty(v: &Value) -> bool {
    v.as_object().is_none_or(Map::is_empty)
}

impl Identity {
    /// `PUT /v3/domains/{id}/config`: replaces the whole configuration. Returns what is shown of it
    /// and whether there was none before (Keystone answers 201 then, 200 otherwise).
    pub fn create_domain_config(&mut self, domain_id: &str, config: &Value) -> Outcome<(Value, bool)> {
        let config = checked_config(config)?;
        let fresh = self.domain_configs.get(domain_id).is_none_or(BTreeMap::is_empty);
        let shown = render(&config, None, None);
        self.domain_configs.insert(domain_id.to_string(), config);
        Ok((shown, fresh))
    }

    /// `GET /v3/domains/{id}/config[/{group}[/{option}]]`: 404 when nothing shown matches.
    pub fn domain_config(&self, domain_id: &str, group: Option<&str>, option: Option<&str>) -> Outcome<Value> {
        check_group_and_option(group, option)?;
        let shown = self.domain_configs.get(domain_id).map(|c| render(c, group, option)).unwrap_or_else(|| json!({}));
        if is_empty(&shown) {
            return Err(config_not_found(domain_id, &what(group, option)));
        }
        Ok(shown)
    }

    /// `GET /v3/domains/{id}/config/security_compliance[/{option}]`: the password rules Keystone
    /// enforces, readable for the default domain only.
    pub fn security_compliance_config(&self, domain_id: &str, option: Option<&str>) -> Outcome<Value> {
        if domain_id != DEFAULT_DOMAIN_ID {
            return Err(invalid(
                "Reading security compliance information for any domain other than the default domain is not allowed or supported",
            ));
        }
        match option {
            Some(o) if SECURITY_COMPLIANCE_OPTIONS.contains(&o) => Ok(json!({ o: null })),
            Some(_) => {
                Err(invalid("Reading security compliance values other than password_regex and password_regex_description is not allowed"))
            }
            None => Ok(json!({ SECURITY_COMPLIANCE: { "password_regex": null, "password_regex_description": null } })),
        }
    }

    /// `PATCH /v3/domains/{id}/config[/{group}[/{option}]]`: merges options in. With a group (and
    /// option) in the path, the body must hold exactly that group (option), which must already be
    /// set. Returns the whole shown configuration.
    pub fn update_domain_config(&mut self, domain_id: &str, body: &Value, group: Option<&str>, option: Option<&str>) -> Outcome<Value> {
        let body = match (group, option) {
            // An option's PATCH names the option alone: `{"driver": "x"}`.
            (Some(g), Some(_)) => json!({ g: body }),
            _ => body.clone(),
        };
        let update = checked_config(&body)?;
        check_group_and_option(group, option)?;
        if let Some(g) = group {
            let sole_group = update.len() == 1;
            let sole_option = option.is_none() || update.values().next().is_some_and(|o| o.len() == 1);
            if !sole_group || !sole_option {
                return Err(invalid(match option {
                    Some(o) => {
                        format!("Trying to update option {o} in group {g}, so that, and only that, option must be specified  in the config")
                    }
                    None => format!("Trying to update group {g}, so that, and only that, group must be specified in the config"),
                }));
            }
            let Some(given) = update.get(g) else {
                let other = update.keys().next().cloned().unwrap_or_default();
                return Err(invalid(format_args!("request to update group {g}, but config provided contains group {other} instead")));
            };
            if let Some(o) = option.filter(|o| !given.contains_key(*o)) {
                let other = given.keys().next().cloned().unwrap_or_default();
                return Err(invalid(format_args!(
                    "Trying to update option {o} in group {g}, but config provided contains option {other} instead"
                )));
            }
            let current = self.domain_configs.get(domain_id).and_then(|c| c.get(g));
            let exists = match option {
                Some(o) => current.is_some_and(|c| c.contains_key(o)),
                None => current.is_some_and(|c| !c.is_empty()),
            };
            if !exists {
                return Err(config_not_found(domain_id, &what(group, option)));
            }
        }
        let stored = self.domain_configs.entry(domain_id.to_string()).or_default();
        for (g, options) in update {
            stored.entry(g).or_default().extend(options);
        }
        self.domain_config(domain_id, None, None)
    }

    /// `DELETE /v3/domains/{id}/config[/{group}[/{option}]]`; a group or option that is not set is
    /// a 404.
    pub fn delete_domain_config(&mut self, domain_id: &str, group: Option<&str>, option: Option<&str>) -> Outcome<()> {
        check_group_and_option(group, option)?;
        let Some(g) = group else {
            self.domain_configs.remove(domain_id);
            return Ok(());
        };
        let current = self.domain_configs.get_mut(domain_id).and_then(|c| c.get_mut(g));
        match (current, option) {
            (Some(c), Some(o)) if c.get(o).is_some_and(|v| !v.is_null()) => {
                c.remove(o);
            }
            (Some(c), None) if !c.is_empty() => {
                c.clear();
            }
            _ => return Err(config_not_found(domain_id, &what(group, option))),
        }
        if let Some(config) = self.domain_configs.get_mut(domain_id) {
            config.retain(|_, options| !options.is_empty());
            if config.is_empty() {
                self.domain_configs.remove(domain_id);
            }
        }
        Ok(())
    }
}

/// `GET /v3/domains/config[/{group}[/{option}]]/default`: keystone.conf's values for the options a
/// domain may set.
pub fn default_config(group: Option<&str>, option: Option<&str>) -> Outcome<Value> {
    check_group_and_option(group, option)?;
    let mut out = Map::new();
    for (g, options) in SHOWN.iter().filter(|(g, _)| group.is_none_or(|want| want == *g)) {
        if let Some(o) = option {
            let found = options
                .iter()
                .find(|(name, _)| *name == o)
                .ok_or_else(|| invalid(format_args!("Reading the default for option {o} in group {g} is not supported")))?;
            return Ok(json!({ o: found.1.json() }));
        }
        out.insert(g.to_string(), Value::Object(options.iter().map(|(name, d)| (name.to_string(), d.json())).collect()));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ldap_password_is_stored_but_never_shown() {
        let mut c = DomainConfig::new();
        c.entry("ldap".into()).or_default().insert("password".into(), json!("s3cret"));
        c.entry("ldap".into()).or_default().insert("url".into(), json!("ldap://x"));
        assert_eq!(render(&c, None, None), json!({"ldap": {"url": "ldap://x"}}));
        assert_eq!(render(&c, Some("ldap"), Some("password")), json!({}));
    }

    #[test]
    fn only_keystones_groups_and_options_are_accepted() {
        assert!(checked_config(&json!({"identity": {"driver": "ldap"}})).is_ok());
        let r = checked_config(&json!({"token": {"expiration": 1}})).unwrap_err();
        assert_eq!(r.status(), 403);
        assert!(r.message().contains("Group token is not supported"), "{r}");
        assert!(checked_config(&json!({"ldap": {"nonsense": 1}})).unwrap_err().message().contains("Option nonsense in group ldap"));
        assert!(checked_config(&json!({})).unwrap_err().message().contains("No options specified"));
        assert!(checked_config(&json!({"ldap": {}})).unwrap_err().message().contains("dictionary of options"));
    }

    #[test]
    fn defaults_follow_keystone_conf() {
        assert_eq!(default_config(Some("identity"), Some("driver")).unwrap(), json!({"driver": "sql"}));
        let all = default_config(None, None).unwrap();
        assert_eq!(all["ldap"]["pool_size"], json!(10));
        assert_eq!(all["identity"]["list_limit"], Value::Null);
        // The password has no default to read.
        assert_eq!(default_config(Some("ldap"), Some("password")).unwrap_err().status(), 403);
    }
}
