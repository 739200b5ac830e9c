//! The command-line adapter's building blocks, kept in the library so they are testable and
//! reusable: turning user input (options, Falco JSON alerts, bundled scenarios) into
//! [`ExecFacts`](crate::facts::ExecFacts) and [`Lineage`](crate::analysis::Lineage), and
//! writing the results back out.
//!
//! Not here: any judgement. Every verdict comes from [`crate::analysis::analyze`] and every
//! rendering from [`crate::report`]; argument parsing (clap) lives in the binary.

pub mod alert;
pub mod bench;
pub mod catalog;
pub mod explain;
pub mod instructions;
pub mod scenarios;

/// The bundled sample alert (falcosecurity/event-generator's `nc -e` run in a container), one
/// line of Falco JSON output. `falco-triage` with no arguments explains it.
pub const SAMPLE_ALERT: &str = include_str!("../../data/sample_alert.json");

/// The bit of one capability name (`CAP_SYS_ADMIN`, `sys_admin`), case-insensitive.
pub fn capability_bit(name: &str) -> Option<u64> {
    crate::facts::cap_number(name).map(|n| 1u64 << n)
}

/// Parse exe flags as Falco prints them (`EXE_WRITABLE|EXE_LOWER_LAYER`) or as the command
/// line takes them (`writable,lower_layer`), or a number. `Err` names the unknown flag.
pub fn parse_exe_flags(s: &str) -> Result<crate::facts::ExeFlags, String> {
    use crate::facts::ExeFlags;
    let s = s.trim();
    if let Ok(n) = s.parse::<u32>() {
        return Ok(ExeFlags(n));
    }
    let mut bits = 0u32;
    for part in s.split(['|', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let upper = part.to_ascii_uppercase();
        let name = upper.strip_prefix("EXE_").unwrap_or(&upper);
        bits |= match name {
            "WRITABLE" => ExeFlags::WRITABLE,
            "UPPER_LAYER" => ExeFlags::UPPER_LAYER,
            "LOWER_LAYER" => ExeFlags::LOWER_LAYER,
            "MEMFD" | "FROM_MEMFD" => ExeFlags::FROM_MEMFD,
            // Falco prints 0 as "NONE" in some versions.
            "NONE" | "0" => 0,
            _ => {
                return Err(format!(
                    "unknown exe flag `{}` (expected writable, upper_layer, lower_layer, memfd)",
                    crate::report::escape(part, 40)
                ))
            }
        };
    }
    Ok(ExeFlags(bits))
}

/// The kernel's comm: the executable's basename cut to 15 bytes (TASK_COMM_LEN 16).
pub fn comm_of(path: &str) -> String {
    let base = crate::text::basename(path);
    base[..crate::text::floor_char_boundary(base, 15)].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ExeFlags;

    #[test]
    fn exe_flags_in_falco_and_cli_spellings() {
        let both = ExeFlags::WRITABLE | ExeFlags::LOWER_LAYER;
        assert_eq!(
            parse_exe_flags("EXE_WRITABLE|EXE_LOWER_LAYER"),
            Ok(ExeFlags(both))
        );
        assert_eq!(parse_exe_flags("writable,lower_layer"), Ok(ExeFlags(both)));
        assert_eq!(parse_exe_flags("memfd"), Ok(ExeFlags(ExeFlags::FROM_MEMFD)));
        assert_eq!(parse_exe_flags("10"), Ok(ExeFlags(10)));
        assert!(parse_exe_flags("EXE_BOGUS").is_err());
    }

    #[test]
    fn capability_names_map_to_kernel_bits() {
        assert_eq!(capability_bit("CAP_SYS_ADMIN"), Some(1 << 21));
        assert_eq!(capability_bit("net_raw"), Some(1 << 13));
        assert_eq!(capability_bit("CAP_NOPE"), None);
    }

    #[test]
    fn comm_is_basename_cut_to_15_bytes() {
        assert_eq!(comm_of("/usr/bin/nc.openbsd"), "nc.openbsd");
        assert_eq!(comm_of("/bin/containerd-shim-runc-v2"), "containerd-shim");
        assert_eq!(comm_of("ls"), "ls");
    }
}
