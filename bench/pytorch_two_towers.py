"""PyTorch reference of a two-tower recipe (bench/towers-peer.ts): the same towers, loss, optimiser, batches
and evaluation as the tfjs trainer's two-tower path, on the pairs and token ids it exported.

Usage: python3 bench/pytorch_two_towers.py <export dir>
Reads <dir>/recipe.json, images.f32 (N x D, scaled as the trainer scales them), bag.f32 (N x V: each
text's mean bag of words over the tokenizer's vocabulary), classes.f32 (C x V), labels.i32, test.i32,
batches.i32 (every step's pair indices, the trainer's seeded batch plan). Prints one JSON line:
{"zeroShot": ..., "recall": {"aToB": {k: ...}, "bToA": {k: ...}}, "seconds": ..., "torch": version}.

The image tower is the trainer's network tower for an MLP backbone: Linear -> ReLU per hidden layer,
a linear representation layer, then the projection head (Linear, ReLU between its layers); the text
tower is the mean of its token embeddings (as one product with the bag of words) and a linear
projection. Losses: CLIP's symmetric InfoNCE on L2-normalised rows, or SigLIP with learnable t', b.
The initial weights follow the same distributions (He-normal kernels, zero biases; the text
tower's as textTower.ts), drawn by torch's generator: only their values differ.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read(directory, name, dtype, shape):
    return torch.from_numpy(np.fromfile(os.path.join(directory, name), dtype=dtype).reshape(shape))


class ImageTower(nn.Module):
    def __init__(self, inputs, hidden, representation, projection):
        super().__init__()
        layers, width = [], inputs
        for units in hidden:
            layers += [nn.Linear(width, units), nn.ReLU()]
            width = units
        layers.append(nn.Linear(width, representation))
        width = representation
        for i, units in enumerate(projection):
            layers.append(nn.Linear(width, units))
            if i < len(projection) - 1:
                layers.append(nn.ReLU())
            width = units
        self.net = nn.Sequential(*layers)
        # The trainer's initialisation (server/trainer/seededInit.ts): He-normal kernels, zero biases.
        for layer in self.net:
            if isinstance(layer, nn.Linear):
                nn.init.normal_(layer.weight, 0.0, (2.0 / layer.in_features) ** 0.5)
                nn.init.zeros_(layer.bias)

    def forward(self, x):
        return self.net(x)


class TextTower(nn.Module):
    def __init__(self, vocabulary, token_size, embedding_size):
        super().__init__()
        self.embeddings = nn.Parameter(torch.randn(vocabulary, token_size) * 0.1)
        self.project = nn.Linear(token_size, embedding_size)
        # As server/contrastive/towers/textTower.ts: N(0, 0.1) embeddings, N(0, 1/token_size) kernel, zero bias.
        nn.init.normal_(self.project.weight, 0.0, (1.0 / token_size) ** 0.5)
        nn.init.zeros_(self.project.bias)

    def forward(self, bag):
        return self.project(bag @ self.embeddings)


def normalized(x):
    return F.normalize(x, dim=1, eps=1e-12)


def clip_loss(a, b, temperature):
    s = normalized(a) @ normalized(b).t() / temperature
    target = torch.arange(a.shape[0])
    return (F.cross_entropy(s, target) + F.cross_entropy(s.t(), target)) / 2


def siglip_loss(a, b, scale, bias):
    logits = normalized(a) @ normalized(b).t() * scale.exp() + bias
    signs = 2 * torch.eye(a.shape[0]) - 1
    return F.softplus(-signs * logits).sum() / a.shape[0]


def recall(query, target, query_groups, target_groups, ks):
    """recall@k as server/contrastive/eval/crossModal.ts counts it: identical items are one item."""
    sims = normalized(query) @ normalized(target).t()
    order = torch.argsort(sims, dim=1, descending=True).numpy()
    hits = {k: 0 for k in ks}
    for i in range(order.shape[0]):
        seen = []
        for j in order[i]:
            g = target_groups[j]
            if g == query_groups[i]:
                for k in ks:
                    if len(seen) < k:
                        hits[k] += 1
                break
            if g not in seen:
                seen.append(g)
            if len(seen) >= max(ks):
                break
    return {str(k): hits[k] / order.shape[0] for k in ks}


def main():
    directory = sys.argv[1]
    recipe = json.load(open(os.path.join(directory, 'recipe.json')))
    # TOWERS_PEER_SEED: another torch seed for the initial weights, to see how much they alone move the figures.
    torch.manual_seed(int(os.environ.get('TOWERS_PEER_SEED', recipe['seed'])))
    torch.set_num_threads(recipe.get('threads', 1))
    n, d, v, c = recipe['count'], recipe['inputSize'], recipe['vocabulary'], recipe['classes']
    images = read(directory, 'images.f32', np.float32, (n, d))
    bag = read(directory, 'bag.f32', np.float32, (n, v))
    classes = read(directory, 'classes.f32', np.float32, (c, v))
    labels = read(directory, 'labels.i32', np.int32, (n,)).long()
    test = read(directory, 'test.i32', np.int32, (-1,)).long()
    batches = read(directory, 'batches.i32', np.int32, (recipe['steps'], recipe['batchSize'])).long()
    image = ImageTower(d, recipe['hidden'], recipe['representationSize'], recipe['projection'])
    text = TextTower(v, recipe['tokenSize'], recipe['embeddingSize'])
    parameters = list(image.parameters()) + list(text.parameters())
    scale = bias = None
    if recipe['loss'] == 'siglip':
        scale = nn.Parameter(torch.tensor(float(recipe['logitScale'])))
        bias = nn.Parameter(torch.tensor(float(recipe['logitBias'])))
        parameters += [scale, bias]
    optimizer = torch.optim.Adam(parameters, lr=recipe['learningRate'], betas=(0.9, 0.999), eps=1e-8)
    started = time.time()
    for step in range(recipe['steps']):
        rows = batches[step]
        a, b = image(images[rows]), text(bag[rows])
        loss = clip_loss(a, b, recipe['temperature']) if recipe['loss'] == 'infoNCE' else siglip_loss(a, b, scale, bias)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds = time.time() - started
    with torch.no_grad():
        a, b = image(images[test]), text(bag[test])
        texts = recipe['texts']
        b_groups = [texts[i] for i in test.tolist()]
        a_groups = list(range(len(test)))
        ks = recipe['ks']
        # a -> b: each image's partner is its own caption; captions equal to it count as the same item
        ab = recall(a, b, b_groups, b_groups, ks)
        ba = recall(b, a, a_groups, a_groups, ks)
        predicted = (normalized(a) @ normalized(text(classes)).t()).argmax(dim=1)
        zero_shot = (predicted == labels[test]).float().mean().item()
    print(json.dumps({'zeroShot': zero_shot, 'recall': {'aToB': ab, 'bToA': ba}, 'seconds': seconds, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
