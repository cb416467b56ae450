import CrossQR
import Foundation
import LocalAuthentication
import Security

/// A P-256 key in the Secure Enclave (a software keychain key on the simulator); the private key never
/// leaves it. Two are used: the device key signs every request without the user; the payment key
/// (`userPresence`) needs Face ID, Touch ID or the passcode for each use, and crossqr asks it once per
/// payment, when the payer confirms — `sign` is async, so the prompt can take its time.
final class SecureEnclaveSigner: Signer, @unchecked Sendable {
    private let key: SecKey
    private let tag: Data
    private let userPresence: Bool

    init(tag: String, userPresence: Bool) throws {
        self.tag = Data(tag.utf8)
        self.userPresence = userPresence
        if let found = Self.find(self.tag, context: nil) {
            key = found
            return
        }
        var flags: SecAccessControlCreateFlags = []
        #if !targetEnvironment(simulator)
        flags.insert(.privateKeyUsage)
        #endif
        if userPresence { flags.insert(.userPresence) }
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, flags, &error) else {
            throw Self.failed(error, "signer_unavailable")
        }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeySizeInBits as String: 256,
            kSecPrivateKeyAttrs as String: [kSecAttrIsPermanent as String: true, kSecAttrApplicationTag as String: self.tag,
                                            kSecAttrAccessControl as String: access],
        ]
        #if !targetEnvironment(simulator)
        attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        #endif
        guard let created = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw Self.failed(error, "signer_unavailable")
        }
        key = created
    }

    /// The stored key with `tag`, bound to `context` (whose reason the system prompt shows).
    private static func find(_ tag: Data, context: LAContext?) -> SecKey? {
        var query: [String: Any] = [kSecClass as String: kSecClassKey, kSecAttrApplicationTag as String: tag,
                                    kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom, kSecReturnRef as String: true]
        if let context { query[kSecUseAuthenticationContext as String] = context }
        var item: CFTypeRef?
        guard SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess, let item,
              CFGetTypeID(item) == SecKeyGetTypeID() else { return nil }
        return (item as! SecKey) // the type was checked above
    }

    /// SubjectPublicKeyInfo: the fixed P-256 header, then the X9.63 point Security exports.
    func publicKeySpki() throws -> Data {
        var error: Unmanaged<CFError>?
        guard let pub = SecKeyCopyPublicKey(key), let point = SecKeyCopyExternalRepresentation(pub, &error) as Data? else {
            throw Self.failed(error, "signer_unavailable")
        }
        let header: [UInt8] = [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                               0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]
        return Data(header) + point
    }

    /// Signs on a dispatch queue, not a Swift concurrency thread: with `userPresence` the system prompt
    /// is up, and the call blocked, until the user answers.
    func sign(message: Data) async throws -> Data {
        try await withCheckedThrowingContinuation { done in
            // The signer (Sendable) is captured, not its SecKey (which Security does not mark Sendable).
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                done.resume(with: Result {
                    var key = self.key
                    if self.userPresence {
                        let context = LAContext()
                        context.localizedReason = "Approve the payment"
                        guard let bound = Self.find(self.tag, context: context) else {
                            throw CrossqrError.Failed(kind: .signer, code: "signer_unavailable", reason: "the payment key is gone")
                        }
                        key = bound
                    }
                    var error: Unmanaged<CFError>?
                    guard let signature = SecKeyCreateSignature(key, .ecdsaSignatureMessageX962SHA256, message as CFData, &error) else {
                        throw Self.failed(error, "signing_failed")
                    }
                    return signature as Data
                })
            }
        }
    }

    /// A Security or LocalAuthentication failure as the signer code crossqr shows.
    private static func failed(_ error: Unmanaged<CFError>?, _ fallback: String) -> CrossqrError {
        let cf = error?.takeRetainedValue()
        let number = cf.map(CFErrorGetCode) ?? 0
        let code: String
        if let cf, CFErrorGetDomain(cf) as String == LAErrorDomain {
            switch LAError.Code(rawValue: number) {
            case .userCancel, .systemCancel, .appCancel: code = "signer_cancelled"
            case .biometryLockout: code = "signer_locked"
            case .passcodeNotSet, .biometryNotEnrolled, .biometryNotAvailable: code = "signer_unavailable"
            default: code = fallback
            }
        } else {
            switch OSStatus(truncatingIfNeeded: number) {
            case errSecUserCanceled: code = "signer_cancelled"
            case errSecInteractionNotAllowed: code = "signer_locked" // the device is locked
            case errSecItemNotFound: code = "signer_unavailable"
            default: code = fallback
            }
        }
        return CrossqrError.Failed(kind: .signer, code: code, reason: cf.map { "\($0)" } ?? "the Secure Enclave failed")
    }
}
