"""The transforms ClearML's examples call: Compose, ToTensor, Normalize, ToPILImage, Resize."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch


class Compose:
    """Apply each transform in turn."""

    def __init__(self, transforms: list[Any]) -> None:
        self.transforms = transforms

    def __call__(self, x: Any) -> Any:
        for t in self.transforms:
            x = t(x)
        return x


class ToTensor:
    """A PIL image or an HxW(xC) uint8 array → a CxHxW float tensor in [0, 1]."""

    def __call__(self, pic: Any) -> torch.Tensor:
        arr = np.asarray(pic, dtype=np.float32) / 255.0
        arr = arr[None, :, :] if arr.ndim == 2 else arr.transpose(2, 0, 1)
        return torch.from_numpy(np.ascontiguousarray(arr))


class Normalize:
    """(x - mean) / std per channel."""

    def __init__(self, mean: Any, std: Any) -> None:
        self.mean = torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(-1, 1, 1)

    def __call__(self, t: torch.Tensor) -> torch.Tensor:
        return (t - self.mean) / self.std


class ToPILImage:
    """A CxHxW float tensor in [0, 1] → a PIL image."""

    def __call__(self, t: torch.Tensor) -> Any:
        from PIL import Image
        arr = (t.detach().numpy() * 255).clip(0, 255).astype(np.uint8)
        return Image.fromarray(arr[0] if arr.shape[0] == 1 else arr.transpose(1, 2, 0))


class Resize:
    """Resize a PIL image."""

    def __init__(self, size: Any) -> None:
        self.size = (size, size) if isinstance(size, int) else tuple(size)

    def __call__(self, img: Any) -> Any:
        return img.resize(self.size)
