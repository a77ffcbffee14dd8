import Foundation
import Testing

/// flow-exec's section of flow.lock with real podman images: the digest podman reports
/// for an image it holds, `not local` for one it does not (never pulled to lock it).
@Suite(.serialized, .enabled(if: FlowExecContainerTests.prepared))
struct FlowLockImageTests {
  static func workflow(_ image: String) -> String {
    """
    stages:
      - name: boxed
        type: BashOperator
        kwargs: {bash_command: "true"}
        environment: {image: "\(image)"}

    """
  }

  @Test func theLockRecordsTheDigestPodmanReportsAndLockedRefusesAnother() throws {
    let image = FlowExecContainerTests.image
    let folder = try FlowExecCacheTests.Folder(workflow: Self.workflow(image))
    defer { folder.folder.remove() }
    let first = try ToolRun.run("flow-exec", ["--lock", "flow.lock", "w.yaml"], in: folder.url)
    #expect(first.status == 0, "\(first.stderr)")
    let inspected = try ToolRun.run(
      "/usr/bin/podman", ["image", "inspect", "--format", "{{.Digest}}", image])
    let digest = inspected.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let lock = try #require(folder.folder.read("flow.lock"))
    #expect(lock.contains("\"\(image)\": \"\(digest)\""), "\(lock)")
    let other = "sha256:" + String(repeating: "0", count: 64)
    try folder.write("flow.lock", lock.replacing(digest, with: other))
    let refused = try ToolRun.run("flow-exec", ["--locked", "w.yaml"], in: folder.url)
    #expect(refused.status == 65, "\(refused.stderr)")
    #expect(refused.stderr.contains("image \(image): \(other) → \(digest)"), "\(refused.stderr)")
  }

  @Test func anImageTheEngineDoesNotHoldIsLockedAsNotLocalWithoutPulling() throws {
    let image = "localhost/flow-test-missing:1"
    let folder = try FlowExecCacheTests.Folder(workflow: Self.workflow(image))
    defer { folder.folder.remove() }
    // The stage itself fails (podman cannot pull it); the lock was written before.
    _ = try ToolRun.run("flow-exec", ["--lock", "flow.lock", "w.yaml"], in: folder.url)
    let lock = try #require(folder.folder.read("flow.lock"))
    #expect(lock.contains("\"\(image)\": \"not local\""), "\(lock)")
  }
}
