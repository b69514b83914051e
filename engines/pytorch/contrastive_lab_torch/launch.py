"""Starts W processes of one command over the env:// rendezvous on this machine, as torchrun would
(MASTER_ADDR 127.0.0.1, a free MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK), for the engine's own
checks (ddpcheck.py); `contrastive-lab train --processes N` does the same from TypeScript
(server/trainer/engines/pytorch.ts) where torchrun cannot start."""
import os
import socket
import subprocess
from typing import List, Optional


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_processes(argv: List[str], size: int, stdout: Optional[int] = None) -> List[subprocess.Popen]:
    port = str(free_port())
    procs = []
    for rank in range(size):
        env = {**os.environ, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port, "RANK": str(rank), "WORLD_SIZE": str(size), "LOCAL_RANK": str(rank)}
        procs.append(subprocess.Popen(argv, env=env, stdout=stdout))
    return procs
