// Parsing and generating codes through the bindings: every shared vector, KHQR round trips, error mapping.
package crossqr.tests

import app.crossqr.CodeSummary
import app.crossqr.ErrorKind
import app.crossqr.KhqrFields
import app.crossqr.generateKhqr
import app.crossqr.parseCode
import java.math.BigDecimal
import java.security.MessageDigest

/** The field of `crossqr parse`'s JSON named [key], as JSON would carry it. */
private fun field(info: CodeSummary, key: String): Any? = when (key) {
    "scheme" -> info.scheme
    "format" -> info.format
    "dynamic" -> info.dynamic
    "merchant_name" -> info.merchantName
    "merchant_name_alt" -> info.merchantNameAlt
    "language" -> info.language
    "merchant_city" -> info.merchantCity
    "country" -> info.country
    "mcc" -> info.mcc
    "currency" -> info.currency
    "amount" -> info.amount
    "account" -> info.account
    "expires_at_ms" -> info.expiresAtMs?.let(::BigDecimal)
    else -> fail("vector field $key is not mapped to CodeSummary")
}

private fun md5(text: String): String =
    MessageDigest.getInstance("MD5").digest(text.toByteArray()).joinToString("") { "%02x".format(it) }

fun codeTests() {
    test("parse: every vector in tests/fixtures/vectors/parse.jsonl") {
        val lines = repoFile("tests/fixtures/vectors/parse.jsonl").readLines().filter { it.isNotBlank() }
        check(lines.size >= 13) { "only ${lines.size} vectors" }
        for ((n, line) in lines.withIndex()) {
            @Suppress("UNCHECKED_CAST")
            val case = Json.parse(line) as Map<String, Any?>
            val payload = case["payload"] as String
            val now = (case["now_ms"] as BigDecimal).toLong()
            val what = "vector ${n + 1}"
            if ("expect_error" in case) {
                val code = case["expect_error"] as String
                check(code != "*") { "$what: a vector that expects a failure names its code" }
                expectFailure(code, what) { parseCode(payload, now) }
            } else {
                val info = parseCode(payload, now)
                @Suppress("UNCHECKED_CAST")
                for ((key, want) in case["expect"] as Map<String, Any?>) {
                    if (want != "*") assertEq(field(info, key), want, "$what field $key")
                }
            }
        }
    }

    test("parse: the real-world corpus, banks and warnings as records") {
        val lines = repoFile("tests/fixtures/real-world/corpus.jsonl").readLines().filter { it.isNotBlank() }
        check(lines.size >= 199) { "only ${lines.size} real-world codes" }
        var warned = 0
        for (line in lines) {
            @Suppress("UNCHECKED_CAST")
            val case = Json.parse(line) as Map<String, Any?>
            val what = "real-world ${case["id"]}"
            val payload = case["payload"] as String
            val now = (case["now_ms"] as BigDecimal).toLong()
            val refused = case["expect_error"] as String?
            if (refused != null) {
                expectFailure(refused, what) { parseCode(payload, now) }
                continue
            }
            val info = parseCode(payload, now)
            @Suppress("UNCHECKED_CAST")
            val expect = case["expect"] as Map<String, Any?>
            for ((key, want) in expect) {
                when (key) {
                    "bank" -> {
                        @Suppress("UNCHECKED_CAST")
                        val bank = want as Map<String, Any?>?
                        val got = info.accounts.firstOrNull { it.id == info.account }?.bank
                        assertEq(got?.let { mapOf("id" to it.id, "name" to it.name) }, bank, "$what bank")
                    }
                    // A warning's code crosses as its string and carries a message for the screen.
                    "warnings" -> {
                        assertEq(info.warnings.map { it.code }, want, "$what warnings")
                        check(info.warnings.all { it.message.isNotBlank() }) { "$what: a warning without its message" }
                        if (info.warnings.isNotEmpty()) warned++
                    }
                    else -> assertEq(field(info, key), want, "$what field $key")
                }
            }
        }
        check(warned >= 5) { "only $warned codes carried warnings" }
    }

    test("generate: dynamic merchant KHQR round-trips with its md5") {
        val now = System.currentTimeMillis()
        val input = KhqrFields(
            accountId = "cafe@aclb",
            merchantName = "Phnom Penh Cafe",
            currency = "USD",
            amount = "2.50",
            expiresAtMs = now + 3_600_000,
            merchantId = "M-0042",
            acquiringBank = "ACLEDA",
            billNumber = "INV-7",
            altLanguage = "km",
            altName = "ហាងកាហ្វេ",
        )
        val code = generateKhqr(input, now)
        assertEq(code.md5, md5(code.payload), "md5 of the payload")
        val info = parseCode(code.payload, now)
        assertEq(info.scheme, "khqr", "scheme")
        assertEq(info.dynamic, true, "dynamic")
        assertEq(info.amount, "2.50", "amount as the code writes it")
        assertEq(info.currency, "USD", "currency")
        assertEq(info.account, "cafe@aclb", "account")
        assertEq(info.merchantNameAlt, "ហាងកាហ្វេ", "Khmer name")
        assertEq(info.md5, code.md5, "md5 reported by parse")
        check(info.expiresAtMs == now + 3_600_000) { "expiry ${info.expiresAtMs}" }
        // An hour and a second later the same code has expired.
        expectFailure("expired", "expired code", ErrorKind.EXPIRED) { parseCode(code.payload, now + 3_601_000) }
    }

    test("generate: bad input is refused with a code") {
        val base = KhqrFields(accountId = "cafe@aclb", merchantName = "Cafe")
        expectFailure("invalid_field", "unknown currency", ErrorKind.INVALID_INPUT) { generateKhqr(base.copy(currency = "EUR"), null) }
        expectFailure("missing_field", "dynamic without expiry") { generateKhqr(base.copy(amount = "100"), null) }
        expectFailure("invalid_field", "riel with cents") {
            generateKhqr(base.copy(amount = "1.5", expiresAtMs = System.currentTimeMillis() + 60_000), null)
        }
        expectFailure("invalid_field", "an amount that is no number") { generateKhqr(base.copy(amount = "1e3"), null) }
        expectFailure("missing_field", "a merchant without its bank") { generateKhqr(base.copy(merchantId = "M-1"), null) }
    }

    test("errors: stable codes, reason in message and description") {
        val good = generateKhqr(KhqrFields(accountId = "cafe@aclb", merchantName = "Cafe"), null).payload
        assertEq(parseCode(good, null).scheme, "khqr", "the unmodified code")
        val flipped = good.dropLast(1) + (if (good.last() == '0') '1' else '0')
        val e = expectFailure("crc_mismatch", "flipped CRC", ErrorKind.INVALID_INPUT) { parseCode(flipped, null) }
        assertEq(screenFor(e.kind), "fix the input", "what the screen makes of it")
        expectFailure("unsupported_code", "plain text") { parseCode("hello, world", null) }
        expectFailure("malformed", "truncated EMV") { parseCode(good.substring(0, 20), null) }
        expectFailure("unsupported_code", "empty") { parseCode("", null) }
        // Text that needs UTF-16 surrogates and NULs crosses intact and is refused, not crashed on.
        expectFailure("malformed", "odd text") { parseCode("000201\u0000😀" + "9".repeat(600), null) }
    }
}
