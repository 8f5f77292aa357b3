"""Embedded PostgreSQL for zero-configuration dev runs and tests.

We use the PostgreSQL 16 binaries shipped inside the `pgserver` wheel, but drive them ourselves so the
server listens on 127.0.0.1 TCP (as production does) on a free port, with its data in a project-local
folder that survives restarts. PostgreSQL refuses to run as root, so when we are root the server runs
as an unprivileged system user (`pgserver`, the same one the package itself would create).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():  # pgserver's import warns about XDG_RUNTIME_DIR, which we do not use
    warnings.simplefilter("ignore")
    import pgserver._commands as pg_commands

BIN = pg_commands.POSTGRES_BIN_PATH
DATABASE = "loan_engine"
_SERVICE_USER = "pgserver"


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be initialised, started or stopped."""


@dataclass
class EmbeddedPostgres:
    """A private PostgreSQL cluster in `data_dir` on 127.0.0.1:`port`."""

    data_dir: Path
    port: int = 0
    durable: bool = True  # tests turn fsync off: their clusters are thrown away
    owned: bool = False  # True when we started the server, so stop() is ours to do

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def socket_dir(self) -> Path:
        return self.data_dir / "run"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> EmbeddedPostgres:
        """Initialise the cluster if needed, start it, and create the application database."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        user = _service_user()
        if user is not None:
            _grant(self.data_dir, user)
        if not (self.pgdata / "PG_VERSION").exists():
            self._run(
                user,
                "initdb",
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "-N",
            )
        if self.is_running():  # another `loan-engine` (or one that was killed) already runs it: share it
            self.port = int((self.pgdata / "postmaster.pid").read_text().splitlines()[3])
            self.owned = False
            self._ensure_database(user)
            return self
        self.owned = True
        self.port = self.port or free_port()
        options = f"-h 127.0.0.1 -p {self.port} -k {self.socket_dir}"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        log = self.data_dir / "postgres.log"
        self._run(user, "pg_ctl", "-D", str(self.pgdata), "-w", "-t", "30", "-l", str(log), "-o", options, "start")
        self._ensure_database(user)
        return self

    def stop(self) -> None:
        """Stop the server if we started it (fast shutdown: sessions are disconnected, data is kept)."""
        if self.owned and self.is_running():
            self._run(_service_user(), "pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "stop")

    def is_running(self) -> bool:
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            os.kill(int(pid_file.read_text().split()[0]), 0)
        except (ValueError, ProcessLookupError, PermissionError):
            return False
        return True

    def _ensure_database(self, user: pwd.struct_passwd | None) -> None:
        psql = ("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-tAc")
        exists = self._run(user, *psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")  # noqa: S608 - constant
        if exists.strip() != "1":
            self._run(user, *psql, f"CREATE DATABASE {DATABASE}")

    def _run(self, user: pwd.struct_passwd | None, program: str, *args: str) -> str:
        command = [str(BIN / program), *args]
        if user is not None:
            command = ["runuser", "-u", user.pw_name, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd="/")  # noqa: S603
        if result.returncode != 0:
            raise EmbeddedPostgresError(f"{program} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _service_user() -> pwd.struct_passwd | None:
    """None when we may run PostgreSQL ourselves; otherwise the unprivileged user to run it as."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(_SERVICE_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        subprocess.run(  # noqa: S603 - fixed arguments
            [useradd, "--system", "--no-create-home", "-s", "/usr/sbin/nologin", _SERVICE_USER],
            check=True,
        )
        return pwd.getpwnam(_SERVICE_USER)


def _grant(data_dir: Path, user: pwd.struct_passwd) -> None:
    """Give the service user the data folder, and the right to traverse (not list) every parent
    folder of it and of the PostgreSQL binaries, which a 0700 home or temp folder would otherwise deny."""
    subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(data_dir)], check=True)  # noqa: S603, S607
    for start in (data_dir, BIN):
        for parent in start.resolve().parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
