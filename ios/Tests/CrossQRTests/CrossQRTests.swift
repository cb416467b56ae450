// The Swift side of the host tests (run on a Mac: see the README). The Kotlin suite in tests/kotlin
// covers the same API on every CI run; these check what is Swift-specific: Decimal mapping, thrown
// errors and their description, Data frames, a CryptoKit signer.
import CoreImage
import CryptoKit
import Foundation
import XCTest
@testable import CrossQR

final class CrossQRTests: XCTestCase {
    let now: Int64 = 1_763_769_600_000

    func testParsesAStaticKhqr() throws {
        let info = try parseCode(
            payload: "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B",
            nowMs: now)
        XCTAssertEqual(info.scheme, "khqr")
        XCTAssertEqual(info.account, "jonhsmith@nbcq")
        XCTAssertEqual(info.currency, "KHR")
        XCTAssertNil(info.amount)
    }

    func testGeneratedKhqrRoundTripsWithItsDecimalAmount() throws {
        let input = KhqrInput(accountId: "cafe@aclb", merchantName: "Phnom Penh Cafe", currency: "USD",
                              amount: Decimal(string: "2.50"), expiresAtMs: now + 3_600_000,
                              altLanguage: "km", altName: "ហាងកាហ្វេ")
        let code = try generateKhqr(input: input, nowMs: now)
        let info = try parseCode(payload: code.payload, nowMs: now)
        XCTAssertEqual(info.amount, Decimal(string: "2.5"))
        XCTAssertEqual(info.merchantNameAlt, "ហាងកាហ្វេ")
        XCTAssertEqual(info.md5, code.md5)
    }

    func testErrorsCarryCodeAndDescription() {
        XCTAssertThrowsError(try parseCode(payload: "hello, world", nowMs: nil)) { error in
            guard case let CrossqrError.Failed(code, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "unsupported_code")
            XCTAssertFalse(reason.isEmpty)
            XCTAssertEqual(String(describing: error), reason)
            XCTAssertEqual(error.localizedDescription, reason)
            XCTAssertEqual((error as? CrossqrError)?.code, "unsupported_code")
        }
    }

    func testMoneyDisplay() throws {
        XCTAssertEqual(try formatMoney(amount: 32900, currency: "KHR", locale: "km", symbol: .locale, khmerDigits: false), "32,900៛")
        XCTAssertEqual(try formatMoney(amount: 1200, currency: "JPY", locale: "en", symbol: .disambiguated, khmerDigits: false), "JP¥1,200")
    }

    func testScansACodeDrawnByCoreImage() throws {
        let payload = try generateKhqr(input: KhqrInput(accountId: "cafe@aclb", merchantName: "Cafe"), nowMs: now).payload
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
        // CVPixelBuffer's luma: nothing in an empty frame, the code once two frames agree.
        let scanner = CrossQR.Scanner(options: ScannerOptions(budgetMs: 5000, confirm: true)) // not Foundation.Scanner
        let empty = Data(repeating: 200, count: stride * height)
        XCTAssertEqual(try scanner.scanFrame(pixels: empty, width: UInt32(width), height: UInt32(height),
                                             stride: UInt32(stride), format: .luma8, rotationDegrees: 0).candidates, 0)
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

    func testBadFramesThrowInvalidFrame() {
        XCTAssertThrowsError(try scanFrame(pixels: Data(count: 10), width: 640, height: 480, stride: 640,
                                           format: .luma8, rotationDegrees: 0, budgetMs: nil)) { error in
            guard case let CrossqrError.Failed(code, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "invalid_frame")
        }
    }

    func testACryptoKitSignerIsUsedForTheDeviceKey() throws {
        let signer = CryptoKitSigner()
        let config = WalletConfig(baseUrl: "http://127.0.0.1:9", serverPublicKey: try serverKeyForTests(),
                                  homeCurrency: "USD",
                                  journalPath: NSTemporaryDirectory() + "crossqr-\(UUID().uuidString).db")
        let wallet = try Wallet(config: config, signer: signer)
        XCTAssertFalse(wallet.deviceId().isEmpty)
    }

    /// A syntactically valid P-256 SPKI (the test never reaches a backend).
    private func serverKeyForTests() throws -> String {
        P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
    }
}

/// What an app's Secure Enclave signer looks like, with a software CryptoKit key standing in.
final class CryptoKitSigner: Signer, @unchecked Sendable {
    private let key = P256.Signing.PrivateKey()

    func publicKeySpki() throws -> Data { key.publicKey.derRepresentation }

    func sign(message: Data) throws -> Data { try key.signature(for: message).derRepresentation }
}
