/// What `--dry-run` shows people: one row per stage in the order they would start (stage,
/// executor, image, GPU ids, the stages it waits for, its command), each followed by the
/// variables flow sets for it rather than the whole environment it inherits, in the
/// manner of `make -n` and Snakemake's job table.
public enum DryRunTable {
  public static func render(_ launches: [StageLaunch]) -> String {
    let order = launches.indices.sorted {
      (launches[$0].priority, $0) < (launches[$1].priority, $1)
    }
    var rows = [["STAGE", "EXECUTOR", "IMAGE", "GPUS", "AFTER", "COMMAND"]]
    var variables: [[String]] = [[]]
    for index in order {
      let launch = launches[index]
      let after = launch.needs.map { launches[$0].name }
      rows.append(
        [
          launch.name, shortName(launch.executor), launch.image ?? "-",
          launch.plannedGPUs.isEmpty ? "-" : launch.plannedGPUs.joined(separator: ","),
          after.isEmpty ? "-" : after.joined(separator: ","),
          launch.stageArgv.map(ShellWord.quotedIfNeeded).joined(separator: " "),
        ].map(visible))
      variables.append(
        launch.addedEnvironment(launch.plannedGPUs).map { visible("\($0.key)=\($0.value)") }
          + (launch.gpuDecision.map { ["gpu decision: " + visible($0.summary)] } ?? []))
    }
    let widths = (0..<rows[0].count - 1).map { column in
      rows.map { $0[column].count }.max() ?? 0
    }
    var text = ""
    for (row, added) in zip(rows, variables) {
      var line = ""
      for (column, cell) in row.enumerated() {
        let isLast = column == row.count - 1
        line +=
          isLast ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
      }
      text += line + "\n"
      for variable in added { text += "    " + variable + "\n" }
    }
    return text
  }

  /// The executor as `--executor` names it.
  public static func shortName(_ executor: Executor) -> String {
    switch executor {
    case .local: return "local"
    case .dask: return "dask"
    case .slurm: return "slurm"
    }
  }

  /// `text` with control characters written as escapes, so that a command or value cannot
  /// break the table or drive the terminal.
  public static func visible(_ text: String) -> String {
    var shown = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": shown += "\\n"
      case "\t": shown += "\\t"
      case "\r": shown += "\\r"
      case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
        shown += "\\u{" + String(scalar.value, radix: 16) + "}"
      default: shown.unicodeScalars.append(scalar)
      }
    }
    return shown
  }
}
