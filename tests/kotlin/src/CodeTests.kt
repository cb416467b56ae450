// Parsing and generating codes through the bindings: every shared vector, KHQR round trips, error mapping.
package crossqr.tests

import app.crossqr.CodeInfo
import app.crossqr.KhqrInput
import app.crossqr.generateKhqr
import app.crossqr.parseCode
import java.math.BigDecimal
import java.security.MessageDigest

/** The field of `crossqr parse`'s JSON named [key], as JSON would carry it. */
private fun field(info: CodeInfo, key: String): Any? = when (key) {
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
    "amount" -> info.amount?.toPlainString()
    "account" -> info.account
    "expires_at_ms" -> info.expiresAtMs?.let(::BigDecimal)
    else -> fail("vector field $key is not mapped to CodeInfo")
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
                val code = (case["expect_error"] as String?)?.takeIf { it != "*" }
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

    test("generate: dynamic merchant KHQR round-trips with its md5") {
        val now = System.currentTimeMillis()
        val input = KhqrInput(
            accountId = "cafe@aclb",
            merchantName = "Phnom Penh Cafe",
            currency = "USD",
            amount = BigDecimal("2.50"),
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
        assertEq(info.amount, BigDecimal("2.50"), "amount (scale kept)")
        assertEq(info.currency, "USD", "currency")
        assertEq(info.account, "cafe@aclb", "account")
        assertEq(info.merchantNameAlt, "ហាងកាហ្វេ", "Khmer name")
        assertEq(info.md5, code.md5, "md5 reported by parse")
        check(info.expiresAtMs == now + 3_600_000) { "expiry ${info.expiresAtMs}" }
        // An hour and a second later the same code has expired.
        expectFailure("expired", "expired code") { parseCode(code.payload, now + 3_601_000) }
    }

    test("generate: bad input is refused with a code") {
        val base = KhqrInput(accountId = "cafe@aclb", merchantName = "Cafe")
        expectFailure("invalid_field", "unknown currency") { generateKhqr(base.copy(currency = "EUR"), null) }
        expectFailure(null, "dynamic without expiry") { generateKhqr(base.copy(amount = BigDecimal("100")), null) }
        expectFailure(null, "riel with cents") {
            generateKhqr(base.copy(amount = BigDecimal("1.5"), expiresAtMs = System.currentTimeMillis() + 60_000), null)
        }
    }

    test("errors: stable codes, reason in message and description") {
        val good = generateKhqr(KhqrInput(accountId = "cafe@aclb", merchantName = "Cafe"), null).payload
        assertEq(parseCode(good, null).scheme, "khqr", "the unmodified code")
        val flipped = good.dropLast(1) + (if (good.last() == '0') '1' else '0')
        expectFailure("crc_mismatch", "flipped CRC") { parseCode(flipped, null) }
        expectFailure("unsupported_code", "plain text") { parseCode("hello, world", null) }
        expectFailure("malformed", "truncated EMV") { parseCode(good.substring(0, 20), null) }
        expectFailure(null, "empty") { parseCode("", null) }
        // Text that needs UTF-16 surrogates and NULs crosses intact and is refused, not crashed on.
        expectFailure(null, "odd text") { parseCode("000201\u0000😀" + "9".repeat(600), null) }
    }
}
