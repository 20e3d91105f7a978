"""The app starts and shows the documents of a corpus folder (streamlit.testing AppTest)."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from conftest import DATA

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_app_shows_corpus(tmp_path, monkeypatch):
    shutil.copy(DATA / "seeds/000_18d5ca373dd9af9d.txt", tmp_path / "a.txt")
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(tmp_path)])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value.startswith("crossfoot")
    df = at.dataframe[0].value
    assert list(df["department"]) == ["新平彝族傣族自治县信访局"]
    assert list(df["year"]) == [2020]
