package app.crossqr.demo

import android.security.keystore.KeyPermanentlyInvalidatedException
import app.crossqr.Signer
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.security.GeneralSecurityException
import java.security.PrivateKey
import java.security.Signature

/**
 * The device key that signs every request: P-256 in the Android Keystore, never leaving it, usable
 * without the user (crossqr signs retries and recovery with it in the background).
 */
class KeystoreSigner(private val alias: String = "crossqr-device-key") : Signer {
    init {
        if (!Keystore.store.containsAlias(alias)) Keystore.generate(alias)
    }

    override fun publicKeySpki(): ByteArray = Keystore.publicKeySpki(alias)

    // Keystore operations are binder calls into the secure hardware: off the caller's thread.
    override suspend fun sign(message: ByteArray): ByteArray = withContext(Dispatchers.IO) {
        val key = Keystore.store.getKey(alias, null) as? PrivateKey ?: throw Keystore.gone(alias)
        try {
            Signature.getInstance("SHA256withECDSA").run {
                initSign(key)
                update(message)
                sign()
            }
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw Keystore.failed("signer_unavailable", "the device key was invalidated: ${e.message}")
        } catch (e: GeneralSecurityException) {
            throw Keystore.signingFailed(e)
        }
    }
}
