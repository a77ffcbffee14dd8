/// What every reader holds a workflow to, the YAML reader and the pipe document reader
/// alike, so that a document can carry nothing flow-parse would refuse. Names become file
/// names, Makefile targets and environment entries; numbers feed the planner and the
/// runners, so each kind has an upper bound far above any real machine and far below
/// where arithmetic on it could overflow. flow-json(5) lists the bounds.
public enum WorkflowRules {
  /// Stage names become log and stamp file names (at most 255 bytes on most file systems,
  /// with room left for a suffix).
  public static let maximumStageNameBytes = 200

  /// Why a stage name cannot be used, if it cannot: not empty, no control characters
  /// (a message tells a name on one line), and not longer than `maximumStageNameBytes`.
  /// Spaces, `/` and other punctuation are fasthep-flow's to map (`Stage.taskName`);
  /// files and containers are named by `SafeName`.
  public static func problemWithStageName(_ name: String) -> String? {
    if name.isEmpty { return "a stage's name must not be empty" }
    if containsScalar(name, where: isControl) {
      return "stage name must not contain control characters"
    }
    if name.utf8.count > maximumStageNameBytes {
      return
        "stage name '\(name.prefix(40))...' is \(name.utf8.count) bytes long: at most \(maximumStageNameBytes)"
    }
    return nil
  }

  /// Why a path of a stage's `inputs` or `outputs` cannot be used, if it cannot: it names
  /// files in the workflow folder, so it is relative and never climbs out with `..`; a
  /// control character could not be shown in a message on one line.
  public static func problemWithStagePath(_ path: String, key: String) -> String? {
    if path.isEmpty { return "an entry of '\(key)' must not be empty" }
    if path.hasPrefix("/") {
      return "'\(key)' entry '\(path)' must be relative to the workflow folder, not absolute"
    }
    if hasParentComponent(path) {
      return "'\(key)' entry '\(path)' must stay inside the workflow folder: no '..'"
    }
    // By bytes: a control character is one byte below 0x80, never part of a longer one.
    if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
      return "'\(key)' entry must not contain control characters"
    }
    return nil
  }

  /// Why an image reference cannot be passed to a container engine, if it cannot.
  public static func problemWithImage(_ image: String) -> String? {
    if image.isEmpty { return "'image' must not be empty" }
    if image.hasPrefix("-") { return "image '\(image)' must not start with '-'" }
    if containsScalar(image, where: { isWhitespace($0) || isControl($0) }) {
      return "image '\(image)' must not contain spaces or control characters"
    }
    return nil
  }

  /// Why a name cannot be an environment variable's, if it cannot: an environment entry
  /// is `NAME=VALUE` ending with a NUL, so a name is not empty and has no `=`; control
  /// characters are refused too, since no shell or `.env` file can write them.
  public static func problemWithVariableName(_ name: String) -> String? {
    if name.isEmpty { return "a variable name must not be empty" }
    // By bytes, not characters: `=` followed by a combining mark is one character that
    // is not `=`, yet the byte would still end the name in the environment entry.
    if name.utf8.contains(UInt8(ascii: "=")) {
      return "variable name '\(name)' must not contain '='"
    }
    if containsScalar(name, where: isControl) {
      return "variable name must not contain control characters"
    }
    return nil
  }

  /// Why a text cannot be a variable's value, if it cannot: a NUL would end it early.
  public static func problemWithVariableValue(_ value: String, name: String) -> String? {
    value.utf8.contains(0) ? "the value of variable '\(name)' must not contain a NUL" : nil
  }

  /// Why a name cannot be a package's in a requirement, if it cannot: the name runs up
  /// to the first space or operator character of `houdini ~=20.0`.
  public static func problemWithPackageName(_ name: String) -> String? {
    if name.isEmpty { return "a package name must not be empty" }
    // A weak reference or a conflict is marked before the name.
    let unmarked =
      name.unicodeScalars.first.map(Requirement.marks.contains) ?? false
      ? Substring(name.unicodeScalars.dropFirst()) : Substring(name)
    if unmarked.isEmpty { return "a package name must follow '\(name)'" }
    if containsScalar(
      unmarked,
      where: {
        isControl($0) || isWhitespace($0) || Requirement.isOperatorCharacter($0)
      })
    {
      return "package name '\(name)' must not contain spaces, control or operator characters"
    }
    return nil
  }

  /// Why a name cannot be a named counter's, if it cannot: the built-in resources have
  /// their own fields.
  public static func problemWithCounterName(_ name: String) -> String? {
    if name.isEmpty { return "a counter's name must not be empty" }
    if ["cpu", "memory", "gpu", "cpus", "gpus", "gpu_memory", "process_on"].contains(name) {
      return "'\(name)' is a built-in resource, not a named counter"
    }
    if containsScalar(name, where: isControl) {
      return "counter name must not contain control characters"
    }
    return nil
  }

  /// Unicode's White_Space, answered for ASCII without the property tables, whose
  /// look-up cost more than the rest of reading a stage.
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x20: return true
    case 0..<0x80: return false
    default: return scalar.properties.isWhitespace
    }
  }

  /// Whether a scalar of `text` matches, read byte by byte while they are ASCII (where a
  /// byte is its scalar), without decoding.
  static func containsScalar(
    _ text: some StringProtocol, where matches: (Unicode.Scalar) -> Bool
  ) -> Bool {
    for byte in text.utf8 {
      guard byte < 0x80 else { return text.unicodeScalars.contains(where: matches) }
      if matches(Unicode.Scalar(byte)) { return true }
    }
    return false
  }

  /// Whether one of the `/`-separated components of `path` is `..`, found without
  /// splitting it: each stage's inputs and outputs are checked on every run.
  static func hasParentComponent(_ path: String) -> Bool {
    var length = 0
    var dots = 0
    for byte in path.utf8 {
      if byte == UInt8(ascii: "/") {
        if length == 2 && dots == 2 { return true }
        (length, dots) = (0, 0)
      } else {
        length += 1
        if byte == UInt8(ascii: ".") { dots += 1 }
      }
    }
    return length == 2 && dots == 2
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || scalar.value == 0x7F
  }
}
