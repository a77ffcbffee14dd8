/// A version spec in either syntax a catalogue or request may use, with its meaning as sets.
///
/// - `simple`: python-semanticversion's `SimpleSpec`, as Lifeblood uses it: comma = and,
///   `==` `!=` `<` `<=` `>` `>=` `~` `^` `~=`, `*` wildcards, a bare `20.0` as a prefix.
/// - `node`: node-semver ranges: space = and, `||`, hyphen ranges, `x` wildcards,
///   caret on `0.x`.
///
/// A spec with a comma is simple; one with `||`, a space between terms or an `x` wildcard is
/// node; a single term is read as simple (Lifeblood's meaning) and as node only when simple
/// cannot read it. The two differ on a single term only for `^0`, `^0.0` and `*`.
///
/// Prereleases: by default a prerelease matches only when a term of the spec names a
/// prerelease of the same release (node-semver's rule, used for both syntaxes). With
/// prereleases included, a simple spec matches exactly what python-semanticversion matches
/// (what Lifeblood picks), and a node spec what node-semver matches with `includePrerelease`.
public struct VersionSpec: Sendable, Hashable, CustomStringConvertible {
  public enum Syntax: String, Sendable, Hashable { case simple, node }

  /// Shared, immutable storage: specs are copied often and compared by text.
  private final class Storage: Sendable {
    let text: String
    let syntax: Syntax
    let standard: VersionSet
    let includingPrereleases: VersionSet

    init(text: String, syntax: Syntax, standard: VersionSet, includingPrereleases: VersionSet) {
      self.text = text
      self.syntax = syntax
      self.standard = standard
      self.includingPrereleases = includingPrereleases
    }
  }

  private let storage: Storage

  public var text: String { storage.text }
  public var syntax: Syntax { storage.syntax }
  /// The versions matched by default.
  public var standard: VersionSet { storage.standard }
  /// The versions matched with prereleases included.
  public var includingPrereleases: VersionSet { storage.includingPrereleases }

  public static let any = VersionSpec(
    text: "", syntax: .node, standard: VersionSet.all.releasesOnly,
    includingPrereleases: .all)

  init(text: String, syntax: Syntax, standard: VersionSet, includingPrereleases: VersionSet) {
    storage = Storage(
      text: text, syntax: syntax, standard: standard, includingPrereleases: includingPrereleases)
  }

  public init(parsing text: String) throws {
    let trimmed = text.trimmingSpaces
    if trimmed.isEmpty {
      self = VersionSpec(
        text: text, syntax: .node, standard: VersionSpec.any.standard,
        includingPrereleases: .all)
      return
    }
    let bytes = Array(text.utf8)
    let hasComma = bytes.contains(UInt8(ascii: ","))
    let looksNode =
      trimmed.contains("||") || trimmed.utf8.contains(32) || trimmed.utf8.contains(9)
      || trimmed.utf8.contains(UInt8(ascii: "x")) || trimmed.utf8.contains(UInt8(ascii: "X"))
    if hasComma || !looksNode {
      do {
        self = try VersionSpec.parseSimple(text)
        return
      } catch {
        if hasComma { throw error }
        if let node = try? VersionSpec.parseNode(text) {
          self = node
          return
        }
        throw error
      }
    }
    self = try VersionSpec.parseNode(text)
  }

  public func versions(includingPrereleases include: Bool) -> VersionSet {
    include ? includingPrereleases : standard
  }

  public func matches(_ version: Version, includingPrereleases include: Bool = false) -> Bool {
    versions(includingPrereleases: include).contains(version)
  }

  public var description: String { text }

  public static func == (left: VersionSpec, right: VersionSpec) -> Bool {
    left.text == right.text
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(text) }

  // MARK: building blocks shared by both syntaxes

  static func atLeast(_ version: Version) -> VersionSet { .between(.below(version), .maximum) }
  static func above(_ version: Version) -> VersionSet { .between(.above(version), .maximum) }
  static func below(_ version: Version) -> VersionSet { .between(.minimum, .below(version)) }
  static func atMost(_ version: Version) -> VersionSet { .between(.minimum, .above(version)) }
  static func exactly(_ version: Version) -> VersionSet {
    .between(.below(version), .above(version))
  }

  /// Restricts prereleases to those of releases named by `named`.
  static func standardSet(_ set: VersionSet, naming named: [Version]) -> VersionSet {
    let allowed = VersionSet.union(of: named.map { .prereleases(of: $0) })
    return set.releasesOnly.union(set.intersection(allowed))
  }
}
