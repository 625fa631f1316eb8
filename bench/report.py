"""The table of ``python -m bench.compare``: medians, ratios, goals (pure).

*samples* maps ``(key, system)`` to the req/s of each round. A ratio is
taken between medians: the median of cms's rounds over the median of the
floor's, never round by round.
"""

import statistics

#: The goals of the issue's table: (the ratio's name, "min" or "max", limit).
GOALS = {
    "cms": ("cms/floor", "min", 0.5),
    "cms-cache": ("cache/floor", "min", 0.8),
    "revalidate": ("304/floor page", "min", 1.0),
    "editor": ("editor cost/anonymous", "max", 2.0),
}


def median(values):
    """The median of *values*, or None when there are none."""
    return statistics.median(values) if values else None


def ratio(numerator, denominator):
    """*numerator* / *denominator*, or None when either is missing or zero."""
    if not numerator or not denominator:
        return None
    return numerator / denominator


def verdict(value, goal):
    """``pass`` / ``FAIL`` of *value* against a goal of :data:`GOALS`."""
    _name, sense, limit = goal
    if value is None:
        return "n/a"
    ok = value >= limit if sense == "min" else value <= limit
    return "pass" if ok else "FAIL"


def goal_text(goal):
    _name, sense, limit = goal
    return f"{'≥' if sense == 'min' else '≤'} {limit:g}x"


def fmt(value, spec=".1f", suffix=""):
    return "-" if value is None else f"{value:{spec}}{suffix}"


def page_table(samples, keys, systems):
    """Lines: a row per key, the median req/s of each system and the ratios."""
    medians = {
        (key, system): median(samples.get((key, system), []))
        for key in keys
        for system in systems
    }
    ratio_systems = [s for s in ("cms", "cms-cache") if s in systems]
    header = f"{'key':<10}" + "".join(f"{s + ' req/s':>16}" for s in systems)
    header += "".join(f"{GOALS[s][0]:>14}{'goal':>8}{'':>6}" for s in ratio_systems)
    header = header.rstrip()
    lines = [header, "-" * len(header)]
    for key in keys:
        row = f"{key:<10}" + "".join(
            f"{fmt(medians[key, system]):>16}" for system in systems
        )
        for system in ratio_systems:
            value = ratio(medians[key, system], medians.get((key, "floor")))
            goal = GOALS[system]
            row += f"{fmt(value, '.2f', 'x'):>14}{goal_text(goal):>8}"
            row += f"{verdict(value, goal):>6}"
        lines.append(row)
    return lines


def extra_lines(samples, systems):
    """Lines for the revalidation (304) and the logged-in editor's page."""
    lines = []
    floor_leaf = median(samples.get(("leaf", "floor"), []))
    for system in (s for s in ("cms", "cms-cache") if s in systems):
        got = median(samples.get(("leaf-304", system), []))
        if got is None:
            continue
        value = ratio(got, floor_leaf)
        goal = GOALS["revalidate"]
        lines.append(
            f"revalidate leaf (If-None-Match, 304) on {system}: {fmt(got)} req/s, "
            f"floor's leaf page {fmt(floor_leaf)} req/s: {fmt(value, '.2f', 'x')} "
            f"(goal {goal_text(goal)}) {verdict(value, goal)}"
        )
    for system in (s for s in ("cms", "cms-cache") if s in systems):
        editor = median(samples.get(("leaf-editor", system), []))
        anonymous = median(samples.get(("leaf", system), []))
        if editor is None:
            continue
        # Cost is time per request: the inverse of req/s.
        value = ratio(anonymous, editor)
        goal = GOALS["editor"]
        lines.append(
            f"editor's leaf page (session cookie, toolbar) on {system}: "
            f"{fmt(editor)} req/s, anonymous {fmt(anonymous)} req/s: cost "
            f"{fmt(value, '.2f', 'x')} (goal {goal_text(goal)}) {verdict(value, goal)}"
        )
    return lines
