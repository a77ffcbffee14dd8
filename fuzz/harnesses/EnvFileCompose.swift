/// The compose .env dialect (see shared/EnvFileFuzzing.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvFileCompose(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  fuzzEnvFile(data, size, dialect: .compose)
}
