/// Counts the steps that reading version specs takes (bytes scanned, intervals sorted, merged
/// or intersected), so that a test can check that the work grows in proportion to a spec's
/// length: specs come from catalogues and documents, and a quadratic step would let one long
/// spec stall a resolve. Outside such a test no counter is set, and counting costs a
/// task-local read.
enum SpecReadingWork {
  final class Counter: @unchecked Sendable {
    var steps = 0
  }

  @TaskLocal static var counter: Counter?

  @inline(__always)
  static func add(_ steps: Int) { counter?.steps += steps }
}
