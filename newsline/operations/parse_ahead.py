"""A replay's records read, parsed and prepared in reader processes, ahead of the projector.

A rebuild spends its CPU on two jobs that do not wait for each other: turning log
records into rows (fetching, JSON decoding, the checks, the fold of each batch's new
events: ``store.prepared``) and writing those into the store. Done in turn by one
process they use one core; threads would not help, both jobs hold the GIL. So child
processes (spawned: each imports newsline afresh and opens its own consumer) read and
prepare, each a share of the partitions, and the projector receives their batches
through pipes. A pipe is the back-pressure: a child blocks once it is about a batch
ahead, so memory stays bounded however long the log is. The children run at a lower
priority: when the cores are all busy the projector, the one every batch waits for,
goes first.

One event lives in one partition, and the projector keeps positions per partition, so
the shares' batches may interleave in any order.

A record whose value is not JSON, or not a message the projection can fold, stays in
its batch as a position-only record (message None) and is counted as skipped: the
worker dead-lettered it when it came, so the store never had it.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import multiprocessing
import os
import pickle
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, NamedTuple, Protocol, TypeVar

from newsline.errors import InvalidEventMessage, NewslineError, StoreError
from newsline.store.fold import Extraction, Mention, parse_raw_record
from newsline.store.prepared import PreparedBatch, prepare
from newsline.store.projector import Record

#: records per parsed batch: one projector transaction each (bulk writes pay off
#: up to about this size; bench/query.py)
BATCH = 20_000
T = TypeVar("T")

#: reader processes: on two cores, one alone is slower than the projector, two keep
#: it busy (bench/query.py)
READERS = 2
#: how much the readers yield to the projector when they compete for a core
NICENESS = 5
#: items between two collections of the young generations (``collecting_per_item``)
COLLECT_EVERY = 8
#: bytes a pipe holds before its writer waits: Linux's default, 64 KiB, makes a batch
#: of tens of MB cross in hundreds of turns of each side (1 MiB is the usual cap)
PIPE_BYTES = 1 << 20
#: seconds a child gets to exit on its own once the replay is over
JOIN_S = 10.0


class RawRecord(NamedTuple):
    """One log record as a replay source yields it (kafka-python's ConsumerRecord has
    the same attributes)."""

    topic: str
    partition: int
    offset: int
    value: bytes | None


class ReplaySource(Protocol):
    """What the child reads: a bounded log (``log_reader.BoundedReader``) or a test's."""

    @property
    def total(self) -> int: ...  # records to read, for progress

    @property
    def partitions(self) -> int: ...

    def batches(self) -> Iterable[Iterable[Any]]: ...  # of RawRecord-like records

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ReplayShape:
    """The first thing the child says: how big the replay is."""

    total: int
    partitions: int


@dataclass(frozen=True, slots=True)
class ParsedBatch:
    """Projector records, messages parsed (``skipped`` of them position-only), and the
    rows of their mentions ``prepare``d: what ``Projector.apply`` takes."""

    records: list[Record]
    skipped: int
    prepared: PreparedBatch


class ParseAhead:
    """``with ParseAhead(open_source) as replay: for batch in replay.batches(): ...``

    ``readers`` child processes each read a share of the partitions:
    ``open_source(k, readers)`` opens reader k's share in the child, so it must pickle
    (a top-level function or class, or a ``functools.partial`` of one). An error of a
    child (the broker unreachable, a topic missing) is raised in
    the parent as it was raised there.
    """

    def __init__(
        self,
        open_source: Callable[[int, int], ReplaySource],
        readers: int = READERS,
    ) -> None:
        self._open_source = open_source
        self._readers = readers
        self._children: dict[Connection, multiprocessing.process.BaseProcess] = {}
        self.shape = ReplayShape(0, 0)

    def __enter__(self) -> ParseAhead:
        context = multiprocessing.get_context("spawn")
        try:
            for share in range(self._readers):
                pipe, child_end = context.Pipe(duplex=False)
                _widen(pipe)
                child = context.Process(
                    target=_run,
                    args=(self._open_source, share, self._readers, child_end),
                    name=f"newsline-parse-ahead-{share}",
                )
                child.start()
                child_end.close()
                self._children[pipe] = child
            shapes = [self._receive(pipe) for pipe in self._children]
        except BaseException:
            self._stop()
            raise
        self.shape = ReplayShape(sum(s.total for s in shapes), sum(s.partitions for s in shapes))
        return self

    def batches(self) -> Iterator[ParsedBatch]:
        """The parsed batches, each reader's in its order, readers interleaved."""
        going = list(self._children)
        while going:
            for pipe in wait(going):
                batch = self._receive(pipe)  # type: ignore[arg-type]
                if batch is None:
                    going.remove(pipe)  # type: ignore[arg-type]
                else:
                    yield batch

    def _receive(self, pipe: Connection) -> Any:
        try:
            message = _read_message(pipe)
        except EOFError:
            child = self._children[pipe]
            child.join(JOIN_S)  # it closed the pipe by exiting: reap it for its code
            raise StoreError(
                f"the replay's reader process exited with code {child.exitcode} "
                "before the end of the log"
            ) from None
        if isinstance(message, BaseException):
            raise message
        return message

    def _stop(self) -> None:
        for pipe in self._children:
            pipe.close()
        for child in self._children.values():
            child.join(JOIN_S)
            if child.is_alive():
                child.terminate()
                child.join()

    def __exit__(self, *_exc: object) -> None:
        self._stop()


def parse_batch(raw: Iterable[Any]) -> ParsedBatch:
    """Decode and parse each record's value (a malformed one becomes position-only),
    then prepare the mentions' rows.

    A mention travels on as its raw JSON: the prepared rows say all the projector needs
    of it unless its event turns out to be stored already, and bytes cost a third of
    a parsed mention to send and to receive.
    """
    records: list[Record] = []
    mentions: list[Mention] = []
    skipped = 0
    for record in raw:
        message: Mention | Extraction | bytes | None
        try:
            message = parse_raw_record(record.value)
        except InvalidEventMessage:
            message = None
            skipped += 1
        if isinstance(message, Mention):
            mentions.append(message)
            message = record.value
        records.append((record.topic, record.partition, record.offset, message))
    return ParsedBatch(records, skipped, prepare(mentions))


def collecting_per_item(items: Iterable[T]) -> Iterator[T]:
    """``items`` with the cyclic garbage collector paused, the young generations
    collected once per ``COLLECT_EVERY`` items, and a full collection at the end.

    A batch allocates hundreds of thousands of objects, enough to trigger collections
    that scan everything alive and find nearly nothing: a batch's objects die by
    reference counting. Paced this way a rebuild runs about 7% faster (bench/query.py),
    and a cycle made while handling an item is still collected soon after. Not after
    every item: the item just handled is still alive then (the caller's loop variable),
    and scanning its objects cost 1.5 µs per record.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for count, item in enumerate(items, 1):
            yield item
            if count % COLLECT_EVERY == 0:
                gc.collect(1)
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def _run(
    open_source: Callable[[int, int], ReplaySource],
    share: int,
    shares: int,
    pipe: Connection,
) -> None:
    """A child: open its share of the source, send its shape, parsed batches, None."""
    os.nice(NICENESS)
    try:
        source = open_source(share, shares)
        try:
            _send(pipe, pickle.dumps(ReplayShape(source.total, source.partitions)))
            for batch in collecting_per_item(_regrouped(source.batches())):
                _send(pipe, _without_memo(parse_batch(batch)))
        finally:
            source.close()
        _send(pipe, pickle.dumps(None))
    except (KeyboardInterrupt, BrokenPipeError):
        pass  # interrupted with the parent, or the parent stopped reading: nothing to say
    except NewslineError as exc:
        _send_quietly(pipe, exc)
    except Exception as exc:  # a bug: the parent reports it in one line
        _send_quietly(pipe, StoreError(f"the replay's reader failed: {exc!r}"))
    finally:
        pipe.close()


def _without_memo(batch: ParsedBatch) -> memoryview:
    """``batch`` pickled without the memo (``Pickler.fast``): 2.5 times faster to dump,
    and the child is the busier of the two processes. A batch holds no cycles and few
    repeated objects, which is all the memo is for."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(batch)
    return buffer.getbuffer()


def _regrouped(batches: Iterable[Iterable[Any]]) -> Iterator[list[Any]]:
    """The source's batches joined up to about BATCH records."""
    pending: list[Any] = []
    for batch in batches:
        pending.extend(batch)
        if len(pending) >= BATCH:
            yield pending
            pending = []
    if pending:
        yield pending


def _send_quietly(pipe: Connection, error: BaseException) -> None:
    with contextlib.suppress(OSError):  # the parent has gone: nobody to tell
        _send(pipe, pickle.dumps(error))


# The pipe's messages: a length, then that many bytes of pickle. Not Connection's
# send_bytes / recv_bytes: recv_bytes reads a big message in pipe-sized pieces into a
# growing BytesIO, a copy per piece and per growth, which cost the projector 2 µs per
# record; these read a message once, into one buffer.
_LENGTH = struct.Struct("!Q")


def _widen(pipe: Connection) -> None:
    """Let the pipe hold PIPE_BYTES (Linux; elsewhere, or above the system's cap, it
    keeps its size)."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _send(pipe: Connection, payload: bytes | memoryview) -> None:
    _write_all(pipe.fileno(), _LENGTH.pack(len(payload)))
    _write_all(pipe.fileno(), payload)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    with memoryview(data) as view:
        done = 0
        while done < len(view):
            done += os.write(fd, view[done:])


def _read_message(pipe: Connection) -> Any:
    """The next message's object; EOFError if the writer closed the pipe first."""
    (size,) = _LENGTH.unpack(_read_exactly(pipe.fileno(), _LENGTH.size))
    return pickle.loads(_read_exactly(pipe.fileno(), size))


def _read_exactly(fd: int, size: int) -> bytearray:
    buffer = bytearray(size)
    with memoryview(buffer) as view:
        done = 0
        while done < size:
            read = os.readv(fd, [view[done:]])
            if read == 0:
                raise EOFError
            done += read
    return buffer
