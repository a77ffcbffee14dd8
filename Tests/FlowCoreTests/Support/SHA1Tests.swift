import Testing

@testable import FlowCore

/// SHA-1 against the FIPS 180 examples and what Python's `hashlib.sha1` gives for a rez
/// variant's list.
@Suite struct SHA1Tests {
  @Test(arguments: [
    ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    ),
    (String(repeating: "a", count: 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"),
    ("['python-3.9']", "32383fc90933199c950ca6823b6d1e0f634651b6"),
  ])
  func digestsAreTheStandardOnes(text: String, hex: String) {
    #expect(SHA1.hex(text) == hex)
  }
}
