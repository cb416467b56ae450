package app.crossqr.demo

import android.os.Build
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import app.crossqr.Signer
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext
import java.security.GeneralSecurityException
import java.security.PrivateKey
import java.security.ProviderException
import java.security.Signature
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException

/**
 * The payment key: P-256 in StrongBox where the phone has one (the TEE otherwise), usable only after a
 * strong biometric for each use. crossqr asks it once per payment, when the payer confirms — `sign`
 * suspends while BiometricPrompt is on screen — and never for retries or recovery.
 */
class BiometricAuthorizer(
    private val host: () -> FragmentActivity?,
    private val alias: String = "crossqr-payment-key",
) : Signer {
    /** The key, made on first use; a phone without a secure lock screen or an enrolled biometric cannot make it. */
    private fun key(): PrivateKey {
        if (!Keystore.store.containsAlias(alias)) {
            try {
                try {
                    generate(strongBox = Build.VERSION.SDK_INT >= 28)
                } catch (e: ProviderException) { // StrongBoxUnavailableException: no StrongBox on this phone
                    generate(strongBox = false)
                }
            } catch (e: GeneralSecurityException) { // InvalidAlgorithmParameterException: no lock screen, no biometric
                throw Keystore.failed("signer_unavailable", "set a screen lock and enrol a fingerprint or face to approve payments")
            } catch (e: ProviderException) { // the TEE itself refused
                throw Keystore.failed("signer_unavailable", "the Keystore cannot make a payment key: ${e.message ?: e}")
            }
        }
        return Keystore.store.getKey(alias, null) as PrivateKey
    }

    private fun generate(strongBox: Boolean) = Keystore.generate(alias) {
        setUserAuthenticationRequired(true)
        setInvalidatedByBiometricEnrollment(true)
        if (Build.VERSION.SDK_INT >= 30) setUserAuthenticationParameters(0, KeyProperties.AUTH_BIOMETRIC_STRONG)
        if (strongBox && Build.VERSION.SDK_INT >= 28) setIsStrongBoxBacked(true)
    }

    override fun publicKeySpki(): ByteArray {
        key()
        return Keystore.publicKeySpki(alias)
    }

    override suspend fun sign(message: ByteArray): ByteArray {
        val signature = try {
            Signature.getInstance("SHA256withECDSA").apply { initSign(key()) }
        } catch (e: KeyPermanentlyInvalidatedException) {
            // A fingerprint was added or removed: this key is void for good. The backend keeps the key
            // it was first given (a stolen device key must not swap it), so a fresh one would only be
            // declined: the key stays until the wallet operator re-enrols the device, out of band.
            throw Keystore.failed("signer_unavailable", "a biometric change voided the payment key; re-enrol it with your wallet")
        } catch (e: GeneralSecurityException) {
            throw Keystore.signingFailed(e)
        }
        val activity = host()?.takeUnless { it.supportFragmentManager.isStateSaved }
            ?: throw Keystore.failed("signer_unavailable", "no screen to ask the payer on") // a prompt now would never show
        val unlocked = withContext(Dispatchers.Main) {
            suspendCancellableCoroutine<Signature> { waiting ->
                val prompt = BiometricPrompt(activity, ContextCompat.getMainExecutor(activity),
                    object : BiometricPrompt.AuthenticationCallback() {
                        override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                            waiting.resume(result.cryptoObject?.signature ?: signature)
                        }

                        override fun onAuthenticationError(code: Int, text: CharSequence) {
                            waiting.resumeWithException(Keystore.failed(codeFor(code), text.toString()))
                        }
                    })
                prompt.authenticate(
                    BiometricPrompt.PromptInfo.Builder()
                        .setTitle("Approve the payment")
                        .setNegativeButtonText("Cancel")
                        .setAllowedAuthenticators(BIOMETRIC_STRONG)
                        .build(),
                    BiometricPrompt.CryptoObject(signature),
                )
                // Cancellation may come from any thread (crossqr dropping the call); the prompt is the UI's.
                waiting.invokeOnCancellation { activity.runOnUiThread { prompt.cancelAuthentication() } }
            }
        }
        return withContext(Dispatchers.IO) {
            try {
                unlocked.run { update(message); sign() }
            } catch (e: GeneralSecurityException) {
                throw Keystore.signingFailed(e)
            }
        }
    }

    /** BiometricPrompt's error as the signer code crossqr shows. */
    private fun codeFor(error: Int): String = when (error) {
        BiometricPrompt.ERROR_USER_CANCELED, BiometricPrompt.ERROR_NEGATIVE_BUTTON, BiometricPrompt.ERROR_CANCELED -> "signer_cancelled"
        BiometricPrompt.ERROR_LOCKOUT, BiometricPrompt.ERROR_LOCKOUT_PERMANENT -> "signer_locked"
        else -> "signer_unavailable" // no biometrics enrolled, no hardware, …
    }
}
