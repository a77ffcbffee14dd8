/// A package's alias (rez's `alias(NAME, COMMAND)`): `NAME ARG…` run in bash runs COMMAND
/// with the arguments after it, as rez's bash context defines it (`NAME() { COMMAND "$@"; }`
/// and `export -f NAME`). flow carries it as bash carries an exported function, in the
/// variable `BASH_FUNC_NAME%%`, so a stage's `bash -c` finds it wherever the environment
/// goes: a process, a container, a Slurm job, a Dask task. The command is one quoted word
/// that `eval` reads when the function is called, so defining it (bash reading the
/// variable, or a shell reading `--format sh`) never runs any of it; bash itself refuses a
/// variable that holds more than one function's definition.
public enum ShellFunction {
  /// Why `name` cannot be an alias's, if it cannot: a name every POSIX shell takes for a
  /// function (`ShellWord.isName`), as `--format sh` defines it.
  public static func problem(withName name: String) -> String? {
    ShellWord.isName(name)
      ? nil
      : "alias name \(name.debugDescription) must be letters, digits and '_', not starting with a digit"
  }

  /// The variable bash reads function `name` from.
  public static func variable(named name: String) -> String { "BASH_FUNC_" + name + "%%" }

  /// Whether `variable` is one bash reads a function from.
  public static func isVariable(_ variable: String) -> Bool {
    variable.hasPrefix("BASH_FUNC_") && variable.hasSuffix("%%") && !variable.contains("=")
  }

  /// The variable's value for a function that runs `command` with its arguments: what
  /// `export -f` writes, save that the command is a quoted word for `eval`.
  public static func exported(_ command: String) -> String { "() " + body(command) }

  /// The function as a shell defines it (`NAME() { eval '…'; }`): a line of `--format sh`.
  public static func definition(name: String, command: String) -> String {
    name + "() " + body(command)
  }

  private static func body(_ command: String) -> String {
    "{ eval " + ShellWord.quote(command + #" "$@""#) + "; }"
  }
}
