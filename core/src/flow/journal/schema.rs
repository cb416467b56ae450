//! The journal's versioned schema and its migrations. The version lives in the `meta` table (the
//! bundled SQLite is built without the `user_version` pragma). Version 1 — before versions were
//! recorded — kept each payment's wire request as one JSON column; version 2 keeps the journal's own
//! record in typed columns, the device that made the payment, a note that asks for attention, and
//! every state change in `transitions`, and the payer's authorisation signature.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::JournalError;
use crate::error::ErrorCode;

/// The version this crossqr writes.
pub const CURRENT: u32 = 2;

const V2: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY,
    device_id TEXT,
    state TEXT NOT NULL,
    quote_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    order_id TEXT,
    debit_currency TEXT NOT NULL,
    debit_value TEXT NOT NULL,
    credit_currency TEXT NOT NULL,
    credit_value TEXT NOT NULL,
    merchant TEXT,
    failure_code TEXT,
    failure_message TEXT,
    attention_code TEXT,
    attention_message TEXT,
    authorization TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE transitions (
    payment_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (payment_id, seq)
);
";

fn corrupt(message: String) -> JournalError {
    JournalError::new(ErrorCode::JournalCorrupt, message)
}

/// The stored version: 0 for an empty database, 1 for the unversioned first layout.
fn stored_version(tx: &Transaction<'_>) -> Result<u32, JournalError> {
    let has = |name: &str| -> Result<bool, JournalError> {
        Ok(tx
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", params![name], |_| Ok(()))
            .optional()?
            .is_some())
    };
    if has("meta")? {
        let v: i64 = tx
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()?
            .ok_or_else(|| corrupt("the meta table has no schema_version".into()))?;
        return u32::try_from(v).map_err(|_| corrupt(format!("schema version {v}")));
    }
    Ok(if has("payments")? { 1 } else { 0 })
}

/// Brings the database to [`CURRENT`], in one transaction; refuses a newer version.
pub fn migrate(conn: &mut Connection) -> Result<u32, JournalError> {
    let tx = conn.transaction()?;
    let from = stored_version(&tx)?;
    if from > CURRENT {
        return Err(JournalError::new(
            ErrorCode::JournalVersion,
            format!("the journal is at schema version {from}; this crossqr reads up to {CURRENT}"),
        ));
    }
    if from == CURRENT {
        return Ok(from);
    }
    if from == 1 {
        tx.execute_batch("ALTER TABLE payments RENAME TO payments_v1;")?;
    }
    tx.execute_batch(V2)?;
    if from == 1 {
        v1_to_v2(&tx)?;
    }
    tx.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?1)", params![CURRENT])?;
    tx.commit()?;
    Ok(from)
}

/// The version-1 wire request, as it was stored.
#[derive(serde::Deserialize)]
struct V1Request {
    quote_id: String,
    payload: String,
    debit: V1Amount,
    credit: V1Amount,
}

#[derive(serde::Deserialize)]
struct V1Amount {
    currency: String,
    value: String,
}

type V1Row = (String, String, String, Option<String>, Option<String>, Option<String>, i64, i64);

/// Copies every version-1 row into the typed columns (device unknown: the wallet's own), keeping its
/// state, and records its state as its first transition.
fn v1_to_v2(tx: &Transaction<'_>) -> Result<(), JournalError> {
    let rows: Vec<V1Row> = {
        let mut stmt = tx.prepare(
            "SELECT payment_id, state, request, merchant, failure_code, failure_message, created_at_ms, updated_at_ms FROM payments_v1",
        )?;
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    for (id, state, request, merchant, failure_code, failure_message, created, updated) in rows {
        let state = crate::flow::JournalState::parse(&state)
            .ok_or_else(|| corrupt(format!("payment {id} has the unknown state {state:?}")))?;
        let r: V1Request =
            serde_json::from_str(&request).map_err(|e| corrupt(format!("stored request of {id}: {e}")))?;
        tx.execute(
            "INSERT INTO payments (payment_id, device_id, state, quote_id, payload, order_id, debit_currency, debit_value,
                credit_currency, credit_value, merchant, failure_code, failure_message, created_at_ms, updated_at_ms)
             VALUES (?1, NULL, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                id,
                state.as_str(),
                r.quote_id,
                r.payload,
                r.debit.currency,
                r.debit.value,
                r.credit.currency,
                r.credit.value,
                merchant,
                failure_code,
                failure_message,
                created,
                updated
            ],
        )?;
        tx.execute(
            "INSERT INTO transitions (payment_id, seq, from_state, to_state, at_ms) VALUES (?1, 0, NULL, ?2, ?3)",
            params![id, state.as_str(), updated],
        )?;
    }
    tx.execute_batch("DROP TABLE payments_v1;")?;
    Ok(())
}
