/// flow-resolve's section of the lock: per stage, the packages chosen, each with a digest
/// of its catalogue entry, so that an entry edited in place (a new path, a new
/// requirement under the same version) shows as a change as much as a new version does.
public enum PackageLock {
  /// The entry of a package that is a fact of this machine (`gpu`, `cuda_driver`), which
  /// no catalogue holds.
  public static let machineEntry = "machine"

  /// `sha256:HEX` of a catalogue entry as read: everything a resolve takes from it, as
  /// one compact JSON array (`digestText(of:)`).
  public static func digest(of entry: PackageVersion) -> String {
    var hasher = SHA256()
    hasher.add(digestText(of: entry))
    return "sha256:" + hasher.finish()
  }

  /// The text `digest(of:)` hashes, written straight as the compact JSON of the array
  /// `[name, key, label, priority, changes, requires, conflicts, released, variant]` and a
  /// newline, where each change is `[name, prepend, append, set, whether set]` and then
  /// what only some changes have: written without building the array's values first (a
  /// resolve digests every package it chose). Tests hold it to the values' own encoding.
  static func digestText(of entry: PackageVersion) -> [UInt8] {
    var text: [UInt8] = []
    text.reserveCapacity(256)
    func comma() { text.append(UInt8(ascii: ",")) }
    func string(_ value: String?) {
      if let value {
        JSONWriter.appendString(value, to: &text)
      } else {
        text.append(contentsOf: "null".utf8)
      }
    }
    func integer(_ value: Int?) {
      if let value {
        JSONWriter.appendInteger(Int64(value), to: &text)
      } else {
        text.append(contentsOf: "null".utf8)
      }
    }
    func list<Item>(_ items: [Item], _ item: (Item) -> Void) {
      text.append(UInt8(ascii: "["))
      for (index, value) in items.enumerated() {
        if index > 0 { comma() }
        item(value)
      }
      text.append(UInt8(ascii: "]"))
    }
    text.append(UInt8(ascii: "["))
    string(entry.name)
    comma()
    string(entry.key)
    comma()
    string(entry.label)
    comma()
    integer(entry.priority)
    comma()
    list(entry.variables) { change in
      text.append(UInt8(ascii: "["))
      string(change.name)
      for values in [change.prepend, change.append, change.set ?? []] {
        comma()
        list(values) { string($0) }
      }
      comma()
      text.append(contentsOf: (change.set != nil ? "true" : "false").utf8)
      // A catalogue's changes (all `commands` of variables, none conditional or
      // unsetting) digest as before phases.
      if change.phase != .commands || change.condition != nil || change.unset
        || change.kind != .variable
      {
        comma()
        integer(change.phase.rawValue)
      }
      if let condition = change.condition {
        comma()
        string(condition)
      }
      if change.unset { text.append(contentsOf: ",true".utf8) }
      if change.kind != .variable {
        comma()
        string(change.kind.rawValue)
      }
      text.append(UInt8(ascii: "]"))
    }
    comma()
    list(entry.requires) { string($0.description) }
    comma()
    list(entry.conflicts) { string($0.description) }
    comma()
    string(entry.released)
    comma()
    integer(entry.variant)
    text.append(contentsOf: "]\n".utf8)
    return text
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
