use super::*;
use crate::money::Currency;

struct Dir(std::path::PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("crossqr-journal-{name}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
    fn file(&self) -> std::path::PathBuf {
        self.0.join("journal.db")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn payment(id: &str) -> NewPayment {
    NewPayment {
        payment_id: id.into(),
        device_id: "d".repeat(32),
        quote_id: "q".into(),
        payload: "p".into(),
        order_id: None,
        debit: Money::parse("8.30", Currency::USD).unwrap(),
        credit: Money::parse("1200", Currency::JPY).unwrap(),
        merchant: Some("Cafe".into()),
        authorization: Some("sig".into()),
    }
}

#[test]
fn survives_reopening_and_final_states_never_move() {
    let dir = Dir::new("reopen");
    {
        let j = Journal::open(&dir.file()).unwrap();
        j.record(&payment("a"), 1).unwrap();
        j.record(&payment("b"), 2).unwrap();
        j.transition("a", JournalState::Confirmed, JournalState::Submitted, None, 3).unwrap();
        j.transition("b", JournalState::Confirmed, JournalState::Submitted, None, 4).unwrap();
        j.transition("b", JournalState::Submitted, JournalState::Settled, None, 5).unwrap();
        let again = j.transition("b", JournalState::Submitted, JournalState::Failed, Some(&Note::new("x", "y")), 6);
        assert_eq!(again.unwrap_err().code, ErrorCode::JournalConflict, "a settled payment does not fail");
        assert_eq!(j.record(&payment("a"), 7).unwrap_err().code, ErrorCode::JournalError, "an id is journalled once");
    }
    let j = Journal::open(&dir.file()).unwrap();
    let unfinished = j.unfinished().unwrap();
    assert_eq!(unfinished.len(), 1);
    assert_eq!((unfinished[0].payment_id(), unfinished[0].state), ("a", JournalState::Submitted));
    assert_eq!(unfinished[0].payment, payment("a"), "the payment comes back exactly as recorded");
    assert_eq!(unfinished[0].payment.debit.amount().to_string(), "8.30");
    assert_eq!(j.get("b").unwrap().unwrap().state, JournalState::Settled);
    let path: Vec<_> = j.transitions("b").unwrap().iter().map(|t| (t.from, t.to)).collect();
    assert_eq!(
        path,
        [
            (None, JournalState::Confirmed),
            (Some(JournalState::Confirmed), JournalState::Submitted),
            (Some(JournalState::Submitted), JournalState::Settled)
        ]
    );
    assert_eq!(j.all().unwrap().len(), 2);
}

#[test]
fn moves_are_compare_and_set() {
    let j = Journal::in_memory().unwrap();
    j.record(&payment("a"), 1).unwrap();
    j.transition("a", JournalState::Confirmed, JournalState::Cancelling, None, 2).unwrap();
    // A session that still believes the payment is confirmed cannot mark it sent.
    let stale = j.transition("a", JournalState::Confirmed, JournalState::Submitted, None, 3).unwrap_err();
    assert_eq!(stale.code, ErrorCode::JournalConflict);
    assert_eq!(j.get("a").unwrap().unwrap().state, JournalState::Cancelling);
    // Moves outside the table are refused before touching the row.
    let back = j.transition("a", JournalState::Cancelling, JournalState::Confirmed, None, 4).unwrap_err();
    assert_eq!(back.code, ErrorCode::JournalConflict);
    assert_eq!(
        j.transition("zz", JournalState::Confirmed, JournalState::Submitted, None, 5).unwrap_err().code,
        ErrorCode::JournalConflict
    );
    // Attention notes stick to pending payments and are cleared by the next move.
    let noted = j.set_attention("a", Some(&Note::new("stale_request", "clock")), 6).unwrap();
    assert_eq!(noted.attention.unwrap().code, "stale_request");
    let failed = j
        .transition(
            "a",
            JournalState::Cancelling,
            JournalState::Failed,
            Some(&Note::new("abandoned", "no money moved")),
            7,
        )
        .unwrap();
    assert_eq!((failed.attention, failed.failure.unwrap().code.as_str()), (None, "abandoned"));
    assert_eq!(
        j.set_attention("a", Some(&Note::new("x", "y")), 8).unwrap().attention,
        None,
        "final payments take no notes"
    );
}

#[test]
fn one_writer_per_file() {
    let dir = Dir::new("lock");
    let first = Journal::open(&dir.file()).unwrap();
    let second = Journal::open(&dir.file()).unwrap_err();
    assert_eq!(second.code, ErrorCode::JournalLocked, "{second}");
    drop(first);
    Journal::open(&dir.file()).expect("free once the first is closed");
}

#[test]
fn migrates_a_version_1_journal_and_refuses_unknown_states_and_newer_versions() {
    let dir = Dir::new("migrate");
    {
        let c = Connection::open(dir.file()).unwrap();
        c.execute_batch(
            "CREATE TABLE payments (payment_id TEXT PRIMARY KEY, state TEXT NOT NULL, request TEXT NOT NULL, merchant TEXT,
                failure_code TEXT, failure_message TEXT, created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);",
        )
        .unwrap();
        let request = r#"{"payment_id":"a","quote_id":"q1","payload":"P","debit":{"currency":"USD","value":"8.30"},"credit":{"currency":"JPY","value":"1200"}}"#;
        c.execute("INSERT INTO payments VALUES ('a', 'submitted', ?1, 'Cafe', NULL, NULL, 10, 11)", params![request])
            .unwrap();
    }
    {
        let j = Journal::open(&dir.file()).unwrap();
        let e = j.get("a").unwrap().unwrap();
        assert_eq!(
            (e.state, e.payment.quote_id.as_str(), e.payment.payload.as_str()),
            (JournalState::Submitted, "q1", "P")
        );
        assert_eq!((e.payment.debit.to_string(), e.payment.credit.to_string()), ("8.30 USD".into(), "1200 JPY".into()));
        assert_eq!(e.payment.device_id, "", "version 1 did not record the device");
        assert_eq!(j.transitions("a").unwrap().len(), 1);
    }
    {
        let c = Connection::open(dir.file()).unwrap();
        c.execute("UPDATE payments SET state = 'paid' WHERE payment_id = 'a'", []).unwrap();
    }
    let j = Journal::open(&dir.file()).unwrap();
    assert_eq!(j.get("a").unwrap_err().code, ErrorCode::JournalCorrupt, "an unknown state is not guessed");
    drop(j);
    {
        let c = Connection::open(dir.file()).unwrap();
        c.execute("UPDATE meta SET value = 99 WHERE key = 'schema_version'", []).unwrap();
    }
    assert_eq!(Journal::open(&dir.file()).unwrap_err().code, ErrorCode::JournalVersion);
}
