"""`ogi eval`: the accuracy tool over gold files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import SEEDS
from orchestration.cli import main as ogi


def test_eval_reports_full_accuracy_on_seeds_and_catches_a_wrong_gold(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), "--db", str(db), "--quiet"]) == 0
    capsys.readouterr()
    assert ogi(["eval", str(SEEDS / "gold"), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "cell accuracy 424/424 = 100.00%" in out and "wrong values published: 0" in out

    # A gold file that disagrees with the document: the tool must say a wrong value is published.
    gold = tmp_path / "gold"
    shutil.copytree(SEEDS / "gold", gold, copy_function=shutil.copyfile)
    gold.chmod(0o755)  # copytree copies the folder's mode too: shared/ may be read-only
    path = gold / "002_0413918a63fee9e6.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["active_disclosure"]["fees.amount"] = 61
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert ogi(["eval", str(gold), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "active_disclosure.fees.amount: got Decimal('60.179000'), want 61" in out
    assert "wrong values published: 1" in out
