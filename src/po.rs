//! The gettext PO format: reading and writing catalogues.
//!
//! Written here rather than taken from a crate: craftpub needs every error
//! with its line (bad escapes, unterminated strings, duplicates, a wrong
//! plural header), the previous `#| msgid` of fuzzy entries and obsolete
//! `#~` entries kept through a round trip, and deterministic output; the PO
//! crates on crates.io drop one or another of these. Plural messages are not
//! used by craftpub and are refused.

use std::fmt::Write as _;

/// One message of a catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Translator comments (`# `), the translator's own.
    pub comments: Vec<String>,
    /// Extracted comments (`#.`), written by craftpub for the translator.
    pub extracted: Vec<String>,
    /// References (`#:`), where the English text stands.
    pub references: Vec<String>,
    /// Flags (`#,`), e.g. `fuzzy`.
    pub flags: Vec<String>,
    /// The previous English of a fuzzy entry (`#| msgid`).
    pub previous: Option<String>,
    /// The context, naming where the text stands.
    pub msgctxt: Option<String>,
    /// The English text.
    pub msgid: String,
    /// The translation; empty when untranslated.
    pub msgstr: String,
    /// An obsolete entry (`#~`), kept for its translation.
    pub obsolete: bool,
    /// The line the entry starts on (1-based; 0 when built in memory).
    pub line: usize,
    /// The line of its `msgstr`.
    pub msgstr_line: usize,
}

impl Entry {
    /// Whether the entry is flagged fuzzy.
    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|f| f == "fuzzy")
    }

    /// Sets or clears the fuzzy flag.
    pub fn set_fuzzy(&mut self, fuzzy: bool) {
        self.flags.retain(|f| f != "fuzzy");
        if fuzzy {
            self.flags.insert(0, "fuzzy".to_owned());
        }
    }

    /// Whether it holds a translation that counts: not empty, not fuzzy.
    pub fn is_translated(&self) -> bool {
        !self.msgstr.is_empty() && !self.is_fuzzy()
    }
}

/// A catalogue: its header and its messages in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    /// The comment lines above the header entry.
    pub header_comments: Vec<String>,
    /// The header fields (`Name: value`), in order.
    pub header: Vec<(String, String)>,
    /// The messages, in order.
    pub entries: Vec<Entry>,
}

/// A malformed catalogue: the line, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PoError {
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

fn error(line: usize, message: impl Into<String>, fix: impl Into<String>) -> PoError {
    PoError { line, message: message.into(), fix: fix.into() }
}

/// Reads a quoted PO string (`"..."`, C escapes) from `s`; the rest after it must be blank.
fn unquote(s: &str, line: usize) -> Result<String, PoError> {
    let s = s.trim();
    let Some(inner) = s.strip_prefix('"') else {
        return Err(error(line, format!("expected a quoted string, found {s}"), "put the text in double quotes"));
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    loop {
        match chars.next() {
            None => {
                return Err(error(
                    line,
                    "unterminated string",
                    "end the string with a double quote on the same line (continue it on the next line in new quotes)",
                ));
            }
            Some('"') => break,
            Some('\\') => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('a') => out.push('\u{7}'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('v') => out.push('\u{b}'),
                Some(c) => {
                    return Err(error(
                        line,
                        format!("bad escape \\{c}"),
                        "write \\\\ for a backslash; the escapes are \\n \\t \\r \\\" \\\\",
                    ));
                }
                None => return Err(error(line, "unterminated string", "end the string with a double quote")),
            },
            Some(c) => out.push(c),
        }
    }
    let rest: String = chars.collect();
    if !rest.trim().is_empty() {
        return Err(error(
            line,
            format!("text after the closing quote: {}", rest.trim()),
            "escape a quote inside the text as \\\"",
        ));
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Ctxt,
    Id,
    Str,
    PrevId,
    PrevCtxt,
}

/// Parses a catalogue; every problem found is returned, each with its line.
pub fn parse(text: &str) -> Result<Catalogue, Vec<PoError>> {
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut cur = Entry::default();
    let mut has = (false, false); // msgid, msgstr seen in `cur`
    let mut field: Option<Field> = None;
    let finish = |cur: &mut Entry, has: &mut (bool, bool), errors: &mut Vec<PoError>, entries: &mut Vec<Entry>| {
        if has.0 && !has.1 {
            errors.push(error(cur.line, "an entry without msgstr", "add msgstr \"\" after the msgid"));
        }
        if has.0 {
            entries.push(std::mem::take(cur));
        } else if cur.msgctxt.is_some() {
            errors.push(error(cur.line, "msgctxt without msgid", "add the msgid (and msgstr) after msgctxt"));
        }
        *cur = Entry::default();
        *has = (false, false);
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let mut line = raw.trim();
        if line.is_empty() {
            field = None;
            continue;
        }
        let mut obsolete = false;
        if let Some(rest) = line.strip_prefix("#~") {
            obsolete = true;
            line = rest.trim();
        }
        let mut previous = false;
        if let Some(rest) = line.strip_prefix("#|") {
            previous = true;
            line = rest.trim();
        } else if line.starts_with('#') {
            // A comment after a complete entry starts the next one.
            if has.1 {
                finish(&mut cur, &mut has, &mut errors, &mut entries);
            }
            if cur.line == 0 {
                cur.line = n;
            }
            let value = |k: &str| line[k.len()..].trim().to_owned();
            if line.starts_with("#.") {
                cur.extracted.push(value("#."));
            } else if line.starts_with("#:") {
                cur.references.push(value("#:"));
            } else if line.starts_with("#,") {
                cur.flags.extend(value("#,").split(',').map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()));
            } else {
                let c = line.strip_prefix('#').unwrap_or(line);
                cur.comments.push(c.strip_prefix(' ').unwrap_or(c).to_owned());
            }
            field = None;
            continue;
        }
        let (keyword, rest) = match line.find(|c: char| c.is_whitespace() || c == '"') {
            Some(at) => (&line[..at], &line[at..]),
            None => (line, ""),
        };
        let target = match (keyword, previous) {
            ("", _) => {
                // A continuation line.
                let Some(f) = field else {
                    errors.push(error(
                        n,
                        "a string with no keyword before it",
                        "start the entry with msgctxt, msgid or msgstr",
                    ));
                    continue;
                };
                match unquote(rest, n) {
                    Ok(s) => match f {
                        Field::Ctxt => cur.msgctxt.get_or_insert_default().push_str(&s),
                        Field::Id => cur.msgid.push_str(&s),
                        Field::Str => cur.msgstr.push_str(&s),
                        Field::PrevId => cur.previous.get_or_insert_default().push_str(&s),
                        Field::PrevCtxt => {}
                    },
                    Err(e) => errors.push(e),
                }
                continue;
            }
            ("msgctxt", false) => Field::Ctxt,
            ("msgid", false) => Field::Id,
            ("msgstr", false) => Field::Str,
            ("msgid", true) => Field::PrevId,
            ("msgctxt", true) => Field::PrevCtxt,
            (k, _) if k == "msgid_plural" || k.starts_with("msgstr[") => {
                errors.push(error(n, "plural messages are not used by craftpub", "remove the plural entry"));
                field = None;
                continue;
            }
            (k, _) => {
                errors.push(error(n, format!("unknown keyword {k}"), "entries have msgctxt, msgid and msgstr lines"));
                field = None;
                continue;
            }
        };
        // A complete entry ends at the next entry's first line; an entry
        // whose msgid has no msgstr ends at the next msgctxt or msgid.
        let next = has.1 || (has.0 && matches!(target, Field::Ctxt | Field::Id | Field::PrevId | Field::PrevCtxt));
        if next && target != Field::Str {
            finish(&mut cur, &mut has, &mut errors, &mut entries);
        }
        if cur.line == 0 {
            cur.line = n;
        }
        cur.obsolete |= obsolete;
        let value = match unquote(rest, n) {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        match target {
            Field::Ctxt => cur.msgctxt = Some(value),
            Field::Id => {
                cur.msgid = value;
                has.0 = true;
            }
            Field::Str => {
                if !has.0 {
                    errors.push(error(n, "msgstr without msgid", "add the msgid line before msgstr"));
                } else if has.1 {
                    errors.push(error(n, "a second msgstr", "keep one msgstr per entry"));
                }
                cur.msgstr = value;
                cur.msgstr_line = n;
                has.1 = true;
            }
            Field::PrevId => cur.previous = Some(value),
            Field::PrevCtxt => {}
        }
        field = Some(target);
    }
    finish(&mut cur, &mut has, &mut errors, &mut entries);

    let mut catalogue = Catalogue::default();
    let mut seen = std::collections::HashMap::new();
    for e in entries {
        if e.msgid.is_empty() && e.msgctxt.is_none() && !e.obsolete {
            if !catalogue.header.is_empty() {
                errors.push(error(e.line, "a second header entry (msgid \"\")", "keep one header entry"));
            }
            catalogue.header_comments = e.comments.clone();
            for field in e.msgstr.lines().filter(|l| !l.trim().is_empty()) {
                match field.split_once(':') {
                    Some((k, v)) => catalogue.header.push((k.trim().to_owned(), v.trim().to_owned())),
                    None => errors.push(error(
                        e.msgstr_line,
                        format!("header line \"{field}\" is not Name: value"),
                        "write each header field as Name: value\\n",
                    )),
                }
            }
            if catalogue.header.is_empty() {
                catalogue.header.push(("Content-Type".to_owned(), "text/plain; charset=UTF-8".to_owned()));
            }
            continue;
        }
        if e.msgid.is_empty() {
            errors.push(error(e.line, "an empty msgid", "give the English text in msgid (msgid \"\" is the header)"));
            continue;
        }
        if !e.obsolete {
            let key = (e.msgctxt.clone(), e.msgid.clone());
            if let Some(first) = seen.insert(key, e.line) {
                errors.push(error(
                    e.line,
                    format!("a duplicate message (also at line {first})"),
                    "keep one entry per msgctxt and msgid",
                ));
            }
        }
        catalogue.entries.push(e);
    }
    if let Some((_, v)) = catalogue.header.iter().find(|(k, _)| k == "Plural-Forms")
        && let Err(why) = check_plural_forms(v)
    {
        let line = text.lines().position(|l| l.contains("Plural-Forms")).map_or(1, |i| i + 1);
        errors.push(error(
            line,
            format!("Plural-Forms header: {why}"),
            "write Plural-Forms: nplurals=2; plural=(n != 1); (the language's rule), or leave it out",
        ));
    }
    if let Some((_, v)) = catalogue.header.iter().find(|(k, _)| k == "Content-Type")
        && !v.to_ascii_lowercase().contains("charset=utf-8")
    {
        let line = text.lines().position(|l| l.contains("Content-Type")).map_or(1, |i| i + 1);
        errors.push(error(
            line,
            format!("the catalogue is not UTF-8 ({v})"),
            "save it as UTF-8 with Content-Type: text/plain; charset=UTF-8",
        ));
    }
    if errors.is_empty() { Ok(catalogue) } else { Err(errors) }
}

/// Checks a Plural-Forms value: `nplurals=N; plural=EXPR;` with N from 1 to
/// 6 and an expression of `n`, numbers and C operators.
fn check_plural_forms(v: &str) -> Result<(), String> {
    let mut nplurals = None;
    let mut plural = None;
    for part in v.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, x)) if k.trim() == "nplurals" => nplurals = Some(x.trim()),
            Some((k, x)) if k.trim() == "plural" => plural = Some(x.trim()),
            _ => return Err(format!("\"{part}\" is neither nplurals= nor plural=")),
        }
    }
    let n: usize = nplurals.ok_or("no nplurals=")?.parse().map_err(|_| "nplurals is not a number".to_owned())?;
    if !(1..=6).contains(&n) {
        return Err(format!("nplurals={n} is not between 1 and 6"));
    }
    let expr = plural.ok_or("no plural=")?;
    if expr.is_empty() || !expr.chars().all(|c| c == 'n' || c.is_ascii_digit() || " ()?:<>=!&|%+-*/".contains(c)) {
        return Err(format!("plural={expr} is not an expression of n"));
    }
    if expr.matches('(').count() != expr.matches(')').count() {
        return Err("unbalanced parentheses in plural=".to_owned());
    }
    Ok(())
}

/// Quotes a string as PO writes it: escaped, and split after each newline
/// (with an empty first line) when it holds more than one line.
fn quoted(out: &mut String, prefix: &str, keyword: &str, s: &str) {
    let esc = |s: &str| {
        s.replace('\\', "\\\\").replace('"', "\\\"").replace('\t', "\\t").replace('\r', "\\r").replace('\n', "\\n")
    };
    let lines: Vec<&str> = s.split_inclusive('\n').collect();
    if lines.len() <= 1 {
        let _ = writeln!(out, "{prefix}{keyword} \"{}\"", esc(s));
    } else {
        let _ = writeln!(out, "{prefix}{keyword} \"\"");
        for l in lines {
            let _ = writeln!(out, "{prefix}\"{}\"", esc(l));
        }
    }
}

/// Writes a catalogue; the same catalogue always gives the same bytes.
pub fn write(c: &Catalogue) -> String {
    let mut out = String::new();
    for l in &c.header_comments {
        out.push_str(if l.is_empty() { "#\n" } else { "# " });
        if !l.is_empty() {
            out.push_str(l);
            out.push('\n');
        }
    }
    let header: String = c.header.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    out.push_str("msgid \"\"\n");
    quoted(&mut out, "", "msgstr", &header);
    for e in &c.entries {
        out.push('\n');
        for l in &e.comments {
            out.push_str(if l.is_empty() { "#\n" } else { "# " });
            if !l.is_empty() {
                out.push_str(l);
                out.push('\n');
            }
        }
        for l in &e.extracted {
            let _ = writeln!(out, "#. {l}");
        }
        for l in &e.references {
            let _ = writeln!(out, "#: {l}");
        }
        if !e.flags.is_empty() {
            let _ = writeln!(out, "#, {}", e.flags.join(", "));
        }
        let prefix = if e.obsolete { "#~ " } else { "" };
        if let Some(p) = &e.previous {
            if let Some(ctxt) = &e.msgctxt {
                quoted(&mut out, &format!("{prefix}#| "), "msgctxt", ctxt);
            }
            quoted(&mut out, &format!("{prefix}#| "), "msgid", p);
        }
        if let Some(ctxt) = &e.msgctxt {
            quoted(&mut out, prefix, "msgctxt", ctxt);
        }
        quoted(&mut out, prefix, "msgid", &e.msgid);
        quoted(&mut out, prefix, "msgstr", &e.msgstr);
    }
    out
}

/// The header craftpub writes for a language's catalogue: `date` (YYYY-MM-DD)
/// is the English version's, so that the same sources give the same bytes.
pub fn header(lang: &str, project: &str, date: &str) -> Vec<(String, String)> {
    [
        ("Project-Id-Version", project.to_owned()),
        ("PO-Revision-Date", format!("{date} 00:00+0000")),
        ("Last-Translator", "the translators of the repository <https://github.com/>".to_owned()),
        ("Language-Team", format!("{lang} <https://github.com/>")),
        ("Language", lang.replace('-', "_")),
        ("MIME-Version", "1.0".to_owned()),
        ("Content-Type", "text/plain; charset=UTF-8".to_owned()),
        ("Content-Transfer-Encoding", "8bit".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let text = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n#. where\n#: standard/2.1/module-1.md:12\n#, fuzzy\n#| msgctxt \"1.1.1 body 1\"\n#| msgid \"Old \\\"text\\\"\"\nmsgctxt \"1.1.1 body 1\"\nmsgid \"\"\n\"New\\n\"\n\"text\"\nmsgstr \"Nuevo\"\n\n#~ msgctxt \"9.9.9 title\"\n#~ msgid \"Gone\"\n#~ msgstr \"Ido\"\n";
        let c = parse(text).unwrap();
        assert_eq!(c.entries.len(), 2);
        let e = &c.entries[0];
        assert!(e.is_fuzzy());
        assert_eq!(e.previous.as_deref(), Some("Old \"text\""));
        assert_eq!(e.msgid, "New\ntext");
        assert_eq!(e.line, 4);
        assert!(c.entries[1].obsolete);
        assert_eq!(write(&c), text);
    }

    #[test]
    fn malformed_catalogues_name_the_line() {
        let bad = |text: &str| parse(text).unwrap_err();
        assert_eq!(bad("msgid \"a\"\nmsgstr \"b\\q\"\n")[0].line, 2);
        assert!(bad("msgid \"a\nmsgstr \"b\"\n")[0].message.contains("unterminated"));
        let dup = bad("msgctxt \"x\"\nmsgid \"a\"\nmsgstr \"\"\n\nmsgctxt \"x\"\nmsgid \"a\"\nmsgstr \"\"\n");
        assert_eq!((dup[0].line, dup[0].message.contains("duplicate")), (5, true));
        let plural = bad(
            "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Plural-Forms: nplurals=two; plural=n;\\n\"\n",
        );
        assert_eq!(plural[0].line, 4);
    }
}
