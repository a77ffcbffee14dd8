/// "Did you mean" for names typed by hand.
public enum Suggestion {
  /// The candidate closest to `word` by edit distance, when it is close enough to be a
  /// likely typo (at most a third of the word's length, and at most 3 edits), keeping a
  /// letter of it: `b` is no typo of `a`.
  public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
    let limit = min(3, max(1, word.count / 3), word.count - 1)
    if limit < 1 { return nil }
    // ASCII text keeps its length when lowercased, so a candidate of ASCII whose length
    // is too far off is passed over before either is split into characters.
    let asciiLength = isASCII(word) ? word.utf8.count : nil
    lazy var letters = Array(word.lowercased())
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
      if let asciiLength, isASCII(candidate), abs(asciiLength - candidate.utf8.count) > limit {
        continue
      }
      let other = Array(candidate.lowercased())
      // The distance is at least the difference in length: most candidates end here,
      // which matters where every named counter of a large workflow is checked.
      guard abs(letters.count - other.count) <= limit else { continue }
      let distance = editDistance(letters, other)
      if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.candidate
  }

  private static func isASCII(_ text: String) -> Bool {
    text.utf8.allSatisfy { $0 < 0x80 }
  }

  /// `" (did you mean 'x'?)"`, or an empty string when nothing is close.
  public static func hint(for word: String, among candidates: some Sequence<String>) -> String {
    closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }

  /// For a package name no catalogue holds: the name a typo away, else those that add a
  /// part to it (`houdini.py3_10` for `houdini`, Lifeblood's naming of builds), as
  /// `" (did you mean …?)"`; an empty string when none.
  public static func packageHint(for name: String, among names: [String]) -> String {
    if let close = closest(to: name, among: names) { return " (did you mean '\(close)'?)" }
    let longer = names.filter { $0.hasPrefix(name + ".") }.sorted().map { "'\($0)'" }
    guard !longer.isEmpty else { return "" }
    return " (did you mean \(ListedText.listed(longer, atMost: 5, joinedBy: "or"))?)"
  }

  /// Levenshtein distance, counting a swap of two neighbours as one edit.
  public static func editDistance(_ left: String, _ right: String) -> Int {
    editDistance(Array(left.lowercased()), Array(right.lowercased()))
  }

  private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var before = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], before[j - 2] + 1)
        }
      }
      (before, previous, current) = (previous, current, before)
    }
    return previous[b.count]
  }
}
