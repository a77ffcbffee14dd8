extension CatalogueIndex {
  /// The index file for `catalogue`: magic, source key, problems, a table of distinct
  /// version keys and one of distinct requirements (each with offsets, so one entry can be
  /// read alone), a directory of package offsets sorted by name, then one record per package.
  /// Versions refer to keys and requirements by their number in the tables.
  static func encode(_ catalogue: Catalogue, key: [UInt8]) -> [UInt8] {
    if let compiled = catalogue.compiled { return compiled.encode(key: key) }
    var writer = IndexWriter()
    writer.raw(magic)
    writer.raw(key)
    writeProblems(catalogue.problems, to: &writer)
    var keyNumbers: [String: Int] = [:]
    var keys: [String] = []
    var requirementNumbers: [PackageRequirement: Int] = [:]
    var requirements: [PackageRequirement] = []
    func number(_ list: [PackageRequirement]) {
      for requirement in list where requirementNumbers[requirement] == nil {
        requirementNumbers[requirement] = requirements.count
        requirements.append(requirement)
      }
    }
    // Fields are read in place: copying whole entries would cost a retain per field.
    for name in catalogue.names {
      let versions = catalogue.packages[name] ?? []
      for position in versions.indices {
        if keyNumbers[versions[position].key] == nil {
          keyNumbers[versions[position].key] = keys.count
          keys.append(versions[position].key)
        }
        number(versions[position].requires)
        number(versions[position].conflicts)
      }
    }
    writer.table(keys) { writer, key in writer.string(key) }
    writer.table(requirements) { writer, requirement in
      writer.string(requirement.name)
      writer.string(requirement.spec.text)
    }
    let names = catalogue.names.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
    writer.integer(names.count)
    let directory = writer.count
    for _ in names { writer.integer(0) }
    for (position, name) in names.enumerated() {
      writer.patch(writer.count, at: directory + position * 8)
      writer.string(name)
      let versions = catalogue.packages[name] ?? []
      writer.integer(versions.count)
      for position in versions.indices {
        writer.integer(keyNumbers[versions[position].key]!)
        write(versions[position], to: &writer, requirementNumbers: requirementNumbers)
      }
    }
    return writer.bytes
  }

  static func writeProblems(_ problems: [Diagnostic], to writer: inout IndexWriter) {
    writer.integer(problems.count)
    for problem in problems {
      writer.string(problem.file)
      writer.integer(problem.position?.line ?? 0)
      writer.string(problem.message)
    }
  }

  /// One version's record after its key number: details behind their length, then the
  /// numbers of its requirements and conflicts.
  private static func write(
    _ entry: borrowing PackageVersion, to writer: inout IndexWriter,
    requirementNumbers: [PackageRequirement: Int]
  ) {
    let lengthAt = writer.count
    writer.integer(0)
    writer.string(entry.label ?? "")
    writer.integer(entry.label == nil ? 0 : 1)
    writer.integer(entry.priority)
    writer.string(entry.definedAt)
    writer.integer(entry.variables.count)
    for change in entry.variables {
      writer.string(change.name)
      writer.strings(change.prepend)
      writer.strings(change.append)
      writer.integer(change.set == nil ? 0 : 1)
      writer.strings(change.set ?? [])
    }
    writer.patch(writer.count - lengthAt - 8, at: lengthAt)
    writer.integer(entry.requires.count)
    for requirement in entry.requires { writer.integer(requirementNumbers[requirement]!) }
    writer.integer(entry.conflicts.count)
    for requirement in entry.conflicts { writer.integer(requirementNumbers[requirement]!) }
  }
}
