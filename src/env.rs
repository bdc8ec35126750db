//! The process environment as a value: variables, home directory and clock,
//! captured once at start so that tests never touch the real environment.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::SystemTime;

/// Everything gandi-skill reads from the outside world besides the request.
#[derive(Clone, Debug)]
pub struct Env {
    vars: BTreeMap<String, String>,
    pub home: Option<PathBuf>,
    pub now: SystemTime,
}

impl Env {
    /// The real environment of this process.
    pub fn from_process() -> Env {
        let vars: BTreeMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = vars
            .get("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()));
        let now = test_clock(&vars).unwrap_or_else(SystemTime::now);
        Env { vars, home, now }
    }

    /// An environment made of the given variables (tests, embedding).
    pub fn from_vars<I, K, V>(vars: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let home = vars.get("HOME").map(PathBuf::from);
        Env {
            vars,
            home,
            now: SystemTime::now(),
        }
    }

    /// A variable's value; an empty value counts as unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean switch such as `GANDI_SANDBOX=1`.
    pub fn flag(&self, name: &str) -> bool {
        matches!(
            self.var(name)
                .map(|v| v.trim().to_ascii_lowercase())
                .as_deref(),
            Some("1" | "true" | "yes" | "on")
        )
    }

    /// Diagnostics on stderr: only with exactly `GANDI_SKILL_DEBUG=1`
    /// (contract §1), so a stray `yes` never fills the agent's stderr.
    pub fn debug(&self) -> bool {
        self.var("GANDI_SKILL_DEBUG") == Some("1")
    }

    /// The same environment at another time (tests of expiry).
    pub fn at(mut self, now: SystemTime) -> Env {
        self.now = now;
        self
    }

    /// Seconds since the Unix epoch, for expiry arithmetic.
    pub fn unix_now(&self) -> i64 {
        match self.now.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(_) => 0,
        }
    }
}

/// Debug builds only: `GANDI_SKILL_TEST_NOW=<unix seconds>` sets the clock,
/// so the tests can age a plan past its 30 minutes. Release builds never
/// read it.
fn test_clock(vars: &BTreeMap<String, String>) -> Option<SystemTime> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let secs: u64 = vars.get("GANDI_SKILL_TEST_NOW")?.trim().parse().ok()?;
    Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}
