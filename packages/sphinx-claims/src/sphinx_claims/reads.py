"""What a check read: the files inside the root folder it opened or listed, and their digests.

Python's audit hooks (PEP 578) see every ``open`` (``numpy.loadtxt``'s and each import's included)
and every directory listing of the process. :class:`Reads` sorts them into buckets: the check (or
the fixture) running, else the session as a whole. A module served from its cached ``.pyc``
counts as its source (``importlib.util.source_from_cache``), and a Python source counts for the
whole session, as a module, once imported, serves every later check of the process.

A Jupyter kernel, or any Python the session starts, is another process: the session puts
:data:`KERNEL` (a ``sitecustomize.py``) on the ``PYTHONPATH`` it passes on, and that process writes
each read to a log under :envvar:`CLAIMS_READS_LOG`, which the session collects after each check.
Programs that are not Python (node, dot, XeLaTeX, Chromium) are invisible to the hooks: a check
names what it hands them with :func:`declare`. A cache shared between checks must be :func:`cache`
(or use :func:`recording` and :func:`replay`), so that each check it serves counts what filling it
read. A check that needs only part of a file (a page's anchors, not its text) reads it through a
:func:`view`: what counts is then the part, and the check runs again only when the part changes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

KERNEL = Path(__file__).parent / "kernel"  # the folder of the sitecustomize.py for subprocesses
LOG = "CLAIMS_READS_LOG"  # the log folder of the session's subprocesses
ROOT = "CLAIMS_READS_ROOT"
IGNORE = "CLAIMS_READS_IGNORE"  # os.pathsep-separated folders (relative) whose reads never count
WRITE = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
P = ParamSpec("P")
T = TypeVar("T")


class Reads:
    """The reads inside ``root`` (relative POSIX paths; a listed folder ends with ``/``), by bucket.

    ``ignore``: folders under ``root`` whose reads do not count (the environment, caches, the
    record itself). What a process writes is its output, never its input.
    """

    def __init__(self, root: Path, ignore: Iterable[str] = ()) -> None:
        self.root = str(root.resolve())
        self.ignore = tuple(f"{x.strip('/')}/" for x in ignore if x.strip("/"))
        self.common: set[str] = set()  # outside any bucket, and every Python source
        self.stack: list[set[str]] = []
        self.written: set[str] = set()
        self.busy = False  # True: nothing is recorded (the hook's own reads, the end of a session)

    def relative(self, path: object) -> str | None:
        """``path`` relative to the root if it is inside and counts, else None."""
        if not isinstance(path, str | bytes | os.PathLike):
            return None
        name = os.fsdecode(path)
        if name.startswith("<"):  # "<stdin>", "<unknown>": no file
            return None
        name = os.path.normpath(os.path.join(os.getcwd(), name))
        if not name.startswith(self.root + os.sep):
            return None
        if name.endswith(".pyc") and "__pycache__" in name:
            try:
                name = importlib.util.source_from_cache(name)
            except ValueError:
                return None
        rel = name[len(self.root) + 1 :].replace(os.sep, "/")
        return None if f"{rel}/".startswith(self.ignore) else rel

    def saw(self, event: str, args: tuple[Any, ...]) -> None:
        """The audit hook: file opens and folder listings."""
        if self.busy or event not in ("open", "os.listdir", "os.scandir"):
            return
        self.busy = True
        try:
            rel = self.relative(args[0] if args else ".")
            if rel is None:
                return
            if event == "open":
                mode, flags = args[1], args[2]
                writes = any(c in mode for c in "wax+") if mode else bool(flags & WRITE)
                if writes:
                    self.written.add(rel)
                    return
            else:
                rel += "/"
            self.add(rel)
        finally:
            self.busy = False

    def add(self, rel: str) -> None:
        """Count ``rel`` for the bucket open now (a Python source: for the whole session)."""
        if rel.endswith(".py") or not self.stack:
            self.common.add(rel)
        else:
            self.stack[-1].add(rel)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Record nothing in the block: what the recorder itself reads (digests, versions)."""
        busy, self.busy = self.busy, True
        try:
            yield
        finally:
            self.busy = busy

    @contextlib.contextmanager
    def bucket(self, aside: bool = False) -> Iterator[set[str]]:
        """Collect the reads of the block (a check, a fixture) into the set it yields; unless
        ``aside``, the bucket around it counts them too."""
        self.stack.append(set())
        try:
            yield self.stack[-1]
        finally:
            found = self.stack.pop()
            if self.stack and not aside:  # what an inner bucket read, the outer one read too
                self.stack[-1] |= found


#: The process's reads, once :func:`start` installed the hook.
current: Reads | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if current is not None:
        current.saw(event, args)


_replaced: list[Reads | None] = []  # the records that start() replaced, for stop()
_hooked = False


def start(root: Path, ignore: Iterable[str] = ()) -> Reads:
    """Record this process's reads inside ``root`` from now on, until :func:`stop` (a test
    session run inside another, as pytester's, records its own and then gives it back)."""
    global current, _hooked
    if not _hooked:
        sys.addaudithook(_hook)  # an audit hook cannot be removed: it reads ``current``
        _hooked = True
    _replaced.append(current)
    current = Reads(root, ignore)
    return current


def stop() -> None:
    """Give the record back to the one :func:`start` replaced (none: stop recording)."""
    global current
    current = _replaced.pop() if _replaced else None


def declare(*paths: Path | str) -> None:
    """Count ``paths`` as read by the check running: files a program that is not Python reads."""
    if current is not None and not current.busy:
        for path in paths:
            rel = current.relative(path)
            if rel is not None:
                (current.stack[-1] if current.stack else current.common).add(rel)


@contextlib.contextmanager
def recording(aside: bool = False) -> Iterator[set[str]]:
    """Collect what the block reads into the set it yields (for :func:`replay`); the check or
    fixture running counts it too, unless ``aside``: work done ahead for other checks, each of
    which replays its own part (a batch that fills a cache for many checks at once would
    otherwise count for the one check that started it). Without a record running, the set stays
    empty."""
    if current is None:
        yield set()
        return
    with current.bucket(aside) as found:
        yield found


def replay(found: Iterable[str]) -> None:
    """Count ``found`` (a :func:`recording`'s set) as read by the check running now: what it is
    served from a cache that another check filled."""
    if current is not None and current.stack and not current.busy:
        current.stack[-1] |= set(found)


def cache(function: Callable[P, T]) -> Callable[P, T]:
    """:func:`functools.cache` that remembers what each call read and counts it again for every
    check a cached result serves (:func:`recording`, :func:`replay`). A plain cache would count
    it only for the check that filled it."""
    results: dict[object, tuple[T, set[str]]] = {}

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in results:
            with recording() as found:
                result = function(*args, **kwargs)
            if current is not None and current.busy:  # recording paused (a view): reads unknown
                return result
            results[key] = result, found
        replay(results[key][1])
        return results[key][0]

    return wrapper


#: The views by name (module and qualified name): what :func:`digest_of` computes for a
#: ``<path>#<name>`` read.
VIEWS: dict[str, Callable[[Path], object]] = {}
#: The digest of each view's result already computed, by the view, the digest of its module's
#: source and that of the file's bytes: a view is a function of those alone. The reuse plugin
#: keeps them between sessions (``views.digests``), as a view can parse a large page.
view_digests: dict[str, str] = {}
_sources: dict[str, str] = {}  # view name -> digest of its module's source
VIEW = "#"  # between a file's path and a view's name


def view(function: Callable[[Path], T]) -> Callable[[Path | str], T]:
    """A function of one file's contents that checks read instead of the file: the check counts
    ``<path>#<view>``, whose digest is that of the function's result, not of the file. So a check
    that reads a file only through views re-runs only when what it used of the file changed
    (a change elsewhere in the file is none of its inputs); if it also opens the file, the file
    counts as well, as always.

    Sound only for a function of the file's bytes alone: the same bytes, the same result. The
    result is digested as JSON (a set as a sorted list; anything else JSON cannot hold is refused),
    so that the digest is the same in every process. Registered by name when defined, so that a
    later session computes the view again to compare it; a session that has not defined it (its
    module not imported) counts it as changed. A result is kept for files of the same bytes."""
    name = f"{function.__module__}.{function.__qualname__}"
    results: dict[str, T] = {}  # by the digest of the file's bytes

    @functools.wraps(function)
    def wrapper(path: Path | str) -> T:
        path = Path(path)
        if current is not None and not current.busy:  # read, even if it fails (as an open)
            rel = current.relative(path)
            if rel is not None:
                current.add(rel + VIEW + name)
        with _paused():
            key = hashlib.sha256(path.read_bytes()).hexdigest()
            if key not in results:
                results[key] = function(path)
        return results[key]

    VIEWS[name] = wrapper
    source = getattr(sys.modules.get(function.__module__), "__file__", None)
    with _paused():
        code = Path(source).read_bytes() if source else name.encode()
    _sources[name] = hashlib.sha256(code).hexdigest()
    return wrapper


def _paused() -> contextlib.AbstractContextManager[None]:
    """:meth:`Reads.paused` of the record running, if any."""
    return current.paused() if current is not None else contextlib.nullcontext()


def _plain(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"a view's result must be JSON data or a set, not {type(value).__name__}")


def log_to(folder: str, root: str, ignore: str = "") -> None:
    """In a subprocess (``sitecustomize``): append each read to ``<folder>/<pid>.reads``."""
    reads = start(Path(root), ignore.split(os.pathsep))
    reads.busy = True  # opening the log is no read
    log = open(Path(folder) / f"{os.getpid()}.reads", "a", buffering=1)
    reads.busy = False

    def add(rel: str) -> None:
        log.write(rel + "\n")

    reads.add = add  # type: ignore[method-assign]


def collect(folder: Path, seen: dict[str, int]) -> set[str]:
    """The reads the subprocesses logged in ``folder`` since the offsets ``seen`` (updated)."""
    found: set[str] = set()
    for log in sorted(folder.glob("*.reads")):
        with log.open("rb") as f:
            f.seek(seen.get(log.name, 0))
            data = f.read()
        done = data.rfind(b"\n") + 1  # a line still being written waits for the next call
        seen[log.name] = seen.get(log.name, 0) + done
        found |= set(data[:done].decode().splitlines())
    return found


def digest_of(root: Path, rel: str) -> str:
    """SHA-256 of a file's bytes, or of a folder's sorted names, or of a :func:`view` of a file
    (``<path>#<view>``; ``unknown view`` if no view of that name is defined); ``missing`` if
    neither exists."""
    rel, _, name = rel.partition(VIEW)
    path = root / rel
    if name and name not in VIEWS:
        return "unknown view"
    try:
        if name:
            key = f"{name} {_sources[name]} {hashlib.sha256(path.read_bytes()).hexdigest()}"
            if key not in view_digests:
                result = VIEWS[name](path)
                data = json.dumps(result, sort_keys=True, default=_plain).encode()
                view_digests[key] = hashlib.sha256(data).hexdigest()
            return view_digests[key]
        elif rel.endswith("/"):
            data = "\0".join(sorted(os.listdir(path))).encode()
        else:
            data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except IsADirectoryError:
        return "a folder"
    return hashlib.sha256(data).hexdigest()
