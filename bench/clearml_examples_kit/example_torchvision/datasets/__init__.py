"""Synthetic MNIST and local CIFAR10, with torchvision's constructor signatures."""
from example_torchvision.datasets.cifar import CIFAR10
from example_torchvision.datasets.mnist import MNIST

__all__ = ["CIFAR10", "MNIST"]
