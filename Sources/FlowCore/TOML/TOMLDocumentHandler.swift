/// What receives the lines of a document as `TOMLReader` reads them, instead of a whole tree:
/// each table header, and each key/value line with its value (arrays and inline tables come
/// finished). It applies TOML's rules on what may be defined where; the reader checks the rest.
protocol TOMLDocumentHandler: AnyObject {
  /// `[a.b]` or `[[a.b]]`.
  func header(_ keys: [TOMLDocumentBuilder.Key], isArray: Bool) throws(TOMLError)
  /// `a.b = value`, in the table of the last header (or the root before any).
  func keyValue(_ keys: [TOMLDocumentBuilder.Key], _ value: TOMLValue) throws(TOMLError)
}
