import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// Reads the same documents as Python's own `tomllib` (Python 3.11 and later) and requires
/// the same answer: the same values in the same order, or a refusal from both. A missing
/// `python3` fails these tests.
@Suite struct TOMLDifferentialTests {
  static let oracle = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("differential/toml/tomllib_oracle.py").path

  struct OracleFailure: Error, CustomStringConvertible {
    var description: String
  }

  /// tomllib's reading of each document: its canonical form, or `error`.
  static func tomllib(_ documents: [[UInt8]]) throws -> [String] {
    let folder = try TemporaryFolder()
    for (number, document) in documents.enumerated() {
      guard
        FileManager.default.createFile(
          atPath: folder.path + "/\(number).toml", contents: Data(document))
      else { throw OracleFailure(description: "cannot write \(number).toml") }
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", oracle, folder.path, String(documents.count)]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw OracleFailure(
        description: "python3 tomllib oracle failed (\(process.terminationStatus)): \(errorText)")
    }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    guard lines.count == documents.count else {
      throw OracleFailure(description: "expected \(documents.count) lines, got \(lines.count)")
    }
    return lines
  }

  /// Our reading in the same form, and the error when there is one.
  static func ours(_ document: [UInt8]) -> (answer: String, error: TOMLError?) {
    do {
      return (TOMLCanonicalForm.text(.table(try TOMLReader.parse(document))), nil)
    } catch {
      return ("error", error)
    }
  }

  static func generated(count: Int, seed: UInt64) -> [[UInt8]] {
    var generator = TOMLDocumentGenerator(seed: seed)
    return (0..<count).map { _ in Array(generator.document().utf8) }
  }

  @Test func generatedDocumentsReadAsTomllibReadsThem() throws {
    let documents = TOMLDifferentialTests.generated(count: 500, seed: 1)
    let expected = try TOMLDifferentialTests.tomllib(documents)
    for (document, answer) in zip(documents, expected) {
      #expect(
        answer != "error",
        "tomllib refuses a generated document:\n\(String(decoding: document, as: UTF8.self))")
      let ours = TOMLDifferentialTests.ours(document)
      #expect(
        ours.answer == answer,
        "\(ours.error.map(String.init(describing:)) ?? ""): \(String(decoding: document, as: UTF8.self))"
      )
    }
  }

  /// One byte removed, doubled or inserted: both readers accept the same results.
  @Test func mutatedDocumentsAreAcceptedOrRefusedAsTomllibDoes() throws {
    var random = SeededGenerator(seed: 2)
    let inserts = Array("\"'=[]{},.#\n\\_-+:0 eT".utf8)
    let documents = TOMLDifferentialTests.generated(count: 500, seed: 3).compactMap {
      document -> [UInt8]? in
      guard !document.isEmpty else { return nil }
      var mutated = document
      let place = Int.random(in: 0..<mutated.count, using: &random)
      switch Int.random(in: 0..<3, using: &random) {
      case 0:
        // Whole characters only: the document stays UTF-8.
        guard mutated[place] < 0x80 else { return nil }
        mutated.remove(at: place)
      case 1: mutated.insert(mutated[place], at: place)
      default: mutated.insert(random.pick(inserts), at: place)
      }
      return mutated
    }
    let expected = try TOMLDifferentialTests.tomllib(documents)
    #expect(expected.filter { $0 == "error" }.count > documents.count / 10)
    for (document, answer) in zip(documents, expected) {
      let ours = TOMLDifferentialTests.ours(document)
      // tomllib keeps integers of any size; a doubled digit may pass 64 bits.
      if ours.error?.message.hasPrefix("integer out of range") == true { continue }
      #expect(
        ours.answer == answer,
        "\(ours.error.map(String.init(describing:)) ?? ""): \(String(decoding: document, as: UTF8.self))"
      )
    }
  }

  @Test func invalidDocumentsAreRefusedByBoth() throws {
    let invalid = TOMLInvalidDocument.sharedWithTomllib
    let expected = try TOMLDifferentialTests.tomllib(invalid.map(\.bytes))
    for (document, answer) in zip(invalid, expected) {
      #expect(answer == "error", "tomllib accepts: \(document)")
      #expect(TOMLDifferentialTests.ours(document.bytes).error != nil, "accepted: \(document)")
    }
  }
}
