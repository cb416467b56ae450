//! Durable state in SQLite: the switch's signing key, devices, quotes, payments, and the requests seen
//! within the replay window. A payment and the use of its quote commit in one transaction, which also
//! finds a payment id already taken (by the same request or another) so concurrent submissions get the
//! stored answer or a conflict, never a database error. Every decision about a payment id — settled,
//! failed, refused for good, cancelled — is stored under it, so the id can never be decided again.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

const VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS server_key (id INTEGER PRIMARY KEY CHECK (id = 1), pkcs8 BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, authorization_key TEXT, platform TEXT,
    registered_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quotes (
    quote_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, request TEXT NOT NULL, body TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL, payment_id TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS payments (
    payment_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, request TEXT NOT NULL, http_status INTEGER NOT NULL,
    response TEXT NOT NULL, payment TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS seen_requests (request TEXT PRIMARY KEY, keep_until_ms INTEGER NOT NULL);
";

/// A stored quote.
pub struct StoredQuote {
    pub device_id: String,
    /// The `QuoteRequest` it answered (payload, order, tip).
    pub request: String,
    /// The `QuoteBody` it was.
    pub body: String,
    pub expires_at_ms: i64,
    pub payment_id: Option<String>,
}

/// A stored payment decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayment {
    pub device_id: String,
    /// The canonical request it answered.
    pub request: String,
    /// What a repeat of that request is answered with.
    pub http_status: u16,
    pub response: String,
    /// The payment as `GET /v1/payments/{id}` shows it.
    pub payment: String,
}

/// What committing a decision came to.
pub enum Commit {
    /// Stored.
    Done,
    /// The id was decided already (by this request or another): the stored decision.
    Taken(StoredPayment),
    /// The quote was used by another payment meanwhile; nothing stored.
    QuoteUsed,
}

/// The database, one connection behind a lock (a sandbox, not a throughput design).
pub struct Store {
    conn: Mutex<Connection>,
}

type Result<T> = rusqlite::Result<T>;

impl Store {
    /// Opens (creating if needed) the database at `path`, or an in-memory one. A database from an
    /// older switch is refused with a message (a sandbox database is recreated, not migrated).
    pub fn open(path: Option<&Path>) -> std::result::Result<Store, String> {
        let conn = match path {
            Some(p) => Connection::open(p),
            None => Connection::open_in_memory(),
        }
        .map_err(|e| e.to_string())?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;").map_err(|e| e.to_string())?;
        let old = conn
            .query_row("SELECT 1 FROM sqlite_master WHERE name = 'payments'", [], |_| Ok(()))
            .optional()
            .map_err(|e| e.to_string())?
            .is_some();
        conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
        let version: Option<i64> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()
            .map_err(|e| e.to_string())?;
        match version {
            Some(VERSION) => {}
            None if !old => {
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?1)", params![VERSION])
                    .map_err(|e| e.to_string())?;
            }
            other => {
                return Err(format!(
                    "the database is at schema version {}; this switch needs {VERSION}: start with a new sandbox database",
                    other.unwrap_or(1)
                ));
            }
        }
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

    /// The key that authorises a device's payments (Base64 SPKI), if it registered one.
    pub fn authorization_key(&self, device_id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row("SELECT authorization_key FROM devices WHERE device_id = ?1", params![device_id], |r| r.get(0))
                .optional()
                .map(Option::flatten)
        })
    }

    /// Registers a device (and the key that authorises its payments, set once); returns when it was
    /// first registered.
    pub fn register(
        &self,
        device_id: &str,
        public_key: &str,
        authorization_key: Option<&str>,
        platform: Option<&str>,
        now_ms: i64,
    ) -> Result<i64> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO devices (device_id, public_key, authorization_key, platform, registered_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![device_id, public_key, authorization_key, platform, now_ms],
            )?;
            c.execute(
                "UPDATE devices SET authorization_key = ?2 WHERE device_id = ?1 AND authorization_key IS NULL",
                params![device_id, authorization_key],
            )?;
            c.query_row("SELECT registered_at_ms FROM devices WHERE device_id = ?1", params![device_id], |r| r.get(0))
        })
    }

    /// Records a request (`client.time.digest`) to be remembered until `keep_until_ms`; false if it
    /// was already seen. Forgets what is past its time.
    pub fn first_sighting(&self, request: &str, keep_until_ms: i64, now_ms: i64) -> Result<bool> {
        self.with(|c| {
            c.execute("DELETE FROM seen_requests WHERE keep_until_ms < ?1", params![now_ms])?;
            Ok(c.execute(
                "INSERT OR IGNORE INTO seen_requests (request, keep_until_ms) VALUES (?1, ?2)",
                params![request, keep_until_ms],
            )? == 1)
        })
    }

    /// Stores a quote with the request it answers.
    pub fn put_quote(
        &self,
        quote_id: &str,
        device_id: &str,
        request: &str,
        body: &str,
        expires_at_ms: i64,
    ) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO quotes (quote_id, device_id, request, body, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![quote_id, device_id, request, body, expires_at_ms],
            )
            .map(drop)
        })
    }

    /// A quote.
    pub fn quote(&self, quote_id: &str) -> Result<Option<StoredQuote>> {
        self.with(|c| {
            c.query_row(
                "SELECT device_id, request, body, expires_at_ms, payment_id FROM quotes WHERE quote_id = ?1",
                params![quote_id],
                |r| {
                    Ok(StoredQuote {
                        device_id: r.get(0)?,
                        request: r.get(1)?,
                        body: r.get(2)?,
                        expires_at_ms: r.get(3)?,
                        payment_id: r.get(4)?,
                    })
                },
            )
            .optional()
        })
    }

    /// A payment decision.
    pub fn payment(&self, payment_id: &str) -> Result<Option<StoredPayment>> {
        self.with(|c| read_payment(c, payment_id))
    }

    /// Stores the decision `stored` about `payment_id`, atomically with claiming `quote_id` when the
    /// decision used the quote (a settled or declined payment).
    pub fn commit(
        &self,
        payment_id: &str,
        stored: &StoredPayment,
        claim_quote: Option<&str>,
        now_ms: i64,
    ) -> Result<Commit> {
        self.with(|c| {
            let tx = c.transaction()?;
            if let Some(existing) = read_payment(&tx, payment_id)? {
                return Ok(Commit::Taken(existing));
            }
            if let Some(quote_id) = claim_quote {
                let claimed = tx.execute(
                    "UPDATE quotes SET payment_id = ?1 WHERE quote_id = ?2 AND payment_id IS NULL",
                    params![payment_id, quote_id],
                )?;
                if claimed != 1 {
                    return Ok(Commit::QuoteUsed);
                }
            }
            tx.execute(
                "INSERT INTO payments (payment_id, device_id, request, http_status, response, payment, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    payment_id,
                    stored.device_id,
                    stored.request,
                    stored.http_status,
                    stored.response,
                    stored.payment,
                    now_ms
                ],
            )?;
            tx.commit()?;
            Ok(Commit::Done)
        })
    }
}

fn read_payment(c: &Connection, payment_id: &str) -> Result<Option<StoredPayment>> {
    c.query_row(
        "SELECT device_id, request, http_status, response, payment FROM payments WHERE payment_id = ?1",
        params![payment_id],
        |r| {
            Ok(StoredPayment {
                device_id: r.get(0)?,
                request: r.get(1)?,
                http_status: r.get(2)?,
                response: r.get(3)?,
                payment: r.get(4)?,
            })
        },
    )
    .optional()
}
