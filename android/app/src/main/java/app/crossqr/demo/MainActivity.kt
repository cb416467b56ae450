package app.crossqr.demo

import android.Manifest
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.compose.setContent
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.ImageAnalysis
import androidx.camera.view.LifecycleCameraController
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalLifecycleOwner
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import app.crossqr.CrossqrException
import app.crossqr.PaymentOutcome
import app.crossqr.PaymentSession
import app.crossqr.PaymentSummaryInfo
import app.crossqr.Wallet
import app.crossqr.WalletConfig
import kotlinx.coroutines.launch
import java.io.File
import java.math.BigDecimal
import java.util.concurrent.Executors

/** What the shell shows. Each state is filled from crossqr's results; the shell decides nothing. */
sealed interface Screen {
    data object Scan : Screen
    data class Amount(val session: PaymentSession) : Screen
    data class Confirm(val session: PaymentSession, val summary: PaymentSummaryInfo) : Screen
    data class Done(val outcome: PaymentOutcome) : Screen
    data class Problem(val error: CrossqrException.Failed) : Screen
}

class MainActivity : ComponentActivity() {
    private val wallet by lazy {
        Wallet(
            WalletConfig(
                baseUrl = BuildConfig.SWITCH_URL,
                serverPublicKey = BuildConfig.SWITCH_KEY,
                homeCurrency = "KHR",
                locale = resources.configuration.locales[0].language,
                journalPath = File(filesDir, "crossqr-journal.db").path,
            ),
            KeystoreSigner(),
        )
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent { MaterialTheme { App(wallet) } }
    }
}

@Composable
fun App(wallet: Wallet) {
    var screen by remember { mutableStateOf<Screen>(Screen.Scan) }
    val scope = rememberCoroutineScope()
    // Every core call that can fail lands on the problem screen with crossqr's code and reason.
    fun step(block: suspend () -> Screen) = scope.launch {
        screen = try { block() } catch (e: CrossqrException.Failed) { Screen.Problem(e) }
    }
    LaunchedEffect(Unit) { step { wallet.register(); wallet.recover(3u); wallet.refreshRates(); Screen.Scan } }

    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        when (val s = screen) {
            Screen.Scan -> Camera { payload ->
                step {
                    val session = wallet.start(payload)
                    if (session.needsAmount()) Screen.Amount(session) else Screen.Confirm(session, session.requestQuote())
                }
            }
            is Screen.Amount -> AmountEntry(s.session.merchantName() ?: "") { amount ->
                step { s.session.enterAmount(amount); Screen.Confirm(s.session, s.session.requestQuote()) }
            }
            is Screen.Confirm -> {
                Text(s.summary.merchantName ?: "", style = MaterialTheme.typography.headlineSmall)
                for (line in s.summary.lines) {
                    Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
                        Text(line.label)
                        Text(line.value)
                    }
                }
                Button(onClick = { step { Screen.Done(s.session.pay()) } }) { Text("Pay ${s.summary.total}") }
            }
            is Screen.Done -> {
                Text("${s.outcome.state} — ${s.outcome.paymentId}")
                s.outcome.failureReason?.let { Text(it) }
                Button(onClick = { screen = Screen.Scan }) { Text("Scan again") }
            }
            is Screen.Problem -> {
                Text(s.error.reason)
                Text(s.error.code, style = MaterialTheme.typography.labelSmall)
                Button(onClick = { screen = Screen.Scan }) { Text("Scan again") }
            }
        }
    }
}

@Composable
fun AmountEntry(merchant: String, onAmount: (BigDecimal) -> Unit) {
    var text by remember { mutableStateOf("") }
    Text(merchant, style = MaterialTheme.typography.headlineSmall)
    androidx.compose.material3.OutlinedTextField(value = text, onValueChange = { text = it }, label = { Text("Amount") })
    Button(onClick = { text.toBigDecimalOrNull()?.let(onAmount) }) { Text("Continue") }
}

@Composable
fun Camera(onCode: (String) -> Unit) {
    val context = androidx.compose.ui.platform.LocalContext.current
    val owner = LocalLifecycleOwner.current
    var granted by remember { mutableStateOf(false) }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = it }
    LaunchedEffect(Unit) { ask.launch(Manifest.permission.CAMERA) }
    if (!granted) return Text("crossqr needs the camera to read payment codes.")
    AndroidView(modifier = Modifier.fillMaxSize(), factory = {
        PreviewView(it).apply {
            controller = LifecycleCameraController(context).apply {
                imageAnalysisBackpressureStrategy = ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST
                // Scanning runs off the main thread, one crossqr session for the camera; every frame stays
                // within the camera budget.
                setImageAnalysisAnalyzer(Executors.newSingleThreadExecutor(), QrAnalyzer(onCode))
                bindToLifecycle(owner)
            }
        }
    })
}
