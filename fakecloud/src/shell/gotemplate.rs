//! Go templates for `--format`, rendered with the gtmpl crate over JSON data, with the functions
//! docker adds to Go's builtins: json, join, lower, upper, split, title, truncate.

use gtmpl::{Context, Template, Value};
use gtmpl_value::{FuncError, Number};
use std::collections::HashMap;

/// Renders `text` over `data`; an error reads as docker prints it (`template: ...`).
pub fn render(text: &str, data: &serde_json::Value) -> Result<String, String> {
    let mut t = Template::default();
    t.add_funcs(&[
        ("json", json as gtmpl::Func),
        ("join", join as gtmpl::Func),
        ("lower", lower as gtmpl::Func),
        ("upper", upper as gtmpl::Func),
        ("split", split as gtmpl::Func),
        ("title", title as gtmpl::Func),
        ("truncate", truncate as gtmpl::Func),
    ]);
    t.parse(text).map_err(|e| format!("template parsing error: {e}"))?;
    t.render(&Context::from(to_value(data))).map_err(|e| format!("template: {e}"))
}

pub fn to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Number(Number::from(i)),
            (None, Some(f)) => Value::Number(Number::from(f)),
            _ => Value::Nil,
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(to_value).collect()),
        serde_json::Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect::<HashMap<_, _>>()),
    }
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::NoValue | Value::Nil | Value::Function(_) => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Number(n) => {
            n.as_i64().map(serde_json::Value::from).or_else(|| n.as_f64().map(serde_json::Value::from)).unwrap_or(serde_json::Value::Null)
        }
        Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
        Value::Object(o) | Value::Map(o) => serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

fn arg_str(args: &[Value], i: usize) -> Result<String, FuncError> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(FuncError::UnableToConvertFromValue),
    }
}

fn json(args: &[Value]) -> Result<Value, FuncError> {
    let v = args.first().ok_or_else(|| FuncError::ExactlyXArgs("json".into(), 1))?;
    Ok(Value::String(serde_json::to_string(&to_json(v)).unwrap_or_default()))
}

fn join(args: &[Value]) -> Result<Value, FuncError> {
    let (Some(Value::Array(items)), Some(_)) = (args.first(), args.get(1)) else { return Err(FuncError::ExactlyXArgs("join".into(), 2)) };
    let sep = arg_str(args, 1)?;
    Ok(Value::String(items.iter().map(|i| if let Value::String(s) = i { s.clone() } else { i.to_string() }).collect::<Vec<_>>().join(&sep)))
}

fn lower(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::String(arg_str(args, 0)?.to_lowercase()))
}

fn upper(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::String(arg_str(args, 0)?.to_uppercase()))
}

fn split(args: &[Value]) -> Result<Value, FuncError> {
    let (s, sep) = (arg_str(args, 0)?, arg_str(args, 1)?);
    Ok(Value::Array(s.split(sep.as_str()).map(|p| Value::String(p.into())).collect()))
}

fn title(args: &[Value]) -> Result<Value, FuncError> {
    let s = arg_str(args, 0)?;
    let mut c = s.chars();
    Ok(Value::String(c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()))
}

fn truncate(args: &[Value]) -> Result<Value, FuncError> {
    let s = arg_str(args, 0)?;
    let n = match args.get(1) {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0) as usize,
        _ => return Err(FuncError::ExactlyXArgs("truncate".into(), 2)),
    };
    Ok(Value::String(s.chars().take(n).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_docker_run_line_renders_from_env_and_mounts() {
        let data = json!({"Config": {"Env": ["A=1", "B=2"], "Image": "img"}, "Mounts": [{"Source": "/s", "Destination": "/d", "Mode": "ro"}, {"Source": "/x", "Destination": "/y", "Mode": ""}]});
        let t = r#"{{range .Config.Env}} -e "{{.}}" {{end}} {{range .Mounts}} -v {{.Source}}:{{.Destination}}{{if .Mode}}:{{.Mode}}{{end}}{{end}} -ti {{.Config.Image}}"#;
        assert_eq!(render(t, &data).unwrap(), r#" -e "A=1"  -e "B=2"   -v /s:/d:ro -v /x:/y -ti img"#);
        assert_eq!(render("{{json .Config.Env}}", &data).unwrap(), r#"["A=1","B=2"]"#);
        assert_eq!(render("{{join .Config.Env \",\"}}", &data).unwrap(), "A=1,B=2");
        assert!(render("{{.Config.Env", &data).unwrap_err().starts_with("template"));
    }
}
