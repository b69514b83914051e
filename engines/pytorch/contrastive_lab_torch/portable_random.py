"""server/contrastive/random.ts in Python: the same xoshiro128** stream from the same seed
(splitmix32 seeding, nextInt without modulo bias, derivedRandom's FNV-1a naming, Fisher–Yates
shuffle), for the draws both engines must make alike: few-shot episodes and label subsets."""
from typing import List

_MASK = 0xFFFFFFFF
_TWO_POW_32 = 1 << 32


def _imul(a: int, b: int) -> int:
    return (a * b) & _MASK


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _MASK


class PortableRandom:
    def __init__(self, seed: int):
        s = int(seed) & _MASK
        words = []
        for _ in range(4):  # splitmix32
            s = (s + 0x9E3779B9) & _MASK
            z = s
            z = _imul(z ^ (z >> 16), 0x85EBCA6B)
            z = _imul(z ^ (z >> 13), 0xC2B2AE35)
            words.append((z ^ (z >> 16)) & _MASK)
        self.s0, self.s1, self.s2, self.s3 = words

    def next_uint32(self) -> int:
        result = _imul(_rotl(_imul(self.s1, 5), 7), 9)
        t = (self.s1 << 9) & _MASK
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= t
        self.s3 = _rotl(self.s3, 11)
        return result

    def next_int(self, n: int) -> int:
        """Uniform in [0, n), rejecting the top partial block as random.ts nextInt does."""
        if n <= 0 or n > _TWO_POW_32:
            raise ValueError(f"next_int needs a positive bound up to 2^32, got {n}")
        limit = _TWO_POW_32 - (_TWO_POW_32 % n)
        while True:
            x = self.next_uint32()
            if x < limit:
                return x % n

    def shuffle(self, items: List) -> List:
        """Fisher–Yates from the end, in place, as Random.shuffle."""
        for i in range(len(items) - 1, 0, -1):
            j = self.next_int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


def derived_random(seed: int, *path) -> PortableRandom:
    """derivedRandom(seed, ...path): a named sub-stream. Path parts are written as JavaScript's
    String() writes them, so pass integers and strings (not floats such as 1.0)."""
    h = (int(seed) & _MASK) ^ 0x811C9DC5
    for part in path:
        for ch in str(part):
            h = _imul(h ^ ord(ch), 0x01000193)
        h = _imul(h ^ 0x2F, 0x01000193)
    return PortableRandom(h)
