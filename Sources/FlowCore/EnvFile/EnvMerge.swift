/// One layer of a merge: the entries of a parsed file, or a map of literal values
/// (`--set K=V`, a pipe document's `values`).
public enum EnvLayer: Sendable {
  case file([EnvFileEntry])
  case map(name: String, pairs: [(key: String, value: String)])
}

/// A definition that lost to a later one.
public struct EnvDefinition: Hashable, Sendable {
  public var location: EnvFileLocation
  public var value: String?
}

/// A merged variable: its value, where it was defined, and what that overrode.
public struct EnvVariable: Hashable, Sendable {
  public var key: String
  /// `nil` only for python's bare `KEY` (python-dotenv's `None`).
  public var value: String?
  public var location: EnvFileLocation
  public var overridden: [EnvDefinition] = []
}

public struct EnvMergeOptions: Sendable {
  public var dialect: EnvFileDialect
  public var expand: Bool
  /// The environment below the files: the host's, or empty (`--no-env`).
  public var baseEnvironment: EnvironmentMap

  public init(
    dialect: EnvFileDialect = .compose, expand: Bool = true, baseEnvironment: EnvironmentMap = [:]
  ) {
    self.dialect = dialect
    self.expand = expand
    self.baseEnvironment = baseEnvironment
  }
}

/// The merged variables in order of first definition, with what went wrong.
public struct EnvMergeResult: Sendable {
  public var variables: [EnvVariable] = []
  public var warnings: [Diagnostic] = []
  public var errors: [EnvFileError] = []

  public subscript(key: String) -> EnvVariable? {
    variables.first { ExactString.sameBytes($0.key, key) }
  }

  /// The values as a plain map, last definition winning.
  public var values: [String: String?] {
    var map: [String: String?] = [:]
    for variable in variables { map[variable.key] = .some(variable.value) }
    return map
  }
}

/// Merges layers in order, later definitions winning. Expansion sees the keys defined
/// before the value (the latest definition of each), then the base environment (in the
/// compose dialect the base environment first, as docker compose does); a reference to a
/// key defined only later is a warning. Linear in the input.
public struct EnvMerge {
  private let options: EnvMergeOptions
  private var result = EnvMergeResult()
  private var indexOfKey = EnvKeyIndex()
  /// For each merged variable, when it was first defined.
  private var firstOrder: [Int] = []
  /// Names expansion did not find among earlier keys, to check once all are known.
  private var misses: [(name: String, order: Int, entry: EnvFileEntry)] = []
  private var order = 0
  /// Bytes substitutions may still insert: 64 MiB plus the size of the input's values, so
  /// memory stays in proportion to the input whatever the values refer to.
  private var substitutionAllowance = 64 << 20
  private var substitutionLimit = 64 << 20

  public static func merge(_ layers: [EnvLayer], options: EnvMergeOptions) -> EnvMergeResult {
    var merge = EnvMerge(options: options)
    let definitions = layers.reduce(0) { total, layer in
      switch layer {
      case .file(let entries): return total + entries.count
      case .map(_, let pairs): return total + pairs.count
      }
    }
    let inputBytes = layers.reduce(0) { total, layer in
      switch layer {
      case .file(let entries):
        return entries.reduce(total) { $0 + ($1.template?.utf8.count ?? $1.value?.utf8.count ?? 0) }
      case .map(_, let pairs): return pairs.reduce(total) { $0 + $1.value.utf8.count }
      }
    }
    merge.substitutionAllowance += inputBytes
    merge.substitutionLimit = merge.substitutionAllowance
    merge.indexOfKey = EnvKeyIndex(capacity: definitions)
    merge.firstOrder.reserveCapacity(definitions)
    merge.result.variables.reserveCapacity(definitions)
    for layer in layers {
      switch layer {
      case .file(let entries):
        // Through a pointer, so each entry is read in place rather than copied.
        entries.withUnsafeBufferPointer { buffer in
          guard let start = buffer.baseAddress else { return }
          for index in buffer.indices { merge.add(start + index) }
        }
      case .map(let name, let pairs):
        for pair in pairs {
          merge.order += 1
          merge.define(pair.key, value: pair.value, at: .map(name))
        }
      }
    }
    merge.warnForwardReferences()
    return merge.result
  }

  private init(options: EnvMergeOptions) {
    self.options = options
  }

  /// A name looked up before its first definition is a forward reference: the value
  /// saw the base environment (or nothing) instead.
  private mutating func warnForwardReferences() {
    var reported: Set<[String]> = []
    for miss in misses {
      guard let index = indexOfKey.position(of: miss.name), firstOrder[index] > miss.order,
        reported.insert([String(miss.order), miss.name]).inserted
      else { continue }
      let variable = result.variables[index]
      let later = variable.overridden.first?.location ?? variable.location
      result.warnings.append(
        Diagnostic(
          file: miss.entry.file, position: miss.entry.position,
          message:
            "'\(miss.entry.key)' refers to '\(miss.name)', which is defined only later (\(later))"
        ))
    }
  }

  private mutating func add(_ entry: UnsafePointer<EnvFileEntry>) {
    order += 1
    guard let literal = entry.pointee.value else {
      if options.dialect == .python {
        define(entry.pointee.key, value: nil, at: entry.pointee.location)
      } else if let inherited = options.baseEnvironment[entry.pointee.key] {
        define(entry.pointee.key, value: inherited, at: entry.pointee.location)
      }
      return
    }
    guard options.expand, let template = entry.pointee.template else {
      define(entry.pointee.key, value: literal, at: entry.pointee.location)
      return
    }
    let expanded: (value: String, misses: [String], shadowed: [String], inserted: Int)
    do {
      expanded = try expand(template)
    } catch {
      result.errors.append(expansionError(error, entry: entry.pointee))
      return
    }
    for name in expanded.misses { misses.append((name, order, entry.pointee)) }
    warnShadowed(expanded.shadowed, entry: entry.pointee)
    substitutionAllowance -= expanded.inserted
    define(entry.pointee.key, value: expanded.value, at: entry.pointee.location)
  }

  /// Expands a template against the keys defined so far. Kept apart from `define`
  /// so nothing still holds the merge's storage when it changes.
  private func expand(_ template: String) throws(ExpansionFailure) -> (
    value: String, misses: [String], shadowed: [String], inserted: Int
  ) {
    var misses: [String] = []
    var shadowed: [String] = []
    var inserted = 0
    let allowance = substitutionAllowance
    // Past the allowance a lookup inserts nothing, so the work stops growing too.
    func substitute(_ name: String) -> String? {
      guard inserted <= allowance else { return "" }
      let value = lookup(name, &misses, &shadowed)
      inserted += value?.utf8.count ?? 0
      return inserted <= allowance ? value : ""
    }
    let value: String
    if options.dialect == .python {
      value = PythonExpansion.expand(template, lookup: substitute)
    } else {
      value = try ComposeExpansion.expand(template, lookup: substitute)
    }
    guard inserted <= allowance else { throw .tooLarge(limit: substitutionLimit) }
    return (value, misses, shadowed, inserted)
  }

  /// The value of a name a template refers to. Names found nowhere are `misses`; names
  /// the environment answers although an earlier key holds another value are `shadowed`.
  private func lookup(_ name: String, _ misses: inout [String], _ shadowed: inout [String])
    -> String?
  {
    let index = indexOfKey.position(of: name)
    // docker compose asks the shell environment first, the keys read before second.
    if options.dialect == .compose, let value = options.baseEnvironment[name] {
      if let index, !ExactString.sameBytes(result.variables[index].value ?? "", value) {
        shadowed.append(name)
      }
      return value
    }
    if let index { return result.variables[index].value ?? "" }
    misses.append(name)
    return options.baseEnvironment[name]
  }

  /// A value that took a name from the environment while the file defines it before is
  /// most likely not what its author meant, so it is a warning that says where.
  private mutating func warnShadowed(_ names: [String], entry: EnvFileEntry) {
    var reported: Set<ExactString> = []
    for name in names where reported.insert(ExactString(name)).inserted {
      guard let index = indexOfKey.position(of: name) else { continue }
      result.warnings.append(
        Diagnostic(
          file: entry.file, position: entry.position,
          message:
            "'\(entry.key)' takes '\(name)' from the environment, not from \(result.variables[index].location): compose reads the environment first"
        ))
    }
  }

  private func expansionError(_ failure: ExpansionFailure, entry: EnvFileEntry) -> EnvFileError {
    switch failure {
    case .unterminated:
      return .unterminatedSubstitution(location: entry.location, key: entry.key)
    case .invalid(let text):
      return .invalidSubstitution(location: entry.location, key: entry.key, text: text)
    case .tooDeep:
      return .invalidSubstitution(
        location: entry.location, key: entry.key,
        text: "more than \(ComposeExpansion.maximumDepth) nested '${'")
    case .required(let name, let message):
      return .requiredVariable(
        location: entry.location, key: entry.key, name: name, message: message)
    case .tooLarge(let limit):
      return .expansionTooLarge(location: entry.location, key: entry.key, limit: limit)
    }
  }

  private mutating func define(
    _ key: String, value: consuming String?, at location: consuming EnvFileLocation
  ) {
    let (index, added) = indexOfKey.add(key)
    if !added {
      let previous = EnvDefinition(
        location: result.variables[index].location, value: result.variables[index].value)
      result.variables[index].overridden.append(previous)
      result.variables[index].value = value
      result.variables[index].location = location
    } else {
      firstOrder.append(order)
      result.variables.append(EnvVariable(key: key, value: value, location: location))
    }
  }
}
