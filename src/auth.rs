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

/// The secret. Its `Debug` and `Display` never show it; the one way out is
/// [`Token::authorization`], used by the HTTP client for the header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Checks a raw value (already trimmed) and wraps it.
    fn parse(raw: &str, source: &str) -> SkillResult<Token> {
        if raw
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(SkillError::new(
                ErrorCode::MalformedToken,
                format!("the credential from {source} contains whitespace, control or non-ASCII characters inside it"),
            )
            .with_detail("credential_source", source)
            .with_hint("store the token again with scripts/setup_token.sh (it must be one line with no spaces)"));
        }
        Ok(Token(raw.to_string()))
    }

    /// The `Authorization` header value. The only place the secret leaves.
    pub fn authorization(&self, scheme: Scheme) -> String {
        format!("{} {}", scheme.as_str(), self.0)
    }

    /// Whether `text` contains the secret (for the last-line redaction of output).
    pub fn appears_in(&self, text: &str) -> bool {
        !self.0.is_empty() && text.contains(&self.0)
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

    /// `text` with every occurrence of the secret replaced.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, "[redacted]")
        }
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
/// the selection (and the default one) points to, whether or not they would
/// pass the checks. The output guard redacts them even from replies made
/// before any request (a token pasted into a parameter, an insecure file).
///
/// Only regular files of token size are read (never a FIFO or a device), and
/// only token-like pieces are kept, so that a stray word in a file never
/// blanks out ordinary text. Never fails.
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
        for file in [
            "api_token",
            "api_key",
            "api_token.previous",
            "api_key.previous",
        ] {
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
        // The whole value is meant to be a token, whatever its shape; a
        // piece of a value with spaces in it must look like one on its own.
        let whole = value.trim();
        let whole = (whole.len() >= 8 && !whole.contains(char::is_whitespace)).then_some(whole);
        let pieces = value
            .split_whitespace()
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
/// on every OS.
pub fn config_dir(env: &Env) -> SkillResult<PathBuf> {
    if let Some(dir) = env.var("GANDI_CONFIG_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = env.var("XDG_CONFIG_HOME") {
        return Ok(Path::new(dir).join("gandi"));
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
            let raw = raw.trim();
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
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    Ok(Some((Token::parse(trimmed, &source)?, mode)))
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

/// Stores a new secret at `path` atomically with mode 0600 (temp file in the
/// same folder, then rename); an existing file is kept as `<name>.previous`.
/// Returns the `.previous` path when one was kept, and the new token (so the
/// output guard can redact it too). The secret is checked like any stored
/// token before anything is written.
pub fn store_token(path: &Path, secret: &str) -> SkillResult<(Option<PathBuf>, Token)> {
    let token = Token::parse(secret.trim(), "Gandi's renewal answer")?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |what: &str, e: std::io::Error| {
        SkillError::new(
            ErrorCode::ConfigInvalid,
            format!("the token was renewed but could not be stored: {what} {}: {}", dir.display(), e.kind()),
        )
        .with_hint("the previous token stays valid until its own expiry; fix the folder's permissions and renew again, or create a token at the Gandi admin PAT page and run scripts/setup_token.sh")
    };
    create_private_dir(dir).map_err(|e| fail("cannot create", e))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("api_token");
    let previous = dir.join(format!("{name}.previous"));
    let kept = if path.is_file() {
        let old = std::fs::read(path).map_err(|e| fail("cannot read the old token in", e))?;
        write_private(&dir.join(format!(".{name}.previous.tmp")), &old, &previous)
            .map_err(|e| fail("cannot keep the old token in", e))?;
        Some(previous)
    } else {
        None
    };
    let mut content = token.0.clone().into_bytes();
    content.push(b'\n');
    write_private(&dir.join(format!(".{name}.tmp")), &content, path)
        .map_err(|e| fail("cannot write in", e))?;
    Ok((kept, token))
}

/// Writes `bytes` to `tmp` (mode 0600, created fresh) and renames it to `dest`.
pub(crate) fn write_private(tmp: &Path, bytes: &[u8], dest: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let _ = std::fs::remove_file(tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(tmp, dest)
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
    fn inner_whitespace_is_refused() {
        let err = Token::parse("abc def", "env:X").unwrap_err();
        assert_eq!(err.code, ErrorCode::MalformedToken);
        assert!(!err.message.contains("abc"));
    }
}
