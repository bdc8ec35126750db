//! Walking a Gandi list: `page`/`per_page`, the `Link rel="next"` URL (only
//! its path and query: a Link never sends the token to another host),
//! `Total-Count`, and the bounds of one walk. Each page is decoded into typed
//! items, handed to the caller's transform as it arrives, and dropped, so a
//! walk holds one page of Gandi's JSON at a time.
//!
//! A broken or hostile server cannot make a walk loop or grow without end:
//! every URL asked and every page body seen is remembered (a repeat is a
//! loop), a next link must move forward, and the items, bytes and pages of
//! one walk are capped (README "Limits"). A count beyond the item cap stops
//! the walk after its first page.

use std::collections::HashSet;
use std::sync::mpsc;
use std::thread::Scope;

use serde::de::DeserializeOwned;
use ureq::http::Method;

use super::endpoints::decode;
use super::{Answer, Body, Client};
use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};

/// Items asked for per page when following a whole list.
pub const PER_PAGE: u32 = 100;
/// The most items one walk collects by default (`GANDI_LIST_MAX_ITEMS`
/// changes it): ten times a 10,000-domain account.
pub const MAX_WALK_ITEMS: u64 = 100_000;
/// Bytes one walk may read, all pages together, per item it may collect:
/// Gandi's list items are well under 1 KiB, so only a broken or hostile
/// server meets this (400 MiB by default).
const BYTES_PER_ITEM: u64 = 4 * 1024;

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
    /// With `Paging::Page`: the next page's number, `None` on the last page.
    pub next_page: Option<u32>,
}

/// How much one walk may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkCaps {
    pub items: u64,
    pub bytes: u64,
    pub pages: u32,
}

impl WalkCaps {
    /// The caps for `items` items: `BYTES_PER_ITEM` each in bytes, and as
    /// many pages as that many items take at 50 a page (at least 100).
    pub fn for_items(items: u64) -> WalkCaps {
        WalkCaps {
            items,
            bytes: items.saturating_mul(BYTES_PER_ITEM),
            pages: u32::try_from((items / 50).max(100)).unwrap_or(u32::MAX),
        }
    }

    /// The defaults, or `GANDI_LIST_MAX_ITEMS` (1 to 10,000,000).
    pub fn from_env(env: &Env) -> SkillResult<WalkCaps> {
        let Some(v) = env.var("GANDI_LIST_MAX_ITEMS") else {
            return Ok(WalkCaps::for_items(MAX_WALK_ITEMS));
        };
        match v.trim().parse::<u64>() {
            Ok(n) if (1..=10_000_000).contains(&n) => Ok(WalkCaps::for_items(n)),
            _ => Err(SkillError::new(
                ErrorCode::ConfigInvalid,
                format!("GANDI_LIST_MAX_ITEMS={v:?} is not a number from 1 to 10000000"),
            )
            .with_detail("variable", "GANDI_LIST_MAX_ITEMS")
            .with_hint(format!(
                "unset it to use the default of {MAX_WALK_ITEMS} items per list"
            ))),
        }
    }
}

/// What one walk has seen so far: the loop guards and the running totals.
struct Walk<'a> {
    path: &'a str,
    caps: WalkCaps,
    asked: HashSet<(String, Vec<(String, String)>)>,
    bodies: HashSet<(usize, u64)>,
    bytes: u64,
    pages: u32,
}

impl Walk<'_> {
    /// Before a request: within the page cap, and never the same URL twice.
    fn ask(&mut self, path: &str, query: &[(String, String)]) -> SkillResult<()> {
        if self.pages >= self.caps.pages {
            return Err(too_big(
                self.path,
                format!("more than {} pages", self.caps.pages),
            ));
        }
        let mut canonical = query.to_vec();
        canonical.sort();
        if !self.asked.insert((path.to_string(), canonical)) {
            return Err(looping(
                self.path,
                "sent a next link to a page already read",
            ));
        }
        self.pages += 1;
        Ok(())
    }

    /// After an answer: within the byte cap, and never a page seen before.
    fn seen(&mut self, answer: &Answer) -> SkillResult<()> {
        self.bytes += answer.bytes.len() as u64;
        if self.bytes > self.caps.bytes {
            return Err(too_big(
                self.path,
                format!("more than {} MiB", self.caps.bytes / (1024 * 1024)),
            ));
        }
        if !self
            .bodies
            .insert((answer.bytes.len(), fingerprint(&answer.bytes)))
        {
            return Err(looping(self.path, "returned the same page twice"));
        }
        Ok(())
    }
}

impl Client {
    /// Reads a list, following every page unless one page was asked for.
    pub fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        paging: Paging,
    ) -> SkillResult<Listing<T>> {
        self.list_map(path, query, paging, |item: T| item)
    }

    /// Reads a list like `list`, turning each of Gandi's items (`W`) into
    /// what the caller keeps (`T`) as its page arrives; the page is dropped
    /// before the next one is asked for.
    ///
    /// The next page is the `Link rel="next"` URL when Gandi sends one, else
    /// `page + 1` while pages come back full and `Total-Count` is not reached.
    /// Counts alone never end the walk early: under a filter Gandi's
    /// `Total-Count` counts the whole collection.
    pub fn list_map<W: DeserializeOwned, T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        paging: Paging,
        mut each: impl FnMut(W) -> T,
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
            next_page: None,
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
        let mut walk = Walk {
            path,
            caps: self.walk_caps,
            asked: HashSet::new(),
            bodies: HashSet::new(),
            bytes: 0,
            pages: 0,
        };
        // While a page is parsed, the next one (when its `Link` already says
        // which, and the count says the walk goes on) is fetched on a helper
        // thread: the same keep-alive connection, one request at a time,
        // the wait for Gandi overlapped with the parse.
        std::thread::scope(|scope| {
            let mut ahead = Ahead::default();
            while let Some(url) = next.take() {
                let answer = match ahead.take(&url) {
                    Some(fetched) => fetched?,
                    None => {
                        walk.ask(&url.0, &url.1)?;
                        self.get_page(&url)?
                    }
                };
                listing.pages_fetched += 1;
                let count = |name: &str| {
                    answer
                        .header(name)
                        .and_then(|v| v.trim().parse::<u64>().ok())
                };
                let total = count("total-count");
                let filtered = count("filtered-count");
                let link_next = answer.header("link").and_then(next_link);
                if let Paging::Page { .. } = paging {
                    let items: Vec<W> = answer.json_or_default()?;
                    drop(answer);
                    let claimed = filtered.or(total);
                    listing.total_count = claimed;
                    listing.next_page =
                        next_page_after(page_number, per_page, items.len(), &link_next, claimed);
                    listing.items = items.into_iter().map(&mut each).collect();
                    return Ok(listing);
                }
                walk.seen(&answer)?;
                // What Gandi says the walk will hold: past the cap, stop now
                // rather than after thousands of requests. Under a filter the
                // smaller count is the one that applies.
                let claimed = match (filtered, total) {
                    (Some(f), Some(t)) => Some(f.min(t)),
                    (f, t) => f.or(t),
                };
                if let Some(n) = claimed.filter(|n| *n > walk.caps.items) {
                    return Err(too_big(path, format!("{n} items by Gandi's count")));
                }
                let collected = listing.items.len() as u64;
                if let Some(link) = &link_next {
                    // Only what the walk would surely ask next: a forward
                    // link, and no count that this page could reach.
                    let forward = page_param(&link.1).is_none_or(|n| n > page_number);
                    let goes_on = total.is_none_or(|t| collected + u64::from(per_page) < t);
                    if forward && goes_on {
                        walk.ask(&link.0, &link.1)?;
                        ahead.fetch(scope, self, link.clone());
                    }
                }
                let items: Vec<W> = answer.json_or_default()?;
                drop(answer);
                if items.is_empty() {
                    break;
                }
                let full_page = items.len() as u64 >= u64::from(per_page);
                if (listing.items.len() + items.len()) as u64 > walk.caps.items {
                    return Err(too_big(
                        path,
                        format!("more than {} items", walk.caps.items),
                    ));
                }
                listing.items.extend(items.into_iter().map(&mut each));
                let collected = listing.items.len() as u64;
                let reached_total = total.is_some_and(|t| collected >= t);
                // A short page is not the end while Total-Count says more: Gandi
                // may serve fewer than `per_page` per page (its maximum is not
                // documented). Past the end it answers `[]`, which stops the walk.
                let more_expected = full_page || total.is_some_and(|t| collected < t);
                next = match link_next {
                    Some((p, q)) if !reached_total => {
                        if let Some(n) = page_param(&q) {
                            // A next link goes forward: one that points back
                            // (or to page 0) would read the list again.
                            if n <= page_number {
                                return Err(looping(
                                    path,
                                    &format!(
                                        "sent a next link back to page {n} from page {page_number}"
                                    ),
                                ));
                            }
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
        })
    }

    /// `GET` of one page, by path and query.
    fn get_page(&self, (path, query): &PageUrl) -> SkillResult<Answer> {
        let q: Vec<(&str, String)> = query.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        self.call_url(Method::GET, path, &q, Body::None, &[])
    }
}

/// A page's path and query.
type PageUrl = (String, Vec<(String, String)>);

/// The page being fetched ahead on a helper thread (started on first use),
/// at most one at a time.
#[derive(Default)]
struct Ahead {
    worker: Option<(mpsc::Sender<PageUrl>, mpsc::Receiver<SkillResult<Answer>>)>,
    fetching: Option<PageUrl>,
}

impl Ahead {
    fn fetch<'s, 'c: 's>(&mut self, scope: &'s Scope<'s, '_>, client: &'c Client, url: PageUrl) {
        let (ask, _) = self.worker.get_or_insert_with(|| {
            let (ask, asked) = mpsc::channel::<PageUrl>();
            let (answer, answers) = mpsc::channel();
            scope.spawn(move || {
                for url in asked {
                    if answer.send(client.get_page(&url)).is_err() {
                        break;
                    }
                }
            });
            (ask, answers)
        });
        if ask.send(url.clone()).is_ok() {
            self.fetching = Some(url);
        }
    }

    /// The answer for `url` when it is the one fetched ahead; any other
    /// fetched answer is waited for and dropped.
    fn take(&mut self, url: &PageUrl) -> Option<SkillResult<Answer>> {
        let fetching = self.fetching.take()?;
        let answer = self.worker.as_ref()?.1.recv().ok()?;
        (fetching == *url).then_some(answer)
    }
}

/// The page after `page` when only it was read: the Link's when Gandi sends
/// one; else the next number while the page was full and the count says
/// more (or gives nothing).
fn next_page_after(
    page: u32,
    per_page: u32,
    got: usize,
    link: &Option<(String, Vec<(String, String)>)>,
    claimed: Option<u64>,
) -> Option<u32> {
    if got == 0 {
        return None;
    }
    if let Some((_, q)) = link {
        return Some(page_param(q).filter(|n| *n > page).unwrap_or(page + 1));
    }
    let full = got as u64 >= u64::from(per_page);
    let more = match claimed {
        Some(n) => u64::from(page) * u64::from(per_page) < n,
        None => full,
    };
    (full && more).then_some(page + 1)
}

fn page_param(q: &[(String, String)]) -> Option<u32> {
    q.iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<u32>().ok())
}

/// A fast 64-bit fingerprint of a page body: four independent lanes of
/// multiply-xor over 8-byte words (a page is hashed at memory speed). A
/// collision can only stop a walk early, never make one loop.
fn fingerprint(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        u64::from_le_bytes(w)
    };
    let mut lanes = [K, K.rotate_left(16), K.rotate_left(32), K.rotate_left(48)];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, c) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            *lane = (*lane ^ word(c)).wrapping_mul(K).rotate_left(29);
        }
    }
    let mut h = lanes
        .iter()
        .fold(bytes.len() as u64, |h, l| (h ^ l).wrapping_mul(K));
    for b in blocks.remainder() {
        h = (h ^ u64::from(*b)).wrapping_mul(K).rotate_left(29);
    }
    h
}

fn looping(path: &str, what: &str) -> SkillError {
    SkillError::new(
        ErrorCode::UnexpectedResponse,
        format!("Gandi {what} while listing {path}; stopped to avoid a loop"),
    )
    .with_hint(
        "try again in a minute; if it keeps happening, read one page at a time with \"page\" and \"per_page\"",
    )
}

fn too_big(path: &str, what: String) -> SkillError {
    SkillError::new(
        ErrorCode::UnexpectedResponse,
        format!("the list {path} holds {what}, more than one reply reads; stopped"),
    )
    .with_hint(
        "read it one page at a time with \"page\" and \"per_page\" (meta.next_page says where to go on), narrow it with the action's filters, or raise GANDI_LIST_MAX_ITEMS if the account really is that large",
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

    #[test]
    fn the_next_page_of_one_page() {
        let link = Some(("/v5/x".to_string(), vec![("page".into(), "3".into())]));
        assert_eq!(next_page_after(2, 50, 50, &link, None), Some(3));
        assert_eq!(next_page_after(2, 50, 50, &None, Some(150)), Some(3));
        assert_eq!(next_page_after(3, 50, 50, &None, Some(150)), None);
        assert_eq!(next_page_after(3, 50, 10, &None, None), None);
        assert_eq!(next_page_after(4, 50, 0, &link, Some(150)), None);
        assert_eq!(next_page_after(1, 50, 50, &None, None), Some(2));
    }

    #[test]
    fn fingerprints_tell_pages_apart() {
        let a = br#"[{"fqdn":"a.com"},{"fqdn":"b.com"},{"fqdn":"c.com"}]"#;
        let b = br#"[{"fqdn":"a.com"},{"fqdn":"b.com"},{"fqdn":"d.com"}]"#;
        assert_eq!(fingerprint(a), fingerprint(a));
        assert_ne!(fingerprint(a), fingerprint(b));
        assert_ne!(fingerprint(&a[..32]), fingerprint(&a[..33]));
        assert_ne!(fingerprint(b""), fingerprint(b" "));
    }

    #[test]
    fn the_default_caps_hold_a_large_account() {
        let caps = WalkCaps::for_items(MAX_WALK_ITEMS);
        assert!(caps.items >= 10_000 && caps.bytes >= 64 * 1024 * 1024 && caps.pages >= 100);
        assert_eq!(caps.pages, 2_000);
    }
}
