import Glibc

/// Seconds of processor time the calling thread has used: unlike the monotonic clock, it
/// does not run on while other work on a busy machine has the processor, so a limit set
/// in it stops work at the same point however loaded the machine is.
public enum ThreadCPUClock {
  public static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
