import CrossQR
import SwiftUI

/// A thin wallet shell: camera, three screens, the Secure Enclave. Every decision is crossqr's.
@main
struct CrossQRDemoApp: App {
    var body: some Scene {
        WindowGroup { ContentView(model: WalletModel()) }
    }
}

/// What the shell shows; each state is filled from crossqr's results.
enum Screen {
    case scan
    case amount(PaymentSession)
    case confirm(PaymentSession, PaymentSummaryInfo)
    case done(PaymentOutcome)
    case problem(CrossqrError)
}

@MainActor
final class WalletModel: ObservableObject {
    @Published var screen: Screen = .scan
    private var wallet: Wallet?

    init() {
        let info = Bundle.main.infoDictionary ?? [:]
        let journal = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try? FileManager.default.createDirectory(at: journal, withIntermediateDirectories: true)
        step {
            let wallet = try Wallet(
                config: WalletConfig(baseUrl: info["CrossQRSwitchURL"] as? String ?? "",
                                     serverPublicKey: info["CrossQRSwitchKey"] as? String ?? "",
                                     homeCurrency: "JPY",
                                     locale: Locale.current.language.languageCode?.identifier ?? "en",
                                     journalPath: journal.appendingPathComponent("crossqr-journal.db").path),
                signer: try SecureEnclaveSigner())
            self.wallet = wallet
            try await wallet.register()
            _ = try await wallet.recover(rounds: 3)
            try await wallet.refreshRates()
            return .scan
        }
    }

    /// Runs a core step; any failure shows crossqr's code and reason.
    func step(_ body: @escaping () async throws -> Screen) {
        Task {
            do { screen = try await body() } catch let error as CrossqrError { screen = .problem(error) } catch {
                screen = .problem(.Failed(code: "unexpected", reason: "\(error)"))
            }
        }
    }

    func scanned(_ payload: String) {
        guard case .scan = screen, let wallet else { return }
        step {
            let session = try await wallet.start(payload: payload)
            return try session.needsAmount() ? .amount(session) : .confirm(session, try await session.requestQuote())
        }
    }

    func enter(_ amount: Decimal, for session: PaymentSession) {
        step {
            try session.enterAmount(amount: amount)
            return .confirm(session, try await session.requestQuote())
        }
    }

    func pay(_ session: PaymentSession) {
        step { .done(try await session.pay()) }
    }
}

struct ContentView: View {
    @ObservedObject var model: WalletModel
    @State private var amountText = ""

    var body: some View {
        switch model.screen {
        case .scan:
            ScannerView { payload in Task { @MainActor in model.scanned(payload) } }.ignoresSafeArea()
        case let .amount(session):
            Form {
                Text((try? session.merchantName()) ?? "").font(.title2)
                TextField("Amount", text: $amountText).keyboardType(.decimalPad)
                Button("Continue") {
                    if let amount = Decimal(string: amountText, locale: Locale(identifier: "en_US_POSIX")) {
                        model.enter(amount, for: session)
                    }
                }
            }
        case let .confirm(session, summary):
            List {
                Section(summary.merchantName ?? "") {
                    ForEach(summary.lines, id: \.key) { line in LabeledContent(line.label, value: line.value) }
                }
                Button("Pay \(summary.total)") { model.pay(session) }
            }
        case let .done(outcome):
            VStack(spacing: 16) {
                Text("\(String(describing: outcome.state)) — \(outcome.paymentId)")
                if let reason = outcome.failureReason { Text(reason) }
                Button("Scan again") { model.screen = .scan }
            }
        case let .problem(error):
            VStack(spacing: 16) {
                Text(error.description)
                Text(error.code).font(.caption)
                Button("Scan again") { model.screen = .scan }
            }
        }
    }
}
