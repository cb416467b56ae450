// Whole payments through the bindings against the reference switch on loopback, signed by a Kotlin
// `Signer` over the JCA (what an Android Keystore-backed signer looks like), with injected faults.
package crossqr.tests

import app.crossqr.CrossqrException
import app.crossqr.PaymentState
import app.crossqr.Signer
import app.crossqr.Wallet
import app.crossqr.WalletConfig
import kotlinx.coroutines.runBlocking
import java.io.File
import java.math.BigDecimal
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.spec.ECGenParameterSpec

/** A P-256 key held by the JVM's key store, signing with `SHA256withECDSA` (ASN.1 DER). */
class JcaSigner : Signer {
    private val keys = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
    var signatures = 0
        private set
    /** The first line of every request string signed ("POST /v1/payments", …). */
    val signed = mutableListOf<String>()

    override fun publicKeySpki(): ByteArray = keys.public.encoded

    override fun sign(message: ByteArray): ByteArray {
        signatures++
        signed.add(String(message, Charsets.UTF_8).substringBefore('\n'))
        return Signature.getInstance("SHA256withECDSA").run {
            initSign(keys.private)
            update(message)
            sign()
        }
    }
}

/** The reference switch in sandbox mode as a child process on a free loopback port, with `config` (JSON). */
class Switch(config: String = "{}") : AutoCloseable {
    private val configFile = File.createTempFile("crossqr-switch", ".json").apply { writeText(config); deleteOnExit() }
    private val process = ProcessBuilder(repoFile("target/debug/crossqr-switch").path, "serve", "--sandbox",
        "--addr", "127.0.0.1:0", "--config", configFile.path)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start()

    @Suppress("UNCHECKED_CAST")
    private val ready = Json.parse(process.inputStream.bufferedReader().readLine() ?: fail("switch did not start")) as Map<String, Any?>
    val baseUrl = "http://${ready["addr"]}"
    val publicKey = ready["public_key"] as String

    fun wallet(home: String, signer: Signer = JcaSigner()): Wallet {
        val journal = File.createTempFile("crossqr-journal", ".db").apply { delete(); deleteOnExit() }
        return Wallet(WalletConfig(baseUrl = baseUrl, serverPublicKey = publicKey, homeCurrency = home, journalPath = journal.path,
            allowHttpLoopback = true, attemptTimeoutMs = 2_000u), signer)
    }

    override fun close() {
        process.destroy()
        process.waitFor()
    }
}

private fun photo(name: String): String = Luma.read(repoFile("cli/assets/$name")).scan().codes.single().text

fun paymentTests() {
    test("pay: a Cambodian USD wallet pays the Osaka JPQR photo") {
        Switch().use { switch ->
            val signer = JcaSigner()
            val wallet = switch.wallet("USD", signer)
            runBlocking {
                wallet.register()
                wallet.refreshRates()
                val session = wallet.start(photo("jpqr-osaka.png"))
                assertEq(session.state(), PaymentState.SCANNED, "state after start")
                assertEq(session.needsAmount(), false, "a dynamic code carries its amount")
                val indicative = session.summary()
                check(indicative.indicative && indicative.merchantAmount == "¥1,200") { "indicative: $indicative" }
                val quote = session.requestQuote()
                check(!quote.indicative) { "firm quote" }
                // 1200 / 150.25 × 1.01 = 8.066…, half-even 8.07, plus a 0.25 fee.
                assertEq(quote.homeAmount to quote.total, "$8.07" to "$8.32", "home amount and total")
                assertEq(session.state(), PaymentState.QUOTED, "state after quote")
                val outcome = session.pay()
                assertEq(outcome.state, PaymentState.SETTLED, "outcome ${outcome.failureReason}")
                val history = wallet.history()
                assertEq(history.size, 1, "payments in the journal")
                assertEq(history[0].debitCurrency to history[0].debit, "USD" to BigDecimal("8.32"), "debit")
                assertEq(history[0].paymentId, outcome.paymentId, "journalled payment")
            }
            check(signer.signatures >= 4) { "the Kotlin signer signed ${signer.signatures} requests" }
        }
    }

    test("pay: a Japanese visitor pays the static Phnom Penh KHQR in yen") {
        Switch().use { switch ->
            val wallet = switch.wallet("JPY")
            runBlocking {
                wallet.register()
                val session = wallet.start(photo("khqr-phnom-penh.png"))
                assertEq(session.code().merchantNameAlt, "ហាងកាហ្វេ", "Khmer name")
                assertEq(session.needsAmount(), true, "static code")
                expectFailure(null, "quote before the amount") { runBlocking { session.requestQuote() } }
                session.enterAmount(BigDecimal("32900"))
                val quote = session.requestQuote()
                // 32900 KHR at 150.25/4025 JPY per riel × 1.01 = 1240.4…, whole yen 1240, plus a 40 yen fee.
                assertEq(quote.merchantAmount to quote.total, "KHR\u00a032,900" to "¥1,280", "merchant amount and total")
                assertEq(session.pay().state, PaymentState.SETTLED, "outcome")
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
                assertEq(outcome.state, PaymentState.SETTLED, "outcome ${outcome.failureReason}")
                // The fault fired: the first answer was lost and the same payment was sent again.
                assertEq(signer.signed.count { it == "POST /v1/payments" }, 2, "attempts at the payment")
                assertEq(wallet.history().map { it.paymentId to it.state }, listOf(outcome.paymentId to PaymentState.SETTLED), "journal")
                // Paying the same session again answers with the same payment: it is never sent twice.
                val again = session.pay()
                assertEq(again.paymentId to again.state, outcome.paymentId to PaymentState.SETTLED, "second pay")
                assertEq(signer.signed.count { it == "POST /v1/payments" }, 2, "no new payment was sent")
                assertEq(wallet.recover(1u).size, 0, "nothing left to reconcile")
            }
        }
    }

    test("pay: signer failures surface as errors with codes") {
        Switch().use { switch ->
            val refusing = object : Signer {
                override fun publicKeySpki(): ByteArray = JcaSigner().publicKeySpki()
                override fun sign(message: ByteArray): ByteArray =
                    throw CrossqrException.Failed("key_locked", "the key store is locked")
            }
            val e = expectFailure("signing_failed", "signer throws CrossqrException") {
                runBlocking { switch.wallet("USD", refusing).register() }
            }
            check("the key store is locked" in e.reason) { "reason lost: ${e.reason}" }
            val crashing = object : Signer {
                override fun publicKeySpki(): ByteArray = JcaSigner().publicKeySpki()
                override fun sign(message: ByteArray): ByteArray = throw IllegalStateException("keystore crashed")
            }
            val e2 = expectFailure("signing_failed", "signer throws an unexpected exception") {
                runBlocking { switch.wallet("USD", crashing).register() }
            }
            check("keystore crashed" in e2.reason) { "reason lost: ${e2.reason}" }
            val badKey = object : Signer {
                override fun publicKeySpki(): ByteArray = byteArrayOf(1, 2, 3)
                override fun sign(message: ByteArray): ByteArray = ByteArray(0)
            }
            expectFailure(null, "a public key that is not P-256 SPKI") { runBlocking { switch.wallet("USD", badKey).register() } }
        }
    }

    test("wallet: bad configuration is refused with codes") {
        Switch().use { switch ->
            expectFailure("unknown_currency", "home currency") { switch.wallet("ZZZ") }
            expectFailure(null, "server key") {
                Wallet(WalletConfig(baseUrl = switch.baseUrl, serverPublicKey = "bm90IGEga2V5", homeCurrency = "USD",
                    journalPath = File.createTempFile("crossqr-journal", ".db").path, allowHttpLoopback = true), JcaSigner())
            }
            val wallet = switch.wallet("USD")
            expectFailure(null, "paying text that is no code") { runBlocking { wallet.register(); wallet.start("hello") } }
        }
    }
}
