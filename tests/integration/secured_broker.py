"""A real Kafka broker that demands SASL (SCRAM-SHA-512 and PLAIN), over TLS and not.

newsline's own local broker is PLAINTEXT by design; the security settings are for
external clusters, so the tests start one such cluster here: the same jars, KRaft,
one node, with a SASL_SSL listener (certificate signed by a test CA, valid for
127.0.0.1), a SASL_PLAINTEXT listener, and a PLAINTEXT listener kept for the broker's
own traffic only. The SCRAM user is created when the storage is formatted.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from pki_support import issue, make_ca

from newsline.broker import jars
from newsline.broker.admin import wait_until_ready

USER = "newsline"
PASSWORD = "s3cr3t-canary"

_SERVER = """\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller}
listeners=INTERNAL://127.0.0.1:{internal},SASL_SSL://127.0.0.1:{sasl_ssl},\
SASL_PLAINTEXT://127.0.0.1:{sasl_plaintext},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=INTERNAL://127.0.0.1:{internal},SASL_SSL://127.0.0.1:{sasl_ssl},\
SASL_PLAINTEXT://127.0.0.1:{sasl_plaintext}
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,\
SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\
org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=\
org.apache.kafka.common.security.plain.PlainLoginModule required user_{user}="{password}";
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=\
org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.plain.sasl.jaas.config=\
org.apache.kafka.common.security.plain.PlainLoginModule required user_{user}="{password}";
ssl.keystore.type=PEM
ssl.keystore.location={keystore}
log.dirs={data}
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
"""

_LOG4J = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
"""


@dataclass(frozen=True)
class SecuredBroker:
    """Where the secured listeners are, and the CA that signed the broker's certificate."""

    sasl_ssl: str
    sasl_plaintext: str
    ca: Path
    log: Path


def make_pki(root: Path) -> Path:
    """A test CA and a broker key+certificate (PEM, for 127.0.0.1) signed by it."""
    ca = make_ca(root)
    key, certificate = issue(root, "broker", "/CN=127.0.0.1", san="IP:127.0.0.1,DNS:localhost")
    # Kafka's PEM keystore: the (PKCS#8, unencrypted) key followed by the certificate.
    (root / "keystore.pem").write_text(key.read_text() + certificate.read_text())
    return ca


def start(root: Path, cache: Path, ports: list[int]) -> tuple[subprocess.Popen, SecuredBroker]:
    """Format storage with the SCRAM user, start the JVM, wait for the INTERNAL listener."""
    internal, sasl_ssl, sasl_plaintext, controller = ports
    ca = make_pki(root)
    libs = jars.fetch(cache)
    java = shutil.which("java") or "java"
    server = root / "server.properties"
    server.write_text(
        _SERVER.format(
            internal=internal, sasl_ssl=sasl_ssl, sasl_plaintext=sasl_plaintext,
            controller=controller, user=USER, password=PASSWORD,
            keystore=root / "keystore.pem", data=root / "data",
        )
    )  # fmt: skip
    log = root / "broker.log"
    log4j = root / "log4j2.properties"
    log4j.write_text(_LOG4J.format(log=log))
    base = [java, f"-Dlog4j2.configurationFile={log4j}", "-cp", f"{libs}/*"]
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
    subprocess.run(
        [*base, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(server),
         "--add-scram", f"SCRAM-SHA-512=[name={USER},password={PASSWORD}]"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    with (root / "broker.out").open("ab") as console:
        process = subprocess.Popen(
            [*base[:1], "-Xmx256m", "-Xms128m", *base[1:], "kafka.Kafka", str(server)],
            stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_ready(
            f"127.0.0.1:{internal}", 120, still_starting=lambda: process.poll() is None
        )
    except Exception:
        stop(process)
        raise
    return process, SecuredBroker(
        sasl_ssl=f"127.0.0.1:{sasl_ssl}",
        sasl_plaintext=f"127.0.0.1:{sasl_plaintext}",
        ca=ca,
        log=log,
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the JVM this module started, SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
