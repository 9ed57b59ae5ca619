"""Exceptions: one class per result code of the C API (include/qiaolian/c.h).

Every failed call raises a subclass of `qiaolian.Error`, chosen by the code
the library returned; `.code` is that code (an int, numbered like
absl::StatusCode), `.code_name` its name ("NOT_FOUND") and `.message` the
library's message (which names the bad field or value).

    try:
        store.get("person", 42)
    except qiaolian.NotFoundError as e:
        print(e.code, e.code_name, e.message)
"""


class Error(Exception):
    """Base class of every error the library reports."""

    code = 2  # UNKNOWN
    code_name = "UNKNOWN"

    def __init__(self, message="", code=None, code_name=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if code_name is not None:
            self.code_name = code_name

    def __str__(self):
        return f"{self.code_name}: {self.message}" if self.message else (
            self.code_name)

    def __repr__(self):
        return f"{type(self).__name__}({self.message!r}, code={self.code})"


class CancelledError(Error):
    """CANCELLED (1)."""

    code = 1
    code_name = "CANCELLED"


class UnknownError(Error):
    """UNKNOWN (2)."""

    code = 2
    code_name = "UNKNOWN"


class InvalidArgumentError(Error):
    """INVALID_ARGUMENT (3): bad input (malformed JSON, unknown field, invalid
    value, bad query, unknown kind); the message names it."""

    code = 3
    code_name = "INVALID_ARGUMENT"


class DeadlineExceededError(Error):
    """DEADLINE_EXCEEDED (4)."""

    code = 4
    code_name = "DEADLINE_EXCEEDED"


class NotFoundError(Error):
    """NOT_FOUND (5): no such record, or no store where one was expected."""

    code = 5
    code_name = "NOT_FOUND"


class AlreadyExistsError(Error):
    """ALREADY_EXISTS (6): a unique value (USCC, document number) is taken."""

    code = 6
    code_name = "ALREADY_EXISTS"


class PermissionDeniedError(Error):
    """PERMISSION_DENIED (7)."""

    code = 7
    code_name = "PERMISSION_DENIED"


class ResourceExhaustedError(Error):
    """RESOURCE_EXHAUSTED (8): input too large, or out of memory."""

    code = 8
    code_name = "RESOURCE_EXHAUSTED"


class FailedPreconditionError(Error):
    """FAILED_PRECONDITION (9): a dangling or blocking reference, a read-only
    store, a query that needs allow_scan, or a closed store or cursor."""

    code = 9
    code_name = "FAILED_PRECONDITION"


class ConflictError(Error):
    """ABORTED (10): revision conflict. The record changed since it was read
    and nothing was written: read it again and retry."""

    code = 10
    code_name = "ABORTED"


AbortedError = ConflictError  # The code's own name.


class OutOfRangeError(Error):
    """OUT_OF_RANGE (11)."""

    code = 11
    code_name = "OUT_OF_RANGE"


class UnimplementedError(Error):
    """UNIMPLEMENTED (12)."""

    code = 12
    code_name = "UNIMPLEMENTED"


class InternalError(Error):
    """INTERNAL (13): a bug in qiaolian."""

    code = 13
    code_name = "INTERNAL"


class UnavailableError(Error):
    """UNAVAILABLE (14): the store is in use by another handle or process, or
    an I/O error."""

    code = 14
    code_name = "UNAVAILABLE"


class DataLossError(Error):
    """DATA_LOSS (15): corruption."""

    code = 15
    code_name = "DATA_LOSS"


# code -> class, for every code the C API defines.
BY_CODE = {cls.code: cls for cls in (
    CancelledError, UnknownError, InvalidArgumentError, DeadlineExceededError,
    NotFoundError, AlreadyExistsError, PermissionDeniedError,
    ResourceExhaustedError, FailedPreconditionError, ConflictError,
    OutOfRangeError, UnimplementedError, InternalError, UnavailableError,
    DataLossError)}


def from_code(code, message, code_name=None):
    """The exception for `code` (Error itself for codes it does not know)."""
    cls = BY_CODE.get(code)
    if cls is None:
        return Error(message, code=code,
                     code_name=code_name or f"UNKNOWN_CODE({code})")
    return cls(message)
