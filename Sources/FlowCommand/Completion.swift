import ArgumentParser
import FlowCore

/// What the shells offer for option values that are not files or fixed words: the stage
/// names of the workflow given on the command line.
public enum Completion {
  /// Completes a stage name (`--stage`, `--only`, `--from`) from the workflow file or pipe
  /// document named on the line.
  public static let stageNames = CompletionKind.custom { words, index, prefix in
    stageNames(words: words, completing: index, prefix: prefix)
  }

  /// The container engines `--engine` takes.
  public static let engines = CompletionKind.list(ContainerEngine.allCases.map(\.rawValue))

  /// The executors `--executor` takes, as people type them.
  public static let executors = CompletionKind.list(["local", "slurm", "dask"])

  /// The names of the stages of the last word on the line (other than the one completed)
  /// that is a readable workflow file or pipe document, starting with `prefix`; none when
  /// no word is one.
  static func stageNames(words: [String], completing index: Int, prefix: String) -> [String] {
    for (position, word) in words.enumerated().dropFirst().reversed()
    where position != index && !word.hasPrefix("-") {
      let path = unquoted(word)
      guard InputFile.isRegularFile(path), let bytes = try? InputFile.read(path) else {
        continue
      }
      let workflow =
        Workflow.startsLikeDocument(bytes)
        ? try? Workflow(documentBytes: bytes, file: path)
        : try? Workflow(workflowFile: bytes, path: path)
      if let workflow {
        return workflow.stages.map(\.name).filter { $0.hasPrefix(prefix) }
      }
    }
    return []
  }

  /// A word as the shell gives it, verbatim, without the quotes a path is mostly written
  /// with; other quoting is left, and the word then names no file.
  static func unquoted(_ word: String) -> String {
    for quote in ["'", "\""] where word.count >= 2 && word.hasPrefix(quote) && word.hasSuffix(quote)
    {
      return String(word.dropFirst().dropLast())
    }
    return word
  }
}
