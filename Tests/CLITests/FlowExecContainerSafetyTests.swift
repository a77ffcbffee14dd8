import Foundation
import Testing

/// What a document says about a container never reaches podman as anything else: folder
/// names, images and stage names, with the real podman.
@Suite(.serialized) struct FlowExecContainerSafetyTests {
  func stage(_ name: String, _ command: String, image: String = FlowExecContainerTests.image)
    -> [String: Any]
  {
    ExecFolder.bash(
      name, command,
      extra: ["environment": ["image": image, "variables": ["merged": ["V": "a,b=c \"d\""]]]])
  }

  /// A document in `folder`, as flow-parse writes one for `folder/w.yaml`.
  func document(_ stages: [[String: Any]], in folder: String) throws -> String {
    let typed = stages.map { $0.merging(["type": "BashOperator"]) { old, _ in old } }
    let root: [String: Any] = ["flow": 1, "source": folder + "/w.yaml", "stages": typed]
    let data = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// A folder named `run:1` or `data,v2` broke the mount argument (`-v a:b` splits on
  /// `:`, `--mount` on `,`).
  @Test(arguments: ["run:1", "data,v2", "a b", #"it's "q""#])
  func anyFolderNameMountsAsItIs(name: String) throws {
    #expect(FlowExecContainerTests.prepared)
    let scratch = try ExecFolder()
    defer { scratch.remove() }
    let folder = scratch.path + "/" + name
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"],
      stdin: try document([stage("in", "pwd > seen; echo \"$V\" >> seen")], in: folder))
    #expect(run.status == 0, "\(run.stderr)")
    let seen = try? String(contentsOfFile: folder + "/seen", encoding: .utf8)
    #expect(seen == folder + "\na,b=c \"d\"\n")
  }

  /// An image named `--privileged` reached podman as an option. The document reader
  /// refuses what no engine could take (a leading dash, spaces); the run checks the rest
  /// against the image reference grammar.
  @Test(arguments: [
    ("--privileged", "image '--privileged' must not start with '-'"),
    ("-v=/:/host", "image '-v=/:/host' must not start with '-'"),
    ("Bad Image", "image 'Bad Image' must not contain spaces"),
    ("x;touch ran", "image 'x;touch ran' must not contain spaces"),
    ("Upper/Case", "stage 'boxed' can never run: image \"Upper/Case\" is not an image reference"),
    ("a//b", "stage 'boxed' can never run: image \"a//b\" is not an image reference"),
    ("a:1:2", "stage 'boxed' can never run: image \"a:1:2\" is not an image reference"),
  ])
  func anImageThatIsNoReferenceIsRefused(image: String, message: String) throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"],
      stdin: try folder.document([stage("boxed", "touch ran", image: image)]))
    #expect(run.status == 125)
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(folder.read("ran") == nil)
  }

  /// A workflow at `/` bind-mounted the host's root into the container (`-v /:/`).
  @Test(arguments: ["/", "/etc", "/tmp"])
  func aSystemFolderIsNeverMounted(folder: String) throws {
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman", "--dry-run"],
      stdin: try document([stage("boxed", "true")], in: folder == "/" ? "" : folder))
    #expect(run.status == 125)
    #expect(run.stderr.contains("stage 'boxed' can never run: the workflow folder"))
    #expect(run.stderr.contains("put the workflow in a folder of its own"))
  }

  /// Container names collided for `a.b` and `a_b` and were invalid for `café`; a name
  /// starting with `-` or 200 characters long (the longest the readers take) is a valid container name too.
  @Test func stageNamesMakeDistinctValidContainerNames() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    let names = ["a.b", "a_b", "café", ".hidden", "-x", String(repeating: "n", count: 200)]
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"],
      stdin: try folder.document(names.map { stage($0, "echo \"$FLOW_STAGE\"") }))
    #expect(run.status == 0, "\(run.stderr)")
    let ends = ExecFolder.ends(run.stdout)
    #expect(Set(ends.keys) == Set(names))
    #expect(ends.values.allSatisfy { $0["status"] as? Int == 0 })
  }
}
