/// A JSON Schema (draft-07) of the workflow format, for editors' YAML language servers
/// (`# yaml-language-server: $schema=...`). It states what `WorkflowReader` accepts, the
/// bounds of `QuantityLimit` included; the reader stays the judge (it also checks names
/// in bytes, needs, cycles and files).
public enum WorkflowSchema {
  public static var document: JSONValue {
    // The text is a constant of this file, so it always parses.
    try! JSONCodec.decode(Array(text.utf8))
  }

  static let text = #"""
    {
      "$schema": "http://json-schema.org/draft-07/schema#",
      "$id": "https://flow.invalid/schema/workflow-1.json",
      "title": "flow workflow",
      "description": "A workflow in fasthep-flow's format, as flow-parse reads it.",
      "type": "object",
      "properties": {
        "stages": {"$ref": "#/definitions/stages"},
        "tasks": {"$ref": "#/definitions/stages", "description": "Another name for 'stages'."},
        "global": {"$ref": "#/definitions/global"},
        "version": {"description": "The workflow's own version, passed through."},
        "metadata": {"description": "Passed through untouched."},
        "plugins": {"description": "Passed through untouched."}
      },
      "patternProperties": {"^x-": {}},
      "additionalProperties": false,
      "oneOf": [{"required": ["stages"]}, {"required": ["tasks"]}],
      "definitions": {
        "stages": {"type": "array", "items": {"$ref": "#/definitions/stage"}},
        "stage": {
          "type": "object",
          "required": ["name"],
          "properties": {
            "name": {
              "type": "string", "minLength": 1, "maxLength": \#(WorkflowRules.maximumStageNameBytes),
              "pattern": "^[^\\u0000-\\u001f\\u007f]+$",
              "description": "At most \#(WorkflowRules.maximumStageNameBytes) bytes of UTF-8, unique in the workflow."
            },
            "type": {"type": "string", "examples": ["fasthep_flow.operators.BashOperator"]},
            "args": {"type": "array"},
            "kwargs": {"type": ["object", "null"]},
            "with": {"type": ["object", "null"], "description": "Another name for 'kwargs'."},
            "needs": {"$ref": "#/definitions/names"},
            "dependencies": {"$ref": "#/definitions/names", "description": "Another name for 'needs'."},
            "environment": {"$ref": "#/definitions/environment"},
            "duration": {"$ref": "#/definitions/duration", "description": "An estimate, for planning."},
            "timeout": {"$ref": "#/definitions/duration", "description": "A limit the runners enforce."},
            "inputs": {"$ref": "#/definitions/stagePaths", "description": "Files the stage reads; their contents are part of its cache key."},
            "outputs": {"$ref": "#/definitions/stagePaths", "description": "Files the stage writes; a cached stage is skipped only while they are unchanged."},
            "retry": {"$ref": "#/definitions/retry"},
            "plugins": {}
          },
          "patternProperties": {"^x-": {}},
          "additionalProperties": false
        },
        "stagePaths": {
          "description": "A path or glob relative to the workflow folder, or a list of them; never absolute, never '..'.",
          "oneOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string", "minLength": 1}}]
        },
        "names": {
          "description": "A stage name (as written, or as fasthep-flow maps it) or a list of names. When no stage of the workflow names 'needs' or 'dependencies', each stage waits for the one before; once one does, a stage without them waits for none.",
          "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        },
        "duration": {
          "oneOf": [
            {"type": "number", "minimum": 0, "maximum": \#(Int64(QuantityLimit.maximumSeconds))},
            {"type": "string", "pattern": "^\\s*(\\d+(\\.\\d+)?(ms|s|m|h|d)?)+\\s*$"}
          ]
        },
        "environmentProperties": {
          "image": {"type": "string", "pattern": "^[^-\\s][^\\s]*$"},
          "variables": {
            "description": "A .env path, a list of paths, or a map of names to values.",
            "oneOf": [
              {"type": "string"},
              {"type": "array", "items": {"type": "string"}},
              {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}
            ]
          },
          "executor": {"$ref": "#/definitions/executor"},
          "flow": {"$ref": "#/definitions/executor"},
          "resources": {"$ref": "#/definitions/resources"},
          "requirements": {
            "oneOf": [
              {"type": "object", "additionalProperties": {"type": ["string", "number", "null"]}},
              {"type": "array", "items": {"type": "string"}}
            ]
          },
          "extra_data": {}
        },
        "environment": {
          "type": ["object", "null"],
          "properties": {
            "image": {"$ref": "#/definitions/environmentProperties/image"},
            "variables": {"$ref": "#/definitions/environmentProperties/variables"},
            "executor": {"$ref": "#/definitions/executor"},
            "flow": {"$ref": "#/definitions/executor"},
            "resources": {"$ref": "#/definitions/resources"},
            "requirements": {"$ref": "#/definitions/environmentProperties/requirements"},
            "extra_data": {}
          },
          "patternProperties": {"^x-": {}},
          "additionalProperties": false
        },
        "retry": {
          "type": ["object", "null"],
          "description": "How often the stage is tried in all and after which failures; null: once.",
          "required": ["attempts"],
          "properties": {
            "attempts": {"type": "integer", "minimum": 1, "maximum": \#(RetryPolicy.maximumAttempts)},
            "on": {
              "oneOf": [
                {"$ref": "#/definitions/failureClass"},
                {"type": "array", "items": {"$ref": "#/definitions/failureClass"}}
              ]
            },
            "memory_factor": {"type": "number", "minimum": 1, "maximum": \#(Int(RetryPolicy.maximumFactor))},
            "time_factor": {"type": "number", "minimum": 1, "maximum": \#(Int(RetryPolicy.maximumFactor))}
          },
          "additionalProperties": false
        },
        "failureClass": {"enum": ["oom", "timeout", "lost", "failed"]},
        "global": {
          "type": ["object", "null"],
          "properties": {
            "image": {"$ref": "#/definitions/environmentProperties/image"},
            "variables": {"$ref": "#/definitions/environmentProperties/variables"},
            "executor": {"$ref": "#/definitions/executor"},
            "flow": {"$ref": "#/definitions/executor"},
            "resources": {"$ref": "#/definitions/resources"},
            "requirements": {"$ref": "#/definitions/environmentProperties/requirements"},
            "extra_data": {},
            "histogram": {},
            "output": {},
            "output_dir": {"type": "string"},
            "retry": {"$ref": "#/definitions/retry"}
          },
          "patternProperties": {"^x-": {}},
          "additionalProperties": false
        },
        "executor": {
          "type": "string",
          "anyOf": [
            {"enum": ["LocalExecutor", "DaskExecutor", "SlurmExecutor"]},
            {"pattern": "^([Ll]ocal|[Ss]equential|[Cc]oncurrent|[Dd]ask|[Ss]lurm)(::.*)?$"},
            {"pattern": "^[Pp]refect::([Ss]equential|[Cc]oncurrent|[Dd]ask)TaskRunner$"}
          ]
        },
        "resources": {
          "type": ["object", "null"],
          "properties": {
            "memory": {
              "description": "Bytes, or a size: Ki Mi Gi Ti binary, k M G T decimal.",
              "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": \#(QuantityLimit.maximumMemory)},
                {"type": "string", "pattern": "^\\s*\\d+(\\.\\d+)?\\s*([kKMGTP]i?)?B?\\s*$"}
              ]
            },
            "cpu": {"type": "number", "minimum": 0, "maximum": \#(Int64(QuantityLimit.maximumCPUs))},
            "cpus": {"type": "number", "minimum": 0, "maximum": \#(Int64(QuantityLimit.maximumCPUs))},
            "gpu": {
              "description": "Whole GPUs, or a share of one GPU below 1 (0.25).",
              "type": "number", "minimum": 0, "maximum": \#(QuantityLimit.maximumGPUs)
            },
            "gpus": {"type": "number", "minimum": 0, "maximum": \#(QuantityLimit.maximumGPUs)},
            "gpu_memory": {
              "description": "Memory of one GPU to share it by: bytes, or a size like 20Gi.",
              "oneOf": [
                {"type": "integer", "minimum": 1, "maximum": \#(QuantityLimit.maximumMemory)},
                {"type": "string", "pattern": "^\\s*\\d+(\\.\\d+)?\\s*([kKMGTP]i?)?B?\\s*$"}
              ]
            },
            "process_on": {"enum": ["cpu", "gpu", "gpu_if_available"]}
          },
          "additionalProperties": {
            "type": "integer", "minimum": 0, "maximum": \#(QuantityLimit.maximumCounter),
            "description": "A named counter a site rations, such as a license."
          }
        }
      }
    }
    """#
}
