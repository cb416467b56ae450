// The generated `CrossqrError` has a `description` (the Rust Display: the human reason) but does not
// declare the conformance; with it, `"\(error)"`, `String(describing:)` and `localizedDescription` all
// read the reason, and `kind` and `code` stay available for programs (`switch error.kind` is exhaustive).
extension CrossqrError: CustomStringConvertible {
    /// What the caller can conclude.
    public var kind: ErrorKind {
        switch self {
        case let .Failed(kind, _, _): return kind
        }
    }

    /// The stable machine-readable code.
    public var code: String {
        switch self {
        case let .Failed(_, code, _): return code
        }
    }
}
