extension StringProtocol where UTF8View: BidirectionalCollection {
  /// The text without leading and trailing white space.
  var trimmingSpaces: SubSequence {
    // Text that starts and ends with a visible ASCII byte has no white space to trim:
    // told by two bytes instead of walking characters at each end.
    if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first),
      (0x21...0x7E).contains(last)
    {
      return self[startIndex..<endIndex]
    }
    let start = firstIndex { !$0.isWhitespace } ?? endIndex
    let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
    return self[start..<Swift.max(start, end)]
  }

  /// The text without leading and trailing white space, as a `String`.
  var trimmedString: String { String(trimmingSpaces) }

  /// The text without trailing white space.
  var trimmingTrailingSpaces: SubSequence {
    if let last = utf8.last, (0x21...0x7E).contains(last) { return self[startIndex..<endIndex] }
    let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? startIndex
    return self[startIndex..<end]
  }
}
