"""The training loop: balanced batches of real and self-blended crops, validation on held-back people."""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from interview_guard.forgery.crop import to_model_input
from training.forgery.data import FaceSet
from training.forgery.model import ForgeryNet, freeze_early, load_backbone
from training.forgery.sbi import call_augment, cross_swap, finish, model_crop, sample
from training.forgery.scene import SceneAugment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    minutes: float = 45.0
    max_steps: int = 0  # 0: as many as the minutes allow
    batch: int = 32
    lr: float = 4e-4
    weight_decay: float = 1e-4
    freeze_blocks: int = 2  # stem and the first blocks keep their ImageNet weights
    val_every_s: float = 240.0
    pretrained: bool = True
    # Share of the fakes that are another person's face pasted on (sbi.cross_swap) instead of a self-blend.
    # 0 in the committed weights; above 0 the "cross-person swap" validation is no longer a swap made by
    # other means than training, so read its AUC as such.
    cross_swap_share: float = 0.0
    # Webcam-scene effects on both classes (scene.py): occluders, coloured light, H.264 instead of JPEG.
    scene: SceneAugment = SceneAugment()


@dataclass
class TrainResult:
    model: ForgeryNet
    steps: int
    seconds: float
    best_step: int
    history: list[dict] = field(default_factory=list)  # one row per validation


def auc(neg: np.ndarray, pos: np.ndarray) -> float:
    """Area under the ROC curve: P(score of a positive > score of a negative), ties counting half."""
    neg, pos = np.asarray(neg, float), np.asarray(pos, float)
    if not len(neg) or not len(pos):
        return float("nan")
    allv = np.concatenate([neg, pos])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    ranks[order] = np.arange(1, len(allv) + 1)
    for v in np.unique(allv):  # average ranks of ties
        tie = allv == v
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    return float((ranks[len(neg):].sum() - len(pos) * (len(pos) + 1) / 2) / (len(neg) * len(pos)))


def validation_sets(val: FaceSet, seed: int) -> dict[str, np.ndarray]:
    """Fixed crops of held-back people: real, self-blended, and another person's face pasted on (a swap
    made by other means than the training pseudo-fakes)."""
    rng = np.random.default_rng(seed + 1)
    n = len(val.patches)
    real, sbi, swap = [], [], []
    for i in range(n):
        p, pts = val.patches[i], val.points[i]
        real.append(call_augment(model_crop(p, pts, None), rng))
        sbi.append(sample(p, pts, True, rng))
        j = (i + 1 + int(rng.integers(n - 1))) % n if n > 1 else i
        swapped = cross_swap(p, pts, val.patches[j], val.points[j], rng)
        swap.append(call_augment(model_crop(swapped, pts, None), rng))
    return {k: to_model_input(v) for k, v in (("real", real), ("sbi", sbi), ("swap", swap))}


@torch.no_grad()
def _scores(model: ForgeryNet, x: np.ndarray, batch: int = 64) -> np.ndarray:
    model.eval()
    out = [model(torch.from_numpy(x[i:i + batch]))[0].numpy() for i in range(0, len(x), batch)]
    return np.concatenate(out) if out else np.zeros(0)


def validate(model: ForgeryNet, sets: dict[str, np.ndarray]) -> dict[str, float]:
    s = {k: _scores(model, v) for k, v in sets.items()}
    return {"auc_sbi": auc(s["real"], s["sbi"]), "auc_swap": auc(s["real"], s["swap"])}


def _batch(faces: FaceSet, order: np.ndarray, start: int, size: int, rng: np.random.Generator,
           cross_swap_share: float = 0.0, scene: SceneAugment = SceneAugment()):
    idx = order[np.arange(start, start + size) % len(order)]
    fake = np.arange(size) % 2 == 1
    crops = [_crop(faces, int(i), bool(f), rng, cross_swap_share, scene) for i, f in zip(idx, fake)]
    return torch.from_numpy(to_model_input(crops)), torch.from_numpy(fake.astype(np.float32))


def _crop(faces: FaceSet, i: int, fake: bool, rng: np.random.Generator, cross_swap_share: float,
          scene: SceneAugment = SceneAugment()) -> np.ndarray:
    patch, points = faces.patches[i], faces.points[i]
    if fake and cross_swap_share > 0 and rng.random() < cross_swap_share:
        j = int(rng.integers(len(faces.patches)))
        swapped = cross_swap(patch, points, faces.patches[j], faces.points[j], rng)
        return finish(model_crop(swapped, points, rng), rng, scene)
    return sample(patch, points, fake, rng, scene)


def _lr_factor(progress: float) -> float:
    warm = 0.03
    if progress < warm:
        return progress / warm
    return 0.5 * (1 + math.cos(math.pi * min(1.0, (progress - warm) / (1 - warm)))) * 0.97 + 0.03


def train(train_set: FaceSet, val_set: FaceSet, cfg: TrainConfig,
          on_validation: Callable[[ForgeryNet, int], None] | None = None) -> TrainResult:
    """on_validation(model, step) after each validation: --snapshots exports the model there, so a run can
    be judged on the evaluation media while it goes on."""
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    model = ForgeryNet()
    if cfg.pretrained:
        load_backbone(model)
    freeze_early(model, cfg.freeze_blocks)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    sets = validation_sets(val_set, cfg.seed)
    budget_s = cfg.minutes * 60
    t0 = time.monotonic()
    result = TrainResult(model, 0, 0.0, 0)
    best, best_state, last_val = -1.0, None, t0
    order = rng.permutation(len(train_set.patches))
    step, pos = 0, 0
    while True:
        elapsed = time.monotonic() - t0
        progress = max(elapsed / budget_s, step / cfg.max_steps if cfg.max_steps else 0.0)
        if progress >= 1.0:
            break
        if pos + cfg.batch > len(order):
            order, pos = rng.permutation(len(train_set.patches)), 0
        x, y = _batch(train_set, order, pos, cfg.batch, rng, cfg.cross_swap_share, cfg.scene)
        pos += cfg.batch
        for g in opt.param_groups:
            g["lr"] = cfg.lr * _lr_factor(progress)
        model.train()
        for module in getattr(model, "_frozen", []):
            module.eval()
        logit, _ = model(x)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0:
            logger.info("step %d  %.0f s  loss %.3f  lr %.2e", step, elapsed, loss.item(), opt.param_groups[0]["lr"])
        if time.monotonic() - last_val >= cfg.val_every_s:
            best, best_state = _checkpoint(model, sets, step, elapsed, result, best, best_state)
            if on_validation is not None:
                on_validation(model, step)
            last_val = time.monotonic()
    best, best_state = _checkpoint(model, sets, step, time.monotonic() - t0, result, best, best_state)
    model.load_state_dict(best_state)
    result.steps, result.seconds = step, time.monotonic() - t0
    return result


def _checkpoint(model, sets, step, elapsed, result, best, best_state):
    row = {"step": step, "seconds": round(elapsed), **validate(model, sets)}
    result.history.append(row)
    logger.info("validation %s", row)
    score = np.nanmean([row["auc_sbi"], row["auc_swap"]])
    if score > best or best_state is None:
        result.best_step = step
        return float(score), copy.deepcopy(model.state_dict())
    return best, best_state
