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
  public var baseEnvironment: [String: String]

  public init(
    dialect: EnvFileDialect = .compose, expand: Bool = true, baseEnvironment: [String: String] = [:]
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
    variables.first { $0.key == key }
  }

  /// The values as a plain map, last definition winning.
  public var values: [String: String?] {
    var map: [String: String?] = [:]
    for variable in variables { map[variable.key] = .some(variable.value) }
    return map
  }
}

/// Merges layers in order, later definitions winning. Expansion sees the keys defined
/// before the value (the latest definition of each), then the base environment; a
/// reference to a key defined only later is a warning. Linear in the input.
public struct EnvMerge {
  private let options: EnvMergeOptions
  private var result = EnvMergeResult()
  private var indexOfKey: [String: Int] = [:]
  private var firstDefinition: [String: (order: Int, location: EnvFileLocation)] = [:]
  private var order = 0

  public static func merge(_ layers: [EnvLayer], options: EnvMergeOptions) -> EnvMergeResult {
    var merge = EnvMerge(options: options)
    merge.recordDefinitions(layers)
    merge.order = 0
    for layer in layers {
      switch layer {
      case .file(let entries):
        for entry in entries { merge.add(entry) }
      case .map(let name, let pairs):
        for pair in pairs {
          merge.order += 1
          merge.define(pair.key, value: pair.value, at: .map(name))
        }
      }
    }
    return merge.result
  }

  private init(options: EnvMergeOptions) {
    self.options = options
  }

  private mutating func recordDefinitions(_ layers: [EnvLayer]) {
    for layer in layers {
      switch layer {
      case .file(let entries):
        for entry in entries {
          order += 1
          if firstDefinition[entry.key] == nil {
            firstDefinition[entry.key] = (order, entry.location)
          }
        }
      case .map(let name, let pairs):
        for pair in pairs {
          order += 1
          if firstDefinition[pair.key] == nil { firstDefinition[pair.key] = (order, .map(name)) }
        }
      }
    }
  }

  private mutating func add(_ entry: EnvFileEntry) {
    order += 1
    guard let literal = entry.value else {
      if options.dialect == .python {
        define(entry.key, value: nil, at: entry.location)
      } else if let inherited = options.baseEnvironment[entry.key] {
        define(entry.key, value: inherited, at: entry.location)
      }
      return
    }
    guard options.expand, let template = entry.template else {
      define(entry.key, value: literal, at: entry.location)
      return
    }
    let expanded: (value: String, forwardReferences: [String])
    do {
      expanded = try expand(template)
    } catch {
      result.errors.append(expansionError(error, entry: entry))
      return
    }
    let value = expanded.value
    for name in expanded.forwardReferences {
      let later = firstDefinition[name]!.location
      result.warnings.append(
        Diagnostic(
          file: entry.file, position: entry.position,
          message: "'\(entry.key)' refers to '\(name)', which is defined only later (\(later))"))
    }
    define(entry.key, value: value, at: entry.location)
  }

  /// Expands a template against the keys defined so far. Kept apart from `define`
  /// so nothing still holds the merge's storage when it changes.
  private func expand(_ template: String) throws(ExpansionFailure) -> (
    value: String, forwardReferences: [String]
  ) {
    var forwardReferences: [String] = []
    let value: String
    if options.dialect == .python {
      value = PythonExpansion.expand(template) { name in lookup(name, &forwardReferences) }
    } else {
      value = try ComposeExpansion.expand(template) { name in lookup(name, &forwardReferences) }
    }
    return (value, forwardReferences)
  }

  private func lookup(_ name: String, _ forwardReferences: inout [String]) -> String? {
    if let index = indexOfKey[name] { return result.variables[index].value ?? "" }
    if let first = firstDefinition[name], first.order > order { forwardReferences.append(name) }
    return options.baseEnvironment[name]
  }

  private func expansionError(_ failure: ExpansionFailure, entry: EnvFileEntry) -> EnvFileError {
    switch failure {
    case .unterminated:
      return .unterminatedSubstitution(location: entry.location, key: entry.key)
    case .invalid(let text):
      return .invalidSubstitution(location: entry.location, key: entry.key, text: text)
    case .required(let name, let message):
      return .requiredVariable(
        location: entry.location, key: entry.key, name: name, message: message)
    }
  }

  private mutating func define(_ key: String, value: String?, at location: EnvFileLocation) {
    if let index = indexOfKey[key] {
      let previous = result.variables[index]
      result.variables[index].overridden.append(
        EnvDefinition(location: previous.location, value: previous.value))
      result.variables[index].value = value
      result.variables[index].location = location
    } else {
      indexOfKey[key] = result.variables.count
      result.variables.append(EnvVariable(key: key, value: value, location: location))
    }
  }
}
