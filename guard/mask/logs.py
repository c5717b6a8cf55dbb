"""guard's engine in the application's logging: a stdlib `logging.Filter` and a structlog processor.

A record is masked before any handler formats it: its message with the args filled in, its
traceback and stack, and the string attributes passed as `extra=`. When masking fails, the
record is replaced by a notice that holds none of its text: a log line lost is better than
a secret written.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from guard.mask.engine import Masker

NOTICE = 'guard.mask: a log record was withheld because masking it failed ({error})'
_FORMATTER = logging.Formatter()
# LogRecord's own attributes; any other is an `extra=` field a formatter may print
_STANDARD = frozenset({*vars(logging.LogRecord('', 0, '', 0, '', None, None)), 'message', 'asctime', 'taskName'})
_PLAIN_RECORD = len(vars(logging.LogRecord('', 0, '', 0, '', None, None)))
_PLAIN = (int, float, bool, type(None))
_DEPTH = 8  # how deep a structlog event's nested values are masked


class MaskingFilter(logging.Filter):
    """Masks every secret guard detects in a record, before a handler sees it.

    Put it on the handlers (a logger's filters do not see records its children propagate).
    `values`: more exact strings to mask wherever they appear.
    """

    def __init__(self, values: Iterable[str] = (), *, masker: Masker | None = None) -> None:
        super().__init__()
        self._masker = masker
        self._values = tuple(values)

    @classmethod
    def from_settings(
        cls, settings: object, *, values: Iterable[str] = (), env_files: Iterable[str] | None = None
    ) -> MaskingFilter:
        """A filter that also masks the secrets of a pydantic-settings instance and of the local env files."""
        from guard.mask.settings import secret_values

        return cls((*secret_values(settings, env_files), *values))

    @property
    def masker(self) -> Masker:
        if self._masker is None:  # built on the first record: a Masker compiles guard's rules
            from guard.mask import default_masker

            base = default_masker()
            self._masker = base.with_values(self._values) if self._values else base
        return self._masker

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            mask_record(self.masker, record)
        except Exception as error:  # the application's logging must never raise from here
            withhold(record, error)
        return True


def mask_record(masker: Masker, record: logging.LogRecord) -> None:
    message = record.getMessage()
    masked = masker.mask(message)
    if masked != message:
        record.msg, record.args = _masked_message(masker, record, masked)
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = _FORMATTER.formatException(record.exc_info)
    if record.exc_text:
        text = masker.mask(record.exc_text)
        if text != record.exc_text:
            # the exception object itself still holds the secret: no handler may format it again
            record.exc_text, record.exc_info = text, None
    if record.stack_info:
        record.stack_info = masker.mask(record.stack_info)
    fields = record.__dict__
    if len(fields) > _PLAIN_RECORD:  # most records have no extras: a length is cheaper than a set
        for key in fields.keys() - _STANDARD:
            value = fields[key]
            if isinstance(value, str):
                fields[key] = _mask_value(masker, key, value)
            elif not isinstance(value, _PLAIN):
                # a dict or list (a JSON formatter prints every extra): masked as a copy, the
                # application's own object is left as it was
                masked_value = _mask_any(masker, key, value, _DEPTH)
                if masked_value is not value:  # (no == test: a numpy array's is no bool)
                    fields[key] = masked_value


def _masked_message(masker: Masker, record: logging.LogRecord, masked: str) -> tuple[Any, Any]:
    """msg and args once masked: the args masked one by one when that gives the same message
    (formatters such as uvicorn's access log read the args), else the masked message alone."""
    args = record.args
    if isinstance(args, tuple) and all(isinstance(a, (str, *_PLAIN)) for a in args):
        masked_args = tuple(masker.mask(a) if isinstance(a, str) else a for a in args)
        try:
            if str(record.msg) % masked_args == masked:
                return record.msg, masked_args
        except (TypeError, ValueError):
            pass
    return masked, None


def _mask_value(masker: Masker, key: str, value: str) -> str:
    """A value masked with its key in front (`password=…`), which is often all that says it is a secret."""
    keyed = f'{key}={value}'
    masked = masker.mask(keyed)
    if masked == keyed:
        return value
    prefix = f'{key}='
    return masked[len(prefix) :] if masked.startswith(prefix) else masker.mask(value)


def withhold(record: logging.LogRecord, error: BaseException) -> None:
    """Replace the record's text by a notice naming only the kind of error."""
    record.msg = NOTICE.format(error=type(error).__name__)
    record.args = None
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    for key in record.__dict__.keys() - _STANDARD:
        if not isinstance(record.__dict__[key], _PLAIN):
            record.__dict__[key] = ''


class MaskingProcessor:
    """A structlog processor: masks every string of an event (its values, with their keys as context),
    or the rendered line when placed after the renderer."""

    def __init__(self, values: Iterable[str] = (), *, masker: Masker | None = None) -> None:
        self._filter = MaskingFilter(values, masker=masker)

    @classmethod
    def from_settings(
        cls, settings: object, *, values: Iterable[str] = (), env_files: Iterable[str] | None = None
    ) -> MaskingProcessor:
        from guard.mask.settings import secret_values

        return cls((*secret_values(settings, env_files), *values))

    def __call__(self, logger: object, method_name: str, event: Any) -> Any:
        masker = self._filter.masker
        try:
            if isinstance(event, str):
                return masker.mask(event)
            if isinstance(event, bytes):
                return masker.mask(event.decode('utf-8', 'surrogateescape')).encode('utf-8', 'surrogateescape')
            return _mask_event(masker, event)
        except Exception as error:  # never raise into the application, never pass the event on
            notice = NOTICE.format(error=type(error).__name__)
            return notice if isinstance(event, (str, bytes)) else {'event': notice}


def _mask_event(masker: Masker, event: Mapping[str, Any]) -> dict[str, Any]:
    """Every value masked; `exc_info` rendered into `exception` first (as structlog's format_exc_info
    does), so that a traceback is masked wherever the processor sits in the chain."""
    out = dict(event)
    exc_info = out.pop('exc_info', None)
    if exc_info:
        if exc_info is True:
            exc_info = sys.exc_info()
        elif isinstance(exc_info, BaseException):
            exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
        if isinstance(exc_info, tuple) and exc_info[0] is not None:
            out['exception'] = _FORMATTER.formatException(exc_info)
    return {key: _mask_any(masker, str(key), value, _DEPTH) for key, value in out.items()}


def _mask_any(masker: Masker, key: str, value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return _mask_value(masker, key, value)
    if isinstance(value, _PLAIN) or depth <= 0:
        return value
    if isinstance(value, Mapping):
        return {k: _mask_any(masker, str(k), v, depth - 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_mask_any(masker, key, v, depth - 1) for v in value]
        return tuple(items) if type(value) is tuple else items
    # an exception, a URL object…: a renderer prints its str(); mask that if it holds a secret
    text = str(value)
    masked = _mask_value(masker, key, text)
    return value if masked == text else masked
