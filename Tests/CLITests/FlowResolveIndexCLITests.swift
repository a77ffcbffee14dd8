import Foundation
import Testing

/// The catalogue index as `flow-resolve` keeps it: built by several processes at once,
/// unwritable, damaged, or asked for at a relative path.
@Suite struct FlowResolveIndexCLITests {
  /// A catalogue whose index is some kilobytes: a chain of packages, each with 20 versions.
  static let chain: String = {
    var text = ""
    for package in 0..<40 {
      for version in 0..<20 {
        text += "[packages.p\(package).\"\(version).0.0\"]\n"
        text += "env.P\(package) = \"/opt/p\(package)/\(version)\"\n"
        if package > 0 { text += "requires = [\"p\(package - 1) >=\(version % 5).0.0\"]\n" }
      }
    }
    return text
  }()

  /// Runs `script` in a scratch folder holding `chain.toml`.
  static func shell(_ script: String) throws -> ToolRun {
    let scratch = try ShellRun.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    try chain.write(
      to: scratch.appendingPathComponent("chain.toml"), atomically: true, encoding: .utf8)
    return try ShellRun.run(script, in: scratch)
  }

  /// Builders of the same index at the same time each write their own temporary file and
  /// rename it into place: none fails, none reads another's half-written file.
  @Test func twoBuildersAtOnceNeverFail() throws {
    let run = try Self.shell(
      """
      flow-resolve --catalog chain.toml --index alone.index p39 > expected
      for round in 1 2 3 4 5 6 7 8; do
        rm -rf cache
        pids=
        for builder in 1 2 3; do
          flow-resolve --catalog chain.toml --index cache/shared.index p39 \\
            > out.$builder 2> err.$builder &
          pids="$pids $!"
        done
        for pid in $pids; do wait $pid || echo "round $round: exit $?"; done
        for builder in 1 2 3; do
          cmp -s expected out.$builder || echo "round $round: builder $builder answered otherwise"
          [ ! -s err.$builder ] || cat err.$builder
        done
        ls -A cache
      done
      """)
    #expect(run.status == 0)
    #expect(run.stderr == "")
    // Each round leaves the index and nothing else: no temporary file behind.
    #expect(run.stdout == String(repeating: "shared.index\n", count: 8))
  }

  /// A file-size limit makes the index write fail (EFBIG, as a full disk gives ENOSPC):
  /// the resolve goes on from memory with one warning, and nothing is left behind.
  @Test func unwritableIndexResolvesFromMemoryWithOneWarning() throws {
    let run = try Self.shell(
      """
      flow-resolve --catalog chain.toml --index alone.index p39 > expected
      mkdir cache
      # Through a pipe, which the limit does not cover.
      (ulimit -f 1; exec flow-resolve --catalog chain.toml --index cache/x.index p39) | cat > out
      echo "exit ${PIPESTATUS[0]}"
      cmp expected out && echo same
      ls -A cache
      """)
    #expect(run.stdout == "exit 0\nsame\n")
    #expect(
      run.stderr
        == "flow-resolve: cache/x.index: cannot write the catalogue index (write error: file "
        + "too large); resolving from the catalogue in memory\n")
  }

  /// A damaged index is rebuilt with one line saying why, and gives the right answer,
  /// wherever the damage lies: near the start, or near the end, in the last packages, a
  /// block the opening does not read and the resolve does.
  @Test(arguments: ["200", "$(($(wc -c < x.index) - 1000))"])
  func damagedIndexIsRebuiltWithAWarning(at offset: String) throws {
    let run = try Self.shell(
      """
      flow-resolve --catalog chain.toml --index x.index p39 > expected
      printf '\\377' | dd of=x.index bs=1 seek=\(offset) conv=notrunc status=none
      flow-resolve --catalog chain.toml --index x.index p39 > out
      echo "exit $?"
      cmp expected out && echo same
      flow-resolve --catalog chain.toml --index x.index p39 > out
      """)
    #expect(run.stdout == "exit 0\nsame\n")
    #expect(
      run.stderr
        == "flow-resolve: x.index: catalogue index not used: damaged (checksum mismatch); "
        + "rebuilding it from the catalogue\n")
  }

  /// flow-exec, resolving a workflow's requirements itself, says what flow-resolve says of
  /// the index and the catalogue: a damaged index rebuilt (found on opening or while
  /// resolving), and each entry skipped, even when the resolve then fails.
  @Test(arguments: ["200", "$(($(wc -c < x.index) - 1000))"])
  func flowExecSaysWhatFlowResolveSays(damagedAt offset: String) throws {
    let run = try Self.shell(
      """
      printf 'stages:\\n  - name: a\\n    type: BashOperator\\n    kwargs: {bash_command: "true"}\\n    environment: {requirements: [p39]}\\n' > w.yaml
      flow-resolve --catalog chain.toml --index x.index p39 > /dev/null
      printf '\\377' | dd of=x.index bs=1 seek=\(offset) conv=notrunc status=none
      flow-exec --format json --catalog chain.toml --index x.index w.yaml > /dev/null
      echo "exit $?"
      printf '[packages.p0."1.x"]\\n' > bad.toml
      sed -i 's/p39/p40/' w.yaml
      flow-exec --format json --catalog chain.toml --catalog bad.toml --index y.index w.yaml
      echo "exit $?"
      """)
    #expect(run.stdout == "exit 0\nexit 125\n")
    #expect(
      run.stderr
        == "flow-exec: x.index: catalogue index not used: damaged (checksum mismatch); "
        + "rebuilding it from the catalogue\n"
        + "flow-exec: bad.toml:1:1: p0 1.x: invalid version '1.x' at column 3: expected a "
        + "number after '.'; skipped\n"
        + "flow-exec: w.yaml:2:5: stage 'a': resolving requirements: p40 is requested and no "
        + "package p40 is in the catalogue (did you mean 'p0'?)\n")
  }

  /// A relative `--index` is relative to the working folder: its folders are made there,
  /// never at `/`.
  @Test func relativeIndexPathStaysRelative() throws {
    let name = "flow-relative-\(UUID().uuidString)"
    let run = try Self.shell(
      """
      flow-resolve --catalog chain.toml --index \(name)/deeper/x.index p0 > /dev/null
      echo "exit $?"
      [ -f \(name)/deeper/x.index ] && echo here
      [ -e /\(name) ] && echo "at the root"
      true
      """)
    #expect(run.stdout == "exit 0\nhere\n")
    #expect(run.stderr == "")
  }
}
