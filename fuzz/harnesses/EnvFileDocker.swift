/// The docker .env dialect (see shared/EnvFileFuzzing.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvFileDocker(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  fuzzEnvFile(data, size, dialect: .docker)
}
