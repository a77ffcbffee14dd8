extension Workflow {
  /// The workflow file as messages name it: its `source` from the current folder when it
  /// lies below it (as the person typed it, mostly), else as the document gives it
  /// (an absolute path, or `<stdin>`).
  public var sourceName: String {
    PathText.shown(source, from: PathText.currentDirectory)
  }

  /// Where a stage is written in the workflow file, `FILE:LINE:COLUMN`, for messages about
  /// it; nil when the document does not say.
  public func place(of stage: Stage) -> String? {
    stage.position.map { "\(sourceName):\($0)" }
  }
}

extension PathText {
  /// `path` relative to `folder` when it lies below it, else unchanged.
  public static func shown(_ path: String, from folder: String) -> String {
    let prefix = folder.hasSuffix("/") ? folder : folder + "/"
    guard path.hasPrefix("/"), path.hasPrefix(prefix), path.count > prefix.count else {
      return path
    }
    return String(path.dropFirst(prefix.count))
  }
}
