extension CompiledCatalogue {
  /// The index file for these entries: the same bytes `CatalogueIndex.encode` gives for the
  /// same catalogue held as values, written straight from the records.
  func encode(key: [UInt8]) -> [UInt8] {
    // Keys and requirements are numbered as met: by package in written order, versions
    // ascending, requires before conflicts.
    var keyNumbers: [String: Int] = [:]
    var keys: [String] = []
    var keysSize = 8
    var requirementOrder = [Int](repeating: -1, count: requirements.texts.count)
    var orderedRequirements: [Int] = []
    var requirementsSize = 8
    var recordsSize = 0
    var keyNumberOfRecord: [[Int]] = []
    let fileLengths = files.map(\.utf8.count)
    keyNumberOfRecord.reserveCapacity(packages.count)
    for package in packages {
      var numbers: [Int] = []
      numbers.reserveCapacity(package.records.count)
      for record in package.records {
        var reader = CompactReader(bytes, at: record.offset)
        let key = reader.text()
        if let number = keyNumbers[key] {
          numbers.append(number)
        } else {
          keyNumbers[key] = keys.count
          numbers.append(keys.count)
          keys.append(key)
          keysSize += 16 + key.utf8.count
        }
        // The key number and the length of the details, then the details.
        recordsSize += 16 + reader.skipDetails(fileLengths: fileLengths)
        for _ in 0..<2 {
          let count = reader.number()
          recordsSize += 8 + 8 * count
          for _ in 0..<count {
            let number = reader.number()
            if requirementOrder[number] < 0 {
              requirementOrder[number] = orderedRequirements.count
              orderedRequirements.append(number)
              // An offset, then the name and the spec, each with its length.
              requirementsSize += 24 + requirements.texts.text(number).count
            }
          }
        }
      }
      keyNumberOfRecord.append(numbers)
    }

    var writer = IndexWriter()
    // The size of the index, so that it is written in place and never copied to grow.
    let size =
      CatalogueIndex.magic.count + key.count + 8
      + problems.reduce(0) { $0 + 24 + $1.file.utf8.count + $1.message.utf8.count }
      + keysSize + requirementsSize + 8 + packages.reduce(0) { $0 + 24 + $1.name.utf8.count }
      + recordsSize
    writer.reserveCapacity(size)
    writer.raw(CatalogueIndex.magic)
    writer.raw(key)
    CatalogueIndex.writeProblems(problems, to: &writer)
    writer.table(keys) { writer, key in writer.string(key) }
    writer.table(orderedRequirements) { writer, number in
      let parts = requirements.parts(of: number)
      writer.string(utf8: parts.name)
      writer.string(utf8: parts.spec)
    }
    let files = self.files.map { Array($0.utf8) }
    let order = packages.indices.filter { !packages[$0].records.isEmpty }.sorted {
      packages[$0].name.utf8.lexicographicallyPrecedes(packages[$1].name.utf8)
    }
    writer.integer(order.count)
    let directory = writer.count
    for _ in order { writer.integer(0) }
    for (position, number) in order.enumerated() {
      writer.patch(writer.count, at: directory + position * 8)
      let package = packages[number]
      writer.string(package.name)
      writer.integer(package.records.count)
      for (index, record) in package.records.enumerated() {
        writer.integer(keyNumberOfRecord[number][index])
        writeRecord(at: record.offset, files: files, order: requirementOrder, to: &writer)
      }
    }
    assert(writer.count <= size, "the index is larger than reserved")
    return writer.bytes
  }

  /// One record in the index's form, after its key number.
  private func writeRecord(
    at offset: Int, files: [[UInt8]], order: [Int], to writer: inout IndexWriter
  ) {
    var reader = CompactReader(bytes, at: offset)
    reader.skipText()
    let lengthAt = writer.count
    writer.integer(0)
    writer.string(utf8: bytes[reader.textRange()])
    writer.integer(reader.number())
    writer.integer(reader.number())
    let file = files[reader.number()]
    let line = reader.number()
    if line < 0 {
      writer.string(utf8: file[...])
    } else {
      let digits = String(line)
      writer.integer(file.count + 1 + digits.utf8.count)
      writer.raw(file)
      writer.raw(UInt8(ascii: ":"))
      writer.raw(digits)
    }
    let variables = reader.number()
    writer.integer(variables)
    for _ in 0..<variables {
      writer.string(utf8: bytes[reader.textRange()])
      copyTexts(&reader, to: &writer)
      copyTexts(&reader, to: &writer)
      writer.integer(reader.number())
      copyTexts(&reader, to: &writer)
    }
    writer.patch(writer.count - lengthAt - 8, at: lengthAt)
    for _ in 0..<2 {
      let count = reader.number()
      writer.integer(count)
      for _ in 0..<count { writer.integer(order[reader.number()]) }
    }
  }

  private func copyTexts(_ reader: inout CompactReader, to writer: inout IndexWriter) {
    let count = reader.number()
    writer.integer(count)
    for _ in 0..<count { writer.string(utf8: bytes[reader.textRange()]) }
  }
}
