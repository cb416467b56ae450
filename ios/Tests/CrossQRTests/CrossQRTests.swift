// The Swift side of the host tests (`scripts/swift-tests.sh` wherever `swift` exists; `swift test` in
// ios/ on a Mac after build-xcframework.sh). The Kotlin suite in tests/kotlin covers the same API on every
// CI run; these check what is Swift-specific: Foundation.Decimal across the boundary, thrown errors and
// their kind, Data frames, async signers, Task cancellation, and a whole payment over HTTPS against the
// reference switch. CoreImage and CryptoKit exist only on Apple platforms; those checks are skipped
// elsewhere.
#if canImport(CoreImage)
import CoreImage
#endif
#if canImport(CryptoKit)
import CryptoKit
#endif
import Foundation
import XCTest
@testable import CrossQR

let now: Int64 = 1_763_769_600_000
let osakaJpqr = "00020101021226680019jp.or.paymentsjapan011300000010000420204000103060000420406000001520458125303392540412005802JP5908STORE 426005OSAKA6107530000164160002JA0106らーめん一番63045E24"
let phnomPenhKhqr = "00020101021129130009cafe@aclb5204599953031165802KH5915Phnom Penh Cafe6010Phnom Penh64300002km0109ហាងកាហ្វេ0207ភ្នំពេញ63043AAC"
let payRequest = "POST /v1/payments"
let approval = "crossqr-payment-authorization-v1"

/// Runs `body`, which must throw `CrossqrError.Failed` with `code` (and `kind`, when given).
@discardableResult
func expectFailure(_ code: String, kind: ErrorKind? = nil, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                   _ body: () async throws -> Void) async -> CrossqrError? {
    do {
        try await body()
        XCTFail("\(what): nothing was thrown", file: file, line: line)
        return nil
    } catch let error as CrossqrError {
        XCTAssertEqual(error.code, code, "\(what): \(error)", file: file, line: line)
        if let kind { XCTAssertEqual(error.kind, kind, "\(what): kind", file: file, line: line) }
        guard case let .Failed(_, _, reason) = error else { return error }
        XCTAssertFalse(reason.isEmpty, "\(what): empty reason", file: file, line: line)
        // The human reason is what "\(error)", description and localizedDescription show.
        XCTAssertEqual("\(error)", reason, file: file, line: line)
        XCTAssertEqual(error.localizedDescription, reason, file: file, line: line)
        return error
    } catch {
        XCTFail("\(what): threw \(error), not a CrossqrError", file: file, line: line)
        return nil
    }
}

/// What a screen makes of a failure: an exhaustive switch over the kinds (no `default`).
func screen(for kind: ErrorKind) -> String {
    switch kind {
    case .invalidInput: return "fix the input"
    case .expired: return "scan or quote again"
    case .rejected: return "not paid"
    case .notSent: return "not sent: try again"
    case .outcomeUnknown: return "pending: do not pay again"
    case .signer: return "unlock the key"
    case .busy: return "wait"
    case .internal: return "report"
    }
}

final class CodeTests: XCTestCase {
    func testParsesAStaticKhqr() throws {
        let info = try parseCode(
            payload: "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B",
            nowMs: now)
        XCTAssertEqual(info.scheme, "khqr")
        XCTAssertEqual(info.account, "jonhsmith@nbcq")
        XCTAssertEqual(info.currency, "KHR")
        XCTAssertNil(info.amount)
        XCTAssertEqual(info.accounts.first?.bank?.id, "nbcq")
    }

    func testGeneratedKhqrRoundTripsWithItsAmountAsWritten() throws {
        let fields = KhqrFields(accountId: "cafe@aclb", merchantName: "Phnom Penh Cafe", currency: "USD",
                                amount: "2.50", expiresAtMs: now + 3_600_000, altLanguage: "km", altName: "ហាងកាហ្វេ")
        let code = try generateKhqr(fields: fields, nowMs: now)
        let info = try parseCode(payload: code.payload, nowMs: now)
        XCTAssertEqual(info.amount, "2.50")
        XCTAssertEqual(info.merchantNameAlt, "ហាងកាហ្វេ")
        XCTAssertEqual(info.md5, code.md5)
        XCTAssertEqual(info.dynamic, true)
    }

    func testErrorsCarryKindCodeAndDescription() async {
        let failure = await expectFailure("unsupported_code", kind: .invalidInput, "plain text") {
            _ = try parseCode(payload: "hello, world", nowMs: nil)
        }
        XCTAssertEqual(failure.map { screen(for: $0.kind) }, "fix the input")
        let code = try! generateKhqr(fields: KhqrFields(accountId: "cafe@aclb", merchantName: "Cafe", amount: "100",
                                                        expiresAtMs: now + 60_000), nowMs: now)
        await expectFailure("expired", kind: .expired, "an expired code") {
            _ = try parseCode(payload: code.payload, nowMs: now + 61_000)
        }
        await expectFailure("invalid_field", kind: .invalidInput, "riel with cents") {
            _ = try generateKhqr(fields: KhqrFields(accountId: "cafe@aclb", merchantName: "Cafe", amount: "1.5",
                                                    expiresAtMs: now + 60_000), nowMs: now)
        }
    }
}

final class MoneyTests: XCTestCase {
    func testDisplay() throws {
        XCTAssertEqual(try formatMoney(amount: 32900, currency: "KHR", locale: "km", symbol: .locale, khmerDigits: false), "32,900៛")
        XCTAssertEqual(try formatMoney(amount: 1200, currency: "JPY", locale: "en", symbol: .disambiguated, khmerDigits: false), "JP¥1,200")
        XCTAssertEqual(try formatMoney(amount: 8, currency: "USD", locale: "en", symbol: .code, khmerDigits: false), "USD\u{a0}8.00")
    }

    func testThePreferredLanguagesPickTheDisplayLocale() {
        XCTAssertEqual(displayLocale(preferences: ["fr-FR", "km-KH", "en-US"]), "km-KH")
        XCTAssertEqual(displayLocale(preferences: ["fr-FR"]), "en")
        XCTAssertFalse(displayLocale(preferences: Locale.preferredLanguages).isEmpty)
    }

    func testFoundationDecimalCrossesExactly() async throws {
        // Built from strings, decimal arithmetic is exact: 0.1 + 0.2 is 0.3.
        let sum = Decimal(string: "0.1", locale: Locale(identifier: "en_US_POSIX"))! + Decimal(string: "0.2", locale: Locale(identifier: "en_US_POSIX"))!
        XCTAssertEqual(try formatMoney(amount: sum, currency: "USD", locale: "en", symbol: .locale, khmerDigits: false), "$0.30")
        // A Decimal made from a Double carries the Double's binary approximation (1/3 is
        // 0.333333333333333…, many more places than a cent), which the core refuses instead of rounding away.
        let fromDouble = Decimal(1.0 / 3.0)
        await expectFailure("too_many_decimals", kind: .invalidInput, "a Decimal made from a Double") {
            _ = try formatMoney(amount: fromDouble, currency: "USD", locale: "en", symbol: .locale, khmerDigits: false)
        }
        await expectFailure("invalid_amount", kind: .invalidInput, "NaN") {
            _ = try formatMoney(amount: .nan, currency: "USD", locale: "en", symbol: .locale, khmerDigits: false)
        }
    }
}

final class ScanTests: XCTestCase {
    func testBadFramesThrowInvalidFrame() async {
        await expectFailure("invalid_frame", kind: .invalidInput, "a buffer smaller than the frame") {
            _ = try scanFrame(pixels: Data(count: 10), width: 640, height: 480, stride: 640, format: .luma8,
                              rotationDegrees: 0, budgetMs: nil)
        }
        let scanner = CrossQR.Scanner(options: ScannerOptions(confirm: true)) // not Foundation.Scanner
        let empty = Data(repeating: 200, count: 640 * 480)
        let result = try? scanner.scanFrame(pixels: empty, width: 640, height: 480, stride: 640, format: .luma8, rotationDegrees: 0)
        XCTAssertEqual(result?.codes.count, 0)
    }

    #if canImport(CoreImage)
    func testScansACodeDrawnByCoreImage() throws {
        let payload = try generateKhqr(fields: KhqrFields(accountId: "cafe@aclb", merchantName: "Cafe"), nowMs: now).payload
        let filter = CIFilter(name: "CIQRCodeGenerator")!
        filter.setValue(Data(payload.utf8), forKey: "inputMessage")
        filter.setValue("M", forKey: "inputCorrectionLevel")
        let qr = filter.outputImage!.transformed(by: CGAffineTransform(scaleX: 4, y: 4))
        // A 640×480 grey frame with the code in the middle, rows padded as camera buffers are.
        let (width, height, stride) = (640, 480, 704)
        var pixels = Data(repeating: 255, count: stride * height)
        let extent = qr.extent
        pixels.withUnsafeMutableBytes { raw in
            let context = CGContext(data: raw.baseAddress, width: width, height: height, bitsPerComponent: 8,
                                    bytesPerRow: stride, space: CGColorSpaceCreateDeviceGray(),
                                    bitmapInfo: CGImageAlphaInfo.none.rawValue)!
            let image = CIContext().createCGImage(qr, from: extent)!
            context.draw(image, in: CGRect(x: (width - Int(extent.width)) / 2, y: (height - Int(extent.height)) / 2,
                                           width: Int(extent.width), height: Int(extent.height)))
        }
        let result = try scanFrame(pixels: pixels, width: UInt32(width), height: UInt32(height), stride: UInt32(stride),
                                   format: .luma8, rotationDegrees: 0, budgetMs: 5000)
        XCTAssertEqual(result.codes.map(\.text), [payload])

        // A camera session over the same padded plane, lent without a copy as the shell lends a locked
        // CVPixelBuffer's luma: the code once two frames agree.
        let scanner = CrossQR.Scanner(options: ScannerOptions(budgetMs: 5000, confirm: true))
        try pixels.withUnsafeBytes { raw in
            let lent = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress!), count: raw.count,
                            deallocator: .none)
            let once = try scanner.scanFrame(pixels: lent, width: UInt32(width), height: UInt32(height),
                                             stride: UInt32(stride), format: .luma8, rotationDegrees: 0)
            XCTAssertEqual(once.codes.count, 0)
            XCTAssertEqual(once.unconfirmed, 1)
            let twice = try scanner.scanFrame(pixels: lent, width: UInt32(width), height: UInt32(height),
                                              stride: UInt32(stride), format: .luma8, rotationDegrees: 0)
            XCTAssertEqual(twice.codes.map(\.text), [payload])
        }
    }
    #endif
}

/// Counts what a signer signed (by the first line of each message) and can make the user wait.
final class Signed: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func record(_ message: Data) {
        let first = String(decoding: message, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        lock.lock(); lines.append(first); lock.unlock()
    }

    func count(_ line: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return lines.filter { $0 == line }.count
    }

    var total: Int {
        lock.lock(); defer { lock.unlock() }
        return lines.count
    }
}

#if canImport(CryptoKit)
/// What an app's Secure Enclave signer looks like, with a software CryptoKit key standing in.
final class TestSigner: Signer, @unchecked Sendable {
    private let key = P256.Signing.PrivateKey()
    let signed = Signed()
    private let promptNanos: UInt64

    init(promptMs: UInt64 = 0) { promptNanos = promptMs * 1_000_000 }

    func publicKeySpki() throws -> Data { key.publicKey.derRepresentation }

    func sign(message: Data) async throws -> Data {
        if promptNanos > 0 { try await Task.sleep(nanoseconds: promptNanos) } // the user looks at a prompt
        signed.record(message)
        return try key.signature(for: message).derRepresentation
    }
}
#else
/// Off Apple platforms (no CryptoKit): a Swift signer over crossqr's SoftwareKey.
final class TestSigner: Signer, @unchecked Sendable {
    private let key = try! SoftwareKey.generate()
    let signed = Signed()
    private let promptNanos: UInt64

    init(promptMs: UInt64 = 0) { promptNanos = promptMs * 1_000_000 }

    func publicKeySpki() throws -> Data { try key.publicKeySpki() }

    func sign(message: Data) async throws -> Data {
        if promptNanos > 0 { try await Task.sleep(nanoseconds: promptNanos) }
        signed.record(message)
        return try await key.sign(message: message)
    }
}
#endif

/// A key whose user always closes the prompt.
final class DecliningSigner: Signer, @unchecked Sendable {
    private let inner = TestSigner()
    func publicKeySpki() throws -> Data { try inner.publicKeySpki() }
    func sign(message: Data) async throws -> Data {
        throw CrossqrError.Failed(kind: .signer, code: "signer_cancelled", reason: "the user closed the prompt")
    }
}

/// The reference switch (sandbox, HTTPS with a fresh test CA) as a child process.
final class Switch {
    private let process: Process
    let baseUrl: String
    let publicKey: String
    let caPem: String

    /// The repository root: CROSSQR_ROOT (scripts/swift-tests.sh sets it: the copies it compiles live
    /// under target/swift-host), else found from this file where it lies in ios/Tests (Xcode, `swift test`
    /// in ios/).
    static var root: URL {
        if let root = ProcessInfo.processInfo.environment["CROSSQR_ROOT"] { return URL(fileURLWithPath: root) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    init(config: String = "{}") throws {
        let configFile = FileManager.default.temporaryDirectory.appendingPathComponent("crossqr-switch-\(UUID().uuidString).json")
        try Data(config.utf8).write(to: configFile)
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent("target/debug/crossqr-switch")
        process.arguments = ["serve", "--sandbox", "--tls-self-signed", "--addr", "127.0.0.1:0", "--config", configFile.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The first line is the ready JSON: {"url":…,"public_key":…,"ca_pem":…}. A switch that does not
        // say it is ready is stopped, not left running.
        do {
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { throw CocoaError(.fileReadUnknown) }
                line.append(chunk)
            }
            let json = try JSONSerialization.jsonObject(with: line.prefix { $0 != UInt8(ascii: "\n") })
            guard let ready = json as? [String: Any], let url = ready["url"] as? String,
                  let key = ready["public_key"] as? String, let ca = ready["ca_pem"] as? String else {
                throw CocoaError(.fileReadCorruptFile)
            }
            baseUrl = url
            publicKey = key
            caPem = ca
        } catch {
            process.terminate()
            process.waitUntilExit()
            throw error
        }
        self.process = process
    }

    func config(home: String) -> WalletConfig {
        WalletConfig(baseUrl: baseUrl, serverPublicKey: publicKey, homeCurrency: home,
                     journalPath: NSTemporaryDirectory() + "crossqr-journal-\(UUID().uuidString).db",
                     tlsCaPem: caPem, attemptTimeoutMs: 2000)
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

final class PaymentTests: XCTestCase {
    /// The switches a test started; kept alive until it ends (Swift may release a local after its last
    /// use), stopped in tearDown.
    private var switches: [Switch] = []

    override func tearDown() {
        switches = []
        super.tearDown()
    }

    private func startSwitch(config: String = "{}") throws -> Switch {
        let sw = try Switch(config: config)
        switches.append(sw)
        return sw
    }

    func testAJapaneseVisitorPaysTheStaticKhqrInYenOverHttps() async throws {
        let sw = try startSwitch()
        XCTAssertTrue(sw.baseUrl.hasPrefix("https://"))
        let signer = TestSigner()
        let wallet = try Wallet(config: sw.config(home: "JPY"), signer: signer)
        try await wallet.register()
        try await wallet.refreshRates()
        let session = try await wallet.start(payload: phnomPenhKhqr)
        XCTAssertEqual(session.code().merchantNameAlt, "ហាងកាហ្វេ")
        XCTAssertTrue(try session.needsAmount())
        await expectFailure("amount_required", kind: .invalidInput, "a quote before the amount") {
            _ = try await session.requestQuote()
        }
        try session.enterAmount(amount: Decimal(string: "32900", locale: Locale(identifier: "en_US_POSIX"))!)
        let quote = try await session.requestQuote()
        XCTAssertFalse(quote.indicative)
        // 32900 KHR at 150.25/4025 JPY per riel × 1.01 = 1240.4…, whole yen 1240, plus a 40 yen fee.
        XCTAssertEqual(quote.merchantAmount, "KHR\u{a0}32,900")
        XCTAssertEqual(quote.total, "¥1,280")
        let outcome = try await session.pay()
        XCTAssertEqual(outcome.state, .settled)
        let history = try wallet.history()
        XCTAssertEqual(history.map(\.paymentId), [outcome.paymentId])
        XCTAssertEqual(history.first?.debit, Decimal(string: "1280"))
        XCTAssertEqual(history.first?.state, .settled)
        XCTAssertEqual(signer.signed.count(payRequest), 1)
    }

    func testACancelledTaskCancelsNothingAndTheNextPayAnswersWithTheOnePayment() async throws {
        let sw = try startSwitch(config: #"{"faults":[{"path":"/v1/payments","fault":"latency=1500","times":1}]}"#)
        let signer = TestSigner()
        let wallet = try Wallet(config: sw.config(home: "USD"), signer: signer)
        try await wallet.register()
        let session = try await wallet.start(payload: osakaJpqr)
        _ = try await session.requestQuote()
        // The view that started pay() goes away mid-flight (a dismissed sheet cancels its task).
        let screen = Task { try await session.pay() }
        while signer.signed.count(payRequest) == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        screen.cancel()
        _ = try? await screen.value
        let outcome = try await session.pay()
        XCTAssertEqual(outcome.state, .settled)
        XCTAssertEqual(signer.signed.count(payRequest), 1, "sent once, by the cancelled call")
        XCTAssertEqual(try wallet.history().map(\.state), [.settled])
        XCTAssertEqual(session.state(), .settled)
    }

    func testAKeyThatAsksTheUserIsAskedOncePerPaymentNotPerRetry() async throws {
        let sw = try startSwitch(config: #"{"faults":[{"path":"/v1/payments","fault":"drop_after_commit","times":1}]}"#)
        let requests = TestSigner()
        let userPresence = TestSigner(promptMs: 50)
        let wallet = try Wallet(config: sw.config(home: "USD"), signer: requests, authorizer: userPresence)
        try await wallet.register()
        let session = try await wallet.start(payload: osakaJpqr)
        _ = try await session.requestQuote()
        let outcome = try await session.pay()
        XCTAssertEqual(outcome.state, .settled)
        XCTAssertEqual(userPresence.signed.count(approval), 1)
        XCTAssertEqual(userPresence.signed.total, 1)
        // The fault fired: the first answer was lost and the request key signed the retry.
        XCTAssertEqual(requests.signed.count(payRequest), 2)
    }

    func testARefusalKeepsItsCodeAndLeavesNothingJournalled() async throws {
        let sw = try startSwitch()
        let wallet = try Wallet(config: sw.config(home: "USD"), signer: TestSigner(), authorizer: DecliningSigner())
        try await wallet.register()
        let session = try await wallet.start(payload: osakaJpqr)
        _ = try await session.requestQuote()
        await expectFailure("signer_cancelled", kind: .signer, "the payer declined") { try await session.confirm() }
        XCTAssertEqual(try wallet.history().count, 0)
        XCTAssertEqual(session.state(), .quoted)
    }

    func testBadConfigurationIsRefusedWithCodes() async throws {
        let sw = try startSwitch()
        var noCa = sw.config(home: "USD")
        noCa.tlsCaPem = nil
        await expectFailure("invalid_config", kind: .notSent, "https without its CA") {
            _ = try Wallet(config: noCa, signer: TestSigner())
        }
        await expectFailure("unknown_currency", kind: .invalidInput, "home currency") {
            _ = try Wallet(config: sw.config(home: "ZZZ"), signer: TestSigner())
        }
        let other = try startSwitch()
        var stranger = sw.config(home: "USD")
        stranger.tlsCaPem = other.caPem
        let wallet = try Wallet(config: stranger, signer: TestSigner())
        await expectFailure("tls_untrusted", kind: .notSent, "a CA that did not issue the server's certificate") {
            try await wallet.register()
        }
        await expectFailure("journal_locked", kind: .busy, "a second wallet on the same journal") {
            _ = try Wallet(config: stranger, signer: TestSigner())
        }
        XCTAssertFalse(wallet.deviceId().isEmpty) // the first wallet stays open until here
    }
}
