/// flow-resolve's section of the lock: per stage, the packages chosen, each with a digest
/// of its catalogue entry, so that an entry edited in place (a new path, a new
/// requirement under the same version) shows as a change as much as a new version does.
public enum PackageLock {
  /// The entry of a package that is a fact of this machine (`gpu`, `cuda_driver`), which
  /// no catalogue holds.
  public static let machineEntry = "machine"

  /// `sha256:HEX` of a catalogue entry as read: everything a resolve takes from it.
  public static func digest(of entry: PackageVersion) -> String {
    func changes(_ list: [VariableChange]) -> JSONValue {
      .array(
        list.map { change in
          var items: [JSONValue] = [.string(change.name)]
          for values in [change.prepend, change.append, change.set ?? []] {
            items.append(.array(values.map(JSONValue.string)))
          }
          items.append(.bool(change.set != nil))
          // A catalogue's changes (all `commands` of variables, none conditional or
          // unsetting) digest as before phases.
          if change.phase != .commands || change.condition != nil || change.unset
            || change.kind != .variable
          {
            items.append(.integer(Int64(change.phase.rawValue)))
          }
          if let condition = change.condition { items.append(.string(condition)) }
          if change.unset { items.append(.bool(true)) }
          if change.kind != .variable { items.append(.string(change.kind.rawValue)) }
          return .array(items)
        })
    }
    let fields: [JSONValue] = [
      .string(entry.name), .string(entry.key), entry.label.map(JSONValue.string) ?? .null,
      .integer(Int64(entry.priority)), changes(entry.variables),
      .array(entry.requires.map { .string($0.description) }),
      .array(entry.conflicts.map { .string($0.description) }),
      entry.released.map(JSONValue.string) ?? .null,
      entry.variant.map { .integer(Int64($0)) } ?? .null,
    ]
    return "sha256:" + SHA256.hex(String(decoding: JSONCodec.encode(.array(fields)), as: UTF8.self))
  }

  /// The section for `workflow`'s resolved stages, the stages of `earlier` that were not
  /// resolved now (not selected) kept while the workflow still has them. Each package's
  /// entry is the digest its resolution carries, which the stage cache's key holds too.
  public static func section(
    of workflow: Workflow, keeping earlier: [String: [String: LockedPackage]]?
  ) -> [String: [String: LockedPackage]] {
    var stages: [String: [String: LockedPackage]] = [:]
    for stage in workflow.stages {
      guard let resolution = stage.resolution else {
        if !stage.environment.requirements.isEmpty, let kept = earlier?[stage.name] {
          stages[stage.name] = kept
        }
        continue
      }
      var packages: [String: LockedPackage] = [:]
      for package in resolution.packages {
        packages[package.name] = LockedPackage(
          version: package.version, entry: package.entry ?? machineEntry,
          variant: package.variant)
      }
      stages[stage.name] = packages
    }
    return stages
  }

  /// The versions a resolve keeps, per stage: all the lock holds but the packages named in
  /// `moving` (nil: none moves; empty: every one moves).
  public static func preferences(
    _ locked: [String: [String: LockedPackage]], moving: Set<String>?
  ) -> [String: [String: PreferredVersion]] {
    if let moving, moving.isEmpty { return [:] }
    return locked.mapValues { packages in
      var kept: [String: PreferredVersion] = [:]
      for (name, package) in packages where !(moving?.contains(name) ?? false) {
        kept[name] = PreferredVersion(key: package.version, variant: package.variant)
      }
      return kept
    }
  }

  /// What moved from `old` to `new`, one line per change, for a person; empty when
  /// nothing did. `places` says where a stage is written (`FILE:LINE:COLUMN`).
  public static func changes(
    from old: [String: [String: LockedPackage]], to new: [String: [String: LockedPackage]],
    places: [String: String] = [:]
  ) -> [String] {
    var lines: [String] = []
    for stage in Set(old.keys).union(new.keys).sorted() {
      let prefix = (places[stage].map { "\($0): " } ?? "") + "stage '\(stage)': "
      let before = old[stage] ?? [:]
      let now = new[stage] ?? [:]
      for name in Set(before.keys).union(now.keys).sorted() {
        switch (before[name], now[name]) {
        case (nil, let added?): lines.append(prefix + "\(name) \(added.label) added")
        case (let gone?, nil): lines.append(prefix + "\(name) \(gone.label) no longer chosen")
        case (let was?, let is_?) where was.label != is_.label:
          lines.append(prefix + "\(name) \(was.label) → \(is_.label)")
        case (let was?, let is_?) where was.entry != is_.entry:
          lines.append(
            prefix + "\(name) \(was.label): its catalogue entry changed (\(is_.entry))")
        default: break
        }
      }
    }
    return lines
  }
}
