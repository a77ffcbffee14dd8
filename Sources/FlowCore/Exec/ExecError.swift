import Glibc

/// Why flow-exec cannot run a workflow (or a stage of it) at all: 69 when a cluster
/// cannot be used, else 125 (env(1)'s status for a failure of the runner itself).
public enum ExecError: ToolFailure, Equatable, Sendable {
  /// `place` is where the stage is written (`FILE:LINE:COLUMN`), when known.
  case unknownStageType(stage: String, type: String?, place: String?)
  case missingKeyword(stage: String, keyword: String, place: String?)
  case invalidCallable(stage: String, callable: String)
  case badKeyword(stage: String, keyword: String, expected: String, place: String?)
  case unknownStage(String, suggestion: String?)
  case skippedStep(stage: String, step: String, tool: String)
  case unsupportedExecutor(stage: String, executor: String)
  /// A cluster cannot be used at all: what is missing, and how to get it (exit 69).
  case clusterUnavailable(String)
  case cluster(String)
  case refused(stage: String, reason: String)
  /// A package's commands stop where the stage would run (rez's `stop()`): its message.
  case environmentStopped(stage: String, message: String)
  case noContainerEngine
  case engineNotInstalled(String)
  /// The engine is there but cannot be run (not executable).
  case engineNotRunnable(String, reason: String)
  case unknownEngine(String)
  case gpuUnavailable(stage: String, reason: String)
  case system(call: String, errno: Int32)
  case jobserver(String)
  case plan(PlanError)
  case variables(String)
  case resolution(String)
  /// A stage's requirements cannot be resolved; `place` as for `unknownStageType`.
  case stageResolution(stage: String, place: String?, reason: String)
  /// The lock cannot be read or written, or holds what `--locked` refuses to change.
  case lock(LockFailure)

  public var exitStatus: ExitStatus {
    if case .clusterUnavailable = self { return .unavailable }
    if case .lock(let failure) = self { return failure.exitStatus }
    return .toolFailed
  }

  public var description: String {
    place.map { "\($0): \(message)" } ?? message
  }

  /// Where in the workflow the stage a problem is about is written (`FILE:LINE:COLUMN`),
  /// if the problem is about one stage's own fields and the place is known.
  public var place: String? {
    switch self {
    case .unknownStageType(_, _, let place), .missingKeyword(_, _, let place),
      .badKeyword(_, _, _, let place):
      return place
    default: return nil
    }
  }

  /// The description without the place, for a tool that tells the place its own way.
  public var message: String {
    switch self {
    case .unknownStageType(let stage, let type, _):
      let named = type.map { "unknown stage type '\($0)'" } ?? "no stage type"
      return "stage '\(stage)': \(named) (expected BashOperator or PythonOperator)"
    case .missingKeyword(let stage, let keyword, _):
      return "stage '\(stage)': kwargs.\(keyword) is missing or not a string"
    case .invalidCallable(let stage, let callable):
      return
        "stage '\(stage)': python_callable '\(callable)' is not a builtin such as print or a module.function"
    case .badKeyword(let stage, let keyword, let expected, _):
      return "stage '\(stage)': kwargs.\(keyword) must be \(expected)"
    case .unknownStage(let name, let suggestion):
      return "no stage named '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
    case .skippedStep(let stage, let step, let tool):
      return "stage '\(stage)': \(step) (run \(tool) first, or leave out --strict)"
    case .unsupportedExecutor(let stage, let executor):
      return "stage '\(stage)': executor \(executor) is not supported by this runner"
    case .clusterUnavailable(let message), .cluster(let message):
      return message
    case .refused(let stage, let reason):
      return "stage '\(stage)' can never run: \(reason)"
    case .environmentStopped(let stage, let message):
      return "stage '\(stage)': its environment cannot be made here: \(message)"
    case .noContainerEngine:
      return
        "a stage names an image but no container engine is installed (podman, docker, apptainer)"
    case .engineNotInstalled(let engine):
      return "container engine '\(engine)' is not installed (not found in PATH)"
    case .engineNotRunnable(let engine, let reason):
      return "container engine '\(engine)' cannot be run: \(reason)"
    case .unknownEngine(let engine):
      return "unknown container engine '\(engine)' (expected podman, docker or apptainer)"
    case .gpuUnavailable(let stage, let reason):
      return "stage '\(stage)' needs a gpu: \(reason)"
    case .system(let call, let code):
      return "\(call): \(String(cString: strerror(code)))"
    case .jobserver(let reason):
      return "make jobserver: \(reason)"
    case .plan(let error):
      return error.description
    case .variables(let message):
      return message
    case .resolution(let message):
      return "resolving requirements: \(message)"
    case .stageResolution(let stage, let place, let reason):
      let place = place.map { "\($0): " } ?? ""
      return "\(place)stage '\(stage)': resolving requirements: \(reason)"
    case .lock(let failure):
      return failure.description
    }
  }
}
