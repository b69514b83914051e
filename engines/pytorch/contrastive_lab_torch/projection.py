"""The 2-D PCA map of the final embeddings (embeddings/pca.f32), computed by the engine from the
vectors it holds instead of by the launcher re-reading vectors.f32 afterwards: the algorithm of
server/trainer/pca.ts step for step — float64 covariance of the centred vectors, its two leading
eigenvectors by power iteration from the same start vectors with deflation, the same stopping rule —
so both engines draw the same picture of the same vectors (up to float rounding)."""
import numpy as np

_ITERATIONS = 200
_CONVERGED = 1e-9


def pca2d(vectors: np.ndarray) -> np.ndarray:
    """[count, dim] float32 → [count, 2] float32 (fewer columns are zero when dim < 2)."""
    x = np.asarray(vectors, dtype=np.float64)
    count, dim = x.shape
    mean = x.sum(axis=0) / max(1, count)
    centred = x - mean
    cov = centred.T @ centred
    components = []
    d = np.arange(dim)
    for c in range(min(2, dim)):
        v = 1 + ((d * 7919 + c * 104729) % 97) / 97
        for _ in range(_ITERATIONS):
            nxt = cov @ v
            for prev in components:
                nxt = nxt - (nxt @ prev) * prev
            norm = np.hypot.reduce(nxt) if dim > 0 else 0.0
            if norm == 0:
                break
            nxt = nxt / norm
            change = np.abs(nxt - v).sum()
            v = nxt
            if change < _CONVERGED:
                break
        components.append(v)
    out = np.zeros((count, 2), dtype=np.float32)
    for c, comp in enumerate(components):
        out[:, c] = centred @ comp
    return out
