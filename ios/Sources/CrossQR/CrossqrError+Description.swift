// The generated `CrossqrError` has a `description` (the Rust Display: the human reason) but does not
// declare the conformance; with it, `"\(error)"`, `String(describing:)` and `localizedDescription` all
// read the reason, and `code` stays available for programs.
extension CrossqrError: CustomStringConvertible {
    /// The stable machine-readable code.
    public var code: String {
        switch self {
        case let .Failed(code, _): return code
        }
    }
}
