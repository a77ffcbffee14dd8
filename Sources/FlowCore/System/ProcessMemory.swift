internal import CFlowSystem

/// How this process takes memory from the system.
public enum ProcessMemory {
  /// For a tool that reads one large input, builds its answer and exits (flow-parse,
  /// flow-envfile, flow-resolve): large arrays come from one heap that grows in 64 MiB
  /// steps, backed by huge pages where the system allows them, instead of a fresh mapping
  /// each. Reading a 100,000-line `.env` file took about 5,000 page faults (190 now), which
  /// cost nearly as much system time as the parse took user time; a resolve on rez's
  /// benchmark took over a thousand, each costing microseconds of system time. A thread
  /// such a tool starts (flow-envfile reads a large file's halves at once) takes from the
  /// same heap. Not for flow-exec: its threads and its memory freed and taken again over
  /// a long run spent more system time so, not less.
  public static func preferOneLargeHeap() {
    _ = flow_prefer_one_large_heap(64 << 20)
  }
}
