//! The fake's data model (users, tokens, organizations, domains with their settings: glue, DNSSEC keys, web redirections; LiveDNS zones, snapshots), bulk generators, and the clock/id helpers they use.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::fake::auth::{Scheme, TokenSpec};

/// Everything the fake knows. All fields are public so tests can inspect or
/// rearrange them through `FakeGandi::with_state`.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The first user is the one every seeded token belongs to.
    pub users: Vec<User>,
    /// Keyed by the secret string sent after `Bearer ` / `Apikey `.
    pub tokens: BTreeMap<String, Token>,
    pub orgs: Vec<Org>,
    /// Keyed by the ASCII (punycode) fqdn.
    pub domains: BTreeMap<String, Domain>,
    /// Domains of organizations a request reaches only by naming their
    /// `sharing_id`: Gandi answers 404 for them without it (and the domain
    /// list leaves them out). Keyed like `domains`.
    pub org_only_domains: BTreeMap<String, Domain>,
    /// LiveDNS zones keyed by fqdn.
    pub zones: BTreeMap<String, Zone>,
    /// Snapshots per zone fqdn, oldest first.
    pub snapshots: BTreeMap<String, Vec<Snapshot>>,
    /// Domain prices (check, orders, billing prices).
    pub prices: crate::fake::prices::Prices,
    /// Balance and prepaid funds.
    pub billing: crate::fake::billing::Billing,
    /// The secrets the next PAT renewals hand out, in order (a test's odd
    /// answer); when empty, each renewal makes a random one.
    pub renewal_secrets: Vec<String>,
    /// Transfers in and order faults (availability, prices and orders).
    pub orders: crate::fake::domain_orders::DomainOrders,
    /// Forwards, mailboxes, slots and mailbox prices.
    pub email: crate::fake::email::Email,
    /// Issued certificates and the packages on sale.
    pub certificates: crate::fake::certificates::Certificates,
}

#[derive(Debug, Clone)]
pub struct User {
    /// Also the sharing id of the user's own organization.
    pub id: String,
    pub username: String,
    pub name: String,
    pub firstname: String,
    pub lastname: String,
    pub email: String,
    pub lang: String,
    pub city: String,
    pub streetaddr: String,
    pub zip: String,
    pub country: String,
    pub phone: String,
}

#[derive(Debug, Clone)]
pub struct Org {
    /// The `sharing_id`.
    pub id: String,
    pub name: String,
    /// `individual`, `company`, `association`, `publicbody`.
    pub org_type: String,
    pub firstname: String,
    pub lastname: String,
    pub orgname: String,
    pub email: String,
    pub corporate: bool,
    pub reseller: bool,
}

#[derive(Debug, Clone)]
pub struct Token {
    /// PAT id (stays the same across renewals).
    pub id: String,
    pub spec: TokenSpec,
    /// The organization the PAT is bound to (its `entities`).
    pub org_id: String,
    /// Unix seconds; `i64::MAX` for API keys.
    pub expires_at: i64,
    /// Lifetime given at creation, reused when the token is renewed.
    pub ttl_secs: i64,
}

impl Token {
    pub fn is_expired(&self, now: i64) -> bool {
        self.spec.expired || self.expires_at <= now
    }
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub given: String,
    pub family: String,
    pub email: String,
    pub streetaddr: String,
    pub city: String,
    pub zip: String,
    pub country: String,
    pub phone: String,
    /// `individual` or `company` (strings, as in the docs' response examples).
    pub contact_type: String,
    pub orgname: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Domain {
    /// ASCII form (`xn--caf-dma.fr`).
    pub fqdn: String,
    pub fqdn_unicode: String,
    pub id: String,
    pub tld: String,
    pub status: Vec<String>,
    pub created_at: i64,
    pub registry_created_at: i64,
    pub registry_ends_at: i64,
    pub updated_at: i64,
    pub autorenew: bool,
    pub autorenew_duration: u32,
    /// `livedns`, `abc` (classic), `other`.
    pub nameserver: String,
    pub nameservers: Vec<String>,
    pub owner: String,
    pub orga_owner: String,
    pub domain_owner: String,
    pub tags: Vec<String>,
    /// Organization id owning the domain.
    pub sharing_id: String,
    pub services: Vec<String>,
    pub contact: Contact,
    /// Glue records (hosts inside the domain and their addresses).
    pub hosts: Vec<GlueHost>,
    /// The DNSSEC keys the registry publishes (the parent's DS records).
    pub dnskeys: Vec<DnsKey>,
    /// LiveDNS's DNSSEC signing state: `inactive`, `activating`, `active`,
    /// `deactivating`, `activation_error`, `deactivation_error`.
    pub livednssec: String,
    pub webredirs: Vec<WebRedir>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlueHost {
    /// The label inside the domain (`ns1`), `@` for the domain itself.
    pub name: String,
    pub ips: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsKey {
    pub id: u64,
    pub algorithm: u32,
    pub digest_type: u32,
    pub digest: String,
    pub keytag: u32,
    /// `none`, `zsk` or `ksk`.
    pub key_type: String,
    pub public_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebRedir {
    /// The full host name, domain included.
    pub host: String,
    /// `http301`, `http302` or `cloak`.
    pub rtype: String,
    pub url: String,
    /// `http`, `https` or `httpsonly`.
    pub protocol: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct Zone {
    pub fqdn: String,
    pub automatic_snapshots: bool,
    /// SOA serial shown in zone-file exports; bumped on every change.
    pub serial: u64,
    pub rrsets: Vec<Rrset>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rrset {
    /// Lowercase relative name, `@` for the apex.
    pub name: String,
    /// Uppercase type.
    pub rtype: String,
    pub ttl: u32,
    pub values: Vec<String>,
}

impl Rrset {
    pub fn new(name: &str, rtype: &str, ttl: u32, values: &[&str]) -> Rrset {
        Rrset {
            name: name.to_ascii_lowercase(),
            rtype: rtype.to_ascii_uppercase(),
            ttl,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub automatic: bool,
    pub zone_data: Vec<Rrset>,
}

pub const DEFAULT_TTL: u32 = 10800;
pub const LIVEDNS_NS: [&str; 3] = ["ns-1.gandi.net", "ns-2.gandi.net", "ns-3.gandi.net"];

impl Zone {
    pub fn new(fqdn: &str, rrsets: Vec<Rrset>) -> Zone {
        Zone {
            fqdn: fqdn.to_string(),
            automatic_snapshots: true,
            serial: 1_700_000_000,
            rrsets,
        }
    }

    pub fn find(&self, name: &str, rtype: &str) -> Option<&Rrset> {
        self.rrsets
            .iter()
            .find(|r| r.name == name && r.rtype == rtype)
    }

    /// Replaces the rrset with the same name and type, or adds it.
    pub fn upsert(&mut self, rrset: Rrset) {
        match self
            .rrsets
            .iter_mut()
            .find(|r| r.name == rrset.name && r.rtype == rrset.rtype)
        {
            Some(existing) => *existing = rrset,
            None => self.rrsets.push(rrset),
        }
        self.touch();
    }

    pub fn touch(&mut self) {
        self.serial += 1;
    }

    /// Rrsets in Gandi's listing order (see `sort_key`).
    pub fn sorted(&self) -> Vec<Rrset> {
        let mut v = self.rrsets.clone();
        sort_rrsets(&mut v);
        v
    }
}

/// Gandi lists `@` first and names starting with `_` after the letters
/// (recorded: `www` comes before `_acme-challenge.*`), then by type.
pub fn sort_rrsets(v: &mut [Rrset]) {
    v.sort_by(listing_order);
}

/// The order of `sort_rrsets`, compared in place (a 5,000-rrset zone is
/// sorted on every page request): `@` first, then names with `_` after the
/// letters, then types.
pub fn listing_order(a: &Rrset, b: &Rrset) -> std::cmp::Ordering {
    let key = |c: &u8| if *c == b'_' { 0x7f } else { *c };
    (a.name != "@")
        .cmp(&(b.name != "@"))
        .then_with(|| {
            a.name
                .as_bytes()
                .iter()
                .map(key)
                .cmp(b.name.as_bytes().iter().map(key))
        })
        .then_with(|| a.rtype.cmp(&b.rtype))
}

impl State {
    /// An empty state: no user, no token, nothing. Mostly useful with `add_token`.
    pub fn empty() -> State {
        State::default()
    }

    /// The id of the first user's own organization (where generated things go).
    pub fn personal_org_id(&self) -> String {
        self.users.first().map(|u| u.id.clone()).unwrap_or_default()
    }

    pub fn org(&self, id: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.id == id)
    }

    /// Registers a token under `token` (the secret string), bound to the
    /// user's own organization.
    pub fn add_token(&mut self, token: &str, t: TokenSpec) {
        let now = now_secs();
        let expires_at = match t.scheme {
            Scheme::Apikey => i64::MAX,
            Scheme::Bearer => now.saturating_add(t.expires_in_secs),
        };
        let ttl_secs = t.expires_in_secs;
        let org_id = self.personal_org_id();
        self.tokens.insert(
            token.to_string(),
            Token {
                id: new_uuid(),
                spec: t,
                org_id,
                expires_at,
                ttl_secs,
            },
        );
    }

    /// Adds `n` generated domains `bulk0001.com`, `bulk0002.net`, ... with
    /// mixed TLDs, nameservers (every third is LiveDNS and gets a small zone),
    /// expiry dates, autorenew flags, tags and owners.
    pub fn add_domains(&mut self, n: usize) {
        const TLDS: [&str; 6] = ["com", "net", "org", "fr", "io", "eu"];
        let start = self
            .domains
            .keys()
            .filter(|k| k.starts_with("bulk"))
            .count();
        let personal = self.personal_org_id();
        let company = self
            .orgs
            .iter()
            .find(|o| o.org_type == "company")
            .map(|o| o.id.clone())
            .unwrap_or_else(|| personal.clone());
        let now = now_secs();
        for i in start + 1..=start + n {
            let tld = TLDS[i % TLDS.len()];
            let fqdn = format!("bulk{i:04}.{tld}");
            let (nameserver, nameservers): (&str, Vec<String>) = match i % 3 {
                0 => (
                    "livedns",
                    LIVEDNS_NS.iter().map(|s| s.to_string()).collect(),
                ),
                1 => (
                    "other",
                    vec!["ns1.example-dns.net".into(), "ns2.example-dns.net".into()],
                ),
                _ => (
                    "abc",
                    vec!["a.dns.gandi.net".into(), "b.dns.gandi.net".into()],
                ),
            };
            let sharing_id = if i % 5 == 0 {
                company.clone()
            } else {
                personal.clone()
            };
            let tags = match i % 4 {
                0 => vec![],
                1 => vec!["prod".to_string()],
                2 => vec!["staging".to_string(), "client-a".to_string()],
                _ => vec!["parked".to_string()],
            };
            let created = now - DAY * (400 + (i as i64 * 13) % 2000);
            let ends = now + DAY * (2 + (i as i64 * 37) % 900);
            let mut d = self.make_domain(&fqdn, &fqdn, &sharing_id, created, ends);
            d.autorenew = i % 2 == 0;
            d.nameserver = nameserver.to_string();
            d.nameservers = nameservers;
            d.tags = tags;
            if nameserver == "livedns" {
                d.services = vec!["gandilivedns".to_string()];
                self.zones.insert(
                    fqdn.clone(),
                    Zone::new(
                        &fqdn,
                        vec![
                            Rrset::new("@", "A", 10800, &["192.0.2.10"]),
                            Rrset::new("www", "CNAME", 10800, &["webredir.vip.gandi.net."]),
                        ],
                    ),
                );
            }
            self.domains.insert(fqdn, d);
        }
    }

    /// Adds the LiveDNS domain `fqdn` with a zone of `n` rrsets: the apex
    /// (A, MX, TXT) and generated names `host00001`... with A, AAAA, CNAME,
    /// TXT and MX rrsets in turn (large-zone tests and benchmarks).
    pub fn add_zone(&mut self, fqdn: &str, n: usize) {
        let mut rrsets = vec![
            Rrset::new("@", "A", 10800, &["192.0.2.1"]),
            Rrset::new(
                "@",
                "MX",
                10800,
                &["10 mx1.example.net.", "20 mx2.example.net."],
            ),
            Rrset::new(
                "@",
                "TXT",
                10800,
                &["\"v=spf1 include:_mailcust.gandi.net ?all\""],
            ),
        ];
        for i in 1..=n.saturating_sub(rrsets.len()) {
            let name = format!("host{i:05}");
            let (rtype, value) = match i % 5 {
                0 => ("A", format!("198.51.{}.{}", (i / 250) % 250, i % 250 + 1)),
                1 => ("AAAA", format!("2001:db8::{i:x}")),
                2 => ("CNAME", "webredir.vip.gandi.net.".to_string()),
                3 => ("TXT", format!("\"site-verification={i:016x}\"")),
                _ => ("MX", format!("10 mx{}.example.net.", i % 7)),
            };
            rrsets.push(Rrset::new(
                &name,
                rtype,
                300 + (i as u32 % 4) * 1800,
                &[&value],
            ));
        }
        let now = now_secs();
        let org = self.personal_org_id();
        let d = self.make_domain(fqdn, fqdn, &org, now - 400 * DAY, now + 300 * DAY);
        self.domains.insert(fqdn.to_string(), d);
        self.zones.insert(fqdn.to_string(), Zone::new(fqdn, rrsets));
    }

    /// Builds a domain with sensible defaults, owned by organization `sharing_id`.
    pub fn make_domain(
        &self,
        fqdn: &str,
        fqdn_unicode: &str,
        sharing_id: &str,
        created_at: i64,
        registry_ends_at: i64,
    ) -> Domain {
        let org = self.org(sharing_id);
        let user = self.users.first();
        let owner = user.map(|u| u.username.clone()).unwrap_or_default();
        let (orga_owner, domain_owner, contact) = match org {
            Some(o) if o.org_type != "individual" => (
                o.name.clone(),
                o.orgname.clone(),
                Contact {
                    given: o.firstname.clone(),
                    family: o.lastname.clone(),
                    email: o.email.clone(),
                    streetaddr: "12 rue des Lilas".into(),
                    city: "Lyon".into(),
                    zip: "69001".into(),
                    country: "FR".into(),
                    phone: "+33.478000000".into(),
                    contact_type: "company".into(),
                    orgname: Some(o.orgname.clone()),
                },
            ),
            _ => {
                let (given, family, email, street, city, zip, country, phone) = match user {
                    Some(u) => (
                        u.firstname.clone(),
                        u.lastname.clone(),
                        u.email.clone(),
                        u.streetaddr.clone(),
                        u.city.clone(),
                        u.zip.clone(),
                        u.country.clone(),
                        u.phone.clone(),
                    ),
                    None => Default::default(),
                };
                (
                    owner.clone(),
                    format!("{given} {family}"),
                    Contact {
                        given,
                        family,
                        email,
                        streetaddr: street,
                        city,
                        zip,
                        country,
                        phone,
                        contact_type: "individual".into(),
                        orgname: None,
                    },
                )
            }
        };
        Domain {
            fqdn: fqdn.to_string(),
            fqdn_unicode: fqdn_unicode.to_string(),
            id: new_uuid(),
            tld: fqdn.rsplit('.').next().unwrap_or_default().to_string(),
            status: vec!["clientTransferProhibited".to_string()],
            created_at,
            registry_created_at: created_at,
            registry_ends_at,
            updated_at: created_at + DAY,
            autorenew: false,
            autorenew_duration: 1,
            nameserver: "livedns".to_string(),
            nameservers: LIVEDNS_NS.iter().map(|s| s.to_string()).collect(),
            owner,
            orga_owner,
            domain_owner,
            tags: Vec::new(),
            sharing_id: sharing_id.to_string(),
            services: vec!["gandilivedns".to_string()],
            contact,
            hosts: Vec::new(),
            dnskeys: Vec::new(),
            livednssec: "inactive".to_string(),
            webredirs: Vec::new(),
        }
    }

    /// The organization a zone belongs to: its domain's, else the user's own.
    pub fn zone_org(&self, fqdn: &str) -> String {
        self.domains
            .get(fqdn)
            .map(|d| d.sharing_id.clone())
            .unwrap_or_else(|| self.personal_org_id())
    }
}

// ---------------------------------------------------------------------------
// Clock and ids

pub const DAY: i64 = 86_400;

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2024-05-01T12:34:56Z`.
pub fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(DAY);
    let rem = secs.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)`; other offsets are applied.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.len() < 19 || !s.is_char_boundary(19) {
        return None;
    }
    let (main, rest) = s.split_at(19);
    let b = main.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') || b[13] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| main.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = rest;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.chars().take_while(|c| c.is_ascii_digit()).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) => {
            let oh = o.get(1..3)?.parse::<i64>().ok()?;
            let om = o.get(4..6)?.parse::<i64>().ok()?;
            let sign = if o.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + se - offset)
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// 64 unpredictable bits (std's randomly keyed SipHash over a counter and the clock).
pub fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

/// `xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx`.
pub fn new_uuid() -> String {
    let a = random_u64();
    let b = random_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

/// A 40-character token of lowercase letters and digits.
pub fn new_token_secret() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(40);
    while out.len() < 40 {
        let mut r = random_u64();
        for _ in 0..8 {
            if out.len() == 40 {
                break;
            }
            out.push(ALPHABET[(r % ALPHABET.len() as u64) as usize] as char);
            r /= ALPHABET.len() as u64;
        }
    }
    out
}
