"""Fine-tune and rebuild in the background while the server answers: the first run serves in minutes.

Fine-tuning takes ~11 of the ~14 minutes of a first ``make run`` on 2 cores. Instead of making a newcomer
wait, ``credpath serve --tune-in-background`` serves the indexes built with the model at hand (the bundled
all-MiniLM-L6-v2 on a fresh clone) and runs ``credpath tune`` and then ``credpath build-index`` as one
low-priority child process chain. ``build-index`` writes each index beside the old files and its manifest
last; the server's index check (``services.live``) loads the new generation once every index matches the
tuned model, and swaps it in without a restart. Requests in flight keep the generation they started with.

Only the parent ``serve`` process starts the chain (never each uvicorn worker), and stopping the server
stops it: the next run starts over, since tuning writes its model only when done.
"""

import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine

from credpath.ml.tuning import read_tuning
from credpath.pipeline.tuning import TUNING_RECIPE, expected_identity, training_fingerprint

__all__ = ["BackgroundTuning", "tuning_is_current"]

log = logging.getLogger(__name__)

# The chain runs at this niceness: the server's requests come first on a small box.
NICENESS = 10


def tuning_is_current(engine: Engine, models_dir: Path, steps: int | None = None) -> bool:
    """Whether ``models_dir`` holds the model ``credpath tune`` would train now (same data and recipe)."""
    recipe = TUNING_RECIPE if steps is None else replace(TUNING_RECIPE, steps=steps)
    existing = read_tuning(models_dir)
    if existing is None:
        return False
    return existing.identity == expected_identity(training_fingerprint(engine), recipe)


class BackgroundTuning:
    """``credpath tune`` then ``credpath build-index`` as niced child processes, one after the other.

    Args:
        env: the environment of the children (the server's settings travel in it).
        steps: training steps (``None``: the shipped recipe).
    """

    def __init__(self, env: dict[str, str] | None = None, steps: int | None = None) -> None:
        self._env = env if env is not None else dict(os.environ)
        self._steps = steps
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="background-tuning", daemon=True)
        self.returncode: int | None = None

    def start(self) -> None:
        """Start the chain; it logs its progress (fine-tune steps, index builds) to the server's stderr."""
        log.info(
            "tuning the encoder in the background (about 11 min on 2 cores); serving the current indexes until "
            "the tuned ones are built and swapped in"
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child running now (if any) and wait for the chain to end."""
        with self._lock:
            self._stopped = True
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _step(self, arguments: Sequence[str]) -> int:
        with self._lock:
            if self._stopped:
                return -1
            # Our own interpreter and module with fixed arguments: no untrusted input reaches the command.
            self._process = subprocess.Popen([sys.executable, "-m", "credpath.cli", *arguments], env=self._env)  # noqa: S603
            if hasattr(os, "setpriority"):
                # Lower priority: the children share the box with the server's requests.
                with contextlib.suppress(ProcessLookupError):
                    os.setpriority(os.PRIO_PROCESS, self._process.pid, NICENESS)
            process = self._process
        return process.wait()

    def _run(self) -> None:
        tune = ["tune", "--no-progress"] + ([] if self._steps is None else ["--steps", str(self._steps)])
        code = self._step(tune)
        if code == 0:
            code = self._step(["build-index", "--no-progress"])
        self.returncode = code
        if code == 0:
            # The server loads the new generation at its first index check after the last index is written,
            # which can be before the alignments are: they reach it through the database.
            log.info("background tuning done: tuned indexes and alignments built and served")
        elif code < 0 or self._stopped:
            # Stopped with the server (Ctrl-C reaches the whole process group): the next start runs it again.
            log.warning("background tuning stopped before it finished; the next start runs it again")
        else:
            log.error("background tuning failed (exit %d); still serving the indexes built before it", code)
