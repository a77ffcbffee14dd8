/// A stage's cache key: the SHA-256 of its parts, each a text or a map of names to texts.
///
/// In the key: the stage's name, which flow hands it as `FLOW_STAGE` (`name`); its type,
/// args and kwargs (`command`); the packages chosen for it, each with the digest of its
/// catalogue entry as flow.lock holds it (`packages`); the environment actions they
/// produce (`software`); its merged variables (`variables`); its image (`image`); where
/// it runs (`executor`, `device`); the outputs it declares (`outputs`); the digests of its declared inputs (`inputs`); and the
/// keys of the stages it needs (`needs`). Not in it: CPU and memory requests, timeouts,
/// log paths, run ids, and anything of the stages' order, so that none of these reruns a
/// stage.
public enum StageCacheKey {
  /// The parts in the order a changed one is named: the first that differs is the reason.
  public static let partNames = [
    "name", "command", "packages", "software", "variables", "image", "executor", "device",
    "outputs", "inputs", "needs",
  ]

  public static func digest(of parts: JSONObject) -> String {
    digest(ofText: text(of: parts))
  }

  /// The parts as the key hashes them and a record keeps them: one line, no newline.
  public static func text(of parts: JSONObject) -> [UInt8] {
    text(of: .object(parts))
  }

  /// A value as the parts' text holds it: compact, no newline.
  static func text(of value: JSONValue) -> [UInt8] {
    var text = JSONCodec.encode(value)
    while text.last == 10 { text.removeLast() }
    return text
  }

  /// `text(of:)` of the fixed parts with `inputs` and `needs` (names to digests and keys,
  /// in their order) after them, byte for byte, written without building a map of all
  /// the parts: a stage's key is computed for every stage of every run.
  public static func text(
    fixed: JSONObject, inputs: [(String, String)], needs: [(String, String)]
  ) -> [UInt8] {
    text(fixedText: self.text(of: fixed).dropLast(), inputs: inputs, needs: needs)
  }

  /// The same from the fixed parts' text without its closing brace
  /// (`StageCacheEntry.fixedText`).
  public static func text(
    fixedText: some Collection<UInt8>, inputs: [(String, String)], needs: [(String, String)]
  ) -> [UInt8] {
    var text = Array(fixedText)
    text.reserveCapacity(text.count + 80 * (inputs.count + needs.count) + 32)
    for (name, members) in [("inputs", inputs), ("needs", needs)] {
      if text.count > 1 { text.append(UInt8(ascii: ",")) }
      JSONWriter.appendString(name, to: &text)
      text.append(UInt8(ascii: ":"))
      text.append(UInt8(ascii: "{"))
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { text.append(UInt8(ascii: ",")) }
        JSONWriter.appendString(key, to: &text)
        text.append(UInt8(ascii: ":"))
        JSONWriter.appendString(value, to: &text)
      }
      text.append(UInt8(ascii: "}"))
    }
    text.append(UInt8(ascii: "}"))
    return text
  }

  public static func digest(ofText text: [UInt8]) -> String {
    var hasher = SHA256()
    hasher.add(text)
    return hasher.finish()
  }

  /// Why a stage with `parts` reruns after one with `earlier`: the first part that
  /// differs, said for a person; nil when none does. `reran` tells whether a needed
  /// stage ran in this run rather than being cached.
  public static func firstDifference(
    _ parts: JSONObject, from earlier: JSONObject, reran: (String) -> Bool
  ) -> String? {
    for name in partNames where parts[name] != earlier[name] {
      let now = parts[name] ?? .null
      let before = earlier[name] ?? .null
      guard let map = now.objectValue, let old = before.objectValue else {
        return describe(name, before: before.stringValue, now: now.stringValue)
      }
      for (entry, value) in map where old[entry] != value {
        return describe(
          name, entry: entry, before: old[entry]?.stringValue, now: value.stringValue,
          reran: reran)
      }
      for (entry, value) in old where map[entry] == nil {
        return describe(
          name, entry: entry, before: value.stringValue, now: nil, reran: reran)
      }
      return "\(name) changed"
    }
    return nil
  }

  /// Why a stage whose parts are `text` reruns after a record whose parts are `earlier`
  /// (both as `text(of:)` writes them): `firstDifference` of the two, reading only the
  /// parts whose bytes differ, as every stage that reruns is explained and reading all
  /// of both cost more than deciding to rerun it. nil when no part differs.
  public static func reason(
    _ text: [UInt8], from earlier: [UInt8], reran: (String) -> Bool
  ) -> String? {
    // Both read whole: a text that is not an object of parts, as a record edited by hand.
    func whole() -> String? {
      let parts = (try? JSONCodec.decode(text).objectValue) ?? JSONObject()
      let before = (try? JSONCodec.decode(earlier).objectValue) ?? JSONObject()
      return firstDifference(parts, from: before, reran: reran)
    }
    guard let members = topLevelMembers(text), let old = topLevelMembers(earlier) else {
      return whole()
    }
    for name in partNames {
      let now = members[name].map { Array(text[$0]) }
      let before = old[name].map { Array(earlier[$0]) }
      if now == before { continue }
      // Bytes that differ may still be the same value (a record written by hand).
      let nowValue = now.flatMap { try? JSONCodec.decode($0) }
      let beforeValue = before.flatMap { try? JSONCodec.decode($0) }
      if (now != nil && nowValue == nil) || (before != nil && beforeValue == nil) {
        return whole()
      }
      if nowValue == beforeValue { continue }
      var parts = JSONObject()
      var previous = JSONObject()
      if let nowValue { parts[name] = nowValue }
      if let beforeValue { previous[name] = beforeValue }
      return firstDifference(parts, from: previous, reran: reran)
    }
    return nil
  }

  /// The members of a JSON object's text, by name, as ranges of its bytes; nil when it is
  /// no object, or one this simple reading does not take (escaped or repeated names),
  /// which is then read whole.
  static func topLevelMembers(_ text: [UInt8]) -> [String: Range<Int>]? {
    let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    var members: [String: Range<Int>] = [:]
    var index = 0
    func skipSpace() {
      while index < text.count, [32, 9, 10, 13].contains(text[index]) { index += 1 }
    }
    skipSpace()
    guard index < text.count, text[index] == UInt8(ascii: "{") else { return nil }
    index += 1
    skipSpace()
    if index < text.count, text[index] == UInt8(ascii: "}") { return members }
    while true {
      skipSpace()
      guard index < text.count, text[index] == quote else { return nil }
      let nameStart = index + 1
      index = nameStart
      while index < text.count, text[index] != quote {
        if text[index] == backslash { return nil }
        index += 1
      }
      guard index < text.count else { return nil }
      let name = String(decoding: text[nameStart..<index], as: UTF8.self)
      index += 1
      skipSpace()
      guard index < text.count, text[index] == UInt8(ascii: ":") else { return nil }
      index += 1
      skipSpace()
      // The value: up to the comma or brace that ends it, outside strings and nesting.
      let valueStart = index
      var depth = 0
      var inString = false
      var valueEnd: Int?
      while index < text.count {
        let byte = text[index]
        if inString {
          if byte == backslash {
            index += 1
          } else if byte == quote {
            inString = false
          }
        } else if byte == quote {
          inString = true
        } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
          depth += 1
        } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
          if depth == 0 {
            valueEnd = index
            break
          }
          depth -= 1
        } else if byte == UInt8(ascii: ","), depth == 0 {
          valueEnd = index
          break
        }
        index += 1
      }
      guard var end = valueEnd, end > valueStart else { return nil }
      while end > valueStart, [32, 9, 10, 13].contains(text[end - 1]) { end -= 1 }
      guard members.updateValue(valueStart..<end, forKey: name) == nil else { return nil }
      if text[index] == UInt8(ascii: "}") {
        index += 1
        skipSpace()
        return index == text.count ? members : nil
      }
      index += 1
    }
  }

  private static func describe(_ name: String, before: String?, now: String?) -> String {
    switch name {
    case "name": return "its name changed"
    case "command": return "its type, args or kwargs changed"
    case "software": return "its software environment changed"
    case "outputs": return "its declared outputs changed"
    default: return "\(name) \(before ?? "none") → \(now ?? "none")"
    }
  }

  private static func describe(
    _ name: String, entry: String, before: String?, now: String?, reran: (String) -> Bool
  ) -> String {
    switch name {
    case "packages":
      guard let before else { return "package \(entry) added" }
      guard let now else { return "package \(entry) no longer used" }
      if version(before) == version(now) {
        return "\(entry) \(version(now)): its catalogue entry changed"
      }
      return "\(entry) \(version(before)) → \(version(now))"
    case "variables":
      guard let before else { return "variable \(entry) added" }
      guard let now else { return "variable \(entry) removed" }
      return "variable \(entry) changed \(before) → \(now)"
    case "inputs":
      if before == nil || before == "missing" { return "input \(entry) appeared" }
      if now == nil { return "input \(entry) no longer declared" }
      if now == "missing" { return "input \(entry) is missing" }
      return "input \(entry) changed"
    case "needs":
      if before == nil { return "needs \(entry), newly" }
      if now == nil { return "no longer needs \(entry)" }
      return reran(entry) ? "needs \(entry), which reran" : "needs \(entry), which changed"
    default:
      return "\(name) \(entry) changed"
    }
  }

  /// A package part is `VERSION ENTRY` (the entry's digest); a person wants the version.
  private static func version(_ part: String) -> String {
    guard let space = part.firstIndex(of: " ") else { return part }
    return String(part[..<space])
  }
}
