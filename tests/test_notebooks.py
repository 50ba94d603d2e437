"""The walkthrough notebook runs top to bottom against the real app (so it cannot rot)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from credpath.config import Settings

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path, api_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = nbformat.read(path, as_version=4)
    # Committed without outputs, so git diffs stay readable and nothing stale is shown.
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    monkeypatch.setenv("CREDPATH_DATABASE_URL", api_settings.database_url)
    monkeypatch.setenv("CREDPATH_MODELS_DIR", str(api_settings.models_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # The walkthrough uses the key automation would set (a reader's first start writes data/admin.key instead).
    monkeypatch.setenv("CREDPATH_BOOTSTRAP_ADMIN_KEY", api_settings.bootstrap_admin_key or "")
    monkeypatch.setenv("CREDPATH_ADMIN_KEY_FILE", str(api_settings.admin_key_file))
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    text = "\n".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert "readiness" in text
    assert "Closes " in text
    images = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "the gap chart was not rendered"


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS
