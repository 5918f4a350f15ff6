#!/usr/bin/env bash
# Turns a debootstrapped Debian root filesystem into the local host's image:
# systemd as PID 1 inside Docker, sshd with key-only root login, no consoles.
# Usage: configure-rootfs.sh ROOTFS   (run as root on the build machine)
set -euo pipefail

rootfs=${1:?usage: configure-rootfs.sh ROOTFS}
[[ -x "$rootfs/lib/systemd/systemd" ]] || { echo "configure-rootfs: $rootfs has no systemd" >&2; exit 1; }

# Key-only login: no passwords of any kind; root may log in with a key (the checkout's key is
# installed by local/host.sh after the container starts).
cat >"$rootfs/etc/ssh/sshd_config.d/10-gin-deploy.conf" <<'CONF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
UsePAM no
X11Forwarding no
CONF
# The root account has no usable password ("*": no password matches, yet the account is not
# "locked", which sshd without PAM would refuse even for key logins).
chroot "$rootfs" usermod -p '*' root

# Host keys are made per container on first boot, not baked into the image.
rm -f "$rootfs"/etc/ssh/ssh_host_*
cat >"$rootfs/etc/systemd/system/ssh-host-keys.service" <<'UNIT'
[Unit]
Description=Generate this host's SSH host keys
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/ssh-host-keys.service \
  "$rootfs/etc/systemd/system/multi-user.target.wants/ssh-host-keys.service"
mkdir -p "$rootfs/etc/systemd/system/ssh.service.d"
printf '[Unit]\nRequires=ssh-host-keys.service\nAfter=ssh-host-keys.service\n' \
  >"$rootfs/etc/systemd/system/ssh.service.d/host-keys.conf"
ln -sf /lib/systemd/system/ssh.service "$rootfs/etc/systemd/system/multi-user.target.wants/ssh.service"

# Nothing in a container drives consoles, udev or kernel modules: mask what would fail.
for unit in getty@tty1.service console-getty.service serial-getty@.service \
  systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service \
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
  systemd-remount-fs.service systemd-firstboot.service; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done

# The service unit asks journald for no rate limit (LogRateLimitIntervalSec=0), so a busy
# service's request log cannot crowd out the line that explains a crash. journald learns that
# per-unit setting from an xattr on the unit's cgroup, which Docker's cgroup mounts do not carry:
# in this container, the same setting has to be made for journald as a whole.
mkdir -p "$rootfs/etc/systemd/journald.conf.d"
printf '[Journal]\nRateLimitIntervalSec=0\n' >"$rootfs/etc/systemd/journald.conf.d/10-gin-deploy.conf"

# Each container gets its own machine id at boot.
: >"$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"
echo gin-deploy-host >"$rootfs/etc/hostname"

# Keep the image small: package lists and caches are not needed on the host.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
