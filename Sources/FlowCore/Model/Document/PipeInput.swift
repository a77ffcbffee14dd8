/// What a tool that reads a pipe document was given instead of one, said so that the person
/// knows which step to run: nothing at all (in a pipe, the step before failed and wrote
/// nothing), or a workflow file that flow-parse has not read yet.
public struct PipeInputError: ToolFailure, Equatable, Sendable {
  public enum Kind: Sendable, Equatable {
    /// No bytes, or only white space.
    case empty
    /// A YAML mapping, as every workflow file is, rather than JSON.
    case workflowFile
  }

  public var kind: Kind
  /// The input as messages name it: a path, or `InputFile.standardInputName`.
  public var file: String
  /// The tool that expected the document, named in the command suggested.
  public var tool: String

  public init(_ kind: Kind, file: String, tool: String) {
    self.kind = kind
    self.file = file
    self.tool = tool
  }

  /// A document that cannot be read, like any other bad document.
  public var exitStatus: ExitStatus { .dataError }

  public var description: String {
    let isStandardInput = file == InputFile.standardInputName
    switch kind {
    case .empty where isStandardInput:
      return "no document on standard input: did the step before fail?"
    case .empty:
      return "\(file): the file is empty, not a pipe document (flow-parse writes one)"
    case .workflowFile where isStandardInput:
      // flow-exec reads a workflow file it is given by name.
      let direct = tool == "flow-exec" ? ", or flow-exec WORKFLOW.yaml" : ""
      return "standard input is a workflow file, not a pipe document:"
        + " run flow-parse WORKFLOW.yaml | \(tool)\(direct)"
    case .workflowFile:
      return "\(file) is a workflow file, not a pipe document:"
        + " run flow-parse \(ShellWord.quotedIfNeeded(file)) | \(tool)"
    }
  }
}

extension Workflow {
  /// Reads the pipe document `tool` was given (the bytes of `file`, which may be
  /// `InputFile.standardInputName`); an empty input or a workflow file is told as such.
  public init(pipeInput bytes: [UInt8], file: String, tool: String) throws {
    if let kind = Workflow.misplacedInput(bytes) {
      throw PipeInputError(kind, file: file, tool: tool)
    }
    self = try Workflow(documentBytes: bytes, file: file)
  }

  /// What the bytes are when they are not meant as a pipe document: empty, or a workflow
  /// file. A pipe document is a JSON object, so only text that does not start with `{` is
  /// read as YAML to find out.
  public static func misplacedInput(_ bytes: [UInt8]) -> PipeInputError.Kind? {
    guard !isBlank(bytes) else { return .empty }
    guard !startsLikeDocument(bytes) else { return nil }
    // A workflow file is a YAML mapping; a pipe document, though YAML too, starts with `{`.
    guard let loaded = try? YAMLLoader().load(bytes, file: ""), loaded.root?.mapping != nil
    else { return nil }
    return .workflowFile
  }

  /// Whether the text holds nothing but white space (an empty input).
  public static func isBlank(_ bytes: [UInt8]) -> Bool {
    !bytes.contains { !Self.whiteSpace.contains($0) }
  }

  /// Whether the text's first character other than white space is the `{` that starts
  /// every pipe document. A byte order mark before it counts as the start too: such
  /// text is JSON (refused by the JSON reader, which says why), not a workflow.
  public static func startsLikeDocument(_ bytes: [UInt8]) -> Bool {
    let text = bytes.starts(with: Self.byteOrderMark) ? bytes.dropFirst(3) : bytes[...]
    return text.first { !Self.whiteSpace.contains($0) } == Self.documentStart
  }

  private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  private static let documentStart = UInt8(ascii: "{")
  private static let whiteSpace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

  /// Reads a workflow file as flow-parse does: `path` (or `-` for standard input) names it
  /// in messages; the document's `source` is its absolute path, and relative variable
  /// files are found beside it (beside the current folder for standard input).
  public init(workflowFile bytes: [UInt8], path: String) throws(WorkflowError) {
    let isStandardInput = path == "-"
    let cwd = PathText.currentDirectory
    let source =
      isStandardInput ? InputFile.standardInputName : PathText.absolute(path, relativeTo: cwd)
    self = try WorkflowReader.read(
      bytes, file: isStandardInput ? InputFile.standardInputName : path, source: source,
      baseDirectory: isStandardInput ? cwd : PathText.directory(of: source))
  }
}
