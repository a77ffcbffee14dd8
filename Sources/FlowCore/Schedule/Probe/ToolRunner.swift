/// Runs a program found on `PATH` with an argv array (never a shell), collects its
/// standard output, and kills it when it takes longer than the timeout.
struct ToolRunner {
  var environment: EnvironmentMap
  var timeout: Double

  enum Outcome: Equatable {
    case finished(status: Int32, output: String)
    case timedOut
    case notFound
    case failedToStart(String)
  }

  func run(_ name: String, arguments: [String]) -> Outcome {
    // The probe looks only where `PATH` says: without one, no tool is there.
    guard environment["PATH"] != nil else { return .notFound }
    var tool = ChildProcess([name] + arguments, environment: environment)
    tool.keepsErrors = false
    do throws(ChildProcess.Failure) {
      let finished = try tool.run(timeout: timeout)
      guard let status = finished.status else { return .timedOut }
      return .finished(status: status.shellStatus, output: finished.text)
    } catch {
      return error.status == .notFound ? .notFound : .failedToStart(error.message)
    }
  }
}
