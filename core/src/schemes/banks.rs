//! Who holds an account: small tables from the institution id a code carries to a human name, each
//! with its source in the data file's header (`banks/*.tsv`, compiled in). A name is given only
//! where a source states it; an id the table does not know is still reported, without a name.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::code::Bank;

/// One institution table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// VietQR / NAPAS bank BIN (38/01/00).
    VietqrBin,
    /// Bakong participant code (after the `@` of a KHQR account id).
    Bakong,
    /// DuitNow acquirer id (26/01).
    DuitnowAcquirer,
    /// QRIS national numbering: the first 8 digits of an issuer's merchant PAN.
    QrisNns,
    /// Lao QR IIN (38/01).
    LaoIin,
}

impl Table {
    /// Every table, in declaration order (`Table as usize` indexes it).
    const ALL: [Table; 5] = [Table::VietqrBin, Table::Bakong, Table::DuitnowAcquirer, Table::QrisNns, Table::LaoIin];

    fn data(self) -> &'static str {
        match self {
            Table::VietqrBin => include_str!("banks/vietqr.tsv"),
            Table::Bakong => include_str!("banks/bakong.tsv"),
            Table::DuitnowAcquirer => include_str!("banks/duitnow.tsv"),
            Table::QrisNns => include_str!("banks/qris.tsv"),
            Table::LaoIin => include_str!("banks/lao.tsv"),
        }
    }

    /// The table's rows (id → name), read from its data file once, when first asked.
    fn rows(self) -> &'static HashMap<&'static str, &'static str> {
        static ROWS: LazyLock<[HashMap<&'static str, &'static str>; 5]> = LazyLock::new(|| {
            Table::ALL
                .map(|t| t.data().lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('\t')).collect())
        });
        &ROWS[self as usize]
    }

    /// The name the table gives `id` (matched exactly, or ignoring ASCII case for Bakong codes, whose
    /// table is written in lower case).
    pub(crate) fn name(self, id: &str) -> Option<&'static str> {
        if self == Table::Bakong && id.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.rows().get(id.to_ascii_lowercase().as_str()).copied();
        }
        self.rows().get(id).copied()
    }

    /// The institution `id` (as written in the code), named where the table knows it.
    pub(crate) fn bank(self, id: &str) -> Bank {
        Bank { id: id.to_owned(), name: self.name(id) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_well_formed_and_answer() {
        for (i, table) in Table::ALL.into_iter().enumerate() {
            assert_eq!(table as usize, i, "{table:?} in declaration order");
            assert_eq!(table.rows().len(), table.data().lines().filter(|l| !l.starts_with('#')).count(), "{table:?}");
            let mut keys = std::collections::BTreeSet::new();
            let rows: Vec<_> = table.data().lines().filter(|l| !l.starts_with('#')).collect();
            assert!(!rows.is_empty(), "{table:?}");
            assert!(table.data().starts_with('#'), "{table:?} names its source first");
            for row in rows {
                let (key, name) = row.split_once('\t').unwrap_or_else(|| panic!("{table:?}: {row:?}"));
                assert!(!key.is_empty() && !name.trim().is_empty() && !name.contains('\t'), "{table:?}: {row:?}");
                assert!(keys.insert(key), "{table:?} lists {key} twice");
                assert!(table != Table::Bakong || !key.bytes().any(|b| b.is_ascii_uppercase()), "{key}: lower case");
            }
        }
        assert_eq!(Table::VietqrBin.name("970436"), Some("Vietcombank"));
        assert_eq!(Table::Bakong.name("ABAA"), Some("ABA Bank"));
        assert_eq!(Table::DuitnowAcquirer.bank("564167"), Bank { id: "564167".into(), name: None });
        assert_eq!(Table::QrisNns.name("93600914"), Some("GoPay"));
    }
}
