"""Checks a solution against the neutral model: every request and requirement holds."""


def key(text):
    return tuple(int(part) for part in text.split("."))


def inside(version, low, high):
    return (low is None or key(version) >= key(low)) and (high is None or key(version) < key(high))


def is_valid(problem, request, chosen):
    """chosen: {name: version}. Returns None when valid, else the reason."""
    for name, low, high in request:
        if name not in chosen or not inside(chosen[name], low, high):
            return f"request {name} {low} {high} not met"
    for name, version in chosen.items():
        entry = next((e for e in problem["packages"].get(name, []) if e["version"] == version), None)
        if entry is None:
            return f"{name} {version} is not in the catalogue"
        for dep, low, high in entry["requires"]:
            if dep not in chosen or not inside(chosen[dep], low, high):
                return f"{name} {version} needs {dep} {low} {high}"
    return None
