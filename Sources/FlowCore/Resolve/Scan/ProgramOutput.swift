/// Runs an installed program (an argv, never a shell line) and returns what it printed.
enum ProgramOutput {
  /// Standard output of `arguments`, or nil when it cannot start or exits non-zero.
  static func run(_ arguments: [String]) -> String? {
    var program = ChildProcess(arguments, environment: ProcessEnvironment.current)
    program.keepsErrors = false
    program.ownsProcessGroup = false
    guard let finished = try? program.run(), finished.status == .exited(0) else { return nil }
    return finished.text
  }
}
