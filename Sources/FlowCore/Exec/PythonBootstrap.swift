/// The fixed program `python3 -c` runs for a `PythonOperator`. It never contains data:
/// the call (`callable`, `args`, `kwargs`) arrives as JSON in `FLOW_PYTHON_CALL`, the
/// module is imported from the working folder or `PYTHONPATH` (a name without a module,
/// such as `print`, is a builtin), and an exception ends the process with status 1 after
/// its traceback.
public enum PythonBootstrap {
  public static let source = """
    import importlib, json, os, sys
    call = json.loads(os.environ.pop("FLOW_PYTHON_CALL"))
    module_name, _, function_name = call["callable"].rpartition(".")
    sys.path.insert(0, os.getcwd())
    function = getattr(importlib.import_module(module_name or "builtins"), function_name)
    result = function(*call["args"], **call["kwargs"])
    sys.exit(result if isinstance(result, int) and not isinstance(result, bool) else 0)
    """
}
