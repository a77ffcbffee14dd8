/// Items named in a message: `a, b and c` (or `a, b or c`); past `atMost`, the first of them
/// and "and N more", so that a message about thousands of stages or versions stays a line.
enum ListedText {
  static func listed(
    _ items: some Collection<String>, atMost: Int, joinedBy conjunction: String = "and"
  ) -> String {
    let shown = Array(items.prefix(atMost))
    if items.count > shown.count {
      return shown.joined(separator: ", ") + " \(conjunction) \(items.count - shown.count) more"
    }
    guard let last = shown.last else { return "" }
    if shown.count == 1 { return last }
    return shown.dropLast().joined(separator: ", ") + " \(conjunction) " + last
  }
}
