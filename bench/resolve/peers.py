"""The peer solvers on the neutral model: resolvelib, libsolv (solv) and rez, each timed
in process after a warm-up, each answer checked by validate.is_valid."""
import resource
import statistics
import time

from validate import inside, key


def rez_request(name, low, high):
    if low and high:
        return f"{name}-{low}+<{high}"
    if low:
        return f"{name}-{low}+"
    if high:
        return f"{name}<{high}"
    return name


def make_resolvelib(problem):
    import resolvelib

    class Requirement:
        def __init__(self, name, low, high):
            self.name, self.low, self.high = name, low, high

    class Candidate:
        def __init__(self, name, version):
            self.name, self.version = name, version

    class Provider(resolvelib.AbstractProvider):
        def identify(self, requirement_or_candidate):
            return requirement_or_candidate.name

        def get_preference(self, identifier, resolutions, candidates, information, backtrack_causes):
            return sum(1 for _ in candidates[identifier])

        def find_matches(self, identifier, requirements, incompatibilities):
            wanted = list(requirements[identifier])
            bad = {c.version for c in incompatibilities[identifier]}
            entries = problem["packages"].get(identifier, [])
            found = [Candidate(identifier, e["version"]) for e in entries
                     if e["version"] not in bad and all(inside(e["version"], r.low, r.high) for r in wanted)]
            return sorted(found, key=lambda c: key(c.version), reverse=True)

        def is_satisfied_by(self, requirement, candidate):
            return inside(candidate.version, requirement.low, requirement.high)

        def get_dependencies(self, candidate):
            entry = next(e for e in problem["packages"][candidate.name] if e["version"] == candidate.version)
            return [Requirement(*dep) for dep in entry["requires"]]

    def solve(request):
        resolver = resolvelib.Resolver(Provider(), resolvelib.BaseReporter())
        try:
            result = resolver.resolve([Requirement(*item) for item in request], max_rounds=200000)
        except resolvelib.ResolutionError:
            return None
        return {name: candidate.version for name, candidate in result.mapping.items()}

    return solve


def make_libsolv(problem):
    import solv

    pool = solv.Pool()
    pool.setarch("x86_64")
    repo = pool.add_repo("bench")

    def dep(name, low, high):
        base = pool.Dep(name)
        parts = []
        if low:
            parts.append(base.Rel(solv.REL_GT | solv.REL_EQ, pool.Dep(low)))
        if high:
            parts.append(base.Rel(solv.REL_LT, pool.Dep(high)))
        if not parts:
            return base
        if len(parts) == 1:
            return parts[0]
        return parts[0].Rel(solv.REL_WITH, parts[1])

    for name, entries in problem["packages"].items():
        for entry in entries:
            solvable = repo.add_solvable()
            solvable.name = name
            solvable.evr = entry["version"]
            solvable.arch = "noarch"
            solvable.add_deparray(solv.SOLVABLE_PROVIDES, pool.Dep(name).Rel(solv.REL_EQ, pool.Dep(entry["version"])))
            for requirement in entry["requires"]:
                solvable.add_deparray(solv.SOLVABLE_REQUIRES, dep(*requirement))
    repo.internalize()
    pool.createwhatprovides()

    def solve(request):
        jobs = [pool.Job(solv.Job.SOLVER_INSTALL | solv.Job.SOLVER_SOLVABLE_PROVIDES, dep(*item).id)
                for item in request]
        solver = pool.Solver()
        if solver.solve(jobs):
            return None
        return {s.name: s.evr for s in solver.transaction().newsolvables()}

    return solve


def make_rez(folder, time_limit):
    from rez.resolved_context import ResolvedContext

    def solve(request):
        context = ResolvedContext(
            [rez_request(*item) for item in request], package_paths=[folder],
            add_implicit_packages=False, time_limit=time_limit)
        if context.status.name != "solved":
            return None
        return {p.name: str(p.version) for p in context.resolved_packages}

    return solve


def cpu_seconds():
    """CPU time of this process and of its finished children, user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(solve, request, repeats):
    """The answer, the median wall time and the median CPU time of `repeats` solves."""
    times, cpu = [], []
    answer = None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        answer = solve(request)
        times.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
    return answer, statistics.median(times), statistics.median(cpu)
