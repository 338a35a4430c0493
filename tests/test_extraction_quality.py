"""Extraction quality on the evaluation's dev split, scored by the evaluation's own scorer.

Each bar from the entities and events issues is its own test, so a regression names the figure that fell. The dev data
lives outside the repository (../shared/eval); without it these tests skip. The held-out split is scored
elsewhere; nothing here is tuned to individual rows.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEV_DIR = EVAL_DIR / "dev"

pytestmark = pytest.mark.skipif(
    not (EVAL_DIR / "score.py").is_file() or not DEV_DIR.is_dir(),
    reason="evaluation data (../shared/eval) absent",
)


@cache
def _scorer():
    spec = importlib.util.spec_from_file_location("conflictwire_eval_score", EVAL_DIR / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@cache
def scores(name: str) -> dict:
    """Extract one dev set the way `conflictwire extract` does and score it."""
    from indexer.extract import iter_extractions

    inputs = DEV_DIR / f"{name}.input.jsonl"
    golds = DEV_DIR / f"{name}.gold.jsonl"
    if not inputs.is_file() or not golds.is_file():
        pytest.skip(f"dev set {name} absent")
    outputs = {}
    for output in iter_extractions([str(inputs)]):
        assert isinstance(output, dict), f"extract rejected a dev record: {output}"
        outputs[output["id"]] = json.loads(json.dumps(output))
    rows = [(gold, outputs.get(gold["id"])) for gold in _load(golds)]
    return _scorer().SCORERS[name](rows)


@pytest.mark.parametrize("kind", ["actors", "people"])
def test_seed_actors_and_people(kind):
    figure = scores("seed")[kind]
    assert figure["recall"] >= 0.85 and figure["precision"] >= 0.7, figure


def test_seed_places():
    figure = scores("seed")["places"]
    assert figure["recall"] >= 0.9 and figure["precision"] >= 0.8, figure


@pytest.mark.parametrize("name", ["voa", "m2e2"])
def test_place_recall(name):
    assert scores(name)["place_recall"] >= 0.8


def test_acled_admin1_of_the_event_place():
    assert scores("acled")["admin1_acc"] >= 0.8


def test_acled_event_place_within_25_km():
    assert scores("acled")["geo_within_25km"] >= 0.75


def test_acled_event_type_accuracy():
    assert scores("acled")["event_type_acc"] >= 0.80


def test_acled_sub_event_type_accuracy():
    assert scores("acled")["sub_event_type_acc"] >= 0.65


def test_acled_date_accuracy():
    assert scores("acled")["date_acc"] >= 0.90


def test_acled_fatalities_accuracy_when_people_were_killed():
    assert scores("acled")["fatalities_acc_when_killed"] >= 0.70


def test_acled_actor1_type_accuracy():
    assert scores("acled")["actor1_type_acc"] >= 0.70


def test_case2021_weighted_f1():
    assert scores("case2021")["weighted_f1"] >= 0.70


def test_seed_event_recall():
    assert scores("seed")["events"]["recall"] >= 0.7


def test_seed_event_precision():
    assert scores("seed")["events"]["precision"] >= 0.6


def test_voa_attack_f1():
    assert scores("voa")["Conflict:Attack"]["f1"] >= 0.85


def test_voa_die_f1():
    assert scores("voa")["Life:Die"]["f1"] >= 0.7


def test_ipe_kill_f1():
    assert scores("ipe")["KILL"]["f1"] >= 0.6


def test_ipe_arrest_f1():
    assert scores("ipe")["ARREST"]["f1"] >= 0.6
