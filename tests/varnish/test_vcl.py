"""deploy/varnish compiles as docker-compose.yml runs it (varnishd -C), with
the web servers' names pointed at this machine: varnishd resolves a backend's
host when it loads the VCL, and web1 and web2 exist only inside compose."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

VCL_DIR = Path(__file__).resolve().parents[2] / "deploy" / "varnish"
VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")


@pytest.mark.skipif(
    VARNISHD is None,
    reason="varnishd is not installed (apt-get install varnish varnish-modules; "
    ".ci/run does)",
)
def test_the_compose_vcl_compiles_with_xkey():
    # varnishd's compiler runs as its own user: it must reach the folder.
    tmp_path = Path(tempfile.mkdtemp(prefix="newsroom-vcl-"))
    tmp_path.chmod(0o755)
    try:
        _compile(tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _compile(tmp_path: Path) -> None:
    backends = (VCL_DIR / "backends.vcl").read_text()
    (tmp_path / "backends.vcl").write_text(
        backends.replace('"web1"', '"127.0.0.1"').replace('"web2"', '"127.0.0.1"')
    )
    result = subprocess.run(  # noqa: S603 (our own argument list)
        [
            VARNISHD,
            "-C",
            "-n",
            str(tmp_path / "work"),
            "-p",
            f"vcl_path={tmp_path}:{VCL_DIR}:/usr/share/varnish/vcl",
            "-f",
            str(VCL_DIR / "default.vcl"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert "vmod_xkey" in result.stderr  # the C it compiles to imports xkey
