"""The PyTorch engine's few-shot evaluation and label-efficiency curve on given embeddings, for
test/unit/engines/eval-parity.test.ts, which compares them with the TypeScript ones.

  PYTHONPATH=engines/pytorch /usr/bin/python3 engines/pytorch/tests/eval_parity.py <input.json>

input.json: {dim, train, trainLabels, test, testLabels (flat lists), fewShot: {ways, shots, queries,
episodes, seed, metric}, labelEfficiency: {fractions, epochs, seed, probeSeed, k, temperature}}.
Prints one JSON object: {episodes: the first 3 episodes' [classes, support, queries] per shot count,
fewShot: {key: {accuracy, ci95, episodes}}, subsets: {fraction: rows}, labelEfficiency: [points]}."""
import itertools
import json
import sys

import torch

from contrastive_lab_torch.fewshot import draw_episodes, few_shot_accuracy, few_shot_key
from contrastive_lab_torch.label_efficiency import label_efficiency, labelled_subset


def main(path: str) -> None:
    torch.set_num_threads(1)
    with open(path, encoding="utf8") as f:
        spec = json.load(f)
    dim = spec["dim"]
    train = torch.tensor(spec["train"], dtype=torch.float32).reshape(-1, dim)
    test = torch.tensor(spec["test"], dtype=torch.float32).reshape(-1, dim)
    train_labels = torch.tensor(spec["trainLabels"], dtype=torch.long)
    test_labels = torch.tensor(spec["testLabels"], dtype=torch.long)
    few, eff = spec["fewShot"], spec["labelEfficiency"]
    out = {"episodes": {}, "fewShot": {}, "subsets": {}}
    for shots in few["shots"]:
        key = few_shot_key(few["ways"], shots)
        drawn = draw_episodes(test_labels.tolist(), few["ways"], shots, few["queries"], few["episodes"], few["seed"])
        out["episodes"][key] = [list(e) for e in itertools.islice(drawn, 3)]
        out["fewShot"][key] = few_shot_accuracy(test, test_labels, few["ways"], shots, few["queries"], few["episodes"], few["seed"], few["metric"])
    for fraction in eff["fractions"]:
        out["subsets"][str(fraction)] = labelled_subset(train_labels.tolist(), fraction, eff["seed"])
    out["labelEfficiency"] = label_efficiency(train, train_labels, test, test_labels, eff["fractions"], eff["epochs"], eff["seed"], eff["probeSeed"], eff["k"], eff["temperature"])
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
