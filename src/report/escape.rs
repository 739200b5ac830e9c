//! Neutralising attacker text: control characters become visible escapes and the result is
//! bounded in characters, never splitting one.

use std::fmt::Write as _;

/// Neutralise control characters and bound to `max_chars` characters (marker included).
///
/// C0 controls, DEL and C1 controls become `\n`, `\r`, `\t` or `\x1b`-style escapes (so ANSI
/// sequences lose their ESC), Unicode line/paragraph separators and bidirectional overrides
/// become `\u{202e}`-style escapes. When the text does not fit, it is cut on a character
/// boundary and `…[+N]` says how many input characters were left out.
pub fn escape(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    escape_into(&mut out, s, max_chars);
    out
}

/// [`escape`], appended to `out` (no intermediate `String`).
pub fn escape_into(out: &mut String, s: &str, max_chars: usize) {
    // Fast path: printable ASCII that fits is copied once, with no per-char work.
    if s.len() <= max_chars && s.bytes().all(|b| b.wrapping_sub(0x20) < 0x5f) {
        out.push_str(s);
        return;
    }
    // Does everything fit, escaped? Stops at `max_chars` characters, so bounded.
    let mut used = 0usize;
    let mut fits = true;
    for c in s.chars() {
        used += escaped_len(c);
        if used > max_chars {
            fits = false;
            break;
        }
    }
    if fits {
        push_escaped_str(out, s);
        return;
    }
    truncated_into(out, s, s.chars().count(), max_chars);
}

/// [`escape`] of `parts` joined by single spaces, without building the join when it is long:
/// only the first `max_chars` characters can reach the output, the rest is only counted.
pub fn escape_joined_into(out: &mut String, parts: &[String], max_chars: usize) {
    let total: usize =
        parts.iter().map(|p| p.chars().count()).sum::<usize>() + parts.len().saturating_sub(1);
    let mut head = String::with_capacity(total.min(max_chars).saturating_mul(4));
    let mut head_chars = 0usize;
    for (i, p) in parts.iter().enumerate() {
        if head_chars >= max_chars {
            break;
        }
        if i > 0 {
            head.push(' ');
            head_chars += 1;
        }
        for c in p.chars() {
            if head_chars >= max_chars {
                break;
            }
            head.push(c);
            head_chars += 1;
        }
    }
    if total <= max_chars {
        // The whole join is in `head`.
        escape_into(out, &head, max_chars);
    } else {
        // More characters than the bound: cannot fit, even unescaped.
        truncated_into(out, &head, total, max_chars);
    }
}

/// The cut form: the longest escaped prefix that leaves room for `…[+N]`, then the marker.
/// `s` holds at least the first `max_chars` characters of the text; `total` counts them all.
fn truncated_into(out: &mut String, s: &str, total: usize, max_chars: usize) {
    let marker_room = 4 + digits(total);
    if max_chars < marker_room {
        // No room to say how much was cut: an ellipsis alone keeps the bound.
        out.extend("…".chars().take(max_chars));
        return;
    }
    let budget = max_chars - marker_room;
    let mut used = 0usize;
    let mut consumed = 0usize;
    let mut cut = s.len();
    for (i, c) in s.char_indices() {
        let l = escaped_len(c);
        if used + l > budget {
            cut = i;
            break;
        }
        used += l;
        consumed += 1;
    }
    push_escaped_str(out, &s[..cut]);
    let _ = write!(out, "…[+{}]", total - consumed);
}

/// Copy `s`, escaping what needs it; runs of safe characters are copied whole.
fn push_escaped_str(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if escaped_len(c) != 1 {
            out.push_str(&s[start..i]);
            push_escaped(out, c);
            start = i + c.len_utf8();
        }
    }
    out.push_str(&s[start..]);
}

fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

fn needs_unicode_escape(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{feff}')
}

fn escaped_len(c: char) -> usize {
    match c {
        '\n' | '\r' | '\t' => 2,
        '\u{0}'..='\u{1f}' | '\u{7f}' => 4,
        '\u{80}'..='\u{9f}' => 8,
        c if needs_unicode_escape(c) => 8,
        _ => 1,
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{0}'..='\u{1f}' | '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        '\u{80}'..='\u{9f}' => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c if needs_unicode_escape(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(escape("a\nb\tc\r", 100), "a\\nb\\tc\\r");
        assert_eq!(escape("\x1b[31mred\x1b[0m", 100), "\\x1b[31mred\\x1b[0m");
        assert_eq!(
            escape("x\u{7f}\u{85}\u{202e}y", 100),
            "x\\x7f\\u{0085}\\u{202e}y"
        );
        assert_eq!(escape("plain ascii", 100), "plain ascii");
    }

    #[test]
    fn bounded_by_chars_with_marker() {
        let s = "é".repeat(50);
        let e = escape(&s, 20);
        assert!(e.chars().count() <= 20, "{e}");
        assert!(e.ends_with("…[+36]"), "{e}");
        assert!(e.starts_with("éééé"));
        let e = escape(&"\n".repeat(30), 12);
        assert!(e.chars().count() <= 12);
        assert!(!e.contains('\n'));
        assert_eq!(escape("exactly10!", 10), "exactly10!");
    }

    #[test]
    fn bounds_too_small_for_the_marker_still_hold() {
        // Found by tests/properties.rs: the `…[+N]` marker used to overflow tiny bounds.
        assert_eq!(escape("\0", 0), "");
        assert_eq!(escape("abc", 2), "…");
        assert_eq!(escape(&"x".repeat(100), 6), "…");
        assert_eq!(escape(&"x".repeat(100), 7), "…[+100]");
        assert_eq!(escape(&"x".repeat(100), 8), "x…[+99]");
    }

    #[test]
    fn joined_matches_escape_of_the_join() {
        let cases: Vec<Vec<String>> = vec![
            vec![],
            vec!["ls".into(), "-la".into()],
            vec!["a\nb".into(), "é".repeat(30), "x".into()],
            (0..500).map(|i| format!("/tmp/f{i}")).collect(),
            vec!["\x1b".repeat(40)],
            vec!["y".repeat(99)],
            vec!["y".repeat(99), "z".into()],
        ];
        for parts in cases {
            for max in [0, 1, 10, 12, 100, 240] {
                let mut got = String::new();
                escape_joined_into(&mut got, &parts, max);
                assert_eq!(got, escape(&parts.join(" "), max), "{parts:?} {max}");
            }
        }
    }
}
