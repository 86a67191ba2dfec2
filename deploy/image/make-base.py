#!/usr/bin/env python3
"""Assembles the image's base (a Java 17 runtime on the glibc of this machine) offline, as a
`docker save` tarball that Jib takes as `tar://PATH`. No registry is needed.

    make-base.py JAVA_HOME OUT.tar

The runtime is jlink'ed from JAVA_HOME's jmods; the shared libraries it loads (ldd of every ELF
file in it) and the dynamic loader are copied from this machine; /etc/passwd and /etc/group name a
non-root user `dispatcher` (65532); /tmp is world-writable (sticky) for a writable volume.
"""
import hashlib, io, json, os, shutil, subprocess, sys, tarfile, tempfile, time

MODULES = ["java.base", "java.se", "jdk.unsupported", "jdk.crypto.ec", "jdk.crypto.cryptoki",
           "jdk.management", "jdk.management.agent", "jdk.naming.dns", "jdk.zipfs", "jdk.net",
           "jdk.jfr", "jdk.localedata", "jdk.charsets", "jdk.jdwp.agent", "jdk.attach"]
UID = 65532
EPOCH = 1  # reproducible: every file's mtime


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main(java_home, out):
    work = tempfile.mkdtemp()
    try:
        root = os.path.join(work, "root")
        jre = os.path.join(root, "opt/java")
        os.makedirs(os.path.dirname(jre))
        run(os.path.join(java_home, "bin/jlink"), "--module-path", os.path.join(java_home, "jmods"),
            "--add-modules", ",".join(MODULES), "--strip-debug", "--no-man-pages", "--no-header-files",
            "--compress=2", "--output", jre)
        # Debian's JDK links cacerts and policy files to /etc: jlink copies the links' targets? make sure.
        for dirpath, _, files in os.walk(jre):
            for f in files:
                p = os.path.join(dirpath, f)
                if os.path.islink(p):
                    target = os.path.realpath(p)
                    os.unlink(p)
                    shutil.copy2(target, p)
        libs = set()
        for dirpath, _, files in os.walk(jre):
            for f in files:
                p = os.path.join(dirpath, f)
                with open(p, "rb") as fh:
                    if fh.read(4) != b"\x7fELF":
                        continue
                try:
                    out_ldd = run("ldd", p)
                except subprocess.CalledProcessError:
                    continue
                for line in out_ldd.splitlines():
                    parts = line.split()
                    if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
                        libs.add(parts[2])
                    elif parts and parts[0].startswith("/"):
                        libs.add(parts[0])
        libs = {l for l in libs if not l.startswith(jre) and not l.startswith(java_home)}
        # glibc's DNS and user lookups load these at run time (not visible to ldd).
        for extra in ("libnss_dns.so.2", "libnss_files.so.2", "libresolv.so.2"):
            for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"):
                if os.path.exists(os.path.join(d, extra)):
                    libs.add(os.path.join(d, extra))
                    break
        for lib in sorted(libs):
            real = os.path.realpath(lib)
            dest = os.path.join(root, lib.lstrip("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy2(real, dest)
        etc = os.path.join(root, "etc")
        os.makedirs(etc, exist_ok=True)
        with open(os.path.join(etc, "passwd"), "w") as f:
            f.write(f"root:x:0:0:root:/root:/sbin/nologin\ndispatcher:x:{UID}:{UID}:dispatcher:/home/dispatcher:/sbin/nologin\n")
        with open(os.path.join(etc, "group"), "w") as f:
            f.write(f"root:x:0:\ndispatcher:x:{UID}:\n")
        with open(os.path.join(etc, "nsswitch.conf"), "w") as f:
            f.write("passwd: files\ngroup: files\nhosts: files dns\n")
        os.makedirs(os.path.join(root, "tmp"))
        os.chmod(os.path.join(root, "tmp"), 0o1777)
        os.makedirs(os.path.join(root, "home/dispatcher"))

        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            entries = []
            for dirpath, dirs, files in os.walk(root):
                dirs.sort()
                rel = os.path.relpath(dirpath, root)
                if rel != ".":
                    entries.append(rel)
                entries.extend(os.path.normpath(os.path.join(rel, f)) for f in sorted(files))
            for rel in entries:
                info = tar.gettarinfo(os.path.join(root, rel), arcname=rel)
                info.mtime = EPOCH
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if rel == "home/dispatcher":
                    info.uid = info.gid = UID
                if info.isfile():
                    with open(os.path.join(root, rel), "rb") as fh:
                        tar.addfile(info, fh)
                else:
                    tar.addfile(info)
        layer_bytes = layer.getvalue()
        diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
        config = {
            "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:01Z",
            "config": {"Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java"], "User": str(UID)},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": "1970-01-01T00:00:01Z", "created_by": "deploy/image/make-base.py (jlink of the local JDK 17 + its glibc)"}],
        }
        config_bytes = json.dumps(config, sort_keys=True).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        manifest = [{"Config": config_name, "RepoTags": ["edge-dispatcher-base:local"], "Layers": ["layer.tar"]}]
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with tarfile.open(out, "w") as tar:
            for name, data in (("layer.tar", layer_bytes), (config_name, config_bytes),
                               ("manifest.json", json.dumps(manifest).encode())):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = EPOCH
                tar.addfile(info, io.BytesIO(data))
        print(f"base image: {out} ({len(layer_bytes) // 1048576} MiB layer, {len(libs)} libraries)")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
