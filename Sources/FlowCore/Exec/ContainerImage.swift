import Glibc

/// A stage's `image` as the word its engine gets, checked first: a document's image never
/// reaches an engine as an option or as anything but an image.
///
/// podman and docker take an OCI reference, `[HOST[:PORT]/]PATH[:TAG][@DIGEST]`: path
/// components of lower-case letters and digits joined by `.`, `_`, `__` or dashes, a host
/// when the first component has a `.` or a `:` or is `localhost`, a tag of at most 128
/// word characters, dots and dashes, and a digest `ALGORITHM:HEX`. apptainer takes
/// `docker://` and `oras://` with such a reference, `library://` with its own path, a
/// registry reference without a scheme (given `docker://`), or else a local image (a
/// `.sif` file or a folder), which is made absolute against the workflow folder, so it
/// never starts with `-`.
public enum ContainerImage {
  /// The image word for `engine`, or why `image` cannot be one.
  public static func argument(
    _ image: String, engine: ContainerEngine, folder: String
  ) throws(ContainerInvocation.Refusal) -> String {
    let shown = "image \(image.debugDescription)"
    switch engine {
    case .podman, .docker:
      if let problem = referenceProblem(image) {
        throw .init("\(shown) is not an image reference: \(problem)")
      }
      return image
    case .apptainer:
      guard let scheme = image.firstRange(of: "://") else {
        guard !image.isEmpty else { throw .init("the image is empty") }
        guard !image.unicodeScalars.contains(where: \.isControl) else {
          throw .init("\(shown) has a control character")
        }
        let local = image.hasPrefix("/") ? image : (folder == "/" ? "" : folder) + "/" + image
        return isLocalApptainerImage(image, at: local) ? local : "docker://" + image
      }
      let rest = String(image[scheme.upperBound...])
      switch image[..<scheme.lowerBound] {
      case "docker", "oras":
        if let problem = referenceProblem(rest) {
          throw .init("\(shown) is not an image reference: \(problem)")
        }
      case "library":
        if let problem = libraryProblem(rest) {
          throw .init("\(shown) is not a library reference: \(problem)")
        }
      default:
        throw .init(
          "\(shown): apptainer images here are docker://, oras://, library:// or a local path")
      }
      return image
    }
  }

  /// Whether apptainer should read a scheme-less image as a local file or folder: a path
  /// (`/`, `./`, `../`), an image file name (`.sif`, `.img`), something present in the
  /// workflow folder, or anything that is no OCI reference. A registry name such as
  /// `rootproject/root:6.30` is none of these, and apptainer would take it for a missing
  /// local file, so it goes as `docker://`.
  static func isLocalApptainerImage(_ image: String, at local: String) -> Bool {
    let pathLike = ["/", "./", "../"].contains { image.hasPrefix($0) }
    let imageFile = [".sif", ".img", ".simg"].contains { image.hasSuffix($0) }
    return pathLike || imageFile || access(local, F_OK) == 0 || referenceProblem(image) != nil
  }

  /// What makes `text` no OCI reference, or nil when it is one.
  static func referenceProblem(_ text: String) -> String? {
    var rest = Substring(text)
    if let at = rest.firstIndex(of: "@") {
      if let problem = digestProblem(rest[rest.index(after: at)...]) { return problem }
      rest = rest[..<at]
    }
    if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
      let tag = rest[rest.index(after: colon)...]
      guard isTag(tag) else { return "tag \(String(tag).debugDescription) is not valid" }
      rest = rest[..<colon]
    }
    guard rest.utf8.count <= 255 else { return "the name is longer than 255 characters" }
    var components = rest.split(separator: "/", omittingEmptySubsequences: false)
    if components.count > 1, let first = components.first,
      first.contains(".") || first.contains(":") || first == "localhost"
    {
      guard isHost(first) else { return "\(String(first).debugDescription) is not a registry host" }
      components.removeFirst()
    }
    for component in components where !isPathComponent(component) {
      return "\(String(component).debugDescription) is not a lower-case name component"
    }
    return nil
  }

  /// `[a-z0-9]+` runs joined by `.`, `_`, `__` or one or more `-`.
  static func isPathComponent(_ text: Substring) -> Bool {
    var separator = ""
    var sawAlphanumeric = false
    for scalar in text.unicodeScalars {
      if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
        let joins =
          separator.isEmpty || separator == "." || separator == "_" || separator == "__"
          || separator.allSatisfy { $0 == "-" }
        guard joins else { return false }
        separator = ""
        sawAlphanumeric = true
      } else if scalar == "." || scalar == "_" || scalar == "-" {
        guard sawAlphanumeric else { return false }
        separator.unicodeScalars.append(scalar)
      } else {
        return false
      }
    }
    return sawAlphanumeric && separator.isEmpty
  }

  /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
  static func isTag(_ text: Substring) -> Bool {
    guard let first = text.unicodeScalars.first, first != ".", first != "-",
      text.utf8.count <= 128
    else { return false }
    return text.unicodeScalars.allSatisfy { isWordScalar($0) || $0 == "." || $0 == "-" }
  }

  /// A domain name of `[A-Za-z0-9]` runs with inner dashes, or `[IPv6]`, and a port.
  static func isHost(_ text: Substring) -> Bool {
    var host = text
    if let colon = text.lastIndex(of: ":"), !text[colon...].contains("]") {
      let port = text[text.index(after: colon)...]
      guard !port.isEmpty, port.utf8.allSatisfy({ (48...57).contains($0) }) else { return false }
      host = text[..<colon]
    }
    if host.hasPrefix("[") {
      guard host.hasSuffix("]"), host.count > 2 else { return false }
      return host.dropFirst().dropLast().unicodeScalars.allSatisfy {
        $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "."
      }
    }
    return !host.isEmpty
      && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
        guard let first = label.first, let last = label.last, first != "-", last != "-" else {
          return false
        }
        return label.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "-" }
      }
  }

  /// `ALGORITHM:HEX`, the algorithm `[A-Za-z][A-Za-z0-9]*` parts joined by `+._-`, at least
  /// 32 hex digits.
  static func digestProblem(_ text: Substring) -> String? {
    let problem = "digest \(String(text).debugDescription) is not ALGORITHM:HEX"
    guard let colon = text.firstIndex(of: ":") else { return problem }
    let algorithm = text[..<colon]
    let hex = text[text.index(after: colon)...]
    let parts = algorithm.split(
      omittingEmptySubsequences: false, whereSeparator: { "+._-".contains($0) })
    let algorithmIsValid = parts.allSatisfy { part in
      guard let first = part.unicodeScalars.first, isLetter(first) else { return false }
      return part.unicodeScalars.allSatisfy(isAlphanumeric)
    }
    guard algorithmIsValid, hex.count >= 32,
      hex.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit)
    else { return problem }
    return nil
  }

  /// A Sylabs library path, `[HOST/][ENTITY/[COLLECTION/]]NAME[:TAG]`: components of
  /// letters, digits, `.`, `_` and `-` that start with a letter, digit or `_`.
  static func libraryProblem(_ text: String) -> String? {
    var path = Substring(text)
    if let colon = path.lastIndex(of: ":"), !path[colon...].contains("/") {
      guard isTag(path[path.index(after: colon)...]) else { return "the tag is not valid" }
      path = path[..<colon]
    }
    let components = path.split(separator: "/", omittingEmptySubsequences: false)
    let valid = components.allSatisfy { component in
      guard let first = component.unicodeScalars.first, first != "-", first != "." else {
        return false
      }
      return component.unicodeScalars.allSatisfy {
        isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-"
      }
    }
    return valid ? nil : "\(text.debugDescription) has an empty or invalid component"
  }

  private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
  }

  private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    isLetter(scalar) || ("0"..."9").contains(scalar)
  }

  private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    isAlphanumeric(scalar) || scalar == "_"
  }
}
