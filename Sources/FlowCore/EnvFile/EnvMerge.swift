/// One layer of a merge: the entries of a parsed file, or a map of literal values
/// (`--set K=V`, a pipe document's `values`).
public enum EnvLayer: Sendable {
  case file([EnvFileEntry])
  /// A parsed file, its keys and values read in place.
  case parsed(EnvFileParseResult)
  case map(name: String, pairs: [(key: String, value: String)])
}

/// A definition that lost to a later one.
public struct EnvDefinition: Hashable, Sendable {
  public var location: EnvFileLocation
  public var value: String?
}

/// A merged variable: its value, where it was defined, and what that overrode.
public struct EnvVariable: Hashable, Sendable {
  public var key: String
  /// `nil` only for python's bare `KEY` (python-dotenv's `None`).
  public var value: String?
  public var location: EnvFileLocation
  public var overridden: [EnvDefinition] = []
}

public struct EnvMergeOptions: Sendable {
  public var dialect: EnvFileDialect
  public var expand: Bool
  /// The environment below the files: the host's, or empty (`--no-env`).
  public var baseEnvironment: EnvironmentMap

  public init(
    dialect: EnvFileDialect = .compose, expand: Bool = true, baseEnvironment: EnvironmentMap = [:]
  ) {
    self.dialect = dialect
    self.expand = expand
    self.baseEnvironment = baseEnvironment
  }
}

/// Where a merged definition came from: a source of the merge (a file or a map, by its
/// place among the merge's sources) and, in a file, its line and column (line 0 for a map).
struct EnvMergedLocation {
  var source: Int32
  var line: UInt32
  var column: UInt32
}

/// A merged variable as the merge keeps it: bytes, no `String`s.
struct EnvMergedVariable {
  var key: EnvBytes
  var value: EnvBytes
  var location: EnvMergedLocation
  /// The latest definition this one overrode, in the result's `definitions`, or -1.
  var overridden: Int32
}

/// A definition that lost to a later one, and the one it overrode in turn (or -1).
struct EnvOverriddenDefinition {
  var value: EnvBytes
  var location: EnvMergedLocation
  var previous: Int32
}

/// What the merged keys and values point into: the parsed files and the bytes the merge
/// made (expanded values, maps, the base environment), kept as long as the result.
final class EnvMergeStorage: @unchecked Sendable {
  var files: [EnvFileStorage] = []
  let arena = EnvByteArena()
}

/// The merged variables in order of first definition, with what went wrong.
public struct EnvMergeResult: Sendable {
  /// The names of the merge's sources: files and maps, in the order merged.
  var sources: [(name: String, isFile: Bool)] = []
  var merged: [EnvMergedVariable] = []
  var definitions: [EnvOverriddenDefinition] = []
  var storage = EnvMergeStorage()
  public var warnings: [Diagnostic] = []
  public var errors: [EnvFileError] = []

  /// The merged variables, each with its strings and what it overrode.
  public var variables: [EnvVariable] { merged.map(variable) }

  public subscript(key: String) -> EnvVariable? {
    var key = key
    let found = key.withUTF8 { bytes in
      merged.first { EnvBytes.sameBytes($0.key, EnvBytes(bytes)) }
    }
    return found.map(variable)
  }

  /// The values as a plain map, last definition winning.
  public var values: [String: String?] {
    var map: [String: String?] = [:]
    for variable in merged { map[variable.key.string] = .some(variable.value.optionalString) }
    return map
  }

  func location(_ location: EnvMergedLocation) -> EnvFileLocation {
    let source = sources[Int(location.source)]
    guard source.isFile else { return .map(source.name) }
    return .file(
      source.name, SourcePosition(line: Int(location.line), column: Int(location.column)))
  }

  /// The definitions a variable overrode, oldest first.
  func overridden(_ variable: EnvMergedVariable) -> [EnvDefinition] {
    var list: [EnvDefinition] = []
    var next = variable.overridden
    while next >= 0 {
      let definition = definitions[Int(next)]
      list.append(
        EnvDefinition(
          location: location(definition.location), value: definition.value.optionalString))
      next = definition.previous
    }
    return list.reversed()
  }

  func variable(_ variable: EnvMergedVariable) -> EnvVariable {
    EnvVariable(
      key: variable.key.string, value: variable.value.optionalString,
      location: location(variable.location), overridden: overridden(variable))
  }
}

/// Merges layers in order, later definitions winning. Expansion sees the keys defined
/// before the value (the latest definition of each), then the base environment (in the
/// compose dialect the base environment first, as docker compose does); a reference to a
/// key defined only later is a warning. Linear in the input. Keys and values stay bytes
/// of the files (or of the merge's arena) throughout.
public struct EnvMerge {
  private let options: EnvMergeOptions
  private var result = EnvMergeResult()
  private var indexOfKey = EnvKeyIndex()
  /// The base environment, indexed once by bytes.
  private var baseIndex = EnvKeyIndex()
  private var baseValues: [EnvBytes] = []
  /// Names expansion did not find among earlier keys, to check once all are known.
  private var misses: [(name: EnvBytes, order: Int, key: EnvBytes, location: EnvMergedLocation)] =
    []
  private var order = 0
  /// The expanded value being written, and the names it missed and took from the
  /// environment: buffers kept for every value of the merge, not made for each.
  private var scratch: [UInt8] = []
  private var scratchMisses: [EnvBytes] = []
  private var scratchShadowed: [EnvBytes] = []
  /// Bytes substitutions may still insert: 64 MiB plus the size of the input merged so
  /// far (`add(_:first:)`), so memory stays in proportion to the input whatever the
  /// values refer to.
  private var substitutionAllowance = 64 << 20
  private var substitutionLimit = 64 << 20

  /// The source the runs of records being added belong to.
  private var source: Int32 = -1

  /// Merges `layers` in order: `init(options:)`, `add(_:)` for each, then `finish()`.
  public static func merge(_ layers: [EnvLayer], options: EnvMergeOptions) -> EnvMergeResult {
    var merge = EnvMerge(options: options)
    for layer in layers { merge.add(layer) }
    return merge.finish()
  }

  /// A merge with no layer yet, the base environment indexed.
  public init(options: EnvMergeOptions) {
    self.options = options
    indexBaseEnvironment()
  }

  /// Merges a layer after those added before.
  public mutating func add(_ layer: EnvLayer) {
    switch layer {
    case .parsed(let parsed): add(parsed)
    case .map(let name, let pairs): add(map: name, pairs: pairs)
    case .file(let entries):
      // Entries made elsewhere may come from several files: one source for each run.
      var start = entries.startIndex
      while start < entries.endIndex {
        var end = start + 1
        while end < entries.endIndex && entries[end].file == entries[start].file { end += 1 }
        add(EnvFileParseResult(entries: entries[start..<end]))
        start = end
      }
    }
  }

  /// The merged variables, with the warnings only the whole merge can tell.
  public mutating func finish() -> EnvMergeResult {
    warnForwardReferences()
    return result
  }

  mutating func add(_ parsed: EnvFileParseResult) {
    for (position, segment) in parsed.segments.enumerated() { add(segment, first: position == 0) }
  }

  /// Merges a file's next run of records; a file's first run starts its source. The
  /// substitutions allowed grow by the bytes the run points into: the file's text with
  /// its first run, then each run's decoded bytes.
  mutating func add(_ segment: EnvFileSegment, first: Bool) {
    let storage = segment.storage
    var bytes = storage.decodedCount
    if first {
      source = addSource(storage.file, isFile: true)
      let expected = segment.expectedFileRecords
      indexOfKey.reserve(expected)
      result.merged.reserveCapacity(result.merged.count + expected)
      bytes += storage.textCount
    }
    substitutionAllowance += bytes
    substitutionLimit += bytes
    result.storage.files.append(storage)
    // Through a pointer, so each record is read in place rather than copied.
    segment.records.withUnsafeBufferPointer { records in
      add(records, from: storage, source: source)
    }
  }

  private mutating func add(map name: String, pairs: [(key: String, value: String)]) {
    let source = addSource(name, isFile: false)
    let bytes = pairs.reduce(0) { $0 + $1.value.utf8.count }
    substitutionAllowance += bytes
    substitutionLimit += bytes
    indexOfKey.reserve(pairs.count)
    let location = EnvMergedLocation(source: source, line: 0, column: 0)
    let arena = result.storage.arena
    for pair in pairs {
      order += 1
      define(arena.copy(pair.key), value: arena.copy(pair.value), at: location)
    }
  }

  private mutating func addSource(_ name: String, isFile: Bool) -> Int32 {
    result.sources.append((name, isFile))
    return Int32(result.sources.count - 1)
  }

  private mutating func indexBaseEnvironment() {
    guard !options.baseEnvironment.isEmpty else { return }
    baseIndex = EnvKeyIndex(capacity: options.baseEnvironment.count)
    let arena = result.storage.arena
    options.baseEnvironment.forEachUnordered { name, value in
      _ = baseIndex.add(arena.copy(name))
      baseValues.append(arena.copy(value))
    }
  }

  /// The base environment's value of a name, or `.none`.
  private func baseValue(_ name: EnvBytes) -> EnvBytes {
    baseValue(name, hash: EnvKeyIndex.hash(name))
  }

  private func baseValue(_ name: EnvBytes, hash: UInt32) -> EnvBytes {
    guard !baseValues.isEmpty, let index = baseIndex.position(of: name, hash: hash) else {
      return .none
    }
    return baseValues[index]
  }

  /// A name looked up before its first definition is a forward reference: the value
  /// saw the base environment (or nothing) instead. A name missed then and known now was
  /// defined later, unless it is the key of the very definition that looked it up
  /// (`A=${A}`), which is defined only once its value is known.
  private mutating func warnForwardReferences() {
    var reported: Set<[String]> = []
    for miss in misses {
      guard let index = indexOfKey.position(of: miss.name),
        !EnvBytes.sameBytes(miss.name, miss.key),
        reported.insert([String(miss.order), miss.name.string]).inserted
      else { continue }
      let variable = result.merged[index]
      var first = variable.location
      var next = variable.overridden
      while next >= 0 {
        first = result.definitions[Int(next)].location
        next = result.definitions[Int(next)].previous
      }
      let later = result.location(first)
      guard case .file(let file, let position) = result.location(miss.location) else { continue }
      result.warnings.append(
        Diagnostic(
          file: file, position: position,
          message:
            "'\(miss.key.string)' refers to '\(miss.name.string)', which is defined only later (\(later))"
        ))
    }
  }

  /// Merges a file's records in order, each key's slot in the index prefetched sixteen
  /// records before. A large file's table is megabytes, so each new key's slot is a
  /// cache miss (a quarter of a 100,000-line merge's time went to that one load); asked
  /// for that far ahead, it has arrived when the record is merged. The keys' hashes come
  /// with the records, computed by the threads that read them.
  private mutating func add(
    _ records: UnsafeBufferPointer<EnvFileRecord>, from storage: EnvFileStorage, source: Int32
  ) {
    let ahead = 16
    for record in records.prefix(ahead) { indexOfKey.prefetch(hash: record.keyHash) }
    for index in records.indices {
      if index + ahead < records.count { indexOfKey.prefetch(hash: records[index + ahead].keyHash) }
      add(records[index], from: storage, source: source)
    }
  }

  @inline(__always)
  private mutating func add(_ record: EnvFileRecord, from storage: EnvFileStorage, source: Int32) {
    let keyHash = record.keyHash
    order += 1
    let key = storage.key(of: record)
    let location = EnvMergedLocation(source: source, line: record.line, column: record.column)
    guard record.hasValue else {
      if options.dialect == .python {
        define(key, hash: keyHash, value: .none, at: location)
      } else {
        let inherited = baseValue(key)
        if !inherited.isNone { define(key, hash: keyHash, value: inherited, at: location) }
      }
      return
    }
    guard options.expand, record.expands else {
      define(key, hash: keyHash, value: storage.value(of: record), at: location)
      return
    }
    var output: [UInt8] = []
    var missed: [EnvBytes] = []
    var shadowed: [EnvBytes] = []
    swap(&output, &scratch)
    swap(&missed, &scratchMisses)
    swap(&shadowed, &scratchShadowed)
    // Emptied only when not empty: emptying is a call even for an empty array, and
    // the names missed or shadowed almost always are.
    if !output.isEmpty { output.removeAll(keepingCapacity: true) }
    if !missed.isEmpty { missed.removeAll(keepingCapacity: true) }
    if !shadowed.isEmpty { shadowed.removeAll(keepingCapacity: true) }
    defer {
      swap(&output, &scratch)
      swap(&missed, &scratchMisses)
      swap(&shadowed, &scratchShadowed)
    }
    let inserted: Int
    do {
      inserted = try expand(
        storage.template(of: record), into: &output, misses: &missed, shadowed: &shadowed)
    } catch {
      result.errors.append(expansionError(error, key: key, location: location))
      return
    }
    for name in missed { misses.append((name, order, key, location)) }
    if !shadowed.isEmpty { warnShadowed(shadowed, key: key, location: location) }
    substitutionAllowance -= inserted
    let value = output.withUnsafeBufferPointer { result.storage.arena.copy($0) }
    define(key, hash: keyHash, value: value, at: location)
  }

  /// Expands a template against the keys defined so far; gives the bytes substituted.
  /// Mutating, as `lookup` is, so that the merge is read in place, never copied.
  private mutating func expand(
    _ template: EnvBytes, into output: inout [UInt8], misses: inout [EnvBytes],
    shadowed: inout [EnvBytes]
  ) throws(ExpansionFailure) -> Int {
    var inserted = 0
    let allowance = substitutionAllowance
    // Closures written at the call, not a local function: a closure known not to escape
    // has its captures checked for overlap when compiled, not at every lookup.
    if options.dialect == .python {
      PythonExpansion.expand(template.buffer, into: &output) { name in
        substitute(name, &inserted, allowance, &misses, &shadowed)
      }
    } else {
      try ComposeExpansion.expand(template.buffer, into: &output) { name in
        substitute(name, &inserted, allowance, &misses, &shadowed)
      }
    }
    guard inserted <= allowance else { throw .tooLarge(limit: substitutionLimit) }
    return inserted
  }

  /// A name's value for a substitution, counted in `inserted`: past the allowance a
  /// lookup inserts nothing, so the work stops growing too.
  @inline(__always)
  private mutating func substitute(
    _ name: EnvBytes, _ inserted: inout Int, _ allowance: Int, _ misses: inout [EnvBytes],
    _ shadowed: inout [EnvBytes]
  ) -> EnvBytes {
    guard inserted <= allowance else { return .empty }
    let value = lookup(name, &misses, &shadowed)
    inserted += max(value.count, 0)
    return inserted <= allowance ? value : .empty
  }

  /// The value of a name a template refers to. Names found nowhere are `misses`; names
  /// the environment answers although an earlier key holds another value are `shadowed`.
  /// Mutating, though it changes nothing: called from the expansion's closure, a
  /// non-mutating call would copy the whole merge first.
  @inline(never)
  private mutating func lookup(
    _ name: EnvBytes, _ misses: inout [EnvBytes], _ shadowed: inout [EnvBytes]
  )
    -> EnvBytes
  {
    let hash = EnvKeyIndex.hash(name)
    let index = indexOfKey.position(of: name, hash: hash)
    // docker compose asks the shell environment first, the keys read before second.
    if options.dialect == .compose, case let value = baseValue(name, hash: hash), !value.isNone {
      if let index {
        let defined = result.merged[index].value
        if !EnvBytes.sameBytes(defined.isNone ? .empty : defined, value) { shadowed.append(name) }
      }
      return value
    }
    if let index {
      let value = result.merged[index].value
      return value.isNone ? .empty : value
    }
    misses.append(name)
    return baseValue(name, hash: hash)
  }

  /// A value that took a name from the environment while the file defines it before is
  /// most likely not what its author meant, so it is a warning that says where.
  private mutating func warnShadowed(
    _ names: [EnvBytes], key: EnvBytes, location: EnvMergedLocation
  ) {
    guard case .file(let file, let position) = result.location(location) else { return }
    var reported: Set<ExactString> = []
    for name in names where reported.insert(ExactString(name.string)).inserted {
      guard let index = indexOfKey.position(of: name) else { continue }
      let earlier = result.location(result.merged[index].location)
      result.warnings.append(
        Diagnostic(
          file: file, position: position,
          message:
            "'\(key.string)' takes '\(name.string)' from the environment, not from \(earlier): compose reads the environment first"
        ))
    }
  }

  private func expansionError(
    _ failure: ExpansionFailure, key: EnvBytes, location: EnvMergedLocation
  ) -> EnvFileError {
    let location = result.location(location)
    let key = key.string
    switch failure {
    case .unterminated:
      return .unterminatedSubstitution(location: location, key: key)
    case .invalid(let text):
      return .invalidSubstitution(location: location, key: key, text: text)
    case .tooDeep:
      return .invalidSubstitution(
        location: location, key: key,
        text: "more than \(ComposeExpansion.maximumDepth) nested '${'")
    case .required(let name, let message):
      return .requiredVariable(location: location, key: key, name: name, message: message)
    case .tooLarge(let limit):
      return .expansionTooLarge(location: location, key: key, limit: limit)
    }
  }

  private mutating func define(_ key: EnvBytes, value: EnvBytes, at location: EnvMergedLocation) {
    define(key, hash: EnvKeyIndex.hash(key), value: value, at: location)
  }

  private mutating func define(
    _ key: EnvBytes, hash: UInt32, value: EnvBytes, at location: EnvMergedLocation
  ) {
    let (index, added) = indexOfKey.add(key, hash: hash)
    if !added {
      let previous = result.merged[index]
      result.definitions.append(
        EnvOverriddenDefinition(
          value: previous.value, location: previous.location, previous: previous.overridden))
      result.merged[index].overridden = Int32(result.definitions.count - 1)
      result.merged[index].value = value
      result.merged[index].location = location
    } else {
      result.merged.append(
        EnvMergedVariable(key: key, value: value, location: location, overridden: -1))
    }
  }
}
