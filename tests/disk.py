"""A disk that fails under the blob store: full, broken or not writable.

:func:`failing` makes one file-system call raise the OSError the kernel
would (``ENOSPC``, ``EIO``, ``EACCES``…), for files under one folder only:
the database, the app and every other file work for real.
"""

import builtins
import errno
import io
import os
from argparse import Namespace
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from cms.scripts import blobs

#: The calls that can be made to fail: functions of :mod:`os`, and ``read``
#: (opening a file for reading with :func:`open`, as downloads and the
#: content sniffing do).
CALLS = ("open", "write", "fsync", "replace", "mkdir", "unlink", "utime", "read")

#: Each way to fail an upload, with the status it is answered with.
UPLOAD_FAULTS = [
    pytest.param(errno.ENOSPC, "write", 507, id="full"),
    pytest.param(errno.EDQUOT, "write", 507, id="quota-spent"),
    pytest.param(errno.EIO, "fsync", 503, id="broken"),
    pytest.param(errno.EACCES, "open", 503, id="not-writable"),
    pytest.param(errno.EROFS, "replace", 503, id="read-only"),
]

#: What an upload the disk refused is answered with, by status.
MESSAGES = {
    507: "The file store is full: nothing was saved.",
    503: "The file store cannot be written to right now: nothing was saved. "
    "Try again later.",
}
TYPES = {507: "InsufficientStorage", 503: "ServiceUnavailable"}


class Fault:
    """One call failing under a folder, from when it is armed."""

    def __init__(self, root, call, code, armed):
        self.root = Path(root).resolve()
        self.call, self.code, self.armed = call, code, armed
        #: How many calls failed.
        self.failed = 0

    def arm(self):
        self.armed = True

    def path(self, target):
        """The file *target* names (a path or a descriptor), if under the root."""
        if isinstance(target, int):  # a file descriptor: name its file
            target = os.readlink(f"/proc/self/fd/{target}")
        if not isinstance(target, (str, bytes, os.PathLike)):
            return None
        path = Path(os.fsdecode(target)).resolve()
        return path if path.is_relative_to(self.root) else None

    def check(self, *targets):
        if not self.armed:
            return
        for path in map(self.path, targets):
            if path is not None:
                self.failed += 1
                raise OSError(self.code, os.strerror(self.code), str(path))


@contextmanager
def failing(root, call, code, armed=True):
    """Make *call* raise ``OSError(code)`` for files under *root*; yield the `Fault`.

    An unarmed fault waits for ``fault.arm()``.
    """
    assert call in CALLS, call
    fault = Fault(root, call, code, armed)
    with pytest.MonkeyPatch.context() as patch:
        if call == "read":
            real_open = builtins.open

            def fake_open(file, mode="r", *args, **kwargs):
                if not set(mode) & set("wax+"):
                    fault.check(file)
                return real_open(file, mode, *args, **kwargs)

            # pathlib opens with io.open, everything else with the builtin.
            patch.setattr(builtins, "open", fake_open)
            patch.setattr(io, "open", fake_open)
        else:
            real = getattr(os, call)

            def fake(*args, **kwargs):
                # replace(src, dst) names two files; the others one, first.
                fault.check(*args[: 2 if call == "replace" else 1])
                return real(*args, **kwargs)

            patch.setattr(os, call, fake)
        yield fault


def store_state(store):
    """What a refused upload must leave as it was: the blobs and temporary files."""
    return set(store.keys()), sorted(store.tmp.iterdir())


def blobs_check(app, dbsession):
    """What ``cms-admin INI blobs check`` says of the test's site: its exit status.

    Run here on the test's own session, which sees what the requests wrote.
    """
    dbsession.expire_all()
    request = SimpleNamespace(registry=app.registry, dbsession=dbsession)
    return blobs.run(request, Namespace(action="check"))
