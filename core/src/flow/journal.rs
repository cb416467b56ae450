//! The payment journal: one SQLite row per payment the payer confirmed, written before anything is
//! sent and updated as the payment moves, so an app killed at any moment finds on restart exactly
//! what it must reconcile. SQLite in WAL mode with `synchronous = FULL`: a committed row survives a
//! crash or power loss.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use crate::api::wire::PaymentRequest;

/// Where a journalled payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JournalState {
    /// Confirmed by the payer, not yet sent.
    Confirmed,
    /// Sent (or about to be): the backend may have it.
    Submitted,
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed,
}

impl JournalState {
    fn as_str(self) -> &'static str {
        match self {
            JournalState::Confirmed => "confirmed",
            JournalState::Submitted => "submitted",
            JournalState::Settled => "settled",
            JournalState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> JournalState {
        match s {
            "confirmed" => JournalState::Confirmed,
            "settled" => JournalState::Settled,
            "failed" => JournalState::Failed,
            _ => JournalState::Submitted,
        }
    }

    /// True once the payment cannot change any more.
    pub fn is_final(self) -> bool {
        matches!(self, JournalState::Settled | JournalState::Failed)
    }
}

/// One journalled payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// Payment id (the idempotency key).
    pub payment_id: String,
    /// State.
    pub state: JournalState,
    /// Exactly what is sent, and sent again on retry or recovery.
    pub request: PaymentRequest,
    /// Merchant name shown to the payer.
    pub merchant: Option<String>,
    /// Why it failed.
    pub failure_code: Option<String>,
    /// Why it failed, for a human.
    pub failure_message: Option<String>,
    /// When it was confirmed.
    pub created_at_ms: i64,
    /// Last change.
    pub updated_at_ms: i64,
}

/// Why the journal could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalError(pub String);

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "payment journal: {}", self.0)
    }
}

impl std::error::Error for JournalError {}

impl From<rusqlite::Error> for JournalError {
    fn from(e: rusqlite::Error) -> Self {
        JournalError(e.to_string())
    }
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS payments (
    payment_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    merchant TEXT,
    failure_code TEXT,
    failure_message TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
";

/// The journal database.
pub struct Journal {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

impl Journal {
    /// Opens (creating) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Journal { conn: Mutex::new(conn) })
    }

    /// A journal that lives only as long as this value (tests, previews).
    pub fn in_memory() -> Result<Journal, JournalError> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        Ok(Journal { conn: Mutex::new(conn) })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, JournalError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        Ok(f(&conn)?)
    }

    /// Records a confirmed payment, before it is sent.
    pub fn record(&self, request: &PaymentRequest, merchant: Option<&str>, now_ms: i64) -> Result<(), JournalError> {
        let json = serde_json::to_string(request).map_err(|e| JournalError(e.to_string()))?;
        self.with(|c| {
            c.execute(
                "INSERT INTO payments (payment_id, state, request, merchant, created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![request.payment_id, JournalState::Confirmed.as_str(), json, merchant, now_ms],
            )
            .map(drop)
        })
    }

    /// Moves a payment to `state` (a final state never changes again).
    pub fn update(
        &self,
        payment_id: &str,
        state: JournalState,
        failure: Option<(&str, &str)>,
        now_ms: i64,
    ) -> Result<(), JournalError> {
        self.with(|c| {
            c.execute(
                "UPDATE payments SET state = ?2, failure_code = ?3, failure_message = ?4, updated_at_ms = ?5
                 WHERE payment_id = ?1 AND state NOT IN ('settled', 'failed')",
                params![payment_id, state.as_str(), failure.map(|f| f.0), failure.map(|f| f.1), now_ms],
            )
            .map(drop)
        })
    }

    /// One payment.
    pub fn get(&self, payment_id: &str) -> Result<Option<JournalEntry>, JournalError> {
        let row = self.with(|c| {
            c.query_row(&format!("{SELECT} WHERE payment_id = ?1"), params![payment_id], Row::read).optional()
        })?;
        row.map(Row::entry).transpose()
    }

    /// Every payment not yet settled or failed, oldest first.
    pub fn unfinished(&self) -> Result<Vec<JournalEntry>, JournalError> {
        self.list("WHERE state NOT IN ('settled', 'failed') ORDER BY created_at_ms")
    }

    /// Every payment, newest first.
    pub fn all(&self) -> Result<Vec<JournalEntry>, JournalError> {
        self.list("ORDER BY created_at_ms DESC")
    }

    fn list(&self, clause: &str) -> Result<Vec<JournalEntry>, JournalError> {
        let rows = self.with(|c| {
            let mut stmt = c.prepare(&format!("{SELECT} {clause}"))?;
            stmt.query_map([], Row::read)?.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter().map(Row::entry).collect()
    }
}

const SELECT: &str = "SELECT payment_id, state, request, merchant, failure_code, failure_message, created_at_ms, updated_at_ms FROM payments";

struct Row(String, String, String, Option<String>, Option<String>, Option<String>, i64, i64);

impl Row {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok(Row(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
    }

    fn entry(self) -> Result<JournalEntry, JournalError> {
        let request =
            serde_json::from_str(&self.2).map_err(|e| JournalError(format!("stored request of {}: {e}", self.0)))?;
        Ok(JournalEntry {
            payment_id: self.0,
            state: JournalState::parse(&self.1),
            request,
            merchant: self.3,
            failure_code: self.4,
            failure_message: self.5,
            created_at_ms: self.6,
            updated_at_ms: self.7,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::Amount;

    fn request(id: &str) -> PaymentRequest {
        let amount = |c: &str, v: &str| Amount { currency: c.into(), value: v.into() };
        PaymentRequest {
            payment_id: id.into(),
            quote_id: "q".into(),
            payload: "p".into(),
            debit: amount("USD", "8.09"),
            credit: amount("JPY", "1200"),
        }
    }

    #[test]
    fn survives_reopening_and_keeps_final_states() {
        let dir = std::env::temp_dir().join(format!("crossqr-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.db");
        {
            let j = Journal::open(&path).unwrap();
            j.record(&request("a"), Some("Cafe"), 1).unwrap();
            j.record(&request("b"), None, 2).unwrap();
            j.update("a", JournalState::Submitted, None, 3).unwrap();
            j.update("b", JournalState::Settled, None, 4).unwrap();
            j.update("b", JournalState::Failed, Some(("x", "y")), 5).unwrap();
            assert!(j.record(&request("a"), None, 6).is_err(), "a payment id is journalled once");
        }
        let j = Journal::open(&path).unwrap();
        let unfinished = j.unfinished().unwrap();
        assert_eq!(unfinished.len(), 1);
        assert_eq!((unfinished[0].payment_id.as_str(), unfinished[0].state), ("a", JournalState::Submitted));
        assert_eq!(unfinished[0].request, request("a"));
        assert_eq!(j.get("b").unwrap().unwrap().state, JournalState::Settled, "final states do not change");
        assert_eq!(j.all().unwrap().len(), 2);
        std::fs::remove_dir_all(&dir).ok();
    }
}
