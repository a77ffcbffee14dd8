import Glibc

extension rusage {
  /// User and system CPU time together, in seconds.
  var cpuSeconds: Double {
    Double(ru_utime.tv_sec) + Double(ru_utime.tv_usec) / 1e6 + Double(ru_stime.tv_sec)
      + Double(ru_stime.tv_usec) / 1e6
  }
}
