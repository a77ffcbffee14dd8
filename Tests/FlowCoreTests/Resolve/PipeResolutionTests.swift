import Testing

@testable import FlowCore

@Suite struct PipeResolutionTests {
  @Test func everyStageGetsItsResolutionAndEqualSetsAreSolvedOnce() throws {
    let catalogue = try Catalogue(texts: [("a.toml", CatalogueTests.houdini)])
    let document = try JSONCodec.decode(
      Array(
        """
        {"flow": 1, "source": "w.yaml", "stages": [
          {"name": "a", "environment": {"requirements": [{"package": "houdini.py3_10", "spec": ""}]}},
          {"name": "b", "environment": {"requirements": []}},
          {"name": "c", "environment": {"requirements": [{"package": "houdini.py3_10", "spec": ""}]}},
          {"name": "d", "environment": {"requirements": [{"package": "python", "spec": "<3.11"}]}}
        ]}
        """.utf8))
    var workflow = try Workflow(document: document, file: "w.json")
    let solved = try PipeResolution(source: CatalogueSource(catalogue)).annotate(&workflow)
    let annotated = workflow.document
    #expect(solved == 2)
    guard case .object(let root) = annotated, case .array(let stages)? = root["stages"] else {
      Issue.record("no stages")
      return
    }
    func versions(_ stage: JSONValue) -> [String] {
      guard case .object(let object) = stage, case .object(let resolution)? = object["resolution"],
        case .array(let packages)? = resolution["packages"]
      else { return [] }
      return packages.compactMap {
        guard case .object(let entry) = $0, case .string(let version)? = entry["version"] else {
          return nil
        }
        return version
      }
    }
    #expect(versions(stages[0]) == ["20.0.506", "3.11.1"])
    #expect(versions(stages[1]) == [])
    #expect(versions(stages[2]) == versions(stages[0]))
    #expect(versions(stages[3]) == ["3.10.4"])
  }

  @Test func unsatisfiableStageNamesTheStageAndItsFile() throws {
    let catalogue = try Catalogue(texts: [("a.toml", CatalogueTests.houdini)])
    let document = try JSONCodec.decode(
      Array(
        """
        {"flow": 1, "source": "w.yaml", "stages": [{"name": "fit", "at": {"line": 3, "column": 5},
          "environment": {"requirements": [{"package": "python", "spec": ">=4"}]}}]}
        """.utf8))
    var workflow = try Workflow(document: document, file: "w.json")
    #expect {
      _ = try PipeResolution(source: CatalogueSource(catalogue)).annotate(&workflow)
    } throws: { error in
      "\(error)"
        == "w.yaml:3:5: stage 'fit': python >=4 is requested and no python >=4 is in the "
        + "catalogue (python has 3.11.1 and 3.10.4)"
    }
  }
}
