//! The default seed: user `jdoe`, three organizations, six domains (one IDN, one company-owned) plus one of a third organization that Gandi shows only with its `sharing_id`, the domains' settings (glue, DNSSEC, web redirections, one unlocked), LiveDNS zones with realistic records, and the seeded tokens.

use crate::fake::auth::seed_tokens;
use crate::fake::state::{
    now_secs, DnsKey, GlueHost, Org, Rrset, Snapshot, State, User, WebRedir, Zone, DAY,
};

pub const USER_ID: &str = "0f8e4d2c-6b1a-4c9e-8d7f-3a5b1c2e4f60";
pub const COMPANY_ORG_ID: &str = "7c3a9e1f-2d4b-4a6c-8e0f-1b3d5f7a9c2e";
/// A third organization the user belongs to; its domain `partner-shop.com`
/// is found only when a request names this `sharing_id`.
pub const PARTNER_ORG_ID: &str = "3e5b7d9f-1a2c-4e6f-9b8d-5c7e9f1a3b5d";
/// The keytag of the DS key the registry publishes for `café.fr`.
pub const CAFE_KEYTAG: u32 = 24_680;
/// An automatic snapshot of `example.com` taken two days ago, before `blog`
/// was added (the id the catalog's examples use).
pub const SEEDED_SNAPSHOT_ID: &str = "4a1f7c2e-3b5d-4e6f-8a9b-0c1d2e3f4a5b";

/// The DKIM value of `gm1._domainkey.example.com`: a 2048-bit key (over 255
/// bytes), stored as Gandi does: several quoted chunks in ONE value.
pub fn example_dkim_value() -> String {
    let mut key = String::from("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
    let filler = "u3Xq8Zr1Vb7Kp2Lm9Nc4Td6Wf0Ye5Hg";
    while key.len() < 420 {
        key.push_str(filler);
    }
    key.push_str("IDAQAB");
    let chunks: Vec<String> = key
        .as_bytes()
        .chunks(255)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect();
    chunks.join(" ")
}

/// The rrsets of `unit.tests` (octodns-gandi `gandi-no-changes.json`).
pub fn unit_tests_rrsets() -> Vec<Rrset> {
    vec![
        Rrset::new("@", "A", 300, &["1.2.3.4", "1.2.3.5"]),
        Rrset::new("@", "CAA", 3600, &["0 issue \"ca.unit.tests\""]),
        Rrset::new(
            "@",
            "SSHFP",
            3600,
            &[
                "1 1 7491973e5f8b39d5327cd4e08bc81b05f7710b49",
                "1 1 bf6b6825d2977c511a475bbefb88aad54a92ac73",
            ],
        ),
        Rrset::new(
            "aaaa",
            "AAAA",
            600,
            &["2601:644:500:e210:62f8:1dff:feb8:947a"],
        ),
        Rrset::new("cname", "CNAME", 300, &["unit.tests."]),
        Rrset::new("dname", "DNAME", 300, &["unit.tests."]),
        Rrset::new("excluded", "CNAME", 3600, &["unit.tests."]),
        Rrset::new(
            "mx",
            "MX",
            300,
            &[
                "10 smtp-4.unit.tests.",
                "20 smtp-2.unit.tests.",
                "30 smtp-3.unit.tests.",
                "40 smtp-1.unit.tests.",
            ],
        ),
        Rrset::new("ptr", "PTR", 300, &["foo.bar.com."]),
        Rrset::new("spf", "SPF", 600, &["\"v=spf1 ip4:192.168.0.1/16-all\""]),
        Rrset::new(
            "txt",
            "TXT",
            600,
            &[
                "\"Bah bah black sheep\"",
                "\"have you any wool.\"",
                "\"v=DKIM1;k=rsa;s=email;h=sha256;p=A/kinda+of/long/string+with+numb3rs\"",
            ],
        ),
        Rrset::new("www", "A", 300, &["2.2.3.6"]),
        Rrset::new("www.sub", "A", 300, &["2.2.3.6"]),
        Rrset::new("_imap._tcp", "SRV", 600, &["0 0 0 ."]),
        Rrset::new("_pop3._tcp", "SRV", 600, &["0 0 0 ."]),
        Rrset::new(
            "_srv._tcp",
            "SRV",
            600,
            &["10 20 30 foo-1.unit.tests.", "12 20 30 foo-2.unit.tests."],
        ),
        Rrset::new(
            "_25._tcp.mx1",
            "TLSA",
            3600,
            &["3 1 1 8a9a70596e869bed72c69d97a8895dfa"],
        ),
        Rrset::new(
            "_25._tcp.mx2",
            "TLSA",
            3600,
            &["3 1 1 c164b2c3f36d068d42a6138e446152f568615f28c69bd96a73e354cac88ed00c"],
        ),
    ]
}

fn example_com_rrsets() -> Vec<Rrset> {
    let dkim = example_dkim_value();
    vec![
        Rrset::new("@", "A", 10800, &["192.0.2.1", "192.0.2.2"]),
        Rrset::new("@", "AAAA", 10800, &["2001:db8::1"]),
        Rrset::new("@", "MX", 10800, &["10 spool.mail.gandi.net."]),
        Rrset::new(
            "@",
            "TXT",
            10800,
            &["\"v=spf1 include:_mailcust.gandi.net ?all\""],
        ),
        Rrset::new("@", "CAA", 10800, &["0 issue \"letsencrypt.org\""]),
        Rrset::new("www", "CNAME", 10800, &["webredir.vip.gandi.net."]),
        Rrset::new(
            "_dmarc",
            "TXT",
            10800,
            &["\"v=DMARC1; p=none; rua=mailto:dmarc@example.com\""],
        ),
        Rrset::new("gm1._domainkey", "TXT", 10800, &[dkim.as_str()]),
        Rrset::new("_sip._tcp", "SRV", 3600, &["10 60 5060 sip.example.com."]),
        Rrset::new("blog", "A", 300, &["198.51.100.7"]),
    ]
}

fn small_zone(fqdn: &str, ip: &str) -> Zone {
    Zone::new(
        fqdn,
        vec![
            Rrset::new("@", "A", 10800, &[ip]),
            Rrset::new("@", "MX", 10800, &["10 spool.mail.gandi.net."]),
            Rrset::new("www", "CNAME", 10800, &["webredir.vip.gandi.net."]),
        ],
    )
}

impl State {
    /// The default seed used by `FakeGandi::start()`.
    pub fn seeded() -> State {
        let mut s = State::empty();
        s.users.push(User {
            id: USER_ID.to_string(),
            username: "jdoe".to_string(),
            name: "John Doe".to_string(),
            firstname: "John".to_string(),
            lastname: "Doe".to_string(),
            email: "jdoe@example.org".to_string(),
            lang: "en".to_string(),
            city: "Paris".to_string(),
            streetaddr: "5 rue Neuve".to_string(),
            zip: "75001".to_string(),
            country: "FR".to_string(),
            phone: "+33.123456789".to_string(),
        });
        s.orgs.push(Org {
            id: USER_ID.to_string(),
            name: "jdoe".to_string(),
            org_type: "individual".to_string(),
            firstname: "John".to_string(),
            lastname: "Doe".to_string(),
            orgname: String::new(),
            email: "jdoe@example.org".to_string(),
            corporate: false,
            reseller: false,
        });
        s.orgs.push(Org {
            id: COMPANY_ORG_ID.to_string(),
            name: "acme-corp".to_string(),
            org_type: "company".to_string(),
            firstname: "Alice".to_string(),
            lastname: "Martin".to_string(),
            orgname: "ACME Corp SAS".to_string(),
            email: "it@acme-corp.example".to_string(),
            corporate: true,
            reseller: false,
        });
        seed_tokens(&mut s);

        let now = now_secs();
        let me = USER_ID;

        let mut d = s.make_domain(
            "example.com",
            "example.com",
            me,
            now - 900 * DAY,
            now + 200 * DAY,
        );
        d.autorenew = true;
        d.tags = vec!["prod".to_string(), "web".to_string()];
        d.services = vec!["gandilivedns".to_string(), "mailboxv2".to_string()];
        s.domains.insert(d.fqdn.clone(), d);

        let mut d = s.make_domain(
            "example.net",
            "example.net",
            me,
            now - 500 * DAY,
            now + 120 * DAY,
        );
        d.nameserver = "other".to_string();
        d.nameservers = vec![
            "ns1.example-dns.net".to_string(),
            "ns2.example-dns.net".to_string(),
        ];
        d.services = Vec::new();
        d.autorenew = true;
        s.domains.insert(d.fqdn.clone(), d);

        let mut d = s.make_domain(
            "expiring-soon.org",
            "expiring-soon.org",
            me,
            now - 355 * DAY,
            now + 10 * DAY,
        );
        d.autorenew = false;
        d.tags = vec!["parked".to_string()];
        s.domains.insert(d.fqdn.clone(), d);

        let mut d = s.make_domain(
            "xn--caf-dma.fr",
            "café.fr",
            me,
            now - 300 * DAY,
            now + 65 * DAY,
        );
        d.autorenew = true;
        s.domains.insert(d.fqdn.clone(), d);

        let mut d = s.make_domain(
            "acme-corp.com",
            "acme-corp.com",
            COMPANY_ORG_ID,
            now - 2000 * DAY,
            now + 400 * DAY,
        );
        d.autorenew = true;
        d.tags = vec!["corporate".to_string()];
        s.domains.insert(d.fqdn.clone(), d);

        let mut d = s.make_domain(
            "oldsite.eu",
            "oldsite.eu",
            me,
            now - 1200 * DAY,
            now + 30 * DAY,
        );
        d.nameserver = "abc".to_string();
        d.nameservers = vec!["a.dns.gandi.net".to_string(), "b.dns.gandi.net".to_string()];
        d.services = Vec::new();
        s.domains.insert(d.fqdn.clone(), d);

        s.zones.insert(
            "example.com".to_string(),
            Zone::new("example.com", example_com_rrsets()),
        );
        let mut before_blog: Vec<Rrset> = example_com_rrsets()
            .into_iter()
            .filter(|r| r.name != "blog")
            .collect();
        crate::fake::state::sort_rrsets(&mut before_blog);
        s.snapshots.insert(
            "example.com".to_string(),
            vec![Snapshot {
                id: SEEDED_SNAPSHOT_ID.to_string(),
                name: format!("{} #1", &crate::fake::state::iso8601(now - 2 * DAY)[..10]),
                created_at: now - 2 * DAY,
                automatic: true,
                zone_data: before_blog,
            }],
        );
        s.zones.insert(
            "expiring-soon.org".to_string(),
            small_zone("expiring-soon.org", "192.0.2.20"),
        );
        s.zones.insert(
            "xn--caf-dma.fr".to_string(),
            small_zone("xn--caf-dma.fr", "192.0.2.30"),
        );
        s.zones.insert(
            "acme-corp.com".to_string(),
            small_zone("acme-corp.com", "192.0.2.40"),
        );
        s.zones.insert(
            "unit.tests".to_string(),
            Zone::new("unit.tests", unit_tests_rrsets()),
        );
        s.orders = crate::fake::domain_orders::DomainOrders::seeded();
        seed_settings(&mut s);
        s.email = crate::fake::email::Email::seeded();
        s.certificates = crate::fake::certificates::Certificates::seeded();
        s
    }
}

/// The domains' settings: glue hosts and a web redirection on
/// `example.com`, LiveDNS signing with a published key on `café.fr`, no
/// transfer lock on `oldsite.eu`, and the third organization with its
/// domain.
fn seed_settings(s: &mut State) {
    let now = now_secs();
    if let Some(d) = s.domains.get_mut("example.com") {
        d.hosts = vec![GlueHost {
            name: "ns1".to_string(),
            ips: vec!["192.0.2.53".to_string(), "2001:db8::53".to_string()],
        }];
        d.webredirs = vec![WebRedir {
            host: "www.example.com".to_string(),
            rtype: "http301".to_string(),
            url: "https://www.example.org/".to_string(),
            protocol: "https".to_string(),
            created_at: now - 100 * DAY,
            updated_at: now - 100 * DAY,
        }];
    }
    if let Some(d) = s.domains.get_mut("xn--caf-dma.fr") {
        d.livednssec = "active".to_string();
        d.dnskeys = vec![DnsKey {
            id: 1,
            algorithm: 13,
            digest_type: 2,
            digest: "3a8d2b6c9e1f4a7b0c5d8e2f6a9b3c7d1e4f8a2b5c9d3e6f0a4b7c1d5e8f2a6b".to_string(),
            keytag: CAFE_KEYTAG,
            key_type: "ksk".to_string(),
            public_key: "dGhpcyBpcyBhIHNlZWRlZCBFQ0RTQSBQLTI1NiBwdWJsaWMga2V5IGZvciBjYWbDqS5mcg=="
                .to_string(),
        }];
    }
    if let Some(d) = s.domains.get_mut("oldsite.eu") {
        d.status.clear();
    }
    s.orgs.push(Org {
        id: PARTNER_ORG_ID.to_string(),
        name: "partner-agency".to_string(),
        org_type: "association".to_string(),
        firstname: "Paul".to_string(),
        lastname: "Durand".to_string(),
        orgname: "Partner Agency".to_string(),
        email: "admin@partner-agency.example".to_string(),
        corporate: false,
        reseller: false,
    });
    let mut d = s.make_domain(
        "partner-shop.com",
        "partner-shop.com",
        PARTNER_ORG_ID,
        now - 700 * DAY,
        now + 90 * DAY,
    );
    d.nameserver = "other".to_string();
    d.nameservers = vec![
        "ns1.partner-dns.example".to_string(),
        "ns2.partner-dns.example".to_string(),
    ];
    d.services = Vec::new();
    s.org_only_domains.insert(d.fqdn.clone(), d);
}
