package app.crossqr.demo

import android.app.Application
import android.os.LocaleList
import androidx.fragment.app.FragmentActivity
import app.crossqr.Wallet
import app.crossqr.WalletConfig
import app.crossqr.displayLocale
import java.io.File
import java.lang.ref.WeakReference

/**
 * The process's one wallet. It outlives activities: a rotated screen gets the same wallet (a second
 * one on the same journal would be refused, `journal_locked`) and the payment under way in it.
 */
class CrossqrDemo : Application() {
    /** The activity on screen, for the payment key's prompt; null while none is. */
    @Volatile
    var foreground: WeakReference<FragmentActivity>? = null

    private var opened: Wallet? = null

    /**
     * The wallet, opened on first call (off the main thread: it opens the journal). Throws
     * `CrossqrException.Failed` when the configuration is refused (e.g. `invalid_key` without a
     * SWITCH_KEY); a later call tries again.
     */
    @Synchronized
    fun wallet(): Wallet = opened ?: Wallet(
        WalletConfig(
            baseUrl = BuildConfig.SWITCH_URL,
            serverPublicKey = BuildConfig.SWITCH_KEY,
            homeCurrency = "KHR",
            // The first of the phone's languages crossqr displays (English when none is).
            locale = displayLocale(LocaleList.getDefault().toLanguageTags().split(",")),
            journalPath = File(filesDir, "crossqr-journal.db").path,
            // The backend's CA, not the phone's trust store; plain HTTP only to loopback in debug
            // builds (`adb reverse tcp:8787 tcp:8787` puts the host's sandbox there).
            tlsCaPem = BuildConfig.SWITCH_CA.ifEmpty { null },
            allowHttpLoopback = BuildConfig.DEBUG,
        ),
        KeystoreSigner(),
        BiometricAuthorizer({ foreground?.get() }),
    ).also { opened = it }
}
