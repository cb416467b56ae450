//! The calling thread's CPU time as the scanner's clock: budget tests and the benchmark judge the
//! scanner on the work it does, not on how a busy shared machine schedules it (on a phone's dedicated
//! analysis thread the two agree).

use std::time::Duration;

use crossqr_core::scan::ScanClock;

/// `CLOCK_THREAD_CPUTIME_ID`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuClock;

impl CpuClock {
    /// CPU time the calling thread has used.
    pub fn thread_time() -> Duration {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: clock_gettime writes one timespec through a valid pointer.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
}

impl ScanClock for CpuClock {
    fn now(&self) -> Duration {
        CpuClock::thread_time()
    }
}
