import CrossQR
import SwiftUI

/// A thin wallet shell: camera, four screens, the Secure Enclave. Every decision is crossqr's.
@main
struct CrossQRDemoApp: App {
    /// One model, so one wallet, for the app's life (a second wallet on the journal is `journal_locked`).
    @StateObject private var model = WalletModel()

    var body: some Scene {
        WindowGroup { ContentView(model: model) }
    }
}

/// What the shell shows; each state is filled from crossqr's results.
enum Screen {
    case starting
    case scan
    /// The payer enters the amount of a static code, the tip a code asks for, or both.
    case amount(PaymentSession, amount: Bool, tip: Bool)
    case confirm(PaymentSession, PaymentSummary)
    case done(PaymentResult)
    case problem(CrossqrError)
}

/// What the payer should make of a failure: the kind says it (an exhaustive switch, no `default`).
func advice(_ kind: ErrorKind) -> String {
    switch kind {
    case .invalidInput: return "This code or amount cannot be paid."
    case .expired: return "This has expired: scan or quote again."
    case .rejected: return "Not paid: the payment was declined."
    case .notSent: return "Nothing was sent: try again."
    case .outcomeUnknown: return "Pending: do not pay again; crossqr will find out."
    case .signer: return "The payment was not approved."
    case .busy: return "Busy: try again in a moment."
    case .internal: return "Something went wrong in crossqr."
    }
}

/// The flow's steps. The model, not a view, owns them: a view that goes away mid-payment cancels
/// nothing, and should the app be killed the core's journal and `recover()` finish the payment.
@MainActor
final class WalletModel: ObservableObject {
    @Published var screen: Screen = .starting
    private var wallet: Wallet?
    /// The wallet opened, registered and recovered.
    private var ready = false
    /// A step is under way.
    private var running = false

    #if DEBUG
    static let debug = true
    #else
    static let debug = false
    #endif

    init() {
        start()
    }

    /// Opens the wallet (a refused configuration lands on the problem screen), registers, recovers.
    func start() {
        screen = .starting
        let info = Bundle.main.infoDictionary ?? [:]
        let journal = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try? FileManager.default.createDirectory(at: journal, withIntermediateDirectories: true)
        step { [self] in
            let wallet = try self.wallet ?? Wallet(
                config: WalletConfig(baseUrl: info["CrossQRSwitchURL"] as? String ?? "",
                                     serverPublicKey: info["CrossQRSwitchKey"] as? String ?? "",
                                     homeCurrency: "JPY",
                                     // The first of the user's languages crossqr displays (English when none is).
                                     locale: displayLocale(preferences: Locale.preferredLanguages),
                                     journalPath: journal.appendingPathComponent("crossqr-journal.db").path,
                                     // The backend's CA, not the system trust store; plain HTTP only to
                                     // loopback in debug builds (the simulator shares the Mac's).
                                     tlsCaPem: Bundle.main.url(forResource: "switch-ca", withExtension: "pem")
                                         .flatMap { try? String(contentsOf: $0, encoding: .utf8) },
                                     allowHttpLoopback: Self.debug),
                signer: try SecureEnclaveSigner(tag: "app.crossqr.device-key", userPresence: false),
                authorizer: try SecureEnclaveSigner(tag: "app.crossqr.payment-key", userPresence: true))
            self.wallet = wallet
            try await wallet.register()
            _ = try await wallet.recover(rounds: 3)
            try await wallet.refreshRates()
            self.ready = true
            return .scan
        }
    }

    /// Back to the camera; through the start-up step again when it never completed.
    func scanAgain() {
        if ready { screen = .scan } else { start() }
    }

    /// Runs a core step; any failure shows crossqr's code and reason. A second tap while a step runs is
    /// ignored, not a `busy` error.
    func step(_ body: @escaping () async throws -> Screen) {
        guard !running else { return }
        running = true
        Task {
            defer { running = false }
            do { screen = try await body() } catch let error as CrossqrError { screen = .problem(error) } catch {
                screen = .problem(.Failed(kind: .internal, code: "internal", reason: "\(error)"))
            }
        }
    }

    func scanned(_ payload: String) {
        guard case .scan = screen, ready, let wallet else { return }
        step {
            let session = try await wallet.start(payload: payload)
            let (amount, tip) = (try session.needsAmount(), try session.asksForTip())
            return amount || tip ? .amount(session, amount: amount, tip: tip) : .confirm(session, try await session.requestQuote())
        }
    }

    /// The amount (static code) and the tip (a code that asks for one), each nil when not asked for.
    func enter(amount: Decimal?, tip: Decimal?, for session: PaymentSession) {
        step {
            if let amount { try session.enterAmount(amount: amount) }
            if let tip { try session.enterTip(tip: tip) }
            return .confirm(session, try await session.requestQuote())
        }
    }

    /// Confirming asks the payment key (Face ID), journals the payment, then sends it.
    func pay(_ session: PaymentSession) {
        step { .done(try await session.pay()) }
    }
}

/// The amount as typed in the user's locale ("2,50" in French), read whole and exactly, or nil. Digits
/// and one decimal separator only: "1.000" on a German phone is refused, never guessed to be 1 or 1000.
func parseAmount(_ text: String, locale: Locale = .current) -> Decimal? {
    let typed = text.trimmingCharacters(in: .whitespaces)
    let separator = locale.decimalSeparator ?? "."
    let pattern = "^[0-9]+(" + NSRegularExpression.escapedPattern(for: separator) + "[0-9]+)?$"
    guard typed.range(of: pattern, options: .regularExpression) != nil else { return nil }
    return Decimal(string: typed.replacingOccurrences(of: separator, with: "."), locale: Locale(identifier: "en_US_POSIX"))
}

struct ContentView: View {
    @ObservedObject var model: WalletModel
    @State private var amountText = ""
    @State private var tipText = ""
    @State private var wrongAmount = false

    var body: some View {
        switch model.screen {
        case .starting:
            ProgressView("Starting…")
        case .scan:
            ScannerView { payload in Task { @MainActor in model.scanned(payload) } }.ignoresSafeArea()
        case let .amount(session, askAmount, askTip):
            Form {
                Text((try? session.merchantName()) ?? "").font(.title2)
                if askAmount {
                    TextField("Amount", text: $amountText).keyboardType(.decimalPad)
                        .onChange(of: amountText) { _ in wrongAmount = false }
                }
                if askTip {
                    TextField("Tip (optional)", text: $tipText).keyboardType(.decimalPad)
                        .onChange(of: tipText) { _ in wrongAmount = false }
                }
                if wrongAmount { Text("Not an amount").foregroundStyle(.red) }
                // crossqr decides what the currency allows; the shell only reads the numbers.
                Button("Continue") {
                    let amount = askAmount ? parseAmount(amountText) : nil
                    let tip = askTip && !tipText.isEmpty ? parseAmount(tipText) : nil
                    if (askAmount && amount == nil) || (askTip && !tipText.isEmpty && tip == nil) {
                        wrongAmount = true
                    } else {
                        model.enter(amount: amount, tip: tip, for: session)
                    }
                }
            }
            .onAppear { // each payment starts empty
                amountText = ""
                tipText = ""
                wrongAmount = false
            }
        case let .confirm(session, summary):
            List {
                Section(summary.merchantName ?? "") {
                    ForEach(summary.lines, id: \.key) { line in LabeledContent { Text(line.value) } label: { Text(line.label) } }
                }
                Button("Pay \(summary.total)") { model.pay(session) }
            }
        case let .done(result):
            VStack(spacing: 16) {
                Text("\(String(describing: result.state)) — \(result.paymentId)")
                if let note = result.note { Text(note.message) }
                if result.needsAttention { Text("Needs attention: contact support with this payment id.") }
                Button("Scan again") { model.scanAgain() }
            }
        case let .problem(error):
            VStack(spacing: 16) {
                Text(advice(error.kind))
                Text(error.description)
                Text(error.code).font(.caption)
                Button("Scan again") { model.scanAgain() }
            }
        }
    }
}
