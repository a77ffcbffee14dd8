/// The keys of one mapping read so far, each with the text it was written as (what a
/// message about a repeated key quotes): a mapping has a handful of keys, so a list
/// searched in order costs less than a hashed one (hashing each key was a visible part
/// of reading a large workflow). Keys compare as `String`s, as the dictionary this
/// replaces compared them.
struct SeenKeys {
  private var entries: [(name: String, written: String)] = []

  init() {}

  /// How `name` was written, or nil before it was seen; setting replaces it.
  subscript(name: String) -> String? {
    get {
      for entry in entries where entry.name == name { return entry.written }
      return nil
    }
    set {
      let found = entries.firstIndex { $0.name == name }
      switch (found, newValue) {
      case (let index?, let written?): entries[index].written = written
      case (let index?, nil): entries.remove(at: index)
      case (nil, let written?): entries.append((name, written))
      case (nil, nil): break
      }
    }
  }
}
