import Glibc

/// `flow.lock`: what a run was made of, so that a later run can be held to it.
///
/// One JSON object with sorted keys, two spaces of indentation and one fact per line, so
/// that a change to the lock shows in `diff` as the lines of the facts that moved, and
/// `jq` reads it. Each tool owns one section and replaces only that one:
/// `flow-resolve` (the packages chosen per stage, with a digest of each catalogue entry),
/// `flow-envfile` (each variable file's digest and a digest per value) and `flow-exec`
/// (each image's digest as the engine reports it, and the machine's GPU facts). A section
/// is written under an advisory lock on the lock's folder and renamed into place, so
/// tools of one pipeline never lose each other's sections and a reader never sees half a
/// file.
public struct LockFile: Sendable, Equatable {
  /// The name of the lock beside a workflow.
  public static let name = "flow.lock"
  /// The format's version; a lock of another version is refused, not guessed at.
  public static let formatVersion: Int64 = 1

  /// The sections, by the tool that owns each.
  public enum Section: String, Sendable, CaseIterable {
    case resolve = "flow-resolve"
    case envfile = "flow-envfile"
    case exec = "flow-exec"
  }

  /// Per stage, per package: what `flow-resolve` chose. nil: no such section.
  public var packages: [String: [String: LockedPackage]]?
  /// Per variable file (relative to the lock's folder when inside it): its digests.
  public var variableFiles: [String: LockedVariableFile]?
  /// Per image reference: the digest the engine reported, or `LockFile.imageNotLocal`.
  public var images: [String: String]?
  /// The machine's facts that shaped the plan (`gpu`, `driver`).
  public var probe: [String: String]?

  /// What the lock says of an image the engine did not hold: flow never pulls to lock.
  public static let imageNotLocal = "not local"

  public init() {}

  /// Whether the lock has the section `section`.
  public func has(_ section: Section) -> Bool {
    switch section {
    case .resolve: packages != nil
    case .envfile: variableFiles != nil
    case .exec: images != nil || probe != nil
    }
  }

  /// The folder a lock at `path` is in: what its relative file names are relative to.
  public static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// `path` as the lock names it: relative to `folder` when inside it, else as given.
  public static func name(of path: String, in folder: String) -> String {
    let prefix = folder.hasSuffix("/") ? folder : folder + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }

  // MARK: writing

  /// The section's JSON, keys sorted; nil when the lock has no such section.
  func json(of section: Section) -> JSONValue? {
    switch section {
    case .resolve:
      return packages.map { stages in
        .object(
          JSONObject([
            (
              "stages",
              .object(
                Self.sorted(
                  stages.mapValues { packages in .object(Self.sorted(packages.mapValues(\.json))) }
                ))
            )
          ]))
      }
    case .envfile:
      return variableFiles.map { files in
        .object(JSONObject([("files", .object(Self.sorted(files.mapValues(\.json))))]))
      }
    case .exec:
      guard has(.exec) else { return nil }
      return .object(
        Self.sorted([
          "images": .object(Self.sorted((images ?? [:]).mapValues(JSONValue.string))),
          "probe": .object(Self.sorted((probe ?? [:]).mapValues(JSONValue.string))),
        ]))
    }
  }

  static func sorted(_ map: [String: JSONValue]) -> JSONObject {
    JSONObject(map.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) })
  }

  /// Replaces `section` of the lock at `path` with this lock's, keeping every other
  /// section as the file holds it now (another tool may have written one since this lock
  /// was read). Creates the file when it is missing.
  public func write(_ section: Section, to path: String) throws(LockFailure) {
    let folder = Self.folder(of: path)
    let guardDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if guardDescriptor >= 0 {
      // Advisory: tools of one pipeline run at once and each replaces only its section.
      while flock(guardDescriptor, LOCK_EX) != 0 && errno == EINTR {}
    }
    defer { if guardDescriptor >= 0 { close(guardDescriptor) } }
    var top: [String: JSONValue] = [:]
    switch Self.readText(path) {
    case .missing: break
    case .text(let bytes):
      if let object = (try? JSONCodec.decode(bytes))?.objectValue {
        for (key, value) in object { top[key] = value }
      }
    case .unreadable(let failure): throw failure
    }
    top["version"] = .integer(Self.formatVersion)
    top[section.rawValue] = json(of: section)
    do throws(IOError) {
      try OutputFile.writeAtomically(
        JSONCodec.encode(.object(Self.sorted(top)), pretty: true), to: path)
    } catch {
      throw LockFailure(error.description, status: .ioError)
    }
  }

  /// The JSON text a lock is written as, every section included.
  public var text: [UInt8] {
    var top: [String: JSONValue] = ["version": .integer(Self.formatVersion)]
    for section in Section.allCases { top[section.rawValue] = json(of: section) }
    return JSONCodec.encode(.object(Self.sorted(top)), pretty: true)
  }

  enum ReadText {
    case missing
    case text([UInt8])
    case unreadable(LockFailure)
  }

  static func readText(_ path: String) -> ReadText {
    do throws(IOError) {
      return .text(try InputFile.read(path, limit: 1 << 26))
    } catch {
      if error.kind == .missing { return .missing }
      return .unreadable(LockFailure(error.description, status: .ioError))
    }
  }
}

/// One package of one stage in the lock.
public struct LockedPackage: Sendable, Hashable {
  /// The version key as the catalogue writes it.
  public var version: String
  /// `sha256:HEX` of the catalogue entry as read (`PackageLock.digest(of:)`), or
  /// `machine` for a fact of this machine offered as a package.
  public var entry: String
  /// The index of the variant chosen, for a version with variants.
  public var variant: Int?

  public init(version: String, entry: String, variant: Int? = nil) {
    self.version = version
    self.entry = entry
    self.variant = variant
  }

  var json: JSONValue {
    var pairs: [(String, JSONValue)] = [("entry", .string(entry))]
    if let variant { pairs.append(("variant", .integer(Int64(variant)))) }
    pairs.append(("version", .string(version)))
    return .object(JSONObject(pairs))
  }

  /// How a person reads it: `20.0.547`, `2.1[0]` for variant 0.
  public var label: String { variant.map { "\(version)[\($0)]" } ?? version }
}

/// One variable file in the lock: a digest of its bytes and one of each value.
public struct LockedVariableFile: Sendable, Hashable {
  public var digest: String
  /// Per key defined in the file (the last definition), `sha256:HEX` of the value as
  /// written, never the value: a lock is shared, a `.env` file often holds secrets.
  public var values: [String: String]

  public init(digest: String, values: [String: String]) {
    self.digest = digest
    self.values = values
  }

  var json: JSONValue {
    .object(
      JSONObject([
        ("digest", .string(digest)),
        ("values", .object(LockFile.sorted(values.mapValues(JSONValue.string)))),
      ]))
  }
}

/// A lock that cannot be read, or a change `--locked` refuses: the message, and the status
/// the tool ends with (65 for both; 74 when the file cannot be read or written).
public struct LockFailure: ToolFailure, Sendable, Equatable {
  public var message: String
  public var exitStatus: ExitStatus

  public init(_ message: String, status: ExitStatus = .dataError) {
    self.message = message
    exitStatus = status
  }

  public var description: String { message }
}
