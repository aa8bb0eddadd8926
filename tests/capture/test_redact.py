"""The secret rule: which names are secret and how values, URLs and text are masked."""
from __future__ import annotations

import pytest

from jupyter_ext.core.rules.redact import (
    REDACTED,
    is_secret_name,
    redact_argv,
    redact_mapping,
    redact_text,
    redact_url,
    redact_value,
)


@pytest.mark.parametrize(
    "name",
    [
        "AWS_SECRET_ACCESS_KEY", "api_key", "apiKey", "x-api-key", "GITHUB_TOKEN", "HF_TOKEN",
        "DB_PASSWORD", "MYSQL_PWD", "db_passwd", "GOOGLE_APPLICATION_CREDENTIALS", "Authorization",
        "OAUTH_TOKEN", "sessionId", "PRIVATE_KEY", "cookie", "accesstoken", "SMTP_PASS",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "KEYBOARD_LAYOUT", "TOKENIZERS_PARALLELISM", "AUTHOR", "PATH", "HOME", "PWD", "OLDPWD",
        "CUDA_VISIBLE_DEVICES", "MONKEY_PATCH", "learning_rate", "",
    ],
)
def test_harmless_names(name: str) -> None:
    assert not is_secret_name(name)


def test_redact_value_is_fixed_marker() -> None:
    assert redact_value("hunter2") == REDACTED == redact_value("a much longer secret value")


def test_redact_mapping_masks_secret_names_and_url_passwords() -> None:
    out = redact_mapping(
        {"GITHUB_TOKEN": "ghp_x", "LANG": "C.UTF-8", "DATABASE_URL": "postgres://me:pw@db:5432/x"}
    )
    assert out == {"GITHUB_TOKEN": REDACTED, "LANG": "C.UTF-8", "DATABASE_URL": "postgres://db:5432/x"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pass@github.com/x.git", "https://github.com/x.git"),
        ("https://ghp_abc123@github.com/o/r.git", "https://github.com/o/r.git"),
        ("https://github.com/x.git?token=abc&ref=main", f"https://github.com/x.git?token={REDACTED}&ref=main"),
        ("https://h/cb#access_token=abc&state=1", f"https://h/cb#access_token={REDACTED}&state=1"),
        ("ssh://git:pw@host/r.git", "ssh://git@host/r.git"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("https://github.com/org/repo.git", "https://github.com/org/repo.git"),
        ("/srv/git/repo.git", "/srv/git/repo.git"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_redact_text_masks_assignments_and_urls() -> None:
    text = (
        'export GITHUB_TOKEN=ghp_abc FOO=bar\n{"api_key": "xyz", "name": "n"}\n'
        "password: hunter2\nclone https://u:p@host/r.git now\n"
    )
    out = redact_text(text)
    for secret in ("ghp_abc", "xyz", "hunter2", "u:p@"):
        assert secret not in out
    assert "FOO=bar" in out
    assert '"name": "n"' in out
    assert f'"api_key": "{REDACTED}"' in out
    assert "https://host/r.git now" in out


def test_redact_text_leaves_plain_text_alone() -> None:
    text = "epoch 3: loss=0.25, tokenizer=bpe, keyboard: us"
    assert redact_text(text) == text


def test_redact_argv_masks_flag_values() -> None:
    argv = ["train.py", "--token", "abc", "--lr", "0.1", "--api-key=zz", "--password", "--verbose"]
    assert redact_argv(argv) == [
        "train.py", "--token", REDACTED, "--lr", "0.1", f"--api-key={REDACTED}", "--password", "--verbose",
    ]
