//! The payment journal: one SQLite row per payment the payer confirmed, written before anything is
//! sent and moved forward as the payment goes, so an app killed at any moment finds on restart exactly
//! what it must reconcile.
//!
//! - SQLite in WAL mode with `synchronous = FULL`: a committed row survives a crash or power loss.
//! - One writer: the file is held with an exclusive lock for as long as the [`Journal`] lives; a
//!   second opener is refused with `journal_locked`.
//! - Every state change is compare-and-set ([`Journal::transition`]): a move that finds the payment no
//!   longer where the caller thought changes nothing and is an error, so nothing is sent on a stale
//!   view. Moves follow [`JournalState::can_become`]; each is recorded in [`Journal::transitions`].
//! - Versioned schema with migrations (`schema.rs`); an unknown stored state or amount is
//!   `journal_corrupt`, never a guess.

mod schema;

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

pub use super::state::JournalState;
use crate::error::{Coded, ErrorCode};
use crate::money::Money;

/// A code and a message attached to a payment: why it failed, or what needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Note {
    /// Stable code (`declined`, `quote_expired`, `stale_request`, `device_key_replaced`…).
    pub code: String,
    /// For a human.
    pub message: String,
}

impl Note {
    /// A note with `code` and `message`.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Note {
        Note { code: code.into(), message: message.into() }
    }
}

/// A payment as the payer confirmed it: exactly what is sent, and sent again on retry or recovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// Payment id (the idempotency key), 32 lowercase hex digits.
    pub payment_id: String,
    /// The device (key) that confirmed it.
    pub device_id: String,
    /// The quote paid.
    pub quote_id: String,
    /// The scanned code.
    pub payload: String,
    /// The network's order id, for resolved codes.
    pub order_id: Option<String>,
    /// What leaves the payer's account.
    pub debit: Money,
    /// What the merchant receives.
    pub credit: Money,
    /// Merchant name shown to the payer.
    pub merchant: Option<String>,
    /// The payer's authorisation (see `crate::sign::authorization`), made once at confirmation.
    pub authorization: Option<String>,
}

/// One journalled payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// What was confirmed. `device_id` is empty for payments journalled before devices were recorded.
    pub payment: NewPayment,
    /// Where it stands.
    pub state: JournalState,
    /// Why it failed, once failed.
    pub failure: Option<Note>,
    /// Why a pending payment cannot progress on its own (the key was replaced, the clock is wrong…).
    pub attention: Option<Note>,
    /// When it was confirmed, epoch ms.
    pub created_at_ms: i64,
    /// Last change, epoch ms.
    pub updated_at_ms: i64,
}

impl JournalEntry {
    /// The payment id.
    pub fn payment_id(&self) -> &str {
        &self.payment.payment_id
    }
}

/// One recorded state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Before (none when the payment was recorded).
    pub from: Option<JournalState>,
    /// After.
    pub to: JournalState,
    /// When, epoch ms.
    pub at_ms: i64,
}

/// Why the journal could not be read or written: `journal_error`, `journal_corrupt`,
/// `journal_version`, `journal_locked`, or `journal_conflict` for a move that found the payment
/// elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalError {
    /// Stable code.
    pub code: ErrorCode,
    /// For a human.
    pub message: String,
}

impl JournalError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        JournalError { code, message: message.into() }
    }
}

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "payment journal: {}", self.message)
    }
}

impl std::error::Error for JournalError {}

impl Coded for JournalError {
    fn code(&self) -> ErrorCode {
        self.code
    }
}

impl From<rusqlite::Error> for JournalError {
    fn from(e: rusqlite::Error) -> Self {
        let locked = matches!(
            &e,
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        );
        if locked {
            JournalError::new(ErrorCode::JournalLocked, "another wallet holds this journal open")
        } else {
            JournalError::new(ErrorCode::JournalError, e.to_string())
        }
    }
}

/// The journal database, held exclusively.
pub struct Journal {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

const COLUMNS: &str = "payment_id, device_id, state, quote_id, payload, order_id, debit_currency, debit_value, \
     credit_currency, credit_value, merchant, failure_code, failure_message, attention_code, attention_message, \
     authorization, created_at_ms, updated_at_ms";

impl Journal {
    /// Opens (creating or migrating) the journal at `path` and holds it: a second `open` of the same
    /// file, from this process or another, fails with `journal_locked` until this one is dropped.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::ZERO)?;
        conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE;")?;
        // Take the exclusive lock now rather than at the first write.
        conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")?;
        Journal::ready(conn)
    }

    /// A journal that lives only as long as this value (tests, previews).
    pub fn in_memory() -> Result<Journal, JournalError> {
        Journal::ready(Connection::open_in_memory()?)
    }

    fn ready(mut conn: Connection) -> Result<Journal, JournalError> {
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
        schema::migrate(&mut conn)?;
        Ok(Journal { conn: Mutex::new(conn) })
    }

    /// The schema version this journal is at.
    pub fn schema_version(&self) -> u32 {
        schema::CURRENT
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, JournalError>) -> Result<T, JournalError> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut conn)
    }

    /// Records a confirmed payment, before anything is sent. A payment id is journalled once.
    pub fn record(&self, p: &NewPayment, now_ms: i64) -> Result<JournalEntry, JournalError> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                &format!("INSERT INTO payments ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, NULL, NULL, NULL, ?13, ?12, ?12)"),
                params![
                    p.payment_id,
                    p.device_id,
                    JournalState::Confirmed.as_str(),
                    p.quote_id,
                    p.payload,
                    p.order_id,
                    p.debit.currency().code(),
                    p.debit.amount().to_string(),
                    p.credit.currency().code(),
                    p.credit.amount().to_string(),
                    p.merchant,
                    now_ms,
                    p.authorization
                ],
            )?;
            log_transition(&tx, &p.payment_id, None, JournalState::Confirmed, now_ms)?;
            tx.commit()?;
            Ok(())
        })?;
        self.require(&p.payment_id)
    }

    /// Moves a payment from `from` to `to` if — and only if — it is still at `from` and the move is
    /// allowed; `failure` is recorded with a move to `failed`, and any attention note is cleared. A
    /// move that changes no row is `journal_conflict`.
    pub fn transition(
        &self,
        payment_id: &str,
        from: JournalState,
        to: JournalState,
        failure: Option<&Note>,
        now_ms: i64,
    ) -> Result<JournalEntry, JournalError> {
        if !from.can_become(to) {
            return Err(JournalError::new(
                ErrorCode::JournalConflict,
                format!("payment {payment_id} cannot move from {} to {}", from.as_str(), to.as_str()),
            ));
        }
        let changed = self.with(|c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE payments SET state = ?3, failure_code = ?4, failure_message = ?5, attention_code = NULL,
                 attention_message = NULL, updated_at_ms = ?6 WHERE payment_id = ?1 AND state = ?2",
                params![
                    payment_id,
                    from.as_str(),
                    to.as_str(),
                    failure.map(|f| &f.code),
                    failure.map(|f| &f.message),
                    now_ms
                ],
            )?;
            if n == 1 {
                log_transition(&tx, payment_id, Some(from), to, now_ms)?;
            }
            tx.commit()?;
            Ok(n == 1)
        })?;
        let entry = self.require(payment_id)?;
        if !changed {
            return Err(JournalError::new(
                ErrorCode::JournalConflict,
                format!(
                    "payment {payment_id} is {}, not {}: not moved to {}",
                    entry.state.as_str(),
                    from.as_str(),
                    to.as_str()
                ),
            ));
        }
        Ok(entry)
    }

    /// Notes (or clears) why a pending payment cannot progress; a no-op on a final payment.
    pub fn set_attention(
        &self,
        payment_id: &str,
        attention: Option<&Note>,
        now_ms: i64,
    ) -> Result<JournalEntry, JournalError> {
        self.with(|c| {
            c.execute(
                "UPDATE payments SET attention_code = ?2, attention_message = ?3, updated_at_ms = ?4
                 WHERE payment_id = ?1 AND state NOT IN ('settled', 'failed')",
                params![payment_id, attention.map(|a| &a.code), attention.map(|a| &a.message), now_ms],
            )?;
            Ok(())
        })?;
        self.require(payment_id)
    }

    fn require(&self, payment_id: &str) -> Result<JournalEntry, JournalError> {
        self.get(payment_id)?.ok_or_else(|| {
            JournalError::new(ErrorCode::JournalConflict, format!("payment {payment_id} is not in the journal"))
        })
    }

    /// One payment.
    pub fn get(&self, payment_id: &str) -> Result<Option<JournalEntry>, JournalError> {
        let row = self.with(|c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM payments WHERE payment_id = ?1"),
                params![payment_id],
                Row::read,
            )
            .optional()?)
        })?;
        row.map(Row::entry).transpose()
    }

    /// Every payment not yet settled or failed, oldest first.
    pub fn unfinished(&self) -> Result<Vec<JournalEntry>, JournalError> {
        self.list("WHERE state NOT IN ('settled', 'failed') ORDER BY created_at_ms, payment_id")
    }

    /// Every payment, newest first.
    pub fn all(&self) -> Result<Vec<JournalEntry>, JournalError> {
        self.list("ORDER BY created_at_ms DESC, payment_id")
    }

    /// Every state a payment went through, in order.
    pub fn transitions(&self, payment_id: &str) -> Result<Vec<Transition>, JournalError> {
        let rows: Vec<(Option<String>, String, i64)> = self.with(|c| {
            let mut stmt =
                c.prepare("SELECT from_state, to_state, at_ms FROM transitions WHERE payment_id = ?1 ORDER BY seq")?;
            Ok(stmt
                .query_map(params![payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })?;
        rows.into_iter()
            .map(|(from, to, at_ms)| {
                Ok(Transition { from: from.as_deref().map(state).transpose()?, to: state(&to)?, at_ms })
            })
            .collect()
    }

    fn list(&self, clause: &str) -> Result<Vec<JournalEntry>, JournalError> {
        let rows = self.with(|c| {
            let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM payments {clause}"))?;
            Ok(stmt.query_map([], Row::read)?.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        rows.into_iter().map(Row::entry).collect()
    }
}

fn log_transition(
    tx: &rusqlite::Transaction<'_>,
    payment_id: &str,
    from: Option<JournalState>,
    to: JournalState,
    now_ms: i64,
) -> Result<(), JournalError> {
    tx.execute(
        "INSERT INTO transitions (payment_id, seq, from_state, to_state, at_ms)
         SELECT ?1, (SELECT count(*) FROM transitions WHERE payment_id = ?1), ?2, ?3, ?4",
        params![payment_id, from.map(JournalState::as_str), to.as_str(), now_ms],
    )?;
    Ok(())
}

fn state(text: &str) -> Result<JournalState, JournalError> {
    JournalState::parse(text)
        .ok_or_else(|| JournalError::new(ErrorCode::JournalCorrupt, format!("unknown stored state {text:?}")))
}

struct Row {
    text: [Option<String>; 16],
    created_at_ms: i64,
    updated_at_ms: i64,
}

impl Row {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        let mut text: [Option<String>; 16] = Default::default();
        for (i, slot) in text.iter_mut().enumerate() {
            *slot = r.get(i)?;
        }
        Ok(Row { text, created_at_ms: r.get(16)?, updated_at_ms: r.get(17)? })
    }

    fn entry(self) -> Result<JournalEntry, JournalError> {
        let [
            id,
            device,
            st,
            quote,
            payload,
            order,
            debit_cur,
            debit_val,
            credit_cur,
            credit_val,
            merchant,
            fc,
            fm,
            ac,
            am,
            authorization,
        ] = self.text;
        let id = id.unwrap_or_default();
        let corrupt = |what: &str| JournalError::new(ErrorCode::JournalCorrupt, format!("payment {id}: {what}"));
        let money = |cur: Option<String>, val: Option<String>, what: &str| {
            Money::parse_code(cur.as_deref().unwrap_or_default(), val.as_deref().unwrap_or_default())
                .map_err(|e| corrupt(&format!("{what}: {e}")))
        };
        let note = |code: Option<String>, message: Option<String>| {
            code.map(|code| Note { code, message: message.unwrap_or_default() })
        };
        Ok(JournalEntry {
            state: state(st.as_deref().unwrap_or_default())?,
            failure: note(fc, fm),
            attention: note(ac, am),
            created_at_ms: self.created_at_ms,
            updated_at_ms: self.updated_at_ms,
            payment: NewPayment {
                device_id: device.unwrap_or_default(),
                quote_id: quote.ok_or_else(|| corrupt("no quote id"))?,
                payload: payload.ok_or_else(|| corrupt("no payload"))?,
                order_id: order,
                debit: money(debit_cur, debit_val, "debit")?,
                credit: money(credit_cur, credit_val, "credit")?,
                merchant,
                authorization,
                payment_id: id.clone(),
            },
        })
    }
}

#[cfg(test)]
mod tests;
