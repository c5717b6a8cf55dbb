"""Assignment syntaxes the generic detector reads: Makefile operators, Go typed declarations, PHP,
XML elements and attributes, and a YAML value folded onto the line after its key."""

from __future__ import annotations

import random

import pytest

from guard.detectors.assignments import AssignmentDetector
from guard.models import Fragment
from tests.secrets import ALNUM

_rng = random.Random(1212)  # not tests.secrets' shared generator: later modules' values stay as they were


def random_body(n: int) -> str:
    return ''.join(_rng.choice(ALNUM) for _ in range(n))


V = random_body(30)
DETECTOR = AssignmentDetector()


def found(path: str, text: str) -> list[str]:
    """The values reported, read back from the text at each finding's line and column."""
    lines = text.splitlines()
    return [lines[f.line - 1][f.column - 1 : f.end_column - 1] for f in DETECTOR.detect(Fragment(path, text))]


MAKEFILE = f"""\
# deploy settings
REGISTRY    ?= ghcr.io/acme
IMAGE_TAG   := $(shell git rev-parse --short HEAD)
API_TOKEN ::= {V}
SIGNING_KEY :::= {V[::-1]}
export DB_PASSWORD ?= {V[3:] + 'Qz9'}
LDFLAGS += -X main.version=$(IMAGE_TAG)
SECRET_KEY += {V[5:] + 'k3Xw7'}

deploy:
\tdocker push $(REGISTRY):$(IMAGE_TAG)
"""

GO = f"""\
package config

import "os"

var apiKey string = "{V}"

const (
\tapiSecret string = "{V[::-1]}"
\tdefaultRegion    = "eu-west-1"
)

type Client struct {{
\tAPIKey string `json:"api_key"`
\tToken  string
}}

func load() string {{
\tvar token string = os.Getenv("TOKEN")
\treturn token
}}
"""

PHP = f"""\
<?php
define('DB_PASSWORD', '{V}');
$config = [
    'api_key'  => '{V[::-1]}',
    'timeout'  => 30,
];
$password = 'x';
$password .= '{V[2:] + 'Pq7'}';
"""

XML = f"""\
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <server>
    <password>
      {V}
    </password>
  </server>
  <Credentials>
    <Pass encoding="base64">{V[::-1]}</Pass>
    <ApiKey type="string" scope="prod">{V[4:] + 'Zx81'}</ApiKey>
  </Credentials>
  <connection host="db.internal" user="app" password="{V[1:] + 'M4q'}" />
</configuration>
"""

YAML = f"""\
service:
  api_key:
    {V}
  db:
    password:
      "{V[::-1]}"
  token:
    nested: value
  secret:
    - first
"""


@pytest.mark.parametrize(
    'path,text,expected',
    [
        ('Makefile', MAKEFILE, [V, V[::-1], V[3:] + 'Qz9', V[5:] + 'k3Xw7']),
        ('internal/config/config.go', GO, [V, V[::-1]]),
        ('config/app.php', PHP, [V, V[::-1], V[2:] + 'Pq7']),
        ('App.config', XML, [V, V[::-1], V[4:] + 'Zx81', V[1:] + 'M4q']),
        ('values.yaml', YAML, [V, V[::-1]]),
    ],
    ids=['makefile', 'go', 'php', 'xml', 'yaml-next-line'],
)
def test_syntax_is_read(path: str, text: str, expected: list[str]) -> None:
    assert found(path, text) == expected


@pytest.mark.parametrize(
    'path,text',
    [
        ('Makefile', 'TOKEN ?= $(shell cat .token)\nPASSWORD += $(DB_PASSWORD)\n'),
        ('main.go', 'type T struct {\n\tAPIKey string `json:"api_key"`\n}\n'),
        ('main.go', 'func f() {\n\tif token string = x; ok {\n\t}\n}\n'),
        ('config.php', '$password .= $suffix;\n'),
        ('web.xml', '<password>\n  ${DB_PASSWORD}\n</password>\n'),
        ('web.xml', '<Pass encoding="base64">CHANGE_ME</Pass>\n'),
        ('values.yaml', 'api_key:\n  nested: value\n'),
        ('values.yaml', f'secret:\n  line one {V}\n  line two {V}\n'),
        ('settings.py', f'if token:\n    {V}\n'),
        ('settings.py', f'TOKEN =\n    {V}\n'),
    ],
)
def test_syntax_without_a_literal_is_silent(path: str, text: str) -> None:
    assert found(path, text) == []


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
def test_new_syntaxes_are_linear_on_near_misses() -> None:
    import time

    units = [
        '<Pass a="b" c="d"',
        '<password>\n  x\n',
        'password:\n',
        'password:\n    "',
        'var token string =',
        'const apiKey string',
        'API_TOKEN ?=',
        'TOKEN ::=',
        '$password .=',
    ]
    for unit in units:
        text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
        started = time.process_time()
        list(DETECTOR.detect(Fragment('big.txt', text)))
        assert time.process_time() - started < 2.0, unit


def test_the_scanner_runs_the_detector_on_every_new_spelling(tmp_path) -> None:
    # through the installed command: the prefilter decides whether the detector sees a file at all
    from tests.conftest import run_guard, write

    files = {
        'app.ini': f'box-key = {V}\n',
        'app.js': f'const zerobounceKEY = "{V[::-1]}";\n',
        'App.config': f'<Pass encoding="base64">{V[2:]}Qw8</Pass>\n',
        'Makefile': f'API_TOKEN ::= {V[4:]}Hy2\n',
    }
    tree = tmp_path / 'tree'
    for name, text in files.items():
        write(tree / name, text)
    result = run_guard('scan', str(tree), '--format', 'json', cwd=tmp_path)
    import json

    reported = {f['path'].rsplit('/', 1)[-1] for f in json.loads(result.stdout)['findings']}
    assert reported == set(files)
