import Foundation

/// A workflow folder for flow-exec runs: writes a pipe document into it and reads back
/// what the stages left there.
struct ExecFolder {
  let url: URL

  init() throws { url = try ToolRun.temporaryFolder() }

  var path: String { url.path }

  /// A pipe document from stage objects; every stage gets the defaults flow-parse writes
  /// (`plan` left out unless given, so flow-exec plans it).
  func document(_ stages: [[String: Any]]) throws -> String {
    let completed = stages.map { stage -> [String: Any] in
      var stage = stage
      stage["type"] = stage["type"] ?? "fasthep_flow.operators.BashOperator"
      stage["needs"] = stage["needs"] ?? []
      return stage
    }
    let root: [String: Any] = ["flow": 1, "source": path + "/w.yaml", "stages": completed]
    let data = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  static func bash(
    _ name: String, _ command: String, needs: [String] = [], extra: [String: Any] = [:]
  )
    -> [String: Any]
  {
    var stage: [String: Any] = ["name": name, "kwargs": ["bash_command": command], "needs": needs]
    for (key, value) in extra { stage[key] = value }
    return stage
  }

  func read(_ name: String) -> String? {
    try? String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
  }

  func remove() { try? FileManager.default.removeItem(at: url) }

  /// The events flow-exec printed, as JSON objects.
  static func events(_ stdout: String) -> [[String: Any]] {
    stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  static func ends(_ stdout: String) -> [String: [String: Any]] {
    var result: [String: [String: Any]] = [:]
    for event in events(stdout) where event["type"] as? String == "stage-end" {
      let data = event["data"] as! [String: Any]
      result[data["stage"] as! String] = data
    }
    return result
  }

  /// Stages that each mark themselves running, count the marks, and go: the counts file
  /// then holds how many ran together at each start.
  func countingStages(_ names: [String]) throws -> [[String: Any]] {
    try FileManager.default.createDirectory(
      at: url.appendingPathComponent("running"), withIntermediateDirectories: true)
    let count =
      "touch running/$FLOW_STAGE; ls running | wc -l >> counts; sleep 0.2; rm running/$FLOW_STAGE"
    return names.map { ExecFolder.bash($0, count) }
  }

  /// The counts the counting stages wrote.
  var counts: [Int] {
    (read("counts") ?? "").split(separator: "\n").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
  }
}
