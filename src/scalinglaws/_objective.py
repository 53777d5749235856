"""The Approach-3 objective of Hoffmann et al. (2022, App. D.2), evaluated for many parameter vectors at once.

Parameters are rows ``(a, b, e, alpha, beta)`` with A = exp(a), B = exp(b), E = exp(e). For each data point
the prediction is LSE(a − alpha·log N, b − beta·log D, e) = log(A/N^alpha + B/D^beta + E), compared with
log L (L in nats/token). The objective sums (or averages) a per-point loss of the residual: Huber_delta
(Hoffmann's choice, delta = 1e-3) or ½·r². Value and gradient are computed together in one pass over the
data, in cache-sized blocks of rows.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["ChinchillaObjective"]

_BLOCK_ROWS = 256  # 256 rows x ~240 points x 8 bytes ≈ 0.5 MB per buffer: stays in L2 cache


class ChinchillaObjective:
    """Fused value-and-gradient of the Approach-3 loss for a batch of parameter rows.

    Parameters
    ----------
    log_n, log_d, log_loss : 1-D arrays of equal length
        log N (N in parameters), log D (D in tokens), log L (L in nats/token).
    loss : {"huber", "squared"}
        Per-point loss of the residual r = prediction − log L.
    delta : float
        Huber threshold (Hoffmann et al. use 1e-3); ignored for ``"squared"``.
    reduce : {"sum", "mean"}
        Sum over points (Hoffmann et al.) or mean (divides value and gradient by the number of points).
    """

    def __init__(self, log_n, log_d, log_loss, *, loss: str = "huber", delta: float = 1e-3, reduce: str = "sum",
                 threads: int = 1):
        self.x = np.ascontiguousarray(log_n, dtype=float)
        self.y = np.ascontiguousarray(log_d, dtype=float)
        self.t = np.ascontiguousarray(log_loss, dtype=float)
        self.n = self.x.size
        self.x_ext = (self.x.min(), self.x.max())
        self.y_ext = (self.y.min(), self.y.max())
        self.ones_x = np.ascontiguousarray(np.stack([np.ones(self.n), self.x], axis=1))
        self.ones_y = np.ascontiguousarray(np.stack([np.ones(self.n), self.y], axis=1))
        self.lin_n = np.ascontiguousarray(np.stack([np.ones(self.n), self.x, self.t]))
        self.lin_d = np.ascontiguousarray(np.stack([np.ones(self.n), self.y, self.t]))
        self.inv_loss = np.exp(-self.t)
        self.t_min = self.t.min()
        self.huber = loss == "huber"
        self.delta = float(delta)
        self.scale = 1.0 / self.n if reduce == "mean" else 1.0
        self.n_rows_evaluated = 0
        self.threads = max(1, int(threads))
        self._executor = None
        self._buf: dict[int, np.ndarray] = {}

    def __call__(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Objective values (k,) and gradients (k, 5) for parameter rows ``params`` of shape (k, 5)."""
        params = np.asarray(params, dtype=float)
        k = params.shape[0]
        value = np.empty(k)
        grad = np.empty((k, 5))
        workers = min(self.threads, k // _BLOCK_ROWS)
        if workers > 1:
            cuts = np.linspace(0, k, workers + 1).astype(int)
            jobs = [self._pool().submit(self._rows, params, value, grad, lo, hi, w)
                    for w, (lo, hi) in enumerate(zip(cuts[:-1], cuts[1:]))]
            for job in jobs:
                job.result()
        else:
            self._rows(params, value, grad, 0, k, 0)
        self.n_rows_evaluated += k
        return value, grad

    def _pool(self):
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self.threads)
        return self._executor

    def close(self) -> None:
        """Shut down the worker threads (if any were started)."""
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def _rows(self, params, value, grad, lo, hi, worker):
        for start in range(lo, hi, _BLOCK_ROWS):
            stop = min(start + _BLOCK_ROWS, hi)
            self._block(params[start:stop], value[start:stop], grad[start:stop], worker)

    def _shift(self, a, b, e, alpha, beta):
        """Per-row shift m >= 0 keeping every exponential below e^700 (no overflow); usually all zero."""
        top_n = a - np.minimum(alpha * self.x_ext[0], alpha * self.x_ext[1])
        top_d = b - np.minimum(beta * self.y_ext[0], beta * self.y_ext[1])
        top = np.maximum(np.maximum(top_n, top_d), e) - self.t_min
        return np.maximum(top - 700.0, 0.0)

    def _buffers(self, rows: int, worker: int):
        """Five reusable (rows, n) work arrays per worker: reuse avoids a page-faulting allocation per call."""
        buf = self._buf.get(worker)
        if buf is None or buf.shape[1] < rows:
            buf = self._buf[worker] = np.empty((5, rows, self.n))
        return [b[:rows] for b in buf]

    def _block(self, p, value, grad, worker):
        a, b, e, alpha, beta = p.T
        m = self._shift(a, b, e, alpha, beta)
        k = p.shape[0]
        p_n, p_d, total, resid, psi_buf = self._buffers(k, worker)
        coef = np.empty((k, 3))
        coef[:, 2] = -1.0
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            coef[:, 0], coef[:, 1] = a - m, -alpha
            np.matmul(coef, self.lin_n, out=p_n)  # a − m − alpha·log N − log L
            np.exp(p_n, out=p_n)  # A/N^alpha / L, scaled by exp(−m)
            coef[:, 0], coef[:, 1] = b - m, -beta
            np.matmul(coef, self.lin_d, out=p_d)
            np.exp(p_d, out=p_d)  # B/D^beta / L, scaled by exp(−m)
            e_term = np.exp(e - m)
            np.multiply.outer(e_term, self.inv_loss, out=total)  # E / L
            total += p_n
            total += p_d
            np.log(total, out=resid)  # residual r = log(prediction) − log L
            if m.any():
                resid += m[:, None]
            if self.huber:
                psi = np.clip(resid, -self.delta, self.delta, out=psi_buf)
                # Huber_delta(r) = psi·r − psi²/2 with psi = clip(r, −delta, delta)
                np.einsum("ij,ij->i", psi, resid, out=value)
                value -= 0.5 * np.einsum("ij,ij->i", psi, psi)
            else:
                psi = resid
                np.einsum("ij,ij->i", psi, psi, out=value)
                value *= 0.5
            psi = np.divide(psi, total, out=psi)  # d loss / d (each scaled exp-term)
            grad[:, 2] = e_term * (psi @ self.inv_loss)
            p_n *= psi
            p_d *= psi
            sn = p_n @ self.ones_x
            sd = p_d @ self.ones_y
            grad[:, 0] = sn[:, 0]
            grad[:, 1] = sd[:, 0]
            grad[:, 3] = -sn[:, 1]
            grad[:, 4] = -sd[:, 1]
        bad = ~np.isfinite(value)
        if bad.any():
            value[bad] = np.inf
            grad[bad] = np.nan
        if self.scale != 1.0:
            value *= self.scale
            grad *= self.scale
