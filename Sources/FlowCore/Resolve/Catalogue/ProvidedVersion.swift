/// A version of one package that a version of another carries inside it: a DCC's own
/// Python, written `provides = ["python ==3.10.10"]` in the houdini entry. While that
/// houdini version is selected, `python 3.10.10` satisfies requirements on python without a
/// python package and without its actions, and no other python can be selected with it.
public struct ProvidedVersion: Sendable, Hashable {
  /// The package provided, `python`.
  public var name: String
  public var version: Version
  /// The version as written after `==`.
  public var key: String
  /// The package and version key that carry it, `houdini` and `20.0.547`.
  public var provider: String
  public var providerKey: String

  public init(name: String, version: Version, key: String, provider: String, providerKey: String) {
    self.name = name
    self.version = version
    self.key = key
    self.provider = provider
    self.providerKey = providerKey
  }

  /// Reads one item of `provides`: a name and one exact version, `python ==3.10.10` (the `==`
  /// may be left out). A range is refused: a package carries one build of what it provides.
  static func parsing(_ text: String, provider: String, providerKey: String) throws(ProvidesError)
    -> ProvidedVersion
  {
    let trimmed = text.trimmedString
    let name = String(
      decoding: trimmed.utf8.prefix(while: PackageRequirement.isNameByte), as: UTF8.self)
    guard !name.isEmpty else {
      throw ProvidesError(text: text, reason: "expected a package name first")
    }
    var rest = String(decoding: trimmed.utf8.dropFirst(name.utf8.count), as: UTF8.self)
      .trimmedString
    if rest.hasPrefix("==") { rest = String(rest.dropFirst(2)).trimmedString }
    guard !rest.isEmpty, let version = try? Version(parsing: rest) else {
      throw ProvidesError(
        text: text, reason: "expected a name and one version, such as 'python ==3.10.10'")
    }
    return ProvidedVersion(
      name: name, version: version, key: rest, provider: provider, providerKey: providerKey)
  }

  /// How a resolution names the version that carries it: `houdini 20.0.547`.
  public var providerText: String { "\(provider) \(providerKey)" }

  /// As written in a catalogue: `python ==3.10.10`.
  public var requirementText: String { "\(name) ==\(key)" }
}

struct ProvidesError: Error, CustomStringConvertible {
  var text: String
  var reason: String
  var description: String { "provides: '\(text)': \(reason)" }
}
