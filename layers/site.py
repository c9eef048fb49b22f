"""The only writer of the output folder.

Writing is atomic: :func:`write_site` fills a fresh staging folder beside the output folder
and swaps it in only when everything is written, so a failed or interrupted build leaves the
previous output as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .contract import Language
from .data.model import Battle
from .errors import OutputError, OutputInterrupted, inert
from .memory import collector_paused

if TYPE_CHECKING:
    from .page.assemble import Content

#: Written into every output folder; only a folder with it (or an empty one) is ever replaced,
#: so a mistyped --out can never wipe a folder of the user's. Staging folders carry it from
#: the moment they exist, and only folders that carry it are ever deleted.
MARKER = ".hengyang-map-output"
MARKER_TEXT = b"This folder is written by hengyang-map and replaced as a whole by each build.\n"
#: The steps of :func:`write_site`, in order; tests stop a build at each with SIGKILL.
WRITE_STEPS = ("locked", "staging-made", "staging-marked", "written", "swapped", "old-emptied", "done")
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100


def _step(name: str) -> None:
    """A named point of the write (a no-op; tests replace it to kill the build there)."""


def write_site(files: Mapping[str, Content] | Iterable[tuple[str, Content]], out_dir: Path | str) -> Path:
    """Write ``files`` as the new content of ``out_dir``, atomically.

    ``files`` maps paths to contents, or yields (path, content) pairs, which are written
    as they come (see :func:`iter_site`), so that only one is held at a time. A content is
    bytes, or a tuple of bytes written one after the other.

    The files go to a fresh staging folder beside ``out_dir``; when all are written and
    synced, the two folders are exchanged in one step (Linux ``renameat2``), so ``out_dir``
    is at every moment the old output or the new one. Where the kernel cannot exchange,
    two renames are used and the next build finishes or undoes a swap cut short between
    them. A lock on the parent folder serialises concurrent builds; SIGINT and SIGTERM are
    held during the swap. On any error the previous ``out_dir`` is left untouched and
    :class:`OutputError` is raised. A non-empty folder that this tool did not write is
    never replaced, and nothing but folders carrying :data:`MARKER` is ever deleted.

    If ``out_dir`` is a symlink, the folder it points to is written.
    """
    out = Path(os.path.realpath(out_dir))
    shown = inert(os.fspath(out_dir))
    parent = out.parent
    refuse_output(out_dir)
    caught: list[int] = []
    try:
        parent.mkdir(parents=True, exist_ok=True)
        refuse_output(out_dir)  # again, now that its parent exists
        with _locked(parent):
            _step("locked")
            _recover(out)
            staging = _make_staging(out)
            swapped = False  # after the swap the staging folder is the output: never remove it
            try:
                _write_all(sorted(files.items()) if isinstance(files, Mapping) else files, staging)
                os.chmod(staging, 0o755)
                _step("written")
                with signals_held() as caught:
                    _swap(staging, out)
                    swapped = True
                    _step("done")
            except BaseException:
                if not swapped:
                    _remove_marked(staging)
                raise
    except OSError as err:
        raise OutputError(
            f"{shown}: could not write the pages ({inert(err.strerror or str(err))}); the previous output is unchanged"
        ) from err
    if caught:
        raise OutputInterrupted(f"interrupted after the new output was complete in {shown}")
    return out


def _write_all(files: Iterable[tuple[str, Content]], staging: Path) -> None:
    """Write each file into ``staging`` while the next one is made: a file is written and
    synced by a writer thread (the disk's wait, and most of the writing, free the interpreter
    for others), so making the pages and writing them overlap. At most one file waits for the
    writer, so no more than two are held at a time; the writer's error is raised here."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hengyang-map-writer") as writer:
        pending: Future[None] | None = None
        for name, content in files:
            if name == MARKER:  # written when the staging folder was made
                continue
            if pending is not None:
                pending.result()
            pending = writer.submit(_write_new, staging / name, content)
        if pending is not None:
            pending.result()


def refuse_output(out_dir: Path | str) -> None:
    """Raise :class:`OutputError` if ``out_dir`` is a folder no build may replace: the root,
    the current folder or one holding it, a file, or a non-empty folder this tool did not
    write. ``serve`` asks the same before it serves anything."""
    out = Path(os.path.realpath(out_dir))
    shown = inert(os.fspath(out_dir))
    here: Path | None = None
    if out.parent == out:
        raise OutputError(f"{shown}: is the root folder; choose a folder inside it")
    with contextlib.suppress(OSError):
        here = Path.cwd().resolve()
    if here is not None and here.is_relative_to(out):
        raise OutputError(f"{shown}: is the current folder or contains it; choose another output folder")
    try:
        if out.exists() and not out.is_dir():
            raise OutputError(f"{shown}: exists and is not a folder; refusing to replace it")
        if out.is_dir() and any(out.iterdir()) and not _is_marked(out):
            raise OutputError(
                f"{shown}: is a folder this tool did not write (no {MARKER} in it); refusing to replace it. "
                "Choose an empty or new folder."
            )
    except OSError as err:
        raise OutputError(f"{shown}: cannot be read ({inert(err.strerror or str(err))})") from err


def is_output(folder: Path | str) -> bool:
    """Whether ``folder`` is an output folder this tool wrote (it carries :data:`MARKER`)."""
    return _is_marked(Path(folder))


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself: no lock file is made, so none is left
    behind and no symlink planted under a lock file's name is ever followed."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def signals_held() -> Iterator[list[int]]:
    """Defer SIGINT and SIGTERM for the duration of the block; yields the signals that came."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in _HELD}
    try:
        yield caught
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_HELD = (signal.SIGINT, signal.SIGTERM)


def _write_new(path: Path, content: Content) -> None:
    """Create ``path`` (never an existing file, never through a symlink) and sync it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    with open(fd, "wb") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            handle.writelines(content)  # buffered: the pieces are written as they are, not joined
        handle.flush()
        os.fsync(handle.fileno())


def _make_staging(out: Path) -> Path:
    """A new folder ``.<name>.new-<random>`` beside ``out``, marked as ours at once."""
    while True:
        staging = out.with_name(f".{out.name}.new-{secrets.token_hex(8)}")
        try:
            os.mkdir(staging, 0o700)  # fails on anything already there, symlinks included
            break
        except FileExistsError:
            continue
    _step("staging-made")
    _write_new(staging / MARKER, MARKER_TEXT)
    _step("staging-marked")
    return staging


def _is_marked(folder: Path) -> bool:
    """Whether ``folder`` is a real folder (not a symlink) holding our marker as a regular file."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and stat.S_ISREG(os.lstat(folder / MARKER).st_mode)
    except OSError:
        return False


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """``renameat2(source, target, flags)``; False where the system or file system lacks it."""
    func = _libc_renameat2()
    if func is None:
        return False
    if func(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags) == 0:
        return True
    errno_ = ctypes.get_errno()
    if errno_ in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(errno_, os.strerror(errno_), str(target))


@lru_cache(maxsize=1)
def _libc_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in place of ``out`` and delete the old output.

    With ``renameat2(RENAME_EXCHANGE)`` the two folders trade places in one step and the old
    output, now under the staging name, is deleted after. Without it, the old output is
    renamed aside to ``.<name>.old-<random>`` first; :func:`_recover` puts it back if the
    build dies before the second rename.
    """
    if not os.path.lexists(out):
        if not _renameat2(staging, out, _RENAME_NOREPLACE):
            os.rename(staging, out)
        _step("swapped")
        return
    if _renameat2(staging, out, _RENAME_EXCHANGE):
        _step("swapped")
        _remove_old(staging)
        return
    if not _is_marked(out):
        os.rmdir(out)  # an empty folder of the user's (checked before): nothing to set aside
        os.rename(staging, out)
        _step("swapped")
        return
    old = out.with_name(f".{out.name}.old-{secrets.token_hex(8)}")
    os.rename(out, old)
    _step("swapped")
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    _remove_old(old)


def _remove_old(folder: Path) -> None:
    """Delete the previous output: ours (marked), or the empty folder it replaced."""
    if _is_marked(folder):
        _remove_marked(folder)
    else:
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def _remove_marked(folder: Path) -> None:
    """Delete ``folder`` if it carries our marker: its content first, the marker last, so a
    deletion cut short leaves a folder that is still marked (or empty)."""
    if not _is_marked(folder):
        return
    for entry in os.scandir(folder):
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    _step("old-emptied")
    os.unlink(folder / MARKER)
    os.rmdir(folder)


def _recover(out: Path | str) -> None:
    """Finish or undo what an earlier, killed build left beside ``out``.

    Only our own leftovers are touched: folders named exactly ``.<name>.new-<16 hex>`` or
    ``.<name>.old-<16 hex>`` that carry the marker (or are empty). An old output set aside
    by a two-rename swap is put back if ``out`` is missing; every other leftover is deleted.
    """
    out = Path(out)
    pattern = re.compile(re.escape(f".{out.name}.") + r"(new|old)-[0-9a-f]{16}", re.ASCII)
    leftovers = sorted(
        (match.group(1), out.parent / name) for name in os.listdir(out.parent) if (match := pattern.fullmatch(name))
    )
    for kind, path in leftovers:
        if kind == "old" and not os.path.lexists(out) and _is_marked(path):
            os.rename(path, out)
        elif _is_marked(path):
            _remove_marked(path)
        else:
            with contextlib.suppress(OSError):
                os.rmdir(path)  # empty: made by a build killed before it marked it


def build(battle: Battle, out_dir: Path | str, phase_ids: Iterable[str] | None = None, lang: str | None = None) -> Path:
    """Render the site for ``battle`` and write it atomically to ``out_dir``, page by page. The
    pages open in ``lang`` ("zh", "en" or "both"); None: in their reader's browser language
    where it is Chinese or English, else in Chinese."""
    with collector_paused():
        # The page stack (folium, branca, jinja2...) is imported here, with the collector paused
        # like the rest of the build: its hundred thousand new objects would otherwise set off
        # full collections that walk every object of the loaded battle (1.5 s at 100,000 features).
        from .page.assemble import iter_site

        return write_site(iter_site(battle, phase_ids, lang or Language.DEFAULT, follow_reader=lang is None), out_dir)
