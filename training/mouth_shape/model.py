"""MouthNet: two grey mouth crops in, the change of (lip gap, mouth width, jawOpen) out, in units of
crops.SCALES. About 45 k weights: well under a millisecond a crop on one core."""

from __future__ import annotations

import torch
from torch import nn


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())


class MouthNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(_block(2, 16), nn.MaxPool2d(2), _block(16, 32), nn.MaxPool2d(2),
                                      _block(32, 48), nn.MaxPool2d(2), _block(48, 64), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten(), nn.Linear(64, 3))

    def forward(self, pairs: torch.Tensor) -> torch.Tensor:
        """pairs: (n, 2, H, W) in 0..1."""
        return self.features(pairs - pairs.mean(dim=(2, 3), keepdim=True))  # the lighting's level drops out
