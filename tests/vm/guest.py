"""Builds the test guest from what Debian installed on this machine: the
stock kernel (as an uncompressed vmlinux, which qemu boots directly through
PVH, without firmware) and a tiny initramfs with busybox and the modules that
reach the host's root over 9p. Everything else (systemd-udevd, python, our
freshly built binaries, the kernel's other modules) comes from the host's
root, shared read-only, so the guest never goes stale against the build.

Both files are cached in the build folder, keyed by the kernel version and
by the content of what goes into them."""

import glob
import hashlib
import lzma
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# enough to mount the host's root over virtio-9p and talk to the host over
# virtio-serial; udevd loads everything else from the host's /lib/modules
BOOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'virtio_console']


class Missing(Exception):
    """Something the guest needs is not installed (the test is skipped)."""


def kernel_version():
    """The newest Debian kernel with both an image and its modules."""
    found = []
    for image in glob.glob('/boot/vmlinuz-*'):
        version = image[len('/boot/vmlinuz-'):]
        if os.path.isdir('/lib/modules/%s/kernel' % version):
            found.append(version)
    if not found:
        raise Missing('no Debian kernel: install linux-image-amd64')
    return sorted(found, key=lambda v: [int(x) if x.isdigit() else x
                                        for x in re.split(r'[.-]', v)])[-1]


def extract_vmlinux(vmlinuz, out):
    """The kernel inside a bzImage is an xz stream (Debian); the ELF vmlinux
    it holds boots under qemu's PVH entry point."""
    with open(vmlinuz, 'rb') as f:
        data = f.read()
    magic = b'\xfd7zXZ\x00'
    start = data.find(magic)
    while start >= 0:
        try:
            elf = lzma.LZMADecompressor().decompress(data[start:])
        except lzma.LZMAError:
            elf = b''
        if elf.startswith(b'\x7fELF'):
            with open(out + '.tmp', 'wb') as f:
                f.write(elf)
            os.rename(out + '.tmp', out)
            return
        start = data.find(magic, start + 1)
    raise Missing('cannot find the xz-compressed kernel in %s' % vmlinuz)


def module_closure(version):
    """Module files of BOOT_MODULES and their dependencies, in load order."""
    order = []
    for name in BOOT_MODULES:
        out = subprocess.run(['modprobe', '-S', version, '--show-depends', name],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            words = line.split()
            if words and words[0] == 'insmod' and words[1] not in order:
                order.append(words[1])
    return order


def busybox():
    """busybox-static: the initramfs has no libraries for a dynamic one."""
    for path in ('/bin/busybox', '/usr/bin/busybox'):
        if os.path.exists(path):
            with open(path, 'rb') as f:
                head = f.read(4096)
            if b'/lib64/ld-linux' not in head:  # no program interpreter
                return path
    raise Missing('no static busybox: install busybox-static')


def make_initramfs(version, out):
    modules = module_closure(version)
    with tempfile.TemporaryDirectory() as root:
        for d in ('bin', 'sbin', 'proc', 'sys', 'dev', 'newroot', 'modules'):
            os.makedirs(os.path.join(root, d))
        shutil.copy(busybox(), os.path.join(root, 'bin', 'busybox'))
        shutil.copy(os.path.join(HERE, 'init'), os.path.join(root, 'init'))
        os.chmod(os.path.join(root, 'init'), 0o755)
        names = []
        for path in modules:
            name = os.path.basename(path)
            if name.endswith('.xz'):
                with lzma.open(path) as src, open(os.path.join(root, 'modules', name[:-3]),
                                                  'wb') as dst:
                    shutil.copyfileobj(src, dst)
                name = name[:-3]
            else:
                shutil.copy(path, os.path.join(root, 'modules', name))
            names.append(name)
        with open(os.path.join(root, 'modules', 'order'), 'w') as f:
            f.write('\n'.join(names) + '\n')
        files = subprocess.run('find . | sort', shell=True, cwd=root, capture_output=True,
                               check=True).stdout
        with open(out + '.tmp', 'wb') as f:
            subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet'], cwd=root, input=files,
                           stdout=f, check=True)
        os.rename(out + '.tmp', out)


def cache_key(version):
    h = hashlib.sha256(version.encode())
    for path in (os.path.join(HERE, 'init'), os.path.abspath(__file__), busybox()):
        with open(path, 'rb') as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def build(cache_dir):
    """Returns (vmlinux, initramfs, kernel version), building what is not cached."""
    for tool in ('qemu-system-x86_64', 'cpio', 'modprobe'):
        if shutil.which(tool) is None:
            raise Missing('%s is missing: install qemu-system-x86, cpio and kmod' % tool)
    version = kernel_version()
    os.makedirs(cache_dir, exist_ok=True)
    vmlinux = os.path.join(cache_dir, 'vmlinux-%s' % version)
    if not os.path.exists(vmlinux):
        extract_vmlinux('/boot/vmlinuz-%s' % version, vmlinux)
    initramfs = os.path.join(cache_dir, 'initramfs-%s.cpio' % cache_key(version))
    if not os.path.exists(initramfs):
        for old in glob.glob(os.path.join(cache_dir, 'initramfs-*.cpio')):
            os.unlink(old)
        make_initramfs(version, initramfs)
    return vmlinux, initramfs, version
