"""MaskingFilter and MaskingProcessor inside real stdlib logging and structlog."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from guard.mask import Masker, MaskingFilter, MaskingProcessor
from guard.mask.engine import default_detectors
from tests.masksamples import CLEAN, github_token, password, planted, private_key, random_body
from tests.test_mask import Exploding


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose one handler writes `level message` and the traceback to a buffer, masked."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter('%(levelname)s %(message)s'))
    handler.addFilter(MaskingFilter())
    log = logging.getLogger(f'test.mask.{random_body(6)}')
    log.propagate = False
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    yield log, stream
    log.removeHandler(handler)


def test_secrets_in_messages_and_args_never_reach_the_handler(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    cases = planted()
    for line, _ in cases:
        log.info(line)
    for line, _ in cases:
        log.warning('retrying %s (%d)', line, 3)
        log.error('%s', line)
    out = stream.getvalue()
    assert [secret for _, secret in cases if secret in out] == []
    assert out.count('\n') == 3 * len(cases)


def test_clean_records_are_left_exactly_as_they_were(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    record = log.makeRecord(log.name, logging.INFO, __file__, 1, 'line %s of %d', (CLEAN[0], 7), None)
    msg, args = record.msg, record.args
    log.handle(record)
    assert record.msg is msg and record.args is args
    for line in CLEAN:
        log.info('%s', line)
    assert stream.getvalue() == f'INFO line {CLEAN[0]} of 7\n' + ''.join(f'INFO {line}\n' for line in CLEAN)


def test_an_exception_carrying_a_secret_is_masked_in_the_traceback(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    pw = password()
    dsn = f'postgresql://orders:{pw}@db.acme.io:5432/orders'
    try:
        raise ConnectionError(f'could not connect to {dsn}')
    except ConnectionError:
        log.exception('database down')
    out = stream.getvalue()
    assert pw not in out
    assert f'postgresql://orders:…({len(pw)})@db.acme.io:5432/orders' in out
    assert 'Traceback (most recent call last)' in out and 'ConnectionError: could not connect' in out


def test_stack_info_is_masked(logger: tuple[logging.Logger, io.StringIO], tmp_path: Path) -> None:
    """The stack shows source lines: one that holds a token is masked."""
    log, stream = logger
    token = github_token()
    module = tmp_path / 'leaky_module.py'
    module.write_text(f'def run(log):\n    log.info("step", stack_info=True); t = "{token}"\n')
    sys.path.insert(0, str(tmp_path))
    try:
        import leaky_module  # type: ignore[import-not-found]

        leaky_module.run(log)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop('leaky_module', None)
    out = stream.getvalue()
    assert 'Stack (most recent call last)' in out and 'leaky_module.py' in out
    assert token not in out and 'ghp_…(40)' in out


def test_extra_fields_are_masked_with_their_name_as_context() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter('%(message)s user=%(user)s password=%(db_password)s'))
    handler.addFilter(MaskingFilter())
    log = logging.getLogger(f'test.extra.{random_body(6)}')
    log.propagate = False
    log.addHandler(handler)
    pw = password()
    log.warning('login failed', extra={'user': 'alice', 'db_password': pw})
    assert stream.getvalue() == f'login failed user=alice password=…({len(pw)})\n'


def test_extra_fields_holding_dicts_and_lists_are_masked_and_the_apps_objects_kept() -> None:
    """A JSON formatter prints every extra, containers included: `extra={'headers': request.headers}`."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter('%(message)s %(headers)s %(tokens)s %(attempt)s'))
    handler.addFilter(MaskingFilter())
    log = logging.getLogger(f'test.extra.{random_body(6)}')
    log.propagate = False
    log.addHandler(handler)
    bearer, token = random_body(40), github_token()
    headers = {'authorization': f'Bearer {bearer}', 'accept': 'application/json'}
    log.warning('upstream refused', extra={'headers': headers, 'tokens': [token], 'attempt': 3})
    out = stream.getvalue()
    assert bearer not in out and token not in out, out
    assert out == (
        f"upstream refused {{'authorization': 'Bearer {bearer[:4]}…(40)', 'accept': 'application/json'}} "
        "['ghp_…(40)'] 3\n"
    )
    assert headers['authorization'] == f'Bearer {bearer}'  # the application's own dict, untouched


def test_uvicorn_access_records_keep_their_args() -> None:
    """uvicorn's AccessFormatter unpacks record.args: masking must keep it a 5-tuple."""
    from uvicorn.logging import AccessFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    handler.addFilter(MaskingFilter())
    log = logging.getLogger(f'test.access.{random_body(6)}')
    log.propagate = False
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    token = github_token()
    log.info('%s - "%s %s HTTP/%s" %d', '127.0.0.1:5000', 'GET', f'/hook?token={token}', '1.1', 200)
    assert stream.getvalue() == '127.0.0.1:5000 - "GET /hook?token=ghp_…(40) HTTP/1.1" 200 OK\n'


def test_literal_values_given_to_the_filter_are_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    value = 'correct-horse-battery'
    handler.addFilter(MaskingFilter([value]))
    log = logging.getLogger(f'test.values.{random_body(6)}')
    log.propagate = False
    log.addHandler(handler)
    log.error('the phrase is %s', value)
    assert stream.getvalue() == 'the phrase is …(21)\n'


def test_dictconfig_recipe_masks_every_handler(tmp_path: Path) -> None:
    path = tmp_path / 'app.log'
    name = f'shop{random_body(6)}'  # a logger of its own: dictConfig leaves loggers configured behind it
    logging.config.dictConfig(
        {
            'version': 1,
            'disable_existing_loggers': False,
            'filters': {'mask': {'()': 'guard.mask.MaskingFilter'}},
            'formatters': {'plain': {'format': '%(levelname)s %(name)s %(message)s'}},
            'handlers': {
                'file': {
                    'class': 'logging.FileHandler',
                    'filename': str(path),
                    'formatter': 'plain',
                    'filters': ['mask'],
                }
            },
            'loggers': {name: {'handlers': ['file'], 'level': 'INFO', 'propagate': False}},
        }
    )
    try:
        token = github_token()
        logging.getLogger(f'{name}.orders').info('pushing with %s', token)  # a child: propagated to the handler
        logging.getLogger(name).info('%s', CLEAN[1])
    finally:
        logging.config.dictConfig({'version': 1, 'disable_existing_loggers': False})
        for handler in logging.getLogger(name).handlers:
            handler.close()
    assert path.read_text() == f'INFO {name}.orders pushing with ghp_…(40)\nINFO {name} {CLEAN[1]}\n'


def _capture(filt: MaskingFilter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter('%(levelname)s %(message)s'))
    handler.addFilter(filt)
    log = logging.getLogger(f'test.fail.{random_body(6)}')
    log.propagate = False
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    return log, stream


def test_a_record_that_cannot_be_formatted_is_withheld_without_its_text(capsys: pytest.CaptureFixture[str]) -> None:
    """Without the filter, logging prints such a record's msg and args raw to stderr."""
    log, stream = _capture(MaskingFilter())
    token = github_token()
    log.info('token %s and %s', token)  # one arg for two placeholders
    assert stream.getvalue() == 'INFO guard.mask: a log record was withheld because masking it failed (TypeError)\n'
    assert token not in capsys.readouterr().err


def test_a_failing_detector_withholds_the_record_and_never_raises() -> None:
    log, stream = _capture(MaskingFilter(masker=Masker([*default_detectors(), Exploding()])))
    pw = password()
    try:
        raise ValueError(f'kaboom password={pw}')
    except ValueError:
        log.exception('kaboom while saving %s', pw, extra={'detail': f'kaboom {pw}'})
    log.info('next record is fine')
    out = stream.getvalue()
    assert pw not in out and 'kaboom' not in out
    assert out == (
        'ERROR guard.mask: a log record was withheld because masking it failed (RuntimeError)\n'
        'INFO next record is fine\n'
    )


def _structlog(processors: list[object]) -> io.StringIO:
    out = io.StringIO()
    structlog.configure(
        processors=processors,  # type: ignore[arg-type]
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    return out


@pytest.fixture(autouse=False)
def reset_structlog() -> Iterator[None]:
    yield
    structlog.reset_defaults()


@pytest.mark.usefixtures('reset_structlog')
@pytest.mark.parametrize('where', ['before the renderer', 'after the renderer'])
def test_structlog_events_are_masked(where: str) -> None:
    processor = MaskingProcessor()
    chain: list[object] = [structlog.processors.add_log_level]
    renderer = structlog.processors.JSONRenderer()
    chain += [processor, renderer] if where == 'before the renderer' else [renderer, processor]
    out = _structlog(chain)
    log = structlog.get_logger()
    token, pw, (block, body) = github_token(), password(), private_key()
    log.info('login', user='alice', password=pw, headers={'authorization': f'token {token}'})
    log.info('loaded', key=block, attempts=[1, 2])
    log.info(CLEAN[0], n=3)
    try:
        raise RuntimeError(f'push failed with {token}')
    except RuntimeError:
        log.exception('push')
    text = out.getvalue()
    assert token not in text and pw not in text and not any(line in text for line in body), text
    events = [json.loads(line) for line in text.splitlines()]
    assert events[0]['user'] == 'alice' and events[0]['password'] == f'…({len(pw)})'
    assert events[2] == {'event': CLEAN[0], 'n': 3, 'level': 'info'}
    if where == 'before the renderer':
        assert 'ghp_…(40)' in events[3]['exception'] and 'RuntimeError: push failed' in events[3]['exception']


@pytest.mark.usefixtures('reset_structlog')
def test_structlog_processor_failure_replaces_the_event() -> None:
    out = _structlog(
        [MaskingProcessor(masker=Masker([*default_detectors(), Exploding()])), structlog.processors.JSONRenderer()]
    )
    pw = password()
    structlog.get_logger().info('kaboom', password=pw)
    assert json.loads(out.getvalue()) == {
        'event': 'guard.mask: a log record was withheld because masking it failed (RuntimeError)'
    }
