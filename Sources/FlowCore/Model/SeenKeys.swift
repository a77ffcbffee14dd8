/// The keys of one mapping read so far, each with the node that gave it: a mapping has a
/// handful of keys, so a list searched in order costs less than a hashed one (hashing
/// each key was a visible part of reading a large workflow). Keys compare as `String`s,
/// as the dictionary this replaces compared them.
struct SeenKeys {
  private var entries: [(name: String, node: YAMLNode)] = []

  init() {}

  /// The node that gave `name`, or nil before it was seen; setting replaces it.
  subscript(name: String) -> YAMLNode? {
    get {
      for entry in entries where entry.name == name { return entry.node }
      return nil
    }
    set {
      let found = entries.firstIndex { $0.name == name }
      switch (found, newValue) {
      case (let index?, let node?): entries[index].node = node
      case (let index?, nil): entries.remove(at: index)
      case (nil, let node?): entries.append((name, node))
      case (nil, nil): break
      }
    }
  }
}
