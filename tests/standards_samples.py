"""The Open Badges 3.0 and CTDL samples under ``data/samples`` (written by ``scripts/make_standards_samples.py``)."""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.config import repository_root
from credpath.storage.tables import Skill

SAMPLES = repository_root() / "data" / "samples"
OB3 = SAMPLES / "ob3"
CTDL = SAMPLES / "ctdl"
ESCO = "http://data.europa.eu/esco/skill/"


def load(path: Path) -> Any:
    """A JSON sample, or the text of a ``.jwt`` one."""
    text = path.read_text(encoding="utf-8")
    return text.strip() if path.suffix == ".jwt" else json.loads(text)


def sample_esco_skills() -> list[str]:
    """Every ESCO skill URI the valid samples align to."""
    text = (OB3 / "achievements.json").read_text(encoding="utf-8") + (CTDL / "catalogue.json").read_text("utf-8")
    found: list[str] = []
    for part in text.split('"')[1::2]:
        if part.startswith(ESCO) and not part.endswith("000000000000"):
            found.append(part)
    return sorted(set(found))


def seed_skills(engine: Engine) -> None:
    """Put the samples' ESCO skills into an empty database (the whole ESCO bundle is not needed)."""
    with Session(engine) as session:
        for uri in sample_esco_skills():
            session.add(Skill(id=uri, preferred_label=uri.rsplit("/", 1)[1][:8]))
        session.commit()
