"""The trained network of a PyTorch run, from its newest intact checkpoint, for the commands that use a
finished run (`contrastive-lab embed`, `search`, `export --format tfjs`; server/trainer/engines/pytorchEmbed.ts):
one process, one torch start-up, per command.

  PYTHONPATH=engines/pytorch python3 -m contrastive_lab_torch.runmodel --run-dir <runs/id>
      [--inputs in.f32 --shape N,H,W,C --out out.f32 [--layer representation|projection|prediction ...]]
      [--tfjs-weights weights.f32 --tfjs-manifest weights.json] [--threads N] [--device D]

--inputs: N samples, float32 little-endian, --shape [N, ...the run's input shape] as the TypeScript
trainer feeds them ([N, H, W, C] images, [N, D] vectors); --out receives, for each --layer in order, the N × dim
block of that output in inference mode (batch-norm moving statistics, no dropout; projection and
prediction L2-normalised when architecture.normalizeOutput is set, as the engine evaluates).
--tfjs-weights: every weight converted to the tfjs layers model that server/contrastive/models builds
from the same architecture, keyed by the tfjs weight names (tfjs_weights.py), float32 LE back to back;
--tfjs-manifest lists [{name, shape}] in that order.
stdout: one JSON line {"kind": "model", "checkpoint", "step", "epoch", "batchInEpoch", "inputShape", "dims": {layer: dim}}.
Exit codes: 0 done; 1 the run, its checkpoint or the inputs cannot be used (one line on stderr saying
which file and why)."""
import argparse
import json
import os
import sys
from typing import List, Tuple

LAYERS = ("representation", "projection", "prediction")
#: samples per forward pass (as evaluate.embed)
CHUNK = 1024


def newest_checkpoint(run_dir: str) -> Tuple[str, dict, dict]:
    """(name, state.json, payload) of the newest intact checkpoint; damaged newer ones are named on
    stderr and left as they are (resume, not this reader, decides what to remove)."""
    from .rundir import DamagedCheckpoint, RunDirectory

    d = RunDirectory(run_dir, lambda _text: None)
    names = d.list_checkpoints()
    if not names:
        raise ValueError(f"{d.checkpoints}: no checkpoint yet; the run has to train at least one epoch (or be stopped) first")
    skipped = []
    for name in reversed(names):
        try:
            state, payload = d.load_checkpoint(name)
        except DamagedCheckpoint as e:
            skipped.append(str(e))
            continue
        for reason in skipped:
            print(f"note: skipped damaged checkpoint {reason}; using {name}", file=sys.stderr)
        return name, state, payload
    raise ValueError(f"{d.checkpoints}: no intact checkpoint: {'; '.join(skipped)}")


def load_model(run_dir: str):
    """(model in inference mode on the CPU, checkpoint name, state.json, input shape)."""
    from .models import ContrastiveModel

    with open(os.path.join(run_dir, "spec.json"), encoding="utf8") as f:
        spec = json.load(f)
    name, state, payload = newest_checkpoint(run_dir)
    input_shape = (state.get("extra") or {}).get("inputShape")
    if not isinstance(input_shape, list) or not input_shape:
        raise ValueError(f"{run_dir}/checkpoints/{name}/state.json: no extra.inputShape; this checkpoint cannot say what the network takes")
    model = ContrastiveModel(spec["architecture"], input_shape)
    try:
        model.load_state_dict(payload["model"])
    except (KeyError, RuntimeError) as e:
        said = " ".join(str(e).split())  # torch's message spans lines: one line, as every message here
        raise ValueError(f"{run_dir}/checkpoints/{name}: spec.json does not build the network stored in this checkpoint ({said}); restore the architecture the run was trained with") from e
    model.eval()
    return model, name, state, [int(d) for d in input_shape]


def embed_file(model, input_shape: List[int], inputs: str, shape: List[int], layers: List[str], out: str, device) -> dict:
    """Embeds the samples of `inputs` (batch shape `shape`) and writes each layer's block to `out`; {layer: dim}."""
    import numpy as np
    import torch

    if shape[1:] != input_shape:
        raise ValueError(f"the inputs are samples of shape [{', '.join(map(str, shape[1:]))}], but this run's network takes [{', '.join(map(str, input_shape))}]; give samples as the run's data feeds them")
    count = shape[0]
    x = np.fromfile(inputs, dtype="<f4")
    if x.size != count * int(np.prod(input_shape)):
        raise ValueError(f"{inputs}: holds {x.size} values, but shape [{', '.join(map(str, shape))}] needs {count * int(np.prod(input_shape))}")
    x = torch.from_numpy(x.astype(np.float32).reshape([count] + input_shape))
    if len(input_shape) == 3:
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC (as the TypeScript side holds images) -> NCHW
    if "prediction" in layers and model.prediction is None:
        raise ValueError("--layer prediction: this run's architecture has no prediction head")
    blocks = {layer: [] for layer in layers}
    with torch.no_grad():
        for start in range(0, count, CHUNK):
            outputs = model(x[start:start + CHUNK].to(device))
            for layer in layers:
                blocks[layer].append(outputs[layer].cpu())
    with open(out, "wb") as f:
        for layer in layers:
            for block in blocks[layer]:
                f.write(np.ascontiguousarray(block.numpy(), dtype="<f4").tobytes())
    return {layer: _output_dim(model, layer) for layer in layers}


def _output_dim(model, layer: str) -> int:
    """The width of an output (the heads end at the projection's width; no projection head: the representation's)."""
    if layer == "representation":
        return int(model.arch["representationSize"])
    return int(model.projection_size)


def write_tfjs_weights(model, input_shape: List[int], weights_file: str, manifest_file: str) -> None:
    import numpy as np

    from .tfjs_weights import tfjs_weights

    entries = []
    with open(weights_file, "wb") as f:
        for name, value in tfjs_weights(model, input_shape):
            array = np.ascontiguousarray(value.detach().cpu().numpy(), dtype="<f4")
            f.write(array.tobytes())
            entries.append({"name": name, "shape": list(array.shape)})
    with open(manifest_file, "w", encoding="utf8") as f:
        json.dump(entries, f)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="contrastive_lab_torch.runmodel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-dir", required=True, help="a run directory trained on the PyTorch engine")
    parser.add_argument("--inputs", help="samples to embed: float32 LE, of --shape")
    parser.add_argument("--shape", help="the batch shape of --inputs, comma-separated: N,H,W,C or N,D")
    parser.add_argument("--out", help="where the embeddings go (float32 LE, one block per --layer)")
    parser.add_argument("--layer", action="append", choices=LAYERS, help="output(s) to write, in order (default: the spec's eval.layer)")
    parser.add_argument("--tfjs-weights", help="write every weight in tfjs layout here (float32 LE)")
    parser.add_argument("--tfjs-manifest", help="with --tfjs-weights: their names and shapes (JSON)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--device", default="cpu", help="cpu | cuda | cuda:N | mps | auto (default cpu)")
    args = parser.parse_args(argv)
    embedding = args.inputs is not None
    if embedding:
        try:
            shape = [int(d) for d in (args.shape or "").split(",")]
        except ValueError:
            shape = []
        if len(shape) < 2 or any(d < 0 for d in shape) or args.out is None:
            parser.error("--inputs needs --shape N,<sample shape> (non-negative integers) and --out")
    if (args.tfjs_weights is None) != (args.tfjs_manifest is None):
        parser.error("--tfjs-weights and --tfjs-manifest go together")
    if args.threads < 1:
        parser.error("--threads must be at least 1")

    import torch

    from .distributed import resolve_device
    from .fastmm import limit_blas_threads

    torch.set_num_threads(args.threads)
    limit_blas_threads(args.threads)
    try:
        device = resolve_device(args.device)
        model, name, state, input_shape = load_model(args.run_dir)
        model.to(device)
        reply = {"kind": "model", "checkpoint": name, **{k: state["position"][k] for k in ("step", "epoch", "batchInEpoch")}, "inputShape": input_shape}
        if embedding:
            if args.layer is None:
                with open(os.path.join(args.run_dir, "spec.json"), encoding="utf8") as f:
                    layers = [json.load(f)["eval"]["layer"]]
            else:
                layers = args.layer
            reply["dims"] = embed_file(model, input_shape, args.inputs, shape, layers, args.out, device)
        if args.tfjs_weights is not None:
            write_tfjs_weights(model.cpu(), input_shape, args.tfjs_weights, args.tfjs_manifest)
    except KeyError as e:
        print(f"{args.run_dir}: spec.json or the checkpoint's state.json lacks {e}; they are written by `contrastive-lab train`", file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print(str(e), file=sys.stderr)
        return 1
    print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    from .engine import exit_now

    exit_now(main())
