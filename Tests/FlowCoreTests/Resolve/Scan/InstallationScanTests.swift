import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct InstallationScanTests {
  /// A fake machine: installations as folders, programs as small shell scripts.
  static func machine() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    func program(_ path: String, _ output: String, status: Int = 0) throws {
      let full = try folder.write(path, "#!/bin/sh\necho '\(output)'\nexit \(status)\n")
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full)
    }
    try folder.write("opt/hfs20.0.506/python/bin/python3.10", "")
    try folder.write("opt/hfs20.0.506/bin/houdini", "")
    try folder.write("opt/Houdini 19.5.640/python/bin/python3.9", "")
    try folder.write("opt/hfs20.5.278.py3/python/bin/python3.11", "")
    try folder.write("opt/hfs19.0.100/bin/houdini", "")  // broken: no python/bin
    try program("opt/blender-4.1.1-linux-x64/blender", "Blender 4.1.1")
    try folder.write("opt/Blender 3.6/readme.txt", "")  // broken: no executable
    try program("opt/root-6.28.04/bin/root-config", "6.28/04")
    try program("opt/root_v6.30/bin/root-config", "oops", status: 1)  // broken
    try program("usr/local/cuda-12.2/bin/nvcc", "")
    try folder.write("usr/local/cuda-12.2/version.json", #"{"cuda": {"version": "12.2.140"}}"#)
    try program("usr/local/cuda-11.8/bin/nvcc", "")
    try folder.write("usr/local/cuda-11.8/version.txt", "CUDA Version 11.8.0\n")
    try program("usr/bin/python3.11", "Python 3.11.2")
    try program("usr/local/bin/python3.12", "Python 3.12.1")
    try folder.write("usr/bin/python3-config", "")
    return folder
  }

  @Test func detectsEachKindAndReportsBrokenInstallations() throws {
    let folder = try Self.machine()
    let scan = InstallationScan(root: folder.path)
    let found = scan.entries.map { "\($0.name) \($0.key)" }
    #expect(
      found == [
        "houdini.py3_9 19.5.640", "houdini.py3_10 20.0.506", "houdini.py3_11 20.5.278",
        "blender 4.1.1", "root 6.28.04", "cuda 11.8.0", "cuda 12.2.140", "python 3.11.2",
        "python 3.12.1",
      ])
    let root = try #require(scan.entries.first { $0.name == "root" })
    #expect(root.version == Version(6, 28, 4))
    #expect(root.variables.first?.set == [folder.path + "/opt/root-6.28.04"])
    let houdini = try #require(scan.entries.first { $0.name == "houdini.py3_10" })
    #expect(houdini.variables.last?.prepend == [folder.path + "/opt/hfs20.0.506/bin"])
    #expect(scan.problems.count == 3)
    #expect(scan.problems.contains { $0.contains("hfs19.0.100") })
    #expect(scan.problems.contains { $0.contains("Blender 3.6") })
    #expect(scan.problems.contains { $0.contains("root_v6.30") })
  }

  @Test func scannedCatalogueReadsBackAndResolves() throws {
    let folder = try Self.machine()
    let scan = InstallationScan(root: folder.path)
    let catalogue = try Catalogue(texts: [("scan.toml", scan.catalogueText)])
    #expect(catalogue.problems.isEmpty)
    #expect(catalogue.versionCount == scan.entries.count)
    let chosen = try Solver.solve(
      [
        try PackageRequirement(parsing: "root ~=6.28"),
        try PackageRequirement(parsing: "cuda <12"),
      ], source: CatalogueSource(catalogue))
    #expect(chosen.map(\.key) == ["6.28.04", "11.8.0"])
  }

  @Test func generateAddsOnlyNewEntriesUnlessOverriding() throws {
    let folder = try Self.machine()
    let scan = InstallationScan(root: folder.path)
    let existing = """
      # my own notes
      [packages.root."6.28.4"]
      label = "hand-written"

      """
    let merged = try scan.merged(into: existing, file: "p.toml", override: false)
    #expect(merged.hasPrefix(existing))
    let catalogue = try Catalogue(texts: [("p.toml", merged)])
    #expect(catalogue.versions(of: "root").map(\.label) == ["hand-written"])
    #expect(catalogue.versions(of: "cuda").count == 2)
    #expect(try scan.merged(into: merged, file: "p.toml", override: false) == merged)

    let overridden = try Catalogue(texts: [
      ("p.toml", try scan.merged(into: existing, file: "p.toml", override: true))
    ])
    #expect(overridden.versions(of: "root").map(\.label) == ["ROOT 6.28/04"])
  }

  /// `generate` reads the existing file as every catalogue is read: a byte that is not UTF-8
  /// is an error at its place, not silently replaced (and the file rewritten with U+FFFD).
  @Test func generateRefusesAnExistingFileThatIsNotUTF8() throws {
    let folder = try Self.machine()
    let scan = InstallationScan(root: folder.path)
    let existing = Array("[packages.root.\"6.28.4\"]\nlabel = \"caf".utf8) + [0xE9, 0x22, 0x0A]
    #expect {
      try scan.merged(into: existing, file: "p.toml", override: false)
    } throws: { error in
      guard case .invalidCatalogue(let diagnostic) = error as? ResolveError else { return false }
      return diagnostic.file == "p.toml"
        && diagnostic.position == SourcePosition(line: 2, column: 13)
        && diagnostic.message.contains("invalid UTF-8 (byte 0xE9)")
    }
    let valid = Array("[packages.root.\"6.28.4\"]\nlabel = \"café\"\n".utf8)
    let merged = try scan.merged(into: valid, file: "p.toml", override: false)
    #expect(merged.starts(with: valid))
    #expect(merged.count > valid.count)
  }

  @Test func quotingSurvivesTheRoundTrip() throws {
    let entry = PackageVersion(
      name: "odd.name", version: Version(1, 0, 0), key: "1.0.0", label: "a \"quoted\" \\ label",
      variables: [VariableChange(name: "X", set: ["tab\there", "new\nline"])])
    let text = InstallationScan.text(of: [entry])
    let back = try Catalogue(texts: [("q.toml", text)])
    #expect(back.versions(of: "odd.name").first?.label == entry.label)
    #expect(back.versions(of: "odd.name").first?.variables == entry.variables)
  }
}
