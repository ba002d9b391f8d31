#!/bin/busybox sh
# /init of the kernel-matrix initramfs: mount what ringtap needs, run the
# scenario, print its results on the serial console between markers, power off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts # prog_proc_events opens a pty
mount -t tmpfs tmpfs /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
hostname kernels-vm
echo "RINGTAP-MATRIX-BEGIN"
echo "kernel $(uname -r) $(uname -m)"
/scenario.sh /opt/ringtap /tmp/out
# Of the OCSF copy, only the module events come back (the console is slow).
grep '"class_uid":1002,' /tmp/out/events.ocsf.ndjson >/tmp/out/module.ocsf.ndjson
cd /tmp/out && tar -c events.ndjson module.ocsf.ndjson ringtap.log steps.txt facts.txt step-*.out 2>/dev/null | gzip | base64
echo "RINGTAP-MATRIX-END"
sync
reboot -f
