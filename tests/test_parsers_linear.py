"""Every parser detector is linear: each of its keywords followed by 1 MB of one character.

A keyword then a long run of one character is what makes a backtracking parser go
quadratic (`password` + 32 KB of spaces once took 30 s). The rules have the same kind
of test in test_rules.py; this one covers the detectors written as code, found in the
registry, so a new parser is covered the day it is registered.
"""

from __future__ import annotations

import time

import pytest

from guard.detectors import build_detectors
from guard.detectors.base import Detector
from guard.detectors.rules import RuleDetector
from guard.models import Fragment
from guard.own_secrets import OwnSecretsDetector

SIZE = 1_000_000
# Each character class a parser treats specially, and the plain ones it runs over.
FILLERS = (' ', '\t', '"', "'", '`', '=', ':', '@', '/', '\\', '.', ',', ';', '-', '_', '(', '<', '>', '[', '{', '#',
           '$', '%', '+', '&', '?', '\n', '\r\n', 'a', 'A', '0')  # fmt: skip
# Paths that switch a parser on or change how it reads: config (unquoted values read), code, credential files.
PATHS = {
    'generic-secret-assignment': ('settings.env', 'app.py'),
    'netrc-password': ('.netrc',),
    'credential-file': ('.git-credentials', '.pgpass', 'config/credentials/x.key'),
    'dbeaver-password': ('.dbeaver/credentials-config.json',),
}


def _parsers() -> list[Detector]:
    # a fixed value: a random draw at collection would shift every later test's draws (tests/secrets.py)
    own = OwnSecretsDetector({'own-value-of-the-linear-test': ('the value of API_TOKEN', '.env')}, frozenset({'.env'}))
    return [d for d in build_detectors() if not isinstance(d, RuleDetector)] + [own]


PARSERS = _parsers()


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
@pytest.mark.parametrize('detector', PARSERS, ids=lambda d: d.id)
@pytest.mark.parametrize('filler', FILLERS, ids=lambda f: '+'.join(f'{ord(c):02x}' for c in f))
def test_keyword_then_a_megabyte_of_one_character(detector: Detector, filler: str) -> None:
    keywords = sorted(detector.keywords) or ['password']
    if detector.id == 'decoded':  # 555 base64 needles read alike: a sample, and the markers (JSON, percent)
        keywords = [k for k in keywords if not k.isalnum()] + keywords[:: len(keywords) // 16]
    run = filler * (SIZE // len(filler))
    for path in PATHS.get(detector.id, ('settings.env',)):
        for keyword in keywords:
            started = time.process_time()
            list(detector.detect(Fragment(path, keyword + run)))
            assert time.process_time() - started < 2.0, (detector.id, path, keyword, filler)


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


# Encodings inside encodings: each decoded level is decoded again, ungated (guard/detectors/decoding.py)
NESTED = (
    _b64(_b64('password=' + 'a' * 3000)) + '\n',
    _b64(_b64('%3A%2F' * 4000)) + '\n',
    _b64('"{\\"password\\": \\"' * 2000) + '\n',
    _b64(_b64('cGFzc3dvcmQ' * 1000)) + '\n',
    _b64(_b64('token ' * 1000)) + ' ',
)


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
@pytest.mark.parametrize('unit', NESTED, ids=range(len(NESTED)))
def test_nested_encodings_in_a_megabyte_are_decoded_in_linear_time(unit: str) -> None:
    (decoding,) = [d for d in PARSERS if d.id == 'decoded']
    text = (unit * (SIZE // len(unit) + 1))[:SIZE]
    started = time.process_time()
    list(decoding.detect(Fragment('config/app.conf', text)))
    assert time.process_time() - started < 2.0
