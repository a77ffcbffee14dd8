extension CompiledCatalogue {
  /// The index file for these entries, laid out as `CatalogueIndex` describes. Each version
  /// keeps its record's body byte for byte; only the key, the origin and the requirement
  /// numbers are rewritten, so that any two ways of compiling the same catalogue give the
  /// same file.
  func encode(key: [UInt8]) -> [UInt8] {
    // Keys and requirements are numbered as met: by package in written order, versions
    // ascending, requires before conflicts.
    var keyNumbers: [String: Int] = [:]
    var keys: [String] = []
    var requirementOrder = [Int](repeating: -1, count: requirements.texts.count)
    var orderedRequirements: [Int] = []
    var keyNumberOfRecord: [[Int]] = []
    keyNumberOfRecord.reserveCapacity(packages.count)
    for package in packages {
      var numbers: [Int] = []
      numbers.reserveCapacity(package.records.count)
      for record in package.records {
        read(at: record.offset) { reader in
          let key = try reader.text()
          if let number = keyNumbers[key] {
            numbers.append(number)
          } else {
            keyNumbers[key] = keys.count
            numbers.append(keys.count)
            keys.append(key)
          }
          _ = try reader.number()
          _ = try reader.number()
          try reader.skipDetails()
          for number in try reader.numberLists().joined() where requirementOrder[number] < 0 {
            requirementOrder[number] = orderedRequirements.count
            orderedRequirements.append(number)
          }
        }
      }
      keyNumberOfRecord.append(numbers)
    }

    // What versions provide, by the name provided: few, so read whole on opening.
    var provided: [ProvidedVersion] = []
    for name in provisions.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      provided += provisions[name]!
    }
    // A package every entry of which was skipped is kept with no version, so that a
    // request of it is told so, not given another name.
    let order = packages.indices.filter {
      !packages[$0].records.isEmpty || !packages[$0].skippedKeys.isEmpty
    }.sorted {
      packages[$0].name.utf8.lexicographicallyPrecedes(packages[$1].name.utf8)
    }
    // Roughly its size, so that it seldom grows by copying.
    let index = CatalogueIndex.layout(
      key: key, size: bytes.count + bytes.count / 2 + 4096,
      header: { index in
        index.appendNumber(problems.count)
        for problem in problems {
          index.appendText(problem.file)
          index.appendNumber(problem.position?.line ?? 0)
          index.appendText(problem.message)
        }
        // A catalogue reads nothing of its host (`RezIndex.compile`).
        index.appendNumber(0)
      },
      keys: { index in
        CompiledCatalogue.appendTable(keys, to: &index) { index, key in index.appendText(key) }
      },
      requirements: { index in
        CompiledCatalogue.appendTable(orderedRequirements, to: &index) { index, number in
          let parts = requirements.parts(of: number)
          index.appendText(utf8: parts.name)
          index.appendText(utf8: parts.spec)
        }
      },
      provisions: { index in
        index.appendNumber(provided.count)
        for item in provided {
          for text in [item.name, item.key, item.provider, item.providerKey] {
            index.appendText(text)
          }
        }
      },
      rez: { _ in },
      packageNames: order.map { packages[$0].name },
      package: { index, place in
        let number = order[place]
        let package = packages[number]
        index.appendText(package.name)
        index.appendNumber(package.records.count)
        for (position, record) in package.records.enumerated() {
          index.appendNumber(keyNumberOfRecord[number][position])
          appendRecord(at: record.offset, order: requirementOrder, to: &index)
        }
      })
    return index
  }

  /// A count, one directory slot per item, then the items, so item `i` is found directly.
  static func appendTable<T>(
    _ items: [T], to index: inout [UInt8], _ write: (inout [UInt8], T) -> Void
  ) {
    index.appendNumber(items.count)
    let slots = index.count
    for _ in items { index.appendOffset() }
    for (position, item) in items.enumerated() {
      index.setOffset(index.count, at: slots + position * 8)
      write(&index, item)
    }
  }

  /// One record in the index's form, after its key number: the length of its origin and
  /// details, the origin as text, the details as compiled, then the requirements renumbered.
  private func appendRecord(at offset: Int, order: [Int], to index: inout [UInt8]) {
    read(at: offset) { reader in
      try reader.skipText()
      let origin = origin(file: try reader.number(), line: try reader.number())
      let detailsStart = reader.offset
      try reader.skipDetails()
      let originLength = origin.utf8.count
      var prefix: [UInt8] = []
      prefix.appendNumber(originLength)
      index.appendNumber(prefix.count + originLength + reader.offset - detailsStart)
      index += prefix
      index.append(contentsOf: origin.utf8)
      index += bytes[detailsStart..<reader.offset]
      index.appendNumberLists(try reader.numberLists().map { $0.map { order[$0] } })
    }
  }
}
