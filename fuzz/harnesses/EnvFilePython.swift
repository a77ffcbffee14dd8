/// The python .env dialect (see shared/EnvFileFuzzing.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvFilePython(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  fuzzEnvFile(data, size, dialect: .python)
}
