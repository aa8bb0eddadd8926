"""Console capture: a tee in front of ``sys.stdout`` / ``sys.stderr`` that feeds a task's log.

The user's output must not change in any way: every write goes to the original stream first,
unchanged, and anything the tee does not define (``fileno``, ``isatty``, ``encoding``,
``buffer``, ...) is the original's, so tqdm, ``subprocess`` and ``faulthandler`` keep working.

What the log receives is whole lines. A progress bar that rewrites one line with ``\\r`` ten
thousand times yields one line, its latest state, when a ``\\n`` ends it or the owner calls
:meth:`ConsoleCapture.flush_pending` (ClearML flushes such lines every 10 s). Partial overwrites
are not emulated: ``"abcdef\\rxy"`` is logged as ``xy``, which is right for progress bars, as
they always rewrite the whole line.

Imports are kept to builtins (``_thread``, not ``threading``; no ``typing`` at run time) because
this module is imported on every task start, notebook kernels included.
"""
import _thread
import io
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, TextIO

    Sink = Callable[[str, str], None]

__all__ = ["ConsoleCapture", "ConsoleTee", "install_console_capture"]

MAX_PENDING_CHARS = 64 * 1024
"""A line longer than this is handed over unfinished, so output without newlines stays bounded."""

class _SinkState(_thread._local):
    """Set while a sink runs on this thread: a sink that prints (or logs to stderr) must reach
    the terminal but not the sink again. Per thread, and shared by every tee, so that a stdout
    sink writing to stderr is covered too."""

    active = False  # a class default, so the hot path reads it without getattr(..., default)


_in_sink = _SinkState()


class _SinkCall:
    """Calls the user's sink and, on its first error, switches it off for good.

    Shared by the stdout and stderr tees of one capture, so a broken sink stops both.
    """

    __slots__ = ("enabled", "sink", "warn_stream")

    def __init__(self, sink: "Sink", warn_stream: "TextIO | None") -> None:
        self.sink = sink
        self.enabled = True
        self.warn_stream = warn_stream

    def __call__(self, stream_name: str, text: str) -> None:
        if not self.enabled:
            return
        _in_sink.active = True
        try:
            self.sink(stream_name, text)
        except Exception as exc:  # noqa: BLE001 - the user's print must never fail because of our log
            self.enabled = False
            self._warn(exc)
        finally:
            _in_sink.active = False

    def _warn(self, exc: Exception) -> None:
        if self.warn_stream is None:
            return
        try:
            self.warn_stream.write(f"jupyter-ext: console capture stopped, the log sink failed: {exc!r}\n")
        except Exception:  # noqa: BLE001, S110 - a broken stderr leaves nowhere to report to
            pass


class ConsoleTee:
    """A text stream that writes through to ``original`` and gives whole lines to a sink.

    Install it with :func:`install_console_capture` rather than directly.
    """

    def __init__(self, original: "TextIO", stream_name: str, sink: "Callable[[str, str], None]") -> None:
        self._original = original
        self._stream_name = stream_name
        self._call = sink if isinstance(sink, _SinkCall) else _SinkCall(sink, None)
        # Re-entrant: a signal handler that prints runs on the thread that may hold the lock.
        self._lock = _thread.RLock()
        self._line = ""  # the visible state of the unfinished line
        self._overwrite = False  # a "\r" was seen: the next text replaces the line

    @property
    def original(self) -> "TextIO":
        """The stream this tee writes through to."""
        return self._original

    @property
    def forwarding(self) -> bool:
        """Whether text still reaches the sink (False after uninstall or a sink error)."""
        return self._call.enabled

    def write(self, text: str) -> int:
        """Write ``text`` to the original stream, then note it for the sink."""
        written = self._original.write(text)
        if self._call.enabled and not _in_sink.active:
            with self._lock:
                if text == "\n":  # print()'s line end: the most common write of all
                    done = self._line + "\n"
                    self._line, self._overwrite = "", False
                elif "\n" in text or "\r" in text:
                    done = self._feed(text)
                else:  # a piece of a line
                    self._line = text if self._overwrite else self._line + text
                    self._overwrite = False
                    done = self._overflow() if len(self._line) > MAX_PENDING_CHARS else ""
            if done:
                self._call(self._stream_name, done)
        return written

    def writelines(self, lines: "Iterable[str]") -> None:
        """Write each of ``lines``; no separators are added, as for any text stream."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Flush the original stream. Pending ``\\r`` text stays pending: tqdm flushes on every
        update, and treating that as a line end would log every frame of the bar."""
        self._original.flush()

    def flush_pending(self) -> None:
        """Hand the unfinished line (if any) to the sink now, as a line of its own."""
        if not self._call.enabled or _in_sink.active:
            return
        with self._lock:
            line, self._line = self._line, ""
        if line:
            self._call(self._stream_name, line + "\n")

    def _feed(self, text: str) -> str:
        """Fold ``text``, which holds a line end or carriage return, into the pending line;
        return the lines it completed (or "")."""
        if "\r" not in text:
            head, _, rest = text.partition("\n")
            first = (head if self._overwrite and head else self._line + head) + "\n"
            lines, sep, tail = rest.rpartition("\n")
            self._line, self._overwrite = tail, False
            return first + lines + sep + self._overflow()
        done = []
        for i, segment in enumerate(text.split("\n")):
            if i:  # a "\n" ended the line before this segment
                done.append(self._line + "\n")
                self._line, self._overwrite = "", False
            for j, part in enumerate(segment.split("\r")):
                if j:
                    self._overwrite = True
                if part:
                    self._line = part if self._overwrite else self._line + part
                    self._overwrite = False
        return "".join(done) + self._overflow()

    def _overflow(self) -> str:
        if len(self._line) <= MAX_PENDING_CHARS:
            return ""
        line, self._line = self._line, ""
        return line + "\n"

    def __getattr__(self, name: str) -> "Any":
        # Only called for names the tee does not define: everything else is the original's.
        if name == "_original":  # not set yet (copy, pickle): avoid recursing forever
            raise AttributeError(name)
        return getattr(self._original, name)

    def __repr__(self) -> str:
        return f"<ConsoleTee {self._stream_name} of {self._original!r}>"


# Libraries that check isinstance(stream, io.TextIOBase) should accept the tee; registering
# (rather than inheriting) keeps io's method defaults from hiding the original's attributes.
io.TextIOBase.register(ConsoleTee)


class ConsoleCapture:
    """The tees one :func:`install_console_capture` call put in place, and how to remove them."""

    def __init__(self, tees: "dict[str, ConsoleTee]", call: _SinkCall) -> None:
        self._tees = tees
        self._call = call
        self._installed = True

    @property
    def tees(self) -> "dict[str, ConsoleTee]":
        """The installed tees by stream name (``"stdout"``, ``"stderr"``)."""
        return dict(self._tees)

    @property
    def active(self) -> bool:
        """True until :meth:`uninstall`, or until the sink failed and was switched off."""
        return self._installed and self._call.enabled

    def flush_pending(self) -> None:
        """Hand every unfinished line (a progress bar's latest state) to the sink now."""
        for tee in self._tees.values():
            tee.flush_pending()

    def uninstall(self, flush: bool = True) -> None:
        """Stop capturing; put the original streams back where the tees are still in place.

        If something replaced ``sys.stdout`` after us (another tool's wrapper around our tee),
        it is left alone and still writes through us to the terminal; we just stop feeding the
        sink. Calling this twice is harmless.
        """
        if not self._installed:
            return
        if flush:
            self.flush_pending()
        self._installed = False
        self._call.enabled = False
        for name, tee in self._tees.items():
            if getattr(sys, name) is tee:
                setattr(sys, name, tee.original)


def install_console_capture(
    sink: "Callable[[str, str], None]", stdout: bool = True, stderr: bool = True
) -> ConsoleCapture:
    """Tee ``sys.stdout`` and/or ``sys.stderr`` into ``sink(stream_name, text)``.

    ``sink`` receives whole lines (``text`` always ends in ``"\\n"``, and may hold several
    lines) and ``stream_name`` ``"stdout"`` or ``"stderr"``. It is called on the printing
    thread, so it should only append to a buffer. If it raises, capture stops and one warning
    goes to the original stderr; the user's print is not affected. A stream that is ``None``
    (``pythonw``, some daemons) is skipped.
    """
    call = _SinkCall(sink, sys.__stderr__ if sys.stderr is None else sys.stderr)
    tees: dict[str, ConsoleTee] = {}
    for name, wanted in (("stdout", stdout), ("stderr", stderr)):
        original = getattr(sys, name)
        if wanted and original is not None:
            tee = ConsoleTee(original, name, call)
            setattr(sys, name, tee)
            tees[name] = tee
    return ConsoleCapture(tees, call)
