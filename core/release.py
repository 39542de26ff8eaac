"""
The running code's release (``settings.RELEASE``), which every cached page's key includes
(``core.stamps.page_key``), so a page cached by one release is never served by the next, even from a cache
shared across a deploy (``CACHE_URL``).

``RELEASE`` in the environment names it (a deploy can pass its git commit). Otherwise it is worked out once,
at start-up, from what a page is built from: the apps' Python and templates, the shared templates and static
files, and the dependencies (``pyproject.toml``). A hash of their contents, so every process started from the
same code (web, worker, on any machine) agrees without being told, and any change to the code gives a new one.
The package's version is left out: it does not move with each deploy. Reads about 400 files, under 0.1 s.
"""
import hashlib
from pathlib import Path

SHARED = ("templates", "static", "pyproject.toml")
NOT_SERVED = frozenset({"tests"})


def sources(base_dir):
    """The files a page is built from, under ``base_dir``, in a fixed order."""
    base_dir = Path(base_dir)
    roots = [path for path in sorted(base_dir.iterdir()) if (path / "__init__.py").is_file() and path.name not in NOT_SERVED]
    roots.extend(base_dir / name for name in SHARED)
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (
                path for path in sorted(root.rglob("*"))
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
            )


def from_sources(base_dir):
    """A short hash of the names and contents of ``sources(base_dir)``."""
    base_dir = Path(base_dir)
    digest = hashlib.sha256()
    for path in sources(base_dir):
        digest.update(path.relative_to(base_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
