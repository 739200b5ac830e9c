//! Instructions retired by the calling thread in user space, read from the kernel's hardware
//! counter (`perf_event_open(2)`, `PERF_COUNT_HW_INSTRUCTIONS`, `exclude_kernel`): what
//! `falco-triage bench` reports per exec next to the time, because it does not drift with the
//! machine's load or clock.
//!
//! Opening it needs a CPU whose counters the kernel exposes (many virtual machines have none)
//! and `perf_event_paranoid` <= 2 for a user-space-only count of one's own thread. When it
//! cannot be opened, [`Counter::open`] says why and the bench reports that, never a guess.
//!
//! Not here: counting inside Falco (libsinsp calls the plugin on its own thread), profiling
//! (callgrind, docs/performance.md).

use std::io;

/// `struct perf_event_attr` up to `config1` (`PERF_ATTR_SIZE_VER0`, 64 bytes): the kernel
/// takes the size from the `size` field and zero-fills the rest.
#[repr(C)]
struct PerfEventAttr {
    kind: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
}

const PERF_TYPE_HARDWARE: u32 = 0;
const PERF_COUNT_HW_INSTRUCTIONS: u64 = 1;
/// `disabled`, `exclude_kernel` and `exclude_hv` (bits 0, 5 and 6 of the flags word).
const FLAGS: u64 = 1 | 1 << 5 | 1 << 6;
const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 8;
/// `_IO('$', 0)`, `_IO('$', 1)`, `_IO('$', 3)`.
const PERF_EVENT_IOC_ENABLE: libc::c_ulong = 0x2400;
const PERF_EVENT_IOC_DISABLE: libc::c_ulong = 0x2401;
const PERF_EVENT_IOC_RESET: libc::c_ulong = 0x2403;

/// An open counter of the calling thread's user-space instructions.
pub struct Counter {
    fd: libc::c_int,
}

impl Counter {
    /// Open the counter for the calling thread, disabled. `Err` says why it could not be
    /// opened (no hardware counters, `perf_event_paranoid`, seccomp...).
    pub fn open() -> io::Result<Counter> {
        let attr = PerfEventAttr {
            kind: PERF_TYPE_HARDWARE,
            size: std::mem::size_of::<PerfEventAttr>() as u32,
            config: PERF_COUNT_HW_INSTRUCTIONS,
            sample_period: 0,
            sample_type: 0,
            read_format: 0,
            flags: FLAGS,
            wakeup_events: 0,
            bp_type: 0,
            config1: 0,
        };
        // SAFETY: a valid attr for the duration of the call; pid 0 and cpu -1 count the
        // calling thread on any CPU; no group.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_perf_event_open,
                &attr as *const PerfEventAttr,
                0 as libc::pid_t,
                -1 as libc::c_int,
                -1 as libc::c_int,
                PERF_FLAG_FD_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Counter {
            fd: fd as libc::c_int,
        })
    }

    fn ioctl(&self, request: libc::c_ulong) -> io::Result<()> {
        // SAFETY: our own open perf fd; these requests take no argument.
        if unsafe { libc::ioctl(self.fd, request as _, 0) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Instructions retired in user space by this thread while `op` ran.
    pub fn count(&self, op: impl FnOnce()) -> io::Result<u64> {
        self.ioctl(PERF_EVENT_IOC_RESET)?;
        self.ioctl(PERF_EVENT_IOC_ENABLE)?;
        op();
        self.ioctl(PERF_EVENT_IOC_DISABLE)?;
        let mut value = 0u64;
        // SAFETY: reads 8 bytes into a u64 we own (the read format is a single value).
        let n = unsafe { libc::read(self.fd, (&mut value as *mut u64).cast(), 8) };
        if n != 8 {
            return Err(io::Error::last_os_error());
        }
        Ok(value)
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        // SAFETY: our own fd, closed once.
        unsafe { libc::close(self.fd) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attr_has_the_kernel_v0_size() {
        assert_eq!(std::mem::size_of::<PerfEventAttr>(), 64);
    }

    #[test]
    fn a_loop_counts_at_least_its_iterations_or_says_why_not() {
        match Counter::open() {
            Ok(counter) => {
                let n = counter
                    .count(|| {
                        let mut x = 0u64;
                        for i in 0..100_000u64 {
                            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
                        }
                    })
                    .expect("read");
                assert!(n >= 100_000, "{n}");
            }
            Err(e) => assert!(e.raw_os_error().is_some(), "{e}"),
        }
    }
}
