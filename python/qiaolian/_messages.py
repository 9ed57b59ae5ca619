"""Protobuf message classes for records, built at run time from the schema.

No generated code: qiaolian_schema() gives the FileDescriptorSet of every
record message (and what it imports); the files are added to a private
descriptor pool and classes are made with the message factory. This needs
`google.protobuf` (Debian: python3-protobuf); without it, `available` is
False and the rest of the package works with dicts.
"""

import threading

try:
    from google.protobuf import descriptor_pb2
    from google.protobuf import descriptor_pool
    from google.protobuf import message as _message
    from google.protobuf import message_factory
    available = True
except ImportError:  # Message mode only; dicts still work.
    available = False
    _message = None

# Kind name -> full name of the record message.
FULL_NAMES = {
    "person": "qiaolian.v1.Person",
    "enterprise": "qiaolian.v1.Enterprise",
    "case": "qiaolian.v1.Case",
    "donation": "qiaolian.v1.Donation",
    "event": "qiaolian.v1.Event",
}

_lock = threading.Lock()
_classes = None  # kind name -> class, built once.


def is_message(obj):
    """True for any protobuf message instance."""
    return available and isinstance(obj, _message.Message)


def classes(schema_bytes):
    """kind name -> message class; `schema_bytes` is called once if needed.

    Raises ImportError when google.protobuf is missing.
    """
    global _classes
    if not available:
        raise ImportError(
            "qiaolian: message mode needs google.protobuf (Debian: "
            "apt-get install python3-protobuf); use dicts otherwise")
    with _lock:
        if _classes is None:
            fds = descriptor_pb2.FileDescriptorSet.FromString(schema_bytes())
            pool = descriptor_pool.DescriptorPool()
            for f in fds.file:  # Dependencies come first.
                pool.Add(f)
            built = {}
            for kind, full_name in FULL_NAMES.items():
                desc = pool.FindMessageTypeByName(full_name)
                if hasattr(message_factory, "GetMessageClass"):  # >= 4.21
                    built[kind] = message_factory.GetMessageClass(desc)
                else:
                    built[kind] = message_factory.MessageFactory(
                        pool).GetPrototype(desc)
            _classes = built
        return _classes
