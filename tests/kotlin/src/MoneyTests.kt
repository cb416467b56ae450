// Money display through the bindings: BigDecimal in, CLDR text out.
package crossqr.tests

import app.crossqr.MoneySymbol
import app.crossqr.formatMoney
import java.math.BigDecimal

fun moneyTests() {
    test("money: CLDR display per locale and symbol style") {
        val nbsp = '\u00a0'
        assertEq(formatMoney(BigDecimal("32900"), "KHR", "km", MoneySymbol.LOCALE, false), "32,900៛", "riel in Khmer")
        assertEq(formatMoney(BigDecimal("32900"), "KHR", "km", MoneySymbol.LOCALE, true), "៣២.៩០០៛", "Khmer digits (CLDR km/khmr groups with a dot)")
        assertEq(formatMoney(BigDecimal("32900"), "KHR", "en", MoneySymbol.LOCALE, false), "KHR${nbsp}32,900", "riel in English")
        assertEq(formatMoney(BigDecimal("1200"), "JPY", "en", MoneySymbol.LOCALE, false), "¥1,200", "yen")
        assertEq(formatMoney(BigDecimal("1200"), "JPY", "en", MoneySymbol.DISAMBIGUATED, false), "JP¥1,200", "yen, disambiguated")
        assertEq(formatMoney(BigDecimal("23.72"), "CNY", "ja", MoneySymbol.DISAMBIGUATED, false), "CN¥23.72", "yuan in Japanese")
        assertEq(formatMoney(BigDecimal("8"), "USD", "en", MoneySymbol.CODE, false), "USD${nbsp}8.00", "dollars by code")
        assertEq(formatMoney(BigDecimal("1234567.89"), "usd", "zh", MoneySymbol.LOCALE, false), "US$1,234,567.89", "lower-case code")
    }

    test("money: amounts are exact, never rounded away") {
        assertEq(formatMoney(BigDecimal("32900.50"), "KHR", "km", MoneySymbol.LOCALE, false), "32,900.50៛", "riel with sen")
        assertEq(formatMoney(BigDecimal("0.1").add(BigDecimal("0.2")), "USD", "en", MoneySymbol.LOCALE, false), "$0.30", "0.1 + 0.2")
        expectFailure(null, "more places than the currency has") {
            formatMoney(BigDecimal("1.005"), "USD", "en", MoneySymbol.LOCALE, false)
        }
    }

    test("money: unknown currency and locale are refused with codes") {
        expectFailure("unknown_currency", "currency XYZ") { formatMoney(BigDecimal.ONE, "XYZ", "en", MoneySymbol.LOCALE, false) }
        expectFailure("unsupported_locale", "locale fr") { formatMoney(BigDecimal.ONE, "USD", "fr", MoneySymbol.LOCALE, false) }
    }
}
