/// A command line in its plain form, read without the argument parser: every option
/// written out in full (`--pretty`, `--output FILE`, `-o FILE`), its value in the next
/// word, words that are not options anywhere. Building the argument parser's model of a
/// command costs more than a small tool's whole work (its first parse looks up protocol
/// conformances across the binary), so a tool reads its usual invocations here and
/// leaves everything else to the argument parser: help, version, an unknown or repeated
/// option, `--name=value`, `--`, a value that looks like an option, a missing value. A
/// plain reading therefore never decides anything the argument parser would decide
/// differently; it only answers sooner. Tests hold each tool's plain reading to the
/// argument parser's on every option the tool reads here.
public struct PlainArguments: Sendable {
  /// What a command accepts in its plain form.
  public struct Form: Sendable {
    /// Options without a value.
    public var flags: Set<String>
    /// Options that take the next word as their value.
    public var options: Set<String>
    /// Options that may be given more than once, each value kept in order.
    public var repeatable: Set<String>
    /// Other names of options, each to the name it is read as (`-o` to `--output`).
    public var aliases: [String: String]
    /// The most words besides options.
    public var mostWords: Int

    public init(
      flags: Set<String> = [], options: Set<String> = [], repeatable: Set<String> = [],
      aliases: [String: String] = [:], mostWords: Int
    ) {
      self.flags = flags
      self.options = options.union(repeatable)
      self.repeatable = repeatable
      self.aliases = aliases
      self.mostWords = mostWords
    }

    /// The options every tool's output goes by (`OutputOptions`).
    public static let output = Form(
      options: ["--output"], aliases: ["-o": "--output"], mostWords: 0)

    /// This form and `other` together: the options of both, the words of this one.
    public func adding(_ other: Form) -> Form {
      Form(
        flags: flags.union(other.flags), options: options.union(other.options),
        repeatable: repeatable.union(other.repeatable),
        aliases: aliases.merging(other.aliases) { first, _ in first }, mostWords: mostWords)
    }
  }

  /// The flags given.
  public private(set) var flags: Set<String> = []
  /// Each option's values in the order given.
  public private(set) var values: [String: [String]] = [:]
  /// The words that are not options, in order.
  public private(set) var words: [String] = []

  /// `arguments` read in `form`; nil when anything is outside it.
  public init?(_ arguments: [String], form: Form) {
    var index = 0
    while index < arguments.count {
      let written = arguments[index]
      let argument = form.aliases[written] ?? written
      index += 1
      // A lone `-` is a word (standard input); anything else starting with `-` is an option.
      guard written.hasPrefix("-"), written != "-" else {
        guard words.count < form.mostWords else { return nil }
        words.append(written)
        continue
      }
      if form.flags.contains(argument) {
        guard flags.insert(argument).inserted else { return nil }
      } else if form.options.contains(argument) {
        guard index < arguments.count, !arguments[index].hasPrefix("-"),
          form.repeatable.contains(argument) || values[argument] == nil
        else { return nil }
        values[argument, default: []].append(arguments[index])
        index += 1
      } else {
        return nil
      }
    }
  }

  /// Whether `flag` was given.
  public func has(_ flag: String) -> Bool { flags.contains(flag) }

  /// The value of `option`, or nil when it was not given.
  public func value(_ option: String) -> String? { values[option]?.last }

  /// The value of `option` as one of `T`'s cases, `fallback` when it was not given; nil
  /// when it names no case, which is left to the argument parser to report.
  public func choice<T: RawRepresentable>(_ option: String, else fallback: T) -> T?
  where T.RawValue == String {
    guard let name = value(option) else { return fallback }
    return T(rawValue: name)
  }

  /// Every value of a repeatable `option`, in order.
  public func all(_ option: String) -> [String] { values[option] ?? [] }
}
