//! Walking a Gandi list: `page`/`per_page`, the `Link rel="next"` URL (only
//! its path and query: a Link never sends the token to another host),
//! `Total-Count`, and loop detection; each page is decoded into typed items.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::de::DeserializeOwned;
use ureq::http::Method;

use super::endpoints::decode;
use super::{Body, Client};
use crate::error::{ErrorCode, SkillError, SkillResult};

/// Items asked for per page when following a whole list.
pub const PER_PAGE: u32 = 100;
/// A list never reads more pages than this (a loop guard, not a limit users meet).
const MAX_PAGES: u32 = 10_000;

/// Which part of a list to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// Every page, `PER_PAGE` at a time.
    All,
    /// Every page, this many at a time.
    AllBy(u32),
    /// Only this page.
    Page { page: u32, per_page: u32 },
}

/// A whole list (or the one page asked for).
#[derive(Debug)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total_count: Option<u64>,
    pub pages_fetched: u32,
}

impl Client {
    /// Reads a list, following every page unless one page was asked for.
    ///
    /// The next page is the `Link rel="next"` URL when Gandi sends one, else
    /// `page + 1` while pages come back full and `Total-Count` is not reached.
    /// Counts alone never end the walk early: under a filter Gandi's
    /// `Total-Count` counts the whole collection.
    pub fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        paging: Paging,
    ) -> SkillResult<Listing<T>> {
        let (first_page, per_page) = match paging {
            Paging::All => (1, PER_PAGE),
            Paging::AllBy(n) => (1, n),
            Paging::Page { page, per_page } => (page, per_page),
        };
        let mut listing = Listing {
            items: Vec::new(),
            total_count: None,
            pages_fetched: 0,
        };
        let mut base_query: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| *k != "page" && *k != "per_page")
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        base_query.push(("per_page".into(), per_page.to_string()));
        let first_path = format!("/v5/{path}");
        let mut next = Some((
            first_path.clone(),
            with_param(base_query.clone(), "page", first_page.to_string()),
        ));
        let mut page_number = first_page;
        let mut previous_page: Option<u64> = None;
        let mut asked: HashSet<(String, Vec<(String, String)>)> = HashSet::new();
        while let Some((next_path, next_query)) = next.take() {
            if listing.pages_fetched >= MAX_PAGES {
                return Err(SkillError::new(
                    ErrorCode::UnexpectedResponse,
                    format!("gave up after {MAX_PAGES} pages of {path}"),
                ));
            }
            let mut canonical = next_query.clone();
            canonical.sort();
            if !asked.insert((next_path.clone(), canonical)) {
                return Err(looping(path));
            }
            let q: Vec<(&str, String)> = next_query
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            let answer = self.call_url(Method::GET, &next_path, &q, Body::None, &[])?;
            listing.pages_fetched += 1;
            let count = |name: &str| {
                answer
                    .header(name)
                    .and_then(|v| v.trim().parse::<u64>().ok())
            };
            let total = count("total-count");
            let filtered = count("filtered-count");
            let link_next = answer.header("link").and_then(next_link);
            let items: Vec<T> = answer.json_or_default()?;
            if matches!(paging, Paging::Page { .. }) {
                listing.total_count = filtered.or(total);
                listing.items = items;
                return Ok(listing);
            }
            if items.is_empty() {
                break;
            }
            let fingerprint = {
                let mut h = DefaultHasher::new();
                answer.bytes.hash(&mut h);
                h.finish()
            };
            if previous_page == Some(fingerprint) {
                return Err(looping(path));
            }
            previous_page = Some(fingerprint);
            let full_page = items.len() as u64 >= u64::from(per_page);
            listing.items.extend(items);
            let collected = listing.items.len() as u64;
            let reached_total = total.is_some_and(|t| collected >= t);
            // A short page is not the end while Total-Count says more: Gandi
            // may serve fewer than `per_page` per page (its maximum is not
            // documented). Past the end it answers `[]`, which stops the walk.
            let more_expected = full_page || total.is_some_and(|t| collected < t);
            next = match link_next {
                Some((p, q)) if !reached_total => {
                    if let Some(n) = q
                        .iter()
                        .find(|(k, _)| k == "page")
                        .and_then(|(_, v)| v.parse::<u32>().ok())
                    {
                        page_number = n;
                    }
                    Some((p, q))
                }
                Some(_) => None,
                None if more_expected && !reached_total => {
                    page_number += 1;
                    Some((
                        first_path.clone(),
                        with_param(base_query.clone(), "page", page_number.to_string()),
                    ))
                }
                None => None,
            };
        }
        listing.total_count = Some(listing.items.len() as u64);
        Ok(listing)
    }
}

fn looping(path: &str) -> SkillError {
    SkillError::new(
        ErrorCode::UnexpectedResponse,
        format!("Gandi returned the same page of {path} twice; stopped to avoid a loop"),
    )
    .with_hint(
        "try again in a minute; if it keeps happening, read one page at a time with \"page\" and \"per_page\"",
    )
}

fn with_param(mut q: Vec<(String, String)>, key: &str, value: String) -> Vec<(String, String)> {
    q.retain(|(k, _)| k != key);
    q.push((key.to_string(), value));
    q
}

/// The path and query of the `rel="next"` URL in a `Link` header. Only the
/// path and query are kept: the request always goes to our own base URL, so
/// a Link can never send the token to another host.
fn next_link(link: &str) -> Option<(String, Vec<(String, String)>)> {
    for part in link.split(',') {
        let (url, params) = part.split_once(';')?;
        if !params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        }) {
            continue;
        }
        let url = url.trim().trim_start_matches('<').trim_end_matches('>');
        let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
        let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        if !path.starts_with("/v5/") {
            return None;
        }
        let pairs = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (decode(k), decode(v))
            })
            .collect();
        return Some((path.to_string(), pairs));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_next_keeps_path_and_query_only() {
        let link = "<https://evil.example/v5/domain/domains?page=2&sort_by=fqdn>; rel=\"next\", <https://api.gandi.net/v5/domain/domains?page=9>; rel=\"last\"";
        let Some((path, q)) = next_link(link) else {
            panic!("no next link in {link}");
        };
        assert_eq!(path, "/v5/domain/domains");
        assert_eq!(
            q,
            vec![
                ("page".into(), "2".into()),
                ("sort_by".into(), "fqdn".into())
            ]
        );
        assert!(next_link("<https://x/v5/a?page=9>; rel=\"last\"").is_none());
    }
}
