//! The `mysql` client in a galera-bundle replica: its options, the statements of `-e`, the `SHOW
//! STATUS|VARIABLES` it answers (from `galera.rs`) and its table, tab and vertical layouts.

use super::facts::replica;
use super::galera::{wsrep_status, wsrep_variables};
use crate::shell::output::Output;
use crate::world::World;
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Table,
    Tabs,
    Vertical,
}

pub(super) fn mysql(w: &World, node: &str, args: &[String]) -> Output {
    let mut sql: Option<String> = None;
    let (mut batch, mut silent, mut no_header, mut table, mut vertical) = (false, 0, false, false, false);
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(long) = a.strip_prefix("--") {
            let (key, value) = long.split_once('=').map_or((long, None), |(k, v)| (k, Some(v.to_string())));
            match key {
                "execute" => {
                    sql = value.or_else(|| {
                        i += 1;
                        args.get(i).cloned()
                    });
                    if sql.is_none() {
                        return Output::fail(1, "mysql: option '--execute' requires an argument\n");
                    }
                }
                "batch" => batch = true,
                "silent" => silent += 1,
                "skip-column-names" => no_header = true,
                "table" => table = true,
                "vertical" => vertical = true,
                "raw" | "verbose" | "no-auto-rehash" | "skip-auto-rehash" | "unbuffered" | "password" | "column-names" => {}
                "user" | "host" | "port" | "socket" | "database" | "defaults-file" | "defaults-extra-file" | "protocol" => {
                    if value.is_none() {
                        i += 1;
                    }
                }
                _ => return Output::fail(7, format!("mysql: unknown option '--{key}'\n")),
            }
        } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            let chars: Vec<char> = short.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                match chars[j] {
                    'B' => batch = true,
                    'N' => no_header = true,
                    's' => silent += 1,
                    't' => table = true,
                    'E' => vertical = true,
                    'r' | 'v' | 'A' | 'n' | 'q' | 'w' => {}
                    c @ ('e' | 'u' | 'h' | 'P' | 'S' | 'D') => {
                        let rest: String = chars[j + 1..].iter().collect();
                        let value = if rest.is_empty() {
                            i += 1;
                            args.get(i).cloned()
                        } else {
                            Some(rest)
                        };
                        if c == 'e' {
                            if value.is_none() {
                                return Output::fail(1, "mysql: option '-e' requires an argument\n");
                            }
                            sql = value;
                        }
                        break;
                    }
                    'p' => break,
                    c => return Output::fail(7, format!("mysql: unknown option '-{c}'\n")),
                }
                j += 1;
            }
        }
        i += 1;
    }
    let Some(sql) = sql else {
        return Output::fail(1, "fakecloud: no interactive mysql sessions; give the SQL with -e \"...\"\n");
    };
    let o = &w.overcloud;
    let g = o.galera.get(node);
    let stopped = replica(o, "galera-bundle", node).is_some_and(|r| r.role == "Stopped");
    if g.is_none_or(|g| !g.running) || stopped {
        return Output::fail(1, "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/lib/mysql/mysql.sock' (2)\n");
    }
    let layout = if vertical {
        Layout::Vertical
    } else if table || !(batch || silent > 0) {
        Layout::Table
    } else {
        Layout::Tabs
    };
    let header = !(no_header || silent >= 2);
    let mut out = Output::default();
    for (line, stmt) in statements(&sql) {
        let rows = match query(w, node, &stmt) {
            Ok(rows) => rows,
            Err(e) => {
                out.stderr = format!("{}\n", e.replace("{line}", &line.to_string()));
                out.status = 1;
                return out;
            }
        };
        out.stdout.push_str(&render(&rows, layout, header));
    }
    out
}

/// The statements of an `-e` string, split at `;` outside quotes, with the line each starts on.
fn statements(sql: &str) -> Vec<(usize, String)> {
    let mut out = vec![];
    let (mut cur, mut quote, mut line, mut start_line) = (String::new(), None::<char>, 1, 1);
    for ch in sql.chars() {
        match (quote, ch) {
            (None, ';') => {
                if !cur.trim().is_empty() {
                    out.push((start_line, cur.trim().to_string()));
                }
                cur.clear();
                start_line = line;
                continue;
            }
            (None, '\'' | '"' | '`') => quote = Some(ch),
            (Some(q), c) if q == c => quote = None,
            _ => {}
        }
        if ch == '\n' {
            line += 1;
        }
        if cur.trim().is_empty() {
            start_line = line;
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push((start_line, cur.trim().to_string()));
    }
    out
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Punct(char),
}

fn tokens(s: &str) -> Vec<(usize, Tok)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let mut v = String::new();
            i += 1;
            while i < chars.len() && chars[i].1 != c {
                if chars[i].1 == '\\' && i + 1 < chars.len() {
                    i += 1;
                    // Keep the escape: LIKE patterns use `\_` and `\%`.
                    if chars[i].1 == '_' || chars[i].1 == '%' {
                        v.push('\\');
                    }
                }
                v.push(chars[i].1);
                i += 1;
            }
            i += 1;
            out.push((pos, Tok::Str(v)));
        } else if c.is_alphanumeric() || c == '_' || c == '@' || c == '`' {
            let mut v = String::new();
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_' || chars[i].1 == '@' || chars[i].1 == '`') {
                if chars[i].1 != '`' {
                    v.push(chars[i].1);
                }
                i += 1;
            }
            out.push((pos, Tok::Word(v)));
        } else {
            out.push((pos, Tok::Punct(c)));
            i += 1;
        }
    }
    out
}

/// SQL LIKE, case-insensitive, with `%`, `_` and backslash escapes.
fn like(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let s: Vec<char> = s.to_lowercase().chars().collect();
    fn go(p: &[char], s: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('%') => (0..=s.len()).any(|k| go(&p[1..], &s[k..])),
            Some('_') => !s.is_empty() && go(&p[1..], &s[1..]),
            Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && go(&p[2..], &s[1..]),
            Some(c) => s.first() == Some(c) && go(&p[1..], &s[1..]),
        }
    }
    go(&p, &s)
}

fn syntax_error(stmt: &str, pos: usize) -> String {
    let near: String = stmt.get(pos..).unwrap_or("").chars().take(80).collect();
    format!("ERROR 1064 (42000) at line {{line}}: You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '{near}' at line 1")
}

/// Runs one statement: `SHOW [GLOBAL|SESSION] STATUS|VARIABLES [LIKE 'p' | WHERE Variable_name
/// (= 'x' | LIKE 'p' | IN ('x', ...))]`.
fn query(w: &World, node: &str, stmt: &str) -> Result<Vec<(String, String)>, String> {
    let toks = tokens(stmt);
    let word = |i: usize| match toks.get(i) {
        Some((_, Tok::Word(v))) => Some(v.to_ascii_uppercase()),
        _ => None,
    };
    let at = |i: usize| toks.get(i).map_or(stmt.len(), |(p, _)| *p);
    if word(0).as_deref() != Some("SHOW") {
        return Err(syntax_error(stmt, 0));
    }
    let mut i = 1;
    if matches!(word(i).as_deref(), Some("GLOBAL" | "SESSION" | "LOCAL")) {
        i += 1;
    }
    let rows = match word(i).as_deref() {
        Some("STATUS") => wsrep_status(w, node),
        Some("VARIABLES") => wsrep_variables(&w.overcloud, node),
        _ => return Err(syntax_error(stmt, at(i))),
    };
    i += 1;
    let keep: Box<dyn Fn(&str) -> bool> = match word(i).as_deref() {
        None => Box::new(|_| true),
        Some("LIKE") => match toks.get(i + 1) {
            Some((_, Tok::Str(p))) => {
                let p = p.clone();
                i += 2;
                Box::new(move |n| like(&p, n))
            }
            _ => return Err(syntax_error(stmt, at(i + 1))),
        },
        Some("WHERE") => {
            match word(i + 1) {
                Some(c) if c == "VARIABLE_NAME" => {}
                Some(_) => {
                    let col = match &toks[i + 1].1 {
                        Tok::Word(v) => v.clone(),
                        _ => String::new(),
                    };
                    return Err(format!("ERROR 1054 (42S22) at line {{line}}: Unknown column '{col}' in 'where clause'"));
                }
                None => return Err(syntax_error(stmt, at(i + 1))),
            }
            match (toks.get(i + 2).map(|t| &t.1), toks.get(i + 3).map(|t| &t.1)) {
                (Some(Tok::Punct('=')), Some(Tok::Str(v))) => {
                    let v = v.to_lowercase();
                    i += 4;
                    Box::new(move |n| n.to_lowercase() == v)
                }
                (Some(Tok::Word(op)), Some(Tok::Str(p))) if op.eq_ignore_ascii_case("like") => {
                    let p = p.clone();
                    i += 4;
                    Box::new(move |n| like(&p, n))
                }
                (Some(Tok::Word(op)), Some(Tok::Punct('('))) if op.eq_ignore_ascii_case("in") => {
                    let mut names = vec![];
                    let mut k = i + 4;
                    loop {
                        match toks.get(k).map(|t| &t.1) {
                            Some(Tok::Str(v)) => names.push(v.to_lowercase()),
                            _ => return Err(syntax_error(stmt, at(k))),
                        }
                        match toks.get(k + 1).map(|t| &t.1) {
                            Some(Tok::Punct(',')) => k += 2,
                            Some(Tok::Punct(')')) => break,
                            _ => return Err(syntax_error(stmt, at(k + 1))),
                        }
                    }
                    i = k + 2;
                    Box::new(move |n| names.contains(&n.to_lowercase()))
                }
                _ => return Err(syntax_error(stmt, at(i + 2))),
            }
        }
        Some(_) => return Err(syntax_error(stmt, at(i))),
    };
    if i < toks.len() {
        return Err(syntax_error(stmt, at(i)));
    }
    Ok(rows.into_iter().filter(|(n, _)| keep(n)).collect())
}

fn render(rows: &[(String, String)], layout: Layout, header: bool) -> String {
    const HEAD: (&str, &str) = ("Variable_name", "Value");
    let mut out = String::new();
    if rows.is_empty() {
        return out;
    }
    match layout {
        Layout::Tabs => {
            if header {
                let _ = writeln!(out, "{}\t{}", HEAD.0, HEAD.1);
            }
            for (n, v) in rows {
                let _ = writeln!(out, "{n}\t{v}");
            }
        }
        Layout::Vertical => {
            for (k, (n, v)) in rows.iter().enumerate() {
                let _ = writeln!(out, "*************************** {}. row ***************************", k + 1);
                let _ = writeln!(out, "{}: {n}", HEAD.0);
                let _ = writeln!(out, "{:>13}: {v}", HEAD.1);
            }
        }
        Layout::Table => {
            let w0 = rows.iter().map(|r| r.0.chars().count()).chain([HEAD.0.len()]).max().unwrap_or(0);
            let w1 = rows.iter().map(|r| r.1.chars().count()).chain([HEAD.1.len()]).max().unwrap_or(0);
            let rule = format!("+{}+{}+\n", "-".repeat(w0 + 2), "-".repeat(w1 + 2));
            out.push_str(&rule);
            if header {
                let _ = writeln!(out, "| {:<w0$} | {:<w1$} |", HEAD.0, HEAD.1);
                out.push_str(&rule);
            }
            for (n, v) in rows {
                let _ = writeln!(out, "| {n:<w0$} | {v:<w1$} |");
            }
            out.push_str(&rule);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;

    #[test]
    fn galera_wsrep_status_forms() {
        let mut w = world();
        let table = ok(&mut w, "controller-0", "galera-bundle", WSREP);
        insta::assert_snapshot!("galera_wsrep_table", table);
        insta::assert_snapshot!(
            "galera_wsrep_batch",
            ok(&mut w, "controller-0", "galera-bundle", "mysql -B -e \"show global status like 'wsrep_%'\"")
        );
        insta::assert_snapshot!(
            "galera_wsrep_silent",
            ok(&mut w, "controller-0", "galera-bundle", "mysql -N -s -e \"SHOW STATUS LIKE 'wsrep_cluster%'\"")
        );
        let same = ok(&mut w, "controller-0", "galera-bundle", "mysql -e \"SHOW STATUS LIKE 'wsrep_%';\"");
        assert_eq!(same, table);
        let one = ok(
            &mut w,
            "controller-0",
            "galera-bundle",
            "mysql -BN -e \"SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_ready')\"",
        );
        assert_eq!(one, "wsrep_cluster_size\t3\nwsrep_ready\tON\n");
        let vertical = ok(&mut w, "controller-0", "galera-bundle", "mysql -E -e \"SHOW STATUS LIKE 'wsrep_local_state_comment'\"");
        assert_eq!(vertical, "*************************** 1. row ***************************\nVariable_name: wsrep_local_state_comment\n        Value: Synced\n");
        let vars = ok(&mut w, "controller-0", "galera-bundle", "mysql -B -N -e \"show variables like 'wsrep_cluster_address'\"");
        assert!(vars.starts_with("wsrep_cluster_address\tgcomm://controller-0.internalapi.localdomain,"), "{vars}");
    }
}
