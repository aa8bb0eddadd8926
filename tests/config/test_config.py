"""Settings: track.toml, JUPYTER_TRACK_* and CLEARML_* variables, clearml.conf, certificates."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from jupyter_ext import clearml_conf
from jupyter_ext.config import Config, load
from jupyter_ext.errors import InvalidArgument

GUIDE_BLOCK = """
api {
  verify_certificate = False
  web_server: https://domain.name.clearML/
  api_server: https://domain.name.clearML:8008
  credentials {
    "access_key" = "user_access_key"
    "secret_key" = "user_secret_key"
  }
}
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"JUPYTER_TRACK_HOME": str(tmp_path / "home"), "JUPYTER_TRACK_CONFIG_FILE": str(tmp_path / "track.toml"),
            "CLEARML_CONFIG_FILE": str(tmp_path / "clearml.conf"), **extra}


def test_the_guides_clearml_conf_is_read(tmp_path: Path) -> None:
    (tmp_path / "clearml.conf").write_text(GUIDE_BLOCK + '\nsdk { development { default_output_uri: "s3://b/x" } }\n')
    cfg = load(_env(tmp_path))
    assert cfg.api_host == "https://domain.name.clearML:8008" and cfg.web_host == "https://domain.name.clearML/"
    assert (cfg.access_key, cfg.secret_key) == ("user_access_key", "user_secret_key")
    assert cfg.verify_certificate is False and cfg.requests_verify() is False
    assert cfg.default_output_uri == "s3://b/x" and cfg.remote


def test_precedence_environment_then_clearml_variables_then_file_then_clearml_conf(tmp_path: Path) -> None:
    (tmp_path / "clearml.conf").write_text(GUIDE_BLOCK)
    (tmp_path / "track.toml").write_text('api_host = "https://from-toml:8008"\nflush_period = 2.5\n')
    cfg = load(_env(tmp_path))
    assert cfg.api_host == "https://from-toml:8008" and cfg.access_key == "user_access_key"
    assert cfg.flush_period == 2.5
    cfg = load(_env(tmp_path, CLEARML_API_HOST="https://from-clearml-env"))
    assert cfg.api_host == "https://from-clearml-env"
    cfg = load(_env(tmp_path, CLEARML_API_HOST="https://from-clearml-env", JUPYTER_TRACK_API_HOST="https://ours"))
    assert cfg.api_host == "https://ours"
    cfg = load(_env(tmp_path, CLEARML_API_ACCESS_KEY="AK", CLEARML_API_SECRET_KEY="SK", CLEARML_FILES_HOST="https://f"))
    assert (cfg.access_key, cfg.secret_key, cfg.files_host) == ("AK", "SK", "https://f")


def test_no_clearml_conf_means_the_local_store(tmp_path: Path) -> None:
    cfg = load(_env(tmp_path))
    assert not cfg.remote and cfg.store_url.endswith("track.db")


def test_a_broken_clearml_conf_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "clearml.conf").write_text('api {\n  api_server: "unterminated\n}\n')
    with pytest.raises(InvalidArgument, match="clearml.conf.*line 2"):
        load(_env(tmp_path))


def test_the_secret_never_shows_in_repr(tmp_path: Path) -> None:
    cfg = load(_env(tmp_path, JUPYTER_TRACK_SECRET_KEY="s3cr3t-value", JUPYTER_TRACK_ACCESS_KEY="AK"))
    assert "s3cr3t-value" not in repr(cfg) and "s3cr3t-value" not in str(cfg)
    assert "secret_key='***'" in repr(cfg) and "access_key='AK'" in repr(cfg)
    assert "secret_key=''" in repr(load(_env(tmp_path)))


def test_one_certificate_setting_for_requests_and_file_transfers(tmp_path: Path) -> None:
    base = Config(home="h", store_url="s", blob_url="b")
    assert base.requests_verify() is True and base.storage_options("s3://b/k") == {}
    off = dataclasses.replace(base, verify_certificate=False, ca_bundle="/etc/ca.pem")
    assert off.requests_verify() is False
    assert off.storage_options("s3://bucket/key") == {"client_kwargs": {"verify": False}}
    path = dataclasses.replace(base, verify_certificate="~/ca.pem", ca_bundle="/etc/other.pem")
    assert path.requests_verify() == str(Path.home() / "ca.pem")
    bundle = load(_env(tmp_path, REQUESTS_CA_BUNDLE="/etc/corp-ca.pem"))
    assert bundle.ca_bundle == "/etc/corp-ca.pem" and bundle.requests_verify() == "/etc/corp-ca.pem"
    assert bundle.storage_options("s3://b/k") == {"client_kwargs": {"verify": "/etc/corp-ca.pem"}}
    assert bundle.storage_options("/local/folder") == {}
    for text, expected in (("false", False), ("0", False), ("true", True), ("/x/ca.crt", "/x/ca.crt")):
        assert load(_env(tmp_path, JUPYTER_TRACK_VERIFY_CERTIFICATE=text)).verify_certificate == expected


def test_timeouts_and_spool_limit_are_settings(tmp_path: Path) -> None:
    (tmp_path / "track.toml").write_text("connect_timeout = 1.5\nspool_max_mb = 10\n")
    cfg = load(_env(tmp_path))
    assert cfg.connect_timeout == 1.5 and cfg.spool_max_mb == 10.0
    with pytest.raises(InvalidArgument, match="connect_timeout"):
        load(_env(tmp_path, JUPYTER_TRACK_CONNECT_TIMEOUT="soon"))


def test_hocon_forms_people_write() -> None:
    tree = clearml_conf.parse("""
        # a comment
        api.api_server: http://localhost:8008   // a comment after a URL
        api { files_server = "https://files:8081" , web_server: 'x' }
        api { credentials { access_key: AK, secret_key: "S K\\"Q" } }
        sdk.aws.s3 { credentials: [ { host: "minio:9000", verify: false }, { host: other } ] }
        numbers { i = 3, f = 2.5, n = null, t = yes }
        "quoted.key" = 1
        include "other.conf"
        multi = \"\"\"two
        lines\"\"\"
    """)
    assert tree["api"]["api_server"] == "http://localhost:8008"
    assert tree["api"]["files_server"] == "https://files:8081"
    assert tree["api"]["credentials"] == {"access_key": "AK", "secret_key": 'S K"Q'}
    assert tree["sdk"]["aws"]["s3"]["credentials"] == [{"host": "minio:9000", "verify": False}, {"host": "other"}]
    assert tree["numbers"] == {"i": 3, "f": 2.5, "n": None, "t": True}
    assert tree["quoted.key"] == 1 and tree["multi"].startswith("two")
    assert clearml_conf.parse("{ api { api_server: http://h } }") == {"api": {"api_server": "http://h"}}
    for bad in ("api {", "api { x: [1, 2 }", "= 3", "key"):
        with pytest.raises(InvalidArgument):
            clearml_conf.parse(bad)
