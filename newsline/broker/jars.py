"""Apache Kafka's jars, resolved from Maven Central once and cached outside git.

The committed ``pom.xml`` beside this module names the Kafka version; the cache folder
is keyed by that version and a hash of the pom, so editing the pom fetches afresh while
every other start reuses what is there. The copy lands in a temporary folder and is
renamed into place only when Maven succeeded, so an interrupted fetch never leaves a
half-filled cache that later starts would trust.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from newsline.errors import BrokerError

POM = Path(__file__).with_name("pom.xml")


def kafka_version(pom: Path = POM) -> str:
    """The Kafka version the pom asks for (its ``kafka.version`` property)."""
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom.read_text())
    if not match:
        raise BrokerError(f"{pom} has no <kafka.version> property")
    return match.group(1).strip()


def libs_dir(cache: Path, pom: Path = POM) -> Path:
    """Where this pom's jars live in the cache."""
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:10]
    return cache / f"kafka-{kafka_version(pom)}-{digest}" / "libs"


def is_fetched(cache: Path, pom: Path = POM) -> bool:
    libs = libs_dir(cache, pom)
    return libs.is_dir() and any(libs.glob("kafka_2.13-*.jar"))


def fetch(cache: Path, pom: Path = POM) -> Path:
    """Resolve the jars with Maven into the cache unless already there; return the folder."""
    libs = libs_dir(cache, pom)
    if is_fetched(cache, pom):
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError(
            "Maven (mvn) is not installed; it fetches Apache Kafka's jars. "
            "Install it (Debian: apt-get install maven) or set KAFKA_BOOTSTRAP_SERVERS."
        )
    libs.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="libs.", dir=libs.parent))
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(staging.glob("kafka_2.13-*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        detail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise BrokerError(
            "Maven could not fetch Apache Kafka's jars: "
            + (" | ".join(detail) or f"exit {result.returncode}")
        )
    if libs.exists():  # a concurrent fetch won the race; keep its copy
        shutil.rmtree(staging, ignore_errors=True)
    else:
        staging.rename(libs)
    return libs
