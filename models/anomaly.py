"""Anomaly scores of department-years: a scikit-learn Pipeline scored against peer groups.

    Pipeline([("features", FeatureTransformer()),        # features.yaml transforms (log, …)
              ("scale", PeerRobustScaler()),              # (x − peer median) / peer 10–90 % range
              ("deviation", PeerDeviation()),             # + the largest |peer deviation|
              ("forest", IsolationForest(n_estimators=200, random_state=0))])

Peers.  Every feature is measured against the department's peer group: its type and level
(教育局/city) when that group had at least ``min_group_size`` department-years at fit time, else
its type, else all departments.  The forest then sees peer-relative deviations only, so a
教育局 spending 60 % on projects is ordinary and a 信访局 doing so is not.

Direction.  ``score`` = −``IsolationForest.score_samples``: in (0, 1], **higher means more
unusual** (about 0.5 is ordinary, near 1 is isolated at once).

Sides.  Each feature counts on one side of its peers or both (features.yaml ``direction``):
more 三公 per head, more per 批次, a larger project share, faster growth are unusual spending;
less is not flagged.  The scaled value on the other side is set to 0, the peer median.

Missing values.  A feature that cannot be computed (no staff count, no receptions) is set to the
peer median after scaling: it moves no score and is never a reason.

Trees.  200: with 100 the ranks near the top of the list, and which reason comes first when two
features are about equally far out, still moved with ``random_state``.

Reasons.  The effect of a feature is how much the score drops when that feature alone is set
to the peer median.  It is measured for each department's ``candidates`` features furthest from
their peer medians (the rest sit near the median and cannot move the score much), in one batch
per feature over all departments; the largest effects are the reasons.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import IsolationForest
from sklearn.pipeline import Pipeline

from models.features import FORMATTERS, MODEL_FEATURES, spec_of

log = logging.getLogger("crossfoot.models")

PEER_KEYS = ("type", "level")
# The spread each feature is measured in: the peers' 10–90 % range rather than the inter-quartile
# range.  Features differ in how their tails sit against their middle (project share is close to
# uniform within a type; 人员经费 share and 三公 per staff have long tails), and the wider range
# puts "as far out as the peers' own tails" on one footing across features.
QUANTILE_RANGE = (10.0, 90.0)
ALL = "all"


def _direction(feature: str) -> str:
    try:
        return spec_of(feature).direction
    except KeyError:
        return "both"


def _frame(rows: Any) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        return rows
    return pd.DataFrame(list(rows))


def _forward(kind: str, v: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "log":
            return np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)
        if kind == "log_ratio":
            return np.where(v > -1, np.log1p(np.where(v > -1, v, 0.0)), np.nan)
        if kind == "log1p":
            return np.log1p(np.clip(v, 0, None))
    return v


def _inverse(kind: str, v: np.ndarray) -> np.ndarray:
    if kind == "log":
        return np.exp(v)
    if kind in ("log_ratio", "log1p"):
        return np.expm1(v)
    return v


class FeatureTransformer(TransformerMixin, BaseEstimator):
    """Selects the model features of a feature table and applies their ``features.yaml`` transform.

    Input: a DataFrame (or rows) with ``type``, ``level`` and the feature columns.  Output: a
    DataFrame with ``type``, ``level`` and the transformed features (NaN where missing).
    """

    def __init__(self, features: Sequence[str] | None = None):
        self.features = features

    def fit(self, X: Any, y: Any = None) -> FeatureTransformer:
        self.features_ = tuple(self.features or MODEL_FEATURES)
        self.transforms_ = tuple(spec_of(f).transform for f in self.features_)
        return self

    def transform(self, X: Any) -> pd.DataFrame:
        frame = _frame(X)
        out = {k: frame[k].astype(str).to_numpy() if k in frame else np.full(len(frame), "unknown")
               for k in PEER_KEYS}
        for f, kind in zip(self.features_, self.transforms_):
            v = frame[f].to_numpy(dtype=float) if f in frame else np.full(len(frame), np.nan)
            out[f] = _forward(kind, v)
        return pd.DataFrame(out, index=frame.index)

    def inverse_values(self, Z: np.ndarray) -> np.ndarray:
        """Transformed values back to feature units (column by column)."""
        return np.column_stack([_inverse(k, Z[:, j]) for j, k in enumerate(self.transforms_)]) \
            if Z.size else Z


class PeerRobustScaler(TransformerMixin, BaseEstimator):
    """Robust scaling within peer groups: (x − peer median) / peer quantile range (10–90 %).

    The peer group of a row is ``type/level`` if that group had ``min_group_size`` rows at fit
    time, else ``type`` under the same rule, else ``all``.  A group's statistic that cannot be
    computed (all values missing, zero spread) falls back to the next wider group.  Missing
    values become 0, the peer median.
    """

    def __init__(self, min_group_size: int = 50, quantile_range: tuple[float, float] = QUANTILE_RANGE):
        self.min_group_size = min_group_size
        self.quantile_range = quantile_range

    def fit(self, X: pd.DataFrame, y: Any = None) -> PeerRobustScaler:
        feats = [c for c in X.columns if c not in PEER_KEYS]
        self.features_ = tuple(feats)
        V = X[feats].to_numpy(dtype=float)
        types = X["type"].to_numpy()
        tl = (X["type"] + "/" + X["level"]).to_numpy()
        lo, hi = self.quantile_range
        groups: dict[str, tuple[int, np.ndarray, np.ndarray]] = {}

        def stats(mask: np.ndarray, parent: tuple[np.ndarray, np.ndarray] | None):
            sub = V[mask]
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    center = np.nanmedian(sub, axis=0)
                    q = np.nanpercentile(sub, [lo, hi], axis=0)
            scale = q[1] - q[0]
            if parent is None:
                center = np.where(np.isnan(center), 0.0, center)
                scale = np.where(~(scale > 0), 1.0, scale)
            else:
                center = np.where(np.isnan(center), parent[0], center)
                scale = np.where(~(scale > 0), parent[1], scale)
            return center, scale

        c_all, s_all = stats(np.ones(len(V), bool), None)
        groups[ALL] = (len(V), c_all, s_all)
        for t in sorted(set(types)):
            m = types == t
            if m.sum() >= self.min_group_size:
                c, s = stats(m, (c_all, s_all))
                groups[t] = (int(m.sum()), c, s)
        for g in sorted(set(tl)):
            m = tl == g
            t = g.split("/", 1)[0]
            if m.sum() >= self.min_group_size:
                parent = groups.get(t, groups[ALL])
                c, s = stats(m, (parent[1], parent[2]))
                groups[g] = (int(m.sum()), c, s)
        self.group_names_ = tuple(groups)
        self.group_sizes_ = np.array([groups[g][0] for g in self.group_names_])
        self.centers_ = np.vstack([groups[g][1] for g in self.group_names_])
        self.scales_ = np.vstack([groups[g][2] for g in self.group_names_])
        return self

    def group_index(self, X: pd.DataFrame) -> np.ndarray:
        """Index into ``group_names_`` of each row's peer group."""
        pos = {g: i for i, g in enumerate(self.group_names_)}
        all_i = pos[ALL]
        tl = pd.Series(X["type"] + "/" + X["level"]).map(pos)
        ty = pd.Series(X["type"]).map(pos)
        return tl.fillna(ty).fillna(all_i).to_numpy(dtype=np.int64)

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        V = X[list(self.features_)].to_numpy(dtype=float)
        gi = self.group_index(X)
        Z = (V - self.centers_[gi]) / self.scales_[gi]
        Z[np.isnan(Z)] = 0.0
        # Only the side of the peers that is unusual spending counts (features.yaml: direction).
        for j, f in enumerate(self.features_):
            d = _direction(f)
            if d == "high":
                np.maximum(Z[:, j], 0.0, out=Z[:, j])
            elif d == "low":
                np.minimum(Z[:, j], 0.0, out=Z[:, j])
        return Z


class PeerDeviation(TransformerMixin, BaseEstimator):
    """Appends each row's largest absolute peer-relative deviation, max_j |z_j|, as one more column.

    An isolation tree splits one feature at a time, so a department far off its peers in a single
    feature is isolated only in the trees that happen to split on that feature early, and the
    ordinary values of its other features dilute its score.  The largest deviation lets the
    forest isolate "one thing far off" directly, whatever the feature.
    """

    def fit(self, X: np.ndarray, y: Any = None) -> PeerDeviation:
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return np.hstack([X, np.abs(X).max(axis=1, keepdims=True) if X.shape[1] else np.zeros((len(X), 1))])


def make_pipeline(features: Sequence[str] | None = None, min_group_size: int = 50, n_estimators: int = 200,
                  random_state: int = 0, quantile_range: tuple[float, float] = QUANTILE_RANGE) -> Pipeline:
    return Pipeline([
        ("features", FeatureTransformer(features)),
        ("scale", PeerRobustScaler(min_group_size=min_group_size, quantile_range=tuple(quantile_range))),
        ("deviation", PeerDeviation()),
        ("forest", IsolationForest(n_estimators=n_estimators, random_state=random_state)),
    ])


class AnomalyScorer(BaseEstimator):
    """Fits the pipeline on a feature table and scores department-years with reasons.

    ``score_samples``: higher means more unusual.  ``score``: the ``crossfoot score`` entries.
    """

    def __init__(self, features: Sequence[str] | None = None, min_group_size: int = 50,
                 n_estimators: int = 200, random_state: int = 0, n_reasons: int = 3, candidates: int = 3,
                 min_effect: float = 0.002, quantile_range: tuple[float, float] = QUANTILE_RANGE):
        self.features = features
        self.min_group_size = min_group_size
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.n_reasons = n_reasons
        self.candidates = candidates
        self.min_effect = min_effect
        self.quantile_range = quantile_range

    def fit(self, rows: Any, y: Any = None) -> AnomalyScorer:
        frame = _frame(rows)
        if len(frame) < 2:
            raise ValueError(f"need at least 2 department-years to fit, got {len(frame)}")
        self.pipeline_ = make_pipeline(self.features, self.min_group_size, self.n_estimators,
                                       self.random_state, self.quantile_range).fit(frame)
        self.n_fitted_ = len(frame)
        return self

    # -- pieces
    def _scaled(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        ft = self.pipeline_.named_steps["features"]
        sc = self.pipeline_.named_steps["scale"]
        T = ft.transform(frame)
        return T, sc.transform(T), sc.group_index(T)

    def _forest_score(self, Z: np.ndarray) -> np.ndarray:
        steps = self.pipeline_.named_steps
        return -steps["forest"].score_samples(steps["deviation"].transform(Z))

    def score_samples(self, rows: Any) -> np.ndarray:
        """Anomaly score per department-year: higher means more unusual."""
        _, Z, _ = self._scaled(_frame(rows))
        return self._forest_score(Z)

    def effects(self, Z: np.ndarray, base: np.ndarray) -> np.ndarray:
        """Score drop when each candidate feature alone is set to the peer median (0 elsewhere)."""
        n, f = Z.shape
        eff = np.zeros((n, f))
        k = min(self.candidates, f)
        if n == 0 or k == 0:
            return eff
        mag = np.abs(Z)
        cand = np.argpartition(-mag, k - 1, axis=1)[:, :k]
        chosen = np.zeros((n, f), dtype=bool)
        np.put_along_axis(chosen, cand, True, axis=1)
        chosen &= mag > 0
        for j in range(f):
            rows = np.flatnonzero(chosen[:, j])
            if rows.size == 0:
                continue
            Zj = Z[rows].copy()
            Zj[:, j] = 0.0
            eff[rows, j] = base[rows] - self._forest_score(Zj)
        return eff

    def score(self, rows: Any) -> dict[str, Any]:
        """``{"departments": [...], "model": {...}}`` as ``crossfoot score`` prints it (ranked by score)."""
        frame = _frame(rows).reset_index(drop=True)
        ft = self.pipeline_.named_steps["features"]
        sc = self.pipeline_.named_steps["scale"]
        T, Z, gi = self._scaled(frame)
        base = self._forest_score(Z)
        eff = self.effects(Z, base)
        feats = ft.features_
        medians = ft.inverse_values(sc.centers_)  # peer medians in feature units, per group
        raw = np.column_stack([frame[f].to_numpy(dtype=float) if f in frame else np.full(len(frame), np.nan)
                               for f in feats])
        order = np.argsort(-base, kind="stable")
        rank = np.empty(len(base), dtype=np.int64)
        rank[order] = np.arange(1, len(base) + 1)
        i_rank = rank.tolist()
        top = np.argsort(-eff, axis=1, kind="stable")[:, : self.n_reasons]
        idx = np.arange(len(base))[:, None]
        top_eff = np.round(eff[idx, top], 4)
        top_val = np.round(raw[idx, top], 6)
        top_med = np.round(medians[gi[:, None], top], 6)
        fmt = [FORMATTERS[spec_of(f).display] for f in feats]
        zh = [spec_of(f).zh for f in feats]
        names = sc.group_names_
        deps = frame["department"].tolist() if "department" in frame else [None] * len(frame)
        codes = ([c if isinstance(c, str) and c else None for c in frame["department_code"].tolist()]
                 if "department_code" in frame else [None] * len(frame))
        years = [int(y) if y is not None and y == y else None
                 for y in (frame["year"].tolist() if "year" in frame else [None] * len(frame))]
        types, levels = T["type"].tolist(), T["level"].tolist()
        scores = np.round(base, 4).tolist()
        min_effect = self.min_effect
        top_l, eff_l, val_l, med_l = top.tolist(), top_eff.tolist(), top_val.tolist(), top_med.tolist()
        out = []
        for i in order.tolist():
            reasons = []
            for j, e, v, m in zip(top_l[i], eff_l[i], val_l[i], med_l[i]):
                if e < min_effect:
                    break
                f = fmt[j]
                reasons.append({
                    "feature": feats[j], "value": None if v != v else v, "peer_median": None if m != m else m,
                    "effect": e, "text": f"{zh[j]} {'—' if v != v else f(v)}，同类中位数 {'—' if m != m else f(m)}",
                })
            out.append({
                "index": i, "department": deps[i], "department_code": codes[i], "year": years[i],
                "type": types[i], "level": levels[i],
                "score": scores[i], "rank": i_rank[i], "peer_group": names[gi[i]], "reasons": reasons,
            })
        return {"departments": out, "model": self.describe()}

    def describe(self) -> dict[str, Any]:
        sc = self.pipeline_.named_steps["scale"]
        forest = self.pipeline_.named_steps["forest"]
        return {
            "estimator": "IsolationForest", "n_estimators": forest.n_estimators,
            "random_state": forest.random_state, "fitted_on": self.n_fitted_,
            "features": list(self.pipeline_.named_steps["features"].features_),
            "peer_groups": {g: int(n) for g, n in zip(sc.group_names_, sc.group_sizes_)},
            "min_group_size": sc.min_group_size,
            "direction": "higher score = more unusual (score = -IsolationForest.score_samples)",
            "effect": "score drop when the feature alone is set to the peer median",
        }


# --------------------------------------------------------------------------- saving

TRUSTED_TYPES = (
    "models.anomaly.AnomalyScorer", "models.anomaly.FeatureTransformer", "models.anomaly.PeerRobustScaler",
    "models.anomaly.PeerDeviation",
    "sklearn.tree._tree.Tree",  # the fitted trees of the forest (skops 0.16 does not trust it by default)
)


def save_model(scorer: AnomalyScorer, path: str | Path) -> Path:
    """Save a fitted scorer with skops (no pickle)."""
    import skops.io as sio

    path = Path(path)
    sio.dump(scorer, path)
    return path


def load_model(path: str | Path) -> AnomalyScorer:
    """Load a scorer saved by :func:`save_model`.

    Only this module's classes are trusted beyond skops' own defaults (numpy, scikit-learn);
    a file that holds any other type is refused, whoever wrote it.
    """
    import skops.io as sio

    path = Path(path)
    untrusted = sio.get_untrusted_types(file=path)
    unknown = [t for t in untrusted if t not in TRUSTED_TYPES]
    if unknown:
        raise ValueError(f"{path}: refusing to load types that are not crossfoot's: {', '.join(unknown)}")
    model = sio.load(path, trusted=list(untrusted))
    if not isinstance(model, AnomalyScorer):
        raise ValueError(f"{path}: not a crossfoot anomaly model ({type(model).__name__})")
    return model


def fit_score(rows: Iterable[Mapping[str, Any]] | pd.DataFrame, model: AnomalyScorer | None = None,
              **params: Any) -> tuple[AnomalyScorer, dict[str, Any]]:
    """Fit on ``rows`` (unless a fitted model is given) and score them."""
    frame = _frame(rows)
    scorer = model if model is not None else AnomalyScorer(**params).fit(frame)
    return scorer, scorer.score(frame)
