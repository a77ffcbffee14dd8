import FlowCore

/// One `.env` dialect under the fuzzer: any bytes give entries or errors, and merging
/// the entries with expansion never crashes.
func fuzzEnvFile(_ data: UnsafePointer<UInt8>, _ size: Int, dialect: EnvFileDialect) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let parsed = EnvFileText(file: "fuzz.env", bytes: bytes).parse(dialect)
  let options = EnvMergeOptions(dialect: dialect, expand: true, baseEnvironment: ["HOME": "/h"])
  _ = EnvMerge.merge([.file(parsed.entries)], options: options)
  return 0
}
