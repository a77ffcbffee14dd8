internal import CFlowSystem

/// How this process takes memory from the system.
public enum ProcessMemory {
  /// For a tool that reads one large input, builds its answer and exits (flow-parse,
  /// flow-envfile, flow-resolve, flow-sched): large arrays come from one heap that grows in
  /// 64 MiB steps, backed by huge pages where the system allows them, instead of a fresh
  /// mapping each. Reading a 100,000-line `.env` file took about 5,000 page faults (190
  /// now), which cost nearly as much system time as the parse took user time; a resolve on
  /// rez's benchmark took over a thousand, each costing microseconds of system time;
  /// planning 10,000 stages took 104 ms (86 ms now). A thread such a tool starts
  /// (flow-envfile reads a large file's halves at once) takes from the same heap. Not for
  /// flow-exec: its threads and its memory freed and taken again over a long run spent
  /// more system time so, not less.
  ///
  /// `secondHeap`: for a tool whose work allocates on two threads at once (flow-parse
  /// reads a large stage list's halves at once), one thread of its own at a time takes a
  /// heap of its own, set up by `takeSecondHeap` as the thread starts. Sharing the one
  /// heap, both threads spent as long waiting for its lock as working.
  public static func preferOneLargeHeap(secondHeap: Bool = false) {
    _ = flow_prefer_one_large_heap(64 << 20, secondHeap ? 2 : 1)
    hasOneLargeHeap = true
    hasSecondHeap = secondHeap
  }

  /// Whether `preferOneLargeHeap` set this process's heap up, and with a second heap; set
  /// once, before any thread of flow's own starts.
  nonisolated(unsafe) private static var hasOneLargeHeap = false
  nonisolated(unsafe) private static var hasSecondHeap = false

  /// Whether work that allocates much may be split over two threads (a large workflow's
  /// stage list read in two parts, a large JSON list taken from jansson in two parts):
  /// not where the process keeps to one heap, whose lock both threads would wait on.
  static var allowsAllocatingOnTwoThreads: Bool { !hasOneLargeHeap || hasSecondHeap }

  /// On a thread that allocates while another does, before it allocates (a thread of
  /// work split to run at once, `QuietThread(elsewhere:)`): under
  /// `preferOneLargeHeap(secondHeap: true)`, its heap is backed by huge pages, as the first
  /// heap is.
  static func takeSecondHeap() {
    if hasSecondHeap { _ = flow_prefer_huge_pages_on_thread_heap() }
  }
}
