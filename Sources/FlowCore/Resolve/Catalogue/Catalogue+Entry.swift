extension Catalogue {
  /// Reads one `[packages."NAME"."VERSION"]` table; one that cannot be read is a problem at
  /// `origin` (`file:line`), to be reported and skipped.
  static func readEntry(
    name: String, key: String, value: TOMLValue, origin: String,
    requirements: inout some RequirementReading
  ) -> Result<PackageVersion, Diagnostic> {
    do {
      return .success(
        try entry(
          name: name, key: key, value: value, origin: origin, requirements: &requirements))
    } catch let error as EntryError {
      return .failure(diagnostic(origin, "\(name) \(key): \(error.message); skipped"))
    } catch {
      return .failure(diagnostic(origin, "\(name) \(key): \(error); skipped"))
    }
  }

  /// The problem of an entry whose version equals that of an earlier one, `earlier`.
  static func duplicate(name: String, key: String, earlier: String, origin: String)
    -> Diagnostic
  {
    diagnostic(origin, "\(name) \(key): the same version as '\(earlier)'; skipped")
  }

  /// A problem at `origin`, `file:line`.
  static func diagnostic(_ origin: String, _ message: String) -> Diagnostic {
    let parts = origin.split(separator: ":")
    if parts.count >= 2, let line = Int(parts.last!) {
      return Diagnostic(
        file: parts.dropLast().joined(separator: ":"),
        position: SourcePosition(line: line, column: 1), message: message)
    }
    return Diagnostic(file: origin, position: nil, message: message)
  }

  /// Reads one `[packages."NAME"."VERSION"]` table.
  static func entry(
    name: String, key: String, value: TOMLValue, origin: String,
    requirements: inout some RequirementReading
  ) throws -> PackageVersion {
    let version: Version
    do {
      version = try Version(parsing: key)
    } catch {
      throw EntryError(message: "\(error)")
    }
    guard let table = value.table else { throw EntryError(message: "the entry is not a table") }
    var entry = PackageVersion(name: name, version: version, key: key, definedAt: origin)
    if let label = table["label"] {
      guard let text = label.text else { throw EntryError(message: "label is not a string") }
      entry.label = text
    }
    if let priority = table["priority"] {
      guard let number = priority.integer else {
        throw EntryError(message: "priority is not an integer")
      }
      entry.priority = number
    }
    if let released = table["released"] {
      guard let text = released.text, ReleaseTime(parsing: text) != nil else {
        throw EntryError(
          message: "released: expected a date or date-time such as 2024-05-01T12:00:00Z")
      }
      entry.released = text
    }
    entry.variables = try variables(table["env"], field: "env")
    entry.requires = try read(table["requires"], field: "requires", into: &requirements)
    entry.conflicts = try read(table["conflicts"], field: "conflicts", into: &requirements)
    if let variants = table["variants"] {
      entry.variants = try readVariants(variants, into: &requirements)
    }
    if let provides = table["provides"] {
      guard provides.items != nil, let texts = provides.texts else {
        throw EntryError(message: "provides is not a list of strings")
      }
      do {
        entry.provides = try texts.map {
          try ProvidedVersion.parsing($0, provider: name, providerKey: key)
        }
      } catch {
        throw EntryError(message: "\(error)")
      }
      if let own = entry.provides.first(where: { $0.name == name }) {
        throw EntryError(message: "provides: '\(own.requirementText)' names the package itself")
      }
    }
    return entry
  }

  /// An `env` table: per variable, its changes.
  private static func variables(_ value: TOMLValue?, field: String) throws -> [VariableChange] {
    guard let value else { return [] }
    guard let variables = value.table else { throw EntryError(message: "\(field) is not a table") }
    return try variables.keys.map { variable in try change(variable, variables[variable]!) }
  }

  /// `variants`: a list whose items are each a list of requirements, or a table with
  /// `requires` and `env`.
  private static func readVariants(
    _ value: TOMLValue, into requirements: inout some RequirementReading
  ) throws -> [PackageVariant] {
    let expected =
      "variants: expected a list of requirement lists, or of tables with 'requires' and 'env'"
    guard let items = value.items, !items.isEmpty else { throw EntryError(message: expected) }
    return try items.enumerated().map { index, item in
      let field = "variants[\(index)]"
      if let table = item.table {
        for key in table.keys where key != "requires" && key != "env" {
          throw EntryError(message: "\(field).\(key): expected 'requires' or 'env'")
        }
        return PackageVariant(
          requires: try read(table["requires"] ?? .array([]), field: field, into: &requirements),
          variables: try variables(table["env"], field: "\(field).env"))
      }
      guard item.items != nil else { throw EntryError(message: expected) }
      return PackageVariant(requires: try read(item, field: field, into: &requirements))
    }
  }

  private static func change(_ variable: String, _ value: TOMLValue)
    throws -> VariableChange
  {
    guard let table = value.table else {
      guard let texts = value.texts else {
        throw EntryError(message: "env.\(variable) is neither a string, a list nor a table")
      }
      return VariableChange(name: variable, set: texts)
    }
    var change = VariableChange(name: variable)
    for action in table.keys {
      guard let texts = table[action]!.texts else {
        throw EntryError(message: "env.\(variable).\(action) is neither a string nor a list")
      }
      switch action {
      case "prepend": change.prepend = texts
      case "append": change.append = texts
      case "set": change.set = texts
      default:
        throw EntryError(
          message: "env.\(variable).\(action): expected 'prepend', 'append' or 'set'")
      }
    }
    return change
  }

  private static func read(
    _ value: TOMLValue?, field: String, into requirements: inout some RequirementReading
  ) throws -> [PackageRequirement] {
    guard let value else { return [] }
    guard value.items != nil, let texts = value.texts else {
      throw EntryError(message: "\(field) is not a list of strings")
    }
    if field == "conflicts",
      let marked = texts.first(where: {
        $0.utf8.first { $0 != 32 && $0 != 9 }.map(PackageRequirement.kind(marked:)) != .required
      })
    {
      throw EntryError(
        message: "conflicts: '\(marked)' has a mark; write the name alone here, "
          + "or the mark in requires")
    }
    do {
      return try requirements.read(texts, field: field)
    } catch {
      throw EntryError(message: "\(field): \(error)")
    }
  }
}

extension TOMLValue {
  /// The text Lifeblood would use: python's `str()` of a scalar; nil for tables and arrays.
  fileprivate var text: String? {
    switch self {
    case .string(let text): return text
    case .integer(let value): return String(value)
    case .float(let value): return String(value)
    case .boolean(let value): return value ? "True" : "False"
    case .offsetDateTime(let text), .localDateTime(let text), .localDate(let text),
      .localTime(let text):
      return text
    case .table, .array: return nil
    }
  }

  fileprivate var integer: Int? {
    if case .integer(let value) = self { return value }
    return nil
  }

  fileprivate var items: [TOMLValue]? {
    if case .array(let items) = self { return items }
    return nil
  }

  /// A string or a list of scalars, as `env` values and `requires` allow.
  fileprivate var texts: [String]? {
    if let items {
      let texts = items.compactMap(\.text)
      return texts.count == items.count ? texts : nil
    }
    return text.map { [$0] }
  }
}
