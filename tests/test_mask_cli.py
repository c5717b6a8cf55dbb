"""`guard mask` as a user runs it: the installed command in a subprocess."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import GUARD, run_guard, write
from tests.masksamples import CLEAN, FOOTER, HEADER, github_token, planted, private_key


def test_stdin_to_stdout_every_secret_masked_clean_lines_unchanged() -> None:
    cases = planted()
    block, body = private_key()
    lines = [*CLEAN, *(line for line, _ in cases), 'loading key', *block.split('\n'), *CLEAN]
    result = run_guard('mask', stdin='\n'.join(lines) + '\n')
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert [s for _, s in cases if s in out] == [] and not any(b in out for b in body)
    assert out.startswith('\n'.join(CLEAN) + '\n') and out.endswith('\n'.join(CLEAN) + '\n')
    assert f'loading key\n{HEADER}\n' in out and f'\n{FOOTER}\n' in out
    assert result.stderr.startswith('guard mask: stdin, ') and f'[{len(cases) + 1} secrets masked]' in result.stderr


def test_files_are_masked_in_order_and_bytes_kept(tmp_path: Path) -> None:
    token = github_token()
    first = tmp_path / 'a.log'
    first.write_bytes(b'caf\xe9 latin-1 line\r\n' + f'push {token}\r\n'.encode())
    second = write(tmp_path / 'b.log', CLEAN[0])  # no final newline
    result = subprocess.run([*GUARD.split(), 'mask', '-q', str(first), str(second)], capture_output=True, check=False)
    assert result.returncode == 0
    assert result.stdout == b'caf\xe9 latin-1 line\r\npush ghp_\xe2\x80\xa6(40)\r\n' + CLEAN[0].encode()
    assert result.stderr == b''


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='named pipes are POSIX')
def test_a_named_pipe_is_masked_like_a_file(tmp_path: Path) -> None:
    """`guard mask <(kubectl logs -f app)` and /dev/stdin name pipes, not regular files."""
    fifo = tmp_path / 'app.pipe'
    os.mkfifo(fifo)
    token = github_token()
    proc = subprocess.Popen([*GUARD.split(), 'mask', '-q', str(fifo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    writer = None
    while writer is None and proc.poll() is None:  # a pipe opens for writing once guard reads it
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            time.sleep(0.05)
    if writer is not None:
        os.set_blocking(writer, True)
        os.write(writer, f'pushed with {token}\n'.encode())
        os.close(writer)
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, out, err) == (0, 'pushed with ghp_…(40)\n'.encode(), b'')


def test_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_guard('mask', str(tmp_path / 'nope.log'))
    assert result.returncode == 2
    assert result.stdout == ''
    assert 'nope.log: no such file' in result.stderr


def test_lines_come_out_as_they_go_in() -> None:
    """`kubectl logs -f | guard mask`: each line is masked and written before the next arrives."""
    proc = subprocess.Popen([*GUARD.split(), 'mask', '-q'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for _ in range(3):
            token = github_token()
            proc.stdin.write(f'pushed with {token}\n'.encode())
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            assert ready, 'no output while the input stays open'
            assert os.read(proc.stdout.fileno(), 4096) == 'pushed with ghp_…(40)\n'.encode()
    finally:
        proc.stdin.close()
        proc.wait(60)
    assert proc.returncode == 0


@pytest.mark.skipif(not Path('/proc/self/status').exists(), reason='reads the peak from Linux /proc')
def test_a_50_mb_single_line_is_masked_in_bounded_memory(tmp_path: Path) -> None:
    token = github_token()
    line = tmp_path / 'minified.log'
    with open(line, 'w') as fh:
        for i in range(50):
            fh.write('x=1 ' * 250_000 + (f' token {token} ' if i == 25 else ''))
    out = tmp_path / 'out.log'
    # VmHWM: the peak resident memory of this process image (ru_maxrss would carry the forking
    # parent's, pytest's, over the exec)
    code = (
        'import sys; from guard.cli import main; rc = main(["mask", "-q", sys.argv[1]]); sys.stdout.flush(); '
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1], file=sys.stderr); "
        'sys.exit(rc)'
    )
    with open(out, 'wb') as fh:
        result = subprocess.run([sys.executable, '-c', code, str(line)], stdout=fh, stderr=subprocess.PIPE, check=False)
    assert result.returncode == 0
    masked = out.read_bytes()
    assert token.encode() not in masked and masked.count('ghp_…(40)'.encode()) == 1
    assert len(masked) == line.stat().st_size - 40 + len('ghp_…(40)'.encode())
    peak_mb = int(result.stderr.split()[-1]) / 1024  # in kB
    assert peak_mb < 100, f'{peak_mb:.0f} MB for a 50 MB line'  # ~35 MB here; whole, 160 MB
