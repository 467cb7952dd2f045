"""Shared fixtures: where the real reports live (../shared, beside the repo)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def seed_gold(name: str) -> dict:
    return json.loads((SEEDS / "gold" / (Path(name).stem + ".json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"the seed reports are expected at {SEEDS}"
    return SEEDS
