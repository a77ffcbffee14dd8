/// A stage's environment for a machine whose own environment flow cannot see (a Slurm
/// node's, `--export=NONE`): each assignment in DESIGN.md's order, to run there in sh,
/// over what the machine itself gives. A `$NAME` in an action's value is left to the
/// shell, so it expands against the environment being built there; a prepend or append
/// joins the variable's value there with `:` only when it is set, as `applied(to:)`
/// does. Values are single-quoted and names checked, so no data ever becomes shell code.
public struct NodeAssignment: Sendable, Equatable {
  public enum Part: Sendable, Equatable {
    case text(String)
    /// The variable's value where the script runs (nothing when unset).
    case variable(String)
    /// `:` when the variable is set where the script runs, else nothing.
    case separatorIfSet(String)
  }

  public var name: String
  public var parts: [Part]
  /// Whether the variable is removed instead (`unset NAME`; its parts are empty).
  public var removes: Bool

  public init(name: String, parts: [Part], removes: Bool = false) {
    self.name = name
    self.parts = parts
    self.removes = removes
  }

  /// `export NAME='text'"${VAR}"${VAR+:}…`, or `unset NAME` (the names were checked when
  /// made).
  public var shell: String {
    if removes { return "unset \(name)" }
    let value = parts.map { part in
      switch part {
      case .text(let text): ShellWord.quote(text)
      case .variable(let name): "\"${\(name)}\""
      case .separatorIfSet(let name): "${\(name)+:}"
      }
    }.joined()
    return "export \(name)=" + (value.isEmpty ? "''" : value)
  }
}

extension StageEnvironment {
  /// The stage's environment as assignments over the base of the machine it runs on; the
  /// GPU visibility variable is left to that machine's scheduler. Names that are no shell
  /// names, and those `skipping` says, are left out.
  public func nodeAssignments(
    stage: String, workflow: String, command: [(name: String, value: String)] = [],
    skipping: (String) -> Bool = { _ in false }
  ) -> [NodeAssignment] {
    var result: [NodeAssignment] = []
    func keeps(_ name: String) -> Bool { ShellWord.isName(name) && !skipping(name) }
    for action in actions.actions where keeps(action.variable) {
      let value = Self.parts(action.value)
      let name = action.variable
      switch action.kind {
      case .set: result.append(NodeAssignment(name: name, parts: value))
      case .prepend:
        result.append(
          NodeAssignment(
            name: name, parts: value + [.separatorIfSet(name), .variable(name)]))
      case .append:
        result.append(
          NodeAssignment(
            name: name, parts: [.variable(name), .separatorIfSet(name)] + value))
      case .unset: result.append(NodeAssignment(name: name, parts: [], removes: true))
      }
    }
    var literal = variables.map { ($0.name, $0.value) }
    literal += [("FLOW_STAGE", stage), ("FLOW_WORKFLOW", workflow)]
    literal += command.map { ($0.name, $0.value) }
    for (name, value) in literal where keeps(name) {
      result.append(NodeAssignment(name: name, parts: [.text(value)]))
    }
    return result
  }

  /// An action's value with its references left to the shell; a reference by a name sh
  /// cannot spell is one that no assignment can set, so it expands to nothing.
  static func parts(_ value: String) -> [NodeAssignment.Part] {
    EnvironmentActions.pieces(value).compactMap { piece in
      switch piece {
      case .text(let text): .text(text)
      case .variable(let name): ShellWord.isName(name) ? .variable(name) : nil
      }
    }
  }
}
