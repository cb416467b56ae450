import CrossQR
import Foundation
import Security

/// The device key: P-256 in the Secure Enclave (a software keychain key on the simulator). crossqr asks
/// it to sign; the private key never leaves the enclave.
final class SecureEnclaveSigner: Signer, @unchecked Sendable {
    private let key: SecKey
    private static let tag = Data("app.crossqr.device-key".utf8)

    init() throws {
        let query: [String: Any] = [kSecClass as String: kSecClassKey, kSecAttrApplicationTag as String: Self.tag,
                                    kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom, kSecReturnRef as String: true]
        var item: CFTypeRef?
        if SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess, let found = item {
            key = found as! SecKey
            return
        }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeySizeInBits as String: 256,
            kSecPrivateKeyAttrs as String: [kSecAttrIsPermanent as String: true, kSecAttrApplicationTag as String: Self.tag],
        ]
        #if !targetEnvironment(simulator)
        attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        #endif
        var error: Unmanaged<CFError>?
        guard let created = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw CrossqrError.Failed(code: "keystore_failed", reason: "\(error!.takeRetainedValue())")
        }
        key = created
    }

    /// SubjectPublicKeyInfo: the fixed P-256 header, then the X9.63 point Security exports.
    func publicKeySpki() throws -> Data {
        var error: Unmanaged<CFError>?
        guard let pub = SecKeyCopyPublicKey(key), let point = SecKeyCopyExternalRepresentation(pub, &error) as Data? else {
            throw CrossqrError.Failed(code: "keystore_failed", reason: "no public key")
        }
        let header: [UInt8] = [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                               0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]
        return Data(header) + point
    }

    func sign(message: Data) throws -> Data {
        var error: Unmanaged<CFError>?
        guard let signature = SecKeyCreateSignature(key, .ecdsaSignatureMessageX962SHA256, message as CFData, &error) else {
            throw CrossqrError.Failed(code: "keystore_failed", reason: "\(error!.takeRetainedValue())")
        }
        return signature as Data
    }
}
