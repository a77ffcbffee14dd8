extension CatalogueIndex {
  /// The index file for `catalogue`: magic, source key, problems, a table of distinct
  /// version keys and one of distinct requirements (each with offsets, so one entry can be
  /// read alone), a directory of package offsets sorted by name, then one record per package.
  /// Versions refer to keys and requirements by their number in the tables.
  static func encode(_ catalogue: Catalogue, key: [UInt8]) -> [UInt8] {
    var writer = IndexWriter()
    writer.raw(magic)
    writer.raw(key)
    writer.integer(catalogue.problems.count)
    for problem in catalogue.problems {
      writer.string(problem.file)
      writer.integer(problem.position?.line ?? 0)
      writer.string(problem.message)
    }
    var keyNumbers: [String: Int] = [:]
    var keys: [String] = []
    var requirementNumbers: [PackageRequirement: Int] = [:]
    var requirements: [PackageRequirement] = []
    for name in catalogue.names {
      for entry in catalogue.versions(of: name) {
        if keyNumbers[entry.key] == nil {
          keyNumbers[entry.key] = keys.count
          keys.append(entry.key)
        }
        for list in [entry.requires, entry.conflicts] {
          for requirement in list where requirementNumbers[requirement] == nil {
            requirementNumbers[requirement] = requirements.count
            requirements.append(requirement)
          }
        }
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
      let versions = catalogue.versions(of: name)
      writer.integer(versions.count)
      for entry in versions {
        writer.integer(keyNumbers[entry.key]!)
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
        for list in [entry.requires, entry.conflicts] {
          writer.integer(list.count)
          for requirement in list { writer.integer(requirementNumbers[requirement]!) }
        }
      }
    }
    return writer.bytes
  }
}
