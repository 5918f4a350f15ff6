#!/usr/bin/env bash
# Turns the local host's root filesystem (after local/host-image/configure-rootfs.sh) into the EC2
# twin's: a Debian 12 host as an EC2 instance presents itself to a deploy. cloud-init runs the
# instance's user data at first boot from a NoCloud seed (written by local/ec2-twin/twin.sh), the
# login user is `admin` with passwordless sudo and the key from the instance's meta-data, root
# logins are refused, and the SSH host keys are the ones the user data gives (or cloud-init's).
#
# Stand-ins, each named where it is made: the network is Docker's (cloud-init does not configure
# it); the hostname is Docker's; Docker's engine is this machine's, reached through a mounted socket
# (no --privileged here, so no dockerd inside); the AWS CLI answers only ECR's login password.
# Usage: configure-rootfs.sh ROOTFS   (run as root by local/host-image/build.sh)
set -euo pipefail

rootfs=${1:?usage: configure-rootfs.sh ROOTFS}
[[ -x "$rootfs/usr/bin/cloud-init" ]] || { echo "ec2-twin: $rootfs has no cloud-init" >&2; exit 1; }

# sshd as on Debian's AMIs: keys only, no root login. PAM stays on: with UsePAM no, sshd refuses
# the users cloud-init creates, whose password is locked.
cat >"$rootfs/etc/ssh/sshd_config.d/10-gin-deploy.conf" <<'CONF'
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
X11Forwarding no
CONF

# The host keys come from cloud-init (the user data's ssh_keys), not from the local host's unit.
rm -f "$rootfs/etc/systemd/system/multi-user.target.wants/ssh-host-keys.service" \
  "$rootfs/etc/systemd/system/ssh-host-keys.service"
rm -rf "$rootfs/etc/systemd/system/ssh.service.d"
# cloud-init orders itself before sshd.service: the alias makes that name Debian's ssh.service.
ln -sf /lib/systemd/system/ssh.service "$rootfs/etc/systemd/system/sshd.service"

# cloud-init as on Debian's EC2 images (debian-cloud-images: admin, passwordless sudo), reading the
# NoCloud seed in /var/lib/cloud/seed/nocloud.
cat >"$rootfs/etc/cloud/cloud.cfg.d/90-ec2-twin.cfg" <<'CFG'
datasource_list: [ NoCloud, None ]
disable_root: true
system_info:
  default_user:
    name: admin
    lock_passwd: true
    gecos: Debian
    groups: [adm, audio, cdrom, dialout, dip, floppy, plugdev, sudo, video]
    sudo: ["ALL=(ALL) NOPASSWD:ALL"]
    shell: /bin/bash
# Stand-ins: Docker gives the container its network and its hostname (it also keeps /etc/hosts,
# so sudo resolves the hostname); there is no disk to grow.
network: {config: disabled}
preserve_hostname: true
growpart: {mode: "off"}
resize_rootfs: false
CFG
mkdir -p "$rootfs/var/lib/cloud/seed/nocloud"

# Docker: the engine is this machine's, through /run/docker.sock (mounted when the twin starts for
# container mode). The user data's `docker.io` package still installs the client; its daemon's
# units are replaced by one that checks the engine answers, and containerd's is masked.
cat >"$rootfs/etc/systemd/system/docker.service" <<'UNIT'
[Unit]
Description=Docker (EC2 twin stand-in: this machine's engine through /run/docker.sock)

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/docker version

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /dev/null "$rootfs/etc/systemd/system/docker.socket"
ln -sf /dev/null "$rootfs/etc/systemd/system/containerd.service"

# The AWS CLI: no AWS API is reachable here. Before the packaged one on PATH, it answers ECR's
# login password only (the local registry standing in for ECR accepts any password).
cat >"$rootfs/usr/local/bin/aws" <<'SH'
#!/bin/sh
# EC2 twin stand-in for the AWS CLI (local/ec2-twin/image/configure-rootfs.sh).
case "$1 $2" in
  "ecr get-login-password") echo ec2-twin-token ;;
  *) echo "aws (EC2 twin stand-in): only 'aws ecr get-login-password' is stood in for" >&2; exit 1 ;;
esac
SH
chmod 0755 "$rootfs/usr/local/bin/aws"

# The locale cloud-init sets by default (en_US.UTF-8), generated as on Debian's cloud images.
sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' "$rootfs/etc/locale.gen"
chroot "$rootfs" locale-gen >/dev/null

echo ec2-twin >"$rootfs/etc/hostname"
