/// How `Catalogue.entry` reads the `requires` and `conflicts` of an entry.
protocol RequirementReading {
  /// Reads each text as `NAME [SPEC]` (see `PackageRequirement(parsing:)`); the first that
  /// cannot be read is the error.
  mutating func read(_ texts: [String], field: String) throws -> [PackageRequirement]
}

/// Parses every requirement, taking specs already parsed from a cache.
struct RequirementParsing: RequirementReading {
  private var specs: [String: VersionSpec] = [:]

  mutating func read(_ texts: [String], field: String) throws -> [PackageRequirement] {
    try texts.map { try PackageRequirement(parsing: $0, specs: &specs) }
  }
}

/// Numbers the requirements instead of keeping them: each distinct one is parsed once, to
/// check it, and kept as its text from the name on. Two requirements are equal exactly when
/// those texts are (a name, then a spec compared by its text), so the numbers are those of
/// distinct `PackageRequirement` values, in the order first read.
struct RequirementNumbering: RequirementReading {
  /// Each requirement's text from its name on.
  private(set) var texts = TextTable()
  /// The numbers of the last `requires` and `conflicts` read.
  private(set) var requires: [Int] = []
  private(set) var conflicts: [Int] = []
  /// Those of each variant's `requires`, in order (fields `variants[N]`).
  private(set) var variants: [[Int]] = []
  private var specs: [String: VersionSpec] = [:]

  /// Gives no requirements: their numbers are in `requires` and `conflicts`.
  mutating func read(_ texts: [String], field: String) throws -> [PackageRequirement] {
    var numbers: [Int] = []
    numbers.reserveCapacity(texts.count)
    for text in texts { numbers.append(try number(of: text)) }
    switch field {
    case "requires": requires = numbers
    case "conflicts": conflicts = numbers
    default: variants.append(numbers)
    }
    return []
  }

  mutating func clear() {
    requires = []
    conflicts = []
    variants = []
  }

  private mutating func number(of text: String) throws -> Int {
    let blank = text.utf8.first == 32 || text.utf8.first == 9
    let name =
      blank ? String(decoding: text.utf8.drop { $0 == 32 || $0 == 9 }, as: UTF8.self) : text
    if let number = texts.number(of: name) { return number }
    _ = try PackageRequirement(parsing: text, specs: &specs)
    return texts.add(name)
  }

  /// Requirement `number`'s name (after its kind's mark, if any) and spec text, as the index
  /// stores them.
  func parts(of number: Int) -> (name: ArraySlice<UInt8>, spec: ArraySlice<UInt8>) {
    let text = texts.text(number)
    let marked = text.first.map { PackageRequirement.kind(marked: $0) != .required } ?? false
    let nameStart = marked ? text.index(after: text.startIndex) : text.startIndex
    let end = text[nameStart...].firstIndex { !PackageRequirement.isNameByte($0) } ?? text.endIndex
    return (text[..<end], text[end...])
  }

  /// Requirement `number` as a value.
  func requirement(_ number: Int) -> PackageRequirement? {
    try? PackageRequirement(parsing: String(decoding: texts.text(number), as: UTF8.self))
  }

  /// Keeps the numbered texts, without what reading more needs.
  mutating func finish() {
    specs = [:]
    clear()
  }
}
