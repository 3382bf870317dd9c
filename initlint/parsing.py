"""libcst's parser, made safe against deeply nested code.

libcst parses in native code that recurses once per nesting level and has no depth limit:
``x = ((((...))))`` two thousand levels deep, or a few thousand ``-``, ``lambda:`` or
``a if b else`` in a row, overflow the C stack and kill the process (SIGSEGV), which no
``except`` can catch. Two guards make that a finding instead:

- the text is first read by Python's own parser, which has depth limits (200 brackets,
  about 3000 levels of expression) and fails fast and cleanly: what Python cannot parse for
  depth is reported with Python's message and never reaches libcst, whose time also grows
  much faster than linearly with depth (3000 nested lists take minutes). It costs about a
  tenth of libcst's parse;
- libcst runs on a thread with a large stack (reserved, not used: pages are touched only as
  deep as the code goes), so what Python accepts but libcst nests deeper (a chain of 20000
  ``or``) fits too and ends, at worst, as a RecursionError in the analysis.
"""

from __future__ import annotations

import ast
import threading

import libcst as cst

# libcst needs up to about 8 KiB of native stack per nesting level; 8 MiB, a main thread's
# usual stack, overflows at 1000-2000 brackets or 20000 ``or`` in a row.
_STACK = 512 * 1024 * 1024
# Python's messages when code is nested beyond its parser's limits.
_DEPTH_MESSAGES = ("too many nested", "too many levels of indentation", "too complex")
_STACK_SIZE = threading.Lock()


def parse_module(text: str) -> cst.Module:
    """``cst.parse_module(text)``, raising RecursionError instead of crashing on deep code.

    A text Python rejects for nesting raises cst.ParserSyntaxError, so callers report
    Python's own message (the engine asks ``compile`` for it) as for any syntax error.
    """
    _check_depth(text)
    return _on_big_stack(text)


def _check_depth(text: str) -> None:
    try:
        compile(text, "<initlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (RecursionError, MemoryError):
        raise RecursionError("too deeply nested") from None
    except SyntaxError as error:
        if any(message in (error.msg or "") for message in _DEPTH_MESSAGES):
            raise cst.ParserSyntaxError(
                error.msg,
                lines=text.splitlines(keepends=True)[:1] or [""],
                raw_line=error.lineno or 1,
                raw_column=max((error.offset or 1) - 1, 0),
            ) from None
        # any other error: libcst may still read it (newer syntax than this Python's)
    except ValueError:  # NUL bytes: libcst reports those itself
        pass


def _on_big_stack(text: str) -> cst.Module:
    """Parse on a thread whose stack is ``_STACK``; exceptions come back to the caller."""
    outcome: list[cst.Module | BaseException] = []

    def work() -> None:
        try:
            outcome.append(cst.parse_module(text))
        except BaseException as error:  # handed to the calling thread
            outcome.append(error)

    worker = threading.Thread(target=work, name="initlint-parse", daemon=True)
    with _STACK_SIZE:  # the size is process-wide: set it only around this thread's start
        try:
            previous = threading.stack_size(_STACK)
        except (ValueError, RuntimeError):  # a platform without settable stacks
            return cst.parse_module(text)
        try:
            worker.start()
        except RuntimeError:  # no memory for such a stack: parse as libcst alone would
            return cst.parse_module(text)
        finally:
            threading.stack_size(previous)
    worker.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
