"""A throwaway PKI for the TLS tests, made with the openssl command: a CA and
certificates it signs (PEM keys are PKCS#8, unencrypted, as Kafka's PEM keystore wants)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def openssl(root: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=root, check=True, capture_output=True)


def make_ca(root: Path) -> Path:
    """``root/ca.pem`` (and its key ``ca.key``): a CA valid for two days."""
    openssl(root, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=newsline test CA")  # fmt: skip
    return root / "ca.pem"


def issue(root: Path, name: str, subject: str, san: str | None = None) -> tuple[Path, Path]:
    """``root/<name>.key`` and ``root/<name>.pem`` signed by ``make_ca``'s CA; ``san``
    is a subjectAltName value such as ``IP:127.0.0.1,DNS:localhost``."""
    openssl(root, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
            "-out", f"{name}.csr", "-subj", subject)  # fmt: skip
    extra: list[str] = []
    if san:
        (root / f"{name}.ext").write_text(f"subjectAltName={san}\n")
        extra = ["-extfile", f"{name}.ext"]
    openssl(root, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", *extra)  # fmt: skip
    return root / f"{name}.key", root / f"{name}.pem"
