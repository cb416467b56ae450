package app.crossqr.demo

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import app.crossqr.CrossqrException
import app.crossqr.ErrorKind
import app.crossqr.Signer
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.security.GeneralSecurityException
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec

/**
 * The device key that signs every request: P-256 in the Android Keystore, never leaving it, usable
 * without the user (crossqr signs retries and recovery with it in the background).
 */
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

    override fun publicKeySpki(): ByteArray = store.getCertificate(alias)?.publicKey?.encoded ?: throw gone()

    // Keystore operations are binder calls into the secure hardware: off the caller's thread.
    override suspend fun sign(message: ByteArray): ByteArray = withContext(Dispatchers.IO) {
        val key = store.getKey(alias, null) as? PrivateKey ?: throw gone()
        try {
            Signature.getInstance("SHA256withECDSA").run {
                initSign(key)
                update(message)
                sign()
            }
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw CrossqrException.Failed(ErrorKind.SIGNER, "signer_unavailable", "the device key was invalidated: ${e.message}")
        } catch (e: GeneralSecurityException) {
            throw CrossqrException.Failed(ErrorKind.SIGNER, "signing_failed", "Keystore: ${e.message ?: e}")
        }
    }

    private fun gone() = CrossqrException.Failed(ErrorKind.SIGNER, "signer_unavailable", "the device key is gone from the Keystore")
}
