"""The learned score: a calibrated scikit-learn model per definition, trained point in time on
the backtest panel, validated on later weeks beside the rules, and used to score every entity
the rules can still qualify, with its factors in words.

One row per result record (record_type):
  validation  one per definition: status (trained | refused), the message, the split, and the
              model's and the rule's metrics on the same held-out weeks
  decile      one per definition and decile of held-out predictions: calibration
  feature     one per definition and feature: effect, single-feature AUC, leakage flag, and
              for configured signals the current and suggested points (weights advice)
  score       one per definition and entity scored today: probability, percentile, band,
              top positive factors and top negative factor in words
  model       one per definition: the fit this table holds (status trained, refused, or
              removed for a definition no longer configured), its configuration fingerprint,
              the data's as-of date it was fitted on, and the fitted model (trained only)

The model is incremental on a refit cadence (var pql_learned_score_refit_days): a run refits a
definition only when its last fit is that many days of data old, its configuration changed, or
there is no fit; otherwise it keeps the fit's records and scores today's entities with the kept
model. Every run returns every record of every definition (delete+insert by definition_id).
The thin SQL models int_learned_scores and rpt_learned_score_* read it by record_type.

Honest by construction: training weeks end before the validation weeks start by the outcome
window (var pql_backtest_window_days), so no training label saw anything after the first
held-out date; the seed is fixed; inputs are sorted before training; nothing leaves the
warehouse. The pure functions below are what the tests import.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

import numpy as np

RECORD_COLUMNS = {
    "record_type": "text",
    "definition_id": "text",
    "entity": "text",
    "entity_id": "text",
    "as_of_date": "date",
    "probability": "number",
    "percentile": "number",
    "band": "text",
    "top_positive_factors": "text",
    "top_negative_factor": "text",
    "status": "text",
    "message": "text",
    "model_kind": "text",
    "train_from": "date",
    "train_to": "date",
    "validation_from": "date",
    "validation_to": "date",
    "train_rows": "whole",
    "train_positives": "whole",
    "validation_rows": "whole",
    "validation_positives": "whole",
    "feature_count": "whole",
    "leakage_features": "text",
    "model_auc": "number",
    "rule_auc": "number",
    "model_brier": "number",
    "rule_brier": "number",
    "model_top_decile_lift": "number",
    "rule_top_decile_lift": "number",
    "model_top_decile_capture": "number",
    "rule_top_decile_capture": "number",
    "rule_volume": "whole",
    "model_precision_at_rule_volume": "number",
    "rule_precision": "number",
    "model_capture_at_rule_volume": "number",
    "rule_capture": "number",
    "decile": "whole",
    "row_count": "whole",
    "positive_count": "whole",
    "mean_probability": "number",
    "observed_rate": "number",
    "feature_name": "text",
    "feature_label": "text",
    "effect": "number",
    "single_feature_auc": "number",
    "is_leakage_suspect": "boolean",
    "is_used": "boolean",
    "current_weight": "number",
    "suggested_weight": "number",
    "fit_fingerprint": "text",
    "fitted_as_of_date": "date",
    "model_state": "text",
}

MODEL_KINDS = ("logistic_regression", "gradient_boosting")
CALIBRATION_FOLDS = 3
MAX_POSITIVE_FACTORS = 3
ADVICE_SAMPLE_ROWS = 2000


class Settings:
    """The vars the model reads (passed through its YAML config), checked. (A plain class: dbt
    runs this file without registering it as a module, which dataclasses need.)"""

    def __init__(
        self,
        model_kind="logistic_regression",
        calibration="sigmoid",
        min_examples=100,
        leakage_auc=0.95,
        validation_share=0.3,
        window_days=30,
        seed=42,
        regularisation_c=1.0,
        band_percentiles=(90, 75, 50),
        refit_days=7,
    ) -> None:
        if model_kind not in MODEL_KINDS:
            raise ValueError(
                f"var pql_learned_score_model must be one of {', '.join(MODEL_KINDS)}, "
                f"got {model_kind!r}"
            )
        self.model_kind = model_kind
        self.calibration = calibration
        self.min_examples = int(min_examples)
        self.leakage_auc = float(leakage_auc)
        self.validation_share = float(validation_share)
        self.window_days = int(window_days)
        self.seed = int(seed)
        self.regularisation_c = float(regularisation_c)
        self.band_percentiles = sorted((float(p) for p in band_percentiles), reverse=True)
        self.refit_days = int(refit_days)
        if self.refit_days < 0:
            raise ValueError(
                f"var pql_learned_score_refit_days must be 0 or more days, got {refit_days!r}"
            )

    def fingerprint_parts(self) -> dict:
        """What a fit depends on besides the data (the cadence itself is not: changing it does
        not change a fit)."""
        return {
            "model_kind": self.model_kind,
            "calibration": self.calibration,
            "min_examples": self.min_examples,
            "leakage_auc": self.leakage_auc,
            "validation_share": self.validation_share,
            "window_days": self.window_days,
            "seed": self.seed,
            "regularisation_c": self.regularisation_c,
        }


# --- 1. the split ------------------------------------------------------------------------------


def split_weeks(
    as_of_dates: list[date], validation_share: float, window_days: int
) -> tuple[list[date], list[date]]:
    """Training and validation as-of dates from the dates whose outcome is complete.

    Validation: the latest ceil(share x weeks) dates. Training: the dates whose whole outcome
    window ended by the first validation date (so no training label saw a day of the held-out
    period), which also keeps every entity's future out of training."""
    weeks = sorted(set(as_of_dates))
    if len(weeks) < 2:
        return [], weeks
    held_out = max(1, math.ceil(validation_share * len(weeks)))
    validation = weeks[-held_out:]
    first_held_out = validation[0]
    training = [d for d in weeks if (first_held_out - d).days >= window_days]
    return training, validation


def refusal(
    side: str, span: list[date], positives: int, negatives: int, minimum: int
) -> str | None:
    """The message when one side of the split has too few examples, else None."""
    if positives >= minimum and negatives >= minimum:
        return None
    weeks = f"{span[0]} to {span[-1]}" if span else "none"
    return (
        f"refused: the {side} weeks ({weeks}) have {positives} converting and {negatives} "
        f"non-converting examples; at least {minimum} of each are needed on both sides of the "
        "split (var pql_learned_score_min_examples). Score with the rules until more outcomes "
        "are known."
    )


# --- 2. features -------------------------------------------------------------------------------


class Features:
    """One definition's feature values: a row per (entity_id, as_of_date) key, a column per
    feature name, NaN where the entity had no value. Held as one float matrix (a key's values as
    Python objects would cost tens of times the memory at millions of rows)."""

    def __init__(self, keys: list[tuple], names: list[str], matrix):
        self.row = {key: index for index, key in enumerate(keys)}
        self.names = list(names)
        self.column = {name: index for index, name in enumerate(self.names)}
        self.matrix = matrix

    @classmethod
    def from_mapping(cls, values: dict[tuple, dict[str, float]]) -> Features:
        """From {(entity_id, as_of_date): {feature_name: value}}."""
        keys = list(values)
        names = sorted({name for row in values.values() for name in row})
        features = cls(keys, names, np.full((len(keys), len(names)), np.nan))
        for key, row in values.items():
            for name, value in row.items():
                features.matrix[features.row[key], features.column[name]] = value
        return features

    def names_present(self, keys: list[tuple]) -> set[str]:
        """The feature names with a value for at least one of the keys."""
        rows = np.array([self.row[key] for key in keys if key in self.row], dtype=np.int64)
        present = np.zeros(len(self.names), dtype=bool)
        for start in range(0, len(rows), 100_000):  # a slice at a time: no full copy
            present |= ~np.isnan(self.matrix[rows[start : start + 100_000]]).all(axis=0)
        return {name for name, seen in zip(self.names, present, strict=True) if seen}

    def matrix_for(self, keys: list[tuple], names: list[str]):
        """Rows in the order of keys, columns in the order of names; an absent value is 0."""
        matrix = np.zeros((len(keys), len(names)))
        targets = [(i, self.row[key]) for i, key in enumerate(keys) if key in self.row]
        columns = [(j, self.column[name]) for j, name in enumerate(names) if name in self.column]
        if targets and columns:
            rows_out, rows_in = (np.array(side) for side in zip(*targets, strict=True))
            cols_out, cols_in = (np.array(side) for side in zip(*columns, strict=True))
            values = self.matrix[np.ix_(rows_in, cols_in)]
            matrix[np.ix_(rows_out, cols_out)] = np.nan_to_num(values, nan=0.0)
        return matrix


def transform(matrix):
    """Counts and days are skewed: the model sees sign(x) * log(1 + |x|)."""
    return np.sign(matrix) * np.log1p(np.abs(matrix))


def single_feature_aucs(matrix, labels) -> list[float]:
    """Each feature's AUC on its own, folded so 0.5 is no information and 1 is perfect."""
    from sklearn.metrics import roc_auc_score

    aucs = []
    for index in range(matrix.shape[1]):
        column = matrix[:, index]
        if np.all(column == column[0]):
            aucs.append(0.5)
            continue
        auc = float(roc_auc_score(labels, column))
        aucs.append(max(auc, 1 - auc))
    return aucs


def leakage_flags(aucs: list[float], threshold: float) -> list[bool]:
    """A feature that alone predicts the outcome better than the threshold likely leaks it."""
    return [auc > threshold for auc in aucs]


# --- 3. the model ------------------------------------------------------------------------------


def make_model(settings: Settings, labels):
    """A calibrated classifier: regularised logistic regression (scaled) or gradient boosting,
    calibrated on cross-validated predictions with a fixed seed."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if settings.model_kind == "gradient_boosting":
        base = HistGradientBoostingClassifier(random_state=settings.seed, early_stopping=False)
    else:
        base = Pipeline(
            [
                ("scale", StandardScaler()),
                (
                    "model",
                    LogisticRegression(
                        C=settings.regularisation_c, max_iter=2000, random_state=settings.seed
                    ),
                ),
            ]
        )
    folds = min(CALIBRATION_FOLDS, int(min(np.sum(labels), np.sum(1 - labels))))
    return CalibratedClassifierCV(
        base,
        method=settings.calibration,
        cv=StratifiedKFold(n_splits=max(folds, 2), shuffle=True, random_state=settings.seed),
        ensemble=False,
    )


def fit(settings: Settings, matrix, labels):
    model = make_model(settings, labels)
    model.fit(matrix, labels)
    return model


def probabilities(model, matrix):
    return model.predict_proba(matrix)[:, 1]


def base_estimator(model):
    return model.calibrated_classifiers_[0].estimator


def contributions(model, matrix, baseline):
    """Per-feature contributions to the model's log-odds, against the average training entity
    (baseline: the training means of the transformed features). Logistic regression: exactly
    coefficient x standardised value. Other models: the change in log-odds when the feature is
    set to its baseline."""
    base = base_estimator(model)
    if hasattr(base, "named_steps") and "model" in base.named_steps:
        scaler, linear = base.named_steps["scale"], base.named_steps["model"]
        return scaler.transform(matrix) * linear.coef_[0]
    full = base.decision_function(matrix)
    result = np.zeros(matrix.shape)
    for index in range(matrix.shape[1]):
        replaced = matrix.copy()
        replaced[:, index] = baseline[index]
        result[:, index] = full - base.decision_function(replaced)
    return result


def feature_effects(model, matrix) -> list[float]:
    """Each feature's spread of log-odds contributions on the training rows (standard deviation):
    how much it moves the score, whichever the direction; signed by the direction of its
    correlation with the contribution for linear models."""
    contributed = contributions(model, matrix, matrix.mean(axis=0))
    effects = []
    for index in range(matrix.shape[1]):
        spread = float(np.std(contributed[:, index]))
        column = matrix[:, index]
        sign = 1.0
        if np.std(column) > 0 and spread > 0:
            sign = 1.0 if np.corrcoef(column, contributed[:, index])[0, 1] >= 0 else -1.0
        effects.append(sign * spread)
    return effects


# --- 4. metrics --------------------------------------------------------------------------------


def expected_positives_in_top(scores, labels, k: int) -> float:
    """Positives among the k highest scores; rows tied at the cut count at their tie group's
    rate, so ties (a rule's scores) are never broken by row order."""
    if k <= 0:
        return 0.0
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=float)
    cut = np.sort(scores)[::-1][min(k, len(scores)) - 1]
    above = scores > cut
    tied = scores == cut
    taken_from_ties = min(k, len(scores)) - int(above.sum())
    return float(labels[above].sum() + taken_from_ties * labels[tied].mean())


def top_share_metrics(scores, labels, k: int) -> tuple[float, float, float]:
    """(precision, lift over the base rate, capture of all positives) of the top k rows."""
    positives = float(np.sum(labels))
    if k <= 0 or positives == 0:
        return (math.nan, math.nan, math.nan)
    hits = expected_positives_in_top(scores, labels, k)
    precision = hits / k
    base_rate = positives / len(labels)
    return (precision, precision / base_rate, hits / positives)


def calibration_by_decile(probs, labels) -> list[dict]:
    """Held-out rows in ten equal groups by predicted probability (1 = highest)."""
    order = np.argsort(-np.asarray(probs), kind="stable")
    groups = np.array_split(order, 10)
    rows = []
    for decile, group in enumerate(groups, start=1):
        if len(group) == 0:
            continue
        rows.append(
            {
                "decile": decile,
                "row_count": len(group),
                "positive_count": int(np.sum(labels[group])),
                "mean_probability": float(np.mean(probs[group])),
                "observed_rate": float(np.mean(labels[group])),
            }
        )
    return rows


def compare(probs, labels, rule_qualified, rule_scores, rule_rate_if, rule_rate_else) -> dict:
    """The model and the rule on the same held-out rows. The rule's probability for the Brier
    score is its own conversion rate on the training weeks (qualified or not)."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    labels = np.asarray(labels, dtype=float)
    rule_qualified = np.asarray(rule_qualified, dtype=bool)
    top = max(1, math.ceil(0.1 * len(labels)))
    volume = int(rule_qualified.sum())
    model_top = top_share_metrics(probs, labels, top)
    rule_top = top_share_metrics(rule_scores, labels, top)
    model_at_volume = top_share_metrics(probs, labels, volume)
    rule_hits = float(labels[rule_qualified].sum())
    rule_probability = np.where(rule_qualified, rule_rate_if, rule_rate_else)
    return {
        "model_auc": float(roc_auc_score(labels, probs)),
        "rule_auc": float(roc_auc_score(labels, rule_scores)),
        "model_brier": float(brier_score_loss(labels, probs)),
        "rule_brier": float(brier_score_loss(labels, rule_probability)),
        "model_top_decile_lift": model_top[1],
        "rule_top_decile_lift": rule_top[1],
        "model_top_decile_capture": model_top[2],
        "rule_top_decile_capture": rule_top[2],
        "rule_volume": volume,
        "model_precision_at_rule_volume": model_at_volume[0],
        "rule_precision": rule_hits / volume if volume else math.nan,
        "model_capture_at_rule_volume": model_at_volume[2],
        "rule_capture": rule_hits / labels.sum() if labels.sum() else math.nan,
    }


# --- 5. words, bands, advice ------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


PLURAL_FORMS = re.compile(r"\{(value|window|threshold):([^{}|]+)\|([^{}|]+)\}")


def _plurals_resolved(template: str, numbers: dict[str, object]) -> str:
    """A reason template's plural forms ({value:project|projects}, docs/reason_templates.md)
    resolved: the placeholder, a space and the first form when its number shows as 1."""

    def form(match: re.Match) -> str:
        number = numbers.get(match[1])
        is_one = number not in (None, "") and math.floor(float(number) + 0.5) == 1
        return "{" + match[1] + "} " + (match[2] if is_one else match[3])

    return PLURAL_FORMS.sub(form, template)


def describe(name: str, value: float, catalog: dict[str, dict]) -> str:
    """A feature and its value in words, for a sales rep. catalog: signal and milestone
    descriptions from the configuration ({'signal:x': {'template', 'window', 'aggregation'},
    'milestone:y': {'description'}})."""
    kind, _, detail = name.partition(":")
    entry = catalog.get(name, {})
    v = _number(value)
    if kind == "signal":
        template = entry.get("template") or detail.replace("_", " ") + ": {value}"
        template = _plurals_resolved(template, {"value": value, "window": entry.get("window")})
        if entry.get("aggregation") == "first_time":
            text = template.replace("{value}", v).replace("{window}", "")
            return text if value > 0 else "Not yet: " + text[:1].lower() + text[1:]
        return template.replace("{value}", v).replace("{window}", str(entry.get("window", "")))
    if kind == "milestone":
        text = (entry.get("description") or detail.replace("_", " ")).rstrip(".")
        return text if value > 0 else "Not yet: " + text[:1].lower() + text[1:]
    if kind == "fit":
        attribute, _, level = detail.partition("=")
        if attribute == "work_email":
            return "Signed up with a work email" if value > 0 else "No work email"
        if attribute == "employee_count":
            return f"{v} employees"
        label = attribute.replace("_", " ").capitalize()
        return f"{label} is {level}" if value > 0 else f"{label} is not {level}"
    if kind == "recency":
        if detail == "has_activity":
            return "Active in the product" if value > 0 else "No activity yet"
        if detail == "days_since_last_activity":
            return f"Last active {v} days ago"
        return f"First active {v} days ago"
    measure, _, window = detail.rpartition("_")
    window = window.rstrip("d")
    phrases = {
        "event_count": "{v} events in the last {w} days",
        "active_day_count": "Active on {v} of the last {w} days",
        "distinct_feature_count": "Used {v} features in the last {w} days",
        "page_view_count": "{v} page views in the last {w} days",
        "active_seat_count": "{v} active seats in the last {w} days",
        "seat_growth": "Seats grew by {v} in the last {w} days",
    }
    if measure in phrases:
        return phrases[measure].format(v=v, w=window)
    whole = {
        "invites_sent_count": "{v} invitations sent",
        "invites_accepted_count": "{v} invitations accepted",
        "seat_count": "{v} seats",
    }
    if detail in whole:
        return whole[detail].format(v=v)
    return f"{detail.replace('_', ' ')}: {v}"


def factors_in_words(
    row_contributions, raw_values, names: list[str], catalog: dict
) -> tuple[str | None, str | None]:
    """The three largest positive contributions and the largest negative one, in words."""
    order = np.argsort(-np.asarray(row_contributions), kind="stable")
    positive = [
        describe(names[i], raw_values[i], catalog) for i in order if row_contributions[i] > 0
    ][:MAX_POSITIVE_FACTORS]
    most_negative = int(order[-1]) if len(order) else None
    negative = None
    if most_negative is not None and row_contributions[most_negative] < 0:
        negative = describe(names[most_negative], raw_values[most_negative], catalog)
    return ("; ".join(positive) or None, negative)


def band(percentile: float, cuts: list[float]) -> str:
    """cuts descending, e.g. [90, 75, 50]: top_10pct, top_25pct, top_50pct, else bottom_50pct."""
    for cut in cuts:
        if percentile >= cut:
            return f"top_{_number(100 - cut)}pct"
    return f"bottom_{_number(cuts[-1])}pct" if cuts else "all"


def percentiles(probs) -> list[float]:
    """Each score's percentile among the scores (share at or below it, 0-100, ties equal)."""
    probs = np.asarray(probs)
    ordered = np.sort(probs)
    at_or_below = np.searchsorted(ordered, probs, side="right")
    return [round(100.0 * count / len(probs), 1) for count in at_or_below]


def suggested_weights(
    model, matrix, names: list[str], signals: dict[str, dict], seed: int
) -> dict[str, float]:
    """Points for each configured signal from the model: the mean change in log-odds when the
    signal's value goes from 0 to its threshold (others as they are), over training rows, with
    the positive effects shared out over the definition's current total of points."""
    rows = matrix
    if len(rows) > ADVICE_SAMPLE_ROWS:
        rng = np.random.default_rng(seed)
        rows = rows[np.sort(rng.choice(len(rows), ADVICE_SAMPLE_ROWS, replace=False))]
    base = base_estimator(model)
    effects = {}
    for name, signal in signals.items():
        if name not in names:
            effects[name] = 0.0
            continue
        index = names.index(name)
        at_threshold, at_zero = rows.copy(), rows.copy()
        at_threshold[:, index] = transform(np.array([float(signal["threshold"])]))[0]
        at_zero[:, index] = 0.0
        delta = base.decision_function(at_threshold) - base.decision_function(at_zero)
        effects[name] = max(0.0, float(np.mean(delta)))
    total_effect = sum(effects.values())
    total_points = sum(float(s["weight"]) for s in signals.values())
    if total_effect == 0:
        return {name: 0.0 for name in signals}
    return {name: round(total_points * e / total_effect) for name, e in effects.items()}


# --- 6. one definition -------------------------------------------------------------------------


def fit_definition(
    definition_id: str,
    points: list[dict],
    features: Features,
    catalog: dict,
    signals: dict[str, dict],
    settings: Settings,
) -> tuple[list[dict], dict | None]:
    """One definition's fit: its validation, decile and feature records, and the fitted state
    that scores (None when refused). points: dicts with entity, entity_id, as_of_date,
    point_kind (panel | current), rule_is_qualified, rule_score, is_converted,
    is_outcome_complete; features: their feature values."""
    points = sorted(points, key=lambda p: (p["point_kind"], p["as_of_date"], p["entity_id"]))
    labelled = [p for p in points if p["point_kind"] == "panel" and p["is_outcome_complete"]]
    training_dates, validation_dates = split_weeks(
        [p["as_of_date"] for p in labelled], settings.validation_share, settings.window_days
    )
    train = [p for p in labelled if p["as_of_date"] in set(training_dates)]
    held_out = [p for p in labelled if p["as_of_date"] in set(validation_dates)]
    y_train = np.array([1.0 if p["is_converted"] else 0.0 for p in train])
    y_held = np.array([1.0 if p["is_converted"] else 0.0 for p in held_out])
    report = {
        "record_type": "validation",
        "definition_id": definition_id,
        "model_kind": settings.model_kind,
        "train_from": training_dates[0] if training_dates else None,
        "train_to": training_dates[-1] if training_dates else None,
        "validation_from": validation_dates[0] if validation_dates else None,
        "validation_to": validation_dates[-1] if validation_dates else None,
        "train_rows": len(train),
        "train_positives": int(y_train.sum()),
        "validation_rows": len(held_out),
        "validation_positives": int(y_held.sum()),
    }
    problem = refusal(
        "training",
        training_dates,
        int(y_train.sum()),
        len(train) - int(y_train.sum()),
        settings.min_examples,
    ) or refusal(
        "validation",
        validation_dates,
        int(y_held.sum()),
        len(held_out) - int(y_held.sum()),
        settings.min_examples,
    )
    if problem:
        return [{**report, "status": "refused", "message": problem}], None

    key = lambda p: (p["entity_id"], p["as_of_date"])  # noqa: E731
    names = sorted(set(signals) | features.names_present([key(p) for p in labelled]))
    x_train = transform(features.matrix_for([key(p) for p in train], names))
    aucs = single_feature_aucs(x_train, y_train)
    leaks = leakage_flags(aucs, settings.leakage_auc)
    used = [i for i, leak in enumerate(leaks) if not leak]
    used_names = [names[i] for i in used]
    x_held = transform(features.matrix_for([key(p) for p in held_out], used_names))

    validated = fit(settings, x_train[:, used], y_train)
    held_probs = probabilities(validated, x_held)
    rule_train = np.array([bool(p["rule_is_qualified"]) for p in train])
    rate_if = float(y_train[rule_train].mean()) if rule_train.any() else 0.0
    rate_else = float(y_train[~rule_train].mean()) if (~rule_train).any() else 0.0
    metrics = compare(
        held_probs,
        y_held,
        [bool(p["rule_is_qualified"]) for p in held_out],
        [float(p["rule_score"] or 0) for p in held_out],
        rate_if,
        rate_else,
    )
    leak_names = [names[i] for i, leak in enumerate(leaks) if leak]
    message = f"trained on {len(train)} rows, validated on {len(held_out)} later rows" + (
        f"; left out as likely leakage: {', '.join(leak_names)}" if leak_names else ""
    )
    records = [
        {
            **report,
            **metrics,
            "status": "trained",
            "message": message,
            "feature_count": len(used),
            "leakage_features": ", ".join(leak_names) or None,
        }
    ]
    records += [
        {"record_type": "decile", "definition_id": definition_id, **row}
        for row in calibration_by_decile(held_probs, y_held)
    ]

    # The scores come from the same recipe refitted on every labelled week.
    everything = train + held_out
    x_all = transform(features.matrix_for([key(p) for p in everything], used_names))
    y_all = np.concatenate([y_train, y_held])
    final = fit(settings, x_all, y_all)
    effects = feature_effects(final, x_all)
    advice = suggested_weights(final, x_all, used_names, signals, settings.seed)
    for i, name in enumerate(names):
        records.append(
            {
                "record_type": "feature",
                "definition_id": definition_id,
                "feature_name": name,
                "feature_label": describe(name, 1.0, catalog) if name in catalog else name,
                "effect": effects[used.index(i)] if i in used else None,
                "single_feature_auc": aucs[i],
                "is_leakage_suspect": leaks[i],
                "is_used": i in used,
                "current_weight": signals[name]["weight"] if name in signals else None,
                "suggested_weight": advice.get(name) if name in signals else None,
            }
        )
    state = {"model": final, "names": used_names, "baseline": x_all.mean(axis=0)}
    return records, state


def score_definition(
    definition_id: str,
    state: dict,
    current: list[dict],
    features: Features,
    catalog: dict,
    settings: Settings,
) -> list[dict]:
    """The score records of the entities the rules can still qualify (current points), from a
    fitted state (fit_definition's, or one kept from an earlier run)."""
    if not current:
        return []
    current = sorted(current, key=lambda p: (p["as_of_date"], p["entity_id"]))
    used_names = state["names"]
    key = lambda p: (p["entity_id"], p["as_of_date"])  # noqa: E731
    raw_current = features.matrix_for([key(p) for p in current], used_names)
    x_current = transform(raw_current)
    current_probs = probabilities(state["model"], x_current)
    contributed = contributions(state["model"], x_current, state["baseline"])
    ranks = percentiles(current_probs)
    records = []
    for row, p in enumerate(current):
        positive, negative = factors_in_words(
            contributed[row], raw_current[row], used_names, catalog
        )
        records.append(
            {
                "record_type": "score",
                "definition_id": definition_id,
                "entity": p["entity"],
                "entity_id": p["entity_id"],
                "as_of_date": p["as_of_date"],
                "probability": round(float(current_probs[row]), 6),
                "percentile": ranks[row],
                "band": band(ranks[row], settings.band_percentiles),
                "top_positive_factors": positive,
                "top_negative_factor": negative,
            }
        )
    return records


def fit_and_score(*inputs) -> tuple[list[dict], object | None]:
    """One definition fitted (the inputs of fit_definition): its fit's records, then today's
    scores from that fit; and the fitted state (None when refused)."""
    definition_id, points, features, catalog, _, settings = inputs
    records, state = fit_definition(*inputs)
    if state is None:
        return records, None
    current = [p for p in points if p["point_kind"] == "current"]
    scores = score_definition(definition_id, state, current, features, catalog, settings)
    return records + scores, state


def evaluate_definition(*inputs) -> list[dict]:
    """Every record for one definition: its fit, then today's scores from that fit."""
    return fit_and_score(*inputs)[0]


# --- 7. the refit cadence ---------------------------------------------------------------------

# Bumped when the kept state's layout changes: a kept fit of another layout is refitted.
MODEL_STATE_VERSION = 1
FIT_RECORD_TYPES = ("validation", "decile", "feature")


def definition_fingerprint(
    settings: Settings, definition_rows: list[dict], milestone_rows: list[dict], extra: dict
) -> str:
    """A hash of everything one definition's fit depends on besides the data: the training
    settings, the definition's configuration rows, the milestones, the feature vars (extra) and
    the library versions (a kept model is only read back by the versions that wrote it)."""
    import hashlib

    import sklearn

    def ordered(rows):
        return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)

    parts = {
        "settings": settings.fingerprint_parts(),
        "definition": ordered(definition_rows),
        "milestones": ordered(milestone_rows),
        "extra": extra,
        "versions": [MODEL_STATE_VERSION, sklearn.__version__, np.__version__],
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def refit_reason(
    previous_model: dict | None, fingerprint: str, as_of: date | None, refit_days: int
) -> str | None:
    """Why a definition is refitted this run, or None to keep its last fit: no fit yet, the
    configuration changed, the data went back before the fit, or the fit is refit_days or more
    days of data old (the data's as-of date against the fit's)."""
    if previous_model is None:
        return "no earlier fit"
    if previous_model.get("fit_fingerprint") != fingerprint:
        return "the configuration changed since the last fit"
    fitted = previous_model.get("fitted_as_of_date")
    if fitted is None or as_of is None:
        return "the last fit has no data as-of date"
    if as_of < fitted:
        return f"the data's as-of date {as_of} is before the last fit's ({fitted})"
    age = (as_of - fitted).days
    if age >= refit_days:
        return (
            f"the fit of {fitted} is {age} days old "
            f"(var pql_learned_score_refit_days: {refit_days})"
        )
    return None


def dump_state(state: dict) -> str:
    """A fitted state as text for the model record (pickled, compressed, base64)."""
    import base64
    import pickle
    import zlib

    return base64.b64encode(zlib.compress(pickle.dumps(state))).decode("ascii")


def load_state(text: str) -> dict:
    """A fitted state from its model record (written by dump_state in an earlier run of this
    model, with the same library versions: the fingerprint says so)."""
    import base64
    import pickle
    import zlib

    return pickle.loads(zlib.decompress(base64.b64decode(text)))  # noqa: S301


def _catalogs(config_rows, milestone_rows):
    catalog = {
        f"milestone:{row['milestone_id']}": {"description": row["description"]}
        for row in milestone_rows
    }
    signals: dict[str, dict[str, dict]] = {}
    definition_catalogs: dict[str, dict] = {}
    for row in config_rows:
        name = f"signal:{row['signal_id']}"
        signals.setdefault(row["definition_id"], {})[name] = {
            "threshold": row["threshold"],
            "weight": float(row["weight"]),
        }
        definition_catalogs.setdefault(row["definition_id"], dict(catalog))[name] = {
            "template": row["reason_template"],
            "window": row["window_days"],
            "aggregation": row["aggregation"],
        }
    return catalog, signals, definition_catalogs


def learned_score_records(
    definition_ids,
    load,
    config_rows,
    milestone_rows,
    settings,
    *,
    previous: list[dict] | None = None,
    load_current=None,
    as_of: date | None = None,
    extra: dict | None = None,
) -> list[dict]:
    """Every record for every definition. load(definition_id) -> (points, Features): one
    definition's inputs at a time, so memory holds one definition's matrix, not all of them.

    previous: the records of the last run (none: every definition is fitted); a definition whose
    refit is not due (refit_reason) keeps its fit records and model, and only its current points
    are loaded (load_current(definition_id) -> (current points, Features on as_of)) and scored.
    as_of: the data's as-of date of this run."""
    catalog, signals, definition_catalogs = _catalogs(config_rows, milestone_rows)
    previous_by_definition: dict[str, list[dict]] = {}
    for record in previous or []:
        previous_by_definition.setdefault(record["definition_id"], []).append(record)
    configured = sorted(set(signals) | set(definition_ids))
    records = []
    for definition_id in configured:
        definition_catalog = definition_catalogs.get(definition_id, dict(catalog))
        fingerprint = definition_fingerprint(
            settings,
            [row for row in config_rows if row["definition_id"] == definition_id],
            milestone_rows,
            extra or {},
        )
        prior = previous_by_definition.get(definition_id, [])
        prior_model = next((r for r in prior if r["record_type"] == "model"), None)
        reason = refit_reason(prior_model, fingerprint, as_of, settings.refit_days)
        if reason is None:
            kept = [r for r in prior if r["record_type"] in FIT_RECORD_TYPES]
            due = prior_model["fitted_as_of_date"].toordinal() + settings.refit_days
            records += kept
            records.append(
                {
                    **prior_model,
                    "message": (
                        f"kept the fit of {prior_model['fitted_as_of_date']} "
                        f"(refit due with data as of {date.fromordinal(due)})"
                    ),
                }
            )
            if prior_model.get("model_state"):
                current, features = load_current(definition_id)
                records += score_definition(
                    definition_id,
                    load_state(prior_model["model_state"]),
                    current,
                    features,
                    definition_catalog,
                    settings,
                )
            continue
        points, features = load(definition_id)
        fitted, state = fit_and_score(
            definition_id,
            points,
            features,
            definition_catalog,
            signals.get(definition_id, {}),
            settings,
        )
        records += fitted
        records.append(
            {
                "record_type": "model",
                "definition_id": definition_id,
                "status": "trained" if state is not None else "refused",
                "message": f"refitted: {reason}",
                "model_kind": settings.model_kind,
                "fit_fingerprint": fingerprint,
                "fitted_as_of_date": as_of,
                "model_state": dump_state(state) if state is not None else None,
            }
        )
    for definition_id in sorted(set(previous_by_definition) - set(configured)):
        # delete+insert by definition_id: this one record replaces the rows of a definition
        # no longer configured.
        records.append(
            {
                "record_type": "model",
                "definition_id": definition_id,
                "status": "removed",
                "message": "the definition is no longer configured",
            }
        )
    return records


# --- 8. dbt ------------------------------------------------------------------------------------


def _rows(relation) -> list[dict]:
    if hasattr(relation, "fetchall") and hasattr(relation, "columns"):  # DuckDB
        columns = relation.columns
        return [dict(zip(columns, values, strict=True)) for values in relation.fetchall()]
    if hasattr(relation, "collect"):  # Snowpark / PySpark
        return [row.asDict() for row in relation.collect()]
    raise NotImplementedError(f"reading rows from {type(relation).__name__} is not implemented")


def _text_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _where(relation, column: str, value):
    """The relation's rows whose column equals a text or date value."""
    if hasattr(relation, "project"):  # DuckDB
        literal = f"date '{value.isoformat()}'" if isinstance(value, date) else _text_literal(value)
        return relation.filter(f"{column} = {literal}")
    return relation.filter(relation[column] == value)


def _of_definition(relation, definition_id: str):
    """The relation's rows of one definition."""
    return _where(relation, "definition_id", definition_id)


def _definition_ids(relation) -> list[str]:
    rows = _rows(relation.select("definition_id").distinct())
    return sorted(row["definition_id"] for row in rows)


def _features(relation) -> Features:
    """One definition's long feature rows (entity_id, as_of_date, feature_name, feature_value)
    pivoted to a matrix inside the engine: a DuckDB aggregate read through Arrow."""
    if not hasattr(relation, "project"):  # Snowpark / PySpark: collected rows
        values: dict[tuple, dict[str, float]] = {}
        for row in _rows(relation):
            key = (row["entity_id"], row["as_of_date"])
            values.setdefault(key, {})[row["feature_name"]] = row["feature_value"]
        return Features.from_mapping(values)
    names = sorted(row[0] for row in relation.project("feature_name").distinct().fetchall())
    pivoted = ", ".join(
        f"max(case when feature_name = {_text_literal(name)} then feature_value end) as f{i}"
        for i, name in enumerate(names)
    )
    table = relation.aggregate(
        "entity_id, as_of_date" + (", " + pivoted if names else ""), "entity_id, as_of_date"
    ).fetch_arrow_table()
    entity_ids = table.column("entity_id").to_pylist()
    keys = list(zip(entity_ids, table.column("as_of_date").to_pylist(), strict=True))
    matrix = np.empty((len(keys), len(names)))
    for i in range(len(names)):
        column = table.column(f"f{i}").cast("double")
        matrix[:, i] = column.to_numpy(zero_copy_only=False)
    return Features(keys, names, matrix)


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _as_list(value) -> list:
    """A list var as dbt hands it over: the list itself, or its text."""
    return json.loads(value) if isinstance(value, str) else list(value)


def to_table(records: list[dict]):
    """The records as an Arrow table with explicit types (so an empty record type still has
    typed columns)."""
    import pyarrow as pa

    types = {
        "text": pa.string(),
        "whole": pa.int64(),
        "number": pa.float64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
    }
    schema = pa.schema([(column, types[kind]) for column, kind in RECORD_COLUMNS.items()])
    rows = [{column: _clean(record.get(column)) for column in RECORD_COLUMNS} for record in records]
    return pa.Table.from_pylist(rows, schema=schema)


def _data_as_of(points) -> date | None:
    """The data's as-of date: that of the current points (the latest of any point if none)."""
    for relation in (_where(points, "point_kind", "current"), points):
        dates = [row["as_of_date"] for row in _rows(relation.select("as_of_date").distinct())]
        if dates:
            return max(dates)
    return None


def model(dbt, session):
    # Incremental on a refit cadence: every run returns every record of every definition (kept
    # or refitted), replacing the last run's by definition_id.
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="definition_id",
        on_schema_change="sync_all_columns",
    )
    # The settings are in the model's YAML config under meta (custom keys outside meta are
    # deprecated); dbt passes a meta value to a Python model only for literal meta_get calls.
    settings = Settings(
        model_kind=dbt.config.meta_get("model_kind"),
        calibration=dbt.config.meta_get("calibration"),
        min_examples=int(dbt.config.meta_get("min_examples")),
        leakage_auc=float(dbt.config.meta_get("leakage_auc")),
        validation_share=float(dbt.config.meta_get("validation_share")),
        window_days=int(dbt.config.meta_get("window_days")),
        seed=int(dbt.config.meta_get("seed")),
        regularisation_c=float(dbt.config.meta_get("regularisation_c")),
        band_percentiles=_as_list(dbt.config.meta_get("band_percentiles")),
        refit_days=int(dbt.config.meta_get("refit_days")),
    )
    extra = {"usage_windows": _as_list(dbt.config.meta_get("usage_windows"))}
    points = dbt.ref("int_learned_score_points")
    features = dbt.ref("int_learned_score_features")
    as_of = _data_as_of(points)

    def load(definition_id: str):
        return (
            _rows(_of_definition(points, definition_id)),
            _features(
                _of_definition(features, definition_id).select(
                    "entity_id", "as_of_date", "feature_name", "feature_value"
                )
            ),
        )

    def load_current(definition_id: str):
        """Only what scoring today needs: the current points and their features."""
        return (
            _rows(_where(_of_definition(points, definition_id), "point_kind", "current")),
            _features(
                _where(_of_definition(features, definition_id), "as_of_date", as_of).select(
                    "entity_id", "as_of_date", "feature_name", "feature_value"
                )
            ),
        )

    previous = []
    if dbt.is_incremental:
        types = "', '".join(("model", *FIT_RECORD_TYPES))
        previous = _rows(session.sql(f"select * from {dbt.this} where record_type in ('{types}')"))
    records = learned_score_records(
        _definition_ids(points),
        load,
        _rows(dbt.ref("int_pql_config_validated")),
        _rows(dbt.ref("activation_milestones")),
        settings,
        previous=previous,
        load_current=load_current,
        as_of=as_of,
        extra=extra,
    )
    table = to_table(records)
    if hasattr(session, "create_dataframe"):  # Snowpark / PySpark
        return session.create_dataframe(table.to_pylist())
    return table
