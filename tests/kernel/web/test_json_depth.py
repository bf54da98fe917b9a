"""kernel/web/json_depth.py against the plain definition: the deepest unclosed bracket outside strings,
over bodies built to trip it (escapes, brackets in strings, adjacent strings, unbalanced text)."""

from __future__ import annotations

import json
import random

import pytest

from localspot.kernel.web.json_depth import nested_deeper_than


def reference_depth(raw: bytes) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in raw.decode():
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def random_value(rng: random.Random, depth: int):
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(["", "[", "]", "{}", '"', "\\", '\\"', "a]b[c", '"]"', "\\\\", 1, None, True])
    if rng.random() < 0.5:
        return [random_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["k", "[", '"', "\\"]) + str(i): random_value(rng, depth - 1) for i in range(rng.randint(0, 3))}


@pytest.mark.parametrize("seed", range(300))
def test_agrees_with_the_definition_on_random_bodies(seed):
    rng = random.Random(seed)
    body = json.dumps({"inputs": [random_value(rng, rng.randint(1, 12)) for _ in range(rng.randint(1, 40))]})
    raw = body.encode()
    depth = reference_depth(raw)
    for bound in (0, 1, 2, 3, 5, 8, depth - 1, depth, depth + 1):
        if bound >= 0:
            assert nested_deeper_than(raw, bound) == (depth > bound), (bound, depth, body)


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b'["\\\\", [[]]]', 3),  # an escaped backslash ends its string
        (b'["\\"[[[[", []]', 2),  # an escaped quote does not
        (b'{"a":"]]]]]]","b":[[[[]]]]}', 5),  # closings in strings hide no nesting
        (b'["", "[", "", [[]]]', 3),  # empty and adjacent strings
        (b"[" * 70 + b"]" * 70, 70),
    ],
)
def test_hand_made_cases(raw, depth):
    assert reference_depth(raw) == depth
    assert nested_deeper_than(raw, depth - 1) and not nested_deeper_than(raw, depth)


def test_unbalanced_text_is_left_to_the_decoder_unless_it_opens_too_deep():
    assert not nested_deeper_than(b"[[[", 2)
    assert nested_deeper_than(b"[" * 100 + b"]" * 3, 64) is False  # unclosed: the decoder refuses it
