//! The library's modules form no import cycle. Every file of `fakecloud/src` is a node; an edge
//! runs from a file to each file whose items it names (through `use`, or a path starting with
//! `crate::`, `super::` or `self::`). A path is followed through re-exports (`pub use`) to the file
//! that defines the item, so a folder's `mod.rs` that re-exports its model is not mistaken for the
//! model. Test modules (`#[cfg(test)]`) are left out: a test may reach anything.
//!
//! Why it matters: the layers are meant to point one way (simulation core, then each service's
//! model, then the cross-service flows and the world, then the HTTP handlers, then the server). A
//! cycle means two rooms can only be understood, tested or moved together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

type ModPath = Vec<String>;

/// One source file: its module path, the items it defines, and what it names.
#[derive(Default)]
struct FileInfo {
    file: String,
    children: BTreeSet<String>,
    defines: BTreeSet<String>,
    /// `pub use` re-exports: local name -> absolute path it stands for.
    reexports: BTreeMap<String, ModPath>,
    /// `pub use path::*`: modules whose items this module re-exports.
    glob_reexports: Vec<ModPath>,
    /// Absolute paths named (items or modules), from `use` and qualified paths.
    refs: Vec<ModPath>,
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.meta.require_list().map(|l| l.tokens.to_string().replace(' ', "") == "test").unwrap_or(false)
    })
}

/// Turns a path's leading `crate`/`self`/`super`/child-module segments into an absolute module path;
/// `None` for a path into another crate or a local name.
fn absolute(module: &ModPath, children: &BTreeSet<String>, segs: &[String]) -> Option<ModPath> {
    let first = segs.first()?;
    match first.as_str() {
        "crate" => Some(segs[1..].to_vec()),
        "self" => Some(module.iter().cloned().chain(segs[1..].iter().cloned()).collect()),
        "super" => {
            let mut base = module.clone();
            let mut rest = segs;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
            Some(base.into_iter().chain(rest.iter().cloned()).collect())
        }
        name if children.contains(name) => Some(module.iter().cloned().chain(segs.iter().cloned()).collect()),
        _ => None,
    }
}

/// Flattens a use tree into (path, is_glob) pairs; renames keep the original path.
fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, Option<String>, bool)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut full = prefix.clone();
            if name != "self" {
                full.push(name.clone());
            }
            let local = if name == "self" { prefix.last().cloned() } else { Some(name) };
            out.push((full, local, false));
        }
        syn::UseTree::Rename(r) => {
            let mut full = prefix.clone();
            full.push(r.ident.to_string());
            out.push((full, Some(r.rename.to_string()), false));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), None, true)),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| flatten(t, prefix, out)),
    }
}

struct PathCollector<'a> {
    module: &'a ModPath,
    children: &'a BTreeSet<String>,
    refs: Vec<ModPath>,
}

impl<'ast> Visit<'ast> for PathCollector<'_> {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if segs.len() > 1 {
            if let Some(abs) = absolute(self.module, self.children, &segs) {
                self.refs.push(abs);
            }
        }
        syn::visit::visit_path(self, p);
    }
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_cfg_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_cfg_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}
}

fn module_path(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn read_modules(src: &Path) -> BTreeMap<ModPath, FileInfo> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut modules = BTreeMap::new();
    for path in files {
        // The binary is its own crate, a client of the library.
        if path == src.join("main.rs") {
            continue;
        }
        let module = module_path(src, &path);
        let text = std::fs::read_to_string(&path).unwrap();
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut info = FileInfo { file: path.strip_prefix(src).unwrap().display().to_string(), ..Default::default() };
        for item in &ast.items {
            if let syn::Item::Mod(m) = item {
                if !is_cfg_test(&m.attrs) {
                    info.children.insert(m.ident.to_string());
                }
            }
        }
        for item in &ast.items {
            let name = match item {
                syn::Item::Const(i) => Some(i.ident.to_string()),
                syn::Item::Enum(i) => Some(i.ident.to_string()),
                syn::Item::Fn(i) => Some(i.sig.ident.to_string()),
                syn::Item::Static(i) => Some(i.ident.to_string()),
                syn::Item::Struct(i) => Some(i.ident.to_string()),
                syn::Item::Trait(i) => Some(i.ident.to_string()),
                syn::Item::Type(i) => Some(i.ident.to_string()),
                syn::Item::Macro(i) => i.ident.as_ref().map(|i| i.to_string()),
                _ => None,
            };
            if let Some(n) = name {
                info.defines.insert(n);
            }
            if let syn::Item::Use(u) = item {
                if is_cfg_test(&u.attrs) {
                    continue;
                }
                let public = !matches!(u.vis, syn::Visibility::Inherited);
                let mut flat = Vec::new();
                flatten(&u.tree, &mut Vec::new(), &mut flat);
                for (segs, local, glob) in flat {
                    let Some(abs) = absolute(&module, &info.children, &segs) else { continue };
                    if public {
                        match (glob, local) {
                            (true, _) => info.glob_reexports.push(abs.clone()),
                            (false, Some(l)) => {
                                info.reexports.insert(l, abs.clone());
                            }
                            _ => {}
                        }
                    }
                    info.refs.push(abs);
                }
            }
        }
        let mut collector = PathCollector { module: &module, children: &info.children, refs: Vec::new() };
        collector.visit_file(&ast);
        info.refs.extend(collector.refs);
        modules.insert(module, info);
    }
    modules
}

/// The module path of the file that defines what `path` names.
fn resolve(modules: &BTreeMap<ModPath, FileInfo>, path: &ModPath, depth: usize) -> Option<ModPath> {
    // The longest prefix that is a module file.
    let mut n = path.len();
    while n > 0 && !modules.contains_key(&path[..n].to_vec()) {
        n -= 1;
    }
    let module = path[..n].to_vec();
    let info = modules.get(&module)?;
    let Some(item) = path.get(n) else { return Some(module) };
    if depth > 8 || info.defines.contains(item) {
        return Some(module);
    }
    if let Some(target) = info.reexports.get(item) {
        let target: ModPath = target.iter().cloned().chain(path[n + 1..].iter().cloned()).collect();
        return resolve(modules, &target, depth + 1).or(Some(module));
    }
    for glob in &info.glob_reexports {
        let target: ModPath = glob.iter().cloned().chain(path[n..].iter().cloned()).collect();
        if let Some(found) = resolve(modules, &target, depth + 1) {
            if modules[&found].defines.contains(path.last().unwrap()) {
                return Some(found);
            }
        }
    }
    Some(module)
}

/// Strongly connected components of more than one file (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    impl<'a> T<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let l = self.low[w.as_str()].min(self.low[v]);
                    self.low.insert(v, l);
                } else if self.on.contains(w.as_str()) {
                    let l = self.index[w.as_str()].min(self.low[v]);
                    self.low.insert(v, l);
                }
            }
            if self.low[v] == self.index[v] {
                let mut scc = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    scc.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 {
                    scc.sort();
                    self.out.push(scc);
                }
            }
        }
    }
    let mut t = T { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), out: Vec::new() };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out
}

fn import_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = read_modules(src);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for info in modules.values() {
        let from = edges.entry(info.file.clone()).or_default();
        for r in &info.refs {
            if let Some(target) = resolve(&modules, r, 0) {
                let to = &modules[&target].file;
                if *to != info.file {
                    from.insert(to.clone());
                }
            }
        }
    }
    edges
}

#[test]
fn the_library_modules_import_each_other_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = import_graph(&src);
    let found = cycles(&edges);
    let report: Vec<String> = found
        .iter()
        .map(|scc| {
            let members: BTreeSet<&String> = scc.iter().collect();
            let inside: Vec<String> =
                scc.iter().flat_map(|f| edges[f].iter().filter(|t| members.contains(t)).map(move |t| format!("    {f} -> {t}"))).collect();
            format!("cycle through {} files:\n{}", scc.len(), inside.join("\n"))
        })
        .collect();
    assert!(found.is_empty(), "{}", report.join("\n"));
}

#[test]
fn the_checker_sees_a_cycle_through_a_reexport() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("a")).unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod a;\npub mod b;\n").unwrap();
    std::fs::write(src.join("a/mod.rs"), "pub mod model;\npub use model::Thing;\n").unwrap();
    std::fs::write(src.join("a/model.rs"), "pub struct Thing;\npub fn f() { crate::b::g(); }\n").unwrap();
    std::fs::write(src.join("b.rs"), "use crate::a::Thing;\npub fn g() {}\n").unwrap();
    assert_eq!(cycles(&import_graph(src)), vec![vec!["a/model.rs".to_string(), "b.rs".to_string()]]);
    // The same files without the call back: no cycle, although b names a item re-exported by a's mod.rs.
    std::fs::write(src.join("a/model.rs"), "pub struct Thing;\n").unwrap();
    assert!(cycles(&import_graph(src)).is_empty());
    assert_eq!(import_graph(src)["b.rs"], BTreeSet::from(["a/model.rs".to_string()]));
}
