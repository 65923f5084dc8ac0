//! The Porter stemmer as lunr 2.3.9 applies it (its `stemmer` pipeline
//! function), written here from the algorithm's description: M. F. Porter,
//! "An algorithm for suffix stripping" (1980), in the variant of Porter's own
//! reference implementations that lunr follows (step 2 also maps `-bli` to
//! `-ble` and `-logi` to `-log`; `y` is a vowel after a consonant).
//!
//! lunr works on JavaScript strings, so this works on UTF-16 code units: the
//! "shorter than 3" rule and the consonant/vowel classes count code units
//! exactly as the browser does. Letters are compared case-sensitively, as
//! lunr's regular expressions do; a leading `y` is treated as a consonant.

/// The units of a word.
type Units = Vec<u16>;

const fn u(c: char) -> u16 {
    c as u16
}

/// In `[aeiou]`.
fn is_aeiou(c: u16) -> bool {
    matches!(c, 0x61 | 0x65 | 0x69 | 0x6F | 0x75)
}

/// In `[aeiouy]`.
fn is_aeiouy(c: u16) -> bool {
    is_aeiou(c) || c == u('y')
}

/// The measure of `s`: how many vowel-run/consonant-run pairs follow an
/// optional leading consonant run, where a consonant run starts with any unit
/// but `aeiou` and goes on over units other than `aeiouy`, and a vowel run
/// starts with one of `aeiouy` and goes on over `aeiou`. `lead_consonant`
/// decides whether a leading `y` opens a consonant run (the two readings
/// differ only there). Returns the measure and whether the string ends inside
/// a vowel run.
fn measure_from(s: &[u16], lead_consonant: bool) -> (usize, bool) {
    let mut i = 0;
    if let Some(&first) = s.first()
        && !is_aeiou(first)
        && (lead_consonant || first != u('y'))
    {
        i = 1;
        while i < s.len() && !is_aeiouy(s[i]) {
            i += 1;
        }
    }
    let mut m = 0;
    loop {
        // A vowel run.
        if i >= s.len() {
            return (m, false);
        }
        // After a consonant run (or at the start) the next unit is in [aeiouy].
        i += 1;
        while i < s.len() && is_aeiou(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            return (m, true);
        }
        // A consonant run: the next unit is not in [aeiou].
        i += 1;
        while i < s.len() && !is_aeiouy(s[i]) {
            i += 1;
        }
        m += 1;
    }
}

/// Both readings of the start of `s`.
fn readings(s: &[u16]) -> impl Iterator<Item = (usize, bool)> + '_ {
    let ambiguous = s.first() == Some(&u('y'));
    std::iter::once(measure_from(s, true)).chain(ambiguous.then(|| measure_from(s, false)))
}

/// `[C]VC...`: measure above 0.
fn m_gt0(s: &[u16]) -> bool {
    readings(s).any(|(m, _)| m >= 1)
}

/// `[C]VCVC...`: measure above 1.
fn m_gt1(s: &[u16]) -> bool {
    readings(s).any(|(m, _)| m >= 2)
}

/// `^[C]VC[V]$`: the whole string has measure exactly 1.
fn m_eq1(s: &[u16]) -> bool {
    readings(s).any(|(m, _)| m == 1)
}

/// A vowel (`[aeiouy]`) after the optional leading consonant run.
fn has_vowel(s: &[u16]) -> bool {
    match s.first() {
        None => false,
        Some(&c) if is_aeiouy(c) => true,
        Some(_) => s[1..].iter().any(|&c| is_aeiouy(c)),
    }
}

/// A whole word of the form consonant run, vowel, then one unit that is not
/// `aeiouwxy` (the "cvc" test).
fn is_cvc(s: &[u16]) -> bool {
    let n = s.len();
    if n < 3 {
        return false;
    }
    let last = s[n - 1];
    if is_aeiouy(last) || last == u('w') || last == u('x') {
        return false;
    }
    if !is_aeiouy(s[n - 2]) || is_aeiou(s[0]) {
        return false;
    }
    s[1..n - 2].iter().all(|&c| !is_aeiouy(c))
}

fn ends_with(s: &[u16], suffix: &str) -> bool {
    let n = suffix.len();
    s.len() >= n && s[s.len() - n..].iter().copied().eq(suffix.bytes().map(u16::from))
}

/// The longest of `suffixes` that ends `s` with at least one unit before it.
fn longest_suffix<'a>(s: &[u16], suffixes: &[(&'a str, &'a str)]) -> Option<(&'a str, &'a str)> {
    suffixes
        .iter()
        .filter(|(suffix, _)| s.len() > suffix.len() && ends_with(s, suffix))
        .max_by_key(|(suffix, _)| suffix.len())
        .copied()
}

fn push_str(s: &mut Units, text: &str) {
    s.extend(text.bytes().map(u16::from));
}

const STEP2: &[(&str, &str)] = &[
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("logi", "log"),
];

const STEP3: &[(&str, &str)] =
    &[("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", "")];

const STEP4: &[(&str, &str)] = &[
    ("al", ""),
    ("ance", ""),
    ("ence", ""),
    ("er", ""),
    ("ic", ""),
    ("able", ""),
    ("ible", ""),
    ("ant", ""),
    ("ement", ""),
    ("ment", ""),
    ("ent", ""),
    ("ou", ""),
    ("ism", ""),
    ("ate", ""),
    ("iti", ""),
    ("ous", ""),
    ("ive", ""),
    ("ize", ""),
];

/// Stems one token as lunr's `stemmer` does.
pub fn stem(word: &str) -> String {
    let mut w: Units = word.encode_utf16().collect();
    if w.len() < 3 {
        return word.to_owned();
    }
    let y_first = w[0] == u('y');
    if y_first {
        w[0] = u('Y');
    }

    // Step 1a: plurals.
    if (ends_with(&w, "sses") && w.len() >= 5) || (ends_with(&w, "ies") && w.len() >= 4) {
        w.truncate(w.len() - 2);
    } else if w.len() >= 3 && w[w.len() - 1] == u('s') && w[w.len() - 2] != u('s') {
        w.truncate(w.len() - 1);
    }

    // Step 1b: -eed, -ed, -ing.
    if ends_with(&w, "eed") && w.len() >= 4 {
        if m_gt0(&w[..w.len() - 3]) {
            w.truncate(w.len() - 1);
        }
    } else if let Some(cut) = (ends_with(&w, "ed") && w.len() >= 3)
        .then_some(2)
        .or_else(|| (ends_with(&w, "ing") && w.len() >= 4).then_some(3))
    {
        let stem = &w[..w.len() - cut];
        if has_vowel(stem) {
            w.truncate(w.len() - cut);
            let n = w.len();
            if ends_with(&w, "at") || ends_with(&w, "bl") || ends_with(&w, "iz") {
                w.push(u('e'));
            } else if n >= 2 && w[n - 1] == w[n - 2] && !is_aeiouy(w[n - 1]) && !matches!(w[n - 1], 0x6C | 0x73 | 0x7A)
            {
                w.truncate(n - 1);
            } else if is_cvc(&w) {
                w.push(u('e'));
            }
        }
    }

    // Step 1c: y after a consonant becomes i.
    let n = w.len();
    if n >= 3 && w[n - 1] == u('y') && !is_aeiou(w[n - 2]) {
        w[n - 1] = u('i');
    }

    // Steps 2 and 3: double and single suffixes, when the stem has measure > 0.
    for table in [STEP2, STEP3] {
        if let Some((suffix, replacement)) = longest_suffix(&w, table) {
            let stem_len = w.len() - suffix.len();
            if m_gt0(&w[..stem_len]) {
                w.truncate(stem_len);
                push_str(&mut w, replacement);
            }
        }
    }

    // Step 4: suffixes removed when the stem has measure > 1.
    if let Some((suffix, _)) = longest_suffix(&w, STEP4) {
        let stem_len = w.len() - suffix.len();
        if m_gt1(&w[..stem_len]) {
            w.truncate(stem_len);
        }
    } else if w.len() >= 5 && (ends_with(&w, "sion") || ends_with(&w, "tion")) {
        let stem_len = w.len() - 3;
        if m_gt1(&w[..stem_len]) {
            w.truncate(stem_len);
        }
    }

    // Step 5a: a final e.
    if w.len() >= 2 && w[w.len() - 1] == u('e') {
        let stem = &w[..w.len() - 1];
        if m_gt1(stem) || (m_eq1(stem) && !is_cvc(stem)) {
            w.truncate(w.len() - 1);
        }
    }

    // Step 5b: -ll when the measure is > 1.
    if ends_with(&w, "ll") && m_gt1(&w) {
        w.truncate(w.len() - 1);
    }

    if y_first {
        w[0] = u('y');
    }
    String::from_utf16_lossy(&w)
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn porter_examples() {
        for (word, expected) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("conflated", "conflat"),
            ("hopping", "hop"),
            ("filing", "file"),
            ("happy", "happi"),
            ("relational", "relat"),
            ("mercury", "mercuri"),
            ("labour", "labour"),
            ("children", "children"),
            ("mining", "mine"),
            ("3.1.2", "3.1.2"),
            ("yield", "yield"),
            ("", ""),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
    }
}
