//! A deterministic simulation of phones paying through a flaky network, in the spirit of FoundationDB's
//! and TigerBeetle's simulators: one seed drives everything — the schedule of purchases, network
//! losses and delays, late deliveries and late commits, switch restarts, app kills at any await point
//! (between every journal step), recovery running beside live payments, a second wallet opening the
//! same journal, key stores that refuse, keys that sign wrong or are replaced, clocks that jump.
//!
//! Time is tokio's paused clock (virtual: sleeps and timeouts cost nothing and happen in a fixed
//! order), randomness is [`SeededEntropy`], the network is in-process ([`Switch::exchange`]) so the
//! simulator decides what is delivered when. The real wallet core, journal (SQLite files) and switch
//! (router, store, SQLite) run unchanged.
//!
//! At the end the simulator heals everything, lets every phone recover, and checks: no purchase was
//! paid twice, every payment is final and the journal and the switch agree on it, and everything the
//! screen was told was what the journal said at that moment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossqr_core::api::transport::TransportFuture;
use crossqr_core::api::wire::{PaymentOutcome, PaymentRequest};
use crossqr_core::api::{ApiClient, ApiConfig, FAULT_HEADER, HttpRequest, Transport, TransportError};
use crossqr_core::clock::Clock;
use crossqr_core::entropy::SeededEntropy;
use crossqr_core::flow::{JournalEntry, JournalState, SessionState, Wallet, WalletBuilder, WalletOptions};
use crossqr_core::money::Currency;
use crossqr_core::sign::{DeviceKey, SignError, Signer};
use crossqr_core::{ErrorCode, ErrorKind};
use crossqr_switch::{Switch, SwitchConfig};
use tokio::task::JoinHandle;

use crate::synth::jpqr;

/// 2026-12-01T00:00:00Z, where every simulation starts.
const EPOCH_MS: i64 = 1_796_083_200_000;

/// How big a run is.
#[derive(Debug, Clone, Copy)]
pub struct SimConfig {
    /// Phones, each with its own key, journal and purchases.
    pub phones: usize,
    /// Purchases per phone.
    pub purchases: usize,
    /// Virtual time the chaos lasts.
    pub chaos: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig { phones: 3, purchases: 4, chaos: Duration::from_secs(240) }
    }
}

/// What one seed did and found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Purchases the users wanted.
    pub purchases: usize,
    /// Payments confirmed (a purchase may take several: a failed one is tried again).
    pub payments: usize,
    /// Purchases that ended paid (the others ended with every payment tried for them failed).
    pub paid: usize,
    /// Payments that ended failed (definitely not paid).
    pub failed: usize,
    /// Purchases paid more than once.
    pub duplicates: usize,
    /// Payments the journal and the switch disagree on, or left unfinished.
    pub losses: usize,
    /// Times the screen was told something the journal did not say.
    pub screen_lies: usize,
    /// Times a second wallet opened a journal that was in use.
    pub double_opens: usize,
    /// Events injected.
    pub kills: usize,
    /// Switch restarts.
    pub restarts: usize,
    /// Requests lost, delayed past their timeout, or delivered late.
    pub network_faults: usize,
    /// Late commits requested of the switch.
    pub late_commits: usize,
    /// Clock jumps.
    pub clock_jumps: usize,
    /// Key store refusals and wrong keys.
    pub signer_faults: usize,
    /// Prompts shown by the payment keys of the phones that have one, and how many the payer declined.
    pub prompts: usize,
    /// Prompts the payer declined.
    pub declined_prompts: usize,
    /// Recoveries run beside a live process.
    pub concurrent_recoveries: usize,
    /// Refused second opens of a journal (as they must be).
    pub locked_opens: usize,
    /// What went wrong, for a failing seed.
    pub violations: Vec<String>,
}

/// The simulation's random source: every decision comes from here.
struct Dice(SeededEntropy);

impl Dice {
    fn below(&self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }
    fn chance(&self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn ms(&self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.below(hi - lo + 1))
    }
}

/// Virtual time since the start, plus a jump a phone's clock may be off by.
struct SimClock {
    start: tokio::time::Instant,
    jump_ms: AtomicI64,
}

impl SimClock {
    fn new() -> Arc<SimClock> {
        Arc::new(SimClock { start: tokio::time::Instant::now(), jump_ms: AtomicI64::new(0) })
    }
}

impl Clock for SimClock {
    fn now_ms(&self) -> i64 {
        EPOCH_MS + self.start.elapsed().as_millis() as i64 + self.jump_ms.load(Ordering::SeqCst)
    }
}

/// A key store: signs with its key, or — while faulty — refuses, or signs with the wrong key.
struct SimSigner {
    key: Mutex<Arc<DeviceKey>>,
    wrong: Mutex<Option<DeviceKey>>,
    refusing: AtomicBool,
}

impl Signer for SimSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, SignError> {
        self.key.lock().unwrap().public_key_spki()
    }
    fn sign<'a>(&'a self, message: &'a [u8]) -> crossqr_core::sign::SignFuture<'a> {
        let signed = if self.refusing.load(Ordering::SeqCst) {
            Err(SignError::new(ErrorCode::SignerCancelled, "simulated: the user cancelled the prompt"))
        } else if let Some(wrong) = self.wrong.lock().unwrap().as_ref() {
            wrong.sign_der(message)
        } else {
            self.key.lock().unwrap().sign_der(message)
        };
        Box::pin(std::future::ready(signed))
    }
}

/// A payment key that asks the payer (the odd phones have one): the prompt takes a while — the app may
/// be killed under it — and sometimes the payer declines. It counts the approvals it signed by payment.
struct SimAuthorizer {
    key: DeviceKey,
    dice: Arc<Dice>,
    signed: Mutex<BTreeMap<String, usize>>,
    report: Arc<Mutex<Report>>,
}

impl Signer for SimAuthorizer {
    fn public_key_spki(&self) -> Result<Vec<u8>, SignError> {
        self.key.public_key_spki()
    }
    fn sign<'a>(&'a self, message: &'a [u8]) -> crossqr_core::sign::SignFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.dice.ms(200, 5_000)).await;
            self.report.lock().unwrap().prompts += 1;
            if self.dice.chance(15) {
                self.report.lock().unwrap().declined_prompts += 1;
                return Err(SignError::new(ErrorCode::SignerCancelled, "simulated: the payer declined"));
            }
            let text = String::from_utf8_lossy(message);
            let id = text.lines().find_map(|l| l.strip_prefix("payment_id=")).unwrap_or_default().to_owned();
            *self.signed.lock().unwrap().entry(id).or_default() += 1;
            self.key.sign_der(message)
        })
    }
}

/// The network between the phones and the (restartable) switch.
struct Network {
    dice: Arc<Dice>,
    switch: Mutex<Option<Switch>>,
    /// Percent of requests lost or delayed, while chaos lasts.
    trouble: AtomicI64,
    report: Arc<Mutex<Report>>,
}

struct Link(Arc<Network>);

impl Transport for Link {
    fn send(&self, mut request: HttpRequest, timeout: Duration) -> TransportFuture<'_> {
        let net = self.0.clone();
        Box::pin(async move {
            let trouble = net.trouble.load(Ordering::SeqCst) as u64;
            let dice = &net.dice;
            let Some(switch) = net.switch.lock().unwrap().clone() else {
                tokio::time::sleep(dice.ms(1, 20)).await;
                return Err(TransportError::NotDelivered("simulated: the switch is down".into()));
            };
            let faulty = dice.chance(trouble);
            let roll = dice.below(6);
            if faulty && roll == 0 {
                net.report.lock().unwrap().network_faults += 1;
                tokio::time::sleep(timeout).await;
                return Err(TransportError::Lost("simulated: request lost".into()));
            }
            if faulty && roll == 1 && request.path.starts_with("/v1/payments") {
                let ms = 1_000 + dice.below(4_000);
                request.headers.push((FAULT_HEADER, format!("late_commit={ms}")));
                net.report.lock().unwrap().late_commits += 1;
            }
            let (out, back) = if faulty && roll == 2 {
                net.report.lock().unwrap().network_faults += 1;
                (dice.ms(500, 6_000), dice.ms(500, 6_000))
            } else {
                (dice.ms(1, 40), dice.ms(1, 40))
            };
            let lose_answer = faulty && roll == 3;
            // Delivery runs on its own: a client that times out does not stop the request arriving.
            let delivery = tokio::spawn(async move {
                tokio::time::sleep(out).await;
                let answer = switch.exchange(request).await;
                tokio::time::sleep(back).await;
                answer
            });
            match tokio::time::timeout(timeout, delivery).await {
                Err(_) => Err(TransportError::Lost("simulated: timed out".into())),
                Ok(Err(e)) => Err(TransportError::Lost(format!("simulated: {e}"))),
                Ok(Ok(_)) if lose_answer => {
                    net.report.lock().unwrap().network_faults += 1;
                    Err(TransportError::Lost("simulated: connection dropped after the answer".into()))
                }
                Ok(Ok(answer)) => answer,
            }
        })
    }
}

/// One purchase a user wants to make, and what became of it.
#[derive(Debug, Default)]
struct Purchase {
    payload: String,
    /// Every payment tried for it.
    payments: Vec<String>,
    /// Settled, as far as the user knows.
    done: bool,
}

/// A phone: its key store, clock, journal file, purchases, and the running app (if any).
struct Phone {
    index: usize,
    signer: Arc<SimSigner>,
    /// The payment key, on the phones that have one.
    authorizer: Option<Arc<SimAuthorizer>>,
    /// Every key this phone ever held (a replaced key's payments stay its own).
    keys: Vec<Arc<DeviceKey>>,
    clock: Arc<SimClock>,
    journal: PathBuf,
    purchases: Arc<Mutex<Vec<Purchase>>>,
    app: Option<App>,
}

/// The running app: its wallet and its tasks.
struct App {
    wallet: Wallet,
    tasks: Vec<JoinHandle<()>>,
}

struct World {
    dice: Arc<Dice>,
    net: Arc<Network>,
    switch_config: SwitchConfig,
    switch_clock: Arc<SimClock>,
    phones: Vec<Phone>,
    report: Arc<Mutex<Report>>,
}

fn api_config(switch: &Switch) -> ApiConfig {
    ApiConfig {
        allow_http_loopback: true,
        attempt_timeout: Duration::from_secs(3),
        backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(2),
        ..ApiConfig::new("http://127.0.0.1:8787", switch.public_key())
    }
}

impl World {
    fn switch(&self) -> Switch {
        self.net.switch.lock().unwrap().clone().expect("the switch is up")
    }

    fn violation(&self, what: String) {
        self.report.lock().unwrap().violations.push(what);
    }

    /// Starts (or restarts) phone `i`'s app: open the wallet, register, recover, then buy.
    fn launch(&mut self, i: usize) {
        let phone = &self.phones[i];
        let switch = self.switch();
        let mut builder =
            WalletBuilder::new(api_config(&switch), phone.signer.clone(), WalletOptions::new(Currency::USD))
                .clock(phone.clock.clone())
                .entropy(Arc::new(SeededEntropy::new(self.dice.0.next_u64())))
                .transport(Arc::new(Link(self.net.clone())));
        if let Some(authorizer) = &phone.authorizer {
            builder = builder.authorizer(authorizer.clone());
        }
        let wallet = match builder.open(&phone.journal) {
            Ok(w) => w,
            Err(e) => return self.violation(format!("phone {i}: the app could not open its journal: {e}")),
        };
        let seed = self.dice.0.next_u64();
        let task = tokio::spawn(user(wallet.clone(), phone.purchases.clone(), self.report.clone(), seed, i));
        self.phones[i].app = Some(App { wallet, tasks: vec![task] });
    }

    /// Kills phone `i`'s app at whatever await point its tasks are in.
    async fn kill(&mut self, i: usize) {
        if let Some(app) = self.phones[i].app.take() {
            for t in &app.tasks {
                t.abort();
            }
            for t in app.tasks {
                let _ = t.await;
            }
        }
    }

    async fn chaos_event(&mut self) {
        let dice = self.dice.clone();
        let i = dice.below(self.phones.len() as u64) as usize;
        match dice.below(10) {
            0 | 1 => {
                self.report.lock().unwrap().kills += 1;
                self.kill(i).await;
                tokio::time::sleep(dice.ms(0, 2_000)).await;
                self.launch(i);
            }
            2 => {
                self.report.lock().unwrap().restarts += 1;
                *self.net.switch.lock().unwrap() = None;
                tokio::time::sleep(dice.ms(100, 3_000)).await;
                let switch = Switch::open(
                    self.switch_config.clone(),
                    self.switch_clock.clone(),
                    Arc::new(SeededEntropy::new(dice.0.next_u64())),
                )
                .expect("the switch reopens its database");
                *self.net.switch.lock().unwrap() = Some(switch);
            }
            3 => {
                if let Some(app) = &mut self.phones[i].app {
                    self.report.lock().unwrap().concurrent_recoveries += 1;
                    let wallet = app.wallet.clone();
                    app.tasks.push(tokio::spawn(async move {
                        let _ = wallet.recover(2).await;
                    }));
                }
            }
            4 => {
                if self.phones[i].app.is_some() {
                    let switch = self.switch();
                    let second = WalletBuilder::new(
                        api_config(&switch),
                        self.phones[i].signer.clone(),
                        WalletOptions::new(Currency::USD),
                    )
                    .open(&self.phones[i].journal);
                    match second {
                        Err(e) if e.code == ErrorCode::JournalLocked => self.report.lock().unwrap().locked_opens += 1,
                        Err(e) => self.violation(format!("phone {i}: a second open failed with {}: {e}", e.code)),
                        Ok(_) => {
                            self.report.lock().unwrap().double_opens += 1;
                            self.violation(format!("phone {i}: a second wallet opened a journal in use"));
                        }
                    }
                }
            }
            5 => {
                self.report.lock().unwrap().clock_jumps += 1;
                let jump = if dice.chance(50) { 15 * 60_000 } else { -15 * 60_000 };
                let clock = self.phones[i].clock.clone();
                clock.jump_ms.store(jump, Ordering::SeqCst);
                let back = dice.ms(2_000, 30_000);
                tokio::spawn(async move {
                    tokio::time::sleep(back).await;
                    clock.jump_ms.store(0, Ordering::SeqCst);
                });
            }
            6 => {
                self.report.lock().unwrap().signer_faults += 1;
                let signer = self.phones[i].signer.clone();
                signer.refusing.store(true, Ordering::SeqCst);
                let back = dice.ms(500, 20_000);
                tokio::spawn(async move {
                    tokio::time::sleep(back).await;
                    signer.refusing.store(false, Ordering::SeqCst);
                });
            }
            7 => {
                // The key store signs with a key that is not the registered one, for a while.
                self.report.lock().unwrap().signer_faults += 1;
                let signer = self.phones[i].signer.clone();
                *signer.wrong.lock().unwrap() = Some(DeviceKey::generate().expect("key"));
                let back = dice.ms(500, 20_000);
                tokio::spawn(async move {
                    tokio::time::sleep(back).await;
                    *signer.wrong.lock().unwrap() = None;
                });
            }
            8 if dice.chance(25) => {
                // The key is replaced for good (a new enrolment): the app restarts as a new device.
                self.report.lock().unwrap().signer_faults += 1;
                self.kill(i).await;
                let key = Arc::new(DeviceKey::generate().expect("key"));
                *self.phones[i].signer.key.lock().unwrap() = key.clone();
                self.phones[i].keys.push(key);
                self.launch(i);
            }
            _ => {
                let trouble = dice.below(40) as i64;
                self.net.trouble.store(trouble, Ordering::SeqCst);
            }
        }
    }

    /// Heals everything and lets every phone, under every key it held, recover until nothing is left.
    async fn heal(&mut self) {
        self.net.trouble.store(0, Ordering::SeqCst);
        for i in 0..self.phones.len() {
            self.kill(i).await;
            let phone = &self.phones[i];
            phone.clock.jump_ms.store(0, Ordering::SeqCst);
            phone.signer.refusing.store(false, Ordering::SeqCst);
            *phone.signer.wrong.lock().unwrap() = None;
        }
        // Let late deliveries and late commits land.
        tokio::time::sleep(Duration::from_secs(30)).await;
        let switch = self.switch();
        for phone in &self.phones {
            for key in &phone.keys {
                let signer = Arc::new(SimSigner {
                    key: Mutex::new(key.clone()),
                    wrong: Mutex::new(None),
                    refusing: AtomicBool::new(false),
                });
                let wallet = WalletBuilder::new(api_config(&switch), signer, WalletOptions::new(Currency::USD))
                    .clock(phone.clock.clone())
                    .entropy(Arc::new(SeededEntropy::new(1)))
                    .transport(Arc::new(Link(self.net.clone())))
                    .open(&phone.journal)
                    .expect("the journal opens once the app is gone");
                for _ in 0..5 {
                    if wallet.recover(4).await.is_ok() {
                        break;
                    }
                }
            }
        }
    }

    /// Every purchase paid at most once; every payment final and the same in the journal and the switch.
    async fn check(&mut self) {
        let switch = self.switch();
        let mut report = Report::default();
        for phone in &self.phones {
            let journal = crossqr_core::flow::Journal::open(&phone.journal).expect("journal");
            let entries: BTreeMap<String, JournalEntry> =
                journal.all().expect("journal").into_iter().map(|e| (e.payment.payment_id.clone(), e)).collect();
            drop(journal);
            let purchases: Vec<Vec<String>> =
                phone.purchases.lock().unwrap().iter().map(|p| p.payments.clone()).collect();
            report.purchases += purchases.len();
            let mut seen = BTreeSet::new();
            for (n, payments) in purchases.iter().enumerate() {
                if payments.is_empty() {
                    report.violations.push(format!("phone {} purchase {n} was never paid for", phone.index));
                }
                let mut settled = 0;
                for id in payments {
                    seen.insert(id.clone());
                    report.payments += 1;
                    let Some(entry) = entries.get(id) else {
                        report.losses += 1;
                        report.violations.push(format!("phone {}: payment {id} is not in the journal", phone.index));
                        continue;
                    };
                    let key = phone.keys.iter().find(|k| {
                        crossqr_core::sign::device_id(&k.public_key_spki().expect("spki")) == entry.payment.device_id
                    });
                    let backend = match key {
                        Some(k) => status(&switch, self.switch_clock.clone(), k.clone(), &entry.payment).await,
                        None => Err("no key made it".into()),
                    };
                    let agree = matches!(
                        (entry.state, &backend),
                        (JournalState::Settled, Ok(Some(PaymentOutcome::Settled)))
                            | (JournalState::Failed, Ok(Some(PaymentOutcome::Failed | PaymentOutcome::Cancelled)))
                    );
                    if !agree {
                        report.losses += 1;
                        report.violations.push(format!(
                            "phone {} purchase {n}: payment {id} is {} in the journal, {backend:?} at the switch",
                            phone.index,
                            entry.state.as_str()
                        ));
                    }
                    // A payment key asks once per payment, however many attempts and recoveries it took.
                    if let Some(authorizer) = &phone.authorizer {
                        let asked = authorizer.signed.lock().unwrap().get(id).copied().unwrap_or(0);
                        if asked != 1 {
                            report
                                .violations
                                .push(format!("phone {}: payment {id} was approved {asked} times", phone.index));
                        }
                    }
                    match entry.state {
                        JournalState::Settled => settled += 1,
                        JournalState::Failed => report.failed += 1,
                        _ => {}
                    }
                }
                if settled > 1 {
                    report.duplicates += 1;
                    report.violations.push(format!("phone {} purchase {n} was paid {settled} times", phone.index));
                }
                report.paid += usize::from(settled == 1);
            }
            for id in entries.keys().filter(|id| !seen.contains(*id)) {
                report.losses += 1;
                report.violations.push(format!("phone {}: journal payment {id} belongs to no purchase", phone.index));
            }
        }
        let mut r = self.report.lock().unwrap();
        r.purchases = report.purchases;
        r.payments = report.payments;
        r.paid = report.paid;
        r.failed = report.failed;
        r.duplicates = report.duplicates;
        r.losses = report.losses;
        r.violations.extend(report.violations);
    }
}

/// The switch's word about a payment, asked directly (in-process, no faults).
async fn status(
    switch: &Switch,
    clock: Arc<SimClock>,
    key: Arc<DeviceKey>,
    p: &crossqr_core::flow::NewPayment,
) -> Result<Option<PaymentOutcome>, String> {
    struct Direct(Switch);
    impl Transport for Direct {
        fn send(&self, request: HttpRequest, _: Duration) -> TransportFuture<'_> {
            Box::pin(self.0.exchange(request))
        }
    }
    let config = api_config(switch);
    let api = ApiClient::with_transport(
        config,
        key,
        clock,
        Arc::new(Direct(switch.clone())),
        Arc::new(SeededEntropy::new(0)),
    )
    .map_err(|e| e.to_string())?;
    let request = PaymentRequest::from(p);
    match api.status(&request).await {
        Ok(payment) => Ok(Some(payment.status)),
        Err(e) if e.code == ErrorCode::PaymentNotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The person holding the phone: buys each purchase, trying again only when a payment definitely
/// failed, and checks that what the screen says is what the journal says.
async fn user(
    wallet: Wallet,
    purchases: Arc<Mutex<Vec<Purchase>>>,
    report: Arc<Mutex<Report>>,
    seed: u64,
    phone: usize,
) {
    let dice = Dice(SeededEntropy::new(seed));
    let _ = wallet.register().await;
    let _ = wallet.recover(2).await;
    let count = purchases.lock().unwrap().len();
    for _ in 0..3 {
        buy_all(&wallet, &purchases, &report, &dice, phone, count).await;
        tokio::time::sleep(dice.ms(1_000, 20_000)).await;
        let _ = wallet.recover(3).await;
    }
}

async fn buy_all(
    wallet: &Wallet,
    purchases: &Mutex<Vec<Purchase>>,
    report: &Mutex<Report>,
    dice: &Dice,
    phone: usize,
    count: usize,
) {
    for n in 0..count {
        loop {
            let (payload, last) = {
                let p = purchases.lock().unwrap();
                (p[n].payload.clone(), p[n].payments.last().cloned())
            };
            if purchases.lock().unwrap()[n].done {
                break;
            }
            // A payment still under way is left to recovery: never pay again while it may settle.
            let last_state = last.as_ref().and_then(|id| wallet.payment(id).ok().flatten()).map(|e| e.state);
            match last_state {
                Some(JournalState::Settled) => {
                    purchases.lock().unwrap()[n].done = true;
                    break;
                }
                Some(JournalState::Confirmed | JournalState::Cancelling | JournalState::Submitted) => break,
                _ => {}
            }
            if purchases.lock().unwrap()[n].payments.len() >= 4 {
                break;
            }
            tokio::time::sleep(dice.ms(10, 2_000)).await;
            let Ok(mut session) = wallet.start(&payload).await else { continue };
            if session.request_quote().await.is_err() {
                continue;
            }
            tokio::time::sleep(dice.ms(0, 3_000)).await;
            if session.confirm().await.is_err() {
                continue;
            }
            let id = session.payment_id().expect("confirmed").to_owned();
            purchases.lock().unwrap()[n].payments.push(id.clone());
            tokio::time::sleep(dice.ms(0, 1_500)).await;
            let mut told = session.pay().await;
            for _ in 0..3 {
                // Nothing was sent (the key store refused): the payer taps pay again.
                match &told {
                    Err(e) if matches!(e.kind, ErrorKind::Signer | ErrorKind::NotSent) => {
                        tokio::time::sleep(dice.ms(200, 3_000)).await;
                        told = session.pay().await;
                    }
                    _ => break,
                }
            }
            let journal = wallet.payment(&id).ok().flatten().map(|e| e.state);
            match &told {
                Ok(result) => {
                    let said = result.state;
                    let agrees = match journal {
                        Some(s) => SessionState::from(s) == said,
                        None => false,
                    };
                    if !agrees {
                        let mut r = report.lock().unwrap();
                        r.screen_lies += 1;
                        r.violations
                            .push(format!("phone {phone}: the screen said {said:?}, the journal {journal:?} for {id}"));
                    }
                    if said == SessionState::Settled {
                        purchases.lock().unwrap()[n].done = true;
                        break;
                    }
                    if said != SessionState::Failed {
                        break;
                    }
                }
                Err(e) if journal.is_some_and(JournalState::is_final) => {
                    let mut r = report.lock().unwrap();
                    r.screen_lies += 1;
                    r.violations.push(format!("phone {phone}: the screen got an error ({e}) for a final payment {id}"));
                }
                Err(_) => break,
            }
        }
    }
}

/// Runs one seed and returns what happened.
pub fn run(seed: u64, config: SimConfig) -> Report {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().expect("runtime");
    runtime.block_on(simulate(seed, config))
}

async fn simulate(seed: u64, config: SimConfig) -> Report {
    let base = std::env::var_os("CROSSQR_SIM_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let shm = PathBuf::from("/dev/shm");
        if shm.is_dir() { shm } else { std::env::temp_dir() }
    });
    let dir = base.join(format!("crossqr-sim-{}-{seed}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("sim dir");
    let dice = Arc::new(Dice(SeededEntropy::new(seed)));
    let report = Arc::new(Mutex::new(Report::default()));
    let switch_clock = SimClock::new();
    let switch_config = SwitchConfig { sandbox: true, db_path: Some(dir.join("switch.db")), ..SwitchConfig::default() };
    let switch =
        Switch::open(switch_config.clone(), switch_clock.clone(), Arc::new(SeededEntropy::new(dice.0.next_u64())))
            .expect("switch");
    let net = Arc::new(Network {
        dice: dice.clone(),
        switch: Mutex::new(Some(switch)),
        trouble: AtomicI64::new(20),
        report: report.clone(),
    });
    let mut phones = Vec::new();
    for i in 0..config.phones {
        let key = Arc::new(DeviceKey::generate().expect("key"));
        let purchases = (0..config.purchases)
            .map(|n| Purchase {
                payload: jpqr(i * 100 + n, "コンビニ", Some(300 + 10 * (i * 100 + n))),
                ..Purchase::default()
            })
            .collect();
        let authorizer = (i % 2 == 1).then(|| {
            Arc::new(SimAuthorizer {
                key: DeviceKey::generate().expect("key"),
                dice: dice.clone(),
                signed: Mutex::new(BTreeMap::new()),
                report: report.clone(),
            })
        });
        phones.push(Phone {
            index: i,
            authorizer,
            signer: Arc::new(SimSigner {
                key: Mutex::new(key.clone()),
                wrong: Mutex::new(None),
                refusing: AtomicBool::new(false),
            }),
            keys: vec![key],
            clock: SimClock::new(),
            journal: dir.join(format!("phone-{i}.db")),
            purchases: Arc::new(Mutex::new(purchases)),
            app: None,
        });
    }
    let mut world = World { dice: dice.clone(), net, switch_config, switch_clock, phones, report: report.clone() };
    for i in 0..config.phones {
        world.launch(i);
    }
    let end = tokio::time::Instant::now() + config.chaos;
    while tokio::time::Instant::now() < end {
        tokio::time::sleep(dice.ms(200, 8_000)).await;
        world.chaos_event().await;
    }
    // The users finish what they were doing on a healthy network, then everything is reconciled.
    world.net.trouble.store(0, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(120)).await;
    world.heal().await;
    // The users finish their purchases on the healed network, then everything is reconciled again.
    for i in 0..config.phones {
        world.launch(i);
    }
    for phone in &mut world.phones {
        if let Some(app) = phone.app.take() {
            for t in app.tasks {
                let _ = t.await;
            }
        }
    }
    world.heal().await;
    world.check().await;
    let _ = std::fs::remove_dir_all(&dir);
    report.lock().unwrap().clone()
}
