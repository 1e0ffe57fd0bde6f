//! Keystone's request schemas (keystone/resource/schema.py, keystone/identity/schema.py) and the
//! wording its validator answers with: `Invalid input for field 'name': '' is too short`, the
//! Python `jsonschema` message after the field's path, the offending value in Python's repr.
//!
//! Keystone checks the object's keywords in the schema's order (`type`, then each property in the
//! order the schema lists them, then `required`, `minProperties`, `additionalProperties`) and reports
//! the first failure, so the checks here keep that order. Keystone appends jsonschema's long form
//! (the failing schema and instance) to the message; only its first line is kept here.

use serde_json::Value;

/// One property's schema.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A string with a length range and an optional pattern (`Pat`).
    Str { min: usize, max: usize, pattern: Option<Pat>, nullable: bool },
    /// `parameter_types.boolean`: `{'type': 'boolean', 'enum': [True, False]}`.
    Bool { nullable: bool },
    /// `{'type': 'object'}` with the named properties only, each of them nullable (resource options).
    Options(&'static [(&'static str, Ty)]),
    /// An array of items: `maxItems`, `uniqueItems`.
    Array { items: &'static Ty, min: usize, max: Option<usize>, unique: bool, nullable: bool },
    /// A nested object with its own schema.
    Obj(&'static Schema),
}

/// The patterns Keystone's schemas use, with the source text its messages quote.
#[derive(Clone, Copy, Debug)]
pub enum Pat {
    /// `[\S]+`, searched: anything with a non-space character.
    NotBlank,
    /// `^[a-zA-Z0-9-]+$` (`parameter_types.id_string`).
    IdString,
    /// `^[^,/]*$` (project tags).
    NoCommaOrSlash,
}

impl Pat {
    fn source(self) -> &'static str {
        match self {
            Pat::NotBlank => r"[\S]+",
            Pat::IdString => "^[a-zA-Z0-9-]+$",
            Pat::NoCommaOrSlash => "^[^,/]*$",
        }
    }

    fn matches(self, s: &str) -> bool {
        match self {
            Pat::NotBlank => s.chars().any(|c| !c.is_whitespace()),
            Pat::IdString => !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            Pat::NoCommaOrSlash => !s.contains([',', '/']),
        }
    }
}

/// An object schema: its properties in the schema's order.
#[derive(Debug)]
pub struct Schema {
    pub props: &'static [(&'static str, Ty)],
    pub required: &'static [&'static str],
    pub min_properties: usize,
    pub additional: bool,
}

/// `validation.nullable(...)` of the common string types.
pub const fn string(min: usize, max: usize, pattern: Option<Pat>, nullable: bool) -> Ty {
    Ty::Str { min, max, pattern, nullable }
}

/// `_name_properties` (resources) and `_identity_name` (users, groups).
pub const RESOURCE_NAME: Ty = string(1, 64, Some(Pat::NotBlank), false);
pub const IDENTITY_NAME: Ty = string(1, 255, Some(Pat::NotBlank), false);
pub const ID_STRING: Ty = string(1, 64, Some(Pat::IdString), false);
pub const NULLABLE_ID_STRING: Ty = string(1, 64, Some(Pat::IdString), true);
pub const DESCRIPTION: Ty = string(0, usize::MAX, None, true);
pub const BOOLEAN: Ty = Ty::Bool { nullable: false };
pub const TAG: Ty = string(1, 255, Some(Pat::NoCommaOrSlash), false);
pub const TAGS: Ty = Ty::Array { items: &TAG, min: 0, max: Some(80), unique: true, nullable: false };
const ANY_STRING: Ty = string(0, usize::MAX, None, false);
const FEDERATED_PROTOCOL: Ty = Ty::Obj(&Schema {
    props: &[("protocol_id", ANY_STRING), ("unique_id", ANY_STRING)],
    required: &["protocol_id", "unique_id"],
    min_properties: 0,
    additional: true,
});
const FEDERATED_OBJECT: Ty = Ty::Obj(&Schema {
    props: &[
        ("idp_id", ANY_STRING),
        ("protocols", Ty::Array { items: &FEDERATED_PROTOCOL, min: 1, max: None, unique: false, nullable: false }),
    ],
    required: &["idp_id", "protocols"],
    min_properties: 0,
    additional: true,
});
/// A user's `federated` attribute: identity providers and their protocols.
pub const FEDERATED: Ty = Ty::Array { items: &FEDERATED_OBJECT, min: 0, max: None, unique: false, nullable: false };
pub const PROJECT_OPTIONS: Ty = Ty::Options(&[("immutable", Ty::Bool { nullable: true })]);
const MFA_RULE: Ty = Ty::Array { items: &ANY_STRING, min: 1, max: None, unique: true, nullable: false };
const MFA_RULES: Ty = Ty::Array { items: &MFA_RULE, min: 0, max: None, unique: true, nullable: true };
pub const USER_OPTIONS: Ty = Ty::Options(&[
    ("ignore_change_password_upon_first_use", Ty::Bool { nullable: true }),
    ("ignore_password_expiry", Ty::Bool { nullable: true }),
    ("ignore_lockout_failure_attempts", Ty::Bool { nullable: true }),
    ("lock_password", Ty::Bool { nullable: true }),
    ("ignore_user_inactivity", Ty::Bool { nullable: true }),
    ("multi_factor_auth_rules", MFA_RULES),
    ("multi_factor_auth_enabled", Ty::Bool { nullable: true }),
]);

/// A failed check: the field's path (empty at the root) and jsonschema's message.
#[derive(Debug, PartialEq)]
pub struct Invalid {
    pub path: String,
    pub message: String,
}

impl Invalid {
    /// The message Keystone answers with.
    pub fn detail(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            format!("Invalid input for field '{}': {}", self.path, self.message)
        }
    }
}

fn fail(path: &str, message: String) -> Result<(), Invalid> {
    Err(Invalid { path: path.to_string(), message })
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}/{key}")
    }
}

/// Checks `v` against an object schema.
pub fn check(schema: &Schema, v: &Value) -> Result<(), Invalid> {
    check_at(schema, v, "")
}

fn check_at(schema: &Schema, v: &Value, path: &str) -> Result<(), Invalid> {
    let Some(obj) = v.as_object() else { return fail(path, format!("{} is not of type 'object'", repr(v))) };
    for (name, ty) in schema.props {
        if let Some(x) = obj.get(*name) {
            check_ty(ty, x, &join(path, name))?;
        }
    }
    if let Some(missing) = schema.required.iter().find(|r| !obj.contains_key(**r)) {
        return fail(path, format!("'{missing}' is a required property"));
    }
    if obj.len() < schema.min_properties {
        return fail(path, format!("{} does not have enough properties", repr(v)));
    }
    if !schema.additional {
        let extra: Vec<String> =
            obj.keys().filter(|k| !schema.props.iter().any(|(p, _)| p == k)).map(|k| repr(&Value::String(k.clone()))).collect();
        if !extra.is_empty() {
            let verb = if extra.len() == 1 { "was" } else { "were" };
            return fail(path, format!("Additional properties are not allowed ({} {verb} unexpected)", extra.join(", ")));
        }
    }
    Ok(())
}

/// Checks one value against a property schema; `path` names it in the message.
pub fn check_ty(ty: &Ty, v: &Value, path: &str) -> Result<(), Invalid> {
    let type_error = |names: &str| fail(path, format!("{} is not of type {names}", repr(v)));
    match *ty {
        Ty::Str { min, max, pattern, nullable } => {
            let s = match v {
                Value::String(s) => s,
                Value::Null if nullable => return Ok(()),
                _ => return type_error(if nullable { "'string', 'null'" } else { "'string'" }),
            };
            let len = s.chars().count();
            if len < min {
                return fail(path, format!("{} is too short", repr(v)));
            }
            if len > max {
                return fail(path, format!("{} is too long", repr(v)));
            }
            if let Some(p) = pattern {
                if !p.matches(s) {
                    return fail(path, format!("{} does not match {}", repr(v), repr(&Value::String(p.source().into()))));
                }
            }
            Ok(())
        }
        Ty::Bool { nullable } => match v {
            Value::Bool(_) => Ok(()),
            Value::Null if nullable => Ok(()),
            _ => type_error(if nullable { "'boolean', 'null'" } else { "'boolean'" }),
        },
        Ty::Obj(schema) => check_at(schema, v, path),
        Ty::Options(known) => {
            let Some(obj) = v.as_object() else { return type_error("'object'") };
            for (name, ty) in known {
                if let Some(x) = obj.get(*name) {
                    check_ty(ty, x, &join(path, name))?;
                }
            }
            let extra: Vec<String> =
                obj.keys().filter(|k| !known.iter().any(|(p, _)| p == k)).map(|k| repr(&Value::String(k.clone()))).collect();
            if !extra.is_empty() {
                let verb = if extra.len() == 1 { "was" } else { "were" };
                return fail(path, format!("Additional properties are not allowed ({} {verb} unexpected)", extra.join(", ")));
            }
            Ok(())
        }
        Ty::Array { items, min, max, unique, nullable } => {
            let list = match v {
                Value::Array(a) => a,
                Value::Null if nullable => return Ok(()),
                _ => return type_error(if nullable { "'array', 'null'" } else { "'array'" }),
            };
            for (i, x) in list.iter().enumerate() {
                check_ty(items, x, &join(path, &i.to_string()))?;
            }
            if list.len() < min {
                return fail(path, format!("{} is too short", repr(v)));
            }
            if max.is_some_and(|m| list.len() > m) {
                return fail(path, format!("{} is too long", repr(v)));
            }
            if unique && list.iter().enumerate().any(|(i, x)| list[..i].contains(x)) {
                return fail(path, format!("{} has non-unique elements", repr(v)));
            }
            Ok(())
        }
    }
}

/// Python's `repr` of a JSON value, as jsonschema's messages quote it.
pub fn repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => repr_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => {
            format!("{{{}}}", o.iter().map(|(k, x)| format!("{}: {}", repr_str(k), repr(x))).collect::<Vec<_>>().join(", "))
        }
    }
}

fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (0x80..0xa0).contains(&(c as u32)) => out.push_str(&format!("\\x{:02x}", c as u32)),
            // Python escapes the format characters it does not print (U+202E, U+200B and friends).
            c if matches!(c as u32, 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PROJECT: Schema = Schema {
        props: &[("description", DESCRIPTION), ("enabled", BOOLEAN), ("name", RESOURCE_NAME), ("tags", TAGS)],
        required: &["name"],
        min_properties: 0,
        additional: true,
    };

    fn detail(schema: &Schema, v: Value) -> String {
        check(schema, &v).unwrap_err().detail()
    }

    #[test]
    fn messages_are_jsonschemas_first_line_after_the_field() {
        assert_eq!(detail(&PROJECT, json!({"name": ""})), "Invalid input for field 'name': '' is too short");
        assert_eq!(
            detail(&PROJECT, json!({"name": "a".repeat(65)})),
            format!("Invalid input for field 'name': '{}' is too long", "a".repeat(65))
        );
        assert_eq!(detail(&PROJECT, json!({"name": "  "})), r"Invalid input for field 'name': '  ' does not match '[\\S]+'");
        assert_eq!(
            detail(&PROJECT, json!({"enabled": "yes", "name": "x"})),
            "Invalid input for field 'enabled': 'yes' is not of type 'boolean'"
        );
        assert_eq!(
            detail(&PROJECT, json!({"description": 5, "name": "x"})),
            "Invalid input for field 'description': 5 is not of type 'string', 'null'"
        );
        assert_eq!(
            detail(&PROJECT, json!({"tags": ["a", "b/c"], "name": "x"})),
            "Invalid input for field 'tags/1': 'b/c' does not match '^[^,/]*$'"
        );
        assert_eq!(
            detail(&PROJECT, json!({"tags": ["a", "a"], "name": "x"})),
            "Invalid input for field 'tags': ['a', 'a'] has non-unique elements"
        );
    }

    #[test]
    fn root_failures_have_no_field() {
        assert_eq!(detail(&PROJECT, json!({})), "'name' is a required property");
        assert_eq!(detail(&PROJECT, json!([1])), "[1] is not of type 'object'");
        let strict = Schema { props: &[("password", DESCRIPTION)], required: &[], min_properties: 1, additional: false };
        assert_eq!(detail(&strict, json!({})), "{} does not have enough properties");
        assert_eq!(detail(&strict, json!({"x": 1})), "Additional properties are not allowed ('x' was unexpected)");
    }

    #[test]
    fn properties_are_checked_in_the_schemas_order() {
        // `enabled` comes before `name` in the schema, whatever the body's order.
        let v: Value = serde_json::from_str(r#"{"name": "", "enabled": 1}"#).unwrap();
        assert_eq!(check(&PROJECT, &v).unwrap_err().path, "enabled");
    }

    #[test]
    fn options_allow_only_their_names() {
        assert!(check_ty(&PROJECT_OPTIONS, &json!({"immutable": null}), "options").is_ok());
        let e = check_ty(&PROJECT_OPTIONS, &json!({"frozen": true}), "options").unwrap_err();
        assert_eq!(e.detail(), "Invalid input for field 'options': Additional properties are not allowed ('frozen' was unexpected)");
        let e = check_ty(&USER_OPTIONS, &json!({"multi_factor_auth_rules": [[]]}), "options").unwrap_err();
        assert_eq!(e.path, "options/multi_factor_auth_rules/0");
    }

    #[test]
    fn python_repr_quotes_as_python_does() {
        assert_eq!(repr(&json!("it's")), "\"it's\"");
        assert_eq!(repr(&json!({"a": [true, null]})), "{'a': [True, None]}");
        assert_eq!(repr(&json!("a\u{202e}\u{0}")), "'a\\u202e\\x00'");
    }
}
