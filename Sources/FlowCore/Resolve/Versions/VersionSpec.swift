/// A version spec in either syntax a catalogue or request may use, with its meaning as sets.
///
/// - Lifeblood syntax (`simple`): python-semanticversion 2.10.0's `SimpleSpec`, as Lifeblood
///   uses it: comma = and, `==` `!=` `<` `<=` `>` `>=` `~` `^` `~=`, `*` wildcards, a bare
///   `20.0` as a prefix.
/// - `node`: node-semver 7.8.5 ranges (strict mode): space = and, `||`, hyphen ranges,
///   `x` wildcards, `~>`.
///
/// With `SyntaxChoice.auto`, a spec with a comma is Lifeblood syntax; one with `||`, a space
/// or tab inside it, or an `x`/`X` written as a release part (not inside a prerelease or build
/// tag, so `2.0.0-next.3` and `1.2.3+x86` stay Lifeblood syntax) is node syntax; any other is
/// read as Lifeblood syntax, and as node syntax only when Lifeblood syntax cannot read it
/// (`~>1.2`, `v1.2.3`, `^1.2.3+build`).
///
/// The two readings of one text differ in many places, which is why the choice can be made
/// explicit: `^0` and `^0.0` (python-semanticversion stops at the next patch); carets and
/// tildes on prereleases (its `^20.0.0-rc.1` ends below `20.0.0`, node's below `21.0.0-0`);
/// the bounds prereleases cross when they are included (node lowers `>=1.2` to `>=1.2.0-0`,
/// python-semanticversion's `<21.0.0` leaves out `21.0.0-rc.1`, and its `*` is `>=0.0.0`,
/// without the prereleases of 0.0.0); and build metadata (node ignores it, while `==1.2.3+b`
/// in Lifeblood syntax matches that build only).
///
/// Prereleases: by default a prerelease matches only when a term of the spec (of its `||`
/// branch, for node) names a prerelease of the same release: node-semver's rule, used for
/// both syntaxes, a Lifeblood-syntax spec counting as one branch. With prereleases included,
/// a Lifeblood-syntax spec matches exactly what python-semanticversion matches (what Lifeblood
/// picks), and a node spec what node-semver matches with `includePrerelease`.
public struct VersionSpec: Sendable, Hashable, CustomStringConvertible {
  /// The syntax a spec was read in: `simple` is Lifeblood's; `rez` a rez range, read by a
  /// `RezRepository` against the versions it holds.
  public enum Syntax: String, Sendable, Hashable { case simple, node, rez }

  /// Which syntax reads a spec: `auto` chooses per spec, as the type's documentation says.
  public enum SyntaxChoice: String, Sendable, Hashable, CaseIterable {
    case auto, lifeblood, node, rez
  }

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

  public init(parsing text: String, syntax choice: SyntaxChoice = .auto) throws {
    let trimmed = text.trimmingSpaces
    if trimmed.isEmpty {
      self = VersionSpec(
        text: text, syntax: .node, standard: VersionSpec.any.standard,
        includingPrereleases: .all)
      return
    }
    switch choice {
    case .lifeblood: self = try VersionSpec.parseSimple(text)
    case .node: self = try VersionSpec.parseNode(text)
    case .rez:
      // A rez range means something only against a repository's versions.
      throw ResolveError.invalidSpec(
        text: text, column: 1, reason: "rez ranges are read with rez repositories (--catalog DIR)")
    case .auto:
      let bytes = Array(trimmed.utf8)
      let hasComma = bytes.contains(UInt8(ascii: ","))
      if !hasComma && VersionSpec.looksNode(bytes) {
        self = try VersionSpec.parseNode(text)
        return
      }
      do {
        self = try VersionSpec.parseSimple(text)
      } catch {
        if hasComma { throw error }
        guard let node = try? VersionSpec.parseNode(text) else { throw error }
        self = node
      }
    }
  }

  /// Whether `bytes` (trimmed, without a comma) can only be node syntax: it has `||`, a space
  /// or tab, or an `x`/`X` standing for a release part. An `x` after a `-` or `+` is part of
  /// a prerelease or build tag (`2.0.0-next.3`, `1.2.3+x86`) and says nothing.
  static func looksNode(_ bytes: [UInt8]) -> Bool {
    var inTag = false
    var previous: UInt8 = 0
    for byte in bytes {
      switch byte {
      case 32, 9: return true
      case UInt8(ascii: "|") where previous == UInt8(ascii: "|"): return true
      case UInt8(ascii: "-"), UInt8(ascii: "+"): inTag = true
      case UInt8(ascii: "x") where !inTag, UInt8(ascii: "X") where !inTag: return true
      default: break
      }
      previous = byte
    }
    return false
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
    // Naming none, no prerelease is allowed: the releases alone, already sorted and merged.
    if named.isEmpty { return set.releasesOnly }
    let allowed = VersionSet.union(of: named.map { .prereleases(of: $0) })
    return set.releasesOnly.union(set.intersection(allowed))
  }
}
