//! The import-circle check shared by the workspace's crates (`tests/layers.rs`,
//! `sandbox/tests/layers.rs`): reads a crate's own paths (`use crate::…`, `use super::…`,
//! grouped `use crate::{a, b::c}` trees, and paths such as `crate::x::y(…)` written inline in
//! code), follows re-exports to the file that defines the item, and finds every strongly
//! connected set of files or of top-level modules.
// Each crate that includes this file uses a different part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The circles of one crate, each written as `a -> b -> … -> a`.
#[derive(Debug)]
pub struct Circles {
    /// Between files, named relative to the source root.
    pub files: Vec<String>,
    /// Between top-level modules (the children of `lib.rs`).
    pub modules: Vec<String>,
}

/// Every import circle in the crate whose root is `src/lib.rs` under `source_root`.
pub fn import_circles(source_root: &Path) -> Circles {
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

/// Fails, naming each circle, when files of the crate under `source_root` import each other in
/// a circle.
pub fn assert_no_file_circles(source_root: &Path) {
    let circles = import_circles(source_root);
    assert!(
        circles.files.is_empty(),
        "import circles between files:\n{}",
        circles.files.join("\n")
    );
}

/// Fails, naming each circle, when top-level modules of the crate under `source_root` import
/// each other in a circle.
pub fn assert_no_module_circles(source_root: &Path) {
    let circles = import_circles(source_root);
    assert!(
        circles.modules.is_empty(),
        "import circles between top-level modules:\n{}",
        circles.modules.join("\n")
    );
}

/// One shortest circle through each strongly connected set of nodes (of more than one node).
pub fn circles(edges: &BTreeSet<(String, String)>) -> Vec<String> {
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
pub type Bindings = BTreeMap<(Vec<String>, String), Vec<String>>;

/// Which file uses which, read from the crate's own paths.
pub struct ImportGraph {
    pub edges: Vec<Edge>,
    /// The top-level module each file belongs to (`None` for the crate root).
    pub top_level: BTreeMap<PathBuf, Option<String>>,
}

/// One file's use of another, and where.
#[derive(Debug)]
pub struct Edge {
    pub from: PathBuf,
    pub to: PathBuf,
    #[allow(dead_code)] // shown by Debug in failure messages
    pub line: usize,
}

/// A path written in a file, as segments, with the module it was written in.
pub struct Written {
    pub file: PathBuf,
    pub module: Vec<String>,
    pub segments: Vec<String>,
    /// The name a `use` binds in `module`, if it binds one.
    pub binds: Option<String>,
    pub line: usize,
}

impl ImportGraph {
    pub fn read(source_root: &Path) -> ImportGraph {
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
pub enum Found {
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

pub fn read_file(tokens: &[Token], file: &Path, module: &[String], found: &mut dyn FnMut(Found)) {
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
            // `pub(in a::b)` names where an item may be seen, not anything it uses.
            (_, Some("in")) if at >= 2 && punct(at - 1, '(') && ident(at - 2) == Some("pub") => {
                at += 1;
                while ident(at).is_some() || path_sep(at) {
                    at += 1;
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
pub fn use_tree(
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
pub struct Token {
    pub kind: Kind,
    pub line: usize,
}

#[derive(Debug)]
pub enum Kind {
    Ident(String),
    /// A string literal's contents (escapes left as written).
    Str(String),
    PathSep,
    Punct(char),
}

/// Rust source as identifiers, `::`, string literals and punctuation; comments, numbers,
/// character literals and lifetimes dropped.
pub fn lex(text: &str) -> Vec<Token> {
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
pub fn raw_string_start(chars: &[char], at: usize) -> Option<(usize, usize)> {
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
