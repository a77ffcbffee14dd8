/// Reads, checks and parses `.env` files for a merge, each file once however often it
/// is named. A missing file is an error (66) unless it is marked optional.
public struct EnvFileLoader {
  public var dialect: EnvFileDialect
  // Keyed by the path's bytes: paths that differ only in Unicode normalization are
  // different files.
  private var cache: [ExactString: EnvFileParseResult] = [:]

  public init(dialect: EnvFileDialect) {
    self.dialect = dialect
  }

  /// A file named on the command line: `PATH?` marks it optional (when no file is
  /// named `PATH?` itself), `-` is standard input.
  public static func splitOptionalMarker(_ argument: String) -> (path: String, optional: Bool) {
    guard argument.count > 1, argument.hasSuffix("?"), !InputFile.isRegularFile(argument) else {
      return (argument, false)
    }
    return (String(argument.dropLast()), true)
  }

  /// The parsed file, or `nil` when an optional file does not exist. Read and
  /// encoding failures come back as the result's errors.
  public mutating func load(_ path: String, optional: Bool = false) -> EnvFileParseResult? {
    load(path, optional: optional, parts: .halves) { _ in }
  }

  /// Loads a file into a merge, which reads the first of a large file's records while
  /// the rest are still being read; gives the parse's errors, or `nil` when an optional
  /// file does not exist.
  public mutating func load(
    _ path: String, optional: Bool = false, into merge: inout EnvMerge
  ) -> [EnvFileError]? {
    var first = true
    return load(path, optional: optional, parts: .merged) { segment in
      merge.add(segment, first: first)
      first = false
    }?.errors
  }

  /// `load(_:optional:)`, handing each run of records to `take` once it is final.
  mutating func load(
    _ path: String, optional: Bool, parts: EnvFileParts, take: (EnvFileSegment) -> Void
  ) -> EnvFileParseResult? {
    if let cached = cache[ExactString(path)] {
      cached.segments.forEach(take)
      return cached
    }
    let result: EnvFileParseResult?
    do throws(IOError) {
      let bytes = try InputFile.read(path)
      let name = path == "-" ? InputFile.standardInputName : path
      result = EnvFileText(file: name, bytes: bytes).parse(dialect, parts: parts, take: take)
    } catch {
      if error.kind == .missing && optional { return nil }
      let failure: EnvFileError =
        error.kind == .missing
        ? .missingFile(file: path, reason: error.reason)
        : .unreadableFile(file: path, reason: error.reason)
      result = EnvFileParseResult(errors: [failure])
    }
    cache[ExactString(path)] = result
    return result
  }

  /// Reads `K=V` assignments (`--set`) as a map layer.
  public static func assignments(_ texts: [String], name: String) throws(EnvFileError) -> EnvLayer {
    var pairs: [(key: String, value: String)] = []
    for text in texts {
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw .invalidAssignment(source: name, text: text)
      }
      pairs.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
    }
    return .map(name: name, pairs: pairs)
  }
}

extension Array where Element == EnvFileError {
  /// The exit status for a set of errors: 66 when an input is missing, 74 when one
  /// cannot be read, else 65.
  public var exitStatus: ExitStatus {
    if contains(where: { $0.exitStatus == .noInput }) { return .noInput }
    if contains(where: { $0.exitStatus == .ioError }) { return .ioError }
    return .dataError
  }
}
