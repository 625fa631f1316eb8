"""After the run: is every acknowledged write where the server said it was?

Each node the clients created is looked for over HTTP, as the admin, at the
paths the ledger knows for it: found (directly, or through a redirect) or
gone. Then:

- a node found must be at a path one of its possible states names, with that
  state's body (a Document) or the bytes uploaded (a File, downloaded);
- every other path at which it was acknowledged must answer 301 to where it is;
- a node gone must have had its delete acknowledged, or sent unanswered,
  and every path it had must answer 404 or 410.
"""

import hashlib
from concurrent.futures import ThreadPoolExecutor

from bench.soak.client import NotSent, Unanswered
from bench.soak.ledger import GONE
from bench.soak.tally import Tally


def verify(api, ledger, threads):
    """Return ``(problems, tally)``: a sentence per node not as acknowledged."""
    records = sorted(ledger.records(), key=lambda record: record.uid)
    shares = [records[start::threads] for start in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        done = list(pool.map(lambda share: _verify_share(api, share), shares))
    problems, tally = [], Tally()
    for share_problems, share_tally in done:
        problems += share_problems
        tally += share_tally
    return problems, tally


def _verify_share(api, records):
    tally = Tally()

    def get(path, accept="application/json"):
        try:
            response = api.get(path, accept)
        except (NotSent, Unanswered) as error:
            raise Unverifiable(f"GET {path}: {error}") from None
        tally.answered("verify", response)
        return response

    problems = []
    for record in records:
        try:
            problem = check(record, get)
        except Unverifiable as error:
            problem = f"could not be verified: {error}"
        if problem:
            problems.append(f"{record}: {problem}")
    return problems, tally


class Unverifiable(Exception):
    """The server did not answer the verification."""


def check(record, get):
    """Return what is wrong with *record*'s node on the server, or None."""
    candidates = record.candidates()
    answers = {}
    found = locate(record, candidates, get, answers)
    if found is None:
        if GONE not in candidates:
            return f"gone; acknowledged at {record.state.path}"
        for path in sorted(record.paths):
            status = answers[path].status
            if status not in (404, 410):
                return f"deleted, yet {path} answers {status}"
        return None
    path, response = found
    states = [state for state in candidates if state.path == path]
    if not states:
        expected = ", ".join(sorted({str(s.path) for s in candidates}))
        return f"found at {path}; acknowledged at {expected}"
    if record.type == "File":
        download = get(path + "@@download", "*/*")
        if download.status != 200:
            return f"{path}@@download answers {download.status}"
        if hashlib.sha256(download.body).hexdigest() != record.digest:
            return f"{path}@@download: not the bytes uploaded"
    else:
        body = response.json().get("body")
        if body not in {state.body for state in states}:
            expected = brief(states[0].body)
            return f"{path} has the body {brief(body)}; acknowledged {expected}"
    for old in sorted(record.paths - {path}):
        response = answers.get(old) or get(old)
        if response.status != 301 or response.location != path:
            where = f" to {response.location}" if response.status == 301 else ""
            return f"{old} answers {response.status}{where}, not 301 to {path}"
    return None


def brief(text, size=60):
    text = repr(text)
    return text if len(text) <= size else text[: size - 1] + "…"


def locate(record, candidates, get, answers):
    """Find the node: ``(path, its JSON response)``, or None when it is gone.

    Tries its last acknowledged path first, where it is or which redirects to
    where it is, then the other paths it may be at; *answers* keeps the first
    answer of each path tried.
    """
    paths = [record.state.path, *(s.path for s in candidates), *sorted(record.paths)]
    for path in dict.fromkeys(p for p in paths if p is not None):
        here, response = path, get(path)
        answers[path] = response
        if response.status == 301:
            here = response.location
            response = get(here)
        if response.status == 200 and response.json().get("uid") == record.uid:
            return here, response
    return None
