"""MNIST with torchvision's signature; images are made from their index (a digit-dependent stripe)."""
from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch

# torchvision's MNIST has 60,000/10,000 images; an example that splits 55,000/5,000 needs the full count,
# the others run as well on fewer (EXAMPLE_MNIST_TRAIN / EXAMPLE_MNIST_TEST).
_TRAIN = int(os.environ.get("EXAMPLE_MNIST_TRAIN", "60000"))
_TEST = int(os.environ.get("EXAMPLE_MNIST_TEST", "10000"))


class MNIST(torch.utils.data.Dataset):  # type: ignore[type-arg]
    """``MNIST(root, train=True, download=False, transform=None, target_transform=None)``; nothing is read."""

    classes = [f"{d} - digit" for d in range(10)]

    def __init__(self, root: str = "", train: bool = True, transform: Any = None, target_transform: Any = None,
                 download: bool = False) -> None:
        self.root, self.train = root, train
        self.transform, self.target_transform = transform, target_transform
        self._n = _TRAIN if train else _TEST

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        from PIL import Image
        label = index % 10
        img = np.zeros((28, 28), dtype=np.uint8)
        img[:, 2 * label:2 * label + 6] = 200 + (index % 50)
        pic: Any = Image.fromarray(img, mode="L")
        if self.transform is not None:
            pic = self.transform(pic)
        target: Any = label
        if self.target_transform is not None:
            target = self.target_transform(target)
        return pic, target
