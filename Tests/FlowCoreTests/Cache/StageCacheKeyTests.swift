import Foundation
import Testing

@testable import FlowCore

@Suite struct StageCacheKeyTests {
  @Test func sha256MatchesTheStandardVectors() {
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    var hasher = SHA256()
    for _ in 0..<1000 { hasher.add(String(repeating: "a", count: 1000)) }
    #expect(hasher.finish() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func sha256IsTheSameWhateverPiecesTheBytesComeIn() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    var whole = SHA256()
    whole.add(bytes)
    let expected = whole.finish()
    for size in [1, 3, 55, 56, 63, 64, 65, 127, 200] {
      var pieces = SHA256()
      var start = 0
      while start < bytes.count {
        pieces.add(Array(bytes[start..<min(start + size, bytes.count)]))
        start += size
      }
      #expect(pieces.finish() == expected, "pieces of \(size)")
    }
    // Lengths around the padding's edges: 55 bytes fit one block, 56 need two.
    #expect(
      SHA256.hex(String(repeating: "a", count: 55))
        == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
    #expect(
      SHA256.hex(String(repeating: "a", count: 56))
        == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
    #expect(
      SHA256.hex(String(repeating: "a", count: 64))
        == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
  }

  /// The processor's SHA-256 instructions (where it has them) and the Swift rounds give
  /// the same digests: every length from 0 to 300 bytes, and a run of many blocks at once.
  @Test func sha256IsTheSameWithAndWithoutTheProcessorsInstructions() {
    var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
    let bytes = (0..<5000).map { _ -> UInt8 in
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: seed >> 56)
    }
    for count in Array(0...300) + [4096, 5000] {
      var fast = SHA256()
      var portable = SHA256(portable: true)
      fast.add(Array(bytes[..<count]))
      portable.add(Array(bytes[..<count]))
      #expect(fast.finish() == portable.finish(), "\(count) bytes")
    }
    var portable = SHA256(portable: true)
    portable.add(Array(String(repeating: "a", count: 1000).utf8))
    #expect(
      portable.finish() == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  private func parts(_ changes: [(String, JSONValue)] = []) -> JSONObject {
    var parts = JSONObject([
      ("command", .string("c1")),
      ("packages", .object(JSONObject([("houdini", .string("20.0.547 from cat.toml:3"))]))),
      ("software", .string("s1")),
      ("variables", .object(JSONObject([("NEVENTS", .string("1000"))]))),
      ("image", .null), ("executor", .string("local")), ("device", .string("cpu")),
      ("outputs", .string("")), ("inputs", .object(JSONObject([("data/a.root", .string("d1"))]))),
      ("needs", .object(JSONObject([("skim", .string("k1"))]))),
    ])
    for (name, value) in changes { parts[name] = value }
    return parts
  }

  private func why(_ changes: [(String, JSONValue)], reran: Bool = true) -> String? {
    StageCacheKey.firstDifference(parts(changes), from: parts()) { _ in reran }
  }

  @Test func theFirstChangedPartIsTheReason() {
    #expect(why([]) == nil)
    #expect(
      why([("variables", .object(JSONObject([("NEVENTS", .string("2000"))])))])
        == "variable NEVENTS changed 1000 → 2000")
    #expect(
      why([("packages", .object(JSONObject([("houdini", .string("20.0.590 from cat.toml:9"))])))])
        == "houdini 20.0.547 → 20.0.590")
    #expect(
      why([("inputs", .object(JSONObject([("data/a.root", .string("d2"))])))])
        == "input data/a.root changed")
    #expect(
      why([("needs", .object(JSONObject([("skim", .string("k2"))])))]) == "needs skim, which reran")
    #expect(
      why([("needs", .object(JSONObject([("skim", .string("k2"))])))], reran: false)
        == "needs skim, which changed")
    #expect(why([("image", .string("docker.io/x:2"))]) == "image none → docker.io/x:2")
    #expect(
      why([("command", .string("c2")), ("variables", .object(JSONObject()))])
        == "its type, args or kwargs changed")
  }

  @Test func theReasonReadFromTheTextsIsTheReasonOfTheParts() {
    let changes: [[(String, JSONValue)]] = [
      [], [("command", .string("c2"))], [("image", .string("alpine:3.20"))],
      [("variables", .object(JSONObject([("NEVENTS", .string("2,000 {\"x\"}"))])))],
      [("inputs", .object(JSONObject([("data/a.root", .string("missing"))])))],
      [("needs", .object(JSONObject([("skim", .string("k2")), ("more", .string("k3"))])))],
      [("software", .string("s2")), ("needs", .object(JSONObject()))],
    ]
    for change in changes {
      for reran in [true, false] {
        let now = StageCacheKey.text(of: parts(change))
        let before = StageCacheKey.text(of: parts())
        #expect(
          StageCacheKey.reason(now, from: before) { _ in reran }
            == why(change, reran: reran), "\(change)")
      }
    }
    // The same values written otherwise (spaces, an escaped letter) are no change.
    let spaced = Array(
      #"{ "name" : "n", "command":"\u0063\u0031", "needs" : { } }"#.utf8)
    let plain = Array(#"{"name":"n","command":"c1","needs":{}}"#.utf8)
    #expect(StageCacheKey.reason(spaced, from: plain) { _ in true } == nil)
    // Not an object of parts: read whole, as before.
    #expect(
      StageCacheKey.reason(plain, from: Array("not json".utf8)) { _ in true }
        == "its name changed")
    #expect(StageCacheKey.topLevelMembers(Array(#"{"a":"},{","b":[1,{"c":2}]}"#.utf8))?.count == 2)
  }

  @Test func keysDependOnEveryPartButNotOnRequestsOrTimeouts() {
    var stage = Stage(name: "fit", kwargs: JSONObject([("bash_command", .string("fit"))]))
    let key = { (stage: Stage) in
      StageCacheKey.digest(
        of: StageCacheEntry(stage: stage, executor: .local, device: "cpu").fixedParts)
    }
    let first = key(stage)
    stage.timeout = 60
    stage.environment.resources.memory = 1 << 30
    #expect(key(stage) == first)
    stage.environment.image = "docker.io/library/alpine:3"
    #expect(key(stage) != first)
  }

  @Test func theFixedTextIsTheTextOfTheFixedParts() {
    var stage = Stage(
      name: "fit \"1\"", kwargs: JSONObject([("bash_command", .string("fit\t<x>"))]))
    stage.environment.image = "alpine:3"
    stage.environment.mergedVariables = [
      MergedVariable(name: "NEVENTS", value: "1000"), MergedVariable(name: "UNSET", value: nil),
    ]
    stage.outputs = ["a.out", "b.out"]
    let plain = StageCacheEntry(stage: Stage(name: "plain"), executor: .local, device: "cpu")
    stage.resolution = StageResolution(
      requirements: ["houdini"],
      packages: [ResolvedPackage(name: "houdini", version: "20.0.506", because: ["requested"])],
      actions: [.init(kind: .prepend, variable: "PATH", value: "/h/bin", package: "houdini")])
    let resolved = StageCacheEntry(stage: stage, executor: .slurm, device: "gpu")
    for entry in [plain, resolved] {
      // Read back and written again, the same bytes: the text JSON writes for the parts.
      #expect(StageCacheKey.text(of: entry.fixedParts) == entry.fixedText + Array("}".utf8))
      #expect(entry.fixedParts.map(\.key) == Array(StageCacheKey.partNames.prefix(9)))
    }
    #expect(plain.fixedParts["software"] == .string(SHA256.hex("")))
    #expect(resolved.fixedParts["software"] != .string(SHA256.hex("")))
    #expect(resolved.fixedParts["variables"]?.objectValue?["UNSET"] == .null)
  }

  @Test func aTornRecordIsRefusedAndAWholeOneRead() throws {
    let record = CacheRecord(
      key: StageCacheKey.digest(of: parts()), stage: "fit", workflow: "/w/w.yaml",
      partsText: StageCacheKey.text(of: parts()), inputs: [("in.txt", .missing)],
      outputs: [("out.txt", .missing)], seconds: 1)
    let bytes = record.bytes
    guard case .success(let read) = CacheRecord.read(bytes) else {
      Issue.record("a whole record was refused")
      return
    }
    #expect(read.key == record.key && read.inputs.count == 1 && read.outputs.count == 1)
    #expect(read.partsText == record.partsText && read.parts == parts())
    // Cut in its first line, in its parts, or one byte short: each is refused.
    for kept in [bytes.count / 4, bytes.count - 20, bytes.count - 1] {
      guard case .failure = CacheRecord.read(Array(bytes.prefix(kept))) else {
        Issue.record("a record torn after \(kept) bytes was believed")
        return
      }
    }
  }

  @Test func theKeyTextWrittenPartByPartIsTheTextOfAllTheParts() {
    var fixed = parts()
    fixed["inputs"] = nil
    fixed["needs"] = nil
    let inputs = [("data/a \"b\".root", "d1"), ("tab\there", "missing")]
    let needs = [("skim", "k1"), ("fit", "k2")]
    var all = fixed
    all["inputs"] = .object(JSONObject(inputs.map { ($0, JSONValue.string($1)) }))
    all["needs"] = .object(JSONObject(needs.map { ($0, JSONValue.string($1)) }))
    #expect(
      StageCacheKey.text(fixed: fixed, inputs: inputs, needs: needs)
        == StageCacheKey.text(of: all))
    #expect(
      StageCacheKey.text(fixed: JSONObject(), inputs: [], needs: [])
        == StageCacheKey.text(
          of: JSONObject([("inputs", .object(JSONObject())), ("needs", .object(JSONObject()))])))
  }

  @Test func aRecordKeepsNamesAndPathsWithTabsNewlinesAndBackslashesAndWholeStamps() {
    let stamp = FileStamp(
      device: UInt64.max, inode: 1 << 63, size: 12, modifiedSeconds: -5,
      modifiedNanoseconds: 999_999_999)
    let record = CacheRecord(
      key: "k", stage: "odd\tstage\\name", workflow: "/w/a\nb.yaml", partsText: Array("{}".utf8),
      inputs: [("in\t1.txt", .file(stamp: stamp, digest: "d1")), ("gone", .missing)],
      outputs: [("out\\n.txt", .folder), ("secret", .unreadable)], seconds: 0.25)
    guard case .success(let read) = CacheRecord.read(record.bytes) else {
      Issue.record("a whole record was refused")
      return
    }
    #expect(read.stage == record.stage && read.workflow == record.workflow)
    #expect(read.inputs.map(\.path) == ["in\t1.txt", "gone"])
    #expect(read.inputs.map(\.content) == [.file(stamp: stamp, digest: "d1"), .missing])
    #expect(read.outputs.map(\.path) == ["out\\n.txt", "secret"])
    #expect(read.outputs.map(\.content) == [.folder, .unreadable])
    #expect(read.seconds == 0.25 && read.partsText == Array("{}".utf8))
  }

  @Test func aRecordOfAnEarlierFormatIsOtherNotCorrupt() {
    let earlier = Array("{\"flow_cache\":2,\"key\":\"k\"}\n{}\n".utf8)
    guard case .failure(let problem) = CacheRecord.read(earlier) else {
      Issue.record("a record of format 2 was read")
      return
    }
    #expect(problem.isOtherFormat)
    guard case .failure(let foreign) = CacheRecord.read(Array("hello\n".utf8)) else {
      Issue.record("a foreign file was read as a record")
      return
    }
    #expect(!foreign.isOtherFormat)
  }

  @Test func aRecordWithANumberTooLongIsRefusedNotTrapped() {
    let whole =
      "flow-cache\t4\nkey\tk\nstage\ts\nworkflow\t/w.yaml\n"
      + "input\td\ta\t1\t2\t3\t4\t5\nparts\t2\n{}\n"
    guard case .success = CacheRecord.read(Array(whole.utf8)) else {
      Issue.record("a whole record was refused")
      return
    }
    for number in ["99999999999999999999999", "-9999999999999999999", "-", "1x", ""] {
      for changed in [
        whole.replacing("\t1\t2\t", with: "\t\(number)\t2\t"),
        whole.replacing("parts\t2", with: "parts\t\(number)"),
      ] {
        guard case .failure = CacheRecord.read(Array(changed.utf8)) else {
          Issue.record("a record with the number '\(number)' was read")
          return
        }
      }
    }
  }

  @Test func anUnchangedFileIsNotReadAgainAndATouchedOneKeepsItsDigest() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "flow-digests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try "one".write(to: folder.appendingPathComponent("a.txt"), atomically: false, encoding: .utf8)
    let digests = FileDigests(folder: folder.path)
    let first = digests.content(of: "a.txt")
    #expect(first.digest == SHA256.hex("one"))
    // A remembered digest for the same stamp is believed without reading the file.
    let later = FileDigests(folder: folder.path)
    later.remember("a.txt", stamp: first.stamp!, digest: "remembered")
    #expect(later.content(of: "a.txt").digest == "remembered")
    try FileManager.default.setAttributes(
      [.modificationDate: Date().addingTimeInterval(60)],
      ofItemAtPath: folder.appendingPathComponent("a.txt").path)
    #expect(later.content(of: "a.txt").digest == SHA256.hex("one"))
    #expect(digests.content(of: "missing.txt") == .missing)
    try "two".write(to: folder.appendingPathComponent("b.txt"), atomically: false, encoding: .utf8)
    #expect(digests.expand("*.txt") == ["a.txt", "b.txt"])
    #expect(digests.expand("c.txt") == ["c.txt"])
  }
}
