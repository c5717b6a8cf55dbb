"""lazy(): a stand-in for a compiled regex that behaves as one, compiled or not."""

from __future__ import annotations

import copy
import pickle
import re

import pytest

from guard.detectors.lazyre import LazyPattern, lazy


@pytest.mark.parametrize('compile_first', [False, True])
def test_stand_in_survives_copy_and_pickle(compile_first: bool) -> None:
    """Copying or pickling asks a bare instance for __setstate__: that must not recurse."""
    stand_in = lazy(r'a(b+)', re.IGNORECASE)
    if compile_first:
        assert stand_in.match('ABB') is not None
    for twin in (copy.copy(stand_in), copy.deepcopy(stand_in), pickle.loads(pickle.dumps(stand_in))):
        assert isinstance(twin, LazyPattern)
        found = twin.match('xABBB', 1)
        assert found is not None and found.group(1) == 'BBB'
        assert (twin.pattern, twin.flags & re.IGNORECASE) == (r'a(b+)', re.IGNORECASE)


def test_private_names_are_not_forwarded() -> None:
    with pytest.raises(AttributeError):
        lazy('a')._no_such_thing  # noqa: B018


def test_first_use_fills_every_slot_with_the_compiled_patterns_methods() -> None:
    stand_in = lazy(r'(?P<word>\w+)=', re.IGNORECASE)
    assert stand_in.groupindex == {'word': 1}  # any first use compiles
    compiled = stand_in.match.__self__
    assert isinstance(compiled, re.Pattern) and compiled.flags & re.IGNORECASE
    assert [m.group('word') for m in stand_in.finditer('a=1 b=2')] == ['a', 'b']
    assert stand_in.finditer.__self__ is compiled and stand_in.sub('', 'k=v') == 'v'


def test_module_globals_are_left_alone() -> None:
    namespace = {'PATTERN': lazy('x+')}
    assert namespace['PATTERN'].search('axx') is not None
    assert isinstance(namespace['PATTERN'], LazyPattern)  # no frame tricks: the holder keeps its stand-in
