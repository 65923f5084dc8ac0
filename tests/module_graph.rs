//! The top-level modules of `src/` form no import circle: each stage uses
//! only the stages below it, so a new engineer can read them bottom up and
//! a part can be changed without reaching back into its callers.
//!
//! A reference is any `crate::MODULE` path: in a `use` (also inside braces,
//! `use crate::{a, b::c}`) or inline (`crate::diff::lineages(..)`), outside
//! comments. `lib.rs` and `main.rs` are the roots and are not modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level module a file of `src/` belongs to (`None` for the roots).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_owned();
    (name != "lib" && name != "main").then_some(name)
}

/// Removes `//` comments (doc comments included) and string literals'
/// contents are left: a `crate::` in a string is rare and would only add an
/// edge, never hide one.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module named by a `crate::` path in `code`.
fn references(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // e.g. `mycrate::`
        }
        let after = rest.trim_start();
        if let Some(group) = after.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each item at depth 0.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        out.insert(ident(&group[j..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(after));
        }
    }
    out.retain(|m| modules.contains(m));
    out
}

/// The module graph of `src/`: module -> the modules it references.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<_> = walkdir::WalkDir::new(src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect();
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for file in &files {
        let Some(module) = module_of(src, file) else { continue };
        let text = std::fs::read_to_string(file).expect("read a source file");
        let refs = references(&code_of(&text), &modules);
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(refs.into_iter().filter(|r| *r != module));
    }
    graph
}

/// `graph` as lines `module -> the modules it uses`, for failure messages.
fn listing(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    graph
        .iter()
        .map(|(m, refs)| format!("  {m} -> {}", refs.iter().cloned().collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The circles of `graph`: each strongly connected component of more than
/// one module (Tarjan's algorithm), sorted.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

#[test]
fn references_are_read_from_use_groups_and_inline_paths() {
    let modules: BTreeSet<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
    let code = "use crate::{a::X, b::{Y, Z}};\nfn f() { crate::c::g(); mycrate::d::h(); }\n";
    let refs = references(code, &modules);
    assert_eq!(refs, ["a", "b", "c"].iter().map(|s| s.to_string()).collect());
    assert!(references(&code_of("// see crate::d::x\n"), &modules).is_empty());
}

#[test]
fn a_circle_is_found() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), ["a".to_string()].into());
    g.insert("d".into(), ["a".to_string()].into());
    assert_eq!(circles(&g), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
}

#[test]
fn no_import_circle_between_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    let found = circles(&graph);
    assert!(
        found.is_empty(),
        "import circles between top-level modules of src/: {found:?}\nthe module graph:\n{}",
        listing(&graph)
    );
    // `model` is the bottom: it uses no other stage.
    assert!(graph["model"].is_empty(), "model must use no other module, uses {:?}", graph["model"]);
}

/// The modules the README's "Code layout" lists, in its order: the first
/// word of each line of the section's first code block.
fn readme_layout() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let section = readme.split("\n## Code layout\n").nth(1).expect("the README has a \"Code layout\" section");
    let block = section.split("```").nth(1).expect("the section lists the modules in a code block");
    block.lines().filter_map(|l| l.split_whitespace().next()).map(str::to_owned).collect()
}

#[test]
fn the_readme_lists_every_module_after_the_modules_it_uses() {
    let graph = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let listed = readme_layout();
    let listed_set: BTreeSet<&String> = listed.iter().collect();
    let modules: BTreeSet<&String> = graph.keys().collect();
    assert_eq!(listed_set, modules, "the README's Code layout must list each top-level module of src/ once");
    assert_eq!(listed.len(), listed_set.len(), "a module is listed twice: {listed:?}");
    let position = |m: &str| listed.iter().position(|l| l == m);
    let mut wrong = Vec::new();
    for (module, uses) in &graph {
        for used in uses {
            if position(used) > position(module) {
                wrong.push(format!("{module} uses {used}, listed below it"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the README says each module uses only those above it:\n{}\nthe module graph:\n{}",
        wrong.join("\n"),
        listing(&graph)
    );
}
