/// A whole environment (as `flow-resolve` applies a resolution to one) in the text formats.
extension EnvOutput {
  /// `export NAME='value'` for each of `names` that is set, in first-mention order, once,
  /// through the one sh writer: a name that is not a shell name is refused (65).
  public static func shellExports(_ environment: EnvironmentMap, names: [String])
    throws(EnvFileError) -> [UInt8]
  {
    var seen: Set<ExactString> = []
    let variables = names.filter { seen.insert(ExactString($0)).inserted }.compactMap { name in
      environment[name].map { EnvVariable(key: name, value: $0, location: .map("environment")) }
    }
    return try text(variables, format: .sh)
  }

  /// Each function as a shell defines it (`ShellFunction.definition`), one per line.
  public static func shellFunctions(_ functions: [(name: String, command: String)]) -> [UInt8] {
    Array(
      functions.map { ShellFunction.definition(name: $0.name, command: $0.command) + "\n" }
        .joined().utf8)
  }

  /// Every variable as `NAME=VALUE`, sorted by the bytes of the name, as `env(1)` lists
  /// an environment: for reading, not for a shell.
  public static func environmentLines(_ environment: EnvironmentMap) -> [UInt8] {
    var output: [UInt8] = []
    for (name, value) in environment {
      output += Array("\(name)=\(value)\n".utf8)
    }
    return output
  }
}
