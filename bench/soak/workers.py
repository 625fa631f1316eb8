"""The soak's clients: threads sending a mix of writes and reads.

Each client writes nodes of its own, in two folders of its own, and knows
their state from the server's answers alone; with ``shared`` > 0, that share
of its writes goes to nodes every client writes (read first, then written
with ``If-Match``), so that writes of the same node race. Every answer goes
into the shared ledger (:mod:`bench.soak.ledger`), which the verification
checks at the end. A client also reads back its own nodes during the run:
pages, JSON and downloads, which must show its last acknowledged write.
"""

import hashlib
import threading
from dataclasses import dataclass

from bench.soak.client import HTML, NotSent, Unanswered, path_of, version_of
from bench.soak.ledger import GONE, State
from bench.soak.tally import Tally

#: What a client does, and how often (weights).
MIX = {
    "create": 14,
    "patch": 24,
    "move": 6,
    "rename": 5,
    "delete": 6,
    "upload": 7,
    "download": 10,
    "read": 28,
}
#: The writes that may go to the shared nodes instead of the client's own.
SHARED_WRITES = {"create", "patch", "move", "rename", "delete"}
#: The shared nodes live in these two folders, and move between them.
SHARED_FOLDERS = ("/shared/", "/shared-b/")
WORDS = ("acknowledged", "answered", "crash", "found", "kill", "read", "soak", "write")


def own_folders(number):
    """The two folders of client *number*: its nodes move between them."""
    return (f"/c{number}/", f"/c{number}-b/")


def parent_of(path):
    return path.rstrip("/").rsplit("/", 1)[0] + "/"


def name_of(path):
    return path.rstrip("/").rsplit("/", 1)[1]


@dataclass
class Node:
    """A node as a client last saw it answered."""

    uid: str
    type: str
    path: str
    etag: str
    body: str | None = None
    digest: str | None = None

    @property
    def state(self):
        return State(self.path, self.body)


class SharedNodes:
    """The nodes every client may write: uid and last known path."""

    def __init__(self, size):
        self.size = size
        self._lock = threading.Lock()
        self._paths = {}

    def pick(self, rng):
        """A shared node ``(uid, path)``, or None while there are too few."""
        with self._lock:
            if len(self._paths) < self.size:
                return None
            uid = rng.choice(sorted(self._paths))
            return uid, self._paths[uid]

    def seen(self, uid, path):
        with self._lock:
            self._paths[uid] = path

    def forget(self, uid):
        with self._lock:
            self._paths.pop(uid, None)


class Client(threading.Thread):
    """Client *number*: writes and reads until *stop* is set."""

    def __init__(self, number, api, ledger, shared_nodes, shared, rng, stop):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number = number
        self.api = api
        self.ledger = ledger
        self.shared_nodes = shared_nodes
        self.shared = shared
        self.rng = rng
        self.stop = stop
        self.tally = Tally()
        #: The nodes this client alone writes, by uid.
        self.own = {}
        #: Reads of its own nodes that did not show what was acknowledged.
        self.bad_reads = []
        self.written = 0

    def run(self):
        kinds, weights = list(MIX), list(MIX.values())
        while not self.stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            try:
                if kind in SHARED_WRITES and self.rng.random() < self.shared:
                    self.shared_write(kind)
                else:
                    getattr(self, kind)()
            except NotSent:
                self.stop.wait(0.05)  # the server is down: it is being restarted
            except Unanswered:
                pass  # tallied; a write's ledger entry is made where it was sent

    def call(self, kind, send, *args):
        """Send a request with *send*; tally its answer, or its absence."""
        try:
            response = send(*args)
        except NotSent:
            self.tally.refused += 1
            raise
        except Unanswered:
            self.tally.unanswered += 1
            raise
        self.tally.answered(kind, response)
        return response

    def new_name(self):
        self.written += 1
        return f"n{self.number}-{self.written}"

    def new_body(self, name):
        words = " ".join(self.rng.choices(WORDS, k=40))
        return f"<p>{words} ({name}, write {self.written}).</p>"

    def pick(self, type_=None):
        nodes = [n for n in self.own.values() if type_ in (None, n.type)]
        return self.rng.choice(nodes) if nodes else None

    # -- writes --------------------------------------------------------------

    def create(self, folder=None, shared=False):
        folder = folder or self.rng.choice(own_folders(self.number))
        name = self.new_name()
        body = self.new_body(name)
        data = {"@type": "Document", "id": name, "title": f"Page {name}", "body": body}
        label = "shared create" if shared else "create"
        response = self.call(label, self.api.send_json, "POST", folder, data)
        if response.status != 201:
            return
        data = response.json()
        node = Node(data["uid"], "Document", path_of(data["@id"]), response.etag)
        node.body = data["body"]
        self.ledger.created(node.uid, node.type, response.version, node.state)
        if shared:
            self.shared_nodes.seen(node.uid, node.path)
        else:
            self.own[node.uid] = node

    def upload(self):
        folder = self.rng.choice(own_folders(self.number))
        name = self.new_name() + ".bin"
        content = self.rng.randbytes(self.rng.randint(1024, 64 * 1024))
        response = self.call("upload", self.api.upload, folder, name, content)
        if response.status != 201:
            return
        data = response.json()
        digest = hashlib.sha256(content).hexdigest()
        node = Node(data["uid"], "File", path_of(data["@id"]), response.etag)
        node.digest = digest
        self.ledger.created(node.uid, node.type, response.version, node.state, digest)
        self.own[node.uid] = node

    def patch(self):
        self.change("patch", self.pick("Document"))

    def move(self):
        self.change("move", self.pick())

    def rename(self):
        self.change("rename", self.pick())

    def delete(self):
        self.change("delete", self.pick())

    def shared_write(self, kind):
        picked = self.shared_nodes.pick(self.rng)
        if kind == "create" or picked is None:
            self.create(self.rng.choice(SHARED_FOLDERS), shared=True)
            return
        uid, path = picked
        response = self.call("shared read", self.api.get, path)
        if response.status == 301:
            path = response.location
            response = self.call("shared read", self.api.get, path)
        if response.status == 404:
            self.shared_nodes.forget(uid)  # deleted meanwhile
        if response.status != 200 or response.json()["uid"] != uid:
            return
        node = Node(uid, "Document", path, response.etag, response.json()["body"])
        self.change(kind, node, shared=True)

    def change(self, kind, node, shared=False):
        """Update, move, rename or delete *node*, with ``If-Match``."""
        if node is None:
            self.create()
            return
        label = f"shared {kind}" if shared else kind
        if kind == "delete":
            after = GONE
            send = (self.api.delete, node.path, node.etag)
        else:
            if kind == "patch":
                body = self.new_body(name_of(node.path))
                after = State(node.path, body)
                path, data = node.path, {"body": body}
            elif kind == "move":
                folders = SHARED_FOLDERS if shared else own_folders(self.number)
                to = folders[1] if parent_of(node.path) == folders[0] else folders[0]
                after = State(to + name_of(node.path) + "/", node.body)
                path, data = node.path + "@@move", {"to": to}
            else:
                name = self.new_name()
                after = State(parent_of(node.path) + name + "/", node.body)
                path, data = node.path + "@@move", {"id": name}
            method = "PATCH" if kind == "patch" else "POST"
            send = (self.api.send_json, method, path, data, node.etag)
        try:
            response = self.call(label, *send)
        except Unanswered:
            self.unsure(node, after)
            raise
        if response.status >= 500:
            self.unsure(node, after)  # not acknowledged: the 5xx is tallied
        elif response.status == 204:
            self.ledger.acknowledged_write(node.uid, GONE)
            self.own.pop(node.uid, None)
            self.shared_nodes.forget(node.uid)
        elif response.status == 200:
            data = response.json()
            node.path, node.etag = path_of(data["@id"]), response.etag
            node.body = data.get("body")
            self.ledger.acknowledged_write(node.uid, node.state, response.version)
            if shared:
                self.shared_nodes.seen(node.uid, node.path)
        elif not shared:
            # A refusal (412, 404, 409) of a node no one else writes: the
            # verification will say what became of it; leave it alone.
            self.own.pop(node.uid, None)

    def unsure(self, node, after):
        """The write may or may not have landed: the node may be in either state."""
        self.ledger.unanswered(node.uid, version_of(node.etag), after)
        self.own.pop(node.uid, None)

    # -- reads ---------------------------------------------------------------

    def download(self):
        node = self.pick("File")
        if node is None:
            self.upload()
            return
        response = self.call("download", self.api.get, node.path + "@@download", "*/*")
        if response.status == 200:
            if hashlib.sha256(response.body).hexdigest() != node.digest:
                self.bad_reads.append(f"{node.path}@@download: not the bytes uploaded")
        elif response.status < 500:
            self.bad_reads.append(f"{node.path}@@download: {response.status}")

    def read(self):
        node = self.pick("Document")
        choice = self.rng.randrange(4)
        if node is None or choice == 0:
            folder = self.rng.choice(own_folders(self.number))
            self.call("read", self.api.get, folder, HTML)
        elif choice == 1:
            self.call("read", self.api.get, node.path, HTML)
        elif choice == 2:
            self.call("read", self.api.get, "/")
        else:
            response = self.call("read", self.api.get, node.path)
            if response.status == 200 and response.json()["body"] != node.body:
                self.bad_reads.append(f"{node.path}: not the body acknowledged")
            elif 300 <= response.status < 500:
                self.bad_reads.append(f"{node.path}: {response.status}")
