package app.crossqr.demo

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import app.crossqr.CrossqrException
import app.crossqr.ErrorKind
import java.security.GeneralSecurityException
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.spec.ECGenParameterSpec

/** What both Keystore keys share: the store, how a P-256 signing key is made, and their failures. */
internal object Keystore {
    val store: KeyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }

    /** Makes the P-256 signing key `alias`, with whatever else `protect` asks of it. */
    fun generate(alias: String, protect: KeyGenParameterSpec.Builder.() -> Unit = {}) {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
            .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
            .setDigests(KeyProperties.DIGEST_SHA256)
            .apply(protect)
            .build()
        KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, "AndroidKeyStore").apply {
            initialize(spec)
            generateKeyPair()
        }
    }

    /** The key's public half as SubjectPublicKeyInfo DER. */
    fun publicKeySpki(alias: String): ByteArray = store.getCertificate(alias)?.publicKey?.encoded ?: throw gone(alias)

    /** The key `alias` is not in the Keystore (any more). */
    fun gone(alias: String) = failed("signer_unavailable", "the key $alias is gone from the Keystore")

    /** A signer failure with crossqr's signer code. */
    fun failed(code: String, reason: String) = CrossqrException.Failed(ErrorKind.SIGNER, code, reason)

    /** The Keystore could not sign. */
    fun signingFailed(e: GeneralSecurityException) = failed("signing_failed", "Keystore: ${e.message ?: e}")
}
