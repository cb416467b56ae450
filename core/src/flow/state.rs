//! The payment state machine as two pure transition tables, with nothing else in them:
//!
//! ```text
//! session:  scanned ─enter amount─▶ amount_entered ─quote─▶ quoted ─confirm─▶ (journal) confirmed
//!              └────────quote────────────────────────────▲     │
//!                                         expired ◀─quote ran out┘ (and back with a new quote)
//!
//! journal:  confirmed ─send─▶ submitted ─backend's word─▶ settled | failed
//!               └─abandon─▶ cancelling ─backend's word─▶ failed (cancelled) | settled | failed
//! ```
//!
//! Once a payment is journalled the session's state is the journal's; the journal's moves only go
//! forward, and only the backend's answer about the payment reaches `settled` or `failed`.

/// Where a payment session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionState {
    /// A code was read.
    Scanned,
    /// The payer entered the amount of a static code (or a tip).
    AmountEntered,
    /// A firm quote is held.
    Quoted,
    /// The payer approved; journalled, not yet sent.
    Confirmed,
    /// Never sent, and being cancelled with the backend; the outcome is not final yet.
    Cancelling,
    /// Sent (or about to be); the outcome is not known yet.
    Submitted,
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed,
    /// The quote ran out before payment; quote again.
    Expired,
}

impl SessionState {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Scanned => "scanned",
            SessionState::AmountEntered => "amount_entered",
            SessionState::Quoted => "quoted",
            SessionState::Confirmed => "confirmed",
            SessionState::Cancelling => "cancelling",
            SessionState::Submitted => "submitted",
            SessionState::Settled => "settled",
            SessionState::Failed => "failed",
            SessionState::Expired => "expired",
        }
    }

    /// The state after `step`, or `None` when the step is not allowed from here.
    pub fn after(self, step: Step) -> Option<SessionState> {
        SESSION_STEPS.iter().find(|(s, from, _)| *s == step && from.contains(&self)).map(|(_, _, to)| *to)
    }
}

/// What the payer (or the quote's clock) does to a session before it is journalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Enter or change the amount (or tip) of a code that lets the payer.
    EnterAmount,
    /// A firm quote arrived.
    Quote,
    /// The quote ran out before the payer confirmed, or the backend said it had.
    QuoteRanOut,
    /// The payer approved: the payment is journalled.
    Confirm,
}

const BEFORE_CONFIRM: &[SessionState] =
    &[SessionState::Scanned, SessionState::AmountEntered, SessionState::Quoted, SessionState::Expired];

/// (step, from, to).
const SESSION_STEPS: &[(Step, &[SessionState], SessionState)] = &[
    (Step::EnterAmount, BEFORE_CONFIRM, SessionState::AmountEntered),
    (Step::Quote, BEFORE_CONFIRM, SessionState::Quoted),
    (Step::QuoteRanOut, &[SessionState::Quoted, SessionState::Failed], SessionState::Expired),
    (Step::Confirm, &[SessionState::Quoted], SessionState::Confirmed),
];

/// Where a journalled payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JournalState {
    /// Confirmed by the payer, never sent.
    Confirmed,
    /// Never sent; a cancel is being asked of the backend.
    Cancelling,
    /// Sent (or about to be): the backend may have it.
    Submitted,
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed,
}

/// Every move the journal allows: forward only, and to a final state only on the backend's word.
const JOURNAL_MOVES: &[(JournalState, JournalState)] = &[
    (JournalState::Confirmed, JournalState::Submitted),
    (JournalState::Confirmed, JournalState::Cancelling),
    (JournalState::Submitted, JournalState::Settled),
    (JournalState::Submitted, JournalState::Failed),
    (JournalState::Cancelling, JournalState::Failed),
    (JournalState::Cancelling, JournalState::Settled),
];

impl JournalState {
    /// Every state.
    pub const ALL: [JournalState; 5] = [
        JournalState::Confirmed,
        JournalState::Cancelling,
        JournalState::Submitted,
        JournalState::Settled,
        JournalState::Failed,
    ];

    /// Stable snake_case name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            JournalState::Confirmed => "confirmed",
            JournalState::Cancelling => "cancelling",
            JournalState::Submitted => "submitted",
            JournalState::Settled => "settled",
            JournalState::Failed => "failed",
        }
    }

    /// The state stored as `text`; `None` for anything else (never a guess).
    pub fn parse(text: &str) -> Option<JournalState> {
        JournalState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// True once the payment cannot change any more.
    pub fn is_final(self) -> bool {
        matches!(self, JournalState::Settled | JournalState::Failed)
    }

    /// True when the journal may move from `self` to `to`.
    pub fn can_become(self, to: JournalState) -> bool {
        JOURNAL_MOVES.contains(&(self, to))
    }

    /// True when nothing was ever sent for the payment.
    pub fn never_sent(self) -> bool {
        matches!(self, JournalState::Confirmed | JournalState::Cancelling)
    }
}

impl From<JournalState> for SessionState {
    fn from(s: JournalState) -> Self {
        match s {
            JournalState::Confirmed => SessionState::Confirmed,
            JournalState::Cancelling => SessionState::Cancelling,
            JournalState::Submitted => SessionState::Submitted,
            JournalState::Settled => SessionState::Settled,
            JournalState::Failed => SessionState::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_SESSION: [SessionState; 9] = [
        SessionState::Scanned,
        SessionState::AmountEntered,
        SessionState::Quoted,
        SessionState::Confirmed,
        SessionState::Cancelling,
        SessionState::Submitted,
        SessionState::Settled,
        SessionState::Failed,
        SessionState::Expired,
    ];

    #[test]
    fn session_steps_are_exactly_the_table() {
        use SessionState::*;
        let expect = |step, state| match (step, state) {
            (Step::EnterAmount | Step::Quote, Scanned | AmountEntered | Quoted | Expired) => {
                Some(if step == Step::Quote { Quoted } else { AmountEntered })
            }
            (Step::QuoteRanOut, Quoted | Failed) => Some(Expired),
            (Step::Confirm, Quoted) => Some(Confirmed),
            _ => None,
        };
        for step in [Step::EnterAmount, Step::Quote, Step::QuoteRanOut, Step::Confirm] {
            for state in ALL_SESSION {
                assert_eq!(state.after(step), expect(step, state), "{step:?} from {state:?}");
            }
        }
        // Nothing the payer does touches a journalled payment.
        for state in [Confirmed, Cancelling, Submitted, Settled] {
            assert!([Step::EnterAmount, Step::Quote, Step::Confirm].iter().all(|s| state.after(*s).is_none()));
        }
    }

    #[test]
    fn the_journal_only_moves_forward_and_finals_never_move() {
        let rank = |s: JournalState| match s {
            JournalState::Confirmed => 0,
            JournalState::Cancelling | JournalState::Submitted => 1,
            JournalState::Settled | JournalState::Failed => 2,
        };
        let mut allowed = 0;
        for from in JournalState::ALL {
            for to in JournalState::ALL {
                if from.can_become(to) {
                    allowed += 1;
                    assert!(rank(to) > rank(from), "{from:?} → {to:?} goes backwards");
                    assert!(!from.is_final());
                }
            }
            assert_eq!(JournalState::parse(from.as_str()), Some(from));
        }
        assert_eq!(allowed, JOURNAL_MOVES.len());
        assert!(!JournalState::Submitted.can_become(JournalState::Confirmed), "no way back to not-sent");
        assert!(!JournalState::Confirmed.can_become(JournalState::Failed), "abandoning needs the backend");
        assert!(!JournalState::Cancelling.can_become(JournalState::Submitted), "a cancelled payment is never sent");
        assert_eq!(JournalState::parse("submitted "), None);
        assert_eq!(JournalState::parse("paid"), None, "an unknown stored state is not guessed");
    }
}
