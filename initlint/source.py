"""Bytes ↔ text for Python files: encoding, BOM and line endings kept; atomic write-back."""

from __future__ import annotations

import codecs
import io
import os
import re
import signal
import stat
import tempfile
import threading
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

NEWLINE = re.compile(r"\r\n|\r|\n")  # the line endings Python accepts


def rows(text: str) -> list[str]:
    """The lines of ``text`` without their endings (any of CRLF, CR, LF), as shown in frames."""
    return NEWLINE.split(text)


# libcst parses about 50-100 KB a second and needs ~500 bytes of memory per byte of source:
# a 20 MB generated file would take minutes and gigabytes. Hand-written model code is far
# smaller (the largest transformers modeling files are a few hundred KB); bigger files are
# reported as not checked rather than slowing every run that meets them.
MAX_BYTES = 2 * 2**20


class SourceError(Exception):
    """The file cannot be read or decoded; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str  # without the BOM; line endings exactly as in the file
    encoding: str
    bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode(data: bytes) -> SourceText:
    """Decode as Python does (PEP 263 cookie, UTF-8 BOM), keeping every line ending."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise SourceError(str(error)) from None
    bom = encoding == "utf-8-sig"
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SourceError(f"cannot decode as {encoding}: {error}") from None
    return SourceText(text, encoding, bom)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; SourceError (one line) when it cannot be read or is not a file.

    Opened without blocking and checked to be a regular file of at most ``MAX_BYTES``: a
    named pipe or a device given a ``.py`` name would otherwise wait forever, or never end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise SourceError(error.strerror or str(error)) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise SourceError("not a regular file")
        if status.st_size > MAX_BYTES:
            raise SourceError(
                f"too large to analyse ({status.st_size / 2**20:.1f} MiB; "
                f"the limit is {MAX_BYTES // 2**20} MiB)"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as error:
        raise SourceError(error.strerror or str(error)) from None
    finally:
        os.close(fd)


def read(path: Path) -> SourceText:
    return decode(read_bytes(path))


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory and rename it over ``path``.

    The file is either the old or the new content, never partial; its mode bits are kept.
    """
    path = Path(os.path.realpath(path))  # write through a symlink, never over it
    if not os.access(path, os.W_OK):  # a rename would replace it: respect the permission
        raise PermissionError(13, "Permission denied (file is read-only)", str(path))
    mode = path.stat().st_mode
    with _interrupts_deferred():
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".initlint", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode & 0o7777)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def replace_file(path: Path, data: bytes) -> None:
    """Write one of initlint's own files (a baseline, the cache) through a temporary file in
    its folder and a rename: a reader (another run, an editor) never sees it half-written.
    ``write_atomic`` is for the user's sources, whose mode and symlinks it keeps."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the write is done or undone.

    Otherwise one arriving just after ``mkstemp`` leaves its temporary file behind; held,
    it is raised as soon as the file is whole and the temporary gone. Only the main thread
    receives them, and only where POSIX signal masks exist.
    """
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
