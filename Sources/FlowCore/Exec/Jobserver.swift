import Glibc

/// A client of GNU make's jobserver: a stage beyond the first takes a job slot (one byte)
/// before it starts and gives the same byte back when it ends, so make and flow-exec
/// together never run more than `make -jN` things. Reads `--jobserver-auth=` from
/// `MAKEFLAGS`: `fifo:PATH` (make 4.4) or the `R,W` descriptors of older makes.
public final class Jobserver {
  /// Non-blocking, opened by this process, so make's own descriptors keep their flags.
  public let readDescriptor: Int32
  private let writeDescriptor: Int32
  private var held = 0

  private init(read: Int32, write: Int32) {
    readDescriptor = read
    writeDescriptor = write
  }

  /// The jobserver `MAKEFLAGS` names, `nil` when it names none, and an error when it
  /// names one that cannot be reached (a recipe without `+`, a fifo that is gone).
  public static func connect(makeflags: String?) throws(ExecError) -> Jobserver? {
    guard let makeflags else { return nil }
    var auth: String?
    for word in makeflags.split(separator: " ") {
      for prefix in ["--jobserver-auth=", "--jobserver-fds="] where word.hasPrefix(prefix) {
        auth = String(word.dropFirst(prefix.count))
      }
    }
    guard let auth else { return nil }
    if auth.hasPrefix("fifo:") {
      let path = String(auth.dropFirst(5))
      let descriptor = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
      guard descriptor >= 0 else {
        throw .jobserver("cannot open \(path): \(String(cString: strerror(errno)))")
      }
      return Jobserver(read: descriptor, write: descriptor)
    }
    let parts = auth.split(separator: ",").compactMap { Int32($0) }
    guard parts.count == 2 else { throw .jobserver("unreadable --jobserver-auth=\(auth)") }
    guard fcntl(parts[0], F_GETFD) >= 0, fcntl(parts[1], F_GETFD) >= 0 else {
      throw .jobserver(
        "descriptors \(parts[0]),\(parts[1]) are closed (mark the recipe with '+' or use make 4.4)")
    }
    let reader = open("/proc/self/fd/\(parts[0])", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard reader >= 0 else { throw .jobserver("cannot reopen descriptor \(parts[0])") }
    return Jobserver(read: reader, write: parts[1])
  }

  /// The jobserver `MAKEFLAGS` names and the limit on stages at once. As GNU make does
  /// when its jobserver is out of reach (a recipe without `+` under make 4.3), a run
  /// then goes on the one slot this process already holds; `note` says so when that
  /// holds back more than one stage.
  public static func join(
    makeflags: String?, jobs: Int?, stageCount: Int
  ) -> (jobserver: Jobserver?, jobs: Int?, note: String?) {
    do throws(ExecError) {
      return (try connect(makeflags: makeflags), jobs, nil)
    } catch {
      return (nil, 1, stageCount > 1 ? "\(error); running one stage at a time" : nil)
    }
  }

  /// A job slot's byte, or `nil` when none is free now.
  public func acquire() -> UInt8? {
    var byte: UInt8 = 0
    guard SystemCall.retrying({ read(readDescriptor, &byte, 1) }) == 1 else { return nil }
    held += 1
    return byte
  }

  /// Gives a slot back.
  public func release(_ byte: UInt8) {
    try? Descriptor.writeAll([byte], to: writeDescriptor)
    held -= 1
  }
}
