extension CatalogueIndex {
  /// The index file for `catalogue`: magic, source key, problems, a table of distinct
  /// version keys and one of distinct requirements (each with offsets, so one entry can be
  /// read alone), a directory of package offsets sorted by name, then one record per package.
  /// Versions refer to keys and requirements by their number in the tables.
  static func encode(_ catalogue: Catalogue, key: [UInt8]) -> [UInt8] {
    catalogue.compiled.encode(key: key)
  }

  static func writeProblems(_ problems: [Diagnostic], to writer: inout IndexWriter) {
    writer.integer(problems.count)
    for problem in problems {
      writer.string(problem.file)
      writer.integer(problem.position?.line ?? 0)
      writer.string(problem.message)
    }
  }
}
