//! Tests: page/per_page, default page sizes (truncation when unpaged), count headers and Link URLs on the server's own address.

use super::get;
use crate::fake::state::Rrset;
use crate::fake::FakeGandi;

fn bulk() -> FakeGandi {
    let fake = FakeGandi::start();
    fake.with_state(|s| s.add_domains(250));
    fake
}

#[test]
fn unpaged_domain_list_returns_only_the_first_100() {
    let fake = bulk();
    let total = fake.with_state(|s| s.domains.len());
    assert_eq!(total, 256);
    let r = get(&fake, "/v5/domain/domains");
    assert_eq!(r.status, 200);
    assert_eq!(r.json().as_array().unwrap().len(), 100);
    assert_eq!(r.header("total-count"), Some("256"));
    assert_eq!(r.header("filtered-count"), Some("256"));
    // The API-specific header name is lowercase, as recorded.
    assert!(r.headers.iter().any(|(k, _)| k == "total-count"));
    let url = fake.url();
    assert_eq!(
        r.header("link"),
        Some(
            format!(
                "<{url}/v5/domain/domains?page=2>; rel=\"next\", <{url}/v5/domain/domains?page=3>; rel=\"last\""
            )
            .as_str()
        )
    );
}

#[test]
fn link_keeps_other_params_and_the_last_page_has_no_link() {
    let fake = bulk();
    let url = fake.url();
    let r = get(
        &fake,
        "/v5/domain/domains?sort_by=fqdn&per_page=50&sharing_id=0f8e4d2c-6b1a-4c9e-8d7f-3a5b1c2e4f60",
    );
    let n = r.json().as_array().unwrap().len();
    assert_eq!(n, 50);
    let filtered: usize = r.header("filtered-count").unwrap().parse().unwrap();
    assert!(filtered < 256 && filtered > 150, "{filtered}");
    let last = filtered.div_ceil(50);
    let link = r.header("link").unwrap();
    assert_eq!(
        link,
        format!(
            "<{url}/v5/domain/domains?sort_by=fqdn&per_page=50&sharing_id=0f8e4d2c-6b1a-4c9e-8d7f-3a5b1c2e4f60&page=2>; rel=\"next\", <{url}/v5/domain/domains?sort_by=fqdn&per_page=50&sharing_id=0f8e4d2c-6b1a-4c9e-8d7f-3a5b1c2e4f60&page={last}>; rel=\"last\""
        )
    );

    // Follow the next links to the end: every domain exactly once.
    let mut seen = Vec::new();
    let mut next = Some(format!("{url}/v5/domain/domains?per_page=70"));
    let mut pages = 0;
    while let Some(abs) = next {
        let r = get(&fake, abs.trim_start_matches(&url));
        pages += 1;
        for d in r.json().as_array().unwrap() {
            seen.push(d["fqdn"].as_str().unwrap().to_string());
        }
        next = r.header("link").and_then(|l| {
            l.split(", ")
                .find(|p| p.ends_with("rel=\"next\""))
                .map(|p| p[1..p.find('>').unwrap()].to_string())
        });
    }
    assert_eq!(pages, 4);
    assert_eq!(seen.len(), 256);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen);
}

#[test]
fn page_beyond_the_end_is_empty_and_bad_params_are_400() {
    let fake = bulk();
    let r = get(&fake, "/v5/domain/domains?page=4");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "[]");
    assert_eq!(r.header("total-count"), Some("256"));
    assert_eq!(r.header("link"), None);
    for q in ["page=0", "page=abc", "per_page=0", "per_page=-1", "page="] {
        let r = get(&fake, &format!("/v5/domain/domains?{q}"));
        assert_eq!(r.status, 400, "{q}");
        let v = r.json();
        assert_eq!(v["status"], "error");
        assert_eq!(v["errors"][0]["location"], "querystring");
    }
}

#[test]
fn records_default_to_500_per_page() {
    let fake = FakeGandi::start();
    fake.with_state(|s| {
        let z = s.zones.get_mut("example.com").unwrap();
        for i in 0..620 {
            z.rrsets
                .push(Rrset::new(&format!("host{i:04}"), "A", 300, &["192.0.2.1"]));
        }
    });
    let r = get(&fake, "/v5/livedns/domains/example.com/records");
    assert_eq!(r.json().as_array().unwrap().len(), 500);
    assert_eq!(r.header("total-count"), Some("630"));
    assert!(r.header("link").unwrap().contains("page=2>; rel=\"next\""));
    let r = get(&fake, "/v5/livedns/domains/example.com/records?page=2");
    assert_eq!(r.json().as_array().unwrap().len(), 130);
    // A small zone fits in one page: no Link, like the recording.
    let r = get(&fake, "/v5/livedns/domains/unit.tests/records");
    assert_eq!(r.header("total-count"), Some("18"));
    assert_eq!(r.header("link"), None);
}

#[test]
fn zone_list_is_paged_and_filtered_by_sharing_id() {
    let fake = bulk();
    let r = get(&fake, "/v5/livedns/domains?per_page=10");
    assert_eq!(r.json().as_array().unwrap().len(), 10);
    let total: usize = r.header("total-count").unwrap().parse().unwrap();
    assert_eq!(total, 5 + 250 / 3);
    let v = get(
        &fake,
        &format!(
            "/v5/livedns/domains?sharing_id={}&per_page=500",
            crate::fake::COMPANY_ORG_ID
        ),
    )
    .json();
    let fqdns: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["fqdn"].as_str().unwrap())
        .collect();
    assert!(fqdns.contains(&"acme-corp.com"));
    assert!(!fqdns.contains(&"example.com"));
    let first = &v[0];
    let url = fake.url();
    let f = first["fqdn"].as_str().unwrap();
    assert_eq!(
        first["domain_href"],
        format!("{url}/v5/livedns/domains/{f}")
    );
    assert_eq!(
        first["domain_records_href"],
        format!("{url}/v5/livedns/domains/{f}/records")
    );
}
