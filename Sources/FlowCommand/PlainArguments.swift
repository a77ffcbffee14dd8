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
  /// What a command accepts in its plain form. Short lists searched in order, not sets
  /// or dictionaries: the first `Set<String>` or `[String: String]` a process makes costs
  /// more to set up (its generic type is built from its mangled name at run time) than
  /// searching these lists ever does.
  public struct Form: Sendable {
    /// Options without a value.
    public var flags: [String]
    /// Options that take the next word as their value.
    public var options: [String]
    /// Options that may be given more than once, each value kept in order.
    public var repeatable: [String]
    /// Other names of options, each with the name it is read as (`-o`, `--output`).
    public var aliases: [(name: String, readAs: String)]
    /// The most words besides options.
    public var mostWords: Int

    public init(
      flags: [String] = [], options: [String] = [], repeatable: [String] = [],
      aliases: [(name: String, readAs: String)] = [], mostWords: Int
    ) {
      self.flags = flags
      self.options = options + repeatable.filter { !options.contains($0) }
      self.repeatable = repeatable
      self.aliases = aliases
      self.mostWords = mostWords
    }

    /// The options every tool's output goes by (`OutputOptions`).
    public static let output = Form(
      options: ["--output"], aliases: [("-o", "--output")], mostWords: 0)

    /// This form and `other` together: the options of both, the words of this one.
    public func adding(_ other: Form) -> Form {
      func union(_ first: [String], _ second: [String]) -> [String] {
        first + second.filter { !first.contains($0) }
      }
      let newAliases = other.aliases.filter { alias in !aliases.contains { $0.name == alias.name } }
      return Form(
        flags: union(flags, other.flags), options: union(options, other.options),
        repeatable: union(repeatable, other.repeatable), aliases: aliases + newAliases,
        mostWords: mostWords)
    }

    /// The name a written option is read as: its alias's, or itself.
    public func name(of written: String) -> String {
      aliases.first { $0.name == written }?.readAs ?? written
    }
  }

  /// The flags given.
  public private(set) var flags: [String] = []
  /// Each option given, with its values in the order given.
  private var values: [(option: String, values: [String])] = []
  /// The words that are not options, in order.
  public private(set) var words: [String] = []

  /// `arguments` read in `form`; nil when anything is outside it.
  public init?(_ arguments: [String], form: Form) {
    var index = 0
    while index < arguments.count {
      let written = arguments[index]
      let argument = form.name(of: written)
      index += 1
      // A lone `-` is a word (standard input); anything else starting with `-` is an option.
      guard written.hasPrefix("-"), written != "-" else {
        guard words.count < form.mostWords else { return nil }
        words.append(written)
        continue
      }
      if form.flags.contains(argument) {
        guard !flags.contains(argument) else { return nil }
        flags.append(argument)
      } else if form.options.contains(argument) {
        guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
        if let given = values.firstIndex(where: { $0.option == argument }) {
          guard form.repeatable.contains(argument) else { return nil }
          values[given].values.append(arguments[index])
        } else {
          values.append((argument, [arguments[index]]))
        }
        index += 1
      } else {
        return nil
      }
    }
  }

  /// Whether `flag` was given.
  public func has(_ flag: String) -> Bool { flags.contains(flag) }

  /// The value of `option`, or nil when it was not given.
  public func value(_ option: String) -> String? { all(option).last }

  /// The value of `option` as one of `T`'s cases, `fallback` when it was not given; nil
  /// when it names no case, which is left to the argument parser to report.
  public func choice<T: RawRepresentable>(_ option: String, else fallback: T) -> T?
  where T.RawValue == String {
    guard let name = value(option) else { return fallback }
    return T(rawValue: name)
  }

  /// Every value of a repeatable `option`, in order.
  public func all(_ option: String) -> [String] {
    values.first { $0.option == option }?.values ?? []
  }
}
