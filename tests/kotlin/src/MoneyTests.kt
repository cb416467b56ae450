// Money display through the bindings: BigDecimal in, CLDR text out.
package crossqr.tests

import app.crossqr.ErrorKind
import app.crossqr.SymbolStyle
import app.crossqr.displayLocale
import app.crossqr.formatMoney
import java.math.BigDecimal

fun moneyTests() {
    test("money: CLDR display per locale and symbol style") {
        val nbsp = '\u00a0'
        assertEq(formatMoney(BigDecimal("32900"), "KHR", "km", SymbolStyle.LOCALE, false), "32,900៛", "riel in Khmer")
        assertEq(formatMoney(BigDecimal("32900"), "KHR", "km", SymbolStyle.LOCALE, true), "៣២.៩០០៛", "Khmer digits (CLDR km/khmr groups with a dot)")
        assertEq(formatMoney(BigDecimal("32900"), "KHR", "en", SymbolStyle.LOCALE, false), "KHR${nbsp}32,900", "riel in English")
        assertEq(formatMoney(BigDecimal("1200"), "JPY", "en", SymbolStyle.LOCALE, false), "¥1,200", "yen")
        assertEq(formatMoney(BigDecimal("1200"), "JPY", "en", SymbolStyle.DISAMBIGUATED, false), "JP¥1,200", "yen, disambiguated")
        assertEq(formatMoney(BigDecimal("23.72"), "CNY", "ja", SymbolStyle.DISAMBIGUATED, false), "CN¥23.72", "yuan in Japanese")
        assertEq(formatMoney(BigDecimal("8"), "USD", "en", SymbolStyle.CODE, false), "USD${nbsp}8.00", "dollars by code")
        assertEq(formatMoney(BigDecimal("1234567.89"), "USD", "zh", SymbolStyle.LOCALE, false), "US$1,234,567.89", "dollars in Chinese")
        expectFailure("unknown_currency", "an ISO code is upper case") { formatMoney(BigDecimal.ONE, "usd", "en", SymbolStyle.LOCALE, false) }
    }

    test("money: amounts are exact, never rounded away") {
        assertEq(formatMoney(BigDecimal("32900.50"), "KHR", "km", SymbolStyle.LOCALE, false), "32,900.50៛", "riel with sen")
        assertEq(formatMoney(BigDecimal("0.1").add(BigDecimal("0.2")), "USD", "en", SymbolStyle.LOCALE, false), "$0.30", "0.1 + 0.2")
        expectFailure("too_many_decimals", "more places than the currency has") {
            formatMoney(BigDecimal("1.005"), "USD", "en", SymbolStyle.LOCALE, false)
        }
    }

    test("money: the phone's preferred locales pick the display locale, English when none is displayed") {
        assertEq(displayLocale(listOf("fr-FR", "km-KH", "en-US")), "km-KH", "first displayed preference")
        assertEq(displayLocale(listOf("zh-TW")), "zh-TW", "kept whole")
        assertEq(displayLocale(listOf("fr-FR", "de-DE")), "en", "none displayed")
        assertEq(formatMoney(BigDecimal("1200"), "JPY", displayLocale(listOf("ja-JP")), SymbolStyle.LOCALE, false), "￥1,200", "Japanese yen sign")
    }

    test("money: unknown currency and locale are refused with codes") {
        expectFailure("unknown_currency", "currency XYZ") { formatMoney(BigDecimal.ONE, "XYZ", "en", SymbolStyle.LOCALE, false) }
        expectFailure("unsupported_locale", "locale fr") { formatMoney(BigDecimal.ONE, "USD", "fr", SymbolStyle.LOCALE, false) }
        // A BigDecimal the core cannot hold exactly is an invalid amount, not a crash in the binding.
        expectFailure("invalid_amount", "1e30", ErrorKind.INVALID_INPUT) { formatMoney(BigDecimal("1e30"), "USD", "en", SymbolStyle.LOCALE, false) }
    }
}
