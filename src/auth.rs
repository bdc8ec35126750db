//! Credentials: the five-step lookup (profile, environment, token files),
//! sandbox separation, token-file checks, and the redacted token type that
//! is the only holder of the secret.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::protocol::valid_profile;

/// The most a token file may weigh; anything larger is not a token.
const MAX_TOKEN_FILE_BYTES: u64 = 16 * 1024;

/// The shortest value taken as a token. Gandi's tokens are about 40
/// characters; a shorter value is a slip (a placeholder, a word), and
/// guarding it would blank out ordinary text of the reply.
pub const MIN_TOKEN_LEN: usize = 8;

/// The longest value taken as a token: what a token file can hold with its
/// final newline, so that whatever is accepted here can be stored and read
/// back.
pub const MAX_TOKEN_LEN: usize = MAX_TOKEN_FILE_BYTES as usize - 1;

/// How the secret is presented to Gandi.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// A Personal Access Token.
    Bearer,
    /// A legacy API key (deprecated by Gandi).
    Apikey,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Bearer => "Bearer",
            Scheme::Apikey => "Apikey",
        }
    }
}

/// A credential value as it is meant: without a leading byte-order mark
/// (Windows editors write one), nor blank space or NUL bytes around it (a
/// file padded by a tool). The reader and the output guard both go through
/// here, so the guard always knows the very value the reader would use.
pub fn normalize(raw: &str) -> &str {
    raw.trim_start_matches('\u{feff}')
        .trim_matches(|c: char| c.is_whitespace() || c == '\0')
}

/// What makes a (normalized) value unusable as a token, as the end of a
/// sentence about it; `None` when it is fine. One rule set for every token,
/// read or received.
fn shape_problem(raw: &str) -> Option<String> {
    if raw.chars().count() < MIN_TOKEN_LEN {
        Some(format!(
            "is shorter than {MIN_TOKEN_LEN} characters, which no Gandi token is"
        ))
    } else if raw.len() > MAX_TOKEN_LEN {
        Some(format!(
            "is {} bytes long: more than the {MAX_TOKEN_LEN} a token file can hold",
            raw.len()
        ))
    } else if raw
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        Some("contains whitespace, control or non-ASCII characters inside it".to_string())
    } else {
        None
    }
}

/// The secret. Its `Debug` and `Display` never show it; the one way out is
/// [`Token::authorization`], used by the HTTP client for the header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Checks a value (already through [`normalize`]) and wraps it.
    fn parse(raw: &str, source: &str) -> SkillResult<Token> {
        match shape_problem(raw) {
            Some(problem) => Err(SkillError::new(
                ErrorCode::MalformedToken,
                format!("the credential from {source} {problem}"),
            )
            .with_detail("credential_source", source)
            .with_hint("store the token again with scripts/setup_token.sh (it must be one line with no spaces)")),
            None => Ok(Token(raw.to_string())),
        }
    }

    /// The `Authorization` header value. The only place the secret leaves.
    pub fn authorization(&self, scheme: Scheme) -> String {
        format!("{} {}", scheme.as_str(), self.0)
    }

    /// Whether `text` shows the secret (for the last-line redaction of output).
    pub fn appears_in(&self, text: &str) -> bool {
        self.shown_at(text).next().is_some()
    }

    /// Whether serialized JSON text holds the secret in any of its strings:
    /// the secret's JSON-escaped form is looked for (escaping is per
    /// character, so it holds for the secret anywhere in a longer string).
    pub fn appears_in_json(&self, json: &str) -> bool {
        let Ok(quoted) = serde_json::to_string(&self.0) else {
            return true;
        };
        let escaped = &quoted[1..quoted.len() - 1];
        !escaped.is_empty() && json.contains(escaped)
    }

    /// A one-way digest of the secret (SHA-256, hex): it tells two tokens
    /// apart (a plan binds the token it renews) without revealing either.
    pub fn fingerprint(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, self.0.as_bytes());
        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A secret met in a request (a password): guarded like a token.
    pub fn from_request_secret(value: &str) -> Token {
        Token(value.to_string())
    }

    /// `text` with every showing of the secret replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for at in self.shown_at(text) {
            out.push_str(&text[from..at]);
            out.push_str("[redacted]");
            from = at + self.0.len();
        }
        out.push_str(&text[from..]);
        out
    }

    /// Where the secret shows in `text`. A value of token length shows
    /// wherever it occurs. A shorter one (refused when read, but the user's
    /// all the same) shows where it stands as a word of its own, not inside
    /// a longer run of letters and digits: a quoted value is caught, while
    /// a stray `a` or `token` does not blank out every sentence.
    fn shown_at<'t>(&'t self, text: &'t str) -> impl Iterator<Item = usize> + 't {
        let short = self.0.len() < MIN_TOKEN_LEN;
        let bounded = move |at: usize| {
            let before = text[..at].chars().next_back();
            let after = text[at + self.0.len()..].chars().next();
            !short
                || ![before, after]
                    .iter()
                    .any(|c| c.is_some_and(|c| c.is_ascii_alphanumeric()))
        };
        let matches = (!self.0.is_empty()).then(|| text.match_indices(self.0.as_str()));
        matches
            .into_iter()
            .flatten()
            .map(|(at, _)| at)
            .filter(move |at| bounded(*at))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Every secret this run could hold besides the credential in use: the
/// values of the credential variables and the contents of the token files
/// the selection (and the default one) points to (`.previous` copies and
/// renewal fallbacks included), whether or not they would pass the checks. The output guard redacts them even from replies made
/// before any request (a token pasted into a parameter, an insecure file).
///
/// Each value is normalized exactly as the reader does ([`normalize`]), so
/// the guard holds the very token a BOM- or NUL-padded file stands for.
/// Only regular files of token size are read (never a FIFO or a device), and
/// of a value with spaces inside (a note, never a usable token) only the
/// token-like pieces are kept, so that its words never blank out ordinary
/// text. Never fails.
pub fn visible_secrets(env: &Env, selection: Option<&Selection>) -> Vec<Token> {
    let mut raw: Vec<String> = [
        "GANDI_API_TOKEN",
        "GANDI_API_KEY",
        "GANDI_SANDBOX_API_TOKEN",
        "GANDI_SANDBOX_API_KEY",
    ]
    .iter()
    .filter_map(|name| env.var(name))
    .map(str::to_string)
    .collect();
    let default_selection = Selection::new(env, None, None).ok();
    for sel in selection.into_iter().chain(default_selection.as_ref()) {
        let Ok(dir) = sel.credentials_dir(env) else {
            continue;
        };
        // `.previous` holds the token a renewal replaced: still a secret.
        // A renewal that could not store its token left it in a visible
        // `api_token.renewed-*` file for the user to move into place.
        let fallbacks: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|n| n.starts_with("api_token.renewed-"))
                    .collect()
            })
            .unwrap_or_default();
        let fixed = [
            "api_token",
            "api_key",
            "api_token.previous",
            "api_key.previous",
        ];
        for file in fixed
            .iter()
            .copied()
            .chain(fallbacks.iter().map(String::as_str))
        {
            let path = dir.join(file);
            let readable = std::fs::metadata(&path)
                .is_ok_and(|m| m.is_file() && m.len() <= MAX_TOKEN_FILE_BYTES);
            if let Some(text) = readable
                .then(|| std::fs::read_to_string(&path).ok())
                .flatten()
            {
                raw.push(text);
            }
        }
    }
    let mut found: Vec<Token> = Vec::new();
    for value in &raw {
        // The whole value, as the reader would take it, is meant to be a
        // token whatever its shape or length (a short one is refused when
        // read, but it is the user's secret all the same); a piece of a
        // value with spaces in it must look like a token on its own.
        let whole = normalize(value);
        let whole = (!whole.is_empty() && !whole.contains(char::is_whitespace)).then_some(whole);
        let pieces = value
            .split(|c: char| c.is_whitespace() || c == '\0' || c == '\u{feff}')
            .filter(|p| looks_like_a_secret(p, 16));
        for part in whole.into_iter().chain(pieces) {
            let token = Token(part.to_string());
            if !found.contains(&token) {
                found.push(token);
            }
        }
    }
    found
}

/// Worth guarding: at least `min_len` long, and made only of the characters
/// tokens and keys use. Words of ordinary length and JSON punctuation never
/// qualify.
fn looks_like_a_secret(piece: &str, min_len: usize) -> bool {
    piece.len() >= min_len
        && piece
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~+/=".contains(&b))
}

/// A resolved credential and everything about it that is safe to show.
#[derive(Clone, Debug)]
pub struct Credential {
    pub token: Token,
    pub scheme: Scheme,
    /// `env:GANDI_API_TOKEN` or the file path.
    pub source: String,
    pub file: Option<PathBuf>,
    /// The file's permission bits, when it came from a file.
    pub file_mode: Option<u32>,
    pub sandbox: bool,
    pub profile: Option<String>,
}

/// How the user puts a new token where this lookup will take it: a
/// variable comes before every file, so a fresh file alone would not help.
pub fn how_to_store(source: &str, selection: &Selection) -> String {
    match source.strip_prefix("env:") {
        Some(var) => format!(
            "the user replaces the value of {var} in the environment gandi-skill runs in (it comes before any token file), or unsets it and runs `{}` in their own terminal",
            selection.setup_command()
        ),
        None => format!(
            "the user runs `{}` in their own terminal",
            selection.setup_command()
        ),
    }
}

impl Credential {
    /// The account space this credential belongs to.
    pub fn selection(&self) -> Selection {
        Selection {
            sandbox: self.sandbox,
            profile: self.profile.clone(),
        }
    }
}

/// Which account space a request works in.
#[derive(Clone, Debug)]
pub struct Selection {
    pub sandbox: bool,
    pub profile: Option<String>,
}

impl Selection {
    /// From the request's `sandbox`/`profile` fields, else `GANDI_SANDBOX`/`GANDI_PROFILE`.
    pub fn new(env: &Env, sandbox: Option<bool>, profile: Option<&str>) -> SkillResult<Selection> {
        let sandbox = sandbox.unwrap_or_else(|| env.flag("GANDI_SANDBOX"));
        let profile = match profile {
            Some(p) => Some(p.to_string()),
            None => match env.var("GANDI_PROFILE") {
                Some(p) if valid_profile(p) => Some(p.to_string()),
                Some(p) => {
                    return Err(SkillError::new(
                        ErrorCode::ConfigInvalid,
                        format!("GANDI_PROFILE={p:?} is not a valid profile name"),
                    )
                    .with_hint("profile names are 1 to 64 characters from a-z, 0-9, `_` and `-`"))
                }
                None => None,
            },
        };
        Ok(Selection { sandbox, profile })
    }

    /// The folder holding this selection's token files.
    pub fn credentials_dir(&self, env: &Env) -> SkillResult<PathBuf> {
        let mut dir = config_dir(env)?;
        if self.sandbox {
            dir.push("sandbox");
        }
        if let Some(p) = &self.profile {
            dir.push("profiles");
            dir.push(p);
        }
        Ok(dir)
    }

    /// Where the user creates a token for this selection's API.
    pub fn pat_page(&self) -> &'static str {
        if self.sandbox {
            "https://admin.sandbox.gandi.net/organizations/account/pat"
        } else {
            "https://admin.gandi.net/organizations/account/pat"
        }
    }

    /// The setup command that would store a token for this selection.
    pub fn setup_command(&self) -> String {
        let mut cmd = "scripts/setup_token.sh".to_string();
        if let Some(p) = &self.profile {
            cmd.push_str(&format!(" --profile {p}"));
        }
        if self.sandbox {
            cmd.push_str(" --sandbox");
        }
        cmd
    }
}

/// `$GANDI_CONFIG_DIR`, else `$XDG_CONFIG_HOME/gandi`, else `~/.config/gandi`
/// on every OS. A relative `XDG_CONFIG_HOME` is ignored, as the XDG Base
/// Directory spec says: it would make the token's place depend on the
/// folder the agent happens to run in.
pub fn config_dir(env: &Env) -> SkillResult<PathBuf> {
    if let Some(dir) = env.var("GANDI_CONFIG_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = env.var("XDG_CONFIG_HOME").map(Path::new) {
        if dir.is_absolute() {
            return Ok(dir.join("gandi"));
        }
    }
    match &env.home {
        Some(home) => Ok(home.join(".config").join("gandi")),
        None => Err(SkillError::new(
            ErrorCode::ConfigInvalid,
            "cannot find the configuration folder: HOME is not set",
        )
        .with_hint("set GANDI_CONFIG_DIR or HOME, or pass the token in GANDI_API_TOKEN")),
    }
}

/// Runs the lookup of contract §4; the first credential found wins.
pub fn resolve(env: &Env, selection: &Selection) -> SkillResult<Credential> {
    lookup(env, selection).map_err(|e| match e.code {
        // The fix names where this very value came from.
        ErrorCode::MalformedToken => {
            let source = e
                .details
                .get("credential_source")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            let fix = format!(
                "the token must be exactly what Gandi showed, one line without spaces: {}",
                how_to_store(&source, selection)
            );
            e.with_hint(fix)
        }
        _ => e,
    })
}

fn lookup(env: &Env, selection: &Selection) -> SkillResult<Credential> {
    let dir = selection.credentials_dir(env)?;
    let found = |token: Token, scheme, source: String, file: Option<(PathBuf, u32)>| Credential {
        token,
        scheme,
        source,
        file_mode: file.as_ref().map(|f| f.1),
        file: file.map(|f| f.0),
        sandbox: selection.sandbox,
        profile: selection.profile.clone(),
    };
    let files = [
        (dir.join("api_token"), Scheme::Bearer),
        (dir.join("api_key"), Scheme::Apikey),
    ];
    if selection.profile.is_some() {
        for (path, scheme) in &files {
            if let Some((token, mode)) = read_token_file(path)? {
                return Ok(found(
                    token,
                    *scheme,
                    path.display().to_string(),
                    Some((path.clone(), mode)),
                ));
            }
        }
        return Err(missing(selection, &files[0].0, true));
    }
    let (token_var, key_var) = if selection.sandbox {
        ("GANDI_SANDBOX_API_TOKEN", "GANDI_SANDBOX_API_KEY")
    } else {
        ("GANDI_API_TOKEN", "GANDI_API_KEY")
    };
    for (var, scheme) in [(token_var, Scheme::Bearer), (key_var, Scheme::Apikey)] {
        if let Some(raw) = env.var(var) {
            let raw = normalize(raw);
            if !raw.is_empty() {
                let source = format!("env:{var}");
                let token = Token::parse(raw, &source)?;
                return Ok(found(token, scheme, source, None));
            }
        }
    }
    for (path, scheme) in &files {
        if let Some((token, mode)) = read_token_file(path)? {
            return Ok(found(
                token,
                *scheme,
                path.display().to_string(),
                Some((path.clone(), mode)),
            ));
        }
    }
    Err(missing(selection, &files[0].0, false))
}

fn missing(selection: &Selection, path: &Path, profile_only: bool) -> SkillError {
    let space = if selection.sandbox { "sandbox " } else { "" };
    let message = if profile_only {
        format!(
            "no {space}token for profile `{}`: {} does not exist",
            selection.profile.as_deref().unwrap_or(""),
            path.display()
        )
    } else if selection.sandbox {
        format!(
            "no sandbox Gandi token found (GANDI_SANDBOX_API_TOKEN, GANDI_SANDBOX_API_KEY, {})",
            path.display()
        )
    } else {
        format!(
            "no Gandi token found (GANDI_API_TOKEN, GANDI_API_KEY, {})",
            path.display()
        )
    };
    let admin = selection.pat_page();
    SkillError::new(ErrorCode::MissingToken, message)
        .with_detail("path", path.display().to_string())
        .with_hint(format!(
            "the user creates a Personal Access Token at {admin} and runs `{}` in their own terminal; never paste a token into chat",
            selection.setup_command()
        ))
}

/// Reads a token file: `None` when absent or empty; refuses files that are not
/// regular or that group or others may read.
fn read_token_file(path: &Path) -> SkillResult<Option<(Token, u32)>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(SkillError::new(
                ErrorCode::ConfigInvalid,
                format!("cannot read {}: {e}", path.display()),
            ))
        }
    };
    if !meta.is_file() {
        return Err(SkillError::new(
            ErrorCode::InsecureTokenFile,
            format!("{} is not a regular file", path.display()),
        )
        .with_detail("path", path.display().to_string())
        .with_hint(format!(
            "replace it with a plain file holding only the token (scripts/setup_token.sh does this), then `chmod 600 {}`",
            path.display()
        )));
    }
    let mode = file_mode(&meta);
    if mode & 0o077 != 0 {
        return Err(SkillError::new(
            ErrorCode::InsecureTokenFile,
            format!(
                "{} can be read by other users (mode {:04o}); the token is not used",
                path.display(),
                mode & 0o7777
            ),
        )
        .with_detail("path", path.display().to_string())
        .with_detail("mode", format!("{:04o}", mode & 0o7777))
        .with_hint(format!("run `chmod 600 {}`", path.display())));
    }
    if meta.len() > MAX_TOKEN_FILE_BYTES {
        return Err(SkillError::new(
            ErrorCode::MalformedToken,
            format!(
                "{} is {} bytes: too large to be a token",
                path.display(),
                meta.len()
            ),
        )
        .with_hint("store the token again with scripts/setup_token.sh"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        SkillError::new(
            ErrorCode::ConfigInvalid,
            format!("cannot read {}: {}", path.display(), e.kind()),
        )
    })?;
    let source = path.display().to_string();
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        SkillError::new(
            ErrorCode::MalformedToken,
            format!("{source} is not UTF-8 text"),
        )
        .with_hint("store the token again with scripts/setup_token.sh")
    })?;
    let value = normalize(text);
    if value.is_empty() {
        return Ok(None);
    }
    Ok(Some((Token::parse(value, &source)?, mode)))
}

/// Where a renewed token goes: the file it came from, or, for a token from
/// the environment, the selection's own `api_token` file.
pub fn renewal_target(env: &Env, credential: &Credential) -> SkillResult<PathBuf> {
    match &credential.file {
        Some(path) => Ok(path.clone()),
        None => Ok(Selection {
            sandbox: credential.sandbox,
            profile: credential.profile.clone(),
        }
        .credentials_dir(env)?
        .join("api_token")),
    }
}

/// How long a renewal waits for another one on the same token file to
/// finish before it gives up (without asking Gandi for anything).
const RENEWAL_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// A renewal's hold on its token file, taken before Gandi is asked for a
/// new token: the folder exists and lets a new file be created and renamed
/// in it, the token file and its `.previous` copy are plain files (or
/// absent), and this run alone holds the exclusive lock on `<name>.lock`
/// beside them until the slot is dropped. So a token Gandi issues is lost
/// neither to a folder that cannot take it nor to an overlapping renewal.
/// Get one with [`prepare_renewal`]; spend it with [`RenewalSlot::store`].
pub struct RenewalSlot {
    target: PathBuf,
    dir: PathBuf,
    name: String,
    /// Held open for the lock's sake: closing it (or the process ending,
    /// even by a crash) releases the lock.
    _lock: std::fs::File,
}

/// Checks, before any request, that a renewed token can be stored at
/// `target`, and takes the renewal lock (see [`RenewalSlot`]), waiting up
/// to a few seconds for another renewal to finish. Creates the folder
/// (0700) if needed. `in_use` is the token this run will renew when it was
/// read from `target`: if another renewal replaced it meanwhile, this one
/// stops rather than renew a token that is no longer the stored one.
pub fn prepare_renewal(target: &Path, in_use: Option<&Token>) -> SkillResult<RenewalSlot> {
    let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("api_token")
        .to_string();
    let refuse = |why: String| {
        SkillError::new(
            ErrorCode::ConfigInvalid,
            format!(
                "token.renew cannot store a new token in {}: {why}; nothing was sent to Gandi",
                target.display()
            ),
        )
        .with_detail("token_file", target.display().to_string())
        .with_hint(format!(
            "make {} a folder of the user's own that they can write in (or point GANDI_CONFIG_DIR at one), then renew again; the token in use stays valid until its own expiry",
            dir.display()
        ))
    };
    create_private_dir(&dir)
        .map_err(|e| refuse(format!("the folder cannot be created ({})", e.kind())))?;
    let lock_path = dir.join(format!("{name}.lock"));
    let lock = take_lock(&lock_path)
        .map_err(|e| refuse(format!("its lock file {} cannot be used ({})", lock_path.display(), e.kind())))?
        .ok_or_else(|| {
            SkillError::new(
                ErrorCode::Refused,
                format!(
                    "another token.renew is running for {} (it holds {}); nothing was sent to Gandi",
                    target.display(),
                    lock_path.display()
                ),
            )
            .with_detail("token_file", target.display().to_string())
            .with_hint("wait for it to finish, then check the token with {\"action\":\"token.check\"}; renew again only if it is still needed")
        })?;
    if let Some(expected) = in_use {
        let now = read_token_file(target).ok().flatten().map(|(t, _)| t);
        if now.as_ref() != Some(expected) {
            return Err(SkillError::new(
                ErrorCode::Refused,
                format!(
                    "the token in {} changed while this run waited for another renewal to finish; nothing was sent to Gandi",
                    target.display()
                ),
            )
            .with_detail("token_file", target.display().to_string())
            .with_hint("the other renewal has stored its new token: check it with {\"action\":\"token.check\"}; renew again only if it is still needed"));
        }
    }
    let previous = dir.join(format!("{name}.previous"));
    for path in [target, previous.as_path()] {
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(refuse(format!("{} is not a regular file", path.display())));
        }
    }
    // The very steps a store takes: a fresh private file, then a rename.
    let probe = || -> std::io::Result<()> {
        let tmp = create_private_unique(&dir, &name, "probe", b"")?;
        let mut renamed = tmp.clone().into_os_string();
        renamed.push(".renamed");
        let renamed = PathBuf::from(renamed);
        let moved = std::fs::rename(&tmp, &renamed);
        let _ = std::fs::remove_file(if moved.is_ok() { &renamed } else { &tmp });
        moved
    };
    probe().map_err(|e| {
        refuse(format!(
            "a file cannot be created and renamed in {} ({})",
            dir.display(),
            e.kind()
        ))
    })?;
    Ok(RenewalSlot {
        target: target.to_path_buf(),
        dir,
        name,
        _lock: lock,
    })
}

/// Opens (creating it 0600, never truncating) the lock file and takes an
/// exclusive `flock` on it, retrying for [`RENEWAL_LOCK_WAIT`]; `None` when
/// another process still holds it then. The kernel drops the lock when its
/// holder's file is closed, so a crashed run never blocks the next one. The
/// lock file itself is never renamed or removed: locking the token file
/// would not do, since each renewal replaces it with a new file.
fn take_lock(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    let started = std::time::Instant::now();
    loop {
        if try_lock(&file)? {
            return Ok(Some(file));
        }
        if started.elapsed() >= RENEWAL_LOCK_WAIT {
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Elsewhere than on Unix there is no lock: overlapping renewals are then
/// only kept apart by their unique temp files.
#[cfg(not(unix))]
fn try_lock(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

impl RenewalSlot {
    /// Stores Gandi's new secret atomically with mode 0600 (a fresh temp
    /// file beside it, then a rename); the file it replaces is kept as
    /// `<name>.previous`. The secret goes to the output guard first, and is
    /// checked like any stored token before anything is written. Returns
    /// the `.previous` path when one was kept.
    ///
    /// Should storing still fail, the new token is written to a fallback
    /// file beside it (0600), and the error names that path, never the value.
    pub fn store(self, secret: &str, guard: &mut Vec<Token>) -> SkillResult<Option<PathBuf>> {
        let token = check_renewed(&self.target, secret, guard)?;
        let mut content = token.0.clone().into_bytes();
        content.push(b'\n');
        let stored = (|| -> Result<Option<PathBuf>, (&str, std::io::Error)> {
            let kept = if self.target.is_file() {
                let previous = self.dir.join(format!("{}.previous", self.name));
                let old = std::fs::read(&self.target).map_err(|e| ("reading the old token", e))?;
                self.replace(&previous, &old)
                    .map_err(|e| ("keeping the old token", e))?;
                Some(previous)
            } else {
                None
            };
            self.replace(&self.target, &content)
                .map_err(|e| ("writing the new token", e))?;
            Ok(kept)
        })();
        let (step, e) = match stored {
            Ok(kept) => return Ok(kept),
            Err(failed) => failed,
        };
        let fallback = create_private_unique(&self.dir, &self.name, "renewed", &content);
        let target = self.target.display().to_string();
        Err(match fallback {
            Ok(path) => SkillError::new(
                ErrorCode::ConfigInvalid,
                format!(
                    "Gandi issued a new token, but {step} in {target} failed ({}); the new token was written to {} instead (mode 0600), and {target} was left as it was",
                    e.kind(),
                    path.display()
                ),
            )
            .with_detail("token_file", target.clone())
            .with_detail("fallback_file", path.display().to_string())
            .with_hint(format!(
                "the user moves it into place once {target} can be written: `mv {} {}` in their own terminal (never paste the token into chat); the token in use stays valid until its own expiry",
                shell_quoted(&path.display().to_string()),
                shell_quoted(&target)
            )),
            Err(e2) => SkillError::new(
                ErrorCode::ConfigInvalid,
                format!(
                    "Gandi issued a new token, but {step} in {target} failed ({}) and no file beside it could hold it either ({}): the new token could not be kept",
                    e.kind(),
                    e2.kind()
                ),
            )
            .with_detail("token_file", target)
            .with_hint("the token in use stays valid until its own expiry: fix the folder, then renew again"),
        })
    }

    /// Writes `bytes` to a fresh private temp file beside `dest`, then
    /// renames it over `dest`; the temp file never outlives a failure.
    fn replace(&self, dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let tmp = create_private_unique(&self.dir, &self.name, "tmp", bytes)?;
        std::fs::rename(&tmp, dest).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

/// Writes `bytes` to `dest` atomically with mode 0600 (a unique private
/// temp file beside it, then a rename): for files of the user's own, such as
/// `contact.json`. The folder must exist.
pub(crate) fn write_private(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    let name = dest.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = create_private_unique(dir, name, "tmp", bytes)?;
    std::fs::rename(&tmp, dest).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// `text` as one single-quoted shell word, for a command the user copies.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Creates `<dir>/[.]<name>.<what>-<unique>` afresh (mode 0600, never over
/// an existing file) holding `bytes`, synced to disk. Temp files (`tmp`,
/// `probe`) are hidden; a `renewed` fallback is meant to be seen. Unique
/// names, so that overlapping runs never write into each other's file.
fn create_private_unique(
    dir: &Path,
    name: &str,
    what: &str,
    bytes: &[u8],
) -> std::io::Result<PathBuf> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let hidden = if what == "renewed" { "" } else { "." };
    let mut tries = 0;
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let unique = format!(
            "{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(format!("{hidden}{name}.{what}-{unique}"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                let written = file.write_all(bytes).and_then(|()| file.sync_all());
                drop(file);
                return match written {
                    Ok(()) => Ok(path),
                    Err(e) => {
                        let _ = std::fs::remove_file(&path);
                        Err(e)
                    }
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Hands Gandi's new secret to the output guard first, whatever its shape,
/// then checks it with the very rules a stored token must pass: a value the
/// next run would refuse is never stored, and the old token stays in place.
fn check_renewed(target: &Path, secret: &str, guard: &mut Vec<Token>) -> SkillResult<Token> {
    let value = normalize(secret);
    let pieces = value
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|p| p.len() >= MIN_TOKEN_LEN);
    for piece in std::iter::once(value).chain(pieces) {
        if !piece.is_empty() {
            guard.push(Token(piece.to_string()));
        }
    }
    match shape_problem(value) {
        None => Ok(Token(value.to_string())),
        Some(problem) => Err(SkillError::new(
            ErrorCode::UnexpectedResponse,
            format!(
                "the token in Gandi's renewal answer {problem}, so no later run could use it; nothing was stored: {} still holds the token in use",
                target.display()
            ),
        )
        .with_detail("token_file", target.display().to_string())
        .with_hint("the token in use stays valid until its own expiry: check it with {\"action\":\"token.check\"}; if a new one is needed, create it at the Gandi admin PAT page and store it with scripts/setup_token.sh")),
    }
}

pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(not(unix))]
fn file_mode(_meta: &std::fs::Metadata) -> u32 {
    0o600
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shapes_are_guarded_and_words_are_not() {
        for piece in [
            "f3c9a1e7b2d84c6fa0e5917d3b8c2a4f6e1d9b70",
            "Ab3dEf6hIj9kLm2nOp5qRs8t",
        ] {
            assert!(looks_like_a_secret(piece, 16), "{piece}");
        }
        for piece in [
            "example.com",
            "organization",
            "\"status\":\"error\"",
            "token",
        ] {
            assert!(!looks_like_a_secret(piece, 16), "{piece}");
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let t = Token("pat_secret".into());
        assert!(!format!("{t:?} {t}").contains("pat_secret"));
        assert_eq!(t.authorization(Scheme::Bearer), "Bearer pat_secret");
    }

    #[test]
    fn a_short_secret_is_redacted_as_a_word_a_long_one_everywhere() {
        let short = Token("a".into());
        assert_eq!(
            short.redact("a value: a, \"a\" (a.com) and data"),
            "[redacted] value: [redacted], \"[redacted]\" ([redacted].com) and data"
        );
        assert!(!short.appears_in("the credential"));
        let long = Token("pat_0123456789".into());
        assert_eq!(
            long.redact("xpat_0123456789y pat_0123456789"),
            "x[redacted]y [redacted]"
        );
        assert_eq!(Token(String::new()).redact("text"), "text");
    }

    #[test]
    fn normalize_drops_bom_nul_and_blanks_around_only() {
        assert_eq!(normalize("\u{feff} tok en\r\n\0\0"), "tok en");
        assert_eq!(normalize("\u{feff}\0\0\n"), "");
        // Inside, a NUL stays, for the parser to refuse.
        assert_eq!(normalize("tok\0en\0"), "tok\0en");
        assert!(Token::parse(normalize("tok\0en_long"), "x").is_err());
    }

    #[test]
    fn inner_whitespace_is_refused() {
        let err = Token::parse("abc def", "env:X").unwrap_err();
        assert_eq!(err.code, ErrorCode::MalformedToken);
        assert!(!err.message.contains("abc"));
    }
}
