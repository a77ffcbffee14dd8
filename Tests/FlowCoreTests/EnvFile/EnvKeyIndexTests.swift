import Testing

@testable import FlowCore

@Suite struct EnvKeyIndexTests {
  @Test func addsInOrderAndFindsEveryKeyAcrossGrowth() {
    var index = EnvKeyIndex(capacity: 1)
    let keys = (0..<1000).map { "KEY_\($0)" } + ["", "é", "e\u{301}", "a.b-c"]
    for (position, key) in keys.enumerated() {
      #expect(index.add(key) == (position, true))
    }
    for (position, key) in keys.enumerated() {
      #expect(index.position(of: key) == position)
      #expect(index.add(key) == (position, false))
    }
    #expect(index.count == keys.count)
    #expect(index.keys == keys)
    #expect(index.position(of: "KEY_1000") == nil)
  }

  @Test func keysAreComparedAsTheyAreWritten() {
    var index = EnvKeyIndex()
    _ = index.add("A")
    #expect(index.position(of: "a") == nil)
    #expect(index.position(of: "A ") == nil)
    _ = index.add("é")
    #expect(EnvKeyIndex.sameBytes("é", "e\u{301}") == false)
    #expect(index.position(of: "e\u{301}") == nil)
  }
}
