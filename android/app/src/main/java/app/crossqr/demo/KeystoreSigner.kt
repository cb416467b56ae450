package app.crossqr.demo

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import app.crossqr.CrossqrException
import app.crossqr.Signer
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec

/** The device key: P-256 in the Android Keystore, never leaving it. crossqr asks it to sign. */
class KeystoreSigner(private val alias: String = "crossqr-device-key") : Signer {
    private val store = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }

    init {
        if (!store.containsAlias(alias)) {
            KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, "AndroidKeyStore").apply {
                initialize(
                    KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
                        .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                        .setDigests(KeyProperties.DIGEST_SHA256)
                        .build(),
                )
                generateKeyPair()
            }
        }
    }

    override fun publicKeySpki(): ByteArray = store.getCertificate(alias).publicKey.encoded

    override fun sign(message: ByteArray): ByteArray = try {
        Signature.getInstance("SHA256withECDSA").run {
            initSign(store.getKey(alias, null) as PrivateKey)
            update(message)
            sign()
        }
    } catch (e: Exception) {
        throw CrossqrException.Failed("keystore_failed", e.message ?: e.toString())
    }
}
