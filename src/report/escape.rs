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
    // Fast path: everything fits unchanged or escaped.
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
        for c in s.chars() {
            push_escaped(&mut out, c);
        }
        return out;
    }
    let total = s.chars().count();
    let marker_room = 4 + digits(total);
    if max_chars < marker_room {
        // No room to say how much was cut: an ellipsis alone keeps the bound.
        return "…".chars().take(max_chars).collect();
    }
    let budget = max_chars - marker_room;
    let mut used = 0usize;
    let mut consumed = 0usize;
    for c in s.chars() {
        let l = escaped_len(c);
        if used + l > budget {
            break;
        }
        push_escaped(&mut out, c);
        used += l;
        consumed += 1;
    }
    let _ = write!(out, "…[+{}]", total - consumed);
    out
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
}
