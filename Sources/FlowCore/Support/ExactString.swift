/// A string that equals and hashes by its UTF-8 bytes. Swift's `String` compares by
/// canonical equivalence (`"café"` as U+00E9 equals `e` + U+0301), but a JSON object's
/// keys, environment variable names and file names are byte strings: two keys that differ
/// in bytes are two keys.
public struct ExactString: Hashable, Sendable {
  public var text: String

  public init(_ text: String) { self.text = text }

  public static func == (left: ExactString, right: ExactString) -> Bool {
    sameBytes(left.text, right.text)
  }

  public func hash(into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }

  /// Whether two strings have the same UTF-8 bytes.
  public static func sameBytes(_ left: String, _ right: String) -> Bool {
    guard left.utf8.count == right.utf8.count else { return false }
    let contiguous: Bool?? = left.utf8.withContiguousStorageIfAvailable { leftBytes in
      right.utf8.withContiguousStorageIfAvailable { leftBytes.elementsEqual($0) }
    }
    if case .some(.some(let equal)) = contiguous { return equal }
    return left.utf8.elementsEqual(right.utf8)
  }
}
