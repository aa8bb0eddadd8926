"""A local stand-in for the parts of torchvision ClearML's examples use (torchvision is not installed here).

``datasets.MNIST`` and ``datasets.CIFAR10`` never download: MNIST is synthetic (each image made from
its index, so nothing is held in memory), CIFAR10 reads the python batches of a local
``cifar-10-batches-py`` folder. ``transforms`` has the few transforms the examples call.
"""
from example_torchvision import datasets, transforms

__all__ = ["datasets", "transforms"]
