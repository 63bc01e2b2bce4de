//! Guards the layering of `src/`: the pure layers must not reach for web APIs, so their rules
//! stay testable with plain `cargo test`; and no file, and no top-level module, depends on itself
//! through others, so each layer can be read, tested and changed from the bottom up.
//!
//! The circle check reads the crate's own paths (`use crate::…`, `use super::…`, grouped
//! `use crate::{a, b::c}` trees, and paths such as `crate::x::y(…)` written inline in code), follows
//! re-exports to the file that defines the item, and fails on any strongly connected set of files
//! or of top-level modules. It is a function over a source root ([`import_circles`]), so another
//! crate of this workspace can be held to the same rule.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const EFFECT_CRATES: [&str; 5] = ["leptos", "web_sys", "gloo", "wasm_bindgen", "js_sys"];

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path, found: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), found);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        found.push(path.to_path_buf());
    }
}

/// The modules `lib.rs` declares for every target: everything but the browser-only shell and UI,
/// which `lib.rs` compiles for wasm32 alone. These are the pure layers.
fn pure_modules() -> Vec<String> {
    let tokens = lex(&std::fs::read_to_string(source_root().join("lib.rs")).unwrap());
    let mut pure = Vec::new();
    let mut wasm_only = false;
    for (at, token) in tokens.iter().enumerate() {
        match &token.kind {
            Kind::Str(word) if word == "wasm32" => wasm_only = true,
            Kind::Ident(word) if word == "mod" => {
                if let Some(Token {
                    kind: Kind::Ident(name),
                    ..
                }) = tokens.get(at + 1)
                {
                    if !wasm_only {
                        pure.push(name.clone());
                    }
                }
                wasm_only = false;
            }
            _ => {}
        }
    }
    pure
}

#[test]
fn pure_layers_do_not_use_browser_or_ui_crates() {
    let root = source_root();
    let mut files = Vec::new();
    for module in pure_modules() {
        rust_files(&root.join(format!("{module}.rs")), &mut files);
        rust_files(&root.join(&module), &mut files);
    }
    assert!(
        files.len() > 10,
        "the pure layers were not found: {files:?}"
    );
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for krate in EFFECT_CRATES {
                if line.contains(&format!("{krate}::")) {
                    offences.push(format!(
                        "{}:{}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "pure layers use effect crates:\n{}",
        offences.join("\n")
    );
}

// The guard above takes the pure layers from `lib.rs`'s declarations; this keeps the crate's own
// description of them (the first sentence of its documentation) from drifting away from that.
#[test]
fn lib_rs_names_exactly_the_modules_it_compiles_for_every_target_as_pure() {
    let text = std::fs::read_to_string(source_root().join("lib.rs")).unwrap();
    let start = text
        .find("The pure layers (")
        .expect("lib.rs names its pure layers")
        + 17;
    let end = start + text[start..].find(')').unwrap();
    let named: BTreeSet<String> = text[start..end]
        .split(',')
        .map(|name| name.replace("//!", "").trim().trim_matches('`').to_string())
        .collect();
    let declared: BTreeSet<String> = pure_modules().into_iter().collect();
    assert_eq!(named, declared);
}

// The planner (`fhir`) and the view models (`summary`) both read the clinical code table; it
// stays below both only while it imports nothing from the crate.
#[test]
fn the_clinical_code_table_imports_nothing_from_the_crate() {
    let graph = ImportGraph::read(&source_root());
    let table = source_root().join("clinical_codes.rs");
    let imports: Vec<&Edge> = graph.edges.iter().filter(|e| e.from == table).collect();
    assert!(imports.is_empty(), "clinical_codes imports {imports:?}");
}

#[test]
fn no_file_in_src_depends_on_itself_through_other_files() {
    let circles = import_circles(&source_root());
    assert!(
        circles.files.is_empty(),
        "import circles between files:\n{}",
        circles.files.join("\n")
    );
}

#[test]
fn no_top_level_module_in_src_depends_on_itself_through_other_modules() {
    let circles = import_circles(&source_root());
    assert!(
        circles.modules.is_empty(),
        "import circles between top-level modules:\n{}",
        circles.modules.join("\n")
    );
}

// The reader above must see every form of path the crate writes, or it passes by not looking.
// These small crates hold known circles (and known non-circles) in each form.

#[test]
fn a_circle_through_grouped_use_trees_and_inline_paths_is_found() {
    let circles = import_circles(&fixture(
        "grouped",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            (
                "a.rs",
                "use crate::{c, b::{self as bee, Thing}};\npub fn f() {}\n",
            ),
            ("b.rs", "pub struct Thing;\npub fn g() { crate::a::f() }\n"),
            ("c.rs", "pub fn h() {}\n"),
        ],
    ));
    assert_eq!(circles.files, ["a.rs -> b.rs -> a.rs"]);
    assert_eq!(circles.modules, ["a -> b -> a"]);
}

#[test]
fn a_circle_between_sibling_files_through_super_is_found_but_is_no_module_circle() {
    let circles = import_circles(&fixture(
        "siblings",
        &[
            ("lib.rs", "pub mod m;\n"),
            ("m/mod.rs", "pub mod x;\npub mod y;\n"),
            ("m/x.rs", "use super::y::Y;\npub struct X;\n"),
            (
                "m/y.rs",
                "pub struct Y;\nfn f() -> super::super::m::x::X { todo!() }\n",
            ),
        ],
    ));
    assert_eq!(circles.files, ["m/x.rs -> m/y.rs -> m/x.rs"]);
    assert!(circles.modules.is_empty(), "{:?}", circles.modules);
}

#[test]
fn a_circle_through_a_re_export_reaches_the_defining_file() {
    let circles = import_circles(&fixture(
        "reexport",
        &[
            ("lib.rs", "pub mod low;\npub mod high;\n"),
            ("low/mod.rs", "mod inner;\npub use inner::Thing;\n"),
            ("low/inner.rs", "use crate::high::Top;\npub struct Thing;\n"),
            (
                "high.rs",
                "use crate::low::Thing;\npub struct Top(Thing);\n",
            ),
        ],
    ));
    assert_eq!(circles.files, ["high.rs -> low/inner.rs -> high.rs"]);
    assert_eq!(circles.modules, ["high -> low -> high"]);
}

#[test]
fn a_circle_through_a_module_imported_by_name_and_used_inline_is_found() {
    let circles = import_circles(&fixture(
        "by-name",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\n"),
            ("a.rs", "use crate::b;\npub fn f() { b::g() }\n"),
            ("b/mod.rs", "mod inner;\npub use inner::g;\n"),
            ("b/inner.rs", "pub fn g() { super::super::a::f() }\n"),
        ],
    ));
    assert_eq!(circles.files, ["a.rs -> b/inner.rs -> a.rs"]);
    assert_eq!(circles.modules, ["a -> b -> a"]);
}

#[test]
fn comments_strings_tests_modules_and_path_attributes_make_no_circle() {
    let circles = import_circles(&fixture(
        "quiet",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\n"),
            (
                "a.rs",
                "use crate::b::B;\npub struct A;\n\
                 #[cfg(test)]\n#[path = \"a_tests.rs\"]\nmod tests;\n",
            ),
            ("a_tests.rs", "use super::*;\nuse crate::b::B;\n"),
            (
                "b.rs",
                "// crate::a::A in a comment\n/* crate::a::A /* nested */ */\n\
                 pub struct B;\nconst S: &str = \"crate::a::A\";\nconst R: &str = r#\"crate::a\"#;\n\
                 fn lifetime<'a>(x: &'a str) -> char { let _ = x; '\"' }\n\
                 #[cfg(test)]\nmod tests {\n    use super::*;\n    fn t() { let _ = B; }\n}\n",
            ),
        ],
    ));
    assert!(circles.files.is_empty(), "{:?}", circles.files);
    assert!(circles.modules.is_empty(), "{:?}", circles.modules);
}

/// Writes a small crate into a fresh temporary directory and returns its source root.
fn fixture(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("bedside-layers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

/// The circles of one crate, each written as `a -> b -> … -> a`.
#[derive(Debug)]
struct Circles {
    /// Between files, named relative to the source root.
    files: Vec<String>,
    /// Between top-level modules (the children of `lib.rs`).
    modules: Vec<String>,
}

/// Every import circle in the crate whose root is `src/lib.rs` under `source_root`.
fn import_circles(source_root: &Path) -> Circles {
    let graph = ImportGraph::read(source_root);
    let name = |file: &PathBuf| {
        file.strip_prefix(source_root)
            .unwrap_or(file)
            .display()
            .to_string()
    };
    let file_edges: BTreeSet<(String, String)> = graph
        .edges
        .iter()
        .map(|edge| (name(&edge.from), name(&edge.to)))
        .collect();
    let top = |file: &PathBuf| graph.top_level.get(file).cloned().flatten();
    let module_edges: BTreeSet<(String, String)> = graph
        .edges
        .iter()
        .filter_map(|edge| Some((top(&edge.from)?, top(&edge.to)?)))
        .filter(|(from, to)| from != to)
        .collect();
    Circles {
        files: circles(&file_edges),
        modules: circles(&module_edges),
    }
}

/// One shortest circle through each strongly connected set of nodes (of more than one node).
fn circles(edges: &BTreeSet<(String, String)>) -> Vec<String> {
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in edges {
        next.entry(from).or_default().insert(to);
    }
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            for &to in next.get(node).into_iter().flatten() {
                if seen.insert(to) {
                    stack.push(to);
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&str, BTreeSet<&str>> =
        next.keys().map(|&node| (node, reach(node))).collect();
    let mut reported = BTreeSet::new();
    let mut found = Vec::new();
    for (&node, seen) in &reachable {
        if reported.contains(node) || !seen.contains(node) {
            continue;
        }
        let set: BTreeSet<&str> = seen
            .iter()
            .copied()
            .filter(|other| reachable.get(other).is_some_and(|back| back.contains(node)))
            .collect();
        if set.len() < 2 {
            continue;
        }
        reported.extend(set.iter().copied());
        // Breadth-first from `node` back to itself, inside its set.
        let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([node]);
        'search: while let Some(at) = queue.pop_front() {
            for &to in next.get(at).into_iter().flatten() {
                if to == node {
                    parent.insert("", at);
                    break 'search;
                }
                if set.contains(to) && !parent.contains_key(to) {
                    parent.insert(to, at);
                    queue.push_back(to);
                }
            }
        }
        let mut path = vec![node];
        let mut at = parent[""];
        while at != node {
            path.push(at);
            at = parent[at];
        }
        path.push(node);
        path.reverse();
        let mut text = path.join(" -> ");
        if set.len() > path.len() - 1 {
            let set: Vec<&str> = set.into_iter().collect();
            text.push_str(&format!(" (one circle in {{{}}})", set.join(", ")));
        }
        found.push(text);
    }
    found
}

/// The names `use` statements bind, by module, and the crate paths they stand for.
type Bindings = BTreeMap<(Vec<String>, String), Vec<String>>;

/// Which file uses which, read from the crate's own paths.
struct ImportGraph {
    edges: Vec<Edge>,
    /// The top-level module each file belongs to (`None` for the crate root).
    top_level: BTreeMap<PathBuf, Option<String>>,
}

/// One file's use of another, and where.
#[derive(Debug)]
struct Edge {
    from: PathBuf,
    to: PathBuf,
    #[allow(dead_code)] // shown by Debug in failure messages
    line: usize,
}

/// A path written in a file, as segments, with the module it was written in.
struct Written {
    file: PathBuf,
    module: Vec<String>,
    segments: Vec<String>,
    /// The name a `use` binds in `module`, if it binds one.
    binds: Option<String>,
    line: usize,
}

impl ImportGraph {
    fn read(source_root: &Path) -> ImportGraph {
        let mut modules: BTreeMap<Vec<String>, PathBuf> = BTreeMap::new();
        let mut written = Vec::new();
        let mut queue = vec![(source_root.join("lib.rs"), Vec::new(), true)];
        while let Some((file, module, mod_rs)) = queue.pop() {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            modules.insert(module.clone(), file.clone());
            let dir = if mod_rs {
                file.parent().unwrap().to_path_buf()
            } else {
                file.with_extension("")
            };
            read_file(
                &lex(&text),
                &file,
                &module,
                &mut |declared| match declared {
                    Found::Module {
                        path,
                        attribute: Some(relative),
                    } => queue.push((file.parent().unwrap().join(relative), path, true)),
                    Found::Module {
                        path,
                        attribute: None,
                    } => {
                        let name = path.last().unwrap();
                        let flat = dir.join(format!("{name}.rs"));
                        if flat.exists() {
                            queue.push((flat, path, false));
                        } else {
                            queue.push((dir.join(name).join("mod.rs"), path, true));
                        }
                    }
                    Found::Inline(path) => {
                        modules.insert(path, file.clone());
                    }
                    Found::Path(path) => written.push(path),
                },
            );
        }
        // A path's first segment: `crate`, `self`, `super`, a child module, or (for paths in
        // code) a name that a `use` of the same module bound to a path into the crate.
        let absolute = |w: &Written, bindings: &Bindings| -> Option<Vec<String>> {
            let (first, rest) = w.segments.split_first()?;
            let mut path = match first.as_str() {
                "crate" => Vec::new(),
                "self" => w.module.clone(),
                "super" => w.module[..w.module.len().checked_sub(1)?].to_vec(),
                name => {
                    let mut child = w.module.clone();
                    child.push(name.to_string());
                    if modules.contains_key(&child) {
                        child
                    } else {
                        bindings.get(&(w.module.clone(), name.to_string()))?.clone()
                    }
                }
            };
            for segment in rest {
                if segment == "super" {
                    path.pop()?;
                } else {
                    path.push(segment.clone());
                }
            }
            Some(path)
        };
        let mut bindings = Bindings::new();
        for w in &written {
            if let (Some(name), Some(path)) = (&w.binds, absolute(w, &Bindings::new())) {
                bindings.insert((w.module.clone(), name.clone()), path);
            }
        }
        let defining_file = |path: Vec<String>| -> PathBuf {
            let mut path = path;
            for _ in 0..16 {
                let known = (0..=path.len())
                    .rev()
                    .find(|&n| modules.contains_key(&path[..n]))
                    .unwrap_or(0);
                let module = path[..known].to_vec();
                match path
                    .get(known)
                    .and_then(|item| bindings.get(&(module.clone(), item.clone())))
                {
                    Some(target) if *target != path[..=known] => {
                        let mut followed = target.clone();
                        followed.extend_from_slice(&path[known + 1..]);
                        path = followed;
                    }
                    _ => return modules[&module].clone(),
                }
            }
            panic!("re-exports go round in a loop at {path:?}")
        };
        let mut edges = Vec::new();
        for w in &written {
            // A `use` that names a module is no dependency yet: the paths through the name are.
            let names_a_module =
                |path: &Vec<String>| w.binds.is_some() && modules.contains_key(path);
            if let Some(path) = absolute(w, &bindings).filter(|path| !names_a_module(path)) {
                let to = defining_file(path);
                if to != w.file {
                    edges.push(Edge {
                        from: w.file.clone(),
                        to,
                        line: w.line,
                    });
                }
            }
        }
        let top_level = modules
            .iter()
            .map(|(path, file)| (file.clone(), path.first().cloned()))
            .collect();
        ImportGraph { edges, top_level }
    }
}

/// What reading one file finds.
enum Found {
    /// `mod name;`, perhaps with `#[path = "…"]`.
    Module {
        path: Vec<String>,
        attribute: Option<String>,
    },
    /// `mod name { … }`.
    Inline(Vec<String>),
    /// A path into the crate, in a `use` or inline in code.
    Path(Written),
}

fn read_file(tokens: &[Token], file: &Path, module: &[String], found: &mut dyn FnMut(Found)) {
    let mut depth = 0usize;
    // Inline modules open at a brace depth and close with it.
    let mut inline: Vec<(Vec<String>, usize)> = Vec::new();
    let mut path_attribute: Option<String> = None;
    let mut at = 0;
    let ident = |at: usize| match tokens.get(at).map(|t| &t.kind) {
        Some(Kind::Ident(word)) => Some(word.as_str()),
        _ => None,
    };
    let punct = |at: usize, c: char| matches!(tokens.get(at).map(|t| &t.kind), Some(Kind::Punct(p)) if *p == c);
    let path_sep = |at: usize| matches!(tokens.get(at).map(|t| &t.kind), Some(Kind::PathSep));
    while at < tokens.len() {
        let current = inline
            .last()
            .map(|(path, _)| path.clone())
            .unwrap_or_else(|| module.to_vec());
        let line = tokens[at].line;
        match (&tokens[at].kind, ident(at)) {
            (_, Some("path")) if punct(at + 1, '=') && at >= 2 && punct(at - 1, '[') => {
                if let Some(Kind::Str(value)) = tokens.get(at + 2).map(|t| &t.kind) {
                    path_attribute = Some(value.clone());
                }
                at += 3;
            }
            (_, Some("mod")) if ident(at + 1).is_some() => {
                let mut path = current.clone();
                path.push(ident(at + 1).unwrap().to_string());
                if punct(at + 2, '{') {
                    found(Found::Inline(path.clone()));
                    depth += 1;
                    inline.push((path, depth));
                } else {
                    found(Found::Module {
                        path,
                        attribute: path_attribute.take(),
                    });
                }
                at += 3;
            }
            (_, Some("use")) => {
                let mut trees = Vec::new();
                at = use_tree(tokens, at + 1, Vec::new(), &mut trees);
                for (segments, binds) in trees {
                    found(Found::Path(Written {
                        file: file.to_path_buf(),
                        module: current.clone(),
                        segments,
                        binds,
                        line,
                    }));
                }
            }
            (_, Some(first)) if path_sep(at + 1) && ident(at + 2).is_some() => {
                let mut segments = vec![first.to_string()];
                at += 1;
                while path_sep(at) && ident(at + 1).is_some() {
                    segments.push(ident(at + 1).unwrap().to_string());
                    at += 2;
                }
                found(Found::Path(Written {
                    file: file.to_path_buf(),
                    module: current.clone(),
                    segments,
                    binds: None,
                    line,
                }));
            }
            (Kind::Punct('{'), _) => {
                depth += 1;
                at += 1;
            }
            (Kind::Punct('}'), _) => {
                if inline.last().is_some_and(|(_, open)| *open == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                at += 1;
            }
            _ => at += 1,
        }
    }
}

/// Reads one use tree from `at`; pushes each leaf path with the name it binds. Returns the
/// position after the tree.
fn use_tree(
    tokens: &[Token],
    mut at: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) -> usize {
    loop {
        match tokens.get(at).map(|t| &t.kind) {
            Some(Kind::PathSep) => at += 1,
            Some(Kind::Ident(segment)) => {
                prefix.push(segment.clone());
                at += 1;
                if matches!(tokens.get(at).map(|t| &t.kind), Some(Kind::PathSep)) {
                    continue;
                }
                if prefix.last().is_some_and(|last| last == "self") {
                    prefix.pop();
                }
                let mut binds = prefix.last().cloned();
                if matches!(tokens.get(at).map(|t| &t.kind), Some(Kind::Ident(word)) if word == "as")
                {
                    binds = match tokens.get(at + 1).map(|t| &t.kind) {
                        Some(Kind::Ident(name)) if name != "_" => Some(name.clone()),
                        _ => None,
                    };
                    at += 2;
                }
                out.push((prefix, binds));
                return at;
            }
            Some(Kind::Punct('{')) => {
                at += 1;
                loop {
                    match tokens.get(at).map(|t| &t.kind) {
                        Some(Kind::Punct('}')) => return at + 1,
                        Some(Kind::Punct(',')) => at += 1,
                        None => return at,
                        _ => at = use_tree(tokens, at, prefix.clone(), out),
                    }
                }
            }
            Some(Kind::Punct('*')) => {
                out.push((prefix, None));
                return at + 1;
            }
            _ => return at,
        }
    }
}

#[derive(Debug)]
struct Token {
    kind: Kind,
    line: usize,
}

#[derive(Debug)]
enum Kind {
    Ident(String),
    /// A string literal's contents (escapes left as written).
    Str(String),
    PathSep,
    Punct(char),
}

/// Rust source as identifiers, `::`, string literals and punctuation; comments, numbers,
/// character literals and lifetimes dropped.
fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut at = 0;
    let count_lines =
        |from: usize, to: usize| chars[from..to].iter().filter(|&&c| c == '\n').count();
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        let start = at;
        if c == '/' && next == Some('/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut open = 0;
            while at < chars.len() {
                if chars[at] == '/' && chars.get(at + 1) == Some(&'*') {
                    open += 1;
                    at += 2;
                } else if chars[at] == '*' && chars.get(at + 1) == Some(&'/') {
                    open -= 1;
                    at += 2;
                    if open == 0 {
                        break;
                    }
                } else {
                    at += 1;
                }
            }
        } else if let Some((body_start, hashes)) = raw_string_start(&chars, at) {
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            at = body_start;
            while at < chars.len() && !chars[at..].starts_with(&closing) {
                at += 1;
            }
            tokens.push(Token {
                kind: Kind::Str(chars[body_start..at].iter().collect()),
                line,
            });
            at += closing.len();
        } else if c == '"' || (c == 'b' && next == Some('"')) {
            at += if c == 'b' { 2 } else { 1 };
            let body_start = at;
            while at < chars.len() && chars[at] != '"' {
                at += if chars[at] == '\\' { 2 } else { 1 };
            }
            tokens.push(Token {
                kind: Kind::Str(chars[body_start..at.min(chars.len())].iter().collect()),
                line,
            });
            at += 1;
        } else if c == '\'' {
            if next == Some('\\') {
                at += 2;
                while at < chars.len() && chars[at] != '\'' {
                    at += 1;
                }
                at += 1;
            } else if chars.get(at + 2) == Some(&'\'') {
                at += 3;
            } else {
                // A lifetime or label.
                at += 1;
                while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                    at += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            at += 1;
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect();
            let word = word
                .trim_start_matches('$')
                .trim_start_matches("r#")
                .to_string();
            tokens.push(Token {
                kind: Kind::Ident(word),
                line,
            });
        } else if c.is_ascii_digit() {
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
        } else if c == ':' && next == Some(':') {
            tokens.push(Token {
                kind: Kind::PathSep,
                line,
            });
            at += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(Token {
                    kind: Kind::Punct(c),
                    line,
                });
            }
            at += 1;
        }
        line += count_lines(start, at.min(chars.len()));
    }
    tokens
}

/// Where a raw string literal's body starts (`r"`, `r#"`, `br##"` …) and its number of `#`.
fn raw_string_start(chars: &[char], at: usize) -> Option<(usize, usize)> {
    let mut i = at;
    if chars.get(i) == Some(&'b') {
        i += 1;
    }
    if chars.get(i) != Some(&'r')
        || (at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_'))
    {
        return None;
    }
    i += 1;
    let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
    (chars.get(i + hashes) == Some(&'"')).then_some((i + hashes + 1, hashes))
}
