@testable import FlowCore

/// One `.env` dialect under the fuzzer: any bytes give entries or errors, and merging
/// the entries with expansion never crashes. Read in two parts at once, the text gives
/// what it gives read whole, merged as it is read or after, and so does the merge's JSON
/// map written in two halves.
func fuzzEnvFile(_ data: UnsafePointer<UInt8>, _ size: Int, dialect: EnvFileDialect) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let text = EnvFileText(file: "fuzz.env", bytes: bytes)
  let parsed = text.parse(dialect, parts: EnvFileParts(from: .max))
  let parts = text.parse(dialect, parts: EnvFileParts(from: 0, firstShare: 16, handOver: 1))
  precondition(parts.entries == parsed.entries, "the parts' entries differ")
  precondition(parts.errors == parsed.errors, "the parts' errors differ")
  let options = EnvMergeOptions(dialect: dialect, expand: true, baseEnvironment: ["HOME": "/h"])
  let merged = EnvMerge.merge([.parsed(parsed)], options: options)
  let variables = merged.variables
  // Merged as it is read, run by run, the text gives the same variables and messages.
  var merge = EnvMerge(options: options)
  var first = true
  _ = text.parse(dialect, parts: EnvFileParts(from: 0, firstShare: 16, handOver: 3)) { segment in
    merge.add(segment, first: first)
    first = false
  }
  let asRead = merge.finish()
  precondition(asRead.variables == variables, "the variables merged as read differ")
  precondition(asRead.warnings == merged.warnings, "the warnings merged as read differ")
  precondition(asRead.errors == merged.errors, "the errors merged as read differ")
  precondition(
    EnvOutput.jsonText(variables, halvesFrom: 0) == EnvOutput.jsonText(variables, halvesFrom: .max),
    "the JSON map's halves differ")
  return 0
}
