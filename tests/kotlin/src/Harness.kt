// A small test runner for the generated bindings: named checks, plain assertions, a JSON reader.
// Paths are relative to the repository root (the working directory of `scripts/kotlin-tests.sh`).
package crossqr.tests

import app.crossqr.CrossqrException
import app.crossqr.ErrorKind
import java.io.File
import kotlin.system.exitProcess

private val checks = mutableListOf<Pair<String, () -> Unit>>()

/** Registers a check. */
fun test(name: String, body: () -> Unit) {
    checks += name to body
}

fun fail(message: String): Nothing = throw AssertionError(message)

fun check(condition: Boolean, message: () -> String) {
    if (!condition) fail(message())
}

fun <T> assertEq(actual: T, expected: T, what: String) {
    if (actual != expected) fail("$what: expected <$expected>, got <$actual>")
}

/** Runs [body], which must throw `CrossqrException.Failed` with [code] (and [kind], when given). */
fun expectFailure(code: String, what: String, kind: ErrorKind? = null, body: () -> Unit): CrossqrException.Failed {
    val e = try {
        body()
        fail("$what: nothing was thrown")
    } catch (e: CrossqrException.Failed) {
        e
    }
    assertEq(e.code, code, "$what: error code (${e.reason})")
    if (kind != null) assertEq(e.kind, kind, "$what: error kind")
    check(e.reason.isNotBlank()) { "$what: empty reason" }
    // The human reason is the exception's message and its Display-based toString.
    assertEq(e.message, e.reason, "$what: message")
    assertEq(e.toString(), e.reason, "$what: toString")
    return e
}

/** What a screen makes of a failure: an exhaustive `when` over the kinds (no `else`). */
fun screenFor(kind: ErrorKind): String = when (kind) {
    ErrorKind.INVALID_INPUT -> "fix the input"
    ErrorKind.EXPIRED -> "scan or quote again"
    ErrorKind.REJECTED -> "not paid"
    ErrorKind.NOT_SENT -> "not sent: try again"
    ErrorKind.OUTCOME_UNKNOWN -> "pending: do not pay again"
    ErrorKind.SIGNER -> "unlock the key"
    ErrorKind.BUSY -> "wait"
    ErrorKind.INTERNAL -> "report"
}

fun repoFile(path: String): File = File(System.getProperty("crossqr.root", "."), path)

/** Minimal JSON reader: objects as maps, arrays as lists, numbers as BigDecimal. */
class Json(private val s: String) {
    private var i = 0

    companion object {
        fun parse(text: String): Any? = Json(text).run { value().also { ws(); check(i == s.length) { "trailing JSON" } } }
    }

    private fun ws() {
        while (i < s.length && s[i].isWhitespace()) i++
    }

    private fun value(): Any? {
        ws()
        return when (s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> string()
            't' -> literal("true", true)
            'f' -> literal("false", false)
            'n' -> literal("null", null)
            else -> {
                val start = i
                while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++
                java.math.BigDecimal(s.substring(start, i))
            }
        }
    }

    private fun obj(): Map<String, Any?> {
        expect('{')
        val map = LinkedHashMap<String, Any?>()
        ws()
        var more = s[i] != '}'
        while (more) {
            ws(); val key = string(); ws(); expect(':')
            map[key] = value(); ws()
            more = s[i] == ','
            if (more) i++
        }
        expect('}')
        return map
    }

    private fun arr(): List<Any?> {
        expect('[')
        val list = ArrayList<Any?>()
        ws()
        var more = s[i] != ']'
        while (more) {
            list += value(); ws()
            more = s[i] == ','
            if (more) i++
        }
        expect(']')
        return list
    }

    private fun literal(word: String, v: Any?): Any? {
        check(s.startsWith(word, i)) { "bad JSON at $i" }
        i += word.length
        return v
    }

    private fun expect(c: Char) {
        check(s[i] == c) { "expected $c at $i" }
        i++
    }

    private fun string(): String {
        expect('"')
        val out = StringBuilder()
        while (s[i] != '"') {
            val c = s[i++]
            if (c != '\\') { out.append(c); continue }
            when (val e = s[i++]) {
                'n' -> out.append('\n'); 't' -> out.append('\t'); 'r' -> out.append('\r')
                'b' -> out.append('\b'); 'f' -> out.append('\u000c')
                'u' -> { out.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                else -> out.append(e)
            }
        }
        i++
        return out.toString()
    }
}

fun main(args: Array<String>) {
    codeTests()
    scanTests()
    moneyTests()
    paymentTests()
    val selected = checks.filter { (name, _) -> args.isEmpty() || args.any { name.contains(it) } }
    var failed = 0
    for ((name, body) in selected) {
        val start = System.nanoTime()
        try {
            body()
            println("ok   $name (${(System.nanoTime() - start) / 1_000_000} ms)")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: $e")
            e.printStackTrace(System.out)
        }
    }
    println("kotlin: ${selected.size - failed} passed, $failed failed")
    exitProcess(if (failed == 0 && selected.isNotEmpty()) 0 else 1)
}
