import FlowCore

/// Event lines on standard output; a reader that went away does not stop the run.
enum StandardOutput {
  static func write(_ bytes: [UInt8]) {
    try? Descriptor.writeAll(bytes, to: 1)
  }
}
