@testable import FlowCore

/// One `.env` dialect under the fuzzer: any bytes give entries or errors, and merging
/// the entries with expansion never crashes. Read in two halves at once, the text gives
/// what it gives read whole, and so does the merge's JSON map written in two halves.
func fuzzEnvFile(_ data: UnsafePointer<UInt8>, _ size: Int, dialect: EnvFileDialect) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let text = EnvFileText(file: "fuzz.env", bytes: bytes)
  let parsed = text.parse(dialect, halvesFrom: .max)
  let halves = text.parse(dialect, halvesFrom: 0)
  precondition(halves.entries == parsed.entries, "the halves' entries differ")
  precondition(halves.errors == parsed.errors, "the halves' errors differ")
  let options = EnvMergeOptions(dialect: dialect, expand: true, baseEnvironment: ["HOME": "/h"])
  let variables = EnvMerge.merge([.file(parsed.entries)], options: options).variables
  precondition(
    EnvOutput.jsonText(variables, halvesFrom: 0) == EnvOutput.jsonText(variables, halvesFrom: .max),
    "the JSON map's halves differ")
  return 0
}
