"""Hydra: the composed config is the configuration object OmegaConf, overrides are under Hydra/."""
from dataclasses import dataclass, field

import hydra
from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf

from jupyter_ext import Task


@dataclass
class Data:
    path: str = "data.csv"
    batch: int = 32


@dataclass
class Config:
    data: Data = field(default_factory=Data)
    lr: float = 0.1


ConfigStore.instance().store(name="config", node=Config)


@hydra.main(config_path=None, config_name="config", version_base=None)
def main(cfg):
    Task.init(project_name="Corpus", task_name="hydra")
    print("LR=" + str(cfg.lr), OmegaConf.to_yaml(cfg))


if __name__ == "__main__":
    main()
