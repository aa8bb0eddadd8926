"""CIFAR10 read from a local ``cifar-10-batches-py`` folder (torchvision's format), never downloaded."""
from __future__ import annotations

import os
import pickle
from typing import Any

import numpy as np
import torch


class CIFAR10(torch.utils.data.Dataset):  # type: ignore[type-arg]
    """``CIFAR10(root, train=True, download=False, transform=None)``; ``root`` holds cifar-10-batches-py/."""

    def __init__(self, root: str, train: bool = True, transform: Any = None, target_transform: Any = None,
                 download: bool = False) -> None:
        folder = os.path.join(root, "cifar-10-batches-py")
        names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
        data, labels = [], []
        for name in names:
            with open(os.path.join(folder, name), "rb") as fh:
                batch = pickle.load(fh, encoding="latin1")
            data.append(batch["data"])
            labels.extend(batch["labels"])
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        self.targets = labels
        self.transform, self.target_transform = transform, target_transform
        with open(os.path.join(folder, "batches.meta"), "rb") as fh:
            self.classes = pickle.load(fh, encoding="latin1")["label_names"]

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        from PIL import Image
        img: Any = Image.fromarray(self.data[index])
        if self.transform is not None:
            img = self.transform(img)
        target: Any = self.targets[index]
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target
