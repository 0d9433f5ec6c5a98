//! The CORS-preflight cache (Fetch: "CORS-preflight cache"), with time supplied by the caller.
//!
//! Contract: entries are keyed by (byte-serialized origin, URL, credentials); there is one entry
//! per allowed method and per allowed header name, each with its own expiry. A credentialed
//! entry serves non-credentialed requests, not the reverse; `*` matches only on entries stored
//! without credentials and never matches `Authorization`. Profiles with
//! `cache_whole_result` (Chromium, WebKit) replace every entry of a key on each new result.
//! The network partition key is not modelled (one partition).

use crate::classify::is_cors_safelisted_method;
use crate::preflight::{MaxAge, PreflightResult};
use crate::profile::BrowserProfile;
use serde::Serialize;
use std::sync::Arc;

/// What one cache entry allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheItem {
    /// A method (byte-exact), or `*`.
    Method(String),
    /// A lowercase header name, or `*`.
    Header(String),
}

/// One cache entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheEntry {
    /// Serialized request origin (`null` when tainted or opaque), shared by the entries of one
    /// stored result (one allocation per result, not per entry).
    pub origin: Arc<str>,
    /// The exact URL.
    pub url: Arc<str>,
    /// Whether the preflight was for a credentialed request.
    pub credentials: bool,
    /// The method or header allowed.
    pub item: CacheItem,
    /// Expiry, in the caller's clock (seconds).
    pub expires_at: f64,
}

/// A request as the cache sees it.
#[derive(Debug, Clone, Copy)]
pub struct CacheQuery<'a> {
    /// Serialized request origin.
    pub origin: &'a str,
    /// The URL.
    pub url: &'a str,
    /// Credentials mode `include`.
    pub include: bool,
}

/// The preflight cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PreflightCache {
    entries: Vec<CacheEntry>,
}

impl PreflightCache {
    /// An empty cache.
    pub fn new() -> PreflightCache {
        PreflightCache::default()
    }

    /// All entries (for display and findings).
    pub fn entries(&self) -> &[CacheEntry] {
        &self.entries
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn live<'a>(&'a self, q: &'a CacheQuery<'_>, now: f64) -> impl Iterator<Item = &'a CacheEntry> + 'a {
        self.entries.iter().filter(move |e| {
            *e.origin == *q.origin && *e.url == *q.url && (e.credentials || !q.include) && e.expires_at > now
        })
    }

    /// Fetch "method cache entry match".
    pub fn method_match(&self, q: &CacheQuery<'_>, method: &str, now: f64) -> bool {
        self.live(q, now).any(|e| match &e.item {
            CacheItem::Method(m) => m == method || (m == "*" && !e.credentials),
            CacheItem::Header(_) => false,
        })
    }

    /// Fetch "header-name cache entry match" (`*` never matches `Authorization`).
    pub fn header_match(&self, q: &CacheQuery<'_>, name: &str, now: f64) -> bool {
        self.live(q, now).any(|e| match &e.item {
            CacheItem::Header(h) => {
                h.eq_ignore_ascii_case(name)
                    || (h == "*" && !e.credentials && !name.eq_ignore_ascii_case("authorization"))
            }
            CacheItem::Method(_) => false,
        })
    }

    /// Whether the cache makes a preflight unnecessary (Fetch "HTTP fetch" step 5.1).
    pub fn satisfies(
        &self,
        q: &CacheQuery<'_>,
        method: &str,
        unsafe_names: &[String],
        flag: bool,
        now: f64,
    ) -> bool {
        let method_ok = self.method_match(q, method, now) || (is_cors_safelisted_method(method) && !flag);
        method_ok && unsafe_names.iter().all(|n| self.header_match(q, n, now))
    }

    /// Stores a successful preflight's result (nothing when Max-Age is 0).
    pub fn store(
        &mut self,
        q: &CacheQuery<'_>,
        result: &PreflightResult,
        now: f64,
        profile: &BrowserProfile,
    ) {
        self.store_lists(
            q,
            result.methods.iter().cloned(),
            result.headers.iter().cloned(),
            result.max_age,
            now,
            profile,
        );
    }

    /// [`PreflightCache::store`] taking the result's lists by value (no copies of the names).
    pub fn store_owned(
        &mut self,
        q: &CacheQuery<'_>,
        result: PreflightResult,
        now: f64,
        profile: &BrowserProfile,
    ) {
        self.store_lists(
            q,
            result.methods.into_iter(),
            result.headers.into_iter(),
            result.max_age,
            now,
            profile,
        );
    }

    fn store_lists(
        &mut self,
        q: &CacheQuery<'_>,
        methods: impl Iterator<Item = String>,
        headers: impl Iterator<Item = String>,
        max_age: MaxAge,
        now: f64,
        profile: &BrowserProfile,
    ) {
        if profile.cache_whole_result {
            self.clear(q.origin, q.url);
        }
        if !max_age.cached() || (profile.cache_skips_ip_literals && url_host_is_ip(q.url)) {
            return;
        }
        let items = methods
            .map(CacheItem::Method)
            .chain(headers.map(CacheItem::Header));
        let mut key = None;
        for item in items {
            self.upsert(q, &mut key, item, max_age, now);
        }
    }

    /// Refreshes the entry for `item`, or adds one (the key's strings are shared, made on the
    /// first new entry).
    fn upsert(
        &mut self,
        q: &CacheQuery<'_>,
        key: &mut Option<(Arc<str>, Arc<str>)>,
        item: CacheItem,
        max_age: MaxAge,
        now: f64,
    ) {
        let expires_at = now + max_age.seconds as f64;
        let existing = self.entries.iter_mut().find(|e| {
            *e.origin == *q.origin && *e.url == *q.url && e.credentials == q.include && e.item == item
        });
        if let Some(e) = existing {
            e.expires_at = expires_at;
            return;
        }
        let (origin, url) = key.get_or_insert_with(|| (Arc::from(q.origin), Arc::from(q.url)));
        self.entries.push(CacheEntry {
            origin: Arc::clone(origin),
            url: Arc::clone(url),
            credentials: q.include,
            item,
            expires_at,
        });
    }

    /// Fetch "clear cache entries" for (origin, URL), after a failed preflighted fetch.
    pub fn clear(&mut self, origin: &str, url: &str) {
        self.entries.retain(|e| !(*e.origin == *origin && *e.url == *url));
    }

    /// Drops expired entries.
    pub fn purge(&mut self, now: f64) {
        self.entries.retain(|e| e.expires_at > now);
    }
}

fn url_host_is_ip(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(crate::origin::host_is_ip_literal))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Engine;
    use crate::preflight::{effective_max_age, MaxAgeSource};

    fn result(methods: &[&str], headers: &[&str], max_age: u64) -> PreflightResult {
        PreflightResult {
            methods: methods.iter().map(|s| s.to_string()).collect(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            max_age: MaxAge {
                seconds: max_age,
                source: MaxAgeSource::Header,
            },
            warnings: vec![],
        }
    }

    const Q: CacheQuery<'static> = CacheQuery {
        origin: "http://web.test",
        url: "http://api.test/x",
        include: false,
    };

    #[test]
    fn method_and_header_entries_are_separate() {
        let mut c = PreflightCache::new();
        c.store(
            &Q,
            &result(&["PUT"], &["x-a"], 10),
            0.0,
            BrowserProfile::of(Engine::Spec),
        );
        let names = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases = [
            ("PUT", names(&["x-a"]), 1.0, true),
            ("PUT", names(&["X-A"]), 1.0, true),
            ("PUT", names(&["x-b"]), 1.0, false),
            ("DELETE", names(&[]), 1.0, false),
            ("GET", names(&["x-a"]), 1.0, true),
            ("PUT", names(&["x-a"]), 10.5, false),
        ];
        for (method, hdrs, now, want) in cases {
            assert_eq!(
                c.satisfies(&Q, method, &hdrs, false, now),
                want,
                "{method} {hdrs:?} @{now}"
            );
        }
        let other_url = CacheQuery {
            url: "http://api.test/y",
            ..Q
        };
        assert!(!c.satisfies(&other_url, "PUT", &[], false, 1.0));
        let cred = CacheQuery { include: true, ..Q };
        assert!(!c.satisfies(&cred, "PUT", &[], false, 1.0));
    }

    #[test]
    fn wildcard_never_matches_authorization() {
        let mut c = PreflightCache::new();
        c.store(
            &Q,
            &result(&["POST"], &["*"], 10),
            0.0,
            BrowserProfile::of(Engine::Spec),
        );
        assert!(c.header_match(&Q, "x-anything", 1.0));
        assert!(!c.header_match(&Q, "authorization", 1.0));
    }

    #[test]
    fn credentialed_entries_serve_both() {
        let mut c = PreflightCache::new();
        let cred = CacheQuery { include: true, ..Q };
        c.store(
            &cred,
            &result(&["PUT"], &[], 10),
            0.0,
            BrowserProfile::of(Engine::Spec),
        );
        assert!(c.method_match(&Q, "PUT", 1.0));
        assert!(c.method_match(&cred, "PUT", 1.0));
    }

    #[test]
    fn zero_and_negative_max_age_store_nothing() {
        for v in ["0", "-1"] {
            let mut c = PreflightCache::new();
            let r = PreflightResult {
                max_age: effective_max_age(Some(v), Engine::Spec),
                ..result(&["PUT"], &[], 0)
            };
            c.store(&Q, &r, 0.0, BrowserProfile::of(Engine::Spec));
            assert!(c.is_empty(), "{v}");
        }
    }

    #[test]
    fn whole_result_profiles_replace() {
        let mut c = PreflightCache::new();
        let chromium = BrowserProfile::of(Engine::Chromium);
        c.store(&Q, &result(&["PUT"], &[], 10), 0.0, chromium);
        c.store(&Q, &result(&["DELETE"], &[], 10), 0.0, chromium);
        assert!(!c.method_match(&Q, "PUT", 1.0));
        assert!(c.method_match(&Q, "DELETE", 1.0));
    }
}
