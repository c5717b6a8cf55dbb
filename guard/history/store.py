"""The scan-history audit store: SQLite in `<git-common-dir>/guard/`.

It records which commits were scanned and what they held, per rules version, so a
re-run scans only new commits. Findings are stored as hashes and previews (what a
Finding holds), never a secret. A corrupted file (or one whose rows fail validation)
is replaced; one that another run holds (its lock file, or SQLite's own lock) is left
alone and this run works in memory. Either way the run goes on and the caller gets one
line saying so. Inserts are idempotent (unique keys), so no interleaving of runs can
count an occurrence twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from guard.models import Commit, Confidence, Finding, Severity
from guard.sources.commits import EnvEvent

if TYPE_CHECKING:
    from guard.history.scan import CommitScan

# 4: unique keys on findings and env_events (stores of 3 may hold doubled rows);
# 5: binary counts per commit and remembered removals (two branches each numbered theirs 4)
SCHEMA_VERSION = '5'
FILE_NAME = 'history.sqlite3'
LOCK_NAME = 'history.lock'
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commits (
    sha TEXT PRIMARY KEY, bytes INTEGER NOT NULL, files INTEGER NOT NULL, binary INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
    sha TEXT NOT NULL, author TEXT NOT NULL, date TEXT NOT NULL,
    rule_id TEXT NOT NULL, severity INTEGER NOT NULL, confidence INTEGER NOT NULL, message TEXT NOT NULL,
    path TEXT NOT NULL, line INTEGER, col INTEGER, end_col INTEGER,
    preview TEXT NOT NULL, secret_hash TEXT NOT NULL, secret_sha1 TEXT NOT NULL, allowed TEXT);
CREATE TABLE IF NOT EXISTS env_events (sha TEXT NOT NULL, author TEXT NOT NULL, date TEXT NOT NULL,
    path TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS head_prints (path TEXT PRIMARY KEY, blob TEXT NOT NULL, prints TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS findings_key ON findings
    (sha, rule_id, path, IFNULL(line, -1), IFNULL(col, -1), secret_hash, message);
CREATE UNIQUE INDEX IF NOT EXISTS env_events_key ON env_events (sha, path, kind);
CREATE TABLE IF NOT EXISTS removals (fingerprint TEXT NOT NULL, last TEXT NOT NULL, head TEXT NOT NULL,
    sha TEXT NOT NULL, author TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY (fingerprint, last));
"""


def rules_version(parts: Iterable[str]) -> str:
    """A hash of what decides findings (rule ids and patterns, detectors, allowlist)."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for part in parts:
        digest.update(part.encode('utf-8', 'surrogateescape') + b'\0')
    return digest.hexdigest()[:32]


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self.broken = False  # set when a write fails: the run goes on, unsaved
        self.lock: IO[bytes] | None = None  # held for the run: released by close()

    # -- opening

    @classmethod
    def open(cls, directory: Path | None, version: str, warn: list[str]) -> Store:
        """The store for `version` (emptied when the rules changed), or an in-memory one
        when there is no directory or the file is locked; a corrupt file is rebuilt."""
        if directory is None:
            return cls._memory(version)
        path = directory / FILE_NAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
            lock = _run_lock(directory / LOCK_NAME)
            if lock is None:
                warn.append(
                    f'history store {path} is in use by another scan-history run: scanning without it this time'
                )
                return cls._memory(version)
        except OSError as e:
            warn.append(f'history store {path} cannot be opened ({e.strerror}): scanning without it')
            return cls._memory(version)
        store = cls._open_file(path, version, warn)
        store.lock = lock
        return store

    @classmethod
    def _open_file(cls, path: Path, version: str, warn: list[str]) -> Store:
        try:
            return cls._connect(path, version)
        except sqlite3.OperationalError as e:
            if 'locked' in str(e) or 'busy' in str(e):
                warn.append(f'history store {path} is locked by another run: scanning without it this time')
                return cls._memory(version)
            return cls._rebuild(path, version, e, warn)
        except sqlite3.DatabaseError as e:
            return cls._rebuild(path, version, e, warn)
        except OSError as e:
            warn.append(f'history store {path} cannot be opened ({e.strerror}): scanning without it')
            return cls._memory(version)

    @classmethod
    def _rebuild(cls, path: Path, version: str, error: Exception, warn: list[str]) -> Store:
        warn.append(f'history store {path} was unreadable ({error}): rebuilt it, rescanning')
        for suffix in ('', '-journal', '-wal', '-shm'):
            with contextlib.suppress(OSError):
                Path(f'{path}{suffix}').unlink()
        try:
            return cls._connect(path, version)
        except (sqlite3.DatabaseError, OSError):
            return cls._memory(version)

    @classmethod
    def _memory(cls, version: str) -> Store:
        conn = sqlite3.connect(':memory:', isolation_level=None)
        store = cls(conn, None)
        store._set_version(version)
        return store

    @classmethod
    def _connect(cls, path: Path, version: str) -> Store:
        conn = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            conn.execute('PRAGMA journal_mode=DELETE')
            check = conn.execute('PRAGMA quick_check').fetchone()
            if check is None or check[0] != 'ok':
                raise sqlite3.DatabaseError(f'integrity check failed: {check}')
            conn.executescript(_SCHEMA)
            store = cls(conn, path)
            row = conn.execute("SELECT value FROM meta WHERE key = 'rules'").fetchone()
            if row is None or row[0] != version:
                store._set_version(version)
            elif conn.execute(_INVALID_ROWS).fetchone()[0]:
                raise sqlite3.DatabaseError('rows fail validation')
            return store
        except BaseException:
            conn.close()
            raise

    def _set_version(self, version: str) -> None:
        """Start over for another rules version (or store layout): old results do not apply."""
        self.conn.executescript(
            'DROP TABLE IF EXISTS commits; DROP TABLE IF EXISTS findings; '
            'DROP TABLE IF EXISTS env_events; DROP TABLE IF EXISTS head_prints; DROP TABLE IF EXISTS removals;'
            + _SCHEMA
        )
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('rules', ?)", (version,))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.conn.execute('BEGIN IMMEDIATE')
        try:
            yield
        except BaseException:
            self.conn.execute('ROLLBACK')
            raise
        self.conn.execute('COMMIT')

    # -- reading and writing

    def scanned(self) -> set[str]:
        return {row[0] for row in self.conn.execute('SELECT sha FROM commits')}

    def sizes(self, shas: set[str]) -> tuple[int, int, int]:
        """(bytes of patch, files changed, binary files skipped) of `shas`, which are stored
        commits. When they are all of them (a re-run with nothing new) SQLite sums them."""
        count, total_size, total_files, total_binary = self.conn.execute(
            'SELECT COUNT(*), TOTAL(bytes), TOTAL(files), TOTAL(binary) FROM commits'
        ).fetchone()
        if count == len(shas):
            return int(total_size), int(total_files), int(total_binary)
        size = files = binary = 0
        for sha, n, f, b in self.conn.execute('SELECT sha, bytes, files, binary FROM commits'):
            if sha in shas:
                size += n
                files += f
                binary += b
        return size, files, binary

    def save(self, rows: Sequence[tuple[str, int, int, int]], scans: Sequence[CommitScan], warn: list[str]) -> None:
        """Record a batch of scanned commits ((sha, bytes, files, binary) rows) and what those in
        `scans` held."""
        self._write(
            [
                ('INSERT OR REPLACE INTO commits VALUES (?, ?, ?, ?)', rows),
                (
                    'INSERT OR IGNORE INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                    (_finding_row(f) for s in scans for f in s.findings),
                ),
                (
                    'INSERT OR IGNORE INTO env_events VALUES (?,?,?,?,?)',
                    (
                        (e.commit.sha, e.commit.author, e.commit.date, _stored(e.path), e.kind)
                        for s in scans
                        for e in s.env_events
                    ),
                ),
            ],
            warn,
        )

    def head_prints(self) -> dict[str, tuple[str, frozenset[str]]]:
        """path → (blob, fingerprints found in that blob at that path) as last scanned."""
        return {
            _loaded(path): (blob, frozenset(prints.split('\n')) - {''})
            for path, blob, prints in self.conn.execute('SELECT path, blob, prints FROM head_prints')
        }

    def save_head_prints(self, rows: Sequence[tuple[str, str, frozenset[str]]], warn: list[str]) -> None:
        """Remember what each (path, blob) held, so an unchanged HEAD is not scanned again."""
        if rows:
            self._write(
                [
                    (
                        'INSERT OR REPLACE INTO head_prints VALUES (?, ?, ?)',
                        ((_stored(path), blob, '\n'.join(sorted(prints))) for path, blob, prints in rows),
                    )
                ],
                warn,
            )

    def removals(self, head: str) -> dict[tuple[str, str], Commit | None]:
        """(fingerprint, last occurrence) → the commit that removed it, as found before; None
        (nothing found) only when it was looked for at this `head`."""
        out: dict[tuple[str, str], Commit | None] = {}
        for fingerprint, last, at, sha, author, date in self.conn.execute('SELECT * FROM removals'):
            if sha:
                out[str(fingerprint), str(last)] = Commit(str(sha), str(author), str(date))
            elif at == head:
                out[str(fingerprint), str(last)] = None
        return out

    def save_removals(self, rows: Sequence[tuple[str, str, Commit | None]], head: str, warn: list[str]) -> None:
        """Remember which commit removed each (fingerprint, last occurrence), None: none found."""
        self._write(
            [
                (
                    'INSERT OR REPLACE INTO removals VALUES (?, ?, ?, ?, ?, ?)',
                    (
                        (fp, last, head, c.sha if c else '', c.author if c else '', c.date if c else '')
                        for fp, last, c in rows
                    ),
                )
            ],
            warn,
        )

    def _write(self, inserts: Sequence[tuple[str, Iterable[Sequence[object]]]], warn: list[str]) -> None:
        """Run `inserts` ((statement, rows), rows built only here) in one transaction; a failure
        is reported once and the run goes on. An in-memory store (--no-cache, or the file was
        unusable) starts empty and dies with the run, so nothing is written to it: this run's
        results come from memory anyway."""
        if self.broken or self.path is None:
            return
        try:
            with self._transaction():
                for statement, rows in inserts:
                    self.conn.executemany(statement, rows)
        except sqlite3.Error as e:
            self.broken = True
            warn.append(f'history store {self.path}: cannot save progress ({e}); this run goes on unsaved')

    def findings(self, shas: set[str]) -> list[Finding]:
        return [_finding(row) for row in self.conn.execute('SELECT * FROM findings') if row[0] in shas]

    def env_events(self, shas: set[str]) -> list[EnvEvent]:
        return [
            EnvEvent(_loaded(path), kind, Commit(sha, author, date))
            for sha, author, date, path, kind in self.conn.execute('SELECT * FROM env_events')
            if sha in shas
        ]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        if self.lock is not None:
            self.lock.close()  # closing the file releases its lock
            self.lock = None


def _run_lock(path: Path) -> IO[bytes] | None:
    """The store's lock for this run, or None when another run holds it. Without fcntl (Windows)
    there is no lock: the unique keys still keep concurrent runs from doubling rows."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return open(path, 'ab')
    handle = open(path, 'ab')  # noqa: SIM115 - held for the whole run, closed by Store.close
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    except BaseException:
        handle.close()
        raise
    return handle


# Rows that _finding could not turn back into a Finding: such a store is rebuilt, not trusted.
_INVALID_ROWS = f"""SELECT
    (SELECT COUNT(*) FROM findings WHERE
        severity NOT IN ({', '.join(str(int(s)) for s in Severity)})
        OR confidence NOT IN ({', '.join(str(int(c)) for c in Confidence)})
        OR typeof(sha) != 'text' OR typeof(rule_id) != 'text' OR typeof(path) != 'text'
        OR typeof(message) != 'text' OR typeof(preview) != 'text' OR typeof(secret_hash) != 'text'
        OR typeof(secret_sha1) != 'text' OR typeof(line) NOT IN ('integer', 'null')
        OR typeof(col) NOT IN ('integer', 'null') OR typeof(end_col) NOT IN ('integer', 'null')
        OR typeof(allowed) NOT IN ('text', 'null'))
  + (SELECT COUNT(*) FROM env_events WHERE typeof(sha) != 'text' OR typeof(path) != 'text'
        OR typeof(kind) != 'text')
  + (SELECT COUNT(*) FROM commits WHERE typeof(bytes) != 'integer' OR typeof(files) != 'integer')"""


def _stored(path: str) -> str | bytes:
    """A path as SQLite can hold it: git's bytes, kept in a str with lone surrogates where
    they are not UTF-8, go in as a BLOB (sqlite3 refuses such a str); others as TEXT."""
    if path.isascii() or not any(0xD800 <= ord(c) <= 0xDFFF for c in path):
        return path
    return path.encode('utf-8', 'surrogateescape')


def _loaded(value: object) -> str:
    return value.decode('utf-8', 'surrogateescape') if isinstance(value, bytes) else str(value)


def _finding_row(f: Finding) -> tuple[object, ...]:
    commit = f.commit or Commit('')
    return (
        commit.sha,
        commit.author,
        commit.date,
        f.rule_id,
        int(f.severity),
        int(f.confidence),
        f.message,
        _stored(f.path),
        f.line,
        f.column,
        f.end_column,
        f.preview,
        f.secret_hash,
        f.secret_sha1,
        f.allowed,
    )


def _finding(row: tuple[Any, ...]) -> Finding:
    sha, author, date, rule_id, severity, confidence, message, path, line, col, end_col, preview, h, h1, allowed = row
    return Finding(
        rule_id=str(rule_id),
        severity=Severity(severity),
        message=str(message),
        path=_loaded(path),
        line=line if isinstance(line, int) else None,
        preview=str(preview),
        secret_hash=str(h),
        secret_sha1=str(h1),
        confidence=Confidence(confidence),
        column=col if isinstance(col, int) else None,
        end_column=end_col if isinstance(end_col, int) else None,
        commit=Commit(str(sha), str(author), str(date)),
        allowed=None if allowed is None else str(allowed),
    )
