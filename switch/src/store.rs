//! Durable state in SQLite: the switch's signing key, devices, quotes, payments, and the signatures
//! seen within the replay window. A payment and the use of its quote commit in one transaction.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS server_key (id INTEGER PRIMARY KEY CHECK (id = 1), pkcs8 BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, platform TEXT, registered_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quotes (
    quote_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, body TEXT NOT NULL, expires_at_ms INTEGER NOT NULL,
    payment_id TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS payments (
    payment_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS seen_signatures (signature TEXT PRIMARY KEY, seen_at_ms INTEGER NOT NULL);
";

/// A stored quote.
pub struct StoredQuote {
    pub device_id: String,
    pub body: String,
    pub expires_at_ms: i64,
    pub payment_id: Option<String>,
}

/// A stored payment.
pub struct StoredPayment {
    pub device_id: String,
    pub request: String,
    pub response: String,
}

/// The database, one connection behind a lock (a sandbox, not a throughput design).
pub struct Store {
    conn: Mutex<Connection>,
}

type Result<T> = rusqlite::Result<T>;

impl Store {
    /// Opens (creating if needed) the database at `path`, or an in-memory one.
    pub fn open(path: Option<&Path>) -> Result<Store> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut conn)
    }

    /// The signing key, creating it with `make` on first use.
    pub fn server_key(&self, make: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>> {
        self.with(|c| {
            if let Some(k) = c.query_row("SELECT pkcs8 FROM server_key WHERE id = 1", [], |r| r.get(0)).optional()? {
                return Ok(k);
            }
            let key = make();
            c.execute("INSERT INTO server_key (id, pkcs8) VALUES (1, ?1)", params![key])?;
            Ok(key)
        })
    }

    /// A device's public key (Base64 SPKI).
    pub fn device_key(&self, device_id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row("SELECT public_key FROM devices WHERE device_id = ?1", params![device_id], |r| r.get(0))
                .optional()
        })
    }

    /// Registers a device; returns when it was first registered.
    pub fn register(&self, device_id: &str, public_key: &str, platform: Option<&str>, now_ms: i64) -> Result<i64> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO devices (device_id, public_key, platform, registered_at_ms) VALUES (?1, ?2, ?3, ?4)",
                params![device_id, public_key, platform, now_ms],
            )?;
            c.query_row("SELECT registered_at_ms FROM devices WHERE device_id = ?1", params![device_id], |r| r.get(0))
        })
    }

    /// Records a signature; false if it was already seen. Forgets those older than `oldest_ms`.
    pub fn first_sighting(&self, signature: &str, now_ms: i64, oldest_ms: i64) -> Result<bool> {
        self.with(|c| {
            c.execute("DELETE FROM seen_signatures WHERE seen_at_ms < ?1", params![oldest_ms])?;
            Ok(c.execute(
                "INSERT OR IGNORE INTO seen_signatures (signature, seen_at_ms) VALUES (?1, ?2)",
                params![signature, now_ms],
            )? == 1)
        })
    }

    /// Stores a quote.
    pub fn put_quote(&self, quote_id: &str, device_id: &str, body: &str, expires_at_ms: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO quotes (quote_id, device_id, body, expires_at_ms) VALUES (?1, ?2, ?3, ?4)",
                params![quote_id, device_id, body, expires_at_ms],
            )
            .map(drop)
        })
    }

    /// A quote.
    pub fn quote(&self, quote_id: &str) -> Result<Option<StoredQuote>> {
        self.with(|c| {
            c.query_row(
                "SELECT device_id, body, expires_at_ms, payment_id FROM quotes WHERE quote_id = ?1",
                params![quote_id],
                |r| {
                    Ok(StoredQuote {
                        device_id: r.get(0)?,
                        body: r.get(1)?,
                        expires_at_ms: r.get(2)?,
                        payment_id: r.get(3)?,
                    })
                },
            )
            .optional()
        })
    }

    /// A payment.
    pub fn payment(&self, payment_id: &str) -> Result<Option<StoredPayment>> {
        self.with(|c| {
            c.query_row(
                "SELECT device_id, request, response FROM payments WHERE payment_id = ?1",
                params![payment_id],
                |r| Ok(StoredPayment { device_id: r.get(0)?, request: r.get(1)?, response: r.get(2)? }),
            )
            .optional()
        })
    }

    /// Commits a payment and marks its quote used, atomically. False (nothing written) if the quote
    /// was used meanwhile.
    pub fn commit_payment(
        &self,
        payment_id: &str,
        device_id: &str,
        quote_id: &str,
        request: &str,
        response: &str,
        now_ms: i64,
    ) -> Result<bool> {
        self.with(|c| {
            let tx = c.transaction()?;
            let claimed = tx.execute("UPDATE quotes SET payment_id = ?1 WHERE quote_id = ?2 AND payment_id IS NULL", params![payment_id, quote_id])?;
            if claimed != 1 {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO payments (payment_id, device_id, request, response, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![payment_id, device_id, request, response, now_ms],
            )?;
            tx.commit()?;
            Ok(true)
        })
    }
}
