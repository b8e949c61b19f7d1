"""Training and the held-out measure. Deterministic for a seed (torch and numpy both seeded)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from training.mouth_shape.collect import CropPairs
from training.mouth_shape.crops import SCALES
from training.mouth_shape.model import MouthNet

logger = logging.getLogger("training.mouth_shape")
CLOSED_GAP = 0.05  # lipsync.events: the lips touch under this lip gap


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 3000
    batch: int = 128
    lr: float = 3e-3
    seed: int = 0


def _stack(sets: list[CropPairs]) -> tuple[np.ndarray, np.ndarray]:
    return (np.concatenate([s.pairs for s in sets]).astype(np.float32) / 255.0,
            np.concatenate([s.targets for s in sets]) / SCALES)


def train(sets: list[CropPairs], config: TrainConfig) -> MouthNet:
    """Smooth-L1 on the scaled targets; brightness, contrast, mirror and shift augmentation (a crop placed by
    landmarks a few frames old is off by a pixel or two)."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    x_all, y_all = (torch.from_numpy(a) for a in _stack(sets))
    if not len(x_all):
        raise ValueError("no crop pairs to train on: the clips held no face the landmarker found")
    net = MouthNet()
    opt = torch.optim.AdamW(net.parameters(), config.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, config.lr, total_steps=config.steps)
    net.train()
    for step in range(config.steps):
        idx = torch.from_numpy(rng.integers(0, len(x_all), config.batch))
        x = x_all[idx] * torch.from_numpy(rng.uniform(0.7, 1.3, (config.batch, 1, 1, 1)).astype(np.float32))
        if step % 2:
            x = torch.flip(x, dims=[3])  # a mouth mirrored has the same gap, width and jaw
        x = torch.roll(x, shifts=(int(rng.integers(-2, 3)), int(rng.integers(-2, 3))), dims=(2, 3))
        loss = nn.functional.smooth_l1_loss(net(x), y_all[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 500 == 0 or step == config.steps - 1:
            logger.info("step %d/%d loss %.4f", step + 1, config.steps, loss.item())
    return net.eval()


@dataclass(frozen=True)
class HeldOut:
    """Lip-gap error at the frames read (median, 90th percentile) and how often closed/open agrees with the
    landmarker, for the model and for holding the earlier frame's value (what a stale landmark gives)."""

    pairs: int
    model_median: float
    model_p90: float
    model_closed_agree: float
    hold_median: float
    hold_p90: float
    hold_closed_agree: float


def held_out(net: MouthNet, sets: list[CropPairs]) -> HeldOut:
    x, y = _stack(sets)
    with torch.no_grad():
        change = np.concatenate([net(torch.from_numpy(x[i:i + 512])).numpy() for i in range(0, len(x), 512)])
    earlier = np.concatenate([s.earlier for s in sets])
    truth = earlier[:, 0] + y[:, 0] * SCALES[0]
    model = earlier[:, 0] + change[:, 0] * SCALES[0]
    hold = earlier[:, 0]
    err_m, err_h = np.abs(model - truth), np.abs(hold - truth)
    closed = truth < CLOSED_GAP
    return HeldOut(len(truth), float(np.median(err_m)), float(np.percentile(err_m, 90)),
                   float(np.mean((model < CLOSED_GAP) == closed)), float(np.median(err_h)),
                   float(np.percentile(err_h, 90)), float(np.mean((hold < CLOSED_GAP) == closed)))
