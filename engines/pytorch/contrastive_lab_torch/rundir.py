"""The run directory as the engine writes it, in the format of server/runs/format.ts and
docs/run-directory.md, so every reader (the CLI's `list`, the Runs view, the dashboard, the gallery)
works unchanged: run.json updated atomically, metrics.jsonl and events.jsonl appended one JSON line
at a time (each line also printed on stdout, for the process that launched the engine), checkpoints
written to a temp folder and renamed, the final embeddings with meta.json last.

Checkpoints: checkpoints/step-<N>/ holds state.json (the loop position and small extras, as the
TypeScript trainer writes it), checkpoint.pt (torch.save of the tensors: model, optimiser, EMA
target, loss parameters, queue, RNG) and manifest.json (engine "pytorch", the SHA-256 of the other
two files: a checkpoint that does not match is damaged and skipped on resume)."""
import hashlib
import json
import os
import shutil
import socket
from datetime import datetime, timezone
from typing import Callable, List, Optional, Tuple

import numpy as np

#: checkpoints kept (the newest); as server/trainer/checkpoint.ts
KEEP_CHECKPOINTS = 2


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dumps(value, indent: Optional[int] = None) -> str:
    # allow_nan=False: a NaN written into a JSON file would make it unreadable for every reader.
    return json.dumps(value, indent=indent, allow_nan=False, ensure_ascii=False)


def write_atomic(path: str, data: bytes) -> None:
    """Write to <path>.<pid>.tmp, then rename: a reader never sees half a file."""
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def checkpoint_name(step: int) -> str:
    return f"step-{step:08d}"


class DamagedCheckpoint(Exception):
    """A checkpoint folder whose files are missing or do not match its manifest (message names the file)."""


class RunDirectory:
    def __init__(self, path: str, emit: Callable[[str], None]):
        self.dir = path
        self.run_json = os.path.join(path, "run.json")
        self.spec_json = os.path.join(path, "spec.json")
        self.metrics = os.path.join(path, "metrics.jsonl")
        self.events = os.path.join(path, "events.jsonl")
        self.checkpoints = os.path.join(path, "checkpoints")
        self.embeddings = os.path.join(path, "embeddings")
        self.timeline = os.path.join(path, "timeline")
        self._emit = emit
        if not os.path.isfile(self.run_json):
            raise ValueError(f"{self.run_json}: no run.json here; the run directory is created by `contrastive-lab train`")

    # ---- run.json -------------------------------------------------------------------------------
    def record(self) -> dict:
        with open(self.run_json, encoding="utf8") as f:
            return json.load(f)

    def update_record(self, **change) -> dict:
        record = {**self.record(), **change}
        write_atomic(self.run_json, (_dumps(record, indent=2) + "\n").encode("utf8"))
        return record

    def started(self, backend: str) -> dict:
        startedAt = self.record().get("startedAt") or now_iso()
        return self.update_record(status="running", pid=os.getpid(), hostname=socket.gethostname(), error=None, endedAt=None, startedAt=startedAt, backend=backend, engine="pytorch")

    # ---- metrics.jsonl / events.jsonl -----------------------------------------------------------
    def _append(self, path: str, line: dict) -> None:
        text = _dumps(line) + "\n"
        with open(path, "a", encoding="utf8") as f:
            f.write(text)
        self._emit(text)

    def metric(self, line: dict) -> None:
        self._append(self.metrics, line)

    def event(self, level: str, event: str, message: str, step: Optional[int] = None, epoch: Optional[int] = None, data: Optional[dict] = None) -> None:
        line = {"kind": "event", "time": now_iso(), "level": level, "event": event, "message": message}
        if step is not None:
            line["step"] = step
        if epoch is not None:
            line["epoch"] = epoch
        if data is not None:
            line["data"] = data
        self._append(self.events, line)

    def keep_metrics_up_to(self, step: int) -> int:
        """Drops metric lines after `step` (work after a checkpoint is redone on resume) and damaged
        lines; returns how many damaged lines went."""
        if not os.path.exists(self.metrics):
            return 0
        kept, damaged = [], 0
        with open(self.metrics, encoding="utf8") as f:
            for text in f:
                if not text.strip():
                    continue
                try:
                    line = json.loads(text)
                except ValueError:
                    damaged += 1
                    continue
                if isinstance(line, dict) and isinstance(line.get("step"), int) and line["step"] <= step:
                    kept.append(_dumps(line) + "\n")
        write_atomic(self.metrics, "".join(kept).encode("utf8"))
        return damaged

    def remove_temp_files(self) -> List[str]:
        """*.tmp files and .step-*.tmp/ folders a killed writer left behind (recovery.ts removeRunTempFiles)."""
        removed = []
        for folder in (self.dir, self.checkpoints, self.embeddings, self.timeline):
            if not os.path.isdir(folder):
                continue
            for name in os.listdir(folder):
                if name.endswith(".tmp"):
                    path = os.path.join(folder, name)
                    if os.path.isdir(path):
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        os.unlink(path)
                    removed.append(path)
        return removed

    # ---- checkpoints ----------------------------------------------------------------------------
    def save_checkpoint(self, position: dict, extra: dict, tensors: dict) -> str:
        import torch

        os.makedirs(self.checkpoints, exist_ok=True)
        name = checkpoint_name(position["step"])
        temp = os.path.join(self.checkpoints, f".{name}.{os.getpid()}.tmp")
        final = os.path.join(self.checkpoints, name)
        shutil.rmtree(temp, ignore_errors=True)
        try:
            os.makedirs(temp)
            torch.save(tensors, os.path.join(temp, "checkpoint.pt"))
            with open(os.path.join(temp, "state.json"), "w", encoding="utf8") as f:
                f.write(_dumps({"formatVersion": 1, "position": position, "extra": extra}, indent=2) + "\n")
            # manifest.json last: it vouches for the other two
            sums = {n: _sha256_file(os.path.join(temp, n)) for n in ("checkpoint.pt", "state.json")}
            with open(os.path.join(temp, "manifest.json"), "w", encoding="utf8") as f:
                f.write(_dumps({"formatVersion": 1, "engine": "pytorch", "files": ["checkpoint.pt", "state.json"], "sha256": sums}, indent=2) + "\n")
            shutil.rmtree(final, ignore_errors=True)
            os.rename(temp, final)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        names = self.list_checkpoints()
        for old in names[: max(0, len(names) - KEEP_CHECKPOINTS)]:
            shutil.rmtree(os.path.join(self.checkpoints, old), ignore_errors=True)
        return f"checkpoints/{name}"

    def list_checkpoints(self) -> List[str]:
        if not os.path.isdir(self.checkpoints):
            return []
        return sorted(n for n in os.listdir(self.checkpoints) if n.startswith("step-") and n[5:].isdigit() and os.path.isdir(os.path.join(self.checkpoints, n)))

    def load_checkpoint(self, name: str) -> Tuple[dict, dict]:
        """(state.json, the torch payload) of one checkpoint, verified against its manifest."""
        import torch

        folder = os.path.join(self.checkpoints, name)
        manifest_file = os.path.join(folder, "manifest.json")
        try:
            with open(manifest_file, encoding="utf8") as f:
                manifest = json.load(f)
        except (OSError, ValueError) as e:
            raise DamagedCheckpoint(f"{manifest_file}: cannot be read ({e}); the checkpoint is damaged")
        if manifest.get("engine") != "pytorch":
            raise DamagedCheckpoint(f"{manifest_file}: written by the {manifest.get('engine', 'tfjs')} engine, not PyTorch; resume it with the engine that trained it")
        for file, expected in (manifest.get("sha256") or {}).items():
            path = os.path.join(folder, file)
            if not os.path.exists(path):
                raise DamagedCheckpoint(f"{path}: missing; the checkpoint is damaged")
            if _sha256_file(path) != expected:
                raise DamagedCheckpoint(f"{path}: does not match the checksum in manifest.json; the checkpoint is damaged")
        try:
            with open(os.path.join(folder, "state.json"), encoding="utf8") as f:
                state = json.load(f)
            payload = torch.load(os.path.join(folder, "checkpoint.pt"), map_location="cpu")
        except (OSError, ValueError, RuntimeError) as e:
            raise DamagedCheckpoint(f"{folder}: cannot be read ({e}); the checkpoint is damaged")
        return state, payload

    def newest_intact_checkpoint(self) -> Tuple[Optional[str], Optional[dict], Optional[dict], List[str]]:
        """(name, state, payload, notes): damaged newer checkpoints are named in the notes and
        removed, as recovery.ts does; (None, None, None, notes) when there is none."""
        notes = []
        damaged = []
        for name in reversed(self.list_checkpoints()):
            try:
                state, payload = self.load_checkpoint(name)
            except DamagedCheckpoint as e:
                damaged.append((name, str(e)))
                continue
            for bad, reason in damaged:
                notes.append(f"skipped damaged checkpoint {reason}; resuming from the older {name} (step {state['position']['step']}) and removing checkpoints/{bad}")
                shutil.rmtree(os.path.join(self.checkpoints, bad), ignore_errors=True)
            return name, state, payload, notes
        if damaged:
            raise DamagedCheckpoint(f"{self.checkpoints}: no intact checkpoint to resume from: {'; '.join(r for _, r in damaged)}. Remove the damaged folders to start the run over from step 0.")
        return None, None, None, notes

    # ---- embeddings -----------------------------------------------------------------------------
    def write_embeddings(self, vectors: np.ndarray, pca: np.ndarray, samples: dict, meta: dict) -> List[str]:
        """vectors.f32 (float32 little-endian, count × dim), pca.f32 (count × 2), samples.json, then
        meta.json (its presence says the rest is complete); UMAP and the sprite sheet are added by the
        launcher (server/trainer/engines/), which has the TypeScript UMAP and sprite code."""
        os.makedirs(self.embeddings, exist_ok=True)
        meta_file = os.path.join(self.embeddings, "meta.json")
        if os.path.exists(meta_file):
            os.unlink(meta_file)
        write_atomic(os.path.join(self.embeddings, "vectors.f32"), np.ascontiguousarray(vectors, dtype="<f4").tobytes())
        write_atomic(os.path.join(self.embeddings, "pca.f32"), np.ascontiguousarray(pca, dtype="<f4").tobytes())
        write_atomic(os.path.join(self.embeddings, "samples.json"), (_dumps(samples, indent=2) + "\n").encode("utf8"))
        write_atomic(meta_file, (_dumps(meta, indent=2) + "\n").encode("utf8"))
        return ["vectors.f32", "pca.f32", "samples.json", "meta.json"]

    # ---- timeline (server/runs/timeline/store.ts) ---------------------------------------------
    def write_timeline(self, step: int, vectors: np.ndarray, probe: dict) -> None:
        """timeline/probe.json once (which samples), then timeline/step-<8 digits>.f32: the probe
        samples' embeddings at this evaluation (count × dim float32 little-endian), written whole."""
        os.makedirs(self.timeline, exist_ok=True)
        probe_file = os.path.join(self.timeline, "probe.json")
        if not os.path.exists(probe_file):
            write_atomic(probe_file, (_dumps(probe, indent=2) + "\n").encode("utf8"))
        write_atomic(os.path.join(self.timeline, f"step-{step:08d}.f32"), np.ascontiguousarray(vectors, dtype="<f4").tobytes())


class FollowerRunDirectory:
    """What ranks other than 0 of a several-process run (distributed.py) hold in place of the run
    directory: rank 0 writes the one run directory; the others run the same session and write nothing."""

    def __init__(self, path: str):
        self.dir = path

    def started(self, backend: str) -> None:
        pass

    def update_record(self, **change) -> None:
        pass

    def metric(self, line: dict) -> None:
        pass

    def event(self, level: str, event: str, message: str, step: Optional[int] = None, epoch: Optional[int] = None, data: Optional[dict] = None) -> None:
        pass

    def remove_temp_files(self) -> List[str]:
        return []

    def keep_metrics_up_to(self, step: int) -> int:
        return 0
