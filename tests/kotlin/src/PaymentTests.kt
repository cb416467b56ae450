// Whole payments through the bindings against the reference switch over HTTPS on loopback, signed by
// Kotlin `Signer`s over the JCA (what an Android Keystore-backed signer looks like) and by `SoftwareKey`,
// with injected faults, a cancelled `pay()`, and a key that asks the user once per payment.
package crossqr.tests

import app.crossqr.CrossqrException
import app.crossqr.ErrorKind
import app.crossqr.JournalState
import app.crossqr.SessionState
import app.crossqr.Signer
import app.crossqr.SoftwareKey
import app.crossqr.Wallet
import app.crossqr.WalletConfig
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.io.File
import java.math.BigDecimal
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import java.util.Collections
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger

/** A P-256 key held by the JVM's key store, signing with `SHA256withECDSA` (ASN.1 DER). */
class JcaSigner(private val prompt: Long = 0) : Signer {
    private val keys = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
    /** The first line of every string signed ("POST /v1/payments", "crossqr-payment-authorization-v1"). */
    val signed: MutableList<String> = Collections.synchronizedList(mutableListOf())
    /** The threads `sign` ran on. */
    val threads: MutableSet<String> = Collections.synchronizedSet(mutableSetOf())

    override fun publicKeySpki(): ByteArray = keys.public.encoded

    override suspend fun sign(message: ByteArray): ByteArray {
        threads += Thread.currentThread().name
        if (prompt > 0) delay(prompt) // the user looks at a prompt
        signed += String(message, Charsets.UTF_8).substringBefore('\n')
        return Signature.getInstance("SHA256withECDSA").run {
            initSign(keys.private)
            update(message)
            sign()
        }
    }

    fun count(line: String) = signed.count { it == line }
}

/** The reference switch (sandbox mode, HTTPS with a fresh test CA) as a child process, with `config` (JSON). */
class Switch(config: String = "{}") : AutoCloseable {
    private val configFile = File.createTempFile("crossqr-switch", ".json").apply { writeText(config); deleteOnExit() }
    private val process = ProcessBuilder(repoFile("target/debug/crossqr-switch").path, "serve", "--sandbox", "--tls-self-signed",
        "--addr", "127.0.0.1:0", "--config", configFile.path)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start()

    @Suppress("UNCHECKED_CAST")
    private val ready = Json.parse(process.inputStream.bufferedReader().readLine() ?: fail("switch did not start")) as Map<String, Any?>
    val baseUrl = ready["url"] as String
    val publicKey = ready["public_key"] as String
    val caPem = ready["ca_pem"] as String

    fun config(home: String, journal: File = File.createTempFile("crossqr-journal", ".db").apply { delete(); deleteOnExit() }) =
        WalletConfig(baseUrl = baseUrl, serverPublicKey = publicKey, homeCurrency = home, journalPath = journal.path,
            tlsCaPem = caPem, attemptTimeoutMs = 2_000u)

    fun wallet(home: String, signer: Signer = JcaSigner(), authorizer: Signer? = null): Wallet = Wallet(config(home), signer, authorizer)

    override fun close() {
        process.destroy()
        process.waitFor()
    }
}

private fun photo(name: String): String = Luma.read(repoFile("cli/assets/$name")).scan().codes.single().text

private const val PAY = "POST /v1/payments"
private const val APPROVAL = "crossqr-payment-authorization-v1"

fun paymentTests() {
    test("pay: a Cambodian USD wallet pays the Osaka JPQR photo over HTTPS") {
        Switch().use { switch ->
            check(switch.baseUrl.startsWith("https://")) { "the switch serves ${switch.baseUrl}" }
            val signer = JcaSigner()
            val wallet = switch.wallet("USD", signer)
            runBlocking {
                wallet.register()
                wallet.refreshRates()
                val session = wallet.start(photo("jpqr-osaka.png"))
                assertEq(session.state(), SessionState.SCANNED, "state after start")
                assertEq(session.needsAmount(), false, "a dynamic code carries its amount")
                val indicative = session.summary()
                check(indicative.indicative && indicative.merchantAmount == "¥1,200") { "indicative: $indicative" }
                val quote = session.requestQuote()
                check(!quote.indicative) { "firm quote" }
                // 1200 / 150.25 × 1.01 = 8.066…, half-even 8.07, plus a 0.25 fee.
                assertEq(quote.homeAmount to quote.total, "$8.07" to "$8.32", "home amount and total")
                assertEq(session.state(), SessionState.QUOTED, "state after quote")
                val outcome = session.pay()
                assertEq(outcome.state, SessionState.SETTLED, "outcome ${outcome.note}")
                val history = wallet.history()
                assertEq(history.size, 1, "payments in the journal")
                assertEq(history[0].debitCurrency to history[0].debit, "USD" to BigDecimal("8.32"), "debit")
                assertEq(history[0].paymentId to history[0].state, outcome.paymentId to JournalState.SETTLED, "journalled payment")
            }
            assertEq(signer.count(PAY), 1, "one payment request")
        }
    }

    test("pay: a Japanese visitor pays the static Phnom Penh KHQR in yen, signed by SoftwareKey") {
        Switch().use { switch ->
            val key = SoftwareKey.generate()
            val wallet = switch.wallet("JPY", key)
            runBlocking {
                wallet.register()
                val session = wallet.start(photo("khqr-phnom-penh.png"))
                assertEq(session.code().merchantNameAlt, "ហាងកាហ្វេ", "Khmer name")
                assertEq(session.needsAmount(), true, "static code")
                expectFailure("amount_required", "quote before the amount", ErrorKind.INVALID_INPUT) { runBlocking { session.requestQuote() } }
                expectFailure("invalid_amount", "an amount the core cannot hold") { session.enterAmount(BigDecimal("1e30")) }
                session.enterAmount(BigDecimal("32900"))
                val quote = session.requestQuote()
                // 32900 KHR at 150.25/4025 JPY per riel × 1.01 = 1240.4…, whole yen 1240, plus a 40 yen fee.
                assertEq(quote.merchantAmount to quote.total, "KHR\u00a032,900" to "¥1,280", "merchant amount and total")
                assertEq(session.pay().state, SessionState.SETTLED, "outcome")
            }
            // The same key, restored from its PKCS#8, is the same device.
            assertEq(Wallet(switch.config("JPY"), SoftwareKey.fromPkcs8(key.pkcs8()), null).deviceId(), wallet.deviceId(), "device id")
        }
    }

    test("pay: a sticker that asks for a tip; the tip the payer enters is quoted, shown and paid to the merchant") {
        // A static KHQR with 55=01 (tip prompt), built for this test: no amount, the payer enters both.
        val sticker = "00020101021129130009cafe@aclb5204581453031165502015802KH5911Cafe Mekong6010Phnom Penh63041E07"
        Switch().use { switch ->
            val wallet = switch.wallet("USD")
            runBlocking {
                wallet.register()
                val session = wallet.start(sticker)
                assertEq(session.needsAmount() to session.asksForTip(), true to true, "amount and tip asked for")
                session.enterAmount(BigDecimal("10000"))
                expectFailure("too_many_decimals", "a tip finer than the riel allows", ErrorKind.INVALID_INPUT) {
                    session.enterTip(BigDecimal("0.001"))
                }
                session.enterTip(BigDecimal("2000"))
                val quote = session.requestQuote()
                val tip = quote.lines.single { it.key == "tip" }
                assertEq(tip.value to quote.merchantAmount, "KHR\u00a02,000" to "KHR\u00a012,000", "tip line and merchant amount")
                assertEq(session.pay().state, SessionState.SETTLED, "outcome")
                val paid = wallet.history().single()
                assertEq(paid.creditCurrency to paid.credit, "KHR" to BigDecimal("12000"), "the merchant is credited price and tip")
            }
        }
    }

    test("pay: a response lost after the switch committed still pays exactly once") {
        Switch("""{"faults":[{"path":"/v1/payments","fault":"drop_after_commit","times":1}]}""").use { switch ->
            val signer = JcaSigner()
            val wallet = switch.wallet("USD", signer)
            runBlocking {
                wallet.register()
                val session = wallet.start(photo("jpqr-osaka.png"))
                session.requestQuote()
                val outcome = session.pay()
                assertEq(outcome.state, SessionState.SETTLED, "outcome ${outcome.note}")
                // The fault fired: the first answer was lost and the same payment was sent again.
                assertEq(signer.count(PAY), 2, "attempts at the payment")
                assertEq(wallet.history().map { it.paymentId to it.state }, listOf(outcome.paymentId to JournalState.SETTLED), "journal")
                // Paying the same session again answers with the same payment: it is never sent twice.
                val again = session.pay()
                assertEq(again.paymentId to again.state, outcome.paymentId to SessionState.SETTLED, "second pay")
                assertEq(signer.count(PAY), 2, "no new payment was sent")
                assertEq(wallet.recover(1u).size, 0, "nothing left to reconcile")
            }
        }
    }

    test("pay: cancelling pay() (a rotated screen) cancels nothing; the next pay() answers with the one payment") {
        Switch("""{"faults":[{"path":"/v1/payments","fault":"latency=1500","times":1}]}""").use { switch ->
            val signer = JcaSigner()
            val wallet = switch.wallet("USD", signer)
            runBlocking {
                wallet.register()
                val session = wallet.start(photo("jpqr-osaka.png"))
                session.requestQuote()
                val screen = launch(start = CoroutineStart.UNDISPATCHED) { session.pay() }
                while (signer.count(PAY) == 0) delay(10)
                screen.cancelAndJoin()
                check(screen.isCancelled) { "the screen's call was cancelled" }
                val outcome = session.pay()
                assertEq(outcome.state, SessionState.SETTLED, "outcome after the cancelled call: ${outcome.note}")
                assertEq(signer.count(PAY), 1, "the payment was sent once, by the cancelled call")
                assertEq(wallet.history().map { it.state }, listOf(JournalState.SETTLED), "one settled payment in the journal")
                assertEq(session.state(), SessionState.SETTLED, "the session says what the journal says")
            }
        }
    }

    test("threads: the caller's thread is never blocked; the work runs on crossqr's own") {
        Switch("""{"faults":[{"path":"/v1/payments","fault":"latency=600","times":1}]}""").use { switch ->
            val signer = JcaSigner()
            val wallet = switch.wallet("USD", signer)
            val main = Executors.newSingleThreadExecutor { Thread(it, "app-main") }.asCoroutineDispatcher()
            val ticks = AtomicInteger()
            runBlocking(main) {
                wallet.register()
                val session = wallet.start(photo("jpqr-osaka.png"))
                session.requestQuote()
                // A ticker on the same (only) thread: it runs only if pay() leaves that thread free.
                val ticker = launch { while (true) { ticks.incrementAndGet(); delay(20) } }
                val outcome = session.pay()
                ticker.cancelAndJoin()
                assertEq(outcome.state, SessionState.SETTLED, "outcome")
            }
            main.close()
            check(ticks.get() >= 10) { "the caller's thread ticked only ${ticks.get()} times while paying" }
            check("app-main" !in signer.threads) { "the signer ran on the caller's thread: ${signer.threads}" }
        }
    }

    test("sign: a key that asks the user is asked once per payment, not per retry") {
        Switch("""{"faults":[{"path":"/v1/payments","fault":"drop_after_commit","times":1}]}""").use { switch ->
            val requests = JcaSigner()
            val biometric = JcaSigner(prompt = 50)
            val wallet = switch.wallet("USD", requests, biometric)
            runBlocking {
                wallet.register()
                val session = wallet.start(photo("jpqr-osaka.png"))
                session.requestQuote()
                assertEq(session.pay().state, SessionState.SETTLED, "outcome")
            }
            assertEq(biometric.count(APPROVAL), 1, "one authorisation for the payment")
            assertEq(biometric.signed.size, 1, "the authorising key signed nothing else")
            assertEq(requests.count(PAY), 2, "the retry was signed by the request key")
        }
    }

    test("sign: a refusal keeps its code and leaves nothing journalled") {
        Switch().use { switch ->
            val declining = object : Signer {
                private val inner = JcaSigner()
                override fun publicKeySpki(): ByteArray = inner.publicKeySpki()
                override suspend fun sign(message: ByteArray): ByteArray =
                    throw CrossqrException.Failed(ErrorKind.SIGNER, "signer_cancelled", "the user closed the prompt")
            }
            val wallet = switch.wallet("USD", JcaSigner(), declining)
            runBlocking {
                wallet.register()
                val session = wallet.start(photo("jpqr-osaka.png"))
                session.requestQuote()
                val e = expectFailure("signer_cancelled", "the payer declined", ErrorKind.SIGNER) { runBlocking { session.confirm() } }
                check("the user closed the prompt" in e.reason) { "reason lost: ${e.reason}" }
                assertEq(wallet.history().size, 0, "nothing journalled")
                assertEq(session.state(), SessionState.QUOTED, "still quoted: the payer may try again")
            }
            val crashing = object : Signer {
                override fun publicKeySpki(): ByteArray = JcaSigner().publicKeySpki()
                override suspend fun sign(message: ByteArray): ByteArray = throw IllegalStateException("keystore crashed")
            }
            val e = expectFailure("signing_failed", "a signer that throws something unexpected", ErrorKind.SIGNER) {
                runBlocking { switch.wallet("USD", crashing).register() }
            }
            check("keystore crashed" in e.reason) { "reason lost: ${e.reason}" }
            val badKey = object : Signer {
                override fun publicKeySpki(): ByteArray = byteArrayOf(1, 2, 3)
                override suspend fun sign(message: ByteArray): ByteArray = ByteArray(0)
            }
            expectFailure("invalid_key", "a public key that is not P-256 SPKI") { switch.wallet("USD", badKey) }
        }
    }

    test("wallet: bad configuration is refused with codes") {
        Switch().use { switch ->
            val ok = switch.config("USD")
            expectFailure("unknown_currency", "home currency", ErrorKind.INVALID_INPUT) { Wallet(ok.copy(homeCurrency = "ZZZ"), JcaSigner(), null) }
            expectFailure("invalid_key", "server key") { Wallet(ok.copy(serverPublicKey = "bm90IGEga2V5"), JcaSigner(), null) }
            expectFailure("invalid_config", "https without its CA", ErrorKind.NOT_SENT) { Wallet(ok.copy(tlsCaPem = null), JcaSigner(), null) }
            expectFailure("invalid_config", "a CA that is no certificate") { Wallet(ok.copy(tlsCaPem = "garbage"), JcaSigner(), null) }
            expectFailure("invalid_config", "plain http to another host") {
                Wallet(ok.copy(baseUrl = "http://wallet.example", allowHttpLoopback = true), JcaSigner(), null)
            }
            val other = Switch()
            other.use {
                // Trusting another CA: the handshake is refused, nothing is sent.
                val elsewhere = File.createTempFile("crossqr-journal", ".db").apply { delete(); deleteOnExit() }
                val stranger = Wallet(ok.copy(tlsCaPem = other.caPem, journalPath = elsewhere.path), JcaSigner(), null)
                expectFailure("tls_untrusted", "another CA", ErrorKind.NOT_SENT) { runBlocking { stranger.register() } }
            }
            val wallet = Wallet(ok, JcaSigner(), null)
            expectFailure("journal_locked", "a second wallet on the same journal", ErrorKind.BUSY) { Wallet(ok, JcaSigner(), null) }
            expectFailure("unsupported_code", "paying text that is no code") { runBlocking { wallet.register(); wallet.start("hello") } }
        }
    }
}
