import Testing

@testable import FlowCore

/// `JSONWriter` must write exactly what jansson writes for the same value.
@Suite struct JSONWriterTests {
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state ^ (state >> 29)
    }
  }

  static let samples: [String] = [
    "", "plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{0}\u{1}\u{1F}\u{7F}",
    "é ü 漢字 🚀", "/slash/", "\u{2028}", "$(rm -rf ~) `x`",
  ]

  func randomValue(_ generator: inout Generator, depth: Int) -> JSONValue {
    switch Int.random(in: 0..<(depth > 3 ? 6 : 8), using: &generator) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &generator))
    case 2:
      return .integer(
        Int64.random(in: Int64.min...Int64.max, using: &generator)
          >> Int64.random(in: 0..<63, using: &generator))
    case 3:
      let choices: [Double] = [0, -0.0, 0.1, 1.5, 1e300, -2.5e-300, 123456789.125, 1e15, 1e16, 3]
      return Bool.random(using: &generator)
        ? .number(choices.randomElement(using: &generator)!)
        : .number(Double.random(in: -1e6...1e6, using: &generator))
    case 4, 5: return .string(Self.samples.randomElement(using: &generator)!)
    case 6:
      return .array(
        (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
          randomValue(&generator, depth: depth + 1)
        })
    default:
      var object = JSONObject()
      for index in 0..<Int.random(in: 0..<5, using: &generator) {
        object[Self.samples.randomElement(using: &generator)! + "\(index)"] = randomValue(
          &generator, depth: depth + 1)
      }
      return .object(object)
    }
  }

  @Test func writesWhatJanssonWrites() {
    var generator = Generator(state: 7)
    for _ in 0..<2000 {
      let value = randomValue(&generator, depth: 0)
      for pretty in [false, true] {
        let ours = JSONWriter.encode(value, pretty: pretty)
        let theirs = JSONCodec.encodeWithJansson(value, pretty: pretty)
        #expect(ours == theirs, "\(String(decoding: theirs, as: UTF8.self))")
        if ours != theirs { return }
      }
    }
  }

  /// Every ASCII character, alone and between text, escaped as jansson escapes it: the
  /// writer decides by a table, which must hold each control character's escape.
  @Test func escapesEveryASCIICharacterAsJanssonDoes() {
    for code in UInt8(0)..<0x80 {
      let character = Character(Unicode.Scalar(code))
      for text in ["\(character)", "a\(character)b\(character)\(character)c"] {
        #expect(
          JSONWriter.encode(.string(text)) == JSONCodec.encodeWithJansson(.string(text)),
          "byte \(code)")
      }
    }
  }

  /// Strings of every length up to past the longest copied without a call, each escaped
  /// byte at each place: the plain copy is tested a word, half a word or sixteen bytes at
  /// a time, with the last block overlapping the one before.
  @Test func escapesAtEveryPlaceOfEveryLengthAsJanssonDoes() {
    let letters = Array(String(repeating: "abcdefghijklmnopqrstuvwxyz0123456789_-+=.", count: 2))
    for length in 0...70 {
      let plain = String(letters[0..<length])
      #expect(JSONWriter.encode(.string(plain)) == JSONCodec.encodeWithJansson(.string(plain)))
      for escaped in ["\"", "\\", "\n", "\u{1}", "\u{1F}"] {
        for place in 0..<length {
          var text = letters[0..<length]
          text[place] = Character(escaped)
          let string = String(text)
          #expect(
            JSONWriter.encode(.string(string)) == JSONCodec.encodeWithJansson(.string(string)),
            "length \(length), place \(place)")
        }
      }
    }
  }

  /// A list written in two parts at once is the list written in one, wherever it is cut,
  /// compact or indented, at any depth.
  @Test(arguments: [false, true])
  func writesAListInTwoPartsAsInOne(pretty: Bool) {
    var generator = Generator(state: 7)
    let items = (0..<9).map { _ in randomValue(&generator, depth: 1) }
    for depth in [0, 3] {
      var whole = JSONWriter(pretty: pretty)
      whole.write(.array(items), depth: depth)
      for split in [nil] + Array(0...items.count + 1) {
        var parts = JSONWriter(pretty: pretty)
        var made = 0
        parts.writeArray(count: items.count, depth: depth, secondPartFrom: split) {
          made += 1
          return { index, writer, depth in writer.write(items[index], depth: depth) }
        }
        #expect(parts.output == whole.output, "cut at \(split.map(String.init) ?? "none")")
        // Each part has a writer of its own.
        #expect(made == ((split ?? 0) > 0 && (split ?? 0) < items.count ? 2 : 1))
      }
    }
  }

  /// A list long enough to be taken from jansson in two parts at once reads back as it was
  /// written, nested lists and objects included.
  @Test func readsALongListInTwoPartsAsWritten() throws {
    var generator = Generator(state: 11)
    let count = JSONCodec.arrayTakenInTwoParts * 2 + 3
    var items: [JSONValue] = []
    while items.count < count {
      // Items that read back otherwise in a short list, one at a time (jansson takes no NUL
      // in an object's key; a real may come back as another kind), are left out.
      let item = randomValue(&generator, depth: 1)
      let alone = JSONValue.array([item])
      if (try? JSONCodec.decode(JSONCodec.encode(alone))) == alone { items.append(item) }
    }
    let value = JSONValue.array(items)
    let text = JSONCodec.encode(value)
    #expect(try JSONCodec.decode(text) == value)
    // And as an object's member, as a document's stages are.
    let document = JSONValue.object(JSONObject([("flow", .integer(1)), ("stages", value)]))
    #expect(try JSONCodec.decode(JSONCodec.encode(document)) == document)
  }

  @Test func writesIntegerExtremes() {
    for number in [Int64.min, Int64.max, 0, -1, 10, -10] {
      #expect(JSONWriter.encode(.integer(number)) == JSONCodec.encodeWithJansson(.integer(number)))
    }
  }
}
