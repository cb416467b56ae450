package app.crossqr.demo

import android.Manifest
import android.os.Bundle
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.compose.setContent
import androidx.activity.result.contract.ActivityResultContracts
import androidx.activity.viewModels
import androidx.camera.core.ImageAnalysis
import androidx.camera.view.LifecycleCameraController
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.fragment.app.FragmentActivity
import androidx.lifecycle.compose.LocalLifecycleOwner
import app.crossqr.ErrorKind
import java.lang.ref.WeakReference
import java.math.BigDecimal
import java.text.DecimalFormat
import java.text.NumberFormat
import java.text.ParsePosition
import java.util.concurrent.Executors

/** A FragmentActivity, so the payment key's BiometricPrompt can show over it. */
class MainActivity : FragmentActivity() {
    private val model: WalletViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent { MaterialTheme { App(model) } }
    }

    override fun onStart() {
        super.onStart()
        (application as CrossqrDemo).foreground = WeakReference(this)
    }

    override fun onStop() {
        val app = application as CrossqrDemo
        if (app.foreground?.get() === this) app.foreground = null // a newer activity may already be on screen
        super.onStop()
    }
}

/** What the payer should make of a failure: the kind says it (an exhaustive `when`, no `else`). */
fun advice(kind: ErrorKind): String = when (kind) {
    ErrorKind.INVALID_INPUT -> "This code or amount cannot be paid."
    ErrorKind.EXPIRED -> "This has expired: scan or quote again."
    ErrorKind.REJECTED -> "Not paid: the payment was declined."
    ErrorKind.NOT_SENT -> "Nothing was sent: try again."
    ErrorKind.OUTCOME_UNKNOWN -> "Pending: do not pay again; crossqr will find out."
    ErrorKind.SIGNER -> "The payment was not approved."
    ErrorKind.BUSY -> "Busy: try again in a moment."
    ErrorKind.INTERNAL -> "Something went wrong in crossqr."
}

@Composable
fun App(model: WalletViewModel) {
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        when (val s = model.screen) {
            Screen.Starting -> Text("Starting…")
            Screen.Scan -> Camera(model::scanned)
            is Screen.Amount -> AmountEntry(runCatching { s.session.merchantName() }.getOrNull() ?: "", s.amount, s.tip) { amount, tip ->
                model.enter(s.session, amount, tip)
            }
            is Screen.Confirm -> {
                Text(s.summary.merchantName ?: "", style = MaterialTheme.typography.headlineSmall)
                for (line in s.summary.lines) {
                    Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
                        Text(line.label)
                        Text(line.value)
                    }
                }
                Button(onClick = { model.pay(s.session) }) { Text("Pay ${s.summary.total}") }
            }
            is Screen.Done -> {
                Text("${s.result.state} — ${s.result.paymentId}")
                s.result.note?.let { Text(it.message) }
                if (s.result.needsAttention) Text("Needs attention: contact support with this payment id.")
                Button(onClick = model::scanAgain) { Text("Scan again") }
            }
            is Screen.Problem -> {
                Text(advice(s.error.kind))
                Text(s.error.reason)
                Text(s.error.code, style = MaterialTheme.typography.labelSmall)
                Button(onClick = model::scanAgain) { Text("Scan again") }
            }
        }
    }
}

/**
 * The amount as typed in the phone's locale ("2,50" in French), read whole and exactly, or null.
 * No grouping separators: "1.000" on a German phone is refused, never guessed to be 1 or 1000.
 */
fun parseAmount(text: String): BigDecimal? {
    val typed = text.trim()
    val format = (NumberFormat.getNumberInstance() as DecimalFormat).apply { isParseBigDecimal = true; isGroupingUsed = false }
    val at = ParsePosition(0)
    val amount = format.parse(typed, at) as? BigDecimal // NaN and ∞ parse as Double: not an amount
    return amount.takeIf { typed.isNotEmpty() && at.index == typed.length }
}

/** An amount field and a tip field, each shown when the code asks for it; an empty tip is no tip. */
@Composable
fun AmountEntry(merchant: String, askAmount: Boolean, askTip: Boolean, onEnter: (BigDecimal?, BigDecimal?) -> Unit) {
    var amount by remember { mutableStateOf("") }
    var tip by remember { mutableStateOf("") }
    var wrong by remember { mutableStateOf(false) }
    Text(merchant, style = MaterialTheme.typography.headlineSmall)
    if (askAmount) NumberField("Amount", amount, wrong) { amount = it; wrong = false }
    if (askTip) NumberField("Tip (optional)", tip, wrong) { tip = it; wrong = false }
    // crossqr decides what the currency allows (too many decimals, zero, …): the shell only reads the numbers.
    Button(onClick = {
        val a = if (askAmount) parseAmount(amount) else null
        val t = if (askTip && tip.isNotBlank()) parseAmount(tip) else null
        if ((askAmount && a == null) || (askTip && tip.isNotBlank() && t == null)) wrong = true else onEnter(a, t)
    }) { Text("Continue") }
}

@Composable
fun NumberField(label: String, text: String, wrong: Boolean, onChange: (String) -> Unit) = OutlinedTextField(
    value = text,
    onValueChange = onChange,
    label = { Text(label) },
    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal),
    isError = wrong,
    supportingText = { if (wrong) Text("Not an amount") },
)

@Composable
fun Camera(onCode: (String) -> Unit) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    var granted by remember { mutableStateOf(false) }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = it }
    LaunchedEffect(Unit) { ask.launch(Manifest.permission.CAMERA) }
    if (!granted) return Text("crossqr needs the camera to read payment codes.")
    val analysis = remember { Executors.newSingleThreadExecutor() }
    DisposableEffect(Unit) { onDispose { analysis.shutdown() } }
    AndroidView(modifier = Modifier.fillMaxSize(), factory = {
        PreviewView(it).apply {
            controller = LifecycleCameraController(context).apply {
                imageAnalysisBackpressureStrategy = ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST
                // Scanning runs off the main thread, one crossqr session for the camera; every frame stays
                // within the camera budget.
                setImageAnalysisAnalyzer(analysis, QrAnalyzer(onCode))
                bindToLifecycle(owner)
            }
        }
    })
}
