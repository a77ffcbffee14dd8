import FlowTestSupport
import Testing

@testable import FlowCore

@Suite struct LockFileTests {
  static let digest = "sha256:" + String(repeating: "ab", count: 32)

  static func sample() -> LockFile {
    var lock = LockFile()
    lock.packages = [
      "render": [
        "houdini": LockedPackage(version: "20.0.547", entry: digest),
        "plugin": LockedPackage(version: "1.0", entry: digest, variant: 1),
      ]
    ]
    lock.variableFiles = [".env": LockedVariableFile(digest: digest, values: ["N": digest])]
    lock.images = ["docker.io/library/alpine:3": LockFile.imageNotLocal]
    lock.probe = ["driver": "550.54.15", "gpu": "1 × NVIDIA H200"]
    return lock
  }

  @Test func aWrittenLockReadsBackTheSameAndItsKeysAreSorted() throws {
    let text = Self.sample().text
    let read = try LockFile.parse(text, file: "flow.lock")
    #expect(read == Self.sample())
    let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
    #expect(lines[1] == "  \"flow-envfile\": {")
    #expect(lines.last == "}")
  }

  @Test func aTornLockIsRefusedAtTheLineAndColumnWhereItBreaks() throws {
    let text = Self.sample().text
    let torn = Array(text.prefix(text.count / 2))
    #expect {
      _ = try LockFile.parse(torn, file: "w/flow.lock")
    } throws: { error in
      let failure = error as! LockFailure
      return failure.exitStatus == .dataError && failure.description.hasPrefix("w/flow.lock:")
        && failure.description.contains("not valid JSON")
    }
  }

  @Test func anEditedValueIsRefusedAtItsPlace() throws {
    let cases: [(String, String)] = [
      ("{\"version\": 2}", "flow.lock:1:13: expected version 1, found \"2\""),
      (
        "{\"version\": 1,\n \"flow-resolv\": {}}",
        "flow.lock:2:2: unknown key \"flow-resolv\"; did you mean 'flow-resolve'?"
      ),
      (
        "{\"version\": 1, \"flow-envfile\": {\"files\": {\".env\": {\"digest\": \"md5:1\"}}}}",
        "flow.lock:1:62: expected the digest of .env as sha256: and 64 hex digits"
      ),
      (
        "{\"version\": 1, \"flow-resolve\": {\"stages\": {\"a\": {\"x\": {\"version\": \"1\"}}}}}",
        "flow.lock:1:55: package x needs \"version\" and \"entry\""
      ),
      ("[]", "flow.lock:1:1: expected the lock (an object), found a list"),
      ("{}", "flow.lock:1:1: no \"version\""),
    ]
    for (text, expected) in cases {
      #expect {
        _ = try LockFile.parse(Array(text.utf8), file: "flow.lock")
      } throws: { error in
        "\(error)".hasPrefix(expected)
      }
    }
  }

  @Test func writingASectionKeepsTheOthersAsTheFileHoldsThem() throws {
    let folder = try TemporaryFolder()
    let path = folder.path + "/flow.lock"
    try Self.sample().write(.envfile, to: path)
    var other = LockFile()
    other.packages = ["a": ["x": LockedPackage(version: "2", entry: PackageLock.machineEntry)]]
    try other.write(.resolve, to: path)
    let read = try #require(try LockFile.read(path))
    #expect(read.variableFiles == Self.sample().variableFiles)
    #expect(read.packages == other.packages)
    #expect(read.images == nil)
  }

  @Test func theChangesOfPackagesAreSaidPerStageAndPackage() {
    let old = ["render": ["houdini": LockedPackage(version: "20.0.547", entry: Self.digest)]]
    var new = old
    new["render"]!["houdini"]!.version = "20.0.590"
    new["render"]!["python"] = LockedPackage(version: "3.10", entry: Self.digest)
    #expect(
      PackageLock.changes(from: old, to: new, places: ["render": "w.yaml:2:5"]) == [
        "w.yaml:2:5: stage 'render': houdini 20.0.547 → 20.0.590",
        "w.yaml:2:5: stage 'render': python 3.10 added",
      ])
    var edited = old
    edited["render"]!["houdini"]!.entry = "sha256:" + String(repeating: "cd", count: 32)
    #expect(
      PackageLock.changes(from: old, to: edited).first?.hasPrefix(
        "stage 'render': houdini 20.0.547: its catalogue entry changed") == true)
  }

  @Test func anEntryDigestChangesWithWhatTheEntryDoesNotOnlyItsVersion() throws {
    let version = try Version(parsing: "1.0.0")
    let plain = PackageVersion(name: "a", version: version, key: "1.0.0", definedAt: "c.toml:1")
    var moved = plain
    moved.definedAt = "c.toml:9"
    var changed = plain
    changed.variables = [VariableChange(name: "PATH", prepend: ["/opt/a"])]
    #expect(PackageLock.digest(of: plain) == PackageLock.digest(of: moved))
    #expect(PackageLock.digest(of: plain) != PackageLock.digest(of: changed))
  }

  /// The digest's text is written straight, not built as values first: it stays the
  /// compact encoding of the values it stands for, for every kind of change, so that the
  /// digests locks hold stay what they were.
  @Test func anEntryDigestHashesTheCompactJSONOfItsFields() throws {
    func changes(_ list: [VariableChange]) -> JSONValue {
      .array(
        list.map { change in
          var items: [JSONValue] = [.string(change.name)]
          for values in [change.prepend, change.append, change.set ?? []] {
            items.append(.array(values.map(JSONValue.string)))
          }
          items.append(.bool(change.set != nil))
          if change.phase != .commands || change.condition != nil || change.unset
            || change.kind != .variable
          {
            items.append(.integer(Int64(change.phase.rawValue)))
          }
          if let condition = change.condition { items.append(.string(condition)) }
          if change.unset { items.append(.bool(true)) }
          if change.kind != .variable { items.append(.string(change.kind.rawValue)) }
          return .array(items)
        })
    }
    func fields(_ entry: PackageVersion) -> JSONValue {
      .array([
        .string(entry.name), .string(entry.key), entry.label.map(JSONValue.string) ?? .null,
        .integer(Int64(entry.priority)), changes(entry.variables),
        .array(entry.requires.map { .string($0.description) }),
        .array(entry.conflicts.map { .string($0.description) }),
        entry.released.map(JSONValue.string) ?? .null,
        entry.variant.map { .integer(Int64($0)) } ?? .null,
      ])
    }
    let version = try Version(parsing: "2.1.0")
    var full = PackageVersion(
      name: "h\"ou\u{1}dini", version: version, key: "2.1.0", definedAt: "c.toml:1")
    full.label = "Houdini é"
    full.priority = -3
    full.released = "2024-05-01T00:00:00Z"
    full.variant = 2
    full.requires = [
      PackageRequirement(name: "python", spec: try VersionSpec(parsing: ">=3.10")),
      PackageRequirement(name: "numpy", spec: try VersionSpec(parsing: ">=1.2"), kind: .weak),
    ]
    full.conflicts = [PackageRequirement(name: "maya", spec: try VersionSpec(parsing: "<2"))]
    full.variables = [
      VariableChange(name: "PATH", prepend: ["/opt/a", "/opt/b"], append: ["/z"]),
      VariableChange(name: "HOME_A", set: ["x", "y\n"]),
      VariableChange(name: "PRE", set: [], phase: .pre),
      VariableChange(name: "C", append: ["1"], condition: "'maya' in resolve", unset: true),
      VariableChange(name: "", set: ["gone"], phase: .post, kind: .stop),
      VariableChange(name: "hb", set: ["hbatch"], kind: .alias),
      VariableChange(name: "", set: nil, unset: true, kind: .key),
    ]
    let plain = PackageVersion(name: "a", version: version, key: "1", definedAt: "")
    for entry in [full, plain] {
      let expected = JSONWriter.encode(fields(entry))
      #expect(PackageLock.digestText(of: entry) == expected)
      #expect(
        PackageLock.digest(of: entry) == "sha256:"
          + SHA256.hex(String(decoding: expected, as: UTF8.self)))
    }
  }

  @Test func anImageNoStageNamesAnyMoreLeavesTheLock() throws {
    let folder = try TemporaryFolder()
    let path = folder.path + "/flow.lock"
    var earlier = LockFile()
    earlier.images = ["old:1": Self.digest, "other:1": Self.digest]
    try earlier.write(.exec, to: path)
    var shown = Stage(name: "shown")
    shown.environment.image = "new:1"
    var other = Stage(name: "other")
    other.environment.image = "other:1"
    let workflow = Workflow(source: folder.path + "/w.yaml", stages: [shown, other])
    // Only `shown` runs now (`--stage`): `other` still names its image, which stays.
    let observed = RunLock.observe(
      workflow, selected: [0], engine: nil,
      machine: MachineDescription(usableCPUs: ProbeFact(1, from: "test")), environment: [:],
      inspections: ImageInspections(environment: [:]))
    #expect(
      observed.changes(images: earlier.images ?? [:], probe: [:]) == [
        "image old:1: no longer used", "image new:1: not in flow.lock → not local",
      ])
    let keeping = RunLockKeeping(
      LockUse(path: path, lock: try LockFile.read(path), locked: false))
    try keeping.keep(observed)
    #expect(
      try LockFile.read(path)?.images == [
        "new:1": LockFile.imageNotLocal, "other:1": Self.digest,
      ])
  }

  @Test func imageInspectionGivesTheRepositoryDigestElseTheId() throws {
    func digest(_ text: String) throws -> String? {
      RunLock.digest(inInspection: try JSONCodec.decode(Array(text.utf8)))
    }
    #expect(
      try digest(#"[{"RepoDigests": ["docker.io/library/alpine@sha256:abc"], "Id": "123"}]"#)
        == "sha256:abc")
    #expect(try digest(#"[{"RepoDigests": [], "Id": "0123abcd"}]"#) == "sha256:0123abcd")
    #expect(try digest(#"[{"RepoDigests": null, "Id": "sha256:99"}]"#) == "sha256:99")
    #expect(try digest("[]") == nil)
  }
}
