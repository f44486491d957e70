//! Progress of a load on standard error, and the time each phase took.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// Progress on standard error ("clients 40000/100000 (12.3 s)") and the time of each phase.
pub(super) struct Progress {
    enabled: bool,
    terminal: bool,
    phase: &'static str,
    total: u64,
    started: Instant,
    last: Instant,
    pub phases: Vec<(&'static str, Duration)>,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Self {
            enabled,
            terminal: std::io::stderr().is_terminal(),
            phase: "",
            total: 0,
            started: now,
            last: now,
            phases: Vec::new(),
        }
    }

    pub fn start(&mut self, phase: &'static str, total: u64) {
        self.phase = phase;
        self.total = total;
        self.started = Instant::now();
        self.last = self.started;
    }

    fn line(&self, done: u64) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        if self.total > 0 {
            format!("{} {done}/{} ({secs:.1} s)", self.phase, self.total)
        } else {
            format!("{} ({secs:.1} s)", self.phase)
        }
    }

    pub fn tick(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        let every = if self.terminal {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        if self.last.elapsed() < every {
            return;
        }
        self.last = Instant::now();
        let line = self.line(done);
        let mut err = std::io::stderr().lock();
        let _ = if self.terminal {
            write!(err, "\r\x1b[2K{line}")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }

    pub fn finish(&mut self) {
        if self.phase.is_empty() {
            return;
        }
        self.phases.push((self.phase, self.started.elapsed()));
        if self.enabled {
            let line = self.line(self.total);
            let mut err = std::io::stderr().lock();
            let _ = if self.terminal {
                writeln!(err, "\r\x1b[2K{line}")
            } else {
                writeln!(err, "{line}")
            };
        }
        self.phase = "";
    }
}
