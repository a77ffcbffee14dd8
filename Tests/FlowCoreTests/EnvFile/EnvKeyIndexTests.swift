import Testing

@testable import FlowCore

@Suite struct EnvKeyIndexTests {
  /// The keys' bytes, kept alive by the arena for the test.
  let arena = EnvByteArena()

  @Test func addsInOrderAndFindsEveryKeyAcrossGrowth() {
    var index = EnvKeyIndex(capacity: 1)
    let keys = (0..<1000).map { "KEY_\($0)" } + ["", "é", "e\u{301}", "a.b-c"]
    for (position, key) in keys.enumerated() {
      #expect(index.add(arena.copy(key)) == (position, true))
    }
    for (position, key) in keys.enumerated() {
      #expect(index.position(of: arena.copy(key)) == position)
      #expect(index.add(arena.copy(key)) == (position, false))
    }
    #expect(index.count == keys.count)
    #expect(index.keys.map(\.string) == keys)
    #expect(index.position(of: arena.copy("KEY_1000")) == nil)
  }

  @Test func keysAreComparedAsTheyAreWritten() {
    var index = EnvKeyIndex()
    _ = index.add(arena.copy("A"))
    #expect(index.position(of: arena.copy("a")) == nil)
    #expect(index.position(of: arena.copy("A ")) == nil)
    _ = index.add(arena.copy("é"))
    #expect(EnvBytes.sameBytes(arena.copy("é"), arena.copy("e\u{301}")) == false)
    #expect(index.position(of: arena.copy("e\u{301}")) == nil)
  }
}
