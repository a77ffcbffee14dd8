extension StringProtocol {
  /// The text without leading and trailing white space.
  var trimmingSpaces: SubSequence {
    let start = firstIndex { !$0.isWhitespace } ?? endIndex
    let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
    return self[start..<Swift.max(start, end)]
  }

  /// The text without leading and trailing white space, as a `String`.
  var trimmedString: String { String(trimmingSpaces) }

  /// The text without trailing white space.
  var trimmingTrailingSpaces: SubSequence {
    let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? startIndex
    return self[startIndex..<end]
  }
}
