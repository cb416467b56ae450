package app.crossqr.demo

import android.app.Application
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import app.crossqr.CrossqrException
import app.crossqr.ErrorKind
import app.crossqr.PaymentResult
import app.crossqr.PaymentSession
import app.crossqr.PaymentSummary
import app.crossqr.Wallet
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.math.BigDecimal

/** What the shell shows. Each state is filled from crossqr's results; the shell decides nothing. */
sealed interface Screen {
    data object Starting : Screen
    data object Scan : Screen
    /** The payer enters the amount of a static code, the tip a code asks for, or both. */
    data class Amount(val session: PaymentSession, val amount: Boolean, val tip: Boolean) : Screen
    data class Confirm(val session: PaymentSession, val summary: PaymentSummary) : Screen
    data class Done(val result: PaymentResult) : Screen
    data class Problem(val error: CrossqrException.Failed) : Screen
}

/**
 * The flow's steps, in a scope that survives rotation (viewModelScope). Should the app go away
 * mid-payment, nothing is lost either: the core finishes the step on its own thread and `recover()`
 * reconciles it at the next start.
 */
class WalletViewModel(app: Application) : AndroidViewModel(app) {
    private lateinit var wallet: Wallet
    /** The wallet opened, registered and recovered. */
    private var ready = false
    /** The step under way: a second tap while one runs is ignored, not a `busy` error. */
    private var running: Job? = null

    var screen by mutableStateOf<Screen>(Screen.Starting)
        private set

    init {
        start()
    }

    /** Opens the wallet (a refused configuration lands on the problem screen), registers, recovers. */
    private fun start() = step {
        wallet = withContext(Dispatchers.IO) { getApplication<CrossqrDemo>().wallet() }
        wallet.register()
        wallet.recover(3u)
        wallet.refreshRates()
        ready = true
        Screen.Scan
    }

    /** Runs a core step; any failure lands on the problem screen with crossqr's kind, code and reason. */
    private fun step(block: suspend () -> Screen) {
        if (running?.isActive == true) return
        running = viewModelScope.launch {
            screen = try {
                block()
            } catch (e: CrossqrException.Failed) {
                Screen.Problem(e)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) { // the Keystore, the JVM: never a crash, always the problem screen
                Screen.Problem(CrossqrException.Failed(ErrorKind.INTERNAL, "internal", e.toString()))
            }
        }
    }

    fun scanned(payload: String) = step {
        val session = wallet.start(payload)
        val (amount, tip) = session.needsAmount() to session.asksForTip()
        if (amount || tip) Screen.Amount(session, amount, tip) else Screen.Confirm(session, session.requestQuote())
    }

    /** The amount (static code) and the tip (a code that asks for one), each null when not asked for. */
    fun enter(session: PaymentSession, amount: BigDecimal?, tip: BigDecimal?) = step {
        amount?.let { session.enterAmount(it) }
        tip?.let { session.enterTip(it) }
        Screen.Confirm(session, session.requestQuote())
    }

    /** Confirming asks the payment key (BiometricPrompt), journals the payment, then sends it. */
    fun pay(session: PaymentSession) = step { Screen.Done(session.pay()) }

    /** Back to the camera; through the start-up step again when it never completed. */
    fun scanAgain() {
        if (ready) screen = Screen.Scan else { screen = Screen.Starting; start() }
    }
}
